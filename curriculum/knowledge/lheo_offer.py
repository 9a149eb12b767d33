"""The formation-level part of an LHEO offer (shared by its actions), read once per ``formation``.

:func:`read_offer` gives an :class:`Offer`: title, clean texts (:func:`~curriculum.knowledge.lheo_text.rich_text`),
codes (ROME, Formacode, NSF, RNCP, RS, Certif Info, ``certifiante``), provider, entry and exit
levels, "Prérequis" passages, and a canonical serialisation of its formation-level elements (for
``Origin.digest``). :func:`certification_of` turns the tagger's awards and the offer's register
codes into a ``Module.certification``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from curriculum.knowledge.lheo_text import prerequisite_passages, rich_text
from curriculum.retrieval.skill_mapping import normalise_label
from curriculum.rules.reference import RulesReference


def text_of(el: Element | None, path: str) -> str:
    """Text of ``el.find(path)`` with whitespace runs collapsed ("" when absent)."""
    found = el.find(path) if el is not None else None
    return " ".join(found.text.split()) if found is not None and found.text else ""


def raw_of(el: Element | None, path: str) -> str:
    """Text of ``el.find(path)`` as published (line breaks kept; "" when absent)."""
    found = el.find(path) if el is not None else None
    return (found.text or "") if found is not None else ""


def extra_of(el: Element, info: str) -> str:
    """Text of the first ``<extra info="…">`` below ``el`` whose ``info`` is ``info`` (case-insensitive)."""
    for extra in el.iter("extra"):
        if (extra.get("info") or "").lower() == info:
            return (extra.text or "").strip()
    return ""


def canon(el: Element, out: list[str], skip: str | None = None) -> None:
    """Append a whitespace-insensitive serialisation of ``el`` and its descendants to ``out`` in
    document order (tag, sorted attributes, text of each), leaving out the children tagged ``skip``
    with their own descendants."""
    append = out.append
    for e in (el.iter() if skip is None else _without(el, skip)):
        append("\x1f<" + e.tag)
        if e.attrib:
            append(repr(sorted(e.attrib.items())))
        text = e.text
        if text and not text.isspace():
            append(" ".join(text.split()))


def _without(el: Element, skip: str):
    yield el
    for child in el:
        if child.tag != skip:
            yield from child.iter()


def slug(text: str) -> str:
    """Kebab-case id from free text (accents dropped, at most 60 characters)."""
    return normalise_label(text).replace(" ", "-")[:60].strip("-") or "module"


@dataclass
class Offer:
    """One ``formation`` as read (see the module docstring). Texts are Markdown without tags."""

    element: Element
    index: int
    numero: str
    title: str
    objective: str
    results: str
    content: str
    language: str
    provider: str
    entry_level: str
    exit_level: str
    rome: list[str] = field(default_factory=list)
    formacode: list[str] = field(default_factory=list)
    nsf: list[str] = field(default_factory=list)
    rncp: str | None = None
    rs: str | None = None
    certifinfo: str | None = None
    registers: list[str] = field(default_factory=list)
    certifying: bool | None = None
    prerequisites: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    canon: str = ""
    _rich: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """How issues name the offer: ``offer <numero> "<title>"``."""
        return f"offer {self.numero or '(no numero)'} \"{self.title or '(no title)'}\""

    def rich(self, raw: str) -> str:
        """:func:`rich_text` of ``raw``, memoised for the offer's actions."""
        if raw not in self._rich:
            self._rich[raw] = rich_text(raw)
        return self._rich[raw]

    def references(self) -> dict:
        """``Module.references`` of the offer."""
        return {"rome": self.rome, "formacode": self.formacode, "nsf": self.nsf, "rncp": self.rncp, "rs": self.rs,
                "certifinfo": self.certifinfo, "certifying": self.certifying}


def _codes(el: Element, tag: str) -> list[str]:
    return list(dict.fromkeys(c.text.strip().upper() for c in el.iter(tag) if c.text and c.text.strip()))


def _register(value: str, prefix: str) -> str | None:
    digits = re.sub(r"[\s\u00a0]", "", value).upper().removeprefix(prefix)
    return f"{prefix}{digits}" if digits.isdigit() else None


def read_offer(formation: Element, index: int) -> Offer:
    """The :class:`Offer` of a ``formation`` element (namespace already stripped); ``index`` is its
    1-based position in the feed. Malformed register codes are left out and listed in ``problems``."""
    objective = rich_text(raw_of(formation, "objectif-formation"))
    content = rich_text(raw_of(formation, "contenu-formation"))
    organisme = formation.find("organisme-formation-responsable")
    offer = Offer(
        element=formation, index=index, numero=(formation.get("numero") or "").strip(),
        title=text_of(formation, "intitule-formation"), objective=objective,
        results=rich_text(raw_of(formation, "resultats-attendus")), content=content,
        language=text_of(formation, "action/langue-formation"),
        provider=(text_of(organisme, "raison-sociale") or text_of(organisme, "nom-organisme") or "unknown provider"),
        entry_level=text_of(formation, "code-niveau-entree"), exit_level=text_of(formation, "code-niveau-sortie"))
    domain = formation.find("domaine-formation")
    if domain is not None:
        offer.rome, offer.formacode, offer.nsf = (_codes(domain, t) for t in ("code-ROME", "code-FORMACODE",
                                                                              "code-NSF"))
    for k, cert in enumerate(formation.findall("certification"), 1):
        for tag, prefix in (("code-RNCP", "RNCP"), ("code-RS", "RS")):
            for value in [c.text or "" for c in cert.iter(tag)] + [extra_of(cert, tag.lower())]:
                if not value.strip():
                    continue
                code = _register(value, prefix)
                if code is None:
                    offer.problems.append((f"certification[{k}]/{tag}", f"{tag} {value.strip()!r} is not a "
                                           f"{prefix} number; code ignored"))
                elif code not in offer.registers:
                    offer.registers.append(code)
        offer.certifinfo = offer.certifinfo or text_of(cert, "code-CERTIFINFO") or None
    offer.rncp = next((c for c in offer.registers if c.startswith("RNCP")), None)
    offer.rs = next((c for c in offer.registers if c.startswith("RS")), None)
    offer.certifying = {"1": True, "0": False}.get(text_of(formation, "certifiante"))
    offer.prerequisites = prerequisite_passages(objective) + prerequisite_passages(content)
    out: list[str] = []
    canon(formation, out, skip="action")
    offer.canon = "".join(out)
    return offer


_STANDARDS = re.compile(r"NF\s?C\s?18[-‑ ]?5[15]0|NF\s?C\s?15[-‑ ]?100|(?:NF\s)?EN\s?ISO\s?9606[-‑ ]?1|ISO\s?9606[-‑ ]?1")
_STANDARD_FAMILIES = ("NF C 18-510", "NF C 18-550", "NF EN ISO 9606-1")


_FAMILIES: dict[tuple[int, str], str | None] = {}


def _family(reference: RulesReference, code: str) -> str | None:
    """The rules' family of ``code`` ("NF C 18-550"…), memoised (a feed repeats the same codes)."""
    key = (id(reference), code if not code.startswith(("RNCP", "RS")) else code.rstrip("0123456789"))
    if key not in _FAMILIES:
        rule = reference.rule(code)
        _FAMILIES[key] = rule.family if rule is not None else None
    return _FAMILIES[key]


def certification_of(offer: Offer, awards: list[str], reference: RulesReference, *,
                     renewal: bool = False) -> dict | None:
    """``Module.certification`` from the tagger's ``awards`` (first = ``code``, the rest = ``also``)
    plus the offer's RNCP/RS codes when it is ``certifiante`` (or says nothing); label = the title
    with the register code; standard = the rules' family of the first award when it is a standard
    (NF C 18-510, NF C 18-550, NF EN ISO 9606-1), else one named in the title; None when nothing is
    awarded. ``renewal``: the offer is a refresher (recyclage) of the awards (the tagger says so)."""
    codes = list(dict.fromkeys(awards))
    if offer.certifying is not False:
        codes += [c for c in offer.registers if c not in codes]
    if not codes:
        return None
    register = offer.rncp or offer.rs
    family = _family(reference, codes[0])
    standard = family if family in _STANDARD_FAMILIES else None
    if standard is None and (m := _STANDARDS.search(offer.title)):
        standard = " ".join(m.group().replace("‑", "-").split())
    label = f"{offer.title} ({register})" if register and register not in offer.title else offer.title
    return {"code": codes[0], "also": codes[1:], "label": label, "standard": standard, "renewal": renewal}


DOMAINS = (("irve", "charging"), ("borne", "charging"), ("habilitation", "ev-safety"), ("batter", "batteries"),
           ("soud", "welding"), ("robot", "robotics"), ("automat", "automation"), ("maintenance", "maintenance"),
           ("lean", "lean-quality"), ("securite", "hse"))
"""Catalogue family from words of the title and objective (first match wins)."""


def domain_of(offer: Offer) -> str:
    """The catalogue family of an offer (:data:`DOMAINS`), "general" when no word matches."""
    norm = normalise_label(offer.title + " " + offer.objective)
    return next((d for key, d in DOMAINS if key in norm), "general")
