"""Saved pathways on the learner page, in the page's language: save the shown plan, then follow a saved pathway —
its versions, its steps with what happened, the events, an event recorded on a step, the badges issued, a re-plan
with its changes in words.

Thin: saving, recording (and the badges a pass earns), re-planning and which event applies to a step are
:mod:`curriculum.progress.service`; the date counted from is :func:`curriculum.progress.clock.today`
(``CURRICULUM_TODAY`` replays another day). Kept in the session: ``progress_pathway`` (the pathway followed),
``progress_result`` (its last re-plan, a :class:`~curriculum.progress.service.ReplannedVersion`), one-shot
messages ``pathway_save_message`` / ``pathway_save_error`` / ``progress_message`` / ``progress_error`` /
``progress_new_badges`` / ``progress_badge_error`` / ``replan_error``.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from curriculum import i18n
from curriculum.errors import CurriculumError
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import LearningPath
from curriculum.progress import clock, parse_event
from curriculum.progress.service import (pathway_badges, pathway_versions, record_progress, replan_pathway,
                                         save_pathway, step_events)
from ui.components.path_view import render_header
from ui.i18n import lang, t
from ui.services import pathway_store, workspace

KINDS = ("completed_pass", "completed_fail", "missed", "dropped", "cancelled")
"""What can be recorded on a step (``completed_*`` = kind ``completed`` with that result)."""
REASONS = {  # curriculum.progress.replan's reasons of a change → their words (an unknown one is shown as it is)
    "dropped by the learner": "why_dropped",
    "its session was cancelled and another module replaces it": "why_cancelled_replaced",
    "no longer needed: what it teaches is now held, or a shorter plan replaces it": "why_not_needed",
    "replaces a removed module or closes a gap left open": "why_replaces",
    "prerequisite of a later step": "why_prerequisite",
    "failed: re-booked on its next session": "why_failed",
    "session missed: re-booked on its next session": "why_missed",
    "session cancelled: moved to another session": "why_cancelled",
    "its booked session could not be kept (a step before it moved): booked on another one": "why_released",
    "moved with the steps before it": "why_shifted",
}
REPLANNED = re.compile(r"replanned on (\d{4}-\d{2}-\d{2}) after (\d+) event")


def event_words(event) -> str:  # type: ignore[no-untyped-def]
    """``Terminé, réussi`` / ``Session missed``… (a completion with its result)."""
    if event.kind == "completed":
        return t(f"ev_completed_{event.result}")
    return t(f"ev_{event.kind}")


def module_title(module_id: str | None, catalogue: Catalogue) -> str:
    module = catalogue.modules.get(module_id or "")
    return module.title if module else (module_id or "")


# ------------------------------------------------------------------------------------------------- saving
def _save() -> None:
    """Save the shown plan under the name typed (callback: the pathway list drawn next holds it)."""
    s = st.session_state
    plan = s.get("plan")
    if plan is None:
        return
    name = (s.get("pathway_name") or "").strip() or plan["path"].learner_id
    try:
        stored = save_pathway(pathway_store(), name, plan["profile"], plan["path"])
    except CurriculumError as exc:
        s["pathway_save_error"] = str(exc)
        return
    s["pathway_save_message"] = t("saved_pathway", name=stored.name, version=stored.version)
    _follow(stored.name)


def save_inputs(plan: dict) -> None:
    """The pathway name (default: the learner's id; ``COHORT/name`` for a cohort) and "Save this pathway"."""
    s = st.session_state
    learner_id = plan["path"].learner_id
    if s.get("_pathway_name_for") != learner_id or "pathway_name" not in s:
        s["_pathway_name_for"], s["pathway_name"] = learner_id, learner_id
    st.markdown(f"#### {t('h_save')}")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    c1.text_input(t("save_name"), key="pathway_name", help=t("save_name_help"), max_chars=200)
    c2.button(t("save_button"), key="save_pathway", on_click=_save, icon=":material/save:")
    if s.get("pathway_save_error"):
        st.error(s.pop("pathway_save_error"))
    if s.get("pathway_save_message"):
        st.success(s.pop("pathway_save_message"), icon=":material/bookmark_added:")


# ------------------------------------------------------------------------------------------------ follow-up
def _follow(name: str | None) -> None:
    """Follow pathway ``name``: forget the inputs and results of the previous one."""
    s = st.session_state
    for key in ("rec_step", "rec_kind", "rec_on", "rec_score", "progress_result", "progress_message",
                "progress_error", "progress_new_badges", "progress_badge_error", "replan_error"):
        s.pop(key, None)
    if name is not None:
        s["progress_pathway"] = name


def _suggest_date(path: LearningPath, today: dt.date) -> None:
    """The date input's value for the step and kind chosen: a completion on the step's last day, a missed or
    cancelled session on its first day, a drop today (never after today); the score is emptied."""
    s = st.session_state
    s.pop("rec_score", None)
    step = next((x for x in path.steps if x.module_id == s.get("rec_step")), None)
    kind = s.get("rec_kind") or KINDS[0]
    if step is None:
        return
    day = step.end if kind.startswith("completed") else step.start if kind in ("missed", "cancelled") else today
    s["rec_on"] = min(day, today)


def _record(name: str, today: dt.date) -> None:
    """Record the event of the inputs on pathway ``name``, and keep the badges it earns (callback)."""
    s = st.session_state
    kind, module = s.get("rec_kind") or KINDS[0], s.get("rec_step")
    for key in ("progress_message", "progress_error", "progress_new_badges", "progress_badge_error"):
        s.pop(key, None)
    data = ({"kind": "completed", "result": kind.removeprefix("completed_")} if kind.startswith("completed")
            else {"kind": kind})
    if kind.startswith("completed") and s.get("rec_score") is not None:
        data["score"] = float(s["rec_score"])
    try:
        event = parse_event({**data, "module_id": module, "on": s.get("rec_on") or today, "source": "ui"},
                            field=t("h_record"))
        done = record_progress(workspace(), pathway_store(), name, [event], today=today,
                               fields=[(t("rec_step"), t("rec_on"))])
    except CurriculumError as exc:
        s["progress_error"] = str(exc)
        return
    recorded = done.events[0]
    s.pop("rec_score", None)  # a score belongs to one event
    s["progress_message"] = t("recorded", what=event_words(recorded),
                              title=module_title(recorded.module_id, workspace().catalogue),
                              date=i18n.date(recorded.on, lang()))
    s["progress_new_badges"], s["progress_badge_error"] = done.badges, done.badge_error


def _replan(name: str) -> None:
    """Re-plan pathway ``name`` from its events and save the new version (callback)."""
    s = st.session_state
    for key in ("progress_message", "progress_error", "progress_result", "replan_error"):
        s.pop(key, None)
    try:
        s["progress_result"] = replan_pathway(workspace(), pathway_store(), name, clock.today())
    except CurriculumError as exc:
        s["replan_error"] = str(exc)


def reason_words(reason: str) -> str:
    """A saved version's reason in words: ``saved``, ``replanned on DATE after N event(s)``."""
    if reason == "saved":
        return t("reason_saved")
    if m := REPLANNED.match(reason):
        return t("reason_replanned", date=i18n.date(dt.date.fromisoformat(m[1]), lang()), n=m[2])
    return reason


def versions_frame(versions: list) -> pd.DataFrame:
    """One row per saved version: number, when, why, end, hours, cost, feasible."""
    language = lang()
    return pd.DataFrame([{
        t("col_version"): v.version, t("col_saved"): f"{i18n.date(v.created_at.date(), language)} "
                                                      f"{v.created_at:%H:%M} UTC",
        t("col_why"): reason_words(v.reason),
        t("col_end"): i18n.date(max((x.end for x in v.path.steps), default=None), language),
        t("col_hours"): i18n.hours(v.path.total_hours, language), t("col_cost"): i18n.money(v.path.total_cost_eur,
                                                                                             language),
        t("col_feasible"): t("yes") if v.path.feasible else t("no")} for v in reversed(versions)])


def steps_frame(path: LearningPath, events: list, kept: set[str]) -> pd.DataFrame:
    """The steps of ``path`` with what happened on each (the event that applies to it, or booked / to do)."""
    language = lang()
    applied = step_events(path, events)

    def state(module_id: str) -> str:
        if module_id in applied:
            e = applied[module_id]
            return t("status_event", what=event_words(e), date=i18n.date(e.on, language)) + \
                (f" ({i18n.number(e.score, language)}/100)" if getattr(e, "score", None) is not None else "")
        return t("step_booked") if module_id in kept else t("step_todo")
    return pd.DataFrame([{"#": k, t("col_module"): s.title, t("col_dates"): i18n.date_range(s.start, s.end, language),
                          t("col_hours"): i18n.hours(s.hours, language), t("col_status"): state(s.module_id)}
                         for k, s in enumerate(path.steps, 1)])


def events_frame(events: list, catalogue: Catalogue) -> pd.DataFrame:
    """The events recorded, newest first: date, what, module (or skill / certification), score, version, from."""
    language = lang()
    return pd.DataFrame([{
        t("col_date"): i18n.date(e.on, language), t("col_event"): event_words(e),
        t("col_module"): module_title(e.module_id, catalogue) if getattr(e, "module_id", None)
        else getattr(e, "code", None) or catalogue.skill_label(getattr(e, "skill", ""), language),
        t("col_score"): i18n.number(e.score, language) if getattr(e, "score", None) is not None else "",
        t("col_version"): e.version, t("col_source"): t(f"src_{e.source}")} for e in reversed(events)])


def record_inputs(path: LearningPath, name: str, today: dt.date, catalogue: Catalogue) -> None:
    """Step, what happened, date, score (completions) and "Record"."""
    s = st.session_state
    steps = [x.module_id for x in path.steps]
    if not steps:
        return
    if s.get("rec_step") not in steps:
        s["rec_step"] = steps[0]
        _suggest_date(path, today)
    if "rec_on" not in s or s["rec_on"] is None or s["rec_on"] > today:
        _suggest_date(path, today)
    st.markdown(f"#### {t('h_record')}")
    titles = {x.module_id: f"{k}. {x.title}" for k, x in enumerate(path.steps, 1)}
    c1, c2 = st.columns(2)
    c1.selectbox(t("rec_step"), steps, key="rec_step", format_func=titles.get, on_change=_suggest_date,
                 args=(path, today))
    c2.selectbox(t("rec_kind"), KINDS, key="rec_kind", format_func={k: t(f"kind_{k}") for k in KINDS}.get,
                 on_change=_suggest_date, args=(path, today))
    c1.date_input(t("rec_on"), key="rec_on", min_value=dt.date(2000, 1, 1), max_value=today, help=t("rec_on_help"),
                  format=t("date_input_format"))
    if (s.get("rec_kind") or KINDS[0]).startswith("completed"):
        c2.number_input(t("rec_score"), min_value=0.0, max_value=100.0, value=None, step=1.0, key="rec_score")
    st.button(t("rec_button"), key="rec_button", on_click=_record, args=(name, today), icon=":material/edit_note:")
    if s.get("progress_error"):
        st.error(s.pop("progress_error"))
    if s.get("progress_message"):
        st.success(s.pop("progress_message"), icon=":material/task_alt:")


def render_badges(name: str, catalogue: Catalogue) -> None:
    """The badges issued on the pathway, each with a download; the ones this record issued announced."""
    s = st.session_state
    st.markdown(f"#### {t('h_badges')}")
    for badge in s.pop("progress_new_badges", None) or []:
        if badge.get("new"):
            st.success(t("badge_new", cert=badge["certification"], title=module_title(badge["module_id"], catalogue)),
                       icon=":material/workspace_premium:")
    if s.get("progress_badge_error"):
        st.warning(t("badge_error", why=s.pop("progress_badge_error")))
    badges = pathway_badges(workspace().settings.data_dir, name)
    if not badges:
        st.caption(t("no_badges"))
        return
    st.caption(t("badges_caption"))
    with st.container(horizontal=True):
        for i, b in enumerate(badges):
            module = catalogue.modules.get(b["module_id"])
            cert = " / ".join(module.awards) if module and module.awards else b["module_id"]
            st.download_button(t("badge_dl", cert=cert, date=i18n.date(b["on"], lang())), b["token"] + "\n",
                               file_name=b["file"].name, mime="application/jwt", key=f"badge_{i}", on_click="ignore",
                               icon=":material/workspace_premium:", help=module_title(b["module_id"], catalogue))


def render_replanned(result, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    """A re-plan: the version saved, the steps kept, each change in words (why, old and new dates), the totals."""
    language = lang()
    st.success(t("replanned_version", version=result.version), icon=":material/update:")
    kept = [module_title(m, catalogue) for m in result.kept]
    st.markdown(t("kept", titles=i18n.join(kept, language) if kept else t("nothing")))
    before = {s.module_id: s for s in result.previous.steps}
    after = {s.module_id: s for s in result.path.steps}
    lines = []
    for c in result.changes:
        why = t(REASONS[c["reason"]]) if c["reason"] in REASONS else c["reason"]
        title = module_title(c["module_id"], catalogue)
        if c["action"] == "moved" and c["module_id"] in before and c["module_id"] in after:
            old, new = before[c["module_id"]], after[c["module_id"]]
            lines.append(t("ch_moved", title=title, why=why, before=i18n.date_range(old.start, old.end, language),
                           after=i18n.date_range(new.start, new.end, language)))
        else:
            lines.append(t(f"ch_{c['action']}", title=title, why=why))
    st.markdown(f"##### {t('h_changes')}")
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else t("no_change"))
    render_header(result.path, catalogue)


def progress_section(catalogue: Catalogue) -> None:
    """"Progress": pick a saved pathway; its versions, steps, events; record an event; badges; re-plan."""
    s = st.session_state
    st.markdown(f"### {t('h_progress')}")
    try:
        today = clock.today()
    except CurriculumError as exc:
        st.error(str(exc))
        return
    store = pathway_store()
    names = store.names()
    if not names:
        st.caption(t("no_saved"))
        return
    st.caption(t("progress_caption", today=i18n.date(today, lang())))
    if s.get("progress_pathway") not in names:
        s.pop("progress_pathway", None)
    st.selectbox(t("progress_pick"), names, index=None, key="progress_pathway", placeholder=t("progress_placeholder"),
                 on_change=lambda: _follow(None))
    name = s.get("progress_pathway")
    if not name:
        return
    try:
        versions = pathway_versions(store, name)
    except CurriculumError as exc:
        st.error(str(exc))
        return
    latest, events = versions[-1], store.events(name)
    result = s.get("progress_result")
    result = result if result is not None and result.name == name else None
    st.markdown(f"#### {t('h_versions')}")
    st.dataframe(versions_frame(versions), hide_index=True)
    st.markdown(f"#### {t('h_steps_status', version=latest.version)}")
    kept = set(result.kept) if result is not None and result.version == latest.version else set()
    st.dataframe(steps_frame(latest.path, events, kept), hide_index=True,
                 column_config={t("col_module"): st.column_config.TextColumn(width="medium")})
    st.markdown(f"#### {t('h_events')}")
    if events:
        st.dataframe(events_frame(events, catalogue), hide_index=True)
    else:
        st.caption(t("no_events"))
    record_inputs(latest.path, name, today, catalogue)
    render_badges(name, catalogue)
    st.markdown(f"#### {t('h_replan')}")
    st.button(t("replan_button"), key="progress_replan", on_click=_replan, args=(name,), type="primary",
              help=t("replan_help"), icon=":material/update:")
    if s.get("replan_error"):
        st.error(s.pop("replan_error"))
    if result is not None:
        render_replanned(result, catalogue)
