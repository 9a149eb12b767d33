"""The evidence the offer tagger weighs: one :class:`Candidate` per (offer, skill) with its features.

Sources (each 0–1, 0 when silent):

* ``cert`` — **certification facts**: the share of the catalogue's modules awarding a recognised code
  (:mod:`curriculum.rules.recognise`) that teach the skill; modules awarding a code the recognised one
  implies or is implied by (rules closure: ``B2VL`` → ``B1VL``, ``IRVE-2`` → ``IRVE``) count 0.6;
  ``cert_all`` = 1 when every module awarding the very code teaches it.
* ``rome`` — the offer's ROME codes (:mod:`curriculum.knowledge.rome_skills`): job and fiche weight.
* ``emb`` / ``emb_rank`` — MiniLM cosine of the best sentence (:class:`~.text_skills.EmbeddingMatcher`)
  and ``1 / (1 + rank)`` of the skill among the offer's skills.
* ``lex`` / ``verbatim`` / ``title`` — lexical label coverage of the best sentence
  (:class:`~.text_skills.LabelMatcher`), the label found word for word, the match is in the title.
* ``rome_text`` / ``cert_text`` — agreement: the ROME or certification feature times the text's
  (``max(lex, emb_rank)``): a job skill the offer also names weighs more than either alone.
* ``bare_cert`` — ``cert_all`` for an offer with a title only: there, a text that does not name the skill
  is not evidence against it.

Candidates are the skills some source proposes: a certification fact, a ROME link, a lexical coverage
≥ 0.5, or one of the offer's :data:`EMB_CANDIDATES` nearest skills by embeddings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from curriculum.knowledge.catalogue import Catalogue
from curriculum.rules.reference import RulesReference

FEATURES = ("cert", "cert_all", "rome", "emb", "emb_rank", "lex", "verbatim", "title", "rome_text", "cert_text", "bare_cert")
EMB_CANDIDATES = 15
IMPLIED_WEIGHT = 0.6


@dataclass
class Candidate:
    """One skill proposed for one offer: its features (see :data:`FEATURES`), a level (1–4) and the
    evidence of each source that spoke."""

    skill: str
    features: dict[str, float] = field(default_factory=dict)
    level: int = 2
    evidence: dict[str, str] = field(default_factory=dict)

    def vector(self) -> list[float]:
        """The features in :data:`FEATURES` order."""
        return [float(self.features.get(name, 0.0)) for name in FEATURES]


class CertificationFacts:
    """What the catalogue's modules awarding a code teach (see the module docstring)."""

    def __init__(self, catalogue: Catalogue, reference: RulesReference) -> None:
        self.reference = reference
        self.by_code: dict[str, list] = {}
        for module in catalogue.modules.values():
            for code in module.awards:
                self.by_code.setdefault(code, []).append(module)

    def _related(self, code: str) -> set[str]:
        """Codes whose modules inform ``code``: those it implies and those implying it (concrete codes)."""
        related = set(self.reference.closure(code))
        related |= {other for other in self.by_code if code in self.reference.closure(other)}
        return {c for c in related if c != code and not self.reference.is_class(c)}

    def skills(self, codes: list[str], exclude: frozenset[str] = frozenset()) -> dict[str, tuple[float, int, str]]:
        """Skill → (share 0–1, most common level, evidence) over the modules awarding ``codes`` (not the
        ids in ``exclude``, e.g. the module being re-derived by the benchmark)."""
        out: dict[str, tuple[float, int, str]] = {}
        for code in codes:
            for related, weight in [(code, 1.0), *((c, IMPLIED_WEIGHT) for c in sorted(self._related(code)))]:
                modules = [m for m in self.by_code.get(related, []) if m.id not in exclude]
                if not modules:
                    continue
                levels: dict[str, Counter] = {}
                for module in modules:
                    for outcome in module.outcomes:
                        levels.setdefault(outcome.skill, Counter())[outcome.level] += 1
                for skill, counter in levels.items():
                    share = weight * sum(counter.values()) / len(modules)
                    if share > out.get(skill, (0.0,))[0]:
                        evidence = f"{related}: taught by {sum(counter.values())} of {len(modules)} catalogue " \
                                   f"module(s) awarding it"
                        out[skill] = (round(share, 4), counter.most_common(1)[0][0], evidence)
        return out


def gather(cert: dict[str, tuple[float, int, str]], rome: dict, lexical: dict[str, tuple[float, bool, str]],
           semantic: dict[str, tuple[float, str]], title: str, default_level: int = 2, bare: bool = False) \
        -> list[Candidate]:
    """Merge the sources' answers for one offer into candidates (see the module docstring).

    ``cert``: :meth:`CertificationFacts.skills`; ``rome``: skill → :class:`~.rome_skills.RomeHit`;
    ``lexical``: :meth:`~.text_skills.LabelMatcher.match`; ``semantic``: one offer of
    :meth:`~.text_skills.EmbeddingMatcher.match_many` (best first); ``bare``: the offer has no text."""
    ranked = list(semantic)
    floor = min((v[0] for v in semantic.values()), default=0.0)
    pool = dict.fromkeys([*cert, *rome, *(s for s, v in lexical.items() if v[0] >= 0.5), *ranked[:EMB_CANDIDATES]])
    out = []
    for skill in pool:
        c = Candidate(skill, level=default_level)
        if skill in cert:
            share, level, evidence = cert[skill]
            c.features["cert"], c.level, c.evidence["certification"] = share, level, evidence
            c.features["cert_all"] = float(share >= 0.999)
        if skill in rome:
            hit = rome[skill]
            c.features["rome"] = hit.weight
            c.evidence["rome"] = hit.evidence
            if "cert" not in c.features:
                c.level = hit.level
        cosine, sentence = semantic.get(skill, (floor, ""))
        c.features["emb"] = max(cosine, 0.0)
        c.features["emb_rank"] = 1.0 / (1 + ranked.index(skill)) if skill in semantic else 0.0
        if sentence and skill in semantic and ranked.index(skill) < EMB_CANDIDATES:
            c.evidence["text"] = sentence
        if skill in lexical:
            coverage, verbatim, sentence = lexical[skill]
            c.features["lex"], c.features["verbatim"] = coverage, float(verbatim)
            c.features["title"] = float(sentence == title)
            c.evidence["label"] = sentence
        text = max(c.features.get("lex", 0.0), c.features["emb_rank"])
        c.features["rome_text"] = c.features.get("rome", 0.0) * text
        c.features["cert_text"] = c.features.get("cert", 0.0) * text
        c.features["bare_cert"] = c.features.get("cert_all", 0.0) * float(bare)
        out.append(c)
    return out
