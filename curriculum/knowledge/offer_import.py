"""One call from an uploaded or given file to a synced knowledge base: LHEO XML, spreadsheet (CSV/XLSX
with a column profile), our CSV export, or schema.org JSON-LD — parsed, tagged (drafts when uncertain),
then synced (:func:`curriculum.knowledge.feeds.sync_feed`: updates, retirements, merges).

Used by the instructor page; the CLI commands (``kb import-*``) do the same with progress on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from curriculum.errors import InputError, KnowledgeBaseError
from curriculum.knowledge.feeds import SyncReport

KINDS = ("lheo", "sheet", "csv", "jsonld")
"""``lheo``: LHEO 2.x XML; ``sheet``: a spreadsheet with its own headers (profile); ``csv``: this
product's CSV export format; ``jsonld``: schema.org ``Course`` JSON-LD."""


@dataclass
class ImportOutcome:
    """What an import did: ``parsed`` modules read from the file, the importer's ``issues`` (file, line or
    row, field), and the sync ``report`` (None when nothing could be read)."""

    parsed: int = 0
    issues: list[KnowledgeBaseError] = field(default_factory=list)
    report: SyncReport | None = None


def kind_of(name: str) -> str:
    """The import kind a file name suggests: ``.xml`` LHEO, ``.jsonld``/``.json`` JSON-LD, else a spreadsheet."""
    suffix = Path(name).suffix.lower()
    return "lheo" if suffix == ".xml" else "jsonld" if suffix in (".jsonld", ".json") else "sheet"


def import_offers(path: Path, kb_dir: Path, *, kind: str | None = None, feed: str, profile=None,
                  data_dir: Path | None = None, dry_run: bool = False, progress=None) -> ImportOutcome:
    """Import ``path`` into ``kb_dir`` as feed ``feed``. ``profile``: a
    :class:`~curriculum.knowledge.spreadsheets.SheetProfile` for ``kind="sheet"`` (default: headers
    guessed). ``progress(done, total)`` while reading/tagging.

    Raises
    ------
    InputError
        For an unknown kind, an unreadable file, or a profile that does not fit the file.
    KnowledgeBaseError
        When the knowledge base cannot be read.
    """
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.feeds import FEED_NAME, had_rejections, sync_feed

    kind = kind or kind_of(path.name)
    if kind not in KINDS:
        raise InputError(f"unknown import kind {kind!r} (one of {', '.join(KINDS)})", field="kind")
    if not FEED_NAME.fullmatch(feed):
        raise InputError(f"feed name {feed!r} must be 1-64 letters, digits, '.', '_' or '-'", field="feed")
    cache = str(data_dir) if data_dir else None
    if kind == "lheo":
        from curriculum.knowledge.lheo import parse_lheo
        modules, issues = parse_lheo(path, load_catalogue(kb_dir, cache_dir=data_dir), feed=feed, cache_dir=cache,
                                     progress=progress)
    elif kind == "sheet":
        from curriculum.knowledge.sheet_import import import_sheet
        modules, issues = import_sheet(path, load_catalogue(kb_dir, cache_dir=data_dir), profile, feed=feed)
    elif kind == "csv":
        from curriculum.knowledge.catalogue_io import import_csv
        modules, issues = import_csv(path, cache_dir=cache)
    else:
        from curriculum.knowledge.catalogue_io import import_jsonld
        modules, issues = import_jsonld(path, cache_dir=cache)
    outcome = ImportOutcome(parsed=len(modules), issues=list(issues))
    if modules:
        outcome.report = sync_feed(modules, kb_dir, feed, dry_run=dry_run, cache_dir=data_dir,
                                   retire=not had_rejections(issues))
    return outcome
