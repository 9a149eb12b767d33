"""``curriculum cohort``: plan a cohort programme from a CSV/XLSX file (thin layer over
:mod:`curriculum.cohort`).

Exit codes: 0 when at least one member was planned (rejected rows are listed in ``errors``);
2 when none could be planned or a file is unreadable (one line naming the file, row and field);
1 on internal failures.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.errors import CurriculumError, InputError
from curriculum.tabular import CsvDialect

cohort_app = typer.Typer(rich_markup_mode=None, add_completion=False, help="Cohort programmes for training managers.")


DialectOpt = Annotated[CsvDialect, typer.Option(
    "--csv-dialect", help="with --format csv: rfc (',' UTF-8) or excel-fr (';', UTF-8 BOM, decimal comma)")]


class CohortFmt(str, Enum):
    json = "json"
    text = "text"
    xlsx = "xlsx"
    csv = "csv"
    ics = "ics"


def _emit(data: str | bytes, out: Path | None, inputs: tuple = ()) -> None:
    from curriculum.outputs import write_output

    if write_output(data, out, inputs):
        typer.echo(f"wrote {out}", err=True)


def _default_settings() -> "object":
    from curriculum.cohort.models import ProgrammeSettings

    today = dt.date.today()
    return ProgrammeSettings(start=today, end=today + dt.timedelta(days=364))


@cohort_app.command("cohort")
def cohort(cohort: Annotated[Path, typer.Option("--cohort", "-c", help="cohort CSV or XLSX (see examples/cohort/template.csv)")],
           settings: Annotated[Optional[Path], typer.Option("--settings", "-s", help="programme settings YAML")] = None,
           fmt: Annotated[CohortFmt, typer.Option("--format", "-f", help="json|text|xlsx|csv|ics")] = CohortFmt.text,
           out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write to this file instead of stdout")] = None,
           save: Annotated[Optional[str], typer.Option("--save", help="save the programme under NAME (new version)")] = None,
           csv_dialect: DialectOpt = CsvDialect.rfc,
           ) -> None:
    """Plan a cohort: individual paths, a common core taught in groups, totals and savings."""
    from curriculum.cohort.export import programme_to_csv, programme_to_ics, programme_to_text, programme_to_xlsx
    from curriculum.cohort.io import load_programme_settings, read_cohort
    from curriculum.cohort.planner import plan_cohort
    from curriculum.cohort.store import ProgrammeStore
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    from curriculum.outputs import check_output

    try:
        if out is not None:
            check_output(out, (cohort, settings))  # before planning and before --save
        ws = Workspace.open(Settings.from_env())
        prog_settings = load_programme_settings(settings) if settings else _default_settings()
        members, errors = read_cohort(cohort, ws.catalogue, cache_dir=str(ws.settings.data_dir),
                                      default_job=prog_settings.default_target_job)  # type: ignore[attr-defined]
        programme = plan_cohort(ws, members, prog_settings, errors=errors, file=str(cohort))  # type: ignore[arg-type]
        if not programme.members:
            first = programme.errors[0] if programme.errors else None
            raise InputError("no member could be planned" + (f" ({len(programme.errors)} rejected rows; first: "
                                                             f"{first.message})" if first else ""),
                             file=str(cohort), field=first.field if first else None, line=first.row if first else None)
        if save:
            version = ProgrammeStore(ws.settings.data_dir).save(save, programme, prog_settings, members)  # type: ignore[arg-type]
            typer.echo(f"saved {save!r} version {version}", err=True)
        if fmt == CohortFmt.json:
            data: str | bytes = json.dumps(programme.model_dump(mode="json"), ensure_ascii=False, indent=2)
        elif fmt == CohortFmt.xlsx:
            data = programme_to_xlsx(programme)
        elif fmt == CohortFmt.csv:
            data = programme_to_csv(programme, dialect=csv_dialect)
        elif fmt == CohortFmt.ics:
            data = programme_to_ics(programme)
        else:
            data = programme_to_text(programme)
        _emit(data, out, (cohort, settings))
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except CurriculumError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def programmes(open_name: Annotated[Optional[str], typer.Option("--open", help="reopen the programme saved under NAME")] = None,
               version: Annotated[Optional[int], typer.Option("--version", help="version to reopen (default: latest)")] = None,
               fmt: Annotated[CohortFmt, typer.Option("--format", "-f", help="json|text|xlsx|csv|ics")] = CohortFmt.text,
               out: Annotated[Optional[Path], typer.Option("--out", "-o")] = None,
               csv_dialect: DialectOpt = CsvDialect.rfc) -> None:
    """List saved cohort programmes (SQLite in the data dir, or DATABASE_URL), or reopen one."""
    from curriculum.cohort.export import programme_to_csv, programme_to_ics, programme_to_text, programme_to_xlsx
    from curriculum.cohort.store import ProgrammeStore
    from curriculum.settings import Settings

    try:
        store = ProgrammeStore(Settings.from_env().data_dir)
        if not open_name:
            rows = store.list()
            if fmt == CohortFmt.json:
                typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            else:
                for r in rows:
                    typer.echo(f"{r['name']:30} v{r['version']:<3} {r['created_at']}  {r['members']} members")
            return
        stored = store.load(open_name, version)
        programme = stored.programme
        writers = {CohortFmt.xlsx: programme_to_xlsx, CohortFmt.ics: programme_to_ics, CohortFmt.text: programme_to_text,
                   CohortFmt.csv: lambda p: programme_to_csv(p, dialect=csv_dialect)}
        data = (json.dumps(programme.model_dump(mode="json"), ensure_ascii=False, indent=2) if fmt == CohortFmt.json
                else writers[fmt](programme))
        _emit(data, out)
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
