"""iCalendar and PDF exports of real planned paths (eval learners of tests/data/eval/learners)."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

import pytest
from icalendar import Calendar

from curriculum.exports.ics import path_to_ics
from curriculum.exports.pdf import DISCLAIMER, find_unicode_font, path_to_pdf, to_cp1252
from curriculum.learners import load_learner
from curriculum.models import LearningPath
from tests.conftest import EVAL_DIR, eval_cases

L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
STAMP = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
ONE_DAY = dt.timedelta(days=1)


def _plan(workspace, file: Path):
    profile = load_learner(file)
    return profile, workspace.plan(profile)


@pytest.fixture(scope="module")
def l01(workspace):
    """(profile, path) of L01, which needs the B2TL habilitation and fits its deadline."""
    return _plan(workspace, L01)


@pytest.fixture(scope="module")
def empty_path(l01) -> LearningPath:
    """L01's path with no step (the already-qualified shape)."""
    _, path = l01
    return path.model_copy(update={"steps": [], "total_hours": 0.0, "total_cost_eur": 0.0,
                                   "already_qualified": True, "relaxations": [], "infeasibility": None})


def _events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def _span(event) -> tuple[dt.date, dt.date]:
    """First and last day of an all-day event, RRULE UNTIL included."""
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    assert type(start) is dt.date and type(end) is dt.date, "study blocks and sessions are all-day events"
    last = end - ONE_DAY  # DTEND of a VALUE=DATE event is exclusive
    if "RRULE" in event:
        (until,) = event["RRULE"]["UNTIL"]
        until = until.date() if isinstance(until, dt.datetime) else until
        last = max(last, until)
    return start, last


def _pdf_text(pdf: bytes) -> str:
    """Text shown with the core font (literal strings in Flate-compressed content streams)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        content = None
        for data in (m.group(1), m.group(1) + b"\r"):  # a stream may end with a CR the pattern took as EOL
            try:
                content = zlib.decompress(data)
                break
            except zlib.error:
                continue
        if content is None:
            try:
                content = zlib.decompressobj().decompress(m.group(1))  # what can be read of it
            except zlib.error:
                continue
        for s in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            out.append(re.sub(rb"\\(.)", rb"\1", s).decode("cp1252"))
    return "\n".join(out)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


# --- iCalendar ---------------------------------------------------------------------------------------


def test_ics_parses_with_calendar_properties(l01):
    profile, path = l01
    cal = Calendar.from_ical(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP))
    assert str(cal["PRODID"]) == "-//curriculum//pathway//FR"
    assert str(cal["VERSION"]) == "2.0"
    assert path.learner_id in str(cal["X-WR-CALNAME"])


def test_ics_one_event_per_step_with_stable_uid(l01):
    profile, path = l01
    assert path.steps
    events = _events(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP))
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for k, step in enumerate(path.steps, 1):
        mine = [e for e in events if step.module_id in str(e["UID"])]
        assert mine, f"no event for step {step.module_id}"
        assert f"{path.learner_id}-{step.module_id}-{k}@curriculum" in {str(e["UID"]) for e in mine}
        for e in mine:
            assert "DTSTAMP" in e
            assert str(e["CATEGORIES"].cats[0]) == step.modality.value
            if step.session:
                assert step.title in str(e["SUMMARY"])
                if step.certification:
                    assert step.certification in str(e["SUMMARY"])
                assert str(e["LOCATION"]) == step.place
            else:
                assert "RRULE" in e or step.start == step.end
                assert f"{min(profile.hours_per_week, step.hours):g} h/" in str(e["SUMMARY"])
            assert step.rationale.split(".")[0] in str(e["DESCRIPTION"])


def test_ics_is_reproducible_with_a_fixed_dtstamp(l01):
    profile, path = l01
    assert path_to_ics(path, profile.hours_per_week, dtstamp=STAMP) == path_to_ics(
        path, profile.hours_per_week, dtstamp=STAMP)


def test_ics_events_inside_the_learner_window(l01):
    """L01 fits its deadline: every event (recurrences included) lies in [start, deadline]."""
    profile, path = l01
    assert path.feasible
    for e in _events(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP)):
        first, last = _span(e)
        assert first >= profile.start, e["UID"]
        assert e.decoded("DTEND") - ONE_DAY <= profile.deadline, e["UID"]
        assert last <= profile.deadline, e["UID"]
        if "RRULE" in e:
            assert e["RRULE"]["FREQ"] == ["WEEKLY"]


def test_ics_b2tl_session_is_an_all_day_span(l01):
    profile, path = l01
    step = next(s for s in path.steps if s.certification == "B2TL")
    assert step.session, "the B2TL habilitation is a dated session"
    (event,) = [e for e in _events(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP))
                if step.module_id in str(e["UID"])]
    assert event.decoded("DTSTART") == step.start
    assert event.decoded("DTEND") == step.end + ONE_DAY
    assert "RRULE" not in event


@pytest.mark.parametrize("case", eval_cases(), ids=lambda p: p.stem)
def test_ics_every_step_has_an_event_within_its_dates(workspace, case: Path):
    """For every eval learner (feasible or not), events never leave their step's dates."""
    profile, path = _plan(workspace, case)
    events = _events(path_to_ics(path, profile.hours_per_week, dtstamp=STAMP))
    assert len(events) == len(path.steps)
    for k, step in enumerate(path.steps, 1):
        (event,) = [e for e in events if str(e["UID"]) == f"{path.learner_id}-{step.module_id}-{k}@curriculum"]
        first, last = _span(event)
        assert step.start <= first <= last <= step.end, (step.module_id, first, last, step.start, step.end)


def test_ics_empty_path_is_a_valid_calendar(empty_path):
    ics = path_to_ics(empty_path, 8)
    cal = Calendar.from_ical(ics)
    assert cal.name == "VCALENDAR"
    assert list(cal.walk("VEVENT")) == []


# --- PDF ---------------------------------------------------------------------------------------------


def test_pdf_core_font_shows_the_steps(l01):
    """With the built-in font (what a machine without DejaVu gets) the text can be read back."""
    _, path = l01
    pdf = path_to_pdf(path, unicode_font=False)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) >= 1
    text = _pdf_text(pdf)
    b2tl = next(s for s in path.steps if s.certification == "B2TL")
    assert "Habilitation électrique B2TL" in b2tl.title
    assert "Habilitation électrique B2TL" in text
    assert path.learner_id in text and path.target_job.title in text and "H2703" in text
    assert "€" in text and "Réalisable" in text
    assert DISCLAIMER in text
    for step in path.steps:
        assert step.module_id in text


def test_pdf_unicode_font_embedded_when_available(l01):
    _, path = l01
    pdf = path_to_pdf(path)
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) >= 1
    assert len(pdf) > 5_000
    if find_unicode_font() is None:
        assert b"/Helvetica" in pdf
    else:
        assert b"/FontFile2" in pdf and b"DejaVu" in pdf


def test_pdf_text_with_pypdf(l01):
    pypdf = pytest.importorskip("pypdf")
    import io

    _, path = l01
    reader = pypdf.PdfReader(io.BytesIO(path_to_pdf(path)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "B2TL" in text and "Habilitation" in text
    assert "Réalisable" in text and "€" in text  # accents and the euro sign survive the Unicode font
    assert "Demonstration catalogue" in text


def test_pdf_infeasible_path_lists_gaps_and_relaxations(workspace):
    case = EVAL_DIR / "L07-impossible-deadline.yaml"
    _, path = _plan(workspace, case)
    assert not path.feasible and path.relaxations
    text = _pdf_text(path_to_pdf(path, unicode_font=False))
    assert path.infeasibility and "hours_missing" in path.infeasibility
    missing = path.infeasibility["hours_missing"]
    label = "Heures manquantes" if path.language == "fr" else "Hours missing"
    assert label in text
    assert f"{missing:g}".replace(".", "," if path.language == "fr" else ".") in text
    for r in path.relaxations:
        assert to_cp1252(r["change"]) in text.replace("\n", " ")


def test_pdf_empty_path(empty_path):
    for unicode_font in (True, False):
        pdf = path_to_pdf(empty_path, unicode_font=unicode_font)
        assert pdf.startswith(b"%PDF") and _pages(pdf) >= 1
    text = _pdf_text(path_to_pdf(empty_path, unicode_font=False))
    assert ("Aucun module nécessaire." if empty_path.language == "fr" else "No module needed.") in text


def test_to_cp1252_keeps_french_and_transliterates_the_rest():
    assert to_cp1252("Coût : 1 250 € – œuvre « ok »") == "Coût : 1 250 € – œuvre « ok »"
    assert to_cp1252("AC ≤ 22 kW → IRVE\u202fP1") == "AC <= 22 kW -> IRVE P1"
    assert to_cp1252("Dvořák ✓") == "Dvorák v"
    to_cp1252("日本").encode("cp1252")
