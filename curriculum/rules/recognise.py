"""Recognise the certifications a training offer awards, from its title, text and register codes.

Every code returned is governed by the certification rules (``certifications.yaml``, read through
:func:`~curriculum.rules.reference.load_reference`), so an importer can put it in
``Module.certification`` (``code`` + ``also``) and the rules bind its prerequisites.

What is recognised (French as offers are published, messy separators ``/ - – , + & et``):

* **Electrical habilitation symbols** (NF C 18-510 / NF C 18-550): ``B2VL / BCL``, ``B1V-B2V-BR-BC``,
  ``H0B0`` / ``B0-H0-H0V`` (glued symbols are split when every part is a known symbol), ``BOL`` (letter O
  typed for zero). A symbol counts only as a whole token, and only in an *habilitation context*: a
  segment (the title, or one sentence of the text) naming "habilitation", NF C 18-510/550 or
  UTE C 18-510/550. Vehicle symbols ending in L of three characters or more (``B2VL``, ``BCL``, ``B1TL``
  but not ``BEL``, a French word) also count alone in the title. So ``Anglais niveau B1/B2``, ``ABC``,
  part number ``B2-45`` or ``H0`` in a text about something else award nothing.
* **Refreshers**: "recyclage", "maintien (et actualisation) des compétences", "MAC", "renouvellement"
  in the habilitation context of the title → ``renewal=True`` (not "recyclage des batteries").
* **IRVE** (décret 2017-26 art. 22): ``IRVE P1/P2/P3``, "qualification IRVE niveau 2", "niveaux 1 et 2",
  ``N1-N2`` → ``IRVE-1``, ``IRVE-2``, ``IRVE-3``; maintenance (without installation) → ``IRVE-MAINT``;
  IRVE without a level → ``IRVE``.
* **Welder qualification** NF EN ISO 9606-1 with processes by ISO 4063 number or name: ``141``/TIG,
  ``135``/MAG (fil plein), ``136`` (fil fourré), ``138`` (fil fourré métal), ``111`` (électrode
  enrobée) → ``ISO9606-1-<process>`` (only the processes the rules know).
* **Register codes**: ``RNCP41536``, ``RS5646`` given by the feed or written in the title/text; a code
  that a catalogue module links (``funding.register`` or one of its awards) also brings that module's
  other awards (an RS code of a B2VL course → ``B2VL``).

Codes come from the title (and the feed's register codes). The text is read only when the title
announces a certification without naming it ("Habilitation électrique véhicules", "Qualification
NF EN ISO 9606-1" with the processes in the programme), and then only sentences that award
("prépare", "obtenir", "symboles"…) — never a sentence of prerequisites or audience ("prérequis",
"être titulaire", "avant", "public"): a text cites many codes it does not award.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from curriculum.rules.reference import RulesReference, load_reference

_SEP = r"[\s/,;+&()\[\]«»\"'’:.\-–—_]+"
_HAB_CONTEXT = re.compile(r"habilit|\b(?:NF|UTE)\s*C\s*18[\s.-]*5[15]0|\bC\s*18[\s.-]*5[15]0\b", re.IGNORECASE)
_PREREQUISITE = re.compile(r"pr[ée][\s-]?requis|[êe]tre titulaire|titulaires? d|pr[ée]alable|\brequis\b|\bavant\b|"
                           r"avoir (?:suivi|obtenu)|disposer d|\bapr[èe]s\b|\bensuite\b|\bpublic\b|destin[ée]|"
                           r"\bqui pr[ée]parent\b|encadrer|diff[ée]ren", re.IGNORECASE)
_AWARDING = re.compile(r"pr[ée]par|obten|d[ée]livr|vis[ée]|passage|avis|titres?\b|symboles?\b|valid|qualifi|"
                       r"certifi|habilitation", re.IGNORECASE)
_RENEWAL = re.compile(r"\brecyclage\b(?!\s+(?:des?|du|d['’])\s*(?:batter|d[ée]chet|mat|pack|cellule|m[ée]t|v[ée]hic))|"
                      r"maintien (?:et actualisation )?des comp[ée]tences|\bMAC\b|\brenouvellement\b|"
                      r"\bactualisation\b", re.IGNORECASE)
_IRVE = re.compile(r"\bIRVE\b", re.IGNORECASE)
_LEVEL_LIST = re.compile(r"\bniv(?:eau)?x?\.?\s*((?:[123](?:\s*(?:,|/|-|–|et|&|\+|à)\s*)?)+)", re.IGNORECASE)
_PN_LIST = re.compile(r"\b[PN]([123])\b(?:\s*(?:,|/|-|–|et|&|\+)\s*[PN]?([123])\b)?(?:\s*(?:,|/|-|–|et|&|\+)\s*[PN]?([123])\b)?",
                      re.IGNORECASE)
_ISO9606 = re.compile(r"(?:ISO|EN)\s*9606\s*[-‐–]?\s*1\b|\b9606\s*[-‐–]\s*1\b", re.IGNORECASE)
_PROCESS_NUMBER = re.compile(r"(?<![\d.,-])(111|114|121|131|135|136|138|141|311)(?![\d.,]\d)")
_PROCESS_NAMES = [  # (regex, ISO 4063 number); fil fourré métal before fil fourré
    (re.compile(r"\bTIG\b|\bGTAW\b|tungst[eè]ne", re.IGNORECASE), "141"),
    (re.compile(r"fil\s+fourr[ée]\s+(?:[àa]\s+poudre\s+)?m[ée]tal|poudre\s+m[ée]tallique|metal[\s-]cored",
                re.IGNORECASE), "138"),
    (re.compile(r"fil\s+fourr[ée](?!\s+(?:[àa]\s+poudre\s+)?m[ée]tal)|flux[\s-]cored|\bFCAW\b", re.IGNORECASE), "136"),
    (re.compile(r"\bMAG\b(?!\s*fil\s+fourr)|fil\s+plein|\bGMAW\b", re.IGNORECASE), "135"),
    (re.compile(r"[ée]lectrodes?\s+enrob[ée]e?s?|\bMMA\b|\bSMAW\b|arc\s+manuel", re.IGNORECASE), "111"),
]
_REGISTER = re.compile(r"\b(RNCP|RS)\s?(\d{3,6})\b")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass
class Recognition:
    """What an offer awards. ``awards``: rules codes, the title's first, in order of appearance;
    ``renewal``: the offer is a refresher (recyclage) of them; ``evidence``: code → the words read;
    ``unknown``: habilitation-like symbols the rules do not know (e.g. ``BF``), for the reviewer."""

    awards: list[str] = field(default_factory=list)
    renewal: bool = False
    evidence: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def add(self, code: str, evidence: str) -> None:
        """Append ``code`` once, keeping the first evidence."""
        if code not in self.awards:
            self.awards.append(code)
            self.evidence[code] = evidence.strip()[:160]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Recogniser:
    """Recognition bound to one rules reference (and optionally a catalogue's register links).

    ``links``: register code (``RNCP…``/``RS…``) or certification code → further codes awarded with it,
    e.g. from :func:`catalogue_links`.
    """

    def __init__(self, reference: RulesReference | None = None, links: dict[str, list[str]] | None = None) -> None:
        self.reference = reference or load_reference()
        self.links = links or {}
        self.symbols = {r.code for r in self.reference.certifications
                        if r.code and r.family.startswith(("NF C 18-5", "UTE C 18-5"))}
        self._longest = max(map(len, self.symbols), default=0)

    # ------------------------------------------------------------------ habilitation symbols
    def _split_glued(self, token: str) -> list[str] | None:
        """``H0B0`` → [H0, B0]; None unless every part is a known symbol (longest first)."""
        if not token:
            return []
        for size in range(min(self._longest, len(token)), 1, -1):
            head = token[:size]
            if head in self.symbols:
                rest = self._split_glued(token[size:])
                if rest is not None:
                    return [head, *rest]
        return None

    def _symbols(self, segment: str, context: bool) -> tuple[list[str], list[str]]:
        found, unknown = [], []
        for raw in re.split(_SEP, segment):
            if not raw or not raw[0] in "BbHh" or len(raw) > 8:
                continue
            token = raw.upper() if context else raw
            token = token[0] + token[1:].replace("O", "0") if re.fullmatch(r"[BH]O[VTXL]*", token) else token
            if token in self.symbols and (raw.isupper() or any(ch.isdigit() for ch in raw)):
                if context or (token.endswith("L") and len(token) >= 3 and token != "BEL" and raw.isupper()):
                    found.append(token)
            elif context and re.fullmatch(r"[BH][0-9A-Z]{1,6}", token):
                parts = self._split_glued(token)
                if parts and len(parts) > 1:
                    found.extend(parts)
                elif re.fullmatch(r"[BH][0-9RCEPFS][VTXN]?L?", token) and raw.isupper():
                    unknown.append(token)
        return found, unknown

    # ------------------------------------------------------------------ IRVE, welding, registers
    def _irve(self, segment: str) -> list[str]:
        if not _IRVE.search(segment) and not re.search(r"infrastructures? de recharge", segment, re.IGNORECASE):
            return []
        if not _IRVE.search(segment) and not re.search(r"qualifi", segment, re.IGNORECASE):
            return []
        levels: list[str] = []
        for m in _LEVEL_LIST.finditer(segment):
            digits = re.findall(r"[123]", m.group(1))
            if "à" in m.group(1) and len(digits) == 2:
                digits = [str(d) for d in range(int(digits[0]), int(digits[1]) + 1)]
            levels += digits
        for m in _PN_LIST.finditer(segment):
            levels += [g for g in m.groups() if g]
        codes = [f"IRVE-{d}" for d in dict.fromkeys(levels)]
        if re.search(r"maintenance", segment, re.IGNORECASE) and not re.search(r"install", segment, re.IGNORECASE):
            codes.append("IRVE-MAINT")
        return [c for c in codes if self.reference.rule(c)] or ["IRVE"]

    def _welding(self, segment: str) -> list[str]:
        if not _ISO9606.search(segment):
            return []
        numbers = [m.group(1) for m in _PROCESS_NUMBER.finditer(_ISO9606.sub(" ", segment))]
        for pattern, number in _PROCESS_NAMES:
            if pattern.search(segment):
                numbers.append(number)
        return [f"ISO9606-1-{n}" for n in dict.fromkeys(numbers) if self.reference.rule(f"ISO9606-1-{n}")]

    # ------------------------------------------------------------------ public
    def recognise(self, title: str, text: str = "", *, rncp: str | None = None, rs: str | None = None) -> Recognition:
        """The certifications ``title`` / ``text`` / register codes award (see the module docstring).
        Never raises on odd text; unknown register codes are ignored."""
        title, text = _fold(title or ""), _fold(text or "")
        out = Recognition()
        self._read(title, out, title=True)
        titled = _HAB_CONTEXT.search(title) or _IRVE.search(title) or _ISO9606.search(title)
        if not out.awards and titled and not _PREREQUISITE.search(title):  # "Habilitation électrique véhicules"
            for sentence in _SENTENCE.split(text):
                if _AWARDING.search(sentence) and not _PREREQUISITE.search(sentence):
                    self._read(sentence, out, title=False)
        if _ISO9606.search(title) and not any(c.startswith("ISO9606") for c in out.awards):
            for sentence in _SENTENCE.split(text):  # "Qualification NF EN ISO 9606-1", processes in the programme
                for code in [] if _PREREQUISITE.search(sentence) else self._welding("ISO 9606-1 " + sentence):
                    out.add(code, sentence)
        for code in (rncp, rs, *(f"{m.group(1)}{m.group(2)}" for m in _REGISTER.finditer(title))):
            if code and re.fullmatch(r"(RNCP|RS)\d+", code) and self.reference.rule(code):
                out.add(code, code)
        for code in list(out.awards):
            for linked in self.links.get(code, []):
                if self.reference.is_known(linked) and not self.reference.is_class(linked):
                    out.add(linked, f"{code} (catalogue)")
        out.renewal = bool(out.awards) and bool(_RENEWAL.search(title))
        return out

    def _read(self, segment: str, out: Recognition, title: bool) -> None:
        context = bool(_HAB_CONTEXT.search(segment))
        found, unknown = self._symbols(segment, context) if (context or title) else ([], [])
        for code in found:
            out.add(code, segment)
        out.unknown.extend(u for u in unknown if u not in out.unknown)
        for code in self._irve(segment):
            out.add(code, segment)
        for code in self._welding(segment):
            out.add(code, segment)


def catalogue_links(modules: Iterable) -> dict[str, list[str]]:
    """Register code → the awards of the catalogue modules that link it (``funding.register`` or an
    award), e.g. ``{"RNCP38903": ["RNCP38903"], "RS5646": ["B2VL"]}``. ``modules``: :class:`Module`\\ s."""
    links: dict[str, list[str]] = {}
    for module in modules:
        awards = module.awards
        register = module.funding.register_code if module.funding else None
        for code in {register, *(a for a in awards if re.fullmatch(r"(RNCP|RS)\d+", a))} - {None}:
            bucket = links.setdefault(code, [])
            bucket.extend(a for a in awards if a not in bucket and a != code)
    return links


def recognise(title: str, text: str = "", *, rncp: str | None = None, rs: str | None = None,
              reference: RulesReference | None = None) -> Recognition:
    """Shortcut: :meth:`Recogniser.recognise` with the shipped rules (no catalogue links)."""
    return Recogniser(reference).recognise(title, text, rncp=rncp, rs=rs)
