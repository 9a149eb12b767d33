"""A snapshot of a whole loaded catalogue, so a command over thousands of modules does not validate each again.

Even with parsed YAML cached (:mod:`curriculum.knowledge.parse_cache`), building the pydantic models of a
3,000-module knowledge base takes ≈ 0.4 s of every ``curriculum plan``; unpickling the catalogue built last
time takes ≈ 0.17 s. The snapshot (``<data dir>/catalogue-snapshots/<hash of the folder path>.pickle``) is
used only while every file of the knowledge base (``taxonomy.yaml``, ``modules/*.md``, ``jobs/*.y*ml``) and
of the model package keeps its name, size and modification time (nanoseconds), for the same package
version; a catalogue with loading issues is never snapshotted (its issues are re-reported by a full load).
The data directory is the user's own, like pip's cache: a snapshot that cannot be read is ignored and
replaced, never an error.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import curriculum
from curriculum.knowledge.catalogue import Catalogue
from curriculum.outputs import atomic_write

SNAPSHOT_VERSION = 1
FOLDER = "catalogue-snapshots"


def signature(kb_dir: Path) -> str:
    """A digest of every file the catalogue is built from (name, size, mtime in ns) and of the model code."""
    kb_dir = Path(kb_dir)
    digest = hashlib.sha256(f"{SNAPSHOT_VERSION}|{curriculum.__version__}".encode())
    models = Path(curriculum.__file__).parent / "models"
    files = [kb_dir / "taxonomy.yaml", *sorted((kb_dir / "modules").glob("*.md")),
             *sorted((kb_dir / "jobs").glob("*.y*ml")), *sorted(models.glob("*.py"))]
    for path in files:
        try:
            st = path.stat()
        except OSError:
            digest.update(f"{path}|missing\n".encode())
            continue
        digest.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _path(cache_dir: Path, kb_dir: Path) -> Path:
    key = hashlib.sha1(str(Path(kb_dir).resolve()).encode()).hexdigest()[:16]  # noqa: S324 - a file name
    return Path(cache_dir) / FOLDER / f"{key}.pickle"


def load_snapshot(cache_dir: Path, kb_dir: Path, sign: str) -> Catalogue | None:
    """The catalogue snapshotted for ``kb_dir`` when its signature is still ``sign``; else None."""
    try:
        stored, catalogue = pickle.loads(_path(cache_dir, kb_dir).read_bytes())  # noqa: S301 - the user's own cache
    except Exception:  # noqa: BLE001 - absent, damaged or from another version: rebuilt by the caller
        return None
    if stored != sign or not isinstance(catalogue, Catalogue):
        return None
    catalogue.root = Path(kb_dir)
    return catalogue


def save_snapshot(cache_dir: Path, kb_dir: Path, sign: str, catalogue: Catalogue) -> None:
    """Keep ``catalogue`` (loaded from ``kb_dir`` with no issue) for the next run; a failure to write is ignored."""
    if catalogue.issues:
        return
    path = _path(cache_dir, kb_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, pickle.dumps((sign, catalogue), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
