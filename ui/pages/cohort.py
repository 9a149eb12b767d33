"""Cohort programme page (training managers): read a cohort file, set the programme, plan, export, save.

Thin page: reading is :func:`curriculum.cohort.io.read_cohort` / :func:`~curriculum.cohort.io.load_programme_settings`,
planning is :func:`curriculum.cohort.planner.plan_cohort`, exports are :mod:`curriculum.cohort.export`,
saving and reopening is :class:`curriculum.cohort.store.ProgrammeStore`. The shown programme is kept in
``st.session_state["cohort"]`` (programme, settings, members) so reruns never re-plan. At the end, the follow-up
of the pathways saved per cohort (:mod:`ui.components.followup_view`, in the sidebar's language). Every CSV/XLSX
download comes from those exports (text cells neutralised against formula injection); CSV is offered
plain (``,``, UTF-8) and as "CSV (Excel FR)" (``;``, UTF-8 with BOM, decimal comma).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from curriculum.cohort.export import programme_to_csv, programme_to_ics, programme_to_xlsx
from curriculum.cohort.io import load_programme_settings, read_cohort, template_csv
from curriculum.cohort.models import ProgrammeSettings
from curriculum.cohort.planner import plan_cohort
from curriculum.errors import CurriculumError, InputError
from curriculum.settings import REPO_ROOT
from ui.components.cohort_view import render_programme
from ui.components.followup_view import render_followup
from ui.i18n import language_switch
from ui.services import programme_store, workspace

SAMPLE_DIR = REPO_ROOT / "examples" / "cohort"
SAMPLE_SETTINGS = SAMPLE_DIR / "settings.yaml"
SAMPLES = {"sample": SAMPLE_DIR / "cohort-25.csv", "sample_broken": SAMPLE_DIR / "cohort-broken.csv"}
SOURCES = {"upload": "Upload a cohort file (CSV or XLSX)", "sample": "Use the sample cohort (25 people)",
           "sample_broken": "Use the sample with bad rows (row errors demo)"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def base_settings() -> tuple[ProgrammeSettings, str]:
    """Settings to start from: an uploaded settings YAML, else the sample's. Raises :class:`InputError`."""
    uploaded = st.session_state.get("settings_file")
    if uploaded is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / uploaded.name
            path.write_bytes(uploaded.getvalue())
            return load_programme_settings(path), uploaded.name
    return load_programme_settings(SAMPLE_SETTINGS), SAMPLE_SETTINGS.name


def seed_form(base: ProgrammeSettings, origin: str) -> None:
    """Prefill the settings form whenever its origin changes (first run, new settings file)."""
    if st.session_state.get("_settings_origin") == origin:
        return
    st.session_state["_settings_origin"] = origin
    st.session_state.update({
        "set_name": base.name, "set_start": base.start, "set_end": base.end,
        "set_budget": float(base.budget_per_head_eur or 0.0), "set_group_min": base.group_min,
        "set_group_max": base.group_max})


def form_settings(base: ProgrammeSettings) -> ProgrammeSettings:
    """The base settings with the form's values. Raises ``ValidationError``."""
    s = st.session_state
    return ProgrammeSettings.model_validate({
        **base.model_dump(), "name": (s["set_name"] or "cohort").strip(), "start": s["set_start"],
        "end": s["set_end"], "budget_per_head_eur": s["set_budget"] or None,
        "group_min": s["set_group_min"], "group_max": s["set_group_max"]})


def read_members(catalogue, cache_dir: str, settings: ProgrammeSettings):
    """(members, row errors, file name) of the chosen source. Raises :class:`InputError`."""
    sample = SAMPLES.get(st.session_state.get("cohort_source", "upload"))
    if sample is not None:
        members, errors = read_cohort(sample, catalogue, cache_dir=cache_dir, default_job=settings.default_target_job)
        return members, errors, sample.name
    uploaded = st.session_state.get("cohort_file")
    if uploaded is None:
        raise InputError("no cohort file: upload a CSV or XLSX (or use the sample cohort)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / uploaded.name
        path.write_bytes(uploaded.getvalue())
        members, errors = read_cohort(path, catalogue, cache_dir=cache_dir, default_job=settings.default_target_job)
    for e in errors:  # name the uploaded file, not the temporary copy
        e.file = uploaded.name
    return members, errors, uploaded.name


def plan() -> None:
    """Read the cohort, plan it and keep the result (or show why not)."""
    st.session_state.pop("cohort", None)
    ws = workspace()
    try:
        base, _ = base_settings()
        settings = form_settings(base)
        members, errors, name = read_members(ws.catalogue, str(ws.settings.data_dir), settings)
        with st.spinner(f"Planning {len(members)} people…"):
            programme = plan_cohort(ws, members, settings, errors=errors, file=name)
    except ValidationError as exc:
        e = exc.errors()[0]
        st.error(f"settings: {'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}")
        return
    except CurriculumError as exc:
        st.error(str(exc))
        return
    if not programme.members:
        st.error(f"no member could be planned ({len(programme.errors)} rejected rows)")
    st.session_state["cohort"] = {"programme": programme, "settings": settings, "members": members,
                                  "origin": f"planned from {name}"}


def reopen() -> None:
    """Load the saved version picked in the selectbox (callback: runs before the page is drawn)."""
    choice = st.session_state.get("reopen_choice")
    if not choice:
        return
    name, version = choice
    try:
        stored = programme_store().load(name, version)
    except CurriculumError as exc:
        st.session_state["cohort_error"] = str(exc)
        return
    st.session_state["cohort"] = {"programme": stored.programme, "settings": stored.settings,
                                  "members": stored.members,
                                  "origin": f"reopened {stored.name} version {stored.version} "
                                            f"(saved {stored.created_at:%Y-%m-%d %H:%M} UTC)"}


def save() -> None:
    """Save the shown programme as a new version of the name typed (callback, so that the list of
    saved programmes drawn next already holds it)."""
    kept = st.session_state.get("cohort")
    name = (st.session_state.get("save_name") or "").strip()
    if kept is None or not name:
        st.session_state["cohort_error"] = "give the programme a name"
        return
    try:
        version = programme_store().save(name, kept["programme"], kept["settings"], kept["members"])
    except CurriculumError as exc:
        st.session_state["cohort_error"] = str(exc)
        return
    st.session_state["save_message"] = f"Saved {name!r} version {version}."


language_switch()  # the language of the pathway follow-up (the rest of the page is in English)
st.title("Cohort programme")
try:
    catalogue = workspace().catalogue
    base, origin = base_settings()
except CurriculumError as exc:
    st.error(str(exc))
    st.stop()

TEMPLATE_HELP = ("Columns: id, name, company, site, city, postcode, hours_per_week, target_job, mobility_km, "
                 "skills ('label:level; …'), certifications, budget_eur. Numbers may be written 7,5 or 1 234,5.")
t1, t2, _ = st.columns([1, 1, 2])
t1.download_button("Download the cohort template (CSV)", template_csv(), file_name="cohort-template.csv",
                   mime="text/csv", key="download_template", on_click="ignore", help=TEMPLATE_HELP)
t2.download_button("Cohort template (CSV Excel FR)", template_csv(dialect="excel-fr"),
                   file_name="cohort-template-excel-fr.csv", mime="text/csv", key="download_template_fr",
                   on_click="ignore", help=TEMPLATE_HELP + " Opens in columns in French Excel (';', UTF-8 BOM).")
st.selectbox("Cohort", list(SOURCES), format_func=SOURCES.get, key="cohort_source")
if st.session_state["cohort_source"] == "upload":
    st.file_uploader("Cohort file", type=["csv", "xlsx"], key="cohort_file")
st.file_uploader("Programme settings (YAML, optional; default: the sample settings)", type=["yaml", "yml"],
                 key="settings_file")

seed_form(base, origin)
with st.form("settings_form"):
    st.markdown(f"**Programme settings** (from `{origin}`; training sites: "
                f"{', '.join(s.name for s in base.training_sites) or 'the modules’ own places'})")
    st.text_input("Programme name", key="set_name")
    c1, c2, c3 = st.columns(3)
    c1.date_input("Start", key="set_start", min_value=dt.date(2000, 1, 1))
    c2.date_input("End", key="set_end", min_value=dt.date(2000, 1, 1))
    c3.number_input("Budget per head (EUR, 0 = no cap)", min_value=0.0, step=500.0, key="set_budget")
    c1.number_input("Group min (people)", min_value=2, max_value=100, step=1, key="set_group_min")
    c2.number_input("Group max (people)", min_value=2, max_value=100, step=1, key="set_group_max")
    submitted = st.form_submit_button("Plan cohort", type="primary", key="plan_cohort_button")
if submitted:
    plan()

# ---- saved programmes
saved = programme_store().list()
if saved:
    st.selectbox("Reopen a saved programme", [(r["name"], r["version"]) for r in reversed(saved)], index=None,
                 key="reopen_choice", on_change=reopen, placeholder="Saved programmes (latest first)",
                 format_func=lambda c: next(f"{r['name']} — version {r['version']} ({r['members']} people, "
                                            f"{r['created_at'][:16].replace('T', ' ')} UTC)"
                                            for r in saved if (r["name"], r["version"]) == tuple(c)))
if st.session_state.get("cohort_error"):
    st.error(st.session_state.pop("cohort_error"))

kept = st.session_state.get("cohort")
if kept is not None:
    programme = kept["programme"]
    st.caption(kept["origin"])
    companies = sorted({m.company for m in programme.members if m.company})
    if len(companies) > 1:
        view = st.selectbox("View", ["All companies", *companies], key="company_view")
        if view != "All companies":
            programme = programme.for_company(view)

    slug = "".join(c if c.isalnum() else "-" for c in programme.name.lower()).strip("-") or "cohort"
    d1, d2, d3, d4, _ = st.columns([1, 1, 1, 1, 2])
    d1.download_button("Download XLSX", programme_to_xlsx(programme), file_name=f"{slug}.xlsx", mime=XLSX_MIME,
                       key="download_xlsx", on_click="ignore")
    d2.download_button("Download CSV", programme_to_csv(programme), file_name=f"{slug}.csv", mime="text/csv",
                       key="download_csv", on_click="ignore", help="comma-separated, UTF-8")
    d3.download_button("CSV (Excel FR)", programme_to_csv(programme, dialect="excel-fr"),
                       file_name=f"{slug}-excel-fr.csv", mime="text/csv", key="download_csv_fr", on_click="ignore",
                       help="for French Excel: ';' separated, UTF-8 with BOM, decimal comma")
    d4.download_button("Download calendar (ICS)", programme_to_ics(programme), file_name=f"{slug}.ics",
                       mime="text/calendar", key="download_cohort_ics", on_click="ignore")

    s1, s2 = st.columns([3, 1])
    s1.text_input("Save as", value=kept["settings"].name, key="save_name")
    s2.button("Save programme", key="save_button", on_click=save)
    if st.session_state.get("save_message"):
        st.success(st.session_state.pop("save_message"))
    render_programme(programme, catalogue)

st.divider()
render_followup(catalogue)
