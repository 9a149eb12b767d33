"""Command-line interface ``curriculum`` — a thin layer over :mod:`curriculum.services`.

Exit codes: 0 success (an infeasible plan is a successful answer), 2 bad input (one line naming
the file and field), 1 internal failure.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.errors import CurriculumError, IndexBusyError, InputError

app = typer.Typer(rich_markup_mode=None, add_completion=False, no_args_is_help=True,
                  help="Personalised training pathways toward industrial jobs, grounded in a module catalogue.")
from curriculum.cli_kb import kb_app  # noqa: E402
import curriculum.cli_kb_review  # noqa: E402,F401  registers kb review
import curriculum.cli_kb_sheet  # noqa: E402,F401  registers kb import-sheet, kb sheet-profiles
from curriculum.cli_intake import intake  # noqa: E402

app.command()(intake)

import_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="Import official ESCO / ROME 4.0 downloads into the knowledge base.")
app.add_typer(import_app, name="import")
app.add_typer(kb_app, name="kb")


class Fmt(str, Enum):
    json = "json"
    markdown = "markdown"
    text = "text"
    ics = "ics"
    pdf = "pdf"


KbOpt = Annotated[Optional[Path], typer.Option("--kb", help="knowledge base folder (default: shipped)")]


def _workspace(kb: Path | None):
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    return Workspace.open(Settings.from_env(kb_dir=kb))


def _fail(exc: Exception, code: int) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code)


def _run(fn):
    try:
        return fn()
    except (InputError, IndexBusyError) as exc:
        _fail(exc, 2)
    except CurriculumError as exc:
        _fail(exc, 1)


def _progress(label: str):
    from rich.progress import Progress

    bar = Progress(transient=True, disable=not sys.stderr.isatty())
    task = {}

    def update(done: int, total: int) -> None:
        if label not in task:
            task[label] = bar.add_task(label, total=total)
        bar.update(task[label], completed=done, total=total)
    return bar, update


@app.command()
def plan(learner: Annotated[Path, typer.Option("--learner", "-l", help="learner profile YAML")],
         job: Annotated[Optional[str], typer.Option("--job", help="rome:CODE, esco:URI or job id (overrides the profile)")] = None,
         fmt: Annotated[Fmt, typer.Option("--format", "-f", help="text|markdown|json|ics|pdf")] = Fmt.text,
         out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write to this file instead of stdout")] = None,
         alternatives: Annotated[int, typer.Option("--alternatives", "-k", min=0, max=4,
                                                   help="up to K different plans (fastest, cheapest, most local, most in-person)")] = 0,
         pin: Annotated[Optional[list[str]], typer.Option("--pin", metavar="ID", help="module id to keep (repeatable)")] = None,
         exclude: Annotated[Optional[list[str]], typer.Option("--exclude", metavar="ID", help="module id to refuse (repeatable)")] = None,
         unavailable: Annotated[Optional[list[str]], typer.Option("--unavailable", metavar="FROM:TO",
                                                                  help="no training these days, inclusive (repeatable)")] = None,
         study_days: Annotated[Optional[list[str]], typer.Option("--study-days", metavar="DAYS",
                                                                 help="e.g. mon,tue,wed or sat-sun (replaces the profile's)")] = None,
         kb: KbOpt = None) -> None:
    """Plan a learner's pathway toward a target job."""
    from curriculum.cli_plan_options import PlanOptions
    from curriculum.exports import path_to_json, path_to_markdown
    from curriculum.learners import load_learner

    from curriculum.outputs import check_output

    def go():
        if alternatives and fmt in (Fmt.ics, Fmt.pdf):
            raise InputError(f"--alternatives gives several plans: use --format text, markdown or json (not {fmt.value}); "
                             "export the plan you choose with --pin", field="--format")
        if fmt == Fmt.pdf and (not out or str(out) == "-"):
            raise InputError("--format pdf needs --out FILE", field="--out")
        options = PlanOptions.parse(pin, exclude, unavailable, study_days)
        if out is not None:
            check_output(out, [learner])  # before any work: never overwrite the profile, a link, a device…
        profile = load_learner(learner)
        ws = _workspace(kb)
        profile = options.apply(profile, ws.catalogue.modules)
        if alternatives:
            paths = ws.alternatives(profile, alternatives, job, file=str(learner))
            if fmt != Fmt.json:
                text = "\n\n".join(f"## {p.label}: {p.trade_off}\n\n" + path_to_markdown(p) for p in paths)
            else:
                text = json.dumps({"alternatives": [json.loads(path_to_json(p)) for p in paths]},
                                  ensure_ascii=False, indent=2)
            return _emit(text, out, learner)
        path = ws.plan(profile, job, file=str(learner))
        if fmt == Fmt.ics:
            from curriculum.exports.ics import path_to_ics

            return _emit(path_to_ics(path, profile.hours_per_week, study_days=profile.study_days,
                                     unavailable=profile.unavailable), out, learner)
        if fmt == Fmt.pdf:
            from curriculum.exports.pdf import path_to_pdf

            return _emit(path_to_pdf(path), out, learner)
        _emit(path_to_json(path) if fmt == Fmt.json else path_to_markdown(path), out, learner)
    _run(go)


def _emit(data: str | bytes, out: Path | None, source: Path) -> None:
    from curriculum.outputs import write_output

    if write_output(data, out, [source]):
        typer.echo(f"wrote {out}", err=True)


@app.command()
def index(rebuild: Annotated[bool, typer.Option("--rebuild", help="re-embed everything into a new index and swap it "
                                                "in atomically (repairs a damaged index)")] = False,
          kb: KbOpt = None) -> None:
    """Embed the catalogue into Chroma (incremental: only changed modules are re-embedded).

    Safe beside running plans and another index: writers take turns (exit 2 "index busy" after
    CURRICULUM_INDEX_WAIT seconds), readers keep the previous index until the new one is published."""
    def go():
        ws = _workspace(kb)
        bar, update = _progress("embedding")
        with bar:
            reports = ws.build_index(update, rebuild=rebuild)
        for r in reports:
            if r.note:
                typer.echo(f"warning: {r.note}", err=True)
            typer.echo(f"{r.collection}: +{r.added} added, ~{r.updated} updated, -{r.removed} removed, "
                       f"{r.unchanged} unchanged in {r.seconds:.1f} s")
        typer.echo(f"index: {ws.index.where()}")
    _run(go)


@app.command()
def modules(fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text, kb: KbOpt = None) -> None:
    """List the catalogue's modules."""
    def go():
        ws = _workspace(kb)
        mods = list(ws.catalogue.modules.values())
        if fmt == Fmt.json:
            typer.echo(json.dumps([m.model_dump(mode="json") for m in mods], ensure_ascii=False, indent=2))
        else:
            for m in mods:
                typer.echo(f"{m.id:45} {m.duration_hours:6g} h {m.cost_eur:8,.0f} EUR  {m.modality.value:9} {m.title}")
    _run(go)


@app.command()
def jobs(fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text, kb: KbOpt = None) -> None:
    """List the target jobs."""
    def go():
        ws = _workspace(kb)
        if fmt == Fmt.json:
            typer.echo(json.dumps([j.model_dump(mode="json") for j in ws.catalogue.jobs.values()],
                                  ensure_ascii=False, indent=2))
        else:
            for j in ws.catalogue.jobs.values():
                typer.echo(f"{j.id:48} {j.rome_code or '-':6} {j.title}")
    _run(go)


def _import(kind: str, directory: Path, kb: Path | None) -> None:
    from curriculum.knowledge import importers
    from curriculum.settings import Settings

    def go():
        if not directory.is_dir():
            raise InputError("folder not found", file=str(directory))
        bar, update = _progress(f"reading {kind}")
        with bar:
            result = (importers.import_esco if kind == "esco" else importers.import_rome)(directory, update)
        counts = importers.write_import(result, Settings.from_env(kb_dir=kb).kb_dir)
        for issue in result.issues[:50]:
            typer.echo(f"warning: {issue}", err=True)
        typer.echo(json.dumps({**counts, "issues": len(result.issues)}))
    _run(go)


@import_app.command("esco")
def import_esco(directory: Path, kb: KbOpt = None) -> None:
    """Import ESCO CSV downloads (skills, occupations, relations) as taxonomy entries and jobs."""
    _import("esco", directory, kb)


@import_app.command("rome")
def import_rome(directory: Path, kb: KbOpt = None) -> None:
    """Import ROME 4.0 CSV downloads (fiches, compétences, savoirs) as jobs and taxonomy entries."""
    _import("rome", directory, kb)


@app.command()
def ui(port: int = 8501) -> None:
    """Start the Streamlit app."""
    import subprocess

    app_path = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    raise typer.Exit(subprocess.call([sys.executable, "-m", "streamlit", "run", str(app_path),
                                      "--server.port", str(port), "--server.headless", "true",
                                      "--browser.gatherUsageStats", "false"]))


from curriculum.cli_cohort import cohort, programmes  # noqa: E402

app.command()(cohort)
app.command()(programmes)

from curriculum.cli_progress import pathway_app, progress_app  # noqa: E402

from curriculum.cli_replan import replan  # noqa: E402  (also registers progress report)

app.add_typer(pathway_app, name="pathway")
app.add_typer(progress_app, name="progress")
app.command()(replan)

from curriculum.cli_badge import badge_app  # noqa: E402

app.add_typer(badge_app, name="badge")

from curriculum.cli_territory import territory_app  # noqa: E402

app.add_typer(territory_app, name="territory")


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
