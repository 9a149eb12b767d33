"""The four cases of issue #10 on the shipped catalogue, each with the property it must hold.

(a) no electrical background → H2703: B2TL only after vehicle electrical-order training (HAB-VL-ELEC);
(b) electrician without habilitation → F1628, Dunkerque, 90 km: an R.4544-9 habilitation (HAB-BT-EXEC)
    before IRVE;
(c) B1VL obtained 2021-02-10, plan from 2027 → H2703: the lapsed B1VL is not counted; a refresher or an
    initial course comes before B2TL, and the plan says why;
(d) in ``test_broken_catalogue.py``.
"""

from __future__ import annotations

import datetime as dt

from curriculum.planner.check import path_violations
from curriculum.planner.greedy import plan_greedy
from curriculum.rules.reference import load_reference
from tests.rules.conftest import ELECTRICIAN, MECHANIC, assert_no_pseudo_skills, learner, step_index

REF = load_reference()


def _plan(ws, data: dict):
    person = learner(data)
    path = ws.plan(person, use_embeddings=False, explain=False)
    job = ws.catalogue.find_job(person.target_job)
    assert path_violations(path, ws.catalogue, job, person) == []
    assert_no_pseudo_skills(path)
    return person, job, path


def _awards(ws, step, code: str) -> bool:
    return bool(step.certification) and code in REF.closure(step.certification)


def test_a_b2tl_only_after_vehicle_electrical_training(shipped) -> None:
    _, _, path = _plan(shipped, MECHANIC)
    b2tl = step_index(path, lambda s: s.certification == "B2TL")
    vehicle = step_index(path, lambda s: _awards(shipped, s, "HAB-VL-ELEC") and s.certification != "B2TL")
    assert vehicle < b2tl
    assert path.steps[vehicle].end < path.steps[b2tl].start  # finished before, not just listed before
    rule = [r for r in path.rules_applied if r["rule"] == "B2TL" and r["requirement"] == "HAB-VL-ELEC"]
    assert rule and rule[0]["module_added"] == path.steps[vehicle].module_id
    assert rule[0]["for_module"] == path.steps[b2tl].module_id and "NF C 18-550" in rule[0]["source"]
    assert "B2TL" in path.steps[vehicle].rationale and "HAB-VL-ELEC" in path.steps[vehicle].rationale
    # the vehicle habilitation itself needs electrical competence, which a mechanic lacks: taught before it
    competence = [r for r in path.rules_applied if r["requirement"] == "ELEC-BASICS"
                  and r["for_module"] == path.steps[vehicle].module_id]
    assert competence and step_index(path, lambda s: s.module_id == competence[0]["module_added"]) < vehicle
    at_end = {c.code: c for c in path.certifications_at_end}
    assert at_end["B2TL"].via == path.steps[b2tl].module_id
    assert at_end["B2TL"].valid_until == dt.date(path.steps[b2tl].end.year + 1, path.steps[b2tl].end.month,
                                                 path.steps[b2tl].end.day)
    assert "chaque année" in at_end["B2TL"].renewal  # in the learner's language


def test_a_greedy_baseline_is_bound_too(shipped) -> None:
    person = learner(MECHANIC)
    job = shipped.catalogue.find_job(person.target_job)
    path = plan_greedy(person, job, shipped.catalogue, shipped.mapper(False))
    assert path_violations(path, shipped.catalogue, job, person) == []
    if any(s.certification == "B2TL" for s in path.steps):
        assert step_index(path, lambda s: _awards(shipped, s, "HAB-VL-ELEC") and s.certification != "B2TL") < \
            step_index(path, lambda s: s.certification == "B2TL")


def test_b_electrical_habilitation_before_irve(shipped) -> None:
    _, job, path = _plan(shipped, ELECTRICIAN)
    assert job.rome_code == "F1628"
    irve = step_index(path, lambda s: s.certification is not None and s.certification.startswith("IRVE"))
    hab = step_index(path, lambda s: _awards(shipped, s, "HAB-BT-EXEC"))
    assert hab < irve and path.steps[hab].end < path.steps[irve].start
    assert path.steps[hab].certification in ("B1", "B1V", "B2", "B2V", "BR")
    assert path.steps[hab].distance_km is None or path.steps[hab].distance_km <= 90
    assert not [u for u in path.uncovered_skills if u.skill.startswith("certification:")]
    applied = [r for r in path.rules_applied if r["requirement"] == "HAB-BT-EXEC"]
    assert applied and applied[0]["module_added"] == path.steps[hab].module_id
    assert "2017-26" in applied[0]["source"]
    at_end = {c.code: c for c in path.certifications_at_end}
    assert at_end[path.steps[hab].certification].via == path.steps[hab].module_id
    assert at_end[path.steps[hab].certification].valid_until is not None  # 3-year habilitation: a renewal date
    assert any(code.startswith("IRVE") for code in at_end)


def test_b_a_held_habilitation_is_used_not_retaught(shipped) -> None:
    data = dict(ELECTRICIAN, id="electrician-br", certifications=[{"code": "BR", "obtained": "2026-05-04"}])
    _, _, path = _plan(shipped, data)
    assert not [s for s in path.steps if _awards(shipped, s, "HAB-BT-EXEC")]
    assert any(s.certification and s.certification.startswith("IRVE") for s in path.steps)
    assert path.certifications_held == ["BR"]
    assert {c.code: c.via for c in path.certifications_at_end}["BR"] == "held"


def test_c_lapsed_b1vl_is_renewed_or_retaken_before_b2tl(shipped) -> None:
    data = dict(MECHANIC, id="b1vl-2021", certifications=[{"code": "B1VL", "obtained": "2021-02-10"}])
    _, _, path = _plan(shipped, data)
    assert path.certifications_held == []
    assert path.certifications_lapsed[0]["code"] == "B1VL" and path.certifications_lapsed[0]["valid_until"] == "2024-02-10"
    assert any("B1VL obtained 2021-02-10 expired on 2024-02-10" in w for w in path.warnings)
    b2tl = step_index(path, lambda s: s.certification == "B2TL")
    again = step_index(path, lambda s: _awards(shipped, s, "HAB-VL-ELEC") and s.certification != "B2TL")
    assert again < b2tl
    step = path.steps[again]
    assert "2024-02-10" in step.rationale  # says why: the held B1VL expired on that date
    kinds = {r["kind"] for r in path.rules_applied if r["module_added"] == step.module_id}
    assert kinds & {"renewal", "initial_after_lapse"} and "certification" in kinds


SAFETY = {"label": "electrical safety regulations", "level": 2}  # what a B1VL holder was trained in


def test_c_valid_b1vl_meets_the_b2tl_rule(shipped) -> None:
    data = dict(MECHANIC, id="b1vl-2026", skills=[*MECHANIC["skills"], SAFETY],
                certifications=[{"code": "B1VL", "obtained": "2026-10-05"}])
    _, _, path = _plan(shipped, data)
    step_index(path, lambda s: s.certification == "B2TL")
    assert not [s for s in path.steps if _awards(shipped, s, "HAB-VL-ELEC") and s.certification != "B2TL"]
    assert not [r for r in path.rules_applied if r["rule"] == "B2TL"]
    assert path.certifications_held == ["B1VL"] and not path.certifications_lapsed
    assert {c.code: c.valid_until for c in path.certifications_at_end}["B1VL"] == dt.date(2029, 10, 5)


def test_c_undated_certification_is_held_with_a_warning(shipped) -> None:
    data = dict(MECHANIC, id="b1vl-undated", skills=[*MECHANIC["skills"], SAFETY],
                certifications=["Habilitation électrique B1VL"])
    _, _, path = _plan(shipped, data)
    assert path.certifications_held == ["B1VL"]
    assert any("B1VL" in w and "date unknown" in w for w in path.warnings)
    assert {c.code: c.obtained for c in path.certifications_at_end}["B1VL"] is None


def test_c_expiring_before_the_deadline_is_not_valid(shipped) -> None:
    """Obtained 2024-05-02 (valid until 2027-05-02): valid at the start, but not through a 2028 deadline."""
    data = dict(MECHANIC, id="b1vl-expiring", certifications=[{"code": "B1VL", "obtained": "2024-05-02"}])
    _, _, path = _plan(shipped, data)
    assert path.certifications_lapsed[0]["status"] == "expiring"
    b2tl = step_index(path, lambda s: s.certification == "B2TL")
    assert step_index(path, lambda s: _awards(shipped, s, "HAB-VL-ELEC") and s.certification != "B2TL") < b2tl


def test_english_learner_gets_english_rule_notes(shipped) -> None:
    _, _, path = _plan(shipped, dict(MECHANIC, id="en", language="en"))
    vehicle = step_index(path, lambda s: _awards(shipped, s, "HAB-VL-ELEC") and s.certification != "B2TL")
    assert "requires HAB-VL-ELEC" in path.steps[vehicle].rationale
