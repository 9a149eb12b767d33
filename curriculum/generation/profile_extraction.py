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
from curriculum.models import TaxonomySkill
from curriculum.planner.certifications import parse_certification_codes
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
class ExtractedProfile:
    """Skills and certification codes found in a text, for the user to confirm."""

    skills: list[ExtractedSkill] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Plain dict (JSON-ready)."""
        return {"skills": [asdict(s) for s in self.skills], "certifications": self.certifications}


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
                    min_label_chars: int = 6) -> ExtractedProfile:
    """Deterministic extraction of skills and certifications from ``text`` (any length; 200 kB read)."""
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
    certs: set[str] = set()
    for match in re.finditer(r"habilit\w*", text, flags=re.IGNORECASE):
        certs |= parse_certification_codes(text[match.end():match.end() + 60])
    certs |= {c for c in parse_certification_codes(text) if c.startswith(("IRVE", "ISO9606", "RNCP", "CACES"))}
    return ExtractedProfile(sorted(found.values(), key=lambda s: (-s.confidence, s.label)), sorted(certs))


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
