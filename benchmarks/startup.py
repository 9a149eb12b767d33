"""What a person at the command line waits for (issue #12): whole-process wall times, as ratios to
``python -c "import pandas"`` measured in the same run, and the virtual environment's size.

    python benchmarks/startup.py [--repeat 3] [--baseline-src DIR]

``--baseline-src`` runs the same commands on another checkout of the project (e.g. a ``git worktree``
of the commit before this work) with this interpreter, so before and after are measured side by side
(the interpreter's environment must have what that checkout needs). Every command runs with a fresh,
empty data folder for ``index`` and a shared, already indexed one for ``plan``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "eval" / "learners"


def timed(cmd: list[str], env: dict, cwd: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def du_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total / 1e6


def measure(src: Path, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("CURRICULUM_CHROMA_HOST", None)
    cli = [sys.executable, "-m", "curriculum.cli"]
    out: dict[str, float] = {}
    out["--help"] = statistics.median(timed([*cli, "--help"], env, src) for _ in range(repeat))
    fresh = Path(tempfile.mkdtemp(prefix="startup-index-"))
    out["index, fresh data folder"] = timed([*cli, "index"], {**env, "CURRICULUM_DATA_DIR": str(fresh)}, src)
    plans = []
    for case in sorted(EVAL.glob("*.yaml")):
        runs = [timed([*cli, "plan", "-l", str(case), "-f", "json"], {**env, "CURRICULUM_DATA_DIR": str(fresh)}, src)
                for _ in range(repeat)]
        out[f"plan {case.name[:3]}"] = statistics.median(runs)
        plans.append(out[f"plan {case.name[:3]}"])
    out["plan p50 (all eval learners)"] = statistics.median(plans)
    shutil.rmtree(fresh, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path, default=None)
    args = parser.parse_args()
    pandas = statistics.median(timed([sys.executable, "-c", "import pandas"], dict(os.environ), ROOT)
                               for _ in range(max(3, args.repeat)))
    after = measure(ROOT, args.repeat)
    before = measure(args.baseline_src, args.repeat) if args.baseline_src else None
    print(f"load average {os.getloadavg()[0]:.1f}; `python -c \"import pandas\"` {pandas:.2f} s (ratio 1.0)\n")
    head = "| command | " + ("before (s) | ratio | " if before else "") + "after (s) | ratio |"
    print(head + "\n|---|" + "---:|" * (4 if before else 2))
    for key, value in after.items():
        cells = (f"{before[key]:.2f} | {before[key] / pandas:.1f} | " if before and key in before else
                 ("— | — | " if before else ""))
        print(f"| `{key}` | {cells}{value:.2f} | {value / pandas:.1f} |")
    print(f"\nvirtual environment ({sys.prefix}): {du_mb(Path(sys.prefix)):,.0f} MB")


if __name__ == "__main__":
    main()
