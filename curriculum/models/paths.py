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
    cost_eur: float
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
    certifications_held: list[str] = Field(default_factory=list)
    certifications_obtained: list[str] = Field(default_factory=list)
    total_hours: float
    total_cost_eur: float
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
