"""The options of ``curriculum plan`` that change the learner's profile before planning.

* ``--pin ID`` / ``--exclude ID`` (repeatable): module ids added to ``pinned_modules`` /
  ``excluded_modules`` (overriding the profile file for that module); each must be in the catalogue.
* ``--unavailable FROM:TO`` (repeatable): a period without training, dates ``YYYY-MM-DD``, inclusive;
  a single date is one day. Appended to the profile's ``unavailable``.
* ``--study-days mon,tue,wed``: replaces the profile's ``study_days``; ranges such as ``mon-fri`` and
  full names (``saturday``) are accepted.

Every problem is an :class:`~curriculum.errors.InputError` naming the option and the value (the CLI
exits 2 with that one line). The text is parsed by :meth:`PlanOptions.parse` before anything is loaded;
the module ids are checked against the catalogue by :meth:`PlanOptions.apply`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from curriculum.errors import InputError
from curriculum.learner_choices import apply_choices, normalise_days
from curriculum.models import LearnerProfile
from curriculum.models.learners import WEEKDAYS, Period


def _date(text: str, option: str, whole: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text.strip()!r} in {whole!r} is not a date YYYY-MM-DD that exists", field=option) from None


def parse_period(text: str, option: str = "--unavailable") -> Period:
    """``FROM:TO`` (or ``FROM..TO``, or one date) as an inclusive :class:`Period`.

    Raises
    ------
    InputError
        Naming ``option``: not two dates ``YYYY-MM-DD``, a date that does not exist, or TO before FROM.
    """
    parts = re.split(r"\.\.|:", text.strip())
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise InputError(f"expected FROM:TO as YYYY-MM-DD:YYYY-MM-DD (got {text!r})", field=option)
    start, end = (_date(p, option, text) for p in parts)
    if end < start:
        raise InputError(f"'to' {end} is before 'from' {start} in {text!r}", field=option)
    return Period(start=start, end=end)


def parse_days(values: Sequence[str], option: str = "--study-days") -> list[str]:
    """Comma- or space-separated day names, ranges ``mon-fri`` (wrapping: ``sat-mon``) allowed, as the
    profile's ``mon`` … ``sun`` in week order.

    Raises
    ------
    InputError
        Naming ``option``: an unknown day, or no day at all.
    """
    days: list[str] = []
    for value in values:
        for item in re.split(r"[,\s]+", value.strip()):
            if not item:
                continue
            if "-" in item:
                first, _, last = item.partition("-")
                (a,), (b,) = normalise_days([first], option), normalise_days([last], option)
                a, b = WEEKDAYS.index(a), WEEKDAYS.index(b)
                days += [WEEKDAYS[(a + k) % 7] for k in range((b - a) % 7 + 1)]
            else:
                days.append(item)
    return normalise_days(days, option)


@dataclass(frozen=True)
class PlanOptions:
    """The parsed options: module ids to pin and exclude, periods, study days (None: the profile's)."""

    pin: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    unavailable: tuple[Period, ...] = ()
    study_days: list[str] | None = field(default=None)

    @classmethod
    def parse(cls, pin: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
              unavailable: Sequence[str] | None = None, study_days: Sequence[str] | None = None) -> "PlanOptions":
        """Parse the raw option values (each a list, as Typer gives repeatable options; None = not given).

        Raises
        ------
        InputError
            Naming the option: empty module id, bad period, bad study day.
        """
        for option, ids in (("--pin", pin), ("--exclude", exclude)):
            if any(not i.strip() for i in ids or ()):
                raise InputError("empty module id", field=option)
        return cls(pin=tuple(i.strip() for i in pin or ()), exclude=tuple(i.strip() for i in exclude or ()),
                   unavailable=tuple(parse_period(p) for p in unavailable or ()),
                   study_days=parse_days(study_days) if study_days else None)

    @property
    def given(self) -> bool:
        """Whether any option was given."""
        return bool(self.pin or self.exclude or self.unavailable or self.study_days is not None)

    def apply(self, profile: LearnerProfile, module_ids: Collection[str]) -> LearnerProfile:
        """``profile`` with the options applied (:func:`curriculum.learner_choices.apply_choices`); the
        same profile when none was given.

        Raises
        ------
        InputError
            Naming the option and the id: a module id not in ``module_ids`` (close ids suggested), or one
            given with both ``--pin`` and ``--exclude``.
        """
        if not self.given:
            return profile
        return apply_choices(profile, pin=self.pin, exclude=self.exclude, unavailable=self.unavailable,
                             study_days=self.study_days, module_ids=module_ids)


__all__ = ["PlanOptions", "parse_days", "parse_period"]
