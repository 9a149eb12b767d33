"""Selection and calendar solved together: the plan a learner gets is optimal among the plans that keep
their dates.

A logic-based Benders decomposition, exact when it ends: the selection (:func:`solve_selection`, hours,
cost, prerequisites, caps) is the master; the calendar of its modules (:func:`plan_calendar`: one session
each, no overlap, study days, unavailable periods, prerequisites before dependants, every step by the
deadline) the sub-problem. A selection with no calendar is refused (a no-good cut on its module set) and the
master re-solved, up to :data:`MAX_CALENDAR_CUTS` times; the first selection with a calendar is the best
plan that keeps its dates (every refused one is at least as good on the objective, and has none). While
cutting, a module only replaces another of the same sessions (dominance by timing class), so a copy of a
course with a session in time is never lost to a cheaper copy without one.

Modules that cannot end by the deadline even alone (earliest session ends after it; a study block from the
start that ends after it) are left out of the first solves, and those solves keep the time windows of
:mod:`curriculum.planner.windows` (a teacher of each prerequisite that can end before the module's last
possible start), so the selections refused for want of a calendar are the rarer ones (sessions overlapping
each other). Those solves compare modules by timing class only (dominance within the same sessions). When no plan meets the deadline, the plan kept
is the best selection without that limit, dated as early as it can be (:func:`plan_calendar` with a soft
deadline): its end and its hours are the numbers the path reports, and a relaxation that moves the deadline
there finds the same plan.
"""

from __future__ import annotations

import dataclasses

from curriculum.models import LearnerProfile, Module
from curriculum.planner.calendar import earliest_end, plan_calendar, usable_sessions
from curriculum.planner.candidates import candidate_modules
from curriculum.planner.eligibility import EligibilityMap
from curriculum.planner.schedule import ScheduledStep
from curriculum.planner.select import INFEASIBLE, SelectionProblem, SelectionResult, solve_selection
from curriculum.planner.windows import Windows

MAX_CALENDAR_CUTS = 8
"""Selections refused for want of a calendar before the plan falls back to the best one, dated late."""


@dataclasses.dataclass
class JointResult:
    """The selection kept, its calendar (steps in date order; empty when nothing was selected), whether its
    caps had to be lifted to find it (``caps_lifted``: the hours or budget limit it breaks), and how many
    selections were refused for want of a calendar (``cuts``)."""

    result: SelectionResult
    planned: list[ScheduledStep]
    caps_lifted: bool = False
    cuts: int = 0


def too_late(problem: SelectionProblem, elig: EligibilityMap, learner: LearnerProfile) -> frozenset[str]:
    """Relevant modules that cannot end by the deadline even alone (pinned ones kept)."""
    relevant = problem.shared.relevant(problem.gaps, problem.certification_gaps, problem.held, problem.pins) \
        if problem.shared is not None else problem.modules
    late = set()
    for mid, m in relevant.items():
        end = earliest_end(m, elig[mid] if elig.is_ok(mid) else None, learner)
        if end is None or end > learner.deadline:
            late.add(mid)
    return frozenset(late - set(problem.pins))


def timing_classes(modules: dict[str, Module], elig: EligibilityMap, learner: LearnerProfile) -> dict[str, int]:
    """module id → 0 for a study block, else a number shared by the modules with the same usable sessions."""
    classes: dict[tuple, int] = {}
    out = {}
    for mid, m in modules.items():
        if not m.sessions:
            out[mid] = 0
            continue
        key = tuple((s.start, s.end) for s in usable_sessions(m, elig[mid] if elig.is_ok(mid) else None, learner))
        out[mid] = classes.setdefault(key, len(classes) + 1)
    return out


def select_and_date(problem: SelectionProblem, modules: dict[str, Module], learner: LearnerProfile,
                    elig: EligibilityMap, held: dict[str, int], time_limit: float,
                    max_cuts: int = MAX_CALENDAR_CUTS) -> JointResult:
    """The best selection of ``problem`` that has a calendar (see the module docstring), with its calendar.

    ``modules``: the effective modules by id (the selection's order refers to them); ``held``: the learner's
    levels, pseudo-skills included. The result's status is ``infeasible`` only when no selection exists even
    with the hours and budget caps lifted; ``caps_lifted`` says a cap was lifted to find one. ``max_cuts``: how
    many selections may be refused for want of a calendar (0: the best selection, dated as early as it can be).
    """
    late = too_late(problem, elig, learner)
    relevant = problem.shared.relevant(problem.gaps, problem.certification_gaps, problem.held, problem.pins) \
        if problem.shared is not None else problem.modules
    timing = timing_classes(relevant, elig, learner)  # with windows, a module only replaces one of its sessions
    windows = Windows(learner, lambda mid: elig[mid] if elig.is_ok(mid) else None)
    first = dataclasses.replace(problem, excluded=problem.excluded | late, timing=timing, windows=windows)
    whole: SelectionResult | None = None  # ``problem``'s own optimum: the plan kept when none keeps the deadline
    cands = candidate_modules(first)
    if not late or cands.hint:  # ``first`` has a plan within the caps: solve it
        result = solve_selection(first, time_limit, cands)
    else:  # perhaps none: the whole problem first — when it has no plan within the caps, neither has ``first``
        # (one infeasibility proof instead of two), and its plan is ``first``'s when it holds no late module
        whole = solve_selection(problem, time_limit)
        result = solve_selection(first, time_limit, cands) if whole.found and late.intersection(whole.order) else whole
    initial = result  # ``problem``'s optimum too when no module is late (then ``first`` is ``problem``)
    cuts = 0
    if result.found:
        refused: list[frozenset[str]] = []
        while True:
            planned = plan_calendar([modules[i] for i in result.order], held, elig, learner, hard_deadline=True)
            if planned is not None:
                return JointResult(result, planned, cuts=cuts)
            if cuts >= max_cuts:
                break
            cuts += 1
            refused.append(frozenset(result.order))
            again = solve_selection(dataclasses.replace(first, forbidden=problem.forbidden + tuple(refused)), time_limit)
            if not again.found:
                break
            result = again
    # no plan keeps the deadline (or none within the caps): the best plan without that limit, dated early
    result = whole if whole is not None else initial if not late else solve_selection(problem, time_limit)
    lifted = False
    if result.status == INFEASIBLE:  # which cap breaks? keep the budget if some plan respects it, else the hours
        caps = (problem.hours_cap, problem.budget_cap)
        for hours_cap, budget_cap in ((None, caps[1]), (caps[0], None), (None, None)):
            if (hours_cap, budget_cap) == caps:
                continue
            result = solve_selection(dataclasses.replace(problem, hours_cap=hours_cap, budget_cap=budget_cap),
                                     time_limit)
            if result.found:
                lifted = True
                break
    if not result.found:
        return JointResult(result, [], cuts=cuts)
    planned = plan_calendar([modules[i] for i in result.order], held, elig, learner, hard_deadline=False)
    assert planned is not None  # a soft calendar always exists
    return JointResult(result, planned, caps_lifted=lifted, cuts=cuts)
