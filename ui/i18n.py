"""The learner page's words in French and English: labels, buttons, headers, help texts, metrics, captions.

The page's language is ``st.session_state["ui_lang"]`` (the sidebar's language switch), set to the learner
profile's ``language`` whenever a profile with another language is read (see :func:`follow_profile`).
Values (money, dates, modalities, broken limits, relaxations) are worded by :mod:`curriculum.i18n`.

``t(key, **fields)`` gives the current language's text with ``str.format`` fields filled in; every key exists
in both languages (``tests/ui/test_learner_language.py`` checks it).
"""

from __future__ import annotations

import streamlit as st

from curriculum.i18n import lang_of
from ui.i18n_progress import PROGRESS_TEXT
from ui.i18n_territory import TERRITORY_TEXT

DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}  # each in its own language: never translated

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        # navigation and page
        "nav_learner": "Parcours apprenant", "nav_cohort": "Programme de groupe",
        "nav_instructor": "Catalogue (formateurs)",
        "title": "Parcours de formation", "language": "Langue",
        "language_help": "Suit la langue du profil ; changez-la ici à tout moment.",
        # profile source
        "profile": "Profil", "source_yaml": "Fichier YAML", "source_form": "Formulaire",
        "yaml_upload": "Profil apprenant (YAML)", "yaml_paste": "ou collez le YAML", "pasted_yaml": "YAML collé",
        "form_name": "formulaire",
        "no_profile": "Aucun profil : importez un fichier YAML, collez-en un, remplissez le formulaire ou terminez "
                      "la discussion.",
        # chat (ui/components/chat_intake.py)
        "source_chat": "Discuter", "chat_name": "discussion",
        "chat_intro": "Répondez aux questions en quelques mots, comme à un conseiller. Vous vérifierez le profil "
                      "avant de calculer le parcours.",
        "chat_placeholder": "Votre réponse…", "chat_progress": "{done} sur {total} informations données",
        "chat_check": "Vérifiez votre profil", "chat_travel": "Déplacements", "chat_pace": "Rythme",
        "chat_period": "Période", "chat_budget": "Budget", "chat_km": "jusqu'à {km}",
        "chat_hours": "{hours} par semaine", "chat_dates": "du {start} au {end}",
        "chat_funded": "financé (rien à payer)", "chat_skills": "Compétences reconnues",
        "chat_no_skill": "aucune compétence du référentiel reconnue dans votre description",
        "chat_change": "Corriger une réponse", "chat_change_help": "La question est posée à nouveau.",
        "chat_plan": "Planifier ce parcours", "chat_restart": "Recommencer",
        "chat_planned": "Parcours calculé : il est affiché plus bas.",
        "chat_rejected": "Votre réponse pour « {what} » sort des limites acceptées.",
        # form
        "form_id": "Identifiant", "form_language": "Langue du parcours", "city": "Ville", "postcode": "Code postal",
        "mobility": "Mobilité (km)", "hours_per_week": "Heures par semaine", "start": "Début",
        "deadline": "Échéance", "budget": "Budget (€, 0 = financé)", "modalities": "Modalités préférées",
        "skills_held": "Compétences acquises (niveau 1 notions, 2 avec aide, 3 autonome, 4 expert)",
        "col_skill_label": "compétence (libellé français ou anglais)", "col_level": "niveau",
        "certifications_input": "Certifications (séparées par des virgules)", "background": "Parcours antérieur",
        # extraction from a CV
        "extract_expander": "Remplir les compétences à partir d'un CV",
        "cv_text": "Collez un CV, une présentation ou des descriptions de postes",
        "cv_file": "ou importez un document", "extract_button": "Extraire les compétences",
        "nothing_to_read": "Rien à lire : collez un texte ou importez un document qui contient du texte.",
        "extract_caption": "Proposées à partir du texte : décochez ce qui ne s'applique pas, puis confirmez. "
                           "Rien n'est ajouté au formulaire avant.",
        "use_extracted": "Utiliser ces compétences",
        "extract_applied": "Ajouté : {skills} compétence(s) et {certs} certification(s).",
        "no_skill_found": "Aucune compétence du référentiel trouvée dans ce texte.",
        "col_keep": "garder", "untick_help": "Décochez pour écarter cette compétence.", "col_skill": "compétence",
        "col_confidence": "confiance", "col_evidence": "extrait (citation)", "level_help": "1 notions, 2 avec aide, "
        "3 autonome, 4 expert", "certs_found": "Certifications trouvées : {codes}",
        "no_cert_found": "Aucun code de certification trouvé.",
        # job and choices
        "target_job": "Métier visé", "job_placeholder": "Rechercher par code ROME ou intitulé",
        "job_help": "Vide : le métier visé du profil (target_job).",
        "choices_expander": "Modules et calendrier", "unknown_modules": "Absents du catalogue, ignorés : {ids}",
        "keep_modules": "Modules à garder", "keep_modules_help": "Le parcours doit les inclure.",
        "refuse_modules": "Modules à refuser", "refuse_modules_help": "Le parcours ne doit pas les utiliser.",
        "module_placeholder": "Rechercher par intitulé", "study_days": "Jours d'étude",
        "study_days_help": "Jours consacrés au travail en autonomie (le fichier agenda y place les séances).",
        "periods": "Périodes sans formation (dates incluses)", "col_from": "du", "col_to": "au",
        "date_format": "DD/MM/YYYY", "date_input_format": "DD/MM/YYYY",
        "alternatives": "Variantes", "alternatives_help": "0 : un seul parcours. 1 à 4 : jusqu'à autant de parcours "
        "vraiment différents (le plus rapide, le moins cher, le plus proche, le plus en présentiel) au choix.",
        "plan_button": "Calculer le parcours", "planning": "Calcul du parcours…",
        "choose_plan": "Choisir un parcours",
        "only_n": "Seulement {n} parcours vraiment différent(s) : les autres objectifs donnent les mêmes modules.",
        # alternatives (labels of services.ALTERNATIVES) and their trade-offs
        "alt_fastest": "le plus rapide", "alt_cheapest": "le moins cher",
        "alt_fastest, any modality": "le plus rapide, toutes modalités", "alt_most local": "le plus proche",
        "alt_most in-person": "le plus en présentiel", "alt_n": "variante {n} (+{hours})",
        "trade_off": "{hours}, {cost}, lieu le plus loin à {km}, {share} % des heures en présentiel",
        "trade_end": ", fin le {end}", "trade_breaks": ", dépasse une limite",
        "trade_takes": " ; prend {taken} au lieu de {left}", "nothing_more": "rien de plus", "nothing": "rien",
        # after a change
        "relaxed_info": "Parcours recalculé après ce changement : {what}",
        "replanned_info": "Parcours recalculé après votre choix : {what}",
        "done_keep": "« {title} » gardé", "done_refuse": "« {title} » refusé", "done_release": "« {title} » libéré",
        # downloads
        "downloads": "Télécharger", "dl_ics": "Agenda (.ics)",
        # relaxations
        "relax_header": "Ce qui rendrait le parcours réalisable",
        "relax_caption": "Chaque changement a été vérifié en recalculant le parcours ; appliquez-en un pour voir "
                         "le nouveau parcours.",
        "relax_apply": "Appliquer", "relax_help": "Recalculer le parcours avec ce changement",
        "relax_result": "donne : {outline}",
        # header and metrics
        "already_qualified": "Déjà qualifié : aucun module nécessaire.",
        "feasible": "Réalisable : le parcours tient dans vos contraintes.",
        "infeasible": "Hors contraintes : le parcours dépasse vos limites.",
        "m_hours": "Heures", "m_hours_help": "Heures de formation du parcours",
        "m_cost": "Coût", "m_cost_help": "Ce qui reste à payer (€ HT)", "m_full_price": "prix plein {price}",
        "m_available": "Disponibles", "m_available_help": "Heures de formation possibles entre le début et "
        "l'échéance, au rythme hebdomadaire du profil", "m_steps": "Modules",
        # sections
        "h_places": "Lieux", "h_timeline": "Chronologie", "h_steps": "Étapes", "h_certs": "Certifications",
        "h_skills": "Compétences avant et après", "h_mapping": "Compétences déclarées",
        "h_choices": "Garder ou refuser des modules", "h_prior": "Acquis pris en compte", "h_calendar": "Calendrier",
        # steps
        "no_module": "Aucun module nécessaire.", "prerequisite": "prérequis", "col_module": "Module",
        "col_modality": "Modalité", "col_place": "Lieu", "col_dates": "Dates", "col_hours": "Heures",
        "col_cost": "Coût", "col_cert": "Certification", "online_place": "à distance",
        # skills
        "col_skill_name": "Compétence", "col_before": "Avant", "col_after": "Après", "col_required": "Requis",
        "col_met": "Atteint", "levels_caption": "Niveaux : 1 notions, 2 avec aide, 3 autonome, 4 expert.",
        "uncovered": "Compétences non couvertes", "col_required_level": "Niveau requis",
        "col_essential": "Essentielle", "col_reason": "Raison",
        # certifications
        "lapsed": "{what} : non comptée comme valide", "col_since": "Depuis", "col_renew_by": "À renouveler avant",
        "col_renewal": "Renouvellement", "col_via": "Obtenue par", "col_source": "Source",
        "no_expiry": "sans expiration", "held": "déjà détenue",
        "no_cert_end": "Aucune certification détenue à la fin du parcours.",
        "rules": "Règles de certification appliquées", "col_rule": "Règle", "col_kind": "Type",
        "col_requirement": "Exigence", "col_added": "Module ajouté", "col_for": "Pour",
        "kind_certification": "certification préalable", "kind_skill": "compétence préalable",
        "kind_competence": "compétence exigée", "kind_held": "déjà détenue (recyclage)",
        "kind_provider_lock": "module de l'organisme", "kind_companion": "certification associée",
        "kind_renewal": "renouvellement", "kind_initial_after_lapse": "formation initiale après expiration",
        # mapping
        "no_skill_declared": "Aucune compétence déclarée.", "col_declared": "Déclarée", "col_mapped": "Reconnue comme",
        "col_level_title": "Niveau", "col_confidence_title": "Confiance",
        "col_method": "Méthode", "method_uri": "identifiant", "method_exact": "libellé exact",
        "method_alternative": "libellé proche", "method_embedding": "sens proche", "method_unmapped": "non reconnue",
        # keep / refuse
        "choices_caption": "Gardez un module pour que chaque nouveau parcours l'inclue ; refusez-en un pour "
                           "calculer sans lui. Chaque clic recalcule le parcours.",
        "keep": "Garder", "release": "Libérer", "refuse": "Refuser",
        "keep_help": "Chaque nouveau parcours doit inclure ce module",
        "release_help": "Ne plus exiger ce module", "refuse_help": "Recalculer sans ce module",
        # prior learning
        "m_standard": "Parcours standard", "m_standard_help": "Le parcours d'une personne sans acquis",
        "m_saved_hours": "Heures économisées", "m_saved_cost": "Coût économisé",
        "skipped": "Compétences déjà acquises : {skills}", "none": "aucune",
        "certs_held": "Certifications détenues : {codes}",
        # calendar
        "axis_week": "semaine (lundi)", "axis_hours": "heures", "week_of": "semaine du",
        "calendar_caption": "Heures réparties également sur les semaines de chaque étape (une aide à la lecture ; "
                            "les séances exactes sont dans le tableau des étapes et le fichier agenda).",
        "col_month": "Mois", "col_modules": "Modules",
        # map
        "home": "Domicile", "training_place": "Lieu de formation", "col_distance": "Distance",
        "map_caption": "Points gris : centres des communes (carte sans connexion).",
        "map_online": "Formation entièrement à distance : aucun lieu à montrer.",
    },
    "en": {
        "nav_learner": "Learner pathway", "nav_cohort": "Cohort programme", "nav_instructor": "Catalogue (instructors)",
        "title": "Learner pathway", "language": "Language",
        "language_help": "Follows the profile's language; change it here at any time.",
        "profile": "Profile", "source_yaml": "YAML file", "source_form": "Form",
        "yaml_upload": "Learner profile (YAML)", "yaml_paste": "or paste the YAML", "pasted_yaml": "pasted YAML",
        "form_name": "form",
        "no_profile": "No learner profile: upload a YAML file, paste one, fill the form or finish the chat.",
        "source_chat": "Chat", "chat_name": "chat",
        "chat_intro": "Answer the questions in a few words, as you would to an adviser. You will check the profile "
                      "before planning.",
        "chat_placeholder": "Your answer…", "chat_progress": "{done} of {total} details given",
        "chat_check": "Check your profile", "chat_travel": "Travel", "chat_pace": "Pace", "chat_period": "Period",
        "chat_budget": "Budget", "chat_km": "up to {km}", "chat_hours": "{hours} a week",
        "chat_dates": "from {start} to {end}", "chat_funded": "funded (nothing to pay)",
        "chat_skills": "Skills recognised",
        "chat_no_skill": "no skill of the taxonomy recognised in your description",
        "chat_change": "Change an answer", "chat_change_help": "The question is asked again.",
        "chat_plan": "Plan this", "chat_restart": "Start again", "chat_planned": "Plan ready: it is shown below.",
        "chat_rejected": "Your answer for “{what}” is outside the accepted limits.",
        "form_id": "Learner id", "form_language": "Pathway language", "city": "City", "postcode": "Postcode",
        "mobility": "Mobility (km)", "hours_per_week": "Hours per week", "start": "Start", "deadline": "Deadline",
        "budget": "Budget (€, 0 = funded)", "modalities": "Preferred modalities",
        "skills_held": "Skills held (level 1 aware, 2 assisted, 3 autonomous, 4 expert)",
        "col_skill_label": "skill (English or French label)", "col_level": "level",
        "certifications_input": "Certifications (comma separated)", "background": "Background",
        "extract_expander": "Fill skills from a CV",
        "cv_text": "Paste a CV, a self-description or past job descriptions", "cv_file": "or upload a document",
        "extract_button": "Extract skills",
        "nothing_to_read": "Nothing to read: paste a text or upload a document with some text.",
        "extract_caption": "Proposed from the text: untick what does not apply, then confirm. "
                           "Nothing is added to the form before that.",
        "use_extracted": "Use these skills", "extract_applied": "Added {skills} skill(s) and {certs} certification(s).",
        "no_skill_found": "No skill of the taxonomy was found in this text.",
        "col_keep": "keep", "untick_help": "Untick to leave this skill out.", "col_skill": "skill",
        "col_confidence": "confidence", "col_evidence": "evidence (quote)",
        "level_help": "1 aware, 2 assisted, 3 autonomous, 4 expert", "certs_found": "Certifications found: {codes}",
        "no_cert_found": "No certification code found.",
        "target_job": "Target job", "job_placeholder": "Search by ROME code or title",
        "job_help": "Empty: the profile's target job (target_job).",
        "choices_expander": "Modules and calendar", "unknown_modules": "Not in the catalogue, left out: {ids}",
        "keep_modules": "Keep these modules", "keep_modules_help": "The plan must include them.",
        "refuse_modules": "Refuse these modules", "refuse_modules_help": "The plan must not use them.",
        "module_placeholder": "Search by title", "study_days": "Study days",
        "study_days_help": "Days self-paced work is done on (the calendar file puts study blocks there).",
        "periods": "Periods without training (inclusive dates)", "col_from": "from", "col_to": "to",
        "date_format": "D MMM YYYY", "date_input_format": "YYYY/MM/DD",
        "alternatives": "Alternatives", "alternatives_help": "0: one plan. 1–4: up to that many genuinely different "
        "plans (fastest, cheapest, most local, most in-person) to choose from.",
        "plan_button": "Plan", "planning": "Planning…", "choose_plan": "Choose a plan",
        "only_n": "Only {n} genuinely different plan(s): the other objectives give the same modules.",
        "alt_fastest": "fastest", "alt_cheapest": "cheapest", "alt_fastest, any modality": "fastest, any modality",
        "alt_most local": "most local", "alt_most in-person": "most in-person", "alt_n": "alternative {n} (+{hours})",
        "trade_off": "{hours}, {cost}, farthest place {km}, {share}% of hours in person",
        "trade_end": ", ends {end}", "trade_breaks": ", breaks a limit",
        "trade_takes": "; takes {taken} instead of {left}", "nothing_more": "nothing more", "nothing": "nothing",
        "relaxed_info": "Re-planned after this change: {what}",
        "replanned_info": "Re-planned after your choice: {what}",
        "done_keep": "kept “{title}”", "done_refuse": "refused “{title}”", "done_release": "released “{title}”",
        "downloads": "Download", "dl_ics": "Calendar (.ics)",
        "relax_header": "What would make it feasible",
        "relax_caption": "Each change was verified by planning again with it; apply one to see the new plan.",
        "relax_apply": "Apply", "relax_help": "Plan again with this change", "relax_result": "gives: {outline}",
        "already_qualified": "Already qualified: no module needed.",
        "feasible": "Feasible: the pathway fits your limits.",
        "infeasible": "Infeasible: the pathway breaks your limits.",
        "m_hours": "Hours", "m_hours_help": "Training hours of the pathway",
        "m_cost": "Cost", "m_cost_help": "What is left to pay (€ excl. VAT)", "m_full_price": "full price {price}",
        "m_available": "Available", "m_available_help": "Training hours possible between the start and the deadline "
        "at the profile's weekly pace", "m_steps": "Modules",
        "h_places": "Places", "h_timeline": "Timeline", "h_steps": "Steps", "h_certs": "Certifications",
        "h_skills": "Skills before and after", "h_mapping": "Declared skills", "h_choices": "Keep or refuse modules",
        "h_prior": "Prior learning", "h_calendar": "Calendar",
        "no_module": "No module needed.", "prerequisite": "prerequisite", "col_module": "Module",
        "col_modality": "Modality", "col_place": "Place", "col_dates": "Dates", "col_hours": "Hours",
        "col_cost": "Cost", "col_cert": "Certification", "online_place": "online",
        "col_skill_name": "Skill", "col_before": "Before", "col_after": "After", "col_required": "Required",
        "col_met": "Met", "levels_caption": "Levels: 1 aware, 2 assisted, 3 autonomous, 4 expert.",
        "uncovered": "Uncovered skills", "col_required_level": "Required level", "col_essential": "Essential",
        "col_reason": "Reason",
        "lapsed": "{what}: not counted as valid", "col_since": "Since", "col_renew_by": "Renew by",
        "col_renewal": "Renewal", "col_via": "Obtained through", "col_source": "Source", "no_expiry": "no expiry",
        "held": "already held", "no_cert_end": "No certification held at the end of the pathway.",
        "rules": "Certification rules applied", "col_rule": "Rule", "col_kind": "Kind",
        "col_requirement": "Requirement", "col_added": "Module added", "col_for": "For",
        "kind_certification": "prior certification", "kind_skill": "prior skill",
        "kind_competence": "required competence", "kind_held": "held before (refresher)",
        "kind_provider_lock": "provider's own module", "kind_companion": "companion certification",
        "kind_renewal": "renewal", "kind_initial_after_lapse": "initial training after lapse",
        "no_skill_declared": "No skill declared.", "col_declared": "Declared", "col_mapped": "Recognised as",
        "col_level_title": "Level", "col_confidence_title": "Confidence",
        "col_method": "Method", "method_uri": "identifier", "method_exact": "exact label",
        "method_alternative": "alternative label", "method_embedding": "by meaning", "method_unmapped": "not recognised",
        "choices_caption": "Keep a module to have every new plan include it; refuse one to plan without it. "
                           "Each click plans again.",
        "keep": "Keep", "release": "Release", "refuse": "Refuse",
        "keep_help": "Every new plan must include this module", "release_help": "Stop requiring this module",
        "refuse_help": "Plan again without this module",
        "m_standard": "Standard programme", "m_standard_help": "The pathway of someone with no prior learning",
        "m_saved_hours": "Hours saved", "m_saved_cost": "Cost saved",
        "skipped": "Skills already held: {skills}", "none": "none", "certs_held": "Certifications held: {codes}",
        "axis_week": "week (Monday)", "axis_hours": "hours", "week_of": "week of",
        "calendar_caption": "Hours spread evenly over the weeks of each step (a reading aid; exact sessions in the "
                            "steps table and the calendar file).",
        "col_month": "Month", "col_modules": "Modules",
        "home": "Home", "training_place": "Training place", "col_distance": "Distance",
        "map_caption": "Grey dots: commune centres (a map that needs no connection).",
        "map_online": "Online only: no place to show.",
    },
}


for _code, _words in PROGRESS_TEXT.items():  # saved pathways, progress and follow-up (ui/i18n_progress.py)
    if set(_words) & set(TEXT[_code]):
        raise KeyError(f"ui/i18n_progress.py redefines {sorted(set(_words) & set(TEXT[_code]))}")
    TEXT[_code].update(_words)
for _code, _words in TERRITORY_TEXT.items():  # the territory page (ui/i18n_territory.py)
    if set(_words) & set(TEXT[_code]):
        raise KeyError(f"ui/i18n_territory.py redefines {sorted(set(_words) & set(TEXT[_code]))}")
    TEXT[_code].update(_words)


def lang() -> str:
    """The page's language: ``st.session_state["ui_lang"]`` (``fr`` or ``en``; kept in ``"_ui_lang"`` while
    another page is shown, since Streamlit drops the state of widgets not drawn), French by default."""
    s = st.session_state
    return lang_of(s.get("ui_lang") or s.get("_ui_lang") or DEFAULT_LANGUAGE)


def t(key: str, **fields: object) -> str:
    """The text of ``key`` in the page's language, ``fields`` filled in. Raises KeyError for an unknown key."""
    text = TEXT[lang()][key]
    return text.format(**fields) if fields else text


def follow_profile(language: str | None) -> None:
    """Make the page speak ``language`` (a profile's ``fr`` / ``en``) when it differs from the last profile
    language followed; call before the language switch is drawn. A user's switch stays until a profile with
    another language is read."""
    if language not in TEXT:
        return
    s = st.session_state
    if language != s.get("_lang_followed"):
        s["_lang_followed"] = language
        s["ui_lang"] = s["_ui_lang"] = language


def language_switch() -> None:
    """The sidebar's language switch (session key ``ui_lang``)."""
    s = st.session_state
    if s.get("ui_lang") not in TEXT:
        s["ui_lang"] = lang()
    st.sidebar.radio(t("language"), list(TEXT), format_func=LANGUAGE_NAMES.get, key="ui_lang", horizontal=True,
                     help=t("language_help"))
    s["_ui_lang"] = s["ui_lang"]


VEGA_LOCALES = {  # d3 number and time formats of the charts (month names on time axes, decimal commas)
    "fr": {"number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0€"]},
           "time": {"dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["", ""],
                    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
                    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
                    "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                               "octobre", "novembre", "décembre"],
                    "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                                    "nov.", "déc."]}},
    "en": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
           "time": {"dateTime": "%a %e %b %Y %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
                    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
                    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                    "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                               "October", "November", "December"],
                    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                    "Dec"]}},
}


def vega_locale() -> dict:
    """The charts' ``config.locale`` (Vega-Lite) in the page's language: pass to ``chart.configure(locale=…)``."""
    return VEGA_LOCALES[lang()]
