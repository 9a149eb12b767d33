"""Module selection as a small exact optimisation (OR-Tools CP-SAT).

Decision: which eligible modules to take, and in which order.

* every coverable essential skill gap (skill, level) is closed by at least one selected module;
* every missing mandatory certification is awarded by a selected module;
* every prerequisite skill (skill, level) of a selected module is held by the learner or taught,
  at that level, by a selected module placed **earlier** (order variables make this exact, so
  prerequisite cycles can never be selected); explicit module prerequisites likewise;
* optional caps: total hours ≤ ``hours_cap``; total cost ≤ ``budget_cap`` (EUR).

Skill ids are opaque (a certification rule's pseudo-skill ``cert:<CODE>`` is one more skill). Built
for dense catalogues (dozens of teachers per skill, shared prerequisites): the candidates are cut
without the solver, index-based (:mod:`curriculum.planner.candidates`: relevance, dominance, caps,
bounds against a plan found by following cheapest prerequisites, which becomes the solver's hint),
and the model (:mod:`curriculum.planner.model`) grows linearly with the catalogue: one "available
from" variable per needed (skill, level), not one link per (module, teacher) pair as in the former
model (:mod:`curriculum.planner.pairwise`, kept to test that both have the same optimum).

Objective, lexicographic: first the preference tier — fewest *hours* outside the preferred modalities,
then fewest hours in another language than the learner's (hours, not module counts: a preference only
changes the plan when a module in the preferred language or modality can replace one that is not,
never by picking fewer, longer modules) — solved first, then fixed at its optimum; then the objective's
own order (fewest hours, then lowest cost, then shortest travel; or cost, travel or remote hours first).
In the cut's weights the two tiers are one exact Python integer (``penalty × TIER + base``).

Deterministic: one search worker, a fixed seed and a *deterministic* time limit (CP-SAT's work
counter, not the clock), so the same problem gives the same selection on every run and machine
(for a given OR-Tools version), and the order is derived from the selected set alone. A wall-clock
limit stays as a generous safety net only. Stopping at a limit is a status
(``feasible``: best found, not proven optimal; ``timeout``: nothing found), never ``infeasible``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from curriculum.cpsat import cp_model

from curriculum.models import Module
from curriculum.planner.reach import achievable_levels, relevant_modules, teacher_index  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from curriculum.planner.candidates import Candidates
    from curriculum.planner.eligibility import EligibilityMap
    from curriculum.planner.shared import SharedModules
    from curriculum.planner.windows import Windows

W_NONPREFERRED = 10**6  # preference tier, per tenth of an hour outside the preferred modalities
W_OTHER_LANGUAGE = 1  # preference tier, per tenth of an hour taught in another language
TIER = 10**20  # one unit of the preference tier outweighs any plan's objective tier
W_HOUR_TENTH = 10**6
W_EUR = 10
OPTIMAL, FEASIBLE, INFEASIBLE, TIMEOUT = "optimal", "feasible", "infeasible", "timeout"
RANDOM_SEED = 2027
PROBING_LEVEL = 0  # CP-SAT presolve probing: off (see _solver)
WALL_CLOCK_FACTOR = 3.0  # the wall-clock safety net: time_limit × this + 1 s


@dataclass
class SelectionProblem:
    """Inputs of a selection.

    ``gaps`` are (skill id, required level) pairs to close; ``held`` maps skill id → level 0–4;
    ``distance_km`` and ``preferred`` are per module id (mappings: read with ``.get``). With ``shared``
    (:class:`~curriculum.planner.shared.SharedModules` whose ``modules`` is ``modules``) and
    ``eligibility`` (the :class:`~curriculum.planner.eligibility.EligibilityMap` whose views
    ``preferred`` and ``distance_km`` are), the relevant modules, objective weights and dominance cut
    come from arrays and are computed once for every selection with the same gaps, held levels,
    objective and learner situation.
    """

    modules: dict[str, Module]
    gaps: list[tuple[str, int]]
    certification_gaps: list[str]
    held: dict[str, int]
    preferred: dict[str, bool] = field(default_factory=dict)
    distance_km: dict[str, float] = field(default_factory=dict)
    hours_cap: float | None = None
    budget_cap: float | None = None
    objective: str = "hours"  # hours | cost | hours_any (preferred modalities ignored) | travel | in_person
    language: str | None = None  # the learner's language: modules in another language come after
    shared: SharedModules | None = None  # ``modules`` with what selections over them share, built once
    eligibility: EligibilityMap | None = None  # the learner situation ``preferred`` and ``distance_km`` view
    pins: tuple[str, ...] = ()  # module ids every selection must hold (targets ``("module", id)``)
    excluded: frozenset[str] = frozenset()  # module ids no selection may hold
    forbidden: tuple[frozenset[str], ...] = ()  # module sets already seen (no-good cuts): each is refused
    timing: dict[str, int] | None = None  # module id → timing class: a module only replaces one of its class
    windows: Windows | None = None  # a hard deadline's time windows (:mod:`curriculum.planner.windows`)


@dataclass
class SelectionResult:
    """A selection and how the solver ended.

    ``status``: ``optimal`` (proven best); ``feasible`` (a limit was reached: the best selection
    found, not proven optimal); ``timeout`` (a limit was reached before any selection was found:
    nothing is known about feasibility); ``infeasible`` (proven: no selection meets the constraints).
    ``order``: the selected module ids in a valid order. ``limit``: which limit stopped the solver
    (``deterministic`` or ``wall_clock``; ``None`` when it finished) and ``time_limit`` its budget.
    """

    status: str
    order: list[str] = field(default_factory=list)
    hours: float = 0.0
    cost_eur: float = 0.0
    limit: str | None = None
    time_limit: float | None = None

    @property
    def found(self) -> bool:
        """True when a selection was found."""
        return self.status in (OPTIMAL, FEASIBLE)

    @property
    def timed_out(self) -> bool:
        """True when the solver stopped at a limit (with or without a selection)."""
        return self.status in (FEASIBLE, TIMEOUT) and self.limit is not None


def _hours10(m: Module) -> int:
    return int(round(m.duration_hours * 10))


def _eur(m: Module) -> int:
    return int(round(m.cost_eur))


OBJECTIVES = ("hours", "cost", "hours_any", "travel", "in_person")


def _weight(problem: SelectionProblem, m: Module, hours10: int, cost: int) -> int:
    """Per-module objective weight, ``penalty × TIER + base`` (a Python int: lexicographic, exact):
    see :func:`penalty_of` and :func:`weight_array` (which computes the same on arrays: change both)."""
    km = int(problem.distance_km.get(m.id) or 0)
    nonpref = problem.objective != "hours_any" and not problem.preferred.get(m.id, True)
    other = bool(problem.language) and m.language != problem.language
    penalty = hours10 * (W_NONPREFERRED * nonpref + W_OTHER_LANGUAGE * other)
    if problem.objective == "cost":
        base = cost * W_HOUR_TENTH + hours10 * W_EUR + km
    elif problem.objective == "travel":
        base = km * W_HOUR_TENTH + hours10 * W_EUR + cost
    elif problem.objective == "in_person":
        remote = 0 if m.modality.value == "in_person" else hours10
        base = remote * W_HOUR_TENTH + hours10 * W_EUR + cost
    else:
        base = hours10 * W_HOUR_TENTH + cost * W_EUR + km
    return int(penalty) * TIER + int(base)


def weight_array(objective: str, language: str | None, preferred: np.ndarray, km: np.ndarray, hours10: np.ndarray,
                 cost: np.ndarray, in_person: np.ndarray, languages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_weight` of many modules at once, as two int64 arrays ``(penalty, base)`` (one entry per module;
    ``_weight`` = ``penalty × TIER + base``): ``preferred`` and ``in_person`` booleans, ``km`` the whole km of
    ``distance_km``, ``hours10`` and ``cost`` as :func:`_hours10` and :func:`_eur`, ``languages`` the modules'
    languages."""
    nonpref = np.zeros(len(km), dtype=bool) if objective == "hours_any" else ~preferred.astype(bool)
    other = (languages != language) if language else np.zeros(len(km), dtype=bool)
    penalty = hours10 * (W_NONPREFERRED * nonpref.astype(np.int64) + W_OTHER_LANGUAGE * other.astype(np.int64))
    if objective == "cost":
        base = cost * W_HOUR_TENTH + hours10 * W_EUR + km
    elif objective == "travel":
        base = km * W_HOUR_TENTH + hours10 * W_EUR + cost
    elif objective == "in_person":
        base = np.where(in_person, 0, hours10) * W_HOUR_TENTH + hours10 * W_EUR + cost
    else:
        base = hours10 * W_HOUR_TENTH + cost * W_EUR + km
    return penalty.astype(np.int64), base.astype(np.int64)


def penalty_of(weight: int) -> int:
    """The preference tier of a :func:`_weight`: tenths of hours outside the preferred modalities × 10⁶ plus
    tenths of hours in another language."""
    return weight // TIER


def base_of(weight: int) -> int:
    """The objective tier of a :func:`_weight` (hours, cost, travel or remote hours first, per objective)."""
    return weight % TIER


def _canonical_order(chosen: list[str], mods: dict[str, Module], held: dict[str, int]) -> list[str]:
    """A prerequisite-respecting order of ``chosen`` that depends on the set only: repeatedly the
    smallest id among the modules whose prerequisites are met (levels only grow, so this never
    gets stuck when some valid order exists)."""
    levels = dict(held)
    done: set[str] = set()
    remaining = sorted(chosen)
    order: list[str] = []
    while remaining:
        ready = next((i for i in remaining
                      if all(levels.get(p.skill, 0) >= p.level for p in mods[i].prerequisites.skills)
                      and all(p in done for p in mods[i].prerequisites.modules)), None)
        if ready is None:  # cannot happen for a solver-checked selection; keep the rest as it is
            return order + remaining
        order.append(ready)
        done.add(ready)
        remaining.remove(ready)
        for o in mods[ready].outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
    return order


def _solver(deterministic_s: float, wall_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: no thread scheduling in the result
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.max_deterministic_time = max(deterministic_s, 0.0)
    solver.parameters.max_time_in_seconds = max(wall_s, 0.0)
    # measured on dense generated catalogues (benchmarks/plan_quality.py --dense): a stronger LP
    # relaxation, no symmetry detection (costly on thousands of candidates), no presolve probing (2.4 s
    # of binary clauses on a 20,000-module model). Probing off once returned a worse plan as optimal on a
    # small problem when the hint held the selection only (tests/planner/test_formulations.py, with
    # "objective ≤ hint"); with complete hints the property tests pass at 600 examples
    solver.parameters.linearization_level = 2
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = PROBING_LEVEL
    return solver


def solve_selection(problem: SelectionProblem, time_limit: float = 10.0, candidates: Candidates | None = None
                    ) -> SelectionResult:
    """Solve the selection; infeasible and time-out are statuses, not exceptions.

    ``time_limit`` is CP-SAT's deterministic time (about seconds on a typical machine, independent of
    load); the wall clock stops the solver only after ``time_limit × 3 + 1`` s, a safety net for
    the rare model whose deterministic time runs slower than the clock. One worker and a fixed seed:
    the same problem gives the same selection, and the order is derived from the set alone.
    ``candidates``: :func:`~curriculum.planner.candidates.candidate_modules` of ``problem`` when already computed.
    """
    from curriculum.planner.candidates import candidate_modules
    from curriculum.planner.cover import solve_covering

    cands = candidates if candidates is not None else candidate_modules(problem)
    covering = solve_covering(problem, cands, time_limit)
    if covering.status is None:  # cycles the cuts did not close in time: the rounds model, exact in one solve
        return _solve_rounds(problem, cands, covering, time_limit)
    if covering.status == cp_model.INFEASIBLE:
        return SelectionResult(INFEASIBLE)
    if covering.status == cp_model.UNKNOWN:
        return _plan_result(problem, cands, cands.hint, FEASIBLE, "wall_clock" if covering.wall_clock_hit else
                            "deterministic", time_limit) if cands.hint else \
            SelectionResult(TIMEOUT, limit="wall_clock" if covering.wall_clock_hit else "deterministic",
                            time_limit=time_limit)
    optimal = covering.status == cp_model.OPTIMAL
    limit = None if optimal else "wall_clock" if covering.wall_clock_hit else "deterministic"
    return _plan_result(problem, cands, covering.chosen, OPTIMAL if optimal else FEASIBLE, limit, time_limit)


def _plan_result(problem: SelectionProblem, cands: Candidates, chosen: list[int], status: str, limit: str | None,
                 time_limit: float) -> SelectionResult:
    """The result holding the graph's modules ``chosen`` (indexes), in canonical order."""
    g = cands.graph
    mods = {g.ids[m]: g.modules[m] for m in chosen}
    order = _canonical_order(list(mods), mods, problem.held)
    return SelectionResult(status, order, round(sum(mods[i].duration_hours for i in order), 1),
                           round(sum(mods[i].cost_eur for i in order), 2), limit=limit, time_limit=time_limit)


def _solve_rounds(problem: SelectionProblem, cands: Candidates, covering, time_limit: float) -> SelectionResult:
    """The rounds model (:mod:`curriculum.planner.model`) with the covering loop's cycle cuts, in the time left."""
    from curriculum.planner.model import build_model

    built = build_model(problem, cands)
    if built is None:  # a gap or a certification that no candidate module can close
        return SelectionResult(INFEASIBLE)
    model, x = built
    for group, suppliers in covering.cuts:
        model.add(sum(x[m] for m in group) <= len(group) - 1 + sum(x[t] for t in suppliers))
    solver, status = solve_lexicographic(model, [(x[m], cands.weight[m]) for m in x], covering.time_left)
    if status == cp_model.INFEASIBLE:
        return SelectionResult(INFEASIBLE)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # UNKNOWN: stopped at a limit with nothing found
        if cands.hint:  # the candidates' plan within the caps: valid, not proven
            return _plan_result(problem, cands, cands.hint, FEASIBLE, _limit_hit(solver, covering.time_left), time_limit)
        return _no_selection(status, model, solver, time_limit)
    chosen = [m for m in x if solver.value(x[m])]
    optimal = status == cp_model.OPTIMAL
    return _plan_result(problem, cands, chosen, OPTIMAL if optimal else FEASIBLE,
                        None if optimal else _limit_hit(solver, covering.time_left), time_limit)


def solve_lexicographic(model: cp_model.CpModel, terms: list[tuple[cp_model.IntVar, int]],
                        time_limit: float, tune: Callable[[cp_model.CpSolver], None] | None = None
                        ) -> tuple[cp_model.CpSolver, int]:
    """Minimise ``Σ weight × var`` over ``terms`` lexicographically: the preference tier
    (:func:`penalty_of`) first when any term has one, fixed at the value found, then the objective tier
    (:func:`base_of`), within ``time_limit`` deterministic seconds in all. Returns the solver and the
    CP-SAT status (``FEASIBLE`` rather than ``OPTIMAL`` when the first tier was not proven optimal).
    ``tune`` sets other solver parameters (the reference pairwise model keeps the ones it ran with)."""
    penalty = [(v, penalty_of(w)) for v, w in terms if penalty_of(w)]
    base = [(v, base_of(w)) for v, w in terms]
    solver = _solver(time_limit, time_limit * WALL_CLOCK_FACTOR + 1.0)
    if tune:
        tune(solver)
    if not penalty:
        model.minimize(sum(w * v for v, w in base))
        return solver, solver.solve(model)
    model.minimize(sum(p * v for v, p in penalty))
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver, status
    first_optimal = status == cp_model.OPTIMAL
    model.add(sum(p * v for v, p in penalty) <= int(round(solver.objective_value)))
    values = list(solver.response_proto.solution)  # every variable: the second solve starts from a complete,
    model.clear_hints()  # feasible solution (with the selection alone, completing it cost seconds on dense catalogues)
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    model.minimize(sum(w * v for v, w in base))
    spent = solver.response_proto.deterministic_time
    second = _solver(max(time_limit - spent, 0.0), time_limit * WALL_CLOCK_FACTOR + 1.0)
    if tune:
        tune(second)
    status = second.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # no time left: the first tier's plan, not proven
        return solver, cp_model.FEASIBLE
    if status == cp_model.OPTIMAL and not first_optimal:
        status = cp_model.FEASIBLE
    return second, status


def _no_selection(status: int, model: cp_model.CpModel, solver: cp_model.CpSolver, time_limit: float) -> SelectionResult:
    """The result of a solve that found nothing: proven infeasible, or stopped at a limit."""
    if status == cp_model.INFEASIBLE:
        return SelectionResult(INFEASIBLE)
    if status == cp_model.MODEL_INVALID:
        raise ValueError("selection model invalid: " + model.validate())
    return SelectionResult(TIMEOUT, limit=_limit_hit(solver, time_limit), time_limit=time_limit)


def _limit_hit(solver: cp_model.CpSolver, time_limit: float) -> str:
    """Which limit stopped the solver: its deterministic budget, or the wall-clock safety net."""
    return "deterministic" if solver.response_proto.deterministic_time >= time_limit * 0.999 else "wall_clock"
