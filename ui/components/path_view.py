"""Render a :class:`~curriculum.models.LearningPath` in the page's language: badge with the broken limits as
sentences, metrics, map, timeline, steps, certifications (held at the end with renewal dates, rules
applied), skills, mapping.

Presentation only: every number comes from the path (and the catalogue for labels, the job's title and
required levels). Values are words (:mod:`curriculum.i18n`): modalities, skills by label (never by URI),
certifications by code and label, dates and money in the language's format. Units: hours, EUR, km;
proficiency levels 1 aware … 4 expert.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from curriculum import i18n
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import LearningPath
from curriculum.rules.reference import load_reference
from ui.components.map_view import render_map
from ui.i18n import lang, t, vega_locale

TITLE_CHARS = 42  # module titles on chart axes and legends are cut there (full title in the tooltip)


def levels_after(path: LearningPath) -> dict[str, int]:
    """Skill id → level once every step is done: ``start_skills`` raised by each step's outcomes."""
    after = dict(path.start_skills)
    for step in path.steps:
        for skill, level in step.outcomes.items():
            after[skill] = max(after.get(skill, 0), level)
    return after


def short(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` cut at a word before ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" :,–-")
    return cut + "…"


def namer(catalogue: Catalogue):  # type: ignore[no-untyped-def]
    """A function naming a skill URI, a ``module:ID`` pseudo-skill or a module id in the page's language."""
    language = lang()

    def name(ref: str) -> str:
        ref_id = ref.removeprefix("module:")
        if ref_id in catalogue.modules:
            return catalogue.modules[ref_id].title
        return catalogue.skill_label(ref, language)

    return name


def certification_text(code: str, label: str | None) -> str:
    """``B2TL — Habilitation électrique…`` (the code alone without a label)."""
    return f"{code} — {label}" if label and label != code else code


def certification_label(code: str, via: str | None, catalogue: Catalogue, fallback: str | None) -> str | None:
    """A certification's label: in French the awarding module's own (French) label, else ``fallback``."""
    module = catalogue.modules.get(via or "")
    if lang() == "fr" and module and module.certification and module.certification.code == code:
        return module.certification.label
    return fallback


def job_title(path: LearningPath, catalogue: Catalogue) -> str:
    job = catalogue.jobs.get(path.target_job.id)
    if job is None:
        return path.target_job.title
    return (job.title_fr or job.title) if lang() == "fr" else job.title


def render_header(path: LearningPath, catalogue: Catalogue) -> None:
    """Target job, summary, feasibility badge (the broken limits as sentences) and the totals."""
    language = lang()
    job = path.target_job
    st.subheader(job_title(path, catalogue) + (f" (ROME {job.rome_code})" if job.rome_code else ""))
    if path.summary:
        st.markdown(path.summary)
    if path.already_qualified:
        st.success(t("already_qualified"), icon=":material/verified:")
    elif path.feasible:
        st.success(t("feasible"), icon=":material/check_circle:")
    else:
        sentences = i18n.limit_sentences(path.infeasibility, language, namer(catalogue))
        st.error("\n".join([t("infeasible"), ""] + [f"- {s}" for s in sentences]), icon=":material/block:")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("m_hours"), i18n.hours(path.total_hours, language), help=t("m_hours_help"))
    full = t("m_full_price", price=i18n.money(path.total_full_price_eur, language)) if path.total_full_price_eur \
        else None
    c2.metric(t("m_cost"), i18n.money(path.total_cost_eur, language),
              help=t("m_cost_help") + (f" ({full})" if full else ""))
    c3.metric(t("m_available"), i18n.hours(path.hours_available, language), help=t("m_available_help"))
    c4.metric(t("m_steps"), len(path.steps))


def render_timeline(path: LearningPath) -> None:
    """Altair Gantt chart of the steps: one row per module, its number and short title above its bar (readable
    on a phone, where a label column would squeeze the bars), bars coloured by modality."""
    if not path.steps:
        return
    language = lang()
    rows = [{"module": f"{k}. {short(s.title, 60)}", "title": s.title, "start": pd.Timestamp(s.start),
             # end is inclusive: draw the bar to the end of the last day
             "end": pd.Timestamp(s.end + dt.timedelta(days=1)), "modality": i18n.modality(s.modality, language),
             "dates": i18n.date_range(s.start, s.end, language), "hours": i18n.hours(s.hours, language)}
            for k, s in enumerate(path.steps, 1)]
    y = alt.Y("module:N", sort=None, title=None, axis=None, scale=alt.Scale(paddingInner=0.55, paddingOuter=0.3))
    tooltip = [alt.Tooltip("title:N", title=t("col_module")), alt.Tooltip("modality:N", title=t("col_modality")),
               alt.Tooltip("dates:N", title=t("col_dates")), alt.Tooltip("hours:N", title=t("col_hours"))]
    base = alt.Chart(pd.DataFrame(rows)).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(cornerRadius=2).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month", grid=True)), x2="end:T",
        color=alt.Color("modality:N", title=t("col_modality"), legend=alt.Legend(orient="bottom")))
    names = base.mark_text(align="left", baseline="bottom", dy=-7, fontSize=12).encode(x=alt.value(0),
                                                                                      text="module:N")
    chart = (alt.layer(bars, names).properties(height=alt.Step(40))
             .configure(locale=vega_locale()).configure_view(stroke=None))
    st.altair_chart(chart)


def render_steps(path: LearningPath, catalogue: Catalogue) -> None:
    """Table of steps, then each step's rationale."""
    if not path.steps:
        st.info(t("no_module"))
        return
    language = lang()

    def place(s) -> str:  # type: ignore[no-untyped-def]
        if not s.place:
            return t("online_place")
        return s.place + (f" ({i18n.km(s.distance_km, language)})" if s.distance_km is not None else "")

    def cert(s) -> str:  # type: ignore[no-untyped-def]
        module = catalogue.modules.get(s.module_id)
        label = module.certification.label if module and module.certification else None
        return certification_text(s.certification, label) if s.certification else ""

    columns = {"n": "#", "module": t("col_module"), "modality": t("col_modality"), "place": t("col_place"),
               "dates": t("col_dates"), "hours": t("col_hours"), "cost": t("col_cost"), "cert": t("col_cert")}
    st.dataframe(pd.DataFrame([{
        "n": k, "module": s.title, "modality": i18n.modality(s.modality, language), "place": place(s),
        "dates": i18n.date_range(s.start, s.end, language), "hours": i18n.hours(s.hours, language),
        "cost": i18n.money(s.cost_eur, language), "cert": cert(s),
    } for k, s in enumerate(path.steps, 1)]).rename(columns=columns), hide_index=True,
        column_config={t("col_module"): st.column_config.TextColumn(width="medium")})
    for k, s in enumerate(path.steps, 1):
        extra = f" *({t('prerequisite')})*" if s.inserted_as_prerequisite else ""
        st.markdown(f"{k}. **{s.title}**{extra} — {s.rationale}" + (f" *({s.provider})*" if s.provider else ""))


def render_skills(path: LearningPath, catalogue: Catalogue) -> None:
    """Skills before/after the path against the job's required levels; uncovered skills with reasons."""
    name = namer(catalogue)
    job = catalogue.jobs.get(path.target_job.id)
    required = {r.skill: r.level for r in job.required_skills} if job else {}
    after = levels_after(path)
    skills = list(required) + sorted((s for s in after if s not in required), key=name)
    table = pd.DataFrame([{
        t("col_skill_name"): name(s), t("col_before"): path.start_skills.get(s, 0), t("col_after"): after.get(s, 0),
        t("col_required"): required.get(s),
        t("col_met"): (after.get(s, 0) >= required[s]) if s in required else None,
    } for s in skills])
    st.dataframe(table.astype({t("col_required"): "Int64"}) if not table.empty else table, hide_index=True)
    st.caption(t("levels_caption"))
    if path.uncovered_skills:
        st.markdown(f"**{t('uncovered')}**")
        st.dataframe(pd.DataFrame([{
            t("col_skill_name"): u.label if u.label and "://" not in u.label else name(u.skill),
            t("col_required_level"): u.required_level, t("col_essential"): u.essential, t("col_reason"): u.reason}
            for u in path.uncovered_skills]), hide_index=True)


def requirement_text(code: str, catalogue: Catalogue) -> str:
    """A rule's requirement in words: a class with its members, a competence's label, a skill's label, a code."""
    reference = load_reference()
    if reference.is_class(code):
        return f"{code} ({', '.join(reference.classes[code].members)})"
    if code in reference.competences:
        comp = reference.competences[code]
        return comp.label_fr if lang() == "fr" and comp.label_fr else comp.label
    return code if reference.rule(code) or "://" not in code else namer(catalogue)(code)


def render_certifications(path: LearningPath, catalogue: Catalogue) -> None:
    """Certifications held at the end with their renewal dates, held ones that lapse, and the
    certification rules that brought steps (rule, requirement, module added, source)."""
    language = lang()
    name = namer(catalogue)
    for lapsed in path.certifications_lapsed:
        st.warning(t("lapsed", what=lapsed.get("reason") or lapsed.get("code", "")), icon=":material/event_busy:")
    if path.certifications_at_end:
        st.dataframe(pd.DataFrame([{
            t("col_cert"): certification_text(c.code, certification_label(c.code, c.via, catalogue, c.label)),
            t("col_since"): i18n.date(c.obtained, language),
            t("col_renew_by"): i18n.date(c.valid_until, language) if c.valid_until else t("no_expiry"),
            t("col_renewal"): c.renewal, t("col_via"): t("held") if c.via == "held" else name(c.via),
            t("col_source"): c.source or "",
        } for c in path.certifications_at_end]), hide_index=True)
    else:
        st.caption(t("no_cert_end"))
    if path.rules_applied:
        st.markdown(f"**{t('rules')}**")
        known = {k.removeprefix("kind_") for k in ("kind_certification", "kind_skill", "kind_competence", "kind_held",
                                                  "kind_provider_lock", "kind_companion", "kind_renewal",
                                                  "kind_initial_after_lapse")}
        st.dataframe(pd.DataFrame([{
            t("col_rule"): r["rule"], t("col_kind"): t(f"kind_{r['kind']}") if r["kind"] in known else r["kind"],
            t("col_requirement"): requirement_text(r["requirement"], catalogue),
            t("col_added"): name(r["module_added"]),
            t("col_for"): name(r.get("for_module") or "") if r.get("for_module")
            else job_title(path, catalogue) if r.get("for_job") else r.get("reason") or "",
            t("col_source"): r["source"],
        } for r in path.rules_applied]), hide_index=True)


def render_mapping(path: LearningPath) -> None:
    """How each skill the learner declared was mapped to the taxonomy."""
    if not path.skill_mapping:
        st.caption(t("no_skill_declared"))
        return
    methods = {"uri", "exact", "alternative", "embedding", "unmapped"}
    st.dataframe(pd.DataFrame([{
        t("col_declared"): m.get("query"), t("col_level_title"): m.get("level"),
        t("col_mapped"): m.get("label") if m.get("skill") else "—",
        t("col_confidence_title"): m.get("confidence"),
        t("col_method"): t(f"method_{m.get('method')}") if m.get("method") in methods else m.get("method"),
    } for m in path.skill_mapping]), hide_index=True,
        column_config={t("col_confidence_title"): st.column_config.NumberColumn(format="%.2f")})


def render_path(path: LearningPath, catalogue: Catalogue) -> None:
    """The whole learning path, top to bottom."""
    render_header(path, catalogue)
    render_details(path, catalogue)


def render_details(path: LearningPath, catalogue: Catalogue) -> None:
    """Everything under the header: warnings, places, timeline, steps, certifications, skills, mapping."""
    for w in path.warnings:
        st.warning(w)
    st.markdown(f"#### {t('h_places')}")
    render_map(path, catalogue)
    st.markdown(f"#### {t('h_timeline')}")
    render_timeline(path)
    st.markdown(f"#### {t('h_steps')}")
    render_steps(path, catalogue)
    st.markdown(f"#### {t('h_certs')}")
    render_certifications(path, catalogue)
    st.markdown(f"#### {t('h_skills')}")
    render_skills(path, catalogue)
    st.markdown(f"#### {t('h_mapping')}")
    render_mapping(path)
