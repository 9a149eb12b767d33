"""CLI contract (docs/design.md): JSON shapes, exit codes, bad input named by file and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curriculum.cli import app
from tests.conftest import EVAL_DIR, KB_DIR

runner = CliRunner()
GOOD = """id: T1
language: fr
location: {city: Douai, postcode: "59500"}
mobility_km: 40
hours_per_week: 8
start: 2027-01-04
deadline: 2027-09-30
budget_eur: 4000
preferred_modalities: [in_person, blended]
skills:
  - {label: "repair vehicle electrical systems", level: 2}
target_job: rome:H2703
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "learner.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_plan_json_contract(tmp_path):
    result = runner.invoke(app, ["plan", "--learner", str(_write(tmp_path, GOOD)), "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    for key in ("learner_id", "target_job", "learner_location", "start_skills", "steps", "covered_skills",
                "uncovered_skills", "total_hours", "total_cost_eur", "feasible", "infeasibility", "warnings"):
        assert key in plan
    assert plan["target_job"]["id"] == "ev-battery-maintenance-technician"
    assert {"lat", "lon"} <= set(plan["learner_location"])
    for step in plan["steps"]:
        for key in ("module_id", "title", "hours", "cost_eur", "modality", "start", "end", "outcomes",
                    "certification", "rationale"):
            assert key in step
    assert plan["total_hours"] == pytest.approx(sum(s["hours"] for s in plan["steps"]))


@pytest.mark.parametrize("mutation, field", [
    (lambda t: t.replace("hours_per_week: 8\n", ""), "hours_per_week"),
    (lambda t: t.replace("rome:H2703", "rome:Z9999"), "target_job"),
    (lambda t: t.replace("deadline: 2027-09-30", "deadline: 2026-09-30"), "deadline"),
    (lambda t: t.replace("hours_per_week: 8", "hours_per_week: 0"), "hours_per_week"),
    (lambda t: t.replace("skills:\n", "skills: [\n"), None),
    (lambda t: t.replace("[in_person, blended]", "[in_person, teleportation]"), "preferred_modalities.1"),
    (lambda t: t.replace("budget_eur: 4000", "budget_eur: -5"), "budget_eur"),
    (lambda t: t.replace("level: 2", "level: 7"), "skills.0.level"),
    (lambda t: t.replace("city: Douai", "city: Atlantis-sur-Mer"), "location.city"),
])
def test_bad_input_exits_2_naming_file_and_field(tmp_path, mutation, field):
    path = _write(tmp_path, mutation(GOOD))
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "--learner", str(path), "--format", "json", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    if field:
        assert field.split(".")[0] in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["plan", "--learner", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "not found" in result.stderr


def test_modules_and_jobs_json():
    mods = json.loads(runner.invoke(app, ["modules", "--format", "json"]).stdout)
    assert len(mods) >= 60
    for m in mods:
        for key in ("id", "title", "duration_hours", "cost_eur", "modality", "places", "prerequisites",
                    "outcomes", "certification"):
            assert key in m
        for p in m["places"]:
            assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
    jobs = json.loads(runner.invoke(app, ["jobs", "--format", "json"]).stdout)
    assert len(jobs) >= 10
    codes = {j["rome_code"] for j in jobs}
    assert {"H2703", "H2704", "H2705", "F1628", "I1304", "I1302", "H2916"} <= codes
    assert any(j["esco_uri"] == "http://data.europa.eu/esco/occupation/869e3a85-6e4c-4e3c-b14f-a8399c1abd2d" for j in jobs)


@pytest.mark.skipif(not (EVAL_DIR / "L01-mechanic-to-ev-battery.yaml").exists(), reason="no eval data")
def test_console_script_l01_end_to_end(tmp_path):
    """The README's main job through the installed entry point, as a new user runs it."""
    exe = Path(sys.executable).with_name("curriculum")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "curriculum.cli"]
    proc = subprocess.run([*cmd, "plan", "--learner", str(EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"),
                           "--format", "json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["feasible"] and "B2TL" in [s["certification"] for s in plan["steps"]]


def test_kb_validate_shipped_catalogue_is_clean():
    result = runner.invoke(app, ["kb", "validate", str(KB_DIR), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["errors"] == [], report["errors"][:5]
    assert result.exit_code == 0 and report["checked"] >= 70


def test_a_module_file_left_out_is_said_in_the_plan(tmp_path):
    """B1VL saved as Windows-1252 cannot be read: the plan goes on without it and its warnings say so."""
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    b1vl = kb / "modules" / "ev-habilitation-b1vl.md"
    b1vl.write_bytes(b1vl.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    result = runner.invoke(app, ["plan", "--learner", str(EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"), "--kb", str(kb),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    path = json.loads(result.stdout)
    assert "ev-habilitation-b1vl" not in [s["module_id"] for s in path["steps"]]
    note = next(w for w in path["warnings"] if "knowledge-base problem" in w)
    assert "ev-habilitation-b1vl.md" in note and "kb validate" in note
