"""The relaxation search asks the planner only what it needs: a radius is searched by reachability, no solver.

Eval learners L03 (welder) and L04 (electrician) with a 1 km radius cannot reach their in-person
certifications: the relaxations found with the reachability test (``plan_pathway(..., coverage_only=True)``)
are the ones the full planner finds (a radius of a few km), with fewer selections solved (none while the
radius is searched). On a dense generated catalogue, coverage-only answers say what full plans say.
"""

from __future__ import annotations

import pytest

from benchmarks.synthetic import make_dense_catalogue, make_learners
from curriculum.learners import load_learner
from curriculum.planner import joint
from curriculum.planner.pathway import plan_pathway, resolve_job
from curriculum.planner.relaxations import suggest_relaxations
from curriculum.planner.select import solve_selection
from curriculum.retrieval.skill_mapping import SkillMapper
from tests.conftest import EVAL_DIR


@pytest.mark.parametrize("name", ["L03-welder-stays-local", "L04-electrician-to-charging"])
def test_a_radius_found_by_reachability_is_the_planners(name, workspace, monkeypatch):
    learner = load_learner(EVAL_DIR / f"{name}.yaml").model_copy(update={"mobility_km": 1.0})
    job = resolve_job(workspace.catalogue, learner.target_job)
    mapper = workspace.mapper(True)

    def plan(profile, **kw):
        return plan_pathway(profile, job, workspace.catalogue, mapper, cache_dir=str(workspace.settings.data_dir), **kw)
    path = plan(learner)
    assert "coverage" in path.infeasibility["limits_broken"]
    solved: list[int] = []

    def spy(problem, time_limit=10.0, candidates=None):
        solved.append(1)
        return solve_selection(problem, time_limit, candidates)
    monkeypatch.setattr(joint, "solve_selection", spy)
    full = suggest_relaxations(learner, path, job, workspace.catalogue, plan)
    by_planner, solved[:] = len(solved), []
    fast = suggest_relaxations(learner, path, job, workspace.catalogue, plan,
                               covers=lambda p: plan(p, coverage_only=True).feasible)
    assert fast == full
    assert 1.0 < full[0]["changes"]["mobility_km"] <= 30
    assert len(solved) < by_planner


def test_coverage_only_says_what_the_plan_says_about_coverage(tmp_path):
    catalogue = make_dense_catalogue(800, seed=5)
    mapper = SkillMapper(catalogue.taxonomy)
    for learner in make_learners(4, catalogue, seed=8):
        for km in (1.0, 60.0):
            profile = learner.model_copy(update={"mobility_km": km})
            job = catalogue.jobs[profile.target_job]
            quick = plan_pathway(profile, job, catalogue, mapper, cache_dir=str(tmp_path), coverage_only=True)
            full = plan_pathway(profile, job, catalogue, mapper, cache_dir=str(tmp_path))
            assert quick.steps == []
            assert ("coverage" in (quick.infeasibility or {}).get("limits_broken", [])) == \
                ("coverage" in (full.infeasibility or {}).get("limits_broken", [])), (profile.id, km)
            assert [u.skill for u in quick.uncovered_skills if u.essential] == \
                [u.skill for u in full.uncovered_skills if u.essential]


def test_the_standard_programme_is_not_re_solved_for_dates(monkeypatch, tmp_path):
    """The job's standard programme (a learner with no skill, read for its hours and cost) is the best selection:
    no selection is refused for want of a calendar (on a dense catalogue that loop cost 7 of 8 s of a CLI plan)."""
    catalogue = make_dense_catalogue(3000, 2027, n_jobs=40)
    mapper = SkillMapper(catalogue.taxonomy)
    learner = make_learners(10, catalogue, 2028)[8]
    job = catalogue.jobs[learner.target_job]
    seen: list = []

    def spy(problem, time_limit=10.0, candidates=None):
        seen.append(problem.forbidden)
        return solve_selection(problem, time_limit, candidates)
    monkeypatch.setattr(joint, "solve_selection", spy)
    cut = plan_pathway(learner, job, catalogue, mapper, cache_dir=str(tmp_path))
    assert cut.steps == [] or seen  # the learner's own plan may cut
    seen.clear()
    standard = plan_pathway(learner, job, catalogue, mapper, cache_dir=str(tmp_path), ignore_held=True)
    assert standard.steps and standard.total_hours > 0
    assert seen and all(forbidden == () for forbidden in seen)
