"""Cohort programmes: sample cohort, broken rows, persistence, pooling, exports, CLI contract."""

from __future__ import annotations

import csv
import io
import json
import pytest
import typer
from typer.testing import CliRunner

from curriculum.cohort import (CohortProgramme, ProgrammeStore, load_programme_settings, plan_cohort, read_cohort,
                               replan, template_csv)
from curriculum.cohort.totals import group_cost
from curriculum.planner.check import path_violations
from tests.conftest import REPO_ROOT

EX = REPO_ROOT / "examples" / "cohort"


@pytest.fixture(scope="module")
def settings():
    return load_programme_settings(EX / "settings.yaml")


@pytest.fixture(scope="module")
def sample(workspace, settings, session_data_dir):
    members, errors = read_cohort(EX / "cohort-25.csv", workspace.catalogue, cache_dir=str(session_data_dir))
    return members, plan_cohort(workspace, members, settings, errors=errors)


def test_sample_reads_25_members(sample):
    members, programme = sample
    assert len(members) == 25 and programme.errors == []
    assert {m.company for m in members} == {"Batteries Nord", "Méca Hainaut"}


def test_every_plan_is_valid_and_sessions_respect_seats(workspace, settings, sample):
    members, programme = sample
    by_id = {m.learner_id: m for m in members}
    assert len(programme.members) == 25
    for mp in programme.members:
        profile = by_id[mp.learner_id].to_profile(settings)
        job = workspace.catalogue.find_job(profile.target_job)
        assert path_violations(mp.plan, workspace.catalogue, job, profile) == [], mp.learner_id
        ends = [(s.start, s.end) for s in mp.plan.steps]
        assert all(a[1] < b[0] for a, b in zip(ends, ends[1:])), f"{mp.learner_id}: overlapping steps"
    assert programme.sessions, "the sample has a common core"
    for g in programme.sessions:
        assert settings.group_min <= len(g.members) <= g.seats <= settings.group_max
        assert g.start >= settings.start and g.end <= settings.end
        for lid in g.members:
            step = next(s for s in programme.member(lid).plan.steps if s.module_id == g.module_id)
            assert (step.start, step.end, step.place) == (g.start, g.end, g.place)
            assert step.session["group"] == g.id
            if g.site:
                assert step.distance_km <= by_id[lid].mobility_km
    rooms: dict = {}
    for g in programme.sessions:  # a room hosts one group at a time
        if g.place:
            for other in rooms.get(g.place, []):
                assert g.end < other.start or other.end < g.start, (g.id, other.id)
            rooms.setdefault(g.place, []).append(g)


def test_totals_and_savings_rule(sample, settings):
    _, programme = sample
    t = programme.totals
    assert t["cost_total_eur"] == pytest.approx(sum(m.plan.total_cost_eur for m in programme.members))
    assert t["savings_eur"] == pytest.approx(t["individual_cost_eur"] - t["cost_total_eur"])
    assert t["savings_eur"] > 0 and t["hours_saved"] > 0
    for g in programme.sessions:
        assert g.cost_eur == group_cost(g.individual_cost_eur / len(g.members), len(g.members), settings.group_min)
    assert group_cost(100, 10, 4) == 600 and group_cost(100, 4, 4) == 400 and group_cost(100, 5, 4) == 400


def test_unreachable_members_have_reasons(sample):
    _, programme = sample
    for u in programme.unreachable:
        assert u.reasons and not programme.member(u.learner_id).plan.feasible


def test_broken_file_reports_rows_and_plans_the_rest(workspace, settings, session_data_dir):
    members, errors = read_cohort(EX / "cohort-broken.csv", workspace.catalogue, cache_dir=str(session_data_dir))
    got = {(e.row, e.field) for e in errors}
    assert got == {(3, "skills"), (4, "target_job"), (5, "hours_per_week"), (7, "city")}
    assert {m.learner_id for m in members} == {"B001", "B005", "B007"}
    programme = plan_cohort(workspace, members, settings, errors=errors)
    assert len(programme.members) == 3 and len(programme.errors) == 4


def test_xlsx_input_and_template(workspace, tmp_path, session_data_dir):
    from openpyxl import Workbook

    wb = Workbook()
    for row in csv.reader(io.StringIO(template_csv())):
        wb.active.append(row)
    wb.active.append(["E003", "", "", "", "Lille", "", "", "rome:H2703"])  # missing hours
    path = tmp_path / "c.xlsx"
    wb.save(path)
    members, errors = read_cohort(path, workspace.catalogue, cache_dir=str(session_data_dir))
    assert [m.learner_id for m in members] == ["E001", "E002"]
    assert [(e.row, e.field) for e in errors] == [(4, "hours_per_week")]


def test_save_reopen_identical(sample, settings, tmp_path):
    members, programme = sample
    store = ProgrammeStore(tmp_path)
    assert store.save("douai-2027", programme, settings, members) == 1
    assert store.save("douai-2027", programme, settings, members) == 2
    reopened = ProgrammeStore(url=f"sqlite:///{tmp_path / 'programmes.sqlite'}")  # new engine, same file
    loaded = reopened.load("douai-2027")
    assert loaded.version == 2
    assert loaded.programme.model_dump_json() == programme.model_dump_json()
    assert loaded.members == members and loaded.settings == settings
    assert [r["version"] for r in reopened.list()] == [1, 2]


def test_pooling_keeps_companies_separate(sample):
    _, programme = sample
    views = {c: programme.for_company(c) for c in ("Batteries Nord", "Méca Hainaut")}
    assert sum(len(v.members) for v in views.values()) == len(programme.members)
    assert sum(v.totals["cost_total_eur"] for v in views.values()) == pytest.approx(programme.totals["cost_total_eur"])
    for company, view in views.items():
        assert {m.company for m in view.members} == {company}
        ids = {m.learner_id for m in view.members}
        assert view.totals == {**view.totals, "members": len(ids)}
        assert view.totals["per_company"].keys() == {company}
        for s in view.sessions:
            full = next(g for g in programme.sessions if g.id == s.id)
            assert set(s.members) <= ids
            assert len(s.members) + s.other_participants == len(full.members)


def test_replan_keeps_started_sessions(workspace, settings, sample):
    members, programme = sample
    today = min(g.start for g in programme.sessions)
    started = [g for g in programme.sessions if g.start <= today]
    leaver = started[0].members[0]
    again = replan(workspace, programme, [m for m in members if m.learner_id != leaver], settings, today)
    kept = {g.id: g for g in again.sessions if g.fixed}
    assert set(kept) == {g.id for g in started}
    for g in started:
        assert (kept[g.id].start, kept[g.id].place) == (g.start, g.place)
        assert leaver not in kept[g.id].members
    assert all(g.start > today for g in again.sessions if not g.fixed)


def test_exports(sample):
    from icalendar import Calendar
    from openpyxl import load_workbook

    from curriculum.cohort.export import programme_to_csv, programme_to_ics, programme_to_xlsx

    _, programme = sample
    rows = programme_to_csv(programme).strip().splitlines()
    assert len(rows) == 1 + sum(len(m.plan.steps) for m in programme.members)
    cal = Calendar.from_ical(programme_to_ics(programme))
    assert len([c for c in cal.walk("VEVENT")]) == len(programme.sessions)
    wb = load_workbook(io.BytesIO(programme_to_xlsx(programme)))
    assert wb.sheetnames[:3] == ["Summary", "Sessions", "Steps"] and len(wb.sheetnames) == 3 + 25


def _cli() -> typer.Typer:
    from curriculum.cli_cohort import cohort

    app = typer.Typer()
    app.command()(cohort)

    @app.callback()
    def main() -> None:
        """test app"""
    return app


def test_cli_json_contract(session_data_dir):
    r = CliRunner().invoke(_cli(), ["cohort", "--cohort", str(EX / "cohort-broken.csv"), "--settings",
                                    str(EX / "settings.yaml"), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {"members", "sessions", "totals", "errors"} <= set(data)
    assert {"learner_id", "plan"} <= set(data["members"][0])
    assert {"steps", "total_hours", "feasible", "learner_location"} <= set(data["members"][0]["plan"])
    assert {"hours_total", "cost_total_eur", "savings_eur", "per_person"} <= set(data["totals"])
    assert {(e["row"], e["field"]) for e in data["errors"]} >= {(3, "skills"), (5, "hours_per_week")}
    assert CohortProgramme.model_validate(data).members


def test_cli_exit_2_when_nobody_planned(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,city,hours_per_week,target_job\nX1,Douai,,rome:H2703\n", encoding="utf-8")
    r = CliRunner().invoke(_cli(), ["cohort", "--cohort", str(bad), "--format", "json"])
    assert r.exit_code == 2
    assert "bad.csv:2" in r.output and "hours_per_week" in r.output
    r = CliRunner().invoke(_cli(), ["cohort", "--cohort", str(tmp_path / "missing.csv")])
    assert r.exit_code == 2 and "missing.csv" in r.output
