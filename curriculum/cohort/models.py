"""Cohort programme data model: members read from a cohort file, programme settings, and the result.

Units: hours (``hours``, ``hours_per_week``), euros excl. VAT (``*_eur``), kilometres of great-circle
distance (``mobility_km``, ``distance_km``), dates ISO 8601. Coordinates are WGS84 decimal degrees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from curriculum.models import HeldSkill, LearnerProfile, LearningPath, Location, Modality
from curriculum.models.learners import check_coordinates, check_hours_per_week, check_postcode


class CohortMember(BaseModel):
    """One row of a cohort file (``row`` is 1-based, the header being row 1).

    ``site`` names the work site (informative); ``city``/``postcode`` (or ``lat``/``lon``) locate the
    person for travel distances. ``budget_eur`` None = the programme's budget per head applies.
    Validated as a learner profile is: ``lat``/``lon`` (WGS84 degrees) together and inside the area
    covered (:func:`curriculum.geo.coordinates_problem`), ``postcode`` five digits (French),
    ``hours_per_week`` from 1 to 60
    (:func:`~curriculum.models.learners.check_hours_per_week`); a failure is a ``ValidationError`` on
    that field.
    """

    model_config = ConfigDict(extra="forbid")

    row: int = Field(ge=2)
    learner_id: str = Field(min_length=1)
    name: str | None = None
    company: str | None = None
    site: str | None = None
    city: str | None = None
    postcode: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180, validate_default=True)
    skills: list[HeldSkill] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    hours_per_week: float = Field(description="hours of training per week, 1 to 60")
    target_job: str
    mobility_km: float = Field(50, ge=0, le=2000)
    budget_eur: float | None = Field(None, ge=0)

    _lon_in_area = field_validator("lon")(check_coordinates)
    _postcode = field_validator("postcode")(check_postcode)
    _hours = field_validator("hours_per_week")(check_hours_per_week)

    def to_profile(self, settings: "ProgrammeSettings", start: dt.date | None = None) -> LearnerProfile:
        """The learner profile planned for this member: programme dates, budget = min(own, per head)."""
        caps = [b for b in (self.budget_eur, settings.budget_per_head_eur) if b]
        return LearnerProfile(
            id=self.learner_id, name=self.name, language=settings.language,
            location=Location(city=self.city, postcode=self.postcode, lat=self.lat, lon=self.lon),
            mobility_km=self.mobility_km, hours_per_week=self.hours_per_week, start=start or settings.start,
            deadline=settings.end, budget_eur=min(caps) if caps else None,
            preferred_modalities=list(settings.modalities_allowed), skills=self.skills,
            certifications=self.certifications, target_job=self.target_job)


class TrainingSite(BaseModel):
    """A room where group sessions can be taught (a company training centre, a provider's place)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    city: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    seats: int = Field(12, ge=1, description="room capacity (people)")
    company: str | None = Field(None, description="owner; informative")


class ProgrammeSettings(BaseModel):
    """What the training manager fixes for the whole programme.

    ``core_threshold``: a module joins the common core when at least this share of the planned
    members need it (or at least ``group_min`` of them). Budgets in EUR (None = no cap).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = "cohort"
    start: dt.date
    end: dt.date
    budget_per_head_eur: float | None = Field(None, ge=0)
    budget_total_eur: float | None = Field(None, ge=0)
    group_min: int = Field(4, ge=2)
    group_max: int = Field(12, ge=2)
    training_sites: list[TrainingSite] = Field(default_factory=list)
    modalities_allowed: list[Modality] = Field(default_factory=lambda: list(Modality))
    core_threshold: float = Field(0.5, gt=0, le=1)
    company: str | None = None
    language: str = Field("fr", pattern=r"^(fr|en)$")
    default_target_job: str | None = None
    use_embeddings: bool = Field(True, description="embedding fallback for skill labels not in the taxonomy")

    @model_validator(mode="after")
    def _check(self) -> "ProgrammeSettings":
        if self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        if self.group_max < self.group_min:
            raise ValueError(f"group_max {self.group_max} < group_min {self.group_min}")
        return self


class RowError(BaseModel):
    """A problem in one row of the cohort file (the row is skipped, the others are planned)."""

    row: int | None
    field: str | None
    message: str
    file: str | None = None
    learner_id: str | None = None


class MemberPlan(BaseModel):
    """A member's final path (group steps carry the group's dates, place and per-head cost)."""

    learner_id: str
    name: str | None = None
    company: str | None = None
    plan: LearningPath
    individual_hours: float = Field(description="hours of the individual plan before grouping")
    individual_cost_eur: float = Field(description="EUR of the individual plan before grouping")
    group_sessions: list[str] = Field(default_factory=list, description="ids of the group sessions attended")


class GroupSession(BaseModel):
    """A module taught to a group. ``cost_eur`` is the billed group price, split per head.

    ``seats`` is the capacity (min of group_max, room seats, catalogue session seats); ``members``
    never exceeds it. ``other_participants`` counts people of other companies (company views only).
    """

    id: str
    module_id: str
    title: str
    modality: Modality
    start: dt.date
    end: dt.date
    place: str | None
    site: dict[str, Any] | None = None
    seats: int
    members: list[str]
    companies: dict[str, int] = Field(default_factory=dict)
    hours: float
    cost_eur: float
    cost_per_head_eur: float
    individual_cost_eur: float = Field(description="what the members would pay taking it individually")
    fixed: bool = Field(False, description="already started when re-planned: kept as is")
    other_participants: int = 0


class Unreachable(BaseModel):
    """A member who cannot reach the target job by the end date within their limits, and why."""

    learner_id: str
    company: str | None = None
    reasons: list[str]


class CohortProgramme(BaseModel):
    """The result of :func:`curriculum.cohort.planner.plan_cohort` (see ``totals`` for the figures)."""

    name: str = "cohort"
    members: list[MemberPlan] = Field(default_factory=list)
    sessions: list[GroupSession] = Field(default_factory=list)
    totals: dict[str, Any] = Field(default_factory=dict)
    errors: list[RowError] = Field(default_factory=list)
    unreachable: list[Unreachable] = Field(default_factory=list)
    core_modules: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)
    generated_at: str = ""

    def member(self, learner_id: str) -> MemberPlan | None:
        """The member with ``learner_id`` (None if absent)."""
        return next((m for m in self.members if m.learner_id == learner_id), None)

    def for_company(self, company: str) -> "CohortProgramme":
        """The company's own view: its members, the sessions they attend (other companies'
        people aggregated as ``other_participants``), its totals and unreachable members."""
        from curriculum.cohort.totals import compute_totals

        mine = [m for m in self.members if m.company == company]
        ids = {m.learner_id for m in mine}
        sessions = []
        for s in self.sessions:
            own = [i for i in s.members if i in ids]
            if own:
                sessions.append(s.model_copy(update={
                    "members": own, "companies": {company: len(own)},
                    "other_participants": s.other_participants + len(s.members) - len(own)}))
        return self.model_copy(update={
            "name": f"{self.name} — {company}", "members": mine, "sessions": sessions,
            "totals": compute_totals(mine, sessions, self.settings.get("budget_total_eur"), share=True),
            "errors": [], "unreachable": [u for u in self.unreachable if u.company == company]})
