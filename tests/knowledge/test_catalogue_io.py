"""CSV and schema.org JSON-LD imports/exports of the catalogue, and the `curriculum kb` commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from curriculum.cli_kb import kb_app
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.catalogue_io import FIELDS, export_csv, export_jsonld, import_csv, import_jsonld
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


# modules of the shipped catalogue that use the newer schema fields
REFRESHER = "ev-habilitation-recyclage-b2tl"                   # prerequisites.certifications, certification.renewal
WORK_STUDY = "batt-cqpm-pilote-production-batteries-alternance"  # work_study, funding.register, remainder 0
CPF = "batt-cqpm-pilote-production-batteries"                    # funding.cpf_eligible
REMAINDER = "prod-reglage-maintenance-premier-niveau"            # funding.remainder_eur without certification
NEW_FIELDS = (REFRESHER, WORK_STUDY, CPF, REMAINDER, "irve-formation-qualifiante-n3-dc")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


def _new_fields(m) -> tuple:
    cert, fund = m.certification, m.funding
    return (m.modality.value, m.prerequisites.certifications, cert and (cert.code, cert.renewal, cert.source),
            fund and fund.model_dump())


def test_catalogue_uses_the_new_fields(catalogue) -> None:
    """The round-trip tests below are only meaningful if the shipped catalogue uses every newer field."""
    mods = catalogue.modules
    assert mods[REFRESHER].prerequisites.certifications == ["B2TL"] and mods[REFRESHER].prerequisites.modules == []
    assert mods[REFRESHER].certification.renewal and mods[REFRESHER].certification.source
    assert mods[WORK_STUDY].modality.value == "work_study" and mods[WORK_STUDY].funding.register_code == "RNCP38903"
    assert mods[WORK_STUDY].funding.remainder_eur == 0 and mods[CPF].funding.cpf_eligible
    assert mods[REMAINDER].funding.remainder_eur > 0 and mods[REMAINDER].certification is None
    assert "HAB-BT-EXEC" in mods["irve-formation-qualifiante-n3-dc"].prerequisites.certifications


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
    mods = [catalogue.modules[i] for i in ("ev-habilitation-b2tl", "auto-plc-fundamentals-online", *NEW_FIELDS)]
    path = tmp_path / "export.csv"
    text = export_csv(mods)
    path.write_text(text, encoding="utf-8")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[REFRESHER]["prerequisite_certifications"] == "B2TL" and rows[REFRESHER]["prerequisite_modules"] == ""
    assert rows[REFRESHER]["certification_renewal"] == "true" and rows[REFRESHER]["certification_source"]
    assert rows["irve-formation-qualifiante-n3-dc"]["prerequisite_certifications"] == "IRVE;HAB-BT-EXEC"
    assert (rows[WORK_STUDY]["modality"], rows[WORK_STUDY]["funding_register"]) == ("work_study", "RNCP38903")
    assert (rows[WORK_STUDY]["funding_cpf_eligible"], rows[WORK_STUDY]["funding_remainder_eur"]) == ("false", "0.0")
    assert rows[CPF]["funding_cpf_eligible"] == "true" and rows[CPF]["funding_remainder_eur"] == ""
    assert rows["auto-plc-fundamentals-online"]["funding_cpf_eligible"] == ""  # no funding: empty cells
    modules, issues = import_csv(path)
    assert issues == [] and [m.model_dump() for m in modules] == [m.model_dump() for m in mods]
    assert [_new_fields(m) for m in modules] == [_new_fields(m) for m in mods]


def test_csv_round_trip_whole_catalogue(tmp_path: Path, catalogue) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(export_csv(catalogue.modules.values()), encoding="utf-8")
    modules, issues = import_csv(path)
    assert issues == [] and len(modules) == len(catalogue.modules)
    for m in modules:
        assert m.model_dump() == catalogue.modules[m.id].model_dump(), m.id
        assert _new_fields(m) == _new_fields(catalogue.modules[m.id]), m.id


OLD_FIELDS = [f for f in FIELDS if not f.startswith(("funding_", "prerequisite_certifications", "certification_renewal",
                                                     "certification_source"))]


def test_csv_without_the_new_columns_still_imports(tmp_path: Path, catalogue) -> None:
    """A CSV written before the new columns existed imports with the schema defaults."""
    mods = [catalogue.modules[i] for i in ("ev-habilitation-b2tl", *NEW_FIELDS)]
    rows = list(csv.DictReader(io.StringIO(export_csv(mods))))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, OLD_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "old.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    modules, issues = import_csv(path)
    assert issues == [] and [m.id for m in modules] == [m.id for m in mods]
    for m, original in zip(modules, mods):
        assert m.funding is None and m.prerequisites.certifications == []
        assert m.certification is None or (not m.certification.renewal and m.certification.source is None)
        expected = original.model_copy(update={
            "funding": None, "prerequisites": original.prerequisites.model_copy(update={"certifications": []}),
            "certification": original.certification and original.certification.model_copy(
                update={"renewal": False, "source": None})})
        assert m.model_dump() == expected.model_dump()


def test_csv_new_columns_french_cells_and_errors(tmp_path: Path) -> None:
    """Yes/no cells in French, a French remainder, a mapping of the new columns; bad cells name their column."""
    head = ("Réf;Intitulé;duration_hours;cost_eur;modality;provider;outcomes;Prérequis habilitations;"
            "certification_code;Recyclage;Source;RNCP;CPF;Reste à charge;Financement")
    lines = [head,
             f"fr-recyclage;Recyclage B1VL;7;1{chr(0xa0)}234,5 €;in_person;Centre;{SAFETY}:2;B1VL;B1VL;oui;INRS ED 6127;;"
             f";;",
             f"fr-alternance;Titre pro en alternance;420;9 800;work_study;Centre;{SAFETY}:3;HAB-BT-EXEC;;;;RNCP41536;Non;"
             f"1 234,5 €;OPCO",
             f"fr-bad-flag;Recyclage BR;7;300;in_person;Centre;{SAFETY}:2;;BR;peut-être;;;;;",
             f"fr-bad-remainder;Stage;7;300;in_person;Centre;{SAFETY}:2;;;;;;;12 34;",
             f"fr-bad-register;Stage;7;300;in_person;Centre;{SAFETY}:2;;;;;XYZ1;;;",
             f"fr-negative-remainder;Stage;7;300;in_person;Centre;{SAFETY}:2;;;;;;;-5;"]
    path = tmp_path / "fr.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    mapping = {"id": "Réf", "title": "Intitulé", "prerequisite_certifications": "Prérequis habilitations",
               "certification_renewal": "Recyclage", "certification_source": "Source", "funding_register": "RNCP",
               "funding_cpf_eligible": "CPF", "funding_remainder_eur": "Reste à charge", "funding_note": "Financement"}
    modules, issues = import_csv(path, mapping)
    by_id = {m.id: m for m in modules}
    assert set(by_id) == {"fr-recyclage", "fr-alternance"}
    rec, alt = by_id["fr-recyclage"], by_id["fr-alternance"]
    assert rec.cost_eur == 1234.5 and rec.prerequisites.certifications == ["B1VL"] and rec.funding is None
    assert (rec.certification.code, rec.certification.renewal, rec.certification.source) == ("B1VL", True, "INRS ED 6127")
    assert alt.modality.value == "work_study" and alt.prerequisites.certifications == ["HAB-BT-EXEC"]
    assert alt.funding.model_dump() == {"register": "RNCP41536", "cpf_eligible": False, "remainder_eur": 1234.5,
                                        "note": "OPCO"}
    got = {(i.line, i.field): i.message for i in issues}
    assert set(got) == {(4, "Recyclage"), (5, "Reste à charge"), (6, "RNCP"), (7, "Reste à charge")}
    assert "peut-être" in got[(4, "Recyclage")] and "not a number: '12 34'" in got[(5, "Reste à charge")]


def test_jsonld_round_trip_whole_catalogue(tmp_path: Path, catalogue) -> None:
    path = tmp_path / "catalogue.jsonld"
    path.write_text(json.dumps(export_jsonld(catalogue.modules.values(), catalogue.taxonomy), ensure_ascii=False),
                    encoding="utf-8")
    modules, issues = import_jsonld(path)
    assert issues == [] and len(modules) == len(catalogue.modules)
    for m in modules:
        original = catalogue.modules[m.id]
        assert m.model_dump() == original.model_dump(), m.id
        assert _new_fields(m) == _new_fields(original), m.id
        assert m.body.strip() == original.body.strip()
    assert {m.modality.value for m in modules} >= {"work_study", "in_person", "online", "blended"}


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
    assert c["offers"]["price"] == catalogue.modules["ev-habilitation-b2tl"].cost_eur
    assert {p["identifier"] for p in c["coursePrerequisites"]
            if p.get("@type") == "EducationalOccupationalCredential"} == {"HAB-VL-ELEC"}


def test_jsonld_refresher_requires_the_certification_from_any_provider(catalogue) -> None:
    """A refresher requires the certification it renews (whoever trained the learner), not a provider's module."""
    c = export_jsonld([catalogue.modules[REFRESHER]])["@graph"][0]
    refs = c["coursePrerequisites"]
    assert not [p for p in refs if "@id" in p]  # no module of one provider
    assert {"@type": "EducationalOccupationalCredential", "identifier": "B2TL", "name": "B2TL"} in refs
    awarded = c["educationalCredentialAwarded"]
    assert awarded["identifier"] == "B2TL" and awarded["credentialCategory"] == "renewal"
    assert awarded["citation"] == catalogue.modules[REFRESHER].certification.source
    initial = export_jsonld([catalogue.modules["ev-habilitation-b2tl"]])["@graph"][0]["educationalCredentialAwarded"]
    assert "credentialCategory" not in initial


def test_jsonld_work_study_and_funding(catalogue) -> None:
    graph = export_jsonld([catalogue.modules[i] for i in (WORK_STUDY, CPF, REMAINDER, "auto-plc-fundamentals-online")])
    alt, cpf, rem, plain = graph["@graph"]
    assert alt["@type"] == ["Course", "WorkBasedProgram"] and alt["courseMode"] == "blended"
    assert {i["courseMode"] for i in alt["hasCourseInstance"]} == {"blended"}
    assert cpf["@type"] == "Course" and cpf["courseMode"] == "onsite"
    offer = alt["offers"]
    assert offer["price"] == catalogue.modules[WORK_STUDY].cost_eur > 0 and offer["priceCurrency"] == "EUR"
    assert offer["identifier"]["value"] == "RNCP38903" and "acceptedPaymentMethod" not in offer
    assert offer["priceSpecification"]["price"] == 0 and offer["priceSpecification"]["description"]
    assert cpf["offers"]["acceptedPaymentMethod"] == "Mon Compte Formation (CPF)"
    assert "price" not in cpf["offers"]["priceSpecification"]  # remainder unknown
    assert rem["offers"]["price"] == catalogue.modules[REMAINDER].cost_eur
    assert rem["offers"]["priceSpecification"]["price"] == catalogue.modules[REMAINDER].funding.remainder_eur
    assert set(plain["offers"]) == {"@type", "price", "priceCurrency", "category"}  # no funding: plain offer


def test_jsonld_import_of_other_publishers_values(tmp_path: Path, catalogue) -> None:
    """courseMode lists, a plain-text register identifier and a credential identifier as PropertyValue."""
    doc = export_jsonld([catalogue.modules[CPF], catalogue.modules[REFRESHER]])
    a, b = doc["@graph"]
    a["courseMode"] = ["full-time", "onsite"]
    a["offers"] = [{"@type": "Offer", "price": "2100", "priceCurrency": "EUR", "identifier": "RNCP38903",
                    "acceptedPaymentMethod": {"@type": "PaymentMethod", "name": "CPF"}}]
    b["coursePrerequisites"] = [{"@type": "EducationalOccupationalCredential",
                                 "identifier": {"@type": "PropertyValue", "value": "B2TL"}}]
    path = tmp_path / "other.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (m, r), issues = import_jsonld(path)
    assert issues == []
    assert m.modality.value == "in_person" and m.cost_eur == 2100
    assert m.funding.model_dump() == {"register": "RNCP38903", "cpf_eligible": True, "remainder_eur": None, "note": None}
    assert r.prerequisites.certifications == ["B2TL"] and r.certification.renewal


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
