"""The catalogue page (``ui/pages/instructor.py``): find, edit and save a module in a temporary
copy of the knowledge base (``kb_copy`` sets ``CURRICULUM_KB_DIR``; the shipped one is never written)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from curriculum.knowledge.catalogue import load_module_file
from curriculum.knowledge.editing import save_module
from tests.ui.conftest import KB_DIR, open_page

MODULE = "batt-technologie-lithium-ion"
NEW_TITLE = "Batteries lithium-ion : titre modifié en test"


def open_module(kb_copy: Path) -> AppTest:
    at = open_page("instructor")
    assert str(kb_copy) in at.caption[0].value
    at.text_input(key="mod_query").input("lithium")
    at.selectbox(key="mod_domain").set_value("batteries")
    at.run()
    found = at.dataframe[0].value
    assert MODULE in set(found["id"]) and set(found["domain"]) == {"batteries"}
    at.selectbox(key="mod_select").set_value(MODULE)
    at.run()
    assert not at.exception, at.exception
    assert at.text_input(key="ed_title").value == load_module_file(kb_copy / "modules" / f"{MODULE}.md").title
    return at


def test_edit_title_saves_to_the_copy_with_diff(kb_copy: Path) -> None:
    shipped = (KB_DIR / "modules" / f"{MODULE}.md").read_text(encoding="utf-8")
    at = open_module(kb_copy)
    at.text_input(key="ed_title").input(NEW_TITLE)
    at.button(key="save_module_button").click()
    at.run()

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    diff = next(c.value for c in at.code if c.language == "diff")
    assert any(line.startswith("+title:") and NEW_TITLE in line for line in diff.splitlines())
    assert any(line.startswith("-title:") for line in diff.splitlines())
    saved = load_module_file(kb_copy / "modules" / f"{MODULE}.md")
    assert saved.title == NEW_TITLE and saved.version == 2
    assert any("Searchable again in" in s.value for s in at.success)
    assert (KB_DIR / "modules" / f"{MODULE}.md").read_text(encoding="utf-8") == shipped


def test_conflicting_save_warns_and_leaves_file(kb_copy: Path) -> None:
    path = kb_copy / "modules" / f"{MODULE}.md"
    at = open_module(kb_copy)
    # someone else saves first: the version on disk moves on
    other = load_module_file(path)
    save_module(kb_copy, other, other.body, expected_version=other.version)
    before = path.read_text(encoding="utf-8")

    at.text_input(key="ed_title").input("Edit that must not land")
    at.button(key="save_module_button").click()
    at.run()

    assert not at.exception, at.exception
    assert any("conflict" in w.value for w in at.warning)
    assert not [c for c in at.code if c.language == "diff"]
    assert path.read_text(encoding="utf-8") == before


def test_validate_catalogue_and_gaps(kb_copy: Path) -> None:
    at = open_page("instructor")
    at.button(key="validate_button").click()
    at.run()
    assert not at.exception, at.exception
    assert any("files" in m.value for m in [*at.success, *at.error])

    at.text_input(key="gap_city").input("Dunkerque")
    at.number_input(key="gap_radius").set_value(30.0)
    at.button(key="gaps_button").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["gaps"]["where"] == "Dunkerque, 30 km"


def test_suggested_skills_added_only_when_ticked(kb_copy: Path) -> None:
    at = open_module(kb_copy)
    before = list(at.session_state["_ed_outcomes_current"]["skill"])
    # suggestions as suggest_tags returns them (injected: embedding the taxonomy takes minutes here)
    taken, left = (s for s in load_catalogue_skills(kb_copy, exclude=before, n=2))
    at.session_state["tag_suggestions"] = [
        {"skill": taken, "label": "taken skill", "confidence": 0.61},
        {"skill": left, "label": "left skill", "confidence": 0.55}]
    at.run()
    assert not at.exception, at.exception
    assert list(at.session_state["_ed_outcomes_current"]["skill"]) == before  # shown, not applied

    at.checkbox(key="tag_pick_0").check()
    at.selectbox(key="tag_level").set_value(3)
    at.button(key="add_tags_button").click()
    at.run()
    assert not at.exception, at.exception
    outcomes = at.session_state["_ed_outcomes_current"]
    assert list(outcomes["skill"]) == [*before, taken]
    assert int(outcomes["level"].iloc[-1]) == 3
    assert "tag_suggestions" not in at.session_state
    # nothing written until "Validate & save"
    assert load_module_file(kb_copy / "modules" / f"{MODULE}.md").outcomes == \
        load_module_file(KB_DIR / "modules" / f"{MODULE}.md").outcomes


def load_catalogue_skills(kb: Path, exclude: list[str], n: int) -> list[str]:
    from curriculum.knowledge.catalogue import load_catalogue

    return [s for s in sorted(load_catalogue(kb).taxonomy) if s not in exclude][:n]
