"""Soak and fault run of the store (issue #9): several processes on one data folder, then faults.

Not a test: run it by hand and copy the tables into the README.

    python benchmarks/soak.py [--seconds 180]

Soak: for ``--seconds``, four workers share one data folder and one copy of the knowledge base:
``curriculum plan`` in a loop (whole processes), ``curriculum index`` in a loop, an instructor who
edits a module (save + re-index of that module) in a loop, and a long-lived "UI" process that
counts, searches and plans in a loop. Every operation has a 180 s limit (past it: a hang).
Faults: ``kill -9`` during ``curriculum index`` then ``curriculum plan``; a full disk (file-size
limit) during ``index`` and during a module save; then the plan of a quiet machine is compared with
the plan after the soak.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "examples" / "mechanic-douai-to-ev-battery.yaml"
LIMIT_S = 180
EDIT = """
import random, sys, time
from pathlib import Path
from curriculum.knowledge.editing import reindex_module, save_module
from curriculum.knowledge.catalogue import load_module_file
from curriculum.services import default_workspace
ws, end, n = default_workspace(), time.time() + float(sys.argv[1]), 0
ids = sorted(ws.catalogue.modules)[:5]
while time.time() < end:
    mid = random.choice(ids)
    path = Path(ws.settings.kb_dir) / "modules" / f"{mid}.md"
    m = load_module_file(path)
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    save_module(ws.settings.kb_dir, m.model_copy(update={"summary": m.summary.rstrip(". ") + f". Rev {n}."}),
                body, m.version)
    reindex_module(ws, mid)
    n += 1
print(n)
"""
UI = """
import sys, time
from curriculum.learners import load_learner
from curriculum.services import default_workspace
ws, end, n = default_workspace(), time.time() + float(sys.argv[1]), 0
profile = load_learner(sys.argv[2])
while time.time() < end:
    ws.index.count(); ws.index.search_modules("habilitation B2TL", k=3) if ws.index.count() else None
    ws.plan(profile, explain=False)
    n += 1
print(n)
"""


def run(cmd: list[str], env: dict, timeout: float = LIMIT_S, **kw) -> tuple[str, float, str, str]:
    """(outcome, seconds, stdout, stderr); outcome ok | exit N | hang."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, **kw)
        outcome = "ok" if p.returncode == 0 else f"exit {p.returncode}"
        return outcome, time.perf_counter() - t0, p.stdout, p.stderr
    except subprocess.TimeoutExpired as exc:
        return "hang", time.perf_counter() - t0, "", str(exc.stderr or "")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "curriculum.cli", *args]


def plan_json(env: dict) -> dict:
    outcome, _, out, err = run(cli("plan", "-l", str(PROFILE), "-f", "json"), env)
    assert outcome == "ok", err
    data = json.loads(out)
    for key in ("provenance", "generated_at"):
        data.pop(key, None)
    return data


def soak(env: dict, seconds: float) -> tuple[dict, list[str]]:
    stats: dict[str, Counter] = {k: Counter() for k in ("plan", "index", "edit", "ui")}
    problems: list[str] = []
    end = time.time() + seconds

    def record(kind: str, outcome: str, secs: float, err: str) -> None:
        stats[kind][outcome] += 1
        stats[kind]["max_s"] = max(stats[kind]["max_s"], round(secs))
        if "Traceback" in err:
            stats[kind]["tracebacks"] += 1
        if "cannot be read" in err or "damaged" in err:
            stats[kind]["damaged"] += 1
        if outcome != "ok":
            problems.append(f"{kind}: {outcome}: {err.strip().splitlines()[-1] if err.strip() else ''}")

    def loop(kind: str, cmd: list[str]) -> None:
        while time.time() < end:
            record(kind, *[x for i, x in enumerate(run(cmd, env)) if i != 2])

    def once(kind: str, code: str) -> None:
        outcome, secs, out, err = run([sys.executable, "-c", code, str(seconds), str(PROFILE)], env,
                                      timeout=seconds + LIMIT_S)
        record(kind, outcome, secs, err)
        stats[kind]["iterations"] = int(out.strip() or 0) if outcome == "ok" else 0

    threads = [threading.Thread(target=loop, args=("plan", cli("plan", "-l", str(PROFILE), "-f", "json"))),
               threading.Thread(target=loop, args=("index", cli("index"))),
               threading.Thread(target=once, args=("edit", EDIT)),
               threading.Thread(target=once, args=("ui", UI))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {k: dict(v) for k, v in stats.items()}, problems


def faults(env: dict) -> list[tuple[str, str]]:
    rows = []
    # kill -9 during index
    index_dir = Path(env["CURRICULUM_DATA_DIR"]) / "index"
    proc = subprocess.Popen(cli("index", "--rebuild"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(4, 8))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    outcome, secs, _, err = run(cli("plan", "-l", str(PROFILE), "-f", "json"), env)
    left = [g.name for g in index_dir.glob("*/g-*")]
    rows.append(("kill -9 during `index --rebuild`, then `plan`", f"{outcome} in {secs:.1f} s; "
                 f"{len(left)} generation folders (2 published + the dead writer's) until the next writer cleans up"))
    outcome, secs, out, err = run(cli("index"), env)
    rows.append(("then `index`", f"{outcome} in {secs:.1f} s; {len(list(index_dir.glob('*/g-*')))} generation "
                 "folders left (one per collection)"))

    def fsize(limit: int):
        return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    before = {p: p.read_text() for p in index_dir.glob("*/CURRENT")}
    outcome, secs, _, err = run(cli("index", "--rebuild"), env, preexec_fn=fsize(200_000))
    after = {p: p.read_text() for p in index_dir.glob("*/CURRENT")}
    rows.append(("full disk (200 kB file limit) during `index --rebuild`",
                 f"{outcome}: …{err.strip().splitlines()[-1][-110:] if err.strip() else ''}; previous index "
                 f"{'kept' if before == after else 'CHANGED'}"))
    kb = Path(env["CURRICULUM_KB_DIR"])
    target = sorted((kb / "modules").glob("*.md"))[0]
    text = target.read_text(encoding="utf-8")
    code = ("from curriculum.knowledge.editing import save_module; from curriculum.knowledge.catalogue import "
            f"load_module_file; from pathlib import Path; m = load_module_file(Path({str(target)!r})); "
            f"save_module(Path({str(kb)!r}), m.model_copy(update={{'summary': 'x' * 50000}}), 'body', m.version)")
    outcome, secs, _, err = run([sys.executable, "-c", code], env, preexec_fn=fsize(20_000))
    rows.append(("full disk (20 kB file limit) during a module save",
                 f"{outcome}: {err.strip().splitlines()[-1][-120:] if err.strip() else ''}; module file "
                 f"{'intact' if target.read_text(encoding='utf-8') == text else 'CHANGED'}, "
                 f"{len(list((kb / 'modules').glob('.*.tmp')))} temporary files left"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=180)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="curriculum-soak-"))
    shutil.copytree(ROOT / "knowledge_base", work / "kb")
    env = {**os.environ, "CURRICULUM_DATA_DIR": str(work / "data"), "CURRICULUM_KB_DIR": str(work / "kb"),
           "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    env.pop("CURRICULUM_CHROMA_HOST", None)
    t0 = time.perf_counter()
    outcome, secs, _, err = run(cli("index"), env, timeout=1800)
    print(f"first index on an empty folder: {outcome} in {secs:.1f} s\n")
    quiet = plan_json(env)
    stats, problems = soak(env, args.seconds)
    print(f"## Soak: 4 workers, {args.seconds:g} s, one data folder\n")
    print("| worker | runs ok (edit, ui: iterations in one long-lived process) | failed | hangs (> 180 s) | tracebacks | damaged store | slowest (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, s in stats.items():
        runs = s.get("iterations", s.get("ok", 0)) if kind in ("edit", "ui") else s.get("ok", 0)
        failed = sum(v for k, v in s.items() if k.startswith("exit"))
        slowest = s.get("max_s", 0) if kind in ("plan", "index") else "— (one process)"
        print(f"| {kind} | {runs} | {failed} | {s.get('hang', 0)} | {s.get('tracebacks', 0)} | "
              f"{s.get('damaged', 0)} | {slowest} |")
    for p in problems[:10]:
        print(f"- {p}")
    print("\n## Faults\n\n| fault | result |\n|---|---|")
    for fault, result in faults(env):
        print(f"| {fault} | {result} |")
    run(cli("index"), env, timeout=1800)
    after = plan_json(env)
    same = [s["module_id"] for s in after["steps"]] == [s["module_id"] for s in quiet["steps"]]
    print(f"\nplan after the soak and faults identical to the quiet plan (modules and order): {same}; "
          f"whole run {time.perf_counter() - t0:.0f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
