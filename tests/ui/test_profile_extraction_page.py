"""Learner page, form mode: skills proposed from a CV or a description, applied only on confirmation."""

from __future__ import annotations

from tests.ui.conftest import open_page
from ui.i18n import TEXT

FR = TEXT["fr"]  # the form's language is French by default: so is the page

CV = ("Mécanicien automobile depuis 12 ans, j'utilise des équipements de diagnostic automobile. "
      "Titulaire de l'habilitation électrique B1VL.")
LABEL = "équipements de diagnostic automobile"


def form_labels(at) -> list[str]:  # type: ignore[no-untyped-def]
    return list(at.session_state["_skills_value"]["label"])


def test_extract_then_use_skills_from_french_text() -> None:
    at = open_page()
    at.radio(key="profile_source").set_value("form")
    at.run()
    assert not at.exception, at.exception

    at.text_area(key="cv_text").input(CV)
    at.button(key="extract_button").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]

    # a proposal is shown (all rows kept by default) with the certification found
    table = at.session_state["_extracted_value"]
    assert LABEL in set(table["label"])
    row = table[table["label"] == LABEL].iloc[0]
    assert bool(row["keep"]) and 1 <= int(row["level"]) <= 4 and "diagnostic" in row["evidence"]
    assert at.session_state["extracted"]["certifications"] == ["B1VL"]
    assert any("B1VL" in m.value for m in at.markdown)
    # nothing reaches the form before confirmation
    assert LABEL not in form_labels(at)
    assert "B1VL" not in (at.text_input(key="form_certifications").value or "")

    at.button(key="use_extracted").click()
    at.run()
    assert not at.exception, at.exception
    assert LABEL in form_labels(at)
    level = at.session_state["_skills_value"].set_index("label").loc[LABEL, "level"]
    assert level == int(row["level"])
    assert "B1VL" in at.text_input(key="form_certifications").value
    assert "extracted" not in at.session_state
    assert any(s.value == FR["extract_applied"].format(skills=1, certs=1) for s in at.success)


def test_extract_without_text_shows_error() -> None:
    at = open_page()
    at.radio(key="profile_source").set_value("form")
    at.run()
    at.button(key="extract_button").click()
    at.run()

    assert not at.exception, at.exception
    assert len(at.error) == 1 and at.error[0].value == FR["nothing_to_read"]
    assert "extracted" not in at.session_state


def test_only_kept_rows_are_merged_without_duplicates() -> None:
    import pandas as pd

    from curriculum.generation.profile_extraction import ExtractedProfile, ExtractedSkill
    from ui.components.profile_extraction_view import (
        kept_rows,
        merge_certifications,
        merge_skills,
        proposal_table,
    )

    table = proposal_table(ExtractedProfile([ExtractedSkill("s1", "soudage", 3, "…", 1.0),
                                             ExtractedSkill("s2", "Câblage", 2, "…", 0.9)], ["B1VL"]))
    table.loc[table["label"] == "soudage", "keep"] = False  # unticked by the user
    current = pd.DataFrame({"label": ["câblage", "lecture de plans"], "level": pd.array([1, 2], dtype="Int64")})
    merged = merge_skills(current, kept_rows(table))
    assert list(merged["label"]) == ["câblage", "lecture de plans"]  # Câblage already there, soudage unticked
    assert merge_skills(None, kept_rows(proposal_table(ExtractedProfile()))).empty
    assert merge_certifications("BR, CACES R489", ["B1VL", "BR"]) == "BR, CACES R489, B1VL"
