"""The learning path returned to a learner: ordered steps with dates, hours, costs and reasons.

Serialised as the JSON contract of ``docs`` (``curriculum plan --format json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from curriculum.models.modules import Modality


class Step(BaseModel):
    """One module of the path, scheduled. ``outcomes`` maps skill id → level reached."""

    model_config = ConfigDict(extra="forbid")

    module_id: str
    title: str
    hours: float
    cost_eur: float = Field(description="what the learner pays, EUR: the funded remainder when the module states "
                            "one (funding.remainder_eur), else its full price")
    full_price_eur: float | None = Field(None, description="the module's full price (EUR) when it differs from cost_eur")
    modality: Modality
    start: dt.date
    end: dt.date
    outcomes: dict[str, int]
    certification: str | None = None
    rationale: str = ""
    place: str | None = None
    distance_km: float | None = None
    session: dict[str, Any] | None = None
    provider: str | None = None
    inserted_as_prerequisite: bool = False
    covers: list[str] = Field(default_factory=list, description="gap skill ids this step closes")


class UncoveredSkill(BaseModel):
    """A required skill the path does not bring to the required level, and why."""

    model_config = ConfigDict(extra="forbid")

    skill: str
    label: str | None = None
    required_level: int | None = None
    essential: bool = True
    reason: str


class CertificationAtEnd(BaseModel):
    """A certification the learner holds once the path is done, with its renewal date.

    ``obtained`` is the date held since (None = unknown), ``valid_until`` the date by which it must be
    renewed (None = no expiry in the rules), ``renewal`` the renewal rule in words, ``via`` ``"held"`` or
    the module id of the step awarding it, ``source`` the source of the validity rule
    (:mod:`curriculum.rules`).
    """

    model_config = ConfigDict(extra="forbid")

    code: str
    label: str | None = None
    obtained: dt.date | None = None
    valid_until: dt.date | None = None
    renewal: str = ""
    via: str = "held"
    source: str | None = None


class TargetJobRef(BaseModel):
    """The job a path aims at."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    rome_code: str | None = None
    esco_uri: str | None = None


class LearningPath(BaseModel):
    """A learner's pathway toward a job.

    ``feasible`` is False when the path breaks one of the learner's limits (hours, deadline, budget,
    travel radius) or leaves an essential skill uncovered; ``infeasibility`` then says by how much
    (e.g. ``{"hours_missing": 120.0, "weeks_missing": 30.0, ...}``). When the solver reached its time
    limit before finding any pathway, ``feasible`` is False with ``infeasibility.reason ==
    "solver_timeout"`` (no limit of the learner is known to be broken). ``optimal`` is False when the
    solver stopped at its time limit: the steps are the best found, not proven optimal.
    Certification rules (:mod:`curriculum.rules`) are applied to every module: ``rules_applied`` says
    which rule brought which step, ``certifications_at_end`` what is held at the end and until when.
    """

    model_config = ConfigDict(extra="forbid")

    learner_id: str
    language: str = "fr"
    target_job: TargetJobRef
    learner_location: dict[str, Any]
    start_skills: dict[str, int]
    skill_mapping: list[dict[str, Any]] = Field(default_factory=list)
    steps: list[Step]
    covered_skills: list[str]
    uncovered_skills: list[UncoveredSkill]
    skipped_skills: list[dict[str, Any]] = Field(default_factory=list)
    certifications_held: list[str] = Field(default_factory=list, description="codes held and valid for the plan")
    certifications_lapsed: list[dict[str, Any]] = Field(
        default_factory=list, description="held certifications expired before the start or expiring before the "
        "deadline: {code, obtained, valid_until, status, reason}; not counted as valid")
    certifications_obtained: list[str] = Field(default_factory=list)
    certifications_at_end: list[CertificationAtEnd] = Field(default_factory=list)
    rules_applied: list[dict[str, Any]] = Field(
        default_factory=list, description="which certification rule brought which step: {rule, kind, requirement, "
        "source, module_added, for_module | for_job | reason, in_catalogue_data}")
    total_hours: float
    total_cost_eur: float
    total_full_price_eur: float | None = Field(None, description="sum of full prices (EUR) when some step is funded")
    hours_available: float
    feasible: bool
    already_qualified: bool = False
    infeasibility: dict[str, Any] | None = None
    optimal: bool = Field(default=True, description="False when the selection is the best found at the solver's "
                                                    "time limit, not proven optimal")
    relaxations: list[dict[str, Any]] = Field(default_factory=list)
    repairs: list[dict[str, Any]] = Field(default_factory=list)
    prior_learning: dict[str, Any] | None = None
    label: str | None = None
    trade_off: str | None = None
    summary: str = ""
    warnings: list[str] = Field(default_factory=list)
    provenance: dict[str, Any] = Field(default_factory=dict)
