"""Spreadsheet rows → modules (see :mod:`curriculum.knowledge.spreadsheets` for fields and formats).

``import_sheet(path, catalogue, profile)`` returns ``(modules, issues)``: one module per distinct
``id`` (rows sharing an id add sessions), approved when its skills are named in the sheet (and known
to the taxonomy) or confidently tagged, a draft otherwise; issues name file, sheet row and column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.geo import resolve_city
from curriculum.knowledge.catalogue import Catalogue
from curriculum.knowledge.spreadsheets import (SheetProfile, guess_columns, modality_of, parse_date, parse_hours,
                                               read_table)
from curriculum.knowledge.tagging import OfferTagger, OfferText
from curriculum.models import Module, ModuleStatus, SkillLevel, SkillSuggestion
from curriculum.retrieval.skill_mapping import normalise_label
from curriculum.rules.apply import stated_prerequisites
from curriculum.tabular import parse_number

DEFAULT_LEVEL = 2
"""Level of a skill named without one (2 = assisted, on the 1–4 scale)."""


class _Cell(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _rejected(issue: KnowledgeBaseError) -> KnowledgeBaseError:
    issue.rejected = True  # a whole record lost: the feed sync then retires nothing (see feeds.sync_feed)
    return issue


def _ident(text: str) -> str:
    return normalise_label(text).replace(" ", "-")[:60].strip("-") or "module"


def _codes(value: Any) -> list[str]:
    return [c.strip().upper() for c in str(value or "").replace(",", ";").split(";") if c.strip()]


class _Rows:
    """Cell access for one sheet: by field, with the profile's defaults, and the header for messages."""

    def __init__(self, headers: list[str], columns: dict[str, int], profile: SheetProfile) -> None:
        self.headers, self.columns, self.profile = headers, columns, profile

    def header(self, field: str) -> str:
        return self.headers[self.columns[field]] if field in self.columns else field

    def get(self, row: list[Any], field: str) -> Any:
        i = self.columns.get(field)
        value = row[i] if i is not None and i < len(row) else None
        if isinstance(value, str):
            value = value.strip() or None
        return self.profile.defaults.get(field) if value is None else value

    def conv(self, row: list[Any], field: str, fn):
        value = self.get(row, field)
        if value is None:
            return None
        try:
            return fn(value)
        except ValueError as exc:
            raise _Cell(self.header(field), str(exc)) from exc


def _skill_index(catalogue: Catalogue) -> dict[str, str]:
    index = {}
    for sid, entry in catalogue.taxonomy.items():
        index[sid] = sid
        for label in entry.all_labels():
            index.setdefault(normalise_label(label), sid)
    return index


def _named_skills(value: Any, index: dict[str, str]) -> tuple[list[SkillLevel], list[str]]:
    """Skills a cell names (URIs or taxonomy labels, ``:level`` optional) and the items it could not resolve."""
    known, unknown = {}, []
    for item in str(value or "").replace("\n", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        name, level = item, DEFAULT_LEVEL
        head, sep, tail = item.rpartition(":")
        if sep and tail.strip().isdigit() and 1 <= int(tail) <= 4:
            name, level = head.strip(), int(tail)
        sid = index.get(name) or index.get(normalise_label(name))
        if sid:
            known[sid] = max(level, known.get(sid, 0))
        else:
            unknown.append(name)
    return [SkillLevel(skill=s, level=lvl) for s, lvl in known.items()], unknown


def import_sheet(path: Path, catalogue: Catalogue, profile: SheetProfile | None = None, *,
                 tagger: OfferTagger | None = None, feed: str | None = None,
                 today: dt.date | None = None) -> tuple[list[Module], list[KnowledgeBaseError]]:
    """Read a spreadsheet catalogue (CSV or XLSX) with ``profile`` (default: headers guessed).

    ``feed`` names the source in each module's ``origin`` (default: the profile's name, else the file
    stem). Units: hours, EUR, seats; levels 1–4.

    Raises
    ------
    InputError
        When the file cannot be read, has no header, has no title column, or the profile's columns are
        not in it.
    """
    from curriculum.knowledge.offer_tagger import build_tagger
    from curriculum.rules.reference import load_reference

    profile = profile or SheetProfile(name=_ident(Path(path).stem)[:60] or "sheet")
    headers, data = read_table(path, profile.sheet)
    columns = guess_columns(headers, profile)
    if "title" not in columns and "title" not in profile.defaults:
        raise InputError(f"no title column (headers: {', '.join(h for h in headers if h)}); name it in a profile: "
                         "--map title=COLUMN", file=str(path), line=1)
    rows = _Rows(headers, columns, profile)
    groups: dict[str, list[tuple[int, list[Any]]]] = {}
    issues_early: list[KnowledgeBaseError] = []
    for number, row in data:
        if any(str(c).strip() for c in row[len(headers):] if c is not None):
            issues_early.append(_rejected(KnowledgeBaseError(
                f"row has {len(row)} cells but the header has {len(headers)} (a separator inside an unquoted cell?)",
                file=str(path), line=number, field=None)))
            continue
        key = str(rows.get(row, "id") or rows.get(row, "title") or f"row-{number}")
        groups.setdefault(key, []).append((number, row))
    tag = tagger or build_tagger(catalogue)
    reference, index = load_reference(), _skill_index(catalogue)
    feed = feed or profile.name
    modules, issues, ids = [], issues_early, set()
    for key, group in groups.items():
        try:
            module = _module(key, group, rows, tag, reference, index, feed, today or dt.date.today(), str(path), issues)
        except _Cell as exc:
            issues.append(_rejected(KnowledgeBaseError(str(exc), file=str(path), line=group[0][0], field=exc.column)))
            continue
        except ValidationError as exc:
            for err in exc.errors():
                issues.append(_rejected(KnowledgeBaseError(err["msg"], file=str(path), line=group[0][0],
                                                           field=".".join(map(str, err["loc"])) or None)))
            continue
        if module.id in ids:
            module = module.model_copy(update={"id": f"{module.id}-{len(ids)}"})
        ids.add(module.id)
        modules.append(module)
    return modules, issues


def _module(key: str, group: list[tuple[int, list[Any]]], rows: _Rows, tag: OfferTagger, reference,
            index: dict[str, str], feed: str, today: dt.date, file: str, issues: list) -> Module:
    first = group[0][1]
    title = str(rows.get(first, "title") or "")
    hours, estimate = rows.conv(first, "duration", parse_hours) or (None, None)
    if not hours:
        raise _Cell(rows.header("duration"), "no duration: give hours (e.g. 21 or 21 h) or days (3 jours)")
    price = rows.conv(first, "price", parse_number)
    if price is None:
        raise _Cell(rows.header("price"), "no price: give the price per learner in EUR (e.g. 1 200 €)")
    modality = rows.conv(first, "modality", modality_of) or "in_person"
    places, sessions = {}, []
    for number, row in group[1:]:  # rows of one id: sessions of one module; other facts must agree
        for fld in ("title", "provider", "price", "duration", "modality"):
            value = rows.get(row, fld)
            if value is not None and value != rows.get(first, fld):
                issues.append(KnowledgeBaseError(f"id {key!r}: {value!r} differs from {rows.get(first, fld)!r} on row "
                                                 f"{group[0][0]} (rows sharing an id are one module: the first row's "
                                                 "value is kept)", file=file, line=number, field=rows.header(fld)))
    for number, row in group:
        try:
            place = _place(row, rows)
            if place:
                places.setdefault(place["city"], place)
            start = rows.conv(row, "session_start", lambda v: parse_date(v, day_first=rows.profile.day_first))
            end = rows.conv(row, "session_end", lambda v: parse_date(v, day_first=rows.profile.day_first))
            if start and end and end < start:
                raise _Cell(rows.header("session_end"), f"session {start} → {end} ends before it starts")
            if start:
                seats = rows.conv(row, "seats", lambda v: parse_number(v, integer=True))
                sessions.append({"start": start, "end": end or start, "place": place["city"] if place else None,
                                 "seats": rows.profile.seats if seats is None else seats})
        except _Cell as exc:  # one bad session row: reported, the module keeps its other rows
            issues.append(KnowledgeBaseError(str(exc), file=file, line=number, field=exc.column))
    named, unknown = _named_skills(rows.get(first, "skills"), index)
    text = " . ".join(str(rows.get(first, f) or "") for f in ("summary", "objectives", "content"))
    cert_cell = str(rows.get(first, "certification") or "")
    offer = OfferText(title=title, text=" . ".join(p for p in (text, cert_cell, "; ".join(unknown)) if p.strip(" .")),
                      language=str(rows.get(first, "language") or "fr")[:2].lower(), rome=_codes(rows.get(first, "rome")),
                      rncp=next(iter(_codes(rows.get(first, "rncp"))), None), rs=next(iter(_codes(rows.get(first, "rs"))), None))
    tagging = tag(offer)
    awards = [c for c in _codes(cert_cell.replace("/", ";")) if reference.is_known(c)] or list(tagging.awards)
    if named:  # the sheet's own skills are the instructor's word; the tagger only suggests beside them
        outcomes, confident = named, not unknown
    else:
        outcomes, confident = tagging.outcomes, tagging.confident
    suggestions = list(tagging.suggestions) + [SkillSuggestion(skill=o.skill, level=o.level, confidence=1.0, source="sheet")
                                               for o in named]
    renewal = tagging.renewal or "recyclage" in normalise_label(f"{title} {cert_cell}")
    certs, competences, rule_skills = stated_prerequisites(awards, reference, renewal=renewal)
    taught = {o.skill for o in outcomes}
    raw = json.dumps([[str(c) for c in r] for _, r in group], ensure_ascii=False)
    references = {"rome": offer.rome, "rncp": _register(offer.rncp, "RNCP"), "rs": _register(offer.rs, "RS")}
    data = dict(
        id=_ident(key), title=title, language=offer.language, summary=str(rows.get(first, "summary") or "")[:300],
        domain=str(rows.get(first, "domain") or _domain(title, text)), duration_hours=hours, hours_estimate=estimate,
        cost_eur=price, modality=modality, provider=str(rows.get(first, "provider") or "unknown provider"),
        places=list(places.values()), sessions=sessions, outcomes=outcomes, suggestions=suggestions,
        status=ModuleStatus.APPROVED if confident and outcomes else ModuleStatus.DRAFT,
        prerequisites={"text": rows.get(first, "prerequisites"), "certifications": certs, "competences": competences,
                       "skills": [k for k in rule_skills if k.skill not in taught]},  # the rules' prerequisites
        certification={"code": awards[0], "also": awards[1:], "label": cert_cell or title,
                       "renewal": renewal} if awards else None,
        references=references if any(references.values()) else None, illustrative=False,
        origin={"feed": feed, "key": key, "digest": hashlib.sha256(raw.encode()).hexdigest(), "imported": today},
        body="\n\n".join(f"## {h}\n{rows.get(first, f)}" for f, h in
                         (("objectives", "Objectifs"), ("content", "Contenu"), ("prerequisites", "Prérequis"))
                         if rows.get(first, f)))
    return Module.model_validate(data)


def _domain(title: str, text: str) -> str:
    from curriculum.knowledge.lheo_offer import DOMAINS

    norm = normalise_label(f"{title} {text}")
    return next((d for key, d in DOMAINS if key in norm), "general")


def _register(code: str | None, prefix: str) -> str | None:
    if not code:
        return None
    digits = code.upper().removeprefix(prefix)
    return f"{prefix}{digits}" if digits.isdigit() else None


def _place(row: list[Any], rows: _Rows) -> dict | None:
    city = rows.get(row, "city")
    if not city:
        return None
    postcode = rows.get(row, "postcode")
    postcode = str(int(postcode)).zfill(5) if isinstance(postcode, (int, float)) else postcode
    lat, lon = rows.conv(row, "lat", parse_number), rows.conv(row, "lon", parse_number)
    if lat is None or lon is None:
        try:
            lat, lon = resolve_city(str(city), postcode)
        except InputError as exc:
            raise _Cell(rows.header("city"), exc.message) from exc
    return {"city": str(city), "postcode": postcode, "lat": lat, "lon": lon}
