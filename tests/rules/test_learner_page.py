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


def _table(at: AppTest, *columns: str):
    """The first table with one of ``columns`` (the page speaks the profile's language: French or English)."""
    return next(df.value for df in at.dataframe if set(columns) & set(df.value.columns))


def _code(cell: str) -> str:
    return str(cell).split(" — ")[0]  # "B2TL — label"


@pytest.mark.parametrize("data, requirement, lapsed", [
    (dict(MECHANIC, id="page-c", certifications=[{"code": "B1VL", "obtained": "2021-02-10"}]), "HAB-VL-ELEC",
     "B1VL obtained 2021-02-10 expired on 2024-02-10"),
    (ELECTRICIAN, "HAB-BT-EXEC", None),
])
def test_learner_page_shows_rules_and_certifications_at_end(data: dict, requirement: str, lapsed: str | None) -> None:
    at = _plan_in_page(data)
    steps = _table(at, "Modalité", "Modality")
    at_end = _table(at, "À renouveler avant", "Renew by")
    rules = _table(at, "Module ajouté", "Module added")
    cert = next(c for c in steps.columns if c == "Certification")
    assert {_code(c) for c in steps[cert] if c} <= {_code(c) for c in at_end[at_end.columns[0]]}  # obtained → held
    need, added, for_ = (next(c for c in rules.columns if c in names) for names in
                         (("Exigence", "Requirement"), ("Module ajouté", "Module added"), ("Pour", "For")))
    row = rules[rules[need].str.startswith(requirement)].iloc[0]
    titles = [s.title for s in at.session_state["plan"]["path"].steps]
    assert titles.index(row[added]) < titles.index(row[for_])  # the rule's step comes first
    if lapsed:
        assert any(lapsed in w.value for w in at.warning)
