"""Render a :class:`~curriculum.cohort.models.CohortProgramme`: totals, skill-gap heatmap, group Gantt, tables.

Presentation only: figures come from the programme (``totals``, ``sessions``, member plans) and the
catalogue (job required levels, skill labels). Units: hours (h), euros excl. VAT (EUR), proficiency
levels 1 aware … 4 expert, ISO dates.

Every table built from user data goes through :func:`curriculum.tabular.safe_record`: a name such as
``=HYPERLINK("http://x","click")`` shows (and downloads, from the table's CSV button) as inert text
``'=HYPERLINK(…)``; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from curriculum.cohort.models import CohortProgramme
from curriculum.knowledge.catalogue import Catalogue
from curriculum.tabular import safe_record


def table(records: list[dict]) -> pd.DataFrame:
    """A data frame of ``records`` with every text cell neutralised against formula injection."""
    return pd.DataFrame([safe_record(r) for r in records])


def render_totals(programme: CohortProgramme) -> None:
    """Headline metrics: people planned, hours, cost, savings; budget check; per-company figures."""
    t = programme.totals
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("People planned", t.get("members", 0))
    c2.metric("Hours (all learners)", f"{t.get('hours_total', 0):,.1f} h",
              help=f"{t.get('teaching_hours', 0):,.1f} h of teaching delivered")
    c3.metric("Cost", f"{t.get('cost_total_eur', 0):,.2f} EUR",
              help=f"{t.get('cost_per_head_eur', 0):,.2f} EUR per head")
    c4.metric("Savings", f"{t.get('savings_eur', 0):,.2f} EUR",
              help=f"against {t.get('individual_cost_eur', 0):,.2f} EUR of individual plans")
    if t.get("within_budget") is False:
        st.warning(f"Over the programme budget of {t['budget_total_eur']:,.2f} EUR.")
    if t.get("per_company") and len(t["per_company"]) > 1:
        st.dataframe(table([{"company": k, **v} for k, v in t["per_company"].items()]), hide_index=True)


def gap_rows(programme: CohortProgramme, catalogue: Catalogue) -> list[dict]:
    """One row per member × required skill of the member's job: ``gap`` = required − start level (≥ 0)."""
    rows = []
    for m in programme.members:
        job = catalogue.jobs.get(m.plan.target_job.id)
        if job is None:
            continue
        for r in job.required_skills:
            start = m.plan.start_skills.get(r.skill, 0)
            rows.append({"learner_id": m.learner_id, "skill": catalogue.skill_label(r.skill, m.plan.language),
                         "job": job.rome_code or job.id, "start": start, "required": r.level,
                         "gap": max(r.level - start, 0)})
    return rows


def render_heatmap(programme: CohortProgramme, catalogue: Catalogue) -> None:
    """People × skills of their target job, coloured by the gap (required − start level)."""
    rows = gap_rows(programme, catalogue)
    if not rows:
        return
    chart = (alt.Chart(pd.DataFrame(rows)).mark_rect()
             .encode(y=alt.Y("learner_id:N", title="learner"),
                     x=alt.X("skill:N", title=None, axis=alt.Axis(labelAngle=-45, labelLimit=220)),
                     color=alt.Color("gap:Q", title="levels missing", scale=alt.Scale(scheme="orangered", domain=[0, 4])),
                     tooltip=["learner_id", "job", "skill", "start", "required", "gap"]))
    st.altair_chart(chart)


def render_gantt(programme: CohortProgramme) -> None:
    """One bar per group session (module × dates), coloured by place."""
    if not programme.sessions:
        st.info("No group session: every member follows an individual plan.")
        return
    rows = [{"session": g.id, "module": g.title, "start": pd.Timestamp(g.start),
             "end": pd.Timestamp(g.end + dt.timedelta(days=1)),  # inclusive end: draw to the end of the day
             "place": g.place or "online", "people": len(g.members), "dates": f"{g.start} → {g.end}"}
            for g in programme.sessions]
    chart = (alt.Chart(pd.DataFrame(rows)).mark_bar()
             .encode(x=alt.X("start:T", title="date"), x2="end:T", y=alt.Y("module:N", sort=None, title=None),
                     color=alt.Color("place:N", title="place"),
                     tooltip=["session", "module", "place", "people", "dates"]))
    st.altair_chart(chart)


def sessions_frame(programme: CohortProgramme) -> pd.DataFrame:
    """Table of the group sessions."""
    return table([{
        "session": g.id, "module": g.title, "module_id": g.module_id, "modality": g.modality.value,
        "start": g.start, "end": g.end, "place": g.place or "—", "people": len(g.members), "seats": g.seats,
        "hours": g.hours, "cost (EUR)": g.cost_eur, "per head (EUR)": g.cost_per_head_eur,
        "members": ", ".join(g.members), "fixed": g.fixed} for g in programme.sessions])


def members_frame(programme: CohortProgramme) -> pd.DataFrame:
    """Table of the members' final plans."""
    return table([{
        "learner_id": m.learner_id, "name": m.name or "", "company": m.company or "",
        "job": m.plan.target_job.rome_code or m.plan.target_job.id, "steps": len(m.plan.steps),
        "hours": m.plan.total_hours, "cost (EUR)": m.plan.total_cost_eur,
        "individual cost (EUR)": m.individual_cost_eur, "group sessions": ", ".join(m.group_sessions),
        "feasible": m.plan.feasible} for m in programme.members])


def render_programme(programme: CohortProgramme, catalogue: Catalogue) -> None:
    """The whole programme, top to bottom."""
    st.subheader(programme.name)
    render_totals(programme)
    for w in programme.warnings:
        st.warning(w)
    if programme.errors:
        st.markdown("#### Rejected rows")
        st.dataframe(table([{"row": e.row, "field": e.field, "message": e.message,
                             "learner_id": e.learner_id} for e in programme.errors]), hide_index=True)
    if programme.unreachable:
        st.markdown("#### Cannot reach the target job in time")
        st.dataframe(table([{"learner_id": u.learner_id, "company": u.company, "reasons": "; ".join(u.reasons)}
                            for u in programme.unreachable]), hide_index=True)
    st.markdown("#### Skill gaps (levels missing against each person's target job)")
    render_heatmap(programme, catalogue)
    st.markdown("#### Group sessions")
    render_gantt(programme)
    if programme.sessions:
        st.dataframe(sessions_frame(programme), hide_index=True)
    st.markdown("#### Members")
    st.dataframe(members_frame(programme), hide_index=True)
