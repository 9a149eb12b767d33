"""LHEO 2.x import: the illustrative sample becomes valid modules that a plan can use; broken offers are
reported with their XML line and never stop the others. Tagging here is the explicit test tagger of
``lheo_helpers`` (the parser's behaviour, whatever tagger the product ships); the published-shape
fixtures are tested in ``test_lheo_feeds.py``."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from curriculum.errors import InputError
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.catalogue_io import write_modules
from curriculum.knowledge.lheo import parse_lheo
from curriculum.knowledge.validate import validate_kb
from curriculum.models import HeldSkill, LearnerProfile, Location
from tests.conftest import KB_DIR
from tests.knowledge.lheo_helpers import TESTING_METHODS, KeywordTagger

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "lheo_sample.xml"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


@pytest.fixture(scope="module")
def imported(catalogue, session_data_dir):
    return parse_lheo(SAMPLE, catalogue, KeywordTagger(), cache_dir=str(session_data_dir))


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB_DIR, dest)
    return dest


def _line_of(needle: str) -> int:
    return next(n for n, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_sample_offers_become_modules(imported) -> None:
    modules, _ = imported
    by_id = {m.id: m for m in modules}
    assert set(by_id) == {"exemple-hab-b2vl-douai", "exemple-hab-b2vl-lens", "exemple-irve-essais-lille",
                          "exemple-irve-essais-douai", "exemple-tp-tmi"}
    b2vl = by_id["exemple-hab-b2vl-douai"]
    assert b2vl.certification.code == "B2VL" and "RS0000" in b2vl.certification.label
    assert b2vl.certification.standard == "NF C 18-550"
    assert (b2vl.places[0].city, b2vl.places[0].lat, b2vl.places[0].lon) == ("Douai", 50.3714, 3.08)
    assert [(s.start, s.end, s.place, s.seats) for s in b2vl.sessions] == [
        (dt.date(2027, 3, 8), dt.date(2027, 3, 10), "Douai", 8), (dt.date(2027, 6, 7), dt.date(2027, 6, 9), "Douai", 10)]
    assert by_id["exemple-hab-b2vl-lens"].duration_hours == 21  # from duree-indicative "21 heures"
    lille = by_id["exemple-irve-essais-lille"]
    assert lille.cost_eur == 14 * 45 and lille.domain == "charging"  # prix-horaire-TTC x hours
    douai = by_id["exemple-irve-essais-douai"].places[0]  # no geolocalisation: resolved offline
    assert douai.city == "Douai" and abs(douai.lat - 50.37) < 0.05 and abs(douai.lon - 3.08) < 0.05
    tmi = by_id["exemple-tp-tmi"]
    assert tmi.modality.value == "blended" and tmi.duration_hours == 875 + 280
    assert tmi.certification.code == "RNCP41536" and len(tmi.sessions) == 2  # the offer's own register code
    assert tmi.modality.value == "blended"  # "Stage pratique en entreprise de 280 heures": an internship, not work-study
    assert all(m.outcomes and not m.illustrative and m.status.value == "approved" for m in modules)
    assert TESTING_METHODS in {o.skill for o in lille.outcomes}
    assert b2vl.origin.feed == "lheo_sample" and b2vl.origin.key == "EXEMPLE-HAB-B2VL/EXEMPLE-HAB-B2VL-DOUAI"
    assert len({m.origin.digest for m in modules}) == len(modules)


def test_broken_offer_reported_with_line(imported) -> None:
    _, issues = imported
    assert len(issues) == 1
    issue = issues[0]
    assert issue.file == str(SAMPLE)
    assert issue.line == _line_of('action numero="EXEMPLE-BATT-SENSI-DOUAI"')
    assert issue.field == "formation[4]/action[1]/nombre-heures-total"
    assert "no duration" in issue.message
    assert 'EXEMPLE-BATT-SENSI "Sensibilisation aux batteries lithium-ion de traction"' in issue.message


def test_no_skill_makes_drafts_not_rejections(catalogue, session_data_dir) -> None:
    """Issue #11: an offer is never lost for lack of tags; nothing is invented either."""
    modules, issues = parse_lheo(SAMPLE, catalogue, tagger=KeywordTagger(keywords={}),
                                 cache_dir=str(session_data_dir))
    assert len(modules) == 5 and all(m.status.value == "draft" and m.outcomes == [] for m in modules)
    assert [i.field for i in issues] == ["formation[4]/action[1]/nombre-heures-total"]  # only the real defect


def test_malformed_xml_names_the_line(tmp_path: Path, catalogue) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<lheo>\n<offres>\n<formation>\n</offres>\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        parse_lheo(bad, catalogue)
    assert exc.value.line == 4


def test_entities_are_refused(tmp_path: Path, catalogue) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><lheo>&a;</lheo>', encoding="utf-8")
    with pytest.raises(Exception):
        parse_lheo(bomb, catalogue)


def test_imported_modules_pass_validation(imported, kb_copy: Path) -> None:
    modules, _ = imported
    report = write_modules(modules, kb_copy)
    assert sorted(report.written) == sorted(m.id for m in modules) and report.skipped == []
    result = validate_kb(kb_copy)
    # an imported habilitation offer states the certification rules' prerequisites itself (the competence
    # ELEC-BASICS, HAB-VL-ELEC before B2TL…), so the imported catalogue agrees with the rules (issue #10)
    assert result["errors"] == []
    b2vl = next(m for m in modules if m.certification and m.certification.code == "B2VL")
    assert "ELEC-BASICS" in b2vl.prerequisites.competences
    loaded = load_catalogue(kb_copy)
    assert all(loaded.modules[m.id].model_dump() == m.model_dump() for m in modules)
    again = write_modules(modules, kb_copy)
    assert again.written == [] and sorted(again.skipped) == sorted(m.id for m in modules)


def test_imported_module_appears_in_a_plan(imported, kb_copy: Path, session_data_dir: Path) -> None:
    """Remove the shipped modules teaching 'electrical testing methods': the imported IRVE module is
    then the only teacher, and a plan toward charging-point installer near Douai selects it."""
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    modules, _ = imported
    write_modules(modules, kb_copy)
    cat = load_catalogue(kb_copy)
    for m in list(cat.modules.values()):
        if m.teaches(TESTING_METHODS) >= 2 and not m.id.startswith("exemple-"):
            (kb_copy / "modules" / f"{m.id}.md").unlink()
    ws = Workspace.open(Settings.from_env(kb_dir=kb_copy, data_dir=session_data_dir, llm_model=""))
    job = ws.catalogue.jobs["ev-charging-point-installer"]
    teachers = [m.id for m in ws.catalogue.modules.values() if m.teaches(TESTING_METHODS) >= 2]
    assert teachers and all(t.startswith("exemple-irve-essais") for t in teachers)
    learner = LearnerProfile(
        id="lheo-douai", location=Location(city="Douai", postcode="59500"), mobility_km=40, hours_per_week=20,
        start=dt.date(2027, 1, 4), deadline=dt.date(2027, 12, 31), certifications=["IRVE"],
        skills=[HeldSkill(uri=r.skill, level=r.level) for r in job.required_skills if r.skill != TESTING_METHODS],
        target_job=job.id)
    path = ws.plan(learner, use_embeddings=False, explain=False)
    assert path.feasible, path.infeasibility
    chosen = [s.module_id for s in path.steps]
    assert any(c.startswith("exemple-irve-essais") for c in chosen), chosen
