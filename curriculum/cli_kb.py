"""``curriculum kb …``: curate the knowledge base (validate, gaps, imports, exports).

Mounted by :mod:`curriculum.cli` with ``from curriculum.cli_kb import kb_app``; the import commands
live in :mod:`curriculum.cli_kb_import` (through the feed sync). Exit codes: 0
success, 2 bad input (validation errors; an import where no record could be imported), 1 internal
failure. Issues are printed one per line as ``file:line: field: message``.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.errors import CurriculumError, InputError
from curriculum.tabular import CsvDialect

kb_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="Curate the knowledge base.")


class KbFmt(str, Enum):
    json = "json"
    text = "text"


class ExportFmt(str, Enum):
    jsonld = "jsonld"
    csv = "csv"


KbOpt = Annotated[Optional[Path], typer.Option("--kb", help="knowledge base folder (default: shipped)")]
FmtOpt = Annotated[KbFmt, typer.Option("--format", "-f", help="json|text")]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="replace modules whose id already exists")]


def _settings(kb: Path | None = None):
    from curriculum.settings import Settings

    return Settings.from_env(kb_dir=kb)


def _run(fn):
    try:
        return fn()
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    except CurriculumError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)


def _line(file: str | None, line: int | None, field: str | None, message: str) -> str:
    return f"{file or '-'}:{line or '-'}: {field or '-'}: {message}"


@kb_app.command("validate")
def kb_validate(path: Annotated[Optional[Path], typer.Argument(help="knowledge base folder")] = None,
                fmt: FmtOpt = KbFmt.text) -> None:
    """Validate the knowledge base; exit 2 when there are errors (every error listed)."""
    from curriculum.knowledge.editing import add_lines
    from curriculum.knowledge.validate import validate_kb

    def go():
        report = add_lines(validate_kb(path or _settings().kb_dir))
        if fmt == KbFmt.json:
            typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for e in report["errors"]:
                typer.echo(_line(e["file"], e["line"], e["field"], e["message"]))
            typer.echo(f"checked {report['checked']} files, {len(report['errors'])} error(s)")
        if report["errors"]:
            raise typer.Exit(2)
    _run(go)


def _near(text: str, cache_dir: str) -> tuple[float, float]:
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", text)
    if m:
        return float(m.group(1)), float(m.group(2))
    from curriculum.geo import resolve_city

    try:
        return resolve_city(text, cache_dir=cache_dir)
    except InputError as exc:
        raise InputError(exc.message, field="--near") from exc


@kb_app.command("gaps")
def kb_gaps(job: Annotated[Optional[str], typer.Option("--job", help="job id, rome:CODE or esco:URI (default: all jobs)")] = None,
            near: Annotated[Optional[str], typer.Option("--near", help="city, or 'lat,lon'")] = None,
            radius_km: Annotated[Optional[float], typer.Option("--radius-km", min=0, help="km (default 40 with --near)")] = None,
            fmt: FmtOpt = KbFmt.text, kb: KbOpt = None) -> None:
    """List job skills no module teaches, or (with --near) none teaches in person within the radius."""
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.gaps import basin_gaps, job_gaps

    def go():
        settings = _settings(kb)
        cat = load_catalogue(settings.kb_dir)
        point = _near(near, str(settings.data_dir)) if near else None
        radius = (radius_km if radius_km is not None else 40.0) if point else None
        where = {"near": near, "lat": point[0], "lon": point[1], "radius_km": radius} if point else None
        if job:
            gaps = job_gaps(cat, job, point, radius)
            found = cat.find_job(job)
            results = [{"job": found.id, "title": found.title, "rome_code": found.rome_code, "gaps": gaps}]
        elif point:
            results = basin_gaps(cat, point, radius)
        else:
            results = [{"job": j.id, "title": j.title, "rome_code": j.rome_code, "gaps": job_gaps(cat, j.id)}
                       for j in cat.jobs.values()]
        for r in results:
            r["skills"] = [{"id": g["skill"], **g} for g in r.pop("gaps")]
        if fmt == KbFmt.json:
            out = {**results[0], "area": where} if job else {"area": where, "jobs": results}
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for r in results:
            typer.echo(f"{r['job']} ({r['rome_code'] or '-'}): {len(r['skills'])} gap(s)"
                       + (f" around {near} ({radius:g} km)" if point else ""))
            for s in r["skills"]:
                typer.echo(f"  {'essential' if s['essential'] else 'optional '} {s['label']} "
                           f"(level {s['required_level']}): {s['reason']}")
    _run(go)


@kb_app.command("export")
def kb_export(fmt: Annotated[ExportFmt, typer.Option("--format", "-f", help="jsonld|csv")] = ExportFmt.jsonld,
              out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write to this file")] = None,
              kb: KbOpt = None,
              csv_dialect: Annotated[CsvDialect, typer.Option(
                  "--csv-dialect", help="with --format csv: rfc (',' UTF-8) or excel-fr (';', UTF-8 BOM, decimal comma)")
              ] = CsvDialect.rfc) -> None:
    """Export the catalogue as schema.org Course JSON-LD or CSV (``--csv-dialect excel-fr`` for French Excel)."""
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.catalogue_io import export_csv, export_jsonld
    from curriculum.outputs import write_output

    def go():
        cat = load_catalogue(_settings(kb).kb_dir)
        mods = cat.modules.values()
        text = (json.dumps(export_jsonld(mods, cat.taxonomy), ensure_ascii=False, indent=2)
                if fmt == ExportFmt.jsonld else export_csv(mods, dialect=csv_dialect))
        if write_output(text, out):
            typer.echo(f"wrote {out} ({len(cat.modules)} modules)", err=True)
    _run(go)


from curriculum.cli_kb_import import kb_import_csv, kb_import_jsonld, kb_import_lheo  # noqa: E402

kb_app.command("import-lheo")(kb_import_lheo)
kb_app.command("import-csv")(kb_import_csv)
kb_app.command("import-jsonld")(kb_import_jsonld)
