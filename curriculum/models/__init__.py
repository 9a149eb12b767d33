"""Pydantic v2 domain model: skills, modules, jobs, learner profiles and learning paths."""

from curriculum.models.jobs import Job, RequiredSkill
from curriculum.models.learners import WEEKDAYS, HeldCertification, HeldSkill, LearnerProfile, Location, Period
from curriculum.models.modules import (Certification, Funding, Modality, Module, ModulePrerequisites, ModuleStatus,
                                       OfferReferences, Origin, Place, Session, SkillSuggestion)
from curriculum.models.paths import CertificationAtEnd, LearningPath, Step, TargetJobRef, UncoveredSkill
from curriculum.models.skills import LEVEL_LABELS, ProficiencyLevel, SkillLevel, TaxonomySkill

__all__ = [
    "Certification", "CertificationAtEnd", "Funding", "HeldCertification", "HeldSkill", "Job", "LEVEL_LABELS", "LearnerProfile", "LearningPath", "Location", "Period", "WEEKDAYS",
    "Modality", "Module", "ModulePrerequisites", "ModuleStatus", "OfferReferences", "Origin", "Place", "ProficiencyLevel", "RequiredSkill", "Session", "SkillSuggestion",
    "SkillLevel", "Step", "TargetJobRef", "TaxonomySkill", "UncoveredSkill",
]
