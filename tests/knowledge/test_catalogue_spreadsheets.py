"""Catalogue CSV as French users have it: French numbers and Windows-1252 read on import, text cells
neutralised against formula injection on export, the French Excel dialect (``--csv-dialect excel-fr``)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from curriculum.cli_kb import kb_app
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.catalogue_io import FIELDS, export_csv, import_csv
from curriculum.tabular import BOM
from tests.conftest import KB_DIR

SAFETY = "http://data.europa.eu/esco/skill/90d04cf8-dcc1-45cf-93e1-a2eba80aed6f"  # electrical safety regulations
NNBSP, NBSP = "\u202f", "\u00a0"
HOSTILE = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
app = typer.Typer()
app.add_typer(kb_app, name="kb")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


def _french_catalogue(space: str) -> str:
    """A catalogue as an older export had it: none of the prerequisite_certifications, certification_renewal /
    _source or funding_* columns (they are optional)."""
    return "\r\n".join([
        "id;title;duration_hours;cost_eur;modality;provider;places;sessions;outcomes;eqf_level",
        f'fr-habilitation;Habilitation électrique (été);10,5;1{space}234,5 €;in_person;Centre Hélios;'
        f'Douai|59500|Hauts-de-France|Douaisis|50,3714|3,08;2027-03-01|2027-03-02|Douai|8;{SAFETY}:2;4',
        f"fr-en-ligne;Prévention du risque;7;3{NBSP}500;online;Centre Hélios;;;{SAFETY}:1;",
        f"fr-bad-hours;Habilitation BR;12 34;590;in_person;Centre;;;{SAFETY}:2;",
        f"fr-bad-cost;Habilitation BC;14;1,234.5;in_person;Centre;;;{SAFETY}:2;",
        f"fr-bad-seats;Habilitation BE;14;450;in_person;Centre;Lens|62300||||;2027-04-01|2027-04-03|Lens|8,5;"
        f"{SAFETY}:2;",
    ]) + "\r\n"


@pytest.mark.parametrize("encoding, space", [("cp1252", NBSP), ("utf-8-sig", NNBSP), ("utf-8", " ")])
def test_import_reads_french_numbers_and_encodings(tmp_path: Path, session_data_dir: Path, encoding: str,
                                                   space: str) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_bytes(_french_catalogue(space).encode(encoding))
    modules, issues = import_csv(path, cache_dir=str(session_data_dir))
    by_id = {m.id: m for m in modules}
    assert set(by_id) == {"fr-habilitation", "fr-en-ligne"}
    m = by_id["fr-habilitation"]
    assert (m.title, m.provider) == ("Habilitation électrique (été)", "Centre Hélios")
    assert (m.duration_hours, m.cost_eur, m.eqf_level) == (10.5, 1234.5, 4)
    assert (m.places[0].lat, m.places[0].lon, m.sessions[0].seats) == (50.3714, 3.08, 8)
    assert by_id["fr-en-ligne"].cost_eur == 3500
    got = {(i.line, i.field): i.message for i in issues}
    assert set(got) == {(4, "duration_hours"), (5, "cost_eur"), (6, "sessions")}
    assert "not a number: '12 34'" in got[(4, "duration_hours")]
    assert "ambiguous" in got[(5, "cost_eur")] and "whole number" in got[(6, "sessions")]
    assert all(i.file == str(path) for i in issues)
    assert all(m.funding is None and m.prerequisites.certifications == [] for m in modules)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_import_reads_french_funding_and_yes_no_cells(tmp_path: Path, encoding: str) -> None:
    head = ("id;title;duration_hours;cost_eur;modality;provider;outcomes;prerequisite_certifications;certification_code;"
            "certification_renewal;funding_register;funding_cpf_eligible;funding_remainder_eur;funding_note")
    path = tmp_path / "catalogue.csv"
    path.write_bytes("\r\n".join([
        head,
        f"fr-recyclage;Recyclage (été);7;1{NBSP}290,5 €;in_person;Centre Hélios;{SAFETY}:2;B1VL;B1VL;Vrai;;non;;",
        f"fr-alternance;Titre en alternance;420;9 800 €;work_study;Centre;{SAFETY}:3;HAB-BT-EXEC;RNCP41536;faux;"
        f"RNCP41536;OUI;1{NBSP}234,5 €;OPCO de l'employeur",
        f"fr-bad-remainder;Stage;7;300;in_person;Centre;{SAFETY}:2;;;;;;1,234.5;",
        f"fr-bad-cpf;Stage;7;300;in_person;Centre;{SAFETY}:2;;;;;peut-être;;",
    ]).encode(encoding) + b"\r\n")
    modules, issues = import_csv(path)
    by_id = {m.id: m for m in modules}
    assert set(by_id) == {"fr-recyclage", "fr-alternance"}
    rec, alt = by_id["fr-recyclage"], by_id["fr-alternance"]
    assert (rec.cost_eur, rec.certification.renewal, rec.prerequisites.certifications) == (1290.5, True, ["B1VL"])
    assert rec.funding.model_dump() == {"register": None, "cpf_eligible": False, "remainder_eur": None, "note": None}
    assert alt.modality.value == "work_study" and not alt.certification.renewal
    assert alt.funding.model_dump() == {"register": "RNCP41536", "cpf_eligible": True, "remainder_eur": 1234.5,
                                        "note": "OPCO de l'employeur"}
    got = {(i.line, i.field): i.message for i in issues}
    assert set(got) == {(4, "funding_remainder_eur"), (5, "funding_cpf_eligible")}
    assert "ambiguous" in got[(4, "funding_remainder_eur")] and "peut-être" in got[(5, "funding_cpf_eligible")]


def _hostile_modules(catalogue):
    base = [catalogue.modules[i] for i in ("ev-habilitation-recyclage-b2tl", "auto-plc-fundamentals-online")]
    cert = base[0].certification.model_copy(update={"source": "=cmd|' /C calc'!A0"})
    funding = base[0].funding.model_copy(update={"remainder_eur": 1234.5, "note": "-5 % OPCO", "cpf_eligible": True,
                                                 "register_code": "RS5000"})
    return [base[0].model_copy(update={"title": HOSTILE[0], "summary": HOSTILE[1], "provider": HOSTILE[2],
                                       "duration_hours": 10.5, "cost_eur": 1234.5, "certification": cert,
                                       "funding": funding}),
            base[1].model_copy(update={"title": HOSTILE[3], "body": "- first point\n- second point\n",
                                       "summary": "'=already quoted"})]


@pytest.mark.parametrize("dialect, delimiter", [("rfc", ","), ("excel-fr", ";")])
def test_export_is_inert_and_reads_back(tmp_path: Path, catalogue, dialect: str, delimiter: str) -> None:
    mods = _hostile_modules(catalogue)
    text = export_csv(mods, dialect=dialect)
    assert text.startswith(BOM) == (dialect == "excel-fr")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=delimiter))
    assert list(rows[0]) == list(FIELDS)
    cells = [c for r in rows for c in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert [rows[0]["title"], rows[0]["summary"], rows[0]["provider"], rows[1]["title"]] == ["'" + t for t in HOSTILE]
    assert rows[1]["body"].startswith("'- first point") and rows[1]["summary"] == "''=already quoted"
    assert rows[0]["duration_hours"] == ("10,5" if dialect == "excel-fr" else "10.5")
    assert rows[0]["cost_eur"] == ("1234,5" if dialect == "excel-fr" else "1234.5")
    assert rows[0]["funding_remainder_eur"] == ("1234,5" if dialect == "excel-fr" else "1234.5")
    assert rows[0]["certification_source"] == "'=cmd|' /C calc'!A0" and rows[0]["funding_note"] == "'-5 % OPCO"
    assert (rows[0]["funding_register"], rows[0]["funding_cpf_eligible"]) == ("RS5000", "true")
    assert (rows[0]["prerequisite_certifications"], rows[0]["certification_renewal"]) == ("B2TL", "true")
    assert rows[1]["funding_cpf_eligible"] == rows[1]["certification_renewal"] == ""  # neither funding nor certification
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    back, issues = import_csv(path)
    assert issues == []
    assert [m.model_dump() for m in back] == [m.model_dump() for m in mods]


def test_cli_export_excel_fr(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    out = tmp_path / "catalogue.csv"
    r = CliRunner().invoke(app, ["kb", "export", "--format", "csv", "--csv-dialect", "excel-fr", "--out", str(out),
                                 "--kb", str(kb)])
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ";".join(FIELDS).encode() + b"\r\n")
    exported, issues = import_csv(out)
    shipped = load_catalogue(kb).modules
    assert issues == [] and len(exported) == len(shipped)
    assert all(m.model_dump() == shipped[m.id].model_dump() for m in exported)
    new = [(m.modality.value, m.prerequisites.certifications, m.certification and m.certification.renewal,
            m.certification and m.certification.source, m.funding and m.funding.model_dump()) for m in exported]
    assert new == [(s.modality.value, s.prerequisites.certifications, s.certification and s.certification.renewal,
                    s.certification and s.certification.source, s.funding and s.funding.model_dump())
                   for s in (shipped[m.id] for m in exported)]
    assert any(n[0] == "work_study" for n in new) and any(n[1] for n in new) and any(n[2] for n in new)
    assert any(n[4] and n[4]["remainder_eur"] for n in new) and any(n[4] and n[4]["cpf_eligible"] for n in new)
    r = CliRunner().invoke(app, ["kb", "export", "--format", "csv", "--kb", str(kb)])
    assert r.exit_code == 0 and r.stdout.startswith("id,title,")  # the default is unchanged
