"""``curriculum plan --pin/--exclude/--unavailable/--study-days`` and the profile fields they fill.

What this layer does is checked here: parsing, the profile handed to the planner, exit codes and the
one-line errors. Whether the planner honours pins, exclusions and periods is the planner's tests' job.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.cli_plan_options import PlanOptions, parse_days, parse_period
from curriculum.errors import InputError
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.learner_choices import apply_choices, replace_choices
from curriculum.learners import load_learner, parse_learner
from curriculum.models.learners import Period
from tests.conftest import EVAL_DIR, KB_DIR
from tests.exports.test_ics_calendar import occurrences

runner = CliRunner()
L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
L03 = EVAL_DIR / "L03-welder-stays-local.yaml"


@pytest.fixture(scope="module")
def module_ids() -> set[str]:
    return set(load_catalogue(KB_DIR).modules)


# --- parsing -----------------------------------------------------------------------------------------


def test_parse_period_forms():
    assert parse_period("2027-07-26:2027-08-20") == Period(start=dt.date(2027, 7, 26), end=dt.date(2027, 8, 20))
    assert parse_period(" 2027-07-26..2027-08-20 ") == Period(start=dt.date(2027, 7, 26), end=dt.date(2027, 8, 20))
    assert parse_period("2027-05-14") == Period(start=dt.date(2027, 5, 14), end=dt.date(2027, 5, 14))


@pytest.mark.parametrize("text, says", [
    ("2027-08-20:2027-07-26", "before"),
    ("2027-02-30:2027-03-01", "'2027-02-30'"),
    ("26/07/2027:20/08/2027", "'26/07/2027'"),
    ("2027-07-26:", "FROM:TO"),
    ("2027-07-26:2027-08-01:2027-08-02", "FROM:TO"),
    ("", "FROM:TO"),
])
def test_parse_period_errors_name_the_option(text, says):
    with pytest.raises(InputError) as err:
        parse_period(text)
    assert err.value.field == "--unavailable" and says in str(err.value)


def test_parse_days_lists_ranges_and_names():
    assert parse_days(["mon,tue,wed"]) == ["mon", "tue", "wed"]
    assert parse_days(["wed, mon", "Saturday"]) == ["mon", "wed", "sat"]
    assert parse_days(["mon-fri"]) == ["mon", "tue", "wed", "thu", "fri"]
    assert parse_days(["fri-mon"]) == ["mon", "fri", "sat", "sun"]  # wraps over the weekend
    assert parse_days(["sun"]) == ["sun"]


@pytest.mark.parametrize("values, says", [(["mon,frd"], "'frd'"), ([" , "], "no study day"), (["mon-xyz"], "'xyz'"),
                                          (["-fri"], "''")])
def test_parse_days_errors_name_the_option(values, says):
    with pytest.raises(InputError) as err:
        parse_days(values)
    assert err.value.field == "--study-days" and says in str(err.value)


# --- applying to a profile ------------------------------------------------------------------------------


def test_apply_adds_to_the_profile_and_overrides_its_lists(module_ids):
    ids = sorted(module_ids)
    a, b, c = ids[0], ids[1], ids[2]
    profile = parse_learner(L01.read_text(encoding="utf-8") + f"pinned_modules: [{a}]\nexcluded_modules: [{b}]\n"
                            "unavailable:\n  - {from: 2027-03-01, to: 2027-03-05}\n")
    options = PlanOptions.parse(pin=[b], exclude=[c], unavailable=["2027-07-26:2027-08-20"], study_days=["sat,sun"])
    out = options.apply(profile, module_ids)
    assert out.pinned_modules == [a, b]  # b pinned on the command line leaves the file's exclusions
    assert out.excluded_modules == [c]
    assert [(p.start, p.end) for p in out.unavailable] == [(dt.date(2027, 3, 1), dt.date(2027, 3, 5)),
                                                          (dt.date(2027, 7, 26), dt.date(2027, 8, 20))]
    assert out.study_days == ["sat", "sun"] and out.weekdays == {5, 6}
    assert profile.pinned_modules == [a] and profile.study_days == ["mon", "tue", "wed", "thu", "fri"]  # unchanged
    assert PlanOptions.parse().apply(profile, module_ids) is profile


def test_apply_refuses_unknown_ids_with_close_suggestions(module_ids):
    real = sorted(module_ids)[0]
    with pytest.raises(InputError) as err:
        apply_choices(load_learner(L01), exclude=[real[:-1]], module_ids=module_ids)
    assert err.value.field == "--exclude" and repr(real[:-1]) in str(err.value) and repr(real) in str(err.value)
    with pytest.raises(InputError) as err:
        apply_choices(load_learner(L01), pin=[real, real], exclude=[real], module_ids=module_ids)
    assert err.value.field == "--exclude" and "--pin" in str(err.value)


def test_replace_sets_exact_lists_named_as_profile_fields(module_ids):
    a, b = sorted(module_ids)[:2]
    profile = parse_learner(L01.read_text(encoding="utf-8") + f"pinned_modules: [{a}]\nstudy_days: [sat]\n")
    out = replace_choices(profile, pinned=[], excluded=[a, a], unavailable=[], study_days=["mon", "wed"],
                          module_ids=module_ids)
    assert out.pinned_modules == [] and out.excluded_modules == [a] and out.study_days == ["mon", "wed"]
    with pytest.raises(InputError) as err:
        replace_choices(profile, pinned=["no-such-module"], excluded=[], unavailable=[], study_days=["mon"],
                        module_ids=module_ids)
    assert err.value.field == "pinned_modules"
    with pytest.raises(InputError) as err:
        replace_choices(profile, pinned=[b], excluded=[], unavailable=[], study_days=[], module_ids=module_ids)
    assert err.value.field == "study_days"


# --- the command ---------------------------------------------------------------------------------------


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("args, option, value", [
    (["--unavailable", "2027-08-20:2027-07-26"], "--unavailable", "2027-07-26"),
    (["--unavailable", "soon"], "--unavailable", "soon"),
    (["--study-days", "mon,funday"], "--study-days", "funday"),
    (["--pin", " "], "--pin", "empty module id"),
])
def test_bad_option_values_exit_2_before_any_work(tmp_path, args, option, value):
    out = tmp_path / "plan.json"
    line = _one_line_error(runner.invoke(app, ["plan", "-l", str(L01), "-f", "json", "-o", str(out), *args]))
    assert option in line and value in line
    assert not out.exists()


def test_unknown_module_id_exits_2_naming_option_id_and_close_ids(tmp_path, module_ids):
    real = "ev-habilitation-b2tl" if "ev-habilitation-b2tl" in module_ids else sorted(module_ids)[0]
    typo = real[:-1] + ("x" if real[-1] != "x" else "y")
    line = _one_line_error(runner.invoke(app, ["plan", "-l", str(L01), "--pin", typo]))
    assert "--pin" in line and repr(typo) in line and "did you mean" in line and repr(real) in line
    line = _one_line_error(runner.invoke(app, ["plan", "-l", str(L01), "--exclude", "zzzz-qqqq-0000"]))
    assert "--exclude" in line and "'zzzz-qqqq-0000'" in line and "curriculum modules" in line
    line = _one_line_error(runner.invoke(app, ["plan", "-l", str(L01), "--pin", real, "--exclude", real]))
    assert "--exclude" in line and "--pin" in line and repr(real) in line


@pytest.fixture
def planned_profiles(monkeypatch):
    """Every profile the CLI hands to :meth:`Workspace.plan` (the real planner still runs)."""
    from curriculum.services import Workspace

    seen = []
    original = Workspace.plan

    def spy(self, learner, *args, **kwargs):
        seen.append(learner)
        return original(self, learner, *args, **kwargs)

    monkeypatch.setattr(Workspace, "plan", spy)
    return seen


def test_options_reach_the_planner_and_the_calendar(planned_profiles, module_ids):
    """--pin/--exclude/--unavailable/--study-days are in the profile planned; the ICS study blocks of
    that plan fall only on the chosen days, outside the period."""
    profile = load_learner(L03)
    pin, exclude = "weld-controle-visuel-defauts-soudures", "ev-habilitation-b2tl"  # a welding and an EV module
    assert {pin, exclude} <= module_ids
    result = runner.invoke(app, ["plan", "-l", str(L03), "-f", "ics", "--pin", pin, "--exclude", exclude,
                                 "--unavailable", f"{profile.start + dt.timedelta(days=14)}:"
                                                  f"{profile.start + dt.timedelta(days=40)}",
                                 "--study-days", "tue", "--study-days", "sat"])
    assert result.exit_code == 0, result.output
    (planned,) = planned_profiles[:1]
    assert planned.pinned_modules == [pin] and planned.excluded_modules == [exclude]
    assert planned.study_days == ["tue", "sat"]
    gap = planned.unavailable[-1]
    assert (gap.start, gap.end) == (profile.start + dt.timedelta(days=14), profile.start + dt.timedelta(days=40))
    cal = Calendar.from_ical(result.stdout_bytes)
    blocks = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert blocks  # L03's rolling in-person modules are study blocks
    for event in blocks:
        assert [str(d) for d in event["RRULE"]["BYDAY"]] == ["TU", "SA"]
        days = occurrences(event)
        assert all(d.weekday() in (1, 5) and not gap.start <= d <= gap.end for d in days)


def test_no_option_plans_the_profile_as_read(planned_profiles):
    result = runner.invoke(app, ["plan", "-l", str(L01), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert planned_profiles[0] == load_learner(L01)


# --- the profile file ------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra, field, says", [
    ("study_days: [mon, frd]\n", "study_days", "'frd'"),
    ("study_days: []\n", "study_days", "no study day"),
    ("study_days: mon\n", "study_days", "list"),
    ("unavailable:\n  - {from: 2027-08-20, to: 2027-07-26}\n", "unavailable.0.to", "before"),
    ("unavailable:\n  - {from: 2027-07-26}\n", "unavailable.0.to", "missing"),
    ("unavailable:\n  - {from: soon, to: 2027-08-01}\n", "unavailable.0.from", "date"),
    ("unavailable:\n  - from: 2027-02-01\n    to: 2027-02-29\n", "unavailable.0.to", "2027-02-29"),
    ("unavailable: 2027-07-26\n", "unavailable", "list"),
    ("unavailable:\n  - {from: 2027-07-26, to: 2027-08-01, why: holidays}\n", "unavailable.0.why", ""),
])
def test_profile_file_bad_choice_fields_name_file_line_and_field(tmp_path: Path, extra, field, says):
    path = tmp_path / "learner.yaml"
    text = L01.read_text(encoding="utf-8") + extra
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_learner(path)
    assert err.value.file == str(path) and err.value.field == field and says in err.value.message
    key_line = len(L01.read_text(encoding="utf-8").splitlines()) + 1  # the added field's first line
    assert err.value.line is not None and err.value.line >= key_line
    assert re.match(rf"{re.escape(str(path))}:\d+, field '{re.escape(field)}': ", str(err.value))
    line = _one_line_error(runner.invoke(app, ["plan", "-l", str(path)]))
    assert str(path) in line and field in line
