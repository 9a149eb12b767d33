"""Reachability on a module catalogue: teacher indexes, the learner's fixpoint, relevant modules.

Pure functions of the modules and the learner's held levels (no solver), each linear in the size of
the catalogue: a dense catalogue (many teachers per skill, shared prerequisites) costs no all-pairs
scan. Skill ids are opaque: a certification rule's pseudo-skill (``cert:<CODE>``) is one more skill.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from curriculum.models import Module


def teacher_index(modules: dict[str, Module]) -> dict[str, list[tuple[int, str]]]:
    """skill id → [(level taught, module id)], highest level first (ties: larger id first)."""
    index: dict[str, list[tuple[int, str]]] = {}
    for m in modules.values():
        for o in m.outcomes:
            index.setdefault(o.skill, []).append((o.level, m.id))
    for v in index.values():
        v.sort(reverse=True)
    return index


def certification_index(modules: dict[str, Module]) -> dict[str, list[str]]:
    """certification code → ids of the modules awarding it (sorted)."""
    index: dict[str, list[str]] = {}
    for m in sorted(modules):
        for code in modules[m].awards:
            index.setdefault(code, []).append(m)
    return index


def achievable_levels(modules: dict[str, Module], held: dict[str, int]) -> tuple[dict[str, int], set[str]]:
    """Fixpoint of what the learner could reach with ``modules``: (skill → best level, usable module ids).

    A module is usable once its prerequisites are reachable; coverage is monotone, so a gap is
    coverable iff its required level is reachable here (exact, no solver needed). Linear in the size
    of the catalogue: each module waits on a counter of unmet prerequisites, released when a level
    is reached or a named module becomes usable.
    """
    levels = dict(held)
    missing: dict[str, int] = {}
    waiting: dict[str, list[tuple[int, str]]] = {}  # skill → [(level needed, module id)], sorted ascending
    waiting_on_module: dict[str, list[str]] = {}
    ready: list[str] = []
    for mid, m in modules.items():
        count = 0
        for p in m.prerequisites.skills:
            if levels.get(p.skill, 0) < p.level:
                waiting.setdefault(p.skill, []).append((p.level, mid))
                count += 1
        for p in m.prerequisites.modules:
            waiting_on_module.setdefault(p, []).append(mid)
            count += 1
        missing[mid] = count
        if count == 0:
            ready.append(mid)
    for v in waiting.values():
        v.sort()
    released = dict.fromkeys(waiting, 0)  # skill → how many entries of waiting[skill] are met
    usable: set[str] = set()

    def release(mid: str) -> None:
        missing[mid] -= 1
        if missing[mid] == 0:
            ready.append(mid)

    while ready:
        mid = ready.pop()
        usable.add(mid)
        for dep in waiting_on_module.get(mid, ()):
            release(dep)
        for o in modules[mid].outcomes:
            if levels.get(o.skill, 0) >= o.level:
                continue
            levels[o.skill] = o.level
            queue = waiting.get(o.skill)
            if queue:
                k = released[o.skill]
                while k < len(queue) and queue[k][0] <= o.level:
                    release(queue[k][1])
                    k += 1
                released[o.skill] = k
    return levels, usable


def relevant_modules(modules: dict[str, Module], gaps: list[tuple[str, int]], certs: list[str],
                     held: dict[str, int], index: dict[str, list[tuple[int, str]]] | None = None,
                     cert_index: dict[str, list[str]] | None = None, pins: Iterable[str] = ()) -> dict[str, Module]:
    """Modules that close a gap or award a missing certification, plus (transitively) those that
    teach their unmet prerequisites.

    Index-based: each (skill, level) is expanded once, and a skill already expanded at a lower level
    adds no teacher, so the cost is linear in the teachers reached, whatever the catalogue's density.
    ``index`` and ``cert_index`` may cover more modules than ``modules`` (a whole catalogue's, built
    once): the others are skipped. ``pins``: module ids the plan must hold (relevant, with their prerequisites).
    """
    index = index if index is not None else teacher_index(modules)
    cert_index = cert_index if cert_index is not None else certification_index(modules)
    expanded: dict[str, int] = {}  # skill → lowest level whose teachers are already wanted
    wanted: set[str] = set()
    frontier: list[str] = []

    def want(mid: str) -> None:
        if mid not in wanted and mid in modules:
            wanted.add(mid)
            frontier.append(mid)

    def want_teachers(skill: str, level: int) -> None:
        done = expanded.get(skill, 5)
        if level >= done:
            return
        expanded[skill] = level
        for lvl, mid in index.get(skill, ()):
            if lvl < level:
                break
            if lvl < done:
                want(mid)

    for skill, level in gaps:
        want_teachers(skill, level)
    for code in certs:
        for mid in cert_index.get(code, ()):
            want(mid)
    for mid in pins:
        want(mid)
    while frontier:
        m = modules[frontier.pop()]
        for p in m.prerequisites.skills:
            if held.get(p.skill, 0) < p.level:
                want_teachers(p.skill, p.level)
        for p in m.prerequisites.modules:
            if p in modules:
                want(p)
    return {i: modules[i] for i in sorted(wanted)}


_TUPLES: dict[int, tuple[Module, tuple]] = {}


def module_tuples(m: Module) -> tuple[tuple[tuple[str, int], ...], tuple[str, ...], tuple[tuple[str, int], ...],
                                      str | None, str]:
    """``m`` as plain tuples, kept per module object (the same object, the same tuples; an edited module is a
    new object): (prerequisite (skill, level) pairs, named prerequisite modules, outcome (skill, level) pairs,
    certification code or None, id). Reading pydantic attributes was most of a dense plan's graph building."""
    hit = _TUPLES.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1]
    out = (tuple((p.skill, p.level) for p in m.prerequisites.skills), tuple(m.prerequisites.modules),
           tuple((o.skill, o.level) for o in m.outcomes), m.certification.code if m.certification else None, m.id)
    if len(_TUPLES) > 400_000:  # a long-lived process re-loading catalogues: start again
        _TUPLES.clear()
    _TUPLES[id(m)] = (m, out)
    return out


class Graph:
    """The candidate modules of one selection as integers: the (skill, level) pairs each one needs
    and brings, and who teaches and who needs each pair.

    Keys are the needed pairs only — a gap, or an unmet prerequisite of some module — plus one key
    per missing certification (``("certification", code)``) and per module named as an explicit
    prerequisite (``("module", id)``, brought by that module alone; a named module that is not a
    candidate gets a key nobody brings). A module *brings* key (s, l) when it teaches s at level l
    or above; ``band[k]`` holds the modules for which k is the highest key of its skill they bring,
    so the teachers of (s, l) are the bands of (s, l) and of the needed levels of s above it.
    """

    def __init__(self, modules: dict[str, Module], held: dict[str, int], gaps: list[tuple[str, int]],
                 certifications: list[str], keys_from: dict[str, Module] | Graph | None = None,
                 pins: Iterable[str] = ()) -> None:
        """The graph of ``modules``; its keys are those of ``keys_from`` (modules including ``modules``,
        or a graph of them; default ``modules``): a graph of the modules a cut kept, with the keys of all
        the candidates it cut from. ``pins``: module ids the plan must hold, as targets ``("module", id)``
        (pass the same to a graph built with ``keys_from`` another graph)."""
        pins = sorted(set(pins))
        self.ids = sorted(modules)
        self.position = {mid: k for k, mid in enumerate(self.ids)}
        self.modules = [modules[i] for i in self.ids]
        self.held = held
        if isinstance(keys_from, Graph):  # the same keys (read-only lists, shared)
            self.keys, self.key, self.skill_keys = keys_from.keys, keys_from.key, keys_from.skill_keys
        else:
            self._index_keys(self.modules if keys_from is None else keys_from.values(), gaps, certifications, pins)
        n_keys = len(self.keys)
        self.needs: list[list[int]] = []  # keys a module needs (unmet prerequisites, named modules)
        self.needs_down: list[set[int]] = []  # and the lower needed levels they imply
        self.brings: list[list[int]] = []
        self.teachers: list[list[int]] = [[] for _ in range(n_keys)]
        self.band: list[list[int]] = [[] for _ in range(n_keys)]
        self.dependants: list[list[int]] = [[] for _ in range(n_keys)]
        for k, m in enumerate(self.modules):
            needs, down, brings, tops = self.profile(m)
            self.needs.append(needs)
            self.needs_down.append(down)
            self.brings.append(brings)
            for key in needs:
                self.dependants[key].append(k)
            for key in brings:
                self.teachers[key].append(k)
            for key in tops:
                self.band[key].append(k)
        self.targets = sorted({self.key[s, lvl] for s, lvl in gaps if held.get(s, 0) < lvl}
                              | {self.key["certification", c] for c in certifications}
                              | {self.key["module", p] for p in pins})

    def _index_keys(self, modules: Iterable[Module], gaps: list[tuple[str, int]], certifications: list[str],
                    pins: list[str]) -> None:
        held = self.held
        levels: dict[str, set[int]] = {}
        for skill, level in gaps:
            if held.get(skill, 0) < level:
                levels.setdefault(skill, set()).add(level)
        named: set[str] = set(pins)
        for m in modules:
            for p in m.prerequisites.skills:
                if held.get(p.skill, 0) < p.level:
                    levels.setdefault(p.skill, set()).add(p.level)
            named.update(m.prerequisites.modules)
        self.keys: list[tuple] = []
        self.key: dict[tuple, int] = {}
        self.skill_keys: dict[str, list[int]] = {}  # skill → its keys, lowest level first
        for skill in sorted(levels):
            for level in sorted(levels[skill]):
                self.key[skill, level] = len(self.keys)
                self.keys.append((skill, level))
                self.skill_keys.setdefault(skill, []).append(self.key[skill, level])
        for code in sorted(set(certifications)):
            self.key["certification", code] = len(self.keys)
            self.keys.append(("certification", code))
        for mid in sorted(named):
            self.key["module", mid] = len(self.keys)
            self.keys.append(("module", mid))

    def profile(self, m: Module) -> tuple[list[int], set[int], list[int], list[int]]:
        """Module ``m`` on this graph's keys: (keys it needs, sorted; those and the lower needed levels
        they imply; keys it brings, sorted; the keys whose band it is in). ``m``'s unmet prerequisites
        must be keys (``m`` among the modules the keys were taken from)."""
        held, key, below = self.held, self.key, self._below
        pre, named, outs, cert, mid = module_tuples(m)
        needs, down = [], set()
        for skill, level in pre:
            if held.get(skill, 0) < level:
                needs.append(key[skill, level])
                down.update(below[skill][min(level, 4)])
        for p in named:
            needs.append(key["module", p])
            down.add(key["module", p])
        brings: set[int] = set()
        top: dict[str, int] = {}
        for skill, level in outs:
            levels = below.get(skill)
            if levels is not None:
                got = levels[min(level, 4)]
                if got:
                    brings.update(got)
                    top[skill] = max(top.get(skill, -1), got[-1])
        if cert is not None and ("certification", cert) in key:
            brings.add(key["certification", cert])
            top["certification"] = key["certification", cert]
        if ("module", mid) in key:
            brings.add(key["module", mid])
            top["module"] = key["module", mid]
        return sorted(set(needs)), down, sorted(brings), list(top.values())

    @cached_property
    def _below(self) -> dict[str, list[list[int]]]:
        """skill → its keys at each level (index 0–4: proficiency levels are 1–4) or below, ascending."""
        return {skill: [[k for k in ks if self.keys[k][1] <= level] for level in range(5)]
                for skill, ks in self.skill_keys.items()}

    def masks(self, m: Module) -> tuple[int, int, tuple[int, ...], int]:
        """:meth:`profile` as bit masks over the keys (plain ints: nothing for the garbage collector to
        walk): (needs, needs with the lower levels they imply, brings as sorted keys, brings)."""
        held, key, upto = self.held, self.key, self._upto
        needs = down = brings = 0
        for p in m.prerequisites.skills:
            if held.get(p.skill, 0) < p.level:
                needs |= 1 << key[p.skill, p.level]
                down |= upto[p.skill][p.level]
        for p in m.prerequisites.modules:
            needs |= 1 << key["module", p]
        down |= needs
        for o in m.outcomes:
            levels = upto.get(o.skill)
            if levels is not None:
                brings |= levels[o.level]
        if m.certification is not None and ("certification", m.certification.code) in key:
            brings |= 1 << key["certification", m.certification.code]
        if ("module", m.id) in key:
            brings |= 1 << key["module", m.id]
        keys, rest = [], brings
        while rest:
            low = rest & -rest
            keys.append(low.bit_length() - 1)
            rest ^= low
        return needs, down, tuple(keys), brings

    @cached_property
    def _upto(self) -> dict[str, list[int]]:
        """skill → masks of the skill's keys at each level (index 0–4: proficiency levels are 1–4) or below."""
        out = {}
        for skill, ks in self.skill_keys.items():
            out[skill] = [sum(1 << k for k in ks if self.keys[k][1] <= level) for level in range(5)]
        return out

    def relevant(self, alive: list[bool]) -> list[bool]:
        """The alive modules that bring a target or, transitively, a need of such a module."""
        out = [False] * len(self.ids)
        seen = [False] * len(self.keys)
        stack = list(self.targets)
        for key in stack:
            seen[key] = True
        while stack:
            for t in self.teachers[stack.pop()]:
                if alive[t] and not out[t]:
                    out[t] = True
                    for key in self.needs[t]:
                        if not seen[key]:
                            seen[key] = True
                            stack.append(key)
        return out

    def bounds(self, alive: list[bool], cost: list[int]) -> tuple[list[int | None], list[list[int]], list[int]]:
        """Lower bounds on what a module costs with what it needs first: (bound, support, teacher).

        ``bound[m]`` ≤ the total ``cost`` (≥ 0) of any valid selection containing ``m``: ``m`` itself
        plus the dearest of its needs, each at the bound of its cheapest teacher (prerequisites
        share teachers, so a sum would not be a bound; the maximum is). Knuth's generalisation of
        Dijkstra: modules settle cheapest first, a key with its first settled teacher (``teacher``,
        −1 if none); an alive module never settled is unreachable (``bound`` None). ``support[m]``
        lists the settled teachers of its needs, so a module with its supports, recursively, is a
        valid selection.
        """
        import heapq

        n = len(self.ids)
        missing = [len(self.needs[m]) for m in range(n)]
        dearest = [0] * n
        support: list[list[int]] = [[] for _ in range(n)]
        bound: list[int | None] = [None] * n
        teacher = [-1] * len(self.keys)
        heap = [(cost[m], m) for m in range(n) if alive[m] and not missing[m]]
        heapq.heapify(heap)
        while heap:
            value, m = heapq.heappop(heap)
            if bound[m] is not None:
                continue
            bound[m] = value
            for key in self.brings[m]:
                if teacher[key] >= 0:
                    continue
                teacher[key] = m
                for d in self.dependants[key]:
                    if not alive[d]:
                        continue
                    missing[d] -= 1
                    support[d].append(m)
                    if value > dearest[d]:
                        dearest[d] = value
                    if missing[d] == 0:
                        heapq.heappush(heap, (cost[d] + dearest[d], d))
        return bound, support, teacher

    def upward(self, alive: list[bool], cost: list[int]) -> list[int | None]:
        """Lower bounds on what a module's use costs after it: ``up[m]`` ≤ the total ``cost`` of the
        modules placed after ``m`` in any *minimal* valid selection containing ``m`` (one where
        removing any module breaks it; with costs ≥ 0 some optimal selection is minimal).

        In a minimal selection a module that brings no target is the only earlier provider of a need
        of some later module, which in turn is the only one of another, … up to a module bringing a
        target: ``up[m]`` is the cheapest such chain (a reverse Dijkstra from the targets), None when
        no alive chain reaches a target. With :meth:`bounds`, which counts the modules up to ``m``,
        ``bound[m] + up[m]`` bounds any minimal selection containing ``m``.
        """
        import heapq

        up: list[int | None] = [None] * len(self.ids)
        done = [False] * len(self.keys)
        heap: list[tuple[int, int, int]] = [(0, 0, t) for key in self.targets for t in self.teachers[key] if alive[t]]
        heapq.heapify(heap)
        while heap:
            value, kind, item = heapq.heappop(heap)
            if kind == 0:  # a module: its value is final
                if up[item] is not None:
                    continue
                up[item] = value
                for key in self.needs[item]:
                    if not done[key]:
                        heapq.heappush(heap, (value + cost[item], 1, key))
            elif not done[item]:  # a key: its cheapest dependant chain is final
                done[item] = True
                for t in self.teachers[item]:
                    if alive[t] and up[t] is None:
                        heapq.heappush(heap, (value, 0, t))
        return up

    def closes(self, chosen: set[int]) -> bool:
        """True when ``chosen`` can be ordered with every need met first and brings every target."""
        met = set()
        missing = {m: len(self.needs[m]) for m in chosen}
        ready = [m for m, c in missing.items() if c == 0]
        done = 0
        while ready:
            m = ready.pop()
            done += 1
            for key in self.brings[m]:
                if key not in met:
                    met.add(key)
                    for d in self.dependants[key]:
                        if d in missing:
                            missing[d] -= 1
                            if missing[d] == 0:
                                ready.append(d)
        return done == len(chosen) and all(key in met for key in self.targets)
