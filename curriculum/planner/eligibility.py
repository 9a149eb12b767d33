"""Which modules a learner can take: travel radius, modality, sessions between start and deadline."""

from __future__ import annotations

import datetime as dt

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from curriculum.geo import EARTH_RADIUS_KM, distance_km
from curriculum.models import LearnerProfile, Module, Place, Session


@dataclass
class Eligibility:
    """Whether a module is usable for a learner, and where.

    ``place`` is the nearest reachable place (None for online/workplace); ``distance_km`` its
    distance; ``preferred`` whether the modality is among the learner's preferences; ``reason``
    explains an ineligible module (in English, with numbers).
    """

    module_id: str
    ok: bool
    preferred: bool
    place: Place | None = None
    distance_km: float | None = None
    sessions: tuple[Session, ...] = ()
    reason: str = ""


def session_window(learner: LearnerProfile) -> dt.date:
    """Last day a usable session may end: the planning horizon (not the deadline: the calendar model of
    :mod:`curriculum.planner.calendar` decides which sessions meet the deadline, and a plan that cannot is
    reported late by so many days rather than losing the modules)."""
    from curriculum.planner.schedule import horizon_end

    return horizon_end(learner.start)


def assess(module: Module, learner: LearnerProfile, home: tuple[float, float]) -> Eligibility:
    """Eligibility of ``module`` for ``learner`` living at ``home`` (lat, lon)."""
    preferred = module.modality in learner.preferred_modalities
    place, dist = None, None
    if module.modality.needs_travel:
        if not module.places:
            return Eligibility(module.id, False, preferred, reason="in-person module without a place")
        ranked = sorted(((distance_km(home, (p.lat, p.lon)), p) for p in module.places), key=lambda t: t[0])
        reachable = [(d, p) for d, p in ranked if d <= learner.mobility_km]
        if not reachable:
            d, p = ranked[0]
            return Eligibility(module.id, False, preferred, p, round(d, 1),
                               reason=f"nearest place {p.city} is {d:.0f} km away (radius {learner.mobility_km:.0f} km)")
        dist, place = reachable[0]
        reachable_cities = {p.city for _, p in reachable}
    else:
        reachable_cities = None
    sessions: tuple[Session, ...] = ()
    if module.sessions:
        fitting = [s for s in module.sessions
                   if s.seats > 0 and s.start >= learner.start and s.end <= session_window(learner)
                   and (reachable_cities is None or s.place is None or s.place in reachable_cities)]
        if not fitting:
            return Eligibility(module.id, False, preferred, place, dist,
                               reason="no session with seats left after the start (within the planning horizon) "
                                      "within the radius")
        sessions = tuple(sorted(fitting, key=lambda s: s.start))
        if reachable_cities is not None:
            first_city = sessions[0].place
            match = next((p for p in module.places if p.city == first_city), None)
            if match is not None:
                place = match
                dist = distance_km(home, (match.lat, match.lon))
    return Eligibility(module.id, True, preferred, place, None if dist is None else round(dist, 1), sessions)


# --- every module at once -------------------------------------------------------------------------
# A plan over a regional catalogue (thousands of modules, most with one place and a few sessions)
# needs the eligible set, not 10,000 Eligibility objects: the arrays below give it with NumPy, and the
# Eligibility of a module is computed by ``assess`` itself when someone asks for it.

DISTANCE_TOLERANCE_KM = 1e-6
"""Distances from NumPy (:meth:`ModuleTable.distances`) and from :func:`curriculum.geo.distance_km` may
differ in their last bits (≈ 1e-11 km): a comparison or rounding closer than this to its boundary is
redone with ``distance_km``, so every decision is the one :func:`assess` makes."""


class ModuleTable:
    """The places and sessions of ``modules`` as arrays, for :class:`EligibilityMap`.

    Built once per catalogue (:func:`curriculum.planner.index.module_table`). Places are numbered in
    module order (each module's places contiguous, in its own order); sessions too, each module's
    sorted by start date (stable, as :func:`assess` sorts them). Dates are proleptic ordinals.
    """

    def __init__(self, modules: dict[str, Module]) -> None:
        self.ids = list(modules)
        self.modules = list(modules.values())
        self.position = {mid: k for k, mid in enumerate(self.ids)}
        n = len(self.ids)
        self.travel = np.array([m.modality.needs_travel for m in self.modules], dtype=bool)
        self.n_places = np.array([len(m.places) for m in self.modules], dtype=np.int64)
        self.first_place = np.concatenate(([0], np.cumsum(self.n_places)[:-1])).astype(np.int64) if n \
            else np.zeros(0, np.int64)
        self.place_module = np.repeat(np.arange(n), self.n_places)
        self.coords = np.array([(p.lat, p.lon) for m in self.modules for p in m.places], dtype=float).reshape(-1, 2)
        self.has_sessions = np.array([bool(m.sessions) for m in self.modules], dtype=bool)
        s_mod, s_open, s_start, s_end, s_any, s_match, pair_s, pair_p = [], [], [], [], [], [], [], []
        for k, m in enumerate(self.modules):
            for s in sorted(m.sessions, key=lambda s: s.start):
                j = len(s_mod)
                s_mod.append(k)
                s_open.append(s.seats > 0)
                s_start.append(s.start.toordinal())
                s_end.append(s.end.toordinal())
                s_any.append(s.place is None)
                same = [int(self.first_place[k]) + i for i, p in enumerate(m.places) if p.city == s.place]
                s_match.append(same[0] if same else -1)
                pair_s += [j] * len(same)
                pair_p += same
        self.session_module = np.array(s_mod, dtype=np.int64)
        self.session_open = np.array(s_open, dtype=bool)
        self.session_start = np.array(s_start, dtype=np.int64)
        self.session_end = np.array(s_end, dtype=np.int64)
        self.session_anywhere = np.array(s_any, dtype=bool)
        self.session_place = np.array(s_match, dtype=np.int64)  # first place of the session's city, or -1
        self.pair_session = np.array(pair_s, dtype=np.int64)  # (session, place of the session's city)
        self.pair_place = np.array(pair_p, dtype=np.int64)

    def distances(self, home: tuple[float, float]) -> np.ndarray:
        """Great-circle distance (km) from ``home`` (lat, lon) to every place: the haversine formula of
        :func:`curriculum.geo.distance_km` on arrays (equal to it within ≈ 1e-11 km)."""
        la1, lo1 = math.radians(home[0]), math.radians(home[1])
        la2, lo2 = np.radians(self.coords[:, 0]), np.radians(self.coords[:, 1])
        h = np.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


class EligibilityMap(Mapping[str, Eligibility]):
    """module id → :class:`Eligibility` for one learner, over a whole catalogue.

    Which modules are eligible (``ok``, ``ok_ids``), their modality preference and distance come from
    the arrays of a :class:`ModuleTable` and equal what :func:`assess` returns; a module's full
    :class:`Eligibility` (place, sessions, reason) is computed by :func:`assess` on first access.
    Read-only; keys are every module id of the table.
    """

    def __init__(self, table: ModuleTable, learner: LearnerProfile, home: tuple[float, float]) -> None:
        self.table, self.learner, self.home = table, learner, home
        self._cache: dict[str, Eligibility] = {}
        t = table
        n = len(t.ids)
        self.km = t.distances(home)
        reach = self.km <= learner.mobility_km
        for j in np.flatnonzero(np.abs(self.km - learner.mobility_km) <= DISTANCE_TOLERANCE_KM):
            reach[j] = self._exact(int(j)) <= learner.mobility_km
        reachable = np.bincount(t.place_module, weights=reach, minlength=n) > 0 if len(reach) else np.zeros(n, bool)
        city_ok = t.session_anywhere | ~t.travel[t.session_module]
        if len(t.pair_session):
            city_ok |= np.bincount(t.pair_session, weights=reach[t.pair_place], minlength=len(city_ok)) > 0
        fitting = (t.session_open & (t.session_start >= learner.start.toordinal())
                   & (t.session_end <= session_window(learner).toordinal()) & city_ok)
        fits = np.bincount(t.session_module, weights=fitting, minlength=n) > 0 if len(fitting) else np.zeros(n, bool)
        self.ok = (~t.travel | reachable) & (~t.has_sessions | fits)
        self.ok_ids = [t.ids[k] for k in np.flatnonzero(self.ok)]
        first = np.full(n, -1, dtype=np.int64)  # each module's first fitting session (sessions sorted by start)
        hits = np.flatnonzero(fitting)
        if len(hits):
            mods, at = np.unique(t.session_module[hits], return_index=True)
            first[mods] = hits[at]
        # where each eligible module's distance is measured (assess's rule), as Python lists for speed: the
        # place of its first fitting session's city, else its only place; -1: computed by assess (no
        # travel, or several places whose ties need assess's order)
        chosen = np.where(first >= 0, t.session_place[np.maximum(first, 0)], -1) if len(t.session_place) \
            else np.full(n, -1, dtype=np.int64)
        chosen = np.where((chosen < 0) & (t.n_places == 1), t.first_place, chosen)
        self._first = first
        self._chosen_array = np.where(self.ok & t.travel, chosen, -1)
        self._chosen = self._chosen_array.tolist()
        self._km = self.km.tolist()

    def _exact(self, place: int) -> float:
        p = self.table.coords[place]
        return distance_km(self.home, (float(p[0]), float(p[1])))

    def __getitem__(self, mid: str) -> Eligibility:
        hit = self._cache.get(mid)
        if hit is None:
            hit = self._cache[mid] = assess(self.table.modules[self.table.position[mid]], self.learner, self.home)
        return hit

    def __contains__(self, mid: object) -> bool:
        return mid in self.table.position

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.ids)

    def __len__(self) -> int:
        return len(self.table.ids)

    def is_ok(self, mid: str) -> bool:
        """True when ``mid`` is eligible (``self[mid].ok``, without computing it)."""
        return bool(self.ok[self.table.position[mid]])

    def preferred(self, mid: str) -> bool:
        """``self[mid].preferred``: the module's modality is among the learner's preferences."""
        return self.table.modules[self.table.position[mid]].modality in self.learner.preferred_modalities

    def distance(self, mid: str) -> float | None:
        """``self[mid].distance_km`` (km, 0.1 km), computed from the arrays for eligible modules."""
        place = self._chosen[self.table.position[mid]]
        if place < 0:
            return self[mid].distance_km
        km = self._km[place]
        tenths = km * 10
        if abs(tenths - math.floor(tenths) - 0.5) <= DISTANCE_TOLERANCE_KM * 10:
            km = self._exact(place)
        return round(km, 1)

    @cached_property
    def signature(self) -> tuple:
        """What the eligible set, modality preferences and distances depend on: (home, radius, preferred
        modalities, eligible modules, first fitting session of each module). Equal signatures, equal
        :meth:`km_int` and preferences (a deadline that moves no session gives the same)."""
        return (self.home, self.learner.mobility_km, tuple(self.learner.preferred_modalities), self.ok.tobytes(),
                self._first.tobytes())

    @cached_property
    def km_int(self) -> np.ndarray:
        """``int(distance_km or 0)`` of each eligible module (0 elsewhere), per catalogue position: the km
        term of the objective weights (:func:`curriculum.planner.select.weight_array`)."""
        t, chosen = self.table, self._chosen_array
        km = np.zeros(len(t.ids), dtype=np.int64)
        at = np.flatnonzero(chosen >= 0)
        tenths = self.km[chosen[at]] * 10
        frac = tenths - np.floor(tenths)
        # round(km, 1) in tenths, then the whole km below it; a half tenth too close to call goes to distance()
        km[at] = (np.floor(tenths).astype(np.int64) + (frac > 0.5)) // 10
        exact = np.concatenate((at[np.abs(frac - 0.5) <= DISTANCE_TOLERANCE_KM * 10],
                                np.flatnonzero(self.ok & t.travel & (chosen < 0))))
        for k in exact.tolist():
            km[k] = int(self.distance(t.ids[k]) or 0)
        return km

    @cached_property
    def preferred_view(self) -> Mapping[str, bool]:
        """module id → :meth:`preferred` (computed on access), for :class:`SelectionProblem`."""
        return _View(self, self.preferred)

    @cached_property
    def distance_view(self) -> Mapping[str, float]:
        """module id → :meth:`distance` km, 0.0 when none (computed on access), for :class:`SelectionProblem`."""
        return _View(self, lambda mid: self.distance(mid) or 0.0)


class _View(Mapping):
    """A read-only mapping over the ids of an :class:`EligibilityMap` whose values are computed on access."""

    def __init__(self, elig: EligibilityMap, value: Callable[[str], object]) -> None:
        self._elig, self._value = elig, value

    def __getitem__(self, mid: str) -> object:
        if mid not in self._elig:
            raise KeyError(mid)
        return self._value(mid)

    def get(self, mid: str, default: object = None) -> object:
        return self._value(mid) if mid in self._elig else default

    def __contains__(self, mid: object) -> bool:
        return mid in self._elig

    def __iter__(self) -> Iterator[str]:
        return iter(self._elig)

    def __len__(self) -> int:
        return len(self._elig)
