"""Spreadsheet catalogues (company academies, training bodies): CSV or XLSX with their own columns —
profiles, reading, and the French cell formats (dates, durations, modalities).

A **profile** says which column holds which field; it is saved in the knowledge base
(``<kb>/import_profiles/<name>.yaml``) and reused for the next export of the same spreadsheet::

    profile = SheetProfile(name="academie-stellantis", columns={"title": "Intitulé", "duration": "Durée (h)"})
    save_profile(kb_dir, profile)
    modules, issues = import_sheet(path, catalogue, load_profile(kb_dir, "academie-stellantis"))
    # import_sheet: curriculum.knowledge.sheet_import (the rows → modules logic)

Fields (:data:`SHEET_FIELDS`; any may be missing): ``id``, ``title``, ``summary``, ``objectives``,
``content``, ``domain``, ``language``, ``duration`` (hours; or text such as ``21 h``, ``3 jours``,
``2 semaines`` — converted by the LHEO rules, and the module is flagged ``hours_estimate``), ``price``
(EUR excl. VAT, French formats ``1 234,50 €``), ``modality`` (``présentiel``, ``distanciel``,
``mixte``, ``alternance``, ``AFEST``… or the schema's names), ``provider``, ``city``, ``postcode``,
``lat``, ``lon``, ``session_start``, ``session_end`` (``03/03/2027``, ``3 mars 2027``, ISO, Excel
dates; day first unless the profile says otherwise), ``seats``, ``skills`` (``;``-separated ESCO URIs
or taxonomy labels, each optionally ``:level`` 1–4), ``certification`` (a code of the certification
rules, or free text), ``rncp``, ``rs``, ``rome`` (codes, ``;``-separated), ``prerequisites`` (text).
Columns the profile does not name are found by their usual French or English headers
(:func:`guess_columns`). Several rows with the same ``id`` are one module with one session per row.

Tags: skills the spreadsheet names and the taxonomy knows become outcomes; anything else goes to the
offer tagger (:mod:`curriculum.knowledge.offer_tagger`), and a module whose tags are not confident
is imported as a draft for review (``curriculum kb review``) — never rejected for lack of tags.
Every module carries an :class:`~curriculum.models.Origin` (feed = profile name, key = the ``id``
cell) so a re-import updates it. Issues name the file, the sheet row (header = row 1) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import yaml
from dateutil import parser as dateparser
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from curriculum.errors import InputError
from curriculum.knowledge.sheet_fields import SHEET_FIELDS
from curriculum.retrieval.skill_mapping import normalise_label
from curriculum.tabular import decode_text, parse_number

MODALITIES = {"in_person": ("presentiel", "in person", "in_person", "sur site", "en centre", "inter", "intra"),
              "online": ("distanciel", "a distance", "en ligne", "online", "e learning", "fad", "classe virtuelle"),
              "blended": ("mixte", "hybride", "blended", "multimodal", "presentiel et distanciel"),
              "work_study": ("alternance", "work study", "work_study", "apprentissage", "contrat de professionnalisation"),
              "workplace": ("afest", "workplace", "en situation de travail", "sur poste")}
_FR_MONTHS = [("janv", "janvier"), ("fevr", "fevrier", "févr", "février"), ("mars",), ("avr", "avril"), ("mai",),
              ("juin",), ("juil", "juillet"), ("aout", "août"), ("sept", "septembre"), ("oct", "octobre"),
              ("nov", "novembre"), ("dec", "decembre", "déc", "décembre")]


class SheetProfile(BaseModel):
    """A saved column mapping. ``columns``: field of :data:`SHEET_FIELDS` → header text (as in the
    file); ``defaults``: field → value used when the cell is empty (e.g. ``provider``); ``day_first``:
    ``03/04/2027`` is 3 April (French) unless False; ``sheet``: XLSX sheet name (default: the first)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$")
    columns: dict[str, str] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict)
    day_first: bool = True
    sheet: str | None = None
    seats: int = Field(10, ge=0, description="seats of a session when the sheet gives none")


class _FrenchDates(dateparser.parserinfo):
    """dateutil's parser with French month names (with and without accents) beside the English ones."""

    MONTHS = [(*english, *french) for english, french in zip(dateparser.parserinfo.MONTHS, _FR_MONTHS)]
    WEEKDAYS = [(*english, french, french[:3]) for english, french in
                zip(dateparser.parserinfo.WEEKDAYS, ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"))]


# ---------------------------------------------------------------------------------------- profiles


def _profile_path(kb_dir: Path, name: str) -> Path:
    return Path(kb_dir) / "import_profiles" / f"{name}.yaml"


def save_profile(kb_dir: Path, profile: SheetProfile) -> Path:
    """Write ``profile`` to ``<kb_dir>/import_profiles/<name>.yaml`` (atomically) and return the path."""
    from curriculum.knowledge.editing import atomic_write_text

    unknown = sorted(set(profile.columns) - set(SHEET_FIELDS))
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(SHEET_FIELDS)}", field="columns")
    path = _profile_path(kb_dir, profile.name)
    try:
        atomic_write_text(path, yaml.safe_dump(profile.model_dump(exclude_defaults=False), allow_unicode=True,
                                               sort_keys=False))
    except OSError as exc:
        raise InputError(f"cannot save the import profile: {exc}", file=str(path)) from exc
    return path


def load_profile(kb_dir: Path, name: str) -> SheetProfile:
    """The profile saved as ``name``. Raises :class:`InputError` when it is missing or invalid."""
    path = _profile_path(kb_dir, name)
    if not path.is_file():
        known = ", ".join(list_profiles(kb_dir)) or "none saved yet"
        raise InputError(f"no import profile named {name!r} (known: {known})", file=str(path))
    try:
        return SheetProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"invalid import profile: {exc}", file=str(path)) from exc


def list_profiles(kb_dir: Path) -> list[str]:
    """Names of the saved profiles, sorted."""
    return sorted(p.stem for p in (Path(kb_dir) / "import_profiles").glob("*.yaml"))


# ------------------------------------------------------------------------------------------- reading


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and data rows of a CSV (``;``, ``,`` or tab; UTF-8 or Windows-1252) or XLSX file, as
    ``(headers, [(sheet row number, cells)])`` — the header is row 1. Empty rows are skipped.

    Raises
    ------
    InputError
        When the file cannot be read, is not CSV/XLSX, has no header, or the sheet does not exist.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    if raw[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(raw, path, sheet)
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise InputError("not an XLSX workbook (save it as .xlsx, or as CSV)", file=str(path))
    else:
        text = decode_text(raw)
        try:
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=dialect.delimiter))
        except csv.Error as exc:  # binary junk, stray NUL or carriage returns
            raise InputError(f"not a readable CSV file: {exc}", file=str(path)) from exc
    numbered = [(n, r) for n, r in enumerate(rows, 1) if any(str(c).strip() for c in r if c is not None)]
    if not numbered:
        raise InputError("the file has no header row", file=str(path), line=1)
    (_, header), data = numbered[0], numbered[1:]
    return [str(h or "").strip() for h in header], data


def _xlsx_rows(raw: bytes, path: Path, sheet: str | None) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"cannot read the workbook: {exc}", file=str(path)) from exc
    if sheet is not None and sheet not in wb.sheetnames:
        raise InputError(f"no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})", file=str(path), field="sheet")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def guess_columns(headers: list[str], profile: SheetProfile | None = None) -> dict[str, int]:
    """Field → column index: the profile's headers first, then the usual headers of :data:`SHEET_FIELDS`.

    Raises
    ------
    InputError
        When a header the profile names is not in the file (the profile no longer fits it).
    """
    norm = [normalise_label(h) for h in headers]
    unknown = sorted(set(profile.columns) - set(SHEET_FIELDS)) if profile else []
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)} in the column mapping; fields: {', '.join(SHEET_FIELDS)}",
                         field="columns")
    found: dict[str, int] = {}
    for fld, header in (profile.columns if profile else {}).items():
        key = normalise_label(header)
        if key not in norm:
            raise InputError(f"profile {profile.name!r}: column {header!r} (for {fld}) is not in the file; "
                             f"columns: {', '.join(h for h in headers if h)}", field=f"columns.{fld}")
        found[fld] = norm.index(key)
    for fld, names in SHEET_FIELDS.items():
        if fld not in found:
            hit = next((i for i, h in enumerate(norm) if h in names and i not in found.values()), None)
            if hit is not None:
                found[fld] = hit
    return found


def parse_date(value: Any, *, day_first: bool = True) -> dt.date:
    """A date from a cell: a date/datetime (XLSX), an Excel serial number, ISO ``2027-03-03``, French
    ``03/03/2027``, ``3/3/27``, ``3 mars 2027``, ``03.03.2027``. Raises ``ValueError`` naming the text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # Excel's day numbers
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    why = f"not a date: {text!r} (write e.g. 03/03/2027 or 2027-03-03)"
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", text)
    if numeric and day_first and int(numeric.group(2)) > 12:
        raise ValueError(f"{text!r} is not a day-first date (month {numeric.group(2)}?): this file's dates are read "
                         "day first, 03/04/2027 = 3 April 2027 (set day_first: false in its profile for month-first)")
    text = re.sub(r"\b1(er|re)\b", "1", text, flags=re.IGNORECASE)
    if len(re.findall(r"\d+", text)) < 2:  # a day and a year at least: dateutil would fill them from today
        raise ValueError(why)
    try:
        found = dateparser.parse(text, parserinfo=_FrenchDates(dayfirst=day_first), default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError) as exc:
        raise ValueError(why) from exc
    if found.year == 1:
        raise ValueError(why)
    return found.date()


def parse_hours(value: Any) -> tuple[float, str | None]:
    """Hours from a duration cell, and the estimate note when converted from other units — the same
    rules as LHEO's ``duree-indicative`` (:func:`curriculum.knowledge.lheo_fields.parse_indicative`:
    7 h a day, 35 h a week, 151.67 h a month, 1 200 h a school year). ``21`` / ``21 h`` / ``21,5 heures``
    → (21, None); ``3 jours`` → (21, "'3 jours': 7 h per day …"). Raises ``ValueError`` otherwise."""
    from curriculum.knowledge.lheo_fields import parse_indicative

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), None
    text = str(value).strip()
    try:
        return parse_number(text), None  # a bare number is hours
    except ValueError:
        pass
    found = parse_indicative(text)
    if found is None:
        raise ValueError(f"not a duration: {value!r} (write hours, e.g. 21 or 21 h, or 3 jours)")
    hours, rule = found
    return hours, f"{text!r}: {rule}" if rule else None


def modality_of(value: str) -> str:
    """The module modality of a cell (see :data:`MODALITIES`). Raises ``ValueError`` when unknown."""
    key = normalise_label(value)
    for modality, names in MODALITIES.items():
        if key in names:
            return modality
    known = ", ".join(n for names in MODALITIES.values() for n in names[:2])
    raise ValueError(f"unknown modality {value!r} (e.g. {known})")

