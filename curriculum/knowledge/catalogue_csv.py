"""CSV catalogue import and export (with a column mapping).

CSV cells holding lists use ``;`` between items: ``outcomes`` / ``prerequisite_skills`` are
``uri:level;uri:level``; ``prerequisite_modules`` is ``id;id``; ``prerequisite_certifications`` is
``code;code`` (certification codes or rule classes such as ``HAB-VL-ELEC``); ``prerequisite_competences``
is ``name;name`` (competences of the certification rules, e.g. ``ELEC-BASICS``); ``places`` is
``city|postcode|region|basin|lat|lon;…`` (empty lat/lon: the city is resolved offline);
``sessions`` is ``start|end|place|seats;…`` (ISO dates). Units: hours, EUR, km, levels 1–4.
The certification is ``certification_code`` / ``_label`` / ``_standard`` / ``_issuer_note`` /
``_renewal`` (``true``/``false``) / ``_source``; funding is ``funding_register`` (``RNCP…``/``RS…``),
``funding_cpf_eligible`` (``true``/``false``), ``funding_remainder_eur`` (EUR) and ``funding_note``
(a row with every ``funding_*`` cell empty has no funding). Columns missing from a file (older
exports) take the schema defaults. Yes/no cells accept ``true``/``false``, ``1``/``0``,
``yes``/``no``, ``oui``/``non``, ``vrai``/``faux``.
Importers return ``(modules, issues)``; one broken record never stops the others.

CSV numbers are read the French way (``7,5``, ``1 234,5``, ``1 200 €``; see
:func:`curriculum.tabular.parse_number`); CSV files may be UTF-8 (with or without BOM) or
Windows-1252. Exported text cells are neutralised against formula injection
(:func:`curriculum.tabular.safe_cell`) and read back without the guard quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.geo import resolve_city
from curriculum.models import Module
from curriculum.tabular import csv_text, decode_text, parse_number, unescape_cell

FIELDS = ("id", "title", "language", "summary", "domain", "duration_hours", "cost_eur", "modality", "provider",
          "eqf_level", "illustrative", "version", "places", "sessions", "outcomes", "prerequisite_skills",
          "prerequisite_modules", "prerequisite_certifications", "prerequisite_competences", "certification_code",
          "certification_label", "certification_standard", "certification_issuer_note", "certification_renewal", "certification_source",
          "funding_register", "funding_cpf_eligible", "funding_remainder_eur", "funding_note", "body")
"""CSV columns of :func:`export_csv`, and the module fields :func:`import_csv` maps columns to."""
FUNDING_FIELDS = ("funding_register", "funding_cpf_eligible", "funding_remainder_eur", "funding_note")
_TRUE = ("1", "true", "yes", "oui", "vrai", "y", "o")
_FALSE = ("0", "false", "no", "non", "faux", "n")


def _items(cell: str | None, width: int = 0) -> list:
    parts = [p.strip() for p in (cell or "").split(";") if p.strip()]
    return [(p.split("|") + [""] * width)[:width] for p in parts] if width else parts


def _skills(cell: str | None) -> list[dict]:
    out = []
    for uri, _, level in (item.rpartition(":") for item in _items(cell)):
        if not uri or not level.strip().isdigit():
            raise _CellError(f"expected 'uri:level', got {uri + ':' + level!r}")
        out.append({"skill": uri.strip(), "level": int(level)})
    return out


def _places(cell: str | None, cache_dir: str | None) -> list[dict]:
    out = []
    for city, postcode, region, basin, lat, lon in _items(cell, 6):
        if not (lat and lon):
            try:
                lat, lon = resolve_city(city, postcode or None, cache_dir=cache_dir)
            except InputError as exc:
                raise _CellError(exc.message) from exc
        out.append({"city": city, "postcode": postcode or None, "region": region or None,
                    "basin": basin or None, "lat": parse_number(lat), "lon": parse_number(lon)})
    return out


class _CellError(ValueError):
    """A list cell that cannot be parsed; ``cell`` is set by the caller."""

    cell = ""


def _flag(cell: str | None) -> bool:
    if cell is None:
        return False
    value = cell.strip().lower()
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise _CellError(f"expected true or false (or oui/non), got {cell!r}")


def _number(integer: bool = False):
    return lambda cell: None if cell is None else parse_number(cell, integer=integer)


def _row_to_data(get, cache_dir: str | None) -> dict:
    def cell(name: str, conv):
        try:
            return conv(get(name))
        except ValueError as exc:  # NumberError and _CellError included
            err = exc if isinstance(exc, _CellError) else _CellError(str(exc))
            err.cell = name
            raise err from exc

    data: dict = {k: get(k) for k in ("id", "title", "language", "summary", "domain", "modality", "provider", "body")}
    data["illustrative"] = (get("illustrative") or "false").lower() in ("1", "true", "yes", "oui", "vrai")
    for name, integer in (("duration_hours", False), ("cost_eur", False), ("eqf_level", True), ("version", True)):
        data[name] = cell(name, _number(integer))
    data["places"] = cell("places", lambda c: _places(c, cache_dir))
    data["outcomes"] = cell("outcomes", _skills)
    data["sessions"] = cell("sessions", lambda c: [dict(start=a, end=b, place=p or None,
                                                        seats=parse_number(n, integer=True) if n else 10)
                                                   for a, b, p, n in _items(c, 4)])
    data["prerequisites"] = {"skills": cell("prerequisite_skills", _skills),
                             "modules": cell("prerequisite_modules", _items),
                             "certifications": cell("prerequisite_certifications", _items),
                             "competences": cell("prerequisite_competences", _items)}
    if get("certification_code"):
        data["certification"] = {"code": get("certification_code"), "label": get("certification_label") or
                                 get("certification_code"), "standard": get("certification_standard"),
                                 "issuer_note": get("certification_issuer_note"),
                                 "renewal": cell("certification_renewal", _flag), "source": get("certification_source")}
    if any(get(name) for name in FUNDING_FIELDS):
        data["funding"] = {"register": get("funding_register"), "cpf_eligible": cell("funding_cpf_eligible", _flag),
                           "remainder_eur": cell("funding_remainder_eur", _number()), "note": get("funding_note")}
    return {k: v for k, v in data.items() if v not in (None, "")}


_GROUPS = {"prerequisites": "prerequisite", "certification": "certification", "funding": "funding"}


def _column(loc: tuple) -> tuple[str, tuple]:
    """The CSV field (of :data:`FIELDS`) a validation error location points at, and the rest of it:
    ``("funding", "remainder_eur")`` → ``("funding_remainder_eur", ())``."""
    if len(loc) >= 2 and f"{_GROUPS.get(str(loc[0]))}_{loc[1]}" in FIELDS:
        return f"{_GROUPS[str(loc[0])]}_{loc[1]}", tuple(loc[2:])
    return (str(loc[0]) if loc else ""), tuple(loc[1:])


def import_csv(path: Path, mapping: dict[str, str] | None = None, *,
               cache_dir: str | None = None) -> tuple[list[Module], list[KnowledgeBaseError]]:
    """Read a CSV catalogue (``;``, ``,`` or tab, detected; UTF-8, UTF-8 with BOM or Windows-1252).
    ``mapping`` maps a module field of :data:`FIELDS` to the CSV column holding it (default: same
    name). Numbers (``duration_hours`` in hours, ``cost_eur`` in EUR, ``eqf_level``, ``version``,
    session seats, place lat/lon) may be written the French way (``7,5``, ``1 234,5``, ``1 200 €``).
    Issues name the CSV line and column (a bad number: "not a number: …").

    Raises
    ------
    InputError
        When the file cannot be read or has no header.
    """
    mapping = {**{f: f for f in FIELDS}, **(mapping or {})}
    try:
        text = decode_text(Path(path).read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect.delimiter)
    if not reader.fieldnames:
        raise InputError("CSV file has no header row", file=str(path), line=1)
    modules, issues = [], []
    for row in reader:
        line = reader.line_num

        def get(name: str, row: dict = row) -> str | None:
            value = row.get(mapping.get(name, name))
            return unescape_cell(value.strip()) if isinstance(value, str) and value.strip() else None
        try:
            modules.append(Module.model_validate(_row_to_data(get, cache_dir)))
        except _CellError as exc:
            issues.append(KnowledgeBaseError(str(exc), file=str(path), line=line, field=mapping[exc.cell]))
        except ValidationError as exc:
            for err in exc.errors():
                top, rest = _column(err["loc"])
                col = mapping.get(top, top)
                rest = ".".join(map(str, rest))
                issues.append(KnowledgeBaseError(err["msg"], file=str(path), line=line,
                                                 field=f"{col}.{rest}" if rest else col or None))
    return modules, issues


def export_csv(modules: Iterable[Module], *, dialect: str = "rfc") -> str:
    """CSV text (header :data:`FIELDS`, one row per module) that :func:`import_csv` reads back.

    ``dialect="rfc"`` (default): comma-separated UTF-8; ``"excel-fr"``: ``;``-separated, starting
    with the UTF-8 BOM, decimal comma in number cells (``duration_hours``, ``cost_eur``,
    ``funding_remainder_eur``). Yes/no cells are ``true``/``false``; the ``funding_*`` cells of a
    module without funding, and the ``certification_*`` cells of one without certification, are empty. Text cells
    starting with ``=``, ``+``, ``-``, ``@``, tab or CR get a leading ``'`` (removed on import). List
    cells keep their own ``;`` / ``|`` separators (the CSV quoting protects them).

    Raises
    ------
    ValueError
        For an unknown ``dialect``.
    """
    rows = []
    for m in modules:
        row = m.model_dump(mode="json", include={"id", "title", "language", "summary", "domain", "duration_hours",
                                                 "cost_eur", "modality", "provider", "eqf_level", "version"})
        cert, fund = m.certification, m.funding
        record = {**row, "body": m.body, "illustrative": str(m.illustrative).lower(),
                  "places": ";".join("|".join("" if v is None else str(v) for v in
                                              (p.city, p.postcode, p.region, p.basin, p.lat, p.lon)) for p in m.places),
                  "sessions": ";".join(f"{s.start}|{s.end}|{s.place or ''}|{s.seats}" for s in m.sessions),
                  "outcomes": ";".join(f"{o.skill}:{o.level}" for o in m.outcomes),
                  "prerequisite_skills": ";".join(f"{o.skill}:{o.level}" for o in m.prerequisites.skills),
                  "prerequisite_modules": ";".join(m.prerequisites.modules),
                  "prerequisite_certifications": ";".join(m.prerequisites.certifications),
                  "prerequisite_competences": ";".join(m.prerequisites.competences)}
        if cert:
            record |= {"certification_code": cert.code, "certification_label": cert.label,
                       "certification_standard": cert.standard, "certification_issuer_note": cert.issuer_note,
                       "certification_renewal": str(cert.renewal).lower(), "certification_source": cert.source}
        if fund:
            record |= {"funding_register": fund.register_code, "funding_cpf_eligible": str(fund.cpf_eligible).lower(),
                       "funding_remainder_eur": fund.remainder_eur, "funding_note": fund.note}
        rows.append([record.get(f) for f in FIELDS])
    return csv_text(FIELDS, rows, dialect=dialect)


