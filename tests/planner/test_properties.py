"""Property tests of the planner on random small catalogues and learners (hypothesis).

Catalogues come from the seeded generator of ``benchmarks/synthetic.py`` with hypothesis-drawn
seeds and sizes (5–30 modules over 4–12 skills, places in 1–8 neighbouring real cities), so a
failure shrinks to a small seed tuple that rebuilds the exact input.

Examples per property: ``CURRICULUM_PROPERTY_EXAMPLES`` (default 150; the issue's bar is 1,000:
``CURRICULUM_PROPERTY_EXAMPLES=1000 pytest tests/planner/test_properties.py``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import CITIES, make_catalogue, make_learners
from curriculum.models import Modality
from curriculum.planner.check import path_violations
from curriculum.planner.greedy import greedy_selection, plan_greedy
from curriculum.planner.pathway import plan_pathway
from curriculum.planner.relaxations import relaxation_profile, suggest_relaxations
from curriculum.planner.schedule import prerequisites_met
from curriculum.planner.select import SelectionProblem, solve_selection
from curriculum.retrieval.skill_mapping import SkillMapper

EXAMPLES = int(os.environ.get("CURRICULUM_PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(seed: int, n_modules: int, n_skills: int, first_city: int, n_cities: int, learner_seed: int):
    """(catalogue, learner, job, mapper) for one drawn case; call it to reproduce a failure."""
    cities = (CITIES * 2)[first_city:first_city + n_cities]
    cat = make_catalogue(n_modules, n_skills, seed, n_jobs=3, cities=cities)
    learner = make_learners(1, cat, learner_seed)[0]
    return cat, learner, cat.jobs[learner.target_job], SkillMapper(cat.taxonomy)


cases = st.tuples(st.integers(0, 10**6), st.integers(5, 30), st.integers(4, 12),
                  st.integers(0, len(CITIES) - 1), st.integers(1, 8), st.integers(0, 10**6))


def _reached(path) -> dict[str, int]:
    levels = dict(path.start_skills)
    for step in path.steps:
        for skill, level in step.outcomes.items():
            levels[skill] = max(levels.get(skill, 0), level)
    return levels


@SETTINGS
@given(cases)
def test_plan_invariants_and_verified_relaxations(case):
    cat, learner, job, mapper = build(*case)
    path = plan_pathway(learner, job, cat, mapper)

    assert all(s.module_id in cat.modules for s in path.steps)
    assert path_violations(path, cat, job, learner) == []
    levels, uncovered = _reached(path), {u.skill for u in path.uncovered_skills}
    for req in job.required_skills:
        if req.essential:
            assert levels.get(req.skill, 0) >= req.level or req.skill in uncovered, req
    assert path.feasible == (path.infeasibility is None)
    assert _dates_consistent(path, cat, learner) == []
    if path.feasible:
        return

    def planner(profile):
        return plan_pathway(profile, job, cat, mapper)

    for k, relax in enumerate(suggest_relaxations(learner, path, job, cat, planner)):
        relaxed = relaxation_profile(learner, relax)
        again = planner(relaxed)
        assert again.feasible, (k, relax, again.infeasibility)
        assert path_violations(again, cat, job, relaxed) == []


@SETTINGS
@given(cases)
def test_cpsat_hours_never_above_greedy(case):
    """Both planners see the same eligible modules (``plan_greedy`` only swaps the selection);
    every modality is preferred and every module in the learner's language, so that hours are
    CP-SAT's first criterion."""
    cat, learner, job, mapper = build(*case)
    learner = learner.model_copy(update={"preferred_modalities": list(Modality)})
    cat.modules = {k: m.model_copy(update={"language": learner.language}) for k, m in cat.modules.items()}
    opt, greedy = plan_pathway(learner, job, cat, mapper), plan_greedy(learner, job, cat, mapper)
    assert path_violations(greedy, cat, job, learner) == []
    if opt.feasible and greedy.feasible:
        assert opt.total_hours <= greedy.total_hours + 1e-6, (opt.total_hours, greedy.total_hours)


@SETTINGS
@given(cases)
def test_selection_hours_never_above_greedy(case):
    """Same comparison on the bare selection (no scheduling): every gap of the job's essential skills."""
    cat, learner, job, _ = build(*case)
    held = {s.uri: s.level for s in learner.skills}
    gaps = [(r.skill, r.level) for r in job.required_skills if r.essential and held.get(r.skill, 0) < r.level]
    problem = SelectionProblem(cat.modules, gaps, list(job.mandatory_certifications), held)
    order = greedy_selection(problem)
    opt = solve_selection(problem)
    levels, done = dict(held), set()
    assert len(set(order)) == len(order)
    for i in order:
        assert prerequisites_met(cat.modules[i], levels, done), i  # greedy order respects prerequisites
        done.add(i)
        for o in cat.modules[i].outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
    certs = {cat.modules[i].certification.code for i in order if cat.modules[i].certification}
    if all(levels.get(s, 0) >= lvl for s, lvl in gaps) and set(problem.certification_gaps) <= certs:
        assert opt.found
        assert opt.hours <= sum(cat.modules[i].duration_hours for i in order) + 1e-6


def _dates_consistent(path, cat, learner) -> list[str]:
    """Date-level checks that ``path_violations`` does not make (it checks list order only)."""
    out = []
    if path.feasible and path.steps and max(s.end for s in path.steps) > learner.deadline:
        out.append(f"feasible but a step ends {max(s.end for s in path.steps)} after deadline {learner.deadline}")
    finished: dict[str, object] = {}  # skill -> (level, end date) as the path goes
    for step in path.steps:
        module = cat.modules[step.module_id]
        for p in module.prerequisites.skills:
            providers = [s for s in path.steps if s.outcomes.get(p.skill, 0) >= p.level]
            if path.start_skills.get(p.skill, 0) < p.level and providers and \
                    all(s.end >= step.start for s in providers):
                out.append(f"{step.module_id} starts {step.start} before its prerequisite {p.skill} is taught")
    return out


# Planner bugs the properties found (session conflicts: a step taken in an earlier session than its
# turn, plan still marked feasible). Fixed in schedule.py / pathway.py; kept as regression cases.
# Each tuple rebuilds the input with ``build(*case)``.
DATE_REGRESSIONS = [
    # module syn-53653-00015 (last session 2027-07-12) needs skill 0000, taught only by syn-53653-00021
    # (single session 2027-07-26): was marked feasible with the prerequisite taught after its use
    pytest.param((453653, 22, 6, 3, 4, 264856), id="prerequisite-taught-after-use"),
    # syn-76397-00003 ended 2027-06-11 > deadline 2027-06-07 while the last step (a conflicting session
    # on 2027-04-30) ended earlier, so a deadline check on steps[-1].end passed: was marked feasible
    pytest.param((276397, 10, 10, 15, 2, 523346), id="step-after-deadline-in-feasible-plan"),
]


@pytest.mark.parametrize("case", DATE_REGRESSIONS)
def test_date_regressions(case):
    cat, learner, job, mapper = build(*case)
    path = plan_pathway(learner, job, cat, mapper)
    assert path_violations(path, cat, job, learner) == []
    assert _dates_consistent(path, cat, learner) == []
