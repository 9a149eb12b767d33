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
   p50 / p95 / max and the ratio; ``--profile`` prints where the slowest enlarged plan spends its time.

Run from the repository root::

    python benchmarks/regional_feed.py                         # 10,000 actions, ~15 min on 2 cores
    python benchmarks/regional_feed.py --offers 500 --skip-cli  # CI-sized, < 1 min
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


def plans(ws: Workspace, cases, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for learner, job in cases:
        ws.plan(learner, job.id)  # warm-up (places table, skill vectors, mapper cache)
        for _ in range(repeat):
            t0 = time.perf_counter()
            ws.plan(learner, job.id)
            times.setdefault(learner.id, []).append(time.perf_counter() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--offers", type=int, default=10_000, help="actions in the regional feed")
    ap.add_argument("--second-share", type=float, default=0.15, help="share of its formations a second feed carries")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--repeat", type=int, default=5, help="timed plans per eval learner")
    ap.add_argument("--skip-cli", action="store_true", help="no whole-process timings")
    ap.add_argument("--skip-index", action="store_true", help="do not embed (no MiniLM)")
    ap.add_argument("--skip-cli-index", action="store_true", help="no whole-process `curriculum index` (it embeds "
                    "the same modules as the in-process step again)")
    ap.add_argument("--profile", action="store_true", help="profile the slowest plan on the enlarged catalogue")
    ap.add_argument("--keep", type=Path, help="keep the feeds and knowledge bases in this folder")
    args = ap.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="curriculum-regional-"))
    tmp.mkdir(parents=True, exist_ok=True)
    data_dir, kb = tmp / "data", tmp / "kb"
    shutil.rmtree(kb, ignore_errors=True)
    shutil.copytree(ROOT / "knowledge_base", kb)
    shipped = load_catalogue(ROOT / "knowledge_base")
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

    if not args.skip_cli:
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

    cases_shipped = eval_cases(shipped, ROOT / "tests" / "data" / "eval" / "learners")
    ws_shipped = Workspace.open(Settings.from_env(data_dir=data_dir, kb_dir=ROOT / "knowledge_base", llm_model=""))
    before = plans(ws_shipped, cases_shipped, args.repeat)
    after = plans(ws, eval_cases(ws.catalogue, ROOT / "tests" / "data" / "eval" / "learners"), args.repeat)

    print(f"\n### Regional feed: {n:,} actions ({len(modules):,} modules read) into the shipped knowledge base\n")
    print("| step | seconds | ms per offer | max RSS (MiB) | notes |")
    print("|---|---:|---:|---:|---|")
    print("\n".join(ROWS))
    print(f"\n### Plans of the eval learners, in-process (`Workspace.plan`, {args.repeat} runs each after a warm-up)\n")
    print(f"| learner | shipped p50 (s) | enlarged p50 (s) | enlarged max (s) |")
    print("|---|---:|---:|---:|")
    for lid in before:
        print(f"| {lid} | {pct(before[lid], 50):.3f} | {pct(after[lid], 50):.3f} | {max(after[lid]):.3f} |")
    b = [x for v in before.values() for x in v]
    a = [x for v in after.values() for x in v]
    print(f"\n| catalogue | modules | plans | p50 / p95 / max (s) |\n|---|---:|---:|---:|")
    print(f"| shipped | {len(ws_shipped.catalogue.modules):,} | {len(b)} | {pct(b, 50):.3f} / {pct(b, 95):.3f} / {max(b):.3f} |")
    print(f"| enlarged | {len(ws.catalogue.modules):,} | {len(a)} | {pct(a, 50):.3f} / {pct(a, 95):.3f} / {max(a):.3f} |")
    print(f"\np95 ratio enlarged / shipped: {pct(a, 95) / pct(b, 95):.1f}×; target p95 ≤ 1 s: "
          f"{'met' if pct(a, 95) <= 1.0 else 'MISSED'}; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    if args.profile:
        slow = max(after, key=lambda k: max(after[k]))
        learner, job = next(c for c in eval_cases(ws.catalogue, ROOT / "tests" / "data" / "eval" / "learners")
                            if c[0].id == slow)
        prof = cProfile.Profile()
        prof.runcall(ws.plan, learner, job.id)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\n### Profile of the slowest enlarged plan ({slow})\n\n```\n{out.getvalue()[-6000:]}\n```")


if __name__ == "__main__":
    main()
