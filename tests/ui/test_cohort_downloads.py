"""The cohort page offers its CSV downloads in both dialects: plain CSV and "CSV (Excel FR)"."""

from __future__ import annotations

from tests.ui.conftest import open_page
from tests.ui.test_cohort_page import plan_sample


def _buttons(at) -> dict[str, str]:
    return {b.key: b.proto.label for b in at.get("download_button")}


def test_template_offered_for_french_excel() -> None:
    at = open_page("cohort")
    buttons = _buttons(at)
    assert buttons["download_template"] == "Download the cohort template (CSV)"
    assert "Excel FR" in buttons["download_template_fr"]


def test_programme_csv_offered_in_both_dialects() -> None:
    at = plan_sample()
    buttons = _buttons(at)
    assert buttons["download_csv"] == "Download CSV" and buttons["download_csv_fr"] == "CSV (Excel FR)"
    assert {"download_xlsx", "download_cohort_ics"} <= set(buttons)
