"""The learner page's chat: build the profile by answering questions, check it in words, plan it.

Presentation and session plumbing only. The dialogue is :class:`curriculum.intake.Intake` (made by
:meth:`curriculum.services.Workspace.intake`; scripted, offline): it asks, reads each answer and gives the
same :class:`~curriculum.models.LearnerProfile` as the YAML file and the form. Once the dialogue is complete the
profile is shown in words for the person to check; "Plan this" calls the page's own plan function (the one the
"Plan" button uses: the profile reaches it as YAML through :func:`chat_yaml`, like the form's), an answer can be
given again (the dialogue asks that question again) and "Start again" drops the conversation.

The chat speaks the page's language (:func:`ui.i18n.lang`); when the language switch changes it, the current
question is asked again in the new language and the answers already given are kept.

Session keys: ``chat_intake`` (the :class:`~curriculum.intake.Intake`), ``chat_profile`` (the profile once
complete), ``chat_error`` (why a complete dialogue gave no profile), ``chat_answer`` (the chat input),
``chat_change`` (the "change an answer" pills).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st
import yaml

from curriculum import i18n
from curriculum.errors import InputError
from curriculum.intake import FIELDS, Intake
from curriculum.models import LearnerProfile
from ui.i18n import lang, t
from ui.services import workspace

LEARNER_ID = "learner"
"""The ``id`` of a profile built in the chat (the form's default id too)."""
CHAT_HEIGHT = 420
"""Height (px) of the scrolling transcript."""
LABELS = {"target_job": "target_job", "location": "home", "mobility_km": "chat_travel",
          "hours_per_week": "chat_pace", "dates": "chat_period", "certifications": "h_certs",
          "preferred_modalities": "modalities", "budget_eur": "chat_budget", "background": "background"}
"""The :mod:`ui.i18n` key naming each field of the dialogue (:data:`curriculum.intake.FIELDS`)."""
_CERT = re.compile(r"^(\S+)\s+(\d{4})-(\d{2})(?:-(\d{2}))?$")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """``text`` shown as typed in Markdown (its Markdown and LaTeX characters escaped)."""
    return _MARKDOWN.sub(r"\\\1", text)


def intake() -> Intake:
    """The conversation of this session (a new one, its first question asked, when there is none), speaking
    the page's language."""
    s = st.session_state
    chat = s.get("chat_intake")
    if chat is None:
        chat = workspace().intake(lang())
        chat.question()
        s["chat_intake"] = chat
    elif chat.language != lang():
        chat.language = lang()
        if chat.missing():
            chat.question()  # the pending question again, in the new language
        else:
            _complete(chat)  # the profile's language follows
    return chat


def chat_profile() -> LearnerProfile | None:
    """The profile the chat gave (None while the dialogue is not complete)."""
    return st.session_state.get("chat_profile")


def chat_yaml() -> str | None:
    """The chat's profile as a learner-profile YAML document (what ``curriculum intake`` writes), or None."""
    profile = chat_profile()
    if profile is None:
        return None
    data = profile.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"expect"})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _complete(chat: Intake) -> None:
    """Make the profile of a complete dialogue; a value the profile refuses is asked for again."""
    s = st.session_state
    s.pop("chat_profile", None)
    s.pop("chat_error", None)
    try:
        s["chat_profile"] = chat.profile(LEARNER_ID)
    except InputError as exc:
        head = (exc.field or "").split(".")[0]
        name = "dates" if head in ("start", "deadline") else head
        if name in FIELDS:
            chat.values.pop(name, None)
            chat.transcript.append(("assistant", t("chat_rejected", what=t(LABELS[name]))))
            chat.question()
        else:
            s["chat_error"] = str(exc)


def _answer() -> None:
    """Read the submitted answer (callback of the chat input: runs before the page is drawn)."""
    s = st.session_state
    text = (s.get("chat_answer") or "").strip()
    chat = s.get("chat_intake")
    if text and chat is not None and chat.missing() and chat.answer(text) is None:
        _complete(chat)


def _change() -> None:
    """Ask again the question whose answer was picked in the pills (their callback)."""
    s = st.session_state
    name, s["chat_change"] = s.get("chat_change"), None
    chat = s.get("chat_intake")
    if chat is None or name not in FIELDS:
        return
    chat.values.pop(name, None)
    s.pop("chat_profile", None)
    chat.question()


def restart() -> None:
    """Drop the conversation and its profile (callback of "Start again")."""
    for k in ("chat_intake", "chat_profile", "chat_error", "chat_change"):
        st.session_state.pop(k, None)


def certification_words(item: object, language: str) -> str:
    """A held certification as the chat read it: ``BR (mars 2024)`` / ``BR (Mar 2024)``, the code alone
    without a date."""
    code = str(getattr(item, "code", item))
    obtained = getattr(item, "obtained", None)
    if obtained is not None:
        return f"{code} ({i18n.date(obtained, language)})"
    m = _CERT.match(code)
    if not m:
        return code
    month = f"{i18n.MONTHS[language][int(m.group(3)) - 1]} {m.group(2)}"
    return f"{m.group(1)} ({(m.group(4).lstrip('0') + ' ') if m.group(4) else ''}{month})"


def profile_rows(profile: LearnerProfile) -> list[tuple[str, str]]:
    """(label, value in words) of each field of the chat's profile, and the skills recognised, in the page's
    language: no enum value, key or skill URI."""
    language = lang()
    catalogue = workspace().catalogue
    job = catalogue.find_job(profile.target_job or "")
    title = ((job.title_fr or job.title) if language == "fr" else job.title) if job else profile.target_job or "—"
    if job and job.rome_code:
        title += f" (ROME {job.rome_code})"
    place = " ".join(p for p in (profile.location.postcode, profile.location.city) if p) or "—"
    quoted = "« {} »" if language == "fr" else "“{}”"
    budget = t("chat_funded") if not profile.budget_eur else i18n.money(profile.budget_eur, language)
    skills = [f"{catalogue.skill_label(s.uri or s.label or '', language)} ({i18n.level(s.level, language)})"
              for s in profile.skills]
    values = {
        "target_job": title, "location": place,
        "mobility_km": t("chat_km", km=i18n.km(profile.mobility_km, language)),
        "hours_per_week": t("chat_hours", hours=i18n.hours(profile.hours_per_week, language)),
        "dates": t("chat_dates", start=i18n.date(profile.start, language), end=i18n.date(profile.deadline, language)),
        "certifications": ", ".join(certification_words(c, language) for c in profile.certifications) or t("none"),
        "preferred_modalities": i18n.join([i18n.modality(m, language) for m in profile.preferred_modalities],
                                          language),
        "budget_eur": budget,
        "background": quoted.format(plain(profile.background))}
    rows = [(t(LABELS[name]), values[name]) for name in FIELDS]
    rows.insert(FIELDS.index("background"), (t("chat_skills"), "; ".join(skills) or t("chat_no_skill")))
    return rows


def _confirmation(profile: LearnerProfile, on_plan: Callable[[], None]) -> None:
    """The profile in words, the "change an answer" pills and the plan and restart buttons."""
    st.markdown(f"#### {t('chat_check')}")
    st.markdown("\n".join(f"- **{label}** : {value}" if lang() == "fr" else f"- **{label}**: {value}"
                          for label, value in profile_rows(profile)))
    # format functions hold this run's words (AppTest calls them again between runs, outside the session)
    st.pills(t("chat_change"), list(FIELDS), format_func={n: t(LABELS[n]) for n in FIELDS}.get, key="chat_change",
             on_change=_change, help=t("chat_change_help"))
    with st.container(horizontal=True):
        plan = st.button(t("chat_plan"), key="chat_plan", type="primary", icon=":material/route:")
        st.button(t("chat_restart"), key="chat_restart", on_click=restart, icon=":material/restart_alt:")
    if plan:
        on_plan()
        if st.session_state.get("plan") is not None:
            st.success(t("chat_planned"), icon=":material/arrow_downward:")


def chat_inputs(on_plan: Callable[[], None]) -> None:
    """The chat: the transcript as bubbles, an input for the next answer, then the profile to confirm.
    ``on_plan``: the page's plan function (reads the profile through :func:`chat_yaml`)."""
    chat = intake()
    st.caption(t("chat_intro"))
    with st.container(key="chat"):  # in a container, the input stays under the transcript (not at the page foot)
        with st.container(height=CHAT_HEIGHT, key="chat_transcript"):  # scrolls, showing the last bubbles
            for role, text in chat.transcript:
                with st.chat_message(role):
                    st.markdown(plain(text) if role == "user" else text)
        if chat.missing():
            st.chat_input(t("chat_placeholder"), key="chat_answer", on_submit=_answer)
    if not chat.missing() and chat_profile() is None and "chat_error" not in st.session_state:
        _complete(chat)
    profile = chat_profile()
    if chat.missing():
        st.caption(t("chat_progress", done=len(FIELDS) - len(chat.missing()), total=len(FIELDS)))
        if chat.values:
            st.button(t("chat_restart"), key="chat_restart", on_click=restart, icon=":material/restart_alt:")
    elif profile is not None:
        _confirmation(profile, on_plan)
    else:
        st.error(st.session_state["chat_error"])
        st.button(t("chat_restart"), key="chat_restart", on_click=restart, icon=":material/restart_alt:")
