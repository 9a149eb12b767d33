"""The certification rules reference: the data of ``certifications.yaml``, validated, with its logic.

A :class:`RulesReference` answers, for any certification code, what it requires first
(:class:`Requires`: certification codes or rule classes, skills at levels on the 1–4 scale, named
competences met by any one of several skills), who issues it, how long it stays valid
(:class:`Validity`, years) and what it implies (``B2VL`` meets a ``B1VL`` requirement). Every rule,
class, competence and implication names its sources (ids of ``sources``, each with title and
version). Codes: NF C 18-550 / NF C 18-510 habilitation symbols, IRVE levels, ``ISO9606-1-<process>``,
``RNCP<n>`` / ``RS<n>`` (matched by ``pattern``).

The file is checked when read (``extra="forbid"``, every source id, competence and code referred to
must exist): :func:`load_reference` raises :class:`~curriculum.errors.KnowledgeBaseError` naming the
file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from curriculum.errors import KnowledgeBaseError
from curriculum.knowledge.yaml_lines import line_of, yaml_error_line
from curriculum.models.skills import SkillLevel

DEFAULT_PATH = Path(__file__).with_name("certifications.yaml")
"""The shipped reference (packaged with ``curriculum``)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A text a rule rests on: standard, decree, code article, INRS brochure, register."""

    short: str = Field(description="short citation, e.g. 'NF C 18-550 (2015)'")
    title: str
    version: str
    publisher: str | None = None
    url: str | None = None
    read_at: str | None = Field(None, description="where the fact was read when not the text itself")
    verified: bool = True
    note: str | None = None


class Competence(_Strict):
    """A named requirement met by any one of several skills at a level (e.g. electrical competence)."""

    label: str
    label_fr: str | None = None
    any_of: list[SkillLevel] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class CertClass(_Strict):
    """An abstract code (``HAB-BT-EXEC``) met by holding any of its ``members``."""

    label: str
    members: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Implication(_Strict):
    """The holder of the rule's code also meets a requirement for ``code``."""

    code: str
    sources: list[str] = Field(min_length=1)


class Requires(_Strict):
    """What must be held before the certification's (initial) training.

    ``certifications``: codes or classes held and valid; ``skills``: each at its level;
    ``competences``: names of :class:`Competence` entries; ``basis``: why (see the YAML header).
    """

    certifications: list[str] = Field(default_factory=list)
    skills: list[SkillLevel] = Field(default_factory=list)
    competences: list[str] = Field(default_factory=list)
    basis: Literal["regulation", "standard", "training_entry"]
    note: str | None = None


class Validity(_Strict):
    """How long a certification counts as valid (years; None = no expiry in the sources) and whether a
    refresher at any provider renews it."""

    years: int | None = Field(ge=1, le=50)
    occasional_practice_years: int | None = Field(None, ge=1, le=50)
    refresher: bool
    note: str | None = None
    sources: list[str] = Field(min_length=1)

    def until(self, obtained: dt.date) -> dt.date | None:
        """Last day of validity of a certification ``obtained`` on that date (None: no expiry)."""
        if self.years is None:
            return None
        try:
            return obtained.replace(year=obtained.year + self.years)
        except ValueError:  # 29 February
            return obtained.replace(year=obtained.year + self.years, day=28)

    def renewal_text(self, language: str = "en") -> str:
        """One line: the renewal period and where (``"refresher every 3 years (2 if occasional practice), at any
        provider"``; French with ``language="fr"``)."""
        fr = language == "fr"
        if self.years is None:
            return "pas d'expiration dans les sources" if fr else "no expiry in the sources"
        if fr:
            occ = f" ({self.occasional_practice_years} en cas de pratique occasionnelle)" \
                if self.occasional_practice_years else ""
            every = "chaque année" if self.years == 1 else f"tous les {self.years} ans"
            return f"recyclage {every}{occ}, dans tout organisme" if self.refresher else f"renouvellement {every}"
        occ = f" ({self.occasional_practice_years} if occasional practice)" if self.occasional_practice_years else ""
        every = "every year" if self.years == 1 else f"every {self.years} years"
        return f"refresher {every}{occ}, at any provider" if self.refresher else f"renewal {every}"


class CertificationRule(_Strict):
    """The rule of one certification (``code``) or of a family of codes (``pattern``, a full-match regex)."""

    code: str | None = None
    pattern: str | None = None
    family: str
    label: str
    issued_by: Literal["employer", "certifying_body", "company_qualification"]
    issuer_note: str
    requires: Requires | None = None
    companions: list[str] = Field(default_factory=list, description="codes or classes a job requiring this code "
                                  "must also require (legally required together)")
    implies: list[Implication] = Field(default_factory=list)
    validity: Validity
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _code_or_pattern(self) -> "CertificationRule":
        if (self.code is None) == (self.pattern is None):
            raise ValueError("give exactly one of 'code' or 'pattern'")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a regular expression: {exc}") from exc
        return self

    @property
    def name(self) -> str:
        """The code, or the pattern for a family rule."""
        return self.code or str(self.pattern)


class RulesReference(_Strict):
    """The whole reference (see the module docstring). ``version`` names this edition of the rules."""

    version: str
    updated: dt.date
    sources: dict[str, Source]
    competences: dict[str, Competence] = Field(default_factory=dict)
    classes: dict[str, CertClass] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict, description="YAML anchors only; not read")
    certifications: list[CertificationRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "RulesReference":
        def known_sources(ids: list[str], where: str) -> None:
            for sid in ids:
                if sid not in self.sources:
                    raise ValueError(f"{where}: unknown source id {sid!r} (define it under 'sources')")

        seen: set[str] = set()
        for k, rule in enumerate(self.certifications):
            where = f"certifications.{k} ({rule.name})"
            if rule.name in seen:
                raise ValueError(f"{where}: duplicate rule")
            seen.add(rule.name)
            known_sources(rule.sources, where)
            known_sources(rule.validity.sources, where + ".validity")
            for imp in rule.implies:
                known_sources(imp.sources, where + ".implies")
        for name, cls in self.classes.items():
            known_sources(cls.sources, f"classes.{name}")
        for name, comp in self.competences.items():
            known_sources(comp.sources, f"competences.{name}")
        for k, rule in enumerate(self.certifications):
            where = f"certifications.{k} ({rule.name})"
            codes = [*rule.companions, *(i.code for i in rule.implies)]
            if rule.requires:
                codes += rule.requires.certifications
                for comp in rule.requires.competences:
                    if comp not in self.competences:
                        raise ValueError(f"{where}.requires.competences: unknown competence {comp!r}")
            for code in codes:
                if not self.is_known(code):
                    raise ValueError(f"{where}: unknown certification code or class {code!r}")
        for name, cls in self.classes.items():
            for code in cls.members:
                if self.rule(code) is None:
                    raise ValueError(f"classes.{name}.members: no rule for {code!r}")
        return self

    # ------------------------------------------------------------------------------------------ lookups
    @cached_property
    def _by_code(self) -> dict[str, CertificationRule]:
        return {r.code: r for r in self.certifications if r.code}

    def rule(self, code: str) -> CertificationRule | None:
        """The rule governing ``code`` (exact code first, then a family pattern), or None."""
        found = self._by_code.get(code)
        if found is not None:
            return found
        return next((r for r in self.certifications if r.pattern and re.fullmatch(r.pattern, code)), None)

    def is_class(self, code: str) -> bool:
        """True for an abstract class code (``HAB-BT-EXEC``)."""
        return code in self.classes

    def is_known(self, code: str) -> bool:
        """True when ``code`` is a class or governed by a rule."""
        return self.is_class(code) or self.rule(code) is not None

    @cached_property
    def competence_skills(self) -> frozenset[str]:
        """Every skill id some competence accepts (to skip modules no rule concerns)."""
        return frozenset(o.skill for comp in self.competences.values() for o in comp.any_of)

    @cached_property
    def _closures(self) -> dict[str, frozenset[str]]:
        return {}

    def closure(self, code: str) -> frozenset[str]:
        """Every code whose requirement ``code`` meets: itself, what it implies (transitively) and the
        classes any of these belongs to. ``closure("B2V") == {"B2V", "B1V", "B2", "B1", "HAB-BT-EXEC"}``."""
        cached = self._closures.get(code)
        if cached is not None:
            return cached
        out, todo = {code}, [code]
        while todo:
            rule = self.rule(todo.pop())
            for imp in rule.implies if rule else []:
                if imp.code not in out:
                    out.add(imp.code)
                    todo.append(imp.code)
        out |= {name for name, cls in self.classes.items() if out & set(cls.members)}
        self._closures[code] = frozenset(out)
        return self._closures[code]

    def closure_of(self, codes: set[str] | list[str] | frozenset[str]) -> set[str]:
        """Union of :meth:`closure` over ``codes``."""
        out: set[str] = set()
        for code in codes:
            out |= self.closure(code)
        return out

    def satisfies(self, held: set[str] | list[str] | frozenset[str], required: str) -> bool:
        """True when some held code meets the requirement ``required`` (a code or a class)."""
        return any(required in self.closure(code) for code in held)

    def members(self, code: str) -> list[str]:
        """Concrete codes that meet ``code`` (its class members, or the codes implying it), sorted."""
        return sorted(r.code for r in self.certifications if r.code and code in self.closure(r.code))

    def cite(self, ids: list[str]) -> str:
        """Short citation of source ids: ``"NF C 18-550 (2015); INRS ED 6127 (2020)"``."""
        return "; ".join(self.sources[i].short for i in ids if i in self.sources)

    def renewal_text(self, code: str, language: str = "en") -> str:
        """The renewal rule of ``code`` in one line, or "no rule" for an ungoverned code."""
        rule = self.rule(code)
        if rule is None:
            return "aucune règle dans le référentiel" if language == "fr" else "no rule in the reference"
        return rule.validity.renewal_text(language)


def parse_reference(text: str, file: str = "<rules>") -> RulesReference:
    """Validate the YAML ``text`` of a rules reference.

    Raises
    ------
    KnowledgeBaseError
        On a YAML syntax error (with its line) or a schema / consistency error (field and line).
    """
    try:  # libyaml's safe loader when present: the same documents, 0.16 s less in every plan process
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=file,
                                 line=yaml_error_line(exc)) from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError("the rules reference must be a mapping", file=file, line=1)
    try:
        return RulesReference.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"] if p != "__root__"]
        message = err["msg"].removeprefix("Value error, ")
        field = ".".join(map(str, loc)) or None
        if not loc and (m := re.match(r"(certifications\.\d+|classes\.[\w-]+|competences\.[\w-]+)", message)):
            field = m.group(1)  # consistency errors name their place in the message
            loc = [int(p) if p.isdigit() else p for p in field.split(".")]
        raise KnowledgeBaseError(message, file=file, field=field, line=line_of(text, loc)) from exc


def load_reference(path: Path | str | None = None) -> RulesReference:
    """Read and validate a rules reference (default: the shipped ``certifications.yaml``, read once).

    Raises
    ------
    KnowledgeBaseError
        When the file cannot be read or is invalid (file, line, field).
    """
    if path is None:
        return _shipped()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"cannot read the rules reference: {exc}", file=str(path)) from exc
    return parse_reference(text, str(path))


@cache
def _shipped() -> RulesReference:
    return parse_reference(DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH))
