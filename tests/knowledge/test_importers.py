"""Importers of ESCO v1.1.1 / ROME 4.0 CSVs, write_import, and the shipped taxonomy."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.knowledge.importers import ImportResult, import_esco, import_rome, write_import
from curriculum.knowledge.importers_rome import parse_certifications
from curriculum.knowledge.taxonomy import load_taxonomy
from curriculum.models.skills import TaxonomySkill

REPO = Path(__file__).resolve().parents[2]
KB = REPO / "knowledge_base"
SKILL = "http://data.europa.eu/esco/skill/"
BATTERY_CHEMISTRY = SKILL + "84cc8c9d-db57-42ec-8948-9b632bf06124"


@pytest.fixture(scope="module")
def esco(reference_data: Path) -> ImportResult:
    return import_esco(reference_data / "esco")


@pytest.fixture(scope="module")
def rome(reference_data: Path) -> ImportResult:
    return import_rome(reference_data / "rome4")


def _by_label(result: ImportResult, label: str, language: str = "en") -> TaxonomySkill:
    return next(s for s in result.skills if s.labels.get(language) == label)


# ----------------------------------------------------------------------------------------- ESCO


def test_import_esco_counts(esco: ImportResult) -> None:
    assert len(esco.skills) >= 900
    assert len(esco.jobs) == 53
    assert esco.issues == []
    assert len({s.id for s in esco.skills}) == len(esco.skills)
    assert all(s.source == "ESCO v1.1.1" and s.id.startswith(SKILL) for s in esco.skills)
    skill_ids = {s.id for s in esco.skills}
    assert all(r.skill in skill_ids for job in esco.jobs for r in job.required_skills)


def test_automotive_battery_technician(esco: ImportResult) -> None:
    job = next(j for j in esco.jobs if j.id == "automotive-battery-technician")
    assert job.esco_uri == "http://data.europa.eu/esco/occupation/06bd6285-13ed-4ea7-90cc-e9638a0600a9"
    assert job.title_fr.startswith("technicien en batterie automobile")
    required = {r.skill: r for r in job.required_skills}
    assert required[BATTERY_CHEMISTRY].essential and required[BATTERY_CHEMISTRY].level == 2
    test_equipment = _by_label(esco, "operate battery test equipment")
    assert required[test_equipment.id].essential and required[test_equipment.id].level == 3
    assert all(r.level == 2 for r in job.required_skills if not r.essential)
    assert any("ESCO v1.1.1" in s and job.esco_uri in s for s in job.sources)
    assert "essential" in job.level_rule and "optional" in job.level_rule


def test_esco_labels(esco: ImportResult) -> None:
    troubleshoot = _by_label(esco, "effectuer un dépannage", "fr")
    assert troubleshoot.labels["en"] == "troubleshoot"
    chemistry = next(s for s in esco.skills if s.id == BATTERY_CHEMISTRY)
    assert chemistry.labels == {"en": "battery chemistry", "fr": "chimie des batteries"}
    assert chemistry.skill_type == "knowledge"
    multi = [s for s in esco.skills if len(s.alt_labels.get("en", [])) > 1]
    assert multi and all("\n" not in a for s in multi for a in s.alt_labels["en"])
    assert any(s.alt_labels.get("fr") for s in esco.skills)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _small_esco(directory: Path) -> Path:
    directory.mkdir()
    occ = "http://data.europa.eu/esco/occupation/0001"
    _write_csv(directory / "skills_en.csv", ["conceptType", "conceptUri", "skillType", "preferredLabel", "altLabels"], [
        ["KnowledgeSkillCompetence", SKILL + "a", "skill/competence", "weld metal", "join metal\nfuse metal"],
        ["KnowledgeSkillCompetence", "", "knowledge", "orphan skill", ""],          # data row 2: no URI
        ["KnowledgeSkillCompetence", SKILL + "c", "knowledge", "metallurgy", "metals | alloys"],
        ["KnowledgeSkillCompetence", SKILL + "d", "skill/competence", "", ""],     # data row 4: no label
    ])
    _write_csv(directory / "occupations_en.csv", ["conceptType", "conceptUri", "preferredLabel", "description"], [
        ["Occupation", occ, "metal welder", "Welds metal."],
        ["Occupation", "", "ghost occupation", ""],
    ])
    _write_csv(directory / "occupationSkillRelations_en.csv", ["occupationUri", "relationType", "skillType", "skillUri"], [
        [occ, "essential", "skill/competence", SKILL + "a"],
        [occ, "essential", "knowledge", SKILL + "c"],
        [occ, "optional", "skill/competence", ""],
    ])
    return directory


def test_broken_csv_reports_issue_and_imports_other_rows(tmp_path: Path) -> None:
    result = import_esco(_small_esco(tmp_path / "esco"))
    assert [s.id for s in result.skills] == [SKILL + "a", SKILL + "c"]
    assert result.skills[0].alt_labels == {"en": ["join metal", "fuse metal"]}
    assert result.skills[1].alt_labels == {"en": ["metals", "alloys"]}
    issues = {(Path(i.file).name, i.row, i.field) for i in result.issues}
    assert ("skills_en.csv", 2, "conceptUri") in issues  # row counted in data rows, not physical lines
    assert ("skills_en.csv", 4, "preferredLabel") in issues
    assert ("occupations_en.csv", 2, "conceptUri") in issues
    assert ("occupationSkillRelations_en.csv", 3, "skillUri") in issues
    (job,) = result.jobs
    assert job.id == "metal-welder" and job.title_fr is None
    assert [(r.skill, r.level, r.essential) for r in job.required_skills] == [(SKILL + "a", 3, True), (SKILL + "c", 2, True)]


def test_import_missing_file_raises_input_error(tmp_path: Path) -> None:
    directory = _small_esco(tmp_path / "esco")
    (directory / "occupations_en.csv").unlink()
    with pytest.raises(InputError, match="occupations_en"):
        import_esco(directory)


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    import_esco(_small_esco(tmp_path / "esco"), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# ----------------------------------------------------------------------------------------- ROME


def test_import_rome(rome: ImportResult) -> None:
    assert len(rome.jobs) == 30 and rome.issues == []
    jobs = {j.rome_code: j for j in rome.jobs}
    h2703 = jobs["H2703"]
    assert h2703.id == "rome-h2703"
    assert h2703.title == "Technicien / Technicienne de maintenance de batteries de véhicules électriques"
    assert h2703.mandatory_certifications == ["B2TL"]
    assert "IRVE" in jobs["F1628"].mandatory_certifications
    assert jobs["I1302"].mandatory_certifications == []  # "peuvent être demandées" is not mandatory
    assert "''" not in h2703.description and h2703.description.startswith("Le Technicien Expert")
    skill_ids = {s.id for s in rome.skills}
    for job in rome.jobs:
        for r in job.required_skills:
            assert r.skill in skill_ids
            assert r.skill.startswith(("rome:competence:", "rome:savoir:"))
            if r.skill.startswith("rome:savoir:") or not r.essential:
                assert r.level == 2
    assert any(r.level == 3 and r.essential for r in h2703.required_skills)
    assert all(s.source == "ROME 4.0 v460" and set(s.labels) == {"fr"} for s in rome.skills)


@pytest.mark.parametrize(("text", "expected"), [
    ("Cet emploi est accessible avec un CQP. L'habilitation B2TL est obligatoire à l'exercice du métier.", ["B2TL"]),
    ("La certification IRVE (Infrastructure de Recharge pour Véhicules Électriques)  est requise pour l'entreprise.",
     ["IRVE"]),
    ("Une habilitation électrique B1V peut être exigée.", []),
    ("Un BP électricien est exigé.", []),
    ("Des habilitations sont nécessaires, un titre d'habilitation BOL/BCL/B2VL et B2XL opération batterie.",
     ["B0L", "BCL", "B2VL", "B2XL"]),
])
def test_parse_certifications(text: str, expected: list[str]) -> None:
    assert parse_certifications([text]) == expected


# ---------------------------------------------------------------------------------------- write


def test_write_import_twice_neither_duplicates_nor_overwrites(tmp_path: Path, esco: ImportResult,
                                                              rome: ImportResult) -> None:
    kb = tmp_path / "kb"
    (kb / "jobs").mkdir(parents=True)
    curated = kb / "jobs" / "automotive-battery-technician.yaml"
    curated.write_text("# hand-curated\nid: automotive-battery-technician\n", encoding="utf-8")

    first = write_import(esco, kb)
    assert first == {"jobs_written": 52, "jobs_skipped": 1, "skills_added": len(esco.skills)}
    assert curated.read_text(encoding="utf-8") == "# hand-curated\nid: automotive-battery-technician\n"
    snapshot = {p.name: p.read_bytes() for p in (kb / "jobs").iterdir()}
    taxonomy_before = (kb / "taxonomy.yaml").read_bytes()

    second = write_import(esco, kb)
    assert second == {"jobs_written": 0, "jobs_skipped": 53, "skills_added": 0}
    assert {p.name: p.read_bytes() for p in (kb / "jobs").iterdir()} == snapshot
    assert (kb / "taxonomy.yaml").read_bytes() == taxonomy_before

    third = write_import(rome, kb)
    assert third["jobs_written"] == 30 and third["skills_added"] == len(rome.skills)
    taxonomy = load_taxonomy(kb / "taxonomy.yaml")
    assert len(taxonomy) == len(esco.skills) + len(rome.skills)
    document = yaml.safe_load((kb / "taxonomy.yaml").read_text(encoding="utf-8"))
    assert "ROME" in document["licence"] and document["attribution"].startswith("This service uses the ESCO")
    job = yaml.safe_load((kb / "jobs" / "rome-h2703.yaml").read_text(encoding="utf-8"))
    assert job["mandatory_certifications"] == ["B2TL"]
    assert sorted(p.name for p in kb.iterdir()) == ["jobs", "taxonomy.yaml"]  # no temp file left


def test_write_import_keeps_existing_taxonomy_entries_and_comment(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text("# curated header\nsource: ESCO v1.1.1\nattribution: x\nlicence: y\nskills:\n"
                    f"- id: {SKILL}a\n  labels: {{en: curated label}}\n", encoding="utf-8")
    new = [TaxonomySkill(id=SKILL + "a", labels={"en": "imported label"}),
           TaxonomySkill(id=SKILL + "b", labels={"en": "other"})]
    counts = write_import(ImportResult(skills=new), tmp_path)
    assert counts == {"jobs_written": 0, "jobs_skipped": 0, "skills_added": 1}
    assert path.read_text(encoding="utf-8").startswith("# curated header\n")
    taxonomy = load_taxonomy(path)
    assert taxonomy[SKILL + "a"].labels == {"en": "curated label"} and SKILL + "b" in taxonomy


# ------------------------------------------------------------------------------- shipped taxonomy


def test_shipped_taxonomy_covers_curated_jobs() -> None:
    taxonomy = load_taxonomy(KB / "taxonomy.yaml")
    assert len(taxonomy) == 953
    assert (KB / "taxonomy.yaml").stat().st_size < 1_500_000
    header = yaml.safe_load((KB / "taxonomy.yaml").read_text(encoding="utf-8"))
    assert header["attribution"] == "This service uses the ESCO classification of the European Commission."
    assert taxonomy[SKILL + "90d04cf8-dcc1-45cf-93e1-a2eba80aed6f"].labels["fr"] == "architecture des véhicules hybrides"
    assert taxonomy[SKILL + "6c6daac0-80f5-431f-a33f-c5b722094657"].labels["fr"] == "systèmes de stockage d'énergie"
    for job_file in sorted((KB / "jobs").glob("*.yaml")):
        job = yaml.safe_load(job_file.read_text(encoding="utf-8"))
        missing = [r["skill"] for r in job["required_skills"] if r["skill"] not in taxonomy]
        assert missing == [], job_file.name


@pytest.mark.parametrize(("entry", "field"), [
    ("- id: x1234\n  labels: {en: ok}\n- id: x5678\n  labels: oops\n", "skills.1.labels"),
    ("- id: x1234\n  labels: {en: ok}\n  colour: red\n", "skills.0.colour"),
    ("- id: x1234\n  labels: {en: ok}\n- id: x1234\n  labels: {en: again}\n", "skills.1.id"),
    ("- just a string\n", "skills.0"),
])
def test_load_taxonomy_names_invalid_field(tmp_path: Path, entry: str, field: str) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text("source: test\nskills:\n" + entry, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_taxonomy(path)
    assert info.value.field == field and info.value.file == str(path)
    assert info.value.line is not None and info.value.line >= 3


def test_product_does_not_read_shared_data() -> None:
    for source in (REPO / "curriculum").rglob("*.py"):
        assert "shared/data" not in source.read_text(encoding="utf-8"), source
