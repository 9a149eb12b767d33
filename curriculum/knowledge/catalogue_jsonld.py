"""schema.org ``Course`` JSON-LD import and export.

:func:`course` documents the mapping. The module's modality is ``courseMode`` (``onsite``,
``online``, ``blended``, ``workplace``); schema.org has no value for work-study (alternance), so a
``work_study`` module is typed ``["Course", "WorkBasedProgram"]`` (schema.org's type for
apprenticeship-like programmes) with ``courseMode`` ``blended`` (centre + company). Certification
prerequisites are ``EducationalOccupationalCredential`` items of ``coursePrerequisites``; a renewal
(refresher) awards a credential with ``credentialCategory`` ``renewal``. ``offers.price`` is always
the full price (``cost_eur``); funding is in the same ``Offer``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.geo import resolve_city
from curriculum.models import Modality, Module, TaxonomySkill
from curriculum.models.skills import LEVEL_LABELS

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
