"""The territory page's map and tables, from the reports of :class:`curriculum.territory.report.Territory`.

Presentation only. The map is an Altair (Vega-Lite) chart of the basins' centroids over the shipped commune
centroids, as :mod:`ui.components.map_view` draws a path's places: no tile server, it renders offline. Figures
withheld by statistical secrecy are shown as such (``≥ n`` when only a part is), never as 0. Units: km, hours.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from curriculum import i18n
from ui.components.map_view import BACKGROUND_COLOUR, background
from ui.i18n import lang, t


def figure(value: int | None, withheld: bool) -> str:
    """A BMO count as shown: ``146``, ``≥ 37`` (part withheld), or the word for withheld."""
    if value is None:
        return t("terr_withheld") if withheld else "–"
    return f"≥ {value}" if withheld else str(value)


def map_points(region: dict) -> list[dict]:
    """One row per placed basin of a region report: ``name``, ``lat``, ``lon``, ``difficult`` (published part),
    ``unmet``, ``rank`` (1 = most unmet), and the texts of its tooltip."""
    rows = []
    for k, b in enumerate(region["basins"], start=1):
        if b["lat"] is None or b["lon"] is None:
            continue
        rows.append({"name": b["name"], "lat": b["lat"], "lon": b["lon"], "rank": k,
                     "difficult": b["difficult_projects"] or 0, "unmet": b["unmet_difficult"],
                     "projects_text": figure(b["recruitment_projects"], b["projects_withheld"]),
                     "difficult_text": figure(b["difficult_projects"], b["difficult_withheld"]),
                     "seats": b["seats_reachable"], "label": f"{k}. {b['name']}"})
    return rows


def basin_map(region: dict, labelled: int = 8) -> alt.LayerChart:
    """Basins as discs (area ∝ difficult projects, colour = difficult projects not covered) over the communes;
    the ``labelled`` first-ranked basins named."""
    points = map_points(region)
    df = pd.DataFrame(points)
    lat, lon = alt.Latitude("lat:Q"), alt.Longitude("lon:Q")
    dots = alt.Chart(background(points)).mark_circle(size=7, color=BACKGROUND_COLOUR, opacity=0.7).encode(
        latitude=lat, longitude=lon)
    tooltip = [alt.Tooltip("name:N", title=t("col_basin")), alt.Tooltip("rank:Q", title=t("col_rank")),
               alt.Tooltip("projects_text:N", title=t("col_projects")),
               alt.Tooltip("difficult_text:N", title=t("col_difficult")),
               alt.Tooltip("seats:Q", title=t("col_seats")), alt.Tooltip("unmet:Q", title=t("col_unmet"))]
    discs = alt.Chart(df).mark_circle(opacity=0.85, stroke="white", strokeWidth=1).encode(
        latitude=lat, longitude=lon,
        size=alt.Size("difficult:Q", title=t("terr_legend_difficult"), scale=alt.Scale(range=[40, 1600]),
                      legend=alt.Legend(orient="bottom")),
        color=alt.Color("unmet:Q", title=t("terr_legend_unmet"), scale=alt.Scale(scheme="orangered"),
                        legend=alt.Legend(orient="bottom")),
        tooltip=tooltip)
    names = alt.Chart(df[df["rank"] <= labelled]).mark_text(dy=-14, fontSize=11, fontWeight="bold").encode(
        latitude=lat, longitude=lon, text="label:N")
    return alt.layer(dots, discs, names).project(type="mercator").properties(height=460)


def rank_table(region: dict) -> pd.DataFrame:
    """The region's basins in rank order, as shown."""
    return pd.DataFrame([{
        t("col_rank"): k, t("col_basin"): f"{b['name']} ({b['code']})",
        t("col_projects"): figure(b["recruitment_projects"], b["projects_withheld"]),
        t("col_difficult"): figure(b["difficult_projects"], b["difficult_withheld"]),
        t("col_seats"): b["seats_reachable"], t("col_unmet"): b["unmet_difficult"],
        t("col_top_job"): _top_job(b)} for k, b in enumerate(region["basins"], start=1)])


def _top_job(basin: dict) -> str:
    jobs = [j for j in basin["jobs"] if j["unmet_difficult"] > 0]
    return max(jobs, key=lambda j: j["unmet_difficult"])["title"] if jobs else "–"


def jobs_table(report: dict) -> pd.DataFrame:
    """A basin's jobs in rank order: demand, reachable sessions and seats, hours to the job, what is not covered."""
    rows = []
    for j in report["jobs"]:
        complete = j.get("programme_complete", False)
        hours = i18n.hours(j["hours_to_job"], lang()) if complete and j.get("hours_to_job") else t("terr_incomplete")
        rows.append({
            t("col_job"): j["title"], t("col_fap"): ", ".join(f["code"] for f in j["fap"]),
            t("col_projects"): figure(j["recruitment_projects"], j["projects_withheld"]),
            t("col_difficult"): figure(j["difficult_projects"], j["difficult_withheld"]),
            t("col_sessions"): j["sessions_reachable"], t("col_seats"): j["seats_reachable"],
            t("col_on_demand"): j.get("on_demand_modules"), t("col_terr_hours"): hours,
            t("col_unmet"): j["unmet_difficult"],
            t("col_per_seat"): "–" if j["difficult_per_seat"] is None else f"{j['difficult_per_seat']:g}"})
    return pd.DataFrame(rows)


def untaught_lines(report: dict) -> list[str]:
    """One line per job with skills or mandatory certifications no reachable module teaches."""
    out = []
    for j in report["jobs"]:
        items = [t("terr_level", label=s["label"], level=s["required_level"]) for s in j["skills_untaught"] or []]
        items += [t("terr_cert", code=c) for c in j["certifications_untaught"] or []]
        if items:
            out.append(f"**{j['title']}**{' :' if lang() == 'fr' else ':'} " + "; ".join(items))
    return out


def modules_table(job: dict) -> pd.DataFrame:
    """A job's reachable training: each module, where, whether in the programme, its reachable sessions."""
    language = lang()
    rows = []
    for m in job.get("modules", []):
        where = m["place"] or (t("terr_online") if m["modality"] == "online" else t("terr_workplace"))
        sessions = "; ".join(f"{i18n.date(s['start'], language)} {s['place'] or ''}".strip()
                             + f" ({t('terr_seats_n', n=s['seats'])})" for s in m["sessions"])
        rows.append({t("col_terr_module"): m["title"], t("col_where"): where,
                     t("col_km"): "" if m["distance_km"] is None else i18n.km(m["distance_km"], language),
                     t("col_programme"): t("yes_short") if m["in_programme"] else t("no_short"),
                     t("col_counted"): t("yes_short") if m["counted"] else t("no_short"),
                     t("col_on_demand"): t("yes_short") if m["on_demand"] else t("no_short"),
                     t("col_terr_dates"): sessions, t("col_seats"): m["seats"]})
    return pd.DataFrame(rows)
