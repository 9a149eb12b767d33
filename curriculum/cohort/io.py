"""Read a cohort file (CSV or XLSX) and the programme settings (YAML).

Cohort columns (header row = row 1; order free; case-insensitive)
================  ========  ===============================================================
column            required  content
================  ========  ===============================================================
id                yes       unique learner id
name              no        full name
company           no        employer (several companies may be pooled in one file)
site              no        work site, informative (e.g. ``AESC Douai``)
city              yes*      town the person travels from (*or lat and lon)
postcode          no        French postcode, disambiguates the city
lat, lon          no        WGS84 coordinates, override the city
hours_per_week    yes       hours of training per week (0 < h ≤ 60)
target_job        yes**     ``rome:CODE``, ``esco:URI`` or job id (**or ``default_target_job``)
mobility_km       no        travel radius in km (default 50)
skills            no        ``label or ESCO URI:level; …`` with level 1–4 or aware/assisted/
                            autonomous/expert (notions/guidé/autonome/expert)
certifications    no        ``B0; BR`` (codes or free text; ``B2TL 2025-10-01``: obtained that day)
budget_eur        no        personal cap in EUR; empty = the programme's budget per head
================  ========  ===============================================================

CSV: UTF-8 (BOM accepted) or Windows-1252 (French Excel's "CSV (séparateur : point-virgule)"), ``,``
or ``;`` as delimiter (detected from the header line). XLSX: the first sheet; cells that are numbers
stay numbers, a postcode stored as a number gets its leading zero back (``1000`` → ``01000``).
Numbers (``hours_per_week``, ``mobility_km``, ``budget_eur``, ``lat``, ``lon``) are read the French way
(``7,5``, ``1 234,5``, ``3 500 €``; see :func:`curriculum.tabular.parse_number`). A text cell written
with the anti-formula quote (``'=…``, see :func:`curriculum.tabular.safe_cell`) reads without it.
A bad row is reported (row, field, message) and skipped; valid rows proceed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from curriculum.cohort.models import CohortMember, ProgrammeSettings, RowError
from curriculum.errors import InputError
from curriculum.geo import resolve_city
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import HeldSkill
from curriculum.models.skills import LEVEL_LABELS, LEVEL_LABELS_FR
from curriculum.tabular import NumberError, csv_text, decode_text, parse_number, unescape_cell

COLUMNS = ("id", "name", "company", "site", "city", "postcode", "hours_per_week", "target_job", "mobility_km",
           "skills", "certifications", "budget_eur")
ALIASES = {"learner_id": "id", "budget": "budget_eur", "hours": "hours_per_week", "job": "target_job",
           "latitude": "lat", "longitude": "lon"}
NUMBERS = ("hours_per_week", "mobility_km", "budget_eur", "lat", "lon")
"""Numeric columns (hours per week, km, EUR, WGS84 degrees): XLSX numbers are kept as numbers."""
LEVELS = {**{v: k for k, v in LEVEL_LABELS.items()}, **{v: k for k, v in LEVEL_LABELS_FR.items()}}
_TEMPLATE_ROWS = [
    ["E001", "Camille Martin", "Batteries Nord", "AESC Douai", "Douai", "59500", "8", "rome:H2703", "40",
     "repair engines:4; diagnose problems with vehicles:3; wear appropriate protective gear:3", "B0", "4000"],
    ["E002", "Karim Benali", "Batteries Nord", "Usine de Lens", "Lens", "62300", "6", "rome:I1304", "50",
     "electricity:2; http://data.europa.eu/esco/skill/efa141df-f382-418f-9121-bd88fd735669:2", "", ""],
]


def template_csv(*, dialect: str = "rfc") -> str:
    """A ready-to-fill cohort CSV (header + two example rows), for download from the UI.

    ``dialect="excel-fr"`` gives the French Excel form (``;``, UTF-8 BOM); cells are neutralised
    against formulas like every export (:func:`curriculum.tabular.csv_text`). Raises ``ValueError``
    for an unknown dialect.
    """
    return csv_text(COLUMNS, _TEMPLATE_ROWS, dialect=dialect)


def parse_skills(text: str) -> list[HeldSkill]:
    """``"label or URI:level; …"`` → held skills. Raises ValueError naming the bad item."""
    out = []
    for item in (s.strip() for s in re.split(r"[;\n|]", text or "")):
        if not item:
            continue
        if ":" not in item:
            raise ValueError(f"skill {item!r} has no level (write 'label:2')")
        label, raw = (x.strip() for x in item.rsplit(":", 1))
        level = int(raw) if raw.isdigit() else LEVELS.get(raw.lower())
        if level is None or not 1 <= level <= 4 or not label:
            raise ValueError(f"bad level {raw!r} for skill {label!r} (use 1-4 or aware/assisted/autonomous/expert)")
        out.append(HeldSkill(uri=label, level=level) if label.startswith("http") else HeldSkill(label=label, level=level))
    return out


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unescape_cell(str(value).strip())


def _value(key: str, value: object) -> object:
    """A cell of column ``key``: text, except XLSX numbers in :data:`NUMBERS` (kept as numbers)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if key in NUMBERS:
            return value
        if key == "postcode" and float(value).is_integer() and 0 < value < 100000:
            return f"{int(value):05d}"  # Excel drops the leading zero of 01000
    return _cell(value)


def _rows_csv(path: Path) -> tuple[list[str], list[list[object]]]:
    text = decode_text(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return (rows[0] if rows else []), rows[1:]


def _rows_xlsx(path: Path) -> tuple[list[str], list[list[object]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    return ([_cell(h) for h in rows[0]] if rows else []), rows[1:]


def read_cohort(path: Path | str, catalogue: Catalogue, *, cache_dir: str | None = None,
                default_job: str | None = None) -> tuple[list[CohortMember], list[RowError]]:
    """Valid members and one :class:`RowError` per bad row (row 1 = header).

    Raises
    ------
    InputError
        When the file cannot be read, has no header, misses a required column or holds no row.
    """
    path = Path(path)
    try:
        header, rows = _rows_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(path)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, csv.Error, zipfile.BadZipFile) as exc:  # zip/xml errors
        kind = "an XLSX workbook" if path.suffix.lower() in (".xlsx", ".xlsm") else "a CSV file"
        raise InputError(f"cannot read cohort file as {kind}: {exc}", file=str(path)) from None
    keys = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    required = ["id", "hours_per_week"] + ([] if default_job else ["target_job"])
    for col in required:
        if col not in keys:
            raise InputError(f"missing column {col!r} (expected: {', '.join(COLUMNS)})", file=str(path),
                             field=col, line=1)
    records = [(n, {k: _value(k, v) for k, v in zip(keys, r)}) for n, r in enumerate(rows, start=2)
               if any(_cell(v) for v in r)]
    if not records:
        raise InputError("no data row under the header", file=str(path), line=2)
    return parse_records(records, catalogue, file=str(path), cache_dir=cache_dir, default_job=default_job)


def parse_records(records: Iterable[tuple[int, dict[str, object]]], catalogue: Catalogue, *,
                  file: str | None = None, cache_dir: str | None = None, default_job: str | None = None
                  ) -> tuple[list[CohortMember], list[RowError]]:
    """Validate ``(row number, column → cell)`` records; see :func:`read_cohort`.

    Cells are text, or numbers for the columns of :data:`NUMBERS`; a text number is read with
    :func:`curriculum.tabular.parse_number` and a bad one is a :class:`RowError` on its column.
    """
    members: list[CohortMember] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for row, rec in records:
        rid = rec.get("id") or None

        def err(field: str, message: str) -> None:
            errors.append(RowError(row=row, field=field, message=message, file=file, learner_id=rid))

        problems = len(errors)
        if not rid:
            err("id", "missing id")
        elif rid in seen:
            err("id", f"duplicate id {rid!r}")
        job = rec.get("target_job") or default_job
        if not job:
            err("target_job", "missing target job")
        elif catalogue.find_job(job) is None:
            err("target_job", f"unknown job {job!r}; see `curriculum jobs`")
        if rec.get("hours_per_week") in (None, ""):
            err("hours_per_week", "missing hours per week")
        numbers: dict[str, float | None] = {}
        for key in NUMBERS:
            raw = rec.get(key)
            try:
                numbers[key] = None if raw in (None, "") else parse_number(raw, file=file, row=row, field=key)
            except NumberError as exc:
                err(key, exc.message)
        try:
            skills = parse_skills(rec.get("skills", ""))
        except ValueError as exc:
            err("skills", str(exc))
            skills = []
        lat, lon = numbers.get("lat"), numbers.get("lon")
        if rec.get("lat") in (None, "") or rec.get("lon") in (None, ""):
            try:
                resolve_city(rec.get("city") or None, rec.get("postcode") or None, cache_dir=cache_dir, file=file)
            except InputError as exc:
                err("city", exc.message)
        if len(errors) > problems:
            continue
        data = {"row": row, "learner_id": rid, "name": rec.get("name") or None,
                "company": rec.get("company") or None, "site": rec.get("site") or None,
                "city": rec.get("city") or None, "postcode": rec.get("postcode") or None, "lat": lat, "lon": lon,
                "skills": skills, "certifications": [c.strip() for c in re.split(r"[;,|]", rec.get("certifications", ""))
                                                     if c.strip()],
                "hours_per_week": numbers["hours_per_week"], "target_job": job,
                "mobility_km": 50 if numbers["mobility_km"] is None else numbers["mobility_km"],
                "budget_eur": numbers["budget_eur"]}
        try:
            members.append(CohortMember.model_validate(data))
            seen.add(rid)  # type: ignore[arg-type]
        except ValidationError as exc:
            for e in exc.errors():
                err(str(e["loc"][0]) if e["loc"] else "row", f"{e['msg']} (got {e.get('input')!r})")
    return members, errors


def load_programme_settings(path: Path | str) -> ProgrammeSettings:
    """Validate a settings YAML (see ``examples/cohort/settings.yaml``).

    Raises
    ------
    InputError
        Naming the file and the first bad field.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read settings: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("settings must be a YAML mapping (key: value)", file=str(path))
    try:
        return ProgrammeSettings.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise InputError(e["msg"], file=str(path), field=".".join(map(str, e["loc"])) or None) from None
