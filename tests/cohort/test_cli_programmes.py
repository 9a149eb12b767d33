"""`curriculum cohort --save` then `curriculum programmes --open` gives the identical programme (#5)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from curriculum.cli import app
from tests.conftest import REPO_ROOT


def test_saved_programme_reopens_identical_from_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("CURRICULUM_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    cohort = REPO_ROOT / "examples" / "cohort"
    planned = runner.invoke(app, ["cohort", "--cohort", str(cohort / "cohort-25.csv"), "--settings",
                                  str(cohort / "settings.yaml"), "--save", "line-2027", "--format", "json"])
    assert planned.exit_code == 0, planned.output
    listed = json.loads(runner.invoke(app, ["programmes", "--format", "json"]).stdout)
    assert [(r["name"], r["version"]) for r in listed] == [("line-2027", 1)]
    reopened = runner.invoke(app, ["programmes", "--open", "line-2027", "--format", "json"])
    assert reopened.exit_code == 0
    assert json.loads(reopened.stdout) == json.loads(planned.stdout)
    missing = runner.invoke(app, ["programmes", "--open", "nope"])
    assert missing.exit_code == 2 and "nope" in missing.stderr
