"""Target jobs: an occupation (ESCO URI and/or ROME 4.0 code) with required skills and certifications."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from curriculum.models.skills import Level, SkillId


class RequiredSkill(BaseModel):
    """A skill a job requires, at a proficiency level (1–4); ``essential`` as in ESCO relations."""

    model_config = ConfigDict(extra="forbid")

    skill: SkillId
    level: Level
    essential: bool = True


class Job(BaseModel):
    """A target job.

    ``mandatory_certifications`` holds certification codes (``B2TL``, ``IRVE``…) the job cannot be
    done without (from the ROME 4.0 "accès à l'emploi" text). ``sources`` cites the reference data
    and version the job was derived from (ESCO v1.1.1, ROME 4.0 v460).

    ``fap_codes`` holds the job's FAP 2021 families (DARES "familles professionnelles", e.g. ``D1X33``
    Soudeurs) at the level France Travail's BMO survey publishes (FAP 228: letter, digit, letter, two digits;
    BMO also codes banking and insurance as ``QAX01``…): the recruitment projects of every listed family
    count as the job's demand (:mod:`curriculum.territory`). A job's file states in ``sources`` how its
    families were chosen.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,80}$")
    title: str
    title_fr: str | None = None
    esco_uri: str | None = None
    rome_code: str | None = Field(None, pattern=r"^[A-N][0-9]{4}$")
    description: str = ""
    required_skills: list[RequiredSkill] = Field(min_length=1)
    mandatory_certifications: list[str] = Field(default_factory=list)
    fap_codes: list[Annotated[str, Field(pattern=r"^[A-Z][0-9A-Z][A-Z][0-9]{2}$")]] = Field(
        default_factory=list, description="FAP 2021 families at the BMO level (FAP 228), e.g. D1X33")
    sources: list[str] = Field(default_factory=list)
    level_rule: str | None = None
