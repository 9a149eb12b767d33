"""CSV and schema.org JSON-LD imports/exports of the catalogue, and the `curriculum kb` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from curriculum.cli_kb import kb_app
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.catalogue_io import export_csv, export_jsonld, import_csv, import_jsonld
from tests.conftest import KB_DIR

SKILL = "http://data.europa.eu/esco/skill/"
SAFETY = SKILL + "90d04cf8-dcc1-45cf-93e1-a2eba80aed6f"      # electrical safety regulations
PROTECTIVE = SKILL + "7c8a86b2-b0ae-4969-901a-5949d9974755"  # wear appropriate protective gear
runner = CliRunner()
app = typer.Typer()
app.add_typer(kb_app, name="kb")

CSV_FR = f"""Référence;Intitulé;Heures;Tarif HT;Mode;Organisme;Lieux;Sessions;Compétences visées
sec-elec-b1v;Habilitation électrique B1V (NF C 18-510);14;420;in_person;Centre (exemple);Douai|59500|Hauts-de-France|Douaisis|50.3714|3.08;2027-03-01|2027-03-02|Douai|8;"{SAFETY}:2;{PROTECTIVE}:2"
sec-elec-bad;Habilitation électrique BR;-21;590;in_person;Centre (exemple);Lens|62300||||;2027-04-01|2027-04-03|Lens|6;{SAFETY}:3
sec-elec-en-ligne;Prévention du risque électrique (en ligne);7;120;online;Centre (exemple);;;{SAFETY}:1
sec-elec-nolevel;Habilitation électrique BC;14;450;in_person;Centre (exemple);Lille||||50.6292|3.0573;;{SAFETY}
"""
MAPPING = {"id": "Référence", "title": "Intitulé", "duration_hours": "Heures", "cost_eur": "Tarif HT",
           "modality": "Mode", "provider": "Organisme", "places": "Lieux", "sessions": "Sessions",
           "outcomes": "Compétences visées"}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


def test_csv_import_with_mapping(tmp_path: Path, session_data_dir: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(CSV_FR, encoding="utf-8")
    modules, issues = import_csv(path, MAPPING, cache_dir=str(session_data_dir))
    by_id = {m.id: m for m in modules}
    assert set(by_id) == {"sec-elec-b1v", "sec-elec-en-ligne"}
    b1v = by_id["sec-elec-b1v"]
    assert b1v.duration_hours == 14 and b1v.cost_eur == 420 and b1v.places[0].basin == "Douaisis"
    assert [(o.skill, o.level) for o in b1v.outcomes] == [(SAFETY, 2), (PROTECTIVE, 2)]
    assert b1v.sessions[0].seats == 8 and b1v.sessions[0].place == "Douai"
    assert by_id["sec-elec-en-ligne"].modality.value == "online"
    # row 3 (line 3): negative duration; row 5 (line 5): outcome without level
    assert {(i.line, i.field) for i in issues} == {(3, "Heures"), (5, "Compétences visées")}
    assert all(i.file == str(path) for i in issues)


def test_csv_comma_and_default_columns(tmp_path: Path, catalogue) -> None:
    mods = [catalogue.modules[i] for i in ("ev-habilitation-b2tl", "auto-plc-fundamentals-online")]
    path = tmp_path / "export.csv"
    path.write_text(export_csv(mods), encoding="utf-8")
    modules, issues = import_csv(path)
    assert issues == [] and [m.model_dump() for m in modules] == [m.model_dump() for m in mods]


def test_jsonld_round_trip_whole_catalogue(tmp_path: Path, catalogue) -> None:
    path = tmp_path / "catalogue.jsonld"
    path.write_text(json.dumps(export_jsonld(catalogue.modules.values(), catalogue.taxonomy), ensure_ascii=False),
                    encoding="utf-8")
    modules, issues = import_jsonld(path)
    assert issues == [] and len(modules) == len(catalogue.modules)
    for m in modules:
        original = catalogue.modules[m.id]
        assert m.model_dump() == original.model_dump(), m.id
        assert m.body.strip() == original.body.strip()


def test_jsonld_export_shape(catalogue) -> None:
    doc = export_jsonld([catalogue.modules["ev-habilitation-b2tl"]], catalogue.taxonomy)
    assert doc["@context"] == "https://schema.org"
    c = doc["@graph"][0]
    assert c["@type"] == "Course" and c["courseCode"] == "ev-habilitation-b2tl" and c["timeRequired"] == "PT21H"
    assert c["provider"]["@type"] == "Organization" and c["offers"]["priceCurrency"] == "EUR"
    taught = {t["termCode"]: t for t in c["teaches"]}
    assert all(t["@type"] == "DefinedTerm" and t["inDefinedTermSet"] == "ESCO v1.1.1" and t["name"] for t in taught.values())
    prereq = [p for p in c["coursePrerequisites"] if p.get("@type") == "DefinedTerm"]
    assert {p["termCode"] for p in prereq} == {o.skill for o in catalogue.modules["ev-habilitation-b2tl"].prerequisites.skills}
    assert all("level 2" in p["description"] for p in prereq)
    assert c["educationalCredentialAwarded"]["identifier"] == "B2TL"
    inst = c["hasCourseInstance"][0]
    assert inst["@type"] == "CourseInstance" and inst["courseMode"] == "onsite" and inst["startDate"]
    assert inst["location"]["geo"]["@type"] == "GeoCoordinates" and inst["maximumAttendeeCapacity"] > 0
    refs = export_jsonld([catalogue.modules["ev-habilitation-recyclage-b2tl"]])["@graph"][0]["coursePrerequisites"]
    assert {"@id": "urn:curriculum:module:ev-habilitation-b2tl"} in refs


def test_jsonld_broken_record_does_not_stop_others(tmp_path: Path, catalogue) -> None:
    doc = export_jsonld([catalogue.modules["ev-habilitation-b2tl"], catalogue.modules["ev-habilitation-b1vl"]])
    del doc["@graph"][0]["timeRequired"]
    path = tmp_path / "c.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    modules, issues = import_jsonld(path)
    assert [m.id for m in modules] == ["ev-habilitation-b1vl"]
    assert issues and issues[0].field == "@graph[0].duration_hours"


def test_cli_import_csv_and_export(tmp_path: Path, session_data_dir: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    csv_path = tmp_path / "c.csv"
    csv_path.write_text(CSV_FR, encoding="utf-8")
    result = runner.invoke(app, ["kb", "import-csv", str(csv_path), "--mapping", json.dumps(MAPPING), "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(summary["imported"]) == ["sec-elec-b1v", "sec-elec-en-ligne"]
    assert f"{csv_path}:3: Heures:" in result.stderr
    assert (kb / "modules" / "sec-elec-b1v.md").exists()
    out = tmp_path / "export.jsonld"
    result = runner.invoke(app, ["kb", "export", "--format", "jsonld", "--out", str(out), "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    graph = json.loads(out.read_text(encoding="utf-8"))["@graph"]
    assert "sec-elec-b1v" in {c["courseCode"] for c in graph}
    result = runner.invoke(app, ["kb", "export", "--format", "csv", "--kb", str(kb)])
    assert result.exit_code == 0 and result.stdout.startswith("id,title,")
    # nothing importable -> exit 2
    bad = tmp_path / "bad.csv"
    bad.write_text("id;title\nx;y\n", encoding="utf-8")
    result = runner.invoke(app, ["kb", "import-csv", str(bad), "--kb", str(kb)])
    assert result.exit_code == 2


def test_cli_import_jsonld_is_validated(tmp_path: Path, catalogue) -> None:
    """Same validation as `kb validate`: a module with an unknown skill URI is refused, the other is imported."""
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    a = catalogue.modules["ev-habilitation-b2tl"].model_copy(update={"id": "new-b2tl"})
    b = catalogue.modules["ev-habilitation-b1vl"].model_copy(update={"id": "new-b1vl"})
    doc = export_jsonld([a, b])
    doc["@graph"][1]["teaches"][0]["termCode"] = SKILL + "00000000-0000-0000-0000-000000000000"
    path = tmp_path / "in.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["kb", "import-jsonld", str(path), "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["imported"] == ["new-b2tl"]
    assert "unknown skill" in result.stderr and not (kb / "modules" / "new-b1vl.md").exists()
