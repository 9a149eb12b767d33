"""A re-import never overwrites a module edited by hand — in the editor or in a text editor — and a feed whose
import rejected a record retires nothing (found by the fresh-user review of issue #11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curriculum.knowledge.catalogue import load_catalogue, load_module_file
from curriculum.knowledge.feeds import had_rejections, sync_feed
from curriculum.knowledge.lheo import parse_lheo
from curriculum.knowledge.review import approve
from tests.conftest import KB_DIR

THREE = Path(__file__).resolve().parents[1] / "data" / "lheo" / "three_offers.xml"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    shutil.copytree(KB_DIR, tmp_path / "kb")
    return tmp_path / "kb"


def _import(kb: Path, feed: bytes):
    modules, issues = parse_lheo(feed, load_catalogue(kb), feed="carif")
    return sync_feed(modules, kb, "carif", retire=not had_rejections(issues)), issues


def test_a_file_edited_in_a_text_editor_is_kept(kb: Path) -> None:
    raw = THREE.read_bytes()
    _import(kb, raw)
    path = kb / "modules" / "of-soud-tig-02.md"
    edited = path.read_text(encoding="utf-8").replace("cost_eur: 3990.0", "cost_eur: 3500.0") + "\nNote de l'instructeur.\n"
    assert edited != path.read_text(encoding="utf-8")
    path.write_text(edited, encoding="utf-8")
    report, _ = _import(kb, raw.replace(b"<prix-horaire-TTC>18,50", b"<prix-horaire-TTC>21,00"))
    assert "of-soud-tig-02" in report.kept_edited and "of-soud-tig-02" not in report.updated
    assert path.read_text(encoding="utf-8") == edited


def test_a_review_decision_is_not_a_hand_edit(kb: Path) -> None:
    raw = THREE.read_bytes()
    _import(kb, raw)
    [result] = approve(kb, ["of-soud-tig-02"], min_confidence=0.5)
    assert result.ok, result
    report, _ = _import(kb, raw.replace(b"<prix-horaire-TTC>18,50", b"<prix-horaire-TTC>21,00"))
    assert "of-soud-tig-02" in report.updated  # the offer's facts follow the feed…
    module = load_module_file(kb / "modules" / "of-soud-tig-02.md")
    assert module.status.value == "approved" and module.cost_eur == 210 * 21.0  # …the decision stays


def test_a_rejected_record_retires_nothing(kb: Path) -> None:
    raw = THREE.read_bytes()
    _import(kb, raw)
    broken = raw
    start = broken.index(b"OF-SOUD-TIG-02")
    title_at = broken.index(b"<intitule-formation>", start)
    end = broken.index(b"</intitule-formation>", title_at)
    broken = broken[:title_at + len(b"<intitule-formation>")] + broken[end:]
    report, issues = _import(kb, broken)
    assert had_rejections(issues) and report.retired == []
    assert any("NOT retired" in i.message for i in report.issues)
    assert load_module_file(kb / "modules" / "of-soud-tig-02.md").status.value != "retired"
