"""Learner pathway page: read a profile (YAML or form), pick a target job, plan, show, download.

Thin page: validation is :func:`curriculum.learners.parse_learner`, planning is
:meth:`curriculum.services.Workspace.plan` (or :meth:`~curriculum.services.Workspace.alternatives` when
alternatives are asked for) with the profile's choices replaced by the "Modules and calendar" inputs
(:mod:`ui.components.choices_view`; a step's "Keep" / "Refuse" button plans again), relaxations are applied with
:func:`curriculum.planner.relaxations.relaxation_profile` and planned again, exports are
:mod:`curriculum.exports` (the same strings ``curriculum plan --format json|markdown`` prints; ICS and
PDF when available). The shown plan is kept in ``st.session_state["plan"]`` (alternatives in
``"plan_options"``) so reruns (downloads, widget changes) never re-plan.

In form mode, skills can be proposed from a CV or a description
(:func:`curriculum.generation.profile_extraction.extract_profile`); the proposal is kept in
``st.session_state["extracted"]`` and reaches the form only when the user clicks "Use these skills".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
import yaml

from curriculum.errors import CurriculumError, InputError
from curriculum.exports import path_to_json, path_to_markdown
from curriculum.generation.profile_extraction import extract_profile, read_document

try:  # optional exports (iCalendar, PDF): the buttons are hidden when the modules are missing
    from curriculum.exports.ics import path_to_ics
except ImportError:  # pragma: no cover - depends on the installed package
    path_to_ics = None  # type: ignore[assignment]
try:
    from curriculum.exports.pdf import path_to_pdf
except ImportError:  # pragma: no cover
    path_to_pdf = None  # type: ignore[assignment]
from curriculum.learners import parse_learner
from curriculum.models import LearnerProfile, LearningPath
from curriculum.planner.relaxations import relaxation_profile
from ui.components.calendar_view import render_calendar, render_prior_learning
from ui.components.choices_view import choice_inputs, chosen_profile, render_step_choices, sync_from_profile
from ui.components.path_view import render_path
from ui.components.profile_extraction_view import (
    kept_rows,
    merge_certifications,
    merge_skills,
    proposal_table,
    render_proposal,
)
from ui.services import workspace

MODALITIES = ["in_person", "online", "blended", "workplace"]
SOURCES = {"yaml": "Upload or paste a YAML profile", "form": "Fill a form"}
DOCUMENT_TYPES = ["txt", "md", "pdf", "docx"]


def profile_text() -> tuple[str, str] | None:
    """(YAML text, name used in error messages) of the chosen source, or None when nothing is given."""
    if st.session_state.get("profile_source", "yaml") == "form":
        return form_yaml(), "form"
    uploaded = st.session_state.get("learner_yaml_file")
    if uploaded is not None:
        try:
            return uploaded.getvalue().decode("utf-8"), uploaded.name
        except UnicodeDecodeError:
            raise InputError("cannot read file: not UTF-8 text", file=uploaded.name) from None
    text = st.session_state.get("learner_yaml_text") or ""
    return (text, "pasted YAML") if text.strip() else None


def form_yaml() -> str:
    """The form's values as a learner-profile YAML document (validated later by ``parse_learner``)."""
    s = st.session_state
    skills = []
    table = s.get("_skills_value")
    if isinstance(table, pd.DataFrame):
        for row in table.to_dict("records"):
            label = str(row.get("label") or "").strip()
            if not label:
                continue
            item: dict = {"label": label}
            if pd.notna(row.get("level")):
                item["level"] = int(row["level"])
            skills.append(item)
    location = {k: v.strip() for k in ("city", "postcode") if (v := s.get(f"form_{k}") or "").strip()}
    data = {
        "id": (s.get("form_id") or "").strip(), "language": s.get("form_language", "fr"),
        "location": location, "mobility_km": s.get("form_mobility_km"),
        "hours_per_week": s.get("form_hours_per_week"),
        "start": s.get("form_start"), "deadline": s.get("form_deadline"),
        "budget_eur": s.get("form_budget_eur"),
        "preferred_modalities": list(s.get("form_modalities") or []),
        "skills": skills,
        "certifications": [c.strip() for c in (s.get("form_certifications") or "").split(",") if c.strip()],
        "background": s.get("form_background") or "",
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def read_profile() -> tuple[LearnerProfile, str]:
    """The validated profile, its choices replaced by the "Modules and calendar" inputs, and its source
    name. Raises :class:`InputError`."""
    given = profile_text()
    if given is None:
        raise InputError("no learner profile: upload a YAML file, paste one, or fill the form")
    text, name = given
    return chosen_profile(parse_learner(text, file=name), workspace().catalogue), name


def yaml_inputs() -> None:
    st.file_uploader("Learner profile (YAML)", type=["yaml", "yml"], key="learner_yaml_file")
    st.text_area("or paste the YAML", key="learner_yaml_text", height=220,
                 placeholder="id: L01\nlocation: {city: Douai, postcode: '59500'}\nhours_per_week: 8\n…")


def extract_skills() -> None:
    """Propose skills from the uploaded document and/or the pasted text (callback of "Extract skills")."""
    s = st.session_state
    for k in ("extracted", "extract_error", "extract_applied", "extracted_skills", "_extracted_value"):
        s.pop(k, None)
    try:
        parts = []
        uploaded = s.get("cv_file")
        if uploaded is not None:
            parts.append(read_document(uploaded.name, data=uploaded.getvalue()))
        if (s.get("cv_text") or "").strip():
            parts.append(s["cv_text"])
        if not any(p.strip() for p in parts):
            raise InputError("nothing to read: paste a text or upload a document with some text")
        profile = extract_profile("\n\n".join(parts), workspace().catalogue.taxonomy, s.get("form_language", "fr"))
    except CurriculumError as exc:
        s["extract_error"] = str(exc)
        return
    s["extracted"] = {"table": proposal_table(profile), "certifications": list(profile.certifications)}


def use_extracted() -> None:
    """Append the kept proposed skills and the certifications to the form (callback of "Use these skills")."""
    s = st.session_state
    extracted = s.get("extracted")
    if not extracted:
        return
    rows = kept_rows(s.get("_extracted_value", extracted["table"]))
    s["_skills_base"] = merge_skills(s.get("_skills_value"), rows)
    s.pop("form_skills", None)  # the editor restarts from the merged table
    s["form_certifications"] = merge_certifications(s.get("form_certifications") or "", extracted["certifications"])
    s["extract_applied"] = f"Added {len(rows)} skill(s) and {len(extracted['certifications'])} certification(s)."
    for k in ("extracted", "extracted_skills", "_extracted_value"):
        s.pop(k, None)


def extraction_inputs() -> None:
    """The "Fill skills from a CV or a description" expander: input, proposal, confirmation."""
    s = st.session_state
    with st.expander("Fill skills from a CV or a description"):
        st.text_area("Paste a CV, a self-description or past job descriptions", key="cv_text", height=150)
        st.file_uploader("or upload a document", type=DOCUMENT_TYPES, key="cv_file")
        st.button("Extract skills", key="extract_button", on_click=extract_skills)
        if s.get("extract_error"):
            st.error(s["extract_error"])
        if s.get("extract_applied"):
            st.success(s["extract_applied"])
        extracted = s.get("extracted")
        if extracted:
            st.caption("Proposed from the text: untick what does not apply, then confirm. "
                       "Nothing is added to the form before that.")
            s["_extracted_value"] = render_proposal(extracted["table"], extracted["certifications"],
                                                    key="extracted_skills")
            st.button("Use these skills", key="use_extracted", on_click=use_extracted, type="primary")


def form_inputs() -> None:
    today = dt.date.today()
    c1, c2, c3 = st.columns(3)
    c1.text_input("Learner id", value="learner", key="form_id")
    c1.selectbox("Language", ["fr", "en"], key="form_language")
    c2.text_input("City", key="form_city")
    c2.text_input("Postcode", key="form_postcode")
    c3.number_input("Mobility (km)", min_value=0.0, max_value=2000.0, value=50.0, step=5.0, key="form_mobility_km")
    c3.number_input("Hours per week", min_value=1.0, max_value=60.0, value=8.0, step=0.5,
                    key="form_hours_per_week")
    c1.date_input("Start", value=today, key="form_start")
    c2.date_input("Deadline", value=today + dt.timedelta(days=182), key="form_deadline")
    c3.number_input("Budget (EUR, 0 = funded)", min_value=0.0, value=0.0, step=100.0, key="form_budget_eur")
    st.multiselect("Preferred modalities", MODALITIES, default=MODALITIES, key="form_modalities")
    extraction_inputs()
    st.markdown("Skills held (level 1 aware, 2 assisted, 3 autonomous, 4 expert)")
    base = st.session_state.get("_skills_base")
    if not isinstance(base, pd.DataFrame):
        base = pd.DataFrame({"label": pd.Series(dtype="str"), "level": pd.Series(dtype="Int64")})
    st.session_state["_skills_value"] = st.data_editor(
        base, num_rows="dynamic", key="form_skills", hide_index=True,
        column_config={"label": st.column_config.TextColumn("skill (EN or FR label)", required=True),
                       "level": st.column_config.NumberColumn("level", min_value=1, max_value=4, step=1,
                                                              format="%d", required=True)})
    st.text_input("Certifications (comma separated)", key="form_certifications",
                  placeholder="Habilitation électrique BR, CACES R489")
    st.text_area("Background", key="form_background")


def preselect_job() -> None:
    """Select the profile's ``target_job`` in the picker whenever a new profile names one, and show its
    choices (modules kept and refused, periods, study days) in their inputs."""
    try:
        given = profile_text() if st.session_state.get("profile_source", "yaml") == "yaml" else None
        profile = parse_learner(given[0]) if given else None
    except InputError:
        return
    sync_from_profile(profile, workspace().catalogue)
    ref = profile.target_job if profile else None
    if not ref or ref == st.session_state.get("_preselected_ref"):
        return
    st.session_state["_preselected_ref"] = ref
    job = workspace().catalogue.find_job(ref)
    if job is not None:
        st.session_state["target_job"] = job.id


def job_label(job_id: str) -> str:
    job = workspace().catalogue.jobs[job_id]
    return f"{job.rome_code or '—'} — {job.title_fr or job.title} / {job.title}"


def bundle(path: LearningPath, profile: LearnerProfile, source: str, **extra: object) -> dict:
    """A plan as kept in the session: the path, what it was planned from, and its text exports."""
    return {"path": path, "profile": profile, "source": source, "json": path_to_json(path),
            "markdown": path_to_markdown(path), **extra}


def export(plan: dict, kind: str) -> bytes:
    """The ICS or PDF bytes of a kept plan, rendered once (on first display)."""
    if kind not in plan:
        path = plan["path"]
        profile = plan["profile"]
        plan[kind] = (path_to_ics(path, profile.hours_per_week, study_days=profile.study_days,  # type: ignore[misc]
                                  unavailable=profile.unavailable) if kind == "ics"
                      else path_to_pdf(path))  # type: ignore[misc]
    return plan[kind]


def choose_alternative() -> None:
    """Show the alternative picked in the radio (callback: runs before the page is drawn)."""
    options = st.session_state.get("plan_options") or []
    choice = st.session_state.get("alt_choice") or 0
    if 0 <= choice < len(options):
        st.session_state["plan"] = options[choice]


def apply_relaxation(i: int) -> None:
    """Re-plan with relaxation ``i`` of the shown plan applied (callback: runs before the page is drawn)."""
    plan = st.session_state["plan"]
    relaxation = plan["path"].relaxations[i]
    st.session_state.pop("plan_error", None)
    try:
        profile = relaxation_profile(plan["profile"], relaxation)
        path = workspace().plan(profile, plan["path"].target_job.id, file=plan["source"])
    except CurriculumError as exc:
        st.session_state["plan_error"] = str(exc)
        return
    st.session_state.pop("plan_options", None)
    st.session_state["plan"] = bundle(path, profile, plan["source"], relaxed_by=relaxation["change"])


def replan_with_choices(done: str) -> None:
    """Re-plan the shown plan's profile with the inputs' choices (callback of a step's Keep / Refuse)."""
    plan = st.session_state["plan"]
    st.session_state.pop("plan_error", None)
    try:
        profile = chosen_profile(plan["profile"], workspace().catalogue)
        path = workspace().plan(profile, plan["path"].target_job.id, file=plan["source"])
    except CurriculumError as exc:
        st.session_state["plan_error"] = str(exc)
        return
    st.session_state.pop("plan_options", None)
    st.session_state["plan"] = bundle(path, profile, plan["source"], replanned_after=done)


st.title("Learner pathway")
try:
    catalogue = workspace().catalogue
except CurriculumError as exc:
    st.error(str(exc))
    st.stop()

st.radio("Profile", list(SOURCES), format_func=SOURCES.get, key="profile_source", horizontal=True)
if st.session_state["profile_source"] == "yaml":
    yaml_inputs()
else:
    form_inputs()

preselect_job()
jobs = sorted(catalogue.jobs.values(), key=lambda j: (j.rome_code or "~", j.title))
st.selectbox("Target job", [j.id for j in jobs], index=None, format_func=job_label, key="target_job",
             placeholder="Search by ROME code, French or English title", filter_mode="contains",
             help="Empty: the profile's target_job is used.")
choice_inputs(catalogue)

st.number_input("Alternatives", min_value=0, max_value=4, value=0, step=1, key="alternatives",
                help="0: one plan. 1–4: up to that many genuinely different plans (fastest, cheapest, most "
                     "local, most in-person) to choose from.")

if st.button("Plan", key="plan_button", type="primary"):
    for k in ("plan", "plan_options", "plan_error"):
        st.session_state.pop(k, None)
    try:
        profile, source = read_profile()
        job_ref = st.session_state.get("target_job")
        with st.spinner("Planning…"):
            if st.session_state.get("alternatives", 0):
                paths = workspace().alternatives(profile, int(st.session_state["alternatives"]), job_ref,
                                                 file=source)
            else:
                paths = [workspace().plan(profile, job_ref, file=source)]
    except CurriculumError as exc:
        st.error(str(exc))
    else:
        options = [bundle(p, profile, source) for p in paths]
        if st.session_state.get("alternatives", 0):
            st.session_state["plan_options"] = options
            st.session_state["alt_choice"] = 0
        st.session_state["plan"] = options[0]

options = st.session_state.get("plan_options")
if options:
    st.radio("Choose a plan", range(len(options)), key="alt_choice", on_change=choose_alternative,
             format_func=lambda i: f"{options[i]['path'].label} — {options[i]['path'].trade_off}")
    if len(options) < st.session_state.get("alternatives", 0):
        st.caption(f"Only {len(options)} genuinely different plan(s): the other objectives give the same modules.")
if st.session_state.get("plan_error"):
    st.error(st.session_state["plan_error"])

plan = st.session_state.get("plan")
if plan is not None:
    path = plan["path"]
    if plan.get("relaxed_by"):
        st.info(f"Re-planned after applying: {plan['relaxed_by']}", icon=":material/tune:")
    if plan.get("replanned_after"):
        st.info(f"Re-planned after your choice: {plan['replanned_after']}", icon=":material/tune:")
    d1, d2, d3, d4, _ = st.columns([1, 1, 1, 1, 2])
    d1.download_button("Download JSON", plan["json"], file_name=f"pathway-{path.learner_id}.json",
                       mime="application/json", key="download_json", on_click="ignore")
    d2.download_button("Download Markdown", plan["markdown"], file_name=f"pathway-{path.learner_id}.md",
                       mime="text/markdown", key="download_markdown", on_click="ignore")
    if path_to_ics is not None:
        d3.download_button("Download calendar (ICS)", export(plan, "ics"), file_name=f"pathway-{path.learner_id}.ics",
                           mime="text/calendar", key="download_ics", on_click="ignore")
    if path_to_pdf is not None:
        d4.download_button("Download PDF", export(plan, "pdf"), file_name=f"pathway-{path.learner_id}.pdf",
                           mime="application/pdf", key="download_pdf", on_click="ignore")
    if path.relaxations:
        st.markdown("#### What would make it feasible")
        st.caption("This plan breaks a limit. Each change below was verified by planning again with it; "
                   "apply one to see the new plan.")
        for i, relaxation in enumerate(path.relaxations):
            summary = relaxation.get("resulting_plan_summary") or {}
            st.button(f"Apply: {relaxation['change']}", key=f"relax_{i}", on_click=apply_relaxation, args=(i,),
                      help=f"{summary.get('steps', '?')} steps, {summary.get('total_hours', '?')} h, "
                           f"{summary.get('total_cost_eur', '?')} EUR, ends {summary.get('end', '?')}")
    render_path(path, catalogue)
    st.markdown("#### Keep or refuse modules")
    render_step_choices(path, plan["profile"], replan_with_choices)
    if path.prior_learning:
        st.markdown("#### Prior learning")
        render_prior_learning(path)
    st.markdown("#### Calendar")
    render_calendar(path)
