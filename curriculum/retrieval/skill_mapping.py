"""Map free skill labels (English or French) to taxonomy skills, with a confidence.

Order: exact preferred label (confidence 1.0), exact alternative label (0.95), then nearest
taxonomy skill by embeddings (confidence = cosine similarity, kept when ≥ ``threshold``).
Labels are compared case-, accent- and punctuation-insensitively.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass

from curriculum.models import TaxonomySkill

VectorSearch = Callable[[str, int], "list[tuple[str, float]] | None"]  # None: index unavailable


def normalise_label(text: str) -> str:
    """Case/accent/punctuation-insensitive form of a label."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class SkillMatch:
    """Result of mapping one label. ``skill`` is None when unmapped."""

    query: str
    skill: str | None
    label: str | None
    confidence: float
    method: str  # uri | exact | alternative | embedding | unmapped

    def as_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


class SkillMapper:
    """Maps labels to taxonomy skill ids. ``vector_search`` is optional (embedding fallback)."""

    def __init__(self, taxonomy: dict[str, TaxonomySkill], vector_search: VectorSearch | None = None,
                 threshold: float = 0.80) -> None:
        self.taxonomy = taxonomy
        self.vector_search = vector_search
        self.threshold = threshold
        self._cache: dict[tuple[str, str], SkillMatch] = {}
        self._preferred: dict[str, str] = {}
        self._alternative: dict[str, str] = {}
        for skill in taxonomy.values():
            for label in skill.labels.values():
                self._preferred.setdefault(normalise_label(label), skill.id)
            for alts in skill.alt_labels.values():
                for alt in alts:
                    self._alternative.setdefault(normalise_label(alt), skill.id)

    def map_label(self, label: str, language: str = "en") -> SkillMatch:
        """Best taxonomy skill for ``label`` (memoised per label and language)."""
        if (label, language) in self._cache:
            return self._cache[(label, language)]
        self._unavailable = False
        match = self._map(label, language)
        if not self._unavailable:  # an index that comes back later may map it: do not memoise
            self._cache[(label, language)] = match
        return match

    def _map(self, label: str, language: str) -> SkillMatch:
        key = normalise_label(label)
        if key in self._preferred:
            sid = self._preferred[key]
            return SkillMatch(label, sid, self.taxonomy[sid].label(language), 1.0, "exact")
        if key in self._alternative:
            sid = self._alternative[key]
            return SkillMatch(label, sid, self.taxonomy[sid].label(language), 0.95, "alternative")
        if self.vector_search is not None and key:
            hits = self.vector_search(label, 1)
            self._unavailable = hits is None
            if hits and hits[0][0] in self.taxonomy and hits[0][1] >= self.threshold:
                sid, score = hits[0]
                return SkillMatch(label, sid, self.taxonomy[sid].label(language), round(score, 3), "embedding")
            if hits:
                best = hits[0]
                return SkillMatch(label, None, self.taxonomy.get(best[0]).label(language) if best[0] in self.taxonomy
                                  else None, round(best[1], 3), "unmapped")
        return SkillMatch(label, None, None, 0.0, "unmapped")

    def map_uri(self, uri: str, language: str = "en") -> SkillMatch:
        """A skill given by URI: used as is (confidence 1.0 when in the taxonomy)."""
        entry = self.taxonomy.get(uri)
        return SkillMatch(uri, uri, entry.label(language) if entry else None, 1.0 if entry else 0.5, "uri")
