"""Plan a cohort programme: individual paths, then a common core taught in groups (see :mod:`.core`).

Each member is planned with :meth:`Workspace.plan` (``explain=False``, deterministic planner, no LLM) under the
programme's dates, their hours per week, min(their budget, budget per head) and their radius. Plans
are reused for members with identical inputs (job, skills, certifications, home, constraints): the
planner is deterministic, so the copy is the plan they would get.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable

from curriculum.cohort.core import DAY, Dates, MemberState, core_modules, form_groups
from curriculum.cohort.models import (CohortMember, CohortProgramme, GroupSession, MemberPlan, ProgrammeSettings,
                                      RowError, Unreachable)
from curriculum.cohort.totals import compute_totals
from curriculum.errors import InputError
from curriculum.models import LearningPath
from curriculum.planner.check import path_violations
from curriculum.planner.pathway import learner_home, resolve_job
from curriculum.rules.binding import redate_at_end
from curriculum.services import Workspace

Progress = Callable[[int, int], None]


class _CohortWorkspace(Workspace):
    """The caller's workspace with one skill mapper for the whole cohort (``Workspace.mapper``
    rebuilds the label index, ~40 ms, on every call; the mapper memoises label → skill) and no LLM:
    cohort paths come from the deterministic planner (an LLM pass would be one call per person)."""

    def mapper(self, use_embeddings: bool = True):  # type: ignore[override]
        cache = self.__dict__.setdefault("_mappers", {})
        if use_embeddings not in cache:
            cache[use_embeddings] = super().mapper(use_embeddings)
        return cache[use_embeddings]


def _shared(ws: Workspace) -> Workspace:
    if isinstance(ws, _CohortWorkspace):
        return ws
    return _CohortWorkspace(dataclasses.replace(ws.settings, llm_model=None), ws.catalogue, ws._index,
                            embeddings=ws.embeddings)


def plan_members(workspace: Workspace, members: Iterable[CohortMember], settings: ProgrammeSettings, *,
                 file: str | None = None, progress: Progress | None = None, reuse_plans: bool = True
                 ) -> tuple[list[MemberState], list[RowError], int]:
    """Individual plans. Returns (states, errors for members that could not be planned, plans reused).

    ``reuse_plans``: members with identical inputs share one planner run (same result, copied)."""
    ws, members = _shared(workspace), list(members)
    cache_dir = str(ws.settings.data_dir)
    cache: dict[tuple, LearningPath] = {}
    states, errors, reused = [], [], 0
    for k, m in enumerate(members, 1):
        try:
            profile = m.to_profile(settings)
            home = learner_home(profile, cache_dir, file)
            key = (m.target_job, tuple((s.label, s.uri, s.level) for s in m.skills), tuple(sorted(m.certifications)),
                   m.city, m.postcode, round(home[0], 5), round(home[1], 5), m.hours_per_week, profile.budget_eur,
                   m.mobility_km)
            if reuse_plans and key in cache:
                reused += 1
                path = cache[key].model_copy(deep=True, update={"learner_id": m.learner_id})
            else:
                path = cache[key] = ws.plan(profile, explain=False, file=file, use_embeddings=settings.use_embeddings)
        except InputError as exc:
            errors.append(RowError(row=m.row, field=exc.field, message=exc.message, file=file, learner_id=m.learner_id))
            continue
        states.append(MemberState(m.learner_id, m.company, profile, home, path))
        if progress:
            progress(k, len(members))
    return states, errors, reused


def plan_cohort(workspace: Workspace, members: Iterable[CohortMember], settings: ProgrammeSettings, *,
                errors: Iterable[RowError] = (), file: str | None = None, fixed_sessions: Iterable[GroupSession] = (),
                not_before: dt.date | None = None, progress: Progress | None = None,
                reuse_plans: bool = True) -> CohortProgramme:
    """Plan every member, then the common core; return the programme with totals.

    ``fixed_sessions`` (re-planning) are kept as they are for the members still present who need
    them; new group sessions then start after ``not_before``. ``errors`` (row errors of the file)
    are carried into the result.
    """
    members = list(members)
    states, plan_errors, reused = plan_members(workspace, members, settings, file=file, progress=progress,
                                                reuse_plans=reuse_plans)
    cat = workspace.catalogue
    sessions: list[GroupSession] = []
    by_id = {st.learner_id: st for st in states}
    warnings: list[str] = []
    for fixed in fixed_sessions:
        present = [by_id[i] for i in fixed.members if i in by_id
                   and any(s.module_id == fixed.module_id for s in by_id[i].path.steps)]
        if not present:
            warnings.append(f"session {fixed.id} ({fixed.module_id}, started {fixed.start}) has no member left; "
                            f"its cost {fixed.cost_eur:.2f} EUR is not counted")
            continue
        group = fixed.model_copy(update={"members": [st.learner_id for st in present], "fixed": True,
                                         "cost_per_head_eur": round(fixed.cost_eur / len(present), 2)})
        for st in present:
            st.groups[fixed.module_id] = group
        sessions.append(group)
    busy: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for g in sessions:
        if g.place:
            busy.setdefault(g.place, []).append((g.start, g.end))
    core = core_modules(states, cat, settings)
    for mid in core:
        people = [st for st in states if mid not in st.groups and any(s.module_id == mid for s in st.path.steps)]
        sessions += form_groups(cat.modules[mid], people, cat, settings, len(sessions) + 1, not_before, busy)
    # catalogue seats: members bound to group dates book first (their steps between groups have the
    # least room to move), then the others, in file order
    ledger: dict[tuple, int] = {}
    booked: dict[str, Dates] = {}
    for st in sorted(states, key=lambda st: not st.groups):
        booked[st.learner_id], over = st.book(cat, ledger)
        if over:
            warnings.append(f"{st.learner_id}: catalogue session(s) booked beyond their seats to keep the group "
                            "session dates")
    member_by_id = {m.learner_id: m for m in members}
    plans = [_finalise(st, booked[st.learner_id], settings, member_by_id[st.learner_id]) for st in states]
    unreachable = [Unreachable(learner_id=p.learner_id, company=p.company, reasons=_reasons(p.plan))
                   for p in plans if not p.plan.feasible]
    violations = 0
    for p, st in zip(plans, states):
        job = resolve_job(cat, st.profile.target_job)
        for v in path_violations(p.plan, cat, job, st.profile):
            violations += 1
            warnings.append(f"{p.learner_id}: {v}")
    if reused:
        warnings.append(f"{reused} plan(s) reused from members with identical inputs")
    stats = {"plans_computed": len(states) - reused, "plans_reused": reused, "path_violations": violations}
    return CohortProgramme(
        name=settings.name, members=plans, sessions=sessions,
        totals={**compute_totals(plans, sessions, settings.budget_total_eur), **stats},
        errors=[*errors, *plan_errors], unreachable=unreachable, core_modules=core, warnings=warnings,
        settings=settings.model_dump(mode="json"),
        generated_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))


def _finalise(st: MemberState, dates: Dates, settings: ProgrammeSettings, m: CohortMember) -> MemberPlan:
    """The member's path with group dates, places and per-head costs; ``dates`` from :meth:`MemberState.book`."""
    steps = []
    for step, (start, end, session) in zip(st.path.steps, dates):
        g = st.groups.get(step.module_id)
        if g is not None:
            km = round(_km(st, g), 1) if g.site else step.distance_km
            steps.append(step.model_copy(update={
                "start": start, "end": end, "place": g.place, "distance_km": km,
                "cost_eur": g.cost_per_head_eur, "session": {"group": g.id, "start": str(g.start), "end": str(g.end),
                                                             "place": g.place, "seats": g.seats, "conflict": False},
                "rationale": step.rationale + f" Taught in group session {g.id} ({len(g.members)} people)."}))
        else:
            update: dict = {"start": start, "end": end}
            if session is not None:
                update.update(place=session.place or step.place, session={
                    "start": str(session.start), "end": str(session.end), "place": session.place,
                    "seats": session.seats, "conflict": session.start < (steps[-1].end + DAY if steps else st.profile.start)})
            steps.append(step.model_copy(update=update))
    path = st.path
    infeas = dict(path.infeasibility) if path.infeasibility else None
    if steps and steps[-1].end > settings.end and path.feasible:
        late = (steps[-1].end - settings.end).days
        infeas = {"limits_broken": ["deadline"], "deadline": str(settings.end), "planned_end": str(steps[-1].end),
                  "days_late": late, "reason": "catalogue session seats taken by other cohort members"}
    at_end = redate_at_end(path.certifications_at_end, {s.module_id: s.end for s in steps})  # renewal dates follow
    plan = path.model_copy(update={"steps": steps, "certifications_at_end": at_end,
                                   "total_cost_eur": round(sum(s.cost_eur for s in steps), 2),
                                   "feasible": infeas is None, "infeasibility": infeas})
    return MemberPlan(learner_id=st.learner_id, name=m.name, company=st.company, plan=plan,
                      individual_hours=path.total_hours, individual_cost_eur=path.total_cost_eur,
                      group_sessions=[g.id for g in st.groups.values()])


def _km(st: MemberState, g: GroupSession) -> float:
    from curriculum.geo import distance_km

    return distance_km(st.home, (g.site["lat"], g.site["lon"]))  # type: ignore[index]


def _reasons(path: LearningPath) -> list[str]:
    """Why a path misses the target: each limit broken with its numbers, and uncovered skills."""
    inf = path.infeasibility or {}
    out = []
    for limit in inf.get("limits_broken", []):
        if limit == "hours":
            out.append(f"hours: needs {inf.get('hours_needed')} h, {inf.get('hours_available')} h available "
                       f"({inf.get('hours_per_week_needed')} h/week needed)")
        elif limit == "budget":
            out.append(f"budget: needs {inf.get('budget_needed_eur')} EUR, cap {inf.get('budget_eur')} EUR")
        elif limit == "deadline":
            out.append(f"deadline: ends {inf.get('planned_end')}, {inf.get('days_late')} days after {inf.get('deadline')}")
        elif limit != "coverage":
            out.append(limit)
    out += [f"{u.label or u.skill}: {u.reason}" for u in path.uncovered_skills if u.essential]
    return out or ["infeasible"]
