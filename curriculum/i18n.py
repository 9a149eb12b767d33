"""Values as words in French or English: numbers, money, hours, dates, modalities, broken limits, relaxations.

Shared by every presentation layer (Streamlit UI, text and Markdown exports): nothing here imports Streamlit
or the planner. Languages are ``"fr"`` and ``"en"``; any other code falls back to English.

Conventions:

- French: decimal comma, no-break space (U+00A0) between thousands and before units (``4 560 €``,
  ``94,7 h``), dates ``15 févr. 2027``.
- English: decimal point, comma between thousands, euro sign first (``€4,560``), dates ``15 Feb 2027``.
- Money has no cents when whole (``4 560 €``, ``€12.50``); hours keep at most one decimal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

LANGUAGES = ("fr", "en")
NBSP = "\u00a0"

MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
WEEKDAY_NAMES = {
    "fr": {"mon": "lundi", "tue": "mardi", "wed": "mercredi", "thu": "jeudi", "fri": "vendredi", "sat": "samedi",
           "sun": "dimanche"},
    "en": {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
           "sat": "Saturday", "sun": "Sunday"},
}
MODALITIES = {
    "fr": {"in_person": "présentiel", "online": "à distance", "blended": "mixte", "workplace": "en entreprise",
           "work_study": "alternance"},
    "en": {"in_person": "in person", "online": "online", "blended": "blended", "workplace": "workplace",
           "work_study": "work-study"},
}
LEVELS = {
    "fr": {0: "aucun", 1: "notions", 2: "avec aide", 3: "autonome", 4: "expert"},
    "en": {0: "none", 1: "aware", 2: "assisted", 3: "autonomous", 4: "expert"},
}


def lang_of(language: str | None) -> str:
    """``language`` when it is ``fr`` or ``en``, else ``en``."""
    return language if language in LANGUAGES else "en"


def number(value: float, language: str, decimals: int = 1) -> str:
    """``value`` rounded to at most ``decimals`` decimals (trailing zeros dropped), with the language's
    separators: ``3 710,5`` (fr, no-break space) / ``3,710.5`` (en)."""
    rounded = round(float(value), decimals)
    if decimals == 0 or rounded == int(rounded):
        text = f"{int(round(rounded)):,}"
    else:
        text = f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")
    if lang_of(language) == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def money(value: float, language: str) -> str:
    """An amount in EUR: ``4 560 €`` / ``€4,560``; cents only when not whole (``12,50 €`` / ``€12.50``)."""
    amount = round(float(value), 2)
    whole = amount == int(amount)
    text = f"{int(amount):,}" if whole else f"{amount:,.2f}"
    if lang_of(language) == "fr":
        return text.replace(",", NBSP).replace(".", ",") + NBSP + "€"
    return ("-€" + text[1:]) if text.startswith("-") else "€" + text


def hours(value: float, language: str) -> str:
    """Hours with at most one decimal: ``185,5 h`` / ``185.5 h``."""
    return number(value, language) + NBSP + "h"


def km(value: float, language: str) -> str:
    """Kilometres, whole: ``23 km``."""
    return number(value, language, 0) + NBSP + "km"


def date(value: dt.date | str | None, language: str) -> str:
    """``15 févr. 2027`` / ``15 Feb 2027``; an ISO string is parsed; None gives ``—``; any other text is
    returned as it is."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {MONTHS[lang_of(language)][value.month - 1]} {value.year}"


def date_range(start: dt.date, end: dt.date, language: str) -> str:
    """Inclusive days: ``15 → 16 févr. 2027``, ``28 févr. → 3 mars 2027``, one day as one date."""
    if start == end:
        return date(start, language)
    months = MONTHS[lang_of(language)]
    if start.year != end.year:
        first = date(start, language)
    elif start.month != end.month:
        first = f"{start.day} {months[start.month - 1]}"
    else:
        first = str(start.day)
    return f"{first} → {date(end, language)}"


def modality(value: Any, language: str) -> str:
    """The word of a modality (an enum or its value): ``présentiel`` / ``in person``; unknown values as they are."""
    key = getattr(value, "value", value)
    return MODALITIES[lang_of(language)].get(str(key), str(key))


def level(value: int | None, language: str) -> str:
    """A proficiency level as ``3 · autonome`` / ``3 · autonomous``; None gives ``—``."""
    if value is None:
        return "—"
    return f"{value} · {LEVELS[lang_of(language)].get(int(value), '')}".rstrip(" ·")


def plural(n: float, one: str, many: str) -> str:
    """``one`` when ``n`` is 1 or less (French and English agree on 1; French also on 0 and fractions), else
    ``many``."""
    return one if abs(n) <= 1 else many


def join(items: list[str], language: str) -> str:
    """``a, b et c`` / ``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    word = " et " if lang_of(language) == "fr" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def limit_sentences(info: Mapping[str, Any] | None, language: str,
                    label: Callable[[str], str] = str) -> list[str]:
    """One sentence per limit a plan breaks, from its ``infeasibility`` numbers (hours, EUR, days, weeks).

    ``label`` turns a skill or module id (``skills_unreachable``, ``sessions_missing``,
    ``modules_beyond_horizon``) into words. Keys a sentence does not use are left out; an unknown limit
    gives a generic sentence naming it."""
    if not info:
        return []
    fr = lang_of(language) == "fr"
    out: list[str] = []
    for limit in dict.fromkeys(info.get("limits_broken") or []):
        sentence = _limit_sentence(limit, info, fr, label)
        if sentence:
            out.append(sentence)
    return out


def _limit_sentence(limit: str, info: Mapping[str, Any], fr: bool, label: Callable[[str], str]) -> str | None:
    lang = "fr" if fr else "en"
    if limit == "hours" and info.get("hours_missing") is not None:
        missing, weeks = info["hours_missing"], info.get("weeks_missing")
        per_week = info.get("hours_per_week_needed")
        options = []
        if per_week:
            options.append((f"il faudrait {hours(per_week, lang)} par semaine" if fr
                            else f"you would need {hours(per_week, lang)} a week"))
        if weeks:
            options.append((f"finir {number(weeks, lang, 0)} {plural(weeks, 'semaine', 'semaines')} plus tard" if fr
                            else f"to finish {number(weeks, lang, 0)} {plural(weeks, 'week', 'weeks')} later"))
        head = (f"Il manque {number(missing, lang)} {plural(missing, 'heure', 'heures')}" if fr
                else f"{number(missing, lang)} {plural(missing, 'hour', 'hours')} short")
        if info.get("hours_needed") is not None and info.get("hours_available") is not None:
            head += (f" (le parcours demande {hours(info['hours_needed'], lang)}, vous disposez de "
                     f"{hours(info['hours_available'], lang)})" if fr else
                     f" (the pathway takes {hours(info['hours_needed'], lang)}, you have "
                     f"{hours(info['hours_available'], lang)})")
        if not options:
            return head + "."
        return head + (" : " + ", ou ".join(options) if fr else ": " + ", or ".join(options)) + "."
    if limit == "budget" and info.get("budget_missing_eur") is not None:
        miss, need, cap = info["budget_missing_eur"], info.get("budget_needed_eur"), info.get("budget_eur")
        if fr:
            text = f"Il manque {money(miss, lang)} au budget"
            return text + (f" : le parcours coûte {money(need, lang)} pour un budget de {money(cap, lang)}."
                           if need is not None and cap is not None else ".")
        text = f"{money(miss, lang)} over budget"
        return text + (f": the pathway costs {money(need, lang)} against a budget of {money(cap, lang)}."
                       if need is not None and cap is not None else ".")
    if limit == "deadline" and info.get("deadline"):
        end, late = str(info.get("planned_end") or ""), info.get("days_late")
        if end.startswith("after "):
            when = ("après le " if fr else "after ") + date(end.removeprefix("after "), lang)
        else:
            when = ("le " if fr else "on ") + date(end, lang) if end else ""
        deadline = date(info["deadline"], lang)
        if fr:
            days = f", {number(late, lang, 0)} {plural(late, 'jour', 'jours')} après" if late else ", après"
            return f"Le parcours finirait {when}{days} l'échéance du {deadline}."
        days = f", {number(late, lang, 0)} {plural(late, 'day', 'days')} after" if late else ", after"
        return f"The pathway would end {when}{days} the deadline of {deadline}."
    if limit == "coverage":
        skills = [label(s) for s in info.get("skills_unreachable") or []]
        if fr:
            return ("Hors de portée dans vos limites : " + ", ".join(skills) + "." if skills
                    else "Aucun ensemble de modules ne couvre les compétences exigées dans vos limites.")
        return ("Out of reach within your limits: " + ", ".join(skills) + "." if skills
                else "No set of modules covers the required skills within your limits.")
    if limit == "sessions":
        mods = [label(m) for m in info.get("sessions_missing") or []]
        return (("Aucune session publiée à temps pour : " if fr else "No published session in time for: ")
                + ", ".join(mods) + ".")
    if limit == "horizon":
        years = info.get("horizon_years", 5)
        per_week = info.get("hours_per_week_within_horizon")
        if fr:
            text = f"Le parcours dépasserait l'horizon de planification de {years} ans"
            return text + (f" : il faudrait environ {hours(per_week, lang)} par semaine." if per_week else ".")
        text = f"The pathway would run past the {years}-year planning horizon"
        return text + (f": about {hours(per_week, lang)} a week would fit." if per_week else ".")
    if limit == "solver_timeout":
        return ("Le calcul a atteint sa limite de temps avant de trouver un parcours : cela ne veut pas dire "
                "qu'il n'en existe aucun." if fr else "The solver reached its time limit before finding a pathway: "
                "this does not mean that none exists.")
    if limit in ("hours", "budget", "deadline"):  # numbers missing: say which limit
        return None
    return (f"Limite dépassée : {limit}." if fr else f"Limit broken: {limit}.")


def relaxation_sentence(relaxation: Mapping[str, Any], language: str, *, deadline: dt.date | None = None,
                        hours_per_week: float | None = None, budget_eur: float | None = None,
                        mobility_km: float | None = None) -> str:
    """A verified relaxation (``changes``: new ``deadline``, ``hours_per_week``, ``budget_eur`` (EUR),
    ``mobility_km``) as one sentence; the learner's current values, when given, add the difference
    (``Repousser l'échéance de 24 semaines, au 9 juil. 2027`` / ``Move the deadline 24 weeks later, to 9 Jul
    2027``). Unknown changes are named as they are."""
    lang = lang_of(language)
    fr = lang == "fr"
    parts = []
    for key, value in (relaxation.get("changes") or {}).items():
        if key == "deadline":
            new = dt.date.fromisoformat(str(value))
            weeks = round((new - deadline).days / 7) if deadline else None
            if fr:
                parts.append(f"repousser l'échéance de {weeks} {plural(weeks, 'semaine', 'semaines')}, "
                             f"au {date(new, lang)}"
                             if weeks else f"repousser l'échéance au {date(new, lang)}")
            else:
                parts.append(f"move the deadline {weeks} {plural(weeks, 'week', 'weeks')} later, to {date(new, lang)}"
                             if weeks else f"move the deadline to {date(new, lang)}")
        elif key == "hours_per_week":
            more = float(value) - hours_per_week if hours_per_week is not None else None
            extra = f" ({'+' if more > 0 else ''}{hours(more, lang)})" if more else ""
            parts.append((f"étudier {hours(value, lang)} par semaine" if fr else f"study {hours(value, lang)} a week")
                         + extra)
        elif key == "budget_eur":
            more = float(value) - (budget_eur or 0) if budget_eur is not None else None
            extra = f" (+{money(more, lang)})" if more else ""
            parts.append((f"porter le budget à {money(value, lang)}" if fr
                          else f"raise the budget to {money(value, lang)}")
                         + extra)
        elif key == "mobility_km":
            more = float(value) - mobility_km if mobility_km is not None else None
            extra = f" (+{km(more, lang)})" if more else ""
            parts.append((f"accepter de vous déplacer jusqu'à {km(value, lang)}" if fr
                          else f"travel up to {km(value, lang)}") + extra)
        else:
            parts.append(f"{key} = {value}")
    text = join(parts, lang)
    return text[:1].upper() + text[1:] if text else str(relaxation.get("change") or "")


def plan_outline(summary: Mapping[str, Any], language: str) -> str:
    """A plan's ``resulting_plan_summary`` (steps, total_hours, total_cost_eur (EUR), end) in words:
    ``4 modules, 105 h, 4 560 €, fin le 4 juin 2027``."""
    lang = lang_of(language)
    fr = lang == "fr"
    parts = []
    if summary.get("steps") is not None:
        n = summary["steps"]
        parts.append(f"{n} {plural(n, 'module', 'modules')}")
    if summary.get("total_hours") is not None:
        parts.append(hours(summary["total_hours"], lang))
    if summary.get("total_cost_eur") is not None:
        parts.append(money(summary["total_cost_eur"], lang))
    if summary.get("end"):
        parts.append(("fin le " if fr else "ends ") + date(summary["end"], lang))
    return ", ".join(parts)


__all__ = ["LANGUAGES", "date", "date_range", "hours", "join", "km", "lang_of", "level", "limit_sentences", "modality",
           "money", "number", "plan_outline", "plural", "relaxation_sentence"]
