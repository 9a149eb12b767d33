"""``curriculum kb import-lheo | import-csv | import-jsonld``: import a feed through the sync of
:mod:`curriculum.knowledge.feeds` (re-imports update, retire and merge instead of duplicating).

Mounted on ``kb_app`` by :mod:`curriculum.cli_kb`. Output: one JSON line on stdout — ``format``,
``file``, ``feed``, ``kb``, ``dry_run``, ``parsed`` (modules the importer made), ``counts`` (per
outcome and issues), the ids per outcome (``added``, ``updated``, ``unchanged``, ``retired``,
``merged``, ``kept_edited``, ``skipped``), ``imported`` (ids written with new content: added +
updated) and ``issues`` (their number). Each issue is one stderr line ``file:line: field: message``
(the feed's file, line and field for the importer's issues; ``modules/<id>.md`` for the sync's).
Progress goes to stderr: a bar per phase on a terminal, one line per finished phase always. Exit 0
when the feed gave the knowledge base anything (even all unchanged), 2 when nothing was usable.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.cli_kb import KbOpt, OverwriteOpt, _line, _run, _settings
from curriculum.errors import InputError

FeedOpt = Annotated[Optional[str], typer.Option("--feed", help="feed name kept in each module's origin "
                                                "(default: the file name without extension)")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="report what the import would do, write nothing")]


class _Phases:
    """Progress on stderr: a transient rich bar per phase on a terminal; a line per finished phase."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
        self.tasks: dict[str, int] = {}

    def callback(self, label: str):
        """``progress(done, total)`` — or ``(phase, done, total)`` from an importer with phases."""
        def update(*args) -> None:
            name, (done, total) = (f"{label}: {args[0]}", args[1:3]) if len(args) >= 3 else (label, args[:2])
            if name not in self.tasks:
                self.tasks[name] = self.bar.add_task(name, total=total)
            self.bar.update(self.tasks[name], completed=done, total=total)
        return update

    @staticmethod
    def said(text: str) -> None:
        typer.echo(text, err=True)


def _feed_name(feed: str | None, file: Path) -> str:
    from curriculum.knowledge.feeds import FEED_NAME

    name = feed if feed is not None else re.sub(r"[^A-Za-z0-9._-]+", "-", file.stem).strip("-._") or "feed"
    if not FEED_NAME.fullmatch(name):
        raise InputError(f"feed name {name!r} must be 1-64 letters, digits, '.', '_' or '-'", field="--feed")
    return name


def _import(kind: str, file: Path, parse, kb: Path | None, feed: str | None, overwrite: bool, dry_run: bool) -> None:
    """Parse with ``parse(settings, feed, progress) -> (modules, issues)``, sync, report, exit."""
    from curriculum.knowledge.feeds import had_rejections, sync_feed

    settings = _settings(kb)
    name = _feed_name(feed, file)
    phases = _Phases()
    with phases.bar:
        started = time.perf_counter()
        modules, issues = parse(settings, name, phases.callback("reading and tagging"))
        phases.said(f"{kind}: {file}: {len(modules)} module(s) read, {len(issues)} issue(s) in "
                    f"{time.perf_counter() - started:.1f} s")
        for i in issues:
            typer.echo(_line(i.file, i.line, i.field, i.message), err=True)
        report = None
        if modules:
            started = time.perf_counter()
            report = sync_feed(modules, settings.kb_dir, name, overwrite=overwrite, dry_run=dry_run,
                               retire=not had_rejections(issues),
                               progress=phases.callback("writing"), cache_dir=settings.data_dir)
            c = report.counts()
            phases.said(f"{kind}: feed {name!r} {'checked (dry run)' if dry_run else 'synced'} in "
                        f"{time.perf_counter() - started:.1f} s: " + ", ".join(f"{v} {k}" for k, v in c.items()))
    if report is not None:
        for i in report.issues:
            typer.echo(_line(i.file, i.line, i.field, i.message), err=True)
        data = report.to_dict()
    else:
        data = {"feed": name, "dry_run": dry_run, "counts": {}}
    data.pop("feed", None)
    out = {"format": kind, "file": str(file), "feed": name, "kb": str(settings.kb_dir), "parsed": len(modules),
           **data, "imported": (report.added + report.updated) if report else [],
           "issues": len(issues) + (len(report.issues) if report else 0)}
    typer.echo(json.dumps(out, ensure_ascii=False))
    if report is None or not report.usable:
        raise typer.Exit(2)


def kb_import_lheo(file: Path, feed: FeedOpt = None, dry_run: DryOpt = False, kb: KbOpt = None,
                   overwrite: OverwriteOpt = False) -> None:
    """Import an LHEO 2.x XML offer file (one module per formation × action); a re-import updates changed
    offers, retires vanished ones, never touches modules edited by hand, merges offers another feed has."""
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.lheo import parse_lheo

    def parse(settings, name, progress):
        cat = load_catalogue(settings.kb_dir, cache_dir=settings.data_dir)
        params = inspect.signature(parse_lheo).parameters
        extra = {k: v for k, v in (("feed", name), ("progress", progress)) if k in params}
        return parse_lheo(file, cat, cache_dir=str(settings.data_dir), **extra)
    _run(lambda: _import("lheo", file, parse, kb, feed, overwrite, dry_run))


def kb_import_csv(file: Path,
                  mapping: Annotated[Optional[str], typer.Option("--mapping", help='JSON {"field": "csv column"} or a .json file')] = None,
                  feed: FeedOpt = None, dry_run: DryOpt = False, kb: KbOpt = None,
                  overwrite: OverwriteOpt = False) -> None:
    """Import a CSV catalogue (';' or ',' detected), with an optional column mapping; the id column is
    each module's key in the feed (a re-import updates it)."""
    from curriculum.knowledge.catalogue_io import import_csv

    def parse(settings, name, progress):
        try:
            text = Path(mapping).read_text(encoding="utf-8") if mapping and Path(mapping).is_file() else mapping
            cols = json.loads(text) if text else None
        except (OSError, ValueError) as exc:
            raise InputError(f"--mapping is not JSON: {exc}", field="--mapping") from exc
        if cols is not None and not isinstance(cols, dict):
            raise InputError('--mapping must be a JSON object {"field": "column"}', field="--mapping")
        return import_csv(file, cols, cache_dir=str(settings.data_dir))
    _run(lambda: _import("csv", file, parse, kb, feed, overwrite, dry_run))


def kb_import_jsonld(file: Path, feed: FeedOpt = None, dry_run: DryOpt = False, kb: KbOpt = None,
                     overwrite: OverwriteOpt = False) -> None:
    """Import schema.org Course JSON-LD (``courseCode`` is each module's key in the feed)."""
    from curriculum.knowledge.catalogue_io import import_jsonld

    _run(lambda: _import("jsonld", file, lambda settings, name, progress: import_jsonld(
        file, cache_dir=str(settings.data_dir)), kb, feed, overwrite, dry_run))
