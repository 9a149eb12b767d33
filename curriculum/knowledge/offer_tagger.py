"""The default offer tagger (:class:`curriculum.knowledge.tagging.OfferTagger`).

Interim version: taxonomy preferred labels (EN/FR) found as whole words in the offer's title and
text, at level 2 (assisted), confidence 1.0 for a verbatim label; confident when at least one label
is found. To be replaced by certification recognition + ROME skills + embeddings (issue #11 item 3).
"""

from __future__ import annotations

import re

from curriculum.knowledge.catalogue import Catalogue
from curriculum.knowledge.tagging import OfferTagger, OfferText, Tagging
from curriculum.models import SkillLevel, SkillSuggestion
from curriculum.retrieval.skill_mapping import normalise_label


def _norm(text: str) -> str:
    return normalise_label(re.sub("[\u2019\u2018\u02bc]", "'", text))


def build_tagger(catalogue: Catalogue, *, level: int = 2) -> OfferTagger:
    """A tagger bound to ``catalogue``'s taxonomy (see the module docstring)."""
    labels: dict[str, str] = {}
    for skill in catalogue.taxonomy.values():
        for label in skill.labels.values():
            key = _norm(label)
            if len(key) >= 4:
                labels.setdefault(key, skill.id)

    def tag(offer: OfferText) -> Tagging:
        norm = f" {_norm(offer.title + ' . ' + offer.text)} "
        found = dict.fromkeys(sid for key, sid in labels.items() if f" {key} " in norm)
        outcomes = [SkillLevel(skill=sid, level=level) for sid in found]
        return Tagging(outcomes=outcomes, confident=bool(outcomes),
                       suggestions=[SkillSuggestion(skill=sid, level=level, confidence=1.0, source="label")
                                    for sid in found])
    return tag
