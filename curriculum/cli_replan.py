"""``curriculum replan NAME`` (re-plan a saved pathway from its progress) and ``curriculum progress report`` (who is on
track, late or at risk). The date counted from is today, or ``CURRICULUM_TODAY``."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.cli_progress import progress_app


class ReplanFmt(str, Enum):
    json = "json"
    markdown = "markdown"
    text = "text"


class ReportFmt(str, Enum):
    json = "json"
    xlsx = "xlsx"
    text = "text"


def replan(name: Annotated[str, typer.Argument(metavar="NAME", help="saved pathway name")],
           fmt: Annotated[ReplanFmt, typer.Option("--format", "-f", help="text|markdown|json")] = ReplanFmt.text,
           kb: Annotated[Optional[Path], typer.Option("--kb", help="knowledge base folder (default: shipped)")] = None
           ) -> None:
    """Re-plan a saved pathway from the progress recorded on it and save the new version: steps done and booked
    sessions kept, the rest re-solved (see `curriculum progress`)."""
    from curriculum.cli import _run, _workspace
    from curriculum.cli_progress import _store
    from curriculum.exports.markdown import path_to_markdown
    from curriculum.progress.clock import today
    from curriculum.progress.service import replan_pathway

    def go() -> None:
        store = _store()
        store.load(name)  # an unknown pathway is told before the knowledge base is opened
        done = replan_pathway(_workspace(kb), store, name, today())
        version, why = done.version, done.reason
        if fmt == ReplanFmt.json:
            data = json.loads(done.path.model_dump_json())
            data.update(pathway=name, version=version, kept=done.kept, changes=done.changes)
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        lines = [f"pathway {name}, version {version} ({why})", "kept: " + (", ".join(done.kept) or "nothing")]
        lines += [f"- {c['action']} {c['module_id']}: {c['reason']}" + (f" ({c['from']} → {c['to']})"
                                                                        if "from" in c else "") for c in done.changes]
        typer.echo("\n".join(lines) + "\n\n" + path_to_markdown(done.path))
    _run(go)


@progress_app.command("report")
def report(cohort: Annotated[Optional[str], typer.Option("--cohort", help="pathways saved as COHORT/… (default: all)")] = None,
           fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="text|json|xlsx")] = ReportFmt.text,
           out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write to this file (needed for xlsx)")] = None
           ) -> None:
    """Who is on track, late or at risk: planned end vs deadline, missed sessions, hours done vs planned,
    certifications obtained and coming renewals."""
    from curriculum.cli import _run
    from curriculum.cli_progress import _store
    from curriculum.errors import InputError
    from curriculum.outputs import check_output, write_output
    from curriculum.progress.clock import today
    from curriculum.progress.report import progress_report, report_xlsx

    def go() -> None:
        if fmt == ReportFmt.xlsx and (out is None or str(out) == "-"):
            raise InputError("--format xlsx needs --out FILE.xlsx", field="--out")
        if out is not None:
            check_output(out, [])
        rows = progress_report(_store(), today(), cohort)
        if not rows:
            raise InputError(f"no saved pathway{' in cohort ' + repr(cohort) if cohort else ''}", field="--cohort")
        if fmt == ReportFmt.xlsx:
            data: str | bytes = report_xlsx(rows)
        elif fmt == ReportFmt.json:
            data = json.dumps({"as_of": str(today()), "cohort": cohort, "pathways": rows}, ensure_ascii=False, indent=2)
        else:
            data = "\n".join(f"{r['status']:9} {r['pathway']}: {r['hours_done']:g}/{r['hours_planned']:g} h done "
                             f"(planned by now {r['hours_planned_by_now']:g} h), end {r['planned_end']} "
                             f"(deadline {r['deadline']}) — {r['why']}" for r in rows)
        if out is None:
            typer.echo(data)
        else:
            write_output(data, out, [])
            typer.echo(f"wrote {out}", err=True)
    _run(go)
