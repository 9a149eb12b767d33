"""Skills an offer's text names: taxonomy labels matched by words and by embeddings, with evidence.

Two matchers over the same sentences (title first, then the text split into sentences and list items,
at most :data:`MAX_SENTENCES`, each clipped to :data:`MAX_CHARS` characters):

* :class:`LabelMatcher` — lexical. Every taxonomy label (preferred and alternative, English and
  French, ESCO v1.1.1 in the shipped taxonomy) becomes a set of word stems (accents and case folded,
  stop words dropped, a light French/English suffix stripping: ``soudage``/``soudure``/``souder`` →
  ``soud``). A sentence covers a label by the IDF-weighted share of the label's stems it contains
  (0–1; IDF over all labels, so ``utiliser`` weighs little and ``soudage`` much); ``verbatim`` when
  the whole label appears word for word (the interim tagger's only signal).
* :class:`EmbeddingMatcher` — MiniLM (the shipped model, see :mod:`curriculum.retrieval.embeddings`)
  cosine between each sentence and the taxonomy label vectors
  (:class:`~curriculum.retrieval.taxonomy_vectors.TaxonomyVectors`); per skill the best sentence.
  Sentences of many offers are embedded in one batch and memoised by text (feeds repeat boilerplate);
  the model is loaded on first use only.

Shapes: ``LabelMatcher.match(sentences) -> dict[skill, (coverage 0–1, verbatim bool, sentence)]``;
``EmbeddingMatcher.match_many(list[list[str]]) -> list[dict[skill, (cosine 0–1, sentence)]]``.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from curriculum.models import TaxonomySkill
from curriculum.retrieval.skill_mapping import normalise_label

MAX_SENTENCES = 24
MAX_CHARS = 300
_STOP = set("""a au aux avec ce ces d dans de des du en et l la le les leur leurs ou par pour sans se selon son sa ses
sur un une une y est sont etre faire son a an and as at by for from in into of on or the to with without its using use
their your any all other others etc via sous entre vers chez plus tres bien tout tous toute toutes lors afin qui que
dont ne pas non""".split())
_SUFFIXES = sorted("""issements issement ements ement ations ation itions ition ateurs atrices ateur atrice iques ique ismes
isme istes iste ites ite euses euse eurs eur ages age ures ure ings ing ers er ees ee es e s ant ent ions ion ed ly""".split(),
                   key=len, reverse=True)


def stem(word: str) -> str:
    """Light stem of a folded word (``soudage`` → ``soud``, ``welding`` → ``weld``); short words unchanged."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)][:8]
    return word[:8]


def stems(text: str) -> list[str]:
    """Content stems of ``text`` in order (folded, stop words dropped, tokens of one letter dropped)."""
    return [stem(w) for w in normalise_label(re.sub("[\u2019\u2018\u02bc]", "'", text)).split()
            if w not in _STOP and len(w) > 1]


def sentences(title: str, text: str) -> list[str]:
    """The title, then the text's sentences and list items (Markdown markers dropped), deduplicated,
    at most :data:`MAX_SENTENCES`, each at most :data:`MAX_CHARS` characters."""
    out = [title.strip()] if title.strip() else []
    for part in re.split(r"(?<=[.!?;:])\s+|\n+|\s[•·▪]\s", text or ""):
        part = re.sub(r"^[\s#>*\-–•·]+|\*\*|`", "", part).strip()
        if len(part) >= 12 and part not in out:
            out.append(part[:MAX_CHARS])
        if len(out) >= MAX_SENTENCES:
            break
    return out


class LabelMatcher:
    """Lexical label matching over one taxonomy (see the module docstring)."""

    def __init__(self, taxonomy: dict[str, TaxonomySkill], max_alternatives: int = 8) -> None:
        self.labels: list[tuple[str, str, tuple[str, ...]]] = []  # (skill, folded label, stems)
        seen: set[tuple[str, str]] = set()
        for skill in taxonomy.values():
            texts = [*skill.labels.values(), *(a for alts in skill.alt_labels.values() for a in alts[:max_alternatives])]
            for text in texts:
                key = normalise_label(text)
                st = tuple(dict.fromkeys(stems(text)))
                if st and (skill.id, key) not in seen:
                    seen.add((skill.id, key))
                    self.labels.append((skill.id, key, st))
        df: dict[str, int] = defaultdict(int)
        for _, _, st in self.labels:
            for s in st:
                df[s] += 1
        n = len(self.labels) or 1
        self.idf = {s: math.log(1 + n / c) for s, c in df.items()}
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, (_, _, st) in enumerate(self.labels):
            for s in st:
                self.index[s].append(i)
        self.weight = [sum(self.idf[s] for s in st) for _, _, st in self.labels]

    def match(self, sents: Sequence[str], min_coverage: float = 0.5) -> dict[str, tuple[float, bool, str]]:
        """Per skill: (best coverage 0–1, verbatim, the sentence). A label of one stem must be verbatim;
        a longer label needs two of its stems in the sentence."""
        best: dict[str, tuple[float, bool, str]] = {}
        for sentence in sents:
            folded = f" {normalise_label(sentence)} "
            present = set(stems(sentence))
            gained: dict[int, float] = defaultdict(float)
            hits: dict[int, int] = defaultdict(int)
            for s in present:
                for i in self.index.get(s, ()):
                    gained[i] += self.idf[s]
                    hits[i] += 1
            for i, g in gained.items():
                skill, key, st = self.labels[i]
                verbatim = len(key) >= 4 and f" {key} " in folded
                if len(st) == 1 and not verbatim or len(st) > 1 and hits[i] < 2:
                    continue
                coverage = 1.0 if verbatim else g / self.weight[i]
                if coverage >= min_coverage:
                    old = best.get(skill)
                    if old is None or (coverage, verbatim) > (old[0], old[1]):
                        best[skill] = (round(coverage, 4), verbatim, sentence)
        return best


class EmbeddingMatcher:
    """Sentence ↔ taxonomy label similarity by MiniLM (see the module docstring).

    ``vectors``: the taxonomy's :class:`TaxonomyVectors`; ``embed``: ``list[str] -> list[vector]``
    (e.g. ``LazyEmbeddings().embed_documents``), called once per batch of new sentences;
    ``memo``: how many sentence vectors to keep (least recently used dropped).
    """

    def __init__(self, vectors, embed: Callable[[list[str]], list], memo: int = 50_000) -> None:
        self.embed = embed
        ids = [str(s) for s in vectors.skill_ids]
        self.skills = list(dict.fromkeys(ids))
        where = {s: i for i, s in enumerate(self.skills)}
        row_skill = np.array([where[s] for s in ids], dtype=np.int64)
        order = np.argsort(row_skill, kind="stable")  # rows grouped by skill, for one reduceat per batch
        self.matrix = np.ascontiguousarray(np.asarray(vectors.matrix, dtype=np.float32)[order])
        self.starts = np.flatnonzero(np.r_[True, np.diff(row_skill[order]) != 0]) if len(order) else order
        self.memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self.memo_size = memo

    def _vectors(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            for text, vector in zip(todo, self.embed(todo)):
                self.memo[text] = np.asarray(vector, dtype=np.float32)
            while len(self.memo) > self.memo_size:
                self.memo.popitem(last=False)
        out = np.zeros((len(texts), self.matrix.shape[1]), dtype=np.float32)
        for i, text in enumerate(texts):
            vector = self.memo.get(text)
            if vector is None:  # dropped from a small memo within this batch: embed again
                vector = np.asarray(self.embed([text])[0], dtype=np.float32)
            out[i] = vector
        return out

    def match_many(self, offers: list[list[str]], top: int = 40) -> list[dict[str, tuple[float, str]]]:
        """For each offer's sentences, the ``top`` skills by best cosine: skill → (cosine, sentence)."""
        if not len(self.matrix):
            return [{} for _ in offers]
        flat = [s for sents in offers for s in sents]
        vectors = self._vectors(flat) if flat else np.zeros((0, self.matrix.shape[1]), np.float32)
        results, start = [], 0
        for sents in offers:
            block = vectors[start:start + len(sents)]
            start += len(sents)
            if not len(sents):
                results.append({})
                continue
            scores = block @ self.matrix.T  # (sentences, label rows)
            per_skill = np.maximum.reduceat(scores, self.starts, axis=1)  # (sentences, skills)
            best_row = per_skill.argmax(0)
            best = per_skill.max(0)
            order = np.argsort(-best)[:top]
            results.append({self.skills[j]: (round(float(best[j]), 4), sents[int(best_row[j])]) for j in order})
        return results
