"""The default offer tagger (:class:`curriculum.knowledge.tagging.OfferTagger`) and the editor's skill suggestions.

For one offer (or a batch: :meth:`DefaultOfferTagger.tag_many`):

1. **Certifications** recognised from the title and the RNCP/RS codes through the certification rules
   (:class:`curriculum.rules.recognise.Recogniser`, linked to the catalogue's register codes) →
   ``Tagging.awards`` and ``Tagging.renewal``.
2. **Candidate skills** from four sources (:mod:`curriculum.knowledge.tag_features`): what the
   catalogue's modules awarding those codes teach; the offer's ROME codes
   (:mod:`curriculum.knowledge.rome_skills`); MiniLM similarity between the title/objectives/content
   sentences and the taxonomy labels; taxonomy labels found in the text (lexical coverage, verbatim).
3. **One calibrated confidence** per skill: a logistic model over the features, fitted on the shipped
   catalogue's modules (full text and title only) by ``python benchmarks/tagging.py --fit``; the
   coefficients and the figures are in ``curriculum/data/tagging_calibration.json``. The level is what
   the awarding modules teach, else the ROME/job level, else 2 (assisted); the source is the feature
   contributing most; the evidence quotes the sentence or the certification/ROME fact.
4. Optionally **re-ranked by the LLM** when a chat model is given (:mod:`.tag_rerank`); without a model
   nothing changes.

Thresholds, chosen from ``benchmarks/tagging.py`` (96 shipped modules, their 402 skills hidden and
re-derived; 5-fold cross-validation grouped by module; stated again in ``tagging_calibration.json``):

* ``outcomes`` = suggestions with confidence ≥ **0.5** (:attr:`Calibration.threshold`): precision 0.81,
  recall 0.35, 1.8 skills per module (from the title alone: 0.82 / 0.33); P/R at 3: 0.53 / 0.45 against
  0.12 / 0.10 for the interim verbatim-label tagger.
* ``confident = True`` (the importer may approve without review) when **at least 2 outcomes and the best
  suggestion ≥ 0.8** (:attr:`Calibration.min_outcomes`, :attr:`Calibration.auto_approve`): a third of the
  shipped modules qualify, with outcome precision 0.83–0.87; every other offer becomes a draft. An offer whose
  title names a certification the rules govern (``B2VL``, ``IRVE-2``, ``ISO9606-1-141``…: recognised as an
  exact code, never guessed) needs **one** outcome ≥ 0.8 beside it: the award is a fact, not a guess.
* ``suggestions`` keep the best :data:`MAX_SUGGESTIONS` (15) candidates ≥ :data:`SUGGESTION_FLOOR` (0.05); :func:`suggest_skills` shows
  those ≥ :data:`EDITOR_FLOOR` (0.2; confidence is calibrated: about one in three is right in 0.2–0.4).

Confidence is a probability (cross-validated: mean confidence 0.91 → 84 % right, 0.69 → 76 %, 0.48 →
52 %); without embeddings (``use_embeddings=False`` or no model installed) a second model fitted without
the text-embedding features is used. Costs on this 2-core machine: building the tagger ≈ 0.3 s; per offer
≈ 4 ms without embeddings and ≈ 70 ms with them when every sentence is new (title + 7 sentences embedded,
see :data:`EMBED_SENTENCES`): 10,000 offers ≈ 1 min, or ≈ 12 min with embeddings (less when offers share
sentences: each is embedded once per tagger). Importers should call :meth:`DefaultOfferTagger.tag_many`
(one embedding batch per 256 offers) rather than the tagger once per offer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum.knowledge.catalogue import Catalogue
from curriculum.knowledge.rome_skills import RomeSkills
from curriculum.knowledge.tag_features import FEATURES, Candidate, CertificationFacts, gather
from curriculum.knowledge.tagging import OfferText, Tagging
from curriculum.knowledge.text_skills import EmbeddingMatcher, LabelMatcher, sentences
from curriculum.models import SkillLevel, SkillSuggestion
from curriculum.rules.recognise import Recogniser, catalogue_links
from curriculum.rules.reference import RulesReference, load_reference
from curriculum.settings import PACKAGE_ROOT

CALIBRATION_FILE = PACKAGE_ROOT / "data" / "tagging_calibration.json"
SUGGESTION_FLOOR = 0.05
MAX_SUGGESTIONS = 15
"""At most this many suggestions are kept per offer (best first): a reviewer reads them, and each is stored in the
module file (62 suggestions made imported files 14 KB and loading a 10,000-offer catalogue slow)."""
"""Candidates below this confidence are not kept as suggestions at all."""
EDITOR_FLOOR = 0.2
""":func:`suggest_skills` hides suggestions below this confidence (the editor's old 0.48–0.59 cosine
matches, e.g. "energy performance of buildings" for a battery module, score below it)."""
_SOURCES = {"cert": "certification", "cert_all": "certification", "rome": "rome", "emb": "text", "emb_rank": "text", "lex": "label",
            "verbatim": "label", "title": "label",
            "rome_text": "rome", "cert_text": "certification",
            "bare_cert": "certification"}
EMBED_SENTENCES, EMBED_CHARS = 8, 200
"""Embeddings read the title and the first 7 sentences (objectives come first in offers), each clipped
to 200 characters: the MiniLM pass costs ≈ 13 ms per sentence here; the lexical matcher reads all."""
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Calibration:
    """The logistic model and thresholds (see the module docstring); ``weights`` by :data:`FEATURES`."""

    weights: dict[str, float]
    intercept: float
    threshold: float = 0.5
    auto_approve: float = 0.8
    min_outcomes: int = 2
    figures: dict[str, Any] = field(default_factory=dict)
    lexical: "Calibration | None" = None
    """The model fitted without the embedding features, used when embeddings are off or unavailable."""

    def confidence(self, candidate: Candidate) -> float:
        """Probability 0–1 that the offer teaches ``candidate.skill``."""
        z = self.intercept + sum(self.weights.get(n, 0.0) * v for n, v in zip(FEATURES, candidate.vector()))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def source(self, candidate: Candidate) -> str:
        """The source whose features add most to the confidence."""
        gains: dict[str, float] = {}
        for name, value in zip(FEATURES, candidate.vector()):
            gains[_SOURCES[name]] = gains.get(_SOURCES[name], 0.0) + self.weights.get(name, 0.0) * value
        return max(gains, key=lambda s: gains[s])

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> "Calibration":
        """Read ``tagging_calibration.json``; the built-in prior weights when it is absent or unreadable."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            common = dict(threshold=float(data["threshold"]), auto_approve=float(data["auto_approve"]),
                          min_outcomes=int(data["min_outcomes"]))
            lexical = data.get("without_embeddings")
            return cls(weights={k: float(v) for k, v in data["weights"].items()}, intercept=float(data["intercept"]),
                       figures=data.get("figures", {}), **common,
                       lexical=cls(weights={k: float(v) for k, v in lexical["weights"].items()},
                                   intercept=float(lexical["intercept"]), **common) if lexical else None)
        except (OSError, ValueError, KeyError, TypeError):
            return cls(weights={"cert": 4.0, "rome": 1.5, "emb": 6.0, "emb_rank": 1.0, "lex": 2.0, "verbatim": 2.0,
                                "title": 1.0}, intercept=-7.0)


class DefaultOfferTagger:
    """The tagger bound to one catalogue (see the module docstring). Call it on one :class:`OfferText`
    or :meth:`tag_many` on a batch; it never raises on odd text.

    ``embed``: ``list[str] -> list[vector]`` (default: the packaged MiniLM, loaded on first use);
    ``use_embeddings=False`` skips the text-embedding source (fast, less recall); ``chat``: a LangChain
    chat model for the optional re-ranking; ``data_dir``: where ``curriculum index`` keeps vectors of
    imported taxonomy labels."""

    def __init__(self, catalogue: Catalogue, *, level: int = 2, embed: Callable[[list[str]], list] | None = None,
                 use_embeddings: bool = True, reference: RulesReference | None = None, chat: Any = None,
                 data_dir: Path | None = None, calibration: Calibration | None = None,
                 embed_sentences: int = EMBED_SENTENCES) -> None:
        self.catalogue = catalogue
        self.level = level
        self.reference = reference or load_reference()
        self.recogniser = Recogniser(self.reference, catalogue_links(catalogue.modules.values()))
        self.facts = CertificationFacts(catalogue, self.reference)
        self.rome = RomeSkills(catalogue)
        self.labels = LabelMatcher(catalogue.taxonomy)
        self.calibration = calibration or Calibration.load()
        self.chat = chat
        self._embed, self._data_dir, self._semantic = embed, data_dir, None
        self.use_embeddings = use_embeddings
        self.embed_sentences = embed_sentences
        self.embedding_error: str | None = None

    # -------------------------------------------------------------- embeddings (lazy)
    def _matcher(self) -> EmbeddingMatcher | None:
        if not self.use_embeddings:
            return None
        if self._semantic is None:
            from curriculum.retrieval.taxonomy_vectors import TaxonomyVectors

            if self._embed is None:
                from curriculum.retrieval.embeddings import LazyEmbeddings

                self._embed = LazyEmbeddings(self._data_dir).embed_documents
            vectors = TaxonomyVectors.load(self.catalogue.taxonomy, self._data_dir)
            self._semantic = EmbeddingMatcher(vectors, self._embed)
        return self._semantic

    def _semantic_many(self, batches: list[list[str]]) -> list[dict]:
        matcher = self._matcher()
        if matcher is None:
            return [{} for _ in batches]
        try:
            return matcher.match_many(batches)
        except Exception as exc:  # noqa: BLE001 - no model (RetrievalError) or a broken one: tag without it
            self.embedding_error = f"{type(exc).__name__}: {exc}"
            self.use_embeddings = False
            return [{} for _ in batches]

    # -------------------------------------------------------------- features
    def candidates_many(self, offers: Sequence[OfferText], exclude: Sequence[frozenset[str]] | None = None) \
            -> list[tuple[Any, list[Candidate]]]:
        """(recognition, candidates) per offer; ``exclude``: module ids whose certification facts must not
        count for that offer (the benchmark hides the module it re-derives)."""
        sents = [sentences(o.title or "", o.text or "") for o in offers]
        semantic = self._semantic_many([[x[:EMBED_CHARS] for x in s[:self.embed_sentences]] for s in sents])
        out = []
        for k, offer in enumerate(offers):
            try:
                rec = self.recogniser.recognise(offer.title or "", offer.text or "", rncp=offer.rncp, rs=offer.rs)
                cert = self.facts.skills(rec.awards, exclude[k] if exclude else frozenset())
                rome = self.rome.skills(list(offer.rome or []))
                lexical = self.labels.match(sents[k])
                title = sents[k][0] if sents[k] else ""
                bare = len(sents[k]) < 2
                out.append((rec, gather(cert, rome, lexical, semantic[k], title, self.level, bare)))
            except Exception:  # noqa: BLE001 - the contract: never raise on odd text
                out.append((None, []))
        return out

    # -------------------------------------------------------------- tagging
    def _tagging(self, rec, candidates: list[Candidate], offer: OfferText) -> Tagging:
        cal = self.calibration if self.use_embeddings else (self.calibration.lexical or self.calibration)
        scored = sorted(((cal.confidence(c), c) for c in candidates), key=lambda t: -t[0])
        suggestions = []
        for confidence, c in scored:
            if confidence < SUGGESTION_FLOOR or len(suggestions) >= MAX_SUGGESTIONS:
                break
            source = cal.source(c)
            evidence = c.evidence.get(source) or next(iter(c.evidence.values()), None)
            suggestions.append(SkillSuggestion(skill=c.skill, level=c.level, confidence=round(confidence, 3),
                                               source=source, evidence=evidence[:200] if evidence else None))
        if self.chat is not None and suggestions:
            from curriculum.knowledge.tag_rerank import rerank

            suggestions = rerank(self.chat, offer, suggestions, self.catalogue)
        outcomes = [SkillLevel(skill=s.skill, level=s.level) for s in suggestions if s.confidence >= cal.threshold]
        awards = list(rec.awards) if rec else []
        best = max((s.confidence for s in suggestions), default=0.0)
        # a rules-governed certification named in the title is an exact fact (36 real-style titles, no false
        # positive): one strong skill then suffices, so a "Habilitation B2VL / BCL" offer is plannable at once
        titled = rec is not None and any(self.reference.rule(c) is not None and rec.evidence.get(c, "\0") in offer.title
                                         for c in awards)
        confident = best >= cal.auto_approve and len(outcomes) >= (1 if titled else cal.min_outcomes)
        return Tagging(outcomes=outcomes, suggestions=suggestions, awards=awards, confident=confident,
                       renewal=bool(rec and rec.renewal))

    def __call__(self, offer: OfferText) -> Tagging:
        """Tag one offer (see the module docstring)."""
        return self.tag_many([offer])[0]

    def tag_many(self, offers: Sequence[OfferText], progress: Progress | None = None, batch: int = 256) -> list[Tagging]:
        """Tag offers in batches of ``batch`` (one embedding call per batch); ``progress(done, total)``."""
        out: list[Tagging] = []
        for start in range(0, len(offers), batch):
            chunk = list(offers[start:start + batch])
            for offer, (rec, cands) in zip(chunk, self.candidates_many(chunk)):
                out.append(self._tagging(rec, cands, offer))
            if progress:
                progress(len(out), len(offers))
        return out


def build_tagger(catalogue: Catalogue, *, level: int = 2, use_embeddings: bool = True,
                 embed: Callable[[list[str]], list] | None = None, chat: Any = None,
                 data_dir: Path | None = None) -> DefaultOfferTagger:
    """The default tagger bound to ``catalogue`` (see :class:`DefaultOfferTagger`). ``level``: the level
    given when no certification or ROME fact says one (1–4, default 2 = assisted)."""
    return DefaultOfferTagger(catalogue, level=level, use_embeddings=use_embeddings, embed=embed, chat=chat,
                              data_dir=data_dir)


_TAGGERS: dict[int, tuple[Catalogue, DefaultOfferTagger]] = {}


def suggest_skills(catalogue: Catalogue, text: str, k: int = 5, language: str = "fr", *,
                   tagger: DefaultOfferTagger | None = None, title: str | None = None,
                   rome: list[str] | None = None) -> list[dict]:
    """Skill suggestions for the instructor editor: up to ``k`` dicts ``{"skill", "label", "confidence",
    "source", "evidence", "level"}`` (confidence 0–1, level 1–4), best first, none below
    :data:`EDITOR_FLOOR`. ``text``: the module's title, summary and body (the first line is read as the
    title unless ``title`` is given); ``rome``: its ROME codes if known. Suggestions only: never applied.
    The tagger is built once per catalogue object (pass ``tagger`` to share one)."""
    if tagger is None:
        cached = _TAGGERS.get(id(catalogue))
        if cached is None or cached[0] is not catalogue:
            _TAGGERS.clear()
            cached = (catalogue, build_tagger(catalogue))
            _TAGGERS[id(catalogue)] = cached
        tagger = cached[1]
    if title is None:
        title, _, text = (text or "").strip().partition("\n")
    tagging = tagger(OfferText(title=title, text=text, language=language, rome=list(rome or [])))
    return [{"skill": s.skill, "label": catalogue.skill_label(s.skill, language), "confidence": s.confidence,
             "source": s.source, "evidence": s.evidence, "level": s.level}
            for s in tagging.suggestions if s.confidence >= EDITOR_FLOOR][:k]
