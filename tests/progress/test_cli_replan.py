"""`curriculum replan NAME` and `curriculum progress report` (#15, items 3 and 4), as a training manager meets them:
save L01 in a cohort, record a completion and a failed habilitation practical as of a later day, report, re-plan."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.progress.conftest import L01

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path, monkeypatch, workspace):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    return tmp_path


def run(*args: str):
    from curriculum.cli import app

    return runner.invoke(app, [*args])


def test_record_report_replan_report(cli_db, monkeypatch, tmp_path):
    saved = json.loads(run("pathway", "save", "--learner", str(L01), "--name", "douai-2027/L01").stdout)
    first, b1 = saved["steps"][0], next(s for s in saved["steps"] if s.startswith("ev-habilitation-b1"))
    monkeypatch.setenv("CURRICULUM_TODAY", "2027-02-17")
    assert run("progress", "douai-2027/L01", "--completed", first, "--on", "2027-02-09").exit_code == 0
    assert run("progress", "douai-2027/L01", "--completed", b1, "--on", "2027-02-16", "--result", "fail").exit_code == 0

    before = json.loads(run("progress", "report", "--cohort", "douai-2027", "--format", "json").stdout)["pathways"][0]
    assert before["status"] == "at_risk" and b1 in before["why"] and before["hours_done"] > 0

    replanned = run("replan", "douai-2027/L01", "--format", "json")
    assert replanned.exit_code == 0, replanned.output
    plan = json.loads(replanned.stdout)
    assert plan["version"] == 2 and plan["kept"][0] == first and plan["feasible"]
    retake = next(s for s in plan["steps"] if s["module_id"] == b1)
    assert retake["session"] and retake["start"] > "2027-02-17"
    assert any(c["action"] == "moved" and c["module_id"] == b1 and "re-booked" in c["reason"] for c in plan["changes"])

    after = json.loads(run("progress", "report", "--cohort", "douai-2027", "--format", "json").stdout)["pathways"][0]
    assert after["status"] == "on_track" and after["version"] == 2

    sheet = tmp_path / "report.xlsx"
    assert run("progress", "report", "--format", "xlsx", "--out", str(sheet)).exit_code == 0
    rows = list(load_workbook(io.BytesIO(sheet.read_bytes())).active.values)
    assert rows[0][:3] == ("pathway", "learner_id", "status") and rows[1][0] == "douai-2027/L01"

    assert run("progress", "report", "--cohort", "nobody").exit_code == 2
    assert run("replan", "no-such-pathway").exit_code == 2
    monkeypatch.setenv("CURRICULUM_TODAY", "soon")
    assert run("replan", "douai-2027/L01").exit_code == 2
