"""Shipped vectors cover the shipped catalogue and equal what the NumPy MiniLM computes (issue #12)."""

from __future__ import annotations

import numpy as np

from curriculum.knowledge.catalogue import load_catalogue
from curriculum.retrieval.records import _hash, module_record, skill_records
from curriculum.retrieval.taxonomy_vectors import SHIPPED_MODULES, TaxonomyVectors, _read
from tests.conftest import KB_DIR


def test_shipped_vectors_cover_the_shipped_catalogue_and_match_the_model(workspace):
    cat = load_catalogue(KB_DIR)
    vectors = TaxonomyVectors.load(cat.taxonomy, None)
    assert vectors.missing == 0 and vectors.matrix.shape == (sum(1 for _ in skill_records(cat.taxonomy)), 384)
    records = [module_record(m, lambda s: cat.skill_label(s, "en")) for m in cat.modules.values()]
    shipped = _read(SHIPPED_MODULES)
    keys = [(rid, _hash(text, meta)) for rid, text, meta in records]
    assert [k for k in keys if k not in shipped] == []  # run scripts/build_taxonomy_vectors.py after editing
    model = workspace._embeddings()
    sample = list(skill_records(cat.taxonomy))[::200]
    fresh = np.array(model.embed_documents([r[1] for r in sample]))
    stored = np.array([vectors.matrix[i] for i in range(0, len(vectors.matrix), 200)])
    assert float((fresh * stored).sum(1).min()) >= 0.999
    mods = np.array(model.embed_documents([r[1] for r in records[:10]]))
    assert float((mods * np.array([shipped[k] for k in keys[:10]], dtype=np.float32)).sum(1).min()) >= 0.999
