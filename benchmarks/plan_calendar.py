"""The joint selection + calendar planner (issue #13) measured: alternatives, calendars, before/after.

Used by ``benchmarks/plan_quality.py`` (its ``--alternatives``, ``--prev`` and ``--cli`` options) and
runnable alone as the previous planner's worker (``--prev-worker``, in a ``git worktree`` of an older commit).
Prints Markdown tables; not a test.

* :class:`CalendarProbe` — around each CP-SAT plan, records the joint model's inputs (untimed afterwards):
  the *calendar-free* selection (the same selection problem solved without dates, the former pipeline)
  and the joint plan's own selection, each dated by the former list scheduler
  (:func:`~curriculum.planner.schedule.order_and_schedule`): does a step miss its session (``conflict``) or
  end after the deadline? Against the joint plan: no ``sessions`` / ``deadline`` / ``horizon`` in
  ``limits_broken``; *rescued*: the list-scheduled calendar-free plan misses a session or the deadline and
  the joint plan is feasible; *lost*: the reverse (a list-scheduled plan keeps its dates, the joint one not).
* :func:`explain_greedy` — why greedy needs fewer hours than CP-SAT for a learner (or "unexplained").
* :func:`alternatives_stats` — ``Workspace.alternatives(k=3)`` per learner: how many different plans.
* :func:`compare_prev` — the previous commit's planner in a subprocess on a ``git worktree`` (``/tmp``),
  same learners: hours, last step end, feasibility per learner against the new plans.
* :func:`run_cli` — whole ``curriculum plan`` processes on a dense 3,000-module knowledge-base folder.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("CURRICULUM_BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))
CALENDAR_LIMITS = {"sessions", "deadline", "horizon"}


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def limits(path) -> set[str]:  # noqa: ANN001 (a LearningPath)
    """``limits_broken`` of ``path`` as a set."""
    return set((path.infeasibility or {}).get("limits_broken", []))


@contextmanager
def time_cap(seconds: float):
    """Raise :class:`TimeoutError` in the block after ``seconds`` (SIGALRM: main thread, Python code only)."""
    def stop(signum, frame):  # noqa: ANN001
        raise TimeoutError(f"over {seconds:g} s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def summary(path) -> dict:  # noqa: ANN001
    """What the before/after comparison needs of a plan: feasible, limits, hours, last end, module ids,
    essential skills left unreachable, and study blocks (steps without a session) as (start, end) ISO dates."""
    return {"feasible": path.feasible, "limits": sorted(limits(path)), "hours": path.total_hours,
            "end": str(max((s.end for s in path.steps), default="")) or None,
            "modules": sorted(s.module_id for s in path.steps),
            "unreachable": len((path.infeasibility or {}).get("skills_unreachable", [])),
            "blocks": [(str(s.start), str(s.end)) for s in path.steps if s.session is None]}


# --- calendars: the list scheduler against the joint model -------------------------------------------------

@dataclass
class CalendarRecord:
    found: bool  # the joint plan has a selection (else nothing to date)
    free: tuple[bool, bool] | None  # calendar-free selection, list-scheduled: (a session missed, after the deadline)
    same: tuple[bool, bool]  # the joint plan's selection, list-scheduled
    after_ok: bool  # the joint plan keeps its dates
    feasible: bool
    cuts: int
    hours: float
    free_hours: float | None


class CalendarProbe:
    """Patches :func:`curriculum.planner.pathway.select_and_date` to keep its last call (see module docstring)."""

    def __enter__(self) -> CalendarProbe:
        from curriculum.planner import pathway

        self.original, self.last = pathway.select_and_date, None

        def wrapped(problem, modules, learner, elig, held, time_limit):  # noqa: ANN001
            joint = self.original(problem, modules, learner, elig, held, time_limit)
            self.last = (problem, modules, learner, elig, held, time_limit, joint)
            return joint
        pathway.select_and_date = wrapped
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        from curriculum.planner import pathway

        pathway.select_and_date = self.original

    def record(self, path) -> CalendarRecord | None:  # noqa: ANN001
        """The last call's calendars (None for a plan that never reached the selection: already qualified)."""
        import dataclasses

        from curriculum.planner.schedule import order_and_schedule
        from curriculum.planner.select import INFEASIBLE, solve_selection

        if self.last is None:
            return None
        problem, modules, learner, elig, held, time_limit, joint = self.last
        self.last = None

        def listed(ids: list[str]) -> tuple[bool, bool]:
            steps = order_and_schedule([modules[i] for i in ids], held, elig, learner.start, learner.hours_per_week)
            return any(s.conflict for s in steps), bool(steps) and max(s.end for s in steps) > learner.deadline

        free = solve_selection(problem, time_limit)  # the former pipeline: caps lifted as it did when infeasible
        for hours_cap, budget_cap in ((None, problem.budget_cap), (problem.hours_cap, None), (None, None)):
            if free.status != INFEASIBLE:
                break
            free = solve_selection(dataclasses.replace(problem, hours_cap=hours_cap, budget_cap=budget_cap),
                                   time_limit)
        return CalendarRecord(joint.result.found, listed(free.order) if free.found else None,
                              listed([s.module.id for s in joint.planned]), not (limits(path) & CALENDAR_LIMITS),
                              path.feasible, joint.cuts, path.total_hours, free.hours if free.found else None)


def print_calendars(rows: list[tuple[str, list[CalendarRecord]]]) -> None:
    print("\n### Calendars: former list scheduler vs the joint model (same learners)\n")
    print("| set | plans with a selection | list-scheduled calendar-free selection keeps its dates | … misses a "
          "session / ends late | joint plan keeps its dates | joint plan feasible | rescued (list misses, joint "
          "feasible) | extra hours of rescued plans | lost (list keeps, joint misses) | same selection list-scheduled "
          "keeps its dates | plans with ≥ 1 cut (max cuts) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, recs in rows:
        recs = [r for r in recs if r is not None and r.found and r.free is not None]
        n = len(recs)
        share = lambda k: f"{k} ({100 * k / n:.0f}%)" if n else "–"  # noqa: E731
        free_ok = sum(not any(r.free) for r in recs)
        rescued = [r for r in recs if any(r.free) and r.feasible]
        extra = [r.hours - r.free_hours for r in rescued]
        lost = sum(not any(r.free) and not r.after_ok for r in recs)
        cuts = [r.cuts for r in recs]
        print(f"| {name} | {n} | {share(free_ok)} | {sum(r.free[0] for r in recs)} / {sum(r.free[1] for r in recs)} | "
              f"{share(sum(r.after_ok for r in recs))} | {share(sum(r.feasible for r in recs))} | {len(rescued)} | "
              f"{'mean %+.1f h, max %+.1f h' % (statistics.mean(extra), max(extra)) if extra else '–'} | {lost} | "
              f"{share(sum(not any(r.same) for r in recs))} | {sum(c > 0 for c in cuts)} ({max(cuts, default=0)}) |")


# --- greedy fewer hours: why ---------------------------------------------------------------------------------

def preference_hours(path, learner, catalogue) -> tuple[float, float]:  # noqa: ANN001
    """(hours outside the preferred modalities, hours in another language) of ``path``."""
    off = sum(s.hours for s in path.steps if s.modality not in learner.preferred_modalities)
    other = sum(s.hours for s in path.steps if catalogue.modules[s.module_id].language != learner.language)
    return round(off, 1), round(other, 1)


def explain_greedy(learner, catalogue, opt, greedy) -> str:  # noqa: ANN001
    """Why ``greedy`` (fewer hours) is not CP-SAT's plan: a limit it breaks, a stated preference, or
    ``unexplained: …`` with the numbers."""
    g_lim, o_lim = limits(greedy), limits(opt)
    if g_lim - o_lim:
        extra = g_lim - o_lim
        return ("greedy misses its dates" if extra <= CALENDAR_LIMITS else "greedy breaks " + "+".join(sorted(extra)))
    o_pref, g_pref = preference_hours(opt, learner, catalogue), preference_hours(greedy, learner, catalogue)
    if o_pref[0] < g_pref[0]:
        return "preferred modalities: CP-SAT fewer hours outside them"
    if o_pref[0] == g_pref[0] and o_pref[1] < g_pref[1]:
        return "language: CP-SAT fewer hours in another language"
    if not opt.optimal:
        return "CP-SAT stopped at its time limit"
    return (f"unexplained: CP-SAT {opt.total_hours:g} h (limits {sorted(o_lim) or '–'}, off-preference / other-"
            f"language h {o_pref}) vs greedy {greedy.total_hours:g} h (limits {sorted(g_lim) or '–'}, {g_pref})")


def print_greedy_fewer(rows: list[tuple[str, list[tuple[str, str, float, float, str]]]]) -> None:
    print("\n### Where greedy needs fewer hours than CP-SAT, and why\n")
    print("| set | learners | reason | count |")
    print("|---|---:|---|---:|")
    for name, cases in rows:
        for reason, count in Counter(c[4] if not c[4].startswith("unexplained") else "unexplained"
                                     for c in cases).most_common():
            print(f"| {name} | {len(cases)} | {reason} | {count} |")
    odd = [(name, c) for name, cases in rows for c in cases if c[4].startswith("unexplained")]
    for name, (lid, job, o_h, g_h, why) in odd:
        print(f"- UNEXPLAINED {name}: {lid} → {job}: {why}")


# --- k-best alternatives -------------------------------------------------------------------------------------

def alternatives_stats(name: str, ws, cases: list) -> dict:  # noqa: ANN001
    """``ws.alternatives(learner, k=3)`` for each (learner, job): plan counts, why fewer than 3, time, and
    violations found in the alternatives (:func:`~curriculum.planner.check.path_violations`)."""
    from curriculum.planner.check import path_violations

    counts, why, times, bad, first_feasible = [], Counter(), [], 0, 0
    for learner, job in cases:
        t0 = time.perf_counter()
        alts = ws.alternatives(learner, k=3, job_ref=job.id)
        times.append(time.perf_counter() - t0)
        counts.append(len(alts))
        first_feasible += bool(alts) and alts[0].feasible
        bad += sum(len(path_violations(p, ws.catalogue, job, learner)) for p in alts)
        note = next((w for w in (alts[-1].warnings if alts else []) if w.startswith("only ")), None)
        if len(alts) < 3:
            why[_why_fewer(note, alts)] += 1
    return {"name": name, "counts": counts, "why": why, "times": times, "violations": bad,
            "first_feasible": first_feasible}


def _why_fewer(note: str | None, alts: list) -> str:  # noqa: ANN001
    if not alts or not alts[0].steps:
        return "no plan with a step (qualified, or nothing reachable)"
    if note is None:
        return "fastest plan infeasible: objective variants only"
    text = note.split(": ", 1)[1]
    return "next plan > +15 % hours" if text.startswith("the next different plan needs") else \
        ("next plan breaks a limit" if text.startswith("the next different plan breaks") else text)


def print_alternatives(rows: list[dict]) -> None:
    print("\n### k-best alternatives: `Workspace.alternatives(learner, k=3)`\n")
    print("| set | learners | fastest plan feasible | ≥ 2 plans | 3 plans | violations in the plans | "
          "time p50 / p95 (s) | why fewer than 3 (learners) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        n = len(r["counts"])
        two, three = sum(c >= 2 for c in r["counts"]), sum(c >= 3 for c in r["counts"])
        why = "; ".join(f"{k} ({v})" for k, v in r["why"].most_common())
        print(f"| {r['name']} | {n} | {r['first_feasible']} | {two} ({100 * two / max(n, 1):.0f}%) | "
              f"{three} ({100 * three / max(n, 1):.0f}%) | {r['violations']} | "
              f"{pct(r['times'], 50):.2f} / {pct(r['times'], 95):.2f} | {why} |")


# --- the previous commit's planner ---------------------------------------------------------------------------

def compare_prev(sets: list[dict], commit: str, cap: float, cli: tuple[int, int] | None = None) -> dict[str, list[dict]]:
    """Plan ``sets`` ({name, spec, cases: [(learner, job)]}) with ``commit``'s planner in a subprocess on a
    temporary ``git worktree`` (removed after); returns name → one :func:`summary` (+ ``seconds``) per case.
    ``cli`` (seed, learners): also :func:`run_cli` with that tree's package."""
    work = Path(tempfile.mkdtemp(prefix="curriculum-prev-"))
    tree = work / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True,
                   capture_output=True)
    try:
        job = work / "job.json"
        job.write_text(json.dumps([{"name": s["name"], "spec": s["spec"], "cap": cap,
                                    "cases": [{"learner": lr.model_dump(mode="json"), "job": j.id}
                                              for lr, j in s["cases"]]} for s in sets]), encoding="utf-8")
        env = {**os.environ, "CURRICULUM_BENCH_ROOT": str(tree), "PYTHONPATH": str(tree)}
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--prev-worker", str(job),
                               str(work / "out.json")], env=env, cwd=str(tree), capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"previous planner's worker failed:\n{done.stderr[-3000:]}")
        if cli:
            run_cli(*cli, str(work / "data"), root=tree, label=f"{commit}'s package")
        return json.loads((work / "out.json").read_text(encoding="utf-8"))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def _worker(job_file: str, out_file: str) -> None:
    """In the old worktree: rebuild each set's catalogue and mapper, plan every case, write summaries."""
    import curriculum
    from benchmarks.synthetic import make_catalogue, make_dense_catalogue
    from curriculum.models import LearnerProfile
    from curriculum.planner.pathway import plan_pathway
    from curriculum.retrieval.skill_mapping import SkillMapper

    assert Path(curriculum.__file__).resolve().is_relative_to(ROOT.resolve()), curriculum.__file__
    out, data_dir = {}, tempfile.mkdtemp(prefix="curriculum-prev-data-")
    for s in json.loads(Path(job_file).read_text(encoding="utf-8")):
        spec = s["spec"]
        if spec["kind"] == "kb":
            from curriculum.services import Workspace
            from curriculum.settings import Settings

            settings = Settings.from_env(data_dir=Path(data_dir), kb_dir=ROOT / "knowledge_base", llm_model="")
            ws = Workspace.open(settings)
            cat, mapper = ws.catalogue, ws.mapper(use_embeddings=spec["embeddings"])
        else:
            cat = make_catalogue(spec["modules"], spec["skills"], spec["seed"], n_jobs=40) \
                if spec["kind"] == "synthetic" else make_dense_catalogue(spec["modules"], spec["seed"], n_jobs=40)
            mapper = SkillMapper(cat.taxonomy)
        rows = []
        for case in s["cases"]:
            learner = LearnerProfile.model_validate(case["learner"])
            t0 = time.perf_counter()
            try:
                with time_cap(s["cap"]):
                    row = summary(plan_pathway(learner, cat.jobs[case["job"]], cat, mapper, cache_dir=data_dir))
            except TimeoutError:
                row = {"timeout": True}
            rows.append({**row, "seconds": round(time.perf_counter() - t0, 3)})
        out[s["name"]] = rows
    Path(out_file).write_text(json.dumps(out), encoding="utf-8")


def print_prev(sets: list[dict], prev: dict[str, list[dict]], catalogues: dict) -> list[str]:
    """Before/after table; returns the lines describing plans that look worse after (printed too): feasible
    before and not after, dates kept before and not after, more hours with no preference to explain them,
    a later end with no fewer hours."""
    print("\n### Previous planner (selection, then list scheduler) vs the joint planner, same learners\n")
    print("| set | learners | feasible before / after | keeps its dates before / after | same modules | "
          "both feasible: hours after/before (mean) | … more hours after (explained by a preference in hours) | "
          "… later end after (with fewer hours) | before misses dates, after feasible | worse after (listed below) | "
          "previous planner p50 / p95 (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    worse = []
    for s in sets:
        name, cat = s["name"], catalogues[s["name"]]
        before, after = prev[name], s["after"]
        ok = [(b, a, c) for b, a, c in zip(before, after, s["cases"]) if not b.get("timeout")]
        both = [(b, a, c) for b, a, c in ok if b["feasible"] and a["feasible"]]
        ratios = [a["hours"] / b["hours"] for b, a, _ in both if b["hours"] > 0]
        more = [(b, a, c) for b, a, c in both if a["hours"] > b["hours"] + 1e-9]
        pref = [m for m in more if _pref_better(m[0], m[1], m[2][0], cat)]
        later = [(b, a, c) for b, a, c in both if a["end"] and b["end"] and a["end"] > b["end"]]
        keeps = lambda r: not set(r["limits"]) & CALENDAR_LIMITS  # noqa: E731
        rescued = sum(not keeps(b) and a["feasible"] for b, a, _ in ok)
        bad = [(b, a, c, why) for b, a, c in ok for why in [
            "feasible before, not after" if b["feasible"] and not a["feasible"] else
            "dates kept before, not after" + (" (covers more essential skills after)" if a["unreachable"] <
                                              b["unreachable"] else "") if keeps(b) and not keeps(a) else
            "more hours, no preference explains them" if (b, a, c) in more and (b, a, c) not in pref else
            ("later end, same modules" + (": a study block of the former calendar starts or ends on a day off"
                                          if _off_day_block(b, c[0]) else "") if a["modules"] == b["modules"] else
             "later end, no fewer hours") if (b, a, c) in later and a["hours"] >= b["hours"] else None] if why]
        secs = [b["seconds"] for b in before]
        timeouts = len(before) - len(ok)
        ratio = f"{statistics.mean(ratios):.3f} ({len(ratios)})" if ratios else "–"
        print(f"| {name} | {len(ok)}{f' (+{timeouts} over the cap)' if timeouts else ''} | "
              f"{sum(b['feasible'] for b, _, _ in ok)} / {sum(a['feasible'] for _, a, _ in ok)} | "
              f"{sum(keeps(b) for b, _, _ in ok)} / {sum(keeps(a) for _, a, _ in ok)} | "
              f"{sum(b['modules'] == a['modules'] for b, a, _ in ok)} | {ratio} | {len(more)} ({len(pref)}) | "
              f"{len(later)} ({sum(a['hours'] < b['hours'] for b, a, _ in later)}) | {rescued} | {len(bad)} | "
              f"{pct(secs, 50):.3f} / {pct(secs, 95):.3f} |")
        for b, a, (learner, job), why in bad:
            worse.append(f"- {name}, {learner.id} → {job.id}: {why}. Before {b['hours']:g} h, end {b['end']}, "
                         f"limits {b['limits'] or '–'}; after {a['hours']:g} h, end {a['end']}, limits "
                         f"{a['limits'] or '–'}; modules before {b['modules']}, after {a['modules']}")
    print("\n" + "\n".join(worse) if worse else "\n(no plan looks worse than before)")
    return worse


def _off_day_block(b: dict, learner) -> bool:  # noqa: ANN001
    """A study block of the plan ``b`` starts or ends on a day the learner does not study (the former list
    scheduler dated blocks in calendar days; the joint model starts and ends them on study days)."""
    import datetime as dt

    return any(dt.date.fromisoformat(d).weekday() not in learner.weekdays for block in b["blocks"] for d in block)


def _pref_better(b: dict, a: dict, learner, cat) -> bool:  # noqa: ANN001
    """The new plan has fewer hours outside the preferred modalities (or, equal, in another language)."""
    def pref(ids: list[str]) -> tuple[float, float]:
        mods = [cat.modules[i] for i in ids]
        return (round(sum(m.duration_hours for m in mods if m.modality not in learner.preferred_modalities), 1),
                round(sum(m.duration_hours for m in mods if m.language != learner.language), 1))
    return pref(a["modules"]) < pref(b["modules"])


# --- whole processes -----------------------------------------------------------------------------------------

def run_cli(seed: int, n: int, data_dir: str, root: Path = ROOT, label: str = "this tree's package") -> None:
    """Whole ``curriculum plan`` processes (this tree's package, as the console script runs it) on a dense
    3,000-module catalogue written as a knowledge-base folder (``--kb``): wall and CPU time of each process."""
    from benchmarks.synthetic import learner_yaml, make_dense_catalogue, make_learners, write_knowledge_base

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="curriculum-dense-kb-"))
    cat = make_dense_catalogue(3000, seed, n_jobs=40)
    t0 = time.perf_counter()
    write_knowledge_base(cat, folder / "kb")
    write_s = time.perf_counter() - t0
    env = {**os.environ, "CURRICULUM_DATA_DIR": data_dir, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", "import sys; from curriculum.cli import main; sys.exit(main())"]
    where = subprocess.run([sys.executable, "-c", "import curriculum; print(curriculum.__file__)"], env=env,
                           cwd=str(root), capture_output=True, text=True).stdout.strip()
    assert Path(where).resolve().is_relative_to(Path(root).resolve()), f"{where} is not under {root}"
    rows = []
    for k, learner in enumerate(make_learners(n, cat, seed + 1)):
        profile = folder / f"learner-{k}.yaml"
        profile.write_text(learner_yaml(learner), encoding="utf-8")
        before = os.times()
        t0 = time.perf_counter()
        done = subprocess.run([*command, "plan", "--kb", str(folder / "kb"), "-l", str(profile), "-f", "json",
                               "-o", str(folder / f"plan-{k}.json")], env=env, capture_output=True, text=True,
                              cwd=str(root))  # `-c` puts the working directory first on sys.path
        wall = time.perf_counter() - t0
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        plan = json.loads((folder / f"plan-{k}.json").read_text()) if done.returncode == 0 else {}
        rows.append((learner.id, done.returncode, wall, cpu, plan.get("feasible"), plan.get("optimal"),
                     (plan.get("provenance") or {}).get("plan_seconds"), len(plan.get("steps", []))))
    print(f"\n### Whole process ({label}): `curriculum plan --kb` on a dense 3,000-module knowledge base "
          f"(written in {write_s:.1f} s)\n")
    print("| learner | exit | wall (s) | CPU (s) | feasible | optimal | plan_seconds | steps |")
    print("|---|---:|---:|---:|---|---|---:|---:|")
    for row in rows:
        print("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row) + " |")
    walls = [r[2] for r in rows]
    print(f"\nwall p50 / max: {pct(walls, 50):.2f} / {max(walls):.2f} s; load average at the end: "
          f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prev-worker", nargs=2, metavar=("JOB", "OUT"), required=True,
                        help="plan the job file's learners with this tree's planner (set CURRICULUM_BENCH_ROOT)")
    _worker(*parser.parse_args().prev_worker)
