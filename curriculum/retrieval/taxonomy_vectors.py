"""Taxonomy label vectors as a matrix: mapping a learner's label is one matrix product, no store.

The shipped taxonomy's labels (``knowledge_base/taxonomy.yaml``: ESCO v1.1.1 skills, English and
French preferred labels and up to 8 alternative labels per language — one record per label, see
:func:`curriculum.retrieval.records.skill_records`) are embedded at development time with the same
MiniLM (``python scripts/build_taxonomy_vectors.py``) and shipped as
``curriculum/data/taxonomy_vectors.npz`` (float16, unit rows, with each record's id and content hash;
uncompressed: it loads in milliseconds).
Labels of an imported or edited taxonomy that have no shipped vector are embedded once by
``curriculum index`` into ``<data dir>/taxonomy_vectors.npz`` (written atomically); a plan never
embeds the taxonomy, it only reads these two files.

Shapes: ``matrix`` float32 ``(records, 384)``; scores are cosine similarities 0–1.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curriculum.models import TaxonomySkill
from curriculum.outputs import atomic_write
from curriculum.retrieval.records import _hash, skill_records
from curriculum.settings import PACKAGE_ROOT

SHIPPED = PACKAGE_ROOT / "data" / "taxonomy_vectors.npz"
SHIPPED_MODULES = PACKAGE_ROOT / "data" / "module_vectors.npz"
"""The shipped catalogue's module documents (see :func:`curriculum.retrieval.records.module_record`),
keyed by module id and content hash: a first ``curriculum index`` embeds only what differs from them."""
CACHE_NAME = "taxonomy_vectors.npz"
Progress = Callable[[int, int], None]


def _read(path: Path) -> dict[tuple[str, str], np.ndarray]:
    """(record id, content hash) → float16 vector, from one ``.npz`` file (empty when absent)."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as data:
        ids, hashes, vectors = data["ids"], data["hashes"], data["vectors"]
    return {(i.decode(), h.decode()): v for i, h, v in zip(ids.tolist(), hashes.tolist(), vectors)}


def write_vectors(path: Path, keys: list[tuple[str, str]], vectors: np.ndarray) -> None:
    """Save records' vectors (float16) with their ids and hashes, atomically."""
    buf = io.BytesIO()
    np.savez(buf, ids=np.array([k[0].encode() for k in keys], dtype="S"),
             hashes=np.array([k[1].encode() for k in keys], dtype="S"),
                        vectors=np.asarray(vectors, dtype=np.float16))
    atomic_write(path, buf.getvalue())


@dataclass
class TaxonomyVectors:
    """The label vectors available for one taxonomy. ``missing`` counts labels without a vector."""

    skill_ids: np.ndarray  # (records,) skill id of each row
    matrix: np.ndarray  # (records, 384) float32
    missing: int

    @classmethod
    def load(cls, taxonomy: dict[str, TaxonomySkill], data_dir: Path | None) -> "TaxonomyVectors":
        """Vectors of ``taxonomy``'s labels from the shipped file and the data dir's cache; labels whose
        text changed or that are new count as ``missing`` until ``curriculum index`` embeds them."""
        known = _read(SHIPPED)
        if data_dir is not None:
            known.update(_read(Path(data_dir) / CACHE_NAME))
        rows, skills, missing = [], [], 0
        for rid, text, meta in skill_records(taxonomy):
            vector = known.get((rid, _hash(text, meta)))
            if vector is None:
                missing += 1
                continue
            rows.append(vector)
            skills.append(meta["skill_id"])
        matrix = np.asarray(rows, dtype=np.float32).reshape(-1, 384)
        return cls(np.array(skills), matrix, missing)

    def search(self, query: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
        """Best ``k`` skills for a unit query vector: (skill id, cosine 0–1), one hit per skill."""
        if not len(self.matrix):
            return []
        scores = self.matrix @ np.asarray(query, dtype=np.float32)
        best: dict[str, float] = {}
        for row in np.argsort(-scores)[: k * 20]:
            sid = str(self.skill_ids[row])
            if sid not in best:
                best[sid] = round(float(scores[row]), 4)
            if len(best) >= k:
                break
        return sorted(best.items(), key=lambda t: -t[1])


def build_cache(taxonomy: dict[str, TaxonomySkill], data_dir: Path, embed: Callable[[list[str]], list],
                progress: Progress | None = None, batch: int = 64) -> tuple[int, int]:
    """Embed the labels that have no shipped vector into ``<data_dir>/taxonomy_vectors.npz``.

    Returns ``(embedded, already available)``. The file is replaced atomically; labels no longer in
    the taxonomy are dropped from it.

    Raises
    ------
    OSError
        When the cache cannot be written (the previous file is left whole).
    """
    shipped = _read(SHIPPED)
    cached = _read(Path(data_dir) / CACHE_NAME)
    keep: dict[tuple[str, str], np.ndarray] = {}
    todo: list[tuple[tuple[str, str], str]] = []
    for rid, text, meta in skill_records(taxonomy):
        key = (rid, _hash(text, meta))
        if key in shipped:
            continue
        if key in cached:
            keep[key] = cached[key]
        else:
            todo.append((key, text))
    for i in range(0, len(todo), batch):
        chunk = todo[i:i + batch]
        for (key, _), vector in zip(chunk, embed([t for _, t in chunk])):
            keep[key] = np.asarray(vector, dtype=np.float16)
        if progress:
            progress(min(i + batch, len(todo)), len(todo))
    total = sum(1 for _ in skill_records(taxonomy))
    if todo or set(cached) != set(keep):
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        keys = list(keep)
        write_vectors(Path(data_dir) / CACHE_NAME, keys, np.array([keep[k] for k in keys]).reshape(-1, 384))
    return len(todo), total - len(todo)
