"""The former pairwise selection model against the linear one (``plan_quality.py --before N``).

Each learner is planned again with :mod:`curriculum.planner.pairwise` in a forked child process stopped
after a cap; before/after plan times (wall and CPU) and whether the plans agree are printed as a Markdown
table. Not a test.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile
from curriculum.planner.pathway import plan_pathway
from curriculum.retrieval.skill_mapping import SkillMapper


def _ms(values: list[float]) -> str:
    """p50 / p95 / max of ``values`` in seconds."""
    from benchmarks.plan_calendar import pct

    return f"{pct(values, 50):.3f} / {pct(values, 95):.3f} / {max(values):.3f}" if values else "–"


def _plan_before(learner: LearnerProfile, job: Job, catalogue: Catalogue, mapper: SkillMapper, data_dir: str,
                 conn) -> None:
    """In a forked child: plan with the former pairwise model and send (wall, CPU, plan) back."""
    from curriculum.planner import joint  # where plan_pathway solves its selections (since d802c06)
    from curriculum.planner.pairwise import solve_selection_pairwise

    joint.solve_selection = solve_selection_pairwise
    t0, c0 = time.perf_counter(), time.process_time()
    path = plan_pathway(learner, job, catalogue, mapper, cache_dir=data_dir)
    conn.send((time.perf_counter() - t0, time.process_time() - c0,
               (tuple(sorted(s.module_id for s in path.steps)), path.feasible, path.optimal)))
    conn.close()


@dataclass
class BeforeAfter:
    name: str
    modules: int
    cap: float
    before_wall: list[float] = field(default_factory=list)
    before_cpu: list[float] = field(default_factory=list)
    after_wall: list[float] = field(default_factory=list)
    after_cpu: list[float] = field(default_factory=list)
    over_cap: int = 0
    before_not_optimal: int = 0
    after_not_optimal: int = 0
    both_optimal: int = 0
    same_plan: int = 0


def run_before(res, catalogue: Catalogue,  # noqa: ANN001 (res: plan_quality.SetResult)
               mapper: SkillMapper, cases: list[tuple[LearnerProfile, Job]],
               data_dir: str, n: int, cap: float, load: list[float]) -> BeforeAfter:
    """The first ``n`` learners of ``res`` planned again with the pairwise model (a forked child each,
    killed after ``cap`` s); after-figures are ``res``'s for the same learners."""
    ctx = multiprocessing.get_context("fork")
    out = BeforeAfter(res.name, res.modules, cap)
    for k, (learner, job) in enumerate(cases[:n]):
        load.append(os.getloadavg()[0])
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_plan_before, args=(learner, job, catalogue, mapper, data_dir, child))
        proc.start()
        child.close()
        got = parent.recv() if parent.poll(cap) else None
        if got is None:
            proc.kill()
        proc.join()
        after = res.plans[k]
        out.after_wall.append(res.times[k])
        out.after_cpu.append(res.cpu[k])
        out.after_not_optimal += not after[2]
        if got is None:
            out.over_cap += 1
            continue
        wall, cpu, before = got
        out.before_wall.append(wall)
        out.before_cpu.append(cpu)
        out.before_not_optimal += not before[2]
        if before[2] and after[2]:
            out.both_optimal += 1
            out.same_plan += before == after
    return out


def print_before_after(rows: list[BeforeAfter], load: list[float]) -> None:
    print("\n### Selection model: pairwise links (before) vs linear (after), same learners, plan_pathway in-process\n")
    print("| set | modules | plans | before wall p50 / p95 / max (s) | before CPU p50 / p95 / max (s) | "
          "before over the cap | before not proven optimal | after wall p50 / p95 / max (s) | "
          "after CPU p50 / p95 / max (s) | after not proven optimal | same plan (both optimal) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        over = f"{r.over_cap} (> {r.cap:g} s)" if r.over_cap else "0"
        before_wall = _ms(r.before_wall) if not r.over_cap else f"> {r.cap:g} s for {r.over_cap}; others {_ms(r.before_wall)}"
        print(f"| {r.name} | {r.modules:,} | {len(r.after_wall)} | {before_wall} | {_ms(r.before_cpu)} | {over} | "
              f"{r.before_not_optimal} | {_ms(r.after_wall)} | {_ms(r.after_cpu)} | {r.after_not_optimal} | "
              f"{r.same_plan} of {r.both_optimal} |")
    if load:
        print(f"\nload average (1 min) during the before runs: {min(load):.1f}–{max(load):.1f} on {os.cpu_count()} CPUs")
