"""From free text (a CV, a self-description, a job description) to skills with levels and evidence.

Without an LLM this is the deterministic extractor: taxonomy labels (ESCO preferred and alternative
labels, French and English) found verbatim in the text, case/accent-insensitively; each hit keeps
its sentence as evidence. Level (1–4) from cues in that sentence: "initiation/notions/basics" → 1,
"expert/formateur/10 ans" → 4, "autonome/years of" → 3, otherwise 2. Certification codes come from
habilitation symbols written after "habilitation" and from IRVE / ISO 9606-1 / RNCP mentions.
The result is a proposal shown for confirmation; nothing is applied without the user.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from curriculum.errors import InputError
from curriculum.generation.profile_fields import (Found, find_certifications, find_hours, find_location, find_start,
                                                  match_job)
from curriculum.models import TaxonomySkill
from curriculum.retrieval.skill_mapping import normalise_label

_SENTENCES = re.compile(r"(?<=[.!?;\n])\s+")
_YEARS = re.compile(r"(\d{1,2})\s*(?:ans|years|an)\b")
_LOW = ("initiation", "notions", "basics", "bases", "debutant", "beginner", "decouverte", "sensibilisation")
_HIGH = ("expert", "formateur", "trainer", "referent", "chef d equipe", "lead")
_MID = ("autonome", "autonomous", "confirme", "experienced", "experience", "years", "ans")


@dataclass
class ExtractedSkill:
    """A skill found in text: taxonomy id, label, proposed level 1–4, evidence sentence, confidence 0–1."""

    skill: str
    label: str
    level: int
    evidence: str
    confidence: float
    method: str = "label-match"


@dataclass
class UnmappedSkill:
    """A skill stated in the text that the taxonomy mapper could not ground: kept in the person's words,
    never given a URI. ``nearest``: the closest taxonomy label seen (below the threshold), for review."""

    words: str
    level: int
    evidence: str
    confidence: float
    nearest: str | None = None
    method: str = "llm"


@dataclass
class ExtractedCertification:
    """A certification held: code, date obtained as written (``"2022"``, ``"2022-03"``, ``"2022-03-15"`` or
    None), the sentence it was read in, confidence 0–1."""

    code: str
    obtained: str | None
    evidence: str
    confidence: float
    method: str = "rules"

    def entry(self) -> str:
        """The learner-profile form of it: ``"B2VL 2022-03-15"``; a year or month alone gives its first day
        (the earliest date, so validity is never overstated), no date gives the code alone."""
        if not self.obtained:
            return self.code
        parts = (self.obtained.split("-") + ["01", "01"])[:3]
        return f"{self.code} {'-'.join(parts)}"


@dataclass
class ExtractedField:
    """One value read from the text (location dict, hours per week, start "YYYY-MM-DD", target job id)."""

    value: object
    evidence: str
    confidence: float
    method: str = "rules"


@dataclass
class ExtractedProfile:
    """Skills, certifications and availability found in a text, for the user to confirm.

    ``certifications``: the codes held (sorted); ``certification_details``: the same with dates and evidence;
    ``unmapped``: skills the taxonomy could not ground; ``location`` (``{"city", "postcode"}``),
    ``hours_per_week`` (h), ``start`` (ISO date), ``target_job`` (job id, or the words when no job matched):
    None when not stated. ``method``: "rules", "llm" or "rules (LLM failed)"; ``provenance``: prompt,
    model, ``pii_removed`` (kinds only), rejected claims.
    """

    skills: list[ExtractedSkill] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    certification_details: list[ExtractedCertification] = field(default_factory=list)
    unmapped: list[UnmappedSkill] = field(default_factory=list)
    location: ExtractedField | None = None
    hours_per_week: ExtractedField | None = None
    start: ExtractedField | None = None
    target_job: ExtractedField | None = None
    method: str = "rules"
    warnings: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def certification_entries(self) -> list[str]:
        """Certifications as the learner profile takes them (``"B2VL 2022-03-15"``, see
        :meth:`ExtractedCertification.entry`)."""
        return [c.entry() for c in self.certification_details]


def _field(found: Found | None) -> ExtractedField | None:
    return ExtractedField(found.value, found.evidence, found.confidence) if found else None


def read_fields(text: str, jobs: dict | None = None) -> dict:
    """Certifications (details and codes), location, hours, start and target job read by the rules, as
    keyword arguments of :class:`ExtractedProfile`."""
    details = [ExtractedCertification(f.value[0], f.value[1], f.evidence, f.confidence)  # type: ignore[index]
               for f in find_certifications(text)]
    return dict(certifications=sorted({c.code for c in details}), certification_details=details,
                location=_field(find_location(text)), hours_per_week=_field(find_hours(text)),
                start=_field(find_start(text)), target_job=_field(match_job(text, jobs)) if jobs else None)


def _level(sentence: str) -> int:
    s = normalise_label(sentence)
    years = [int(y) for y in _YEARS.findall(s)]
    if any(w in s for w in _HIGH) or (years and max(years) >= 10):
        return 4
    if any(w in s.split() for w in _LOW):
        return 1
    if any(w in s for w in _MID) or years:
        return 3
    return 2


def extract_profile(text: str, taxonomy: dict[str, TaxonomySkill], language: str = "fr",
                    min_label_chars: int = 6, jobs: dict | None = None) -> ExtractedProfile:
    """Deterministic extraction of skills, certifications (with dates), location, hours per week, start and
    (with the catalogue's ``jobs``) target job from ``text`` (any length; 200 kB read)."""
    text = text[:200_000]
    sentences = [s.strip() for s in _SENTENCES.split(text) if s.strip()]
    normalised = [(" " + normalise_label(s) + " ", s) for s in sentences]
    found: dict[str, ExtractedSkill] = {}
    for skill in taxonomy.values():
        for label, conf in [(lbl, 1.0) for lbl in skill.labels.values()] + \
                           [(alt, 0.9) for alts in skill.alt_labels.values() for alt in alts]:
            key = normalise_label(label)
            if len(key) < min_label_chars:
                continue
            for norm, original in normalised:
                if f" {key} " in norm:
                    level = _level(original)
                    prev = found.get(skill.id)
                    if prev is None or (conf, level) > (prev.confidence, prev.level):
                        found[skill.id] = ExtractedSkill(skill.id, skill.label(language), level, original[:300], conf)
                    break
    return ExtractedProfile(sorted(found.values(), key=lambda s: (-s.confidence, s.label)), **read_fields(text, jobs))


def read_document(path: Path | str, data: bytes | None = None) -> str:
    """Text of a .txt, .md, .pdf or .docx file (``data`` for uploads).

    Raises
    ------
    InputError
        Unsupported type or unreadable file (naming the file).
    """
    import io

    path = Path(path)
    suffix = path.suffix.lower()
    try:
        raw = data if data is not None else path.read_bytes()
        if suffix in (".txt", ".md", ".yaml", ".yml", ""):
            return raw.decode("utf-8-sig", errors="replace")
        if suffix == ".pdf":
            from pypdf import PdfReader

            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)
        if suffix == ".docx":
            import docx

            return "\n".join(p.text for p in docx.Document(io.BytesIO(raw)).paragraphs)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - parsers raise many types
        raise InputError(f"cannot read document: {type(exc).__name__}: {exc}", file=str(path)) from None
    raise InputError(f"unsupported document type {suffix!r} (use .txt, .md, .pdf or .docx)", file=str(path))
