"""The "Review queue" section of the catalogue page (issue #11 item 2): imported drafts listed with
their confidence, reviewed one by one (ticked skills and levels become the outcomes), decided in bulk
on the filtered selection with a summary of what succeeded and failed, rejected, opened in the editor.

Runs on a temporary copy of the knowledge base (``kb_copy``) where ``batt-diagnostic-essais-packs`` is
replaced by an imported draft of the same offer (see ``tests/knowledge/test_review.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from curriculum.knowledge.catalogue import load_module_file
from tests.knowledge.test_review import CONFIDENCES, DRAFT, SOURCE, UNKNOWN, make_draft
from tests.ui.conftest import open_page


@pytest.fixture
def drafts(kb_copy: Path) -> Path:
    source = load_module_file(kb_copy / "modules" / f"{SOURCE}.md")
    (kb_copy / "modules" / f"{SOURCE}.md").unlink()
    make_draft(kb_copy, DRAFT, source)
    make_draft(kb_copy, "offre-bad-skill", source, (0.9,), extra=[(UNKNOWN, 2, 0.95)], feed="onisep")
    make_draft(kb_copy, "offre-low", source, (0.4, 0.35), domain="welding", provider="AFPA Lens")
    return kb_copy


def _queue(at: AppTest) -> list[str]:
    table = next(d.value for d in at.dataframe if "suggested skills" in d.value.columns)
    return list(table["id"])


def _status(kb: Path, module_id: str) -> str:
    return load_module_file(kb / "modules" / f"{module_id}.md").status.value


def test_review_one_draft_with_ticked_skills_and_levels(drafts: Path) -> None:
    at = open_page("instructor")
    assert _queue(at) == ["offre-bad-skill", DRAFT, "offre-low"]  # most confident first
    at.selectbox(key="rv_select").set_value(DRAFT)
    at.run()
    assert not at.exception, at.exception
    picks = [at.checkbox(key=f"rv_pick_{DRAFT}_{i}") for i in range(len(CONFIDENCES))]
    assert [p.value for p in picks] == [c >= 0.7 for c in sorted(CONFIDENCES, reverse=True)]
    assert "confidence 0.92, from the offer's text" in picks[0].label
    assert any("Entry conditions:" in m.value and "certification B1TL" in m.value for m in at.markdown)
    picks[2].uncheck()
    picks[3].check()
    at.selectbox(key=f"rv_level_{DRAFT}_0").set_value(4)
    at.button(key="rv_approve").click()
    at.run()

    assert not at.exception, at.exception
    assert any(f"Approved: 1 module(s) — {DRAFT}" in s.value for s in at.success), [s.value for s in at.success]
    saved = load_module_file(drafts / "modules" / f"{DRAFT}.md")
    source = sorted(zip(CONFIDENCES, load_module_file(
        Path(__file__).resolve().parents[2] / "knowledge_base" / "modules" / f"{SOURCE}.md").outcomes),
        key=lambda t: -t[0])
    expected = [(source[0][1].skill, 4), (source[1][1].skill, source[1][1].level), (source[3][1].skill, source[3][1].level)]
    assert saved.status.value == "approved" and [(o.skill, o.level) for o in saved.outcomes] == expected
    assert DRAFT not in _queue(at)
    # the page's loaded catalogue (what this app plans with) has it now
    at.text_input(key="mod_query").input("testeurs, équilibrage")
    at.run()
    assert DRAFT in set(at.dataframe[0].value["id"])


def test_bulk_approve_of_the_filtered_selection_reports_failures(drafts: Path) -> None:
    at = open_page("instructor")
    at.slider(key="rv_conf").set_value((0.5, 1.0))
    at.run()
    assert _queue(at) == ["offre-bad-skill", DRAFT]
    at.number_input(key="rv_bulk_min").set_value(0.5)
    at.button(key="rv_bulk_approve").click()
    at.run()

    assert not at.exception, at.exception
    assert any(f"Approved: 1 module(s) — {DRAFT}" in s.value for s in at.success)
    assert any("Not approved: 1 module(s)" in e.value for e in at.error)
    failed = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert list(failed["module"]) == ["offre-bad-skill"] and list(failed["field"]) == ["outcomes"]
    assert UNKNOWN in failed["reason"][0]
    assert {m: _status(drafts, m) for m in (DRAFT, "offre-bad-skill", "offre-low")} == {
        DRAFT: "approved", "offre-bad-skill": "draft", "offre-low": "draft"}
    assert _queue(at) == ["offre-bad-skill"]


def test_filters_reject_and_edit_in_the_editor(drafts: Path) -> None:
    at = open_page("instructor")
    at.selectbox(key="rv_feed").set_value("onisep")
    at.run()
    assert _queue(at) == ["offre-bad-skill"]
    at.selectbox(key="rv_feed").set_value("All")
    at.selectbox(key="rv_domain").set_value("welding")
    at.run()
    assert _queue(at) == ["offre-low"]
    at.selectbox(key="rv_select").set_value("offre-low")
    at.run()
    at.text_input(key="rv_reason").input("not an EV battery course")
    at.button(key="rv_reject").click()
    at.run()
    assert not at.exception, at.exception
    assert _status(drafts, "offre-low") == "rejected" and _queue(at) == []
    at.selectbox(key="rv_status").set_value("rejected")
    at.run()
    assert _queue(at) == ["offre-low"]

    at.selectbox(key="rv_status").set_value("draft")
    at.selectbox(key="rv_domain").set_value("All")
    at.run()
    at.selectbox(key="rv_select").set_value(DRAFT)
    at.run()
    at.button(key="rv_edit").click()
    at.run()
    assert not at.exception, at.exception
    assert at.text_input(key="ed_title").value == load_module_file(drafts / "modules" / f"{DRAFT}.md").title
    at.text_input(key="ed_title").input("Diagnostic des packs batteries (titre revu)")
    at.button(key="save_module_button").click()
    at.run()
    assert not at.exception, at.exception
    saved = load_module_file(drafts / "modules" / f"{DRAFT}.md")
    assert saved.title == "Diagnostic des packs batteries (titre revu)"
    assert saved.status.value == "draft" and saved.origin.edited is True
    assert DRAFT in _queue(at)
