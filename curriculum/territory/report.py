"""Supply against demand, per basin and per region: :func:`basin_report`, :func:`region_report`.

A job's demand in a basin is the sum of its FAP families' BMO figures there (:mod:`curriculum.territory.demand`;
a job appears when one of its families has a row in the basin). Its supply is what the basin's centroid reaches
within the radius (:mod:`curriculum.territory.supply`). Two figures rank what needs training most:

- ``unmet_difficult``: difficult recruitment projects the reachable dated seats cannot fill —
  ``max(0, difficult − seats_reachable)`` when the standard programme is complete, all the difficult projects
  when it is not (nobody can be trained for the job within reach); withheld figures count for their published
  part only (a lower bound, flagged ``withheld``);
- ``difficult_per_seat``: difficult projects per reachable seat (None when no seat: rank those first).

A basin's ``unmet_difficult`` adds up its *families* (jobs linked by a shared FAP code, e.g. the MIG/MAG and TIG
welders share D1X33): each family's difficult projects once, against the seats of its best-supplied job (jobs of
one family share modules, so their seats are not added).
"""

from __future__ import annotations

import datetime as dt

from curriculum.geo import AREA, coordinates_problem
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job
from curriculum.retrieval.skill_mapping import SkillMapper
from curriculum.territory.demand import NONE, Basin, Demand, Figure
from curriculum.territory.supply import JobSupply, SupplyIndex, supply_index

DEFAULT_RADIUS_KM = 50.0
"""The radius (km) around a basin's centroid, as the planner's default mobility."""


def _figures(job: Job, rows: dict) -> tuple[Figure, Figure, list[dict]]:
    projects, difficult, parts = NONE, NONE, []
    for fap in job.fap_codes:
        row = rows.get(fap)
        if row is None:
            continue
        projects, difficult = projects + row.projects, difficult + row.difficult
        parts.append({"code": fap, "label": row.label, "recruitment_projects": row.projects.value,
                      "difficult_projects": row.difficult.value,
                      "withheld": row.projects.withheld or row.difficult.withheld})
    return projects, difficult, parts


def _unmet(difficult: Figure, seats: int, complete: bool) -> int:
    return max(0, difficult.known - seats) if complete else difficult.known


def _job_entry(job: Job, projects: Figure, difficult: Figure, parts: list[dict], supply: JobSupply | None,
               language: str, modules: bool) -> dict:
    title = job.title_fr if language == "fr" and job.title_fr else job.title
    entry = {"job_id": job.id, "title": title, "fap_codes": job.fap_codes, "fap": parts,
             "recruitment_projects": projects.value, "difficult_projects": difficult.value,
             "withheld": projects.withheld or difficult.withheld, "projects_withheld": projects.withheld,
             "difficult_withheld": difficult.withheld}
    if supply is None:
        return {**entry, "sessions_reachable": None, "seats_reachable": None, "skills_untaught": None,
                "certifications_untaught": None, "unmet_difficult": difficult.known, "difficult_per_seat": None}
    seats = supply.seats_reachable
    entry.update({
        "sessions_reachable": supply.sessions_reachable, "seats_reachable": seats,
        "modules_reachable": len(supply.modules), "on_demand_modules": supply.on_demand_modules,
        "hours_to_job": supply.hours_to_job, "programme_complete": supply.programme_complete,
        "programme_hours": supply.programme_hours, "programme_end": supply.programme_end,
        "programme_modules": supply.programme_modules,
        "skills_untaught": supply.skills_untaught, "certifications_untaught": supply.certifications_untaught,
        "unmet_difficult": _unmet(difficult, seats, supply.programme_complete),
        "difficult_per_seat": round(difficult.known / seats, 2) if seats and difficult.value is not None else None})
    if modules:
        entry["modules"] = [m.as_dict() for m in supply.modules]
    return entry


def _rank_key(entry: dict) -> tuple:
    ratio = entry["difficult_per_seat"]
    no_seat = not entry.get("seats_reachable") and (entry["difficult_projects"] or 0) > 0
    return (-entry["unmet_difficult"], not no_seat, -(ratio or 0), -(entry["recruitment_projects"] or 0),
            entry["job_id"])


def families(jobs: list[Job]) -> list[tuple[list[str], list[str]]]:
    """(FAP codes, job ids) of each family: jobs linked by shared FAP codes (connected components), in job order."""
    groups: list[tuple[set[str], list[str]]] = []
    for job in jobs:
        if not job.fap_codes:
            continue
        codes, ids = set(job.fap_codes), [job.id]
        for other in [g for g in groups if g[0] & codes]:
            groups.remove(other)
            codes |= other[0]
            ids = other[1] + ids
        groups.append((codes, ids))
    return [(sorted(c), ids) for c, ids in groups]


class Territory:
    """Basin and region reports over one catalogue and one demand (see the module docstring)."""

    def __init__(self, catalogue: Catalogue, mapper: SkillMapper, demand: Demand) -> None:
        self.catalogue, self.demand = catalogue, demand
        self.supply: SupplyIndex = supply_index(catalogue, mapper)
        self.families = families(list(catalogue.jobs.values()))

    def basin(self, basin: Basin, radius_km: float = DEFAULT_RADIUS_KM, start: dt.date | None = None,
              language: str = "en", modules: bool = True) -> dict:
        """One basin: ``{"basin", "radius_km", "as_of", "year", "jobs": [...], "families": [...],
        "recruitment_projects", "difficult_projects", "withheld", "projects_withheld", "difficult_withheld",
        "seats_reachable", "unmet_difficult", "warnings", "source"}``; jobs ranked
        by ``unmet_difficult``, then by no seat at all, then ``difficult_per_seat``; ``modules`` adds each job's
        reachable modules with their sessions (drill-down). Counts are recruitment projects and seats; hours in
        hours; ``radius_km`` in km."""
        start = start or dt.date.today()
        rows = self.demand.for_basin(basin.code)
        warnings: list[str] = []
        person = elig = None
        if basin.lat is None or basin.lon is None:
            warnings.append(f"basin {basin.name} ({basin.code}) has no commune in the commune table: it cannot be "
                            "placed, so the training it reaches is not computed")
        elif coordinates_problem(basin.lat, basin.lon):
            warnings.append(f"basin {basin.name} ({basin.code}) lies outside the area the planner covers ({AREA}): "
                            "the training it reaches is not computed")
        else:
            person, elig = self.supply.reach((basin.lat, basin.lon), radius_km, start, language)
        jobs, supplies = [], {}
        for job in self.catalogue.jobs.values():
            projects, difficult, parts = _figures(job, rows)
            if not parts:
                continue
            supply = self.supply.job(job, person, elig) if elig is not None else None
            supplies[job.id] = supply
            jobs.append(_job_entry(job, projects, difficult, parts, supply, language, modules))
        jobs.sort(key=_rank_key)
        fams = []
        for codes, ids in self.families:
            present = [rows[c] for c in codes if c in rows]
            if not present:
                continue
            difficult = sum((r.difficult for r in present), NONE)
            projects = sum((r.projects for r in present), NONE)
            done = [supplies[i] for i in ids if supplies.get(i) is not None and supplies[i].programme_complete]
            seats = max((s.seats_reachable for s in done), default=0)
            fams.append({"fap_codes": [r.fap for r in present], "jobs": [i for i in ids if i in supplies],
                         "recruitment_projects": projects.value, "difficult_projects": difficult.value,
                         "withheld": projects.withheld or difficult.withheld, "seats_reachable": seats,
                         "unmet_difficult": _unmet(difficult, seats, bool(done))})
        distinct = {fap: rows[fap] for codes, _ in self.families for fap in codes if fap in rows}
        projects = sum((r.projects for r in distinct.values()), NONE)
        difficult = sum((r.difficult for r in distinct.values()), NONE)
        return {"basin": basin.as_dict(), "radius_km": radius_km, "as_of": start.isoformat(), "year": self.demand.year,
                "recruitment_projects": projects.value, "difficult_projects": difficult.value,
                "withheld": projects.withheld or difficult.withheld, "projects_withheld": projects.withheld,
                "difficult_withheld": difficult.withheld, "seats_reachable": sum(f["seats_reachable"] for f in fams),
                "unmet_difficult": sum(f["unmet_difficult"] for f in fams),
                "jobs": jobs, "families": fams, "warnings": warnings, "source": self.demand.source}

    def region(self, ref: str, radius_km: float = DEFAULT_RADIUS_KM, start: dt.date | None = None,
               language: str = "en") -> dict:
        """Every basin of a region ranked by ``unmet_difficult`` (then difficult projects, then name):
        ``{"region": {"code", "name"}, "radius_km", "as_of", "basins": [{"code", "name", "lat", "lon",
        "recruitment_projects", "difficult_projects", "withheld", "projects_withheld", "difficult_withheld",
        "seats_reachable", "unmet_difficult", "jobs":
        [{"job_id", "title", "recruitment_projects", "difficult_projects", "withheld", "seats_reachable",
        "unmet_difficult"}], "warnings"}], "source"}``.

        Raises
        ------
        InputError
            Unknown region (field ``--region``).
        """
        code, name, basins = self.demand.region(ref)
        out = []
        for basin in basins:
            report = self.basin(basin, radius_km, start, language, modules=False)
            out.append({**{k: report["basin"][k] for k in ("code", "name", "lat", "lon")},
                        **{k: report[k] for k in ("recruitment_projects", "difficult_projects", "withheld",
                                                  "projects_withheld", "difficult_withheld", "seats_reachable",
                                                  "unmet_difficult", "warnings")},
                        "jobs": [{k: j[k] for k in ("job_id", "title", "recruitment_projects", "difficult_projects",
                                                    "withheld", "seats_reachable", "unmet_difficult")}
                                 for j in report["jobs"]]})
        out.sort(key=lambda b: (-b["unmet_difficult"], -(b["difficult_projects"] or 0), b["name"]))
        return {"region": {"code": code, "name": name}, "radius_km": radius_km,
                "as_of": (start or dt.date.today()).isoformat(), "year": self.demand.year, "basins": out,
                "source": self.demand.source}
