"""Plan quality and speed of the CP-SAT planner against the greedy baseline (issue: planner quality).

Prints Markdown tables; not a test. Three learner sets:

* ``eval`` — the learner cases of ``tests/data/eval/learners`` on the shipped knowledge base (labels are
  mapped with the embedding fallback, so the first run loads MiniLM and builds a throw-away Chroma
  index in a temporary data dir);
* ``shipped`` — generated learners (``benchmarks/synthetic.py``) targeting the shipped jobs, living
  near the shipped module places;
* ``synthetic-5000`` — generated learners on a generated 5,000-module catalogue.

For each set: coverage of essential skills (share of essential requirements reached), violations
found by :func:`~curriculum.planner.check.path_violations`, feasible share, hours CP-SAT / greedy
where both plans are feasible, plan time (``time.perf_counter`` around ``plan_pathway`` only, after
a warm-up plan), and peak memory (tracemalloc, in a separate pass so it does not slow the timed one;
plus the process's max RSS).

Run from the repository root::

    python benchmarks/plan_quality.py                      # 200 + 200 generated learners, ~5 min
    python benchmarks/plan_quality.py --learners 50 --skip-eval
    python -m cProfile -s cumtime benchmarks/plan_quality.py --learners 20 --skip-eval --only synthetic-5000
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import make_catalogue, make_learners  # noqa: E402
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
            data_dir: str, per_learner: bool = False, mem_sample: int = 20) -> SetResult:
    res = SetResult(name, len(catalogue.modules))
    for learner, _ in cases:  # warm the mapper's cache (embedding look-ups for free-text skills)
        map_profile(learner, mapper)
    plan_pathway(cases[0][0], cases[0][1], catalogue, mapper, cache_dir=data_dir)  # warm-up
    plan_greedy(cases[0][0], cases[0][1], catalogue, mapper, cache_dir=data_dir)
    for learner, job in cases:
        t0, c0 = time.perf_counter(), time.process_time()
        opt = plan_pathway(learner, job, catalogue, mapper, cache_dir=data_dir)
        res.times.append(time.perf_counter() - t0)
        res.cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        greedy = plan_greedy(learner, job, catalogue, mapper, cache_dir=data_dir)
        res.greedy_times.append(time.perf_counter() - t0)
        res.learners += 1
        essentials = [r for r in job.required_skills if r.essential]
        res.essential_total += len(essentials)
        for key, path in (("cpsat", opt), ("greedy", greedy)):
            levels = reached(path)
            res.essential_reached[key] += sum(levels.get(r.skill, 0) >= r.level for r in essentials)
            res.violations[key] += len(path_violations(path, catalogue, job, learner))
            res.feasible[key] += path.feasible
        if opt.feasible and greedy.feasible:
            if greedy.total_hours > 0:
                res.ratios.append(opt.total_hours / greedy.total_hours)
                if opt.total_hours > greedy.total_hours and non_preferred(opt, learner) < non_preferred(greedy, learner):
                    res.above_preferred += 1
            else:
                res.both_zero += 1
        if per_learner:
            cov = sum(reached(opt).get(r.skill, 0) >= r.level for r in essentials)
            res.rows.append(f"| {learner.id} | {job.id} | {opt.feasible} | {len(opt.steps)} | {opt.total_hours:g} | "
                            f"{greedy.feasible} | {greedy.total_hours:g} | {cov}/{len(essentials)} | "
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
        print(f"| {r.name} | {r.modules:,} | {r.learners} | {cov['cpsat']:.1f}% / {cov['greedy']:.1f}% | "
              f"{r.violations['cpsat']} / {r.violations['greedy']} | {feas['cpsat']:.1f}% / {feas['greedy']:.1f}% | "
              f"{len(r.ratios)} | {ratio} | {share} | "
              f"{r.above_preferred} of {sum(x > 1 + 1e-9 for x in r.ratios)} |")
    print("\n### Plan time and memory (plan_pathway only, after a warm-up)\n")
    print("| set | modules | plans | CP-SAT p50 (s) | CP-SAT p95 (s) | CP-SAT max (s) | CP-SAT CPU p50 / p95 (s) | "
          "greedy p50 (s) | greedy p95 (s) | peak traced memory, 20 plans (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.name} | {r.modules:,} | {len(r.times)} | {pct(r.times, 50):.3f} | {pct(r.times, 95):.3f} | "
              f"{max(r.times):.3f} | {pct(r.cpu, 50):.3f} / {pct(r.cpu, 95):.3f} | {pct(r.greedy_times, 50):.3f} | {pct(r.greedy_times, 95):.3f} | {r.peak_mib:.1f} |")
    print(f"\nprocess max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs "
          "(wall-clock times grow with load; CPU time counts every CP-SAT thread)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=200, help="generated learners per set")
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--skills", type=int, default=1000, help="skills of the generated catalogue")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--skip-eval", action="store_true", help="skip the eval learners (no embedding model)")
    parser.add_argument("--only", choices=["eval", "shipped", "synthetic-5000"], action="append")
    parser.add_argument("--eval-dir", type=Path, default=ROOT / "tests" / "data" / "eval" / "learners")
    args = parser.parse_args()
    wanted = set(args.only or ["eval", "shipped", "synthetic-5000"]) - ({"eval"} if args.skip_eval else set())
    data_dir = tempfile.mkdtemp(prefix="curriculum-bench-")
    results: list[SetResult] = []
    if wanted & {"eval", "shipped"}:
        from curriculum.services import Workspace
        from curriculum.settings import Settings

        ws = Workspace.open(Settings.from_env(data_dir=Path(data_dir), kb_dir=ROOT / "knowledge_base", llm_model=""))
        if "eval" in wanted and args.eval_dir.is_dir():
            res = run_set("eval (8 learners)", ws.catalogue, ws.mapper(use_embeddings=True),
                          eval_cases(ws.catalogue, args.eval_dir), data_dir, per_learner=True)
            print("### Eval learners (shipped knowledge base)\n")
            print("| learner | job | feasible | steps | hours | greedy feasible | greedy hours | essential covered | "
                  "violations | plan (s) |")
            print("|---|---|---|---:|---:|---|---:|---:|---:|---:|")
            print("\n".join(res.rows))
            results.append(res)
        if "shipped" in wanted:
            learners = make_learners(args.learners, ws.catalogue, args.seed)
            results.append(run_set("shipped catalogue", ws.catalogue, ws.mapper(use_embeddings=False),
                                   [(lr, ws.catalogue.jobs[lr.target_job]) for lr in learners], data_dir))
    if "synthetic-5000" in wanted:
        t0 = time.perf_counter()
        cat = make_catalogue(args.modules, args.skills, args.seed, n_jobs=40)
        gen_s = time.perf_counter() - t0
        learners = make_learners(args.learners, cat, args.seed + 1)
        results.append(run_set(f"synthetic {args.modules:,} modules / {args.skills:,} skills", cat,
                               SkillMapper(cat.taxonomy), [(lr, cat.jobs[lr.target_job]) for lr in learners],
                               data_dir))
        print(f"\n(generated the {args.modules:,}-module catalogue in {gen_s:.1f} s)")
    print_tables(results)


if __name__ == "__main__":
    main()
