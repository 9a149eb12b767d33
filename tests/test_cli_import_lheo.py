"""``curriculum kb import-lheo`` on a small generated regional feed (benchmarks/lheo_feed.py), then a plan
that uses an imported module because it is the best choice (issue #11, regional scale)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from benchmarks.lheo_feed import Action, Offer, Session, lheo_xml, make_offers, second_feed
from curriculum.cli import app
from curriculum.knowledge.catalogue import load_catalogue, load_module_file
from tests.conftest import KB_DIR

runner = CliRunner()
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue(KB_DIR)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB_DIR, dest)
    return dest


def refresher(shipped) -> Offer:
    """A 14 h welding-techniques course in Lens: what a welder near Lens lacks, far shorter than the
    shipped 70 h arc-welding initiation (Douai), so the planner's shortest pathway takes it."""
    label = shipped.skill_label(_missing(shipped), "fr")
    start = TODAY + dt.timedelta(days=30 - TODAY.weekday())
    action = Action("REG-1-A1", "Lens", "62", 50.43302, 2.82791, [Session(start, start + dt.timedelta(days=1), 10)],
                    "420,00", 14.0, "14 heures", "0")
    return Offer("REG-1", "Soudage : remise à niveau des techniques de soudage", f"<p>{label}</p>",
                 "<p>Attestation de fin de formation.</p>", "<p>Travaux pratiques en atelier.</p>",
                 "Atelier Soudure Formation Lens", ("H2916",), "23054", None, [action])


def _missing(shipped) -> str:
    job = shipped.jobs["tig-welder"]
    return next(r.skill for r in job.required_skills if shipped.skill_label(r.skill, "fr") == "techniques de soudage")


def _invoke(args: list[str]):
    result = runner.invoke(app, args)
    return result, (json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None)


def test_import_lheo_sync_report_reimport_and_second_feed(tmp_path: Path, kb: Path, shipped) -> None:
    offers = make_offers(40, seed=3, catalogue=shipped)
    feed = tmp_path / "carif-hdf.xml"
    feed.write_bytes(lheo_xml(offers))
    result, out = _invoke(["kb", "import-lheo", str(feed), "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    assert out["feed"] == "carif-hdf" and out["counts"]["added"] == len(out["added"]) >= 30
    assert sorted(out["imported"]) == sorted(out["added"])
    module = (kb / "modules" / f"{out['added'][0]}.md").read_text(encoding="utf-8")
    assert "feed: carif-hdf" in module
    for line in result.stderr.splitlines():  # every issue line names the file, the line and the field
        if line.startswith(str(feed)):
            assert line.split(":")[1].isdigit() and line.split(": ")[1]
    dry, dry_out = _invoke(["kb", "import-lheo", str(feed), "--kb", str(kb), "--dry-run"])
    assert dry.exit_code == 0 and dry_out["dry_run"] and dry_out["counts"]["unchanged"] == len(out["added"])
    again, again_out = _invoke(["kb", "import-lheo", str(feed), "--kb", str(kb)])
    assert again.exit_code == 0 and again_out["imported"] == [] and again_out["counts"]["unchanged"] == len(out["added"])
    other = tmp_path / "onisep.xml"
    other.write_bytes(lheo_xml(second_feed(offers, 0.5, seed=4), encoding="ISO-8859-1"))
    merged, merged_out = _invoke(["kb", "import-lheo", str(other), "--kb", str(kb)])
    assert merged.exit_code == 0, merged.output
    assert merged_out["counts"]["merged"] >= 1 and merged_out["counts"]["added"] == 0
    assert load_module_file(kb / "modules" / f"{merged_out['merged'][0]}.md").origin.also_in == ["onisep"]


def test_nothing_usable_exits_2(tmp_path: Path, kb: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(lheo_xml([]))
    result = runner.invoke(app, ["kb", "import-lheo", str(empty), "--kb", str(kb)])
    assert result.exit_code == 2 and "no LHEO offer in the file" in result.stderr  # says why, in one line
    bad = tmp_path / "bad.xml"
    bad.write_text("<lheo><offres>", encoding="utf-8")
    assert runner.invoke(app, ["kb", "import-lheo", str(bad), "--kb", str(kb)]).exit_code == 2
    assert runner.invoke(app, ["kb", "import-lheo", str(empty), "--kb", str(kb), "--feed", "a b"]).exit_code == 2


def test_plan_uses_an_imported_module_when_it_is_the_best_choice(tmp_path: Path, kb: Path, shipped) -> None:
    feed = tmp_path / "regional.xml"
    feed.write_bytes(lheo_xml([refresher(shipped), *make_offers(15, seed=5, catalogue=shipped)]))
    result, out = _invoke(["kb", "import-lheo", str(feed), "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    imported = set(out["added"])
    job = shipped.jobs["tig-welder"]
    missing = _missing(shipped)
    learner = {"id": "near-lens", "name": "Learner near Lens", "language": "fr",
               "location": {"city": "Lens", "postcode": "62300"}, "mobility_km": 30, "hours_per_week": 14,
               "start": (TODAY + dt.timedelta(days=7)).isoformat(),
               "deadline": (TODAY + dt.timedelta(days=300)).isoformat(), "budget_eur": 3000,
               "preferred_modalities": ["in_person"], "certifications": [], "target_job": "tig-welder",
               "skills": [{"uri": r.skill, "level": r.level} for r in job.required_skills if r.skill != missing]}
    profile = tmp_path / "learner.yaml"
    profile.write_text(yaml.safe_dump(learner, allow_unicode=True), encoding="utf-8")
    plan = runner.invoke(app, ["plan", "-l", str(profile), "--kb", str(kb), "-f", "json"])
    assert plan.exit_code == 0, plan.output
    path = json.loads(plan.stdout)
    steps = [s["module_id"] for s in path["steps"]]
    assert path["feasible"] and steps == ["reg-1"] and "reg-1" in imported
    # the same learner on the shipped catalogue needs the 70 h course
    shipped_plan = json.loads(runner.invoke(app, ["plan", "-l", str(profile), "--kb", str(KB_DIR), "-f", "json"]).stdout)
    assert [s["module_id"] for s in shipped_plan["steps"]] == ["weld-initiation-soudage-arc-111"]
