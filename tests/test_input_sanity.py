"""Input sanity (issue 9): coordinates inside the area covered, postcode vs city, at least 1 h/week, a
5-year planning horizon, YAML type traps with a 'quote the value' hint — through ``parse_learner``,
the planner and the CLI (exit 2, one line naming file and field)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.cohort.models import CohortMember
from curriculum.departements import DEPARTEMENTS, OVERSEAS, departement_of
from curriculum.errors import InputError
from curriculum.geo import coordinates_problem, french_places, normalise_place_name, postcode_mismatch
from curriculum.learners import parse_learner
from curriculum.planner.schedule import HORIZON_YEARS, horizon_end, self_paced_days
from tests.conftest import REPO_ROOT

runner = CliRunner()
EXAMPLE = (REPO_ROOT / "examples" / "mechanic-douai-to-ev-battery.yaml").read_text(encoding="utf-8")
DOUAI = 'location: {city: Douai, postcode: "59500"}'


def _profile(**swap: str) -> str:
    """The Douai example with ``old=new`` replacements (keys are field names, values whole lines)."""
    text = EXAMPLE
    lines = {"location": DOUAI, "hours_per_week": "hours_per_week: 8 ", "language": "language: fr",
             "start": "start: 2027-01-04", "deadline": "deadline: 2027-09-30", "budget_eur": "budget_eur: 4000",
             "target_job": "target_job: rome:H2703", "certifications": "certifications: []"}
    for key, new in swap.items():
        assert lines[key] in text, key
        text = text.replace(lines[key], new)
    return text


def _cli_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "learner.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["plan", "--learner", str(path), "--format", "json"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    return lines[0]


# --- coordinates -----------------------------------------------------------------------------------

BAD_COORDINATES = [
    ("{lat: 0, lon: 0}", "outside the area covered"),
    ("{lat: 3.08, lon: 50.37}", "look swapped"),
    ("{lat: 46.78, lon: -56.17}", "overseas départements"),  # Saint-Pierre-et-Miquelon: a COM, not a DOM
    ("{lat: 40.71, lon: -74.0}", "outside the area covered"),
    ("{city: Douai, lat: 50.37}", "give both lat and lon"),
]


@pytest.mark.parametrize("location, words", BAD_COORDINATES)
def test_coordinates_outside_the_area_are_refused(location, words):
    with pytest.raises(InputError) as err:
        parse_learner(_profile(location=f"location: {location}"), file="l.yaml")
    assert err.value.file == "l.yaml" and err.value.field == "location.lon"
    assert words in err.value.message


@pytest.mark.parametrize("lat, lon", [(50.37, 3.08), (64.1, -21.9), (35.2, 33.4),  # Douai, Reykjavik, Cyprus
                                      (-20.88, 55.45), (16.24, -61.53), (14.6, -61.07), (4.93, -52.33),
                                      (-12.78, 45.23)])  # Réunion, Guadeloupe, Martinique, Guyane, Mayotte
def test_europe_and_the_five_overseas_departements_are_accepted(lat, lon):
    assert coordinates_problem(lat, lon) is None
    profile = parse_learner(_profile(location=f"location: {{lat: {lat}, lon: {lon}}}"))
    assert (profile.location.lat, profile.location.lon) == (lat, lon)


def test_cli_refuses_null_island_in_one_line(tmp_path):
    line = _cli_error(tmp_path, _profile(location="location: {lat: 0, lon: 0}"))
    assert "location.lon" in line and "outside the area covered" in line


def test_cohort_members_get_the_same_checks():
    ok = dict(row=2, learner_id="E1", target_job="rome:H2703", hours_per_week=5)
    assert CohortMember.model_validate({**ok, "lat": "50.37", "lon": "3.08"}).lat == 50.37
    for bad, field, words in [({"lat": "0", "lon": "0"}, "lon", "outside the area covered"),
                              ({"hours_per_week": "0.5"}, "hours_per_week", "at least 1 hour"),
                              ({"hours_per_week": 61}, "hours_per_week", "at most 60"),
                              ({"postcode": "1000"}, "postcode", "5 digits")]:
        with pytest.raises(ValidationError) as err:
            CohortMember.model_validate({**ok, **bad})
        (e,) = err.value.errors()
        assert e["loc"] == (field,) and words in e["msg"]


def test_cohort_file_rows_with_impossible_values_are_row_errors(workspace, tmp_path, session_data_dir):
    from curriculum.cohort.io import read_cohort

    path = tmp_path / "cohort.csv"
    path.write_text("id,city,postcode,lat,lon,hours_per_week,target_job\n"
                    "E1,Douai,59500,,,5,rome:H2703\n"
                    "E2,,,0,0,5,rome:H2703\n"
                    "E3,Lens,62300,,,0.2,rome:H2703\n", encoding="utf-8")
    members, errors = read_cohort(path, workspace.catalogue, cache_dir=str(session_data_dir))
    assert [m.learner_id for m in members] == ["E1"]
    assert {(e.row, e.field) for e in errors} == {(3, "lon"), (4, "hours_per_week")}


# --- postcode vs city ------------------------------------------------------------------------------

def test_departement_of_postcodes():
    assert departement_of("59500").code == "59" and departement_of("62300").code == "62"
    assert departement_of("20000").code == "2A" and departement_of("20200").code == "2B"
    assert departement_of("97400").code == "974" and departement_of("97500") is None  # Saint-Pierre: a COM
    assert departement_of("5950") is None and len(DEPARTEMENTS) == 101 and len(OVERSEAS) == 5


def test_every_prefecture_lies_in_its_region(session_data_dir):
    """The hand-written département table agrees with the shipped places: each prefecture is a place of the
    département's region, in a commune of that département."""
    places = french_places(str(session_data_dir))
    wrong = [d for d in DEPARTEMENTS.values()
             if not any(c[3] == d.region and c.departement == d.code
                        for c in places.get(normalise_place_name(d.prefecture), []))]
    assert wrong == []


@pytest.mark.parametrize("city, postcode, warned", [
    ("Marseille", "59500", True), ("Douai", "59500", False), ("Lens", "62300", False),
    ("Brest", "35000", True),  # same region (Bretagne), 170 km from the nearest commune of Ille-et-Vilaine
    ("Saint-Denis", "97400", False),  # the homonym of La Réunion (the shipped places hold the overseas ones)
    ("Fort-de-France", "97400", True),  # Martinique with a postcode of La Réunion
    ("Ajaccio", "20000", False), ("Bastia", "20200", False), ("Hendaye", "64700", False),
])
def test_postcode_mismatch(session_data_dir, city, postcode, warned):
    warning = postcode_mismatch(city, postcode, cache_dir=str(session_data_dir))
    assert bool(warning) is warned, warning
    if warned:
        assert city in warning and postcode in warning


def test_postcode_mismatch_checks_given_coordinates(session_data_dir):
    cache = str(session_data_dir)
    assert postcode_mismatch(None, "59500", (50.37, 3.08), cache_dir=cache) is None
    assert "59500" in postcode_mismatch(None, "59500", (43.3, 5.37), cache_dir=cache)
    assert postcode_mismatch(None, "97400", (-20.88, 55.45), cache_dir=cache) is None
    assert "97400" in postcode_mismatch(None, "97400", (50.37, 3.08), cache_dir=cache)
    assert postcode_mismatch("Bruxelles", "1000", country="BE", cache_dir=cache) is None


def _plan(workspace, text: str):
    return workspace.plan(parse_learner(text, file="l.yaml"), file="l.yaml", use_embeddings=False, explain=False)


def test_plan_warns_about_a_postcode_of_another_city(workspace):
    path = _plan(workspace, _profile(location='location: {city: Marseille, postcode: "59500"}'))
    (warning,) = [w for w in path.warnings if "postcode" in w]
    assert "Marseille" in warning and "59500" in warning
    for ok in (DOUAI, 'location: {city: Lens, postcode: "62300"}'):
        assert not [w for w in _plan(workspace, _profile(location=ok)).warnings if "postcode" in w]


def test_postcode_picks_the_homonym_in_its_region(session_data_dir):
    from curriculum.geo import resolve_city

    cache = str(session_data_dir)
    assert resolve_city("Montreuil", "93100", cache_dir=cache)[0] == pytest.approx(48.86, abs=0.05)  # Paris
    assert resolve_city("Montreuil", "62170", cache_dir=cache)[0] == pytest.approx(50.46, abs=0.05)  # sur-Mer
    assert resolve_city("Montreuil", cache_dir=cache)[0] == pytest.approx(48.86, abs=0.05)  # most populous
    assert postcode_mismatch("Montreuil", "62170", cache_dir=cache) is None


# --- hours per week and the planning horizon ------------------------------------------------------

@pytest.mark.parametrize("hours", ["0.01", "0.5", "0"])
def test_fewer_than_one_hour_per_week_is_refused(tmp_path, hours):
    text = _profile(hours_per_week=f"hours_per_week: {hours} ")
    with pytest.raises(InputError) as err:
        parse_learner(text, file="l.yaml")
    assert err.value.field == "hours_per_week" and "at least 1 hour" in err.value.message
    line = _cli_error(tmp_path, text)
    assert "hours_per_week" in line and "at least 1 hour" in line


def test_horizon_helpers():
    assert horizon_end(dt.date(2027, 1, 4)) == dt.date(2032, 1, 4)
    assert horizon_end(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)
    assert self_paced_days(35, 1) == 245 and self_paced_days(35, 0.0) == self_paced_days(1e9, 1e-9)


def _plan_at_one_hour_a_week(tmp_path: Path, job_id: str):
    text = _profile(hours_per_week="hours_per_week: 1 ", deadline="deadline: 2040-01-01", budget_eur="budget_eur: 0",
                    target_job=f"target_job: {job_id}")
    path = tmp_path / "learner.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["plan", "--learner", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return result, json.loads(result.stdout)


def _pathway_hours(plan: dict) -> float:
    """Hours of the whole pathway: the dated steps, plus those left past the horizon when there are."""
    info = plan.get("infeasibility") or {}
    return sum(s["hours"] for s in plan["steps"]) + info.get("hours_beyond_horizon", 0)


def test_a_pathway_past_the_horizon_is_infeasible_without_absurd_dates(tmp_path):
    """At 1 h/week a pathway of clearly more hours than the horizon has weeks (≈ 261) needs more than
    5 years: infeasible, with the horizon and its numbers, no date past start + 5 years, and 'add hours
    per week' as a verified relaxation. The job is the first shipped one whose pathway is ≥ 1.2 × 261 h,
    so the case survives catalogue changes (the industrial maintenance pathway, ≈ 455 h, is tried first)."""
    horizon_weeks = (horizon_end(dt.date(2027, 1, 4)) - dt.date(2027, 1, 4)).days / 7
    jobs = sorted(yaml.safe_load(f.read_text(encoding="utf-8"))["id"]
                  for f in (REPO_ROOT / "knowledge_base" / "jobs").glob("*.yaml"))
    jobs.sort(key=lambda j: j != "industrial-maintenance-technician")  # the longest pathway of the shipped catalogue
    for job_id in jobs:  # chosen on hours alone, not on the horizon verdict under test
        result, plan = _plan_at_one_hour_a_week(tmp_path, job_id)
        if _pathway_hours(plan) >= 1.2 * horizon_weeks:
            break
    else:
        pytest.fail(f"no shipped job has a pathway of more than {1.2 * horizon_weeks:.0f} h")
    start = dt.date(2027, 1, 4)
    last = start.replace(year=start.year + HORIZON_YEARS)
    info = plan["infeasibility"]
    assert plan["feasible"] is False and "horizon" in info["limits_broken"]
    assert info["horizon_end"] == str(last) and info["modules_beyond_horizon"]
    assert info["hours_needed"] == pytest.approx(sum(s["hours"] for s in plan["steps"]) + info["hours_beyond_horizon"])
    assert info["weeks_needed"] * 7 > (last - start).days and info["hours_per_week_within_horizon"] > 1
    assert "5-year planning horizon" in info["horizon_message"]
    assert plan["steps"] and all(dt.date.fromisoformat(s["end"]) <= last for s in plan["steps"])
    assert not set(info["modules_beyond_horizon"]) & {s["module_id"] for s in plan["steps"]}
    dates = {d for d in re.findall(r"\b\d{4}-\d{2}-\d{2}\b", result.stdout) if d != "2040-01-01"}  # the deadline
    assert max(dates) <= str(last)
    kinds = {r["constraint"] for r in plan["relaxations"]}
    assert "hours_per_week" in kinds and "deadline" not in kinds  # no later deadline beats the horizon


# --- YAML type traps ------------------------------------------------------------------------------

@pytest.mark.parametrize("swap, field, words", [
    ({"location": "location: {city: Bourg-en-Bresse, postcode: 01000}"}, "location.postcode",
     ['octal number 512', 'quote the value: postcode: "01000"']),
    ({"location": "location: {city: Bourg-en-Bresse, postcode: 1000}"}, "location.postcode",
     ['postcode: "01000"']),
    ({"language": "language: no"}, "language", ['boolean false', 'quote the value: language: "no"']),
    ({"location": "location: {city: on, postcode: \"59500\"}"}, "location.city", ['quote the value: city: "on"']),
    ({"certifications": "certifications: [yes]"}, "certifications.0", ['quote the value: "yes"']),
    ({"start": "start: 04/01/2027"}, "start", ["YYYY-MM-DD"]),
    ({"hours_per_week": 'hours_per_week: "7,5" '}, "hours_per_week", ["decimal point: hours_per_week: 7.5"]),
    ({"location": 'location: {city: Douai, postcode: "5950"}'}, "location.postcode", ["5 digits"]),
])
def test_yaml_traps_get_a_hint(tmp_path, swap, field, words):
    text = _profile(**swap)
    with pytest.raises(InputError) as err:
        parse_learner(text, file="l.yaml")
    assert err.value.field == field and err.value.line
    for w in words:
        assert w in err.value.message
    line = _cli_error(tmp_path, text)
    assert field in line and words[-1] in line


def test_a_plain_five_digit_postcode_is_read_as_text():
    assert parse_learner(_profile(location="location: {city: Douai, postcode: 59500}")).location.postcode == "59500"
    assert parse_learner(_profile(location="location: {city: Charleville-Mézières, postcode: 08000}")).location.postcode == "08000"


def test_yaml_alias_bomb_future_certificate_and_fake_xlsx_are_clear_input_errors(tmp_path):
    """Found by a fresh-user review (#9): an alias bomb hung `plan`, a certification dated 2030 counted as
    valid, a CSV renamed .xlsx gave a traceback."""
    from typer.testing import CliRunner

    from curriculum.cli import app

    runner = CliRunner()
    bomb = tmp_path / "bomb.yaml"
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]"
                                                        for i in range(1, 10)]
    bomb.write_text("\n".join(levels) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "--learner", str(bomb)])
    assert result.exit_code == 2 and "aliases" in result.output
    base = (REPO_ROOT / "examples" / "mechanic-douai-to-ev-battery.yaml").read_text(encoding="utf-8")
    future = tmp_path / "future.yaml"
    future.write_text(base.replace("certifications: []", "certifications: [{code: B2TL, obtained: 2999-01-01}]"),
                      encoding="utf-8")
    assert "certifications: []" in base
    result = runner.invoke(app, ["plan", "--learner", str(future)])
    assert result.exit_code == 2 and "in the future" in result.output and "certifications.0" in result.output
    fake = tmp_path / "cohort.xlsx"
    fake.write_text("id,city\nE1,Douai\n", encoding="utf-8")
    result = runner.invoke(app, ["cohort", "--cohort", str(fake)])
    assert result.exit_code == 2 and "XLSX" in result.output and "Traceback" not in result.output


def test_impossible_dates_endless_files_bad_settings_and_a_garbled_index_pointer(tmp_path, monkeypatch):
    """Found by a fresh-user review (#9): 2027-02-30 and /dev/zero crashed or filled the memory,
    CURRICULUM_STORE_TIMEOUT=abc gave a traceback, a binary index pointer defeated `index --rebuild`."""
    from typer.testing import CliRunner

    from curriculum.cli import app
    from curriculum.retrieval.generations import Generations
    from curriculum.errors import RetrievalError

    runner = CliRunner()
    bad_day = tmp_path / "bad.yaml"
    bad_day.write_text(EXAMPLE.replace("start: 2027-01-04", "start: 2027-02-30"), encoding="utf-8")
    assert "start: 2027-01-04" in EXAMPLE
    result = runner.invoke(app, ["plan", "--learner", str(bad_day)])
    assert result.exit_code == 2 and "day is out of range" in result.output
    result = runner.invoke(app, ["plan", "--learner", "/dev/zero"])
    assert result.exit_code == 2 and "at most" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(EXAMPLE, encoding="utf-8")
    monkeypatch.setenv("CURRICULUM_STORE_TIMEOUT", "abc")
    result = runner.invoke(app, ["plan", "--learner", str(good)])
    assert result.exit_code == 2 and "CURRICULUM_STORE_TIMEOUT" in result.output
    gens = Generations(tmp_path / "index", "modules")
    gens.dir.mkdir(parents=True)
    (gens.dir / "CURRENT").write_bytes(bytes(range(128, 200)))
    with pytest.raises(RetrievalError, match="--rebuild"):
        gens.current()
