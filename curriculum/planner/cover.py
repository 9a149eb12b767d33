"""The selection as a covering model with lazy prerequisite-cycle cuts (OR-Tools CP-SAT).

The *covering* model keeps only the selection variables ``x[i]`` of the candidates
(:mod:`curriculum.planner.candidates`), without rounds:

* every target (gap, missing certification, pin) has a selected teacher;
* a selected module needing (skill, level) has a selected teacher of it that does not itself need
  that skill at that level or above (its *first* teacher; a named module prerequisite: that module);
* caps (hours, EUR) and no-good cuts as in :mod:`curriculum.planner.model`.

It is a relaxation of the selection: it forgets that prerequisites must come *earlier*, so a selection
may hold a closed group whose members teach each other's prerequisites (A needs what B teaches and B
what A teaches). Each solution is checked by the learner's fixpoint (:meth:`Graph.closes`); when a group
``C`` is stuck, this cut is added and the model solved again:

    Σ_{i ∈ C} x[i]  ≤  |C| − 1 + Σ x[t]   over the candidates t ∉ C teaching a need of C left unmet

Valid for every plan: in a plan holding all of ``C``, the first member of ``C`` has its needs met by
modules outside ``C``, and every member of a stuck group has a need the group's fixpoint left unmet. The
stuck set is split into strongly connected components (who supplies whom inside it) and a cut added per
*source* component (none of its unmet needs is supplied from elsewhere in the stuck set): the smallest
such groups, the strongest cuts.

Exact when it ends: a solution of the relaxation (with its cuts) that the fixpoint accepts is a plan, and
no plan is cheaper, so proven optimal when CP-SAT proved the relaxation optimal; infeasible when the
relaxation is. On dense generated catalogues the relaxation with its first few cuts solves in a fraction
of the time of the rounds model (:mod:`curriculum.planner.model`), whose LP relaxation is weak (big-M
rounds): CP-SAT found the rounds model's bound early but searched 5–20 s for the plan
(``benchmarks/plan_quality.py --dense``). After :data:`MAX_CUT_ROUNDS` solves without a plan, the rounds
model takes over with the time left (exact in one solve, whatever the cycles).

Lexicographic as :func:`~curriculum.planner.select.solve_lexicographic`: the preference tier first, fixed
at its value, then the objective tier; the cuts found in a tier stay (valid for every plan).
"""

from __future__ import annotations

from dataclasses import dataclass

from curriculum.cpsat import cp_model

from curriculum.planner.candidates import Candidates
from curriculum.planner.reach import Graph
from curriculum.planner.select import WALL_CLOCK_FACTOR, SelectionProblem, _solver, base_of, penalty_of

MAX_CUT_ROUNDS = 8  # solves of the covering model before the rounds model takes over


@dataclass
class Covering:
    """How a covering solve ended: ``status`` a CP-SAT status (``OPTIMAL``: the selection ``chosen`` is proven
    best; ``FEASIBLE``: a plan found, not proven; ``INFEASIBLE``: proven none; ``UNKNOWN``: nothing found
    within the limits; ``None``: :data:`MAX_CUT_ROUNDS` reached before a proof, the rounds model should go on
    with ``time_left``, ``chosen`` then the preference tier's plan if one was found), ``chosen`` module indexes of the graph, ``deterministic`` CP-SAT time spent and ``cuts``
    the cycle cuts added (one per stuck group)."""

    status: int | None
    chosen: list[int]
    deterministic: float
    time_left: float
    cuts: list[tuple[list[int], list[int]]]
    wall_clock_hit: bool = False


def solve_covering(problem: SelectionProblem, c: Candidates, time_limit: float) -> Covering:
    """Solve ``problem`` over the candidates ``c`` within ``time_limit`` deterministic seconds (shared by
    every solve of the loop; each solve also stops after ``time_limit × 3 + 1`` wall-clock seconds)."""
    g, alive = c.graph, c.alive
    ids = c.indexes
    model = cp_model.CpModel()
    x = {m: model.new_bool_var(f"x_{g.ids[m]}") for m in ids}
    for key in g.targets:
        teachers = [x[t] for t in g.teachers[key] if alive[t]]
        if not teachers:
            return Covering(cp_model.INFEASIBLE, [], 0.0, time_limit, [])
        model.add_bool_or(teachers)
    for m in ids:
        for key in g.needs[m]:
            kind, value = g.keys[key]
            if kind == "module":
                p = g.position.get(value, -1)
                if p < 0 or not alive[p]:
                    model.add(x[m] == 0)
                else:
                    model.add_implication(x[m], x[p])
                continue
            firsts = [x[t] for t in g.teachers[key] if alive[t] and key not in g.needs_down[t]]
            if firsts:
                model.add(sum(firsts) >= x[m])
            else:
                model.add(x[m] == 0)
    for m, teachers in c.windows:  # a hard deadline: a teacher of each need that can end before m starts
        if alive[m]:
            model.add(sum(x[t] for t in teachers if alive[t]) >= x[m])
    for refused in problem.forbidden:
        at = [g.position.get(i, -1) for i in refused]
        if all(p >= 0 and alive[p] for p in at):
            model.add(sum(x[p] for p in at) <= len(at) - 1)
    if problem.hours_cap is not None:
        model.add(sum(c.hours10[m] * x[m] for m in ids) <= int(problem.hours_cap * 10))
    if problem.budget_cap is not None:
        model.add(sum(c.eur[m] * x[m] for m in ids) <= int(problem.budget_cap))
    hinted = set(c.hint)
    for m in ids:
        model.add_hint(x[m], m in hinted)

    tiers = [[(x[m], penalty_of(c.weight[m])) for m in ids if penalty_of(c.weight[m])],
             [(x[m], base_of(c.weight[m])) for m in ids]]
    if not tiers[0]:
        tiers.pop(0)
    spent, rounds, proven, wall_hit = 0.0, 0, True, False
    cuts: list[tuple[list[int], list[int]]] = []
    plan: list[int] = []
    for n, tier in enumerate(tiers):
        objective = sum(w * v for v, w in tier)
        model.minimize(objective)
        while True:
            rounds += 1
            budget = max(time_limit - spent, 0.0)
            solver = _solver(budget, time_limit * WALL_CLOCK_FACTOR + 1.0)
            status = solver.solve(model)
            used = solver.response_proto.deterministic_time
            spent += used
            if status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and used < budget * 0.999:
                wall_hit = True
            if status == cp_model.INFEASIBLE and not plan:
                return Covering(cp_model.INFEASIBLE, [], spent, time_limit - spent, cuts)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # a limit, nothing (new) found
                return _ended(plan, spent, time_limit, cuts, wall_hit)
            chosen = [m for m in ids if solver.value(x[m])]
            model.clear_hints()
            for m in ids:
                model.add_hint(x[m], solver.value(x[m]))
            found = stuck_groups(g, chosen)
            if not found:
                plan, proven = chosen, proven and status == cp_model.OPTIMAL
                break
            for group, outside in found:
                suppliers = [t for t in outside if alive[t]]
                model.add(sum(x[m] for m in group) <= len(group) - 1 + sum(x[t] for t in suppliers))
                cuts.append((group, suppliers))
            if spent >= time_limit:
                return _ended(plan, spent, time_limit, cuts, wall_hit)  # the previous tier's plan, if any
            if rounds >= MAX_CUT_ROUNDS:  # the rounds model takes over (both tiers), from the plan found if any
                return Covering(None, plan, spent, max(time_limit - spent, 0.0), cuts, wall_hit)
        if n + 1 < len(tiers):  # the preference tier stays at the plan's value
            weight = {v.index: w for v, w in tier}
            model.add(objective <= sum(weight.get(x[m].index, 0) for m in plan))
    return Covering(cp_model.OPTIMAL if proven else cp_model.FEASIBLE, plan, spent, max(time_limit - spent, 0.0), cuts,
                    wall_hit)


def _ended(plan: list[int], spent: float, time_limit: float, cuts: list, wall_hit: bool) -> Covering:
    return Covering(cp_model.FEASIBLE if plan else cp_model.UNKNOWN, plan, spent, max(time_limit - spent, 0.0), cuts,
                    wall_hit)


def stuck_groups(g: Graph, chosen: list[int]) -> list[tuple[list[int], list[int]]]:
    """The groups of ``chosen`` that no order can start, as (group, the modules of ``g`` outside it teaching
    a need of it left unmet), one per source component of the stuck modules; empty when ``chosen``
    can be ordered with every need met first (every target is then brought: the covering constraints)."""
    met: set[int] = set()
    missing = {m: len(g.needs[m]) for m in chosen}
    ready = [m for m, k in missing.items() if k == 0]
    while ready:
        m = ready.pop()
        del missing[m]
        for key in g.brings[m]:
            if key not in met:
                met.add(key)
                for d in g.dependants[key]:
                    if d in missing:
                        missing[d] -= 1
                        if missing[d] == 0:
                            ready.append(d)
    if not missing:
        return []
    stuck = sorted(missing)
    unmet = {m: [k for k in g.needs[m] if k not in met] for m in stuck}
    suppliers = {m: sorted({t for k in unmet[m] for t in g.teachers[k] if t in missing}) for m in stuck}
    components = _components(stuck, suppliers)
    where = {m: n for n, comp in enumerate(components) for m in comp}
    groups = []
    for n, comp in enumerate(components):
        if any(where[t] != n for m in comp for t in suppliers[m]):
            continue  # supplied from another stuck group: that group's cut comes first
        inside = set(comp)
        outside = sorted({t for m in comp for k in unmet[m] for t in g.teachers[k] if t not in inside})
        groups.append((sorted(comp), outside))
    return groups


def _components(nodes: list[int], edges: dict[int, list[int]]) -> list[list[int]]:
    """Strongly connected components of the graph ``node → edges[node]`` (Tarjan's algorithm, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on_stack.add(v)
            recurse = False
            for j in range(i, len(edges[v])):
                w = edges[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return out
