"""The training a point can reach toward each job: :class:`SupplyIndex`.

For a point (a basin's centroid, WGS84), a radius (km, great-circle) and a start date, the planner's own
eligibility (:mod:`curriculum.planner.eligibility`: a module needing travel has a place within the radius; a
module with dated sessions has one with seats left, starting on or after the start date and ending within the
planning horizon, at a place within the radius; online and workplace modules are reachable from anywhere) tells
which modules a *typical person* living there can take: nobody's skills, no certification, 35 h a week, a year
to finish, no budget cap (funded), every modality. For each job:

- **standard programme**: the plan of that typical person toward the job (:func:`plan_pathway` with
  ``ignore_held``, as :meth:`curriculum.services.Workspace.plan` computes ``prior_learning``); its hours are the
  *hours to reach the job*, when it covers every essential requirement (``programme_complete``);
- **the job's training**: the programme's modules and every reachable module that could replace one of its steps
  (teaches every job skill the step closes at the job's level, or awards the job certification the step awards)
  and is *about the job*: at least :data:`RELEVANCE` of its skill outcomes are skills the job requires, or it
  awards one of the job's certifications (so a battery dry-room course that also teaches protective gear is not
  counted as welding training; a programme step that is not about the job is listed with ``counted`` False);
- **sessions and seats reachable**: the dated sessions the eligibility keeps of the counted modules, and their
  seats: places in sessions, not people (a person takes a seat in each module of the programme). Modules
  without dated sessions run on demand: listed (``on_demand``), their capacity unknown, counted in no seat;
- **untaught**: the job's essential skills (at the required level) and mandatory certifications (with their legal
  companions, :mod:`curriculum.rules`) that no reachable module teaches or awards.

Everything that depends only on the catalogue is built once per catalogue and shared (the planner's
:func:`~curriculum.planner.index.catalogue_index`); a programme is planned once per job and *set of reachable
modules and first sessions*: basins that reach the same modules share it (its module choice may then follow the
first basin's distances when two modules tie on hours).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile
from curriculum.models.learners import Location
from curriculum.planner.eligibility import EligibilityMap
from curriculum.planner.index import CatalogueIndex, catalogue_index
from curriculum.planner.pathway import plan_pathway
from curriculum.planner.shared import LOCK
from curriculum.retrieval.skill_mapping import SkillMapper
from curriculum.rules.apply import cert_skill, job_certifications
from curriculum.rules.reference import RulesReference, load_reference

TYPICAL_HOURS_PER_WEEK = 35.0
"""The typical person's training hours a week (full time, as a job seeker in a funded programme)."""
TYPICAL_MONTHS = 12
"""The typical person's deadline: this many months after the start date."""
RELEVANCE = 0.5
"""Share of a module's skill outcomes the job must require for the module to count as the job's training."""
_PLAN_CACHE = 4096  # programmes per catalogue (job × set of reachable modules): 406 basins × 11 jobs fit


@dataclass
class ReachableModule:
    """A module of a job's training within reach: where (nearest reachable place, km), its reachable dated
    sessions (``{"start", "end", "place", "seats"}``), ``on_demand`` when it has no dated session at all."""

    module_id: str
    title: str
    modality: str
    provider: str
    place: str | None
    distance_km: float | None
    sessions: list[dict]
    on_demand: bool
    in_programme: bool
    counted: bool = True
    """About the job (see :data:`RELEVANCE`): its sessions and seats count as the job's."""

    def as_dict(self) -> dict:
        """JSON-ready fields, ``seats`` the sum over its sessions."""
        return {"module_id": self.module_id, "title": self.title, "modality": self.modality,
                "provider": self.provider, "place": self.place, "distance_km": self.distance_km,
                "in_programme": self.in_programme, "counted": self.counted, "on_demand": self.on_demand,
                "sessions": self.sessions, "seats": sum(s["seats"] for s in self.sessions)}


@dataclass
class JobSupply:
    """What a point reaches toward one job (see the module docstring). Hours in hours, dates ISO."""

    job_id: str
    hours_to_job: float | None
    """Hours of the standard programme; None when it cannot cover every essential requirement."""
    programme_complete: bool
    programme_hours: float
    programme_end: str | None
    programme_modules: list[str]
    modules: list[ReachableModule]
    skills_untaught: list[dict]
    certifications_untaught: list[str]
    sessions_reachable: int = field(init=False)
    seats_reachable: int = field(init=False)
    on_demand_modules: int = field(init=False)

    def __post_init__(self) -> None:
        counted = [m for m in self.modules if m.counted]
        self.sessions_reachable = sum(len(m.sessions) for m in counted)
        self.seats_reachable = sum(s["seats"] for m in counted for s in m.sessions)
        self.on_demand_modules = sum(m.on_demand for m in counted)


@dataclass
class _Programme:
    hours: float
    complete: bool
    end: str | None
    steps: list[tuple[str, list[str], str | None]]  # (module id, skills it closes, job certification it awards)


class SupplyIndex:
    """The training reachable from points, over one catalogue (build it once: :func:`supply_index`)."""

    def __init__(self, catalogue: Catalogue, mapper: SkillMapper, rules: RulesReference | None = None) -> None:
        self.catalogue = catalogue
        self.mapper = mapper
        self.reference = rules or load_reference()
        self.index: CatalogueIndex = catalogue_index(catalogue.modules, self.reference)
        self._plans: OrderedDict[tuple, _Programme] = OrderedDict()
        self._certs = {j.id: [c for c, _ in job_certifications(j.mandatory_certifications, self.reference)]
                       for j in catalogue.jobs.values()}

    def typical(self, point: tuple[float, float], radius_km: float, start: dt.date, language: str = "en"
                ) -> LearnerProfile:
        """The typical person at ``point`` (lat, lon): see the module docstring."""
        month = start.month - 1 + TYPICAL_MONTHS
        year, month = start.year + month // 12, month % 12 + 1
        deadline = start.replace(year=year, month=month, day=min(start.day, 28))
        return LearnerProfile(id="typical", language=language, location=Location(lat=point[0], lon=point[1]),
                              mobility_km=float(radius_km), hours_per_week=TYPICAL_HOURS_PER_WEEK, start=start,
                              deadline=deadline)

    def reach(self, point: tuple[float, float], radius_km: float, start: dt.date, language: str = "en"
              ) -> tuple[LearnerProfile, EligibilityMap]:
        """The typical person at ``point`` and the planner's eligibility of every module for them (shared)."""
        person = self.typical(point, radius_km, start, language)
        return person, self.index.eligibility(person, point)

    def job(self, job: Job, person: LearnerProfile, elig: EligibilityMap) -> JobSupply:
        """What ``person`` (from :meth:`reach`) reaches toward ``job``."""
        programme = self._programme(job, person, elig)
        levels = {r.skill: r.level for r in job.required_skills}
        ok = elig.is_ok
        chosen = [mid for mid, _, _ in programme.steps]
        members = dict.fromkeys(chosen)
        about = self.about(job)
        for mid, covers, cert in programme.steps:
            needs = [(s, levels.get(s, 1)) for s in covers] + ([(cert_skill(cert), 1)] if cert else [])
            if not needs:
                continue
            sets = [{m for m in self.index.teaching(s, lvl) if ok(m) and about(m)} for s, lvl in needs]
            members.update(dict.fromkeys(sorted(set.intersection(*sets), key=self.index.position.__getitem__)))
        modules = [self._reachable(mid, elig, mid in chosen, about(mid)) for mid in members]
        untaught = [{"skill": r.skill, "label": self.catalogue.skill_label(r.skill, person.language),
                     "required_level": r.level}
                    for r in job.required_skills
                    if r.essential and not any(ok(m) for m in self.index.teaching(r.skill, r.level))]
        certs = [c for c in self._certs[job.id] if not any(ok(m) for m in self.index.teaching(cert_skill(c), 1))]
        return JobSupply(job.id, programme.hours if programme.complete else None, programme.complete,
                         programme.hours, programme.end, chosen, modules, untaught, certs)

    def about(self, job: Job):
        """module id → True when the module is about ``job`` (:data:`RELEVANCE`)."""
        required = {r.skill for r in job.required_skills}
        certs = self._certs[job.id]

        def about(mid: str) -> bool:
            module = self.catalogue.modules[mid]
            if any(self.reference.satisfies([code], c) for code in module.awards for c in certs):
                return True
            skills = {o.skill for o in module.outcomes}
            return bool(skills) and len(skills & required) >= RELEVANCE * len(skills)
        return about

    def _reachable(self, mid: str, elig: EligibilityMap, in_programme: bool, counted: bool) -> ReachableModule:
        module = self.catalogue.modules[mid]
        e = elig[mid]
        sessions = [{"start": s.start.isoformat(), "end": s.end.isoformat(), "place": s.place, "seats": s.seats}
                    for s in e.sessions]
        return ReachableModule(mid, module.title, module.modality.value, module.provider,
                               e.place.city if e.place else None, e.distance_km, sessions,
                               not module.sessions, in_programme, counted)

    def _programme(self, job: Job, person: LearnerProfile, elig: EligibilityMap) -> _Programme:
        key = (job.id, elig.signature[1:], person.start, person.deadline)
        with LOCK:
            hit = self._plans.get(key)
            if hit is not None:
                self._plans.move_to_end(key)
                return hit
        path = plan_pathway(person, job, self.catalogue, self.mapper, ignore_held=True, rules=self.reference)
        complete = not any(u.essential for u in path.uncovered_skills)
        certs = self._certs[job.id]
        steps = [(s.module_id, list(s.covers), next((c for c in certs if s.certification
                                                      and self.reference.satisfies([s.certification], c)), None))
                 for s in path.steps]
        end = max((s.end for s in path.steps), default=None)
        value = _Programme(path.total_hours, complete, end.isoformat() if end else None, steps)
        with LOCK:
            self._plans[key] = value
            while len(self._plans) > _PLAN_CACHE:
                self._plans.popitem(last=False)
        return value


_INDEXES: OrderedDict[int, SupplyIndex] = OrderedDict()


def supply_index(catalogue: Catalogue, mapper: SkillMapper) -> SupplyIndex:
    """The :class:`SupplyIndex` of ``catalogue`` (built on first use, kept for the last 2 catalogues: its
    programmes are shared by every basin and region asked about)."""
    with LOCK:
        hit = _INDEXES.get(id(catalogue))
        if hit is not None and hit.catalogue is catalogue and hit.mapper is mapper:
            return hit
    value = SupplyIndex(catalogue, mapper)
    with LOCK:
        _INDEXES[id(catalogue)] = value
        while len(_INDEXES) > 2:
            _INDEXES.popitem(last=False)
    return value
