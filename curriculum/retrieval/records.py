"""What the vector store holds: one record per module and per taxonomy label, with content hashes.

A record is ``(id, document text, metadata)``; the hash of text + metadata decides whether a record
must be re-embedded, and :func:`fingerprint` of a record set tells whether an index is up to date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from curriculum.models import Module, TaxonomySkill

Record = tuple[str, str, dict]  # (id, document text, metadata)
Old = dict[str, tuple[str, dict, list[float]]]  # id -> (document, metadata, vector) of a stored record


def module_document(module: Module, labels: Callable[[str], str]) -> str:
    """Text embedded for a module: title, summary, outcome labels, certification, domain."""
    outcomes = "; ".join(labels(o.skill) for o in module.outcomes)
    cert = f" Certification: {module.certification.code} {module.certification.label}." if module.certification else ""
    return f"{module.title}. {module.summary} Outcomes: {outcomes}.{cert} Domain: {module.domain}."


def module_record(module: Module, labels: Callable[[str], str]) -> Record:
    """The record of one module: (id, document, metadata)."""
    return (module.id, module_document(module, labels),
            {"module_id": module.id, "modality": module.modality.value, "domain": module.domain,
             "language": module.language, "hours": float(module.duration_hours), "cost_eur": float(module.cost_eur)})


def skill_records(taxonomy: dict[str, TaxonomySkill]) -> Iterable[Record]:
    """Every taxonomy label as its own record (preferred and up to 8 alternatives per language),
    ``<skill id>::<lang>::<n>``, so a query matches its closest wording."""
    for skill in taxonomy.values():
        for lang, label in skill.labels.items():
            alts = skill.alt_labels.get(lang, [])[:8]
            for n, text in enumerate(dict.fromkeys([label, *alts])):
                yield f"{skill.id}::{lang}::{n}", text, {"skill_id": skill.id, "lang": lang}


def _hash(text: str, meta: dict) -> str:
    meta = {k: v for k, v in meta.items() if k != "content_hash"}
    return hashlib.sha256((text + "\x00" + repr(sorted(meta.items()))).encode()).hexdigest()[:16]


def fingerprint(records: Iterable[Record]) -> str:
    """Order-independent digest of a record set (what a generation was built from)."""
    digest = hashlib.sha256()
    for rid, h in sorted((r[0], _hash(r[1], r[2])) for r in records):
        digest.update(f"{rid}\x00{h}\n".encode())
    return digest.hexdigest()[:24]
