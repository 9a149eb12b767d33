"""Chroma vector store of the module catalogue: an embedded store safe under concurrent use,
or a Chroma server.

* **Embedded** (default, ``<data dir>/index``): every write builds a new generation and publishes it
  atomically under a cross-process lock (:mod:`curriculum.retrieval.generations`); readers never
  write and never wait for a writer.
* **Server** (``CURRICULUM_CHROMA_HOST``/``PORT``): ``chromadb.HttpClient``; the server serialises
  writes, so the UI, the CLI and scheduled imports can share one index from several machines.

Incremental sync: every record carries a ``content_hash`` in its metadata; only new or changed
records are embedded (the others keep their vectors), records gone from the catalogue are removed.
Every store call has a time limit (``CURRICULUM_STORE_TIMEOUT``, seconds) and fails with one line.
Vectors: 384-dimensional, L2-normalised; similarity returned as cosine 0–1.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curriculum.errors import IndexBusyError, IndexMissingError, RetrievalError, StoreDamagedError
from curriculum.models import Module
from curriculum.retrieval.generations import Generations
from curriculum.retrieval.records import Old, Record, _hash, fingerprint, module_document, module_record
from curriculum.retrieval.locks import LockTimeout, call_with_timeout, file_lock, lock_fd
from curriculum.settings import Settings

Progress = Callable[[int, int], None]

__all__ = ["IndexBusyError", "IndexMissingError", "StoreDamagedError", "SyncReport", "VectorIndex",
           "fingerprint", "make_client", "module_document", "module_record"]


@dataclass
class SyncReport:
    """What a sync did: counts of records and wall time in seconds; ``note`` says when a damaged
    index was rebuilt."""

    collection: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    note: str | None = None


def _chroma_settings():
    import chromadb

    return chromadb.Settings(anonymized_telemetry=False)


def make_client(settings: Settings):
    """``chromadb.HttpClient`` for ``settings.chroma_host`` (server mode).

    Raises
    ------
    RetrievalError
        When the server cannot be reached within ``settings.store_timeout_s``.
    """
    import chromadb

    try:
        return call_with_timeout(lambda: chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                                             settings=_chroma_settings()),
                                 settings.store_timeout_s, "connect")
    except RetrievalError:
        raise
    except Exception as exc:  # chromadb raises many types
        raise RetrievalError(f"cannot reach the Chroma server {settings.chroma_host}:{settings.chroma_port}: "
                             f"{_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


@dataclass
class _Reader:
    gen: Path
    fd: int
    collection: object


@dataclass
class VectorIndex:
    """The modules collection ``<settings.collection>`` (taxonomy labels are not in the store: see
    :mod:`curriculum.retrieval.taxonomy_vectors`).

    ``embeddings`` is a LangChain ``Embeddings`` (only ``embed_documents``/``embed_query`` are used);
    ``client`` forces a given Chroma client (server mode).
    """

    settings: Settings
    embeddings: object
    client: object | None = None
    _readers: dict[str, _Reader] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.server = bool(self.settings.chroma_host) or self.client is not None
        if self.server and self.client is None:
            self.client = make_client(self.settings)

    # ------------------------------------------------------------------ names and guards
    def _name(self, which: str) -> str:
        if which != "modules":
            raise ValueError(f"unknown collection {which!r}: the store holds modules only (taxonomy labels are "
                             "matrix vectors, see curriculum.retrieval.taxonomy_vectors)")
        return self.settings.collection

    def _gens(self, name: str) -> Generations:
        return Generations(self.settings.index_path, name, self.settings.index_wait_s)

    def where(self) -> str:
        """Where the index lives, for messages."""
        return (f"server {self.settings.chroma_host}:{self.settings.chroma_port}" if self.server
                else str(self.settings.index_path))

    def _call(self, fn: Callable, what: str):
        return call_with_timeout(fn, self.settings.store_timeout_s, what)

    def _damaged(self, name: str, exc: BaseException) -> StoreDamagedError:
        return StoreDamagedError(f"the {name!r} index at {self.where()} cannot be read ({_first_line(exc)}); "
                                 "run `curriculum index --rebuild`")

    # ------------------------------------------------------------------ reading
    def _collection(self, name: str):
        """The collection to read, opened on first use; in embedded mode the current generation,
        re-opened when a writer has published a newer one."""
        if self.server:
            try:
                return self._call(lambda: self.client.get_collection(name), "open collection")  # type: ignore[union-attr]
            except RetrievalError:
                raise
            except Exception as exc:
                if "does not exist" in str(exc) or type(exc).__name__ == "NotFoundError":
                    raise IndexMissingError(f"no {name!r} collection on {self.where()}; run `curriculum index`") from None
                raise self._damaged(name, exc) from exc
        gens = self._gens(name)
        gen = gens.current()
        if gen is None:
            raise IndexMissingError(f"no {name!r} index yet at {self.where()}; run `curriculum index`")
        reader = self._readers.get(name)
        if reader and reader.gen == gen:
            return reader.collection
        self._close_reader(name)
        self._readers[name] = self._open(name, gen)
        return self._readers[name].collection

    def _open(self, name: str, gen: Path) -> _Reader:
        import chromadb

        timeout = self.settings.store_timeout_s
        try:
            fd = lock_fd(gen / "READERS", shared=True, timeout=timeout, create=False)
        except (OSError, RetrievalError) as exc:
            raise self._damaged(name, exc) from exc
        try:
            # one process at a time brings a generation up (Chroma replays its log on open)
            with file_lock(gen / "OPEN", shared=False, timeout=timeout, create=False):
                client = self._call(lambda: chromadb.PersistentClient(path=str(gen), settings=_chroma_settings()),
                                    "open")
                col = self._call(lambda: client.get_collection(name), "open collection")
                peek = self._call(lambda: col.peek(1), "read")
                vectors = peek.get("embeddings")
                if vectors is not None and len(vectors):
                    self._call(lambda: col.query(query_embeddings=[list(vectors[0])], n_results=1), "read")
        except LockTimeout:
            os.close(fd)
            raise RetrievalError(f"the {name!r} index at {self.where()} is being opened by another process for "
                                 f"more than {timeout:g} s; retry") from None
        except RetrievalError as exc:
            os.close(fd)
            if "did not answer" in str(exc):
                raise
            raise self._damaged(name, exc) from exc
        except Exception as exc:
            os.close(fd)
            _stop(gen)
            raise self._damaged(name, exc) from exc
        _USERS[str(gen)] = _USERS.get(str(gen), 0) + 1
        return _Reader(gen, fd, col)

    def _close_reader(self, name: str) -> None:
        reader = self._readers.pop(name, None)
        if reader:
            _stop(reader.gen, reader=True)
            os.close(reader.fd)

    def close(self) -> None:
        """Release every generation this index reads (its READERS locks)."""
        for name in list(self._readers):
            self._close_reader(name)

    def count(self, which: str = "modules") -> int:
        """Number of records in the modules collection; 0 when not built yet.

        Raises
        ------
        StoreDamagedError, RetrievalError
            When the store cannot be read or does not answer in time.
        """
        name = self._name(which)
        try:
            col = self._collection(name)
        except IndexMissingError:
            return 0
        try:
            return int(self._call(col.count, "count"))
        except RetrievalError:
            raise
        except Exception as exc:
            raise self._damaged(name, exc) from exc

    def status(self, which: str, expected: str | None = None) -> str:
        """``ok``, ``missing``, ``stale`` (built from other records than ``expected``, a
        :func:`fingerprint`) or ``damaged: <reason>``, without embedding anything."""
        name = self._name(which)
        if self.server:
            try:
                return "ok" if self.count(which) else "missing"
            except RetrievalError as exc:
                return f"damaged: {exc}"
        try:
            gen = self._gens(name).current()
        except RetrievalError as exc:
            return f"damaged: {exc}"
        if gen is None:
            return "missing"
        if expected and self._gens(name).manifest(gen).get("fingerprint") != expected:
            return "stale"
        return "ok"

    def search_modules(self, query: str, k: int = 5, where: dict | None = None) -> list[tuple[str, float]]:
        """Nearest modules to ``query``: (module id, cosine similarity 0–1), best first."""
        return self._search(self._name("modules"), query, k, where)

    def _search(self, name: str, query: str, k: int, where: dict | None) -> list[tuple[str, float]]:
        col = self._collection(name)
        vector = self.embeddings.embed_query(query)  # type: ignore[attr-defined]
        try:
            res = self._call(lambda: col.query(query_embeddings=[vector], n_results=k, where=where,
                                               include=["distances"]), "search")
        except RetrievalError:
            raise
        except Exception as exc:
            raise self._damaged(name, exc) from exc
        return [(rid, round(1 - float(dist), 4)) for rid, dist in zip(res["ids"][0], res["distances"][0])]

    def _read_all(self, name: str) -> Old:
        col = self._collection(name)
        try:
            got = self._call(lambda: col.get(include=["documents", "metadatas", "embeddings"]), "read")
        except RetrievalError:
            raise
        except Exception as exc:
            raise self._damaged(name, exc) from exc
        return {i: (d or "", dict(m or {}), list(e)) for i, d, m, e in
                zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])}

    # ------------------------------------------------------------------ writing
    def sync_modules(self, modules: dict[str, Module], labels: Callable[[str], str],
                     progress: Progress | None = None, *, rebuild: bool = False) -> SyncReport:
        """Embed new/changed modules, remove deleted ones (``rebuild``: re-embed everything into a new
        generation, also repairing a damaged index)."""
        records = [module_record(m, labels) for m in modules.values()]
        return self._sync(self._name("modules"), lambda old: records, progress, rebuild)

    def upsert_module(self, module: Module, labels: Callable[[str], str]) -> None:
        """Embed one module (replacing its previous record); the other records keep their vectors."""
        rec = module_record(module, labels)
        self._edit(self._name("modules"), [rec], [])

    def delete_module(self, module_id: str) -> None:
        """Remove one module's record."""
        self._edit(self._name("modules"), [], [module_id])

    def _edit(self, name: str, upserts: list[Record], deletes: list[str]) -> None:
        drop = set(deletes) | {r[0] for r in upserts}
        if self.server:
            col = self._server_collection(name)
            if deletes:
                self._call(lambda: col.delete(ids=deletes), "delete")
            if upserts:
                vectors = self.embeddings.embed_documents([r[1] for r in upserts])  # type: ignore[attr-defined]
                self._call(lambda: col.upsert(ids=[r[0] for r in upserts], embeddings=vectors,
                                              documents=[r[1] for r in upserts],
                                              metadatas=[{**r[2], "content_hash": _hash(r[1], r[2])} for r in upserts]),
                           "write")
            return
        if self._gens(name).current() is None:  # never publish a one-module index
            raise IndexMissingError(f"no {name!r} index yet at {self.where()}; run `curriculum index`")
        self._sync(name, lambda old: [(i, d, m) for i, (d, m, _) in old.items() if i not in drop] + upserts,
                   None, False)

    def _server_collection(self, name: str, fresh: bool = False):
        client = self.client
        if fresh:
            try:
                self._call(lambda: client.delete_collection(name), "delete collection")  # type: ignore[union-attr]
            except RetrievalError:
                raise
            except Exception:  # noqa: BLE001 - absent collection
                pass
        return self._call(lambda: client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}),  # type: ignore[union-attr]
                          "open collection")

    def _sync(self, name: str, make: Callable[[Old], list[Record]], progress: Progress | None,
              rebuild: bool) -> SyncReport:
        started = time.perf_counter()
        if self.server:
            report = self._sync_server(name, make, progress, rebuild)
        else:
            report = self._sync_embedded(name, make, progress, rebuild)
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    @staticmethod
    def _plan(old: Old, records: list[Record], report: SyncReport) -> tuple[list[Record], list[Record], list[str]]:
        """Split ``records`` into kept (same hash as stored) and to embed; list ids to remove."""
        kept, todo = [], []
        for rid, text, meta in records:
            h = _hash(text, meta)
            meta = {**meta, "content_hash": h}
            if rid in old and old[rid][1].get("content_hash") == h:
                report.unchanged += 1
                kept.append((rid, text, meta))
                continue
            report.updated += rid in old
            report.added += rid not in old
            todo.append((rid, text, meta))
        ids = {r[0] for r in records}
        gone = [i for i in old if i not in ids]
        report.removed = len(gone)
        return kept, todo, gone

    def _embed_into(self, col, todo: list[Record], progress: Progress | None, batch: int = 64) -> None:
        """Embed and write ``todo``; records of the shipped catalogue whose text is unchanged take their
        shipped vector (``curriculum/data/module_vectors.npz``) instead of being embedded again."""
        from curriculum.retrieval.taxonomy_vectors import SHIPPED_MODULES, _read

        shipped = _read(SHIPPED_MODULES)
        for i in range(0, len(todo), batch):
            chunk = todo[i:i + batch]
            known = [shipped.get((c[0], c[2].get("content_hash", ""))) for c in chunk]
            fresh = [c[1] for c, k in zip(chunk, known) if k is None]
            computed = iter(self.embeddings.embed_documents(fresh) if fresh else [])  # type: ignore[attr-defined]
            vectors = [[float(x) for x in k] if k is not None else next(computed) for k in known]
            self._call(lambda: col.upsert(ids=[c[0] for c in chunk], embeddings=vectors,
                                          documents=[c[1] for c in chunk], metadatas=[c[2] for c in chunk]), "write")
            if progress:
                progress(min(i + batch, len(todo)), len(todo))

    def _sync_server(self, name, make, progress, rebuild) -> SyncReport:
        report = SyncReport(collection=name)
        col = self._server_collection(name, fresh=rebuild)
        got = self._call(lambda: col.get(include=["metadatas", "documents"]), "read")
        old = {i: (d or "", dict(m or {}), []) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}
        _, todo, gone = self._plan(old, make(old), report)
        if gone:
            self._call(lambda: col.delete(ids=gone), "delete")
        self._embed_into(col, todo, progress)
        return report

    def _sync_embedded(self, name, make, progress, rebuild) -> SyncReport:
        import chromadb

        report = SyncReport(collection=name)
        gens = self._gens(name)
        with gens.writer():
            gens.collect()  # folders left by a writer that died
            old: Old = {}
            try:
                current = gens.current()
                if current is not None and not rebuild:
                    old = self._read_all(name)
            except RetrievalError as exc:
                current, report.note = None, f"the previous index could not be read ({exc}); rebuilt it"
            records = make(old)
            kept, todo, gone = self._plan(old, records, report)
            if current is not None and not rebuild and not todo and not gone:
                return report
            self._close_reader(name)
            gen = gens.new()
            try:
                client = chromadb.PersistentClient(path=str(gen), settings=_chroma_settings())
                col = self._call(lambda: client.create_collection(name, metadata={"hnsw:space": "cosine"}),
                                 "create collection")
                step = 1000
                for i in range(0, len(kept), step):
                    chunk = kept[i:i + step]
                    self._call(lambda: col.add(ids=[c[0] for c in chunk], embeddings=[old[c[0]][2] for c in chunk],
                                               documents=[c[1] for c in chunk], metadatas=[c[2] for c in chunk]),
                               "write")
                self._embed_into(col, todo, progress)
                stored = self._call(col.count, "count")
                if stored != len(records):
                    raise RetrievalError(f"{stored} records stored, {len(records)} expected")
                _stop(gen)
                gens.publish(gen, {"collection": name, "records": len(records), "fingerprint": fingerprint(records),
                                   "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                   "embedding_model": getattr(self.embeddings, "model_name", type(self.embeddings).__name__)})
            except BaseException as exc:
                _stop(gen)
                gens.discard(gen)
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                raise RetrievalError(f"cannot write the index at {gens.dir} ({_first_line(exc)}); "
                                     "the previous index is unchanged") from exc
            gens.collect()
        return report


_USERS: dict[str, int] = {}  # generation folder -> readers in this process (they share one Chroma system)


def _stop(gen: Path, reader: bool = False) -> None:
    """Stop the in-process Chroma system of a generation folder once no reader of this process uses
    it, so it writes nothing more."""
    if reader:
        _USERS[str(gen)] = _USERS.get(str(gen), 1) - 1
        if _USERS[str(gen)] > 0:
            return
        _USERS.pop(str(gen), None)
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(str(gen), None)
        if system is not None:
            system.stop()
    except Exception:  # noqa: BLE001 - best effort on shutdown
        pass
