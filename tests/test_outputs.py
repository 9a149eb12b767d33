"""``--out`` writes only regular files, atomically, never over an input (issue #9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.errors import InputError
from curriculum.outputs import atomic_write, write_output
from tests.conftest import REPO_ROOT
from tests.test_cli import GOOD

runner = CliRunner()


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    p = tmp_path / "P.yaml"
    p.write_text(GOOD, encoding="utf-8")
    return p


def plan(profile: Path, out: str, *extra: str):
    return runner.invoke(app, ["plan", "--learner", str(profile), "--format", "json", "--out", out, *extra])


def test_refuses_the_input_profile_itself(profile):
    before = profile.read_bytes()
    result = plan(profile, str(profile))
    assert result.exit_code == 2 and "input file" in result.output and "--out" in result.output
    assert profile.read_bytes() == before
    # the same file through another spelling of its path, and through a hard link
    assert plan(profile, str(profile.parent / "." / profile.name)).exit_code == 2
    os.link(profile, profile.parent / "hard.yaml")
    assert plan(profile, str(profile.parent / "hard.yaml")).exit_code == 2
    assert profile.read_bytes() == before


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory", "device"])
def test_refuses_what_is_not_a_regular_file(profile, tmp_path, kind):
    target = tmp_path / "out.json"
    if kind == "symlink":
        (tmp_path / "elsewhere.json").write_text("keep", encoding="utf-8")
        target.symlink_to(tmp_path / "elsewhere.json")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        target = Path("/dev/null")
    result = plan(profile, str(target))
    assert result.exit_code == 2, result.output
    assert "refusing to write over a" in result.output and "--out" in result.output
    if kind == "symlink":
        assert (tmp_path / "elsewhere.json").read_text(encoding="utf-8") == "keep" and target.is_symlink()
    if kind == "fifo":
        assert target.exists() and not target.is_file()


def test_regular_file_and_stdout(profile, tmp_path):
    out = tmp_path / "plan.json"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o640)
    assert plan(profile, str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["learner_id"] == "T1"
    assert oct(out.stat().st_mode & 0o777) == "0o640"  # the replaced file keeps its mode
    assert not list(tmp_path.glob(".*.tmp"))
    result = plan(profile, "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["learner_id"] == "T1"
    assert plan(profile, "-", "--format", "pdf").exit_code == 2  # a PDF needs a file


def test_cohort_export_refuses_its_own_cohort_file(tmp_path):
    from curriculum.cohort.io import template_csv

    cohort = tmp_path / "cohort.csv"
    cohort.write_text(template_csv(), encoding="utf-8")
    before = cohort.read_bytes()
    result = runner.invoke(app, ["cohort", "--cohort", str(cohort), "--format", "csv", "--out", str(cohort)])
    assert result.exit_code == 2 and "input file" in result.output
    assert cohort.read_bytes() == before


def test_full_disk_keeps_the_previous_file(tmp_path):
    out = tmp_path / "export.json"
    out.write_text("previous", encoding="utf-8")
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)); "
            "from curriculum.outputs import write_output; write_output('x' * 100000, sys.argv[1])")
    proc = subprocess.run([sys.executable, "-c", code, str(out)], cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=120)
    assert proc.returncode != 0 and "cannot write" in proc.stderr and "File too large" in proc.stderr
    assert out.read_text(encoding="utf-8") == "previous" and not list(tmp_path.glob(".*.tmp"))


def test_atomic_write_into_a_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="folder does not exist"):
        write_output("x", tmp_path / "nope" / "f.txt")
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "nope" / "f.txt", "x")
