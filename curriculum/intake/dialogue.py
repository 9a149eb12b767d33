"""Conversational intake: a scripted dialogue that asks for what a plan needs, in the learner's language, and
produces the same :class:`~curriculum.models.LearnerProfile` as the form and the YAML file.

The dialogue asks, in turn, for each missing field — target job, where the person lives, how far they can
travel (km), hours per week, when they can start and by when they want to be ready, certifications held (with
dates), how they like to learn (modalities), budget, and what they already know (free text: skills are read
from it by the profile extractor, and it becomes the profile's ``background``). An answer may fill several
fields at once ("je vis à Douai et je peux faire 10 h par semaine"); an answer that cannot be read gets the
question again with an example. Nothing is guessed: every value comes from what the person wrote, read by the
deterministic readers of :mod:`curriculum.intake.answers` (instruction sentences removed first, so a prompt
injection typed in the chat changes no field). Works offline; no model is needed.

Usage::

    chat = Intake(language="fr", jobs=catalogue.jobs, today=dt.date.today())
    question = chat.question()
    while question:
        question = chat.answer(input(question + " "))
    profile = chat.profile("learner-1")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from curriculum.errors import InputError
from curriculum.intake import answers as read
from curriculum.models import LearnerProfile

FIELDS = ("target_job", "location", "mobility_km", "hours_per_week", "dates", "certifications",
          "preferred_modalities", "budget_eur", "background")
"""The fields the dialogue fills, in the order it asks for them."""

QUESTIONS = {
    "fr": {"target_job": ("Quel métier visez-vous ?", "par exemple « technicien de maintenance batteries » ou un code ROME comme H2703"),
           "location": ("Où habitez-vous (ville ou code postal) ?", "par exemple « 59500 Douai »"),
           "mobility_km": ("Jusqu'à combien de kilomètres pouvez-vous vous déplacer pour une formation ?", "par exemple « 40 km »"),
           "hours_per_week": ("Combien d'heures par semaine pouvez-vous consacrer à la formation ?", "par exemple « 10 h par semaine »"),
           "dates": ("Quand pouvez-vous commencer, et pour quand voulez-vous être prêt(e) ?", "par exemple « du 4 janvier 2027 au 30 septembre 2027 » ou « dès que possible, pendant 9 mois »"),
           "certifications": ("Quelles habilitations ou certifications avez-vous déjà, avec leur date ?", "par exemple « habilitation BR obtenue en mars 2024 », ou « aucune »"),
           "preferred_modalities": ("Comment préférez-vous apprendre : en atelier, en présentiel, en entreprise, à distance ?", "par exemple « plutôt en atelier, pas d'ordinateur à la maison », ou « peu importe »"),
           "budget_eur": ("Quel budget pouvez-vous y consacrer (en euros), ou est-ce financé ?", "par exemple « 3 000 € » ou « financé par mon CPF »"),
           "background": ("Décrivez en quelques phrases votre expérience et ce que vous savez déjà faire.", "par exemple « mécanicien depuis 12 ans, diagnostic et freinage »")},
    "en": {"target_job": ("Which job are you aiming for?", "for example 'battery maintenance technician' or a ROME code such as H2703"),
           "location": ("Where do you live (town or postcode)?", "for example '59500 Douai'"),
           "mobility_km": ("How many kilometres can you travel to a course?", "for example '40 km'"),
           "hours_per_week": ("How many hours a week can you give to training?", "for example '10 hours a week'"),
           "dates": ("When can you start, and by when do you want to be ready?", "for example 'from 4 January 2027 to 30 September 2027' or 'as soon as possible, for 9 months'"),
           "certifications": ("Which electrical clearances or certifications do you already hold, with their date?", "for example 'BR clearance obtained in March 2024', or 'none'"),
           "preferred_modalities": ("How do you prefer to learn: hands-on in a workshop, in a classroom, at work, online?", "for example 'hands-on, I have no computer at home', or 'no preference'"),
           "budget_eur": ("What budget can you spend (EUR), or is it funded?", "for example '3,000 EUR' or 'funded by my employer'"),
           "background": ("Describe in a few sentences your experience and what you can already do.", "for example 'car mechanic for 12 years, diagnostics and brakes'")},
}
RETRY = {"fr": "Je n'ai pas compris. {question} ({example})", "en": "Sorry, I did not understand. {question} ({example})"}
DONE = {"fr": "Merci, j'ai tout ce qu'il faut. Vérifiez le profil ci-dessous avant de lancer le plan.",
        "en": "Thank you, I have everything I need. Check the profile below before planning."}


@dataclass
class Intake:
    """One intake conversation. ``jobs``: the catalogue's jobs (id → Job); ``today``: the date relative answers
    ("as soon as possible", "for 9 months") count from; ``extract_skills``: text → list of ``{"label" or "uri",
    "level"}`` (the profile extractor), applied to the background answer."""

    language: str = "fr"
    jobs: dict = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)
    extract_skills: Callable[[str], list[dict]] | None = None
    values: dict = field(default_factory=dict)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    asked: str | None = None

    def missing(self) -> list[str]:
        """The fields still to ask for, in order."""
        return [f for f in FIELDS if f not in self.values]

    def question(self) -> str | None:
        """The next question (None when the profile is complete), recorded in the transcript."""
        missing = self.missing()
        self.asked = missing[0] if missing else None
        text = QUESTIONS[self.language][self.asked][0] if self.asked else DONE[self.language]
        self.transcript.append(("assistant", text))
        return text if self.asked else None

    def answer(self, text: str) -> str | None:
        """Read the person's ``text`` for the field asked (and any other field it clearly states); return the
        next question, the same question again with an example when it could not be read, or None when done."""
        self.transcript.append(("user", text))
        safe = read.clean(text[:5000])
        for name in [self.asked] + [f for f in self.missing() if f != self.asked] if self.asked else []:
            value = self._read(name, safe, opportunistic=name != self.asked)
            if value is not None:
                self.values[name] = value
        if self.asked and self.asked not in self.values:
            question, example = QUESTIONS[self.language][self.asked]
            retry = RETRY[self.language].format(question=question, example=example)
            self.transcript.append(("assistant", retry))
            return retry
        return self.question()

    def _read(self, name: str, text: str, opportunistic: bool) -> object | None:
        if opportunistic and name in ("mobility_km", "budget_eur", "background", "preferred_modalities",
                                      "certifications"):
            return None  # only read when asked: a bare number or a "no" means something else elsewhere
        if name == "target_job":
            return read.read_job(text, self.jobs) if self.jobs else None
        if name == "location":
            return read.read_location(text)
        if name == "mobility_km":
            return read.read_km(text)
        if name == "hours_per_week":
            return read.read_hours(text) if not opportunistic or "semaine" in text or "week" in text else None
        if name == "dates":
            return read.read_dates(text, self.today)
        if name == "certifications":
            return read.read_certifications(text)
        if name == "preferred_modalities":
            return read.read_preferences(text)
        if name == "budget_eur":
            return read.read_budget(text)
        if name == "background":
            return text if len(text.split()) >= 2 else None
        return None

    def profile(self, learner_id: str) -> LearnerProfile:
        """The learner profile (as the YAML file and the form give it).

        Raises
        ------
        InputError
            When a field is still missing (``field`` names it) or a value is out of range.
        """
        missing = self.missing()
        if missing:
            raise InputError(f"the intake has not asked for {', '.join(missing)} yet", field=missing[0])
        v = self.values
        start, deadline = v["dates"]
        skills = self.extract_skills(v["background"]) if self.extract_skills else []
        data = dict(id=learner_id, language=self.language, location=v["location"], mobility_km=v["mobility_km"],
                    hours_per_week=v["hours_per_week"], start=start, deadline=deadline, budget_eur=v["budget_eur"],
                    preferred_modalities=v["preferred_modalities"], certifications=v["certifications"],
                    skills=skills, background=v["background"], target_job=v["target_job"])
        try:
            return LearnerProfile.model_validate(data)
        except ValueError as exc:
            first = exc.errors()[0] if hasattr(exc, "errors") else {}
            raise InputError(str(first.get("msg", exc)), field=".".join(map(str, first.get("loc", ())))) from exc
