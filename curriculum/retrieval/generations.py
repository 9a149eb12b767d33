"""Copy-on-write generations of the embedded Chroma store: one writer, many readers, no corruption.

An embedded Chroma folder must never be written by two processes, nor read while another process
writes it (both were seen to corrupt the HNSW segment or to hang). So every write builds a new,
complete folder — a *generation* — and publishes it by atomically replacing a pointer file:

.. code-block:: text

    <data dir>/index/<collection>/
        WRITE                 exclusive flock: one writer at a time (waits, then "index busy")
        CURRENT               name of the published generation (replaced atomically)
        g-<ns>-<pid>/         a Chroma persistent folder with one collection
            manifest.json     records, fingerprint, embedding model, creation time
            READERS           shared flock held by every process reading this generation
            OPEN              exclusive flock held while a process opens the generation

Readers never write and never wait for a writer: they read the generation that was current when
they opened it, and move to a newer one at their next call. A writer killed half-way (``kill -9``,
full disk) leaves an unpublished folder that the next writer removes; the published generation is
untouched. Generations no longer current are removed once no process holds their ``READERS`` lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from curriculum.errors import IndexBusyError, IndexMissingError, RetrievalError
from curriculum.retrieval.locks import LockTimeout, file_lock, try_exclusive

MANIFEST = "manifest.json"


__all__ = ["Generations", "IndexBusyError", "IndexMissingError"]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # make the rename durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


class Generations:
    """The generations of one collection under ``root/name``.

    Parameters
    ----------
    root
        ``<data dir>/index``.
    name
        Collection name (3–512 characters of ``[a-zA-Z0-9._-]``, Chroma's rule).
    wait_s
        Seconds a writer waits for another writer before :class:`IndexBusyError`.
    """

    def __init__(self, root: Path, name: str, wait_s: float = 300.0) -> None:
        self.dir = Path(root) / name
        self.name = name
        self.wait_s = wait_s

    def current(self) -> Path | None:
        """The published generation folder, or None when nothing was ever published."""
        try:
            name = (self.dir / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            raise RetrievalError(f"the index pointer {self.dir / 'CURRENT'} is damaged; run `curriculum index "
                                 "--rebuild`") from None
        except OSError as exc:
            raise RetrievalError(f"cannot read {self.dir / 'CURRENT'}: {exc.strerror}") from exc
        gen = self.dir / name
        if not name or not (gen / MANIFEST).is_file():
            raise RetrievalError(f"the index at {self.dir} points to a missing generation {name!r}; "
                                 "run `curriculum index --rebuild`")
        return gen

    def manifest(self, gen: Path) -> dict:
        """The manifest of a generation (empty dict when unreadable)."""
        try:
            return json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the collection's write lock.

        Raises
        ------
        IndexBusyError
            When another writer holds it for more than ``wait_s`` seconds.
        RetrievalError
            When the folder cannot be created (read-only data folder, full disk).
        """
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            lock = file_lock(self.dir / "WRITE", shared=False, timeout=self.wait_s)
            lock.__enter__()
        except LockTimeout:
            raise IndexBusyError(f"index busy: another process is writing {self.dir} (waited "
                                 f"{self.wait_s:g} s); retry when it has finished") from None
        except OSError as exc:
            raise RetrievalError(f"cannot write the index at {self.dir}: {exc.strerror or exc}") from exc
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    def new(self) -> Path:
        """Create an empty, unpublished generation folder (call inside :meth:`writer`)."""
        gen = self.dir / f"g-{time.time_ns()}-{os.getpid()}"
        gen.mkdir()
        for lock in ("READERS", "OPEN"):
            (gen / lock).touch()
        return gen

    def publish(self, gen: Path, manifest: dict) -> None:
        """Write ``manifest`` into ``gen`` and make it the current generation, atomically."""
        _write_atomic(gen / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        _write_atomic(self.dir / "CURRENT", gen.name + "\n")

    def discard(self, gen: Path) -> None:
        """Remove an unpublished generation (after a failed write); never raises."""
        shutil.rmtree(gen, ignore_errors=True)

    def collect(self) -> list[str]:
        """Remove generations that are not current and that no process reads (call inside
        :meth:`writer`, so an unpublished folder is known to belong to a dead writer).
        Returns the names removed."""
        try:
            current = self.current()
        except RetrievalError:
            current = None
        removed = []
        for gen in self.dir.glob("g-*"):
            if gen == current or not gen.is_dir():
                continue
            if (gen / "READERS").exists() and not try_exclusive(gen / "READERS"):
                continue  # still read by a live process
            shutil.rmtree(gen, ignore_errors=True)
            removed.append(gen.name)
        return removed
