"""Greedy selection: the "first, simpler planner", kept only as a benchmark baseline.

It exists so that tests and ``benchmarks/plan_quality.py`` can measure what the CP-SAT selection
(:mod:`curriculum.planner.select`) gains. It is not used by the application. No optimisation:

1. among the modules not yet taken that close at least one open gap (skill below its required
   level, or a missing mandatory certification), take the one with the best ratio
   *gaps closed per hour* (preferred modalities first; ties: cheaper, then id);
2. before it, insert the modules its unmet prerequisites need, recursively: for a prerequisite
   skill the cheapest eligible teacher (EUR, then hours, then id), for a prerequisite module that
   module; a candidate whose prerequisites cannot be met is dropped;
3. repeat until no gap is open or no candidate is left.

Caps (hours, budget) are only checked at the end: a selection breaking one is reported
infeasible, like CP-SAT's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from curriculum.models import Module
from curriculum.planner.select import FEASIBLE, INFEASIBLE, SelectionProblem, SelectionResult


def _learn(levels: dict[str, int], m: Module) -> None:
    for o in m.outcomes:
        levels[o.skill] = max(levels.get(o.skill, 0), o.level)


def _with_prerequisites(m: Module, mods: dict[str, Module], levels: dict[str, int], taken: list[str],
                        visiting: frozenset[str] = frozenset()) -> list[str] | None:
    """Ids to take (in order, ending with ``m``) so that ``m``'s prerequisites are met; None if impossible.

    ``levels`` and ``taken`` are not modified.
    """
    if m.id in visiting:
        return None
    visiting = visiting | {m.id}
    plan: list[str] = []
    lv = dict(levels)
    for p in m.prerequisites.modules:
        if p in taken or p in plan:
            continue
        if p not in mods:
            return None
        sub = _with_prerequisites(mods[p], mods, lv, taken + plan, visiting)
        if sub is None:
            return None
        plan += sub
        for i in sub:
            _learn(lv, mods[i])
    for pre in m.prerequisites.skills:
        if lv.get(pre.skill, 0) >= pre.level:
            continue
        teachers = sorted((t for t in mods.values() if t.id != m.id and t.id not in taken and t.id not in plan
                           and t.teaches(pre.skill) >= pre.level),
                          key=lambda t: (t.cost_eur, t.duration_hours, t.id))
        for t in teachers:
            sub = _with_prerequisites(t, mods, lv, taken + plan, visiting)
            if sub is not None:
                plan += sub
                for i in sub:
                    _learn(lv, mods[i])
                break
        else:
            return None
    return plan + [m.id]


def greedy_selection(problem: SelectionProblem) -> list[str]:
    """Module ids chosen greedily, in a prerequisite-respecting order (gaps may stay open)."""
    mods = problem.modules
    levels = dict(problem.held)
    certs: set[str] = set()
    taken: list[str] = []
    dropped: set[str] = set()
    while True:
        open_gaps = [(s, lvl) for s, lvl in problem.gaps if levels.get(s, 0) < lvl]
        open_certs = [c for c in problem.certification_gaps if c not in certs]
        if not open_gaps and not open_certs:
            return taken

        def closes(m: Module) -> int:
            return sum(m.teaches(s) >= lvl for s, lvl in open_gaps) + \
                (1 if m.certification and m.certification.code in open_certs else 0)

        scored = [(closes(m), m) for m in mods.values() if m.id not in taken and m.id not in dropped]
        scored = [(n, m) for n, m in scored if n]
        if not scored:
            return taken
        scored.sort(key=lambda t: (not problem.preferred.get(t[1].id, True), -t[0] / t[1].duration_hours,
                                   t[1].cost_eur, t[1].id))
        best = scored[0][1]
        chain = _with_prerequisites(best, mods, levels, taken)
        if chain is None:
            dropped.add(best.id)
            continue
        for i in chain:
            taken.append(i)
            _learn(levels, mods[i])
            if mods[i].certification:
                certs.add(mods[i].certification.code)


def greedy_solve(problem: SelectionProblem, time_limit: float = 0.0, candidates: object = None) -> SelectionResult:
    """:func:`greedy_selection` as a :class:`SelectionResult` (same signature as ``solve_selection``; the
    ``candidates`` of CP-SAT are not used).

    ``infeasible`` when a gap stays open or a cap (hours, budget) is broken.
    """
    order = greedy_selection(problem)
    mods = problem.modules
    levels = dict(problem.held)
    for i in order:
        _learn(levels, mods[i])
    certs = {mods[i].certification.code for i in order if mods[i].certification}
    hours = round(sum(mods[i].duration_hours for i in order), 1)
    cost = round(sum(mods[i].cost_eur for i in order), 2)
    if any(levels.get(s, 0) < lvl for s, lvl in problem.gaps) or set(problem.certification_gaps) - certs \
            or (problem.hours_cap is not None and hours > problem.hours_cap + 1e-9) \
            or (problem.budget_cap is not None and cost > problem.budget_cap + 1e-9):
        return SelectionResult(INFEASIBLE)
    return SelectionResult(FEASIBLE, order, hours, cost)


@contextmanager
def _greedy_in_pathway() -> Iterator[None]:
    from curriculum.planner import joint as pathway  # where plan_pathway solves its selections

    original = pathway.solve_selection
    pathway.solve_selection = greedy_solve  # type: ignore[assignment]
    try:
        yield
    finally:
        pathway.solve_selection = original  # type: ignore[assignment]


def plan_greedy(learner, job, catalogue, mapper, **kw):  # noqa: ANN001, ANN003, ANN201
    """:func:`~curriculum.planner.pathway.plan_pathway` with the greedy selection instead of CP-SAT
    (same mapping, gaps, eligibility, ordering and scheduling). Not thread-safe: benchmarks only."""
    from curriculum.planner.pathway import plan_pathway

    with _greedy_in_pathway():
        path = plan_pathway(learner, job, catalogue, mapper, **kw)
    return path.model_copy(update={"provenance": {**path.provenance, "planner": "greedy baseline"}})
