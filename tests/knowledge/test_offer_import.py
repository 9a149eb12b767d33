"""The import service behind the catalogue page's "Import offers": any supported file → parsed, tagged,
synced; a dry run writes nothing; drafts go to ``pending``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curriculum.errors import InputError
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.offer_import import import_offers, kind_of
from curriculum.knowledge.spreadsheets import SheetProfile
from tests.conftest import KB_DIR

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    shutil.copytree(KB_DIR, tmp_path / "kb")
    return tmp_path / "kb"


def test_kind_from_the_file_name() -> None:
    assert [kind_of(n) for n in ("offres.xml", "cat.jsonld", "stages.xlsx", "stages.csv")] == \
        ["lheo", "jsonld", "sheet", "sheet"]


def test_dry_run_then_import_of_an_lheo_file(kb: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in (kb / "modules").iterdir())
    preview = import_offers(DATA / "lheo" / "three_offers.xml", kb, feed="carif-hdf", data_dir=tmp_path / "d",
                            dry_run=True)
    assert preview.parsed == 3 and preview.report.counts()["added"] == 3
    assert sorted(p.name for p in (kb / "modules").iterdir()) == before  # nothing written
    done = import_offers(DATA / "lheo" / "three_offers.xml", kb, feed="carif-hdf", data_dir=tmp_path / "d")
    assert sorted(done.report.added) == ["of-hab-ve-01", "of-ligne-03", "of-soud-tig-02"]
    assert any("ends before it starts" in i.message for i in done.issues)
    cat = load_catalogue(kb)
    assert "of-hab-ve-01" in cat.modules and "of-ligne-03" in cat.pending  # uncertain: a draft, not lost


def test_spreadsheet_with_a_profile(kb: Path) -> None:
    profile = SheetProfile(name="academie", columns={"title": "Intitulé"}, defaults={"provider": "Académie"})
    done = import_offers(DATA / "sheets" / "academie_fr.csv", kb, feed="academie", profile=profile)
    assert done.parsed == 4 and len(done.report.added) == 4


def test_bad_kind_and_feed_names(kb: Path) -> None:
    with pytest.raises(InputError, match="unknown import kind"):
        import_offers(DATA / "lheo" / "three_offers.xml", kb, kind="pdf", feed="x")
    with pytest.raises(InputError, match="feed name"):
        import_offers(DATA / "lheo" / "three_offers.xml", kb, feed="../etc")
