"""What the learner page does with plans: read the profile, keep a plan with its exports in the session,
apply a relaxation or the step choices and plan again, word the alternatives.

A kept plan (``st.session_state["plan"]``, alternatives in ``"plan_options"``) is a dict: ``path``,
``profile`` (what it was planned from), ``source`` (name in error messages), ``json`` and ``markdown`` (the
strings ``curriculum plan --format json|markdown`` prints), ``ics`` / ``pdf`` once rendered, and after a change
``relaxation`` + ``relaxed_from`` (the profile before it) + ``relaxed_by`` (the planner's ``change`` text) or
``replanned_after`` (``(action, module id)``).
"""

from __future__ import annotations

import re

import streamlit as st

from curriculum import i18n
from curriculum.errors import CurriculumError, InputError
from curriculum.exports import path_to_json, path_to_markdown
from curriculum.learners import parse_learner
from curriculum.models import LearnerProfile, LearningPath
from curriculum.planner.relaxations import relaxation_profile
from ui.components.choices_view import chosen_profile
from ui.components.profile_inputs import profile_text
from ui.i18n import TEXT, lang, t
from ui.services import workspace

try:  # optional exports (iCalendar, PDF): the buttons are hidden when the modules are missing
    from curriculum.exports.ics import path_to_ics
except ImportError:  # pragma: no cover - depends on the installed package
    path_to_ics = None  # type: ignore[assignment]
try:
    from curriculum.exports.pdf import path_to_pdf
except ImportError:  # pragma: no cover
    path_to_pdf = None  # type: ignore[assignment]


def read_profile() -> tuple[LearnerProfile, str]:
    """The validated profile, its choices replaced by the "Modules and calendar" inputs, and its source
    name. Raises :class:`InputError`."""
    given = profile_text()
    if given is None:
        raise InputError(t("no_profile"))
    text, name = given
    return chosen_profile(parse_learner(text, file=name), workspace().catalogue), name


def bundle(path: LearningPath, profile: LearnerProfile, source: str, **extra: object) -> dict:
    """A plan as kept in the session: the path, what it was planned from, and its text exports."""
    return {"path": path, "profile": profile, "source": source, "json": path_to_json(path),
            "markdown": path_to_markdown(path), **extra}


def export(plan: dict, kind: str) -> bytes:
    """The ICS or PDF bytes of a kept plan, rendered once (on first display)."""
    if kind not in plan:
        path = plan["path"]
        profile = plan["profile"]
        plan[kind] = (path_to_ics(path, profile.hours_per_week, study_days=profile.study_days,  # type: ignore[misc]
                                  unavailable=profile.unavailable) if kind == "ics"
                      else path_to_pdf(path))  # type: ignore[misc]
    return plan[kind]


def choose_alternative() -> None:
    """Show the alternative picked in the radio (callback: runs before the page is drawn)."""
    options = st.session_state.get("plan_options") or []
    choice = st.session_state.get("alt_choice") or 0
    if 0 <= choice < len(options):
        st.session_state["plan"] = options[choice]


def apply_relaxation(i: int) -> None:
    """Re-plan with relaxation ``i`` of the shown plan applied (callback: runs before the page is drawn)."""
    plan = st.session_state["plan"]
    relaxation = plan["path"].relaxations[i]
    st.session_state.pop("plan_error", None)
    try:
        profile = relaxation_profile(plan["profile"], relaxation)
        path = workspace().plan(profile, plan["path"].target_job.id, file=plan["source"])
    except CurriculumError as exc:
        st.session_state["plan_error"] = str(exc)
        return
    st.session_state.pop("plan_options", None)
    st.session_state["plan"] = bundle(path, profile, plan["source"], relaxed_by=relaxation["change"],
                                      relaxation=relaxation, relaxed_from=plan["profile"])


def replan_with_choices(done: tuple[str, str]) -> None:
    """Re-plan the shown plan's profile with the inputs' choices (callback of a step's Keep / Refuse;
    ``done`` = ``(action, module id)``)."""
    plan = st.session_state["plan"]
    st.session_state.pop("plan_error", None)
    try:
        profile = chosen_profile(plan["profile"], workspace().catalogue)
        path = workspace().plan(profile, plan["path"].target_job.id, file=plan["source"])
    except CurriculumError as exc:
        st.session_state["plan_error"] = str(exc)
        return
    st.session_state.pop("plan_options", None)
    st.session_state["plan"] = bundle(path, profile, plan["source"], replanned_after=done)


def relaxation_text(relaxation: dict, profile: LearnerProfile) -> str:
    """A relaxation as a sentence in the page's language, with the differences from ``profile``'s limits."""
    return i18n.relaxation_sentence(relaxation, lang(), deadline=profile.deadline,
                                    hours_per_week=profile.hours_per_week, budget_eur=profile.budget_cap,
                                    mobility_km=profile.mobility_km)


def change_text(plan: dict) -> str | None:
    """The info line of a plan made by a change (a relaxation or a step choice), None for a plain plan."""
    if plan.get("relaxation") is not None:
        return t("relaxed_info", what=relaxation_text(plan["relaxation"], plan["relaxed_from"]))
    if plan.get("replanned_after"):
        action, module_id = plan["replanned_after"]
        module = workspace().catalogue.modules.get(module_id)
        return t("replanned_info", what=t(f"done_{action}", title=module.title if module else module_id))
    return None


def alternative_label(path: LearningPath, first: LearningPath | None) -> str:
    """An alternative's radio option: its label (``le plus rapide`` / ``fastest``…) and its trade-off (hours,
    cost, farthest place, share of in-person hours, end; which modules it takes instead of ``first``'s)."""
    language = lang()
    label = path.label or ""
    if m := re.fullmatch(r"alternative (\d+) \(\+([\d.]+) h\)", label):
        label = t("alt_n", n=m.group(1), hours=i18n.hours(float(m.group(2)), language))
    elif f"alt_{label}" in TEXT["en"]:
        label = t(f"alt_{label}")
    far = max((s.distance_km or 0 for s in path.steps), default=0)
    in_person = sum(s.hours for s in path.steps if s.modality.value == "in_person")
    share = round(100 * in_person / path.total_hours) if path.total_hours else 0
    text = t("trade_off", hours=i18n.hours(path.total_hours, language), cost=i18n.money(path.total_cost_eur, language),
             km=i18n.km(far, language), share=share)
    end = max((s.end for s in path.steps), default=None)
    if end:
        text += t("trade_end", end=i18n.date(end, language))
    if not path.feasible:
        text += t("trade_breaks")
    if first is not None and first is not path:
        mine = {s.module_id: s.title for s in path.steps}
        theirs = {s.module_id: s.title for s in first.steps}
        taken = [title for i, title in mine.items() if i not in theirs]
        left = [title for i, title in theirs.items() if i not in mine]
        if taken or left:
            text += t("trade_takes", taken=", ".join(taken) or t("nothing_more"), left=", ".join(left) or t("nothing"))
    return f"{label} — {text}" if label else text
