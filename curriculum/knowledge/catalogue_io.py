"""Catalogue imports and exports: CSV (with a column mapping), schema.org ``Course`` JSON-LD, and
writing modules as knowledge-base files.

CSV cells holding lists use ``;`` between items: ``outcomes`` / ``prerequisite_skills`` are
``uri:level;uri:level``; ``prerequisite_modules`` is ``id;id``; ``places`` is
``city|postcode|region|basin|lat|lon;…`` (empty lat/lon: the city is resolved offline);
``sessions`` is ``start|end|place|seats;…`` (ISO dates). Units: hours, EUR, km, levels 1–4.
Importers return ``(modules, issues)``; one broken record never stops the others.

CSV numbers are read the French way (``7,5``, ``1 234,5``, ``1 200 €``; see
:func:`curriculum.tabular.parse_number`); CSV files may be UTF-8 (with or without BOM) or
Windows-1252. Exported text cells are neutralised against formula injection
(:func:`curriculum.tabular.safe_cell`) and read back without the guard quote.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.geo import resolve_city
from curriculum.knowledge.editing import WriteReport, write_modules  # noqa: F401 - part of this API
from curriculum.models import Module, TaxonomySkill
from curriculum.models.skills import LEVEL_LABELS
from curriculum.tabular import NumberError, csv_text, decode_text, parse_number, unescape_cell

FIELDS = ("id", "title", "language", "summary", "domain", "duration_hours", "cost_eur", "modality", "provider",
          "eqf_level", "illustrative", "version", "places", "sessions", "outcomes", "prerequisite_skills",
          "prerequisite_modules", "certification_code", "certification_label", "certification_standard",
          "certification_issuer_note", "body")
MODULE_IRI = "urn:curriculum:module:"
COURSE_MODE = {"in_person": "onsite", "online": "online", "blended": "blended", "workplace": "workplace"}
MODALITY = {v: k for k, v in COURSE_MODE.items()}


# ---------------------------------------------------------------------------------------------- CSV


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


def _row_to_data(get, cache_dir: str | None) -> dict:
    data: dict = {k: get(k) for k in ("id", "title", "language", "summary", "domain", "duration_hours",
                                       "cost_eur", "modality", "provider", "eqf_level", "version", "body")}
    data["illustrative"] = (get("illustrative") or "false").lower() in ("1", "true", "yes", "oui", "vrai")
    for cell, integer in (("duration_hours", False), ("cost_eur", False), ("eqf_level", True), ("version", True)):
        if data[cell] is not None:
            try:
                data[cell] = parse_number(data[cell], integer=integer)
            except NumberError as exc:
                err = _CellError(exc.message)
                err.cell = cell
                raise err from exc
    for cell, conv in (("places", lambda c: _places(c, cache_dir)), ("outcomes", _skills),
                       ("sessions", lambda c: [dict(start=a, end=b, place=p or None,
                                                    seats=parse_number(n, integer=True) if n else 10)
                                               for a, b, p, n in _items(c, 4)]),
                       ("prerequisite_skills", _skills), ("prerequisite_modules", _items)):
        try:
            data[cell] = conv(get(cell))
        except ValueError as exc:
            err = exc if isinstance(exc, _CellError) else _CellError(str(exc))
            err.cell = cell
            raise err from exc
    data["prerequisites"] = {"skills": data.pop("prerequisite_skills"), "modules": data.pop("prerequisite_modules")}
    if get("certification_code"):
        data["certification"] = {"code": get("certification_code"), "label": get("certification_label") or
                                 get("certification_code"), "standard": get("certification_standard"),
                                 "issuer_note": get("certification_issuer_note")}
    return {k: v for k, v in data.items() if v not in (None, "")}


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
                top = str(err["loc"][0]) if err["loc"] else ""
                col = mapping.get(top, top)
                rest = ".".join(map(str, err["loc"][1:]))
                issues.append(KnowledgeBaseError(err["msg"], file=str(path), line=line,
                                                 field=f"{col}.{rest}" if rest else col or None))
    return modules, issues


def export_csv(modules: Iterable[Module], *, dialect: str = "rfc") -> str:
    """CSV text (header :data:`FIELDS`, one row per module) that :func:`import_csv` reads back.

    ``dialect="rfc"`` (default): comma-separated UTF-8; ``"excel-fr"``: ``;``-separated, starting
    with the UTF-8 BOM, decimal comma in number cells (``duration_hours``, ``cost_eur``). Text cells
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
        cert = (m.certification.model_dump() if m.certification else {})
        record = {**row, **{f"certification_{k}": v for k, v in cert.items()}, "body": m.body,
                  "illustrative": str(m.illustrative).lower(),
                  "places": ";".join("|".join("" if v is None else str(v) for v in
                                              (p.city, p.postcode, p.region, p.basin, p.lat, p.lon)) for p in m.places),
                  "sessions": ";".join(f"{s.start}|{s.end}|{s.place or ''}|{s.seats}" for s in m.sessions),
                  "outcomes": ";".join(f"{o.skill}:{o.level}" for o in m.outcomes),
                  "prerequisite_skills": ";".join(f"{o.skill}:{o.level}" for o in m.prerequisites.skills),
                  "prerequisite_modules": ";".join(m.prerequisites.modules)}
        rows.append([record.get(f) for f in FIELDS])
    return csv_text(FIELDS, rows, dialect=dialect)


# ------------------------------------------------------------------------------------------ JSON-LD


def _term(skill: str, level: int, taxonomy: dict[str, TaxonomySkill]) -> dict:
    entry = taxonomy.get(skill)
    return {"@type": "DefinedTerm", "termCode": skill, "inDefinedTermSet": entry.source if entry else "ESCO v1.1.1",
            "name": entry.label("en") if entry else skill, "description": f"level {level} ({LEVEL_LABELS[level]})"}


def _place(p) -> dict:
    return {"@type": "Place", "name": p.city,
            "address": {"@type": "PostalAddress", "addressLocality": p.city, "postalCode": p.postcode,
                        "addressRegion": p.region, "addressCountry": "FR"},
            "containedInPlace": {"@type": "AdministrativeArea", "name": p.basin} if p.basin else None,
            "geo": {"@type": "GeoCoordinates", "latitude": p.lat, "longitude": p.lon}}


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items() if v is not None}
    return [_clean(v) for v in obj] if isinstance(obj, list) else obj


def course(m: Module, taxonomy: dict[str, TaxonomySkill] | None = None) -> dict:
    """One schema.org ``Course`` for a module (``@id`` = ``urn:curriculum:module:<id>``)."""
    tax = taxonomy or {}
    where = {p.city: p for p in m.places}
    mode = COURSE_MODE[m.modality.value]
    instances = [{"@type": "CourseInstance", "courseMode": mode, "startDate": str(s.start), "endDate": str(s.end),
                  "maximumAttendeeCapacity": s.seats,
                  "location": _place(where[s.place]) if s.place in where else None} for s in m.sessions]
    if not m.sessions:
        instances = [{"@type": "CourseInstance", "courseMode": mode, "location": _place(p)} for p in m.places]
    cert = m.certification
    return _clean({
        "@type": "Course", "@id": MODULE_IRI + m.id, "courseCode": m.id, "name": m.title, "description": m.summary,
        "inLanguage": m.language, "keywords": m.domain, "courseMode": mode, "version": m.version,
        "creativeWorkStatus": "illustrative" if m.illustrative else None,
        "provider": {"@type": "Organization", "name": m.provider},
        "educationalLevel": {"@type": "DefinedTerm", "termCode": str(m.eqf_level), "inDefinedTermSet": "EQF"}
        if m.eqf_level else None,
        "timeRequired": f"PT{m.duration_hours:g}H",
        "offers": {"@type": "Offer", "price": m.cost_eur, "priceCurrency": "EUR", "category": "per learner, excl. VAT"},
        "teaches": [_term(o.skill, o.level, tax) for o in m.outcomes],
        "coursePrerequisites": [_term(p.skill, p.level, tax) for p in m.prerequisites.skills]
        + [{"@id": MODULE_IRI + p} for p in m.prerequisites.modules],
        "educationalCredentialAwarded": {"@type": "EducationalOccupationalCredential", "identifier": cert.code,
                                         "name": cert.label, "description": cert.issuer_note,
                                         "about": {"@type": "Thing", "name": cert.standard} if cert.standard else None}
        if cert else None,
        "spatialCoverage": [_place(p) for p in m.places] or None,
        "hasCourseInstance": instances, "text": m.body or None})


def export_jsonld(modules: Iterable[Module], taxonomy: dict[str, TaxonomySkill] | None = None) -> dict:
    """``{"@context": "https://schema.org", "@graph": [Course, …]}`` for ``modules``."""
    return {"@context": "https://schema.org", "@graph": [course(m, taxonomy) for m in modules]}


def _list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _jsonld_place(p: dict, cache_dir: str | None) -> dict:
    addr, geo = p.get("address") or {}, p.get("geo") or {}
    city = addr.get("addressLocality") or p.get("name")
    lat, lon = geo.get("latitude"), geo.get("longitude")
    if lat is None or lon is None:
        lat, lon = resolve_city(city, addr.get("postalCode"), cache_dir=cache_dir)
    return {"city": city, "postcode": addr.get("postalCode"), "region": addr.get("addressRegion"),
            "basin": (p.get("containedInPlace") or {}).get("name"), "lat": float(lat), "lon": float(lon)}


def _level(term: dict, default: int = 2) -> int:
    m = re.search(r"level\s*([1-4])", str(term.get("description", "")))
    return int(m.group(1)) if m else default


def _course_to_data(c: dict, cache_dir: str | None) -> dict:
    code = c.get("courseCode") or re.split(r"[:/#]", str(c.get("@id", "")))[-1]
    hours = re.fullmatch(r"P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?", c.get("timeRequired", ""))
    offer = (_list(c.get("offers")) or [{}])[0]
    places = [_jsonld_place(p, cache_dir) for p in _list(c.get("spatialCoverage"))]
    sessions = []
    for inst in _list(c.get("hasCourseInstance")):
        loc = _jsonld_place(inst["location"], cache_dir) if inst.get("location") else None
        if loc and loc["city"] not in {p["city"] for p in places}:
            places.append(loc)
        if inst.get("startDate"):
            sessions.append({"start": inst["startDate"][:10], "end": (inst.get("endDate") or inst["startDate"])[:10],
                             "place": loc["city"] if loc else None, "seats": inst.get("maximumAttendeeCapacity", 10)})
    mode = c.get("courseMode") or next((i.get("courseMode") for i in _list(c.get("hasCourseInstance"))), "onsite")
    terms = lambda key: [{"skill": t.get("termCode") or t.get("@id") or t.get("url"), "level": _level(t)}  # noqa: E731
                         for t in _list(c.get(key)) if isinstance(t, dict) and t.get("@type") == "DefinedTerm"]
    cert = c.get("educationalCredentialAwarded")
    cert = cert[0] if isinstance(cert, list) and cert else cert
    level = c.get("educationalLevel")
    return _clean({
        "id": code, "title": c.get("name"), "summary": c.get("description", ""), "language": c.get("inLanguage", "fr"),
        "domain": c.get("keywords") or "general", "version": c.get("version", 1),
        "illustrative": c.get("creativeWorkStatus") == "illustrative", "provider": (c.get("provider") or {}).get("name"),
        "modality": MODALITY.get(mode, mode), "eqf_level": int(level["termCode"]) if isinstance(level, dict) else None,
        "duration_hours": (float(hours.group(1) or 0) * 7 + float(hours.group(2) or 0) + float(hours.group(3) or 0) / 60)
        if hours and any(hours.groups()) else None,
        "cost_eur": offer.get("price"), "outcomes": terms("teaches"), "places": places, "sessions": sessions,
        "prerequisites": {"skills": terms("coursePrerequisites"),
                          "modules": [str(p["@id"]).removeprefix(MODULE_IRI) for p in _list(c.get("coursePrerequisites"))
                                      if isinstance(p, dict) and set(p) == {"@id"}]},
        "certification": {"code": cert.get("identifier"), "label": cert.get("name"), "issuer_note": cert.get("description"),
                          "standard": (cert.get("about") or {}).get("name")} if isinstance(cert, dict) else None,
        "body": c.get("text", "")})


def import_jsonld(path: Path, *, cache_dir: str | None = None) -> tuple[list[Module], list[KnowledgeBaseError]]:
    """Read schema.org ``Course`` objects (a ``@graph``, a list or one object); issues name the
    record index (``@graph[i]``) and field.

    Raises
    ------
    InputError
        When the file cannot be read or is not JSON.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from exc
    nodes = doc.get("@graph", [doc]) if isinstance(doc, dict) else doc
    modules, issues = [], []
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or "Course" not in _list(node.get("@type")):
            continue
        try:
            modules.append(Module.model_validate(_course_to_data(node, cache_dir)))
        except ValidationError as exc:
            issues += [KnowledgeBaseError(e["msg"], file=str(path), field=f"@graph[{i}]." + ".".join(map(str, e["loc"])))
                       for e in exc.errors()]
        except (InputError, KeyError, TypeError, ValueError) as exc:
            issues.append(KnowledgeBaseError(str(getattr(exc, "message", exc)), file=str(path), field=f"@graph[{i}]"))
    return modules, issues
