"""Importers state the certification rules' prerequisites in the module's own data (competences by name, met by
any one of their skills), so an imported catalogue agrees with the rules and the planner reads the same thing."""

from __future__ import annotations

from curriculum.models import Module
from curriculum.rules.apply import comp_skill, effective_module, stated_prerequisites
from curriculum.rules.reference import load_reference

REF = load_reference()


def test_what_each_award_requires() -> None:
    assert stated_prerequisites(["B2VL", "BCL"], REF) == ([], ["ELEC-BASICS"], [])
    assert stated_prerequisites(["B2TL"], REF)[0] == ["HAB-VL-ELEC"]
    assert stated_prerequisites(["IRVE-2"], REF)[0] == ["HAB-BT-EXEC"]
    assert stated_prerequisites(["B2TL"], REF, held=["B2VL"])[0] == ["B2VL"]  # B2VL is in HAB-VL-ELEC already
    assert stated_prerequisites(["B2TL"], REF, renewal=True) == ([], [], [])  # a refresher needs B2TL itself


def test_a_stated_competence_is_met_by_any_of_its_skills() -> None:
    comp = REF.competences["ELEC-BASICS"]
    module = Module.model_validate(dict(
        id="offre-x", title="Habilitation B2VL", duration_hours=21, cost_eur=900, modality="online", provider="P",
        outcomes=[{"skill": "http://data.europa.eu/esco/skill/76526bf6-bada-4ca1-8e79-6b9d4228b607", "level": 3}],
        certification={"code": "B2VL", "label": "B2VL"}, prerequisites={"competences": ["ELEC-BASICS"]}))
    effective, adds = effective_module(module, REF, {})
    need = {p.skill: p.level for p in effective.prerequisites.skills}
    assert need[comp_skill("ELEC-BASICS")] == 1 and not any(o.skill in need for o in comp.any_of)
    assert [a.in_data for a in adds if a.requirement == "ELEC-BASICS"] == [True]
