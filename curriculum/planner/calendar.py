"""The calendar of a selection, exact (OR-Tools CP-SAT): which session each module takes, and when.

Days are counted from the learner's start (day 0). For each selected module:

* a module with published sessions takes exactly one of them (seats left, reachable place, after the
  start, not overlapping a period the learner said they are unavailable); its dates are the session's;
* a module without sessions (rolling admission: online, workplace, self-paced) is a study block of
  ``hours / weekly_hours`` weeks (:func:`~curriculum.planner.schedule.self_paced_days`; ``weekly_hours`` is
  ``hours_per_week`` capped at 12 h per study day) starting on one of the learner's study days (weekdays
  unless the profile says otherwise) outside the unavailable periods, and ending on the last study day of
  that span; an unavailable period inside a block lengthens it by the period (the learner studies before
  and after), a block never starts or ends inside one;
* no two steps overlap (the learner follows one module at a time: the weekly hours go to that module);
* every prerequisite is finished before its dependant starts: for an unmet prerequisite (skill, level),
  the earliest-ending selected teacher of it ends before; a named prerequisite module likewise;
* with a hard deadline, every step ends by it.

Objective: the earliest end of the whole path (fewest undated fallbacks first). Then each step, in the
solver's order, is moved as early as it can go (:func:`_left_shift`: its session kept, a study block on the
first study day after the step before it and its prerequisites): no idle gap that an earlier date would close,
the same end. (The sum of every step's end in the objective made the order of equal-length blocks a
scheduling problem of its own: 19 self-paced steps took CP-SAT its whole 2 s budget without a proof, the end
alone 0.01 s.) One search worker, a fixed seed and a deterministic time limit: the same selection gives the
same calendar on every run.

A module whose every session is unusable (all full, before the start or in an unavailable period) has
no calendar: :func:`plan_calendar` returns ``None`` with a hard deadline (the selection is refused and
another one sought), and with a soft one dates it as a study block flagged ``conflict`` (ask the
provider for a session), as the former list scheduler did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from curriculum.cpsat import cp_model

from curriculum.models import LearnerProfile, Module, Session
from curriculum.planner.eligibility import Eligibility
from curriculum.planner.schedule import ScheduledStep, self_paced_days
from curriculum.planner.select import RANDOM_SEED

TIME_LIMIT = 2.0
"""Deterministic seconds for one calendar (a few dozen steps solve in milliseconds)."""


def _periods(learner: LearnerProfile) -> list[tuple[int, int]]:
    """The learner's unavailable periods as (first day, last day) after the start, merged and sorted."""
    spans = sorted(((p.start - learner.start).days, (p.end - learner.start).days) for p in learner.unavailable)
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if b < 0:
            continue
        a = max(a, 0)
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def usable_sessions(module: Module, elig: Eligibility | None, learner: LearnerProfile) -> list[Session]:
    """The sessions of ``module`` the learner can take: eligible ones (seats, place, after the start) that do
    not overlap an unavailable period, by start date."""
    sessions = elig.sessions if elig is not None else ()
    off = [(p.start, p.end) for p in learner.unavailable]
    return [s for s in sessions if not any(s.start <= b and s.end >= a for a, b in off)]


def earliest_end(module: Module, elig: Eligibility | None, learner: LearnerProfile) -> dt.date | None:
    """The earliest day ``module`` alone could end for ``learner`` (its first usable session's end, or a
    study block from the start); None when it has sessions but none usable."""
    if module.sessions:
        ends = [s.end for s in usable_sessions(module, elig, learner)]
        return min(ends) if ends else None
    return learner.start + dt.timedelta(days=self_paced_days(module.duration_hours, learner.weekly_hours) - 1)


def plan_calendar(modules: list[Module], held: dict[str, int], eligibility: Mapping[str, Eligibility],
                  learner: LearnerProfile, *, hard_deadline: bool, time_limit: float = TIME_LIMIT
                  ) -> list[ScheduledStep] | None:
    """Dates for the selected ``modules`` (see the module docstring), in start order.

    ``held``: the learner's levels (skill id → 0–4, pseudo-skills included). Returns None when no calendar
    exists: with ``hard_deadline``, when the steps cannot all end by ``learner.deadline`` or a module has no
    usable session; never None otherwise (a step may then end past the deadline or the planning horizon).
    """
    if not modules:  # nothing selected (e.g. every gap out of reach): an empty calendar, not an empty model
        return []
    start = learner.start
    periods = _periods(learner)
    off_days = {d for a, b in periods for d in range(a, b + 1)}
    study = learner.weekdays
    deadline = (learner.deadline - start).days
    options: list[list[Session]] = []
    blocks: list[int] = []
    for m in modules:
        sessions = usable_sessions(m, eligibility.get(m.id), learner) if m.sessions else []
        if m.sessions and not sessions and hard_deadline:
            return None
        options.append(sessions)
        blocks.append(self_paced_days(m.duration_hours, learner.weekly_hours))
    last_session = max(((s.end - start).days for opts in options for s in opts), default=0)
    span = max(last_session, 0) + sum(blocks) + sum(b - a + 1 for a, b in periods) + 14
    if hard_deadline:
        span = min(span, deadline)
        if span < 0:
            return None

    model = cp_model.CpModel()
    starts, ends, intervals, chosen, fallbacks, block_vars = [], [], [], [], [], []
    study_ok = [d not in off_days and (start + dt.timedelta(days=d)).weekday() in study for d in range(span + 1)]
    starts_ok = cp_model.Domain.from_values([d for d in range(span + 1) if study_ok[d]])
    free_days = cp_model.Domain.from_values([d for d in range(span + 1) if d not in off_days])
    last_study, latest = [], 0  # the last study day on or before each day (a block ends on a study day)
    for d in range(span + 1):
        latest = d if study_ok[d] else latest
        last_study.append(latest)
    for k, (m, sessions) in enumerate(zip(modules, options)):
        s_var = model.new_int_var(0, span, f"b_{k}")
        e_var = model.new_int_var(0, span, f"e_{k}")
        pick = [model.new_bool_var(f"s_{k}_{j}") for j in range(len(sessions))]
        for j, s in enumerate(sessions):
            first, last = (s.start - start).days, (s.end - start).days
            if last > span:
                model.add(pick[j] == 0)
                continue
            model.add(s_var == first).only_enforce_if(pick[j])
            model.add(e_var == last).only_enforce_if(pick[j])
        block = model.new_bool_var(f"block_{k}")  # a study block: rolling admission, or no session fits
        model.add_exactly_one([*pick, block])
        if sessions and hard_deadline:
            model.add(block == 0)
        elif m.sessions:
            fallbacks.append(block)  # dated from the hours, flagged: only when no session can be kept
        model.add_linear_expression_in_domain(s_var, starts_ok).only_enforce_if(block)
        model.add_linear_expression_in_domain(e_var, free_days).only_enforce_if(block)  # never ends in a period
        stretch = []
        for j, (a, b) in enumerate(periods):  # a period before, after, or inside the block (which it lengthens)
            before, after, inside = (model.new_bool_var(f"{t}_{k}_{j}") for t in "bai")
            model.add_exactly_one([before, after, inside])
            model.add(e_var < a).only_enforce_if([before, block])
            model.add(s_var > b).only_enforce_if([after, block])
            model.add(s_var < a).only_enforce_if([inside, block])
            model.add(e_var > b).only_enforce_if([inside, block])
            stretch.append((b - a + 1) * inside)
        # the block's last calendar day; shown ending on its last study day (the days after it are free anyway)
        model.add(e_var == s_var + blocks[k] - 1 + sum(stretch)).only_enforce_if(block)
        size = model.new_int_var(1, span + 1, f"n_{k}")
        model.add(size == e_var - s_var + 1)
        intervals.append(model.new_interval_var(s_var, size, e_var + 1, f"i_{k}"))
        starts.append(s_var)
        ends.append(e_var)
        chosen.append(pick)
        block_vars.append(block)
    model.add_no_overlap(intervals)
    _precedences(model, modules, held, starts, ends, span)
    end = model.new_int_var(0, span, "end")
    model.add_max_equality(end, ends)
    model.minimize(sum(fallbacks) * (span + 1) + end)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = time_limit * 3 + 1
    # the block tables expand into thousands of literals: probing them costs more than the search (measured)
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    first_fit = _sequential(modules, options, blocks, periods, last_study, study_ok, span, start,
                            deadline if hard_deadline else None)
    if first_fit is not None:  # a valid calendar built step by step: the solver's start (and its fallback)
        for k, (day, last, session) in enumerate(first_fit):
            model.add_hint(starts[k], day)
            model.add_hint(ends[k], last)
            model.add_hint(block_vars[k], session is None)
            for j, b in enumerate(chosen[k]):
                model.add_hint(b, session is not None and options[k][j] is session)
    status = solver.solve(model)
    if status == cp_model.MODEL_INVALID:
        raise ValueError("calendar model invalid: " + model.validate())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if first_fit is None:
            return None
        steps = [ScheduledStep(m, start + dt.timedelta(days=a),
                               start + dt.timedelta(days=b if session else max(a, last_study[b])), session,
                               conflict=bool(m.sessions) and session is None)
                 for m, (a, b, session) in zip(modules, first_fit)]
        return sorted(steps, key=lambda step: (step.start, step.module.id))
    placed = [(solver.value(starts[k]), solver.value(ends[k]),
               next((s for s, b in zip(options[k], chosen[k]) if solver.value(b)), None)) for k in range(len(modules))]
    placed = _left_shift(modules, held, placed, blocks, periods, last_study, study_ok, span)
    out = []
    for m, (a, b, session) in zip(modules, placed):
        first = start + dt.timedelta(days=a)
        last = start + dt.timedelta(days=b if session else max(a, last_study[b]))
        out.append(ScheduledStep(m, first, last, session, conflict=bool(m.sessions) and session is None))
    out.sort(key=lambda step: (step.start, step.module.id))
    return out


def _left_shift(modules: list[Module], held: dict[str, int], placed: list[tuple[int, int, Session | None]],
                blocks: list[int], periods: list[tuple[int, int]], last_study: list[int], study_ok: list[bool],
                span: int) -> list[tuple[int, int, Session | None]]:
    """``placed`` (first day, last day, session) per module, a valid calendar, with each study block moved to the
    first study day after the step before it (in start order) and after its prerequisites; sessions keep their
    dates. Each step ends no later than before (by induction on the start order), so the calendar stays valid."""
    order = sorted(range(len(modules)), key=lambda k: (placed[k][0], k))
    out = list(placed)
    cursor = 0
    for k in order:
        a, b, session = out[k]
        if session is None:
            ready = max([cursor] + [_ready_after(modules, held, out, k, p) for p in _needs(modules[k], held)]
                        + [out[t][1] + 1 for t, other in enumerate(modules) if other.id in modules[k].prerequisites.modules])
            for day in range(ready, a):
                last = _block_end(day, blocks[k], periods, last_study, span) if study_ok[day] else None
                if last is not None:
                    a, b = day, last
                    break
            out[k] = (a, b, None)
        cursor = max(cursor, b + 1)
    return out


def _needs(module: Module, held: dict[str, int]) -> list[tuple[str, int]]:
    return [(p.skill, p.level) for p in module.prerequisites.skills if held.get(p.skill, 0) < p.level]


def _ready_after(modules: list[Module], held: dict[str, int], placed: list[tuple[int, int, Session | None]], k: int,
                 need: tuple[str, int]) -> int:
    """The day after the earliest-ending selected teacher of ``need`` (as :func:`_precedences`); 0 when none."""
    ends = [placed[t][1] for t, other in enumerate(modules) if t != k and other.teaches(need[0]) >= need[1]]
    return min(ends) + 1 if ends else 0


def _block_end(first: int, days: int, periods: list[tuple[int, int]], last_study: list[int], span: int) -> int | None:
    """Last calendar day of a study block of ``days`` days starting on day ``first`` (a study day), lengthened by
    each unavailable period it spans; None when it would end inside a period or past ``span``."""
    nominal = first + days - 1
    for p, q in periods:
        if first < p <= nominal:
            nominal += q - p + 1
    if nominal > span or any(p <= nominal <= q for p, q in periods):
        return None
    return nominal


def _sequential(modules: list[Module], options: list[list[Session]], blocks: list[int], periods: list[tuple[int, int]],
                last_study: list[int], study_ok: list[bool], span: int, start: dt.date, deadline: int | None
                ) -> list[tuple[int, int, Session | None]] | None:
    """One step after another in the given (prerequisite-respecting) order, each as early as it can: the first
    usable session after the previous step, else a study block from the next study day (lengthened by the
    periods it spans). Days from the start; None when a step cannot be placed (within ``deadline`` if given)."""
    cursor, out = 0, []
    for m, sessions, days in zip(modules, options, blocks):
        session = next((s for s in sessions if (s.start - start).days >= cursor
                        and (s.end - start).days <= (span if deadline is None else min(span, deadline))), None)
        if session is not None:
            a, b = (session.start - start).days, (session.end - start).days
        elif sessions and deadline is not None:
            return None
        else:
            a = next((d for d in range(cursor, span + 1) if study_ok[d]
                      and _block_end(d, days, periods, last_study, span) is not None), None)
            if a is None:
                return None
            b = _block_end(a, days, periods, last_study, span)
        if deadline is not None and b > deadline:
            return None
        out.append((a, b, session))
        cursor = b + 1
    return out


def _precedences(model: cp_model.CpModel, modules: list[Module], held: dict[str, int],
                 starts: list[cp_model.IntVar], ends: list[cp_model.IntVar], span: int) -> None:
    """Each step starts after a selected teacher of each of its unmet prerequisites (the earliest-ending one)
    and after its named prerequisite modules."""
    position = {m.id: k for k, m in enumerate(modules)}
    for k, m in enumerate(modules):
        for p in m.prerequisites.skills:
            if held.get(p.skill, 0) >= p.level:
                continue
            teachers = [t for t, other in enumerate(modules) if t != k and other.teaches(p.skill) >= p.level]
            if not teachers:
                continue  # met by no selected module: the selection would not have it; leave it to the check
            if len(teachers) == 1:
                model.add(starts[k] > ends[teachers[0]])
                continue
            first = model.new_int_var(0, span, f"p_{k}_{p.skill[-8:]}_{p.level}")
            model.add_min_equality(first, [ends[t] for t in teachers])
            model.add(starts[k] > first)
        for name in m.prerequisites.modules:
            if name in position:
                model.add(starts[k] > ends[position[name]])
