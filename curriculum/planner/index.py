"""What every plan over one catalogue reads, built once per catalogue and shared.

A plan, the job's standard programme planned beside it, each relaxation re-plan and each alternative
(``--alternatives``) read the same catalogue: its effective modules (the certification rules bound),
which module teaches what, and where and when each module runs. Rebuilding those indexes on every
call cost more than the selection itself over a regional catalogue (8,885 modules: ≈ 0.4 s of a
0.8 s plan), and assessing every module for each learner another 0.25 s.

Caches are keyed on the catalogue's module mapping, like
:func:`curriculum.rules.apply.effective_modules`: a hit needs the same mapping holding the very same
module objects in the same order (checked at C speed), so a module saved by the editor (a new
object) or removed gives a fresh index. Small LRUs; entries are read-only and shared.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from curriculum.models import LearnerProfile, Module
from curriculum.planner.eligibility import EligibilityMap, ModuleTable
from curriculum.planner.reach import certification_index, teacher_index
from curriculum.planner.shared import LOCK, ModuleArrays, Profiles, SharedModules, TeacherArrays, lru
from curriculum.rules.apply import EffectiveCatalogue, effective_modules
from curriculum.rules.reference import RulesReference

_TABLES: OrderedDict[int, "_Entry"] = OrderedDict()
_INDEXES: OrderedDict[tuple[int, int], "_Entry"] = OrderedDict()
_CACHE_SIZE = 4  # catalogues
_ELIGIBILITY_SIZE = 24  # learner situations per catalogue: a plan's relaxations try 10 to 20
_USABLE_SIZE = 12  # sets of usable modules per catalogue, with their cuts
# 8,885 modules: these hold 20 to 35 MiB (tracemalloc, 60 plans of random learner situations), not growing


def learner_price(m: Module) -> float:
    """What the learner pays for ``m`` (EUR): the funded remainder it states, else its full price."""
    return m.funding.remainder_eur if m.funding and m.funding.remainder_eur is not None else m.cost_eur


def learner_priced(m: Module) -> Module:
    """``m`` as the selection sees it: ``cost_eur`` is what the learner pays (budget and cost objective)."""
    price = learner_price(m)
    return m if price == m.cost_eur else m.model_copy(update={"cost_eur": price})


class _Entry:
    """A cached value and the module mapping it was built from (kept alive: its id stays its own)."""

    def __init__(self, modules: dict[str, Module], value: object) -> None:
        self.modules, self.keys, self.values, self.value = modules, list(modules), list(modules.values()), value

    def matches(self, modules: dict[str, Module]) -> bool:
        return (self.modules is modules and len(self.values) == len(modules) and self.keys == list(modules)
                and all(map(operator.is_, self.values, modules.values())))


def _cached(cache: OrderedDict, key: object, modules: dict[str, Module], build: Callable[[], Any]) -> Any:
    """The value cached for ``modules`` under ``key``, else ``build()`` (kept, at most ``_CACHE_SIZE``)."""
    with LOCK:
        hit = cache.get(key)
        if hit is not None and hit.matches(modules):
            cache.move_to_end(key)
            return hit.value
        value = build()
        cache[key] = _Entry(modules, value)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
        return value


class TableIndex:
    """The places and sessions of a catalogue (:class:`ModuleTable`) and the eligibility of the learner
    situations met lately (an LRU of :class:`EligibilityMap` keyed on home, radius, dates and modalities)."""

    def __init__(self, modules: dict[str, Module]) -> None:
        self.table = ModuleTable(modules)
        self._maps: OrderedDict[tuple, EligibilityMap] = OrderedDict()

    def forget_learners(self) -> None:
        """Drop the eligibility of every learner situation (the catalogue's arrays stay)."""
        with LOCK:
            self._maps.clear()

    def eligibility(self, learner: LearnerProfile, home: tuple[float, float]) -> EligibilityMap:
        """Eligibility of every module for ``learner`` at ``home`` (lat, lon); shared, read-only."""
        key = (home, learner.mobility_km, learner.start, learner.deadline, tuple(learner.preferred_modalities))
        return lru(self._maps, key, lambda: EligibilityMap(self.table, learner, home), _ELIGIBILITY_SIZE)


def module_table(modules: dict[str, Module]) -> TableIndex:
    """The :class:`TableIndex` of ``modules`` (a catalogue's module mapping), built on first use."""
    return _cached(_TABLES, id(modules), modules, lambda: TableIndex(modules))


class CatalogueIndex:
    """One catalogue with one rules reference: effective modules, teacher and certification indexes
    over all of them, learner prices, and the eligible modules of each learner situation.

    ``teachers``: skill id (pseudo-skills included) → [(level, module id)], highest level first;
    ``certifications``: code → ids of the modules awarding it; ``position``: module id → rank in the
    catalogue's order.
    """

    def __init__(self, modules: dict[str, Module], reference: RulesReference) -> None:
        self.reference = reference
        self.effective: EffectiveCatalogue = effective_modules(modules, reference)
        self.tables = module_table(modules)
        self.position = self.tables.table.position
        self.teachers = teacher_index(self.effective.modules)
        self.certifications = certification_index(self.effective.modules)
        self._teacher_arrays = TeacherArrays(self.teachers, self.position)
        self.priced = [learner_priced(m) for m in self.effective.modules.values()]  # catalogue order
        self.arrays = ModuleArrays(self.priced)
        self.profiles = Profiles()
        self._usable: OrderedDict[bytes, SharedModules] = OrderedDict()

    def eligibility(self, learner: LearnerProfile, home: tuple[float, float]) -> EligibilityMap:
        """See :meth:`TableIndex.eligibility`."""
        return self.tables.eligibility(learner, home)

    def usable(self, elig: EligibilityMap) -> SharedModules:
        """The eligible effective modules at the learner's price (``.modules``: module id → module, catalogue
        order) and what selections over them share: one object per set of eligible modules, whichever
        learner situation gave it."""
        priced, position = self.priced, self.position
        return lru(self._usable, elig.ok.tobytes(), lambda: SharedModules(
            {i: priced[position[i]] for i in elig.ok_ids}, elig.ok, self._teacher_arrays, self.certifications,
            self.arrays, position, self.profiles), _USABLE_SIZE)

    def forget_learners(self) -> None:
        """Drop what plans cached per learner situation (the catalogue's indexes stay)."""
        with LOCK:
            self.tables.forget_learners()
            self._usable.clear()
            self.profiles = Profiles()

    def teaching(self, skill: str, level: int) -> list[str]:
        """Ids of the modules teaching ``skill`` at ``level`` or above, in catalogue order."""
        ids = [mid for lvl, mid in self.teachers.get(skill, ()) if lvl >= level]
        return sorted(ids, key=self.position.__getitem__)


def forget_learners() -> None:
    """Drop what plans cached per learner situation (eligibility, usable modules, graphs), keeping what
    they cached per catalogue: the next plan of any learner costs what a first one does (benchmarks)."""
    with LOCK:
        for entry in [*_TABLES.values(), *_INDEXES.values()]:
            entry.value.forget_learners()


def catalogue_index(modules: dict[str, Module], reference: RulesReference) -> CatalogueIndex:
    """The :class:`CatalogueIndex` of ``modules`` bound to ``reference``, built on first use."""
    # the index keeps ``reference`` alive, so its id in the key stays its own
    return _cached(_INDEXES, (id(modules), id(reference)), modules, lambda: CatalogueIndex(modules, reference))


__all__ = ["CatalogueIndex", "TableIndex", "catalogue_index", "forget_learners", "learner_price", "learner_priced",
           "module_table"]
