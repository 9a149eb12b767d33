"""The candidate modules of a selection, cut by what can actually be part of an optimal plan.

In turn, on the integer graph of :class:`~curriculum.planner.reach.Graph`:

1. **relevance** — modules that close a gap or award a missing certification, or (transitively) teach
   an unmet prerequisite of one (index-based, :func:`~curriculum.planner.reach.relevant_modules`);
2. **dominance** (:func:`prune_dominated`) — a module that another can replace in every plan at no loss;
   decided on each relevant module's profile before any graph is built (:func:`dominance_cut`), the
   graph then holds the modules kept (thousands of relevant modules in a regional catalogue, a few
   dozen kept), with the keys of all relevant modules;
3. **caps** — a module whose cheapest way in (itself plus its dearest prerequisite chain,
   :meth:`Graph.bounds` on hours, then on cost) already breaks a cap; a module never reached goes too;
4. **bound** — a module whose cheapest way in and cheapest way on (:meth:`Graph.upward`: the
   dependants after it up to a gap, in a plan with no redundant module) cost more, in objective
   weight, than a valid plan within the caps found without the solver (:func:`support_plan`: the
   cheapest teacher of each gap with its cheapest prerequisites, redundant modules removed); that
   plan is the solver's hint.

Each cut keeps a module of some optimal plan in place of each module it drops (a module dropped by
3 or 4 is in no plan better than the hint; every kept module keeps the supports its bound was
computed with), so the optimum is unchanged. A last relevance pass drops the prerequisite teachers
nobody needs any more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from curriculum.models import Module
from curriculum.planner.reach import Graph, relevant_modules
from curriculum.planner.select import TIER, SelectionProblem, _eur, _hours10, _weight
from curriculum.planner.shared import SharedModules


@dataclass
class Candidates:
    """The graph, which of its modules are candidates (``alive``), their objective weights, hours
    (tenths) and costs (EUR), a valid plan within the caps (``hint``, module indexes; empty when
    none was found) and the lower bound of each candidate (``bound``: weight of any selection
    containing it)."""

    graph: Graph
    alive: list[bool]
    weight: list[int]
    hours10: list[int]
    eur: list[int]
    hint: list[int] = field(default_factory=list)
    bound: list[int | None] = field(default_factory=list)
    windows: list[tuple[int, list[int]]] = field(default_factory=list)  # (m, teachers): m selected ⇒ one of them

    @property
    def indexes(self) -> list[int]:
        """The candidates' module indexes (ascending ids)."""
        return [m for m, ok in enumerate(self.alive) if ok]


@dataclass
class Cut:
    """The relevant modules of a selection that the dominance rule keeps, as a :class:`Graph` (with the
    keys of every relevant module), with their hours (tenths), costs (EUR) and objective weights."""

    graph: Graph
    hours10: list[int]
    eur: list[int]
    weight: list[int]
    _reached: set[tuple] | None = None

    def reached(self) -> set[tuple]:
        """The targets (keys: (skill, level) or ("certification", code)) some selection brings: every module
        settled by :meth:`Graph.bounds`, i.e. the learner's fixpoint. The cut keeps a replacement for each
        module it drops, so this is what all the relevant modules reach."""
        if self._reached is None:
            g = self.graph
            teacher = g.bounds([True] * len(g.ids), [0] * len(g.ids))[2]
            self._reached = {g.keys[key] for key in g.targets if teacher[key] >= 0}
        return self._reached


def dominance_cut(problem: SelectionProblem) -> Cut:
    """Steps 1 and 2 of the module docstring. With ``problem.shared`` and ``problem.eligibility``,
    computed once per gaps, held levels, objective, language and learner situation (relaxations and
    alternatives re-plan with the same), on arrays, and shared: read-only."""
    shared, elig = problem.shared, problem.eligibility
    if shared is None or elig is None:
        relevant = relevant_modules(problem.modules, problem.gaps, problem.certification_gaps, problem.held,
                                    pins=problem.pins)
        return _cut(problem, relevant, None)
    timing = None if problem.timing is None else frozenset(problem.timing.items())
    key = (frozenset(problem.gaps), frozenset(problem.certification_gaps), frozenset(problem.held.items()),
           elig.signature, problem.objective, problem.language, problem.pins, problem.excluded, timing)
    return shared.derived(key, lambda: (_cut(problem, shared.relevant(problem.gaps, problem.certification_gaps,
                                                                        problem.held, problem.pins), shared),))[0]


def _cut(problem: SelectionProblem, relevant: dict[str, Module], shared: SharedModules | None) -> Cut:
    if problem.excluded:
        relevant = {i: m for i, m in relevant.items() if i not in problem.excluded}
    frame = Graph({}, problem.held, problem.gaps, problem.certification_gaps, keys_from=relevant, pins=problem.pins)
    ids = sorted(relevant)
    mods = [relevant[i] for i in ids]
    if shared is None:
        hours10 = [_hours10(m) for m in mods]
        eur = [_eur(m) for m in mods]
        weight = [_weight(problem, m, h, c) for m, h, c in zip(mods, hours10, eur)]
        order = sorted(range(len(ids)), key=lambda m: (weight[m], hours10[m], eur[m], m))
        masks: Callable[[int], tuple] = lambda m: frame.masks(mods[m])  # noqa: E731
    else:  # the catalogue's arrays, and the masks of the modules already met on these keys
        at = shared.positions(ids)
        penalty, base = shared.weights(problem)
        h, c, pen, w = shared.arrays.hours10[at], shared.arrays.eur[at], penalty[at], base[at]
        order = np.lexsort((np.arange(len(ids)), c, h, w, pen)).tolist()
        hours10, eur = h.tolist(), c.tolist()
        weight = [p * TIER + b for p, b in zip(pen.tolist(), w.tolist())]
        known = shared.profiles.of(frame)

        def masks(m: int) -> tuple:
            hit = known.get(ids[m])
            if hit is None:
                hit = known[ids[m]] = frame.masks(mods[m])
            return hit
    timing = [problem.timing.get(i, 0) for i in ids] if problem.timing is not None else None
    kept = sorted(_dominance(order, masks, frame.keys, hours10, eur, timing))
    g = Graph({ids[m]: mods[m] for m in kept}, problem.held, problem.gaps, problem.certification_gaps, keys_from=frame,
              pins=problem.pins)
    return Cut(g, [hours10[m] for m in kept], [eur[m] for m in kept], [weight[m] for m in kept])


def candidate_modules(problem: SelectionProblem) -> Candidates:
    """The candidates of ``problem`` (see the module docstring)."""
    cut = dominance_cut(problem)
    return cut_by_caps_and_bound(problem, cut.graph, [True] * len(cut.graph.ids), cut.weight, cut.hours10, cut.eur)


def cut_by_caps_and_bound(problem: SelectionProblem, g: Graph, alive: list[bool], weight: list[int],
                          hours10: list[int], eur: list[int]) -> Candidates:
    """Steps 3 and 4 of the module docstring (and the last relevance pass) on the ``alive`` modules of
    ``g``, the dominance cut done; ``weight``, ``hours10``, ``eur`` per module of ``g``."""
    windows: list[tuple[int, list[int]]] = []
    if problem.windows is not None:  # a hard deadline: modules with no window go, the others get constraints
        from curriculum.planner.windows import window_constraints
        alive, windows = window_constraints(g, alive, problem.windows)
    caps = [(int(problem.hours_cap * 10), hours10)] if problem.hours_cap is not None else []
    caps += [(int(problem.budget_cap), eur)] if problem.budget_cap is not None else []
    plans: list[list[int] | None] = []
    for cap, value in caps:
        low, support, teacher = g.bounds(alive, value)
        plans.append(support_plan(g, low, support, teacher))
        alive = [ok and low[m] is not None and low[m] <= cap for m, ok in enumerate(alive)]
    bound, support, teacher = g.bounds(alive, weight)
    plans.insert(0, support_plan(g, bound, support, teacher))
    within = sorted((sum(weight[m] for m in plan), plan) for plan in plans
                    if plan is not None and all(alive[m] for m in plan)
                    and all(sum(value[m] for m in plan) <= cap for cap, value in caps))
    if problem.forbidden:  # a plan found here may be refused; the others bound as usual: a no-good cut refuses
        # a set and its supersets, so removing a redundant module from an allowed plan leaves an allowed plan
        # and some optimum is still minimal (what :meth:`Graph.upward` assumes)
        within = [(w, plan) for w, plan in within if not _refused(g, plan, problem.forbidden)]
    if windows:  # the bound holds only for a plan that meets the windows too
        within = [(w, plan) for w, plan in within if _meets(plan, windows)]
    limit = within[0][0] if within else None
    alive = [ok and bound[m] is not None for m, ok in enumerate(alive)]
    if limit is not None:
        up = g.upward(alive, weight)
        alive = [ok and up[m] is not None and bound[m] + up[m] <= limit for m, ok in enumerate(alive)]
    alive = g.relevant(alive)
    return Candidates(g, alive, weight, hours10, eur, within[0][1] if within else [], bound, windows)


def _meets(plan: list[int], windows: list[tuple[int, list[int]]]) -> bool:
    """True when ``plan`` holds one of the teachers of each window constraint of its modules."""
    chosen = set(plan)
    return all(not chosen.isdisjoint(teachers) for m, teachers in windows if m in chosen)


def _refused(g: Graph, plan: list[int], forbidden: tuple[frozenset[str], ...]) -> bool:
    """True when ``plan`` holds every module of a refused set (the no-good cuts of :mod:`.model`)."""
    ids = frozenset(g.ids[m] for m in plan)
    return any(refused <= ids for refused in forbidden)


def support_plan(g: Graph, bound: list[int | None], support: list[list[int]], teacher: list[int]) -> list[int] | None:
    """A valid selection bringing every target, or None: the settled (cheapest-bound) teacher of each
    target with its supports, recursively; then each module whose removal leaves a valid selection
    is removed, dearest first."""
    if any(teacher[key] < 0 for key in g.targets):
        return None
    chosen: set[int] = set()
    stack = [teacher[key] for key in g.targets]
    while stack:
        m = stack.pop()
        if m not in chosen:
            chosen.add(m)
            stack.extend(support[m])
    for m in sorted(chosen, key=lambda i: (-(bound[i] or 0), i)):
        if g.closes(chosen - {m}):
            chosen.discard(m)
    return sorted(chosen)


def prune_dominated(g: Graph, alive: list[bool], weight: list[int], hours10: list[int], eur: list[int]) -> list[bool]:
    """Drop each module that another kept module can replace in every plan at no loss.

    ``a`` replaces ``b`` when ``a`` brings every key that ``b`` brings (keys are what some candidate
    or gap needs: other outcomes are of no use to this learner), needs no more (each need of ``a`` is
    one of ``b``'s needs or a lower level of one), and costs no more (objective weight, hours and
    cost each ≤ ``b``'s). Put ``a`` at ``b``'s place in any plan: every prerequisite is still met, no
    cap is broken and the objective does not grow, so the optimum is unchanged for every objective.
    Modules named as explicit prerequisites are always kept; modules that bring nothing are dropped.
    Many providers run the same course, and dense catalogues have dozens of teachers per skill.

    Index-based: modules are taken from cheapest to dearest (ties by id) and compared only with the
    kept modules bringing the rarest key of ``b``. A module dominated by a dropped one is dominated by
    what dropped it (the relation is transitive), so the modules kept are those no cheaper module
    dominates: the same whatever else is in the graph.
    """
    order = sorted((m for m, ok in enumerate(alive) if ok), key=lambda m: (weight[m], hours10[m], eur[m], m))

    def masks(m: int) -> tuple:
        return (sum(1 << k for k in g.needs[m]), sum(1 << k for k in g.needs_down[m]), tuple(g.brings[m]),
                sum(1 << k for k in g.brings[m]))
    out = [False] * len(alive)
    for m in _dominance(order, masks, g.keys, hours10, eur):
        out[m] = True
    return out


def _dominance(order: list[int], masks: Callable[[int], tuple], keys: Sequence[tuple], hours10: list[int],
               eur: list[int], timing: list[int] | None = None) -> list[int]:
    """The modules :func:`prune_dominated` keeps, in ``order`` (cheapest first); ``masks(m)`` gives
    :meth:`Graph.masks` (needs, needs with the lower levels they imply, brings sorted, brings) over ``keys``.
    With ``timing`` (a class per module), a module only replaces modules of its own class (same sessions)."""
    named = sum(1 << key for key, (kind, _) in enumerate(keys) if kind == "module")
    kept_by_key: list[list[int]] = [[] for _ in keys]
    kept: list[int] = []
    seen: dict[int, tuple[int, int]] = {}  # kept module → (needs, brings)
    for b in order:
        needs_b, down_b, brings, brings_b = masks(b)
        if not named & brings_b:
            if not brings:
                continue
            rivals = min((kept_by_key[key] for key in brings), key=len)
            h, c = hours10[b], eur[b]
            if any(hours10[a] <= h and eur[a] <= c and not seen[a][0] & ~down_b and not brings_b & ~seen[a][1]
                   and (timing is None or timing[a] == timing[b]) for a in rivals):
                continue
        kept.append(b)
        seen[b] = (needs_b, brings_b)
        for key in brings:
            kept_by_key[key].append(b)
    return kept
