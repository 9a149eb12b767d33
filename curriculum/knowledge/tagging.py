"""Tag a training offer with taxonomy skills and the certifications it awards.

The contract shared by every importer (LHEO, spreadsheets, JSON-LD)::

    offer = OfferText(title=..., text=..., rome=["H2913"], rncp="RNCP41536", language="fr")
    tagging = tagger(offer)          # any OfferTagger
    tagging.outcomes                 # confident skills (used as the module's outcomes)
    tagging.suggestions              # every proposal with its confidence and source (kept on drafts)
    tagging.awards                   # certification codes recognised (rules codes, primary first)
    tagging.confident                # True: the module may be approved; False: it is imported as a draft

An importer never rejects an offer for lack of tags: a non-confident tagging makes a draft
(``status: draft``) that plans ignore until an instructor approves it (``curriculum kb review``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from curriculum.models import SkillLevel, SkillSuggestion


@dataclass
class OfferText:
    """What a tagger reads from one offer. ``text``: objectives, expected results and content, as
    clean text (no HTML); codes as published (``rome`` ROME 4.0 fiche codes, ``rncp`` ``RNCP41536``,
    ``rs`` ``RS5646``, ``certifinfo`` a number); ``language`` ISO 639-1."""

    title: str
    text: str = ""
    language: str = "fr"
    rome: list[str] = field(default_factory=list)
    formacode: list[str] = field(default_factory=list)
    rncp: str | None = None
    rs: str | None = None
    certifinfo: str | None = None


@dataclass
class Tagging:
    """A tagger's answer for one offer (see the module docstring)."""

    outcomes: list[SkillLevel] = field(default_factory=list)
    suggestions: list[SkillSuggestion] = field(default_factory=list)
    awards: list[str] = field(default_factory=list)
    confident: bool = False
    renewal: bool = False
    """Optional: the offer is a refresher (recyclage) of its ``awards`` (``Certification.renewal``)."""


class OfferTagger(Protocol):
    """Callable that tags one offer; must not raise on odd text (an empty :class:`Tagging` is fine)."""

    def __call__(self, offer: OfferText) -> Tagging: ...
