"""Gap analysis: what a job requires minus what the learner holds.

Levels on the 1–4 proficiency scale; a held level ≥ the required level closes the requirement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curriculum.models import Job
from curriculum.planner.certifications import satisfies
from curriculum.rules.reference import RulesReference


@dataclass(frozen=True)
class SkillGap:
    """A required skill the learner lacks: ``required`` level, ``held`` level (0 = none)."""

    skill: str
    required: int
    held: int
    essential: bool


@dataclass
class GapAnalysis:
    """Result of comparing a job with a learner.

    Attributes
    ----------
    skill_gaps : skills below the required level (essential and optional)
    certification_gaps : required certification codes (or rule classes) not held and valid
    met : required skills already held at level (skill id → held level)
    """

    skill_gaps: list[SkillGap] = field(default_factory=list)
    certification_gaps: list[str] = field(default_factory=list)
    met: dict[str, int] = field(default_factory=dict)

    @property
    def essential_gaps(self) -> list[SkillGap]:
        """Only the essential skill gaps."""
        return [g for g in self.skill_gaps if g.essential]

    @property
    def empty(self) -> bool:
        """True when nothing essential is missing (no essential skill gap, no certification gap)."""
        return not self.essential_gaps and not self.certification_gaps


def analyse_gaps(job: Job, held: dict[str, int], certifications: set[str], *, required: list[str] | None = None,
                 reference: RulesReference | None = None) -> GapAnalysis:
    """Compare ``job`` requirements with ``held`` levels (skill id → 1–4) and certification codes.

    ``certifications`` are the codes held *and valid* for the plan; ``required`` the certifications the
    job needs (default: its ``mandatory_certifications``; the planner adds their legal companions,
    :func:`curriculum.rules.apply.job_certifications`); with ``reference`` a held code meets what the
    rules say it implies.
    """
    out = GapAnalysis()
    for req in job.required_skills:
        level = held.get(req.skill, 0)
        if level >= req.level:
            out.met[req.skill] = level
        else:
            out.skill_gaps.append(SkillGap(req.skill, req.level, level, req.essential))
    needed = job.mandatory_certifications if required is None else required
    out.certification_gaps = [c for c in needed if not satisfies(certifications, c, reference)]
    return out
