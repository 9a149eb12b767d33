"""Order selected modules so every prerequisite is met, then give each step its dates.

Dates: a module with sessions takes the earliest session (seats left, reachable place) starting on
or after the current date; a rolling-admission module takes ``hours / hours_per_week`` weeks from
the current date. Steps follow one another (no overlap).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from curriculum.models import Module, Session
from curriculum.planner.eligibility import Eligibility


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
        days = max(1, math.ceil(module.duration_hours / hours_per_week * 7))
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
                days = max(1, math.ceil(m.duration_hours / hours_per_week * 7))
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
