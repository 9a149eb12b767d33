"""Explained infeasibility: the smallest changes to a learner's limits that make a plan feasible.

Each suggestion is computed by re-planning with the changed limit(s) — never guessed — and kept
only when that re-plan is feasible. Changes: travel radius (km), deadline (weeks), hours per week,
budget (EUR). When several limits are broken, one suggestion fixes all of them together.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np

from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, LearningPath
from curriculum.planner.eligibility import DISTANCE_TOLERANCE_KM
from curriculum.planner.index import module_table

Planner = Callable[[LearnerProfile], LearningPath]


def _apply(learner: LearnerProfile, changes: dict) -> LearnerProfile:
    return learner.model_copy(update=changes)


def _summary(path: LearningPath) -> dict:
    return {"feasible": path.feasible, "steps": len(path.steps), "total_hours": path.total_hours,
            "total_cost_eur": path.total_cost_eur, "end": str(path.steps[-1].end) if path.steps else None,
            "limits_broken": (path.infeasibility or {}).get("limits_broken", [])}


def _min_radius(learner: LearnerProfile, path: LearningPath, catalogue: Catalogue,
                covers: Callable[[LearnerProfile], bool]) -> float | None:
    """Smallest radius (km, rounded up) at which every essential skill becomes coverable."""
    home = (path.learner_location["lat"], path.learner_location["lon"])
    radii = _far_radii(home, learner.mobility_km, catalogue)
    lo, hi, best = 0, len(radii) - 1, None
    while lo <= hi:  # coverage is monotone in the radius: binary search
        mid = (lo + hi) // 2
        if covers(_apply(learner, {"mobility_km": float(radii[mid])})):
            best, hi = radii[mid], mid - 1
        else:
            lo = mid + 1
    return best


def _far_radii(home: tuple[float, float], mobility_km: float, catalogue: Catalogue) -> list[int]:
    """The distances (km, rounded up, ascending, distinct) of the catalogue's places farther than
    ``mobility_km`` from ``home``: on the planner's arrays, a value too close to call redone with
    :func:`~curriculum.geo.distance_km` (the same list as computing each with it)."""
    table = module_table(catalogue.modules).table
    km = table.distances(home)
    close = (np.abs(km - np.round(km)) <= DISTANCE_TOLERANCE_KM) | (np.abs(km - mobility_km) <= DISTANCE_TOLERANCE_KM)
    far = km[~close & (km > mobility_km)]
    out = set(np.ceil(far).astype(np.int64).tolist())
    for j in np.flatnonzero(close).tolist():
        d = distance_km(home, (float(table.coords[j][0]), float(table.coords[j][1])))
        if d > mobility_km:
            out.add(math.ceil(d))
    return sorted(out)


def _smallest(lo: int, hi: int, feasible: Callable[[int], LearningPath | None]) -> tuple[int, LearningPath] | None:
    """Smallest integer in [lo, hi] whose plan is feasible (feasibility is monotone in it)."""
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = feasible(mid)
        if trial is not None and trial.feasible:
            best, hi = (mid, trial), mid - 1
        else:
            lo = mid + 1
    return best


def suggest_relaxations(learner: LearnerProfile, path: LearningPath, job: Job, catalogue: Catalogue,
                        plan: Planner, horizon_weeks: int = 104,
                        covers: Callable[[LearnerProfile], bool] | None = None) -> list[dict]:
    """Verified relaxations for an infeasible ``path``; ``[]`` when feasible or nothing helps.

    ``covers(profile)``: True when every essential skill and certification is reachable for ``profile``
    (default: ``plan`` does not report ``coverage``); a reachability test without the solver
    (``plan_pathway(..., coverage_only=True)``) makes the radius search cheap on dense catalogues.

    Returns
    -------
    list of dict
        ``{"constraint", "change", "changes", "resulting_plan_summary"}`` — ``changes`` maps profile
        fields to new values (apply them to re-plan); the first item is the smallest overall change.
    """
    if path.feasible or "solver_timeout" in (path.infeasibility or {}).get("limits_broken", []):
        return []  # a solver time-out is not a limit of the learner: no relaxation can be verified
    if covers is None:
        def covers(profile: LearnerProfile) -> bool:
            return "coverage" not in (plan(profile).infeasibility or {}).get("limits_broken", [])
    base: dict = {}
    far = learner.deadline + dt.timedelta(weeks=horizon_weeks)
    if "coverage" in (path.infeasibility or {}).get("limits_broken", []):
        # sessions after the deadline may be what is missing: test coverage with a far deadline first
        if not covers(_apply(learner, {"deadline": far})):
            radius = _min_radius(_apply(learner, {"deadline": far}), path, catalogue, covers)
            if radius is None:
                return []
            base["mobility_km"] = float(radius)
    current = plan(_apply(learner, base)) if base else path
    if current.feasible:
        return [_entry("mobility_km", f"travel {base['mobility_km'] - learner.mobility_km:.0f} km further "
                       f"(radius {base['mobility_km']:.0f} km)", base, current)]
    info = plan(_apply(learner, {**base, "deadline": far})).infeasibility or {}
    if info.get("budget_missing_eur"):
        base["budget_eur"] = math.ceil((learner.budget_cap or 0) + info["budget_missing_eur"])
    out: list[dict] = []
    trial = plan(_apply(learner, base))
    if trial.feasible and "budget_eur" not in base:  # ``path`` was infeasible for a reason ``plan`` does not see
        return []
    def tightened(changes: dict, trial: LearningPath) -> tuple[dict, LearningPath]:
        """``changes`` with the smallest budget (whole EUR) that still gives a feasible plan."""
        if "budget_eur" not in changes:
            return changes, trial
        low = math.floor(learner.budget_cap or 0) + 1
        found = _smallest(low, int(changes["budget_eur"]) - 1,
                          lambda b: plan(_apply(learner, {**changes, "budget_eur": float(b)})))
        return ({**changes, "budget_eur": found[0]}, found[1]) if found else (changes, trial)

    if trial.feasible:
        base, trial = tightened(base, trial)
        extra = {k: v for k, v in base.items() if k != "budget_eur"}
        out.append(_entry("budget_eur", f"add {base['budget_eur'] - (learner.budget_cap or 0):.0f} EUR "
                          f"(budget {base['budget_eur']} EUR)", base, trial, extra, learner))
        return out
    found = _smallest(1, horizon_weeks, lambda w: plan(_apply(learner, {**base, "deadline": learner.deadline
                                                                         + dt.timedelta(weeks=w)})))
    if found:
        weeks, trial = found
        changes, trial = tightened({**base, "deadline": learner.deadline + dt.timedelta(weeks=weeks)}, trial)
        out.append(_entry("deadline", f"extend the deadline by {weeks} week{'s' if weeks > 1 else ''} (to {changes['deadline']})",
                          changes, trial, {k: v for k, v in changes.items() if k != "deadline"}, learner))
    found = _smallest(int(learner.hours_per_week) + 1, 60,
                      lambda h: plan(_apply(learner, {**base, "hours_per_week": float(h)})))
    if found:
        hours, trial = found
        changes, trial = tightened({**base, "hours_per_week": float(hours)}, trial)
        out.append(_entry("hours_per_week", f"add {hours - learner.hours_per_week:g} hour{'s' if hours - learner.hours_per_week > 1 else ''} per week ({hours} h/week)",
                          changes, trial, {k: v for k, v in changes.items() if k != "hours_per_week"}, learner))
    return out


def _entry(constraint: str, change: str, changes: dict, trial: LearningPath, base: dict | None = None,
           learner: LearnerProfile | None = None) -> dict:
    extra = []
    if base and learner is not None:
        if "mobility_km" in base:
            extra.append(f"travel up to {base['mobility_km']:.0f} km")
        if "budget_eur" in base:
            extra.append(f"budget {base['budget_eur']} EUR")
    text = change + (" and " + " and ".join(extra) if extra else "")
    return {"constraint": constraint, "change": text,
            "changes": {k: (str(v) if isinstance(v, dt.date) else v) for k, v in changes.items()},
            "resulting_plan_summary": _summary(trial)}


def relaxation_profile(learner: LearnerProfile, relaxation: dict) -> LearnerProfile:
    """The learner profile with a relaxation's ``changes`` applied (dates parsed)."""
    changes = dict(relaxation["changes"])
    if "deadline" in changes:
        changes["deadline"] = dt.date.fromisoformat(str(changes["deadline"]))
    return _apply(learner, changes)




def shown_as_infeasible(path: LearningPath, relaxed: LearningPath, learner: LearnerProfile) -> LearningPath:
    """``relaxed`` (the plan of the first relaxation: what the learner gets by accepting it) judged against
    ``learner``'s own limits, so the infeasibility numbers and the first relaxation describe the same plan.

    The limits it breaks are measured on it: ``hours_needed`` / ``hours_missing`` / ``weeks_missing`` (hours
    against ``learner.hours_available``), ``budget_missing_eur``, ``days_late`` / ``planned_end`` (its last
    step against the deadline); ``path``'s uncovered skills (coverage) are kept. Everything about the learner
    (mapping, held skills, hours available, relaxations) is ``path``'s; the warnings are those of the plan shown."""
    from curriculum.generation import narrative

    info: dict = {"limits_broken": []}
    hours, cost = relaxed.total_hours, relaxed.total_cost_eur
    missing = round(hours - learner.hours_available, 1)
    if missing > 0:
        info["limits_broken"].append("hours")
        info.update(hours_needed=hours, hours_available=learner.hours_available, hours_missing=missing,
                    weeks_missing=math.ceil(missing / learner.weekly_hours),
                    hours_per_week_needed=round(hours / max(learner.weeks_available, 1e-9), 1))
    cap = learner.budget_cap
    if cap is not None and cost > cap:
        info["limits_broken"].append("budget")
        info.update(budget_needed_eur=cost, budget_eur=cap, budget_missing_eur=round(cost - cap, 2))
    end = max((s.end for s in relaxed.steps), default=learner.start)
    if end > learner.deadline:
        late = (end - learner.deadline).days
        info["limits_broken"].append("deadline")
        info.update(deadline=str(learner.deadline), days_late=late, planned_end=str(end),
                    weeks_missing=max(info.get("weeks_missing", 0), math.ceil(late / 7)))
    old = path.infeasibility or {}
    if "skills_unreachable" in old:
        info["skills_unreachable"] = old["skills_unreachable"]
        info["limits_broken"].append("coverage")
    names = narrative.LIMIT_NAMES.get(path.language, {})
    why = ", ".join(names.get(k, k) for k in info["limits_broken"])
    summary = narrative.path_summary(path.language, path.target_job.title, len(relaxed.steps), hours, cost,
                                     len(path.skipped_skills), why)
    keep = ("relaxations", "prior_learning", "hours_available", "skill_mapping", "start_skills",
            "certifications_held", "certifications_lapsed", "uncovered_skills", "label", "trade_off")
    return relaxed.model_copy(update={**{k: getattr(path, k) for k in keep}, "feasible": False,
                                      "infeasibility": info, "summary": summary})


__all__ = ["relaxation_profile", "shown_as_infeasible", "suggest_relaxations"]
