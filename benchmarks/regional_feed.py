"""Regional-scale benchmark (issue #11 item 4): a generated regional LHEO feed of ≥ 10,000 actions
(:mod:`benchmarks.lheo_feed`) imported, validated and indexed, then plans over the enlarged catalogue.

Prints Markdown tables; not a test. Steps, each timed in-process (``time.perf_counter``; the process's max
RSS after the step) and as whole CLI processes (wall, and the child's own max RSS from ``wait4``):

1. generate the feed (and a second feed carrying ``--second-share`` of its actions, ISO-8859-1);
2. parse and tag (tagging timed apart by wrapping the tagger), sync (write) into a copy of the shipped
   knowledge base; the second feed (merged offers); the first again (nothing changed: no write);
3. ``kb validate``; ``curriculum index`` (embedding the new modules, MiniLM on the CPU);
4. plans of the eval learners (``tests/data/eval/learners``) with ``Workspace.plan`` as the CLI runs them,
   ``--repeat`` times each after a warm-up, on the shipped and on the enlarged catalogue in the same run:
   p50 / p95 / max and the ratio, and the first plan of the process (which builds the planner's
   per-catalogue indexes); ``--profile`` prints where the slowest enlarged plan spends its time;
5. the same plans as whole processes, what a user waits for: ``curriculum plan -l LEARNER -f json --kb KB``,
   ``--cli-repeat`` times each, on both catalogues (p50 / p95 / max and the ratio; the load of the
   catalogue, the first plan's index build and the interpreter's start included).

Run from the repository root::

    python benchmarks/regional_feed.py                         # 10,000 actions, ~15 min on 2 cores
    python benchmarks/regional_feed.py --offers 500 --skip-cli  # CI-sized, < 1 min
    python benchmarks/regional_feed.py --keep /tmp/rf          # keep the enlarged knowledge base, then
    python benchmarks/regional_feed.py --reuse /tmp/rf         # plans only (steps 4-5) on it
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.lheo_feed import lheo_xml, make_offers, second_feed  # noqa: E402
from benchmarks.plan_quality import eval_cases, pct  # noqa: E402
from curriculum.knowledge.catalogue import load_catalogue  # noqa: E402
from curriculum.knowledge.feeds import sync_feed  # noqa: E402
from curriculum.knowledge.lheo import parse_lheo  # noqa: E402
from curriculum.knowledge.validate import validate_kb  # noqa: E402
from curriculum.services import Workspace  # noqa: E402
from curriculum.settings import Settings  # noqa: E402

ROWS: list[str] = []


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(step: str, seconds: float, n: int, mem: float, note: str = "") -> None:
    ROWS.append(f"| {step} | {seconds:.2f} | {1000 * seconds / max(n, 1):.2f} | {mem:.0f} | {note} |")
    print(f"  {step}: {seconds:.2f} s {note}", file=sys.stderr, flush=True)


def timed_tagger(catalogue):
    """The parser's default tagger, wrapped to add up the seconds spent tagging."""
    new = "feed" in inspect.signature(parse_lheo).parameters
    if new:
        from curriculum.knowledge.offer_tagger import build_tagger
        inner = build_tagger(catalogue)
    else:
        from curriculum.knowledge.lheo import label_tagger
        inner = label_tagger(catalogue)
    spent = [0.0]

    def tag(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0
    return tag, spent


def parse(path: Path, catalogue, feed: str, data_dir: Path):
    tagger, spent = timed_tagger(catalogue)
    extra = {"feed": feed} if "feed" in inspect.signature(parse_lheo).parameters else {}
    t0 = time.perf_counter()
    modules, issues = parse_lheo(path, catalogue, tagger, cache_dir=str(data_dir), **extra)
    return modules, issues, time.perf_counter() - t0, spent[0]


def cli(args: list[str], env: dict) -> tuple[float, float, int, str]:
    """(wall s, child max RSS MiB, exit code, last stdout line) of one ``curriculum`` process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "curriculum.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = out.strip().splitlines()
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, proc.returncode, lines[-1][:160] if lines else ""


def forget_learners() -> None:
    """Drop what the planner cached per learner situation (kept per catalogue only), so that every timed
    plan costs what a learner's first plan costs; nothing to drop before the planner had such caches."""
    try:
        from curriculum.planner.index import forget_learners as forget
    except ImportError:
        return
    forget()


def plans(ws: Workspace, cases, repeat: int) -> tuple[dict[str, list[float]], float]:
    """Seconds of each timed plan per learner (the learner's first plan: per-learner caches dropped
    before each), and of the process's first plan (catalogue indexes built)."""
    times: dict[str, list[float]] = {}
    first = None
    for learner, job in cases:
        t0 = time.perf_counter()
        ws.plan(learner, job.id)  # warm-up (places table, skill vectors, mapper cache, planner indexes)
        first = time.perf_counter() - t0 if first is None else first
        for _ in range(repeat):
            forget_learners()
            t0 = time.perf_counter()
            ws.plan(learner, job.id)
            times.setdefault(learner.id, []).append(time.perf_counter() - t0)
    return times, first or 0.0


def tight_variants(cases) -> list:
    """Eval learners who cannot be planned as asked, so that the plan searches relaxations (10-20
    re-plans of deadlines, hours per week, budget or radius): L01 with 2 h a week, 6 weeks or 300 EUR,
    L03 with 6 weeks, L04 with 1 h a week, L08 with a 3 km radius."""
    import datetime as dt

    by_id = {learner.id: (learner, job) for learner, job in cases}
    out = []
    for lid, name, change in (("L01", "2 h/week", {"hours_per_week": 2.0}), ("L01", "6 weeks", "weeks"),
                              ("L01", "300 EUR", {"budget_eur": 300}), ("L03", "6 weeks", "weeks"),
                              ("L04", "1 h/week", {"hours_per_week": 1.0}), ("L08", "3 km", {"mobility_km": 3.0})):
        learner, job = by_id[lid]
        update = {"deadline": learner.start + dt.timedelta(weeks=6)} if change == "weeks" else change
        out.append((learner.model_copy(update={**update, "id": f"{lid}, {name}"}), job))
    return out


def learner_files(folder: Path, catalogue) -> list[Path]:
    """The eval learner profiles as the CLI reads them, written into ``folder`` (a profile expecting
    ``learner_has_all_required`` gets the job's skills and certifications, as :func:`eval_cases` does)."""
    from curriculum.planner.pathway import resolve_job

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for f in sorted((ROOT / "tests" / "data" / "eval" / "learners").glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if (data.get("expect") or {}).get("learner_has_all_required"):
            job = resolve_job(catalogue, data["target_job"])
            data["skills"] = [{"uri": r.skill, "level": r.level} for r in job.required_skills]
            data["certifications"] = [f"Habilitation {c}" for c in job.mandatory_certifications]
        (folder / f.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out.append(folder / f.name)
    return out


def cli_plans(files: list[Path], kb: Path, data_dir: Path, repeat: int) -> dict[str, list[float]]:
    """Wall seconds of ``curriculum plan -l FILE -f json --kb KB`` per learner (``repeat`` runs each)."""
    env = {**os.environ, "CURRICULUM_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "CURRICULUM_LLM_MODEL": ""}
    times: dict[str, list[float]] = {}
    for f in files:
        for _ in range(repeat):
            wall, _, code, last = cli(["plan", "-l", str(f), "-f", "json", "--kb", str(kb)], env)
            if code != 0:
                raise SystemExit(f"curriculum plan -l {f} --kb {kb} failed (exit {code}): {last}")
            times.setdefault(f.stem[:3], []).append(wall)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--offers", type=int, default=10_000, help="actions in the regional feed")
    ap.add_argument("--second-share", type=float, default=0.15, help="share of its formations a second feed carries")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--repeat", type=int, default=5, help="timed plans per eval learner")
    ap.add_argument("--skip-cli", action="store_true", help="no whole-process timings")
    ap.add_argument("--skip-cli-import", action="store_true", help="no whole-process import, validate and index "
                    "(whole-process plans stay)")
    ap.add_argument("--skip-index", action="store_true", help="do not embed (no MiniLM)")
    ap.add_argument("--skip-cli-index", action="store_true", help="no whole-process `curriculum index` (it embeds "
                    "the same modules as the in-process step again)")
    ap.add_argument("--profile", action="store_true", help="profile the slowest plan on the enlarged catalogue")
    ap.add_argument("--keep", type=Path, help="keep the feeds and knowledge bases in this folder")
    ap.add_argument("--reuse", type=Path, help="plans only, on the enlarged knowledge base a --keep run left in "
                    "this folder (steps 1-3 skipped)")
    ap.add_argument("--cli-repeat", type=int, default=3, help="whole-process plans per eval learner")
    args = ap.parse_args()
    shipped = load_catalogue(ROOT / "knowledge_base")
    if args.reuse:
        kb, data_dir = args.reuse / "kb", args.reuse / "data"
        ws = Workspace.open(Settings.from_env(data_dir=data_dir, kb_dir=kb, llm_model=""))
        return plan_tables(args, shipped, ws, args.reuse, f"the enlarged knowledge base of {args.reuse}")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="curriculum-regional-"))
    tmp.mkdir(parents=True, exist_ok=True)
    data_dir, kb = tmp / "data", tmp / "kb"
    shutil.rmtree(kb, ignore_errors=True)
    shutil.copytree(ROOT / "knowledge_base", kb)
    print(f"work folder: {tmp}", file=sys.stderr)

    t0 = time.perf_counter()
    offers = make_offers(args.offers, args.seed, shipped)
    feed_a, feed_b = tmp / "carif-hdf.xml", tmp / "onisep.xml"
    feed_a.write_bytes(lheo_xml(offers))
    feed_b.write_bytes(lheo_xml(second_feed(offers, args.second_share, args.seed + 1), encoding="ISO-8859-1"))
    n = sum(len(o.actions) for o in offers)
    n_b = feed_b.read_bytes().count(b"<action ")
    row(f"generate {n:,} actions ({feed_a.stat().st_size / 2**20:.1f} MiB) + second feed {n_b:,} actions",
        time.perf_counter() - t0, n, rss_mib())

    cat = load_catalogue(kb, cache_dir=data_dir)
    modules, issues, seconds, tag_s = parse(feed_a, cat, "carif-hdf", data_dir)
    drafts = sum(m.status.value == "draft" for m in modules)
    row("parse (without tagging)", seconds - tag_s, n, rss_mib(), f"{len(modules):,} modules, {drafts:,} drafts, "
        f"{len(issues):,} issues")
    row("tag", tag_s, n, rss_mib())
    t0 = time.perf_counter()
    rep = sync_feed(modules, kb, "carif-hdf", cache_dir=data_dir)
    c = rep.counts()
    row("sync (write)", time.perf_counter() - t0, n, rss_mib(), f"{c['added']:,} added, {c['skipped']} skipped, "
        f"{rep.past_sessions:,} ended sessions dropped")
    mods_b, _, sec_b, _ = parse(feed_b, cat, "onisep", data_dir)
    t0 = time.perf_counter()
    rep_b = sync_feed(mods_b, kb, "onisep", cache_dir=data_dir)
    row("second feed: parse + tag + sync", sec_b + time.perf_counter() - t0, n_b, rss_mib(),
        f"{len(rep_b.merged):,} merged, {len(rep_b.added):,} added")
    mods_a2, _, sec_a2, _ = parse(feed_a, cat, "carif-hdf", data_dir)
    t0 = time.perf_counter()
    rep2 = sync_feed(mods_a2, kb, "carif-hdf", cache_dir=data_dir)
    row("re-import unchanged: parse + tag + sync", sec_a2 + time.perf_counter() - t0, n, rss_mib(),
        f"{len(rep2.unchanged):,} unchanged, {len(rep2.updated)} updated, {len(rep2.added)} added")
    t0 = time.perf_counter()
    report = validate_kb(kb)
    row("kb validate", time.perf_counter() - t0, n, rss_mib(), f"{report['checked']:,} files, "
        f"{len(report['errors']):,} errors")
    settings = Settings.from_env(data_dir=data_dir, kb_dir=kb, llm_model="")
    ws = Workspace.open(settings)
    if not args.skip_index:
        t0 = time.perf_counter()
        reports = ws.build_index()
        row("index (embed new modules)", time.perf_counter() - t0, n, rss_mib(),
            "; ".join(f"{r.collection} +{r.added}" for r in reports))

    if not args.skip_cli and not args.skip_cli_import:
        kb2, data2 = tmp / "kb-cli", tmp / "data-cli"
        shutil.rmtree(kb2, ignore_errors=True)
        shutil.copytree(ROOT / "knowledge_base", kb2)
        env = {**os.environ, "CURRICULUM_DATA_DIR": str(data2), "HF_HUB_OFFLINE": "1", "CURRICULUM_LLM_MODEL": ""}
        steps = [("kb import-lheo (first feed)", ["kb", "import-lheo", str(feed_a), "--kb", str(kb2)], n),
                 ("kb import-lheo (second feed)", ["kb", "import-lheo", str(feed_b), "--kb", str(kb2)], n_b),
                 ("kb import-lheo (first feed again, unchanged)", ["kb", "import-lheo", str(feed_a), "--kb", str(kb2)], n),
                 ("kb validate", ["kb", "validate", str(kb2)], n)]
        if not args.skip_index and not args.skip_cli_index:
            steps.append(("index", ["index", "--kb", str(kb2)], n))
        for label, argv, count in steps:
            wall, mem, code, last = cli(argv, env)
            row(f"CLI process: {label}", wall, count, mem, f"exit {code}; {last[:90]}")

    print(f"\n### Regional feed: {n:,} actions ({len(modules):,} modules read) into the shipped knowledge base\n")
    print("| step | seconds | ms per offer | max RSS (MiB) | notes |")
    print("|---|---:|---:|---:|---|")
    print("\n".join(ROWS))
    plan_tables(args, shipped, ws, tmp, f"{n:,} actions imported")


def _cells(values: list[float]) -> str:
    return f"{pct(values, 50):.3f} / {pct(values, 95):.3f} / {max(values):.3f}"


def plan_tables(args, shipped, ws: Workspace, tmp: Path, what: str) -> None:
    """Steps 4 and 5: plans of the eval learners on the shipped and the enlarged catalogue, in-process and
    as whole CLI processes, timed in the same run; Markdown tables on stdout."""
    eval_dir = ROOT / "tests" / "data" / "eval" / "learners"
    ws_shipped = Workspace.open(Settings.from_env(data_dir=ws.settings.data_dir, kb_dir=ROOT / "knowledge_base",
                                                  llm_model=""))
    before, first_b = plans(ws_shipped, eval_cases(shipped, eval_dir), args.repeat)
    after, first_a = plans(ws, eval_cases(ws.catalogue, eval_dir), args.repeat)
    tight_b = plans(ws_shipped, tight_variants(eval_cases(shipped, eval_dir)), args.repeat)[0]
    tight_a = plans(ws, tight_variants(eval_cases(ws.catalogue, eval_dir)), args.repeat)[0]
    cli_b = cli_a = None
    if not args.skip_cli:
        files = learner_files(tmp / "learners", shipped)
        cli_b = cli_plans(files, ROOT / "knowledge_base", ws.settings.data_dir, args.cli_repeat)
        cli_a = cli_plans(files, ws.settings.kb_dir, ws.settings.data_dir, args.cli_repeat)
    n_b, n_a = len(ws_shipped.catalogue.modules), len(ws.catalogue.modules)
    print(f"\n### Plans of the eval learners ({what}): in-process (`Workspace.plan`, {args.repeat} runs each after "
          f"a warm-up){f' and whole CLI processes ({args.cli_repeat} runs each)' if cli_a else ''}\n")
    head = "| learner | shipped p50 (s) | enlarged p50 (s) | enlarged max (s) |"
    if cli_a:
        head += " CLI shipped p50 (s) | CLI enlarged p50 (s) |"
    print(head + "\n|---|" + "---:|" * (5 if cli_a else 3))
    for lid in before:
        cells = f" {pct(cli_b[lid[:3]], 50):.2f} | {pct(cli_a[lid[:3]], 50):.2f} |" if cli_a else ""
        print(f"| {lid} | {pct(before[lid], 50):.3f} | {pct(after[lid], 50):.3f} | {max(after[lid]):.3f} |{cells}")
    b = [x for v in before.values() for x in v]
    a = [x for v in after.values() for x in v]
    print("\n| catalogue | modules | in-process plans | p50 / p95 / max (s) | first plan of the process (s) |"
          + (" CLI processes | p50 / p95 / max (s) |" if cli_a else ""))
    print("|---|---:|---:|---:|---:|" + ("---:|---:|" if cli_a else ""))
    for name, n, v, first, c in (("shipped", n_b, b, first_b, cli_b), ("enlarged", n_a, a, first_a, cli_a)):
        cv = [x for w in c.values() for x in w] if c else []
        print(f"| {name} | {n:,} | {len(v)} | {_cells(v)} | {first:.3f} |" + (f" {len(cv)} | {_cells(cv)} |" if c else ""))
    ratios = f"p50 {pct(a, 50) / pct(b, 50):.1f}×, p95 {pct(a, 95) / pct(b, 95):.1f}×"
    if cli_a:
        ca, cb = [x for w in cli_a.values() for x in w], [x for w in cli_b.values() for x in w]
        ratios += f"; CLI processes p50 {pct(ca, 50) / pct(cb, 50):.1f}×, p95 {pct(ca, 95) / pct(cb, 95):.1f}×"
    print(f"\nRatios enlarged / shipped: in-process {ratios}. Target in-process p95 ≤ 1 s: "
          f"{'met' if pct(a, 95) <= 1.0 else 'MISSED'}; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    print(f"\n### Eval learners who cannot be planned as asked (relaxations searched), in-process, {args.repeat} "
          "runs each\n\n| learner | shipped p50 (s) | enlarged p50 / max (s) | relaxations |\n|---|---:|---:|---|")
    for (learner, job), lid in zip(tight_variants(eval_cases(ws.catalogue, eval_dir)), tight_a):
        relaxations = ws.plan(learner, job.id).relaxations or []
        print(f"| {lid} | {pct(tight_b[lid], 50):.3f} | {pct(tight_a[lid], 50):.3f} / {max(tight_a[lid]):.3f} | "
              f"{'; '.join(r['change'] for r in relaxations) or '—'} |")
    ta = [x for v in tight_a.values() for x in v]
    print(f"\nAll of them, enlarged catalogue: p50 / p95 / max {_cells(ta)} s.")
    if args.profile:
        slow = max(after, key=lambda k: max(after[k]))
        learner, job = next(c for c in eval_cases(ws.catalogue, ROOT / "tests" / "data" / "eval" / "learners")
                            if c[0].id == slow)
        prof = cProfile.Profile()
        forget_learners()
        prof.runcall(ws.plan, learner, job.id)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\n### Profile of the slowest enlarged plan ({slow})\n\n```\n{out.getvalue()[-6000:]}\n```")


if __name__ == "__main__":
    main()
