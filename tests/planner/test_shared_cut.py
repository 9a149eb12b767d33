"""Plans share what they can and stay the same plans (issue #11, item 4: plans over a regional catalogue).

* the dominance cut decided on bit masks before any graph is built, with a graph of the modules kept,
  gives the same candidates, hint, bounds and CP-SAT model as the former cut on the graph of every
  relevant module (random problems of ``test_formulations``);
* a selection through the shared structures (catalogue-wide teacher index filtered to the usable
  modules, weights on arrays, masks kept per key set, one object per set of usable modules) equals the
  same selection computed from plain dictionaries, for every selection of synthetic learners' plans
  and relaxations on a dense catalogue;
* relaxation re-plans reuse cuts; a plan after the caches are dropped is the same plan;
* a module saved or removed in the catalogue (a new object, as the editor does) is planned with its
  new figures: caches are keyed on the module objects themselves.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import make_dense_catalogue, make_learners
from curriculum.exports import path_to_json
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.planner import candidates, joint, pathway
from curriculum.planner.candidates import candidate_modules, cut_by_caps_and_bound, prune_dominated
from curriculum.planner.index import forget_learners
from curriculum.planner.model import build_model
from curriculum.planner.reach import Graph, relevant_modules
from curriculum.planner.select import SelectionProblem, _eur, _hours10, _weight, solve_selection
from curriculum.services import Workspace
from curriculum.settings import Settings
from tests.conftest import KB_DIR
from tests.planner.test_formulations import random_problem

VOLATILE = ("generated_at", "plan_seconds")


def _stable(path) -> dict:
    data = json.loads(path_to_json(path))
    for key in VOLATILE:
        data["provenance"].pop(key, None)
    return data


def full_graph_candidates(problem: SelectionProblem):
    """The former cut: the graph of every relevant module, dominance on it, then caps and bound."""
    g = Graph(relevant_modules(problem.modules, problem.gaps, problem.certification_gaps, problem.held),
              problem.held, problem.gaps, problem.certification_gaps)
    hours10, eur = [_hours10(m) for m in g.modules], [_eur(m) for m in g.modules]
    weight = [_weight(problem, m, h, c) for m, h, c in zip(g.modules, hours10, eur)]
    return cut_by_caps_and_bound(problem, g, prune_dominated(g, [True] * len(g.ids), weight, hours10, eur),
                                 weight, hours10, eur)


def by_id(c) -> dict:
    """Candidates named by module id: what a cut decides, whatever the graph's numbering."""
    g = c.graph
    return {"alive": [g.ids[m] for m in c.indexes], "hint": [g.ids[m] for m in c.hint],
            "bound": {g.ids[m]: c.bound[m] for m in c.indexes},
            "weight": {g.ids[m]: c.weight[m] for m in c.indexes}, "keys": g.keys, "targets": g.targets}


def model_text(problem: SelectionProblem, c) -> str | None:
    """The CP-SAT model built on the candidates, as text (None: nothing to solve)."""
    built = build_model(problem, c)
    return None if built is None else str(built[0].Proto())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), kind=st.sampled_from(["raw", "dense", "tiered"]))
def test_cut_before_the_graph_as_on_the_whole_graph(seed, kind):
    problem = random_problem(seed, kind)
    new, old = candidate_modules(problem), full_graph_candidates(problem)
    assert by_id(new) == by_id(old)
    assert model_text(problem, new) == model_text(problem, old)  # the solver gets the very same model


@given(seed=st.integers(0, 10**6), kind=st.sampled_from(["raw", "dense"]))
@settings(max_examples=40, deadline=None)
def test_masks_are_the_graph_lists(seed, kind):
    problem = random_problem(seed, kind)
    g = Graph(relevant_modules(problem.modules, problem.gaps, problem.certification_gaps, problem.held),
              problem.held, problem.gaps, problem.certification_gaps)
    for k, m in enumerate(g.modules):
        needs, down, brings, brings_mask = g.masks(m)
        assert [b for b in range(len(g.keys)) if needs >> b & 1] == g.needs[k]
        assert {b for b in range(len(g.keys)) if down >> b & 1} == g.needs_down[k]
        assert list(brings) == g.brings[k] == [b for b in range(len(g.keys)) if brings_mask >> b & 1]


@pytest.fixture(scope="module")
def dense_workspace(tmp_path_factory):
    catalogue = make_dense_catalogue(800, seed=5)
    settings_ = Settings.from_env(data_dir=tmp_path_factory.mktemp("dense"), kb_dir=KB_DIR, llm_model="")
    return Workspace(settings_, catalogue), make_learners(8, catalogue, seed=8)


def captured_selections(monkeypatch, plan) -> list[SelectionProblem]:
    """The selection problems solved while ``plan()`` runs (relaxation re-plans included)."""
    problems: list[SelectionProblem] = []

    def spy(problem, time_limit=10.0, candidates=None):
        problems.append(problem)
        return solve_selection(problem, time_limit, candidates)
    monkeypatch.setattr(joint, "solve_selection", spy)  # where plan_pathway solves its selections
    plan()
    monkeypatch.undo()
    return problems


def test_shared_selections_as_plain_ones(dense_workspace, monkeypatch):
    ws, learners = dense_workspace
    seen = 0
    for learner in learners[:4]:
        problems = captured_selections(monkeypatch, lambda: ws.plan(learner, use_embeddings=False))
        for p in problems:
            assert p.shared is not None and p.eligibility is not None
            plain = SelectionProblem(dict(p.modules), list(p.gaps), list(p.certification_gaps), dict(p.held),
                                     preferred={i: p.eligibility[i].preferred for i in p.modules},
                                     distance_km={i: p.eligibility[i].distance_km or 0.0 for i in p.modules},
                                     hours_cap=p.hours_cap, budget_cap=p.budget_cap, objective=p.objective,
                                     language=p.language, pins=p.pins, excluded=p.excluded, forbidden=p.forbidden,
                                     timing=p.timing, windows=p.windows)
            shared, own = candidate_modules(p), candidate_modules(plain)
            assert by_id(shared) == by_id(own)
            assert model_text(p, shared) == model_text(plain, own)
            assert solve_selection(p) == solve_selection(plain)
            seen += 1
    assert seen >= 4 * 2  # each plan and its standard programme at least (a radius search solves nothing)


def test_each_cut_is_computed_once_and_plans_do_not_depend_on_caches(dense_workspace, monkeypatch):
    ws, learners = dense_workspace
    tight = [learners[0].model_copy(update={"hours_per_week": 1.0}),  # too few hours: deadline, hours searched
             learners[1].model_copy(update={"deadline": learners[1].start + dt.timedelta(weeks=3)}),
             learners[2].model_copy(update={"mobility_km": 1.0})]  # nothing near: the radius searched
    relaxed = [learner for learner in tight if ws.plan(learner, use_embeddings=False).relaxations]
    assert len(relaxed) >= 2
    asked, computed = [], []
    for learner in relaxed:
        warm = _stable(ws.plan(learner, use_embeddings=False))
        forget_learners()
        calls, cuts = [], []
        cut, compute = candidates.dominance_cut, candidates._cut

        def counted_cut(p):
            calls.append((id(p.shared), p.eligibility.signature, frozenset(p.gaps), frozenset(p.held.items()),
                          p.objective, p.language, p.pins, p.excluded,
                          None if p.timing is None else frozenset(p.timing.items())))
            return cut(p)
        monkeypatch.setattr(candidates, "dominance_cut", counted_cut)
        monkeypatch.setattr(pathway, "dominance_cut", counted_cut)
        monkeypatch.setattr(candidates, "_cut", lambda *a: cuts.append(1) or compute(*a))
        cold = _stable(ws.plan(learner, use_embeddings=False))
        monkeypatch.undo()
        assert len(cuts) == len(set(calls)), learner.id  # once per distinct learner situation, gaps, objective
        asked += calls
        computed += cuts
        assert cold == warm
    assert len(computed) < len(asked) / 2  # relaxation re-plans (hours, deadlines) mostly reuse cuts


def test_a_saved_or_removed_module_is_planned_as_it_now_is(tmp_path):
    catalogue = load_catalogue(KB_DIR)
    ws = Workspace(Settings.from_env(data_dir=tmp_path, kb_dir=KB_DIR, llm_model=""), catalogue)
    learner = next(learner for learner in make_learners(30, catalogue, seed=2)
                   if ws.plan(learner, use_embeddings=False).steps)
    before = ws.plan(learner, use_embeddings=False)
    step = before.steps[0]
    slower = catalogue.modules[step.module_id].model_copy(update={"duration_hours": step.hours + 7})
    catalogue.modules[step.module_id] = slower  # what the editor's save does: a new object, same id
    after = ws.plan(learner, use_embeddings=False)
    assert [s.hours for s in after.steps if s.module_id == step.module_id] in ([], [step.hours + 7])
    assert after.total_hours != before.total_hours
    del catalogue.modules[step.module_id]
    assert step.module_id not in {s.module_id for s in ws.plan(learner, use_embeddings=False).steps}
