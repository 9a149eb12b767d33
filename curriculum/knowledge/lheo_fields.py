"""Values of LHEO offer fields: durations, prices, dates, work-study, entry levels, language.

Durations (:func:`hours_of`), in this order:

1. ``nombre-heures-total`` (hours, exact);
2. else ``nombre-heures-centre`` + ``nombre-heures-entreprise`` (hours, exact);
3. else ``duree-indicative``, free text such as "35 h", "21 heures", "21h30", "3 jours", "3 semaines",
   "6 mois", "2 ans", "1 an et demi", "2 ans et 6 mois", "de 3 à 5 jours". Hours stated in hours are
   taken as they are; any other unit is converted with these rules and the module is flagged
   ``hours_estimate`` with the stated duration and the rule:

   ============  ==========  =====================================================================
   unit          hours       why
   ============  ==========  =====================================================================
   day (jour)    7           the legal full-time week (35 h, Code du travail art. L3121-27) / 5
   half-day      3.5         half of the above
   week          35          the legal full-time week
   month (mois)  151.67      35 h × 52 / 12, the legal full-time month (monthly pay basis); months
                             describe continuous adult courses, which run without school holidays
   year (an)     1 200       a full-time school year: 36 weeks of school (Code de l'éducation art.
                             L521-1) of about 33 h (BTS / bac pro timetables, workshops included),
                             rounded; years describe school-calendar courses (BTS, CAP, bac pro…)
   ============  ==========  =====================================================================

   Several amounts are added ("2 ans et 6 mois"); a range ("de 3 à 5 jours", "entre 300 et 600
   heures") counts as its middle (flagged); a figure in brackets that restates the one before it
   ("5 jours (35 heures)") is not added twice: hours stated anywhere win over converted units.

Prices (:func:`price_of`): French formats ("1 234,50 €", no-break spaces, "690,00 € TTC", "4000 EUR")
through :func:`curriculum.tabular.parse_number`; most training bodies are VAT-exempt, so TTC = HT.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from curriculum.tabular import NumberError, parse_number

HOURS_PER_DAY = 7.0
HOURS_PER_WEEK = 35.0
HOURS_PER_MONTH = round(35.0 * 52 / 12, 2)  # 151.67
HOURS_PER_YEAR = 1200.0
UNITS: dict[str, tuple[float, str]] = {
    "hour": (1.0, ""),
    "halfday": (HOURS_PER_DAY / 2, "3.5 h per half-day"),
    "day": (HOURS_PER_DAY, "7 h per day (35 h week / 5)"),
    "week": (HOURS_PER_WEEK, "35 h per week (legal full-time week)"),
    "month": (HOURS_PER_MONTH, "151.67 h per month (35 h × 52 / 12)"),
    "year": (HOURS_PER_YEAR, "1 200 h per year (full-time school year: 36 weeks × ≈ 33 h)"),
}
"""Unit → (hours, the rule as stated in ``Module.hours_estimate``)."""

_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
          "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}
_NUM = r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|" + "|".join(_WORDS) + ")"
_UNIT = (r"(?P<unit>heures?|hrs?|h(?![a-z])|demi[- ]journ[ée]es?|journ[ée]es?|jours?|j(?![a-z])|semaines?|sem\b\.?|"
         r"mois|ann[ée]es?|ans?(?![a-z]))")
_AMOUNT = re.compile(rf"(?P<a>{_NUM})(?:\s*(?:à|a|-|–|et)\s*(?P<b>{_NUM}))?\s*{_UNIT}"
                     r"(?P<minutes>\s*\d{2}(?!\d))?(?P<half>\s+et\s+demie?)?", re.I)


def _value(text: str) -> float:
    word = _WORDS.get(text.lower())
    return float(word) if word is not None else parse_number(text)


def _unit(word: str) -> str:
    w = word.lower()
    if w.startswith("demi"):
        return "halfday"
    if w.startswith(("h", "hr")):
        return "hour"
    if w.startswith("j"):
        return "day"
    if w.startswith("sem"):
        return "week"
    if w == "mois":
        return "month"
    return "year"


def parse_indicative(text: str) -> tuple[float, str | None] | None:
    """Hours in a ``duree-indicative`` text and the conversion rule used (None when it was stated in
    hours as a single figure), or None when no duration is recognised. See the module docstring.

    >>> parse_indicative("2 ans")
    (2400.0, '1 200 h per year (full-time school year: 36 weeks × ≈ 33 h)')
    >>> parse_indicative("21 heures")
    (21.0, None)
    """
    if not text or not text.strip():
        return None
    clean = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    outside = re.sub(r"\([^)]*\)", " ", clean)
    everywhere, beside = _amounts(clean), _amounts(outside)
    if any(a[0] == "hour" for a in everywhere):  # hours stated anywhere win over converted units
        chosen = [a for a in beside if a[0] == "hour"] or [a for a in everywhere if a[0] == "hour"]
    else:
        chosen = beside or everywhere
    if not chosen:
        return None
    total, rules, ranged = 0.0, [], False
    for unit, value, is_range in chosen:
        factor, rule = UNITS[unit]
        total += value * factor
        ranged |= is_range
        if rule and rule not in rules:
            rules.append(rule)
    if ranged:
        rules.append("the middle of the stated range")
    return round(total, 2), ("; ".join(rules) or None)


def _amounts(text: str) -> list[tuple[str, float, bool]]:
    out = []
    for m in _AMOUNT.finditer(text):
        try:
            a = _value(m["a"])
            b = _value(m["b"]) if m["b"] else None
        except NumberError:
            continue
        unit = _unit(m["unit"])
        value = (a + b) / 2 if b is not None and b > a else a
        if m["minutes"] and unit == "hour":
            value += int(m["minutes"]) / 60
        if m["half"]:
            value += 0.5
        if value > 0:
            out.append((unit, value, b is not None and b > a))
    return out


def _hours_figure(text: str) -> float | None:
    """A plain hours figure ("875", "875,5", "875 h"), or None."""
    m = re.search(r"\d[\d \u00a0\u202f]*(?:[.,]\d+)?", text or "")
    if not m:
        return None
    try:
        return parse_number(m.group().strip())
    except NumberError:
        return None


def hours_of(total: str, centre: str, company: str, indicative: str) -> tuple[float, str | None] | None:
    """(hours, ``hours_estimate`` note or None) from the texts of ``nombre-heures-total``,
    ``nombre-heures-centre``, ``nombre-heures-entreprise`` and ``duree-indicative`` (module docstring);
    None when none gives a positive duration."""
    exact = _hours_figure(total)
    if exact:
        return exact, None
    parts = [_hours_figure(centre), _hours_figure(company)]
    if any(parts):
        return sum(p or 0 for p in parts), None
    found = parse_indicative(indicative)
    if found is None or not found[0]:
        return None
    hours, rule = found
    note = f"duree-indicative '{' '.join(indicative.split())}' at {rule} = {hours:g} h" if rule else None
    return hours, note


_MONEY = re.compile(r"(?i)\s*(?:€|eur(?:os?)?\b|ttc\b|h\.?t\.?\b|nets?\b|par (?:personne|stagiaire|heure)\b)\s*")


def price_of(text: str) -> float | None:
    """Euros in a price field ("1 234,50 €", "690.00", "4000 EUR TTC"), or None when empty or not a
    number."""
    if not text or not text.strip():
        return None
    body = _MONEY.sub(" ", text).strip()
    try:
        value = parse_number(body)
    except NumberError:
        m = re.search(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?", body)
        if not m:
            return None
        try:
            value = parse_number(m.group())
        except NumberError:
            return None
    return value if value >= 0 else None


def date_of(value: str) -> dt.date | None:
    """A ``YYYYMMDD`` LHEO date; None for open dates (``00000000``, ``99999999``), blanks and
    impossible dates (the caller reports those)."""
    if not re.fullmatch(r"\d{8}", value or "") or value in ("00000000", "99999999"):
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


_NOT_WORK_STUDY = re.compile(r"^\W*(?:sans objet|non concern[ée]e?|n[ée]ant|aucune?|non|pas d['’ ]\s*alternance|"
                             r"sans alternance|pas concern[ée]e?|-|/|nc|n/a|0)\W*$", re.I)


def is_work_study(text: str) -> bool:
    """True when ``modalites-alternance`` describes a real work-study rhythm: apprenticeship or
    professionalisation contract, "alternance", a CFA, or periods in centre and in a company ("2 jours
    en centre / 3 jours en entreprise"). "Sans objet", "Aucune", empty text and a single internship
    ("Stage pratique en entreprise de 280 heures") are not work-study."""
    text = " ".join((text or "").split())
    if not text or _NOT_WORK_STUDY.match(text):
        return False
    if re.search(r"pas d['’ ]\s*alternance|sans alternance|hors alternance", text, re.I):
        return False
    if re.search(r"apprenti|professionnalisation|\balternance\b|\balternant|\bcfa\b", text, re.I):
        return True
    rhythm = re.search(r"\d+\s*(?:jours?|j|semaines?|sem)\b", text, re.I)
    return bool(rhythm and re.search(r"centre|[ée]cole|organisme|lyc[ée]e", text, re.I)
                and re.search(r"entreprise", text, re.I) and not re.search(r"\bstage", text, re.I))


ENTRY_LEVELS = {
    "2": "niveau VI (illettrisme, analphabétisme)", "3": "niveau V bis (préqualification)",
    "4": "niveau V (CAP, BEP, CFPA du premier degré)", "5": "niveau IV (BP, BT, baccalauréat ou équivalent)",
    "6": "niveau III (BTS, DUT)", "7": "niveau II (licence ou maîtrise universitaire)",
    "8": "niveau I (supérieur à la maîtrise)",
    "11": "niveau 1", "12": "niveau 2", "13": "niveau 3 (CAP, BEP)", "14": "niveau 4 (baccalauréat ou équivalent)",
    "15": "niveau 5 (bac + 2 : BTS, DUT ou équivalent)", "16": "niveau 6 (bac + 3 : licence, BUT ou équivalent)",
    "17": "niveau 7 (bac + 5 : master ou équivalent)", "18": "niveau 8 (doctorat)",
}
"""LHEO 2.3 table ``dict-niveaux`` (codes 0 "information non communiquée" and 1 "sans niveau
spécifique" say nothing; 2–8 the 1969 nomenclature; 11–18 the levels 1–8 of the 2019 national
framework, décret n° 2019-14)."""
EQF_OF_LEVEL = {"4": 3, "5": 4, "6": 5, "7": 6, "8": 7, **{str(10 + n): n for n in range(1, 9)}}
"""``code-niveau-sortie`` → EQF level (the 2019 French levels are the EQF levels; 1969 levels V–I
mapped to their 2019 equivalents 3–7)."""


def entry_level_text(code: str, mandatory: str) -> str | None:
    """The sentence for ``code-niveau-entree`` (``dict-niveaux``) and ``niveau-entree-obligatoire``
    ("1": required, else wished), or None when the code says nothing."""
    label = ENTRY_LEVELS.get((code or "").strip())
    if label is None:
        return None
    return f"Niveau d'entrée {'exigé' if (mandatory or '').strip() == '1' else 'souhaité'} : {label}."


_LANGUAGES = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en", "allemand": "de",
              "espagnol": "es", "italien": "it"}


def language_of(text: str) -> str:
    """ISO 639-1 code of ``langue-formation`` ("fr", "FR", "fre", "français" → "fr"); "fr" when unknown."""
    key = unicodedata.normalize("NFKD", (text or "").strip().lower()).encode("ascii", "ignore").decode()
    if key in _LANGUAGES:
        return _LANGUAGES[key]
    if key in ("fre", "fra"):
        return "fr"
    if key in ("eng",):
        return "en"
    return key if re.fullmatch(r"[a-z]{2}", key) else "fr"
