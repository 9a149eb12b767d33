"""Benchmark: the territory view of every BMO basin of France against the shipped catalogue.

Loads the shipped knowledge base and the shipped BMO 2024 extract, then reports every basin (406, of which 404
placed; 11 jobs; radius 50 km; sessions counted from 2026-12-01) twice in the same process: *cold* (the planner's
catalogue indexes and every standard programme built on the way) and *warm* (programmes cached per catalogue).
Also one region (Hauts-de-France, 28 basins) in a fresh cache. Wall-clock seconds (the machine's other work
included) and process CPU seconds; ``plans``: distinct standard programmes planned. With ``--what-if N``, also
the what-if of Hauts-de-France (``territory open-sessions --sessions N``): candidates before and after pruning,
status, difficult projects covered, seconds.

    python benchmarks/territory.py [--radius-km 50] [--what-if 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radius-km", type=float, default=50.0)
    parser.add_argument("--what-if", type=int, nargs="*", default=[], metavar="N")
    args = parser.parse_args()
    import tempfile

    from curriculum.services import Workspace
    from curriculum.settings import Settings
    from curriculum.territory import supply as supply_module
    from curriculum.territory.demand import load_demand
    from curriculum.territory.report import Territory

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ws = Workspace.open(Settings.from_env(data_dir=Path(tmp), kb_dir=ROOT / "knowledge_base", llm_model=""))
        demand = load_demand(None)
        load_s = time.perf_counter() - started
        rows = []

        def run(label: str, basins) -> None:
            view = Territory(ws.catalogue, ws.mapper(False), demand)
            wall, cpu = time.perf_counter(), time.process_time()
            unmet = sum(view.basin(b, args.radius_km, AS_OF, modules=False)["unmet_difficult"] for b in basins)
            rows.append((label, len(basins), time.perf_counter() - wall, time.process_time() - cpu,
                         len(view.supply._plans), unmet))

        every = list(demand.basins.values())
        run("all basins, cold", every)
        run("all basins, warm", every)
        supply_module._INDEXES.clear()
        run("Hauts-de-France, cold programmes", demand.region("32")[2])
        what_if = []
        for n in args.what_if:
            from curriculum.territory.open_sessions import build_problem, prune, solve

            view = Territory(ws.catalogue, ws.mapper(False), demand)
            wall, cpu = time.perf_counter(), time.process_time()
            problem = build_problem(view, "32", args.radius_km, AS_OF)
            small = prune(problem, n)
            solution = solve(small, n)
            what_if.append((n, len(problem.candidates), len(small.candidates), solution.status, solution.covered,
                            sum(d.unmet for d in problem.demands), solution.cost_eur,
                            time.perf_counter() - wall, time.process_time() - cpu))
    print(f"catalogue {len(ws.catalogue.modules)} modules, {len(ws.catalogue.jobs)} jobs; BMO {demand.year} extract "
          f"{len(demand.basins)} basins; load {load_s:.2f} s; radius {args.radius_km:g} km\n")
    print("| run | basins | wall s | CPU s | plans | unmet difficult projects |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, n, wall, cpu, plans, unmet in rows:
        print(f"| {label} | {n} | {wall:.2f} | {cpu:.2f} | {plans} | {unmet:,} |")
    if what_if:
        print("\n| what-if, Hauts-de-France | candidates | after pruning | status | covered / unmet | cost EUR "
              "| wall s | CPU s |\n| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
        for n, cands, kept, status, got, unmet, cost, wall, cpu in what_if:
            print(f"| N = {n} | {cands} | {kept} | {status} | {got} / {unmet:,} | {cost:,} | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
