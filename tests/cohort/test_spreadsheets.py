"""Spreadsheets as French users have them: formula injection neutralised in cohort exports and tables,
French numbers and encodings read, the French Excel CSV dialect written (issue 9, item 3).

Self-contained: every cohort file is written here into ``tmp_path``; planning uses the shipped
knowledge base through the ``workspace`` fixture.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile

import pytest
import typer
from typer.testing import CliRunner

from curriculum.cohort import ProgrammeSettings, plan_cohort, read_cohort, template_csv
from curriculum.cohort.export import STEP_COLUMNS, programme_to_csv, programme_to_xlsx
from curriculum.tabular import (BOM, NumberError, csv_text, format_number, parse_number, safe_cell, unescape_cell,
                                xlsx_row)

HOSTILE = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
HEADER = "id;name;company;site;city;postcode;hours_per_week;target_job;mobility_km;skills;certifications;budget_eur"
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def settings() -> ProgrammeSettings:
    return ProgrammeSettings(name="Tableurs 2027", start=dt.date(2027, 1, 4), end=dt.date(2027, 12, 17),
                             budget_per_head_eur=11000, group_min=2, group_max=12, language="fr")


# ------------------------------------------------------------------------------------ parse_number


@pytest.mark.parametrize("text, expected", [
    ("7,5", 7.5), ("7.5", 7.5), ("8", 8.0), ("0,5", 0.5), ("-2,5", -2.5), ("\u22123", -3.0), ("+4", 4.0),
    ("3 500", 3500.0), (f"3{NBSP}500", 3500.0), (f"1{NNBSP}234,5", 1234.5), ("1 234,5", 1234.5),
    (f"12{NNBSP}345{NNBSP}678,25", 12345678.25), ("1.234,5", 1234.5), ("1.234.567", 1234567.0),
    ("3 500 €", 3500.0), ("4000€", 4000.0), ("4 000 EUR", 4000.0), ("  7,5  ", 7.5), ("1e-3", 0.001),
    # the documented rule: in a French file the comma is the decimal separator, a lone dot too
    ("1,234", 1.234), ("1.234", 1.234),
])
def test_parse_number_reads_french_numbers(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, why", [
    ("1,234.5", "ambiguous"), ("1,234,567", "ambiguous"), ("12 34", "not a number"), ("1,2,3", "not a number"),
    ("7,5 h", "not a number"), ("abc", "not a number"), ("", "empty"), ("nan", "not a number"),
    ("inf", "not a number"), ("1e999", "finite"), ("--3", "not a number"),
])
def test_parse_number_refuses_with_file_row_field(text: str, why: str) -> None:
    with pytest.raises(NumberError) as info:
        parse_number(text, file="cohort.csv", row=7, field="budget_eur")
    err = info.value
    assert (err.file, err.row, err.field, err.text) == ("cohort.csv", 7, "budget_eur", text)
    assert why in err.message
    assert str(err).startswith("cohort.csv:7: budget_eur: ")
    assert isinstance(err, ValueError)


def test_parse_number_keeps_real_numbers_and_checks_integers() -> None:
    assert parse_number(7.5) == 7.5 and parse_number(-3) == -3.0 and isinstance(parse_number(3), float)
    assert parse_number("8,0", integer=True) == 8 and isinstance(parse_number(8.0, integer=True), int)
    with pytest.raises(NumberError, match="whole number"):
        parse_number("7,5", integer=True, field="seats")
    with pytest.raises(NumberError):
        parse_number(True)
    with pytest.raises(NumberError, match="finite"):
        parse_number(float("nan"))


# ------------------------------------------------------------------------------ formula injection


def test_safe_cell_follows_owasp_and_reads_back() -> None:
    for text in [*HOSTILE, "\tTab", "\rCR", "'=already quoted"]:
        guarded = safe_cell(text)
        assert guarded == "'" + text and unescape_cell(guarded) == text
    for value in ("Douai", "", "'quoted", "É=mc2", 3, -2.5, None, True, dt.date(2027, 1, 4)):
        assert safe_cell(value) is value or safe_cell(value) == value
    assert unescape_cell("'quoted") == "'quoted"
    assert csv_text(["n", "x"], [["-2+3", -2.5]]) == "n,x\n'-2+3,-2.5\n"  # text guarded, number kept
    assert format_number(-2.5, "excel-fr") == "-2,5" and format_number(42.0, "excel-fr") == "42"
    with pytest.raises(ValueError, match="dialect"):
        csv_text(["a"], [], dialect="excel")


def test_xlsx_row_writes_strings_never_formulas() -> None:
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    xlsx_row(wb.active, [*HOSTILE, "bell\x07", -2.5, 3, None, dt.date(2027, 1, 4)])
    back = load_workbook(io.BytesIO(_save(wb))).active
    cells = list(back[1])
    assert [(c.data_type, c.value) for c in cells[:4]] == [("s", t) for t in HOSTILE]
    assert all(c.quotePrefix for c in cells[:4])
    assert cells[4].value == "bell"  # control characters XLSX cannot hold are dropped, not fatal
    assert (cells[5].data_type, cells[5].value, cells[6].value) == ("n", -2.5, 3)
    assert cells[8].is_date


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _hostile_cohort(path) -> None:
    rows = [f"H{k};{name};{HOSTILE[(k + 1) % 4]};Site;Douai;59500;6;rome:H2703;60;"
            f'"repair engines:3; electricity:2";B0;' for k, name in enumerate(HOSTILE, 1)]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(workspace, settings, tmp_path_factory, session_data_dir):
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    _hostile_cohort(path)
    members, errors = read_cohort(path, workspace.catalogue, cache_dir=str(session_data_dir))
    assert errors == [] and [m.name for m in members] == HOSTILE
    return plan_cohort(workspace, members, settings, errors=errors)


def test_hostile_names_export_to_xlsx_as_text(hostile) -> None:
    from openpyxl import load_workbook

    data = programme_to_xlsx(hostile)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in z.read(n).decode() for n in sheets), "a formula was written"
    wb = load_workbook(io.BytesIO(data))  # not data_only: a formula would show as data_type 'f'
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if c.value in HOSTILE:
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate)
                    found.setdefault(c.value, set()).add(ws.title)
    assert set(found) == set(HOSTILE)
    steps = wb["Steps"]
    names = {r[1] for r in steps.iter_rows(min_row=2, values_only=True)}
    assert names == set(HOSTILE)
    hours = [r[STEP_COLUMNS.index("hours")] for r in steps.iter_rows(min_row=2, values_only=True)]
    assert hours and all(isinstance(h, (int, float)) for h in hours)  # numbers stay numbers


@pytest.mark.parametrize("dialect, delimiter", [("rfc", ","), ("excel-fr", ";")])
def test_hostile_names_export_to_csv_with_a_quote(hostile, dialect: str, delimiter: str) -> None:
    text = programme_to_csv(hostile, dialect=dialect).removeprefix(BOM)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0] == STEP_COLUMNS
    name, company = STEP_COLUMNS.index("name"), STEP_COLUMNS.index("company")
    cells = {r[name] for r in rows[1:]} | {r[company] for r in rows[1:]}
    assert cells == {"'" + t for t in HOSTILE}
    assert all(not c.startswith(tuple("=+-@\t\r")) for r in rows[1:] for c in r)


def test_cohort_tables_show_hostile_names_as_inert_text(hostile) -> None:
    from ui.components.cohort_view import members_frame

    frame = members_frame(hostile)
    assert set(frame["name"]) == {"'" + t for t in HOSTILE}
    assert set(frame["company"]) == {"'" + t for t in HOSTILE}
    assert frame["hours"].dtype.kind == "f"


def test_template_is_guarded_and_offered_for_french_excel() -> None:
    rfc, fr = template_csv(), template_csv(dialect="excel-fr")
    assert rfc.startswith("id,name,") and fr.startswith(BOM + "id;name;")
    assert list(csv.reader(io.StringIO(rfc))) == list(csv.reader(io.StringIO(fr.removeprefix(BOM)), delimiter=";"))


# ------------------------------------------------------------------------------ French Excel in


def _french_rows(space: str) -> list[str]:
    return [HEADER,
            f'F001;Hélène Lefèvre;Batteries Nord;AESC Douai;Douai;59500;7,5;rome:H2703;40,5;'
            f'"repair engines:4; electricity:2";B0;1{space}234,5',
            f"F002;Jérôme Crépin;Méca Hainaut;Usine;Lens;62300;6;rome:H2703;50;electricity:2;;3{NBSP}500",
            f"F003;Zoé Dufour;Méca Hainaut;Usine;Valenciennes;59300;8,25;rome:I1304;60;mechanics:2;BR;4 000 €",
            f"F004;Noël Hébert;Batteries Nord;Lille;Lille;59000;5;rome:H2703;80,0;;;"]


@pytest.mark.parametrize("encoding, space", [("cp1252", NBSP), ("utf-8-sig", NNBSP)])
def test_french_excel_cohort_plans_every_row(workspace, settings, tmp_path, session_data_dir,
                                              encoding: str, space: str) -> None:
    rows = _french_rows(space)
    path = tmp_path / "cohorte.csv"
    path.write_bytes("\r\n".join(rows).encode(encoding) + b"\r\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    members, errors = read_cohort(path, workspace.catalogue, cache_dir=str(session_data_dir))
    assert errors == []
    by_id = {m.learner_id: m for m in members}
    assert by_id["F001"].name == "Hélène Lefèvre"  # cp1252 accents decoded
    assert (by_id["F001"].hours_per_week, by_id["F001"].mobility_km, by_id["F001"].budget_eur) == (7.5, 40.5, 1234.5)
    assert [len(by_id["F001"].skills), by_id["F001"].certifications] == [2, ["B0"]]
    assert by_id["F002"].budget_eur == 3500 and by_id["F003"].budget_eur == 4000
    assert by_id["F003"].hours_per_week == 8.25
    programme = plan_cohort(workspace, members, settings, errors=errors)
    assert sorted(m.learner_id for m in programme.members) == ["F001", "F002", "F003", "F004"]
    assert all(m.plan.steps for m in programme.members)


def test_xlsx_numbers_stay_numbers_and_postcodes_keep_their_zero(workspace, tmp_path, session_data_dir) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "name", "city", "postcode", "lat", "lon", "hours_per_week", "target_job", "budget_eur"])
    ws.append(["X1", "Ana", "Douai", 59500, 50.3714, 3.08, 7.5, "rome:H2703", 1234.5])
    ws.append(["X2", "Bo", "Bourg-en-Bresse", 1000, "46,2052", "5,2255", "6,5", "rome:H2703", f"2{NNBSP}000"])
    ws.append(["X3", "Cy", "Douai", 59500, 50.3714, 3.08, "12 34", "rome:H2703", "1,234.5"])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    members, errors = read_cohort(path, workspace.catalogue, cache_dir=str(session_data_dir))
    by_id = {m.learner_id: m for m in members}
    assert (by_id["X1"].hours_per_week, by_id["X1"].budget_eur, by_id["X1"].postcode) == (7.5, 1234.5, "59500")
    assert (by_id["X2"].lat, by_id["X2"].lon, by_id["X2"].hours_per_week) == (46.2052, 5.2255, 6.5)
    assert (by_id["X2"].postcode, by_id["X2"].budget_eur) == ("01000", 2000)
    assert {(e.row, e.field) for e in errors} == {(4, "hours_per_week"), (4, "budget_eur")}
    assert all(e.file == str(path) and e.learner_id == "X3" for e in errors)
    assert any("ambiguous" in e.message for e in errors)


def test_bad_numbers_name_file_row_and_field(workspace, tmp_path, session_data_dir) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\nB1;;;;Douai;;abc;rome:H2703;40 km;;;\nB2;;;;Douai;;6;rome:H2703;;;;1,234\n",
                    encoding="utf-8")
    members, errors = read_cohort(path, workspace.catalogue, cache_dir=str(session_data_dir))
    assert [(e.file, e.row, e.field) for e in errors] == [(str(path), 2, "hours_per_week"), (str(path), 2, "mobility_km")]
    assert "not a number: 'abc'" in errors[0].message
    assert [(m.learner_id, m.budget_eur) for m in members] == [("B2", 1.234)]  # comma = decimal separator


# ------------------------------------------------------------------------------ French Excel out


def _cli() -> typer.Typer:
    from curriculum.cli_cohort import cohort, programmes

    app = typer.Typer()
    app.command()(cohort)
    app.command()(programmes)

    @app.callback()
    def main() -> None:
        """test app"""
    return app


def test_cli_french_excel_csv(tmp_path) -> None:
    cohort = tmp_path / "cohorte.csv"
    cohort.write_bytes("\r\n".join(_french_rows(NBSP)).encode("cp1252"))
    (tmp_path / "settings.yaml").write_text("name: Tableurs\nstart: 2027-01-04\nend: 2027-12-17\ngroup_min: 2\n",
                                            encoding="utf-8")
    name = f"tableurs-{uuid.uuid4().hex[:8]}"
    fr_out, rfc_out, again = tmp_path / "fr.csv", tmp_path / "rfc.csv", tmp_path / "again.csv"
    for args in (["cohort", "--cohort", str(cohort), "--settings", str(tmp_path / "settings.yaml"), "--format", "csv",
                  "--csv-dialect", "excel-fr", "--save", name, "--out", str(fr_out)],
                 ["programmes", "--open", name, "--format", "csv", "--out", str(rfc_out)],  # the same programme
                 ["programmes", "--open", name, "--format", "csv", "--csv-dialect", "excel-fr", "--out", str(again)]):
        r = CliRunner().invoke(_cli(), args)
        assert r.exit_code == 0, r.output
    outs = {"excel-fr": fr_out.read_bytes(), "rfc": rfc_out.read_bytes()}
    assert again.read_bytes() == outs["excel-fr"]
    raw = outs["excel-fr"]
    assert raw.startswith(b"\xef\xbb\xbf") and not outs["rfc"].startswith(b"\xef\xbb\xbf")
    fr = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    rfc = list(csv.reader(io.StringIO(outs["rfc"].decode("utf-8"))))
    assert fr[0] == rfc[0] == STEP_COLUMNS and len(fr) == len(rfc) > 1
    assert raw.decode("utf-8-sig").split("\r\n")[0] == ";".join(STEP_COLUMNS)
    numeric = [STEP_COLUMNS.index(c) for c in ("distance_km", "hours", "cost_eur")]
    decimals = 0
    for a, b in zip(rfc[1:], fr[1:]):
        assert [a[i] for i in range(len(a)) if i not in numeric] == [b[i] for i in range(len(b)) if i not in numeric]
        for i in numeric:
            if a[i]:
                assert "." not in b[i] and parse_number(b[i]) == pytest.approx(float(a[i]))
                decimals += "," in b[i]
    assert decimals > 0, "no decimal comma written"
    r = CliRunner().invoke(_cli(), ["cohort", "--cohort", str(cohort), "--format", "csv", "--csv-dialect", "excel"])
    assert r.exit_code == 2
