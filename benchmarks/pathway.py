"""Benchmark of the learner pathway (issue #2): index time, plan time per learner, memory.

Prints Markdown tables. Not a test: run it by hand, copy the table into the README.

    python benchmarks/pathway.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.learners import load_learner  # noqa: E402
from curriculum.services import Workspace  # noqa: E402
from curriculum.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--learners", type=Path, default=ROOT / "tests" / "data" / "eval" / "learners")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="curriculum-bench-"))
    settings = Settings.from_env(data_dir=data_dir, kb_dir=ROOT / "knowledge_base")

    t0 = time.perf_counter()
    ws = Workspace.open(settings)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    from curriculum.retrieval.embeddings import default_embeddings
    default_embeddings()
    model_s = time.perf_counter() - t0
    cold = ws.build_index()
    warm = ws.build_index()
    print("| step | seconds | records |")
    print("|---|---:|---:|")
    print(f"| load knowledge base ({len(ws.catalogue.modules)} modules, {len(ws.catalogue.jobs)} jobs, "
          f"{len(ws.catalogue.taxonomy)} skills) | {load_s:.2f} | |")
    print(f"| load MiniLM embedding model | {model_s:.2f} | |")
    for r in cold:
        print(f"| index cold: {r.collection} | {r.seconds:.2f} | {r.added} |")
    for r in warm:
        print(f"| index again, nothing changed: {r.collection} | {r.seconds:.2f} | {r.unchanged} unchanged |")

    files = sorted(args.learners.glob("*.yaml"))
    print()
    print("| learner | feasible | steps | hours | EUR | plan p50 (s) | plan max (s) | peak Python memory (MiB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    allt = []
    for f in files:
        profile = load_learner(f)
        if not profile.skills and (profile.expect or {}).get("learner_has_all_required"):
            continue
        ws.plan(profile, file=str(f))  # warm caches (places table, skill vectors)
        times = []
        tracemalloc.start()
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            path = ws.plan(profile, file=str(f))
            times.append(time.perf_counter() - t0)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        allt += times
        print(f"| {profile.id} | {path.feasible} | {len(path.steps)} | {path.total_hours:g} | {path.total_cost_eur:,.0f} | "
              f"{statistics.median(times):.3f} | {max(times):.3f} | {peak:.1f} |")
    allt.sort()
    print(f"\nall plans: p50 {statistics.median(allt):.3f} s, p95 {allt[int(0.95 * (len(allt) - 1))]:.3f} s "
          f"over {len(allt)} runs")


if __name__ == "__main__":
    main()
