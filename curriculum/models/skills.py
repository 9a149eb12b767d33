"""Skills, proficiency levels and the taxonomy entry.

Proficiency scale (used everywhere, integers 0–4):

====  ==========  ==========================================================
0     none        not held (only used for "held" levels, never required)
1     aware       knows the concepts and vocabulary
2     assisted    performs the task under supervision / with a procedure
3     autonomous  performs the task alone, in normal conditions
4     expert      handles non-standard cases, trains and supervises others
====  ==========  ==========================================================

Skill identifiers are ESCO v1.1.1 skill URIs (``http://data.europa.eu/esco/skill/<uuid>``) or,
for ROME 4.0 items that ESCO does not cover, ``rome:competence:<code_ogr>`` /
``rome:savoir:<code_ogr>``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

LEVEL_LABELS = {0: "none", 1: "aware", 2: "assisted", 3: "autonomous", 4: "expert"}
LEVEL_LABELS_FR = {0: "aucun", 1: "notions", 2: "guidé", 3: "autonome", 4: "expert"}


class ProficiencyLevel(IntEnum):
    """Ordinal proficiency scale 1 aware … 4 expert (0 = not held)."""

    NONE = 0
    AWARE = 1
    ASSISTED = 2
    AUTONOMOUS = 3
    EXPERT = 4


Level = Annotated[int, Field(ge=1, le=4, description="proficiency 1 aware, 2 assisted, 3 autonomous, 4 expert")]
SkillId = Annotated[str, Field(min_length=3, description="ESCO skill URI or rome:competence:<code>")]


class SkillLevel(BaseModel):
    """A skill at a proficiency level (an outcome or a prerequisite)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skill: SkillId
    level: Level


class TaxonomySkill(BaseModel):
    """One taxonomy entry (ESCO v1.1.1 skill, or a ROME 4.0 item).

    ``labels`` maps a language code (``en``, ``fr``) to the preferred label; ``alt_labels`` maps it
    to alternative labels. ``source`` names the reference and version (e.g. ``ESCO v1.1.1``).
    """

    model_config = ConfigDict(extra="forbid")

    id: SkillId
    skill_type: str = "skill/competence"
    labels: dict[str, str]
    alt_labels: dict[str, list[str]] = Field(default_factory=dict)
    source: str = "ESCO v1.1.1"

    def label(self, language: str = "en") -> str:
        """Preferred label in ``language``, falling back to English then any label."""
        return self.labels.get(language) or self.labels.get("en") or next(iter(self.labels.values()))

    def all_labels(self) -> list[str]:
        """Every preferred and alternative label, all languages."""
        out = list(self.labels.values())
        for alts in self.alt_labels.values():
            out.extend(alts)
        return out
