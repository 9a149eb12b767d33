"""Cases (a)–(c) of issue #10 in the learner page (``ui/app.py`` under Streamlit's AppTest): the steps,
the certifications held at the end with their renewal dates, and the rules applied."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.rules.conftest import ELECTRICIAN, MECHANIC

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


def _plan_in_page(data: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    at.text_area(key="learner_yaml_text").input(yaml.safe_dump(data, allow_unicode=True))
    at.button(key="plan_button").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _table(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


@pytest.mark.parametrize("data, requirement, lapsed", [
    (dict(MECHANIC, id="page-c", certifications=[{"code": "B1VL", "obtained": "2021-02-10"}]), "HAB-VL-ELEC",
     "B1VL obtained 2021-02-10 expired on 2024-02-10"),
    (ELECTRICIAN, "HAB-BT-EXEC", None),
])
def test_learner_page_shows_rules_and_certifications_at_end(data: dict, requirement: str, lapsed: str | None) -> None:
    at = _plan_in_page(data)
    steps = _table(at, "certification")
    at_end = _table(at, "renew by")
    rules = _table(at, "module added")
    assert {c for c in steps["certification"] if c} <= set(at_end["certification"])  # obtained → held at the end
    row = rules[rules["requirement"] == requirement].iloc[0]
    ids = [s.module_id for s in at.session_state["plan"]["path"].steps]
    assert ids.index(row["module added"]) < ids.index(row["for"])  # the rule's step comes first
    if lapsed:
        assert any(lapsed in w.value for w in at.warning)
