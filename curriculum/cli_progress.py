"""``curriculum pathway save|list|show`` and ``curriculum progress NAME …``: saved pathways and the progress
recorded on them (:mod:`curriculum.progress`), in the database of the cohort programmes.

``progress`` is a command group whose default command records events, so ``curriculum progress NAME
--completed ID --on DATE`` works beside subcommands registered on :data:`progress_app` (e.g. ``report``).
Exit codes as the rest of the CLI: 2 on bad input (unknown pathway or module, a date in the future), naming
the option.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import click
import typer
from typer.core import TyperGroup

from curriculum.errors import InputError

KbOpt = Annotated[Optional[Path], typer.Option("--kb", help="knowledge base folder (default: shipped)")]
pathway_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                          help="Save a learner's planned pathway (versions), list and show saved pathways.")


class _RecordByDefault(TyperGroup):
    """``progress NAME …`` runs ``progress record NAME …`` unless NAME is a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["record", *args]
        return super().parse_args(ctx, args)


progress_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, cls=_RecordByDefault,
                           help="Record progress on a saved pathway: curriculum progress NAME --completed ID --on DATE.")


class ShowFmt(str, Enum):
    json = "json"
    markdown = "markdown"
    text = "text"


def _store():
    from curriculum.progress import PathwayStore
    from curriculum.settings import Settings

    return PathwayStore(Settings.from_env().data_dir)


def _summary(name: str, version: int, created: dt.datetime, reason: str, path: Any) -> dict[str, Any]:
    return {"pathway": name, "version": version, "created_at": created.isoformat(), "reason": reason,
            "learner_id": path.learner_id, "target_job": path.target_job.id, "feasible": path.feasible,
            "steps": [s.module_id for s in path.steps], "total_hours": path.total_hours,
            "total_cost_eur": path.total_cost_eur, "start": path.steps[0].start.isoformat() if path.steps else None,
            "end": max(s.end for s in path.steps).isoformat() if path.steps else None}


def _name_field(exc: InputError) -> InputError:
    """Errors of the pathway name point at the NAME argument."""
    if exc.field == "name":
        exc.field = "NAME"
    return exc


@pathway_app.command("save")
def save(learner: Annotated[Path, typer.Option("--learner", "-l", help="learner profile YAML")],
         name: Annotated[Optional[str], typer.Option("--name", help="pathway name (default: the learner's id)")] = None,
         job: Annotated[Optional[str], typer.Option("--job", help="rome:CODE, esco:URI or job id (overrides the profile)")] = None,
         kb: KbOpt = None) -> None:
    """Plan the learner's pathway and save it as a new version; prints {"pathway", "version", …} as JSON."""
    from curriculum.cli import _run, _workspace
    from curriculum.learners import load_learner
    from curriculum.progress import PathwayStore

    def go() -> None:
        profile = load_learner(learner)
        ws = _workspace(kb)
        path = ws.plan(profile, job, file=str(learner))
        store = PathwayStore(ws.settings.data_dir)
        try:
            version = store.save(name or profile.id, profile, path, "saved")
        except InputError as exc:
            exc.field = "--name" if exc.field == "name" else exc.field
            raise
        stored = store.load(name or profile.id, version)
        typer.echo(json.dumps(_summary(stored.name, version, stored.created_at, stored.reason, path),
                              ensure_ascii=False, indent=2))
    _run(go)


@pathway_app.command("list")
def list_(fmt: Annotated[ShowFmt, typer.Option("--format", "-f", help="text|json")] = ShowFmt.text) -> None:
    """List saved pathways: latest version, reason, feasibility and events recorded."""
    from curriculum.cli import _run

    def go() -> None:
        rows = _store().list()
        if fmt == ShowFmt.json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            typer.echo(f"{r['name']:24} v{r['version']:<3} {r['created_at'][:19]}  {r['learner_id']:10} "
                       f"{r['target_job']:40} {'feasible' if r['feasible'] else 'INFEASIBLE':10} "
                       f"{r['events']} events  {r['reason']}")
    _run(go)


@pathway_app.command("show")
def show(name: Annotated[str, typer.Argument(metavar="NAME", help="pathway name")],
         version: Annotated[Optional[int], typer.Option("--version", help="version (default: latest)")] = None,
         fmt: Annotated[ShowFmt, typer.Option("--format", "-f", help="json|markdown|text")] = ShowFmt.json) -> None:
    """A saved version: the plan contract plus pathway, version, created_at, reason and the events recorded."""
    from curriculum.cli import _run
    from curriculum.exports import path_to_markdown
    from curriculum.progress import event_json

    def go() -> None:
        store = _store()
        try:
            stored = store.load(name, version)
        except InputError as exc:
            raise _name_field(exc) if exc.field == "name" else InputError(exc.message, field="--version") from None
        if fmt != ShowFmt.json:
            typer.echo(f"# {stored.name} v{stored.version} ({stored.reason}, {stored.created_at:%Y-%m-%d %H:%M} UTC)"
                       f"\n\n{path_to_markdown(stored.path)}")
            return
        head = {"pathway": stored.name, "version": stored.version, "created_at": stored.created_at.isoformat(),
                "reason": stored.reason}
        typer.echo(json.dumps({**head, **stored.path.model_dump(mode="json"),
                               "events": [event_json(e) for e in store.events(name)]}, ensure_ascii=False, indent=2))
    _run(go)


def _date(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date YYYY-MM-DD", field=option) from None


def _badges(ws: Any, stored: Any, recorded: list) -> dict[str, Any]:
    """``{"badges": [...]}`` issued for the passes on certification modules (:mod:`curriculum.progress.badges`),
    ``{}`` when none; an issuer key that cannot be read leaves the events recorded and says why."""
    from curriculum.progress.service import issue_badges

    issued, error = issue_badges(ws.settings.data_dir, stored, recorded, ws.catalogue.modules)
    if error is not None:
        typer.echo(f"warning: no badge issued: {error}", err=True)
        return {"badge_error": error}
    return {"badges": issued} if issued else {}


@progress_app.command("record")
def record(name: Annotated[str, typer.Argument(metavar="NAME", help="saved pathway name")],
           completed: Annotated[Optional[str], typer.Option("--completed", metavar="MODULE_ID", help="module finished (needs --on)")] = None,
           result: Annotated[Optional[str], typer.Option("--result", help="pass|fail of --completed (default pass)")] = None,
           score: Annotated[Optional[float], typer.Option("--score", help="score 0-100 of --completed")] = None,
           missed: Annotated[Optional[str], typer.Option("--missed", metavar="MODULE_ID", help="session of this module missed")] = None,
           dropped: Annotated[Optional[str], typer.Option("--dropped", metavar="MODULE_ID", help="module abandoned")] = None,
           cancelled: Annotated[Optional[str], typer.Option("--cancelled", metavar="MODULE_ID", help="session cancelled by the provider")] = None,
           skill: Annotated[Optional[str], typer.Option("--skill", metavar="URI_OR_LABEL", help="new skill (needs --level)")] = None,
           level: Annotated[Optional[int], typer.Option("--level", help="level 1-4 of --skill")] = None,
           certification: Annotated[Optional[str], typer.Option("--certification", metavar="CODE", help="certification obtained")] = None,
           on: Annotated[Optional[str], typer.Option("--on", metavar="YYYY-MM-DD", help="date of the events (default today; required with --completed; for --missed/--cancelled the session's start)")] = None,
           xapi: Annotated[Optional[Path], typer.Option("--xapi", metavar="STATEMENTS.json", help="import xAPI statements from an LMS/LRS")] = None,
           actor: Annotated[Optional[str], typer.Option("--actor", help="with --xapi: the learner's e-mail or account name")] = None,
           kb: KbOpt = None) -> None:
    """Record progress events on pathway NAME; prints the events recorded (JSON)."""
    from curriculum.cli import _run, _workspace
    from curriculum.progress import event_json, import_xapi, parse_event, read_statements

    def go() -> None:
        when = _date(on, "--on")
        from curriculum.progress.clock import today as _today

        today = _today()
        specs: list[tuple[dict[str, Any], tuple[str, str]]] = []
        if completed:
            if when is None:
                raise InputError("--completed needs --on YYYY-MM-DD", field="--on")
            if result not in (None, "pass", "fail"):
                raise InputError(f"{result!r}: use pass or fail", field="--result")
            specs.append(({"kind": "completed", "module_id": completed, "result": result or "pass",
                           **({"score": score} if score is not None else {})}, ("--completed", "--on")))
        elif result is not None or score is not None:
            raise InputError("--result and --score go with --completed", field="--result" if result else "--score")
        for kind, module, option in (("missed", missed, "--missed"), ("dropped", dropped, "--dropped"),
                                     ("cancelled", cancelled, "--cancelled")):
            if module:
                specs.append(({"kind": kind, "module_id": module}, (option, "--on")))
        if skill:
            if level is None:
                raise InputError("--skill needs --level 1-4", field="--level")
            specs.append(({"kind": "new_skill", "skill": skill, "level": level}, ("--skill", "--on")))
        if certification:
            specs.append(({"kind": "new_certification", "code": certification}, ("--certification", "--on")))
        if not specs and xapi is None:
            raise InputError("nothing to record: give --completed, --missed, --dropped, --cancelled, --skill, "
                             "--certification or --xapi")
        events = []
        for data, (option, _) in specs:
            try:
                events.append(parse_event({**data, "on": when or today, "source": "cli"}, field=option))
            except InputError as exc:  # name the option: --score, --level, --certification …
                key = (exc.field or "").removeprefix(option + ".")
                exc.field = {"score": "--score", "level": "--level", "result": "--result"}.get(key, option)
                raise
        store = _store()
        try:
            store.load(name)
        except InputError as exc:
            raise _name_field(exc)
        if xapi is not None:  # an unreadable file stops everything before anything is recorded
            try:
                read_statements(xapi)
            except InputError as exc:
                exc.field = exc.field or "--xapi"
                raise
        ws = _workspace(kb)
        modules = list(ws.catalogue.modules)
        out: dict[str, Any] = {"pathway": name}
        recorded = store.record(name, events, modules=modules, today=today,
                                fields=[f for _, f in specs]) if events else []
        if xapi is not None:
            imported = import_xapi(store, name, xapi, modules=modules, actor=actor, today=today)
            recorded += imported.events
            out["statements"] = [r.as_dict() for r in imported.reports]
            out["statement_counts"] = imported.counts()
        stored = store.load(name)
        out["version"] = stored.version
        out["events"] = [event_json(e) for e in recorded]
        out.update(_badges(ws, stored, recorded))
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    _run(go)
