"""The learner page speaks the learner's language (issue #14): French for a French profile, English for an
English one, switchable in the sidebar; values as words (modalities, limits, relaxations, skills by label,
money and dates in the language's format), never raw enum values, ESCO URIs or the other language's labels.

Eval learners of tests/data/eval/learners: L01 (French, feasible, three towns) and L07 (English, infeasible,
a verified relaxation). The planner's own warnings are English sentences of the package (not labels of the
page) and are left out of the label checks, like the learner's own words (declared skills) and the sources
cited (titles of standards).
"""

from __future__ import annotations

import re
import string

import pytest

from curriculum import i18n
from tests.conftest import EVAL_DIR
from tests.ui.conftest import open_page
from tests.ui.rendered_text import element_texts, page_text
from ui.i18n import TEXT

L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
L07 = EVAL_DIR / "L07-impossible-deadline.yaml"
RAW_ALWAYS = ("in_person", "work_study", "limits_broken", "hours_missing", "weeks_missing", "budget_missing_eur",
              "hours_per_week_needed", "skills_unreachable")
RAW_FR = RAW_ALWAYS + ("online", "blended", "workplace")  # English words in English: raw values only in French
ESCO_SKILL = "http://data.europa.eu/esco/skill/"


def fragments(language: str) -> set[str]:
    """The literal pieces (between ``{fields}``) of the labels only ``language`` uses: at least 4 characters,
    with a letter, not shared with the other language's table."""
    other = "en" if language == "fr" else "fr"
    theirs = set(TEXT[other].values())
    out = set()
    for key, text in TEXT[language].items():
        if text == TEXT[other][key] or key in ("date_format", "date_input_format"):
            continue
        for literal, *_ in string.Formatter().parse(text):
            piece = literal.strip(" :;,.()«»“”—-+%")
            if len(piece) >= 4 and any(c.isalpha() for c in piece) and piece not in theirs:
                out.add(piece)
    return out


def labels_found(text: str, language: str) -> list[str]:
    """The labels of ``language`` that occur in ``text`` as whole words."""
    return sorted(f for f in fragments(language) if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text))


def page_words(at, plan: dict, catalogue) -> str:  # type: ignore[no-untyped-def]
    """The rendered text without what is not the page's words: the planner's warnings, the learner's declared
    skills, the sources cited, and the catalogue's module titles (the module pickers list every module, some
    with English titles, e.g. "… (online)")."""
    path = plan["path"]
    content = ({*path.warnings, *(m.get("query") or "" for m in path.skill_mapping)}
               | {c.source or "" for c in path.certifications_at_end} | {r["source"] for r in path.rules_applied})
    titles = tuple(m.title for m in catalogue.modules.values())
    return "\n".join(t for t in element_texts(at) if t not in content and not t.startswith(titles))


def planned(profile_path) -> object:  # type: ignore[no-untyped-def]
    at = open_page()
    at.text_area(key="learner_yaml_text").input(profile_path.read_text(encoding="utf-8"))
    at.button(key="plan_button").click()
    at.run()
    assert not at.exception, at.exception
    return at


def table(at, first_column: str):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if first_column in df.value.columns)


def test_string_tables_have_the_same_keys_and_fields() -> None:
    assert set(TEXT["fr"]) == set(TEXT["en"])
    for key in TEXT["fr"]:
        fields = [{f for _, f, *_ in string.Formatter().parse(TEXT[lang][key]) if f} for lang in ("fr", "en")]
        assert fields[0] == fields[1], key


def test_french_learner_gets_a_french_page_with_values_as_words(workspace) -> None:
    at = planned(L01)
    plan = at.session_state["plan"]
    path = plan["path"]
    fr = TEXT["fr"]
    assert at.session_state["ui_lang"] == "fr" and path.language == "fr"
    assert at.title[0].value == fr["title"] and at.button(key="plan_button").label == fr["plan_button"]

    everything = page_text(at)
    assert ESCO_SKILL not in everything
    text = page_words(at, plan, workspace.catalogue)
    assert not [raw for raw in RAW_FR if re.search(rf"(?<!\w){raw}(?!\w)", text)]
    assert labels_found(text, "en") == []
    assert {fr["h_steps"], fr["m_available"], fr["h_places"], fr["col_modality"]} <= set(labels_found(text, "fr"))

    # metrics: short French labels, compact values (no cents, no "EUR", decimal comma)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[fr["m_hours"]] == i18n.hours(path.total_hours, "fr") == "185,5\u00a0h"
    assert metrics[fr["m_cost"]] == i18n.money(path.total_cost_eur, "fr")
    assert re.fullmatch(r"\d{1,3}(\u00a0\d{3})*\u00a0€", metrics[fr["m_cost"]])
    assert metrics[fr["m_steps"]] == str(len(path.steps))

    # steps: modalities and dates in words, places with their distance
    steps = table(at, fr["col_modality"])
    assert set(steps[fr["col_modality"]]) <= set(i18n.MODALITIES["fr"].values())
    assert list(steps[fr["col_dates"]]) == [i18n.date_range(s.start, s.end, "fr") for s in path.steps]
    assert any("févr." in d for d in steps[fr["col_dates"]])
    # skills by their French label; certifications by code and label
    skills = table(at, fr["col_skill_name"])[fr["col_skill_name"]]
    job = workspace.catalogue.jobs[path.target_job.id]
    assert {workspace.catalogue.skill_label(r.skill, "fr") for r in job.required_skills} <= set(skills)
    certs = table(at, fr["col_since"])[fr["col_cert"]]
    assert any(c.startswith("B2TL — ") for c in certs)

    # the map: home and every town of the steps, drawn from data (no tiles)
    towns = {s.place for s in path.steps if s.place}
    assert len(towns) >= 2
    assert towns | {path.learner_location["city"]} <= set(everything.split("\n"))


def test_english_learner_gets_limits_and_relaxations_as_sentences(workspace) -> None:
    at = planned(L07)
    plan = at.session_state["plan"]
    path = plan["path"]
    en = TEXT["en"]
    assert at.session_state["ui_lang"] == "en" and not path.feasible and path.relaxations

    everything = page_text(at)
    assert ESCO_SKILL not in everything and not re.search(r"\{[a-z_]+\}", everything)  # no unfilled field
    assert not [raw for raw in RAW_ALWAYS if raw in everything]
    # each broken limit is a sentence built from the plan's numbers
    sentences = i18n.limit_sentences(path.infeasibility, "en")
    assert len(sentences) == len(path.infeasibility["limits_broken"]) == 2
    assert sentences[0].startswith(f"{path.infeasibility['hours_missing']:g} hours short")
    assert all(s in at.error[0].value for s in sentences)
    # the relaxation: a sentence with the difference from the learner's deadline, what it gives, a short button
    change = i18n.relaxation_sentence(path.relaxations[0], "en", deadline=plan["profile"].deadline)
    assert change.startswith("Move the deadline ") and "weeks later" in change
    assert any(change in m.value for m in at.markdown)
    assert at.button(key="relax_0").label == en["relax_apply"]
    assert {m.label: m.value for m in at.metric}[en["m_cost"]] == i18n.money(path.total_cost_eur, "en") == "€4,560"

    # no French label (French module titles, rationale quotes and providers are content, removed first)
    text = page_words(at, plan, workspace.catalogue)
    for step in path.steps:
        text = text.replace(step.title, "").replace(step.provider or "\0", "")
    assert labels_found(text, "fr") == []
    assert {en["relax_header"], en["m_available"], en["h_places"], en["col_modality"]} <= set(labels_found(text, "en"))


def test_sidebar_switch_changes_the_words_not_the_plan() -> None:
    at = planned(L01)
    kept = at.session_state["plan"]["path"]
    assert at.metric[0].label == TEXT["fr"]["m_hours"]

    at.radio(key="ui_lang").set_value("en")
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["plan"]["path"] is kept  # words change, nothing is planned again
    assert at.title[0].value == TEXT["en"]["title"] and at.metric[0].label == TEXT["en"]["m_hours"]
    assert at.metric[1].value == i18n.money(kept.total_cost_eur, "en")
    steps = table(at, TEXT["en"]["col_modality"])
    assert set(steps[TEXT["en"]["col_modality"]]) <= set(i18n.MODALITIES["en"].values())

    at.run()  # the user's choice stays while the profile's language does not change
    assert at.session_state["ui_lang"] == "en"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_fragment_check_is_vacuous(language: str) -> None:
    """The label check would see a label of the table if it were shown (guards :func:`labels_found`)."""
    text = f"something {TEXT[language]['m_saved_hours']} else"
    assert TEXT[language]["m_saved_hours"] in labels_found(text, language)
