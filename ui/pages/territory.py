"""Territory page (regions, companies, training bodies): BMO recruitment demand by employment basin against the
training each basin can reach.

Thin page over :class:`curriculum.territory.report.Territory` (the demand is the imported BMO file, else the
extract shipped with the package: :func:`curriculum.territory.demand.load_demand`): a region, a radius and a date;
the map of the region's basins (offline, :mod:`ui.components.territory_view`), their ranking, and the drill-down
from a basin to its jobs and from a job to the modules and sessions it reaches. The region's report is kept in
``st.session_state["territory"]`` per (region, radius, date, language) so that picking a basin never recomputes it.
"""

from __future__ import annotations

import streamlit as st

from curriculum.errors import CurriculumError
from curriculum.progress.clock import today
from curriculum.territory.demand import load_demand
from curriculum.territory.report import DEFAULT_RADIUS_KM, Territory
from ui.components.territory_view import basin_map, figure, jobs_table, modules_table, rank_table, untaught_lines
from ui.i18n import lang, language_switch, t
from ui.services import workspace

DEFAULT_REGION = "32"  # Hauts-de-France: Douai, Dunkerque


def _region_report(view: Territory, code: str, radius: float, as_of, language: str) -> dict:
    key = (code, radius, as_of, language, view.demand.origin, view.demand.year)
    kept = st.session_state.get("territory")
    if kept is None or kept[0] != key:
        kept = (key, view.region(code, radius, as_of, language))
        st.session_state["territory"] = kept
    return kept[1]


def main() -> None:
    language_switch()
    st.title(t("terr_title"))
    st.caption(t("terr_intro"))
    try:
        ws = workspace()
        demand = load_demand(ws.settings.data_dir)
        view = Territory(ws.catalogue, ws.mapper(False), demand)
        regions = dict(sorted({(b.region_code, b.region) for b in demand.basins.values()}, key=lambda r: r[1]))
        left, middle, right = st.columns(3)
        code = left.selectbox(t("terr_region"), list(regions), format_func=regions.get, key="terr_region",
                              index=list(regions).index(DEFAULT_REGION) if DEFAULT_REGION in regions else 0)
        radius = middle.slider(t("terr_radius"), 10, 150, int(DEFAULT_RADIUS_KM), step=5, key="terr_radius")
        as_of = right.date_input(t("terr_as_of"), today(), key="terr_as_of",
                                 format="DD/MM/YYYY" if lang() == "fr" else "YYYY-MM-DD")
        language = lang()
        region = _region_report(view, code, float(radius), as_of, language)
        st.subheader(t("terr_h_map"))
        st.altair_chart(basin_map(region))
        st.caption(t("terr_map_caption"))
        st.subheader(t("terr_h_rank"))
        st.dataframe(rank_table(region), hide_index=True)
        st.caption(t("terr_rank_caption"))
        st.subheader(t("terr_h_basin"))
        names = {b["code"]: f"{k}. {b['name']}" for k, b in enumerate(region["basins"], start=1)}
        picked = st.selectbox(t("terr_pick_basin"), list(names), format_func=names.get, key="terr_basin")
        if picked is None:
            return
        report = view.basin(demand.basins[picked], float(radius), as_of, language)
        st.markdown(t("terr_basin_summary", name=report["basin"]["name"],
                      projects=figure(report["recruitment_projects"], report["projects_withheld"]),
                      difficult=figure(report["difficult_projects"], report["difficult_withheld"]),
                      unmet=report["unmet_difficult"]))
        for warning in report["warnings"]:
            st.warning(t("terr_warning", text=warning))
        if not report["jobs"]:
            st.info(t("terr_no_demand"))
        else:
            st.dataframe(jobs_table(report), hide_index=True)
            st.caption(t("terr_jobs_caption"))
            lines = untaught_lines(report)
            if lines:
                with st.expander(t("terr_h_untaught", km=radius), expanded=len(lines) <= 3):
                    st.markdown("\n".join(f"- {line}" for line in lines))
            st.subheader(t("terr_h_modules"))
            jobs = {j["job_id"]: j for j in report["jobs"]}
            job = st.selectbox(t("terr_pick_job"), list(jobs), format_func=lambda i: jobs[i]["title"], key="terr_job")
            if job is not None and jobs[job].get("modules"):
                st.dataframe(modules_table(jobs[job]), hide_index=True)
            else:
                st.info(t("terr_no_module"))
        st.caption(report["source"])
    except CurriculumError as exc:
        st.error(t("terr_error", error=exc))


main()
