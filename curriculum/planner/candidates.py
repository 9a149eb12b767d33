"""The candidate modules of a selection, cut by what can actually be part of an optimal plan.

In turn, on the integer graph of :class:`~curriculum.planner.reach.Graph`:

1. **relevance** — modules that close a gap or award a missing certification, or (transitively) teach
   an unmet prerequisite of one (index-based, :func:`~curriculum.planner.reach.relevant_modules`);
2. **dominance** (:func:`prune_dominated`) — a module that another can replace in every plan at no loss;
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

from dataclasses import dataclass, field

from curriculum.planner.reach import Graph, certification_index, relevant_modules, teacher_index
from curriculum.planner.select import SelectionProblem, _eur, _hours10, _weight


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

    @property
    def indexes(self) -> list[int]:
        """The candidates' module indexes (ascending ids)."""
        return [m for m, ok in enumerate(self.alive) if ok]


def candidate_modules(problem: SelectionProblem) -> Candidates:
    """The candidates of ``problem`` (see the module docstring)."""
    index = problem.teachers if problem.teachers is not None else teacher_index(problem.modules)
    certs = problem.certifications if problem.certifications is not None else certification_index(problem.modules)
    mods = relevant_modules(problem.modules, problem.gaps, problem.certification_gaps, problem.held, index, certs)
    g = Graph(mods, problem.held, problem.gaps, problem.certification_gaps)
    hours10 = [_hours10(m) for m in g.modules]
    eur = [_eur(m) for m in g.modules]
    weight = [_weight(problem, m, h, c) for m, h, c in zip(g.modules, hours10, eur)]
    alive = prune_dominated(g, [True] * len(g.ids), weight, hours10, eur)
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
    limit = within[0][0] if within else None
    alive = [ok and bound[m] is not None for m, ok in enumerate(alive)]
    if limit is not None:
        up = g.upward(alive, weight)
        alive = [ok and up[m] is not None and bound[m] + up[m] <= limit for m, ok in enumerate(alive)]
    alive = g.relevant(alive)
    return Candidates(g, alive, weight, hours10, eur, within[0][1] if within else [], bound)


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
    kept modules bringing the rarest key of ``b``.
    """
    named = {key for key, (kind, _) in enumerate(g.keys) if kind == "module"}
    kept_by_key: list[list[int]] = [[] for _ in g.keys]
    out = [False] * len(alive)
    for b in sorted((m for m, ok in enumerate(alive) if ok), key=lambda m: (weight[m], hours10[m], eur[m], m)):
        brings = g.brings[b]
        if not named.intersection(brings):
            if not brings:
                continue
            rivals = min((kept_by_key[key] for key in brings), key=len)
            needs_b = g.needs_down[b]
            if any(hours10[a] <= hours10[b] and eur[a] <= eur[b] and needs_b.issuperset(g.needs[a])
                   and set(g.brings[a]).issuperset(brings) for a in rivals):
                continue
        out[b] = True
        for key in brings:
            kept_by_key[key].append(b)
    return out
