"""Where to open training sessions (what-if): :func:`build_problem`, :func:`solve`, exact by CP-SAT.

Given a region and N sessions to open, choose which modules to open in which of the region's basins so that the
most *difficult recruitment projects* left unmet by the reachable training (:mod:`curriculum.territory.report`)
get covered. The model, stated exactly (what "optimal" refers to):

- **Demand**: for each basin ``d`` of the region and each family ``f`` (jobs sharing FAP codes), ``u[d, f]`` = the
  family's ``unmet_difficult`` in the basin report (difficult projects beyond the seats reachable; all of them
  when no job of the family has a complete programme within reach). Withheld figures count for their published
  part only.
- **Candidates**: a session of module ``m`` (needing travel: in person, blended, work-study; not a refresher, which
  only those already certified may take) held at
  the centroid of a basin ``b`` of the region, ``seats`` seats (default 12), cost ``cost_eur`` (default the
  module's price per learner × seats, EUR), in one of the next ``quarters`` quarters: ``k[m, b]`` in 0…quarters
  sessions, ``Σ k ≤ N``, optionally ``Σ cost·k ≤ budget``. Only modules about a job of a family with unmet demand
  (:meth:`~curriculum.territory.supply.SupplyIndex.about`) or teaching something a programme lacks are candidates.
- **Reach**: a session at ``b`` serves basin ``d`` when the centroids are within the radius (km).
- **Completion**: job ``j``'s programme in ``d`` is complete (as in the report), or becomes complete when, for
  every essential skill (at its level) and mandatory certification no reachable module teaches, an opened
  session within reach teaches it (prerequisites of the opened modules are not re-checked).
- **Coverage**: each opened session's seats go to served (basin, family) pairs whose family has a complete job
  the module is about (``a[m, b, d, f]``, at most ``seats × k[m, b]`` in all: a seat is counted once, unlike the
  report's per-basin view). A job completed by the opened sessions also brings its existing reachable seats
  beyond those its family already counted. ``covered[d, f] = min(u[d, f], assigned + brought)``.
- **Objective**: maximise Σ covered; among the optima, the least cost (a second solve with the coverage fixed).

CP-SAT proves the optimum (``status`` OPTIMAL) or stops at ``time_limit`` with the best found and its bound.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from curriculum.cpsat import cp_model

from curriculum.errors import InputError
from curriculum.geo import distance_km
from curriculum.rules.apply import cert_skill
from curriculum.territory.report import DEFAULT_RADIUS_KM, Territory

DEFAULT_SEATS = 12
DEFAULT_QUARTERS = 4
RANDOM_SEED = 16
TIME_LIMIT_S = 120.0
"""Seconds for each of the two solves (coverage, then cost); beyond it the best found is returned with its bound."""
WORKERS = 8
"""CP-SAT's portfolio: Hauts-de-France with N = 3 is proved optimal in about 50 s with 8 workers on 2 cores, not
within 130 s with 1 or 2 (the LP relaxation of completing a programme is weak)."""


@dataclass
class Demand:
    """Unmet difficult projects ``unmet`` of a family (FAP codes, job ids) in a basin, and what its incomplete
    jobs lack: job id → (requirements no reachable module teaches as pseudo-skill keys, seats brought once
    complete beyond those the family counts)."""

    basin: str
    basin_name: str
    fap_codes: list[str]
    jobs: list[str]
    unmet: int
    complete: set[str]
    lacking: dict[str, tuple[list[tuple[str, int]], int]]


@dataclass
class Candidate:
    """A session of ``module`` at basin ``host``: seats and cost (EUR) per session, basins served (code → km)."""

    module: str
    title: str
    host: str
    host_name: str
    seats: int
    cost_eur: int
    serves: dict[str, float]
    about: set[str]  # job ids the module is about


@dataclass
class Problem:
    """A what-if instance: demands, candidates and the region's facts (see the module docstring)."""

    region: dict
    radius_km: float
    start: dt.date
    demands: list[Demand]
    candidates: list[Candidate]
    teaches: dict[int, set[tuple[str, int]]]  # candidate index → requirements (pseudo-skill, level) it teaches
    source: str = ""
    quarters: list[str] = field(default_factory=list)


def _quarters(start: dt.date, n: int) -> list[str]:
    q = (start.month - 1) // 3 + 1
    out, year = [], start.year
    for _ in range(n):
        q += 1
        if q > 4:
            q, year = 1, year + 1
        out.append(f"{year}-Q{q}")
    return out


def build_problem(view: Territory, region_ref: str, radius_km: float = DEFAULT_RADIUS_KM,
                  start: dt.date | None = None, *, seats: int = DEFAULT_SEATS, session_cost_eur: float | None = None,
                  quarters: int = DEFAULT_QUARTERS, modules: set[str] | None = None) -> Problem:
    """The what-if instance of a region (``modules``: restrict the candidate modules to these ids).

    Raises
    ------
    InputError
        Unknown region (``--region``), seats or quarters below 1 (``--seats``, ``--quarters``).
    """
    if seats < 1:
        raise InputError("a session needs at least 1 seat", field="--seats")
    if quarters < 1:
        raise InputError("give at least 1 quarter", field="--quarters")
    start = start or dt.date.today()
    code, name, basins = view.demand.region(region_ref)
    reports = {b.code: view.basin(b, radius_km, start, modules=False) for b in basins}
    placed = [b for b in basins if not reports[b.code]["warnings"]]  # placed inside the area covered
    jobs = view.catalogue.jobs
    demands: list[Demand] = []
    for b in placed:
        report = reports[b.code]
        by_job = {j["job_id"]: j for j in report["jobs"]}
        for fam in report["families"]:
            if fam["unmet_difficult"] <= 0:
                continue
            complete = {i for i in fam["jobs"] if by_job[i]["programme_complete"]}
            lacking = {}
            for i in fam["jobs"]:
                entry = by_job[i]
                if entry["programme_complete"]:
                    continue
                needs = [(s["skill"], s["required_level"]) for s in entry["skills_untaught"]]
                needs += [(cert_skill(c), 1) for c in entry["certifications_untaught"]]
                extra = max(0, entry["seats_reachable"] - fam["seats_reachable"])
                lacking[i] = (needs, extra) if needs else ([("unreachable:" + i, 1)], extra)
            demands.append(Demand(b.code, b.name, fam["fap_codes"], fam["jobs"], fam["unmet_difficult"], complete,
                                  lacking))
    wanted_jobs = {i for d in demands for i in d.jobs}
    wanted_keys = {k for d in demands for needs, _ in d.lacking.values() for k in needs}
    index = view.supply.index
    about = {i: view.supply.about(jobs[i]) for i in wanted_jobs}
    candidates: list[Candidate] = []
    teaches: dict[int, set[tuple[str, int]]] = {}
    for mid, module in view.catalogue.modules.items():
        if not module.modality.needs_travel or (modules is not None and mid not in modules) \
                or (module.certification is not None and module.certification.renewal):  # refreshers need it held
            continue
        for_jobs = {i for i in wanted_jobs if about[i](mid)}
        taught = {(s, lvl) for s, lvl in wanted_keys if mid in index.teaching(s, lvl)}
        if not for_jobs and not taught:
            continue
        cost = round(session_cost_eur if session_cost_eur is not None else module.cost_eur * seats)
        for host in placed:
            serves = {d.code: round(distance_km((host.lat, host.lon), (d.lat, d.lon)), 1) for d in placed
                      if distance_km((host.lat, host.lon), (d.lat, d.lon)) <= radius_km}
            teaches[len(candidates)] = taught
            candidates.append(Candidate(mid, module.title, host.code, host.name, seats, cost, serves, for_jobs))
    return Problem({"code": code, "name": name}, radius_km, start, demands, candidates, teaches,
                   view.demand.source, _quarters(start, quarters))


def prune(problem: Problem, sessions: int) -> Problem:
    """``problem`` without the candidates that cannot be needed for ``sessions`` sessions: a candidate is dropped
    when it serves no basin whose families it could help (about no job that is or can be made complete there with
    at most ``sessions`` sessions, teaching nothing such a job lacks), or when ``r`` others *dominate* it — serve a
    superset of its basins, are about a superset of its jobs, teach a superset of what it teaches, cost no more —
    with ``r = ⌈sessions / quarters⌉`` (each holds up to ``quarters`` sessions, so r of them can take every session
    the dropped one would have held). Exact: an optimum using a dropped candidate becomes one using its
    dominators, covering as much for no more cost."""
    r = math.ceil(sessions / max(1, len(problem.quarters)))
    cands, teaches = problem.candidates, problem.teaches
    # per demand: the jobs whose programme is complete or can be completed by at most ``sessions`` sessions
    reachable = []
    for d in problem.demands:
        parts = {j: [set(needs) & teaches[c] for c, cand in enumerate(cands) if d.basin in cand.serves]
                 for j, (needs, _) in d.lacking.items()}
        open_jobs = set(d.complete) | {j for j, (needs, _) in d.lacking.items()
                                       if _least_cover(set(needs), [x for x in parts[j] if x], sessions) is not None}
        keys = {key for j in open_jobs - d.complete for key in d.lacking[j][0]}
        reachable.append((d.basin, open_jobs, keys))
    useful = [c for c, cand in enumerate(cands) if any(basin in cand.serves and (jobs & cand.about or keys & teaches[c])
                                                       for basin, jobs, keys in reachable)]
    sig = {c: (frozenset(cands[c].serves), frozenset(cands[c].about), frozenset(teaches[c])) for c in useful}
    order = sorted(useful, key=lambda c: (cands[c].cost_eur, -len(sig[c][0]), -len(sig[c][1]), -len(sig[c][2]), c))
    kept: list[int] = []
    for c in order:  # a dominator costs no more, so it comes first in this order (ties: by index)
        serves, about, taught = sig[c]
        dominators = sum(1 for o in kept if cands[o].cost_eur <= cands[c].cost_eur and serves <= sig[o][0]
                         and about <= sig[o][1] and taught <= sig[o][2])
        if dominators < r:
            kept.append(c)
    kept.sort()
    return Problem(problem.region, problem.radius_km, problem.start, problem.demands, [cands[c] for c in kept],
                   {k: teaches[c] for k, c in enumerate(kept)}, problem.source, problem.quarters)


@dataclass
class Solution:
    """The sessions chosen (``k`` per candidate index), each demand's coverage, seats assigned and the cost."""

    status: str
    covered: int
    bound: int
    cost_eur: int
    k: dict[int, int]
    assigned: dict[tuple[int, int], int]  # (candidate, demand) → seats
    brought: dict[int, int]  # demand → seats brought by completed jobs
    completed: dict[int, list[str]]  # demand → job ids the opened sessions complete
    seconds: float


def solve(problem: Problem, sessions: int, *, budget_eur: float | None = None, time_limit: float = TIME_LIMIT_S,
          workers: int = WORKERS) -> Solution:
    """The optimal choice of at most ``sessions`` sessions for ``problem`` (see the module docstring): first the
    most difficult projects covered, then the least cost, then the fewest sessions, then the candidates first in
    ``problem.candidates`` (so that the answer does not depend on the solver's workers). ``time_limit`` in
    seconds for each of the two solves; ``workers``: CP-SAT's portfolio of search workers.

    Raises
    ------
    InputError
        ``sessions`` below 1 (``--sessions``) or a negative budget (``--budget-eur``).
    """
    if sessions < 1:
        raise InputError("open at least 1 session", field="--sessions")
    if budget_eur is not None and budget_eur < 0:
        raise InputError("the budget is negative", field="--budget-eur")
    q = len(problem.quarters)
    model = cp_model.CpModel()
    cands, dems = problem.candidates, problem.demands
    k = {c: model.new_int_var(0, min(q, sessions), f"k{c}") for c in range(len(cands))}
    opened = {c: model.new_bool_var(f"o{c}") for c in k}
    for c in k:
        model.add(k[c] >= 1).only_enforce_if(opened[c])
        model.add(k[c] == 0).only_enforce_if(~opened[c])
    model.add(sum(k.values()) <= sessions)
    if budget_eur is not None:
        model.add(sum(cands[c].cost_eur * k[c] for c in k) <= math.floor(budget_eur))
    covered, assigned, brought, done = {}, {}, {}, {}
    for d, dem in enumerate(dems):
        usable = set(dem.complete)
        bonus = []
        for job, (needs, extra) in dem.lacking.items():
            c_var = model.new_bool_var(f"c{d}_{job}")
            helpers = {c: set(needs) & problem.teaches[c] for c in k if dem.basin in cands[c].serves}
            helpers = {c: part for c, part in helpers.items() if part}
            least = _least_cover(set(needs), list(helpers.values()), sessions)
            if least is None:  # not even ``sessions`` sessions can complete it
                model.add(c_var == 0)
            else:
                for key in needs:
                    model.add(c_var <= sum(opened[c] for c, part in helpers.items() if key in part))
                # redundant, for the LP: completing takes at least ``least`` opened helpers, and their shares
                model.add(sum(opened[c] for c in helpers) >= least * c_var)
                model.add(sum(len(part) * opened[c] for c, part in helpers.items()) >= len(needs) * c_var)
            done[(d, job)] = c_var
            bonus.append(extra * c_var)
        b_var = model.new_int_var(0, dem.unmet, f"b{d}")
        model.add(b_var <= sum(bonus))  # bonus: [] sums to 0
        brought[d] = b_var
        flows = []
        for c, cand in enumerate(cands):
            if dem.basin not in cand.serves:
                continue
            jobs = [j for j in dem.jobs if j in cand.about]
            if not jobs:
                continue
            a = model.new_int_var(0, min(dem.unmet, cand.seats * q), f"a{c}_{d}")
            if not any(j in usable for j in jobs):  # seats count only for a job whose programme gets complete
                model.add(a <= cand.seats * q * sum(done[(d, j)] for j in jobs if (d, j) in done))
            assigned[(c, d)] = a
            flows.append(a)
        cov = model.new_int_var(0, dem.unmet, f"v{d}")
        model.add(cov <= sum(flows) + b_var)
        covered[d] = cov
    for c, cand in enumerate(cands):
        uses = [a for (cc, _), a in assigned.items() if cc == c]
        if uses:
            model.add(sum(uses) <= cand.seats * k[c])
    total = sum(covered.values())
    model.maximize(total)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    seconds = solver.wall_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InputError(f"no choice of sessions found within {time_limit:g} s", field="--sessions")
    best, bound, first = int(solver.objective_value), int(solver.best_objective_bound), status
    model.add(total >= best)  # then the least cost among those optima
    rank = len(cands) + 1  # cost, then sessions, then the first candidates: one optimum whatever the workers
    model.minimize(sum(cands[c].cost_eur * k[c] for c in k) * (sessions + 1) * rank * rank
                   + sum(k.values()) * rank * rank + sum((c + 1) * k[c] for c in k))
    model.clear_hints()
    for c in k:
        model.add_hint(k[c], solver.value(k[c]))
    status = solver.solve(model)
    seconds += solver.wall_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InputError(f"no choice of sessions found within {time_limit:g} s", field="--sessions")
    name = "OPTIMAL" if first == cp_model.OPTIMAL and status == cp_model.OPTIMAL else "FEASIBLE"
    return Solution(name, best, bound, sum(cands[c].cost_eur * solver.value(k[c]) for c in k),
                    {c: solver.value(v) for c, v in k.items() if solver.value(v)},
                    {key: solver.value(a) for key, a in assigned.items() if solver.value(a)},
                    {d: solver.value(b) for d, b in brought.items() if solver.value(b)},
                    {d: [j for (dd, j), v in done.items() if dd == d and solver.value(v)] for d in range(len(dems))
                     if any(dd == d and solver.value(v) for (dd, _), v in done.items())}, round(seconds, 3))


def _least_cover(needs: set, parts: list[set], most: int) -> int | None:
    """The fewest ``parts`` whose union holds ``needs`` (at most ``most``; None beyond): exact, over the distinct
    maximal parts."""
    from itertools import combinations

    distinct = {frozenset(p) for p in parts}
    maximal = [p for p in distinct if not any(p < q for q in distinct)]
    for size in range(1, most + 1):
        if any(frozenset().union(*combo) >= needs for combo in combinations(maximal, size)):
            return size
    return None


def result(problem: Problem, solution: Solution, sessions: int) -> dict:
    """JSON-ready answer: ``{"region", "sessions_allowed", "radius_km", "status", "covered_difficult",
    "unmet_difficult_before", "unmet_difficult_after", "cost_eur", "sessions": [{"module_id", "title", "basin":
    {"code", "name"}, "quarter", "seats", "cost_eur", "covers": [{"basin", "fap_codes", "jobs",
    "difficult_projects"}], "completes": [{"basin", "job_id"}]}], "uncovered": [...], "model", "source"}``."""
    dems = problem.demands
    rows = []
    for c, count in sorted(solution.k.items(), key=lambda kv: (problem.candidates[kv[0]].host, kv[0])):
        cand = problem.candidates[c]
        completes = [{"basin": dems[d].basin_name, "job_id": j} for d, jobs in solution.completed.items()
                     for j in jobs if any(key in problem.teaches[c] for key in dems[d].lacking[j][0])
                     and dems[d].basin in cand.serves]
        # the seats assigned to this module at this basin, filled into its sessions one after the other
        pending = [[d, n] for (cc, d), n in sorted(solution.assigned.items()) if cc == c]
        for n in range(count):
            covers, room = [], cand.seats
            while pending and room:
                d, left = pending[0]
                take = min(left, room)
                covers.append({"basin": dems[d].basin_name, "fap_codes": dems[d].fap_codes, "jobs": dems[d].jobs,
                               "difficult_projects": take})
                room -= take
                pending[0][1] -= take
                if not pending[0][1]:
                    pending.pop(0)
            rows.append({"module_id": cand.module, "title": cand.title,
                         "basin": {"code": cand.host, "name": cand.host_name}, "quarter": problem.quarters[n],
                         "seats": cand.seats, "cost_eur": cand.cost_eur, "covers": covers,
                         "completes": completes})
    got: dict[int, int] = {}
    for (_, d), n in solution.assigned.items():
        got[d] = got.get(d, 0) + n
    uncovered = []
    for d, dem in enumerate(dems):
        left = dem.unmet - min(dem.unmet, got.get(d, 0) + solution.brought.get(d, 0))
        if left:
            uncovered.append({"basin": dem.basin_name, "fap_codes": dem.fap_codes, "jobs": dem.jobs,
                              "unmet_difficult": left})
    before = sum(d.unmet for d in dems)
    return {"region": problem.region, "sessions_allowed": sessions, "radius_km": problem.radius_km,
            "as_of": problem.start.isoformat(), "status": solution.status, "covered_difficult": solution.covered,
            "bound": solution.bound, "unmet_difficult_before": before,
            "unmet_difficult_after": before - solution.covered, "cost_eur": solution.cost_eur,
            "candidates": len(problem.candidates), "seconds": solution.seconds, "sessions": rows,
            "brought_by_completion": sum(solution.brought.values()),
            "uncovered": sorted(uncovered, key=lambda u: -u["unmet_difficult"]),
            "model": "CP-SAT: maximise difficult projects covered by the opened sessions' seats (each seat once) "
                     "and by programmes they complete, then the least cost; see curriculum/territory/open_sessions.py",
            "source": problem.source}
