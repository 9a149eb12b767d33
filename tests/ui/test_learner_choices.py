"""Learner page: modules kept and refused, periods without training and study days (issue #13).

The page only carries the choices into the profile it plans with (and into the calendar file); what the
planner does with them is tested with the planner. Eval learners of tests/data/eval/learners.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from icalendar import Calendar

from curriculum.errors import InputError
from curriculum.models.learners import Period
from tests.conftest import EVAL_DIR
from tests.exports.test_ics_calendar import occurrences
from tests.ui.conftest import open_page
from ui.components.choices_view import periods_from_table, periods_table
from ui.i18n import TEXT

FR = TEXT["fr"]  # the eval learners used here are French: so is the page

L03 = EVAL_DIR / "L03-welder-stays-local.yaml"
L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
KEPT = "weld-controle-visuel-defauts-soudures"
CHOICES = ("study_days: [tue, sat]\nunavailable:\n  - {from: 2027-03-15, to: 2027-04-10}\n"
           f"pinned_modules: [{KEPT}, no-such-module]\n")


def test_profile_choices_fill_the_inputs_and_reach_the_plan_and_calendar() -> None:
    at = open_page()
    at.text_area(key="learner_yaml_text").input(L03.read_text(encoding="utf-8") + CHOICES)
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="choice_pinned").value == [KEPT]
    assert at.multiselect(key="choice_study_days").value == ["tue", "sat"]
    assert periods_from_table(at.session_state["_unavailable_value"]) == [
        Period(start=dt.date(2027, 3, 15), end=dt.date(2027, 4, 10))]
    assert any("no-such-module" in w.value for w in at.warning)  # not in the catalogue: left out, said so

    at.multiselect(key="choice_excluded").set_value(["ev-habilitation-b2tl"])
    at.button(key="plan_button").click()
    at.run()
    assert not at.exception, at.exception
    plan = at.session_state["plan"]
    profile = plan["profile"]
    assert profile.pinned_modules == [KEPT] and profile.excluded_modules == ["ev-habilitation-b2tl"]
    assert profile.study_days == ["tue", "sat"]
    assert [(p.start, p.end) for p in profile.unavailable] == [(dt.date(2027, 3, 15), dt.date(2027, 4, 10))]

    # the calendar file of the page puts the study blocks on Tuesdays and Saturdays outside the period
    at.run()  # the download buttons render the ICS on display
    blocks = [e for e in Calendar.from_ical(plan["ics"]).walk("VEVENT") if "RRULE" in e]
    assert blocks
    for event in blocks:
        assert all(d.weekday() in (1, 5) and not dt.date(2027, 3, 15) <= d <= dt.date(2027, 4, 10)
                   for d in occurrences(event))


def test_step_buttons_refuse_keep_and_release_then_replan() -> None:
    at = open_page()
    at.text_area(key="learner_yaml_text").input(L01.read_text(encoding="utf-8"))
    at.button(key="plan_button").click()
    at.run()
    assert not at.exception, at.exception
    first, first_profile = at.session_state["plan"]["path"], at.session_state["plan"]["profile"]
    refused = first.steps[0].module_id
    assert at.button(key="keep_1").label == FR["keep"]

    at.button(key="refuse_1").click()
    at.run()
    assert not at.exception, at.exception
    plan = at.session_state["plan"]
    assert plan["path"] is not first and plan["profile"].excluded_modules == [refused]
    assert plan["profile"].pinned_modules == [] and plan["profile"].start == first_profile.start
    assert at.multiselect(key="choice_excluded").value == [refused]
    title = first.steps[0].title
    assert any(i.value == FR["replanned_info"].format(what=FR["done_refuse"].format(title=title)) for i in at.info)

    number = len(plan["path"].steps)
    kept = plan["path"].steps[-1].module_id
    at.button(key=f"keep_{number}").click()
    at.run()
    assert not at.exception, at.exception
    plan = at.session_state["plan"]
    assert plan["profile"].pinned_modules == [kept] and plan["profile"].excluded_modules == [refused]
    assert at.multiselect(key="choice_pinned").value == [kept]
    number = next(k for k, s in enumerate(plan["path"].steps, 1) if s.module_id == kept)
    assert at.button(key=f"keep_{number}").label == FR["release"]

    at.button(key=f"keep_{number}").click()
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["plan"]["profile"].pinned_modules == []
    assert at.multiselect(key="choice_pinned").value == []


def test_bad_choices_are_errors_naming_the_field() -> None:
    at = open_page()
    at.text_area(key="learner_yaml_text").input(L01.read_text(encoding="utf-8"))
    at.run()
    at.multiselect(key="choice_study_days").set_value([])
    at.button(key="plan_button").click()
    at.run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "study_days" in at.error[0].value and "plan" not in at.session_state

    at.multiselect(key="choice_study_days").set_value(["mon"])
    module = "ev-habilitation-b2tl"
    at.multiselect(key="choice_pinned").set_value([module])
    at.multiselect(key="choice_excluded").set_value([module])
    at.button(key="plan_button").click()
    at.run()
    assert len(at.error) == 1 and "excluded_modules" in at.error[0].value and module in at.error[0].value


def test_periods_table_round_trip_and_row_errors() -> None:
    periods = [Period(start=dt.date(2027, 7, 26), end=dt.date(2027, 8, 20)),
               Period(start=dt.date(2027, 12, 24), end=dt.date(2027, 12, 24))]
    assert periods_from_table(periods_table(periods)) == periods
    table = pd.DataFrame({"from": [pd.Timestamp("2027-07-26"), None, None], "to": ["2027-08-20", None, pd.NaT]})
    assert periods_from_table(table) == periods[:1]  # editor values as timestamps or text; empty rows skipped
    with pytest.raises(InputError) as err:
        periods_from_table(pd.DataFrame({"from": [None, dt.date(2027, 8, 1)], "to": [None, dt.date(2027, 7, 1)]}))
    assert err.value.field == "unavailable.1" and "before" in str(err.value)
    with pytest.raises(InputError) as err:
        periods_from_table(pd.DataFrame({"from": [dt.date(2027, 8, 1)], "to": [None]}))
    assert err.value.field == "unavailable.0"
