"""How well the offer tagger re-derives the shipped modules' own skills (issue #11 item 3).

    python benchmarks/tagging.py [--fit] [--no-embeddings] [--speed N]

Every approved module of ``knowledge_base/modules`` becomes an offer: its title, summary and body as
text, the ROME codes of the jobs its domain links (:data:`DOMAIN_JOBS`, stated below) and its
``funding.register``; its ``outcomes`` are hidden and re-derived. Certification facts never use the
module itself (leave-one-out). The same offers are also scored from their title alone (with the ROME
and register codes): real feeds range from a bare title to a full programme, and the model is fitted on
both variants. For each source alone (certification facts, ROME, text embeddings,
labels), the combined calibrated model and the interim verbatim-label tagger (baseline), it prints
precision and recall at 3/5/10, then precision/recall and suggestions per module at confidence
thresholds, the level agreement, and the calibration (mean confidence against the share correct per
bin). The combined model is scored by 5-fold cross-validation grouped by module (each fold's model never
saw the modules it scores). ``--fit`` refits on all modules and writes
``curriculum/data/tagging_calibration.json`` (weights, the thresholds chosen here, the figures).

It also replays the editor's old suggestions (``editing.suggest_tags``: the whole text embedded as one
query, top 5 by cosine) on the battery modules, against :func:`suggest_skills`, and times tagging
(``--speed N`` offers built from the shipped texts, with and without embeddings).

Needs scikit-learn (development only) for the logistic fit.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.knowledge.catalogue import load_catalogue  # noqa: E402
from curriculum.knowledge.offer_tagger import (CALIBRATION_FILE, EDITOR_FLOOR, Calibration,  # noqa: E402
                                               DefaultOfferTagger, suggest_skills)
from curriculum.knowledge.tag_features import FEATURES  # noqa: E402
from curriculum.knowledge.tagging import OfferText  # noqa: E402
from curriculum.retrieval.skill_mapping import normalise_label  # noqa: E402

DOMAIN_JOBS = {  # module domain → shipped jobs whose ROME code an offer of that domain would carry
    "ev-safety": ["ev-automotive-technician", "ev-battery-maintenance-technician"],
    "batteries": ["ev-battery-maintenance-technician", "ev-battery-dismantling-technician"],
    "production": ["battery-cell-production-line-pilot"],
    "ev-architecture": ["ev-automotive-technician"],
    "charging": ["ev-charging-point-installer"],
    "maintenance": ["industrial-maintenance-technician", "automated-installations-maintenance-technician"],
    "automation": ["automated-installations-maintenance-technician"],
    "welding": ["tig-welder", "mig-mag-welder"],
}  # hse, lean-quality, ev-awareness, robotics: no job with a ROME code → no ROME prior
KS = (3, 5, 10)
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
EPB = "http://data.europa.eu/esco/skill/4e09e2d2-e317-47d2-bf5e-1d6c66be3efc"  # energy performance of buildings


def offers(catalogue):
    modules = sorted(catalogue.modules.values(), key=lambda m: m.id)
    out = []
    for m in modules:
        rome = [catalogue.jobs[j].rome_code for j in DOMAIN_JOBS.get(m.domain, []) if j in catalogue.jobs]
        register = m.funding.register_code if m.funding else None
        out.append(OfferText(title=m.title, text=f"{m.summary}\n{m.body}", language=m.language, rome=[r for r in rome if r],
                             rncp=register if register and register.startswith("RNCP") else None,
                             rs=register if register and register.startswith("RS") else None))
    return modules, out


def interim_baseline(catalogue, offer: OfferText) -> list[str]:
    """The interim tagger replaced by this work: preferred labels found verbatim (as it was)."""
    labels: dict[str, str] = {}
    for skill in catalogue.taxonomy.values():
        for label in skill.labels.values():
            key = normalise_label(re.sub("[\u2019\u2018\u02bc]", "'", label))
            if len(key) >= 4:
                labels.setdefault(key, skill.id)
    norm = f" {normalise_label(re.sub('[’‘ʼ]', chr(39), offer.title + ' . ' + offer.text))} "
    return list(dict.fromkeys(sid for key, sid in labels.items() if f" {key} " in norm))


def at_k(ranked: list[list[str]], truth: list[set[str]], k: int) -> tuple[float, float]:
    p = [len(set(r[:k]) & t) / k for r, t in zip(ranked, truth)]
    r = [len(set(rk[:k]) & t) / len(t) for rk, t in zip(ranked, truth) if t]
    return float(np.mean(p)), float(np.mean(r))


def at_threshold(scored: list[list[tuple[str, float]]], truth: list[set[str]], t: float) -> tuple[float, float, float]:
    tp = fp = fn = 0
    kept = []
    for s, tr in zip(scored, truth):
        chosen = {k for k, c in s if c >= t}
        tp += len(chosen & tr)
        fp += len(chosen - tr)
        fn += len(tr - chosen)
        kept.append(len(chosen))
    prec = tp / (tp + fp) if tp + fp else float("nan")
    return prec, tp / (tp + fn), float(np.mean(kept))


def row(name: str, ranked, truth) -> str:
    cells = [f"{p:.2f} / {r:.2f}" for p, r in (at_k(ranked, truth, k) for k in KS)]
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description="offer tagging benchmark")
    parser.add_argument("--fit", action="store_true", help="write curriculum/data/tagging_calibration.json")
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--embed-sentences", type=int, default=None, help="sentences embedded per offer")
    parser.add_argument("--speed", type=int, default=0, help="time tagging N offers built from the shipped texts")
    args = parser.parse_args()
    if args.fit and args.no_embeddings:
        parser.error("--fit needs the embeddings (it fits both models: with and without them)")
    from sklearn.linear_model import LogisticRegression

    catalogue = load_catalogue(ROOT / "knowledge_base")
    modules, offs = offers(catalogue)
    truth = [{o.skill for o in m.outcomes} for m in modules]
    levels = [{o.skill: o.level for o in m.outcomes} for m in modules]
    t0 = time.perf_counter()
    extra = {"embed_sentences": args.embed_sentences} if args.embed_sentences else {}
    tagger = DefaultOfferTagger(catalogue, use_embeddings=not args.no_embeddings, **extra)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    feats = tagger.candidates_many(offs, exclude=[frozenset({m.id}) for m in modules])
    featured = time.perf_counter() - t0
    cands = [c for _, c in feats]
    # the same offers with their title only (real feeds range from a bare title to a full programme): the model
    # is fitted on both variants, so that a title-only offer is not judged by weights learnt from full texts
    bare = [OfferText(title=o.title, language=o.language, rome=o.rome, rncp=o.rncp, rs=o.rs) for o in offs]
    bare_cands = [c for _, c in tagger.candidates_many(bare, exclude=[frozenset({m.id}) for m in modules])]
    print(f"{len(modules)} modules, {sum(map(len, truth))} hidden outcomes; tagger built in {built:.1f} s, "
          f"features in {featured:.1f} s ({1000 * featured / len(modules):.0f} ms per offer"
          f"{', embeddings off' if args.no_embeddings else ''}); candidates recall "
          f"{np.mean([len({c.skill for c in cs} & t) / len(t) for cs, t in zip(cands, truth)]):.2f}\n")

    # ---- the combined model, cross-validated by module
    def arrays(cs_list):
        return ([np.array([c.vector() for c in cs]).reshape(-1, len(FEATURES)) for cs in cs_list],
                [np.array([c.skill in t for c in cs], dtype=int) for cs, t in zip(cs_list, truth)])

    X, Y = arrays(cands)
    XB, YB = arrays(bare_cands)
    folds = np.arange(len(modules)) % 5
    rng = np.random.default_rng(7)
    rng.shuffle(folds)
    cv_conf: list[np.ndarray] = [np.zeros(len(x)) for x in X]
    bare_conf: list[np.ndarray] = [np.zeros(len(x)) for x in XB]
    for f in range(5):
        train = [i for i in range(len(X)) if folds[i] != f]
        model = LogisticRegression(C=1.0, max_iter=2000).fit(
            np.vstack([X[i] for i in train] + [XB[i] for i in train]),
            np.concatenate([Y[i] for i in train] + [YB[i] for i in train]))
        for i in range(len(X)):
            if folds[i] == f:
                cv_conf[i] = model.predict_proba(X[i])[:, 1] if len(X[i]) else cv_conf[i]
                bare_conf[i] = model.predict_proba(XB[i])[:, 1] if len(XB[i]) else bare_conf[i]

    def ranked_by(key) -> list[list[str]]:
        return [[c.skill for c in sorted(cs, key=key, reverse=True) if key(c) > 0] for cs in cands]

    feature = lambda name: (lambda c: c.features.get(name, 0.0))  # noqa: E731
    sources = {
        "certification facts": ranked_by(feature("cert")),
        "ROME (jobs + fiche table)": ranked_by(feature("rome")),
        "text embeddings (MiniLM)": ranked_by(feature("emb")),
        "labels (lexical coverage)": ranked_by(lambda c: c.features.get("lex", 0.0) + c.features.get("verbatim", 0.0)),
    }
    combined = [[c.skill for _, c in sorted(zip(conf, cs), key=lambda t: -t[0])] for conf, cs in zip(cv_conf, cands)]
    baseline = [interim_baseline(catalogue, o) for o in offs]
    print("Precision / recall at k (mean over modules):\n")
    print("| source | P/R @3 | P/R @5 | P/R @10 |\n|---|---|---|---|")
    print(row("interim tagger (verbatim preferred labels) — baseline", baseline, truth))
    for name, ranked in sources.items():
        print(row(f"{name} alone", ranked, truth))
    print(row("**combined, calibrated (5-fold CV)**", combined, truth))
    bare_ranked = [[c.skill for _, c in sorted(zip(conf, cs), key=lambda t: -t[0])] for conf, cs in zip(bare_conf, bare_cands)]
    print(row("baseline on titles only", [interim_baseline(catalogue, o) for o in bare], truth))
    print(row("combined on titles only (+ ROME, register)", bare_ranked, truth))
    bare_scored = [list(zip([c.skill for c in cs], conf)) for cs, conf in zip(bare_cands, bare_conf)]
    print("titles only, at thresholds: " + "; ".join(
        "{:.1f}: P {:.2f} R {:.2f}".format(t, *at_threshold(bare_scored, truth, t)[:2]) for t in (0.3, 0.5, 0.7)))

    scored = [list(zip([c.skill for c in cs], conf)) for cs, conf in zip(cands, cv_conf)]
    base_scored = [[(s, 1.0) for s in b] for b in baseline]
    bp, br, bn = at_threshold(base_scored, truth, 0.5)
    print(f"\nAt confidence thresholds (combined, CV; baseline: every verbatim label, P {bp:.2f} R {br:.2f}, "
          f"{bn:.1f} per module):\n")
    print("| threshold | precision | recall | skills per module | modules auto-approved | their precision |")
    print("|---|---|---|---|---|---|")
    cal = Calibration.load()
    table = {}
    for t in THRESHOLDS:
        p, r, n = at_threshold(scored, truth, t)
        approved = [i for i, s in enumerate(scored) if sum(c >= t for _, c in s) >= cal.min_outcomes
                    and max((c for _, c in s), default=0) >= max(t, cal.auto_approve)]
        ap = at_threshold([scored[i] for i in approved], [truth[i] for i in approved], t)[0] if approved else float("nan")
        table[t] = {"precision": round(p, 3), "recall": round(r, 3), "per_module": round(n, 2),
                    "auto_approved": len(approved), "auto_precision": round(ap, 3)}
        print(f"| {t:.1f} | {p:.2f} | {r:.2f} | {n:.1f} | {len(approved)} / {len(modules)} | {ap:.2f} |")

    # ---- levels and calibration
    exact = near = total = 0
    for cs, conf, lv in zip(cands, cv_conf, levels):
        for c, p in zip(cs, conf):
            if p >= cal.threshold and c.skill in lv:
                total += 1
                exact += c.level == lv[c.skill]
                near += abs(c.level - lv[c.skill]) <= 1
    print(f"\nLevels of the true outcomes kept at {cal.threshold}: exact {exact / max(total, 1):.2f}, "
          f"within one level {near / max(total, 1):.2f} ({total} outcomes)")
    allc, ally = np.concatenate(cv_conf), np.concatenate(Y)
    print("\nCalibration (CV): confidence bin → mean confidence / share correct / candidates")
    for lo in np.arange(0, 1, 0.2):
        sel = (allc >= lo) & (allc < lo + 0.2 + (lo >= 0.8))
        if sel.any():
            print(f"  [{lo:.1f}, {lo + 0.2:.1f}) → {allc[sel].mean():.2f} / {ally[sel].mean():.2f} / {sel.sum()}")

    editor_case(catalogue, modules, offs, tagger, args)
    if args.speed:
        speed(catalogue, offs, args.speed)
    if args.fit:
        model = LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack([x for x in X + XB if len(x)]),
                                                             np.concatenate(Y + YB))
        data = {"weights": dict(zip(FEATURES, map(lambda v: round(float(v), 4), model.coef_[0]))),
                "intercept": round(float(model.intercept_[0]), 4), "threshold": cal.threshold,
                "auto_approve": cal.auto_approve, "min_outcomes": cal.min_outcomes,
                "figures": {"fitted_on": f"{len(modules)} shipped modules, full text and title only, "
                            f"{int(ally.sum())} outcomes among {len(ally)} full-text candidates", "cv_at_threshold": {str(k): v for k, v in table.items()},
                            "cv_at_k": {str(k): dict(zip(("precision", "recall"), map(lambda v: round(v, 3),
                                                                                     at_k(combined, truth, k))))
                                        for k in KS},
                            "baseline_at_k": {str(k): dict(zip(("precision", "recall"), map(lambda v: round(v, 3),
                                                                                           at_k(baseline, truth, k))))
                                              for k in KS}}}
        lexical = DefaultOfferTagger(catalogue, use_embeddings=False)
        excl = [frozenset({m.id}) for m in modules]
        XL, YL = arrays([c for _, c in lexical.candidates_many(offs, exclude=excl)])
        XLB, YLB = arrays([c for _, c in lexical.candidates_many(bare, exclude=excl)])
        lex_model = LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack([x for x in XL + XLB if len(x)]),
                                                                 np.concatenate(YL + YLB))
        data["without_embeddings"] = {"weights": dict(zip(FEATURES, (round(float(v), 4) for v in lex_model.coef_[0]))),
                                      "intercept": round(float(lex_model.intercept_[0]), 4)}
        CALIBRATION_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {CALIBRATION_FILE.relative_to(ROOT)}: {data['weights']} intercept {data['intercept']}")
    return 0


def editor_case(catalogue, modules, offs, tagger, args) -> None:
    """The editor's old suggestions (whole text as one embedding query, top 5) on battery modules."""
    if args.no_embeddings:
        return
    from curriculum.retrieval.embeddings import default_embeddings
    from curriculum.retrieval.taxonomy_vectors import TaxonomyVectors

    vectors = TaxonomyVectors.load(catalogue.taxonomy, None)
    model = default_embeddings()
    old_off = old_n = new_off = new_n = old_epb = new_epb = 0
    for m, o in zip(modules, offs):
        if m.domain != "batteries":
            continue
        truth = {x.skill for x in m.outcomes}
        old = vectors.search(model.embed_query(f"{o.title}\n{o.text}"), 5)
        old_n += len(old)
        old_off += sum(s not in truth for s, _ in old)
        old_epb += any(s == EPB for s, _ in old)
        new = suggest_skills(catalogue, f"{o.title}\n{o.text}", k=5, language=m.language, tagger=tagger)
        new_n += len(new)
        new_off += sum(s["skill"] not in truth for s in new)
        new_epb += any(s["skill"] == EPB for s in new)
    print(f"\nEditor suggestions on the {sum(m.domain == 'batteries' for m in modules)} battery modules (top 5):")
    print(f"  old (editing.suggest_tags): {old_n} shown, {old_off} not among the module's skills, "
          f"'energy performance of buildings' in {old_epb} modules")
    print(f"  new (suggest_skills, floor {EDITOR_FLOOR}): {new_n} shown, {new_off} not among the module's skills, "
          f"'energy performance of buildings' in {new_epb} modules (its own certification facts included: "
          f"suggest_skills does not hide the module)")


def speed(catalogue, offs, n: int) -> None:
    """Tag ``n`` offers built from the shipped texts, every line made unique (a number appended) so that no
    sentence is embedded from the memo: the cost of a feed whose offers share no sentence."""
    made = []
    for k in range(n):
        o = offs[k % len(offs)]
        text = "\n".join(f"{line} (n° {k})" for line in o.text.splitlines() if line.strip())
        made.append(OfferText(title=f"{o.title} (n° {k})", text=text, rome=o.rome, language=o.language))
    print(f"\nSpeed on {n} offers whose sentences are all new (one tag_many call, batches of 256):")
    for embeddings in (False, True):
        tagger = DefaultOfferTagger(catalogue, use_embeddings=embeddings)
        if embeddings:
            tagger(OfferText(title="warm-up: load the model"))
        t0 = time.perf_counter()
        tagger.tag_many(made)
        dt = time.perf_counter() - t0
        print(f"  embeddings {'on ' if embeddings else 'off'}: {dt:.1f} s, {1000 * dt / n:.1f} ms per offer "
              f"→ {dt / n * 10_000 / 60:.1f} min for 10,000 offers")


if __name__ == "__main__":
    raise SystemExit(main())
