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
    also: list[str] = Field(default_factory=list, description="further codes the same module awards, e.g. "
                            "BCL on a 'B2VL / BCL' course; each follows the certification rules like ``code``")
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


class ModuleStatus(str, Enum):
    """Where a module stands in review. Only ``approved`` modules are planned, indexed and exported as
    the catalogue; ``draft`` = imported with uncertain tags, waiting for an instructor (``kb review``);
    ``rejected`` = refused by an instructor (kept so a re-import does not bring it back);
    ``retired`` = vanished from the feed it came from."""

    APPROVED = "approved"
    DRAFT = "draft"
    REJECTED = "rejected"
    RETIRED = "retired"


class SkillSuggestion(BaseModel):
    """A skill proposed by automatic tagging, for an instructor to confirm.

    ``confidence`` in [0, 1] (calibrated on the shipped modules: see ``benchmarks/tagging.py``);
    ``source``: ``certification`` (the rules' facts about a recognised certification), ``rome`` (the
    offer's ROME fiche), ``text`` (embedding match with the title/objectives/content), ``label``
    (a taxonomy label found verbatim), ``llm`` (re-ranked by a configured model).
    """

    model_config = ConfigDict(extra="forbid")

    skill: str
    level: int = Field(ge=1, le=4)
    confidence: float = Field(ge=0, le=1)
    source: str = "text"
    evidence: str | None = Field(None, description="the words of the offer that support it")


class OfferReferences(BaseModel):
    """Codes an offer carries in LHEO / Carif-Oref feeds (kept verbatim, used for linking and merging).

    ``rome``: ROME 4.0 fiche codes (``H2913``) of the jobs it prepares; ``formacode`` (Centre Inffo
    Formacode thesaurus), ``nsf`` (INSEE Nomenclature des spécialités de formation); ``rncp``/``rs``
    (France compétences registers, ``RNCP41536``/``RS5646``), ``certifinfo`` (Certif Info number);
    ``certifying``: LHEO ``certifiante`` (the offer leads to a registered certification).
    """

    model_config = ConfigDict(extra="forbid")

    rome: list[str] = Field(default_factory=list)
    formacode: list[str] = Field(default_factory=list)
    nsf: list[str] = Field(default_factory=list)
    rncp: str | None = Field(None, pattern=r"^RNCP\d+$")
    rs: str | None = Field(None, pattern=r"^RS\d+$")
    certifinfo: str | None = None
    certifying: bool | None = None


class Origin(BaseModel):
    """Where an imported module comes from, so a re-import updates it instead of duplicating it.

    ``feed``: the feed's name (file stem unless given); ``key``: the record's identity in that feed
    (``formation/action`` numbers for LHEO, the id column for a spreadsheet); ``digest``: sha256 of the
    imported record (a changed offer has a new digest); ``edited``: set when an instructor saved the
    module by hand — a re-import then never overwrites nor retires it; ``written``: the content digest of
    what the import (or a review decision) wrote, so a file changed in a text editor is recognised as edited
    too; ``also_in``: other feeds that carry the same offer (merged).
    """

    model_config = ConfigDict(extra="forbid")

    feed: str
    key: str
    digest: str
    imported: dt.date | None = None
    edited: bool = False
    written: str | None = Field(None, description="content digest of the module as an import or a review wrote it "
                                "(curriculum.knowledge.editing.content_digest); a file whose content differs was "
                                "edited by hand, e.g. in a text editor")
    also_in: list[str] = Field(default_factory=list)


class ModulePrerequisites(BaseModel):
    """What a learner must hold before a module: skills at levels, and/or whole modules.

    ``text``: entry conditions as the provider states them (LHEO ``conditions-specifiques``,
    ``niveau-entree-obligatoire``…), kept when they could not be turned into skills or certifications.
    """

    model_config = ConfigDict(extra="forbid")

    skills: list[SkillLevel] = Field(default_factory=list)
    modules: list[ModuleId] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list, description="certification codes (or rule classes of "
                                      "curriculum.rules) that must be held and valid first; each is met by any "
                                      "certification the rules say implies it")
    competences: list[str] = Field(default_factory=list, description="competences of the certification rules (e.g. "
                                   "ELEC-BASICS), each met by any one of its skills at its level")
    text: str | None = None


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
    duration_hours: float = Field(gt=0, le=5000)
    hours_estimate: str | None = Field(None, description="set when duration_hours is estimated: the stated duration "
                                       "and the conversion rule, e.g. \"'2 ans' × 1 200 h per year\"")
    cost_eur: float = Field(ge=0)
    modality: Modality
    provider: str
    places: list[Place] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    prerequisites: ModulePrerequisites = Field(default_factory=ModulePrerequisites)
    outcomes: list[SkillLevel] = Field(default_factory=list, description="at least one on an approved module "
                                       "(a draft, rejected or retired one may have none)")
    certification: Certification | None = None
    status: ModuleStatus = ModuleStatus.APPROVED
    suggestions: list[SkillSuggestion] = Field(default_factory=list)
    references: OfferReferences | None = None
    origin: Origin | None = None
    funding: Funding | None = None
    eqf_level: int | None = Field(None, ge=1, le=8)
    version: int = 1
    illustrative: bool = True
    body: str = Field("", exclude=True)

    @model_validator(mode="after")
    def _tagged(self) -> "Module":
        if not self.outcomes and self.status == ModuleStatus.APPROVED:  # untagged drafts can be rejected, retired
            raise ValueError("outcomes: a module needs at least one skill outcome (a draft may have none yet)")
        return self

    @property
    def awards(self) -> list[str]:
        """Every certification code the module awards (``certification.code`` then ``also``); [] if none."""
        return [self.certification.code, *self.certification.also] if self.certification else []

    def teaches(self, skill: str) -> int:
        """Level (0–4) this module brings ``skill`` to; 0 if it does not teach it."""
        return max((o.level for o in self.outcomes if o.skill == skill), default=0)
