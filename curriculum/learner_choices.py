"""A learner's own choices applied to a profile before planning: modules to keep or refuse, periods
without training, study days.

Shared by ``curriculum plan --pin/--exclude/--unavailable/--study-days`` and the learner page of the UI,
which both stay thin: they collect the values and call :func:`apply_choices`. The planner reads the
result from :class:`~curriculum.models.LearnerProfile` (``pinned_modules``, ``excluded_modules``,
``unavailable``, ``study_days``).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence

from curriculum.errors import InputError
from curriculum.models import LearnerProfile
from curriculum.models.learners import WEEKDAYS, Period


def unknown_module_error(module_id: str, known: Collection[str], field: str) -> InputError:
    """The one-line error for a module id not in the catalogue, with up to 3 close ids (difflib).

    ``field`` names where the id was given (``--pin``, ``pinned_modules``…)."""
    close = difflib.get_close_matches(module_id, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; list them with `curriculum modules`"
    return InputError(f"unknown module id {module_id!r}{hint}", field=field)


def check_module_ids(ids: Iterable[str], known: Collection[str], field: str) -> None:
    """Raise :class:`InputError` naming ``field`` and the first id of ``ids`` not in ``known``."""
    for module_id in ids:
        if module_id not in known:
            raise unknown_module_error(module_id, known, field)


def normalise_days(days: Iterable[str], field: str = "study_days") -> list[str]:
    """Day names (``mon``, ``Tuesday``, ``SAT``…) as the profile's ``mon`` … ``sun``, in week order.

    Raises
    ------
    InputError
        Naming ``field`` for an unknown day, or when no day is given.
    """
    out: set[str] = set()
    for day in days:
        short = str(day).strip().lower()[:3]
        if short not in WEEKDAYS:
            raise InputError(f"unknown day {str(day).strip()!r}: use {', '.join(WEEKDAYS)}", field=field)
        out.add(short)
    if not out:
        raise InputError(f"no study day: give at least one of {', '.join(WEEKDAYS)}", field=field)
    return sorted(out, key=WEEKDAYS.index)


CLI_FIELDS = ("--pin", "--exclude", "--study-days")
"""How :func:`apply_choices` names its inputs in errors by default: the options of ``curriculum plan``."""
PROFILE_FIELDS = ("pinned_modules", "excluded_modules", "study_days")
"""The same inputs named as the profile's fields (the UI's)."""


def _merged(kept: Sequence[str], added: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*kept, *added]))


def apply_choices(profile: LearnerProfile, *, pin: Sequence[str] = (), exclude: Sequence[str] = (),
                  unavailable: Sequence[Period] = (), study_days: Sequence[str] | None = None,
                  module_ids: Collection[str] | None = None,
                  fields: tuple[str, str, str] = CLI_FIELDS) -> LearnerProfile:
    """``profile`` with the given choices added (a new profile; ``profile`` is not changed).

    * ``pin`` / ``exclude``: module ids added to ``pinned_modules`` / ``excluded_modules``. A choice
      given here overrides the profile: a module pinned here leaves the profile's excluded list and the
      reverse.
    * ``unavailable``: periods appended to the profile's (inclusive dates).
    * ``study_days``: replaces the profile's study days when given (names as :func:`normalise_days`).
    * ``module_ids``: the catalogue's module ids; when given, every id of ``pin`` and ``exclude`` must be
      one of them.
    * ``fields``: how the pin, exclude and study-day inputs are named in errors (:data:`CLI_FIELDS`
      by default, :data:`PROFILE_FIELDS` for the profile's names).

    Raises
    ------
    InputError
        Naming the field and the id: an unknown module id (with close ids suggested), a module both
        pinned and excluded here, or a bad study day.
    """
    pin_field, exclude_field, days_field = fields
    if module_ids is not None:
        check_module_ids(pin, module_ids, pin_field)
        check_module_ids(exclude, module_ids, exclude_field)
    pins, refused = set(pin), set(exclude)
    both = [m for m in exclude if m in pins]
    if both:
        raise InputError(f"module {both[0]!r} is also given with {pin_field}: keep it or refuse it, not both",
                         field=exclude_field)
    update: dict = {
        "pinned_modules": _merged([m for m in profile.pinned_modules if m not in refused], pin),
        "excluded_modules": _merged([m for m in profile.excluded_modules if m not in pins], exclude),
        "unavailable": [*profile.unavailable, *(p for p in unavailable if p not in profile.unavailable)],
    }
    if study_days is not None:
        update["study_days"] = normalise_days(study_days, days_field)
    return profile.model_copy(update=update)


def replace_choices(profile: LearnerProfile, *, pinned: Sequence[str], excluded: Sequence[str],
                    unavailable: Sequence[Period], study_days: Sequence[str],
                    module_ids: Collection[str] | None = None) -> LearnerProfile:
    """``profile`` with its four choice fields set to exactly these values (the UI's inputs show the
    whole lists, so they replace the profile's rather than add to them).

    Raises
    ------
    InputError
        Naming the field (``pinned_modules``, ``excluded_modules``, ``study_days``) and the value: unknown
        module id (with close ids), a module both pinned and excluded, no or an unknown study day.
    """
    empty = profile.model_copy(update={"pinned_modules": [], "excluded_modules": [], "unavailable": []})
    return apply_choices(empty, pin=list(dict.fromkeys(pinned)), exclude=list(dict.fromkeys(excluded)),
                         unavailable=unavailable, study_days=study_days, module_ids=module_ids,
                         fields=PROFILE_FIELDS)


__all__ = ["CLI_FIELDS", "PROFILE_FIELDS", "apply_choices", "check_module_ids", "normalise_days", "replace_choices",
           "unknown_module_error"]
