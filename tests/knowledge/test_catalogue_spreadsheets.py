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


def _hostile_modules(catalogue):
    base = [catalogue.modules[i] for i in ("ev-habilitation-b2tl", "auto-plc-fundamentals-online")]
    return [base[0].model_copy(update={"title": HOSTILE[0], "summary": HOSTILE[1], "provider": HOSTILE[2],
                                       "duration_hours": 10.5, "cost_eur": 1234.5}),
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
    r = CliRunner().invoke(app, ["kb", "export", "--format", "csv", "--kb", str(kb)])
    assert r.exit_code == 0 and r.stdout.startswith("id,title,")  # the default is unchanged
