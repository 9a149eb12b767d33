"""Target jobs: an occupation (ESCO URI and/or ROME 4.0 code) with required skills and certifications."""

from __future__ import annotations

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
    sources: list[str] = Field(default_factory=list)
    level_rule: str | None = None
