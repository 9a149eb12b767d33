"""The joint selection and calendar (issue #13): sessions chosen inside the model, study days, unavailable
periods, pins and exclusions, preferences in hours, k-best alternatives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from curriculum.errors import InputError
from curriculum.knowledge.catalogue import Catalogue
from curriculum.learners import load_learner
from curriculum.models import Job, LearnerProfile, Module
from curriculum.planner.pathway import plan_pathway
from curriculum.planner.schedule import order_and_schedule
from curriculum.planner.select import SelectionProblem, solve_selection
from curriculum.retrieval.skill_mapping import SkillMapper

EVAL = Path(__file__).resolve().parents[1] / "data" / "eval" / "learners"
S = "http://data.europa.eu/esco/skill/"
START = dt.date(2027, 1, 4)  # a Monday


def mod(i, hours, outcomes, pre=(), sessions=(), modality="online", language="fr", cost=100):
    places = [{"city": "Douai", "postcode": "59500", "lat": 50.37, "lon": 3.08}] if modality != "online" else []
    return Module.model_validate(dict(
        id=i, title=f"Module {i}", duration_hours=hours, cost_eur=cost, modality=modality, provider="test",
        language=language, places=places,
        outcomes=[{"skill": S + s, "level": lvl} for s, lvl in outcomes],
        prerequisites={"skills": [{"skill": S + s, "level": lvl} for s, lvl in pre]},
        sessions=[{"start": a, "end": b, "place": "Douai", "seats": 5} for a, b in sessions]))


def learner(**kw) -> LearnerProfile:
    base = dict(id="t", language="fr", location={"city": "Douai", "postcode": "59500", "lat": 50.37, "lon": 3.08},
                mobility_km=30, hours_per_week=10, start=START, deadline=dt.date(2027, 3, 1))
    return LearnerProfile.model_validate({**base, **kw})


def plan(modules, person, skills=(("a", 2),), **kw):
    cat = Catalogue(modules={m.id: m for m in modules})
    job = Job(id="job", title="Job", required_skills=[{"skill": S + s, "level": lvl} for s, lvl in skills])
    return plan_pathway(person, job, cat, SkillMapper(cat.taxonomy), **kw)


def rescue_case():
    """``self`` teaches the prerequisite in 40 h of self-paced study (28 days at 10 h/week); ``early`` teaches it
    in 50 h in a session of the first week; ``final`` has a single session on day 21. Fewest hours (self + final)
    cannot keep final's session: the list scheduler books self first and misses it."""
    return [mod("self", 40, [("p", 2)]),
            mod("early", 50, [("p", 2)], sessions=[(START + dt.timedelta(days=1), START + dt.timedelta(days=5))],
                modality="in_person"),
            mod("final", 21, [("a", 2)], pre=[("p", 2)], modality="in_person",
                sessions=[(START + dt.timedelta(days=21), START + dt.timedelta(days=23))])]


def test_a_plan_the_list_scheduler_misses_is_feasible_with_the_joint_model():
    modules = rescue_case()
    person = learner()
    # the former pipeline: the fewest-hours selection, then list scheduling — final's session is missed
    first = solve_selection(SelectionProblem({m.id: m for m in modules}, [(S + "a", 2)], [], {}))
    assert sorted(first.order) == ["final", "self"]
    from curriculum.planner.index import catalogue_index
    from curriculum.rules.reference import load_reference

    elig = catalogue_index({m.id: m for m in modules}, load_reference()).eligibility(person, (50.37, 3.08))
    listed = order_and_schedule([m for m in modules if m.id in first.order], {}, elig, START, 10)
    assert any(step.conflict for step in listed)
    # the joint model refuses that selection (no calendar) and keeps final's session
    path = plan(modules, person)
    assert path.feasible, path.infeasibility
    assert [s.module_id for s in path.steps] == ["early", "final"]
    assert path.steps[1].session["start"] == str(START + dt.timedelta(days=21))
    assert path.steps[0].end < path.steps[1].start


def test_self_paced_steps_start_on_study_days_and_skip_unavailable_periods():
    modules = [mod("one", 30, [("p", 2)]), mod("two", 30, [("a", 2)], pre=[("p", 2)])]
    person = learner(study_days=["wed", "thu"], unavailable=[{"from": "2027-01-25", "to": "2027-02-07"}],
                     deadline=dt.date(2027, 6, 1))
    path = plan(modules, person)
    assert path.feasible
    off = (dt.date(2027, 1, 25), dt.date(2027, 2, 7))
    for step in path.steps:
        assert step.start.weekday() in (2, 3), step
        assert not off[0] <= step.start <= off[1] and not off[0] <= step.end <= off[1]
    # 30 h at 10 h/week = 3 weeks (21 days, ending on the last study day); a block spanning the period is
    # lengthened by its 14 days
    for step in path.steps:
        assert step.end.weekday() in (2, 3)
        spans_period = step.start < off[0] and step.end > off[1]
        assert 21 - 6 <= (step.end - step.start).days + 1 - 14 * spans_period <= 21, step
    assert path.steps[0].end < path.steps[1].start


def test_a_session_inside_an_unavailable_period_is_not_taken():
    modules = [mod("sess", 14, [("a", 2)], modality="in_person",
                   sessions=[("2027-01-11", "2027-01-12"), ("2027-02-15", "2027-02-16")])]
    path = plan(modules, learner(unavailable=[{"from": "2027-01-10", "to": "2027-01-20"}]))
    assert path.feasible and path.steps[0].session["start"] == "2027-02-15"


@pytest.mark.parametrize("name", sorted(p.name for p in EVAL.glob("*.yaml")))
def test_no_eval_learner_gets_a_self_paced_step_off_their_study_days(workspace, name):
    person = load_learner(EVAL / name)
    for days in (None, ["tue", "sat"]):
        profile = person if days is None else person.model_copy(update={"study_days": days})
        path = workspace.plan(profile, use_embeddings=False, explain=False)
        for step in path.steps:
            if step.session is None:
                assert step.start.weekday() in profile.weekdays, (name, days, step.module_id, step.start)
        ends = [s.end for s in path.steps]
        starts = [s.start for s in path.steps]
        assert all(a < b for a, b in zip(ends, starts[1:])), (name, "steps overlap")


def test_pins_and_exclusions():
    modules = [mod("short", 10, [("a", 2)]), mod("long", 30, [("a", 2)]), mod("extra", 5, [("z", 1)])]
    assert [s.module_id for s in plan(modules, learner()).steps] == ["short"]
    assert [s.module_id for s in plan(modules, learner(excluded_modules=["short"])).steps] == ["long"]
    pinned = plan(modules, learner(pinned_modules=["extra"]))
    assert sorted(s.module_id for s in pinned.steps) == ["extra", "short"]
    # a pin that breaks the hours says which limit and by how much
    tight = plan(modules, learner(pinned_modules=["long"], hours_per_week=1.0, deadline=dt.date(2027, 2, 1)))
    assert not tight.feasible and "hours" in tight.infeasibility["limits_broken"]
    assert tight.infeasibility["hours_needed"] == 30 and tight.infeasibility["hours_missing"] > 0
    with pytest.raises(InputError, match="pinned_modules"):
        plan(modules, learner(pinned_modules=["nope"]))
    # excluding every teacher: the reason names the exclusion, not prerequisites
    none = plan(modules, learner(excluded_modules=["short", "long"]))
    reason = next(u.reason for u in none.uncovered_skills if u.essential)
    assert "excluded in the profile" in reason and "short" in reason and "prerequisites" not in reason


def test_a_pinned_module_out_of_reach_is_reported_not_dropped_silently():
    far = mod("far", 10, [("a", 2)], modality="in_person")
    far = far.model_copy(update={"places": [far.places[0].model_copy(update={"city": "Nice", "lat": 43.7, "lon": 7.26})]})
    path = plan([far, mod("near", 12, [("a", 2)])], learner(pinned_modules=["far"]))
    assert not path.feasible and "coverage" in path.infeasibility["limits_broken"]
    assert any(u.skill == "module:far" and "out of reach" in u.reason and "km" in u.reason for u in path.uncovered_skills)


def test_language_preference_counts_hours_not_modules():
    # an English speaker, a French catalogue: one 53 h module, or two (10 h + 13 h) also French → 23 h
    modules = [mod("one", 53, [("a", 2)]), mod("intro", 10, [("a", 1)]), mod("next", 13, [("a", 2)], pre=[("a", 1)])]
    path = plan(modules, learner(language="en", deadline=dt.date(2027, 6, 1)))
    assert sorted(s.module_id for s in path.steps) == ["intro", "next"] and path.total_hours == 23
    # a module in the learner's language that can replace one that is not still wins, even if longer
    path = plan([*modules, mod("english", 30, [("a", 2)], language="en")], learner(language="en",
                                                                                  deadline=dt.date(2027, 6, 1)))
    assert [s.module_id for s in path.steps] == ["english"]


def test_l07_infeasibility_and_first_relaxation_describe_the_same_plan(workspace):
    path = workspace.plan(load_learner(EVAL / "L07-impossible-deadline.yaml"), use_embeddings=False)
    assert not path.feasible and path.relaxations
    first = path.relaxations[0]["resulting_plan_summary"]
    assert first["feasible"] and first["total_hours"] == path.total_hours == path.infeasibility["hours_needed"]
    assert first["steps"] == len(path.steps)


def test_l01_has_at_least_two_different_alternatives_with_trade_offs(workspace):
    paths = workspace.alternatives(load_learner(EVAL / "L01-mechanic-to-ev-battery.yaml"), 3)
    sets = {frozenset(s.module_id for s in p.steps) for p in paths}
    assert len(paths) >= 2 and len(sets) == len(paths)
    assert all(p.feasible and p.trade_off and p.label for p in paths)
    fastest = paths[0].total_hours
    assert all(p.total_hours <= fastest * 1.15 + 1e-9 for p in paths if p.label.startswith("alternative"))
