"""Training modules: places, sessions, certifications, outcomes and prerequisites.

A module file is Markdown with YAML front matter in ``knowledge_base/modules/<id>.md``; the front
matter validates against :class:`Module` (unknown keys are refused).
Units: ``duration_hours`` in hours, ``cost_eur`` in euros (per learner, excl. VAT), coordinates in
WGS84 decimal degrees.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from curriculum.models.skills import SkillLevel


class Modality(str, Enum):
    """How a module is delivered. ``workplace`` = on the job (AFEST / alternance)."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    BLENDED = "blended"
    WORKPLACE = "workplace"
    WORK_STUDY = "work_study"  # alternance: contrat d'apprentissage or de professionnalisation (centre + company)

    @property
    def needs_travel(self) -> bool:
        """True when the learner must attend a place (in person, blended, or the centre of a work-study course)."""
        return self in (Modality.IN_PERSON, Modality.BLENDED, Modality.WORK_STUDY)


ModuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,80}$", description="kebab-case module id")]


class Place(BaseModel):
    """Where a module is taught: a real French town with its coordinates."""

    model_config = ConfigDict(extra="forbid")

    city: str
    postcode: str | None = None
    region: str | None = None
    basin: str | None = Field(None, description="employment basin (bassin d'emploi), e.g. 'Douaisis'")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Session(BaseModel):
    """A dated run of a module at one place (``place`` names a ``Place.city``; empty for online)."""

    model_config = ConfigDict(extra="forbid")

    start: dt.date
    end: dt.date
    place: str | None = None
    seats: int = Field(ge=0, description="seats left")

    @model_validator(mode="after")
    def _ordered(self) -> "Session":
        if self.end < self.start:
            raise ValueError("session end is before its start")
        return self


class Certification(BaseModel):
    """A certification or habilitation a module prepares or awards.

    ``code`` is the short symbol used for matching (``B2TL``, ``BR``, ``IRVE``, ``ISO9606-1-141``,
    ``RNCP41536``…). For electrical habilitations the training body issues an opinion / certificate
    and the **employer** issues the habilitation (NF C 18-510 / NF C 18-550).
    """

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    label: str
    standard: str | None = None
    issuer_note: str | None = None
    renewal: bool = Field(False, description="a refresher (recyclage / maintien des compétences): renews the "
                          "certification of someone who held it, whoever trained them")
    source: str | None = Field(None, description="where the module's certification facts come from")


class Funding(BaseModel):
    """How a module is paid for. ``Module.cost_eur`` is always the full price per learner (EUR excl. VAT);
    this says what usual funding leaves to pay and whether Mon Compte Formation (CPF) can pay it: only
    certifications registered in the RNCP or the Répertoire spécifique (RS) are CPF-eligible."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    register_code: str | None = Field(None, alias="register", pattern=r"^(RNCP|RS)\d+$",
                                      description="France compétences register code (YAML key ``register``)")
    cpf_eligible: bool = False
    remainder_eur: float | None = Field(None, ge=0, description="out-of-pocket remainder after usual funding, EUR")
    note: str | None = None


class ModulePrerequisites(BaseModel):
    """What a learner must hold before a module: skills at levels, and/or whole modules."""

    model_config = ConfigDict(extra="forbid")

    skills: list[SkillLevel] = Field(default_factory=list)
    modules: list[ModuleId] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list, description="certification codes (or rule classes of "
                                      "curriculum.rules) that must be held and valid first; each is met by any "
                                      "certification the rules say implies it")


class Module(BaseModel):
    """A training module of the catalogue.

    Attributes are those a planner needs; ``body`` holds the Markdown description (programme,
    public, assessment). ``illustrative`` marks demonstration data (provider, dates, prices).
    """

    model_config = ConfigDict(extra="forbid")

    id: ModuleId
    title: str = Field(min_length=3)
    language: str = Field("fr", pattern=r"^[a-z]{2}$")
    summary: str = ""
    domain: str = Field("general", description="catalogue family, e.g. ev-safety, batteries, welding")
    duration_hours: float = Field(gt=0, le=2000)
    cost_eur: float = Field(ge=0)
    modality: Modality
    provider: str
    places: list[Place] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    prerequisites: ModulePrerequisites = Field(default_factory=ModulePrerequisites)
    outcomes: list[SkillLevel] = Field(min_length=1)
    certification: Certification | None = None
    funding: Funding | None = None
    eqf_level: int | None = Field(None, ge=1, le=8)
    version: int = 1
    illustrative: bool = True
    body: str = Field("", exclude=True)

    def teaches(self, skill: str) -> int:
        """Level (0–4) this module brings ``skill`` to; 0 if it does not teach it."""
        return max((o.level for o in self.outcomes if o.skill == skill), default=0)
