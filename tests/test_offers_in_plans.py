"""Issue #11, done when: an LHEO offer titled "Habilitation électrique B2VL / BCL …" awards B2VL and BCL,
with the rules' prerequisites, and appears in plans that need those habilitations — through the CLI, as a
training manager meets it (import the region's file, plan)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.rules.apply import comp_skill, effective_modules
from curriculum.rules.reference import load_reference
from tests.conftest import KB_DIR

THREE_OFFERS = Path(__file__).resolve().parent / "data" / "lheo" / "three_offers.xml"
runner = CliRunner()


@pytest.fixture
def regional_kb(tmp_path: Path) -> Path:
    """The shipped catalogue without its own B2VL courses: the imported offer is the only way to B2VL."""
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    reference = load_reference()
    for m in load_catalogue(kb).modules.values():
        if any("B2VL" in reference.closure(code) for code in m.awards):
            (kb / "modules" / f"{m.id}.md").unlink()
    return kb


def _learner(tmp_path: Path, *, skills: bool) -> Path:
    job = load_catalogue(KB_DIR).jobs["ev-automotive-technician"]
    held = [{"uri": r.skill, "level": r.level} for r in job.required_skills] if skills else []
    learner = {"id": "near-lens", "name": "Technicien près de Lens", "language": "fr",
               "location": {"city": "Lens", "postcode": "62300"}, "mobility_km": 40, "hours_per_week": 20,
               "start": "2027-02-01", "deadline": "2028-12-31", "budget_eur": 20000,
               "preferred_modalities": ["in_person"], "certifications": [], "target_job": "ev-automotive-technician",
               "skills": held}
    path = tmp_path / "learner.yaml"
    path.write_text(yaml.safe_dump(learner, allow_unicode=True), encoding="utf-8")
    return path


def test_imported_b2vl_bcl_offer_awards_both_and_is_planned(tmp_path: Path, regional_kb: Path) -> None:
    before = json.loads(runner.invoke(app, ["plan", "-l", str(_learner(tmp_path, skills=True)), "--kb",
                                            str(regional_kb), "-f", "json"]).stdout)
    assert not before["feasible"]  # no module awards B2VL any more
    result = runner.invoke(app, ["kb", "import-lheo", str(THREE_OFFERS), "--kb", str(regional_kb)])
    assert result.exit_code == 0, result.output
    cat = load_catalogue(regional_kb)
    offer = cat.modules["of-hab-ve-01"]  # approved at import: the title names the habilitations exactly
    assert offer.awards == ["B2VL", "BCL"] and offer.certification.standard == "NF C 18-550"
    effective = effective_modules(cat.modules, load_reference()).modules["of-hab-ve-01"]
    assert comp_skill("ELEC-BASICS") in {p.skill for p in effective.prerequisites.skills}  # the rules' prerequisite
    plan = runner.invoke(app, ["plan", "-l", str(_learner(tmp_path, skills=True)), "--kb", str(regional_kb), "-f", "json"])
    path = json.loads(plan.stdout)
    assert path["feasible"] and [s["module_id"] for s in path["steps"]] == ["of-hab-ve-01"]
    assert {"B2VL", "BCL"} <= {c["code"] for c in path["certifications_at_end"]}
    assert path["steps"][0]["start"] == "2027-03-08"  # its first LHEO session, in Lens


def test_learner_without_electrical_basics_gets_them_first(tmp_path: Path, regional_kb: Path) -> None:
    runner.invoke(app, ["kb", "import-lheo", str(THREE_OFFERS), "--kb", str(regional_kb)])
    path = json.loads(runner.invoke(app, ["plan", "-l", str(_learner(tmp_path, skills=False)), "--kb",
                                          str(regional_kb), "-f", "json"]).stdout)
    steps = [s["module_id"] for s in path["steps"]]
    assert "of-hab-ve-01" in steps
    brought = [r for r in path["rules_applied"] if r["requirement"] == "ELEC-BASICS"]
    assert brought and all(steps.index(r["module_added"]) < steps.index("of-hab-ve-01") for r in brought)
