"""The CP-SAT model of a selection, linear in the size of the catalogue.

Variables: ``x[i]`` (module ``i`` selected) and, for each module with an unmet prerequisite, a
*round* ``r[i]`` in ``1 … R−1`` (meaningless when ``i`` is not selected); modules without an unmet
prerequisite sit in round 0. For each prerequisite (skill, level) that some candidate needs and the
learner does not hold, one variable ``a[skill, level]`` — the round from which the level is
available:

    a[s, l] = min(r[t] + R·(1 − x[t]) for every candidate t teaching s at level ≥ l)

(``R`` or more when none is selected). Levels of one skill nest: ``a[s, l]`` is the minimum of
``a[s, l']`` for the next level ``l' > l`` and of the teachers in between, so each teacher appears
once per skill it teaches. A selected module needing (s, l) sits after it: ``x[i] ⇒ r[i] > a[s, l]``;
a named module prerequisite ``p``: ``x[i] ⇒ x[p] ∧ r[i] > r[p]``. Size: one term per (teacher, skill)
and one constraint per (module, prerequisite) — against one link per (module, prerequisite, teacher)
in the former pairwise model (:mod:`curriculum.planner.pairwise`).

Exact (same feasible sets, same optimum): the rounds of the learner's fixpoint (round 0: the modules
whose prerequisites the learner meets; round k: those met once rounds < k are done) satisfy these
constraints, and sorting any solution by round gives an order in which every prerequisite is met
earlier. ``R`` only needs to exceed the number of fixpoint rounds of a selected set: every round after
the first needs a (skill, level) or a named module first reached in the round before, so
``R = min(candidates, needed keys + 1)``.

A redundant constraint makes the LP relaxation see through a module that would teach its own
prerequisite (a chain of levels: teaches s at 3, needs s at 2): the first selected teacher of
(s, l) does not itself need s at l or above, so ``x[i] ≤ Σ x[t]`` over those teachers ``t`` for each
module ``i`` needing (s, l).
"""

from __future__ import annotations

from curriculum.cpsat import cp_model

from curriculum.planner.candidates import Candidates
from curriculum.planner.select import SelectionProblem, base_of


def build_model(problem: SelectionProblem, c: Candidates) -> tuple[cp_model.CpModel, dict[int, cp_model.IntVar]] | None:
    """The selection model over the candidates of ``c`` and its ``x`` variables (by module index);
    None when a gap or a missing certification has no candidate at all (infeasible, nothing to solve)."""
    g, alive = c.graph, c.alive
    ids = c.indexes
    model = cp_model.CpModel()
    x = {m: model.new_bool_var(f"x_{g.ids[m]}") for m in ids}
    for key in g.targets:
        teachers = [x[t] for t in g.teachers[key] if alive[t]]
        if not teachers:
            return None
        model.add_bool_or(teachers)

    needed = sorted({key for m in ids for key in g.needs[m]})
    rounds = max(1, min(len(ids), len(needed) + 1))
    r: dict[int, cp_model.LinearExprT] = {}  # a selected module's round
    late: dict[int, cp_model.LinearExprT] = {}  # its round if selected, ``rounds`` or more if not
    for m in ids:
        if g.needs[m]:
            r[m] = model.new_int_var(1, rounds - 1, f"r_{g.ids[m]}") if rounds > 1 else 0
            late[m] = r[m] + rounds * (1 - x[m])
            if rounds == 1:  # no round after the first: nothing can meet its prerequisites
                model.add(x[m] == 0)
        else:
            r[m] = 0
            late[m] = rounds * (1 - x[m])

    available: dict[int, cp_model.LinearExprT] = {}
    mins: list[tuple[cp_model.IntVar, list, bool]] = []  # (var, terms, is a sum): var = min or sum of terms
    first: dict[int, cp_model.LinearExprT] = {}  # how many selected teachers of a key do not need it
    wanted = set(needed)
    for keys in g.skill_keys.values():
        if not wanted.intersection(keys):
            continue
        lowest = min(k for k in keys if k in wanted)
        above: cp_model.LinearExprT | None = None
        for key in reversed(keys):  # highest level first
            if key < lowest:
                break
            terms = ([above] if above is not None else []) + [late[t] for t in g.band[key] if alive[t]]
            if not terms:
                continue
            if len(terms) == 1:
                above = terms[0]
            else:
                above = model.new_int_var(0, 2 * rounds, f"a_{key}")
                model.add_min_equality(above, terms)
                mins.append((above, terms, False))
            available[key] = above
    for key in needed:
        if g.keys[key][0] == "module":
            continue
        firsts = [x[t] for t in g.teachers[key] if alive[t] and key not in g.needs_down[t]]
        if len(firsts) > 1:
            count = model.new_int_var(0, len(firsts), f"n_{key}")
            model.add(count == sum(firsts))
            first[key] = count
            mins.append((count, firsts, True))
        else:
            first[key] = firsts[0] if firsts else 0

    for m in ids:
        for key in g.needs[m]:
            kind, value = g.keys[key]
            if kind == "module":
                p = g.position.get(value, -1)
                if p < 0 or not alive[p]:
                    model.add(x[m] == 0)
                    continue
                model.add_implication(x[m], x[p])
                model.add(r[m] >= r[p] + 1).only_enforce_if(x[m])
                continue
            if key not in available:  # nobody teaches it
                model.add(x[m] == 0)
                continue
            model.add(r[m] >= available[key] + 1).only_enforce_if(x[m])
            model.add(first[key] >= x[m])

    for m, teachers in c.windows:  # a hard deadline: a teacher of each need that can end before m starts
        if alive[m]:
            model.add(sum(x[t] for t in teachers if alive[t]) >= x[m])
    for refused in problem.forbidden:  # a no-good cut: not this set again, nor any set holding it
        at = [g.position.get(i, -1) for i in refused]
        if all(p >= 0 and alive[p] for p in at):
            model.add(sum(x[p] for p in at) <= len(at) - 1)
    if problem.hours_cap is not None:
        model.add(sum(c.hours10[m] * x[m] for m in ids) <= int(problem.hours_cap * 10))
    if problem.budget_cap is not None:
        model.add(sum(c.eur[m] * x[m] for m in ids) <= int(problem.budget_cap))
    model.minimize(sum(base_of(c.weight[m]) * x[m] for m in ids))  # solve_selection puts the preference tier first
    if c.hint:  # a valid plan: the solver's first solution. Not also "objective ≤ its value": with
        # that constraint OR-Tools 9.15 (symmetry_level 0 or cp_model_probing_level 0) returned a worse
        # plan as optimal on small problems (tests/planner/test_formulations.py found two)
        _complete_hint(model, g, ids, x, r, late, mins, set(c.hint), rounds)
    return model, x


def _complete_hint(model: cp_model.CpModel, g, ids: list[int], x: dict, r: dict, late: dict, mins: list,
                   chosen: set[int], rounds: int) -> None:
    """Hint every variable, not only ``x``: the plan's modules at their fixpoint rounds within the plan, the
    others at round 1, and each "available from" and count at the value its definition gives. With ``x``
    alone CP-SAT spent most of a dense solve completing the hint (11 of 16 s on a 20,000-module
    catalogue); a complete, feasible hint is its first solution at once."""
    level: dict[int, int] = {}  # module → its round in the plan
    brought: dict[int, int] = {}  # key → the earliest round after which the plan brings it
    missing = {m: len(g.needs[m]) for m in chosen}
    ready = sorted(m for m, k in missing.items() if k == 0)
    waiting: dict[int, int] = {m: 0 for m in chosen}  # the latest round a need of m was met
    while ready:
        nxt: list[int] = []
        for m in ready:
            level[m] = waiting[m] + 1 if g.needs[m] else 0
        for m in ready:
            for key in g.brings[m]:
                if key in brought:
                    continue
                brought[key] = level[m]
                for d in g.dependants[key]:
                    if d in missing:
                        missing[d] -= 1
                        waiting[d] = max(waiting[d], level[m])
                        if missing[d] == 0:
                            nxt.append(d)
        ready = sorted(nxt)
    if len(level) != len(chosen) or max(level.values(), default=0) >= rounds:
        for m in ids:  # not a plan this model can hold as it is: hint the selection only
            model.add_hint(x[m], m in chosen)
        return
    value: dict[int, int] = {}  # variable index → hinted value
    for m in ids:
        value[x[m].index] = int(m in chosen)
        if not isinstance(r[m], int):
            value[r[m].index] = level.get(m, 1)

    late_of = {id(expr): m for m, expr in late.items()}

    def evaluate(expr) -> int:
        if isinstance(expr, int):
            return expr
        m = late_of.get(id(expr))
        if m is not None:  # a module's round if selected, ``rounds`` more if not
            return (level.get(m, 1) if g.needs[m] else 0) + rounds * (m not in chosen)
        return value[expr.index]
    for var, terms, is_sum in mins:
        values = [evaluate(t) for t in terms]
        value[var.index] = sum(values) if is_sum else min(values)
    for index, v in value.items():
        model.add_hint(model.get_int_var_from_proto_index(index), v)
