"""Build ``curriculum/data/taxonomy_vectors.npz`` (the shipped taxonomy's label vectors) and
``curriculum/data/module_vectors.npz`` (the shipped modules' documents), issue #12.

Run at development time after editing ``knowledge_base/taxonomy.yaml``:

    python scripts/build_taxonomy_vectors.py

Same MiniLM as at run time (NumPy, weights sha256-checked); float16; one row per label record.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.knowledge.taxonomy import load_taxonomy  # noqa: E402
from curriculum.retrieval.embeddings import default_embeddings  # noqa: E402
from curriculum.retrieval.records import _hash, skill_records  # noqa: E402
from curriculum.knowledge.catalogue import load_catalogue  # noqa: E402
from curriculum.retrieval.records import module_record  # noqa: E402
from curriculum.retrieval.taxonomy_vectors import SHIPPED, SHIPPED_MODULES, write_vectors  # noqa: E402


def modules() -> None:
    cat = load_catalogue(ROOT / "knowledge_base")
    records = [module_record(m, lambda s: cat.skill_label(s, "en")) for m in cat.modules.values()]
    vectors = default_embeddings().model.encode([r[1] for r in records])
    write_vectors(SHIPPED_MODULES, [(rid, _hash(text, meta)) for rid, text, meta in records],
                  vectors.astype(np.float16))
    print(f"{len(records)} module vectors -> {SHIPPED_MODULES} ({SHIPPED_MODULES.stat().st_size / 1e3:.0f} kB)")


def main() -> None:
    if "--modules-only" in sys.argv:
        return modules()
    modules()
    taxonomy = load_taxonomy(ROOT / "knowledge_base" / "taxonomy.yaml")
    records = list(skill_records(taxonomy))
    started = time.perf_counter()
    vectors = default_embeddings().model.encode([r[1] for r in records], batch=64)
    keys = [(rid, _hash(text, meta)) for rid, text, meta in records]
    SHIPPED.parent.mkdir(parents=True, exist_ok=True)
    write_vectors(SHIPPED, keys, vectors.astype(np.float16))
    print(f"{len(records)} label vectors in {time.perf_counter() - started:.1f} s -> {SHIPPED} "
          f"({SHIPPED.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
