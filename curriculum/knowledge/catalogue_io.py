"""Catalogue imports and exports: CSV (with a column mapping), schema.org ``Course`` JSON-LD, and
writing modules as knowledge-base files.

CSV cells holding lists use ``;`` between items: ``outcomes`` / ``prerequisite_skills`` are
``uri:level;uri:level``; ``prerequisite_modules`` is ``id;id``; ``prerequisite_certifications`` is
``code;code`` (certification codes or rule classes such as ``HAB-VL-ELEC``); ``places`` is
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

JSON-LD (:func:`course` documents the mapping): the module's modality is ``courseMode`` (``onsite``,
``online``, ``blended``, ``workplace``); schema.org has no value for work-study (alternance), so a
``work_study`` module is typed ``["Course", "WorkBasedProgram"]`` (schema.org's type for
apprenticeship-like programmes) with ``courseMode`` ``blended`` (centre + company). Certification
prerequisites are ``EducationalOccupationalCredential`` items of ``coursePrerequisites``; a renewal
(refresher) awards a credential with ``credentialCategory`` ``renewal``. ``offers.price`` is always
the full price (``cost_eur``); funding is in the same ``Offer``.
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
from curriculum.models import Modality, Module, TaxonomySkill
from curriculum.models.skills import LEVEL_LABELS
from curriculum.tabular import csv_text, decode_text, parse_number, unescape_cell

FIELDS = ("id", "title", "language", "summary", "domain", "duration_hours", "cost_eur", "modality", "provider",
          "eqf_level", "illustrative", "version", "places", "sessions", "outcomes", "prerequisite_skills",
          "prerequisite_modules", "prerequisite_certifications", "certification_code", "certification_label",
          "certification_standard", "certification_issuer_note", "certification_renewal", "certification_source",
          "funding_register", "funding_cpf_eligible", "funding_remainder_eur", "funding_note", "body")
"""CSV columns of :func:`export_csv`, and the module fields :func:`import_csv` maps columns to."""
FUNDING_FIELDS = ("funding_register", "funding_cpf_eligible", "funding_remainder_eur", "funding_note")
MODULE_IRI = "urn:curriculum:module:"
COURSE_MODE = {"in_person": "onsite", "online": "online", "blended": "blended", "workplace": "workplace",
               "work_study": "blended"}
"""Module modality → schema.org ``courseMode`` (``work_study`` is also typed :data:`WORK_BASED`)."""
MODALITY = {**{m.value: m.value for m in Modality}, "onsite": "in_person", "online": "online", "blended": "blended",
            "workplace": "workplace"}
"""``courseMode`` → module modality (also accepts the modality names themselves)."""
WORK_BASED = "WorkBasedProgram"
"""Extra schema.org ``@type`` of a ``work_study`` course (alternance: training centre + company)."""
CREDENTIAL = "EducationalOccupationalCredential"
RENEWAL = "renewal"
"""``credentialCategory`` of the credential a refresher (``certification.renewal``) awards."""
REMAINDER = "remainder after usual funding (reste à charge)"
"""``name`` of the ``Offer.priceSpecification`` holding ``funding.remainder_eur`` and ``funding.note``."""
CPF = "Mon Compte Formation (CPF)"
"""``Offer.acceptedPaymentMethod`` of a CPF-eligible module."""
REGISTER = "France compétences register (RNCP/RS)"
"""``propertyID`` of the ``Offer.identifier`` holding ``funding.register``."""
_REGISTER_CODE = re.compile(r"(RNCP|RS)\d+")
_TRUE = ("1", "true", "yes", "oui", "vrai", "y", "o")
_FALSE = ("0", "false", "no", "non", "faux", "n")


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
                             "certifications": cell("prerequisite_certifications", _items)}
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
                  "prerequisite_certifications": ";".join(m.prerequisites.certifications)}
        if cert:
            record |= {"certification_code": cert.code, "certification_label": cert.label,
                       "certification_standard": cert.standard, "certification_issuer_note": cert.issuer_note,
                       "certification_renewal": str(cert.renewal).lower(), "certification_source": cert.source}
        if fund:
            record |= {"funding_register": fund.register_code, "funding_cpf_eligible": str(fund.cpf_eligible).lower(),
                       "funding_remainder_eur": fund.remainder_eur, "funding_note": fund.note}
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


def _offer(m: Module) -> dict:
    """The ``Offer``: ``price`` = the full price; funding as :data:`REGISTER` ``identifier``, :data:`CPF`
    ``acceptedPaymentMethod`` and a :data:`REMAINDER` ``priceSpecification``."""
    offer = {"@type": "Offer", "price": m.cost_eur, "priceCurrency": "EUR", "category": "per learner, excl. VAT"}
    f = m.funding
    if f is None:
        return offer
    return {**offer,
            "identifier": {"@type": "PropertyValue", "propertyID": REGISTER, "value": f.register_code}
            if f.register_code else None,
            "acceptedPaymentMethod": CPF if f.cpf_eligible else None,
            "priceSpecification": {"@type": "PriceSpecification", "name": REMAINDER, "price": f.remainder_eur,
                                   "priceCurrency": "EUR" if f.remainder_eur is not None else None,
                                   "description": f.note}}


def course(m: Module, taxonomy: dict[str, TaxonomySkill] | None = None) -> dict:
    """One schema.org ``Course`` for a module (``@id`` = ``urn:curriculum:module:<id>``).

    Mapping of what schema.org has no exact term for (:func:`import_jsonld` reads it back):

    * modality ``work_study`` (alternance): ``@type`` ``["Course", "WorkBasedProgram"]`` and
      ``courseMode`` ``blended`` (the other modalities: ``onsite``, ``online``, ``blended``, ``workplace``);
    * ``prerequisites.certifications``: ``coursePrerequisites`` items
      ``{"@type": "EducationalOccupationalCredential", "identifier": code, "name": code}`` (beside skills as
      ``DefinedTerm`` and modules as ``{"@id": "urn:curriculum:module:<id>"}``);
    * ``certification``: ``educationalCredentialAwarded`` (``identifier`` = code, ``name`` = label,
      ``description`` = issuer note, ``about.name`` = standard, ``citation`` = source,
      ``credentialCategory: "renewal"`` for a refresher);
    * price and ``funding``: one ``Offer`` with ``price`` = ``cost_eur`` (the full price, EUR excl. VAT);
      with funding, ``identifier`` = ``{"@type": "PropertyValue", "propertyID": REGISTER, "value": "RNCP…"}``,
      ``acceptedPaymentMethod: "Mon Compte Formation (CPF)"`` when CPF-eligible, and a ``priceSpecification``
      named :data:`REMAINDER` whose ``price`` is the remainder (absent when unknown) and ``description``
      the funding note.
    """
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
        "@type": ["Course", WORK_BASED] if m.modality is Modality.WORK_STUDY else "Course",
        "@id": MODULE_IRI + m.id, "courseCode": m.id, "name": m.title, "description": m.summary,
        "inLanguage": m.language, "keywords": m.domain, "courseMode": mode, "version": m.version,
        "creativeWorkStatus": "illustrative" if m.illustrative else None,
        "provider": {"@type": "Organization", "name": m.provider},
        "educationalLevel": {"@type": "DefinedTerm", "termCode": str(m.eqf_level), "inDefinedTermSet": "EQF"}
        if m.eqf_level else None,
        "timeRequired": f"PT{m.duration_hours:g}H",
        "offers": _offer(m),
        "teaches": [_term(o.skill, o.level, tax) for o in m.outcomes],
        "coursePrerequisites": [_term(p.skill, p.level, tax) for p in m.prerequisites.skills]
        + [{"@id": MODULE_IRI + p} for p in m.prerequisites.modules]
        + [{"@type": CREDENTIAL, "identifier": code, "name": code} for code in m.prerequisites.certifications],
        "educationalCredentialAwarded": {"@type": CREDENTIAL, "identifier": cert.code,
                                         "name": cert.label, "description": cert.issuer_note,
                                         "credentialCategory": RENEWAL if cert.renewal else None,
                                         "citation": cert.source,
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


def _text(value) -> str | None:
    """A schema.org value as text: a string, or the ``value`` / ``name`` / ``termCode`` of an object."""
    value = value[0] if isinstance(value, list) and value else value
    if isinstance(value, dict):
        value = value.get("value", value.get("name", value.get("termCode")))
    return None if value is None or value == [] else str(value)


def _modality(c: dict) -> str:
    if WORK_BASED in _list(c.get("@type")):
        return Modality.WORK_STUDY.value
    modes = _list(c.get("courseMode")) or [mode for i in _list(c.get("hasCourseInstance")) if isinstance(i, dict)
                                           for mode in _list(i.get("courseMode"))]
    modes = [str(mode) for mode in modes]
    return next((MODALITY[mode.lower()] for mode in modes if mode.lower() in MODALITY),
                modes[0] if modes else Modality.IN_PERSON.value)


def _funding(offer: dict) -> dict | None:
    """``Module.funding`` from an ``Offer`` written by :func:`_offer` (None without funding facts)."""
    register = next((code for code in map(_text, _list(offer.get("identifier")))
                     if code and _REGISTER_CODE.fullmatch(code)), None)
    cpf = any("CPF" in t or "Mon Compte Formation" in t for t in map(_text, _list(offer.get("acceptedPaymentMethod")))
              if t)
    spec = next((ps for ps in _list(offer.get("priceSpecification")) if isinstance(ps, dict)
                 and any(word in str(ps.get("name", "")).lower() for word in ("remainder", "reste à charge"))), None)
    if not (register or cpf or spec):
        return None
    spec = spec or {}
    return {"register": register, "cpf_eligible": cpf, "remainder_eur": spec.get("price"),
            "note": spec.get("description")}


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
    terms = lambda key: [{"skill": t.get("termCode") or t.get("@id") or t.get("url"), "level": _level(t)}  # noqa: E731
                         for t in _list(c.get(key)) if isinstance(t, dict) and t.get("@type") == "DefinedTerm"]
    prereqs = [p for p in _list(c.get("coursePrerequisites")) if isinstance(p, dict)]
    cert = c.get("educationalCredentialAwarded")
    cert = cert[0] if isinstance(cert, list) and cert else cert
    level = c.get("educationalLevel")
    return _clean({
        "id": code, "title": c.get("name"), "summary": c.get("description", ""), "language": c.get("inLanguage", "fr"),
        "domain": c.get("keywords") or "general", "version": c.get("version", 1),
        "illustrative": c.get("creativeWorkStatus") == "illustrative", "provider": (c.get("provider") or {}).get("name"),
        "modality": _modality(c), "eqf_level": int(level["termCode"]) if isinstance(level, dict) else None,
        "duration_hours": (float(hours.group(1) or 0) * 7 + float(hours.group(2) or 0) + float(hours.group(3) or 0) / 60)
        if hours and any(hours.groups()) else None,
        "cost_eur": offer.get("price") if isinstance(offer, dict) else None,
        "funding": _funding(offer) if isinstance(offer, dict) else None,
        "outcomes": terms("teaches"), "places": places, "sessions": sessions,
        "prerequisites": {"skills": terms("coursePrerequisites"),
                          "modules": [str(p["@id"]).removeprefix(MODULE_IRI) for p in prereqs if set(p) == {"@id"}],
                          "certifications": [_text(p.get("identifier")) or _text(p.get("name")) for p in prereqs
                                             if CREDENTIAL in _list(p.get("@type"))]},
        "certification": {"code": _text(cert.get("identifier")), "label": cert.get("name"),
                          "issuer_note": cert.get("description"), "standard": (cert.get("about") or {}).get("name"),
                          "renewal": any(RENEWAL in str(_text(x)).lower() for x in _list(cert.get("credentialCategory"))),
                          "source": _text(cert.get("citation"))} if isinstance(cert, dict) else None,
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
