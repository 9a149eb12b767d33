"""The default offer tagger on the shipped taxonomy and catalogue (issue #11 item 3)."""

from __future__ import annotations

import pytest

from curriculum.errors import RetrievalError
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.offer_tagger import EDITOR_FLOOR, Calibration, build_tagger, suggest_skills
from curriculum.knowledge.rome_skills import RomeSkills
from curriculum.knowledge.tagging import OfferText, Tagging
from curriculum.knowledge.text_skills import LabelMatcher, sentences, stem
from tests.conftest import KB_DIR

EPB = "http://data.europa.eu/esco/skill/4e09e2d2-e317-47d2-bf5e-1d6c66be3efc"  # energy performance of buildings
TIG_TEXT = ("Objectifs : réaliser des soudures TIG sur tôles et tubes en acier et inox en toutes positions, "
            "selon un descriptif de mode opératoire de soudage. Contenu : réglage du poste de soudage, préparation "
            "des bords, lecture de plans et symboles de soudage, contrôle visuel des soudures. Évaluation : épreuve "
            "de qualification devant un organisme certificateur.")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


@pytest.fixture(scope="module")
def tagger(catalogue):
    return build_tagger(catalogue)


@pytest.fixture(scope="module")
def lexical_tagger(catalogue):
    return build_tagger(catalogue, use_embeddings=False)


def taught_by(catalogue, code: str) -> set[str]:
    return {o.skill for m in catalogue.modules.values() if code in m.awards for o in m.outcomes}


def test_b2vl_bcl_title_awards_both_and_suggests_what_their_modules_teach(catalogue, tagger) -> None:
    tagging = tagger(OfferText(title="Habilitation électrique B2VL / BCL — intervention sur véhicules électriques "
                                     "et hybrides"))
    assert tagging.awards == ["B2VL", "BCL"] and tagging.renewal is False
    from_cert = [s for s in tagging.suggestions if s.source == "certification"]
    assert from_cert and {s.skill for s in from_cert} <= taught_by(catalogue, "B2VL") | taught_by(catalogue, "BCL") \
        | taught_by(catalogue, "B1VL")
    assert all(s.evidence and ("B2VL" in s.evidence or "BCL" in s.evidence or "B1VL" in s.evidence) for s in from_cert)
    # a title alone is not enough to approve: on the shipped figures its facts stay below the threshold
    assert tagging.confident is (len(tagging.outcomes) >= 2 and max(s.confidence for s in tagging.suggestions) >= 0.8)


def test_tig_iso_9606_course_gets_the_qualification_and_welding_skills(catalogue, tagger) -> None:
    tagging = tagger(OfferText(title="Qualification soudeur NF EN ISO 9606-1 – TIG / 141 – acier", text=TIG_TEXT,
                               rome=["H2916"]))
    assert tagging.awards == ["ISO9606-1-141"]
    labels = [catalogue.skill_label(o.skill) for o in tagging.outcomes]
    assert any("weld" in label for label in labels), labels
    assert tagging.outcomes and all(1 <= o.level <= 4 for o in tagging.outcomes)
    assert tagging.confident  # certification facts, ROME and text agree
    assert tagging.outcomes[0].skill in taught_by(catalogue, "ISO9606-1-141")


def test_refresher_is_exposed(tagger) -> None:
    tagging = tagger(OfferText(title="Recyclage habilitation B2TL"))
    assert tagging.awards == ["B2TL"] and tagging.renewal is True


def test_battery_module_is_not_tagged_energy_performance_of_buildings(catalogue, tagger) -> None:
    """The editor's old suggestions (whole text as one embedding) proposed "energy performance of buildings"
    for battery modules at 0.48–0.59; the tagger's calibrated confidence keeps it out."""
    for module_id in ("batt-technologie-lithium-ion", "batt-essais-cyclage-banc"):
        module = catalogue.modules[module_id]
        tagging = tagger(OfferText(title=module.title, text=f"{module.summary}\n{module.body}"))
        assert all(s.skill != EPB or s.confidence < EDITOR_FLOOR for s in tagging.suggestions)
        shown = suggest_skills(catalogue, f"{module.title}\n{module.summary}\n{module.body}", k=10, tagger=tagger)
        assert EPB not in {s["skill"] for s in shown}


def test_suggest_skills_shape_and_floor(catalogue, tagger) -> None:
    module = catalogue.modules["weld-tig-141-soudage-tig"]
    shown = suggest_skills(catalogue, f"{module.title}\n{module.summary}\n{module.body}", k=3, tagger=tagger,
                           rome=["H2916"])
    assert 1 <= len(shown) <= 3
    assert all(set(s) == {"skill", "label", "confidence", "source", "evidence", "level"} for s in shown)
    assert all(s["confidence"] >= EDITOR_FLOOR for s in shown)
    assert [s["confidence"] for s in shown] == sorted((s["confidence"] for s in shown), reverse=True)
    assert {s["skill"] for s in shown} & {o.skill for o in module.outcomes}  # at least one of its real skills
    assert suggest_skills(catalogue, "", tagger=tagger) == []


def test_tag_many_batches_embeddings_and_equals_one_by_one(catalogue) -> None:
    calls: list[int] = []
    from curriculum.retrieval.embeddings import LazyEmbeddings

    real = LazyEmbeddings()

    def embed(texts: list[str]) -> list:
        calls.append(len(texts))
        return real.embed_documents(texts)

    tagger = build_tagger(catalogue, embed=embed)
    offers = [OfferText(title="Soudage TIG – initiation", text="Réglage du poste de soudage. Sécurité au poste."),
              OfferText(title="Habilitation électrique B1V-B2V-BR-BC", text="Sécurité au poste."),
              OfferText(title="Soudage TIG – initiation", text="Réglage du poste de soudage. Sécurité au poste.")]
    many = tagger.tag_many(offers)
    assert len(calls) == 1 and calls[0] == 4  # one call; repeated sentences embedded once
    again = [tagger(o) for o in offers]
    assert len(calls) == 1  # memoised: nothing new to embed
    assert [t.suggestions for t in many] == [t.suggestions for t in again]
    assert many[1].awards == ["B1V", "B2V", "BR", "BC"]


def test_odd_offers_never_raise(lexical_tagger) -> None:
    odd = [OfferText(title=""), OfferText(title="   ", text=None), OfferText(title="x" * 5000, text="é" * 100_000),
           OfferText(title="Soudage", rome=["??", "rome:h2916", ""], rncp="RNCP", rs="RSx")]
    out = lexical_tagger.tag_many(odd)
    assert all(isinstance(t, Tagging) for t in out)
    assert out[0].suggestions == [] and out[0].confident is False
    (_, candidates), = lexical_tagger.candidates_many([odd[3]])
    assert any(c.features.get("rome") for c in candidates)  # "rome:h2916" is read as H2916


def test_without_the_model_it_tags_from_the_other_sources(catalogue) -> None:
    def broken(texts: list[str]) -> list:
        raise RetrievalError("the MiniLM weights are not installed")

    tagger = build_tagger(catalogue, embed=broken)
    tagging = tagger(OfferText(title="Qualification soudeur NF EN ISO 9606-1 – TIG / 141", text=TIG_TEXT,
                               rome=["H2916"]))
    assert tagging.awards == ["ISO9606-1-141"] and tagging.outcomes  # judged by the model fitted without them
    assert "RetrievalError" in (tagger.embedding_error or "")
    assert all(s.source != "text" for s in tagging.suggestions)


def test_rome_codes_link_jobs_and_the_fiche_table(catalogue) -> None:
    rome = RomeSkills(catalogue)
    job = catalogue.find_job("rome:H2916")
    hits = rome.skills(["H2916"])
    for req in job.required_skills:
        assert hits[req.skill].level == req.level and hits[req.skill].weight == (1.0 if req.essential else 0.6)
    automotive = rome.skills(["I1604"])  # no shipped job: the derived ROME 4.0 table only
    assert automotive and all(0 < h.weight <= 1 and "I1604" in h.evidence for h in automotive.values())
    assert set(automotive) <= set(catalogue.taxonomy)
    assert rome.skills(["Z9999", "nonsense"]) == {}


def test_lexical_matcher_reads_french_inflections(catalogue) -> None:
    assert stem("soudage") == stem("soudure") == stem("souder")
    matcher = LabelMatcher(catalogue.taxonomy)
    found = matcher.match(sentences("Lecture de plans", "Utiliser les équipements de soudage en sécurité."))
    labels = {catalogue.skill_label(s) for s in found}
    assert "use welding equipment" in labels


def test_shipped_calibration_states_its_thresholds() -> None:
    cal = Calibration.load()
    assert cal.threshold == 0.5 and cal.auto_approve == 0.8 and cal.min_outcomes == 2
    cv = cal.figures["cv_at_threshold"]["0.5"]
    assert cv["precision"] >= 0.75  # the figure the threshold was chosen from
    assert cal.figures["cv_at_k"]["3"]["precision"] > 3 * cal.figures["baseline_at_k"]["3"]["precision"]


class _ScriptedChat:
    """A chat model answering the re-rank prompt with fixed JSON (lenient method: plain ``invoke``)."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list = []

    def with_structured_output(self, *args, **kwargs):
        raise NotImplementedError

    def invoke(self, messages):
        from langchain_core.messages import AIMessage

        self.prompts.append(messages)
        return AIMessage(content=self.reply)


def test_llm_reranks_when_configured_and_changes_nothing_when_it_fails(catalogue) -> None:
    offer = OfferText(title="Qualification soudeur NF EN ISO 9606-1 – TIG / 141", text=TIG_TEXT, rome=["H2916"])
    plain = build_tagger(catalogue, use_embeddings=False)(offer)
    chat = _ScriptedChat('{"keep": [3, 1]}')
    reranked = build_tagger(catalogue, use_embeddings=False, chat=chat)(offer)
    assert chat.prompts and "TIG" in str(chat.prompts[0])
    assert [s.skill for s in reranked.suggestions[:2]] == [plain.suggestions[2].skill, plain.suggestions[0].skill]
    assert [s.source for s in reranked.suggestions[:2]] == ["llm", "llm"]
    demoted = {s.skill: s.confidence for s in reranked.suggestions}
    assert demoted[plain.suggestions[1].skill] == round(plain.suggestions[1].confidence * 0.5, 3)
    failing = build_tagger(catalogue, use_embeddings=False, chat=_ScriptedChat("no json at all"))(offer)
    assert failing.suggestions == plain.suggestions
