"""Spreadsheet catalogues: a company academy's own columns, French dates and numbers, saved profiles,
session rows merged, uncertain tags imported as drafts (never rejected), one bad row never stops the others."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from curriculum.errors import InputError
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.sheet_import import import_sheet
from curriculum.knowledge.spreadsheets import (SheetProfile, list_profiles, load_profile, parse_date, parse_hours,
                                               save_profile)
from curriculum.knowledge.tagging import OfferText, Tagging
from tests.conftest import KB_DIR

ACADEMY = Path(__file__).resolve().parents[1] / "data" / "sheets" / "academie_fr.csv"
TECHNIQUES = "http://data.europa.eu/esco/skill/"  # every shipped skill id starts so


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


def no_tags(offer: OfferText) -> Tagging:
    """A tagger that recognises nothing: what an importer does then is the point of the test."""
    return Tagging()


@pytest.mark.parametrize("text, expected", [
    ("03/04/2027", dt.date(2027, 4, 3)), ("3/4/27", dt.date(2027, 4, 3)), ("03.04.2027", dt.date(2027, 4, 3)),
    ("3 mars 2027", dt.date(2027, 3, 3)), ("1er avril 2027", dt.date(2027, 4, 1)), ("12 févr. 2027", dt.date(2027, 2, 12)),
    ("lundi 3 mai 2027", dt.date(2027, 5, 3)), ("2027-03-03", dt.date(2027, 3, 3)), (46449, dt.date(2027, 3, 3)),
    (dt.datetime(2027, 3, 3, 9, 0), dt.date(2027, 3, 3))])
def test_french_and_excel_dates(text, expected) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2027", "avril", "3 mars", "bientôt", "mardi 3"])
def test_dates_that_are_not_dates_are_refused_not_filled_from_today(text) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


def test_durations_in_days_and_weeks_are_estimates_with_their_rule() -> None:
    assert parse_hours("21,5 h") == (21.5, None) and parse_hours(14) == (14.0, None)
    hours, note = parse_hours("3 jours")
    assert hours == 21 and "7 h per day" in note
    assert parse_hours("2 semaines")[0] == 70
    with pytest.raises(ValueError, match="not a duration"):
        parse_hours("quelques heures")


def test_academy_sheet_with_its_own_headers(catalogue) -> None:
    modules, issues = import_sheet(ACADEMY, catalogue, tagger=no_tags, today=dt.date(2026, 12, 3))
    by_id = {m.id: m for m in modules}
    assert set(by_id) == {"aca-01", "aca-02", "aca-03", "aca-04"}  # none lost, even untagged ones
    tig = by_id["aca-01"]
    assert tig.status.value == "approved" and tig.cost_eur == 2450 and tig.duration_hours == 70
    assert [(s.start, s.end, s.place, s.seats) for s in tig.sessions] == [
        (dt.date(2027, 3, 3), dt.date(2027, 3, 14), "Douai", 6), (dt.date(2027, 5, 5), dt.date(2027, 5, 16), "Douai", 6)]
    assert {o.level for o in tig.outcomes} == {2, 3} and all(o.skill.startswith(TECHNIQUES) for o in tig.outcomes)
    assert tig.awards == ["ISO9606-1-141"] and tig.origin.key == "ACA-01" and tig.origin.feed == "academie-fr"
    hab = by_id["aca-02"]  # no skills named, the tagger found none: a draft that still awards B2VL and BCL
    assert hab.status.value == "draft" and hab.awards == ["B2VL", "BCL"]
    assert hab.duration_hours == 21 and "3 jours" in hab.hours_estimate
    assert by_id["aca-04"].modality.value == "online" and by_id["aca-04"].places == []
    assert by_id["aca-03"].modality.value == "blended" and by_id["aca-03"].sessions == []  # its only session was bad
    [bad] = issues
    assert (bad.line, bad.field) == (5, "Date de début") and "31/02/2027" in bad.message


def test_named_skill_the_taxonomy_does_not_know_makes_a_draft(catalogue) -> None:
    modules, _ = import_sheet(ACADEMY, catalogue, tagger=no_tags)
    lean = next(m for m in modules if m.id == "aca-03")
    assert lean.status.value == "draft"  # "pilotage de la performance" is no taxonomy label


def test_tagger_is_asked_and_its_confident_tags_approve(catalogue) -> None:
    skill = next(iter(catalogue.taxonomy))

    def sure(offer: OfferText) -> Tagging:
        from curriculum.models import SkillLevel
        return Tagging(outcomes=[SkillLevel(skill=skill, level=2)], confident="batteries" in offer.title)
    modules, _ = import_sheet(ACADEMY, catalogue, tagger=sure)
    intro = next(m for m in modules if m.id == "aca-04")
    assert intro.status.value == "approved" and intro.outcomes[0].skill == skill


def test_saved_profile_maps_other_headers_and_is_reused(tmp_path, catalogue) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    wb = Workbook()
    ws = wb.active
    ws.append(["Code stage", "Nom du stage", "Nb h", "Tarif (€)", "Lieu", "CP", "Du", "Au", "Compétences"])
    ws.append(["S-100", "Maintenance préventive", 35, 1500.5, "Lens", 62300, dt.datetime(2027, 9, 6),
               dt.datetime(2027, 9, 10), "appliquer des techniques de soudage"])
    ws.append(["S-101", "Stage sans durée", None, 100, "Lens", 62300, None, None, "appliquer des techniques de soudage"])
    path = tmp_path / "stages.xlsx"
    wb.save(path)
    profile = SheetProfile(name="academie-nord", columns={"id": "Code stage", "title": "Nom du stage",
                                                          "duration": "Nb h", "price": "Tarif (€)"},
                           defaults={"provider": "Académie Nord", "modality": "présentiel"})
    save_profile(kb, profile)
    assert list_profiles(kb) == ["academie-nord"]
    again = load_profile(kb, "academie-nord")
    modules, issues = import_sheet(path, catalogue, again, tagger=no_tags)
    [m] = modules
    assert (m.id, m.duration_hours, m.cost_eur, m.provider) == ("s-100", 35, 1500.5, "Académie Nord")
    assert m.places[0].postcode == "62300" and m.sessions[0].start == dt.date(2027, 9, 6)
    assert m.origin.feed == "academie-nord" and m.status.value == "approved"
    [issue] = issues
    assert issue.line == 3 and issue.field == "Nb h" and "no duration" in issue.message


def test_profile_that_no_longer_fits_the_file_is_a_clear_error(tmp_path, catalogue) -> None:
    profile = SheetProfile(name="old", columns={"title": "Libellé stage"})
    with pytest.raises(InputError, match="Libellé stage"):
        import_sheet(ACADEMY, catalogue, profile, tagger=no_tags)
    with pytest.raises(InputError, match="no import profile named 'nope'"):
        load_profile(tmp_path, "nope")


def test_ragged_row_and_unknown_modality_are_reported_and_the_others_kept(tmp_path, catalogue) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Intitulé;Durée;Prix;Modalité\nAtelier A;7;100;présentiel\nAtelier B;7;100;présentiel;oups\n"
                    "Atelier C;7;100;télépathie\n", encoding="cp1252")
    modules, issues = import_sheet(path, catalogue, tagger=no_tags)
    assert [m.title for m in modules] == ["Atelier A"]
    assert [(i.line, i.field) for i in issues] == [(3, None), (4, "Modalité")]
    assert "5 cells but the header has 4" in issues[0].message and "télépathie" in issues[1].message


def test_same_rows_same_digest_changed_rows_new_digest(tmp_path, catalogue) -> None:
    first, _ = import_sheet(ACADEMY, catalogue, tagger=no_tags)
    again, _ = import_sheet(ACADEMY, catalogue, tagger=no_tags)
    assert [m.origin.digest for m in first] == [m.origin.digest for m in again]
    changed = tmp_path / "academie_fr.csv"
    changed.write_text(ACADEMY.read_text(encoding="utf-8").replace("890;", "990;"), encoding="utf-8")
    moved, _ = import_sheet(changed, catalogue, tagger=no_tags)
    differ = [a.id for a, b in zip(first, moved) if a.origin.digest != b.origin.digest]
    assert differ == ["aca-02"]


def test_month_first_dates_are_refused_in_a_day_first_file() -> None:
    with pytest.raises(ValueError, match="not a day-first date"):
        parse_date("03/14/2027")
    assert parse_date("03/14/2027", day_first=False) == dt.date(2027, 3, 14)


def test_hostile_files_and_mappings_are_one_line_errors(tmp_path, catalogue) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"Intitul\xe9;Dur\xe9e\r\n\x00\x01\r\x02abc\rdef\n" * 3)
    with pytest.raises(InputError):
        import_sheet(junk, catalogue, tagger=no_tags)
    with pytest.raises(InputError, match="unknown field.*prix"):
        import_sheet(ACADEMY, catalogue, SheetProfile(name="p", columns={"prix": "Prix HT"}), tagger=no_tags)


def test_rows_of_one_id_that_disagree_are_reported(tmp_path, catalogue) -> None:
    path = tmp_path / "two.csv"
    path.write_text("Réf;Intitulé;Durée;Prix;Ville;Date de début;Date de fin\n"
                    "A1;Soudage MIG;35;1 000;Lens;01/03/2027;05/03/2027\n"
                    "A1;Soudage MIG avancé;35;1 200;Lille;01/04/2027;05/04/2027\n", encoding="utf-8")
    [module], issues = import_sheet(path, catalogue, tagger=no_tags)
    assert module.title == "Soudage MIG" and module.cost_eur == 1000 and len(module.sessions) == 2
    assert sorted((i.line, i.field) for i in issues) == [(3, "Intitulé"), (3, "Prix")]
