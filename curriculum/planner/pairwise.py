"""The first CP-SAT selection model, with pairwise prerequisite links (kept as a reference only).

:func:`solve_selection_pairwise` is :func:`curriculum.planner.select.solve_selection` as it was
before the linear model of :mod:`curriculum.planner.model`: every module scans every other module
for each of its prerequisites, and each (dependant, teacher) pair gets a Boolean link and an order
constraint, so the model grows with the square of a dense catalogue. It is exact, and it is what the
exactness tests (``tests/planner/test_formulations.py``) and the before/after benchmark
(``benchmarks/plan_quality.py --formulations``) compare the linear model against. The application
never calls it.
"""

from __future__ import annotations

from curriculum.cpsat import cp_model

from curriculum.models import Module
from curriculum.planner.select import (FEASIBLE, INFEASIBLE, OPTIMAL, TIMEOUT, WALL_CLOCK_FACTOR, SelectionProblem,
                                       SelectionResult, _canonical_order, _limit_hit, _solver, _weight, base_of,
                                       penalty_of, solve_lexicographic,
                                       teacher_index)


def relevant_modules_scan(modules: dict[str, Module], gaps: list[tuple[str, int]], certs: list[str],
                          held: dict[str, int]) -> dict[str, Module]:
    """The former ``relevant_modules``: gap teachers and certification awarders (by a full scan), plus
    (transitively) the teachers of their unmet prerequisites."""
    index = teacher_index(modules)
    wanted: set[str] = set()
    for skill, level in gaps:
        wanted.update(mid for lvl, mid in index.get(skill, []) if lvl >= level)
    wanted.update(m.id for m in modules.values() if m.certification is not None and m.certification.code in certs)
    frontier = list(wanted)
    while frontier:
        m = modules[frontier.pop()]
        extra = {mid for p in m.prerequisites.skills if held.get(p.skill, 0) < p.level
                 for lvl, mid in index.get(p.skill, []) if lvl >= p.level}
        extra.update(p for p in m.prerequisites.modules if p in modules)
        for mid in extra - wanted:
            wanted.add(mid)
            frontier.append(mid)
    return {i: modules[i] for i in sorted(wanted)}


def prune_dominated_groups(mods: dict[str, Module], problem: SelectionProblem) -> dict[str, Module]:
    """The former dominance rule: drop modules that another module with the same outcomes, prerequisites, certification and
    modality matches or beats on every objective term (preferred, hours, cost, travel).

    Many providers run the same course: without this, interchangeable copies multiply the solver's
    prerequisite links. The optimum is unchanged for every objective (each is a weighted sum of
    these terms). Modules named as explicit prerequisites are always kept.
    """
    named = {p for m in mods.values() for p in m.prerequisites.modules}
    groups: dict[tuple, list[Module]] = {}
    for m in mods.values():
        key = (frozenset((o.skill, o.level) for o in m.outcomes),
               frozenset((p.skill, p.level) for p in m.prerequisites.skills), tuple(sorted(m.prerequisites.modules)),
               m.certification.code if m.certification else None, m.modality, m.language)
        groups.setdefault(key, []).append(m)

    def terms(m: Module) -> tuple:
        return (not problem.preferred.get(m.id, True), m.duration_hours, m.cost_eur, problem.distance_km.get(m.id) or 0.0)

    kept: dict[str, Module] = {}
    for members in groups.values():
        members.sort(key=lambda m: (terms(m), m.id))
        front: list[Module] = []
        for m in members:
            t = terms(m)
            if m.id in named or not any(all(a <= b for a, b in zip(terms(f), t)) for f in front):
                front.append(m)
        kept.update((m.id, m) for m in front)
    return {i: mods[i] for i in sorted(kept)}


def solve_selection_pairwise(problem: SelectionProblem, time_limit: float = 10.0,
                             candidates: object = None) -> SelectionResult:
    """The former selection (same inputs, statuses and determinism as ``solve_selection``)."""
    mods = relevant_modules_scan(problem.modules, problem.gaps, problem.certification_gaps, problem.held)
    mods = prune_dominated_groups(mods, problem)
    ids = list(mods)
    n = len(ids)
    model = cp_model.CpModel()
    x = {i: model.new_bool_var(f"x_{i}") for i in ids}
    pos = {i: model.new_int_var(0, max(n, 1), f"pos_{i}") for i in ids}

    for skill, level in problem.gaps:
        teachers = [x[i] for i in ids if mods[i].teaches(skill) >= level]
        if not teachers:
            return SelectionResult(INFEASIBLE)
        model.add_bool_or(teachers)
    for code in problem.certification_gaps:
        awarding = [x[i] for i in ids if mods[i].certification and mods[i].certification.code == code]
        if not awarding:
            return SelectionResult(INFEASIBLE)
        model.add_bool_or(awarding)

    for i in ids:
        m = mods[i]
        for pre in m.prerequisites.skills:
            if problem.held.get(pre.skill, 0) >= pre.level:
                continue
            teachers = [t for t in ids if t != i and mods[t].teaches(pre.skill) >= pre.level]
            if not teachers:
                model.add(x[i] == 0)
                continue
            links = []
            for t in teachers:
                y = model.new_bool_var(f"y_{i}_{t}_{pre.skill[-8:]}")
                model.add_implication(y, x[t])
                model.add(pos[t] < pos[i]).only_enforce_if(y)
                links.append(y)
            model.add(sum(links) >= x[i])
        for p in m.prerequisites.modules:
            if p not in x:
                model.add(x[i] == 0)
                continue
            model.add_implication(x[i], x[p])
            model.add(pos[p] < pos[i]).only_enforce_if(x[i])

    hours10 = {i: int(round(mods[i].duration_hours * 10)) for i in ids}
    cost = {i: int(round(mods[i].cost_eur)) for i in ids}
    if problem.hours_cap is not None:
        model.add(sum(hours10[i] * x[i] for i in ids) <= int(problem.hours_cap * 10))
    if problem.budget_cap is not None:
        model.add(sum(cost[i] * x[i] for i in ids) <= int(problem.budget_cap))
    def tune(solver: cp_model.CpSolver) -> None:  # the CP-SAT defaults it ran with
        solver.parameters.linearization_level = 1
        solver.parameters.cp_model_probing_level = 2
        solver.parameters.symmetry_level = 2

    weights = {i: _weight(problem, mods[i], hours10[i], cost[i]) for i in ids}
    scale = sum(base_of(w) for w in weights.values()) + 1  # one objective, exact, as it ran (small problems)
    if sum(penalty_of(w) for w in weights.values()) * scale + scale < 2**62:
        model.minimize(sum(x[i] * (penalty_of(w) * scale + base_of(w)) for i, w in weights.items()))
        solver = _solver(time_limit, time_limit * WALL_CLOCK_FACTOR + 1.0)
        tune(solver)
        status = solver.solve(model)
    else:
        solver, status = solve_lexicographic(model, [(x[i], w) for i, w in weights.items()], time_limit, tune)
    if status == cp_model.INFEASIBLE:
        return SelectionResult(INFEASIBLE)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.MODEL_INVALID:
            raise ValueError("selection model invalid: " + model.validate())
        return SelectionResult(TIMEOUT, limit=_limit_hit(solver, time_limit), time_limit=time_limit)
    chosen = [i for i in ids if solver.value(x[i])]
    order = _canonical_order(chosen, mods, problem.held)
    optimal = status == cp_model.OPTIMAL
    return SelectionResult(OPTIMAL if optimal else FEASIBLE, order,
                           round(sum(mods[i].duration_hours for i in order), 1),
                           round(sum(mods[i].cost_eur for i in order), 2),
                           limit=None if optimal else _limit_hit(solver, time_limit),
                           time_limit=time_limit)
