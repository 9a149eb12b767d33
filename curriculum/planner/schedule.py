"""Dates shared by the planner: the planning horizon, self-paced durations, and the former list scheduler.

The calendar of a plan is solved exactly by :mod:`curriculum.planner.calendar` together with the selection
(:mod:`curriculum.planner.joint`). :func:`order_and_schedule` is the list scheduler it replaced (each module
in turn takes the earliest session after the previous step, or ``hours / hours_per_week`` weeks): kept as the
"before" of ``benchmarks/plan_quality.py`` and to show, in the tests, plans it missed that the joint model keeps.

Planning horizon: no step is planned to end more than :data:`HORIZON_YEARS` years after the start
(:func:`split_at_horizon`); a pathway that would is infeasible, and :func:`horizon_infeasibility` says
by how much (hours needed, hours per week, the hours per week that would fit).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from curriculum.models import Module, Session
from curriculum.planner.eligibility import Eligibility

HORIZON_YEARS = 5
"""Planning horizon in years after the learner's start: past it, dates mean nothing (jobs, catalogues
and the learner's life change) and a plan is reported infeasible instead of dated."""
_MAX_DAYS = 36600
"""Longest a single self-paced step is dated (100 years): keeps dates computable whatever the input;
such a step is past the horizon anyway."""


def horizon_end(start: dt.date) -> dt.date:
    """Last day a step may end: ``start`` + :data:`HORIZON_YEARS` years (29 February → 28 February)."""
    try:
        return start.replace(year=start.year + HORIZON_YEARS)
    except ValueError:
        return start.replace(year=start.year + HORIZON_YEARS, day=28)


def self_paced_days(hours: float, hours_per_week: float) -> int:
    """Calendar days a self-paced module of ``hours`` takes at ``hours_per_week`` (at least 1 day)."""
    if hours_per_week <= 0:
        return _MAX_DAYS
    return min(_MAX_DAYS, max(1, math.ceil(hours / hours_per_week * 7)))


def prerequisites_met(module: Module, levels: dict[str, int], done: set[str]) -> bool:
    """True when ``levels`` (skill → level) and ``done`` module ids satisfy ``module``'s prerequisites."""
    return (all(levels.get(p.skill, 0) >= p.level for p in module.prerequisites.skills)
            and all(p in done for p in module.prerequisites.modules))


def order_modules(selected: list[Module], held: dict[str, int]) -> list[Module]:
    """A prerequisite-respecting order (stable w.r.t. ``selected``; certification modules late).

    Raises
    ------
    ValueError
        If no order exists (cannot happen for a selection made by :mod:`select`).
    """
    levels = dict(held)
    done: set[str] = set()
    remaining = list(selected)
    ordered: list[Module] = []
    while remaining:
        ready = [m for m in remaining if prerequisites_met(m, levels, done)]
        if not ready:
            raise ValueError("selected modules cannot be ordered: " + ", ".join(m.id for m in remaining))
        ready.sort(key=lambda m: (m.certification is not None, remaining.index(m)))
        nxt = ready[0]
        ordered.append(nxt)
        remaining.remove(nxt)
        done.add(nxt.id)
        for o in nxt.outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
    return ordered


@dataclass
class ScheduledStep:
    """A module with its dates and the session taken (if any)."""

    module: Module
    start: dt.date
    end: dt.date
    session: Session | None
    conflict: bool = False


def schedule(ordered: list[Module], eligibility: dict[str, Eligibility], start: dt.date,
             hours_per_week: float) -> list[ScheduledStep]:
    """Dates for each module in order (never before the previous step ends); ``conflict`` marks a
    module whose published sessions all start before its turn (dates then estimated from hours)."""
    cursor = start
    out: list[ScheduledStep] = []
    for module in ordered:
        sessions = eligibility[module.id].sessions if module.id in eligibility else ()
        later = [s for s in sessions if s.start >= cursor]
        if later:
            chosen = later[0]
            out.append(ScheduledStep(module, chosen.start, chosen.end, chosen))
            cursor = max(cursor, chosen.end + dt.timedelta(days=1))
            continue
        # rolling admission, or no published session left after the previous step: estimate the
        # dates from the hours (``conflict`` flags the latter so the path can say so)
        days = self_paced_days(module.duration_hours, hours_per_week)
        end = cursor + dt.timedelta(days=days - 1)
        out.append(ScheduledStep(module, cursor, end, None, conflict=bool(sessions)))
        cursor = end + dt.timedelta(days=1)
    return out


def order_and_schedule(selected: list[Module], held: dict[str, int], eligibility: dict[str, Eligibility],
                       start: dt.date, hours_per_week: float) -> list[ScheduledStep]:
    """List scheduling: among modules whose prerequisites are met, take next the one that can
    *finish* first (a published session ending soon goes before a long self-paced module that
    would make the learner miss it). Same guarantees as :func:`order_modules` + :func:`schedule`."""
    levels = dict(held)
    done: set[str] = set()
    remaining = list(selected)
    cursor = start
    out: list[ScheduledStep] = []
    while remaining:
        ready = [m for m in remaining if prerequisites_met(m, levels, done)]
        if not ready:
            raise ValueError("selected modules cannot be ordered: " + ", ".join(m.id for m in remaining))
        options = []
        for m in ready:
            sessions = eligibility[m.id].sessions if m.id in eligibility else ()
            later = [s for s in sessions if s.start >= cursor]
            if later:
                options.append((later[0].end, remaining.index(m), m, later[0]))
            else:
                days = self_paced_days(m.duration_hours, hours_per_week)
                # a module whose sessions are all past goes last among the ready ones
                end = cursor + dt.timedelta(days=days - 1) + (dt.timedelta(days=36500) if sessions else dt.timedelta())
                options.append((end, remaining.index(m), m, None))
        _, _, module, session = min(options, key=lambda o: (o[0], o[1]))
        step = schedule([module], eligibility, cursor, hours_per_week)[0]
        out.append(step)
        cursor = step.end + dt.timedelta(days=1)
        remaining.remove(module)
        done.add(module.id)
        for o in module.outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
    return out


def split_at_horizon(planned: list[ScheduledStep], start: dt.date) -> tuple[list[ScheduledStep], list[ScheduledStep]]:
    """``planned`` cut at the horizon: the steps ending by :func:`horizon_end` (``start``), and the rest
    (steps follow one another, so once a step ends past the horizon every later one does)."""
    last = horizon_end(start)
    k = next((i for i, step in enumerate(planned) if step.end > last), len(planned))
    return planned[:k], planned[k:]


def horizon_infeasibility(beyond: list[ScheduledStep], start: dt.date, hours_per_week: float,
                          total_hours: float) -> dict:
    """``infeasibility`` entries of a pathway of ``total_hours`` whose ``beyond`` steps (see
    :func:`split_at_horizon`) would end past the horizon: the horizon, the weeks the pathway would take,
    the hours left out, the hours per week that would fit (self-paced estimate, rounded up to 0.5 h/week)
    and a one-line ``horizon_message``. No date past the horizon is given."""
    last = horizon_end(start)
    hours_beyond = round(sum(s.module.duration_hours for s in beyond), 1)
    weeks = math.ceil(((beyond[-1].end - start).days + 1) / 7) if beyond else 0
    fit = math.ceil(total_hours / (((last - start).days + 1) / 7) * 2) / 2
    ids = [s.module.id for s in beyond]
    return {"horizon_years": HORIZON_YEARS, "horizon_end": str(last), "hours_needed": round(total_hours, 1),
            "hours_per_week": hours_per_week, "weeks_needed": weeks, "hours_per_week_within_horizon": fit,
            "hours_beyond_horizon": hours_beyond, "modules_beyond_horizon": ids,
            "horizon_message": (f"at {hours_per_week:g} h/week the {total_hours:g} h of this pathway would take about "
                                f"{weeks} weeks ({weeks / 52.18:.1f} years), past the {HORIZON_YEARS}-year planning "
                                f"horizon ({start} to {last}); {len(ids)} module{'s' if len(ids) > 1 else ''} "
                                f"({hours_beyond:g} h) left out of the dated steps: {', '.join(ids)}; about {fit:g} "
                                "h/week would fit within the horizon")}
