"""Plan quality and speed of the CP-SAT planner against the greedy baseline (issue: planner quality).

Prints Markdown tables; not a test. Three learner sets:

* ``eval`` — the learner cases of ``tests/data/eval/learners`` on the shipped knowledge base (labels are
  mapped with the embedding fallback, so the first run loads MiniLM and builds a throw-away Chroma
  index in a temporary data dir);
* ``shipped`` — generated learners (``benchmarks/synthetic.py``) targeting the shipped jobs, living
  near the shipped module places;
* ``synthetic-5000`` — generated learners on a generated 5,000-module catalogue;
* ``dense`` (``--dense``) — generated learners on dense generated catalogues of 3,000, 5,000 and
  20,000 modules (``benchmarks/synthetic.py``: ≈ 25 teachers per skill, shared transversal
  prerequisites, chains of levels, prerequisite cycles — the shape of real ESCO-tagged course
  catalogues, where the former pairwise model exploded). The greedy baseline is skipped there (its
  recursive prerequisite search does not finish on them).

``--before N`` also plans the first N learners of each set with the former pairwise selection model
(:mod:`curriculum.planner.pairwise`), each in a forked child process stopped after ``--before-cap``
seconds (reported as "> cap"), and prints before/after plan times (wall and CPU) and whether the
plans agree. ``--cli`` times whole ``curriculum plan`` processes on a dense 3,000-module catalogue
written as a knowledge-base folder.

For each set: coverage of essential skills (share of essential requirements reached), violations
found by :func:`~curriculum.planner.check.path_violations`, feasible share, hours CP-SAT / greedy
where both plans are feasible, plan time (``time.perf_counter`` around ``plan_pathway`` only, after
a warm-up plan), and peak memory (tracemalloc, in a separate pass so it does not slow the timed one;
plus the process's max RSS).

Run from the repository root::

    python benchmarks/plan_quality.py                      # 200 + 200 generated learners, ~5 min
    python benchmarks/plan_quality.py --learners 50 --skip-eval
    python -m cProfile -s cumtime benchmarks/plan_quality.py --learners 20 --skip-eval --only synthetic-5000
    python benchmarks/plan_quality.py --skip-eval --only synthetic-5000 --dense --before 10 --cli
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import (learner_yaml, make_catalogue, make_dense_catalogue, make_learners,  # noqa: E402
                                  write_knowledge_base)
from curriculum.knowledge.catalogue import Catalogue  # noqa: E402
from curriculum.learners import parse_learner  # noqa: E402
from curriculum.models import Job, LearnerProfile, LearningPath  # noqa: E402
from curriculum.planner.check import path_violations  # noqa: E402
from curriculum.planner.greedy import plan_greedy  # noqa: E402
from curriculum.planner.pathway import map_profile, plan_pathway, resolve_job  # noqa: E402
from curriculum.retrieval.skill_mapping import SkillMapper  # noqa: E402


@dataclass
class SetResult:
    name: str
    modules: int
    learners: int = 0
    essential_total: int = 0
    essential_reached: dict[str, int] = field(default_factory=lambda: {"cpsat": 0, "greedy": 0})
    violations: dict[str, int] = field(default_factory=lambda: {"cpsat": 0, "greedy": 0})
    feasible: dict[str, int] = field(default_factory=lambda: {"cpsat": 0, "greedy": 0})
    ratios: list[float] = field(default_factory=list)
    both_zero: int = 0
    above_preferred: int = 0  # CP-SAT hours > greedy's with fewer modules outside the preferred modalities
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    optimal: list[bool] = field(default_factory=list)
    plans: list[tuple] = field(default_factory=list)  # (module ids, feasible, optimal) per learner
    greedy: bool = True
    greedy_times: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    rows: list[str] = field(default_factory=list)


def reached(path: LearningPath) -> dict[str, int]:
    """Skill levels at the end of ``path``."""
    levels = dict(path.start_skills)
    for step in path.steps:
        for skill, level in step.outcomes.items():
            levels[skill] = max(levels.get(skill, 0), level)
    return levels


def non_preferred(path: LearningPath, learner: LearnerProfile) -> int:
    """Steps outside the learner's preferred modalities (CP-SAT minimises this before hours)."""
    return sum(s.modality not in learner.preferred_modalities for s in path.steps)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def run_set(name: str, catalogue: Catalogue, mapper: SkillMapper, cases: list[tuple[LearnerProfile, Job]],
            data_dir: str, per_learner: bool = False, mem_sample: int = 20, greedy: bool = True) -> SetResult:
    res = SetResult(name, len(catalogue.modules), greedy=greedy)
    for learner, _ in cases:  # warm the mapper's cache (embedding look-ups for free-text skills)
        map_profile(learner, mapper)
    plan_pathway(cases[0][0], cases[0][1], catalogue, mapper, cache_dir=data_dir)  # warm-up
    if greedy:
        plan_greedy(cases[0][0], cases[0][1], catalogue, mapper, cache_dir=data_dir)
    for learner, job in cases:
        t0, c0 = time.perf_counter(), time.process_time()
        opt = plan_pathway(learner, job, catalogue, mapper, cache_dir=data_dir)
        res.times.append(time.perf_counter() - t0)
        res.cpu.append(time.process_time() - c0)
        res.optimal.append(opt.optimal)
        res.plans.append((tuple(sorted(s.module_id for s in opt.steps)), opt.feasible, opt.optimal))
        if not greedy:
            res.learners += 1
            essentials = [r for r in job.required_skills if r.essential]
            res.essential_total += len(essentials)
            levels = reached(opt)
            res.essential_reached["cpsat"] += sum(levels.get(r.skill, 0) >= r.level for r in essentials)
            res.violations["cpsat"] += len(path_violations(opt, catalogue, job, learner))
            res.feasible["cpsat"] += opt.feasible
            continue
        t0 = time.perf_counter()
        greedy_path = plan_greedy(learner, job, catalogue, mapper, cache_dir=data_dir)
        res.greedy_times.append(time.perf_counter() - t0)
        res.learners += 1
        essentials = [r for r in job.required_skills if r.essential]
        res.essential_total += len(essentials)
        for key, path in (("cpsat", opt), ("greedy", greedy_path)):
            levels = reached(path)
            res.essential_reached[key] += sum(levels.get(r.skill, 0) >= r.level for r in essentials)
            res.violations[key] += len(path_violations(path, catalogue, job, learner))
            res.feasible[key] += path.feasible
        if opt.feasible and greedy_path.feasible:
            if greedy_path.total_hours > 0:
                res.ratios.append(opt.total_hours / greedy_path.total_hours)
                if opt.total_hours > greedy_path.total_hours and \
                        non_preferred(opt, learner) < non_preferred(greedy_path, learner):
                    res.above_preferred += 1
            else:
                res.both_zero += 1
        if per_learner:
            cov = sum(reached(opt).get(r.skill, 0) >= r.level for r in essentials)
            res.rows.append(f"| {learner.id} | {job.id} | {opt.feasible} | {len(opt.steps)} | {opt.total_hours:g} | "
                            f"{greedy_path.feasible} | {greedy_path.total_hours:g} | {cov}/{len(essentials)} | "
                            f"{len(path_violations(opt, catalogue, job, learner))} | {res.times[-1]:.3f} |")
    tracemalloc.start()
    for learner, job in cases[:mem_sample]:
        plan_pathway(learner, job, catalogue, mapper, cache_dir=data_dir)
    res.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return res


def eval_cases(catalogue: Catalogue, folder: Path) -> list[tuple[LearnerProfile, Job]]:
    """The eval learners; a profile expecting ``learner_has_all_required`` gets the job's skills
    (as ``tests/test_eval_learners.py`` does)."""
    out = []
    for f in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        job = resolve_job(catalogue, data["target_job"])
        if (data.get("expect") or {}).get("learner_has_all_required"):
            data["skills"] = [{"uri": r.skill, "level": r.level} for r in job.required_skills]
            data["certifications"] = [f"Habilitation {c}" for c in job.mandatory_certifications]
        out.append((parse_learner(yaml.safe_dump(data, allow_unicode=True), file=str(f)), job))
    return out


def _ms(values: list[float]) -> str:
    """p50 / p95 / max of ``values`` in seconds."""
    return f"{pct(values, 50):.3f} / {pct(values, 95):.3f} / {max(values):.3f}" if values else "–"


def print_tables(results: list[SetResult]) -> None:
    print("\n### Plan quality (CP-SAT vs greedy baseline)\n")
    print("| set | modules | learners | essential coverage CP-SAT / greedy | violations CP-SAT / greedy | "
          "feasible CP-SAT / greedy | both feasible (h>0) | mean hours CP-SAT/greedy | share CP-SAT ≤ greedy | "
          "CP-SAT > greedy, explained by fewer non-preferred modules |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        cov = {k: 100 * v / max(r.essential_total, 1) for k, v in r.essential_reached.items()}
        feas = {k: 100 * v / max(r.learners, 1) for k, v in r.feasible.items()}
        ratio = f"{statistics.mean(r.ratios):.3f}" if r.ratios else "–"
        share = f"{100 * sum(x <= 1 + 1e-9 for x in r.ratios) / len(r.ratios):.1f}%" if r.ratios else "–"
        if not r.greedy:
            print(f"| {r.name} | {r.modules:,} | {r.learners} | {cov['cpsat']:.1f}% / – | {r.violations['cpsat']} / – | "
                  f"{feas['cpsat']:.1f}% / – | – | – | – | – |")
            continue
        print(f"| {r.name} | {r.modules:,} | {r.learners} | {cov['cpsat']:.1f}% / {cov['greedy']:.1f}% | "
              f"{r.violations['cpsat']} / {r.violations['greedy']} | {feas['cpsat']:.1f}% / {feas['greedy']:.1f}% | "
              f"{len(r.ratios)} | {ratio} | {share} | "
              f"{r.above_preferred} of {sum(x > 1 + 1e-9 for x in r.ratios)} |")
    print("\n### Plan time and memory (plan_pathway only, after a warm-up)\n")
    print("| set | modules | plans | CP-SAT wall p50 / p95 / max (s) | CP-SAT CPU p50 / p95 / max (s) | proven optimal | "
          "greedy p50 (s) | greedy p95 (s) | peak traced memory, 20 plans (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        greedy = f"{pct(r.greedy_times, 50):.3f} | {pct(r.greedy_times, 95):.3f}" if r.greedy_times else "– | –"
        print(f"| {r.name} | {r.modules:,} | {len(r.times)} | {_ms(r.times)} | {_ms(r.cpu)} | "
              f"{sum(r.optimal)} of {len(r.optimal)} | {greedy} | {r.peak_mib:.1f} |")
    print(f"\nprocess max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs "
          "(wall-clock times grow with load; CPU time counts every CP-SAT thread)")


def _plan_before(learner: LearnerProfile, job: Job, catalogue: Catalogue, mapper: SkillMapper, data_dir: str,
                 conn) -> None:
    """In a forked child: plan with the former pairwise model and send (wall, CPU, plan) back."""
    from curriculum.planner import pathway
    from curriculum.planner.pairwise import solve_selection_pairwise

    pathway.solve_selection = solve_selection_pairwise
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


def run_before(res: SetResult, catalogue: Catalogue, mapper: SkillMapper, cases: list[tuple[LearnerProfile, Job]],
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


def run_cli(seed: int, n: int, data_dir: str) -> None:
    """Whole ``curriculum plan`` processes on a dense 3,000-module catalogue written as a knowledge-base
    folder (``--kb``): wall and CPU time of each process (its children included)."""
    folder = Path(tempfile.mkdtemp(prefix="curriculum-dense-kb-"))
    cat = make_dense_catalogue(3000, seed, n_jobs=40)
    t0 = time.perf_counter()
    write_knowledge_base(cat, folder / "kb")
    write_s = time.perf_counter() - t0
    env = {**os.environ, "CURRICULUM_DATA_DIR": data_dir}
    rows = []
    for k, learner in enumerate(make_learners(n, cat, seed + 1)):
        profile = folder / f"learner-{k}.yaml"
        profile.write_text(learner_yaml(learner), encoding="utf-8")
        before = os.times()
        t0 = time.perf_counter()
        done = subprocess.run(["curriculum", "plan", "--kb", str(folder / "kb"), "-l", str(profile), "-f", "json",
                               "-o", str(folder / f"plan-{k}.json")], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        plan = json.loads((folder / f"plan-{k}.json").read_text()) if done.returncode == 0 else {}
        rows.append((learner.id, done.returncode, wall, cpu, plan.get("feasible"), plan.get("optimal"),
                     (plan.get("provenance") or {}).get("plan_seconds"), len(plan.get("steps", []))))
    print(f"\n### Whole process: `curriculum plan --kb` on a dense 3,000-module knowledge base (written in {write_s:.1f} s)\n")
    print("| learner | exit | wall (s) | CPU (s) | feasible | optimal | plan_seconds | steps |")
    print("|---|---:|---:|---:|---|---|---:|---:|")
    for row in rows:
        print("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row) + " |")
    walls = [r[2] for r in rows]
    print(f"\nwall p50 / max: {pct(walls, 50):.2f} / {max(walls):.2f} s; load average at the end: "
          f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=200, help="generated learners per set")
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--skills", type=int, default=1000, help="skills of the generated catalogue")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--skip-eval", action="store_true", help="skip the eval learners (no embedding model)")
    parser.add_argument("--only", choices=["eval", "shipped", "synthetic-5000", "dense"], action="append")
    parser.add_argument("--dense", action="store_true", help="add the dense generated catalogues (--dense-sizes)")
    parser.add_argument("--dense-sizes", default="3000,5000,20000", help="module counts of the dense catalogues")
    parser.add_argument("--dense-learners", type=int, default=40, help="generated learners per dense catalogue")
    parser.add_argument("--before", type=int, default=0, metavar="N",
                        help="also plan the first N learners of each set with the former pairwise model")
    parser.add_argument("--before-cap", type=float, default=60.0, help="seconds before a pairwise plan is stopped")
    parser.add_argument("--cli", action="store_true", help="time whole `curriculum plan` processes on a dense "
                        "3,000-module knowledge-base folder")
    parser.add_argument("--eval-dir", type=Path, default=ROOT / "tests" / "data" / "eval" / "learners")
    args = parser.parse_args()
    wanted = set(args.only or ["eval", "shipped", "synthetic-5000"]) | ({"dense"} if args.dense else set())
    wanted -= {"eval"} if args.skip_eval else set()
    data_dir = tempfile.mkdtemp(prefix="curriculum-bench-")
    results: list[SetResult] = []
    before: list[BeforeAfter] = []
    load: list[float] = []

    def add(res: SetResult, cat: Catalogue, mapper: SkillMapper, cases: list[tuple[LearnerProfile, Job]]) -> None:
        results.append(res)
        if args.before:
            before.append(run_before(res, cat, mapper, cases, data_dir, args.before, args.before_cap, load))

    if wanted & {"eval", "shipped"}:
        from curriculum.services import Workspace
        from curriculum.settings import Settings

        ws = Workspace.open(Settings.from_env(data_dir=Path(data_dir), kb_dir=ROOT / "knowledge_base", llm_model=""))
        if "eval" in wanted and args.eval_dir.is_dir():
            mapper = ws.mapper(use_embeddings=True)
            cases = eval_cases(ws.catalogue, args.eval_dir)
            res = run_set("eval (8 learners)", ws.catalogue, mapper, cases, data_dir, per_learner=True)
            print("### Eval learners (shipped knowledge base)\n")
            print("| learner | job | feasible | steps | hours | greedy feasible | greedy hours | essential covered | "
                  "violations | plan (s) |")
            print("|---|---|---|---:|---:|---|---:|---:|---:|---:|")
            print("\n".join(res.rows))
            add(res, ws.catalogue, mapper, cases)
        if "shipped" in wanted:
            learners = make_learners(args.learners, ws.catalogue, args.seed)
            mapper = ws.mapper(use_embeddings=False)
            cases = [(lr, ws.catalogue.jobs[lr.target_job]) for lr in learners]
            add(run_set("shipped catalogue", ws.catalogue, mapper, cases, data_dir), ws.catalogue, mapper, cases)
    if "synthetic-5000" in wanted:
        t0 = time.perf_counter()
        cat = make_catalogue(args.modules, args.skills, args.seed, n_jobs=40)
        gen_s = time.perf_counter() - t0
        learners = make_learners(args.learners, cat, args.seed + 1)
        mapper, cases = SkillMapper(cat.taxonomy), [(lr, cat.jobs[lr.target_job]) for lr in learners]
        add(run_set(f"synthetic {args.modules:,} modules / {args.skills:,} skills", cat, mapper, cases, data_dir),
            cat, mapper, cases)
        print(f"\n(generated the {args.modules:,}-module catalogue in {gen_s:.1f} s)")
    if "dense" in wanted:
        for size in (int(x) for x in args.dense_sizes.split(",")):
            t0 = time.perf_counter()
            cat = make_dense_catalogue(size, args.seed, n_jobs=40)
            gen_s = time.perf_counter() - t0
            learners = make_learners(args.dense_learners, cat, args.seed + 1)
            mapper, cases = SkillMapper(cat.taxonomy), [(lr, cat.jobs[lr.target_job]) for lr in learners]
            add(run_set(f"dense {size:,} modules / {len(cat.taxonomy):,} skills", cat, mapper, cases, data_dir,
                        greedy=False), cat, mapper, cases)
            print(f"(generated the dense {size:,}-module catalogue in {gen_s:.1f} s)", flush=True)
    print_tables(results)
    if before:
        print_before_after(before, load)
    if args.cli:
        run_cli(args.seed, 10, data_dir)

if __name__ == "__main__":
    main()
