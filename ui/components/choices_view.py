"""The learner's own choices on the learner page: modules to keep or refuse, periods without training,
study days; and, under a plan, "keep" / "refuse" buttons per step.

Inputs and table plumbing only: the choices are written into the profile by
:func:`curriculum.learner_choices.replace_choices` (which checks the module ids) and the page plans with
that profile. The inputs hold the whole lists: a YAML profile's own ``pinned_modules``,
``excluded_modules``, ``unavailable`` and ``study_days`` are copied into them when a profile (a new
learner ``id`` or new choices) is read, and the inputs then replace the profile's values.

Session keys: ``choice_pinned``, ``choice_excluded``, ``choice_study_days`` (multiselects),
``choice_unavailable`` (the periods' editor, restarted from ``_unavailable_base``; its value is kept in
``_unavailable_value``), ``_choices_from`` (what was last copied from a profile), ``_choices_unknown``
(profile module ids not in the catalogue, not applied). Words: :mod:`ui.i18n` (the page's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from curriculum import i18n
from curriculum.errors import InputError
from curriculum.knowledge.catalogue import Catalogue
from curriculum.learner_choices import replace_choices
from curriculum.models import LearnerProfile, LearningPath
from curriculum.models.learners import WEEKDAYS, Period
from ui.i18n import lang, t

DEFAULT_DAYS = list(WEEKDAYS[:5])


def periods_table(periods: list[Period]) -> pd.DataFrame:
    """Periods as the editor's rows: ``from``, ``to`` (inclusive days, as datetime64 columns so that an
    empty table still edits as dates)."""
    return pd.DataFrame({"from": pd.to_datetime(pd.Series([p.start for p in periods], dtype="object")),
                         "to": pd.to_datetime(pd.Series([p.end for p in periods], dtype="object"))})


def _day(value: object) -> dt.date | None:
    if value is None or pd.isna(value):  # None, NaN, NaT: an empty cell
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def periods_from_table(table: object) -> list[Period]:
    """The editor's rows as periods; empty rows are skipped.

    Raises
    ------
    InputError
        Naming ``unavailable.N`` (N = 0-based row): a row with one date only, or 'to' before 'from'.
    """
    if not isinstance(table, pd.DataFrame):
        return []
    out = []
    for n, row in enumerate(table.to_dict("records")):
        start, end = _day(row.get("from")), _day(row.get("to"))
        if start is None and end is None:
            continue
        if start is None or end is None:
            raise InputError("give both 'from' and 'to' (the same day for one day)", field=f"unavailable.{n}")
        if end < start:
            raise InputError(f"'to' {end} is before 'from' {start}", field=f"unavailable.{n}")
        out.append(Period(start=start, end=end))
    return out


def sync_from_profile(profile: LearnerProfile | None, catalogue: Catalogue) -> None:
    """Copy ``profile``'s choices into the inputs when it is a new learner or its choices changed
    (call before :func:`choice_inputs` draws them). Ids not in the catalogue are left out and listed."""
    if profile is None:
        return
    signature = (profile.id, tuple(profile.pinned_modules), tuple(profile.excluded_modules),
                 tuple((p.start, p.end) for p in profile.unavailable), tuple(profile.study_days))
    s = st.session_state
    if signature == s.get("_choices_from"):
        return
    s["_choices_from"] = signature
    known = catalogue.modules
    s["choice_pinned"] = [m for m in profile.pinned_modules if m in known]
    s["choice_excluded"] = [m for m in profile.excluded_modules if m in known]
    s["_choices_unknown"] = [m for m in (*profile.pinned_modules, *profile.excluded_modules) if m not in known]
    s["choice_study_days"] = list(profile.study_days)
    s["_unavailable_base"] = periods_table(profile.unavailable)
    s.pop("choice_unavailable", None)  # the editor restarts from the profile's periods


def choice_inputs(catalogue: Catalogue) -> None:
    """The "Modules and calendar" expander: modules to keep and to refuse, study days, periods."""
    s = st.session_state
    mods = catalogue.modules
    ids = sorted(mods, key=lambda m: (mods[m].title.lower(), m))

    def label(module_id: str) -> str:
        return f"{mods[module_id].title} · {mods[module_id].provider}" if module_id in mods else module_id

    chosen = bool(s.get("choice_pinned") or s.get("choice_excluded") or s.get("_choices_unknown")
                  or s.get("_unavailable_value") is not None and len(s["_unavailable_value"].dropna(how="all"))
                  or s.get("choice_study_days", DEFAULT_DAYS) != DEFAULT_DAYS)
    with st.expander(t("choices_expander"), expanded=chosen):
        if s.get("_choices_unknown"):
            st.warning(t("unknown_modules", ids=", ".join(s["_choices_unknown"])))
        c1, c2 = st.columns(2)
        c1.multiselect(t("keep_modules"), ids, key="choice_pinned", format_func=label,
                       placeholder=t("module_placeholder"), help=t("keep_modules_help"))
        c2.multiselect(t("refuse_modules"), ids, key="choice_excluded", format_func=label,
                       placeholder=t("module_placeholder"), help=t("refuse_modules_help"))
        if "choice_study_days" not in s:
            s["choice_study_days"] = list(DEFAULT_DAYS)
        st.multiselect(t("study_days"), list(WEEKDAYS), key="choice_study_days",
                       format_func=i18n.WEEKDAY_NAMES[lang()].get, help=t("study_days_help"))
        st.markdown(t("periods"))
        base = s.get("_unavailable_base")
        if not isinstance(base, pd.DataFrame):
            base = periods_table([])
        s["_unavailable_value"] = st.data_editor(
            base, num_rows="dynamic", key="choice_unavailable", hide_index=True,
            column_config={"from": st.column_config.DateColumn(t("col_from"), format=t("date_format")),
                           "to": st.column_config.DateColumn(t("col_to"), format=t("date_format"))})


def chosen_profile(profile: LearnerProfile, catalogue: Catalogue) -> LearnerProfile:
    """``profile`` with the inputs' choices (they replace the profile's).

    Raises
    ------
    InputError
        Naming the field: a bad period row (``unavailable.N``), no study day, a module both kept and refused.
    """
    s = st.session_state
    return replace_choices(profile, pinned=s.get("choice_pinned") or [], excluded=s.get("choice_excluded") or [],
                           unavailable=periods_from_table(s.get("_unavailable_value")),
                           study_days=s.get("choice_study_days", DEFAULT_DAYS), module_ids=catalogue.modules)


def _choose(module_id: str, action: str, replan: Callable[[tuple[str, str]], None]) -> None:
    """Keep, refuse or release ``module_id`` in the inputs, then ``replan`` (callback of the step buttons)."""
    s = st.session_state
    pinned = [m for m in s.get("choice_pinned") or [] if m != module_id]
    excluded = [m for m in s.get("choice_excluded") or [] if m != module_id]
    if action == "keep":
        pinned.append(module_id)
    elif action == "refuse":
        excluded.append(module_id)
    s["choice_pinned"], s["choice_excluded"] = pinned, excluded
    replan((action, module_id))


def render_step_choices(path: LearningPath, profile: LearnerProfile,
                        replan: Callable[[tuple[str, str]], None]) -> None:
    """Per step of ``path``: "Keep" (or "Release" when kept) and "Refuse" buttons that change the inputs
    and call ``replan`` with what was done: ``(action, module id)``, action ``keep``, ``refuse`` or ``release``."""
    if not path.steps:
        return
    st.caption(t("choices_caption"))
    for k, step in enumerate(path.steps, 1):
        c1, c2 = st.columns([5, 2], vertical_alignment="center")
        c1.markdown(f"{k}. {step.title}")
        kept = step.module_id in profile.pinned_modules
        with c2.container(horizontal=True):
            st.button(t("release") if kept else t("keep"), key=f"keep_{k}", on_click=_choose,
                      args=(step.module_id, "release" if kept else "keep", replan),
                      help=t("release_help") if kept else t("keep_help"))
            st.button(t("refuse"), key=f"refuse_{k}", on_click=_choose, args=(step.module_id, "refuse", replan),
                      help=t("refuse_help"))
