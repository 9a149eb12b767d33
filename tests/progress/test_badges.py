"""Open Badges 3.0 credentials (VC-JWT, Ed25519) for passed certification modules, and `curriculum badge verify`
(#15). Each test has a data folder of its own (issuer key, badges) and a database beside it; L01 is planned once
by the session's indexed workspace and saved directly."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.progress import PathwayStore
from curriculum.progress.badges import CONTEXTS, build_credential, sign, verify_badge
from curriculum.progress.issuer import Issuer, b64, load_issuer, unb64
from curriculum.rules.reference import load_reference
from tests.progress.test_xapi import SAMPLE

runner = CliRunner()
B2TL = "ev-habilitation-b2tl"
DONE_ON = "2027-03-17"  # the last day of L01's B2TL session in its plan


@pytest.fixture
def env(tmp_path, monkeypatch, l01_planned):
    """A data folder of its own, L01 saved in a database beside it, the CLI counting from 2027-06-02."""
    data = tmp_path / "data"
    url = f"sqlite:///{tmp_path / 'badges.sqlite'}"
    monkeypatch.setenv("CURRICULUM_DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CURRICULUM_TODAY", "2027-06-02")
    profile, path = l01_planned
    PathwayStore(url=url).save("L01", profile, path)
    return data


def run(*args: str):
    return runner.invoke(app, [*args])


def _pass_b2tl(*extra: str) -> dict:
    done = run("progress", "L01", "--completed", B2TL, "--on", DONE_ON, *extra)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _payload(token: str) -> dict:
    return json.loads(unb64(token.split(".")[1]))


def _with_payload(token: str, payload: dict) -> str:
    """The token with another payload and the original signature (what a forger without the key can do)."""
    header, _, signature = token.split(".")
    return ".".join([header, b64(json.dumps(payload, ensure_ascii=False).encode()), signature])


def test_a_b2tl_pass_issues_a_badge_that_verifies(env, l01_planned, workspace):
    profile, path = l01_planned
    module = workspace.catalogue.modules[B2TL]
    assert B2TL in [s.module_id for s in path.steps]
    out = _pass_b2tl("--score", "91")
    [badge] = out["badges"]
    file = env / "badges" / "L01" / f"{B2TL}-{DONE_ON}.jwt"
    assert badge == {"module_id": B2TL, "certification": "B2TL", "on": DONE_ON, "file": str(file), "new": True}

    checked = run("badge", "verify", str(file))
    assert checked.exit_code == 0, checked.output
    issuer = json.loads((env / "issuer" / "issuer.json").read_text(encoding="utf-8"))
    assert checked.stdout.count("\n") == 1 and checked.stdout.startswith(f"valid: B2TL – {module.title} | ")
    assert f"learner urn:curriculum:learner:{profile.id}" in checked.stdout and DONE_ON in checked.stdout
    assert f"({issuer['id']})" in checked.stdout and issuer["id"].startswith("did:key:z6Mk")

    vc = _payload(file.read_text())
    assert vc["@context"] == list(CONTEXTS) and vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == issuer["id"] == vc["iss"] and vc["validFrom"].startswith(DONE_ON)
    rule = load_reference().rule("B2TL")
    assert vc["validUntil"].startswith(rule.validity.until(dt.date.fromisoformat(DONE_ON)).isoformat())
    subject = vc["credentialSubject"]
    assert subject["id"] == vc["sub"] == f"urn:curriculum:learner:{profile.id}"
    assert subject["identifier"][0]["identityHash"] == profile.name  # the profile has a name: given
    assert subject["result"][0]["value"] == "91"
    ach = subject["achievement"]
    assert (ach["id"], ach["name"], ach["humanCode"]) == (f"urn:curriculum:module:{B2TL}", module.title, "B2TL")
    assert ach["description"] == module.certification.label and ach["creator"]["name"] == module.provider
    step = next(s for s in path.steps if s.module_id == B2TL)
    assert subject["activityStartDate"].startswith(step.start.isoformat()) and step.place in ach["criteria"]["narrative"]


def test_the_habilitation_note_says_the_employer_habilitates(env):
    file = _pass_b2tl()["badges"][0]["file"]
    narrative = _payload(open(file).read())["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert "titre d'habilitation (NF C 18-550)" in narrative and "délivrer par l'employeur" in narrative
    assert "the employer still has to issue the habilitation" in narrative


def test_a_certifying_body_module_has_no_habilitation_note_and_a_nameless_learner_stays_pseudonymous(
        tmp_path, l01_planned, workspace):
    profile, _ = l01_planned
    welding = next(m for m in workspace.catalogue.modules.values()
                   if m.awards and load_reference().rule(m.awards[0]).issued_by == "certifying_body")
    issuer = load_issuer(tmp_path, create=True)
    vc = build_credential(issuer, welding, profile.model_copy(update={"name": None}), dt.date(2027, 5, 3))
    narrative = vc["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert "habilitation" not in narrative.lower()
    assert (welding.certification.issuer_note or load_reference().rule(welding.awards[0]).issuer_note) in narrative
    assert "identifier" not in vc["credentialSubject"] and vc["credentialSubject"]["id"].endswith(profile.id)
    with pytest.raises(Exception, match="awards no certification"):
        build_credential(issuer, next(m for m in workspace.catalogue.modules.values() if not m.awards), profile,
                         dt.date(2027, 5, 3))


def test_no_badge_for_a_fail_nor_for_a_module_without_certification(env, l01_planned):
    _, path = l01_planned
    plain = next(s.module_id for s in path.steps if not s.certification)
    failed = run("progress", "L01", "--completed", B2TL, "--on", DONE_ON, "--result", "fail")
    done = run("progress", "L01", "--completed", plain, "--on", "2027-02-09")
    assert failed.exit_code == done.exit_code == 0
    assert "badges" not in json.loads(failed.stdout) and "badges" not in json.loads(done.stdout)
    assert not (env / "badges").exists()


def test_the_same_pass_recorded_again_keeps_the_badge(env):
    first = _pass_b2tl()["badges"][0]
    before = open(first["file"]).read()
    again = _pass_b2tl()["badges"][0]
    assert (again["file"], again["new"]) == (first["file"], False) and open(first["file"]).read() == before


def test_a_changed_field_or_byte_makes_it_invalid(env, tmp_path):
    token = open(_pass_b2tl()["badges"][0]["file"]).read().strip()
    assert verify_badge(token, data_dir=env).valid
    payload = _payload(token)
    payload["credentialSubject"]["achievement"]["humanCode"] = "B2XL"  # a grander habilitation
    forged = tmp_path / "forged.jwt"
    forged.write_text(_with_payload(token, payload))
    bad = run("badge", "verify", str(forged))
    assert bad.exit_code == 1 and bad.stdout.startswith("invalid: the signature does not match the credential")
    for at in (5, len(token) // 2, len(token) - 3):  # one byte in the header, the payload, the signature
        altered = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
        result = verify_badge(altered, data_dir=env)
        assert not result.valid and result.reason, at
    garbage = tmp_path / "garbage.jwt"
    garbage.write_bytes(b"\xff\xfe not a credential")
    out = run("badge", "verify", str(garbage))
    assert out.exit_code == 1 and out.stdout.startswith("invalid: ")


def test_a_credential_signed_by_another_key_is_invalid(env, tmp_path, l01_planned, workspace):
    profile, _ = l01_planned
    ours = json.loads(run("badge", "verify", _pass_b2tl()["badges"][0]["file"], "--format", "json").stdout)
    assert ours["valid"] and ours["issuer"].startswith("did:key:")
    module = workspace.catalogue.modules[B2TL]
    other = load_issuer(tmp_path / "elsewhere", create=True)  # a stranger's own, self-consistent credential
    foreign = tmp_path / "foreign.jwt"
    foreign.write_text(sign(build_credential(other, module, profile, dt.date(2027, 3, 17)), other))
    bad = run("badge", "verify", str(foreign))
    assert bad.exit_code == 1
    assert bad.stdout.startswith(f"invalid: issued by {other.did}") and ours["issuer"] in bad.stdout
    trusted = run("badge", "verify", str(foreign), "--issuer", other.did)  # trusting that issuer explicitly
    assert trusted.exit_code == 0 and trusted.stdout.startswith("valid: B2TL")

    our_jwk = json.loads((env / "issuer" / "issuer.json").read_text())["publicKeyJwk"]
    for jwk, reason in ((our_jwk, "the signature does not match the credential"),
                        (other.jwk, "the header's jwk is not the issuer's key")):
        impostor = Issuer(ours["issuer"], "impostor", jwk, other._key)  # claims our DID, signs with its own key
        forged = tmp_path / "impostor.jwt"
        forged.write_text(sign(build_credential(impostor, module, profile, dt.date(2027, 3, 17)), impostor))
        out = run("badge", "verify", str(forged))
        assert out.exit_code == 1 and out.stdout.startswith(f"invalid: {reason}")


def test_the_key_is_0600_never_overwritten_and_never_printed(env, tmp_path):
    recorded = run("progress", "L01", "--completed", B2TL, "--on", DONE_ON)
    key_file = env / "issuer" / "ed25519-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    pem = key_file.read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    body = b"".join(pem.splitlines()[1:-1]).decode()
    secrets = [body, body[20:40], b64(raw), base64.b64encode(raw).decode(), raw.hex()]
    file = json.loads(recorded.stdout)["badges"][0]["file"]
    outputs = [recorded.output, run("badge", "verify", file).output,
               run("badge", "verify", file, "--format", "json").output, open(file).read(),
               (env / "issuer" / "issuer.json").read_text(), repr(load_issuer(env))]
    for text in outputs:
        assert not any(s in text for s in secrets)

    did = load_issuer(env).did
    run("progress", "L01", "--completed", "ev-habilitation-b1vl", "--on", "2027-02-16")
    load_issuer(env, create=True)
    assert key_file.read_bytes() == pem and load_issuer(env).did == did  # created once, kept


def test_expired_unreadable_and_bad_options(env, tmp_path, monkeypatch):
    file = _pass_b2tl()["badges"][0]["file"]
    until = _payload(open(file).read())["validUntil"][:10]
    monkeypatch.setenv("CURRICULUM_TODAY", (dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat())
    expired = run("badge", "verify", file)
    assert expired.exit_code == 1 and expired.stdout.strip() == f"invalid: expired on {until}"
    missing = run("badge", "verify", str(tmp_path / "nothing.jwt"))
    assert missing.exit_code == 2 and "nothing.jwt" in missing.stderr and missing.stdout == ""
    folder = run("badge", "verify", str(tmp_path))
    assert folder.exit_code == 2
    bad_did = run("badge", "verify", file, "--issuer", "did:web:example.fr")
    assert bad_did.exit_code == 2 and "'--issuer'" in bad_did.stderr


def test_a_pass_imported_from_xapi_issues_a_badge(env, tmp_path):
    statement = json.loads(SAMPLE.read_text(encoding="utf-8"))["statements"][3]  # the failed B1VL practical
    retake = {**statement, "id": str(uuid.uuid4()), "timestamp": "2027-02-16T16:00:00+01:00",
              "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
              "result": {"success": True, "completion": True, "score": {"scaled": 0.8}}}
    statements = tmp_path / "retake.json"
    statements.write_text(json.dumps({"statements": [retake]}), encoding="utf-8")
    imported = run("progress", "L01", "--xapi", str(statements))
    assert imported.exit_code == 0, imported.output
    [badge] = json.loads(imported.stdout)["badges"]
    assert (badge["module_id"], badge["certification"], badge["on"]) == ("ev-habilitation-b1vl", "B1VL", "2027-02-16")
    checked = run("badge", "verify", badge["file"])
    assert checked.exit_code == 0 and checked.stdout.startswith("valid: B1VL")
    assert os.path.dirname(badge["file"]) == str(env / "badges" / "L01")
