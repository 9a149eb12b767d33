"""A learner who can reach no module for any gap gets a plan with no step that says why (issue #13: the joint
model once asserted on the empty selection's calendar)."""

from __future__ import annotations

import datetime as dt

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, Module
from curriculum.planner.calendar import plan_calendar
from curriculum.planner.pathway import plan_pathway
from curriculum.retrieval.skill_mapping import SkillMapper

S = "http://data.europa.eu/esco/skill/"
START = dt.date(2027, 1, 4)


def far_learner() -> LearnerProfile:
    """Lives in Marseille, travels 30 km at most: the only module is taught in Douai (≈ 830 km away)."""
    return LearnerProfile.model_validate(dict(
        id="far", language="fr", location={"city": "Marseille", "postcode": "13001", "lat": 43.2965, "lon": 5.3698},
        mobility_km=30, hours_per_week=10, start=START, deadline=dt.date(2027, 6, 1)))


def test_every_gap_out_of_reach_gives_an_empty_infeasible_plan():
    module = Module.model_validate(dict(
        id="douai", title="Douai only", duration_hours=35, cost_eur=500, modality="in_person", provider="test",
        language="fr", places=[{"city": "Douai", "postcode": "59500", "lat": 50.37, "lon": 3.08}],
        outcomes=[{"skill": S + "a", "level": 2}],
        sessions=[{"start": START + dt.timedelta(days=7), "end": START + dt.timedelta(days=11), "place": "Douai",
                   "seats": 5}]))
    cat = Catalogue(modules={module.id: module})
    job = Job(id="job", title="Job", required_skills=[{"skill": S + "a", "level": 2}])
    path = plan_pathway(far_learner(), job, cat, SkillMapper(cat.taxonomy))
    assert path.steps == [] and path.total_hours == 0
    assert not path.feasible and path.infeasibility["limits_broken"] == ["coverage"]
    assert [u.skill for u in path.uncovered_skills if u.essential] == [S + "a"]
    assert "douai" in path.uncovered_skills[0].reason  # the unreachable module is named with its reason


def test_an_empty_selection_has_an_empty_calendar_either_way():
    for hard in (True, False):
        assert plan_calendar([], {}, {}, far_learner(), hard_deadline=hard) == []
