"""``curriculum territory``: the JSON contract, import-bmo into the data directory, text, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curriculum.cli import app
from tests.territory.conftest import AS_OF, COMMUNES, GEO, WORKBOOK

runner = CliRunner()
BASIN_KEYS = {"code", "name", "lat", "lon"}
JOB_KEYS = {"job_id", "fap_codes", "recruitment_projects", "difficult_projects", "withheld", "sessions_reachable",
            "seats_reachable", "skills_untaught", "certifications_untaught", "hours_to_job", "unmet_difficult",
            "difficult_per_seat", "modules"}


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CURRICULUM_DATA_DIR", str(tmp_path))
    return tmp_path


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, ["territory", *args, "--format", "json", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_basin_json_contract_on_the_shipped_extract(data_dir) -> None:
    report = _json(["--basin", "Dunkerque"])
    assert BASIN_KEYS <= set(report["basin"]) and report["basin"]["code"] == "3218"
    assert "France Travail" in report["source"] and "shipped" in report["source"]
    for job in report["jobs"]:
        assert JOB_KEYS <= set(job), job["job_id"]
    welder = next(j for j in report["jobs"] if j["job_id"] == "mig-mag-welder")
    assert (welder["recruitment_projects"], welder["difficult_projects"], welder["withheld"]) == (122, 79, False)
    douai = _json(["--basin", "3220", "--radius-km", "30"])
    welder = next(j for j in douai["jobs"] if j["job_id"] == "mig-mag-welder")
    assert (welder["recruitment_projects"], welder["difficult_projects"]) == (146, 110) and douai["radius_km"] == 30
    assert welder["sessions_reachable"] >= 1 and {"weld-mig-mag-131-135"} <= {m["module_id"] for m in welder["modules"]}


def test_import_bmo_then_the_imported_demand_wins(data_dir) -> None:
    result = runner.invoke(app, ["territory", "import-bmo", str(WORKBOOK), "--communes", str(COMMUNES),
                                 "--geo", str(GEO)])
    assert result.exit_code == 0, result.output
    assert "7 basins" in result.stdout and (data_dir / "bmo" / "manifest.json").is_file()
    report = _json(["--basin", "Abbeville Ponthieu"])
    assert "imported" in report["source"]
    welder = next(j for j in report["jobs"] if j["job_id"] == "mig-mag-welder")
    assert welder["recruitment_projects"] is None and welder["withheld"] is True  # "*", not 0
    region = _json(["--region", "Hauts-de-France"])
    assert [b["code"] for b in region["basins"]][:1] == ["3218"] and len(region["basins"]) == 6
    for basin in region["basins"]:
        assert BASIN_KEYS <= set(basin) and "unmet_difficult" in basin
    text = runner.invoke(app, ["territory", "--region", "32", "--as-of", AS_OF.isoformat()])
    assert text.exit_code == 0 and text.stdout.splitlines()[3].split()[:2] == ["1", "DUNKERQUE"]


def test_basin_text_lists_modules_and_the_source(data_dir) -> None:
    result = runner.invoke(app, ["territory", "--basin", "Douai", "--modules", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "DOUAI (3220" in result.stdout and "mig-mag-welder (D1X33)" in result.stdout
    assert "weld-qualification-iso-9606-1-135 (Douai" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("Source : France Travail")


@pytest.mark.parametrize("args, field", [
    (["--basin", "Atlantis"], "--basin"),
    (["--region", "Atlantis"], "--region"),
    ([], "--basin"),
    (["--basin", "Douai", "--region", "32"], "--basin"),
    (["--basin", "Douai", "--as-of", "tomorrow"], "--as-of"),
])
def test_bad_input_exits_2_naming_the_option(data_dir, args, field) -> None:
    result = runner.invoke(app, ["territory", *args])
    assert result.exit_code == 2, result.output
    assert field in result.output


def test_import_bmo_refuses_what_is_not_the_workbook(data_dir) -> None:
    result = runner.invoke(app, ["territory", "import-bmo", str(COMMUNES)])
    assert result.exit_code == 2 and str(COMMUNES) in result.output and "not an Excel workbook" in result.output
    assert not (data_dir / "bmo").exists()
