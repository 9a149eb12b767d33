"""The usable modules of one learner situation, and what every selection over them shares.

A plan's relaxations re-plan 10 to 20 times with a changed deadline, radius, budget or hours per week;
alternatives re-plan with another objective; a plan's standard programme with no held skill. Many of
these plans have the same usable modules (the deadline moved, but no session starts or ends in
between; only the hours per week changed) and the same gaps, so the same relevant modules and the
same dominance cut (:func:`curriculum.planner.candidates.dominance_cut`). :class:`SharedModules`
computes each once per set of usable modules (one object per set, see
:meth:`curriculum.planner.index.CatalogueIndex.usable`) and keeps it in small LRUs; everything returned
is read-only. Same inputs, same objects: plans are unchanged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from itertools import compress
from typing import TYPE_CHECKING, Any

import numpy as np

from curriculum.models import Module
from curriculum.planner.reach import Graph, relevant_modules

if TYPE_CHECKING:
    from curriculum.planner.select import SelectionProblem

LOCK = threading.RLock()
"""Guards every LRU of the planner's caches (here and in :mod:`curriculum.planner.index`): the UI plans
in several threads."""


def lru(cache: OrderedDict, key: object, build: Callable[[], Any], size: int = 8) -> Any:
    """``cache[key]``, built by ``build()`` on a miss; at most ``size`` entries, least recently used out."""
    with LOCK:
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = build()
            while len(cache) > size:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return hit


class TeacherArrays:
    """A whole catalogue's teacher index (:func:`~curriculum.planner.reach.teacher_index`) with each list's
    module positions as an array, to keep the usable modules of a list at NumPy speed."""

    def __init__(self, teachers: dict[str, list[tuple[int, str]]], position: dict[str, int]) -> None:
        self.lists = teachers
        self.positions = {s: np.fromiter((position[mid] for _, mid in v), dtype=np.int64, count=len(v))
                          for s, v in teachers.items()}

    def among(self, skill: str, ok: np.ndarray) -> list[tuple[int, str]]:
        """The entries of ``skill`` whose module is ``ok`` (a boolean per catalogue position), same order."""
        entries = self.lists.get(skill)
        if not entries:
            return []
        return list(compress(entries, ok[self.positions[skill]].tolist()))


class _Filtered(Mapping):
    """skill id → the usable entries of a catalogue-wide index, computed per skill on first access."""

    def __init__(self, keep: Callable[[str], list]) -> None:
        self._keep = keep
        self._done: dict[str, list] = {}

    def __getitem__(self, key: str) -> list:
        hit = self._done.get(key)
        if hit is None:
            hit = self._done[key] = self._keep(key)  # (two threads may both compute it: the same list)
        return hit

    def get(self, key: str, default: Any = None) -> Any:  # what relevant_modules calls
        return self[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._done)

    def __len__(self) -> int:
        return len(self._done)


class ModuleArrays:
    """Per catalogue position, what objective weights read of a module at the learner's price: hours
    (tenths, :func:`~curriculum.planner.select._hours10`), cost (EUR, ``_eur``), modality, in person or
    not, language."""

    def __init__(self, modules: list[Module]) -> None:
        from curriculum.planner.select import _eur, _hours10

        self.hours10 = np.array([_hours10(m) for m in modules], dtype=np.int64)
        self.eur = np.array([_eur(m) for m in modules], dtype=np.int64)
        self.modality = np.array([m.modality.value for m in modules], dtype=str)
        self.in_person = self.modality == "in_person"
        self.languages = np.array([m.language for m in modules], dtype=str)


class Profiles:
    """:meth:`Graph.masks` of modules on a set of keys, per (keys, held levels): plans of the same learner
    on different usable modules (a relaxation's deadlines) mostly have the same keys and modules."""

    def __init__(self) -> None:
        self._lru: OrderedDict[tuple, dict[str, tuple]] = OrderedDict()

    def of(self, frame: Graph) -> dict[str, tuple]:
        """module id → masks on ``frame``'s keys (fill it: module ids are those of one catalogue)."""
        return lru(self._lru, (tuple(frame.keys), frozenset(frame.held.items())), dict, size=4)


def _key(gaps: list[tuple[str, int]], certs: list[str], held: dict[str, int]) -> tuple:
    return frozenset(gaps), frozenset(certs), frozenset(held.items())


class SharedModules:
    """The usable modules of a learner situation (module id → effective module at the learner's price, in
    catalogue order) with their teacher and certification indexes, and per (gaps, certifications,
    held levels): the relevant modules; per selection: its dominance cut (:meth:`derived`).

    ``ok``: one boolean per catalogue position, True for the usable modules.
    """

    def __init__(self, modules: dict[str, Module], ok: np.ndarray, teachers: TeacherArrays,
                 certifications: dict[str, list[str]], arrays: ModuleArrays, position: dict[str, int],
                 profiles: Profiles) -> None:
        self.modules, self.ok, self.arrays, self.profiles, self._position = modules, ok, arrays, profiles, position
        self.teachers: Mapping[str, list[tuple[int, str]]] = _Filtered(lambda s: teachers.among(s, ok))
        self.certifications: Mapping[str, list[str]] = _Filtered(
            lambda c: [m for m in certifications.get(c, ()) if m in modules])
        self._relevant: OrderedDict[tuple, dict[str, Module]] = OrderedDict()
        self._derived: OrderedDict[tuple, tuple] = OrderedDict()
        self._weights: OrderedDict[tuple, np.ndarray] = OrderedDict()

    def positions(self, ids: list[str]) -> np.ndarray:
        """Catalogue positions of module ids."""
        position = self._position
        return np.fromiter((position[i] for i in ids), dtype=np.int64, count=len(ids))

    def weights(self, problem: SelectionProblem) -> tuple[np.ndarray, np.ndarray]:
        """The objective weight (:func:`~curriculum.planner.select._weight`) of every catalogue module for
        ``problem``'s objective, language and learner situation (``problem.eligibility``), per position, as
        the int64 arrays ``(penalty, base)`` of :func:`~curriculum.planner.select.weight_array`."""
        from curriculum.planner.select import weight_array

        elig = problem.eligibility
        assert elig is not None

        def build() -> tuple[np.ndarray, np.ndarray]:
            a = self.arrays
            preferred = np.isin(a.modality, [m.value for m in elig.learner.preferred_modalities])
            return weight_array(problem.objective, problem.language, preferred, elig.km_int, a.hours10, a.eur,
                                a.in_person, a.languages)
        return lru(self._weights, (elig.signature, problem.objective, problem.language), build, 6)

    def relevant(self, gaps: list[tuple[str, int]], certs: list[str], held: dict[str, int],
                 pins: tuple[str, ...] = ()) -> dict[str, Module]:
        """:func:`~curriculum.planner.reach.relevant_modules` of the usable modules (shared, read-only)."""
        return lru(self._relevant, (*_key(gaps, certs, held), frozenset(pins)),
                   lambda: relevant_modules(self.modules, gaps, certs, held, self.teachers, self.certifications,
                                            pins), 4)

    def derived(self, key: tuple, build: Callable[[], tuple]) -> tuple:
        """A value computed from these modules and ``key`` (a selection's dominance cut), built once per
        key; when ``key`` holds the id of an object, the value must hold the object (so the id stays its)."""
        return lru(self._derived, key, build, size=16)


__all__ = ["ModuleArrays", "Profiles", "SharedModules", "TeacherArrays"]
