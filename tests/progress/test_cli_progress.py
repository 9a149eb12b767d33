"""`curriculum pathway save|list|show` and `curriculum progress NAME …` (#15)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curriculum.cli import app
from tests.progress.conftest import L01
from tests.progress.test_xapi import SAMPLE

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path, monkeypatch, workspace):
    """A fresh database (``DATABASE_URL``) beside the session's indexed data folder."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    return tmp_path


def run(*args: str):
    return runner.invoke(app, [*args])


def test_save_list_show(cli_db, l01_planned):
    _, path = l01_planned
    saved = run("pathway", "save", "--learner", str(L01))
    assert saved.exit_code == 0, saved.output
    out = json.loads(saved.stdout)
    assert (out["pathway"], out["version"], out["reason"], out["learner_id"]) == ("L01", 1, "saved", "L01")
    assert out["steps"] == [s.module_id for s in path.steps] and out["total_hours"] == path.total_hours
    assert json.loads(run("pathway", "save", "-l", str(L01), "--name", "L01").stdout)["version"] == 2
    assert json.loads(run("pathway", "save", "-l", str(L01), "--name", "douai-L01").stdout)["version"] == 1
    listed = json.loads(run("pathway", "list", "--format", "json").stdout)
    assert [(r["name"], r["version"], r["versions"]) for r in listed] == [("L01", 2, 2), ("douai-L01", 1, 1)]
    shown = json.loads(run("pathway", "show", "L01", "--version", "1", "--format", "json").stdout)
    assert (shown["pathway"], shown["version"], shown["events"]) == ("L01", 1, [])
    assert [s["module_id"] for s in shown["steps"]] == out["steps"] and shown["target_job"]["id"] == path.target_job.id
    text = run("pathway", "list").stdout
    assert "douai-L01" in text and "v2" in text
    bad = run("pathway", "show", "L01", "--version", "9")
    assert bad.exit_code == 2 and "--version" in bad.stderr


def test_progress_events_from_options(cli_db, l01_planned):
    _, path = l01_planned
    assert run("pathway", "save", "-l", str(L01)).exit_code == 0
    first, b1vl = path.steps[0].module_id, next(s.module_id for s in path.steps if s.certification == "B1VL")
    done = run("progress", "L01", "--completed", first, "--on", "2026-11-20", "--score", "88")
    assert done.exit_code == 0, done.output
    [event] = json.loads(done.stdout)["events"]
    assert {k: event[k] for k in ("kind", "module_id", "on", "result", "score", "source")} == \
           {"kind": "completed", "module_id": first, "on": "2026-11-20", "result": "pass", "score": 88.0, "source": "cli"}
    failed = json.loads(run("progress", "record", "L01", "--completed", b1vl, "--on", "2026-11-21", "--result", "fail",
                            "--missed", path.steps[2].module_id).stdout)
    assert [(e["kind"], e.get("result")) for e in failed["events"]] == [("completed", "fail"), ("missed", None)]
    shown = json.loads(run("pathway", "show", "L01").stdout)
    assert [e["module_id"] for e in shown["events"]] == [first, b1vl, path.steps[2].module_id]


@pytest.mark.parametrize(("args", "option"), [
    (["progress", "L01", "--completed", "ev-habilitation-b1vx", "--on", "2026-11-20"], "--completed"),
    (["progress", "nobody", "--missed", "ev-habilitation-b1vl"], "NAME"),
    (["progress", "L01", "--completed", "ev-habilitation-b1vl"], "--on"),
    (["progress", "L01", "--missed", "ev-habilitation-b1vl", "--on", "2999-01-01"], "--on"),
    (["progress", "L01", "--completed", "ev-habilitation-b1vl", "--on", "2026-11-20", "--score", "140"], "--score"),
    (["progress", "L01", "--completed", "ev-habilitation-b1vl", "--on", "2026-11-20", "--result", "ok"], "--result"),
    (["progress", "L01", "--skill", "souder", "--level", "7"], "--level"),
    (["progress", "L01", "--xapi", "missing-statements.json"], "--xapi"),
])
def test_bad_input_exits_2_naming_the_option(cli_db, args, option):
    assert run("pathway", "save", "-l", str(L01)).exit_code == 0
    bad = run(*args)
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and f"'{option}'" in bad.stderr
    assert json.loads(run("pathway", "list", "--format", "json").stdout)[0]["events"] == 0  # nothing recorded


def test_xapi_import_from_the_cli(cli_db):
    assert run("pathway", "save", "-l", str(L01)).exit_code == 0
    imported = run("progress", "L01", "--xapi", str(SAMPLE))
    assert imported.exit_code == 0, imported.output
    out = json.loads(imported.stdout)
    assert out["statement_counts"] == {"attempted": 1, "recorded": 3, "unknown_activity": 1, "not_mapped": 1,
                                       "invalid": 2}
    assert [e["module_id"] for e in out["events"]] == ["hv-architecture-vehicules-electrifies",
                                                       "hv-lecture-schemas-documentation-constructeur",
                                                       "ev-habilitation-b1vl"]
    other = run("progress", "L01", "--xapi", str(SAMPLE), "--actor", "someone@example.fr")
    assert json.loads(other.stdout)["statement_counts"]["other_actor"] == 8 - 2  # the two bad ones have no actor
