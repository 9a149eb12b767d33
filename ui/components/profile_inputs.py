"""The learner page's profile inputs: a YAML file or text, or a form (with skills proposed from a CV); the chat's
profile (:mod:`ui.components.chat_intake`) is read here too, as YAML.

Inputs and plumbing only: validation is :func:`curriculum.learners.parse_learner`; extraction is
:meth:`curriculum.services.Workspace.extract_profile` (the configured LLM, else the rules). The form's skills proposal is kept in
``st.session_state["extracted"]`` and reaches the form only when the user clicks "Use these skills".
Every word comes from :mod:`ui.i18n` (the page's language).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
import yaml

from curriculum import i18n
from curriculum.errors import CurriculumError, InputError
from curriculum.generation.profile_extraction import read_document
from curriculum.learners import parse_learner
from curriculum.models import LearnerProfile
from ui.components.chat_intake import chat_profile, chat_yaml
from ui.components.profile_extraction_view import (
    kept_rows,
    merge_certifications,
    merge_skills,
    proposal_table,
    render_proposal,
)
from ui.i18n import lang, t
from ui.services import workspace

MODALITIES = ["in_person", "online", "blended", "workplace"]
DOCUMENT_TYPES = ["txt", "md", "pdf", "docx"]


def profile_text() -> tuple[str, str] | None:
    """(YAML text, name used in error messages) of the chosen source, or None when nothing is given."""
    if st.session_state.get("profile_source", "yaml") == "form":
        return form_yaml(), t("form_name")
    if st.session_state.get("profile_source") == "chat":
        text = chat_yaml()
        return (text, t("chat_name")) if text else None
    uploaded = st.session_state.get("learner_yaml_file")
    if uploaded is not None:
        try:
            return uploaded.getvalue().decode("utf-8"), uploaded.name
        except UnicodeDecodeError:
            raise InputError("cannot read file: not UTF-8 text", file=uploaded.name) from None
    text = st.session_state.get("learner_yaml_text") or ""
    return (text, t("pasted_yaml")) if text.strip() else None


def given_profile() -> LearnerProfile | None:
    """The YAML source's profile when it parses, or the chat's once complete (None otherwise, or in form mode):
    read before the page is drawn, for its language, target job and choices."""
    if st.session_state.get("profile_source") == "chat":
        return chat_profile()
    try:
        given = profile_text() if st.session_state.get("profile_source", "yaml") == "yaml" else None
        return parse_learner(given[0]) if given else None
    except InputError:
        return None


def profile_language() -> str | None:
    """The language of the profile being entered: the YAML profile's, or the form's language field (None for
    the chat, which speaks the page's language)."""
    if st.session_state.get("profile_source", "yaml") == "form":
        return st.session_state.get("form_language")
    if st.session_state.get("profile_source") == "chat":
        return None
    profile = given_profile()
    return profile.language if profile else None


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


def yaml_inputs() -> None:
    st.file_uploader(t("yaml_upload"), type=["yaml", "yml"], key="learner_yaml_file")
    st.text_area(t("yaml_paste"), key="learner_yaml_text", height=220,
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
            raise InputError(t("nothing_to_read"))
        profile = workspace().extract_profile("\n\n".join(parts), s.get("form_language", "fr"))  # the LLM if set
    except CurriculumError as exc:
        s["extract_error"] = str(exc)
        return
    s["extracted"] = {"table": proposal_table(profile), "certifications": profile.certification_entries()}


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
    s["extract_applied"] = t("extract_applied", skills=len(rows), certs=len(extracted["certifications"]))
    for k in ("extracted", "extracted_skills", "_extracted_value"):
        s.pop(k, None)


def extraction_inputs() -> None:
    """The "Fill skills from a CV" expander: input, proposal, confirmation."""
    s = st.session_state
    with st.expander(t("extract_expander")):
        st.text_area(t("cv_text"), key="cv_text", height=150)
        st.file_uploader(t("cv_file"), type=DOCUMENT_TYPES, key="cv_file")
        st.button(t("extract_button"), key="extract_button", on_click=extract_skills)
        if s.get("extract_error"):
            st.error(s["extract_error"])
        if s.get("extract_applied"):
            st.success(s["extract_applied"])
        extracted = s.get("extracted")
        if extracted:
            st.caption(t("extract_caption"))
            s["_extracted_value"] = render_proposal(extracted["table"], extracted["certifications"],
                                                    key="extracted_skills")
            st.button(t("use_extracted"), key="use_extracted", on_click=use_extracted, type="primary")


def form_inputs() -> None:
    """The profile form (three columns that stack on a narrow screen)."""
    today = dt.date.today()
    fmt = t("date_input_format")
    c1, c2, c3 = st.columns(3)
    c1.text_input(t("form_id"), value="learner", key="form_id")
    c1.selectbox(t("form_language"), ["fr", "en"], key="form_language",
                 format_func={"fr": "Français", "en": "English"}.get)
    c2.text_input(t("city"), key="form_city")
    c2.text_input(t("postcode"), key="form_postcode")
    c3.number_input(t("mobility"), min_value=0.0, max_value=2000.0, value=50.0, step=5.0, key="form_mobility_km")
    c3.number_input(t("hours_per_week"), min_value=1.0, max_value=60.0, value=8.0, step=0.5,
                    key="form_hours_per_week")
    c1.date_input(t("start"), value=today, key="form_start", format=fmt)
    c2.date_input(t("deadline"), value=today + dt.timedelta(days=182), key="form_deadline", format=fmt)
    c3.number_input(t("budget"), min_value=0.0, value=0.0, step=100.0, key="form_budget_eur")
    st.multiselect(t("modalities"), MODALITIES, default=MODALITIES, key="form_modalities",
                   format_func={m: i18n.modality(m, lang()) for m in MODALITIES}.get)
    extraction_inputs()
    st.markdown(t("skills_held"))
    base = st.session_state.get("_skills_base")
    if not isinstance(base, pd.DataFrame):
        base = pd.DataFrame({"label": pd.Series(dtype="str"), "level": pd.Series(dtype="Int64")})
    st.session_state["_skills_value"] = st.data_editor(
        base, num_rows="dynamic", key="form_skills", hide_index=True,
        column_config={"label": st.column_config.TextColumn(t("col_skill_label"), required=True),
                       "level": st.column_config.NumberColumn(t("col_level"), min_value=1, max_value=4, step=1,
                                                              format="%d", required=True)})
    st.text_input(t("certifications_input"), key="form_certifications",
                  placeholder="Habilitation électrique BR, CACES R489")
    st.text_area(t("background"), key="form_background")
