"""Nothing personal reaches a model: the CV corpus of tests/data/pii_cvs through the assembler (issue #14).

Each ``*.txt`` of the corpus is a French or English CV, letter or chat written for these tests; its
``*.yaml`` lists the identifiers it holds (kind and value as written) and trade words that must
survive. The checks are made on what the chat model is sent: the messages a scripted LangChain
model receives, and the JSON bodies a local OpenAI-compatible HTTP server receives.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from curriculum.generation.assembly import LLMAssembler
from curriculum.generation.pii import KINDS, WITHHELD, Pseudonymiser
from curriculum.learners import load_learner
from curriculum.settings import REPO_ROOT, Settings
from tests.conftest import DATA_DIR, EVAL_DIR, KB_DIR
from tests.generation.fakes import ScriptedChat

PROMPTS = REPO_ROOT / "prompts"
CORPUS = sorted((DATA_DIR / "pii_cvs").glob("*.txt"))
_CONNECTORS = {"de", "du", "des", "la", "le", "les", "en", "et", "and", "of", "SAS"}


def _meta(cv: Path) -> dict:
    return yaml.safe_load(cv.with_suffix(".yaml").read_text(encoding="utf-8"))


def _spaced(value: str) -> re.Pattern:
    """``value`` with any spacing, dots or hyphens between its characters ("0612345678" = "06 12 34 56 78")."""
    chars = re.sub(r"[\s.\-]", "", value)
    return re.compile(r"[\s.\-]*".join(re.escape(c) for c in chars))


def _background(request: str) -> str:
    start, end = request.rfind("<learner_background>"), request.rfind("</learner_background>")
    assert 0 <= start < end, "the learner's text is sent inside <learner_background> tags"
    return request[start + len("<learner_background>"):end]


def assert_no_identifier(request: str, meta: dict, cv: str) -> None:
    """No identifier of ``meta`` anywhere in ``request`` (however spaced); no word of a name or
    employer in the learner's part of it; every trade word of ``meta['keep']`` still there."""
    background = _background(request)
    for ident in meta["identifiers"]:
        assert not _spaced(ident["value"]).search(request), f"{cv}: {ident['kind']} {ident['value']!r} sent"
        if ident["kind"] in ("person", "employer"):
            for word in re.findall(r"[^\W\d_][\w'’]+", ident["value"]):
                if len(word) > 2 and word not in _CONNECTORS:
                    assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", background, re.I), f"{cv}: {word!r} sent"
    for word in meta["keep"]:
        assert word in background, f"{cv}: trade word {word!r} destroyed"


@pytest.fixture(scope="module")
def planned(workspace):
    """L01's deterministic plan, its job and the modules it may use (the assembler's inputs)."""
    from curriculum.planner.eligibility import assess
    from curriculum.planner.pathway import resolve_job

    profile = load_learner(EVAL_DIR / "L01-mechanic-to-ev-battery.yaml")
    path = workspace.plan(profile, explain=False)
    home = (path.learner_location["lat"], path.learner_location["lon"])
    usable = {m.id: m for m in workspace.catalogue.modules.values() if assess(m, profile, home).ok}
    return profile, path, resolve_job(workspace.catalogue, profile.target_job), usable, workspace.catalogue


def _learner(profile, cv: Path):
    meta = _meta(cv)
    return profile.model_copy(update={"name": meta.get("name"), "language": meta.get("language", "fr"),
                                      "background": cv.read_text(encoding="utf-8")})


def _proposal(path, summary: str) -> str:
    return json.dumps({"steps": [{"module_id": s.module_id, "rationale": "Utile."} for s in path.steps],
                       "summary": summary})


def test_corpus_is_what_the_checks_claim():
    assert len(CORPUS) >= 12
    metas = [_meta(cv) for cv in CORPUS]
    assert {m["language"] for m in metas} == {"fr", "en"}
    kinds = {i["kind"] for m in metas for i in m["identifiers"]}
    assert kinds == set(KINDS)  # every kind is exercised
    for cv, meta in zip(CORPUS, metas):
        text = cv.read_text(encoding="utf-8")
        for ident in meta["identifiers"]:
            assert ident["kind"] in KINDS and ident["value"] in text, f"{cv.name}: {ident}"
        assert all(word in text for word in meta["keep"]), cv.name


@pytest.mark.parametrize("cv", CORPUS, ids=lambda p: p.stem)
def test_no_identifier_reaches_the_chat_model(planned, cv):
    profile, path, job, usable, catalogue = planned
    meta = _meta(cv)
    chat = ScriptedChat(replies=["not json", _proposal(path, "Parcours prêt.")])  # two requests: a retry too
    out = LLMAssembler(chat, PROMPTS, "fake").assemble(path, _learner(profile, cv), job, catalogue, usable)
    assert out.provenance["narrative"] == "llm" and len(chat.seen) == 2
    for messages in chat.seen:
        assert_no_identifier("\n".join(str(m.content) for m in messages), meta, cv.name)
    expected = sorted({i["kind"] for i in meta["identifiers"]})
    assert out.provenance["pii_removed"] == expected
    recorded = json.dumps(out.provenance, ensure_ascii=False)
    for ident in meta["identifiers"]:
        assert ident["value"] not in recorded  # kinds are recorded, never values


def test_placeholders_in_the_answer_are_restored_for_the_learner(planned):
    profile, path, job, usable, catalogue = planned
    cv = DATA_DIR / "pii_cvs" / "cv01_fr_mecanicien.txt"
    chat = ScriptedChat(replies=[_proposal(path, "[PERSON_1], votre expérience chez [EMPLOYER_1] compte. "
                                                 "Numéro [NIR_1] ; écrivez à [EMAIL_1] ou PERSON_1.")])
    out = LLMAssembler(chat, PROMPTS, "fake").assemble(path, _learner(profile, cv), job, catalogue, usable)
    assert out.summary == ("Camille Dubois, votre expérience chez Renault Trucks compte. "
                           "Numéro [masqué] ; écrivez à camille.dubois@example.fr ou Camille Dubois.")
    assert "178 123" not in out.model_dump_json()  # the NIR is withheld from the saved plan


class _FakeOpenAI(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that records every request body and answers ``reply``."""

    bodies: list[dict] = []
    reply = ""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body)
        answer = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "fake"),
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": type(self).reply}}],
                             "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def test_no_identifier_in_the_http_requests_to_an_openai_compatible_server(planned):
    """The same corpus through the real ChatOpenAI client: the JSON bodies on the wire are checked."""
    profile, path, job, usable, catalogue = planned
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _FakeOpenAI.reply = _proposal(path, "Parcours prêt pour [PERSON_1].")
        settings = Settings.from_env(llm_model="fake-model", llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                                     llm_timeout_s=20.0)
        assembler = LLMAssembler.from_settings(settings)
        for cv in CORPUS:
            _FakeOpenAI.bodies = []
            out = assembler.assemble(path, _learner(profile, cv), job, catalogue, usable)
            assert out.provenance["narrative"] == "llm", (cv.name, out.warnings)
            assert _FakeOpenAI.bodies, cv.name
            for body in _FakeOpenAI.bodies:
                sent = "\n".join(str(m.get("content", "")) for m in body["messages"])
                assert_no_identifier(sent, _meta(cv), cv.name)
    finally:
        server.shutdown()
        server.server_close()


def test_numbers_with_a_check_digit_are_validated_or_cued():
    p = Pseudonymiser()
    assert p.pseudonymise("NIR 185055917812361") == "NIR [NIR_1]"
    assert p.pseudonymise("Numéro 185055917812361") == "Numéro [NIR_1]"  # valid key: no cue needed
    assert p.pseudonymise("Commande 185055917812345") == "Commande 185055917812345"  # wrong key, no cue
    assert p.pseudonymise("n° SS 1 85 05 59 178 123 45").startswith("n° SS [NIR_")  # wrong key, cued
    assert p.pseudonymise("CH9300762011623852957 ; NL91ABNA0417164300") == "[IBAN_1] ; [IBAN_2]"
    assert p.pseudonymise("Réf. FR76 3000 6000 0112 3456 7890 188") == "Réf. FR76 3000 6000 0112 3456 7890 188"
    assert p.pseudonymise("IBAN : FR76 3000 6000 0112 3456 7890 188") == "IBAN : [IBAN_3]"  # bad check, cued
    assert set(p.kinds_removed) == {"nir", "iban"}


TRADE_TEXTS = [
    "Habilitation B2VL, BCL, IRVE P1/P2, ISO 9606-1 135 MAG, 141 TIG, EN ISO 15614-1.",
    "35 h par semaine, 2019–2023, 12/2021, module de 21 h du 12/03/2024 au 15/03/2024.",
    "Formation de 140 h chez l'AFPA puis stage chez un constructeur ; CACES R489 cat. 1A, 3 et 5.",
    "I am good at Siemens TIA Portal and S7-1200; trained at Level 3 in 2020.",
    "NF C 18-550, Code du travail R.4544-10, 400 V, 24 V DC, RNCP 35678, RS 5423.",
    "J'ai suivi 3 cours de soudage et obtenu 1 place de formation ; permis B et C depuis 2005, permis CE.",
    "Tél portable professionnel fourni ; Bac pro MELEC 2015-2017 ; BAC+2 BTS MS.",
    "Passeport talent. Carte d'identité valide. NIR à fournir plus tard. Sécurité sociale : affiliée depuis 2021.",
    "Worked night shifts at 400 kV substations, 2015-2020, at 35 hours a week; 15 000 EUR; 50 km; 1 200 h.",
    "Permis CACES R489 1A 3 5 depuis 2019 ; passeport valide 2019-2029 ; ESCO 9a25b5b8-8b41-4dcd-8bd7-0034542836a2.",
]


@pytest.mark.parametrize("text", TRADE_TEXTS)
def test_trade_words_hours_and_dates_are_left_alone(text):
    p = Pseudonymiser(["Learner L01"])
    assert p.pseudonymise(text) == text and p.kinds_removed == []


def test_the_shipped_catalogue_and_eval_learners_hold_nothing_to_remove():
    """Real domain text (every module and job of the knowledge base, the eval learners' backgrounds):
    no false positive."""
    files = sorted(KB_DIR.glob("modules/*.md")) + sorted(KB_DIR.glob("jobs/*")) + sorted(EVAL_DIR.glob("*.yaml"))
    assert len(files) > 50
    for file in files:
        p = Pseudonymiser()
        text = file.read_text(encoding="utf-8")
        assert p.pseudonymise(text) == text, (file.name, p.mapping)


def test_names_with_accents_apostrophes_and_particles():
    p = Pseudonymiser()
    masked = p.pseudonymise("Je m'appelle João Conceição Núñez.\nCordialement,\nDaniel O'Connor\nM. Jean de La Tour")
    assert masked == "Je m'appelle [PERSON_1].\nCordialement,\n[PERSON_2]\nM. [PERSON_3]", masked
    assert p.mapping["[PERSON_3]"] == "Jean de La Tour"


def test_restore_accepts_reformatted_placeholders_and_withholds_official_numbers():
    p = Pseudonymiser(["Jean Martin"], language="en")
    masked = p.pseudonymise("Jean Martin, born 2 February 1987, passport 12AB34567, at Alstom Transport.")
    assert masked == "[PERSON_1], born [BIRTH_DATE_1], passport [PASSPORT_1], at [EMPLOYER_1]."
    assert p.restore("[person 1] / PERSON_1 / [EMPLOYER_1] / [PASSPORT_1] / [BIRTH_DATE_1] / [PERSON_9]") == \
        "Jean Martin / Jean Martin / Alstom Transport / [withheld] / [withheld] / [PERSON_9]"
    assert WITHHELD <= set(KINDS) and p.kinds_removed == ["birth_date", "employer", "passport", "person"]
