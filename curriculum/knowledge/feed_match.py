"""When two imported modules are the same training offer (the merge rule of :mod:`curriculum.knowledge.feeds`).

A regional Carif-Oref feed and ONISEP often publish the same action of the same training body; a
spreadsheet of a company academy may list it again. Importing both must give one module. Two modules
are **the same offer** when

1. they have the **same provider** — the provider names equal once case, accents, punctuation and
   legal forms (SA, SAS, SASU, SARL, EURL, SCOP, GIP, association…) are dropped
   ("AFPA Hauts-de-France SAS" = "Afpa hauts de France"); and
2. they are given at the **same place** — a town in common (names compared as
   :func:`curriculum.geo.normalise_place_name` does: "St-Omer" = "Saint-Omer"), or both online with
   no place; and
3. either

   a. they prepare the **same registered certification** (the same ``RNCP…``/``RS…`` code, from
      ``references`` or the certification) **and their sessions overlap** (a pair of sessions whose
      date ranges intersect; two modules without any session count as overlapping), or
   b. they have the **same title** once case, accents and punctuation are dropped.

Why both ways: feeds retitle the same action ("TP Technicien de maintenance industrielle" vs "Titre
professionnel Technicien(ne) de maintenance industrielle"), so a register code is the better key; but
one provider often runs the same certification twice in one town (a day course and a work-study
one, or the spring and autumn runs as two actions), and those are different offers — overlapping
sessions tell the same run. Offers without a register code (short habilitation courses) are matched
on title instead. A provider's two actions in two towns are never merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from curriculum.geo import normalise_place_name
from curriculum.models import Module
from curriculum.retrieval.skill_mapping import normalise_label

LEGAL_FORMS = frozenset({"sa", "sas", "sasu", "sarl", "eurl", "scop", "scic", "sca", "snc", "gip", "gie", "sem",
                         "association", "asso", "exemple"})
"""Words dropped from provider names before comparing them (French legal forms; the demo marker "exemple")."""
_REGISTER = re.compile(r"(?i)\b(?:RNCP|RS)\d+\b")


def provider_key(provider: str) -> str:
    """Provider name without case, accents, punctuation and legal forms (:data:`LEGAL_FORMS`, also
    dotted: ``S.A.S.``)."""
    return " ".join(w for w in normalise_label(provider.replace(".", "")).split() if w not in LEGAL_FORMS)


def title_key(title: str) -> str:
    """Title without case, accents and punctuation."""
    return normalise_label(title)


def towns(module: Module) -> set[str]:
    """Normalised towns of a module's places; ``{"online"}`` for a module with no place."""
    found = {normalise_place_name(p.city) for p in module.places if p.city}
    return found or {"online"}


def register_codes(module: Module) -> set[str]:
    """RNCP/RS codes the module prepares: ``references.rncp``/``.rs``, the certification codes (``code``
    and ``also``) shaped like a register code, and such codes written in the certification's label."""
    codes = set()
    if module.references is not None:
        codes |= {c for c in (module.references.rncp, module.references.rs) if c}
    codes |= {c.upper() for c in module.awards if _REGISTER.fullmatch(c)}
    if module.certification is not None:
        codes |= {m.group().upper() for m in _REGISTER.finditer(module.certification.label)}
    return codes


def sessions_overlap(a: Module, b: Module) -> bool:
    """True when a session of ``a`` and one of ``b`` share at least a day, or neither has a session."""
    if not a.sessions and not b.sessions:
        return True
    return any(x.start <= y.end and y.start <= x.end for x in a.sessions for y in b.sessions)


def same_offer(a: Module, b: Module) -> bool:
    """The merge rule of this module's docstring (symmetric)."""
    if provider_key(a.provider) != provider_key(b.provider) or not towns(a) & towns(b):
        return False
    codes = register_codes(a) & register_codes(b)
    if codes and sessions_overlap(a, b):
        return True
    return title_key(a.title) == title_key(b.title)


class OfferIndex:
    """Modules indexed by (provider, town) so :meth:`find` checks a handful of candidates, not the
    whole catalogue (a 10,000-offer feed against a 10,000-module base)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        self._by: dict[tuple[str, str], list[Module]] = {}
        for m in modules:
            self.add(m)

    def add(self, module: Module) -> None:
        """Index ``module`` under each of its towns."""
        prov = provider_key(module.provider)
        for town in towns(module):
            self._by.setdefault((prov, town), []).append(module)

    def candidates(self, module: Module) -> Iterator[Module]:
        """Indexed modules with the same provider and a town in common (each once)."""
        prov, seen = provider_key(module.provider), set()
        for town in sorted(towns(module)):
            for m in self._by.get((prov, town), ()):
                if id(m) not in seen:
                    seen.add(id(m))
                    yield m

    def find(self, module: Module, skip: set[str] = frozenset()) -> Module | None:  # type: ignore[assignment]
        """The first indexed module that is :func:`same_offer` as ``module`` and whose id is not in ``skip``."""
        return next((m for m in self.candidates(module) if m.id not in skip and same_offer(module, m)), None)
