"""The certification rules reference: the shipped YAML, its loader's errors, implications (issue #10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curriculum.errors import KnowledgeBaseError
from curriculum.rules.reference import DEFAULT_PATH, load_reference, parse_reference
from curriculum.rules.table import rules_table
from tests.conftest import REPO_ROOT

SHIPPED = DEFAULT_PATH.read_text(encoding="utf-8")

CONTRACT_CODES = ["B0L", "B1L", "B1VL", "B1TL", "B2L", "B2VL", "B2TL", "B1XL", "B2XL", "BCL", "BRL", "BEL",
                  "B0", "H0", "H0V", "BS", "BE", "BP", "B1", "B1V", "B2", "B2V", "BR", "BC", "H1", "H1V", "H2", "H2V",
                  "HC", "HE", "IRVE", "IRVE-1", "IRVE-2", "IRVE-3", "IRVE-MAINT", "ISO9606-1-111", "ISO9606-1-135",
                  "ISO9606-1-136", "ISO9606-1-138", "ISO9606-1-141", "RNCP41536", "RS5071"]


def test_every_contract_code_has_a_rule_with_sources_and_an_issuer() -> None:
    ref = load_reference()
    for code in CONTRACT_CODES:
        rule = ref.rule(code)
        assert rule is not None, code
        assert rule.sources and all(s in ref.sources for s in rule.sources), code
        assert rule.issued_by in ("employer", "certifying_body", "company_qualification")
    assert ref.rule("CACES-R489") is None and not ref.is_known("B3XL")
    assert ref.rule("B2TL").issued_by == "employer"
    assert ref.rule("IRVE").issued_by == "company_qualification"
    assert ref.rule("ISO9606-1-141").issued_by == "certifying_body"


def test_validity_periods_follow_the_sources() -> None:
    ref = load_reference()
    assert ref.rule("B2TL").validity.years == 1 and ref.rule("B1TL").validity.years == 1  # live work: yearly
    for code in ("B1VL", "B2VL", "BR", "B2V", "B0L"):
        v = ref.rule(code).validity
        assert (v.years, v.occasional_practice_years, v.refresher) == (3, 2, True), code
    assert ref.rule("IRVE").validity.years is None and ref.rule("RNCP41536").validity.years is None
    assert ref.rule("ISO9606-1-135").validity.years == 3
    import datetime as dt
    assert ref.rule("B1VL").validity.until(dt.date(2021, 2, 10)) == dt.date(2024, 2, 10)
    assert ref.rule("B2TL").validity.until(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_implications_and_classes() -> None:
    ref = load_reference()
    assert ref.closure("B2V") == {"B2V", "B1V", "B2", "B1", "HAB-BT-EXEC"}
    assert ref.closure("B2TL") == {"B2TL", "B1TL", "HAB-VL-ELEC"}
    assert ref.closure("B2VL") == {"B2VL", "B1VL", "HAB-VL-ELEC"}
    assert ref.closure("IRVE-3") == {"IRVE-3", "IRVE"}
    assert ref.satisfies({"BR"}, "HAB-BT-EXEC") and ref.satisfies({"B2VL"}, "B1VL")
    assert not ref.satisfies({"B1VL"}, "B2VL")  # implications go one way
    assert not ref.satisfies({"B1L", "BCL", "B0L"}, "HAB-VL-ELEC")  # no vehicle-electrical training in these
    assert not ref.satisfies({"B2VL"}, "HAB-BT-EXEC")  # a vehicle symbol is not an installation habilitation
    assert ref.members("HAB-BT-EXEC") == ["B1", "B1V", "B2", "B2V", "BR"]
    assert ref.rule("B2TL").requires.certifications == ["HAB-VL-ELEC"]
    assert ref.rule("IRVE").companions == ["HAB-BT-EXEC"]
    for code in ("B1L", "B1VL", "BCL", "BRL", "B2VL", "BR", "B1V"):  # electrical order: electrical competence
        assert ref.rule(code).requires.competences == ["ELEC-BASICS"], code
    for code in ("B0L", "B0", "H0", "BS", "BE"):
        assert ref.rule(code).requires is None, code


def test_unverified_inrs_reference_is_marked_and_unused() -> None:
    ref = load_reference()
    assert ref.sources["inrs-ed6127"].verified and "habilitation" in ref.sources["inrs-ed6127"].title.lower()
    assert ref.sources["inrs-ed6187"].verified is False
    used = {s for r in ref.certifications for s in [*r.sources, *r.validity.sources]}
    assert "inrs-ed6187" not in used


def _broken(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize("old, new, field, message", [
    ("  - {code: B0L, family:", "  - {code: B0L, colour: red, family:", "certifications.0.colour", "Extra inputs"),
    ("requires: {certifications: [HAB-VL-ELEC], basis: training_entry}",
     "requires: {certifications: [HAB-VL-ELECTRIC], basis: training_entry}", "certifications.", "HAB-VL-ELECTRIC"),
    ("    sources: [nfc18510, ct-r4544-9, decret-2017-26]", "    sources: [nfc18510, ct-r4544-99]",
     "classes.HAB-BT-EXEC", "unknown source id 'ct-r4544-99'"),
    ("requires: {competences: [ELEC-BASICS], basis: standard}, validity: *elec_validity,\n     sources: [nfc18550, inrs-ed6127]}",
     "requires: {competences: [ELEC-BASIC], basis: standard}, validity: *elec_validity,\n     sources: [nfc18550, inrs-ed6127]}",
     "certifications.", "unknown competence 'ELEC-BASIC'"),
    ('    pattern: "RNCP[0-9]+"', '    pattern: "RNCP[0-9+"', "certifications.", "regular expression"),
    ("requires: {certifications: [HAB-BT-EXEC], basis: regulation,",
     "requires: {certifications: [HAB-BT-EXEC], basis: law,", "certifications.", "basis"),
])
def test_bad_reference_names_file_field_and_line(tmp_path: Path, old: str, new: str, field: str, message: str) -> None:
    bad = tmp_path / "certifications.yaml"
    bad.write_text(_broken(old, new), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_reference(bad)
    err = info.value
    assert err.file == str(bad) and err.field and err.field.startswith(field), (err.field, str(err))
    assert message in str(err)
    assert isinstance(err.line, int) and err.line > 1


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    text = SHIPPED.replace('version: "2026.1"', 'version: "2026.1\n', 1)
    with pytest.raises(KnowledgeBaseError) as info:
        parse_reference(text, "x.yaml")
    assert info.value.file == "x.yaml" and info.value.line


def test_missing_file_is_a_knowledge_base_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load_reference(tmp_path / "nope.yaml")


def test_yaml_ships_with_the_package() -> None:
    assert DEFAULT_PATH.parent.name == "rules" and DEFAULT_PATH.parent.parent.name == "curriculum"
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    assert '"rules/*.yaml"' in section


def test_readme_tables_are_the_reference() -> None:
    """``curriculum/rules/README.md`` and the README's section show the table of the shipped YAML."""
    table = rules_table()
    assert table in (REPO_ROOT / "curriculum" / "rules" / "README.md").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Certification rules" in readme and table in readme
    assert re.search(r"\| B1TL, B2TL \(→ B1TL\) \| HAB-VL-ELEC", table)
