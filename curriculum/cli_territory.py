"""``curriculum territory``: recruitment demand by employment basin against the training each basin reaches.

``curriculum territory --basin NAME_OR_CODE [--radius-km N] --format json|text`` reports one basin,
``curriculum territory --region NAME`` ranks a region's basins, ``curriculum territory import-bmo FILE.xlsx`` imports
France Travail's BMO workbook into the data directory (it then wins over the extract shipped with the package).
A thin layer over :mod:`curriculum.territory`. Exit codes as the rest of the CLI: 2 on bad input (an unknown
basin or region, an unreadable workbook: naming the file, row and column), 1 internal failure.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.errors import InputError

KbOpt = Annotated[Optional[Path], typer.Option("--kb", help="knowledge base folder (default: shipped)")]
territory_app = typer.Typer(rich_markup_mode=None, add_completion=False,
                            help="The territory's training map: BMO recruitment demand by employment basin against "
                                 "the training each basin can reach. Use --basin or --region, or import-bmo.")


class TerritoryFmt(str, Enum):
    json = "json"
    text = "text"


@territory_app.callback(invoke_without_command=True)
def territory(ctx: typer.Context,
              basin: Annotated[Optional[str], typer.Option("--basin", help="basin name or code (Douai, 3220)")] = None,
              region: Annotated[Optional[str], typer.Option("--region", help="region name or INSEE code "
                                                                              "(Hauts-de-France, 32)")] = None,
              radius_km: Annotated[float, typer.Option("--radius-km", min=0, max=2000,
                                                       help="km around the basin's centroid")] = 50.0,
              fmt: Annotated[TerritoryFmt, typer.Option("--format", "-f", help="text|json")] = TerritoryFmt.text,
              as_of: Annotated[Optional[str], typer.Option(
                  "--as-of", metavar="DATE",
                  help="count sessions starting from this day (default: today, or CURRICULUM_TODAY)")] = None,
              modules: Annotated[bool, typer.Option("--modules", help="text: list each job's reachable modules "
                                                    "and sessions (JSON always has them)")] = False,
              kb: KbOpt = None) -> None:
    """Supply against demand for a basin (--basin) or every basin of a region (--region)."""
    if ctx.invoked_subcommand is not None:
        return
    from curriculum.cli import _run, _workspace

    def go() -> None:
        if (basin is None) == (region is None):
            raise InputError("give --basin NAME_OR_CODE or --region NAME (one of them), or a subcommand such as "
                             "import-bmo", field="--basin")
        start = _date(as_of)
        from curriculum.territory.demand import load_demand
        from curriculum.territory.report import Territory
        from curriculum.territory.text import basin_text, region_text

        ws = _workspace(kb)
        demand = load_demand(ws.settings.data_dir)
        view = Territory(ws.catalogue, ws.mapper(False), demand)
        if basin is not None:
            report = view.basin(demand.basin(basin), radius_km, start)
            text = basin_text(report, modules) if fmt == TerritoryFmt.text else None
        else:
            report = view.region(region, radius_km, start)  # type: ignore[arg-type]
            text = region_text(report) if fmt == TerritoryFmt.text else None
        typer.echo(text if text is not None else json.dumps(report, ensure_ascii=False, indent=2))
    _run(go)


def _date(text: str | None) -> dt.date:
    if text is None:
        from curriculum.progress.clock import today

        return today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {text!r}", field="--as-of") from None


@territory_app.command("import-bmo")
def import_bmo(file: Annotated[Path, typer.Argument(help="BMO open-data workbook (Base_open_data_BMO_<year>.xlsx)")],
               communes: Annotated[Optional[Path], typer.Option("--communes", help="bassin_emploi_communes.csv "
                                                                "(default: the package's commune table)")] = None,
               geo: Annotated[Optional[Path], typer.Option("--geo", help="communes_geopoint.csv (default: the "
                                                           "package's commune centroids)")] = None,
               kb: KbOpt = None) -> None:
    """Import France Travail's BMO workbook for the catalogue's jobs' FAP families into the data directory."""
    from curriculum.cli import _run

    def go() -> None:
        from curriculum.knowledge.catalogue import load_catalogue
        from curriculum.settings import Settings
        from curriculum.territory.bmo import read_bmo
        from curriculum.territory.demand import FOLDER, write_demand

        settings = Settings.from_env(kb_dir=kb)
        codes = sorted({c for j in load_catalogue(settings.kb_dir).jobs.values() for c in j.fap_codes})
        if not codes:
            raise InputError("no job of the knowledge base has fap_codes: nothing to import", file=str(settings.kb_dir),
                             field="fap_codes")
        demand = read_bmo(file, codes, communes=communes, geo=geo)
        missing = sorted(set(codes) - {fap for _, fap in demand.rows})
        folder = settings.data_dir / FOLDER
        write_demand(demand, folder, written=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        placed = sum(b.lat is not None for b in demand.basins.values())
        withheld = sum(r.projects.withheld or r.difficult.withheld for r in demand.rows.values())
        typer.echo(f"BMO {demand.year}: {len(demand.basins)} basins ({placed} placed), {len(demand.rows)} basin × "
                   f"family rows for {len(codes)} FAP codes ({', '.join(codes)}), {withheld} with a withheld figure; "
                   f"wrote {folder} (used instead of the shipped extract)")
        if missing:
            typer.echo(f"warning: no row for {', '.join(missing)} in {file}: those jobs show no demand", err=True)
    _run(go)


@territory_app.command("open-sessions")
def open_sessions(region: Annotated[str, typer.Option("--region", help="region name or INSEE code")],
                  sessions: Annotated[int, typer.Option("--sessions", "-n", min=1, max=50,
                                                        help="how many sessions may be opened")],
                  radius_km: Annotated[float, typer.Option("--radius-km", min=0, max=2000,
                                                           help="km a session reaches around its basin")] = 50.0,
                  seats: Annotated[int, typer.Option("--seats", min=1, help="seats per session")] = 12,
                  session_cost_eur: Annotated[Optional[float], typer.Option(
                      "--session-cost-eur", min=0, help="cost of a session, EUR (default: the module's price per "
                      "learner × seats)")] = None,
                  budget_eur: Annotated[Optional[float], typer.Option("--budget-eur", min=0,
                                                                      help="most the sessions may cost, EUR")] = None,
                  quarters: Annotated[int, typer.Option("--quarters", min=1, max=8,
                                                        help="quarters ahead: sessions of a module per basin")] = 4,
                  time_limit: Annotated[float, typer.Option("--time-limit", min=1, help="seconds per solve")] = 120.0,
                  fmt: Annotated[TerritoryFmt, typer.Option("--format", "-f", help="text|json")] = TerritoryFmt.text,
                  as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE",
                                                               help="count sessions from this day")] = None,
                  kb: KbOpt = None) -> None:
    """What-if: the N sessions (module, basin, quarter) covering the most difficult recruitment projects (CP-SAT)."""
    from curriculum.cli import _run, _workspace

    def go() -> None:
        from curriculum.territory.demand import load_demand
        from curriculum.territory.open_sessions import build_problem, prune, result, solve
        from curriculum.territory.report import Territory
        from curriculum.territory.text import open_sessions_text

        ws = _workspace(kb)
        view = Territory(ws.catalogue, ws.mapper(False), load_demand(ws.settings.data_dir))
        problem = build_problem(view, region, radius_km, _date(as_of), seats=seats, session_cost_eur=session_cost_eur,
                                quarters=quarters)
        problem = prune(problem, sessions)
        answer = result(problem, solve(problem, sessions, budget_eur=budget_eur, time_limit=time_limit), sessions)
        typer.echo(open_sessions_text(answer) if fmt == TerritoryFmt.text
                   else json.dumps(answer, ensure_ascii=False, indent=2))
    _run(go)
