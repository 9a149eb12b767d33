"""Learning path as an iCalendar file (RFC 5545) to import into a calendar application.

Every step yields exactly one all-day ``VEVENT``, always inside ``[step.start, step.end]``:

* a step with a dated ``session`` (in-person course, exam) → one event spanning the session
  (``DTEND`` is the day after the last day, exclusive as RFC 5545 requires for ``VALUE=DATE``);
* a self-paced or rolling step (online, blended, workplace) → a study block: a one-day event on each of
  the learner's study days (``study_days``, default Monday–Friday) from ``step.start`` to ``step.end``,
  written as its first available study day (``DTSTART``) repeated with
  ``RRULE:FREQ=WEEKLY;BYDAY=<study days>;UNTIL=<step.end>``, less the study days inside the learner's
  ``unavailable`` periods (one ``EXDATE`` list of dates). A block whose dates hold no available study day
  keeps a single event on ``step.start``, its description saying so. Sessions keep their real days.

UIDs are stable (``<learner>-<module>-<n>@curriculum``, ``n`` = step number) so that re-importing an
updated path replaces the events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from icalendar import Calendar, Event

from curriculum.models import LearningPath
from curriculum.models.learners import WEEKDAYS, Period
from curriculum.models.paths import Step

PRODID = "-//curriculum//pathway//FR"
ONE_DAY = dt.timedelta(days=1)
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 weekday codes, in the order of WEEKDAYS

L = {
    "fr": dict(calname="Parcours de formation", block="Bloc d'étude", per_week="h/semaine", hours="Durée",
               cost="Coût", provider="Organisme", place="Lieu", conflict="Attention : cette session chevauche "
               "une autre étape du parcours.", cert="certification", h="h", days="Jours d'étude",
               no_day="Aucun jour d'étude disponible entre le {start} et le {end} : le bloc est placé sur "
               "son premier jour.", day_names="lun mar mer jeu ven sam dim"),
    "en": dict(calname="Training pathway", block="Study block", per_week="h/week", hours="Duration",
               cost="Cost", provider="Provider", place="Place", conflict="Warning: this session overlaps another "
               "step of the pathway.", cert="certification", h="h", days="Study days",
               no_day="No study day available between {start} and {end}: the block is shown on its first day.",
               day_names="Mon Tue Wed Thu Fri Sat Sun"),
}


def _date(value: Any, default: dt.date) -> dt.date:
    """A session bound (ISO string or date) as a date; ``default`` when missing or unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    return default


def _session_span(step: Step) -> tuple[dt.date, dt.date]:
    """First and last day of the step's session, clamped into ``[step.start, step.end]``."""
    session = step.session or {}
    first = min(max(_date(session.get("start"), step.start), step.start), step.end)
    last = min(max(_date(session.get("end"), step.end), first), step.end)
    return first, last


def _description(step: Step, h: dict[str, str]) -> str:
    lines = [step.rationale] if step.rationale else []
    lines.append(f"{h['hours']}: {step.hours:g} {h['h']}")
    lines.append(f"{h['cost']}: {step.cost_eur:,.2f} EUR")
    if step.provider:
        lines.append(f"{h['provider']}: {step.provider}")
    if step.certification:
        lines.append(f"{h['cert'].capitalize()}: {step.certification}")
    lines.append(f"Module: {step.module_id}")
    if step.session and step.session.get("conflict"):
        lines.append(h["conflict"])
    return "\n".join(lines)


def study_dates(first: dt.date, last: dt.date, weekdays: set[int],
                unavailable: Sequence[Period]) -> tuple[list[dt.date], list[dt.date]]:
    """(available, unavailable) study days in ``[first, last]``: days whose :meth:`~datetime.date.weekday`
    is in ``weekdays``, split by whether an ``unavailable`` period (inclusive) holds them."""
    free, busy = [], []
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            (busy if any(p.start <= day <= p.end for p in unavailable) else free).append(day)
        day += ONE_DAY
    return free, busy


def _study_block(event: Event, step: Step, weekdays: set[int], unavailable: Sequence[Period]) -> bool:
    """Add the dates of a study block to ``event``; False when no study day is available (one event on
    ``step.start``)."""
    free, busy = study_dates(step.start, step.end, weekdays, unavailable)
    first = free[0] if free else step.start
    event.add("dtstart", first)
    event.add("dtend", first + ONE_DAY)
    if not free:
        return False
    if step.end > first:
        event.add("rrule", {"freq": "weekly", "byday": [BYDAY[d] for d in sorted(weekdays)], "until": step.end})
        skipped = [d for d in busy if d > first]
        if skipped:
            event.add("exdate", skipped)
    return True


def step_uid(path: LearningPath, step: Step, number: int) -> str:
    """Stable UID of the event of step ``number`` (1-based)."""
    return f"{path.learner_id}-{step.module_id}-{number}@curriculum"


def path_to_ics(path: LearningPath, hours_per_week: float, *, dtstamp: dt.datetime | None = None,
                study_days: Iterable[str] | None = None, unavailable: Sequence[Period] = ()) -> bytes:
    """Render ``path`` as an iCalendar file (UTF-8 bytes, CRLF lines).

    ``hours_per_week`` is the learner's weekly availability (``LearnerProfile.hours_per_week``), shown in
    the summary of study blocks (capped at the step's hours). ``study_days`` (``mon`` … ``sun``; default
    Monday–Friday) and ``unavailable`` (inclusive periods) are the profile's: study blocks fall on study
    days outside those periods. ``dtstamp`` (UTC) defaults to now; pass it for byte-reproducible output.
    A path without steps yields a valid calendar with no event.

    Raises
    ------
    ValueError
        For a study day that is not one of ``mon`` … ``sun`` (a validated profile's never is).
    """
    days = list(WEEKDAYS[:5]) if study_days is None else list(study_days)
    weekdays = {WEEKDAYS.index(str(d).strip().lower()[:3]) for d in days} or set(range(5))
    h = L.get(path.language, L["en"])
    names = h["day_names"].split()
    stamp = (dtstamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{h['calname']} {path.learner_id} — {path.target_job.title}")
    for number, step in enumerate(path.steps, 1):
        event = Event()
        event.add("uid", step_uid(path, step, number))
        event.add("dtstamp", stamp)
        description = _description(step, h)
        if step.session:
            first, last = _session_span(step)
            summary = step.title + (f" — {step.certification}" if step.certification else "")
            event.add("dtstart", first)
            event.add("dtend", last + ONE_DAY)
        else:
            weekly = min(hours_per_week, step.hours) if step.hours > 0 else hours_per_week
            summary = f"{h['block']}: {step.title} ({weekly:g} {h['per_week']})"
            placed = _study_block(event, step, weekdays, unavailable)
            description += f"\n{h['days']}: {', '.join(names[d] for d in sorted(weekdays))}"
            if not placed:
                description += "\n" + h["no_day"].format(start=step.start, end=step.end)
        event.add("summary", summary)
        event.add("description", description)
        if step.place:
            event.add("location", step.place)
        event.add("categories", [step.modality.value])
        # a dated session occupies the learner; a study block is a reminder that does not block the day
        event.add("transp", "OPAQUE" if step.session else "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


__all__ = ["path_to_ics", "step_uid", "study_dates"]
