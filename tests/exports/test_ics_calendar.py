"""iCalendar study blocks on the learner's study days, outside unavailable periods.

Real plans of the eval learners (tests/data/eval/learners), each given study days and a period without
training, are exported; the file is read back with ``icalendar`` and every study block expanded with
``dateutil.rrule`` (RRULE, EXDATE). The expansion must be exactly the study days of the step's dates
outside the periods; dated sessions keep their real days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from curriculum.exports.ics import path_to_ics
from curriculum.learner_choices import apply_choices
from curriculum.learners import load_learner
from curriculum.models.learners import Period
from tests.conftest import eval_cases

STAMP = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
ONE_DAY = dt.timedelta(days=1)
CHOICES = [  # (study days, first day of the period as days after the learner's start, its length in days)
    (["sat", "sun"], 20, 30),
    (["mon", "wed", "fri"], 0, 10),
    (["tue"], 45, 60),
    (["mon", "tue", "wed", "thu", "fri", "sat", "sun"], 7, 1),
]


def occurrences(event) -> list[dt.date]:
    """Every day an all-day event occurs on: DTSTART, then the RRULE expansion less EXDATE."""
    start = event.decoded("DTSTART")
    assert type(start) is dt.date, "study blocks are all-day events"
    if "RRULE" not in event:
        return [start]
    rules = rruleset()
    rules.rrule(rrulestr(event["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time())))
    exdates = event.get("EXDATE")
    for prop in exdates if isinstance(exdates, list) else [exdates] if exdates is not None else []:
        for value in prop.dts:
            assert type(value.dt) is dt.date, "EXDATE of an all-day event is a DATE"
            rules.exdate(dt.datetime.combine(value.dt, dt.time()))
    days = [d.date() for d in rules]
    assert days and days[0] == start, "DTSTART is the first occurrence"
    return days


def expected_days(step, weekdays: set[int], unavailable: list[Period]) -> list[dt.date]:
    days, day = [], step.start
    while day <= step.end:
        if day.weekday() in weekdays and not any(p.start <= day <= p.end for p in unavailable):
            days.append(day)
        day += ONE_DAY
    return days


@pytest.fixture(scope="module", params=eval_cases(), ids=lambda p: p.stem.split("-")[0])
def planned(request, workspace):
    """(profile, path) per eval learner, with its study days and a period without training (the first
    choice of CHOICES, moved along the learners so that each gets different days)."""
    file: Path = request.param
    profile = load_learner(file)
    days, after, length = CHOICES[eval_cases().index(file) % len(CHOICES)]
    first = profile.start + dt.timedelta(days=after)
    profile = apply_choices(profile, study_days=days,
                            unavailable=[Period(start=first, end=first + dt.timedelta(days=length - 1))])
    return profile, workspace.plan(profile, file=str(file))


def test_study_blocks_only_on_study_days_outside_unavailable_periods(planned):
    profile, path = planned
    events = {str(e["UID"]): e for e in Calendar.from_ical(path_to_ics(
        path, profile.hours_per_week, dtstamp=STAMP, study_days=profile.study_days,
        unavailable=profile.unavailable)).walk("VEVENT")}
    assert len(events) == len(path.steps)
    for number, step in enumerate(path.steps, 1):
        event = events[f"{path.learner_id}-{step.module_id}-{number}@curriculum"]
        if step.session:  # a dated session keeps its days, whatever the study days
            assert "RRULE" not in event and "EXDATE" not in event
            assert step.start <= event.decoded("DTSTART") <= event.decoded("DTEND") - ONE_DAY <= step.end
            continue
        expected = expected_days(step, profile.weekdays, profile.unavailable)
        got = occurrences(event)
        if expected:
            assert got == expected, step.module_id
            assert all(d.weekday() in profile.weekdays for d in got)
            assert not any(p.start <= d <= p.end for p in profile.unavailable for d in got)
        else:  # no study day left in the step's dates: one event on its first day, saying so
            assert got == [step.start]
            assert f"{step.start}" in str(event["DESCRIPTION"]) and f"{step.end}" in str(event["DESCRIPTION"])


def test_defaults_are_weekdays_without_period(planned):
    """Without study_days/unavailable the blocks fall on Monday–Friday, every one of them in the dates."""
    profile, path = planned
    blocks = [s for s in path.steps if not s.session]
    events = [e for e in Calendar.from_ical(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP)).walk("VEVENT")
              if "RRULE" in e]
    assert len(events) == sum(1 for s in blocks if (days := expected_days(s, set(range(5)), [])) and s.end > days[0])
    for event in events:
        assert [str(d) for d in event["RRULE"]["BYDAY"]] == ["MO", "TU", "WE", "TH", "FR"]
        assert "EXDATE" not in event
        assert all(d.weekday() < 5 for d in occurrences(event))


def test_a_period_in_the_middle_of_a_block_is_cut_out_with_exdate(planned):
    """Whatever the planner did, a period put inside the longest study block is skipped, only there."""
    profile, path = planned
    blocks = [s for s in path.steps if not s.session and (s.end - s.start).days >= 10]
    if not blocks:
        pytest.skip(f"{path.learner_id}: no study block of ten days or more")
    step = max(blocks, key=lambda s: s.end - s.start)
    middle = step.start + (step.end - step.start) / 2
    gap = Period(start=middle - dt.timedelta(days=3), end=middle + dt.timedelta(days=3))
    ics = path_to_ics(path, profile.hours_per_week, dtstamp=STAMP, study_days=profile.study_days, unavailable=[gap])
    event = next(e for e in Calendar.from_ical(ics).walk("VEVENT") if step.module_id in str(e["UID"]))
    assert "EXDATE" in event
    got = occurrences(event)
    assert got == expected_days(step, profile.weekdays, [gap])
    assert set(expected_days(step, profile.weekdays, [])) - set(got) == {
        d for d in expected_days(step, profile.weekdays, []) if gap.start <= d <= gap.end}


def test_a_block_inside_an_unavailable_period_keeps_one_event_that_says_so(planned):
    profile, path = planned
    blocks = [s for s in path.steps if not s.session]
    if not blocks:
        pytest.skip(f"{path.learner_id}: every step is a dated session")
    step = blocks[0]
    whole = Period(start=step.start - ONE_DAY, end=step.end)
    event = next(e for e in Calendar.from_ical(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP,
                                                          study_days=profile.study_days, unavailable=[whole]))
                 .walk("VEVENT") if step.module_id in str(e["UID"]))
    assert occurrences(event) == [step.start]
    assert str(step.start) in str(event["DESCRIPTION"]) and str(step.end) in str(event["DESCRIPTION"])
