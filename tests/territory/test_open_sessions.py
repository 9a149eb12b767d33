"""The what-if (where to open sessions): CP-SAT's answer checked against brute force over every choice, and the CLI."""

from __future__ import annotations

import itertools
import json
from collections import deque

import pytest
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.errors import InputError
from curriculum.territory.open_sessions import build_problem, prune, result, solve
from curriculum.territory.report import Territory
from tests.territory.conftest import AS_OF, COMMUNES, GEO, WORKBOOK

MODULES = {"ev-habilitation-b2tl", "weld-controle-visuel-defauts-soudures", "hse-habilitation-electrique-bc",
           "maint-tp-technicien-maintenance-industrielle-alternance", "weld-tig-141-soudage-tig",
           "weld-mig-mag-131-135"}
"""A small instance (6 modules × 6 basins): completions (B2TL, TIG), seats, an expensive long course."""


@pytest.fixture(scope="module")
def view(territory_workspace, sample_demand) -> Territory:
    return Territory(territory_workspace.catalogue, territory_workspace.mapper(False), sample_demand)


def _max_flow(capacity: dict[tuple, int], source, sink) -> int:
    """Edmonds–Karp on a dict of arc capacities (independent of the solver)."""
    residual: dict = {}
    for (u, v), cap in capacity.items():
        residual.setdefault(u, {}).setdefault(v, 0)
        residual[u][v] += cap
        residual.setdefault(v, {}).setdefault(u, 0)
    flow = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, cap in residual[u].items():
                if cap > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        path, v = [], sink
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        push = min(residual[u][v] for u, v in path)
        for u, v in path:
            residual[u][v] -= push
            residual[v][u] += push
        flow += push


def covered(problem, choice: dict[int, int]) -> int:
    """The model's coverage of a fixed choice (candidate → sessions), computed directly: which jobs the opened
    sessions complete, the seats they bring, then the most seats assignable (a maximum flow)."""
    opened = {c for c, n in choice.items() if n}
    total, arcs = 0, {}
    for d, dem in enumerate(problem.demands):
        done = {j for j, (needs, _) in dem.lacking.items()
                if all(any(key in problem.teaches[c] and dem.basin in problem.candidates[c].serves for c in opened)
                       for key in needs)}
        bonus = min(dem.unmet, sum(dem.lacking[j][1] for j in done))
        total += bonus
        arcs[(("d", d), "t")] = dem.unmet - bonus
        usable = dem.complete | done
        for c in opened:
            cand = problem.candidates[c]
            if dem.basin in cand.serves and cand.about & usable:
                arcs[(("c", c), ("d", d))] = 10 ** 6
    for c in opened:
        arcs[("s", ("c", c))] = problem.candidates[c].seats * choice[c]
    return total + _max_flow(arcs, "s", "t")


@pytest.mark.parametrize("sessions", [1, 2, 3])
def test_cp_sat_is_optimal_against_every_choice(view, sessions) -> None:
    problem = build_problem(view, "Hauts-de-France", 50, AS_OF, modules=MODULES)
    assert len(problem.candidates) == len(MODULES) * 6 and problem.demands
    best = 0
    cands = range(len(problem.candidates))
    for size in range(1, sessions + 1):  # every multiset of at most ``sessions`` sessions
        for combo in itertools.combinations_with_replacement(cands, size):
            choice = {c: combo.count(c) for c in set(combo)}
            if max(choice.values()) <= len(problem.quarters):
                best = max(best, covered(problem, choice))
    solution = solve(prune(problem, sessions), sessions)
    assert solution.status == "OPTIMAL" and solution.covered == best > 0
    # the sessions it opens cover what it says (evaluated directly)
    pruned = prune(problem, sessions)
    assert covered(pruned, solution.k) == best
    assert sum(solution.k.values()) <= sessions


def test_each_session_says_what_it_covers(view) -> None:
    problem = prune(build_problem(view, "32", 50, AS_OF), 3)
    answer = result(problem, solve(problem, 3), 3)
    assert answer["status"] == "OPTIMAL" and len(answer["sessions"]) <= 3
    assert answer["covered_difficult"] == answer["unmet_difficult_before"] - answer["unmet_difficult_after"]
    seats_used = sum(c["difficult_projects"] for s in answer["sessions"] for c in s["covers"])
    assert seats_used + answer["brought_by_completion"] >= answer["covered_difficult"]
    for s in answer["sessions"]:
        assert sum(c["difficult_projects"] for c in s["covers"]) <= s["seats"]
        assert s["covers"] or s["completes"]  # every session opened adds something
    left = sum(u["unmet_difficult"] for u in answer["uncovered"])
    assert left == answer["unmet_difficult_after"]
    with pytest.raises(InputError) as err:
        solve(problem, 0)
    assert err.value.field == "--sessions"


def test_budget_and_cost_tie_break(view) -> None:
    problem = build_problem(view, "32", 50, AS_OF, modules=MODULES)
    free = solve(prune(problem, 3), 3)
    cheap = solve(prune(problem, 3), 3, budget_eur=free.cost_eur - 1)
    assert cheap.cost_eur < free.cost_eur and cheap.covered <= free.covered


def test_cli_open_sessions_json(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CURRICULUM_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    imported = runner.invoke(app, ["territory", "import-bmo", str(WORKBOOK), "--communes", str(COMMUNES),
                                   "--geo", str(GEO)])
    assert imported.exit_code == 0, imported.output
    out = runner.invoke(app, ["territory", "open-sessions", "--region", "Hauts-de-France", "--sessions", "3",
                              "--format", "json", "--as-of", AS_OF.isoformat()])
    assert out.exit_code == 0, out.output
    answer = json.loads(out.stdout)
    assert answer["status"] == "OPTIMAL" and 1 <= len(answer["sessions"]) <= 3
    for s in answer["sessions"]:
        assert {"module_id", "basin", "quarter", "seats", "cost_eur", "covers", "completes"} <= set(s)
        assert s["basin"]["code"] in {"3201", "3204", "3218", "3220", "3221", "3227"}
    text = runner.invoke(app, ["territory", "open-sessions", "--region", "32", "-n", "2", "--as-of",
                               AS_OF.isoformat()])
    assert text.exit_code == 0 and "proved optimal" in text.stdout
    bad = runner.invoke(app, ["territory", "open-sessions", "--region", "Atlantis", "-n", "2"])
    assert bad.exit_code == 2 and "--region" in bad.output
