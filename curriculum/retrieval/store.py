"""Chroma vector store of modules and taxonomy skills (embedded persistent store, or a server).

Incremental sync: every document carries a ``content_hash`` in its metadata; only new or changed
records are embedded, and records gone from the catalogue are deleted.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import chromadb
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from curriculum.errors import RetrievalError
from curriculum.models import Module, TaxonomySkill
from curriculum.settings import Settings

Progress = Callable[[int, int], None]


@dataclass
class SyncReport:
    """What a sync did: counts of records and wall time in seconds."""

    collection: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0


def make_client(settings: Settings) -> "chromadb.ClientAPI":
    """Embedded persistent client under ``settings.chroma_path``, or an ``HttpClient`` when a host is set.

    Raises
    ------
    RetrievalError
        When the store cannot be opened or the server cannot be reached.
    """
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=chromadb.Settings(anonymized_telemetry=False))
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path),
                                         settings=chromadb.Settings(anonymized_telemetry=False))
    except Exception as exc:  # chromadb raises many types
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_path
        raise RetrievalError(f"cannot open Chroma store at {where}: {exc}") from exc


def module_document(module: Module, labels: Callable[[str], str]) -> str:
    """Text embedded for a module: title, summary, outcome labels, certification, domain."""
    outcomes = "; ".join(labels(o.skill) for o in module.outcomes)
    cert = f" Certification: {module.certification.code} {module.certification.label}." if module.certification else ""
    return f"{module.title}. {module.summary} Outcomes: {outcomes}.{cert} Domain: {module.domain}."


def _hash(text: str, extra: str = "") -> str:
    return hashlib.sha256((text + "\x00" + extra).encode()).hexdigest()[:16]


class VectorIndex:
    """Two collections in one Chroma client: ``<prefix>modules`` and ``<prefix>skills``."""

    def __init__(self, settings: Settings, embeddings: Embeddings, client: object | None = None) -> None:
        self.settings = settings
        self.client = client or make_client(settings)
        self.embeddings = embeddings
        self._stores: dict[str, Chroma] = {}

    def _store(self, name: str) -> Chroma:
        if name not in self._stores:
            self._stores[name] = Chroma(client=self.client, collection_name=name,
                                        embedding_function=self.embeddings,
                                        collection_metadata={"hnsw:space": "cosine"})
        return self._stores[name]

    def _sync(self, name: str, records: Iterable[tuple[str, str, dict]], progress: Progress | None,
              batch: int = 64) -> SyncReport:
        started = time.perf_counter()
        store = self._store(name)
        existing = store.get(include=["metadatas"])
        old = {i: (m or {}).get("content_hash") for i, m in zip(existing["ids"], existing["metadatas"])}
        report = SyncReport(collection=name)
        todo: list[tuple[str, str, dict]] = []
        seen = set()
        for rid, text, meta in records:
            seen.add(rid)
            h = _hash(text, repr(sorted(meta.items())))
            if old.get(rid) == h:
                report.unchanged += 1
                continue
            if rid in old:
                report.updated += 1
            else:
                report.added += 1
            todo.append((rid, text, {**meta, "content_hash": h}))
        gone = [i for i in old if i not in seen]
        if gone:
            store.delete(ids=gone)
            report.removed = len(gone)
        for i in range(0, len(todo), batch):
            chunk = todo[i:i + batch]
            ids = [c[0] for c in chunk]
            if any(c in old for c in ids):
                store.delete(ids=[c for c in ids if c in old])
            store.add_texts(texts=[c[1] for c in chunk], metadatas=[c[2] for c in chunk], ids=ids)
            if progress:
                progress(min(i + batch, len(todo)), len(todo))
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def sync_modules(self, modules: dict[str, Module], labels: Callable[[str], str],
                     progress: Progress | None = None) -> SyncReport:
        """Embed new/changed modules, delete removed ones."""
        records = ((m.id, module_document(m, labels),
                    {"module_id": m.id, "modality": m.modality.value, "domain": m.domain,
                     "language": m.language, "hours": float(m.duration_hours), "cost_eur": float(m.cost_eur)})
                   for m in modules.values())
        return self._sync(self.settings.collection, records, progress)

    def sync_skills(self, taxonomy: dict[str, TaxonomySkill], progress: Progress | None = None) -> SyncReport:
        """Embed every taxonomy label separately (preferred and up to 8 alternatives per language),
        so a query matches its closest wording; records are ``<skill id>::<lang>::<n>``."""
        def records() -> Iterable[tuple[str, str, dict]]:
            for skill in taxonomy.values():
                for lang, label in skill.labels.items():
                    alts = skill.alt_labels.get(lang, [])[:8]
                    for n, text in enumerate(dict.fromkeys([label, *alts])):
                        yield f"{skill.id}::{lang}::{n}", text, {"skill_id": skill.id, "lang": lang}
        return self._sync(self.settings.collection + "_skills", records(), progress)

    def search_modules(self, query: str, k: int = 5, where: dict | None = None) -> list[tuple[str, float]]:
        """Nearest modules to ``query``: (module id, cosine similarity 0–1), best first."""
        return self._search(self.settings.collection, query, k, where)

    def search_skills(self, query: str, k: int = 3) -> list[tuple[str, float]]:
        """Nearest taxonomy skills: (skill id, cosine similarity 0–1), best first, one hit per skill."""
        hits = self._search(self.settings.collection + "_skills", query, k * 6, None)
        best: dict[str, float] = {}
        for rid, score in hits:
            sid = rid.split("::")[0]
            best[sid] = max(best.get(sid, 0.0), score)
        return sorted(best.items(), key=lambda t: -t[1])[:k]

    def _search(self, name: str, query: str, k: int, where: dict | None) -> list[tuple[str, float]]:
        try:
            hits = self._store(name).similarity_search_with_score(query, k=k, filter=where)
        except Exception as exc:
            raise RetrievalError(f"search in collection {name!r} failed: {exc}") from exc
        return [(doc.id or doc.metadata.get("module_id") or doc.metadata.get("skill_id"), round(1 - dist, 4))
                for doc, dist in hits]

    def count(self, which: str = "modules") -> int:
        """Number of records in the modules (or ``skills``) collection."""
        name = self.settings.collection if which == "modules" else self.settings.collection + "_skills"
        return len(self._store(name).get(include=[])["ids"])
