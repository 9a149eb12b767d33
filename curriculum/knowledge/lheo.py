"""Import LHEO 2.x XML training offers (the French training-offer exchange format, Carif-Oref).

``<lheo><offres><formation>…<action>…<session>…`` becomes one :class:`Module` per action of each
formation: title, objectives, duration (``nombre-heures-total``, else centre + entreprise hours,
else ``duree-indicative`` such as "21 heures" or "3 jours" at 7 h a day), price
(``prix-total-TTC``, else ``prix-horaire-TTC`` × hours; most training bodies are VAT-exempt, so
TTC = HT), modality (``modalites-enseignement`` 0 in person, 1 blended, 2 online), the training
place (``lieu-de-formation``; coordinates from ``geolocalisation``, else the city resolved offline),
sessions (``periode`` ``debut``/``fin`` as YYYYMMDD; seats from ``<extra info="nombre-places">``,
else a default) and certification (``code-RNCP``, ``code-RS`` or ``<extra info="code-RS">``).

LHEO carries no ESCO skills: outcomes come from an injected ``tagger(text) -> list[SkillLevel]``;
the default finds taxonomy preferred labels (EN/FR) in the title, objective and expected results.
A record where no skill is recognised is reported, never invented. XML is parsed with
``defusedxml`` (no entity expansion, no external fetch).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml.ElementTree import DefusedXMLParser, ParseError
from pydantic import ValidationError

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.geo import resolve_city
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Module, SkillLevel
from curriculum.retrieval.skill_mapping import normalise_label

Tagger = Callable[[str], list[SkillLevel]]
MODALITY = {"0": "in_person", "1": "blended", "2": "online"}
HOURS_PER_DAY = 7.0


class _LineParser(DefusedXMLParser):
    """defusedxml parser that records the source line of every element in ``self.lines``."""

    def __init__(self) -> None:
        super().__init__(target=TreeBuilder())
        self.lines: dict[int, int] = {}

    def _start(self, tag, attr_list):  # noqa: ANN001 - expat handler
        elem = super()._start(tag, attr_list)
        self.lines[id(elem)] = self.parser.CurrentLineNumber
        return elem


def label_tagger(catalogue: Catalogue, level: int = 2) -> Tagger:
    """Default tagger: every taxonomy preferred label (any language) found as whole words in the
    text (case/accent-insensitive), at ``level`` (default 2, assisted; review it in the editor)."""
    labels: dict[str, str] = {}
    for skill in catalogue.taxonomy.values():
        for label in skill.labels.values():
            key = _norm(label)
            if len(key) >= 4:
                labels.setdefault(key, skill.id)

    def tag(text: str) -> list[SkillLevel]:
        norm = f" {_norm(text)} "
        found = dict.fromkeys(sid for key, sid in labels.items() if f" {key} " in norm)
        return [SkillLevel(skill=sid, level=level) for sid in found]
    return tag


def _norm(text: str) -> str:
    return normalise_label(re.sub("[\u2019\u2018\u02bc]", "'", text))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_ns(root: Element) -> None:
    for el in root.iter():
        el.tag = _local(el.tag)


def _text(el: Element | None, path: str) -> str:
    found = el.find(path) if el is not None else None
    return " ".join((found.text or "").split()) if found is not None else ""


def _extra(el: Element, info: str) -> str:
    for extra in el.iter("extra"):
        if (extra.get("info") or "").lower() == info:
            return (extra.text or "").strip()
    return ""


def slug(text: str) -> str:
    """Kebab-case id from free text (accents dropped, at most 60 characters)."""
    return normalise_label(text).replace(" ", "-")[:60].strip("-") or "module"


def _number(text: str) -> float | None:
    m = re.search(r"-?\d+(?:[.,]\d+)?", text or "")
    return float(m.group().replace(",", ".")) if m else None


def _hours(action: Element) -> float | None:
    total = _number(_text(action, "nombre-heures-total"))
    if total:
        return total
    parts = [_number(_text(action, p)) for p in ("nombre-heures-centre", "nombre-heures-entreprise")]
    if any(parts):
        return sum(p or 0 for p in parts)
    indicative = _text(action, "duree-indicative").lower()
    value = _number(indicative)
    if value and re.search(r"\bjours?\b", indicative):
        return value * HOURS_PER_DAY
    return value if value and re.search(r"\b(h|heures?)\b|\d\s*h", indicative) else None


def _date(value: str) -> dt.date | None:
    if not re.fullmatch(r"\d{8}", value or "") or value in ("00000000", "99999999"):
        return None
    return dt.datetime.strptime(value, "%Y%m%d").date()


def _certification(formation: Element, title: str, known_codes: set[str]) -> dict | None:
    cert = formation.find("certification")
    if cert is None:
        return None
    rncp, rs = _text(cert, "code-RNCP"), _text(cert, "code-RS") or _extra(cert, "code-rs")
    ref = f"RNCP{rncp.removeprefix('RNCP')}" if rncp else f"RS{rs.removeprefix('RS')}" if rs else ""
    if not ref:
        return None
    words = set(re.findall(r"[A-Za-z0-9-]+", title))
    symbol = next((c for c in sorted(known_codes, key=len, reverse=True) if c in words), None)
    std = re.search(r"NF C ?18-5[15]0", title)
    return {"code": symbol or ref, "label": f"{title} ({ref})" if symbol else title,
            "standard": std.group() if std else None}


def parse_lheo(path: Path, catalogue: Catalogue, tagger: Tagger | None = None, *, seats: int = 10,
               cache_dir: str | None = None) -> tuple[list[Module], list[KnowledgeBaseError]]:
    """Read an LHEO 2.x file; return (modules, issues).

    One module per ``formation``×``action``; id = slug of the formation's ``numero`` (else its
    title), suffixed with the town when the formation has several actions. Units: hours, EUR.
    Each issue names the file, the XML line and the field as ``formation[i]/action[j]/<element>``;
    a broken record never stops the others.

    Raises
    ------
    InputError
        When the file cannot be read or is not well-formed XML (line given).
    """
    parser = _LineParser()
    try:
        parser.feed(Path(path).read_bytes())
        root = parser.close()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    except ParseError as exc:
        raise InputError(f"invalid XML: {exc}", file=str(path), line=exc.position[0]) from exc
    _strip_ns(root)
    tagger = tagger or label_tagger(catalogue)
    known = {m.certification.code for m in catalogue.modules.values() if m.certification}
    known |= {c for j in catalogue.jobs.values() for c in j.mandatory_certifications}
    modules, issues, ids = [], [], set()
    for i, formation in enumerate(root.iter("formation"), 1):
        actions = formation.findall("action")
        for j, action in enumerate(actions, 1):
            where = f"formation[{i}]/action[{j}]"
            line = parser.lines.get(id(action)) or parser.lines.get(id(formation))

            def issue(message: str, element: str, el: Element | None = None) -> None:
                issues.append(KnowledgeBaseError(message, file=str(path), field=f"{where}/{element}",
                                                 line=parser.lines.get(id(el), line) if el is not None else line))
            try:
                module = _module(formation, action, len(actions) > 1, tagger, known, seats, cache_dir, issue)
            except ValidationError as exc:
                for err in exc.errors():
                    issue(err["msg"], ".".join(map(str, err["loc"])))
                continue
            if module is None:
                continue
            if module.id in ids:
                module = module.model_copy(update={"id": f"{module.id}-{j}"})
            ids.add(module.id)
            modules.append(module)
    return modules, issues


def _module(formation: Element, action: Element, several: bool, tagger: Tagger, known: set[str],
            seats: int, cache_dir: str | None, issue: Callable[..., None]) -> Module | None:
    title = _text(formation, "intitule-formation")
    objective, results = _text(formation, "objectif-formation"), _text(formation, "resultats-attendus")
    if not title:
        issue("formation has no title", "intitule-formation")
        return None
    hours = _hours(action)
    if not hours:
        issue("no duration: give nombre-heures-total or duree-indicative (e.g. '21 heures')", "nombre-heures-total")
        return None
    outcomes = tagger(" . ".join([title, objective, results]))
    if not outcomes:
        issue("no ESCO skill recognised — tag it in the editor", "objectif-formation",
              formation.find("objectif-formation"))
        return None
    modality = MODALITY.get(_text(action, "modalites-enseignement"), "in_person")
    place, city = _place(action, cache_dir, issue), _text(action, "lieu-de-formation/coordonnees/adresse/ville")
    if modality != "online" and place is None:
        return None
    price = _number(_text(action, "prix-total-TTC"))
    if price is None:
        hourly = _number(_text(action, "prix-horaire-TTC"))
        price = round(hourly * hours, 2) if hourly is not None else None
    if price is None:
        issue("no price: give prix-total-TTC or prix-horaire-TTC", "prix-total-TTC")
        return None
    sessions = []
    for k, s in enumerate(action.findall("session"), 1):
        start, end = _date(_text(s, "periode/debut")), _date(_text(s, "periode/fin"))
        if start is None or end is None:
            issue("session dates are not YYYYMMDD (or are open: 00000000/99999999)", f"session[{k}]/periode", s)
            continue
        n = _number(_extra(s, "nombre-places"))
        sessions.append({"start": start, "end": end, "place": place["city"] if place else None,
                         "seats": int(n) if n is not None else seats})
    base = slug(formation.get("numero") or title)
    ident = f"{base}-{slug(city or action.get('numero') or 'action')}" if several else base
    content = _text(formation, "contenu-formation")
    body = (f"## Objectifs\n{objective}\n\n## Résultats attendus\n{results}\n\n## Contenu\n{content}\n\n"
            f"## Conditions\n{_text(action, 'conditions-specifiques')}\n\n"
            f"Importé d'une offre LHEO (formation {formation.get('numero') or '-'}, action "
            f"{action.get('numero') or '-'}). Compétences repérées automatiquement : à vérifier.\n")
    return Module.model_validate(dict(
        id=ident, title=title, language=(_text(action, "langue-formation") or "fr")[:2].lower(),
        summary=(objective or results)[:300], domain=_domain(title + " " + objective),
        duration_hours=hours, cost_eur=price, modality=modality,
        provider=_text(formation, "organisme-formation-responsable/raison-sociale") or "unknown provider",
        places=[place] if place else [], sessions=sessions, outcomes=outcomes,
        certification=_certification(formation, title, known), illustrative=False, body=body))


def _place(action: Element, cache_dir: str | None, issue: Callable[..., None]) -> dict | None:
    adr = action.find("lieu-de-formation/coordonnees/adresse")
    if adr is None:
        issue("in-person action without lieu-de-formation address", "lieu-de-formation")
        return None
    city, postcode = _text(adr, "ville"), _text(adr, "codepostal") or None
    lat, lon = _number(_text(adr, "geolocalisation/latitude")), _number(_text(adr, "geolocalisation/longitude"))
    if lat is None or lon is None:
        try:
            lat, lon = resolve_city(city, postcode, cache_dir=cache_dir)
        except InputError as exc:
            issue(exc.message, "lieu-de-formation/coordonnees/adresse/ville", adr)
            return None
    return {"city": city, "postcode": postcode, "region": _text(adr, "region") or None, "lat": lat, "lon": lon}


DOMAINS = (("irve", "charging"), ("borne", "charging"), ("habilitation", "ev-safety"), ("batter", "batteries"),
           ("soud", "welding"), ("robot", "robotics"), ("automat", "automation"), ("maintenance", "maintenance"),
           ("lean", "lean-quality"), ("securite", "hse"))


def _domain(text: str) -> str:
    norm = normalise_label(text)
    return next((d for key, d in DOMAINS if key in norm), "general")
