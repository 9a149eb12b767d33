"""Case (d) of issue #10: a copy of the catalogue whose B2TL modules lost their prerequisites.

The planner still applies the B2TL rule (plans stay legal, and say the rule added the step), and
``kb validate`` reports the violation with file, line, field, kind "rule" and the rule's source.
Also: the invariants check catches a plan made without the rules.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.validate import validate_kb
from curriculum.planner.check import path_violations
from curriculum.planner.pathway import plan_pathway
from curriculum.retrieval.skill_mapping import SkillMapper
from curriculum.rules.reference import DEFAULT_PATH, parse_reference
from tests.rules.conftest import MECHANIC, assert_no_pseudo_skills, learner, step_index

runner = CliRunner()


def _b2tl_errors(report: dict, stripped: list[str]) -> list[dict]:
    return [e for e in report["errors"] if Path(e["file"]).stem in stripped]


def test_kb_validate_reports_the_loosened_module_with_file_line_and_field(kb_without_b2tl_prerequisites) -> None:
    kb, stripped = kb_without_b2tl_prerequisites
    report = validate_kb(kb)
    errors = _b2tl_errors(report, stripped)
    assert {Path(e["file"]).stem for e in errors} == set(stripped)
    assert {e["kind"] for e in report["errors"]} == {"rule"}  # nothing else broke in the copy
    for e in errors:
        assert e["kind"] == "rule" and e["rule"] == "B2TL" and e["field"] == "prerequisites.certifications"
        assert "HAB-VL-ELEC" in e["message"] and "NF C 18-550" in e["source"]
        line = Path(e["file"]).read_text(encoding="utf-8").splitlines()[e["line"] - 1]
        assert "code: B2TL" in line  # no prerequisites left: the line of the certification the rule governs


def test_planner_still_applies_the_rule(kb_without_b2tl_prerequisites) -> None:
    kb, stripped = kb_without_b2tl_prerequisites
    cat = load_catalogue(kb)
    assert all(not cat.modules[m].prerequisites.skills and not cat.modules[m].prerequisites.certifications
               for m in stripped)
    person = learner(MECHANIC)
    job = cat.find_job(person.target_job)
    path = plan_pathway(person, job, cat, SkillMapper(cat.taxonomy))
    assert path_violations(path, cat, job, person) == []
    assert_no_pseudo_skills(path)
    b2tl = step_index(path, lambda s: s.certification == "B2TL")
    assert path.steps[b2tl].module_id in stripped  # the loosened module itself, bound by its rule
    added = [r for r in path.rules_applied if r["rule"] == "B2TL" and r["requirement"] == "HAB-VL-ELEC"]
    assert added and added[0]["in_catalogue_data"] is False
    assert step_index(path, lambda s: s.module_id == added[0]["module_added"]) < b2tl


def test_invariants_check_catches_a_plan_made_without_the_rules(kb_without_b2tl_prerequisites) -> None:
    """A reference where B2TL requires nothing plans B2TL straight away: the default rules reject that plan."""
    kb, _ = kb_without_b2tl_prerequisites
    cat = load_catalogue(kb)
    lax = parse_reference(DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "requires: {certifications: [HAB-VL-ELEC], basis: training_entry,", "requires: {basis: training_entry,"), "lax")
    person = learner(MECHANIC)
    job = cat.find_job(person.target_job)
    path = plan_pathway(person, job, cat, SkillMapper(cat.taxonomy), rules=lax)
    b2tl = step_index(path, lambda s: s.certification == "B2TL")
    assert not [s for s in path.steps[:b2tl] if s.certification in ("B1VL", "B2VL", "B1TL", "B1XL", "B2XL")]
    assert path_violations(path, cat, job, person, rules=lax) == []
    assert any("HAB-VL-ELEC" in v for v in path_violations(path, cat, job, person))


def test_cli_validate_and_plan_on_the_broken_copy(kb_without_b2tl_prerequisites, tmp_path: Path) -> None:
    kb, stripped = kb_without_b2tl_prerequisites
    result = runner.invoke(app, ["kb", "validate", str(kb), "--format", "json"])
    assert result.exit_code == 2, result.output
    errors = _b2tl_errors(json.loads(result.stdout), stripped)
    assert errors and all(e["kind"] == "rule" and e["line"] and e["field"] for e in errors)
    text = runner.invoke(app, ["kb", "validate", str(kb)])
    assert text.exit_code == 2 and f"{stripped[0]}.md:" in text.stdout and "[rule B2TL:" in text.stdout

    profile = tmp_path / "mechanic.yaml"
    profile.write_text(yaml.safe_dump(MECHANIC, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--learner", str(profile), "--kb", str(kb), "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    certs = [s["certification"] for s in plan["steps"]]
    assert "B2TL" in certs
    before = certs[:certs.index("B2TL")]
    assert {"B1VL", "B2VL", "B1TL", "B1XL", "B2XL"} & set(before), certs
    assert any(r["rule"] == "B2TL" for r in plan["rules_applied"])
