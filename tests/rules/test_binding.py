"""Lifecycle (validity of held certifications), effective modules and the job's companions on tiny data (#10)."""

from __future__ import annotations

import datetime as dt

from curriculum.models import HeldCertification, Module
from curriculum.planner.certifications import held_certifications
from curriculum.rules.apply import cert_skill, comp_skill, effective_modules, held_skill, is_pseudo, job_certifications
from curriculum.rules.lifecycle import HeldCode, assess_held
from curriculum.rules.reference import load_reference

S = "http://data.europa.eu/esco/skill/"
ELECTRICITY = S + "c8ac1986-38fa-43b2-89dc-50a4beeb420e"
START, DEADLINE = dt.date(2027, 1, 4), dt.date(2027, 12, 17)


def mod(i: str, cert: str | None = None, renewal: bool = False, outcomes=(("x", 2),), pre=(), pre_mods=(),
        pre_certs=()) -> Module:
    return Module.model_validate(dict(
        id=i, title=f"Module {i}", duration_hours=7, cost_eur=100, modality="online", provider="test",
        outcomes=[{"skill": s if s.startswith("http") else S + s, "level": lvl} for s, lvl in outcomes],
        prerequisites={"skills": [{"skill": s if s.startswith("http") else S + s, "level": lvl} for s, lvl in pre],
                       "modules": list(pre_mods), "certifications": list(pre_certs)},
        certification={"code": cert, "label": cert, "renewal": renewal} if cert else None))


def test_expired_expiring_valid_undated_and_ungoverned() -> None:
    ref = load_reference()
    status = assess_held([HeldCode("B1VL", dt.date(2021, 2, 10)), HeldCode("B2TL", dt.date(2026, 6, 1)),
                          HeldCode("BR", dt.date(2025, 3, 1)), HeldCode("B0L"), HeldCode("CACES-R489", dt.date(2001, 1, 1)),
                          HeldCode("RNCP41536", dt.date(1999, 1, 1))], ref, START, DEADLINE)
    by = {s.code: s for s in status.states}
    assert by["B1VL"].status == "expired" and by["B1VL"].valid_until == dt.date(2024, 2, 10)
    assert "expired on 2024-02-10" in by["B1VL"].reason and "INRS ED 6127" in by["B1VL"].reason
    assert by["B2TL"].status == "expiring" and by["B2TL"].valid_until == dt.date(2027, 6, 1)  # yearly, before deadline
    assert by["BR"].status == "valid" and by["BR"].valid_until == dt.date(2028, 3, 1)
    assert by["B0L"].status == "undated" and any("B0L" in w and "date unknown" in w for w in status.warnings)
    assert by["CACES-R489"].valid and by["RNCP41536"].valid  # no rule / no expiry
    assert "HAB-BT-EXEC" in status.valid and "B1" not in status.valid  # BR valid, with its class; no invented B1
    assert "B1VL" not in status.valid and "HAB-VL-ELEC" not in status.valid
    assert {"B1VL", "B2TL", "B1TL", "HAB-VL-ELEC"} <= status.ever  # lapsed but held once: opens refreshers
    assert [s.code for s in status.lapsed] == ["B1VL", "B2TL"]


def test_latest_date_of_a_code_wins() -> None:
    status = assess_held([HeldCode("B1VL", dt.date(2021, 2, 10)), HeldCode("B1VL", dt.date(2026, 1, 5))],
                         load_reference(), START, DEADLINE)
    assert [(s.code, s.status) for s in status.states] == [("B1VL", "valid")]


def test_profile_certifications_with_and_without_dates() -> None:
    held = held_certifications(["Habilitation électrique BR", "B2TL 2025-09-01", "B1VL obtenue le 10/02/2021",
                                HeldCertification(code="B2VL", obtained=dt.date(2024, 5, 2))])
    assert set(held) == {HeldCode("BR"), HeldCode("B2TL", dt.date(2025, 9, 1)), HeldCode("B1VL", dt.date(2021, 2, 10)),
                         HeldCode("B2VL", dt.date(2024, 5, 2))}


def test_rule_requirements_are_added_even_when_the_data_forgets_them() -> None:
    ref = load_reference()
    mods = {m.id: m for m in [mod("b2tl-bare", "B2TL"), mod("b1vl", "B1VL", pre=[(ELECTRICITY, 2)]),
                              mod("elec", outcomes=[(ELECTRICITY, 3)]), mod("irve", "IRVE")]}
    eff = effective_modules(mods, ref)
    b2tl = {p.skill: p.level for p in eff.modules["b2tl-bare"].prerequisites.skills}
    assert b2tl == {cert_skill("HAB-VL-ELEC"): 1}
    assert [(a.kind, a.requirement, a.in_data) for a in eff.additions["b2tl-bare"]] == [
        ("certification", "HAB-VL-ELEC", False)]
    assert {o.skill for o in eff.modules["b1vl"].outcomes if is_pseudo(o.skill)} == {
        cert_skill("B1VL"), cert_skill("HAB-VL-ELEC")}
    assert comp_skill("ELEC-BASICS") in {p.skill for p in eff.modules["b1vl"].prerequisites.skills}
    assert eff.additions["b1vl"][0].in_data  # electricity >= 2 already required: the competence is met by the data
    assert comp_skill("ELEC-BASICS") in {o.skill for o in eff.modules["elec"].outcomes}
    assert cert_skill("HAB-BT-EXEC") in {p.skill for p in eff.modules["irve"].prerequisites.skills}
    assert mods["b2tl-bare"].prerequisites.skills == []  # the catalogue module itself is untouched


def test_refresher_is_open_to_holders_trained_anywhere() -> None:
    ref = load_reference()
    mods = {m.id: m for m in [mod("b2tl-provider-a", "B2TL", pre_certs=["HAB-VL-ELEC"]),
                              mod("recyclage-b2tl-a", "B2TL", renewal=True, pre_mods=["b2tl-provider-a"],
                                  pre_certs=["B2TL"])]}
    eff = effective_modules(mods, ref)
    refresher = eff.modules["recyclage-b2tl-a"]
    assert refresher.prerequisites.modules == []  # the provider lock is dropped
    assert {p.skill for p in refresher.prerequisites.skills} == {held_skill("B2TL")}  # held once, even expired
    kinds = {a.kind: a.requirement for a in eff.additions["recyclage-b2tl-a"]}
    assert kinds == {"held": "B2TL", "provider_lock": "b2tl-provider-a"}
    assert cert_skill("B2TL") in {o.skill for o in refresher.outcomes}  # renewing makes it valid again


def test_job_companions() -> None:
    ref = load_reference()
    assert job_certifications(["IRVE"], ref) == [("IRVE", None), ("HAB-BT-EXEC", "IRVE")]
    assert job_certifications(["IRVE", "BR"], ref) == [("IRVE", None), ("BR", None)]  # BR meets HAB-BT-EXEC
    assert job_certifications(["IRVE-3", "IRVE-MAINT"], ref) == [("IRVE-3", None), ("IRVE-MAINT", None),
                                                                  ("HAB-BT-EXEC", "IRVE-3")]
    assert job_certifications(["B2TL"], ref) == [("B2TL", None)]
