"""The catalogue page's "Import offers": a company spreadsheet uploaded, its columns guessed and shown,
a preview that writes nothing, then the import (profile saved) — uncertain offers land in the review queue."""

from __future__ import annotations

from pathlib import Path

from curriculum.knowledge.catalogue import load_catalogue
from tests.ui.conftest import open_page

ACADEMY = Path(__file__).resolve().parents[1] / "data" / "sheets" / "academie_fr.csv"


def test_upload_preview_and_import_a_spreadsheet(kb_copy: Path) -> None:
    at = open_page("instructor")
    modules_before = sorted(p.name for p in (kb_copy / "modules").iterdir())
    at.file_uploader(key="im_file").set_value(("academie_fr.csv", ACADEMY.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="im_kind").value == "sheet"
    assert not at.warning  # the title column was recognised ("Intitulé"): no "choose the title" warning
    at.button(key="im_preview").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Preview: 4 offer(s) read — 4 added" in s.value for s in at.success), [s.value for s in at.success]
    assert sorted(p.name for p in (kb_copy / "modules").iterdir()) == modules_before
    at.text_input(key="im_save_name").set_value("academie-nord")
    at.button(key="im_run").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Imported: 4 offer(s) read — 4 added" in s.value for s in at.success)
    assert any("31/02/2027" in str(v) for d in at.dataframe for v in d.value.get("problem", []))
    assert (kb_copy / "import_profiles" / "academie-nord.yaml").is_file()
    cat = load_catalogue(kb_copy)
    assert "aca-01" in cat.modules and {"aca-02", "aca-03", "aca-04"} <= set(cat.pending)
