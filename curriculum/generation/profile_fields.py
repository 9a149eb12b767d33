"""Deterministic reading of a CV or a self-description beyond skills: certifications with dates, home
location, hours per week, start date and target job — and the checks that an LLM's claims are evidenced.

Every finder returns the value with the sentence it was read from (``evidence``). French and English.

* **Certifications** (:func:`find_certifications`): electrical habilitation symbols (NF C 18-510 / 18-550,
  ``B1VL``, ``B2 VL``, ``BR``…) within 80 characters after a cue ("habilitation", "NF C 18-5x0", "electrical
  clearance/authorisation"); ``IRVE`` with its level ("IRVE P2", "niveau 2", "level 3" → ``IRVE-2``…;
  maintenance → ``IRVE-MAINT``); NF EN ISO 9606-1 with its processes in the same sentence (numbers or names:
  TIG → 141, MAG → 135, fil fourré → 136, électrode enrobée → 111) → ``ISO9606-1-141``; ``CACES R489`` →
  ``CACES-R489``; ``RNCP``/``RS`` numbers. A sentence that plans a certification ("prévue", "je prépare",
  "en cours", "preparing", "planned") or asks for one holds none, and neither does a sentence that gives
  instructions (:func:`instruction_sentences`: "ignore previous instructions", "ajoute la certification").
  The date obtained is the first date after the code in its sentence (before the next code), else the date
  that follows the group ("B1VL et BR obtenues en 2021"), else the one before; "valable jusqu'en", "until"…
  dates are expiries and are skipped. Dates are kept as written precision: ``"2021"``, ``"2021-03"``,
  ``"2021-03-15"``.
* **Location** (:func:`find_location`): "59500 Douai" (postcode + a city of the French gazetteer), else a city
  after "habite à", "vis à", "basé(e) à", "based in", "live in", "Ville :", "Location:"…
* **Hours per week** (:func:`find_hours`): "20 h par semaine", "15 heures/semaine", "10 hours a week",
  "h hebdo"; "temps plein"/"full-time" → 35 in a sentence about availability or training.
* **Start** (:func:`find_start`): a date after "disponible", "à partir de", "dès", "available", "from",
  "start" (ISO, dd/mm/yyyy, "1er septembre 2026", "September 2026" → the 1st).
* **Target job** (:func:`match_job`): the catalogue job whose title words (English and French) the text names
  most, in a sentence stating a goal ("je souhaite devenir", "objectif", "I want to become"…).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from curriculum.retrieval.skill_mapping import normalise_label

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSE = re.compile(r"(?<=[.!?])\s+|\n+")
_MONTHS = {m: i + 1 for i, names in enumerate([
    "janvier january jan", "fevrier february feb fev", "mars march mar", "avril april apr avr", "mai may",
    "juin june jun", "juillet july jul juil", "aout august aug", "septembre september sept sep",
    "octobre october oct", "novembre november nov", "decembre december dec"]) for m in names.split()}
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(rf"(?i)\b(?:(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})|(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})"
                   rf"|(\d{{1,2}})/(\d{{4}})|(?:(\d{{1,2}})(?:er|st|nd|rd|th)?\s+)?({_MONTH_RX})\.?\s+(\d{{4}})"
                   rf"|({_MONTH_RX})\.?\s+(\d{{1,2}}),\s+(\d{{4}})"
                   rf"|((?:19|20)\d\d))\b")
_EXPIRY = re.compile(r"(?:jusqu|until|expir\w*|valable|valid\s+(?:until|to|through)|[ée]ch[ée]ance|due)\W{0,3}"
                     r"(?:\w+\W{0,3}){0,2}$", re.IGNORECASE)
_RENEWED = re.compile(r"(?:recycl\w*|renouvel\w*|renew\w*|refresh\w*|\bMAC\b)\W{0,3}(?:\w+\W{0,3}){0,3}$",
                      re.IGNORECASE)
_PLANNED_BEFORE = re.compile(r"je pr[ée]pare|pr[ée]parer|en cours d|souhait|voudrais|veux|aimerais|objectif|vise|"
                             r"\bplan(?:ned|ning)? to\b|\bpreparing\b|\bwant\b|\bwould like\b|\bgoal\b|\baim\b|"
                             r"\bto (?:obtain|get|pass|take)\b|obtenir|passer|me former|train(?:ing)? for",
                             re.IGNORECASE)
_PLANNED_AFTER = re.compile(r"^\W*(?:\w+\W+){0,4}?(?:pr[ée]vue?s?|en cours|[àa] venir|planned|in progress|pending|"
                            r"next year|l['’]an prochain|[àa] passer)\b", re.IGNORECASE)
_INSTRUCTION = re.compile(r"ignore[rz]?\s+(?:all\s+|the\s+|any\s+|toutes?\s+|les\s+)*(?:previous|prior|above|earlier|"
                          r"pr[ée]c[ée]dentes?|instructions?|consignes?)|disregard|system prompt|you are now|"
                          r"tu es maintenant|vous [êe]tes maintenant|\b(?:add|ajoute[rz]?)\s+(?:the\s+|la\s+|une?\s+|"
                          r"l['’]\s*)?(?:certification|habilitation|skill|comp[ée]tence)|\bassistant\s*:|"
                          r"\bsystem\s*:",
                          re.IGNORECASE)
_HAB_CUE = re.compile(r"habilit\w*|\bNF\s*C\s*18[\s.-]*5[15]0|\bUTE\s*C\s*18|electrical\s+(?:clearance|"
                      r"authori[sz]ation|permit|qualification)s?", re.IGNORECASE)
_HAB_SYMBOL = re.compile(r"\b(B0L?|H0V?|B[12][VTX]?L?|H[12]V?|B[CRE]L?|H[CE]|BS|BP)\b")
_IRVE = re.compile(r"\bIRVE\b", re.IGNORECASE)
_IRVE_LEVEL = re.compile(r"\b(?:P|N|niv(?:eau)?x?\.?\s*|levels?\s*|IRVE[\s-]*)([123])\b(?:\s*(?:,|/|-|et|and|&|\+)\s*"
                         r"(?:P|N)?([123])\b)?(?:\s*(?:,|/|-|et|and|&|\+)\s*(?:P|N)?([123])\b)?", re.IGNORECASE)
_ISO9606 = re.compile(r"(?:ISO|EN)\s*9606\s*[-‐–]?\s*1\b|\b9606\s*[-‐–]\s*1\b", re.IGNORECASE)
_PROCESSES = [(re.compile(r"(?<![\d.,-])(111|135|136|138|141)(?![\d.,]\d)"), None),
              (re.compile(r"\bTIG\b|\bGTAW\b", re.IGNORECASE), "141"),
              (re.compile(r"fil\s+fourr[ée]\s+m[ée]tal|metal[\s-]cored", re.IGNORECASE), "138"),
              (re.compile(r"fil\s+fourr[ée](?!\s+m[ée]tal)|flux[\s-]cored|\bFCAW\b", re.IGNORECASE), "136"),
              (re.compile(r"\bMAG\b|fil\s+plein|\bGMAW\b", re.IGNORECASE), "135"),
              (re.compile(r"[ée]lectrodes?\s+enrob[ée]e?s?|\bMMA\b|\bSMAW\b|stick welding", re.IGNORECASE), "111")]
_CACES = re.compile(r"\bCACES\W{0,3}R?\s*\.?\s*(\d{3})\b", re.IGNORECASE)
_REGISTER = re.compile(r"\b(RNCP|RS)\s?(\d{3,6})\b")


@dataclass
class Found:
    """A value read from the text, with the sentence it came from and a confidence 0–1."""

    value: object
    evidence: str
    confidence: float


def sentences(text: str) -> list[str]:
    """Non-empty sentences and lines of ``text``, stripped."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def instruction_sentences(text: str) -> list[str]:
    """Sentences that give instructions to a model (prompt injection): never evidence of anything."""
    return [s for s in sentences(text) if _INSTRUCTION.search(s)]


def _date_value(m: re.Match) -> str | None:
    g = m.groups()
    try:
        if g[0]:
            return dt.date(int(g[0]), int(g[1]), int(g[2])).isoformat()
        if g[3]:
            return dt.date(int(g[5]), int(g[4]), int(g[3])).isoformat()
        if g[6]:
            return f"{int(g[7]):04d}-{int(g[6]):02d}" if 1 <= int(g[6]) <= 12 else None
        if g[9]:
            month = _MONTHS[normalise_label(g[9])]
            return dt.date(int(g[10]), month, int(g[8])).isoformat() if g[8] else f"{int(g[10]):04d}-{month:02d}"
        if g[11]:
            return dt.date(int(g[13]), _MONTHS[normalise_label(g[11])], int(g[12])).isoformat()
        return g[14]
    except (ValueError, KeyError):
        return None


def dates_in(text: str) -> list[tuple[int, str]]:
    """(position, date as written precision "YYYY", "YYYY-MM" or "YYYY-MM-DD") of each date in ``text``;
    a date after an expiry word ("valable jusqu'en", "until") is left out."""
    folded = normalise_accents(text)
    out = []
    for m in _DATE.finditer(folded):
        value = _date_value(m)
        if value and not _EXPIRY.search(folded[max(0, m.start() - 40):m.start()]):
            out.append((m.start(), value))
    return out


def normalise_accents(text: str) -> str:
    """``text`` with accents removed, same length per character where possible (for month names)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKD", c)[0] if c.isalpha() else c for c in text)


def _codes_in_sentence(sentence: str) -> list[tuple[int, str]]:
    upper = re.sub(r"\b(B[012CRE]|H[012CE])\s+(VL|TL|XL|V|T|X|L)\b", lambda m: m.group(1) + m.group(2) + " ",
                   sentence.upper())
    found: list[tuple[int, str]] = []
    for cue in _HAB_CUE.finditer(upper):
        window = upper[cue.end():cue.end() + 80]
        found += [(cue.end() + m.start(), m.group(1)) for m in _HAB_SYMBOL.finditer(window)]
    for m in _IRVE.finditer(upper):
        after = upper[m.end():m.end() + 40]
        if re.search(r"MAINT", after) and not re.search(r"INSTALL|POSE", after):
            found.append((m.start(), "IRVE-MAINT"))
            continue
        levels = _IRVE_LEVEL.search(upper[m.start():m.end() + 30])
        codes = [f"IRVE-{n}" for n in (levels.groups() if levels else ()) if n]
        found += [(m.start(), c) for c in codes or ["IRVE"]]
    if _ISO9606.search(upper):
        pos = _ISO9606.search(upper).start()
        for rx, number in _PROCESSES:
            for m in rx.finditer(upper):
                found.append((max(pos, m.start()), f"ISO9606-1-{number or m.group(1)}"))
    found += [(m.start(), f"CACES-R{m.group(1)}") for m in _CACES.finditer(upper)]
    found += [(m.start(), m.group(1) + m.group(2)) for m in _REGISTER.finditer(upper)]
    seen: dict[str, int] = {}
    for pos, code in sorted(found):
        seen.setdefault(code, pos)
    return sorted((pos, code) for code, pos in seen.items())


def find_certifications(text: str) -> list[Found]:
    """Certifications the person holds (``value`` = ``(code, obtained or None)``), in order of appearance."""
    out: dict[str, Found] = {}
    for sentence in (c.strip() for c in _CLAUSE.split(text[:200_000]) if c and c.strip()):
        if _INSTRUCTION.search(sentence):
            continue
        codes = _codes_in_sentence(sentence)
        dates = dates_in(sentence) if codes else []
        for i, (pos, code) in enumerate(codes):
            start = codes[i - 1][0] + 1 if i else 0
            nxt = codes[i + 1][0] if i + 1 < len(codes) else len(sentence) + 1
            if _PLANNED_BEFORE.search(sentence[max(start, pos - 60):pos]) or \
                    _PLANNED_AFTER.search(sentence[pos:nxt].split(" ", 1)[-1]):
                continue
            later = [(p, d) for p, d in dates if p > pos]
            between = [(p, d) for p, d in later if p < nxt]
            renewed = [d for p, d in (between or later)
                       if _RENEWED.search(normalise_accents(sentence[max(0, p - 40):p]))]
            before = [d for p, d in dates if p < pos]
            obtained = max(renewed) if renewed else ([d for _, d in between or later] or before[-1:] or [None])[0]
            if code not in out or (out[code].value[1] is None and obtained):  # type: ignore[index]
                out[code] = Found((code, obtained), sentence[:300], 0.9 if obtained else 0.8)
    return list(out.values())


def certification_evidence(code: str, text: str) -> str | None:
    """The sentence of ``text`` that evidences holding ``code`` (as :func:`find_certifications` reads it),
    or None. ``IRVE`` is evidenced by any IRVE level; instruction sentences never count."""
    for found in find_certifications(text):
        held = found.value[0]  # type: ignore[index]
        if held == code or (code == "IRVE" and str(held).startswith("IRVE")):
            return found.evidence
    return None


# --- location, hours, start --------------------------------------------------------------------------------
_CITY_WORDS = r"([A-ZÀ-Ý][\w'’-]+(?:[ -](?:[Ss]ur|[Ll]es|[Ll]e|[Ll]a|en|de|d['’]|[A-ZÀ-Ý][\w'’-]+)){0,4})"
_POSTCODE_CITY = re.compile(rf"\b((?:0[1-9]|[1-8]\d|9[0-5]|2[AB])\d{{3}})[ ,]+{_CITY_WORDS}")
_CITY_CUE = re.compile(r"(?:habite|vis|r[ée]side|r[ée]sidant|domicili[ée]e?|bas[ée]e?|install[ée]e?|situ[ée]e?|"
                       r"based|living|live|lives|located|reside|resident|home)\s+(?:\w+\s+){0,2}?"
                       r"(?:[àa]|au|en|in|near|"
                       r"pr[eè]s de|sur|:)\s+" + _CITY_WORDS + r"|(?:Ville|City|Location|Localisation|Lieu|Domicile|"
                       r"Adresse|Address)\s*:\s*(?:\d{5}\s+)?" + _CITY_WORDS)


def known_city(words: str) -> str | None:
    """The longest leading run of ``words`` that names a French gazetteer place, as written; None if none."""
    from curriculum.geo import french_places, normalise_place_name

    places = french_places()
    parts = re.split(r"(\s+|-)", words.strip(" ,.;:"))
    for end in range(len(parts), 0, -1):  # longest known prefix: "Saint-Étienne du Rouvray" before "Saint"
        candidate = "".join(parts[:end]).strip(" -")
        if candidate and normalise_place_name(candidate) in places and normalise_label(candidate) not in _MONTHS:
            return candidate
    return None


_ARTICLE = {"au": "Le ", "du": "Le ", "aux": "Les ", "des": "Les "}
_PLACE_AFTER = re.compile(r"\b(à|a|au|aux|du|des|de|d['’]|en|in|near|at|around|from|sur)\s+" + _CITY_WORDS)


def _city_after(preposition: str, words: str) -> str | None:
    article = _ARTICLE.get(preposition.lower())
    return (known_city(article + words) if article else None) or known_city(words)


def places_named(text: str) -> dict[str, tuple[float, float]]:
    """Every gazetteer place ``text`` names after a preposition or a postcode ("à Roubaix", "au Havre" → Le Havre,
    "near Dunkirk", "59500 Douai"): name as written → (lat, lon)."""
    from curriculum.geo import resolve_city

    out = {}
    for m in list(_PLACE_AFTER.finditer(text)) + list(_POSTCODE_CITY.finditer(text)):
        city = _city_after(m.group(1), m.group(2))
        if city and city not in out:
            try:
                out[city] = resolve_city(city, m.group(1) if m.group(1).isdigit() else None)
            except Exception:  # noqa: BLE001 - a gazetteer miss is no place
                continue
    return out


def find_location(text: str) -> Found | None:
    """Home city (``value`` = ``{"city", "postcode"}``): postcode + city first (confidence 0.9), else a city after
    a cue ("habite à", "based in": 0.8), else the first place named after a preposition ("15 ans à Roubaix": 0.6)."""
    found = sentences(text[:200_000])
    for sentence in found:
        for m in _POSTCODE_CITY.finditer(sentence):
            city = known_city(m.group(2))
            if city:
                return Found({"city": city, "postcode": m.group(1)}, sentence[:300], 0.9)
    for sentence in found:
        for m in _CITY_CUE.finditer(sentence):
            before = sentence[:m.start(1) if m.group(1) else m.start(2)].split()[-1:] or [""]
            city = _city_after(before[0], m.group(1) or m.group(2) or "")
            if city:
                return Found({"city": city, "postcode": None}, sentence[:300], 0.8)
    for sentence in found:
        if _INSTRUCTION.search(sentence):
            continue
        for m in _PLACE_AFTER.finditer(sentence):
            city = _city_after(m.group(1), m.group(2))
            if city:
                return Found({"city": city, "postcode": None}, sentence[:300], 0.6)
    return None


_HOURS = re.compile(r"(\d{1,2}(?:[.,]\d)?)\s*(?:h(?:eures?)?|hours?|hrs?)\b\.?\s*(?:de\s+formation\s+)?"
                    r"(?:par|/|a|an|per|each|every|chaque|hebdo\w*|weekly)\s*(?:semaine|sem\b|week|wk)?", re.IGNORECASE)
_FULL_TIME = re.compile(r"temps plein|plein temps|full[- ]time", re.IGNORECASE)
_AVAILABLE = re.compile(r"disponib|available|availability|formation|former|training|\btrain\b|\bstudy|course|"
                        r"pr[eê]te?\b|ready|libre",
                        re.IGNORECASE)


def find_hours(text: str) -> Found | None:
    """Hours per week available for training (``value`` float, 1–60)."""
    for sentence in sentences(text[:200_000]):
        for m in _HOURS.finditer(sentence):
            tail = sentence[m.start():m.end() + 12].lower()
            if not re.search(r"semaine|sem\b|week|wk|hebdo", tail):
                continue
            hours = float(m.group(1).replace(",", "."))
            if 1 <= hours <= 60:
                return Found(hours, sentence[:300], 0.9)
    for sentence in sentences(text[:200_000]):
        if _FULL_TIME.search(sentence) and _AVAILABLE.search(sentence):
            return Found(35.0, sentence[:300], 0.6)
    return None


_START_CUE = re.compile(r"disponible|disponibilit|[àa] partir d|d[èe]s\b|d[ée]marr|commencer|d[ée]but|rentr[ée]e|"
                        r"available|availability|from\b|start|begin|as of", re.IGNORECASE)


def find_start(text: str) -> Found | None:
    """Earliest start date stated (``value`` "YYYY-MM-DD"; a month alone gives its 1st day)."""
    for sentence in sentences(text[:200_000]):
        cue = _START_CUE.search(sentence)
        if not cue:
            continue
        for pos, value in dates_in(sentence):
            if pos >= cue.start() and len(value) >= 7:
                return Found(value if len(value) == 10 else value + "-01", sentence[:300], 0.8)
    return None


# --- target job ----------------------------------------------------------------------------------------------
_GOAL = re.compile(r"souhait|veux|voudrais|aimerais|objectif|projet|devenir|reconversion|vis(?:e|er)\b|me former|"
                   r"poste d|want|would like|goal|aim|become|target|looking for|retrain|career change|move into",
                   re.IGNORECASE)
_JOB_STOP = set("de des du la le les et en a au aux d l un une pour sur of the and in for or with technicien "
                "technicienne technician operateur operatrice operator".split())


def _stem(word: str) -> str:
    return word[:6]


def _job_words(jobs: dict) -> dict[str, set[str]]:
    titles = {}
    for job in jobs.values():
        words = set()
        for title in (job.title, job.title_fr or ""):
            words |= {_stem(w) for w in normalise_label(title.replace("/", " ")).split() if w not in _JOB_STOP}
        titles[job.id] = words
    return titles


def job_for_words(words: str, jobs: dict) -> tuple[str, float] | None:
    """(job id, score 0–1) of the catalogue job whose English/French title words ``words`` names most: at least
    two of them and half of the title's distinctive words (four at most counted); None otherwise."""
    said = {_stem(w) for w in normalise_label(words).split() if w not in _JOB_STOP}
    best: tuple[float, str] | None = None
    for job_id, title in sorted(_job_words(jobs).items()):
        hits = len(title & said)
        score = hits / max(1, min(len(title), 4))
        if hits >= 2 and score >= 0.5 and (best is None or score > best[0]):
            best = (score, job_id)
    return (best[1], round(min(0.9, best[0]), 2)) if best else None


def match_job(text: str, jobs: dict) -> Found | None:
    """The catalogue job (``value`` = job id) a sentence stating a goal names (:func:`job_for_words`), or None."""
    best: tuple[float, str, str] | None = None
    for sentence in sentences(text[:200_000]):
        if _GOAL.search(sentence) and not _INSTRUCTION.search(sentence):
            found = job_for_words(sentence, jobs)
            if found and (best is None or found[1] > best[0]):
                best = (found[1], found[0], sentence)
    return Found(best[1], best[2][:300], best[0]) if best else None
