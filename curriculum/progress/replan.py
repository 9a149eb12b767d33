"""Re-plan a saved pathway from what happened: steps done and sessions booked are kept, the rest re-solved.

From the events of a pathway (:mod:`curriculum.progress.events`) and a date (``today``):

* **done** — a step completed with a pass: kept; its skills count as held (at the levels it teaches) and the
  certifications it awards as obtained on the completion date;
* **in progress** — a step whose session has started and is not over, not missed or failed: kept as booked;
  the re-plan starts after it ends and counts its skills as held from then;
* **booked** — a later session the learner is booked on: the module is kept on that session;
* **failed** — a practical or test failed: the module is kept and takes its next session after ``today``
  (a failed habilitation practical re-books the next session of that module);
* **missed** — a session missed: the module is kept and takes its next session; **cancelled** — that session no
  longer exists: the module takes another one, or another module replaces it;
* **dropped** — the learner abandons a module: it is excluded;
* **new skill / certification** — added to the profile with its date.

The rest is re-solved by the same planner (selection and calendar) from ``today`` with the remaining budget (EUR
already spent on kept steps deducted) and the same deadline. The result is the plan contract plus ``kept``
(module ids kept as done or booked) and ``changes`` (each ``{"action": added|removed|moved, "module_id", "reason"}``
against the previous version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import HeldCertification, LearnerProfile, LearningPath, Module, Session
from curriculum.models.paths import Step


@dataclass
class Progress:
    """What the events say, per module id."""

    done: dict[str, dt.date] = field(default_factory=dict)  # completed with a pass, on
    failed: dict[str, dt.date] = field(default_factory=dict)
    missed: dict[str, dt.date] = field(default_factory=dict)
    cancelled: dict[str, dt.date] = field(default_factory=dict)  # module → start of the cancelled session
    dropped: set[str] = field(default_factory=set)
    skills: list[dict] = field(default_factory=list)  # {"uri"/"label", "level"}
    certifications: list[dict] = field(default_factory=list)  # {"code", "obtained"}


def read_events(events: Iterable[object]) -> Progress:
    """Fold events (objects with ``kind``, ``module_id``, ``on``, ``result`` and, for skills and certifications,
    ``skill``/``level``/``code``) into a :class:`Progress`; a later event on a module overrides an earlier one."""
    p = Progress()
    for e in sorted(events, key=lambda e: (getattr(e, "on", None) or dt.date.min)):
        kind, mid, on = getattr(e, "kind"), getattr(e, "module_id", None), getattr(e, "on", None)
        if kind == "completed" and getattr(e, "result", "pass") != "fail":
            p.done[mid] = on
            p.failed.pop(mid, None)
            p.missed.pop(mid, None)
        elif kind in ("failed", "completed"):
            p.failed[mid] = on
            p.done.pop(mid, None)
        elif kind == "missed":
            p.missed[mid] = on
        elif kind == "cancelled":
            p.cancelled[mid] = on
        elif kind == "dropped":
            p.dropped.add(mid)
        elif kind in ("skill", "new_skill"):
            p.skills.append({"uri" if str(getattr(e, "skill", "")).startswith("http") else "label": getattr(e, "skill"),
                             "level": getattr(e, "level", 3)})
        elif kind in ("certification", "new_certification"):
            p.certifications.append({"code": getattr(e, "code"), "obtained": on})
    return p


@dataclass
class Replanned:
    """The new plan, the module ids kept (done or booked), and the changes against the previous plan."""

    path: LearningPath
    kept: list[str]
    changes: list[dict]


def replan(plan: callable, previous: LearningPath, learner: LearnerProfile, catalogue: Catalogue,
           events: Iterable[object], today: dt.date) -> Replanned:
    """The re-plan of ``previous`` (planned for ``learner``) after ``events``, from ``today``.

    ``plan(profile, catalogue)`` plans a profile on a catalogue (the workspace's planner: selection, calendar,
    rules). Raises :class:`~curriculum.errors.InputError` (from the planner) for a profile that cannot be planned.
    """
    p = read_events(events)
    kept_steps: list[Step] = []
    booked: dict[str, Step] = {}
    for step in previous.steps:
        mid = step.module_id
        if mid in p.done:
            kept_steps.append(step.model_copy(update={"end": min(step.end, p.done[mid])}))
        elif mid in p.failed or mid in p.missed or mid in p.dropped:
            continue
        elif step.session and step.start <= today <= step.end and mid not in p.cancelled:
            kept_steps.append(step)  # in progress on its session
        elif step.session and step.start > today and mid not in p.cancelled:
            booked[mid] = step
    kept_ids = [s.module_id for s in kept_steps]
    resume = max([today] + [s.end + dt.timedelta(days=1) for s in kept_steps])
    data = learner.model_dump(mode="json", by_alias=True)
    held = [*data["skills"], *[{"uri": o.skill, "level": o.level} for s in kept_steps for o in _outcomes(s, catalogue)
                               if not o.skill.startswith(("cert:", "comp:"))], *p.skills]
    # certifications obtained by recorded events: their dates were checked when recorded (and may be "future"
    # for the machine's clock in a simulation), so they are built as they are
    certs = [HeldCertification.model_construct(code=c["code"], obtained=c["obtained"]) for c in p.certifications]
    certs += [HeldCertification.model_construct(code=code, obtained=min(s.end, today))
              for s in kept_steps for code in _awards(s, catalogue)]
    spent = sum(s.cost_eur for s in kept_steps)
    pins = sorted((set(booked) | set(p.failed) | set(p.missed)) - set(kept_ids) - p.dropped)
    data.update(start=str(resume), deadline=str(max(learner.deadline, resume + dt.timedelta(days=1))), skills=held,
                pinned_modules=[m for m in pins if m in catalogue.modules],
                budget_eur=None if not learner.budget_eur else float(max(learner.budget_eur - spent, 1.0)),
                excluded_modules=sorted((set(learner.excluded_modules) | p.dropped | set(kept_ids)) - set(pins)))
    profile = LearnerProfile.model_validate(data)
    profile = profile.model_copy(update={"certifications": [*profile.certifications, *certs]})
    home = (previous.learner_location["lat"], previous.learner_location["lon"])
    first_sessions = {mid: _next_session(catalogue.modules[mid], profile, home) for mid in p.failed
                      if mid in catalogue.modules and mid not in kept_ids}
    retake = {m: s for m, s in first_sessions.items() if s is not None}
    released: list[str] = []
    # the failed modules on their next session and the bookings kept; if a fixed module loses its session (a step
    # before it moved), the bookings are released, then the next-session rule too
    for fixed, free in (({**booked, **retake}, []), (retake, sorted(booked)), ({}, sorted(booked))):
        rest = plan(profile, _sessions_as_booked(catalogue, fixed, p.cancelled))
        released = free
        if not [s.module_id for s in rest.steps if s.module_id in fixed and s.session is None]:
            break
    booked = {} if released else booked
    from curriculum.generation import narrative

    steps = kept_steps + list(rest.steps)
    hours, cost = round(sum(s.hours for s in steps), 1), round(sum(s.cost_eur for s in steps), 2)
    names = narrative.LIMIT_NAMES.get(learner.language, {})
    why = ", ".join(names.get(k, k) for k in (rest.infeasibility or {}).get("limits_broken", [])) or None
    path = rest.model_copy(update={
        "steps": steps, "total_hours": hours, "total_cost_eur": cost, "learner_id": learner.id,
        "summary": narrative.path_summary(learner.language, rest.target_job.title, len(steps), hours, cost,
                                          len(rest.skipped_skills), why)})
    return Replanned(path, kept_ids + sorted(booked), _changes(previous, path, p, today, released))


def _outcomes(step: Step, catalogue: Catalogue) -> list:
    module = catalogue.modules.get(step.module_id)
    return list(module.outcomes) if module else []


def _awards(step: Step, catalogue: Catalogue) -> list[str]:
    module = catalogue.modules.get(step.module_id)
    return list(module.awards) if module else ([step.certification] if step.certification else [])


def _next_session(module: Module, learner: LearnerProfile, home: tuple[float, float]) -> Session | None:
    """The first session of ``module`` the learner can take from their start (seats, place within the radius)."""
    from curriculum.planner.eligibility import assess

    sessions = assess(module, learner, home).sessions
    return sessions[0] if sessions else None


def _sessions_as_booked(catalogue: Catalogue, booked: dict[str, Step | Session],
                        cancelled: dict[str, dt.date]) -> Catalogue:
    """The catalogue where a booked module keeps only its booked session and a cancelled session is gone
    (the same catalogue object when nothing changes, so the planner's caches are kept)."""
    if not booked and not cancelled:
        return catalogue
    modules: dict[str, Module] = dict(catalogue.modules)
    for mid, step in booked.items():
        start = dt.date.fromisoformat(step.session["start"]) if isinstance(step, Step) else step.start
        modules[mid] = modules[mid].model_copy(update={"sessions": [s for s in modules[mid].sessions
                                                                    if s.start == start]})
    for mid, start in cancelled.items():
        if mid in modules:
            modules[mid] = modules[mid].model_copy(update={"sessions": [s for s in modules[mid].sessions
                                                                        if start is None or s.start != start]})
    return Catalogue(modules=modules, pending=catalogue.pending, jobs=catalogue.jobs, taxonomy=catalogue.taxonomy,
                     issues=catalogue.issues, root=catalogue.root)


def _changes(previous: LearningPath, path: LearningPath, p: Progress, today: dt.date,
             released: list[str]) -> list[dict]:
    before = {s.module_id: s for s in previous.steps}
    after = {s.module_id: s for s in path.steps}
    out = []
    for mid, step in before.items():
        if mid not in after:
            why = ("dropped by the learner" if mid in p.dropped else
                   "its session was cancelled and another module replaces it" if mid in p.cancelled else
                   "no longer needed: what it teaches is now held, or a shorter plan replaces it")
            out.append({"action": "removed", "module_id": mid, "reason": why})
    for mid, step in after.items():
        if mid not in before:
            out.append({"action": "added", "module_id": mid,
                        "reason": "replaces a removed module or closes a gap left open" if step.covers or
                        step.certification else "prerequisite of a later step"})
        elif (step.start, step.end) != (before[mid].start, before[mid].end) and mid not in p.done:
            why = ("failed: re-booked on its next session" if mid in p.failed else
                   "session missed: re-booked on its next session" if mid in p.missed else
                   "session cancelled: moved to another session" if mid in p.cancelled else
                   "its booked session could not be kept (a step before it moved): booked on another one"
                   if mid in released else "moved with the steps before it")
            out.append({"action": "moved", "module_id": mid, "reason": why,
                        "from": f"{before[mid].start} → {before[mid].end}", "to": f"{step.start} → {step.end}"})
    return out
