"""LHEO parser behaviour on one-offer feeds: namespaces, encodings, rejections only for real defects
(each naming the offer, line and field), places, entry conditions, tagging failures, origin keys and
digests, progress (issue #11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.errors import InputError
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.lheo import parse_lheo
from curriculum.knowledge.tagging import Tagging
from tests.conftest import KB_DIR
from tests.knowledge.lheo_helpers import SAFETY_REGULATIONS, KeywordTagger, one_offer

GEO_ARRAS = "<coordonnees><adresse><codepostal>62000</codepostal><ville>Arras</ville>{}</adresse></coordonnees>"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


def parse(catalogue, feed: bytes, tagger=None, **kw):
    return parse_lheo(feed, catalogue, tagger or KeywordTagger(), feed="test", **kw)


@pytest.mark.parametrize("namespace", ["http://lheo.gouv.fr/2.2", "http://lheo.gouv.fr/2.3", ""])
def test_namespaces(catalogue, namespace) -> None:
    (module,), issues = parse(catalogue, one_offer(namespace=namespace))
    assert issues == [] and module.id == "f1" and module.duration_hours == 21
    assert module.status.value == "approved" and [o.skill for o in module.outcomes] == [SAFETY_REGULATIONS]


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "UTF-16"])
def test_declared_encodings(catalogue, encoding) -> None:
    utf8 = one_offer(intitule_formation="Habilitation électrique B1VL, véhicules électriques", prix_total_TTC="690,00")
    text = utf8.decode("utf-8").replace('encoding="UTF-8"', f'encoding="{encoding}"')
    (module,), issues = parse(catalogue, text.encode(encoding))
    (reference,), _ = parse(catalogue, utf8)
    assert issues == [] and module.title == "Habilitation électrique B1VL, véhicules électriques" == reference.title
    assert module.origin.digest == reference.origin.digest


def test_undeclared_latin1_is_a_clear_error(catalogue) -> None:
    raw = one_offer(intitule_formation="Habilitation électrique", prix_total_TTC="690").decode("utf-8")
    raw = raw.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    with pytest.raises(InputError) as exc:
        parse(catalogue, raw.encode("iso-8859-1"))
    assert exc.value.line == 2 and "declare its encoding" in exc.value.message
    with pytest.raises(InputError) as exc:  # a declaration without encoding: UTF-8 too
        parse(catalogue, ('<?xml version="1.0"?>\n' + raw).encode("iso-8859-1"))
    assert exc.value.line == 3 and "declare its encoding" in exc.value.message


def test_no_title_is_rejected_naming_offer_line_and_field(catalogue) -> None:
    modules, (issue,) = parse(catalogue, one_offer(numero="F9", intitule_formation=None))
    assert modules == []
    assert issue.field == "formation[1]/action[1]/intitule-formation" and issue.line == 4  # the action's line
    assert issue.message.startswith('offer F9 "(no title)": the offer has no title')


def test_no_duration_is_rejected(catalogue) -> None:
    modules, (issue,) = parse(catalogue, one_offer(nombre_heures_total=None, duree_indicative="Selon positionnement"))
    assert modules == [] and issue.field == "formation[1]/action[1]/nombre-heures-total"
    assert "no duration" in issue.message and "'Selon positionnement'" in issue.message


def test_bad_session_reported_before_the_duration(catalogue) -> None:
    """Both defects are named, the session's first (issue #11: the real defect was hidden by 'no duration')."""
    feed = one_offer(nombre_heures_total=None, session="<periode><debut>20270920</debut><fin>20270901</fin></periode>")
    modules, issues = parse(catalogue, feed)
    assert modules == [] and [i.field.rsplit("/", 1)[-1] for i in issues] == ["periode", "nombre-heures-total"]
    assert "session 2027-09-20 → 2027-09-01 ends before it starts" in issues[0].message


def test_impossible_and_open_session_dates(catalogue) -> None:
    feed = one_offer(session="<periode><debut>20271345</debut><fin>20271350</fin></periode>")
    (module,), (issue,) = parse(catalogue, feed)
    assert module.sessions == [] and "'20271345' → '20271350' are not dates" in issue.message
    open_dates = one_offer(session="<periode><debut>00000000</debut><fin>99999999</fin></periode>")
    (module,), issues = parse(catalogue, open_dates)
    assert module.sessions == [] and issues == []  # entrées/sorties permanentes: not a defect


def test_in_person_without_place_is_rejected_online_is_not(catalogue) -> None:
    modules, (issue,) = parse(catalogue, one_offer(lieu_de_formation=None))
    assert modules == [] and issue.field == "formation[1]/action[1]/lieu-de-formation"
    assert "in person action without any place" in issue.message
    (online,), issues = parse(catalogue, one_offer(lieu_de_formation=None, modalites_enseignement="2"))
    assert issues == [] and online.modality.value == "online" and online.places == []
    assert online.sessions[0].place is None


def test_unknown_town_without_coordinates(catalogue) -> None:
    place = "<coordonnees><adresse><codepostal>59999</codepostal><ville>Nulle-Part-sur-Rien</ville></adresse></coordonnees>"
    modules, issues = parse(catalogue, one_offer(lieu_de_formation=place))
    assert modules == [] and len(issues) == 2
    assert issues[0].field == "formation[1]/action[1]/lieu-de-formation/coordonnees/adresse/ville"
    assert "unknown French city 'Nulle-Part-sur-Rien'" in issues[0].message and issues[0].line == 4


def test_swapped_coordinates_fall_back_to_the_town(catalogue) -> None:
    swapped = GEO_ARRAS.format("<geolocalisation><latitude>2.7819</latitude><longitude>50.2930</longitude>"
                               "</geolocalisation>")
    (module,), (issue,) = parse(catalogue, one_offer(lieu_de_formation=swapped))
    assert "look swapped" in issue.message and issue.field.endswith("/geolocalisation")
    assert module.places[0].city == "Arras" and abs(module.places[0].lat - 50.29) < 0.02


def test_session_at_its_own_place_and_registration_fallback(catalogue) -> None:
    session = ("<periode><debut>20270301</debut><fin>20270303</fin></periode><lieu-de-formation>"
               + GEO_ARRAS.format("") + "</lieu-de-formation><extras><extra info=\"nombre-places\">5</extra></extras>")
    (module,), _ = parse(catalogue, one_offer(session=session))
    assert [(s.place, s.seats) for s in module.sessions] == [("Arras", 5)]
    assert [p.city for p in module.places] == ["Douai", "Arras"]
    online_reg = ("<periode><debut>20270301</debut><fin>20270303</fin></periode><adresse-inscription><adresse>"
                  "<codepostal>62000</codepostal><ville>Arras</ville></adresse></adresse-inscription>")
    (module,), _ = parse(catalogue, one_offer(lieu_de_formation=None, session=online_reg), seats=7)
    assert [(s.place, s.seats) for s in module.sessions] == [("Arras", 7)]  # no training place: registration's


def test_certification_codes_in_entry_conditions(catalogue) -> None:
    feed = one_offer(conditions_specifiques="Être titulaire de l'habilitation B1VL ; avis médical.",
                     code_niveau_entree="13", niveau_entree_obligatoire="0")
    (module,), _ = parse(catalogue, feed)
    assert module.prerequisites.certifications == ["B1VL"]
    assert module.prerequisites.text == ("Niveau d'entrée souhaité : niveau 3 (CAP, BEP).\n"
                                         "Être titulaire de l'habilitation B1VL ; avis médical.")


def test_a_failing_tagger_makes_a_draft(catalogue) -> None:
    def broken(offer):
        raise RuntimeError("model unavailable")
    (module,), (issue,) = parse(catalogue, one_offer(), broken)
    assert module.status.value == "draft" and module.outcomes == [] and module.suggestions == []
    assert "the tagger failed (RuntimeError: model unavailable)" in issue.message
    (module,), (issue,) = parse(catalogue, one_offer(), lambda offer: [])
    assert module.status.value == "draft" and "not a Tagging" in issue.message


def test_one_bad_offer_never_stops_the_others(catalogue) -> None:
    good = one_offer(numero="GOOD").decode()
    bad = one_offer(numero="BAD", nombre_heures_total=None).decode()
    body = lambda xml: xml[xml.index("<formation"):xml.index("</offres>")]  # noqa: E731
    feed = good.replace("</offres>", body(bad) + body(good.replace('"GOOD"', '"GOOD2"')) + "</offres>")
    calls = []
    modules, issues = parse(catalogue, feed.encode(), progress=lambda done, total: calls.append((done, total)))
    assert [m.id for m in modules] == ["good", "good2"] and [i.field for i in issues] == \
        ["formation[2]/action[1]/nombre-heures-total"]
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_origin_key_and_digest(catalogue) -> None:
    (a,), _ = parse(catalogue, one_offer())
    (again,), _ = parse(catalogue, one_offer())
    assert a.origin.key == "F1/A1" and a.origin.feed == "test" and a.origin.digest == again.origin.digest
    reformatted = one_offer().decode().replace("<action", "\n   <action").replace("</action>", "\n</action>\n")
    (same,), _ = parse(catalogue, reformatted.encode())
    assert same.origin.digest == a.origin.digest  # whitespace does not change the offer
    (dated,), _ = parse(catalogue, one_offer(session="<periode><debut>20270301</debut><fin>20270304</fin></periode>"))
    (priced,), _ = parse(catalogue, one_offer(resultats_attendus="Autre résultat."))
    assert len({a.origin.digest, dated.origin.digest, priced.origin.digest}) == 3
    (no_numbers,), _ = parse(catalogue, one_offer(numero=None, action_numero=None))
    (no_numbers_again,), _ = parse(catalogue, one_offer(numero=None, action_numero=None))
    assert no_numbers.origin.key.startswith("h") and no_numbers.origin.key == no_numbers_again.origin.key


def test_entities_and_doctype_refused(catalogue) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><lheo>&a;</lheo>'
    with pytest.raises(Exception) as exc:
        parse_lheo(bomb, catalogue, lambda o: Tagging())
    assert "Entit" in type(exc.value).__name__ or "entit" in str(exc.value).lower()


def test_refresher_offer_is_a_renewal_and_big_feeds_are_tagged_in_batches(catalogue) -> None:
    from curriculum.knowledge.offer_tagger import build_tagger

    tagger = build_tagger(catalogue, use_embeddings=False)
    calls = []
    real = tagger.tag_many

    def counting(offers, progress=None, batch=256):
        calls.append(len(offers))
        return real(offers, progress=progress, batch=batch)
    tagger.tag_many = counting
    feed = one_offer(intitule_formation="Recyclage habilitation électrique B2VL — véhicules électriques")
    seen = []
    (module,), _ = parse_lheo(feed, catalogue, tagger, feed="test", progress=lambda d, t: seen.append((d, t)))
    assert module.certification.code == "B2VL" and module.certification.renewal is True
    assert calls == [1] and seen[-1] == (1, 1)  # one batch call for the whole feed, progress in offers


def test_entity_bomb_and_foreign_xml_are_one_line_errors(catalogue) -> None:
    with pytest.raises(InputError, match="refused XML: EntitiesForbidden"):
        parse_lheo(b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><lheo>&a;</lheo>', catalogue)
    with pytest.raises(InputError, match="root element is <catalog>"):
        parse_lheo(b'<?xml version="1.0"?><catalog><book/></catalog>', catalogue)
    with pytest.raises(InputError, match="with no <formation>"):
        parse_lheo(b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>', catalogue)


def test_utf8_bytes_declared_latin1_are_read_as_utf8(catalogue) -> None:
    sample = (Path(__file__).resolve().parents[1] / "data" / "lheo" / "onisep_bts_sample.xml").read_bytes()
    mislabelled = sample.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)
    assert mislabelled != sample
    (good,), _ = parse_lheo(sample, catalogue, feed="x")
    (read,), _ = parse_lheo(mislabelled, catalogue, feed="x")
    assert read.places[0].city == good.places[0].city == "Quimperlé" and read.title == good.title
