"""Learner pathway page: read a profile (YAML or form), pick a target job, plan, show, download — in the
learner's language.

The page speaks the profile's ``language`` (French or English; switchable in the sidebar, words in
:mod:`ui.i18n`, values in :mod:`curriculum.i18n`). Thin page: validation is
:func:`curriculum.learners.parse_learner`, planning is :meth:`curriculum.services.Workspace.plan` (or
:meth:`~curriculum.services.Workspace.alternatives` when alternatives are asked for) with the profile's
choices replaced by the "Modules and calendar" inputs (:mod:`ui.components.choices_view`; a step's "Keep" /
"Refuse" button plans again), relaxations are applied with
:func:`curriculum.planner.relaxations.relaxation_profile` and planned again
(:mod:`ui.components.plan_actions`), exports are :mod:`curriculum.exports` (the same strings ``curriculum plan
--format json|markdown`` prints; ICS and PDF when available). The shown plan is kept in
``st.session_state["plan"]`` (alternatives in ``"plan_options"``) so reruns (downloads, widget changes, a
language switch) never re-plan.

A shown plan can be saved as a pathway (versions); the "Progress" section follows a saved pathway: events
recorded per step, badges, re-plan with its changes (:mod:`ui.components.progress_view` over
:mod:`curriculum.progress.service`).

In form mode, skills can be proposed from a CV or a description (:mod:`ui.components.profile_inputs`). In chat
mode the profile is built by answering questions (:mod:`ui.components.chat_intake`), checked, then planned by
the same :func:`plan_now`.
"""

from __future__ import annotations

import streamlit as st

from curriculum import i18n
from curriculum.errors import CurriculumError
from ui.components.calendar_view import render_calendar, render_prior_learning
from ui.components.chat_intake import chat_inputs
from ui.components.choices_view import choice_inputs, render_step_choices, sync_from_profile
from ui.components.path_view import render_details, render_header
from ui.components.plan_actions import (
    alternative_label,
    apply_relaxation,
    bundle,
    change_text,
    choose_alternative,
    export,
    path_to_ics,
    path_to_pdf,
    read_profile,
    relaxation_text,
    replan_with_choices,
)
from ui.components.profile_inputs import form_inputs, given_profile, profile_language, yaml_inputs
from ui.components.progress_view import progress_section, save_inputs
from ui.i18n import follow_profile, lang, language_switch, t
from ui.services import workspace


def preselect_job() -> None:
    """Select the profile's ``target_job`` in the picker whenever a new profile names one, and show its
    choices (modules kept and refused, periods, study days) in their inputs."""
    profile = given_profile()
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
    title = (job.title_fr or job.title) if lang() == "fr" else job.title
    return f"{job.rome_code or '—'} — {title}"


def plan_now() -> None:
    """Plan (or find alternatives) from the profile read now (the "Plan" button)."""
    for k in ("plan", "plan_options", "plan_error"):
        st.session_state.pop(k, None)
    try:
        profile, source = read_profile()
        job_ref = st.session_state.get("target_job")
        with st.spinner(t("planning")):
            if st.session_state.get("alternatives", 0):
                paths = workspace().alternatives(profile, int(st.session_state["alternatives"]), job_ref,
                                                 file=source)
            else:
                paths = [workspace().plan(profile, job_ref, file=source)]
    except CurriculumError as exc:
        st.error(str(exc))
        return
    options = [bundle(p, profile, source) for p in paths]
    if st.session_state.get("alternatives", 0):
        st.session_state["plan_options"] = options
        st.session_state["alt_choice"] = 0
    st.session_state["plan"] = options[0]


def downloads(plan: dict) -> None:
    """Short download buttons in a row that wraps on a narrow screen."""
    path = plan["path"]
    name = f"pathway-{path.learner_id}"
    st.caption(t("downloads"))
    with st.container(horizontal=True):
        st.download_button("JSON", plan["json"], file_name=f"{name}.json", mime="application/json",
                           key="download_json", on_click="ignore", icon=":material/download:")
        st.download_button("Markdown", plan["markdown"], file_name=f"{name}.md", mime="text/markdown",
                           key="download_markdown", on_click="ignore", icon=":material/download:")
        if path_to_ics is not None:
            st.download_button(t("dl_ics"), export(plan, "ics"), file_name=f"{name}.ics", mime="text/calendar",
                               key="download_ics", on_click="ignore", icon=":material/event:")
        if path_to_pdf is not None:
            st.download_button("PDF", export(plan, "pdf"), file_name=f"{name}.pdf", mime="application/pdf",
                               key="download_pdf", on_click="ignore", icon=":material/picture_as_pdf:")


def relaxations(plan: dict) -> None:
    """Each verified relaxation as a sentence, what it gives, and a button that applies it."""
    st.markdown(f"#### {t('relax_header')}")
    st.caption(t("relax_caption"))
    for i, relaxation in enumerate(plan["path"].relaxations):
        outline = i18n.plan_outline(relaxation.get("resulting_plan_summary") or {}, lang())
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"**{relaxation_text(relaxation, plan['profile'])}** — {t('relax_result', outline=outline)}")
        c2.button(t("relax_apply"), key=f"relax_{i}", on_click=apply_relaxation, args=(i,), help=t("relax_help"),
                  icon=":material/tune:")


# the profile's language is followed before anything is drawn (a user's switch stays until another language)
follow_profile(profile_language())
language_switch()
st.title(t("title"))
try:
    catalogue = workspace().catalogue
except CurriculumError as exc:
    st.error(str(exc))
    st.stop()

# format functions hold this run's words (AppTest calls them again between runs, outside the page's session)
st.radio(t("profile"), ["yaml", "form", "chat"], key="profile_source", horizontal=True,
         format_func={"yaml": t("source_yaml"), "form": t("source_form"), "chat": t("source_chat")}.get)
if st.session_state["profile_source"] == "yaml":
    yaml_inputs()
elif st.session_state["profile_source"] == "form":
    form_inputs()
else:
    chat_inputs(on_plan=plan_now)

preselect_job()
jobs = sorted(catalogue.jobs.values(), key=lambda j: (j.rome_code or "~", j.title))
st.selectbox(t("target_job"), [j.id for j in jobs], index=None,
             format_func={j.id: job_label(j.id) for j in jobs}.get, key="target_job",
             placeholder=t("job_placeholder"), filter_mode="contains", help=t("job_help"))
choice_inputs(catalogue)

st.number_input(t("alternatives"), min_value=0, max_value=4, value=0, step=1, key="alternatives",
                help=t("alternatives_help"))

if st.button(t("plan_button"), key="plan_button", type="primary"):
    plan_now()

options = st.session_state.get("plan_options")
if options:
    st.radio(t("choose_plan"), range(len(options)), key="alt_choice", on_change=choose_alternative,
             format_func=[alternative_label(o["path"], options[0]["path"]) for o in options].__getitem__)
    if len(options) < st.session_state.get("alternatives", 0):
        st.caption(t("only_n", n=len(options)))
if st.session_state.get("plan_error"):
    st.error(st.session_state["plan_error"])

plan = st.session_state.get("plan")
if plan is not None:
    path = plan["path"]
    if note := change_text(plan):
        st.info(note, icon=":material/tune:")
    render_header(path, catalogue)
    if path.relaxations:
        relaxations(plan)
    downloads(plan)
    save_inputs(plan)
    render_details(path, catalogue)
    if path.steps:
        st.markdown(f"#### {t('h_choices')}")
        render_step_choices(path, plan["profile"], replan_with_choices)
    if path.prior_learning:
        st.markdown(f"#### {t('h_prior')}")
        render_prior_learning(path)
    st.markdown(f"#### {t('h_calendar')}")
    render_calendar(path)

progress_section(catalogue)
