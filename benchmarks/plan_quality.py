"""Plan quality and speed of the CP-SAT planner against the greedy baseline (issue: planner quality).

Prints Markdown tables; not a test. Three learner sets:

* ``eval`` — the learner cases of ``tests/data/eval/learners`` on the shipped knowledge base (labels are
  mapped with the embedding fallback, so the first run loads MiniLM and builds a throw-away Chroma
  index in a temporary data dir);
* ``shipped`` — generated learners (``benchmarks/synthetic.py``) targeting the shipped jobs, living
  near the shipped module places;
* ``synthetic-5000`` — generated learners on generated sparse catalogues (``--modules``, e.g. ``5000,20000``;
  skills: ``--skills`` or a fifth of the modules, whichever is more);
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

Joint selection + calendar (issue #13, :mod:`benchmarks.plan_calendar`): for every set, the former list
scheduler against the joint model (calendar-feasible shares, plans rescued, plans lost) and every learner
where greedy needs fewer hours with the reason; ``--alternatives N``: ``Workspace.alternatives(k=3)`` for
the first N learners of eval / shipped / sparse sets; ``--prev COMMIT``: the same learners planned by
COMMIT's planner (a temporary ``git worktree``, a subprocess) — hours, end date, feasibility. The greedy
baseline is stopped after ``--greedy-cap`` seconds (its recursive prerequisite search can explode).

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
    python benchmarks/plan_quality.py --learners 40 --modules 5000,20000 --dense --dense-sizes 3000,20000 \
        --alternatives 40 --prev d802c06~1 --cli
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

from benchmarks.plan_calendar import (CalendarProbe, alternatives_stats, compare_prev, explain_greedy,  # noqa: E402
                                      pct, print_alternatives, print_calendars, print_greedy_fewer, print_prev,
                                      run_cli, summary, time_cap)
from benchmarks.plan_pairwise import BeforeAfter, print_before_after, run_before  # noqa: E402
from benchmarks.synthetic import make_catalogue, make_dense_catalogue, make_learners  # noqa: E402
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
    above_preferred: int = 0  # CP-SAT hours > greedy's (both feasible) with a reason (plan_calendar.explain_greedy)
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    optimal: list[bool] = field(default_factory=list)
    plans: list[tuple] = field(default_factory=list)  # (module ids, feasible, optimal) per learner
    greedy: bool = True
    greedy_times: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    rows: list[str] = field(default_factory=list)
    spec: dict = field(default_factory=dict)  # how --prev rebuilds the catalogue and mapper
    calendar: list = field(default_factory=list)  # plan_calendar.CalendarRecord per learner
    greedy_fewer: list = field(default_factory=list)  # (learner, job, CP-SAT h, greedy h, reason)
    greedy_capped: int = 0
    after: list[dict] = field(default_factory=list)  # plan_calendar.summary per learner


def reached(path: LearningPath) -> dict[str, int]:
    """Skill levels at the end of ``path``."""
    levels = dict(path.start_skills)
    for step in path.steps:
        for skill, level in step.outcomes.items():
            levels[skill] = max(levels.get(skill, 0), level)
    return levels


def run_set(name: str, catalogue: Catalogue, mapper: SkillMapper, cases: list[tuple[LearnerProfile, Job]],
            data_dir: str, per_learner: bool = False, mem_sample: int = 20, greedy: bool = True,
            greedy_cap: float = 60.0) -> SetResult:
    res = SetResult(name, len(catalogue.modules), greedy=greedy)
    for learner, _ in cases:  # warm the mapper's cache (embedding look-ups for free-text skills)
        map_profile(learner, mapper)
    with CalendarProbe() as probe:
        _plans(res, probe, catalogue, mapper, cases, data_dir, per_learner, greedy, greedy_cap)
    tracemalloc.start()
    for learner, job in cases[:mem_sample]:
        plan_pathway(learner, job, catalogue, mapper, cache_dir=data_dir)
    res.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return res


def _plans(res: SetResult, probe: CalendarProbe, catalogue: Catalogue, mapper: SkillMapper,
           cases: list[tuple[LearnerProfile, Job]], data_dir: str, per_learner: bool, greedy: bool,
           greedy_cap: float) -> None:
    plan_pathway(cases[0][0], cases[0][1], catalogue, mapper, cache_dir=data_dir)  # warm-up
    if greedy:
        try:
            with time_cap(greedy_cap):
                plan_greedy(cases[0][0], cases[0][1], catalogue, mapper, cache_dir=data_dir)
        except TimeoutError:
            pass
    for learner, job in cases:
        probe.last = None  # an already qualified learner never reaches the selection: no stale call recorded
        t0, c0 = time.perf_counter(), time.process_time()
        opt = plan_pathway(learner, job, catalogue, mapper, cache_dir=data_dir)
        res.times.append(time.perf_counter() - t0)
        res.cpu.append(time.process_time() - c0)
        res.optimal.append(opt.optimal)
        res.plans.append((tuple(sorted(s.module_id for s in opt.steps)), opt.feasible, opt.optimal))
        res.calendar.append(probe.record(opt))  # untimed: the list scheduler on the same selections
        res.after.append(summary(opt))
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
        try:
            with time_cap(greedy_cap):
                greedy_path = plan_greedy(learner, job, catalogue, mapper, cache_dir=data_dir)
        except TimeoutError:
            res.greedy_capped += 1
            greedy_path = None
        res.greedy_times.append(time.perf_counter() - t0)
        if greedy_path is None:  # left out of the quality figures (counted apart)
            continue
        why = None
        if greedy_path.total_hours < opt.total_hours - 1e-9:
            why = explain_greedy(learner, catalogue, opt, greedy_path)
            res.greedy_fewer.append((learner.id, job.id, opt.total_hours, greedy_path.total_hours, why))
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
                res.above_preferred += bool(why) and not why.startswith("unexplained")
            else:
                res.both_zero += 1
        if per_learner:
            cov = sum(reached(opt).get(r.skill, 0) >= r.level for r in essentials)
            res.rows.append(f"| {learner.id} | {job.id} | {opt.feasible} | {len(opt.steps)} | {opt.total_hours:g} | "
                            f"{greedy_path.feasible} | {greedy_path.total_hours:g} | {cov}/{len(essentials)} | "
                            f"{len(path_violations(opt, catalogue, job, learner))} | {res.times[-1]:.3f} |")


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
          "CP-SAT > greedy, with a reason (below) |")
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
        capped = f" (+{r.greedy_capped}: greedy > cap)" if r.greedy_capped else ""
        print(f"| {r.name} | {r.modules:,} | {r.learners}{capped} | {cov['cpsat']:.1f}% / {cov['greedy']:.1f}% | "
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=200, help="generated learners per set")
    parser.add_argument("--modules", default="5000", help="module counts of the sparse generated catalogues")
    parser.add_argument("--skills", type=int, default=1000, help="skills of a generated catalogue (at least)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--skip-eval", action="store_true", help="skip the eval learners (no embedding model)")
    parser.add_argument("--only", choices=["eval", "shipped", "synthetic-5000", "dense"], action="append")
    parser.add_argument("--dense", action="store_true", help="add the dense generated catalogues (--dense-sizes)")
    parser.add_argument("--dense-sizes", default="3000,5000,20000", help="module counts of the dense catalogues")
    parser.add_argument("--dense-learners", type=int, default=40, help="generated learners per dense catalogue")
    parser.add_argument("--before", type=int, default=0, metavar="N",
                        help="also plan the first N learners of each set with the former pairwise model")
    parser.add_argument("--before-cap", type=float, default=60.0, help="seconds before a pairwise plan is stopped")
    parser.add_argument("--greedy-cap", type=float, default=60.0, help="seconds before a greedy plan is stopped")
    parser.add_argument("--alternatives", type=int, default=0, metavar="N",
                        help="Workspace.alternatives(k=3) for the first N learners of eval, shipped and sparse sets")
    parser.add_argument("--prev", metavar="COMMIT", help="also plan every learner with COMMIT's planner")
    parser.add_argument("--prev-cap", type=float, default=120.0, help="seconds before a previous plan is stopped")
    parser.add_argument("--cli", action="store_true", help="time whole `curriculum plan` processes on a dense "
                        "3,000-module knowledge-base folder")
    parser.add_argument("--cli-learners", type=int, default=10, help="learners of --cli (with --prev: in both trees)")
    parser.add_argument("--eval-dir", type=Path, default=ROOT / "tests" / "data" / "eval" / "learners")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # tables reach a redirected file as they are printed
    wanted = set(args.only or ["eval", "shipped", "synthetic-5000"]) | ({"dense"} if args.dense else set())
    wanted -= {"eval"} if args.skip_eval else set()
    data_dir = tempfile.mkdtemp(prefix="curriculum-bench-")
    results: list[SetResult] = []
    before: list[BeforeAfter] = []
    load: list[float] = []
    alternatives: list[dict] = []
    catalogues: dict[str, Catalogue] = {}
    prev_sets: list[dict] = []
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    settings = Settings.from_env(data_dir=Path(data_dir), kb_dir=ROOT / "knowledge_base", llm_model="")

    def add(res: SetResult, cat: Catalogue, mapper: SkillMapper, cases: list[tuple[LearnerProfile, Job]],
            spec: dict, ws: Workspace | None = None) -> None:
        results.append(res)
        catalogues[res.name] = cat
        prev_sets.append({"name": res.name, "spec": spec, "cases": cases, "after": res.after})
        if args.before:
            before.append(run_before(res, cat, mapper, cases, data_dir, args.before, args.before_cap, load))
        if args.alternatives and ws is not None:
            alternatives.append(alternatives_stats(res.name, ws, cases[:args.alternatives]))
        print(f"({res.name}: done, load average {os.getloadavg()[0]:.1f})", flush=True)

    if wanted & {"eval", "shipped"}:
        ws = Workspace.open(settings)
        if "eval" in wanted and args.eval_dir.is_dir():
            mapper = ws.mapper(use_embeddings=True)
            cases = eval_cases(ws.catalogue, args.eval_dir)
            res = run_set("eval (8 learners)", ws.catalogue, mapper, cases, data_dir, per_learner=True,
                          greedy_cap=args.greedy_cap)
            print("### Eval learners (shipped knowledge base)\n")
            print("| learner | job | feasible | steps | hours | greedy feasible | greedy hours | essential covered | "
                  "violations | plan (s) |")
            print("|---|---|---|---:|---:|---|---:|---:|---:|---:|")
            print("\n".join(res.rows))
            add(res, ws.catalogue, mapper, cases, {"kind": "kb", "embeddings": True}, ws)
        if "shipped" in wanted:
            learners = make_learners(args.learners, ws.catalogue, args.seed)
            mapper = ws.mapper(use_embeddings=False)
            cases = [(lr, ws.catalogue.jobs[lr.target_job]) for lr in learners]
            add(run_set("shipped catalogue", ws.catalogue, mapper, cases, data_dir, greedy_cap=args.greedy_cap),
                ws.catalogue, mapper, cases, {"kind": "kb", "embeddings": False}, ws)
    for size in (int(x) for x in args.modules.split(",")) if "synthetic-5000" in wanted else ():
        skills = max(args.skills, size // 5)
        t0 = time.perf_counter()
        cat = make_catalogue(size, skills, args.seed, n_jobs=40)
        gen_s = time.perf_counter() - t0
        learners = make_learners(args.learners, cat, args.seed + 1)
        mapper, cases = SkillMapper(cat.taxonomy), [(lr, cat.jobs[lr.target_job]) for lr in learners]
        add(run_set(f"sparse {size:,} modules / {skills:,} skills", cat, mapper, cases, data_dir,
                    greedy_cap=args.greedy_cap), cat, mapper, cases,
            {"kind": "synthetic", "modules": size, "skills": skills, "seed": args.seed}, Workspace(settings, cat))
        print(f"(generated the {size:,}-module catalogue in {gen_s:.1f} s)")
    if "dense" in wanted:
        for size in (int(x) for x in args.dense_sizes.split(",")):
            t0 = time.perf_counter()
            cat = make_dense_catalogue(size, args.seed, n_jobs=40)
            gen_s = time.perf_counter() - t0
            learners = make_learners(args.dense_learners, cat, args.seed + 1)
            mapper, cases = SkillMapper(cat.taxonomy), [(lr, cat.jobs[lr.target_job]) for lr in learners]
            add(run_set(f"dense {size:,} modules / {len(cat.taxonomy):,} skills", cat, mapper, cases, data_dir,
                        greedy=False), cat, mapper, cases, {"kind": "dense", "modules": size, "seed": args.seed})
            print(f"(generated the dense {size:,}-module catalogue in {gen_s:.1f} s)", flush=True)
    print_tables(results)
    print_calendars([(r.name, r.calendar) for r in results])
    print_greedy_fewer([(r.name, r.greedy_fewer) for r in results if r.greedy])
    if alternatives:
        print_alternatives(alternatives)
    if before:
        print_before_after(before, load)
    if args.prev:
        prev = compare_prev(prev_sets, args.prev, args.prev_cap, (args.seed, args.cli_learners) if args.cli else None)
        print_prev(prev_sets, prev, catalogues)
    if args.cli:
        run_cli(args.seed, args.cli_learners, data_dir)
    print(f"\nload average at the very end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
