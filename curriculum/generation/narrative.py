"""Deterministic rationale and summary templates (French and English), used when no LLM is
configured and as the fallback when the LLM fails."""

from __future__ import annotations

from curriculum import i18n
from curriculum.models import Module

LIMIT_NAMES = {
    "fr": {"hours": "heures", "deadline": "date limite", "budget": "budget", "coverage": "compétences non accessibles", "sessions": "sessions",
           "horizon": "horizon de planification (5 ans)", "solver_timeout": "temps de calcul"},
    "en": {"hours": "hours", "deadline": "deadline", "budget": "budget", "coverage": "skills out of reach", "sessions": "sessions",
           "horizon": "planning horizon (5 years)", "solver_timeout": "solver time limit"},
}

T = {
    "fr": {
        "covers": "Ce module vous amène au niveau requis en : {skills}.",
        "cert": "Il prépare la certification {code} exigée pour le métier visé.",
        "prereq": "Il prépare aussi : {then}.",
        "place": "Lieu : {city} ({km:.0f} km de chez vous).",
        "online": "À distance, sans déplacement.",
        "qualified": "Vous détenez déjà toutes les compétences et certifications exigées pour « {job} » : aucun module n'est nécessaire.",
        "summary": "Parcours de {n} module(s), {hours}, {cost}, vers « {job} ». {skipped}",
        "skipped": "{k} compétence(s) requise(s) déjà maîtrisée(s) ne sont pas retravaillées.",
        "infeasible": " Attention : ce parcours ne tient pas dans vos contraintes ({why}).",
        "timeout": " Le calcul a atteint sa limite de temps avant de trouver un parcours : cela ne veut pas dire qu'il n'en existe aucun.",
        "not_optimal": " Le calcul a atteint sa limite de temps : c'est le meilleur parcours trouvé, sans preuve qu'il soit optimal.",
    },
    "en": {
        "covers": "This module brings you to the required level in: {skills}.",
        "cert": "It prepares the {code} certification the target job requires.",
        "prereq": "It also prepares you for: {then}.",
        "place": "Place: {city} ({km:.0f} km from home).",
        "online": "Remote, no travel.",
        "qualified": "You already hold every skill and certification required for \"{job}\": no module is needed.",
        "summary": "Pathway of {n} module(s), {hours}, {cost}, toward \"{job}\". {skipped}",
        "skipped": "{k} required skill(s) you already master are skipped.",
        "infeasible": " Warning: this pathway does not fit your constraints ({why}).",
        "timeout": " The solver reached its time limit before finding a pathway: this does not mean that none exists.",
        "not_optimal": " The solver reached its time limit: this is the best pathway found, not proven optimal.",
    },
}


def step_rationale(module: Module, language: str, covers: list[str], cert_code: str | None,
                   needed_by: list[str], city: str | None, km: float | None) -> str:
    """One-paragraph explanation of why ``module`` is in the path."""
    t = T.get(language, T["en"])
    parts = []
    if covers:
        parts.append(t["covers"].format(skills=", ".join(covers)))
    if cert_code:
        parts.append(t["cert"].format(code=cert_code))
    if needed_by:
        parts.append(t["prereq"].format(then=", ".join(needed_by)))
    if city and km is not None:
        parts.append(t["place"].format(city=city, km=km))
    elif not module.modality.needs_travel:
        parts.append(t["online"])
    return " ".join(parts)


def path_summary(language: str, job_title: str, n: int, hours: float, cost: float, skipped: int,
                 infeasible_why: str | None) -> str:
    """Short summary of a path."""
    t = T.get(language, T["en"])
    text = t["summary"].format(n=n, hours=i18n.hours(hours, language), cost=i18n.money(round(cost), language),
                               job=job_title,
                               skipped=t["skipped"].format(k=skipped) if skipped else "")
    if infeasible_why:
        text += t["infeasible"].format(why=infeasible_why)
    return text.strip()


def solver_note(language: str, found: bool) -> str:
    """Sentence added to a summary when the solver stopped at its time limit (``found``: with a pathway)."""
    return T.get(language, T["en"])["not_optimal" if found else "timeout"]


def qualified_summary(language: str, job_title: str) -> str:
    """Summary for a learner who already qualifies."""
    return T.get(language, T["en"])["qualified"].format(job=job_title)
