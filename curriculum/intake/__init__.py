"""Conversational intake: a dialogue that produces a learner profile (:mod:`curriculum.intake.dialogue`)."""

from curriculum.intake.dialogue import FIELDS, Intake

__all__ = ["FIELDS", "Intake"]
