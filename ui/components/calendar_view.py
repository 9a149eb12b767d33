"""Calendar views of a :class:`~curriculum.models.LearningPath`: hours per week (Altair) and per month, and
the prior learning recognised; in the page's language (:mod:`ui.i18n`).

Presentation only. A step's hours are drawn spread evenly over the calendar weeks (Monday–Sunday)
its dates overlap — a reading aid, not a schedule: the dated sessions are in the steps table and the
iCalendar export. Units: hours, EUR.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from curriculum import i18n
from curriculum.models import LearningPath
from ui.components.path_view import short
from ui.i18n import lang, t, vega_locale


def weekly_rows(path: LearningPath) -> list[dict]:
    """One row per (step, week overlapped): ``week`` (Monday), ``month`` (``YYYY-MM``), ``module`` (step
    number and short title), ``modality`` (in words), ``hours``."""
    rows = []
    language = lang()
    for k, step in enumerate(path.steps, 1):
        monday = step.start - dt.timedelta(days=step.start.weekday())
        weeks = []
        while monday <= step.end:
            weeks.append(monday)
            monday += dt.timedelta(weeks=1)
        share = step.hours / len(weeks) if weeks else 0.0
        rows += [{"week": w, "month": w.strftime("%Y-%m"), "module": f"{k}. {short(step.title, 32)}",
                  "modality": i18n.modality(step.modality, language), "hours": round(share, 2)} for w in weeks]
    return rows


def month_name(month: str, language: str) -> str:
    """``2027-02`` → ``févr. 2027`` / ``Feb 2027``."""
    year, number = month.split("-")
    return f"{i18n.MONTHS[i18n.lang_of(language)][int(number) - 1]} {year}"


def render_calendar(path: LearningPath) -> None:
    """Stacked bars of hours per week (coloured by module), then a table of hours per month."""
    rows = weekly_rows(path)
    if not rows:
        return
    language = lang()
    df = pd.DataFrame(rows)
    df["week"] = pd.to_datetime(df["week"])
    df["week_text"] = [i18n.date(w.date(), language) for w in df["week"]]
    chart = (alt.Chart(df).mark_bar()
             .encode(x=alt.X("yearmonthdate(week):O", title=t("axis_week"),
                             axis=alt.Axis(format="%d %b", labelAngle=-45)),
                     y=alt.Y("sum(hours):Q", title=t("axis_hours")),
                     color=alt.Color("module:N", title=None, sort=None,
                                     legend=alt.Legend(orient="bottom", columns=1, labelLimit=300)),
                     tooltip=[alt.Tooltip("week_text:N", title=t("week_of")),
                              alt.Tooltip("module:N", title=t("col_module")),
                              alt.Tooltip("modality:N", title=t("col_modality")),
                              alt.Tooltip("hours:Q", title=t("col_hours"), format=".1f")])
             .configure(locale=vega_locale()))
    st.altair_chart(chart)
    st.caption(t("calendar_caption"))
    by_month = (df.groupby("month")
                .agg(hours=("hours", "sum"), modules=("module", lambda s: ", ".join(dict.fromkeys(s))))
                .reset_index())
    st.dataframe(pd.DataFrame({t("col_month"): [month_name(m, language) for m in by_month["month"]],
                               t("col_hours"): [i18n.hours(h, language) for h in by_month["hours"]],
                               t("col_modules"): by_month["modules"]}), hide_index=True)


def render_prior_learning(path: LearningPath) -> None:
    """Hours and EUR saved against the job's standard programme, and the skills skipped."""
    prior = path.prior_learning
    if not prior:
        return
    language = lang()
    c1, c2, c3 = st.columns(3)
    c1.metric(t("m_standard"), i18n.hours(prior.get("standard_hours", 0), language), help=t("m_standard_help"))
    c2.metric(t("m_saved_hours"), i18n.hours(prior.get("hours_saved", 0), language))
    c3.metric(t("m_saved_cost"), i18n.money(prior.get("cost_saved_eur", 0), language))
    skipped = prior.get("skipped_skills") or []
    held = prior.get("certifications_held") or []
    st.markdown(t("skipped", skills=", ".join(skipped) if skipped else t("none")))
    if held:
        st.markdown(t("certs_held", codes=", ".join(held)))
