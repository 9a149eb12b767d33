"""Skills an offer's ROME codes imply: the ROME 4.0 fiche's skills and knowledge mapped to the taxonomy.

Two links, merged per skill (best weight wins, evidence says which):

* **Jobs of the catalogue** with that ``rome_code`` (``knowledge_base/jobs/*.yaml``, or jobs imported
  with ``kb import-rome``): their required skills, weight 1.0 when essential and 0.6 otherwise, at the
  job's level.
* **The shipped derived table** ``curriculum/data/rome_skills_v460.csv`` (built by
  ``scripts/build_rome_skills.py`` from ROME 4.0 v460 — France Travail, Licence Ouverte 2.0 — and the
  ESCO v1.1.1 taxonomy): each ROME competence/savoir of 30 fiches (EV batteries, charging,
  automotive, industrial maintenance, welding, production) matched to taxonomy skills when the
  lexical and the MiniLM matchers agree; weight 0–1 (match strength × 1.0 core item / 0.7 other), level
  3 for a core savoir-faire and 2 otherwise. Only skills of the catalogue's taxonomy are kept.

A ROME code is accepted as ``H2913`` or ``rome:H2913`` (case-insensitive); unknown codes give nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from curriculum.knowledge.catalogue import Catalogue
from curriculum.settings import PACKAGE_ROOT

SHIPPED_TABLE = PACKAGE_ROOT / "data" / "rome_skills_v460.csv"
ROME_VERSION = "ROME 4.0 v460"
ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT = 1.0, 0.6


@dataclass(frozen=True)
class RomeHit:
    """One skill a ROME code implies: ``weight`` 0–1, ``level`` 1–4, ``evidence`` (code and item/job)."""

    weight: float
    level: int
    evidence: str


@cache
def _table(path: Path) -> dict[str, list[tuple[str, int, float, str]]]:
    out: dict[str, list[tuple[str, int, float, str]]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                out.setdefault(row["rome_code"], []).append(
                    (row["skill"], int(row["level"]), float(row["weight"]), row["rome_label"]))
            except (KeyError, TypeError, ValueError):
                continue  # a damaged row is skipped; the others still count
    return out


def normalise_code(code: str) -> str | None:
    """``"rome:h2913 "`` → ``"H2913"``; None when it is not a ROME code."""
    code = code.strip().upper().removeprefix("ROME:")
    return code if re.fullmatch(r"[A-N]\d{4}", code) else None


class RomeSkills:
    """ROME code → taxonomy skills for one catalogue (see the module docstring)."""

    def __init__(self, catalogue: Catalogue, table: Path | None = SHIPPED_TABLE) -> None:
        self.taxonomy = catalogue.taxonomy
        self.jobs: dict[str, list] = {}
        for job in catalogue.jobs.values():
            if job.rome_code:
                self.jobs.setdefault(job.rome_code.upper(), []).append(job)
        self.table = _table(Path(table)) if table else {}

    def known(self, code: str) -> bool:
        """True when ``code`` links to some skill (a job or a row of the table)."""
        norm = normalise_code(code)
        return bool(norm and (norm in self.jobs or norm in self.table))

    def skills(self, codes: list[str]) -> dict[str, RomeHit]:
        """Skill id → :class:`RomeHit` for the ROME ``codes`` (best weight per skill)."""
        out: dict[str, RomeHit] = {}

        def put(skill: str, hit: RomeHit) -> None:
            if skill in self.taxonomy and (skill not in out or hit.weight > out[skill].weight):
                out[skill] = hit

        for raw in codes:
            code = normalise_code(raw)
            if code is None:
                continue
            for job in self.jobs.get(code, []):
                for req in job.required_skills:
                    weight = ESSENTIAL_WEIGHT if req.essential else OPTIONAL_WEIGHT
                    put(req.skill, RomeHit(weight, req.level, f"{code} (job {job.id})"))
            for skill, level, weight, label in self.table.get(code, []):
                put(skill, RomeHit(weight, level, f"{code} « {label} » ({ROME_VERSION})"))
        return out
