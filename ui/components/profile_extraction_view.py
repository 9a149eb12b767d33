"""Proposed skills from a CV or a description: the review table and merging into the learner form.

Presentation and table plumbing only: the extraction itself is
:func:`curriculum.generation.profile_extraction.extract_profile`. Nothing here changes the form; the
page applies :func:`merge_skills` / :func:`merge_certifications` when the user confirms. Words: :mod:`ui.i18n`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from curriculum.generation.profile_extraction import ExtractedProfile
from ui.i18n import t

PROPOSAL_COLUMNS = ["keep", "label", "level", "confidence", "evidence"]


def proposal_table(profile: ExtractedProfile) -> pd.DataFrame:
    """One row per proposed skill, all kept by default (columns of :data:`PROPOSAL_COLUMNS`)."""
    rows = [{"keep": True, "label": s.label, "level": s.level, "confidence": s.confidence, "evidence": s.evidence}
            for s in profile.skills]
    table = pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)
    return table.astype({"keep": "bool", "label": "str", "level": "Int64", "confidence": "float"})


def render_proposal(table: pd.DataFrame, certifications: list[str], key: str) -> pd.DataFrame:
    """The proposal as an editor where only ``keep`` can change; returns the edited table."""
    if table.empty:
        st.info(t("no_skill_found"))
        edited = table
    else:
        edited = st.data_editor(
            table, key=key, hide_index=True, disabled=[c for c in PROPOSAL_COLUMNS if c != "keep"],
            column_config={
                "keep": st.column_config.CheckboxColumn(t("col_keep"), help=t("untick_help")),
                "label": st.column_config.TextColumn(t("col_skill")),
                "level": st.column_config.NumberColumn(t("col_level"), format="%d", help=t("level_help")),
                "confidence": st.column_config.ProgressColumn(t("col_confidence"), min_value=0.0, max_value=1.0,
                                                              format="%.1f"),
                "evidence": st.column_config.TextColumn(t("col_evidence"), width="large"),
            })
    if certifications:
        st.markdown(t("certs_found", codes=", ".join(f"`{c}`" for c in certifications)))
    else:
        st.caption(t("no_cert_found"))
    return edited


def kept_rows(table: pd.DataFrame | None) -> list[dict]:
    """``{"label", "level"}`` of the rows ticked ``keep``."""
    if not isinstance(table, pd.DataFrame) or table.empty:
        return []
    return [{"label": str(r["label"]), "level": int(r["level"]) if pd.notna(r["level"]) else pd.NA}
            for r in table.to_dict("records") if bool(r.get("keep"))]


def merge_skills(current: pd.DataFrame | None, rows: list[dict]) -> pd.DataFrame:
    """The form's skills table with ``rows`` appended; a label already present (any case) is not repeated."""
    merged: list[dict] = []
    seen: set[str] = set()
    records = current.to_dict("records") if isinstance(current, pd.DataFrame) else []
    for row in [*records, *rows]:
        label = str(row.get("label") or "").strip() if pd.notna(row.get("label")) else ""
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            level = row.get("level")
            merged.append({"label": label, "level": int(level) if pd.notna(level) else pd.NA})
    return pd.DataFrame({"label": pd.Series([r["label"] for r in merged], dtype="str"),
                         "level": pd.Series([r["level"] for r in merged], dtype="Int64")})


def merge_certifications(current: str, codes: list[str]) -> str:
    """The comma-separated certifications field with ``codes`` appended (no duplicates)."""
    items = [c.strip() for c in (current or "").split(",") if c.strip()]
    present = {c.casefold() for c in items}
    items += [c for c in codes if c.casefold() not in present]
    return ", ".join(items)
