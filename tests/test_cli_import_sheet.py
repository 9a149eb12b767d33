"""``curriculum kb import-sheet``: a company academy's spreadsheet through a saved column profile, then the feed
sync (a second import with the profile changes nothing); a profile that no longer fits is refused before writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.knowledge.catalogue import load_catalogue
from tests.conftest import KB_DIR

ACADEMY = Path(__file__).resolve().parent / "data" / "sheets" / "academie_fr.csv"
runner = CliRunner()


def _out(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_profile_saved_reused_and_reimport_unchanged(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    first = runner.invoke(app, ["kb", "import-sheet", str(ACADEMY), "--kb", str(kb), "--save-profile", "academie-nord",
                                "--map", "provider=Organisme"])
    assert first.exit_code == 0, first.output
    assert _out(first)["counts"]["added"] == 4 and (kb / "import_profiles" / "academie-nord.yaml").is_file()
    assert "academie_fr.csv:5: Date de début: not a date: '31/02/2027'" in first.stderr
    profiles = json.loads(runner.invoke(app, ["kb", "sheet-profiles", "--kb", str(kb)]).stdout)
    assert profiles["academie-nord"]["columns"]["title"] == "Intitulé"
    again = runner.invoke(app, ["kb", "import-sheet", str(ACADEMY), "--kb", str(kb), "--profile", "academie-nord"])
    assert again.exit_code == 0 and _out(again)["counts"]["unchanged"] == 4
    cat = load_catalogue(kb)
    assert "aca-01" in cat.modules and cat.pending["aca-02"].awards == ["B2VL", "BCL"]  # untagged: a draft, kept


def test_profile_that_does_not_fit_writes_nothing(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    bad = runner.invoke(app, ["kb", "import-sheet", str(ACADEMY), "--kb", str(kb), "--map", "title=Libellé",
                              "--save-profile", "x"])
    assert bad.exit_code == 2 and "Libellé" in bad.stderr
    assert not (kb / "import_profiles").exists() and len(load_catalogue(kb).modules) == len(load_catalogue(KB_DIR).modules)
    wrong = runner.invoke(app, ["kb", "import-sheet", str(ACADEMY), "--kb", str(kb), "--map", "title"])
    assert wrong.exit_code == 2 and "FIELD=COLUMN" in wrong.stderr
