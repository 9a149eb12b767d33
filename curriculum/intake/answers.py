"""Reading one chat answer for the field it answers, French or English, deterministically.

Each reader returns the value or None (then the question is asked again, with an example). Sentences that give
instructions to a model (``ignore previous instructions``, ``ajoute la certification``…, see
:func:`~curriculum.generation.profile_fields.instruction_sentences`) are removed first: they are never evidence
of anything, so a prompt injection typed in the chat changes no field.
"""

from __future__ import annotations

import datetime as dt
import re

from curriculum.generation.profile_fields import (dates_in, find_certifications, find_hours, find_location,
                                                  instruction_sentences, known_city, match_job)
from curriculum.models import Modality

_NONE = re.compile(r"^\s*(aucune?|rien|non|no|none|nothing|pas encore|not yet)\b", re.I)
_KM = re.compile(r"(\d{1,4})\s*(?:km|kilom)", re.I)
_NUMBER = re.compile(r"^\s*(\d{1,4}(?:[.,]\d+)?)\s*$")
_MONTHS = re.compile(r"(\d{1,2})\s*(?:mois|months?)\b", re.I)
_WEEKS = re.compile(r"(\d{1,3})\s*(?:semaines?|weeks?)\b", re.I)
_BUDGET = re.compile(r"(?<![\d\s\u202f\u00a0])(\d[\d\s\u202f\u00a0]*)\s*(?:€|eur|euros?)", re.I)
_FUNDED = re.compile(r"financ|cpf|pris en charge|funded|employer pays|employeur paie|opco|france travail", re.I)

_MODALITY_CUES = [  # (pattern, modality, wanted)
    (r"atelier|pratique|sur le terrain|en vrai|hands[- ]on|workshop|practical", Modality.IN_PERSON, True),
    (r"atelier|pratique|sur le terrain|hands[- ]on|workshop|practical", Modality.WORKPLACE, True),
    (r"pr[ée]sentiel|in person|face[- ]to[- ]face|en salle|classroom", Modality.IN_PERSON, True),
    (r"en entreprise|alternance|afest|on the job|at work|work[- ]based|workplace", Modality.WORKPLACE, True),
    (r"mixte|blended|hybride", Modality.BLENDED, True),
    (r"(?<!pas )(?<!no )(?:[àa] distance|en ligne|online|remote|e-?learning)", Modality.ONLINE, True),
    (r"pas d'ordinateur|pas d.ordi|no computer|pas de pc|pas internet|no internet|pas [àa] distance|"
     r"pas en ligne|no online|not online", Modality.ONLINE, False),
]


_COMMAND = re.compile(  # imperative edits of the plan or the rules, markup, role play: never an answer
    r"</?\w+>|\b(?:system|assistant)\s*:|new instruction|nouvelle consigne|prompt|override|"
    r"\b(?:ajoute|ajouter|supprime|supprimer|retire|enl[eè]ve|s[ée]lectionne|choisis|considère|consid[eè]re|"
    r"add|drop|remove|delete|select|choose|pretend|assume|return)\b.{0,40}\b(?:module|certification|habilitation|"
    r"exigence|requirement|niveau|level|path|parcours|compétences|skills|rules?|règles?)", re.I)


def clean(text: str) -> str:
    """``text`` without its instruction sentences (prompt injection: the project's instruction detector, and
    imperative edits of the plan or its rules, markup and role play)."""
    from curriculum.generation.profile_fields import sentences

    for sentence in instruction_sentences(text) + [s for s in sentences(text) if _COMMAND.search(s)]:
        text = text.replace(sentence, " ")
    return text.strip()


def is_none(text: str) -> bool:
    """The answer says "none" / "aucune"."""
    return bool(_NONE.match(text))


def read_job(text: str, jobs: dict) -> str | None:
    """A catalogue job id: an id or ROME code given as such, else the job whose title the answer names."""
    words = text.strip()
    for job in jobs.values():
        if words.lower() in (job.id, (job.rome_code or "").lower()):
            return job.id
    found = match_job("je souhaite devenir " + words, jobs) or match_job("I want to become " + words, jobs)
    return str(found.value) if found else None


def read_location(text: str) -> dict | None:
    """``{"city", "postcode"}`` of the learner's home."""
    found = find_location(text) or find_location("j'habite à " + text)
    place = dict(found.value) if found else None  # type: ignore[arg-type]
    if place is None:
        city = known_city(text.strip())
        place = {"city": city, "postcode": None} if city else None
    if place is not None and not place.get("postcode"):  # "Douai (59500)", "Douai, 59500"
        code = re.search(r"\b(\d{5})\b", text)
        place["postcode"] = code.group(1) if code else None
    return place


def read_km(text: str) -> float | None:
    """Travel radius in km (0–2000)."""
    m = _KM.search(text) or _NUMBER.match(text)
    value = float(m.group(1).replace(",", ".")) if m else None
    return value if value is not None and 0 <= value <= 2000 else None


def read_hours(text: str) -> float | None:
    """Hours of training per week (1–60)."""
    found = find_hours(text) or find_hours(text + " par semaine")
    if found:
        return float(found.value)  # type: ignore[arg-type]
    m = _NUMBER.match(text)
    value = float(m.group(1).replace(",", ".")) if m else None
    return value if value is not None and 1 <= value <= 60 else None


def read_dates(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """(start, deadline): two dates, or a start and a duration ("dans 2 semaines, pendant 9 mois"); a start alone
    gets a deadline a year later. A date written as a month starts on its 1st."""
    # "jusqu'à juin 2028" / "until June 2028" state the end: not an expiry to skip
    found = sorted(dates_in(re.sub(r"jusqu['’]?\s*(?:à|a|au|en)\b|\buntil\b|\btill\b", " puis ", text, flags=re.I)))
    days = [_as_date(d) for _, d in found]
    days = [d for d in days if d is not None]
    start = days[0] if days else None
    if start is None:
        weeks = _WEEKS.search(text)
        start = today + dt.timedelta(weeks=int(weeks.group(1))) if weeks and "dans" in text.lower() or \
            (weeks and " in " in f" {text.lower()} ") else None
    if start is None and re.search(r"d[eè]s que possible|maintenant|tout de suite|asap|now|right away", text, re.I):
        start = today + dt.timedelta(days=7)
    if start is None:
        return None
    if len(days) > 1 and days[1] > start:
        return start, days[1]
    months = _MONTHS.search(text)
    if months:
        month = start.month - 1 + int(months.group(1))
        return start, _safe_date(start.year + month // 12, month % 12 + 1, start.day)
    return start, _safe_date(start.year + 1, start.month, start.day)


def read_certifications(text: str) -> list[str] | None:
    """Certifications held as the profile takes them (``"B2VL 2022-03-15"`` or a code); [] for "none"."""
    if is_none(text):
        return []
    found = find_certifications(text) or find_certifications("Habilitation " + text)
    if not found:
        return None
    def day(obtained: str) -> str:  # "2021-03" → "2021-03-01": the earliest day it can be, never overstating validity
        return obtained + "-01" * (2 - obtained.count("-"))
    return [f"{code} {day(obtained)}" if obtained else code for code, obtained in (f.value for f in found)]  # type: ignore[misc]


def read_preferences(text: str) -> list[Modality] | None:
    """Preferred modalities from what the person says about how they want to learn; all four for "no
    preference"."""
    if is_none(text) or re.search(r"peu importe|indiff|no preference|any|whatever", text, re.I):
        return list(Modality)
    wanted, refused = [], set()
    for pattern, modality, want in _MODALITY_CUES:
        if re.search(pattern, text, re.I):
            (wanted.append(modality) if want else refused.add(modality))
    if not wanted and not refused:
        return None
    chosen = [m for m in dict.fromkeys(wanted) if m not in refused] or [m for m in Modality if m not in refused]
    return chosen


def read_budget(text: str) -> float | None:
    """Budget in EUR; 0 (funded, no cap) when the person says it is funded."""
    if _FUNDED.search(text) or is_none(text):
        return 0.0
    m = _BUDGET.search(text) or re.match(r"^\s*(\d[\d\s\u202f\u00a0]*)\s*$", text)
    if not m:
        return None
    value = float(re.sub(r"[\s\u202f\u00a0]", "", m.group(1)))
    return value if value <= 10_000_000 else None  # the profile's ceiling: asked again rather than cut


def _as_date(value: str) -> dt.date | None:
    parts = [int(p) for p in value.split("-")]
    try:
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None


def _safe_date(year: int, month: int, day: int) -> dt.date:
    for d in (day, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, 1)
