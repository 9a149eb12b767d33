"""Every case of tests/data/eval/learners meets its ``expect:`` properties (issue #2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from curriculum.geo import distance_km
from curriculum.learners import parse_learner
from curriculum.planner.check import path_violations
from curriculum.planner.pathway import resolve_job
from tests.conftest import eval_cases

CASES = eval_cases()


def _profile(path: Path, workspace):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("expect", {}).get("learner_has_all_required"):
        job = resolve_job(workspace.catalogue, data["target_job"])
        data["skills"] = [{"uri": r.skill, "level": r.level} for r in job.required_skills]
        data["certifications"] = [f"Habilitation {c}" for c in job.mandatory_certifications]
    return parse_learner(yaml.safe_dump(data, allow_unicode=True), file=str(path)), data.get("expect", {})


@pytest.fixture(scope="module")
def plans(workspace):
    out = {}
    for path in CASES:
        profile, expect = _profile(path, workspace)
        out[path.stem] = (profile, expect, workspace.plan(profile, file=str(path)))
    return out


@pytest.mark.parametrize("case", [p.stem for p in CASES])
def test_invariants(case, plans, workspace):
    profile, _, path = plans[case]
    job = resolve_job(workspace.catalogue, profile.target_job)
    assert path_violations(path, workspace.catalogue, job, profile) == []
    for step in path.steps:
        assert step.module_id in workspace.catalogue.modules
    essentials = {r.skill for r in job.required_skills if r.essential}
    uncovered = {u.skill for u in path.uncovered_skills}
    assert essentials <= set(path.covered_skills) | uncovered | set(path.start_skills)


@pytest.mark.parametrize("case", [p.stem for p in CASES])
def test_expectations(case, plans, workspace):
    profile, expect, path = plans[case]
    obtained = {s.certification for s in path.steps if s.certification}
    for code in expect.get("certifications_obtained_include", []):
        assert code in obtained or code in path.certifications_held, (code, obtained)
    if expect.get("max_total_hours_within_availability"):
        assert path.feasible, path.infeasibility
        assert path.total_hours <= profile.hours_available
    if "max_cost_eur" in expect:
        assert path.total_cost_eur <= expect["max_cost_eur"]
    if "in_person_within_km" in expect:
        home = (path.learner_location["lat"], path.learner_location["lon"])
        for step in path.steps:
            module = workspace.catalogue.modules[step.module_id]
            if module.modality.needs_travel:
                assert min(distance_km(home, (p.lat, p.lon)) for p in module.places) <= expect["in_person_within_km"]
    if expect.get("empty_path"):
        assert path.steps == [] and path.already_qualified and path.feasible
        assert "aucun module" in path.summary.lower() or "no module" in path.summary.lower()
    if expect.get("infeasible"):
        assert path.feasible is False
    if expect.get("reports_hours_missing"):
        assert path.infeasibility["hours_missing"] > 0
        assert path.infeasibility["hours_missing"] == pytest.approx(path.total_hours - profile.hours_available, abs=0.2)


def test_l01_path_includes_b2tl(plans):
    _, _, path = plans["L01-mechanic-to-ev-battery"]
    assert "B2TL" in [s.certification for s in path.steps]
    assert path.learner_location["lat"] == pytest.approx(50.37, abs=0.05)


def test_l07_infeasible_with_hours_and_weeks(plans):
    profile, _, path = plans["L07-impossible-deadline"]
    assert not path.feasible
    assert "hours" in path.infeasibility["limits_broken"]
    assert path.infeasibility["weeks_missing"] >= path.infeasibility["hours_missing"] / profile.hours_per_week


def test_an_excluded_irve_course_is_named_as_the_reason(workspace):
    """L04 refusing the IRVE qualification course: the certification is out of reach because of that choice,
    and the reason says so (not only "needs prerequisites": the IRVE-3 course left needs IRVE itself)."""
    from curriculum.learners import load_learner
    from tests.conftest import EVAL_DIR

    learner = load_learner(EVAL_DIR / "L04-electrician-to-charging.yaml")
    path = workspace.plan(learner.model_copy(update={"excluded_modules": ["irve-formation-qualifiante-n1-n2"]}),
                          explain=False)
    irve = next(u for u in path.uncovered_skills if u.skill == "certification:IRVE")
    assert "excluded in the profile" in irve.reason and "irve-formation-qualifiante-n1-n2" in irve.reason
    assert "irve-formation-qualifiante-n1-n2" not in [s.module_id for s in path.steps]
