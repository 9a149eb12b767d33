"""Learner profile: what a person holds, where they live, and their constraints.

Units: ``hours_per_week`` hours, ``budget_eur`` euros (0 or null = funded, no cap),
``mobility_km`` kilometres of great-circle distance from the learner's location.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from curriculum.models.modules import Modality
from curriculum.models.skills import Level


class Location(BaseModel):
    """Where the learner lives: a city and postcode, optionally coordinates (WGS84)."""

    model_config = ConfigDict(extra="forbid")

    city: str | None = None
    postcode: str | None = None
    region: str | None = None
    country: str = "FR"
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)

    @model_validator(mode="after")
    def _something(self) -> "Location":
        if not self.city and (self.lat is None or self.lon is None):
            raise ValueError("give a city (with its postcode if you like), or lat and lon")
        return self


class HeldSkill(BaseModel):
    """A skill the learner holds: a taxonomy ``uri`` or a free ``label`` (EN/FR) to be mapped."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    uri: str | None = None
    level: Level

    @model_validator(mode="after")
    def _label_or_uri(self) -> "HeldSkill":
        if not self.label and not self.uri:
            raise ValueError("each skill needs a 'label' or a 'uri'")
        return self


class LearnerProfile(BaseModel):
    """A learner asking for a pathway.

    ``target_job`` is ``rome:CODE``, ``esco:URI`` or a knowledge-base job id.
    ``certifications`` are free strings (``"Habilitation électrique BR"``); codes are parsed from them.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str | None = None
    language: str = Field("fr", pattern=r"^(fr|en)$")
    location: Location
    mobility_km: float = Field(50, ge=0, le=2000, strict=True)
    hours_per_week: float = Field(gt=0, le=60, strict=True)
    start: dt.date
    deadline: dt.date
    budget_eur: float | None = Field(None, ge=0, le=10_000_000, strict=True)
    preferred_modalities: list[Modality] = Field(default_factory=lambda: list(Modality))
    skills: list[HeldSkill] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    background: str = Field("", max_length=20000)
    target_job: str | None = None
    expect: dict | None = Field(None, description="evaluation expectations (ignored by the planner)")

    @field_validator("deadline")
    @classmethod
    def _after_start(cls, deadline: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and deadline <= start:
            raise ValueError(f"deadline {deadline} is not after start {start}")
        return deadline

    @property
    def weeks_available(self) -> float:
        """Weeks between ``start`` and ``deadline`` (fractional)."""
        return (self.deadline - self.start).days / 7

    @property
    def hours_available(self) -> float:
        """Hours the learner can give before the deadline: hours_per_week × weeks."""
        return round(self.hours_per_week * self.weeks_available, 1)

    @property
    def budget_cap(self) -> float | None:
        """Budget ceiling in EUR, or None when funded (0 or unset)."""
        return self.budget_eur if self.budget_eur else None
