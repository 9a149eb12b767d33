"""Keep the knowledge base in step with an imported feed (LHEO, spreadsheet, JSON-LD): :func:`sync_feed`.

Every imported module carries an :class:`~curriculum.models.Origin` (``feed``, ``key`` = the record's
identity in the feed, ``digest`` = sha256 of the record). A sync of feed F matches the modules to the
files of ``<kb>/modules`` by (F, key) and, per module:

========================  ======================================================================
new offer                 written (``added``), with a free id (a taken id gets ``-2``, ``-3``…)
same offer in another     not duplicated: F is added to that module's ``origin.also_in``
feed (``merged``)         (the rule: :mod:`curriculum.knowledge.feed_match`); the first feed keeps
                          the facts
digest unchanged          nothing written (``unchanged``; the file and its mtime are kept)
digest changed            ``updated``: a draft or auto-approved module is replaced by the new import;
                          a module an instructor decided on — ``rejected``, or ``approved`` while
                          the import would make it a draft — keeps its status, outcomes,
                          suggestions, certification, prerequisites and domain, and takes the
                          offer's facts (:data:`FACTS`: sessions, price, places, hours, text…)
edited by hand            never written (``kept_edited``): ``origin.edited`` is set by the editor
vanished from F           ``status: retired`` (``retired``; the file stays); a module F only shared
                          (``also_in``) loses F; one that another feed still carries is handed
                          to that feed
========================  ======================================================================

Hand-written modules (no ``origin``) are never touched: an offer whose id is taken by one is
``skipped``, unless ``overwrite`` (the CLI's ``--overwrite``) lets the import replace it. An empty
feed retires nothing (a broken file must not empty a catalogue). Sessions that ended before
``today`` or have no seat left are dropped on writing (``past_sessions``, ``full_sessions``): feeds
keep them for history, plans cannot use them. A module whose skills, prerequisite modules or place
would fail ``kb validate`` is left out with an issue. Writes are atomic
(:func:`~curriculum.knowledge.editing.atomic_write_text`) under the editor's per-file lock; a
module file changed by someone during the sync is left alone (issue: re-run); a failed write keeps
the previous file and never stops the other modules. Modules without an origin (the CSV and
JSON-LD importers) get one: key = their id, digest = sha256 of their file text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from filelock import FileLock, Timeout
from pydantic import ValidationError

from curriculum.errors import KnowledgeBaseError
from curriculum.knowledge.editing import (LOCK_TIMEOUT_S, atomic_write_text, content_digest, is_hand_edited,
                                         module_front_data, module_text)
from curriculum.knowledge.feed_match import OfferIndex
from curriculum.models import Module, ModuleStatus, Origin

Progress = Callable[[int, int], None]
FACTS = ("title", "summary", "language", "duration_hours", "hours_estimate", "cost_eur", "modality", "provider",
         "places", "sessions", "references", "funding", "eqf_level", "illustrative", "body")
"""Fields an import refreshes on a module an instructor approved or rejected (the offer's facts)."""
DECISION = ("status", "outcomes", "suggestions", "certification", "prerequisites", "domain")
"""Fields such a module keeps from the knowledge base (the instructor's decision)."""
_MAX_ID = 81
FEED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""What a feed name may be (it is written in every module's ``origin.feed``)."""


@dataclass
class SyncReport:
    """What :func:`sync_feed` did, as module ids per outcome (see the module docstring).

    ``issues``: one :class:`KnowledgeBaseError` per module left out or not written (file =
    ``modules/<id>.md``, field, message naming the offer key); ``past_sessions`` / ``full_sessions``:
    sessions dropped because they ended before ``today`` / had no seat left.
    """

    feed: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    issues: list[KnowledgeBaseError] = field(default_factory=list)
    past_sessions: int = 0
    full_sessions: int = 0
    dry_run: bool = False

    OUTCOMES = ("added", "updated", "unchanged", "retired", "merged", "kept_edited", "skipped")

    def counts(self) -> dict[str, int]:
        """Number of module ids per outcome, and of issues."""
        return {**{k: len(getattr(self, k)) for k in self.OUTCOMES}, "issues": len(self.issues)}

    @property
    def usable(self) -> bool:
        """True when the feed gave the knowledge base at least one module (new, updated, merged or
        unchanged, or kept because edited by hand)."""
        return bool(self.added or self.updated or self.unchanged or self.merged or self.kept_edited)

    def to_dict(self) -> dict:
        """JSON-ready: ``feed``, ``dry_run``, ``counts``, the id lists, ``past_sessions``, ``full_sessions``."""
        return {"feed": self.feed, "dry_run": self.dry_run, "counts": self.counts(),
                **{k: list(getattr(self, k)) for k in self.OUTCOMES},
                "past_sessions": self.past_sessions, "full_sessions": self.full_sessions}


def module_file_text(module: Module) -> str:
    """The file text :func:`~curriculum.knowledge.editing.module_text` writes, emitted by libyaml
    (``CSafeDumper``) when available: the same bytes (checked by the tests on the shipped and imported
    modules), 5-20x faster — an imported offer's front matter with its suggestions is ~14 KB, which the
    pure-Python emitter takes ~20-60 ms to write (10 minutes for a 10,000-offer feed on this machine)."""
    dumper = getattr(yaml, "CSafeDumper", None)
    if dumper is None:
        return module_text(module)
    data = module_front_data(module)
    front = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=200)
    return f"---\n{front}---\n{module.body.strip()}\n"


def record_digest(module: Module) -> str:
    """sha256 (hex) of a module's file text without its origin and version: the digest given to
    modules that an importer delivered without an origin."""
    return hashlib.sha256(module_file_text(module.model_copy(update={"origin": None, "version": 1})).encode()).hexdigest()


def _with_origin(module: Module, feed: str, today: dt.date) -> Module:
    origin = module.origin
    if origin is None:
        origin = Origin(feed=feed, key=module.id, digest=record_digest(module))
    return module.model_copy(update={"origin": origin.model_copy(update={"feed": feed, "imported": today,
                                                                         "edited": False})})


@dataclass
class _Disk:
    """The module files of a knowledge base as read at the start of a sync."""

    modules: dict[str, Module]
    stamps: dict[str, tuple[int, int]]
    taken: set[str]
    skills: set[str]


def _read_kb(kb_dir: Path, cache_dir: Path | None) -> _Disk:
    from curriculum.knowledge.catalogue import load_catalogue

    folder = kb_dir / "modules"
    stamps = {}
    for path in folder.glob("*.md") if folder.is_dir() else ():
        st = path.stat()
        stamps[path.stem] = (st.st_size, st.st_mtime_ns)
    cat = load_catalogue(kb_dir, cache_dir=cache_dir) if kb_dir.is_dir() else None
    modules = {**cat.modules, **cat.pending} if cat else {}
    return _Disk(modules, stamps, set(stamps), set(cat.taxonomy) if cat else set())


def _clean_sessions(module: Module, today: dt.date, report: SyncReport) -> Module:
    keep = [s for s in module.sessions if s.end >= today and s.seats > 0]
    if len(keep) == len(module.sessions):
        return module
    report.past_sessions += sum(s.end < today for s in module.sessions)
    report.full_sessions += sum(s.end >= today and s.seats == 0 for s in module.sessions)
    return module.model_copy(update={"sessions": keep})


def _problems(module: Module, skills: set[str], known_ids: set[str]) -> list[tuple[str, str]]:
    """(field, message) of what ``kb validate`` would refuse in ``module`` (dated sessions aside)."""
    out = []
    for where, items in (("outcomes", module.outcomes), ("prerequisites.skills", module.prerequisites.skills)):
        out += [(where, f"unknown skill {s.skill}") for s in items if skills and s.skill not in skills]
    out += [("prerequisites.modules", f"unknown prerequisite module {p!r}")
            for p in module.prerequisites.modules if p not in known_ids]
    if module.modality.needs_travel and not module.places:
        out.append(("places", f"{module.modality.value} module without a place"))
    cities = {p.city for p in module.places}
    out += [(f"sessions.{k}.place", f"session place {s.place!r} is not one of the module's places")
            for k, s in enumerate(module.sessions) if s.place and s.place not in cities]
    return out


def _decided(old: Module, new: Module) -> bool:
    """An instructor's decision is on ``old``: rejected, or approved while the import says draft."""
    return old.status == ModuleStatus.REJECTED or (old.status == ModuleStatus.APPROVED
                                                   and new.status == ModuleStatus.DRAFT)


def _free_id(base: str, taken: set[str]) -> str:
    for n in range(2, 10_000):
        suffix = f"-{n}"
        ident = base[:_MAX_ID - len(suffix)].rstrip("-._") + suffix
        if ident not in taken:
            return ident
    raise KnowledgeBaseError(f"no free id left for {base!r}", field="id")


class _Sync:
    def __init__(self, kb_dir: Path, feed: str, report: SyncReport, disk: _Disk, overwrite: bool,
                 today: dt.date, dry_run: bool) -> None:
        self.kb_dir, self.feed, self.report, self.disk = kb_dir, feed, report, disk
        self.overwrite, self.today, self.dry_run = overwrite, today, dry_run
        self.by_key = {m.origin.key: m for m in disk.modules.values() if m.origin and m.origin.feed == feed}
        self.others = OfferIndex(m for m in disk.modules.values() if m.origin and m.origin.feed != feed)
        self.claimed: set[str] = set()  # ids of modules an offer of this sync matched

    def issue(self, ident: str, key: str, field_: str | None, message: str) -> None:
        self.report.issues.append(KnowledgeBaseError(f"offer {self.feed}:{key}: {message}",
                                                     file=f"modules/{ident}.md", field=field_))

    def write(self, module: Module, outcome: str, key: str, *, new: bool = False) -> None:
        """Write ``module`` atomically under its file lock; record ``outcome`` or an issue."""
        path = self.kb_dir / "modules" / f"{module.id}.md"
        if not self.dry_run:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # the editor's per-file lock around the check and the write; a new file needs none (no
                # editor has it open) and 10,000 new offers leave no 10,000 lock files behind
                with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S) if not new else nullcontext():
                    st = path.stat() if path.exists() else None
                    now = (st.st_size, st.st_mtime_ns) if st else None
                    if now != (None if new else self.disk.stamps.get(module.id)):
                        self.issue(module.id, key, None, "the file changed during the import: left as it is "
                                   "(run the import again)")
                        return
                    module = module.model_copy(update={"origin": module.origin.model_copy(  # type: ignore[union-attr]
                        update={"written": content_digest(module)})})
                    atomic_write_text(path, module_file_text(module))
            except (OSError, Timeout) as exc:
                self.issue(module.id, key, None, f"cannot write the module file: {exc} (previous file kept)")
                return
        getattr(self.report, outcome).append(module.id)
        self.claimed.add(module.id)

    def bump(self, old: Module, **update) -> Module:
        return old.model_copy(update={**update, "version": old.version + 1})

    def one(self, module: Module, known_ids: set[str]) -> None:
        key = module.origin.key  # type: ignore[union-attr]
        module = _clean_sessions(module, self.today, self.report)
        problems = _problems(module, self.disk.skills, known_ids)
        if problems:
            for where, message in problems:
                self.issue(module.id, key, where, message)
            self.report.skipped.append(module.id)
            return
        old = self.by_key.get(key)
        if old is None:
            return self.new(module, key)
        self.claimed.add(old.id)
        if is_hand_edited(old):
            self.report.kept_edited.append(old.id)
            return
        same = old.origin.digest == module.origin.digest  # type: ignore[union-attr]
        upgraded = old.status == ModuleStatus.DRAFT and module.status == ModuleStatus.APPROVED
        if same and old.status != ModuleStatus.RETIRED and not upgraded:
            self.report.unchanged.append(old.id)
            return
        origin = module.origin.model_copy(update={"also_in": old.origin.also_in})  # type: ignore[union-attr]
        if _decided(old, module):
            facts = {f: getattr(module, f) for f in FACTS}
            new = Module.model_validate({**old.model_dump(), **facts, "origin": origin, "version": old.version + 1})
        else:
            new = module.model_copy(update={"id": old.id, "origin": origin, "version": old.version + 1})
        self.write(new, "updated", key)

    def new(self, module: Module, key: str) -> None:
        twin = self.others.find(module, skip=self.claimed)
        if twin is not None:
            self.claimed.add(twin.id)
            if self.feed in twin.origin.also_in:  # type: ignore[union-attr]
                self.report.unchanged.append(twin.id)
            elif is_hand_edited(twin):
                self.report.kept_edited.append(twin.id)
            else:
                also = [*twin.origin.also_in, self.feed]  # type: ignore[union-attr]
                self.write(self.bump(twin, origin=twin.origin.model_copy(update={"also_in": also})), "merged", key)
            return
        ident = module.id
        if ident in self.disk.taken:
            holder = self.disk.modules.get(ident)
            if holder is not None and holder.origin is None and ident not in self.claimed:
                if not self.overwrite:
                    self.issue(ident, key, "id", f"module {ident!r} already exists (written by hand): skipped "
                               "(use --overwrite)")
                    self.report.skipped.append(ident)
                    return
                self.disk.taken.add(ident)
                return self.write(module.model_copy(update={"version": holder.version + 1}), "updated", key)
            ident = _free_id(ident, self.disk.taken)
        self.disk.taken.add(ident)
        self.write(module.model_copy(update={"id": ident}), "added", key, new=True)

    def vanished(self, retire: bool = True) -> None:
        gone = [(k, m) for k, m in self.by_key.items() if m.id not in self.claimed and m.status != ModuleStatus.RETIRED]
        if gone and not retire:
            self.report.issues.append(KnowledgeBaseError(
                f"feed {self.feed}: {len(gone)} offer(s) absent from this import were NOT retired, because the feed "
                "had rejected records (one of them may be among them): fix those records and import again",
                file="modules/", field="status"))
            return
        for key, old in gone:
            origin = old.origin
            if is_hand_edited(old):
                self.report.kept_edited.append(old.id)
            elif origin.also_in:  # type: ignore[union-attr]
                heir = origin.model_copy(update={"feed": origin.also_in[0], "also_in": origin.also_in[1:],  # type: ignore[union-attr]
                                                 "digest": ""})  # the heir's next import refreshes the facts
                self.write(self.bump(old, origin=heir), "updated", key)
            else:
                self.write(self.bump(old, status=ModuleStatus.RETIRED), "retired", key)
        for old in self.disk.modules.values():
            origin = old.origin
            if origin and self.feed in origin.also_in and old.id not in self.claimed and retire and not is_hand_edited(old):
                also = [f for f in origin.also_in if f != self.feed]
                self.write(self.bump(old, origin=origin.model_copy(update={"also_in": also})), "updated",
                           origin.key)


def sync_feed(modules: Iterable[Module], kb_dir: Path, feed: str, *, overwrite: bool = False,
              today: dt.date | None = None, progress: Progress | None = None, dry_run: bool = False,
              cache_dir: Path | None = None, retire: bool = True) -> SyncReport:
    """Bring ``<kb_dir>/modules`` in step with ``modules``, the whole content of feed ``feed``.

    Parameters
    ----------
    modules : the feed's modules as an importer returns them (``origin.feed`` is set to ``feed``;
        modules without an origin get key = id). Their order decides which of two offers with the same
        id keeps it.
    kb_dir : knowledge-base folder (``modules/`` is created if missing).
    feed : the feed's name (``--feed``, else the file stem), e.g. ``carif-hdf`` or ``onisep``.
    overwrite : let an offer replace a hand-written module (no origin) with the same id.
    today : date the sessions are judged against and ``origin.imported`` (default: today).
    progress : called as ``progress(done, total)`` while modules are matched and written.
    dry_run : decide and report without writing anything.
    cache_dir : parse cache for reading the knowledge base (the data dir), as :func:`load_catalogue`.
    retire : retire the feed's modules absent from ``modules``; pass False when the importer rejected
        records (:func:`had_rejections`): a rejected offer must not retire its live module.

    Returns
    -------
    SyncReport
        Ids per outcome and the issues. Never raises for one bad module.

    Raises
    ------
    KnowledgeBaseError
        When ``kb_dir`` exists but is not a folder.
    """
    kb_dir, today = Path(kb_dir), today or dt.date.today()
    if kb_dir.exists() and not kb_dir.is_dir():
        raise KnowledgeBaseError("knowledge base is not a folder", file=str(kb_dir))
    report = SyncReport(feed=feed, dry_run=dry_run)
    sync = _Sync(kb_dir, feed, report, _read_kb(kb_dir, cache_dir), overwrite, today, dry_run)
    incoming, keys = [], set()
    for m in modules:
        m = _with_origin(m, feed, today)
        if m.origin.key in keys:  # type: ignore[union-attr]
            sync.issue(m.id, m.origin.key, "origin.key", "the same record twice in the feed: the first is kept")  # type: ignore[union-attr]
            report.skipped.append(m.id)
            continue
        keys.add(m.origin.key)  # type: ignore[union-attr]
        incoming.append(m)
    known_ids = set(sync.disk.modules) | {m.id for m in incoming}
    total = len(incoming)
    for done, m in enumerate(incoming, 1):
        try:
            sync.one(m, known_ids)
        except (ValidationError, KnowledgeBaseError, ValueError) as exc:
            sync.issue(m.id, m.origin.key, None, f"not imported: {exc}")  # type: ignore[union-attr]
            report.skipped.append(m.id)
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    if incoming:
        sync.vanished(retire)
    return report


def had_rejections(issues: Iterable[Exception]) -> bool:
    """True when an importer's issues include a whole record it rejected (``issue.rejected``)."""
    return any(getattr(i, "rejected", False) for i in issues)

