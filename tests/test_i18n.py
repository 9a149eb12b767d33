"""Values as words (curriculum.i18n): money, hours, dates, modalities, broken limits and relaxations in French
and English, on the eval learners' real plans where a plan is involved."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from curriculum import i18n
from curriculum.learners import load_learner
from curriculum.models.modules import Modality
from tests.conftest import EVAL_DIR

NB = "\u00a0"


def test_money_has_the_languages_separators_and_no_cents_when_whole() -> None:
    assert i18n.money(4560, "fr") == f"4{NB}560{NB}€"
    assert i18n.money(4560.0, "en") == "€4,560"
    assert i18n.money(3710.5, "fr") == f"3{NB}710,50{NB}€"
    assert i18n.money(12.5, "en") == "€12.50"
    assert i18n.money(1_234_567, "fr") == f"1{NB}234{NB}567{NB}€"
    assert i18n.money(0, "fr") == f"0{NB}€" and i18n.money(-440, "en") == "-€440"


def test_hours_dates_and_ranges() -> None:
    assert i18n.hours(185.5, "fr") == f"185,5{NB}h" and i18n.hours(185.5, "en") == f"185.5{NB}h"
    assert i18n.hours(105.0, "fr") == f"105{NB}h" and i18n.hours(94.66, "en") == f"94.7{NB}h"
    assert i18n.date(dt.date(2027, 2, 15), "fr") == "15 févr. 2027"
    assert i18n.date("2027-07-09", "en") == "9 Jul 2027"
    assert i18n.date(None, "fr") == "—" and i18n.date("after 2031-01-04", "fr") == "after 2031-01-04"
    assert i18n.date_range(dt.date(2027, 2, 15), dt.date(2027, 2, 16), "fr") == "15 → 16 févr. 2027"
    assert i18n.date_range(dt.date(2027, 2, 28), dt.date(2027, 3, 3), "en") == "28 Feb → 3 Mar 2027"
    assert i18n.date_range(dt.date(2026, 12, 28), dt.date(2027, 1, 2), "fr") == "28 déc. 2026 → 2 janv. 2027"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_modality_has_a_word_that_is_not_its_value(language: str) -> None:
    words = [i18n.modality(m, language) for m in Modality]
    assert len(set(words)) == len(Modality)
    assert not [w for w in words if "_" in w]
    assert i18n.modality(Modality.IN_PERSON, language) == i18n.modality("in_person", language)
    if language == "fr":
        assert not set(words) & {m.value for m in Modality}


def test_limits_of_the_impossible_deadline_as_sentences(workspace) -> None:
    learner = load_learner(EVAL_DIR / "L07-impossible-deadline.yaml")
    info = workspace.plan(learner).infeasibility
    assert info and {"hours", "deadline"} <= set(info["limits_broken"])
    fr, en = i18n.limit_sentences(info, "fr"), i18n.limit_sentences(info, "en")
    assert len(fr) == len(en) == len(info["limits_broken"])
    missing = i18n.number(info["hours_missing"], "fr")
    assert fr[0].startswith(f"Il manque {missing} heures") and "," in missing
    assert i18n.hours(info["hours_per_week_needed"], "fr") + " par semaine" in fr[0]
    assert f"finir {info['weeks_missing']} semaines plus tard" in fr[0]
    assert en[0].startswith(f"{info['hours_missing']:g} hours short")
    assert f"to finish {info['weeks_missing']} weeks later" in en[0]
    assert f"{info['days_late']} jours après l'échéance du {i18n.date(info['deadline'], 'fr')}" in fr[1]
    assert en[1] == (f"The pathway would end on {i18n.date(info['planned_end'], 'en')}, {info['days_late']} days "
                     f"after the deadline of {i18n.date(info['deadline'], 'en')}.")
    for sentence in fr + en:
        assert not re.search(r"[a-z]+_[a-z]+", sentence), sentence  # no key of the dict


def test_budget_coverage_and_unknown_limits() -> None:
    info = {"limits_broken": ["budget", "coverage", "sessions", "mystery"], "budget_needed_eur": 4560.0,
            "budget_eur": 4120.0, "budget_missing_eur": 440.0, "skills_unreachable": ["s1"], "sessions_missing": ["m1"]}
    names = {"s1": "souder à l'arc", "m1": "Habilitation B2TL"}.get
    fr = i18n.limit_sentences(info, "fr", names)
    assert fr[0] == f"Il manque 440{NB}€ au budget : le parcours coûte 4{NB}560{NB}€ pour un budget de 4{NB}120{NB}€."
    assert fr[1] == "Hors de portée dans vos limites : souder à l'arc."
    assert fr[2] == "Aucune session publiée à temps pour : Habilitation B2TL."
    assert fr[3] == "Limite dépassée : mystery."
    assert i18n.limit_sentences(info, "en", names)[0] == "€440 over budget: the pathway costs €4,560 against a budget of €4,120."
    assert i18n.limit_sentences(None, "fr") == [] and i18n.limit_sentences({"limits_broken": []}, "en") == []


def test_relaxations_as_sentences_with_the_difference() -> None:
    deadline = dt.date(2027, 1, 22)
    later = {"changes": {"deadline": "2027-07-09"}}
    assert i18n.relaxation_sentence(later, "fr", deadline=deadline) == "Repousser l'échéance de 24 semaines, au 9 juil. 2027"
    assert i18n.relaxation_sentence(later, "en", deadline=deadline) == "Move the deadline 24 weeks later, to 9 Jul 2027"
    both = {"changes": {"hours_per_week": 12.0, "budget_eur": 5000, "mobility_km": 80.0}}
    assert i18n.relaxation_sentence(both, "fr", hours_per_week=8, budget_eur=4120, mobility_km=40) == (
        f"Étudier 12{NB}h par semaine (+4{NB}h), porter le budget à 5{NB}000{NB}€ (+880{NB}€) et accepter de vous "
        f"déplacer jusqu'à 80{NB}km (+40{NB}km)")
    assert i18n.relaxation_sentence(both, "en", hours_per_week=8).startswith(f"Study 12{NB}h a week (+4{NB}h), raise")
    summary = {"steps": 4, "total_hours": 105.0, "total_cost_eur": 4560.0, "end": "2027-06-04"}
    assert i18n.plan_outline(summary, "fr") == f"4 modules, 105{NB}h, 4{NB}560{NB}€, fin le 4 juin 2027"
    assert i18n.plan_outline(summary, "en") == f"4 modules, 105{NB}h, €4,560, ends 4 Jun 2027"


def test_plan_summary_uses_the_languages_numbers(workspace) -> None:
    path = workspace.plan(load_learner(EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"))
    assert path.language == "fr"
    assert f"{i18n.hours(path.total_hours, 'fr')}, {i18n.money(round(path.total_cost_eur), 'fr')}" in path.summary
    assert "EUR" not in path.summary
