"""Training-map gaps: `curriculum kb gaps` for ROME H2703 around Douai (40 km), and job-wide gaps."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from curriculum.cli_kb import kb_app
from curriculum.errors import InputError
from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import Catalogue, load_catalogue
from curriculum.knowledge.gaps import basin_gaps, job_gaps
from tests.conftest import KB_DIR

DOUAI = (50.3714, 3.08)
JOB = "ev-battery-maintenance-technician"
HV_ARCHITECTURE = "hv-architecture-vehicules-electrifies"
BATTERY_COMPONENTS = "http://data.europa.eu/esco/skill/8cf03262-b6b0-4fe8-9d66-91063bb32db3"
runner = CliRunner()
app = typer.Typer()
app.add_typer(kb_app, name="kb")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(KB_DIR)


def _taught_in_person_within(cat: Catalogue, skill: str, level: int, near, radius: float) -> bool:
    """Brute force, independent of gaps.py: an in-person/blended module teaching ``skill`` at
    ``level`` with an attendable place (an upcoming session with seats, or any place if it has no
    session) within ``radius`` km."""
    today = dt.date.today()
    for m in cat.modules.values():
        if m.teaches(skill) < level or m.modality.value not in ("in_person", "blended"):
            continue
        cities = {s.place for s in m.sessions if s.seats > 0 and s.end >= today} if m.sessions else None
        if any(distance_km(near, (p.lat, p.lon)) <= radius for p in m.places if cities is None or p.city in cities):
            return True
    return False


def _expected(cat: Catalogue, near, radius: float) -> set[str]:
    job = cat.jobs[JOB]
    return {r.skill for r in job.required_skills if not _taught_in_person_within(cat, r.skill, r.level, near, radius)}


def test_h2703_around_douai_lists_exactly_the_untaught_skills(catalogue: Catalogue) -> None:
    gaps = job_gaps(catalogue, "rome:H2703", DOUAI, 40)
    listed = {g["skill"] for g in gaps}
    assert listed == _expected(catalogue, DOUAI, 40)
    for g in gaps:
        assert not _taught_in_person_within(catalogue, g["skill"], g["required_level"], DOUAI, 40)
    print(f"H2703 around Douai (40 km): {len(gaps)} gap(s) in the shipped catalogue")


def test_h2703_gaps_when_the_only_local_module_goes(catalogue: Catalogue) -> None:
    cat = copy.deepcopy(catalogue)
    del cat.modules[HV_ARCHITECTURE]  # the only in-person teacher of hybrid vehicle architecture
    gaps = job_gaps(cat, JOB, DOUAI, 40)
    assert {g["skill"] for g in gaps} == _expected(cat, DOUAI, 40) != set()
    by_label = {g["label"]: g for g in gaps}
    assert by_label["hybrid vehicle architecture"]["reason"].startswith("only online/workplace modules")
    assert by_label["hybrid vehicle architecture"]["essential"] is True
    for g in gaps:
        assert not _taught_in_person_within(cat, g["skill"], g["required_level"], DOUAI, 40)
        assert set(g) == {"skill", "label", "essential", "required_level", "reason"}


def test_far_modules_are_named_with_distance(catalogue: Catalogue) -> None:
    pau = (43.2951, -0.3708)
    gaps = job_gaps(catalogue, JOB, pau, 40)
    skills = {g["skill"] for g in gaps if not g["skill"].startswith("certification:")}
    assert skills == _expected(catalogue, pau, 40)
    assert any("nearest:" in g["reason"] and " km" in g["reason"] for g in gaps)
    # the mandatory B2TL habilitation (ROME H2703) is reported too: no B2TL module near Pau
    cert = next(g for g in gaps if g["skill"] == "certification:B2TL")
    assert cert["essential"] and "nearest: ev-habilitation-b2tl" in cert["reason"]


def test_job_wide_untaught_skill_has_a_reason(catalogue: Catalogue) -> None:
    cat = copy.deepcopy(catalogue)
    for mid in [m.id for m in cat.modules.values() if m.teaches(BATTERY_COMPONENTS) >= 2]:
        del cat.modules[mid]
    gaps = job_gaps(cat, JOB)
    assert [g["skill"] for g in gaps] == [BATTERY_COMPONENTS]
    assert gaps[0]["reason"].startswith("no module teaches it") and gaps[0]["label"] == "battery components"
    assert job_gaps(catalogue, JOB) == []


def test_basin_gaps_cover_every_job(catalogue: Catalogue) -> None:
    report = basin_gaps(catalogue, DOUAI, 40)
    assert {r["job"] for r in report} == set(catalogue.jobs)
    for r in report:
        assert r["gaps"] == job_gaps(catalogue, r["job"], DOUAI, 40)


def test_unknown_job_and_half_area(catalogue: Catalogue) -> None:
    with pytest.raises(InputError):
        job_gaps(catalogue, "rome:Z9999")
    with pytest.raises(InputError):
        job_gaps(catalogue, JOB, DOUAI, None)


def test_cli_gaps_json_contract(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    (kb / "modules" / f"{HV_ARCHITECTURE}.md").unlink()
    result = runner.invoke(app, ["kb", "gaps", "--job", "rome:H2703", "--near", "Douai", "--radius-km", "40",
                                 "--format", "json", "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["job"] == JOB and out["area"]["radius_km"] == 40
    assert out["skills"] and all({"id", "label", "essential", "reason"} <= set(s) for s in out["skills"])
    assert "hybrid vehicle architecture" in {s["label"] for s in out["skills"]}
    text = runner.invoke(app, ["kb", "gaps", "--job", "rome:H2703", "--near", "Douai", "--kb", str(kb)])
    assert text.exit_code == 0 and "hybrid vehicle architecture" in text.stdout
    bad = runner.invoke(app, ["kb", "gaps", "--job", "rome:Z9999", "--kb", str(kb)])
    assert bad.exit_code == 2
