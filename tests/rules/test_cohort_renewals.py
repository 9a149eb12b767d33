"""Cohort programmes: members' renewals fall out of their plans, and identical refreshers are taught
to groups (issue #10). Certifications come from a cohort file's text cells ("B2TL 2025-10-01")."""

from __future__ import annotations

import datetime as dt

from curriculum.cohort import plan_cohort
from curriculum.cohort.models import CohortMember, ProgrammeSettings
from curriculum.planner.check import path_violations

CITIES = [("Douai", "59500"), ("Lens", "62300"), ("Douai", "59500"), ("Arras", "62000")]


def test_expired_b2tl_holders_renew_in_one_group_session(shipped) -> None:
    cat = shipped.catalogue
    job = cat.find_job("rome:H2703")
    refreshers = {m.id for m in cat.modules.values()
                  if m.certification and m.certification.code == "B2TL" and m.certification.renewal}
    assert refreshers, "the shipped catalogue has a B2TL refresher"
    skills = [{"uri": r.skill, "level": r.level} for r in job.required_skills]
    members = [CohortMember(row=k + 2, learner_id=f"R{k:03d}", company="Batteries Nord", city=city, postcode=pc,
                            hours_per_week=10, target_job="rome:H2703", mobility_km=60, skills=skills,
                            certifications=[f"Habilitation B2TL {2025 - k % 2}-10-0{k + 1}"])
               for k, (city, pc) in enumerate(CITIES)]
    settings = ProgrammeSettings(name="renewals", start=dt.date(2027, 1, 4), end=dt.date(2027, 12, 17),
                                 group_min=2, group_max=8, use_embeddings=False)
    programme = plan_cohort(shipped, members, settings)
    assert programme.errors == [] and len(programme.members) == 4
    for mp in programme.members:
        plan = mp.plan
        assert [s.module_id for s in plan.steps if s.module_id in refreshers], mp.learner_id  # a refresher…
        assert not [s for s in plan.steps if s.certification == "B2TL" and s.module_id not in refreshers]  # …not B2TL again
        assert plan.certifications_lapsed[0]["code"] == "B2TL"
        renewed = {c.code: c for c in plan.certifications_at_end}["B2TL"]
        step = next(s for s in plan.steps if s.module_id in refreshers)
        assert renewed.via == step.module_id and renewed.valid_until == dt.date(step.end.year + 1, step.end.month, step.end.day)
        profile = next(m for m in members if m.learner_id == mp.learner_id).to_profile(settings)
        assert path_violations(plan, cat, job, profile) == []
    groups = [g for g in programme.sessions if g.module_id in refreshers]
    assert groups, [(g.module_id, g.members) for g in programme.sessions]
    assert sorted(lid for g in groups for lid in g.members) == [m.learner_id for m in members]
    for g in groups:
        for lid in g.members:
            step = next(s for s in programme.member(lid).plan.steps if s.module_id == g.module_id)
            assert step.session["group"] == g.id and (step.start, step.end) == (g.start, g.end)
