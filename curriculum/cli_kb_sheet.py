"""``curriculum kb import-sheet`` and ``kb sheet-profiles``: a company academy's or training body's own
spreadsheet (CSV or XLSX, its own headers) imported through a saved column profile, then the feed sync
(re-imports update, retire and merge; uncertain tags become drafts for ``kb review``).

Output and exit codes as the other imports (:mod:`curriculum.cli_kb_import`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.cli_kb import KbOpt, OverwriteOpt, _run, _settings, kb_app
from curriculum.cli_kb_import import DryOpt, FeedOpt, _import
from curriculum.errors import InputError
from curriculum.knowledge.sheet_fields import SHEET_FIELDS


def _mapping(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InputError(f"--map expects FIELD=COLUMN (e.g. title=Intitulé), got {item!r}", field="--map")
        out[field.strip()] = column.strip()
    return out


@kb_app.command("import-sheet")
def kb_import_sheet(
        file: Path,
        profile: Annotated[Optional[str], typer.Option("--profile", help="saved column profile to use")] = None,
        maps: Annotated[Optional[list[str]], typer.Option("--map", help="FIELD=COLUMN, repeatable (e.g. --map "
                                                          "title=Intitulé --map duration='Durée (h)'). FIELD is one of: "
                                                          + ", ".join(SHEET_FIELDS))] = None,
        sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet (default: the first)")] = None,
        save_as: Annotated[Optional[str], typer.Option("--save-profile", help="save the columns used under this "
                                                       "name for the next import")] = None,
        feed: FeedOpt = None, dry_run: DryOpt = False, kb: KbOpt = None, overwrite: OverwriteOpt = False) -> None:
    """Import a spreadsheet catalogue (CSV or XLSX) with its own headers: columns found by their usual
    French/English names, a saved ``--profile``, or ``--map FIELD=COLUMN``; French dates and numbers."""
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.sheet_import import import_sheet
    from curriculum.knowledge.spreadsheets import SheetProfile, guess_columns, load_profile, read_table, save_profile

    def parse(settings, name, progress):
        base = load_profile(settings.kb_dir, profile) if profile else SheetProfile(name=save_as or name)
        used = base.model_copy(update={"columns": {**base.columns, **_mapping(maps or [])},
                                       "sheet": sheet or base.sheet, "name": save_as or base.name})
        if save_as:
            headers, _ = read_table(file, used.sheet)
            found = guess_columns(headers, used)  # raises if a mapped column is absent: nothing saved then
            used = used.model_copy(update={"columns": {f: headers[i] for f, i in found.items()}})
            if not dry_run:
                typer.echo(f"profile {save_as!r} saved: {save_profile(settings.kb_dir, used)}", err=True)
        cat = load_catalogue(settings.kb_dir, cache_dir=settings.data_dir)
        return import_sheet(file, cat, used, feed=name)
    _run(lambda: _import("sheet", file, parse, kb, feed or save_as or profile, overwrite, dry_run))


@kb_app.command("sheet-profiles")
def kb_sheet_profiles(kb: KbOpt = None) -> None:
    """List the saved spreadsheet column profiles (JSON: name → columns, defaults)."""
    from curriculum.knowledge.spreadsheets import list_profiles, load_profile

    def go():
        kb_dir = _settings(kb).kb_dir
        out = {name: load_profile(kb_dir, name).model_dump(exclude={"name"}) for name in list_profiles(kb_dir)}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    _run(go)
