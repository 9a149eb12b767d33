"""Render a :class:`~curriculum.models.LearningPath`: badge, metrics, timeline, steps, certifications
(held at the end with renewal dates, rules applied), skills, mapping.

Presentation only: every number comes from the path (and the catalogue for labels and the job's
required levels). Units: hours, EUR, km; proficiency levels 1 aware … 4 expert.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import LearningPath


def levels_after(path: LearningPath) -> dict[str, int]:
    """Skill id → level once every step is done: ``start_skills`` raised by each step's outcomes."""
    after = dict(path.start_skills)
    for step in path.steps:
        for skill, level in step.outcomes.items():
            after[skill] = max(after.get(skill, 0), level)
    return after


def render_header(path: LearningPath) -> None:
    """Target job, summary, feasibility badge (with the infeasibility numbers) and the totals."""
    job = path.target_job
    st.subheader(f"{job.title}" + (f" (ROME {job.rome_code})" if job.rome_code else ""))
    if path.summary:
        st.markdown(path.summary)
    if path.already_qualified:
        st.success("Already qualified: no module needed.", icon=":material/verified:")
    elif path.feasible:
        st.success("Feasible: the path fits the learner's constraints.", icon=":material/check_circle:")
    else:
        st.error("Infeasible: the path breaks the learner's constraints.", icon=":material/block:")
    if path.infeasibility:
        st.dataframe(pd.DataFrame([{"limit": k, "value": ", ".join(map(str, v)) if isinstance(v, list) else str(v)}
                                   for k, v in path.infeasibility.items()]), hide_index=True)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Total hours", f"{path.total_hours:g} h")
    c2.metric("Total cost", f"{path.total_cost_eur:,.2f} EUR")
    c3.metric("Hours available", f"{path.hours_available:g} h")
    c4.metric("Steps", len(path.steps))


def render_timeline(path: LearningPath) -> None:
    """Altair Gantt chart of the steps (one bar per module, coloured by modality)."""
    if not path.steps:
        return
    rows = [{"module": s.title, "start": pd.Timestamp(s.start),
             # end is inclusive: draw the bar to the end of the last day
             "end": pd.Timestamp(s.end + dt.timedelta(days=1)), "modality": s.modality.value,
             "dates": f"{s.start} → {s.end}", "hours": s.hours} for s in path.steps]
    chart = (alt.Chart(pd.DataFrame(rows)).mark_bar()
             .encode(x=alt.X("start:T", title="date"), x2="end:T",
                     y=alt.Y("module:N", sort=None, title=None),
                     color=alt.Color("modality:N", title="modality"),
                     tooltip=["module", "modality", "dates", "hours"]))
    st.altair_chart(chart)


def render_steps(path: LearningPath) -> None:
    """Table of steps, then each step's rationale."""
    if not path.steps:
        st.info("No module needed.")
        return
    st.dataframe(pd.DataFrame([{
        "#": k, "module": s.title, "modality": s.modality.value, "place": s.place or "—",
        "distance (km)": s.distance_km, "start": s.start, "end": s.end, "hours": s.hours,
        "cost (EUR)": s.cost_eur, "certification": s.certification or "",
    } for k, s in enumerate(path.steps, 1)]), hide_index=True)
    for k, s in enumerate(path.steps, 1):
        extra = " *(prerequisite)*" if s.inserted_as_prerequisite else ""
        st.markdown(f"{k}. **{s.title}** (`{s.module_id}`){extra} — {s.rationale}"
                    + (f" *({s.provider})*" if s.provider else ""))


def render_skills(path: LearningPath, catalogue: Catalogue) -> None:
    """Skills before/after the path against the job's required levels; uncovered skills with reasons."""
    job = catalogue.jobs.get(path.target_job.id)
    required = {r.skill: r.level for r in job.required_skills} if job else {}
    after = levels_after(path)
    skills = list(required) + sorted(s for s in after if s not in required)
    st.dataframe(pd.DataFrame([{
        "skill": catalogue.skill_label(s, path.language),
        "before": path.start_skills.get(s, 0), "after": after.get(s, 0),
        "required": required.get(s),
        "met": (after.get(s, 0) >= required[s]) if s in required else None,
    } for s in skills]), hide_index=True)
    if path.uncovered_skills:
        st.markdown("**Uncovered skills**")
        st.dataframe(pd.DataFrame([{
            "skill": u.label or u.skill, "required": u.required_level, "essential": u.essential,
            "reason": u.reason} for u in path.uncovered_skills]), hide_index=True)


def render_certifications(path: LearningPath) -> None:
    """Certifications held at the end with their renewal dates, held ones that lapse, and the
    certification rules that brought steps (rule, requirement, module added, source)."""
    for lapsed in path.certifications_lapsed:
        st.warning(f"{lapsed['reason']}: not counted as valid", icon=":material/event_busy:")
    if path.certifications_at_end:
        st.dataframe(pd.DataFrame([{
            "certification": c.code, "since": c.obtained, "renew by": c.valid_until or "no expiry",
            "renewal": c.renewal, "obtained through": c.via, "source": c.source or "",
        } for c in path.certifications_at_end]), hide_index=True)
    else:
        st.caption("No certification held at the end.")
    if path.rules_applied:
        st.markdown("**Certification rules applied**")
        st.dataframe(pd.DataFrame([{
            "rule": r["rule"], "kind": r["kind"], "requirement": r["requirement"], "module added": r["module_added"],
            "for": r.get("for_module") or r.get("for_job") or r.get("reason") or "", "source": r["source"],
        } for r in path.rules_applied]), hide_index=True)


def render_mapping(path: LearningPath) -> None:
    """How each skill the learner declared was mapped to the taxonomy."""
    if not path.skill_mapping:
        st.caption("No skill declared.")
        return
    st.dataframe(pd.DataFrame([{
        "declared": m.get("query"), "level": m.get("level"), "mapped to": m.get("label"),
        "confidence": m.get("confidence"), "method": m.get("method"),
    } for m in path.skill_mapping]), hide_index=True,
        column_config={"confidence": st.column_config.NumberColumn(format="%.2f")})


def render_path(path: LearningPath, catalogue: Catalogue) -> None:
    """The whole learning path, top to bottom."""
    render_header(path)
    for w in path.warnings:
        st.warning(w)
    st.markdown("#### Timeline")
    render_timeline(path)
    st.markdown("#### Steps")
    render_steps(path)
    st.markdown("#### Certifications")
    render_certifications(path)
    st.markdown("#### Skills before and after")
    render_skills(path, catalogue)
    st.markdown("#### Skill mapping")
    render_mapping(path)
