"""LHEO feeds as they are really published (issue #11, "Done when"): the reconstructed ONISEP BTS
sample (UTF-8 and ISO-8859-1) and a three-offer feed. Tests that use the product's default tagger
assert only what must hold with any sane tagger (no offer lost, approved ⇒ outcomes); the parser's
own behaviour is tested with the explicit ``KeywordTagger``."""

from __future__ import annotations

import re

import pytest

from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.lheo import parse_lheo
from tests.conftest import DATA_DIR, KB_DIR
from tests.knowledge.lheo_helpers import SAFETY_REGULATIONS, TIG_WELDING, KeywordTagger

LHEO = DATA_DIR / "lheo"
ONISEP, ONISEP_LATIN1, THREE = LHEO / "onisep_bts_sample.xml", LHEO / "onisep_bts_sample_latin1.xml", LHEO / "three_offers.xml"
TAGS = re.compile(r"</?[a-zA-Z][^>]*>|&lt;|&gt;|&amp;|&[a-z]+;")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


@pytest.fixture(scope="module")
def onisep(catalogue):
    return parse_lheo(ONISEP, catalogue, feed="onisep")


@pytest.fixture(scope="module")
def three(catalogue):
    return parse_lheo(THREE, catalogue)


def _sane(module) -> None:
    assert module.status.value in ("approved", "draft")
    assert module.outcomes or module.status.value == "draft"


def test_onisep_bts_sample_imports(onisep) -> None:
    """Done when: hours estimated and flagged, ROME and RNCP codes kept, Quimperlé with its coordinates,
    text without HTML tags."""
    modules, issues = onisep
    assert issues == [] and len(modules) == 1
    bts = modules[0]
    _sane(bts)
    assert bts.title == "BTS Maintenance des systèmes option A systèmes de production"
    assert bts.duration_hours == 2 * 1200
    assert "'2 ans'" in bts.hours_estimate and "1 200 h per year" in bts.hours_estimate
    assert bts.references.rome == ["I1304", "I1310", "I1302"]
    assert bts.references.rncp == "RNCP35323" and bts.references.certifying is True
    assert bts.references.nsf == ["250"] and bts.references.formacode == ["31668"]
    assert "RNCP35323" in bts.awards  # certifiante: the register code is awarded, whatever the tagger says
    assert bts.certification.label.endswith("(RNCP35323)")
    place = bts.places[0]
    assert (place.city, place.postcode, place.lat, place.lon, place.region) == \
        ("Quimperlé", "29300", 47.872, -3.549, "Bretagne")  # the feed's geolocalisation, not the gazetteer's
    assert [(str(s.start), str(s.end), s.place, s.seats) for s in bts.sessions] == \
        [("2026-09-01", "2028-06-30", "Quimperlé", 10)]
    assert bts.eqf_level == 5 and bts.modality.value == "in_person"
    for text in (bts.summary, bts.body, bts.prerequisites.text):
        assert not TAGS.search(text), text
    assert bts.summary.startswith("Le titulaire du BTS Maintenance des systèmes option A assure la maintenance")
    assert "- diagnostiquer une défaillance mécanique, électrique ou pneumatique ;" in bts.body
    assert "Stages en entreprise : 6 semaines" in bts.body and "## Rythme\nTemps plein" in bts.body
    assert bts.prerequisites.text.startswith("Niveau d'entrée exigé : niveau IV (BP, BT, baccalauréat")
    assert "Parcoursup" in bts.prerequisites.text and bts.prerequisites.certifications == []
    assert bts.cost_eur == 0 and "not stated" in bts.funding.note
    assert bts.origin.feed == "onisep" and bts.origin.key == "FOR.4242/AF.90417" and len(bts.origin.digest) == 64


def test_latin1_copy_and_bytes_give_the_same_module(onisep, catalogue) -> None:
    raw = ONISEP_LATIN1.read_bytes()
    assert "é".encode("iso-8859-1") in raw and "é".encode() not in raw  # really ISO-8859-1
    (utf8,), _ = onisep
    (latin1,), issues = parse_lheo(ONISEP_LATIN1, catalogue, feed="onisep")
    (from_bytes,), _ = parse_lheo(raw, catalogue, feed="onisep")
    assert issues == []
    assert latin1.model_dump() == utf8.model_dump() == from_bytes.model_dump()
    assert latin1.body == utf8.body
    assert latin1.origin.digest == utf8.origin.digest  # the digest is of the offer, not of its bytes


def test_tagger_reads_clean_text_and_codes(catalogue) -> None:
    tagger = KeywordTagger()
    parse_lheo(ONISEP, catalogue, tagger)
    (offer,) = tagger.seen
    assert offer.title.startswith("BTS Maintenance des systèmes")
    assert offer.rome == ["I1304", "I1310", "I1302"] and offer.rncp == "RNCP35323" and offer.formacode == ["31668"]
    assert offer.language == "fr" and "préventive des équipements" in offer.text and not TAGS.search(offer.text)


def test_three_offers_none_lost(three) -> None:
    modules, issues = three
    by_id = {m.id: m for m in modules}
    assert sorted(by_id) == ["of-hab-ve-01", "of-ligne-03", "of-soud-tig-02"]
    for m in modules:
        _sane(m)
    (issue,) = issues  # (c)'s session, and nothing else
    assert issue.field == "formation[3]/action[1]/session[1]/periode"
    assert "2027-09-20 → 2027-09-01 ends before it starts" in issue.message
    assert 'OF-LIGNE-03 "Conduite de ligne automatisée — initiation"' in issue.message
    assert "duration" not in issue.message
    lines = THREE.read_text(encoding="utf-8").splitlines()
    assert '<session numero="S1">' in lines[issue.line - 1]
    assert "20270920" in lines[issue.line]  # the line of that session, in the third offer
    assert issue.line > next(n for n, line in enumerate(lines, 1) if 'numero="OF-LIGNE-03"' in line)


def test_habilitation_offer_text_and_entry_conditions(three) -> None:
    hab = {m.id: m for m in three[0]}["of-hab-ve-01"]
    assert hab.title == "Habilitation électrique B2VL / BCL — intervention sur véhicules électriques et hybrides"
    for text in (hab.summary, hab.body):
        assert "<p>" not in text and not TAGS.search(text)
    assert hab.summary.startswith("Intervenir en sécurité sur les véhicules électriques et hybrides : consigner")
    assert "- Consignation et mise en sécurité du véhicule" in hab.body
    assert "Prérequis : connaissances de base en électricité ; avis médical d'aptitude." in hab.prerequisites.text
    assert "chaussures de sécurité" in hab.prerequisites.text
    assert hab.cost_eur == 1150.0 and hab.duration_hours == 21 and hab.hours_estimate is None
    lens = hab.places[0]  # no geolocalisation: the town from the gazetteer, with its postcode
    assert lens.city == "Lens" and abs(lens.lat - 50.43) < 0.02 and abs(lens.lon - 2.83) < 0.02
    # sessions are at the training place, not at the registration address (the head office in Lille)
    assert [(s.place, s.seats) for s in hab.sessions] == [("Lens", 8), ("Lens", 10)]
    assert [p.city for p in hab.places] == ["Lens"]


def test_welding_offer_is_a_module(three) -> None:
    tig = {m.id: m for m in three[0]}["of-soud-tig-02"]
    assert tig.duration_hours == 140 + 70 and tig.cost_eur == round(210 * 18.5, 2)
    assert tig.modality.value == "work_study"  # "Contrat de professionnalisation : 2 jours … en centre, 3 … entreprise"
    assert tig.references.rome == ["H2913"] and tig.references.certifinfo == "99999"
    assert (tig.places[0].lat, tig.places[0].lon) == (50.3591, 3.5251)  # "50,3591": decimal comma read
    assert tig.prerequisites.text.startswith("Niveau d'entrée exigé : niveau 3 (CAP, BEP).")
    assert "## Alternance\nContrat de professionnalisation" in tig.body


def test_session_defect_keeps_the_offer(three) -> None:
    ligne = {m.id: m for m in three[0]}["of-ligne-03"]
    assert ligne.sessions == [] and ligne.duration_hours == 3 * 35
    assert "'3 semaines'" in ligne.hours_estimate and "35 h per week" in ligne.hours_estimate
    assert ligne.cost_eur == 2100.0  # "2 100 €" with a narrow no-break space
    assert ligne.prerequisites.text is None  # "Aucune." says none


def test_three_offers_with_an_explicit_tagger(catalogue) -> None:
    """The parser's use of the contract: awards → certification (first code, the rest ``also``, standard
    from the rules' family); confident → approved; not confident → draft with its suggestions."""
    tagger = KeywordTagger(keywords={"sécurité électrique": SAFETY_REGULATIONS, "soudures tig": TIG_WELDING})
    modules, _ = parse_lheo(THREE, catalogue, tagger)
    by_id = {m.id: m for m in modules}
    hab, tig = by_id["of-hab-ve-01"], by_id["of-soud-tig-02"]
    assert hab.certification.code == "B2VL" and hab.certification.also == ["BCL"] and hab.awards == ["B2VL", "BCL"]
    assert hab.certification.standard == "NF C 18-550" and hab.status.value == "approved"
    assert tig.awards == ["ISO9606-1-141"] and tig.certification.standard == "NF EN ISO 9606-1"
    assert [o.skill for o in tig.outcomes] == [TIG_WELDING] and tig.status.value == "approved"
    assert by_id["of-ligne-03"].status.value == "draft" and by_id["of-ligne-03"].outcomes == []
    unsure = {m.id: m for m in parse_lheo(THREE, catalogue, KeywordTagger(confident=False))[0]}
    assert all(m.status.value == "draft" and m.outcomes == [] for m in unsure.values())
    assert [s.confidence for s in unsure["of-hab-ve-01"].suggestions] == [0.4]  # suggestions kept for review
