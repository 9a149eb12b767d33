"""LHEO field readers: escaped-HTML rich text, durations with their stated conversion rules, French
prices, dates, work-study rhythms, entry levels and entry conditions (issue #11)."""

from __future__ import annotations

import datetime as dt

import pytest

from curriculum.knowledge.lheo_fields import (
    HOURS_PER_MONTH, date_of, entry_level_text, hours_of, is_work_study, language_of, parse_indicative, price_of,
)
from curriculum.knowledge.lheo_text import entry_conditions, one_line, prerequisite_passages, required_codes, rich_text
from curriculum.rules.reference import load_reference


@pytest.mark.parametrize("raw, expected", [
    ("&lt;p&gt;Risque &amp;eacute;lectrique&lt;/p&gt;", "Risque électrique"),  # escaped twice: entities too
    ("<p>Un</p><p>Deux<br/>trois</p>", "Un\n\nDeux\ntrois"),
    ("<ul><li>a</li><li>b<ol><li>c</li><li>d</li></ol></li></ul><p>fin</p>", "- a\n- b\n  1. c\n  2. d\n\nfin"),
    ("<p><strong>Gras</strong> et <a href='x'>lien</a>&nbsp;!</p><script>alert(1)</script>", "Gras et lien !"),
    ("Texte brut\n   sur deux lignes\n\n\n\nfin", "Texte brut\nsur deux lignes\n\nfin"),
    ("R&D < 30 ans & plus", "R&D < 30 ans & plus"),  # not markup: kept as text
    ("Sant&eacute; &amp; s&eacute;curit&eacute;", "Santé & sécurité"),
    ("", ""), (None, ""),
])
def test_rich_text(raw, expected) -> None:
    assert rich_text(raw) == expected


def test_one_line_and_prerequisite_passages() -> None:
    md = rich_text("<p>Objectifs</p><ul><li>lire un plan</li><li>consigner</li></ul>"
                   "<p>Pr&eacute;requis :</p><ul><li>bases en &eacute;lectricit&eacute;</li><li>avis m&eacute;dical</li></ul>"
                   "<p>&Eacute;valuation finale.</p>")
    assert one_line(md) == "Objectifs lire un plan consigner Prérequis : bases en électricité avis médical Évaluation finale."
    assert one_line(md, 25) == "Objectifs lire un plan…"
    assert prerequisite_passages(md) == ["Prérequis :\n- bases en électricité\n- avis médical"]
    assert prerequisite_passages("Conditions d'accès : CAP ou expérience.\nSuite") == \
        ["Conditions d'accès : CAP ou expérience.\nSuite"]
    assert prerequisite_passages("Aucun passage ici.") == []


@pytest.mark.parametrize("text, hours, rule", [
    ("2 ans", 2400, "1 200 h per year"), ("1 an et demi", 1800, "1 200 h per year"),
    ("6 mois", round(6 * HOURS_PER_MONTH, 2), "151.67 h per month"), ("3 semaines", 105, "35 h per week"),
    ("3 jours", 21, "7 h per day"), ("une demi-journée", 3.5, "3.5 h per half-day"),
    ("35 h", 35, None), ("21 heures", 21, None), ("21h30", 21.5, None), ("1 200 heures", 1200, None),
    ("5 jours (35 heures)", 35, None),  # hours stated anywhere win; the bracket is not added
    ("2 ans et 6 mois", round(2400 + 6 * HOURS_PER_MONTH, 2), "151.67 h per month"),
    ("de 3 à 5 jours", 28, "the middle of the stated range"), ("entre 300 et 600 heures", 450, "middle"),
])
def test_duree_indicative(text, hours, rule) -> None:
    got, stated = parse_indicative(text)
    assert got == hours
    assert (stated is None) if rule is None else (rule in stated)


@pytest.mark.parametrize("text", ["", "Variable", "Selon positionnement", "   "])
def test_duree_indicative_without_duration(text) -> None:
    assert parse_indicative(text) is None


def test_hours_order_and_flag() -> None:
    assert hours_of("35", "100", "50", "2 ans") == (35, None)  # nombre-heures-total first
    assert hours_of("0", "875", "280", "2 ans") == (1155, None)  # then centre + entreprise
    assert hours_of("", "", "", "21 heures") == (21, None)  # hours as stated: not an estimate
    hours, note = hours_of("", "", "", "2 ans")
    assert hours == 2400 and note == ("duree-indicative '2 ans' at 1 200 h per year (full-time school year: "
                                      "36 weeks × ≈ 33 h) = 2400 h")
    assert hours_of("", "", "", "Variable") is None


@pytest.mark.parametrize("text, euros", [
    ("1 234,50 €", 1234.5), ("1\u00a0234,50\u00a0€", 1234.5), ("2\u202f100 € TTC", 2100), ("690.00", 690),
    ("4000 EUR", 4000), ("45", 45), ("0", 0), ("", None), ("gratuit", None), ("Nous consulter", None),
])
def test_prices(text, euros) -> None:
    assert price_of(text) == euros


def test_dates() -> None:
    assert date_of("20270920") == dt.date(2027, 9, 20)
    assert date_of("00000000") is None and date_of("99999999") is None and date_of("2027-09-20") is None
    assert date_of("20271345") is None  # impossible: the caller reports it


@pytest.mark.parametrize("text, work_study", [
    ("Sans objet", False), ("", False), ("Aucune", False), ("Néant", False), ("pas d'alternance", False),
    ("Stage pratique en entreprise de 280 heures", False), ("Stage de 4 semaines en entreprise", False),
    ("Contrat d'apprentissage", True), ("Contrat de professionnalisation", True), ("Formation en alternance", True),
    ("2 jours en centre / 3 jours en entreprise", True), ("1 semaine à l'école, 2 semaines en entreprise", True),
])
def test_work_study(text, work_study) -> None:
    assert is_work_study(text) is work_study


def test_entry_levels_and_language() -> None:
    assert entry_level_text("5", "1") == "Niveau d'entrée exigé : niveau IV (BP, BT, baccalauréat ou équivalent)."
    assert entry_level_text("15", "0") == "Niveau d'entrée souhaité : niveau 5 (bac + 2 : BTS, DUT ou équivalent)."
    assert entry_level_text("0", "1") is None and entry_level_text("1", "1") is None
    assert [language_of(t) for t in ("fr", "FR", "Français", "fre", "anglais", "", "??")] == \
        ["fr", "fr", "fr", "fr", "en", "fr", "fr"]


@pytest.mark.parametrize("clause, codes", [
    ("être titulaire de l'habilitation B1VL", ["B1VL"]),
    ("Être habilité BR", ["BR"]),
    ("Habilitation électrique B1V / B2V exigée", ["B1V", "B2V"]),
    ("Prérequis : IRVE-1 obligatoire", ["IRVE-1"]),
    ("Habilitation B1VL ou B2VL exigée", ["B1VL"]),  # the alternative every other implies
    ("Habilitation BR ou B2V exigée", []),  # neither implies the other: left as text
    ("titulaire de l'habilitation B1VL ou d'une expérience équivalente", []),
    ("habilitation B1VL souhaitée", []), ("pas besoin d'être habilité B0", []),
    ("Titulaire d'un BP électricien", []),  # a brevet professionnel, not the BP habilitation
    ("Connaissances de base en électricité", []),
])
def test_required_codes(clause, codes) -> None:
    assert required_codes(clause, load_reference()) == codes


def test_entry_conditions() -> None:
    ref = load_reference()
    codes, text = entry_conditions(["Prérequis : bases en électricité ; être titulaire de l'habilitation B1VL.",
                                    "Avis médical.", "Avis médical.", "Aucune."], ref)
    assert codes == ["B1VL"]
    assert text == "Prérequis : bases en électricité ; être titulaire de l'habilitation B1VL.\nAvis médical."
    assert entry_conditions(["Aucune.", "Néant", "Pré-requis : aucun", "Sans objet"], ref) == ([], None)
