"""The cohort page (``ui/pages/cohort.py``) with the sample cohort of ``examples/cohort``."""

from __future__ import annotations

import uuid

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import open_page


def plan_sample() -> AppTest:
    at = open_page("cohort")
    at.selectbox(key="cohort_source").set_value("sample")
    at.run()
    # the form is prefilled from examples/cohort/settings.yaml
    assert str(at.date_input(key="set_start").value) == "2027-01-04"
    assert at.number_input(key="set_group_max").value == 12
    at.button(key="plan_cohort_button").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_sample_cohort_plans_with_totals_and_sessions() -> None:
    at = plan_sample()

    programme = at.session_state["cohort"]["programme"]
    assert programme.totals["members"] == 25
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["People planned"] == "25"
    assert {"Hours (all learners)", "Cost", "Savings"} <= set(metrics)
    sessions = next(df.value for df in at.dataframe if "session" in df.value.columns)
    assert len(sessions) == len(programme.sessions) > 0
    members = next(df.value for df in at.dataframe if "learner_id" in df.value.columns
                   and "group sessions" in df.value.columns)
    assert len(members) == 25
    keys = {b.key for b in at.get("download_button")}
    assert {"download_xlsx", "download_csv", "download_cohort_ics", "download_template"} <= keys


def test_saved_programme_reopens_identical() -> None:
    at = plan_sample()
    planned = at.session_state["cohort"]["programme"]
    name = f"ui-test-{uuid.uuid4().hex[:8]}"
    at.text_input(key="save_name").input(name)
    at.button(key="save_button").click()
    at.run()
    assert not at.exception, at.exception
    assert any(name in s.value for s in at.success)

    at.session_state["cohort"] = None  # forget the shown programme: what follows comes from the store
    at.selectbox(key="reopen_choice").set_value((name, 1))
    at.run()
    assert not at.exception, at.exception
    reopened = at.session_state["cohort"]
    assert reopened["origin"].startswith(f"reopened {name} version 1")
    assert reopened["programme"].model_dump_json() == planned.model_dump_json()
    assert any(m.label == "People planned" and m.value == "25" for m in at.metric)


def test_bad_rows_are_listed_and_valid_rows_planned() -> None:
    at = open_page("cohort")
    at.selectbox(key="cohort_source").set_value("sample_broken")
    at.run()
    at.button(key="plan_cohort_button").click()
    at.run()

    assert not at.exception, at.exception
    programme = at.session_state["cohort"]["programme"]
    rejected = next(df.value for df in at.dataframe if list(df.value.columns[:3]) == ["row", "field", "message"])
    assert {(3, "skills"), (4, "target_job"), (5, "hours_per_week"), (7, "city")} <= set(
        zip(rejected["row"], rejected["field"]))
    assert programme.totals["members"] == len(programme.members) > 0
