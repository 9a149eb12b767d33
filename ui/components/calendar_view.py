"""Calendar views of a :class:`~curriculum.models.LearningPath`: hours per week (Altair) and per month.

Presentation only. A step's hours are drawn spread evenly over the calendar weeks (Monday–Sunday)
its dates overlap — a reading aid, not a schedule: the dated sessions are in the steps table and the
iCalendar export. Units: hours.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from curriculum.models import LearningPath


def weekly_rows(path: LearningPath) -> list[dict]:
    """One row per (step, week overlapped): ``week`` (Monday), ``month``, ``module``, ``hours``."""
    rows = []
    for step in path.steps:
        monday = step.start - dt.timedelta(days=step.start.weekday())
        weeks = []
        while monday <= step.end:
            weeks.append(monday)
            monday += dt.timedelta(weeks=1)
        share = step.hours / len(weeks) if weeks else 0.0
        rows += [{"week": w, "month": w.strftime("%Y-%m"), "module": step.title, "modality": step.modality.value,
                  "hours": round(share, 2)} for w in weeks]
    return rows


def render_calendar(path: LearningPath) -> None:
    """Stacked bars of hours per week (coloured by module), then a table of hours per month."""
    rows = weekly_rows(path)
    if not rows:
        return
    df = pd.DataFrame(rows)
    df["week"] = pd.to_datetime(df["week"])
    chart = (alt.Chart(df).mark_bar()
             .encode(x=alt.X("yearmonthdate(week):O", title="week (Monday)"),
                     y=alt.Y("sum(hours):Q", title="hours"),
                     color=alt.Color("module:N", title="module", legend=alt.Legend(orient="bottom", columns=2)),
                     tooltip=[alt.Tooltip("week:T", title="week of"), "module", "modality",
                              alt.Tooltip("hours:Q", format=".1f")]))
    st.altair_chart(chart)
    st.caption("Hours spread evenly over the weeks of each step (a reading aid; exact sessions in the steps "
               "table and the calendar file).")
    by_month = (df.groupby("month")
                .agg(hours=("hours", "sum"), modules=("module", lambda s: ", ".join(dict.fromkeys(s))))
                .reset_index())
    by_month["hours"] = by_month["hours"].round(1)
    st.dataframe(by_month, hide_index=True)


def render_prior_learning(path: LearningPath) -> None:
    """Hours and EUR saved against the job's standard programme, and the skills skipped."""
    prior = path.prior_learning
    if not prior:
        return
    c1, c2, c3 = st.columns(3)
    c1.metric("Standard programme", f"{prior.get('standard_hours', 0):g} h")
    c2.metric("Hours saved", f"{prior.get('hours_saved', 0):g} h")
    c3.metric("Cost saved", f"{prior.get('cost_saved_eur', 0):,.2f} EUR")
    skipped = prior.get("skipped_skills") or []
    held = prior.get("certifications_held") or []
    st.markdown("Skipped skills (already held): " + (", ".join(skipped) if skipped else "none"))
    if held:
        st.markdown("Certifications held: " + ", ".join(held))
