"""The date progress and re-plans count from: today, or ``CURRICULUM_TODAY`` (ISO date) to replay a pathway as of
another day (a training manager's what-if, a demonstration, a test on future sessions)."""

from __future__ import annotations

import datetime as dt
import os

from curriculum.errors import InputError


def today() -> dt.date:
    """``CURRICULUM_TODAY`` when set, else the machine's date.

    Raises
    ------
    InputError
        When ``CURRICULUM_TODAY`` is not an ISO date (field ``CURRICULUM_TODAY``).
    """
    value = os.environ.get("CURRICULUM_TODAY", "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"CURRICULUM_TODAY={value!r} is not a date (YYYY-MM-DD)", field="CURRICULUM_TODAY") from None
