"""Learner profile: what a person holds, where they live, and their constraints.

Units: ``hours_per_week`` hours per week (at least :data:`MIN_HOURS_PER_WEEK`), ``budget_eur`` euros
(0 or null = funded, no cap), ``mobility_km`` kilometres of great-circle distance from the learner's
location, ``lat``/``lon`` WGS84 decimal degrees inside the area covered (see :mod:`curriculum.geo`).
Invalid values raise pydantic's ``ValidationError`` (turned into :class:`~curriculum.errors.InputError`
naming file and field by :func:`curriculum.learners.parse_learner`).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from curriculum.departements import POSTCODE_RE
from curriculum.geo import coordinates_problem
from curriculum.models.modules import Modality
from curriculum.models.skills import Level

MIN_HOURS_PER_WEEK = 1.0
"""Fewest hours of training per week a pathway is planned for. Below it, a pathway of a few hundred hours
(the usual size toward an industrial job) takes longer than the 5-year planning horizon
(:data:`curriculum.planner.schedule.HORIZON_YEARS`), a 35-hour module spreads over most of a year, and
providers' sessions (a few days in a row) cannot be followed anyway; 0.01 h/week used to give an end in 2362."""
MAX_HOURS_PER_DAY = 12.0
"""Most hours of training on one study day: a week of study holds at most this × the number of study days."""
MAX_HOURS_PER_WEEK = 60.0
"""Most hours of training per week (full-time training plus evening study)."""


def check_hours_per_week(value: float) -> float:
    """``value`` (hours per week) when it lies in [:data:`MIN_HOURS_PER_WEEK`, :data:`MAX_HOURS_PER_WEEK`].

    Raises
    ------
    ValueError
        Saying the accepted range and why the minimum exists.
    """
    if not value >= MIN_HOURS_PER_WEEK:  # also catches NaN
        raise ValueError(f"at least {MIN_HOURS_PER_WEEK:g} hour of training per week is needed (got {value:g}): "
                         "below that a pathway would not end within the 5-year planning horizon")
    if value > MAX_HOURS_PER_WEEK:
        raise ValueError(f"at most {MAX_HOURS_PER_WEEK:g} hours of training per week (got {value:g})")
    return value


def check_postcode(postcode: str | None, country: str = "FR") -> str | None:
    """``postcode`` stripped (None when empty); a French one (``country`` FR) must be five digits.

    Raises
    ------
    ValueError
        For a French postcode that is not five digits (the hint covers the lost leading 0).
    """
    if postcode is None or not postcode.strip():
        return None
    postcode = postcode.strip()
    if country.upper() == "FR" and not POSTCODE_RE.fullmatch(postcode):
        raise ValueError(f"a French postcode has 5 digits (got {postcode!r}); one starting with 0 keeps its 0 "
                         "(in YAML quote it: postcode: \"01000\"; in a spreadsheet use a text cell)")
    return postcode


def check_coordinates(lon: float | None, info: ValidationInfo) -> float | None:
    """Field validator for ``lon`` (``lat`` is validated first): the point must lie in the area covered.

    Raises
    ------
    ValueError
        From :func:`curriculum.geo.coordinates_problem` (outside Europe and the overseas départements,
        swapped, or only one of lat/lon given).
    """
    lat = info.data.get("lat")
    if "lat" not in info.data:  # lat itself was invalid: already reported
        return lon
    problem = coordinates_problem(lat, lon)
    if problem:
        raise ValueError(problem)
    return lon


class Location(BaseModel):
    """Where the learner lives: a city and postcode, optionally coordinates (WGS84 decimal degrees).

    A French postcode (``country`` FR) is five digits; lat and lon come together and lie in Europe or a
    French overseas département (:func:`curriculum.geo.coordinates_problem`). A postcode that does not
    match the city is only warned about, in the plan (:func:`curriculum.geo.postcode_mismatch`).
    """

    model_config = ConfigDict(extra="forbid")

    city: str | None = None
    country: str = "FR"  # before postcode: its format depends on the country
    postcode: str | None = None
    region: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180, validate_default=True)

    _lon_in_area = field_validator("lon")(check_coordinates)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, postcode: str | None, info: ValidationInfo) -> str | None:
        return check_postcode(postcode, str(info.data.get("country") or "FR"))

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


class HeldCertification(BaseModel):
    """A certification the learner holds: ``code`` (``B1VL``, ``IRVE``, ``ISO9606-1-141``…, or free text
    from which codes are parsed) and, when known, the date it was ``obtained`` (for its validity)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1)
    obtained: dt.date | None = None

    @field_validator("obtained")
    @classmethod
    def _not_future(cls, obtained: dt.date | None) -> dt.date | None:
        if obtained is not None and obtained > dt.date.today():
            raise ValueError(f"obtained {obtained} is in the future: give the date the certification was obtained")
        return obtained


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names of ``study_days`` (ISO order: Monday is 0, as :meth:`datetime.date.weekday`)."""


class Period(BaseModel):
    """Days the learner cannot study, inclusive: ``{from: 2027-07-26, to: 2027-08-20}``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")

    @field_validator("end")
    @classmethod
    def _ordered(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"'to' {end} is before 'from' {start}")
        return end


class LearnerProfile(BaseModel):
    """A learner asking for a pathway.

    ``target_job`` is ``rome:CODE``, ``esco:URI`` or a knowledge-base job id.
    ``certifications`` are free strings (``"Habilitation électrique BR"``; codes are parsed from them,
    held with an unknown date) or ``{code, obtained}`` items whose validity the rules check.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str | None = None
    language: str = Field("fr", pattern=r"^(fr|en)$")
    location: Location
    mobility_km: float = Field(50, ge=0, le=2000, strict=True)
    hours_per_week: float = Field(strict=True, description="hours of training per week, 1 to 60")
    start: dt.date
    deadline: dt.date
    budget_eur: float | None = Field(None, ge=0, le=10_000_000, strict=True)
    preferred_modalities: list[Modality] = Field(default_factory=lambda: list(Modality))
    skills: list[HeldSkill] = Field(default_factory=list)
    certifications: list[str | HeldCertification] = Field(default_factory=list)
    background: str = Field("", max_length=20000)
    target_job: str | None = None
    expect: dict | None = Field(None, description="evaluation expectations (ignored by the planner)")
    pinned_modules: list[str] = Field(default_factory=list, description="module ids the plan must keep")
    excluded_modules: list[str] = Field(default_factory=list, description="module ids the plan must not use")
    unavailable: list[Period] = Field(default_factory=list, description="periods (inclusive) with no training")
    study_days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]),
                                  description="days self-paced work may start on: mon … sun (default mon–fri)")

    _hours = field_validator("hours_per_week")(check_hours_per_week)

    @field_validator("deadline")
    @classmethod
    def _after_start(cls, deadline: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and deadline <= start:
            raise ValueError(f"deadline {deadline} is not after start {start}")
        return deadline

    @field_validator("study_days")
    @classmethod
    def _days(cls, days: list[str]) -> list[str]:
        clean = [str(d).strip().lower()[:3] for d in days]
        bad = [d for d, c in zip(days, clean) if c not in WEEKDAYS]
        if bad:
            raise ValueError(f"unknown day {bad[0]!r}: use {', '.join(WEEKDAYS)}")
        if not clean:
            raise ValueError("no study day: give at least one of " + ", ".join(WEEKDAYS))
        return sorted(set(clean), key=WEEKDAYS.index)

    @field_validator("excluded_modules")
    @classmethod
    def _not_pinned(cls, excluded: list[str], info: ValidationInfo) -> list[str]:
        both = sorted(set(info.data.get("pinned_modules") or ()) & set(excluded))
        if both:
            raise ValueError(f"module {both[0]!r} is also in pinned_modules: keep it or exclude it, not both")
        return excluded

    @property
    def weekdays(self) -> set[int]:
        """``study_days`` as :meth:`datetime.date.weekday` numbers (Monday 0)."""
        return {WEEKDAYS.index(d) for d in self.study_days}

    @property
    def weeks_available(self) -> float:
        """Weeks between ``start`` and ``deadline`` (fractional)."""
        return (self.deadline - self.start).days / 7

    @property
    def weekly_hours(self) -> float:
        """Hours of training per week the calendar can hold: ``hours_per_week``, at most
        :data:`MAX_HOURS_PER_DAY` per study day (35 h/week on Sundays only is 12 h/week)."""
        return min(self.hours_per_week, MAX_HOURS_PER_DAY * len(self.study_days))

    @property
    def days_unavailable(self) -> int:
        """Days of ``unavailable`` periods between ``start`` and ``deadline`` (inclusive, overlaps counted once)."""
        days: set[int] = set()
        for p in self.unavailable:
            first, last = max(p.start, self.start), min(p.end, self.deadline)
            days.update(range(first.toordinal(), last.toordinal() + 1))
        return len(days)

    @property
    def hours_available(self) -> float:
        """Hours the learner can give before the deadline: :attr:`weekly_hours` × the weeks between start and
        deadline outside the unavailable periods."""
        return round(self.weekly_hours * max((self.deadline - self.start).days - self.days_unavailable, 0) / 7, 1)

    @property
    def budget_cap(self) -> float | None:
        """Budget ceiling in EUR, or None when funded (0 or unset)."""
        return self.budget_eur if self.budget_eur else None
