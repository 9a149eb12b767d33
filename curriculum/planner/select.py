"""Module selection as a small exact optimisation (OR-Tools CP-SAT).

Decision: which eligible modules to take, and in which order.

* every coverable essential skill gap (skill, level) is closed by at least one selected module;
* every missing mandatory certification is awarded by a selected module;
* every prerequisite skill (skill, level) of a selected module is held by the learner or taught,
  at that level, by a selected module placed **earlier** (order variables make this exact, so
  prerequisite cycles can never be selected); explicit module prerequisites likewise;
* optional caps: total hours ≤ ``hours_cap``; total cost ≤ ``budget_cap`` (EUR).

Objective, lexicographic through weights: fewest modules outside the preferred modalities, then
fewest modules in another language than the learner's, then fewest hours, then lowest cost, then
shortest travel.

Deterministic: one search worker, a fixed seed and a *deterministic* time limit (CP-SAT's work
counter, not the clock), so the same problem gives the same selection on every run and machine
(for a given OR-Tools version), and the order is derived from the selected set alone. A wall-clock
limit stays as a generous safety net only. Stopping at a limit is a status
(``feasible``: best found, not proven optimal; ``timeout``: nothing found), never ``infeasible``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from curriculum.models import Module

W_NONPREFERRED = 10**12
W_OTHER_LANGUAGE = 10**10
W_HOUR_TENTH = 10**6
W_EUR = 10
OPTIMAL, FEASIBLE, INFEASIBLE, TIMEOUT = "optimal", "feasible", "infeasible", "timeout"
RANDOM_SEED = 2027
WALL_CLOCK_FACTOR = 3.0  # the wall-clock safety net: time_limit × this + 1 s


@dataclass
class SelectionProblem:
    """Inputs of a selection.

    ``gaps`` are (skill id, required level) pairs to close; ``held`` maps skill id → level 0–4;
    ``distance_km`` and ``preferred`` are per module id.
    """

    modules: dict[str, Module]
    gaps: list[tuple[str, int]]
    certification_gaps: list[str]
    held: dict[str, int]
    preferred: dict[str, bool] = field(default_factory=dict)
    distance_km: dict[str, float] = field(default_factory=dict)
    hours_cap: float | None = None
    budget_cap: float | None = None
    objective: str = "hours"  # hours | cost | hours_any (preferred modalities ignored) | travel | in_person
    language: str | None = None  # the learner's language: modules in another language come after


@dataclass
class SelectionResult:
    """A selection and how the solver ended.

    ``status``: ``optimal`` (proven best); ``feasible`` (a limit was reached: the best selection
    found, not proven optimal); ``timeout`` (a limit was reached before any selection was found:
    nothing is known about feasibility); ``infeasible`` (proven: no selection meets the constraints).
    ``order``: the selected module ids in a valid order. ``limit``: which limit stopped the solver
    (``deterministic`` or ``wall_clock``; ``None`` when it finished) and ``time_limit`` its budget.
    """

    status: str
    order: list[str] = field(default_factory=list)
    hours: float = 0.0
    cost_eur: float = 0.0
    limit: str | None = None
    time_limit: float | None = None

    @property
    def found(self) -> bool:
        """True when a selection was found."""
        return self.status in (OPTIMAL, FEASIBLE)

    @property
    def timed_out(self) -> bool:
        """True when the solver stopped at a limit (with or without a selection)."""
        return self.status in (FEASIBLE, TIMEOUT) and self.limit is not None


def teacher_index(modules: dict[str, Module]) -> dict[str, list[tuple[int, str]]]:
    """skill id → [(level taught, module id)], highest level first."""
    index: dict[str, list[tuple[int, str]]] = {}
    for m in modules.values():
        for o in m.outcomes:
            index.setdefault(o.skill, []).append((o.level, m.id))
    for v in index.values():
        v.sort(reverse=True)
    return index


def achievable_levels(modules: dict[str, Module], held: dict[str, int]) -> tuple[dict[str, int], set[str]]:
    """Fixpoint of what the learner could reach with ``modules``: (skill → best level, usable module ids).

    A module is usable once its prerequisites are reachable; coverage is monotone, so a gap is
    coverable iff its required level is reachable here (exact, no solver needed).
    """
    levels = dict(held)
    usable: set[str] = set()
    pending = dict(modules)
    changed = True
    while changed:
        changed = False
        for mid, m in list(pending.items()):
            if all(levels.get(p.skill, 0) >= p.level for p in m.prerequisites.skills) and \
                    all(p in usable for p in m.prerequisites.modules):
                usable.add(mid)
                del pending[mid]
                changed = True
                for o in m.outcomes:
                    if levels.get(o.skill, 0) < o.level:
                        levels[o.skill] = o.level
    return levels, usable


def relevant_modules(modules: dict[str, Module], gaps: list[tuple[str, int]], certs: list[str],
                     held: dict[str, int], index: dict[str, list[tuple[int, str]]] | None = None) -> dict[str, Module]:
    """Modules that close a gap or award a missing certification, plus (transitively) those that
    teach their unmet prerequisites."""
    index = index if index is not None else teacher_index(modules)
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


OBJECTIVES = ("hours", "cost", "hours_any", "travel", "in_person")


def _weight(problem: SelectionProblem, m: Module, hours10: int, cost: int) -> int:
    """Per-module objective weight: preferred modality first, then the chosen objective's order."""
    km = int(problem.distance_km.get(m.id) or 0)
    w = 0 if problem.objective == "hours_any" else W_NONPREFERRED * (0 if problem.preferred.get(m.id, True) else 1)
    if problem.language and m.language != problem.language:
        w += W_OTHER_LANGUAGE
    if problem.objective == "cost":
        return w + cost * W_HOUR_TENTH + hours10 * W_EUR + km
    if problem.objective == "travel":
        return w + km * W_HOUR_TENTH + hours10 * W_EUR + cost
    if problem.objective == "in_person":
        remote = 0 if m.modality.value == "in_person" else hours10
        return w + remote * W_HOUR_TENTH + hours10 * W_EUR + cost
    return w + hours10 * W_HOUR_TENTH + cost * W_EUR + km


def prune_dominated(mods: dict[str, Module], problem: SelectionProblem) -> dict[str, Module]:
    """Drop modules that another module with the same outcomes, prerequisites, certification and
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


def _canonical_order(chosen: list[str], mods: dict[str, Module], held: dict[str, int]) -> list[str]:
    """A prerequisite-respecting order of ``chosen`` that depends on the set only: repeatedly the
    smallest id among the modules whose prerequisites are met (levels only grow, so this never
    gets stuck when some valid order exists)."""
    levels = dict(held)
    done: set[str] = set()
    remaining = sorted(chosen)
    order: list[str] = []
    while remaining:
        ready = next((i for i in remaining
                      if all(levels.get(p.skill, 0) >= p.level for p in mods[i].prerequisites.skills)
                      and all(p in done for p in mods[i].prerequisites.modules)), None)
        if ready is None:  # cannot happen for a solver-checked selection; keep the rest as it is
            return order + remaining
        order.append(ready)
        done.add(ready)
        remaining.remove(ready)
        for o in mods[ready].outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
    return order


def _solver(deterministic_s: float, wall_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: no thread scheduling in the result
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.max_deterministic_time = max(deterministic_s, 0.0)
    solver.parameters.max_time_in_seconds = max(wall_s, 0.0)
    return solver


def solve_selection(problem: SelectionProblem, time_limit: float = 10.0) -> SelectionResult:
    """Solve the selection; infeasible and time-out are statuses, not exceptions.

    ``time_limit`` is CP-SAT's deterministic time (about seconds on a typical machine, independent of
    load); the wall clock stops the solver only after ``time_limit × 3 + 1`` s, a safety net for
    the rare model whose deterministic time runs slower than the clock. One worker and a fixed seed:
    the same problem gives the same selection, and the order is derived from the set alone.
    """
    mods = relevant_modules(problem.modules, problem.gaps, problem.certification_gaps, problem.held)
    mods = prune_dominated(mods, problem)
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
    model.minimize(sum(x[i] * _weight(problem, mods[i], hours10[i], cost[i]) for i in ids))

    solver = _solver(time_limit, time_limit * WALL_CLOCK_FACTOR + 1.0)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return SelectionResult(INFEASIBLE)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # UNKNOWN: stopped at a limit with nothing found
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


def _limit_hit(solver: cp_model.CpSolver, time_limit: float) -> str:
    """Which limit stopped the solver: its deterministic budget, or the wall-clock safety net."""
    return "deterministic" if solver.response_proto.deterministic_time >= time_limit * 0.999 else "wall_clock"
