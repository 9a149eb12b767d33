"""Import LHEO 2.x XML training offers (the French training-offer exchange format of the Carif-Oref
network and ONISEP) as modules.

``<lheo><offres><formation>…<action>…<session>…`` (namespace ``http://lheo.gouv.fr/2.2``, ``…/2.3``
or none) becomes one :class:`~curriculum.models.Module` per ``action`` of each ``formation``:

* text: ``intitule-formation`` (title); ``objectif-formation``, ``resultats-attendus``,
  ``contenu-formation`` as clean Markdown (HTML-escaped rich text converted, no tag left:
  :mod:`curriculum.knowledge.lheo_text`) in the body, the objective on one line as the summary;
* hours (:func:`curriculum.knowledge.lheo_fields.hours_of`): ``nombre-heures-total``, else
  ``nombre-heures-centre`` + ``nombre-heures-entreprise``, else ``duree-indicative`` in hours, days,
  weeks, months or years converted by stated rules (7 h/day, 35 h/week, 151.67 h/month, 1 200 h per
  school year); converted durations set ``Module.hours_estimate`` to the stated duration and rule;
* price in EUR: ``prix-total-TTC``, else ``prix-horaire-TTC`` × hours (French number formats); none
  stated → ``cost_eur`` 0 with a ``funding.note`` saying the price is unknown;
* codes kept in ``Module.references``: every ``code-ROME``, ``code-FORMACODE``, ``code-NSF`` of
  ``domaine-formation``; ``code-RNCP``, ``code-RS`` (or ``<extra info="code-RS">``) and
  ``code-CERTIFINFO`` of ``certification``; ``certifiante``; ``code-niveau-sortie`` → ``eqf_level``;
* modality: ``modalites-enseignement`` 0 in person, 1 blended, 2 online; a real work-study rhythm in
  ``modalites-alternance`` makes it ``work_study``; ``rythme-formation`` is kept in the body;
* entry conditions (``code-niveau-entree`` with ``niveau-entree-obligatoire``,
  ``conditions-specifiques``, "Prérequis" passages of the objective or content): certification codes
  of the rules stated as required go to ``prerequisites.certifications``, the statements verbatim to
  ``prerequisites.text``;
* places: ``lieu-de-formation`` with its ``geolocalisation`` (preferred), else the town resolved in
  the shipped gazetteer (:func:`curriculum.geo.resolve_city`, postcode first); each session at its own
  ``lieu-de-formation`` when it has one, else the action's, else its ``adresse-inscription`` (the
  registration address is often the provider's head office, so it is the place only when the action
  names none); seats from ``<extra info="nombre-places">``, else ``seats``;
* skills and awarded certifications from an :class:`~curriculum.knowledge.tagging.OfferTagger`
  (default :func:`~curriculum.knowledge.offer_tagger.build_tagger`): ``status: approved`` when the
  tagging is confident and has outcomes, else ``draft`` (never rejected for lack of tags); the
  offer's RNCP/RS code is awarded too when the offer is ``certifiante``;
* ``origin``: the feed, ``<formation numero>/<action numero>`` (else a hash of title and place) and
  the sha256 of the offer's formation-level fields, this action and its sessions.

An offer is rejected only for a real defect (no title, no duration at all, in person without any
place); a session that ends before it starts or has impossible dates is dropped and reported, the
offer kept. Each issue names the offer (numero and title), the XML line and the field
(``formation[i]/action[j]/…``); one bad offer never stops the others. XML is read from bytes with
its declared encoding (UTF-8, ISO-8859-1, windows-1252…) by ``defusedxml`` (no entity expansion, no
external fetch). Speed: 10,000 actions (19 MB) in about 5 s, 0.5 ms per action, on this project's
2-core machine shared with other jobs, the tagger excluded (``tests/knowledge/test_lheo_scale.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from pydantic import ValidationError

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.knowledge.catalogue import Catalogue
from curriculum.knowledge.lheo_fields import (
    EQF_OF_LEVEL, date_of, entry_level_text, hours_of, is_work_study, language_of, price_of,
)
from curriculum.knowledge.lheo_offer import (
    Offer, canon, certification_of, domain_of, extra_of, raw_of, read_offer, slug, text_of,
)
from curriculum.knowledge.lheo_places import Places
from curriculum.knowledge.lheo_text import entry_conditions, one_line
from curriculum.knowledge.offer_tagger import build_tagger
from curriculum.knowledge.tagging import OfferTagger, OfferText, Tagging
from curriculum.models import Module
from curriculum.rules.apply import stated_prerequisites
from curriculum.rules.reference import load_reference

__all__ = ["parse_lheo", "slug"]

Progress = Callable[[int, int], None]
MODALITY = {"0": "in_person", "1": "blended", "2": "online"}


class _LineParser(DefusedXMLParser):
    """defusedxml parser that drops namespaces from tags and attribute names as it builds the tree
    (LHEO 2.2, 2.3 or none read alike) and records each element's source line in ``self.lines``."""

    def __init__(self) -> None:
        super().__init__(target=TreeBuilder())
        self.lines: dict[int, int] = {}
        expat, start, end, lines = self.parser, self.target.start, self.target.end, self.lines

        def on_start(tag: str, attrs: list[str]) -> Element:
            attrib = {attrs[i].rpartition("}")[2]: attrs[i + 1] for i in range(0, len(attrs), 2)} if attrs else {}
            elem = start(tag.rpartition("}")[2], attrib)
            lines[id(elem)] = expat.CurrentLineNumber
            return elem

        expat.StartElementHandler = on_start
        expat.EndElementHandler = lambda tag: end(tag.rpartition("}")[2])


def _read(source: Path | str | bytes, feed: str | None) -> tuple[Element, dict[int, int], str]:
    file = feed or "<lheo bytes>"
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    else:
        file = str(source)
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc}", file=file) from exc
    raw = _utf8_declared_latin(raw)
    parser = _LineParser()
    try:
        parser.feed(raw)
        root = parser.close()
    except DefusedXmlException as exc:  # entities, DTDs, external references: never expanded
        raise InputError(f"refused XML: {type(exc).__name__} ({exc}); LHEO feeds declare no entities or DTD",
                         file=file) from exc
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        declared = raw.lstrip()[:200].startswith(b"<?xml") and b"encoding" in raw.lstrip()[:200].split(b"?>")[0]
        hint = ("; a file that is not UTF-8 must declare its encoding, e.g. <?xml version=\"1.0\" "
                "encoding=\"ISO-8859-1\"?>") if "invalid token" in str(exc) and not declared else ""
        raise InputError(f"invalid XML: {exc}{hint}", file=file, line=line) from exc
    if _local(root.tag) != "lheo" or not any(True for _ in root.iter("formation")):
        raise InputError(f"no LHEO offer in the file: the root element is <{_local(root.tag)}>"
                         + ("" if _local(root.tag) != "lheo" else " with no <formation>")
                         + " (expected <lheo><offres><formation>…)", file=file)
    return root, parser.lines, file


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_LATIN = (b"iso-8859-1", b"iso8859-1", b"latin-1", b"latin1", b"windows-1252", b"cp1252", b"iso-8859-15")


def _utf8_declared_latin(raw: bytes) -> bytes:
    """A feed that declares a Latin encoding but whose bytes are valid UTF-8 with accented letters (a common
    export mistake: "QuimperlÃ©") is read as the UTF-8 it is: its declaration is rewritten."""
    head = raw[:200].lower()
    if not head.lstrip().startswith(b"<?xml") or not any(enc in head.split(b"?>")[0] for enc in _LATIN):
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw  # really Latin
    if not any(ord(c) > 127 for c in text):
        return raw
    decl_end = raw.index(b"?>") + 2
    return b'<?xml version="1.0" encoding="UTF-8"?>' + raw[decl_end:]


@dataclass
class _Run:
    """What one parse shares: the file, lines, feed name, defaults and the results."""

    file: str
    lines: dict[int, int]
    feed: str
    seats: int
    places: Places
    modules: list[Module] = field(default_factory=list)
    issues: list[KnowledgeBaseError] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)

    def issue(self, offer: Offer, where: str, message: str, el: Element | None = None) -> None:
        line = self.lines.get(id(el)) if el is not None else None
        issue = KnowledgeBaseError(f"{offer.name}: {message}", file=self.file, field=where,
                                   line=line or self.lines.get(id(offer.element)))
        issue.rejected = message.endswith("offer rejected")  # a whole record lost: the sync then retires nothing
        self.issues.append(issue)


def parse_lheo(source: Path | str | bytes, catalogue: Catalogue, tagger: OfferTagger | None = None, *,
               feed: str | None = None, seats: int = 10, cache_dir: str | None = None,
               progress: Progress | None = None) -> tuple[list[Module], list[KnowledgeBaseError]]:
    """Read an LHEO 2.x feed (a path, or the file's bytes); return (modules, issues).

    One module per ``formation`` × ``action`` (see the module docstring); id = slug of the formation's
    ``numero`` (else its title), suffixed with the town when the formation has several actions.
    Units: hours, EUR, WGS84 degrees. ``feed`` names the feed in ``Module.origin`` (default: the file
    stem; for bytes, also the name used in issues); ``seats``: seats of a session that states none;
    ``progress(done, total)`` counts formations tagged (the slow step; in batches). ``tagger`` defaults to
    ``build_tagger(catalogue)``; a tagger that raises makes that offer a draft (reported).

    Raises
    ------
    InputError
        When the file cannot be read or is not well-formed XML (line given).
    """
    root, lines, file = _read(source, feed)
    name = feed or (Path(file).stem if not isinstance(source, (bytes, bytearray, memoryview)) else "lheo")
    run = _Run(file, lines, name, seats, Places(cache_dir))
    tag = tagger or build_tagger(catalogue)
    reference = load_reference()
    today = dt.date.today()
    formations = list(root.iter("formation"))
    offers = [read_offer(formation, i) for i, formation in enumerate(formations, 1)]
    taggings = _tag_all(offers, tag, run, progress)
    for i, (formation, offer, tagging) in enumerate(zip(formations, offers, taggings), 1):
        for where, message in offer.problems:
            run.issue(offer, f"formation[{i}]/{where}", message)
        actions = formation.findall("action")
        if not actions:
            run.issue(offer, f"formation[{i}]/action", "the offer has no action (no place, dates or duration)")
        for j, action in enumerate(actions, 1):
            _action(offer, tagging, action, j, len(actions) > 1, run, reference, today)
    return run.modules, run.issues


def _text(offer: Offer) -> OfferText:
    return OfferText(title=offer.title, text="\n\n".join(t for t in (offer.objective, offer.results, offer.content) if t),
                     language=offer.language, rome=offer.rome, formacode=offer.formacode, rncp=offer.rncp,
                     rs=offer.rs, certifinfo=offer.certifinfo)


def _tag_all(offers: list[Offer], tagger: OfferTagger, run: _Run, progress) -> list[Tagging]:
    """Every offer's tagging: in batches through ``tagger.tag_many`` when the tagger has it (one embedding
    call per batch), else one by one; ``progress(done, total)`` in offers tagged (tagging is the slow step).
    A batch that fails is tagged again offer by offer, so one odd offer only costs itself."""
    many = getattr(tagger, "tag_many", None)
    if many is not None:
        try:
            out = many([_text(o) for o in offers], progress=progress)
            if len(out) == len(offers) and all(isinstance(t, Tagging) for t in out):
                return out
        except Exception:  # noqa: BLE001 - fall back to one by one, where each failure is reported
            pass
    out = []
    for k, offer in enumerate(offers, 1):
        out.append(_tag(offer, tagger, run))
        if progress is not None:
            progress(k, len(offers))
    return out


def _tag(offer: Offer, tagger: OfferTagger, run: _Run) -> Tagging:
    try:
        tagging = tagger(_text(offer))
        if not isinstance(tagging, Tagging):
            raise TypeError(f"returned {type(tagging).__name__}, not a Tagging")
        return tagging
    except Exception as exc:  # noqa: BLE001 - a tagger bug must not lose the offer: it becomes a draft
        run.issue(offer, f"formation[{offer.index}]", f"the tagger failed ({type(exc).__name__}: {exc}); "
                  "imported as a draft without suggestions")
        return Tagging()


def _action(offer: Offer, tagging: Tagging, action: Element, j: int, several: bool, run: _Run, reference,
            today: dt.date) -> None:
    where = f"formation[{offer.index}]/action[{j}]"
    mode = MODALITY.get(text_of(action, "modalites-enseignement"), "in_person")
    alternance = text_of(action, "modalites-alternance")
    if mode != "online" and is_work_study(alternance):
        mode = "work_study"

    def report(element: str, message: str, el: Element | None = None) -> None:
        run.issue(offer, f"{where}/{element}", message, el if el is not None else action)

    places = [p for lieu in action.findall("lieu-de-formation")
              if (p := run.places.of(lieu.find("coordonnees/adresse"), "lieu-de-formation", report)) is not None]
    sessions, seen_places = [], {p["city"]: p for p in places}
    for k, s in enumerate(action.findall("session"), 1):
        debut, fin = text_of(s, "periode/debut"), text_of(s, "periode/fin")
        start, end = date_of(debut), date_of(fin)
        if start is None or end is None:
            if {debut, fin} & {"00000000", "99999999", ""}:
                continue  # open dates (entrées/sorties permanentes): not plannable, not a defect
            report(f"session[{k}]/periode", f"session dates {debut!r} → {fin!r} are not dates (YYYYMMDD); "
                   "session dropped", s)
            continue
        if end < start:
            report(f"session[{k}]/periode", f"session {start} → {end} ends before it starts; session dropped", s)
            continue
        place = None
        own = s.find("lieu-de-formation/coordonnees/adresse")
        if own is not None:
            place = run.places.of(own, f"session[{k}]/lieu-de-formation", report)
        if place is None and places:
            place = places[0]
        if place is None and (inscription := s.find("adresse-inscription/adresse")) is not None:
            place = run.places.of(inscription, f"session[{k}]/adresse-inscription", report)
        if place is not None:
            seen_places.setdefault(place["city"], place)
        n = price_of(extra_of(s, "nombre-places"))
        sessions.append({"start": start, "end": end, "place": place["city"] if place else None,
                         "seats": int(n) if n is not None else run.seats})
    hours = hours_of(text_of(action, "nombre-heures-total"), text_of(action, "nombre-heures-centre"),
                     text_of(action, "nombre-heures-entreprise"), text_of(action, "duree-indicative"))
    if not offer.title:
        report("intitule-formation", "the offer has no title (intitule-formation); offer rejected")
        return
    if hours is None:
        report("nombre-heures-total", "no duration: give nombre-heures-total, nombre-heures-centre/-entreprise or "
               f"duree-indicative (e.g. '21 heures', '3 jours', '2 ans'); got {text_of(action, 'duree-indicative')!r}; "
               "offer rejected")
        return
    all_places = list(seen_places.values())
    if mode != "online" and not all_places:
        report("lieu-de-formation", f"{mode.replace('_', ' ')} action without any place (no lieu-de-formation "
               "with a known town or coordinates); offer rejected")
        return
    _build(offer, tagging, action, j, several, run, reference, today, where, mode, alternance, hours, all_places,
           sessions, report)


def _build(offer: Offer, tagging: Tagging, action: Element, j: int, several: bool, run: _Run, reference,
           today: dt.date, where: str, mode: str, alternance: str, hours: tuple[float, str | None],
           places: list[dict], sessions: list[dict], report: Callable[..., None]) -> None:
    duration, estimate = hours
    price = price_of(text_of(action, "prix-total-TTC"))
    funding = None
    if price is None and (hourly := price_of(text_of(action, "prix-horaire-TTC"))) is not None:
        price = round(hourly * duration, 2)
    if price is None:
        price, funding = 0.0, {"note": "price not stated in the LHEO feed (prix-total-TTC / prix-horaire-TTC): "
                                       "cost_eur 0 means unknown, not free"}
    conditions = raw_of(action, "conditions-specifiques")
    level = entry_level_text(offer.entry_level, text_of(action, "niveau-entree-obligatoire"))
    codes, text = entry_conditions([p for p in (level, offer.rich(conditions), *offer.prerequisites) if p], reference)
    numero = action.get("numero") or ""
    city = places[0]["city"] if places else ""
    base = slug(offer.numero or offer.title)
    ident = f"{base}-{slug(city or numero or 'action')}"[:81].strip("-") if several else base
    if ident in run.ids:
        ident = f"{ident[:76].strip('-')}-{j}"
    key = f"{offer.numero}/{numero}" if offer.numero and numero else \
        "h" + hashlib.sha256(f"{offer.title}|{city}|{places[0]['postcode'] if places else ''}".encode()).hexdigest()[:16]
    while key in run.keys:
        key += "+"
    serial = [offer.canon]
    canon(action, serial)
    origin = {"feed": run.feed, "key": key, "digest": hashlib.sha256("".join(serial).encode()).hexdigest(),
              "imported": today}
    body = _body(offer, action, alternance if mode == "work_study" else "", text, estimate, funding, run.feed, key)
    awarded = [*tagging.awards, *[c for c in offer.registers if offer.certifying is not False]]
    codes, competences, rule_skills = stated_prerequisites(awarded, reference, renewal=tagging.renewal, held=codes)
    taught = {o.skill for o in tagging.outcomes}
    data = dict(
        id=ident, title=offer.title, language=language_of(text_of(action, "langue-formation") or offer.language),
        summary=one_line(offer.objective or offer.results or offer.content, 300), domain=domain_of(offer),
        duration_hours=duration, hours_estimate=estimate, cost_eur=price, modality=mode, provider=offer.provider,
        places=places, sessions=sessions,
        prerequisites={"certifications": codes, "competences": competences, "text": text,  # stated + the rules'
                       "skills": [k for k in rule_skills if k.skill not in taught]},
        outcomes=tagging.outcomes, suggestions=tagging.suggestions,
        status="approved" if tagging.confident and tagging.outcomes else "draft",
        certification=certification_of(offer, tagging.awards, reference, renewal=tagging.renewal), references=offer.references(),
        origin=origin, funding=funding, eqf_level=EQF_OF_LEVEL.get(offer.exit_level), illustrative=False, body=body)
    try:
        module = Module.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            report(".".join(map(str, err["loc"])) or "action", f"{err['msg']}; offer rejected")
        return
    run.ids.add(module.id)
    run.keys.add(key)
    run.modules.append(module)


def _body(offer: Offer, action: Element, alternance: str, conditions: str | None, estimate: str | None,
          funding: dict | None, feed: str, key: str) -> str:
    sections = [("Objectifs", offer.objective), ("Résultats attendus", offer.results), ("Contenu", offer.content),
                ("Rythme", offer.rich(raw_of(action, "rythme-formation"))), ("Alternance", offer.rich(alternance)),
                ("Conditions d'entrée", conditions or ""), ("Durée", f"Durée estimée : {estimate}." if estimate else ""),
                ("Prix", "Prix non communiqué dans le flux : à vérifier." if funding else "")]
    parts = [f"## {head}\n{text}\n" for head, text in sections if text]
    parts.append(f"Importé du flux LHEO « {feed} » (offre {key}). Compétences proposées automatiquement : "
                 "à vérifier.\n")
    return "\n".join(parts)
