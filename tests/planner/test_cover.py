"""The covering model with lazy cycle cuts (issue #13): exact, and its cuts are what makes it so.

The covering relaxation forgets the order of prerequisites; a group of modules teaching each other's
prerequisites is refused by a cut and the model solved again. Checked on a hand-made cycle, against the
rounds model (:mod:`curriculum.planner.model`) on random catalogues with cycles, and through the fallback
to the rounds model when the cut rounds run out.
"""

from __future__ import annotations

from curriculum.models import Module
from curriculum.planner import cover
from curriculum.planner.candidates import Candidates, candidate_modules
from curriculum.planner.cover import solve_covering, stuck_groups
from curriculum.planner.model import build_model
from curriculum.planner.reach import Graph, relevant_modules
from curriculum.planner.select import (OPTIMAL, SelectionProblem, _eur, _hours10, _weight, solve_lexicographic,
                                       solve_selection)
from curriculum.cpsat import cp_model
from tests.planner.test_formulations import objective, random_problem, violations

S = "http://data.europa.eu/esco/skill/cyc-"


def mod(i: str, outs, pre, hours: float) -> Module:
    return Module.model_validate(dict(id=i, title=f"Module {i}", duration_hours=hours, cost_eur=0, modality="online",
                                      provider="t", outcomes=[{"skill": S + s, "level": lv} for s, lv in outs],
                                      prerequisites={"skills": [{"skill": S + s, "level": lv} for s, lv in pre]}))


def cycle_problem() -> SelectionProblem:
    """A (1 h) teaches a at 2 and needs b at 1; B (1 h) teaches b and needs a at 1: cheap, and a cycle.
    C (5 h) teaches a at 1 and D (10 h) b, with no prerequisite. The plan is C, B, A: 7 h."""
    mods = [mod("ma", [("a", 2)], [("b", 1)], 1), mod("mb", [("b", 1)], [("a", 1)], 1),
            mod("mc", [("a", 1)], [], 5), mod("md", [("b", 1)], [], 10)]
    return SelectionProblem({m.id: m for m in mods}, [(S + "a", 2)], [], {})


def test_a_cycle_is_cut_and_the_plan_is_the_cheapest_valid_one():
    problem = cycle_problem()
    cands = candidate_modules(problem)
    assert {"ma", "mb", "mc"} <= {cands.graph.ids[m] for m in cands.indexes}
    ids = cands.graph.ids
    # the relaxation's first answer is A + B (2 h): stuck, the group {A, B} refused unless C or D is taken
    groups = stuck_groups(cands.graph, [ids.index("ma"), ids.index("mb")])
    assert [([ids[m] for m in group], [ids[t] for t in outside]) for group, outside in groups] == [(["ma", "mb"], sorted({"mc", "md"} & set(ids)))]
    result = solve_covering(problem, cands, 10.0)
    assert result.status == cp_model.OPTIMAL and result.cuts
    assert sorted(ids[m] for m in result.chosen) == ["ma", "mb", "mc"]
    assert solve_selection(problem).order == ["mc", "mb", "ma"]


def rounds_optimum(problem: SelectionProblem) -> tuple[str, list[str]]:
    """The rounds model alone on every relevant module (no dominance, bound or hint)."""
    mods = relevant_modules(problem.modules, problem.gaps, problem.certification_gaps, problem.held)
    g = Graph(mods, problem.held, problem.gaps, problem.certification_gaps)
    hours10, eur = [_hours10(m) for m in g.modules], [_eur(m) for m in g.modules]
    weight = [_weight(problem, m, h, c) for m, h, c in zip(g.modules, hours10, eur)]
    built = build_model(problem, Candidates(g, [True] * len(g.ids), weight, hours10, eur))
    if built is None:
        return "INFEASIBLE", []
    model, x = built
    solver, code = solve_lexicographic(model, [(x[m], weight[m]) for m in x], 10.0)
    return solver.status_name(code), [g.ids[m] for m in x if code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
                                      and solver.value(x[m])]


def test_same_optimum_as_the_rounds_model_on_catalogues_with_cycles():
    """300 random problems (raw catalogues: prerequisite cycles, self-teaching modules, named modules; dense
    ones: shared transversal prerequisites): same status and objective; some needed cuts."""
    with_cuts = 0
    for seed in range(300):
        problem = random_problem(seed, "raw" if seed % 2 else "dense")
        cands = candidate_modules(problem)
        covering = solve_covering(problem, cands, 10.0)
        with_cuts += bool(covering.cuts)
        status, order = rounds_optimum(problem)
        assert status in ("OPTIMAL", "INFEASIBLE")
        new = solve_selection(problem)
        assert new.status == status.lower(), (seed, new.status, status)
        if status == "OPTIMAL":
            assert violations(problem, new.order) == []
            assert objective(problem, new.order) == objective(problem, order), seed
    assert with_cuts >= 5, with_cuts  # the property is about the cuts: they must have been exercised


def test_out_of_cut_rounds_the_rounds_model_finishes_exactly(monkeypatch):
    """With one covering solve allowed, the cycle A + B is left to the rounds model, which gets the cut too."""
    monkeypatch.setattr(cover, "MAX_CUT_ROUNDS", 1)
    problem = cycle_problem()
    covering = solve_covering(problem, candidate_modules(problem), 10.0)
    assert covering.status is None and len(covering.cuts) == 1
    result = solve_selection(problem)
    assert result.status == OPTIMAL and result.order == ["mc", "mb", "ma"]


def test_a_preference_tier_plan_survives_cycles():
    """The preference tier (hours outside preferred modalities) is solved first with its own cuts: the
    cycle A + B (preferred) is refused there, C (5 h) is outside the preference and D (10 h) inside it, so the
    plan is D then A (11 h) although C, B, A takes 7 h."""
    problem = cycle_problem()
    problem.preferred = {"ma": True, "mb": True, "mc": False, "md": True}
    result = solve_selection(problem)
    assert result.status == OPTIMAL and violations(problem, result.order) == []
    assert result.order == ["md", "ma"]
