"""The learner page's chat (issue #14, item 3): a learner builds the profile by answering questions in the page's
language, checks it in words, and plans it with the page's own plan function; no raw value, key or URI is shown
on the way; an answer that cannot be read gets the question again with an example.

Answers are the scripts of tests/intake/test_dialogue.py (``FRENCH``, ``ENGLISH``).
"""

from __future__ import annotations

import re

from curriculum import i18n
from curriculum.generation.profile_extraction import extract_profile
from curriculum.intake import FIELDS
from tests.intake.test_dialogue import ENGLISH, FRENCH, converse
from tests.ui.conftest import open_page
from tests.ui.rendered_text import element_texts
from ui.i18n import TEXT

ESCO = "http://data.europa.eu/esco/"
RAW = ("in_person", "online", "blended", "workplace", "work_study", "None", "True", "Modality.", "{", "}")
ELECTRICIAN = "Électricien depuis 5 ans, je fais du câblage et de la lecture de schémas électriques."


def chat_page():  # type: ignore[no-untyped-def]
    at = open_page()
    at.radio(key="profile_source").set_value("chat").run()
    assert not at.exception, at.exception
    return at


def say(at, text: str) -> None:  # type: ignore[no-untyped-def]
    at.chat_input(key="chat_answer").set_value(text).run()
    assert not at.exception, at.exception


def bubbles(at) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m.name, "\n".join(md.value for md in m.markdown)) for m in at.chat_message]


def raw_shown(at, catalogue, language: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Raw values on the page: ESCO URIs, enum values, field names, job ids. Left out: the catalogue's module
    titles (the module pickers list them, some English, e.g. "… (online)") and the job picker's help, which
    names the YAML key ``target_job`` on purpose."""
    titles = tuple(m.title for m in catalogue.modules.values())
    text = "\n".join(s for s in element_texts(at) if s != TEXT[language]["job_help"] and not s.startswith(titles))
    words = {"dates", "location", "background", "certifications"} | ({"online", "blended", "workplace"}
                                                                      if language == "en" else set())
    raw = [r for r in (*RAW, *FIELDS, *catalogue.jobs) if r not in words]  # words of the language too
    found = [r for r in raw if re.search(rf"(?<![\w-]){re.escape(r)}(?![\w-])", text)]
    return found + ([ESCO] if ESCO in text else [])


def confirmation(at) -> str:  # type: ignore[no-untyped-def]
    heading = TEXT["fr"]["chat_check"], TEXT["en"]["chat_check"]
    k = next(i for i, m in enumerate(at.markdown) if m.value.lstrip("# ") in heading)
    return at.markdown[k + 1].value


def test_a_french_learner_chats_checks_the_profile_and_gets_a_plan(workspace) -> None:
    fr = TEXT["fr"]
    at = chat_page()
    assert bubbles(at) == [("assistant", "Quel métier visez-vous ?")]
    assert at.chat_input(key="chat_answer").placeholder == fr["chat_placeholder"]
    for answer in FRENCH:
        say(at, answer)
        assert raw_shown(at, workspace.catalogue, "fr") == [], answer
    assert len(at.chat_input) == 0 and bubbles(at)[-1][1].startswith("Merci")
    assert [text for role, text in bubbles(at) if role == "user"][2] == "40 km"

    # the profile is the dialogue's own, shown in words
    profile = at.session_state["chat_profile"]
    expected = converse(workspace, "fr", FRENCH)[0].profile("learner")
    assert profile.model_dump() == expected.model_dump()
    job = workspace.catalogue.jobs[profile.target_job]
    shown = confirmation(at)
    for words in (job.title_fr, "Douai", "jusqu'à 40\u00a0km", "8\u00a0h par semaine",
                  "du 4 janv. 2027 au 30 sept. 2027", "présentiel et en entreprise", "4\u00a0000\u00a0€",
                  fr["chat_no_skill"], "« Mécanicien automobile depuis 12 ans "):
        assert words in shown, words
    assert at.button_group[0].options == [fr[k] for k in
                                                 ("target_job", "home", "chat_travel", "chat_pace", "chat_period",
                                                  "h_certs", "modalities", "chat_budget", "background")]

    at.button(key="chat_plan").click().run()
    assert not at.exception, at.exception
    plan = at.session_state["plan"]
    path = plan["path"]
    assert plan["source"] == fr["chat_name"] and plan["profile"].target_job == profile.target_job
    assert path.steps and path.feasible and "B2TL" in path.certifications_obtained
    assert [s.module_id for s in path.steps] == [s.module_id for s in workspace.plan(expected).steps]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[fr["m_hours"]] == i18n.hours(path.total_hours, "fr")
    assert at.subheader[0].value.startswith(job.title_fr)
    assert at.success[0].value == fr["chat_planned"]
    # the plan's own views are checked in test_learner_language.py (module titles such as "… (online)" are
    # content there, booleans are checkboxes): here, no URI and no field name of the chat
    assert {"online", "True"} >= set(raw_shown(at, workspace.catalogue, "fr"))


def test_an_answer_that_cannot_be_read_shows_the_question_again_with_an_example(workspace) -> None:
    at = chat_page()
    say(at, "euh, je ne sais pas trop")
    (r1, question), (r2, said), (r3, again) = bubbles(at)
    assert (r1, r2, r3) == ("assistant", "user", "assistant") and said == "euh, je ne sais pas trop"
    assert again.startswith("Je n'ai pas compris") and question in again and "par exemple" in again
    assert TEXT["fr"]["chat_progress"].format(done=0, total=len(FIELDS)) in [c.value for c in at.caption]
    assert len(at.chat_input) == 1 and raw_shown(at, workspace.catalogue, "fr") == []
    say(at, FRENCH[0])
    assert bubbles(at)[-1] == ("assistant", "Où habitez-vous (ville ou code postal) ?")


def test_skills_by_label_an_answer_changed_and_start_again(workspace) -> None:
    at = chat_page()
    for answer in FRENCH[:-1] + [ELECTRICIAN]:
        say(at, answer)
    profile = at.session_state["chat_profile"]
    found = extract_profile(ELECTRICIAN, workspace.catalogue.taxonomy, "fr", jobs=workspace.catalogue.jobs).skills
    assert found and [s.uri for s in profile.skills] == [s.skill for s in found]
    shown = confirmation(at)
    for skill in profile.skills:
        assert f"{workspace.catalogue.skill_label(skill.uri, 'fr')} ({i18n.level(skill.level, 'fr')})" in shown
    assert raw_shown(at, workspace.catalogue, "fr") == []

    asked = len(bubbles(at))
    at.button_group[0].set_value("mobility_km").run()  # "Déplacements"
    assert not at.exception, at.exception
    assert bubbles(at)[asked:] == [("assistant", bubbles(at)[4][1])] and len(at.chat_input) == 1
    say(at, "25 km")
    assert at.session_state["chat_profile"].mobility_km == 25 and "jusqu'à 25\u00a0km" in confirmation(at)
    assert at.session_state["chat_profile"].hours_per_week == 8  # the other answers are kept

    at.button(key="chat_restart").click().run()
    assert bubbles(at) == [("assistant", "Quel métier visez-vous ?")] and "chat_profile" not in at.session_state


def test_the_chat_follows_the_language_switch_and_keeps_the_answers(workspace) -> None:
    at = chat_page()
    say(at, FRENCH[0])
    say(at, FRENCH[1])
    at.radio(key="ui_lang").set_value("en").run()
    assert not at.exception, at.exception
    assert bubbles(at)[-1] == ("assistant", "How many kilometres can you travel to a course?")
    assert at.chat_input(key="chat_answer").placeholder == TEXT["en"]["chat_placeholder"]
    for answer in ENGLISH[2:]:
        say(at, answer)
        assert raw_shown(at, workspace.catalogue, "en") == [], answer
    profile = at.session_state["chat_profile"]
    assert profile.language == "en" and profile.location.city == "Douai"
    shown = confirmation(at)
    for words in ("up to 40\u00a0km", "8\u00a0h a week", "from 4 Jan 2027 to 30 Sep 2027", "in person and workplace",
                  "€4,000", workspace.catalogue.jobs[profile.target_job].title):
        assert words in shown, words


def test_a_value_the_profile_refuses_is_asked_again_and_a_dated_certification_is_worded(workspace) -> None:
    fr = TEXT["fr"]
    at = chat_page()
    answers = list(FRENCH)
    answers[5] = "habilitation BR obtenue en mars 2024"
    answers[7] = "20000000 €"  # above the profile's budget limit (10 million EUR): the question is asked again
    for answer in answers[:8]:
        say(at, answer)
    last = bubbles(at)[-1]
    assert last[0] == "assistant" and last[1].startswith("Je n'ai pas compris. Quel budget")
    assert "chat_profile" not in at.session_state and len(at.chat_input) == 1
    say(at, "financé par mon CPF")
    say(at, answers[8])
    profile = at.session_state["chat_profile"]
    assert profile.budget_eur == 0 and profile.certifications == ["BR 2024-03-01"]
    shown = confirmation(at)
    assert f"{fr['chat_budget']}** : {fr['chat_funded']}" in shown and "BR (1 mars 2024)" in shown
    assert raw_shown(at, workspace.catalogue, "fr") == []
