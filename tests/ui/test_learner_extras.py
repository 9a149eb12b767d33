"""Learner page additions: relaxations of an infeasible plan, alternatives, prior learning, calendar."""

from __future__ import annotations

from pathlib import Path

from curriculum import i18n
from tests.conftest import EVAL_DIR
from tests.ui.conftest import open_page
from ui.i18n import TEXT

L07 = EVAL_DIR / "L07-impossible-deadline.yaml"
L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
L02 = EVAL_DIR / "L02-apprentice-maintenance.yaml"


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_infeasible_plan_offers_relaxation_that_replans_feasible() -> None:
    at = open_page()
    at.text_area(key="learner_yaml_text").input(text_of(L07))
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    plan = at.session_state["plan"]
    path = plan["path"]
    assert not path.feasible and path.relaxations
    button = at.button(key="relax_0")
    assert button.label == TEXT["en"]["relax_apply"]  # L07 is an English profile
    change = i18n.relaxation_sentence(path.relaxations[0], "en", deadline=plan["profile"].deadline)
    assert any(change in m.value for m in at.markdown)

    button.click()
    at.run()
    assert not at.exception, at.exception
    relaxed = at.session_state["plan"]
    assert relaxed["path"].feasible
    assert relaxed["relaxed_by"] == path.relaxations[0]["change"]
    assert any(i.value == TEXT["en"]["relaxed_info"].format(what=change) for i in at.info)
    assert any(s.value.startswith("Feasible") for s in at.success)
    assert not at.get("button") or "relax_0" not in {b.key for b in at.button}


def test_alternatives_choice_prior_learning_and_downloads() -> None:
    at = open_page()
    at.text_area(key="learner_yaml_text").input(text_of(L02))  # fastest and cheapest differ
    at.number_input(key="alternatives").set_value(3)
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    options = at.session_state["plan_options"]
    assert len(options) >= 2 and all(o["path"].label and o["path"].trade_off for o in options)
    radio = at.radio(key="alt_choice")
    assert radio.options[0].startswith(TEXT["fr"][f"alt_{options[0]['path'].label}"])  # L02 is French
    radio.set_value(1)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["plan"]["path"].label == options[1]["path"].label
    assert any(m.label == TEXT["fr"]["m_hours"] and m.value == i18n.hours(options[1]["path"].total_hours, "fr")
               for m in at.metric)
    keys = {b.key for b in at.get("download_button")}
    assert {"download_json", "download_markdown", "download_ics", "download_pdf"} <= keys
    assert len(at.get("vega_lite_chart")) >= 2  # timeline and weekly calendar


def test_prior_learning_shown_for_single_plan() -> None:
    at = open_page()
    at.text_area(key="learner_yaml_text").input(text_of(L01))
    at.button(key="plan_button").click()
    at.run()
    assert not at.exception, at.exception
    prior = at.session_state["plan"]["path"].prior_learning
    assert prior is not None
    labels = {m.label for m in at.metric}
    assert {TEXT["fr"][k] for k in ("m_standard", "m_saved_hours", "m_saved_cost")} <= labels
