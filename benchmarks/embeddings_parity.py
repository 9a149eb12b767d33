"""NumPy MiniLM vs sentence-transformers (torch): same vectors, same mapping decisions (issue #12).

Needs the dev extra (``pip install -e '.[dev]'``: sentence-transformers on CPU torch). Prints a table.

    python benchmarks/embeddings_parity.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.knowledge.taxonomy import load_taxonomy  # noqa: E402
from curriculum.learners import load_learner  # noqa: E402
from curriculum.retrieval.embeddings import default_embeddings, minilm_path  # noqa: E402
from curriculum.retrieval.records import skill_records  # noqa: E402
from curriculum.retrieval.skill_mapping import SkillMapper  # noqa: E402
from curriculum.retrieval.taxonomy_vectors import SHIPPED, TaxonomyVectors  # noqa: E402


def main() -> None:
    from sentence_transformers import SentenceTransformer

    taxonomy = load_taxonomy(ROOT / "knowledge_base" / "taxonomy.yaml")
    texts = [r[1] for r in skill_records(taxonomy)]
    t0 = time.perf_counter()
    ours = default_embeddings().model.encode(texts, batch=64)
    t_ours = time.perf_counter() - t0
    st = SentenceTransformer(str(minilm_path()), device="cpu")
    t0 = time.perf_counter()
    ref = st.encode(texts, batch_size=64, normalize_embeddings=True)
    t_ref = time.perf_counter() - t0
    cos = (ours * ref).sum(1)
    shipped = TaxonomyVectors.load(taxonomy, None)
    cos16 = (shipped.matrix * ref).sum(1) if shipped.missing == 0 else np.array([np.nan])
    print(f"| taxonomy labels | {len(texts)} |\n|---|---:|")
    print(f"| cosine NumPy vs torch: min / mean | {cos.min():.6f} / {cos.mean():.6f} |")
    print(f"| cosine shipped float16 vs torch: min | {cos16.min():.6f} |")
    print(f"| embed all labels: NumPy / torch (s) | {t_ours:.1f} / {t_ref:.1f} |")
    print(f"| shipped file | {SHIPPED.stat().st_size / 1e6:.1f} MB |\n")

    # mapping decisions on every label of the eval learners: shipped vectors vs torch vectors
    ref_vectors = TaxonomyVectors(shipped.skill_ids, ref.astype(np.float32), 0)
    emb = default_embeddings()
    def search_with(vectors, encode):
        return lambda q, k: vectors.search(encode(q), k)
    ours_map = SkillMapper(taxonomy, search_with(shipped, lambda q: np.array(emb.embed_query(q))))
    ref_map = SkillMapper(taxonomy, search_with(ref_vectors, lambda q: st.encode([q], normalize_embeddings=True)[0]))
    same = total = 0
    for case in sorted((ROOT / "tests" / "data" / "eval" / "learners").glob("*.yaml")):
        for skill in load_learner(case).skills:
            if not skill.label:
                continue
            a, b = ours_map.map_label(skill.label), ref_map.map_label(skill.label)
            total += 1
            same += (a.skill, a.method) == (b.skill, b.method)
            if (a.skill, a.method) != (b.skill, b.method):
                print(f"- {case.name}: {skill.label!r}: {a.method} {a.skill} vs {b.method} {b.skill}")
    print(f"mapping decisions identical on eval labels: {same}/{total}")


if __name__ == "__main__":
    main()
