"""Benchmark: cohort programmes of 12, 100 and 1,000 generated people on the shipped catalogue.

Members live in towns where shipped modules are taught (coordinates from the catalogue), target the
shipped jobs, hold 0–3 of the job's required skills (ESCO URIs, levels 1–3), 4–10 h/week, radius
30–80 km, programme 2027-01-04 → 2027-12-17, groups of 4–12. Each size runs in a fresh process
(peak memory = max RSS, MB; ``seconds`` wall clock, ``cpu_s`` process CPU time — on a shared machine
the wall time includes waiting for a core). Savings: EUR (individual plans − programme) and teaching hours.

    python benchmarks/cohort.py [--sizes 12 100 1000] [--no-reuse]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(n: int, catalogue, seed: int = 7) -> list:
    """``n`` members near the catalogue's places, toward its jobs (deterministic for a seed)."""
    from curriculum.cohort.models import CohortMember
    from curriculum.models import HeldSkill

    rng = random.Random(seed)
    places = sorted({(p.city, p.postcode, p.lat, p.lon) for m in catalogue.modules.values() for p in m.places})
    jobs = sorted(catalogue.jobs.values(), key=lambda j: j.id)
    out = []
    for i in range(n):
        job = rng.choice(jobs)
        city, postcode, lat, lon = rng.choice(places)
        held = rng.sample(job.required_skills, k=min(len(job.required_skills), rng.randint(0, 3)))
        out.append(CohortMember(
            row=i + 2, learner_id=f"P{i:05d}", company=f"Company {i % 3 + 1}", city=city, postcode=postcode,
            lat=lat, lon=lon, skills=[HeldSkill(uri=r.skill, level=rng.randint(1, 3)) for r in held],
            certifications=rng.choice([[], [], ["B0"], ["BR"]]), hours_per_week=rng.choice([4, 6, 8, 10]),
            target_job=job.id, mobility_km=rng.choice([30, 50, 80]), budget_eur=None))
    return out


def run_one(n: int, reuse: bool) -> dict:
    """Plan ``n`` generated people; returns the measured figures."""
    import datetime as dt

    from curriculum.cohort.models import ProgrammeSettings
    from curriculum.cohort.planner import plan_cohort
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    ws = Workspace.open(Settings.from_env(llm_model=""))
    settings = ProgrammeSettings(start=dt.date(2027, 1, 4), end=dt.date(2027, 12, 17), group_min=4, group_max=12,
                                 budget_per_head_eur=15000, use_embeddings=False)
    members = generate(n, ws.catalogue)
    t0, c0 = time.perf_counter(), time.process_time()
    prog = plan_cohort(ws, members, settings, reuse_plans=reuse)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    t = prog.totals
    return {"people": n, "seconds": round(seconds, 1), "cpu_s": round(cpu, 1), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "planned": t["members"], "plans_computed": t["plans_computed"], "unreachable": len(prog.unreachable),
            "core_modules": len(prog.core_modules), "group_sessions": len(prog.sessions),
            "individual_eur": t["individual_cost_eur"], "programme_eur": t["cost_total_eur"], "saved_eur": t["savings_eur"],
            "teaching_h_individual": t["individual_teaching_hours"], "teaching_h_programme": t["teaching_hours"],
            "saved_h": t["hours_saved"], "violations": t["path_violations"],
            "max_fill": max((len(g.members) / g.seats for g in prog.sessions), default=0)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[12, 100, 1000])
    ap.add_argument("--no-reuse", action="store_true", help="plan every member (no reuse of identical plans)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, not args.no_reuse)))
        return
    rows = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--no-reuse"] if args.no_reuse else [])
        res = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(f"{r[c]:,}" if isinstance(r[c], (int, float)) else str(r[c]) for c in cols) + " |")


if __name__ == "__main__":
    main()
