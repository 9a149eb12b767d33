"""Follow-up of saved pathways for training managers (cohort page), in the page's language: per cohort (pathways
saved as ``COHORT/name``) who is late, at risk, on track or done, why, hours done against hours planned by now,
certifications obtained and coming renewals; the report as XLSX.

Thin: the rows are :func:`curriculum.progress.report.progress_report` as of
:func:`curriculum.progress.clock.today` (``CURRICULUM_TODAY`` replays another day), the workbook
:func:`~curriculum.progress.report.report_xlsx`; this module only words and colours them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from curriculum import i18n
from curriculum.errors import CurriculumError
from curriculum.generation.narrative import LIMIT_NAMES
from curriculum.knowledge.catalogue import Catalogue
from curriculum.progress import clock
from curriculum.progress.report import progress_report, report_xlsx
from curriculum.progress.service import cohorts
from ui.i18n import lang, t
from ui.services import pathway_store

STATUSES = ("late", "at_risk", "on_track", "done")
COLOURS = {"late": "red", "at_risk": "orange", "on_track": "green", "done": "blue"}
"""Markdown badge colour of each status."""
BACKGROUNDS = {"late": "#f8d7da", "at_risk": "#ffe5b4", "on_track": "#d1e7dd", "done": "#cfe2ff"}
"""Background of the status cell (light: the text stays readable in light and dark themes)."""
EVENT_KEYS = {"failed": "ev_completed_fail", "missed": "ev_missed", "dropped": "ev_dropped",
              "cancelled": "ev_cancelled"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _title(module_id: str, catalogue: Catalogue) -> str:
    module = catalogue.modules.get(module_id)
    return module.title if module else module_id


def why_words(row: dict, catalogue: Catalogue) -> str:
    """A report row's ``reasons`` as sentences in the page's language (``why`` when the row has none)."""
    language = lang()
    parts = []
    for r in row.get("reasons") or []:
        if r["code"] == "late_end":
            parts.append(t("why_late_end", end=i18n.date(r["end"], language), days=r["days"],
                           deadline=i18n.date(r["deadline"], language)))
        elif r["code"] == "limits":
            names = LIMIT_NAMES.get(language, {})
            parts.append(t("why_limits", limits=i18n.join([names.get(x, x) for x in r["limits"]], language)))
        elif r["code"] == "overdue":
            parts.append(t("why_overdue", title=_title(r["module_id"], catalogue)))
        elif r["code"] in EVENT_KEYS:
            parts.append(t("why_event", what=t(EVENT_KEYS[r["code"]]), title=_title(r["module_id"], catalogue),
                           date=i18n.date(r["on"], language)))
        else:
            return row["why"]
    if parts:
        return " ; ".join(parts) if language == "fr" else "; ".join(parts)
    return t("why_done") if row["status"] == "done" else t("why_on_schedule")


def followup_frame(rows: list[dict], catalogue: Catalogue) -> pd.DataFrame:
    """One row per pathway: name, learner, status and why in words, hours, end and deadline, certifications."""
    language = lang()
    return pd.DataFrame([{
        t("col_pathway"): r["pathway"], t("col_learner"): r["learner_id"], t("col_status"): t(f"st_{r['status']}"),
        t("col_why"): why_words(r, catalogue), t("col_hours_done"): i18n.hours(r["hours_done"], language),
        t("col_hours_by_now"): i18n.hours(r["hours_planned_by_now"], language),
        t("col_hours_planned"): i18n.hours(r["hours_planned"], language),
        t("col_planned_end"): i18n.date(r["planned_end"], language),
        t("col_deadline"): i18n.date(r["deadline"], language),
        t("col_certs_obtained"): ", ".join(t("cert_on", code=c["code"], date=i18n.date(c["on"], language))
                                           for c in r["certifications_obtained"]),
        t("col_renewals"): ", ".join(t("renewal", code=c["code"], date=i18n.date(c["valid_until"], language))
                                     for c in r["renewals"])} for r in rows])


def render_followup(catalogue: Catalogue) -> None:
    """"Pathway follow-up": a cohort picker, the counts per status, the table (status coloured), XLSX."""
    st.subheader(t("fu_title"))
    try:
        today = clock.today()
        store = pathway_store()
        names = store.names()
        choices = ["", *cohorts(names)]
        if st.session_state.get("followup_cohort") not in choices:
            st.session_state.pop("followup_cohort", None)
        st.selectbox(t("fu_cohort"), choices, key="followup_cohort",
                     format_func={"": t("fu_all"), **{c: c for c in choices[1:]}}.get)
        cohort = st.session_state.get("followup_cohort") or None
        rows = progress_report(store, today, cohort)
    except CurriculumError as exc:
        st.error(str(exc))
        return
    if not rows:
        st.info(t("fu_none"))
        return
    st.caption(t("fu_caption", today=i18n.date(today, lang())))
    counts = {status: sum(r["status"] == status for r in rows) for status in STATUSES}
    st.markdown(" ".join(f":{COLOURS[k]}-badge[{t('fu_count', status=t(f'st_{k}'), n=n)}]"
                         for k, n in counts.items() if n))
    frame = followup_frame(rows, catalogue)
    column = t("col_status")
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    styles[column] = [f"background-color: {BACKGROUNDS[r['status']]}; color: #212529" for r in rows]
    st.dataframe(frame.style.apply(lambda _: styles, axis=None), hide_index=True,
                 column_config={t("col_why"): st.column_config.TextColumn(width="large")})
    slug = "".join(c if c.isalnum() else "-" for c in (cohort or "all").lower()).strip("-") or "all"
    st.download_button(t("fu_xlsx"), report_xlsx(rows), file_name=f"follow-up-{slug}-{today}.xlsx", mime=XLSX_MIME,
                       key="download_followup_xlsx", on_click="ignore", icon=":material/download:")
