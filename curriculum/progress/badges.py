"""Open Badges 3.0 credentials for certification-awarding modules completed with a pass.

A credential is a W3C Verifiable Credential (data model 2.0) of type ``OpenBadgeCredential``, secured as a
VC-JWT (Open Badges 3.0 §8.2): a compact JWS signed with Ed25519 (``alg: EdDSA``) whose payload is the credential
itself, with the registered claims ``iss`` (issuer id), ``jti`` (credential id), ``nbf`` (``validFrom``), ``sub``
(the learner) and ``exp`` (``validUntil``, when the certification rules give a renewal period). The JOSE header
carries the issuer's public key as ``jwk`` and ``kid``.

The issuer is the data folder (:mod:`curriculum.progress.issuer`): an Ed25519 key created once, mode 0600, never
overwritten nor printed, published as a ``did:key`` (the credential's ``issuer.id``).

``credentialSubject.achievement`` names the module (``id`` ``urn:curriculum:module:<id>``, ``name``), the
certification (``humanCode`` ``B2TL``, its label in ``description``) and the provider (``creator``; also the
subject's ``source``, who assessed). For an electrical habilitation (NF C 18-510 / NF C 18-550, issued by the
employer in the rules) the criteria say that the credential attests the training and that the employer's
habilitation (titre d'habilitation) still has to follow. The learner is pseudonymous: ``urn:curriculum:learner:<id>``,
with a name only when the profile has one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature

from curriculum.errors import InputError
from curriculum.models import LearnerProfile, Module
from curriculum.progress.issuer import Issuer, b64, jwk_of, load_issuer, public_key_of, unb64

CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
HABILITATION_NOTE = (
    "Ce badge atteste la formation et son évaluation, pas l'habilitation : le titre d'habilitation ({standard}) "
    "reste à délivrer par l'employeur, après cette formation et un avis d'aptitude médicale (Code du travail "
    "R.4544-10). / This badge attests the training and its assessment, not the habilitation: the employer still "
    "has to issue the habilitation (titre d'habilitation, {standard}) after this training and a medical fitness "
    "finding.")


# ------------------------------------------------------------------------------------------------ credential
def _moment(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _urn(kind: str, value: str) -> str:
    return f"urn:curriculum:{kind}:{quote(value, safe='')}"


def _slug(text: str) -> str:
    """``Prévention Électrique (démonstration)`` → ``prevention-electrique-demonstration``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "provider"


def build_credential(issuer: Issuer, module: Module, learner: LearnerProfile, on: dt.date, *,
                     score: float | None = None, started: dt.date | None = None, place: str | None = None,
                     reference: Any = None) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` for ``learner`` passing ``module`` on ``on`` (the completion date,
    also ``validFrom``). ``score`` (0–100), ``started`` (first day) and ``place`` come from the event and the
    pathway step when known; ``reference`` is the certification rules (default: the shipped ones), read for the
    habilitation note and ``validUntil`` (completion + the rule's renewal period, when it has one).

    Raises
    ------
    InputError
        The module awards no certification (field ``module_id``).
    """
    from curriculum.rules.reference import load_reference

    if not module.awards:
        raise InputError(f"module {module.id!r} awards no certification: no badge", field="module_id")
    cert, reference = module.certification, reference or load_reference()
    rules = [r for r in (reference.rule(code) for code in module.awards) if r is not None]
    standard = cert.standard or next((r.family for r in rules), None)
    habilitation = any(r.issued_by == "employer" for r in rules) or bool(re.search(r"18-5[15]0", standard or ""))
    provider = {"id": _urn("provider", _slug(module.provider)), "type": ["Profile"], "name": module.provider}
    narrative = [f"Module « {module.title} » ({module.duration_hours:g} h, {module.provider}"
                 + (f", {place}" if place else "") + f") suivi et réussi le {on.isoformat()}"
                 + (f", score {score:g}/100" if score is not None else "") + "."]
    if habilitation:  # the module's own issuer note says the same: not repeated
        narrative.append(HABILITATION_NOTE.format(standard=standard or "NF C 18-550"))
    elif cert.issuer_note or (rules and rules[0].issuer_note):
        narrative.append(cert.issuer_note or rules[0].issuer_note)
    validity = rules[0].validity if rules else None
    until = validity.until(on) if validity else None
    if until is not None:
        narrative.append(f"{' / '.join(module.awards)}: {validity.renewal_text('fr')} "
                         f"({validity.renewal_text('en')}).")
    achievement = {"id": _urn("module", module.id), "type": ["Achievement"], "name": module.title,
                   "achievementType": "CertificateOfCompletion", "humanCode": " / ".join(module.awards),
                   "description": cert.label, "criteria": {"narrative": "\n\n".join(narrative)},
                   "creator": provider, "tag": list(module.awards)}
    subject: dict[str, Any] = {"id": _urn("learner", learner.id), "type": ["AchievementSubject"],
                               "achievement": achievement, "activityEndDate": _moment(on), "source": provider,
                               "result": [{"type": ["Result"], "status": "Completed",
                                           **({"value": f"{score:g}"} if score is not None else {})}]}
    if started is not None and started <= on:
        subject["activityStartDate"] = _moment(started)
    if learner.name:  # pseudonymous otherwise: the learner id only
        subject["identifier"] = [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                                  "identityHash": learner.name}]
    return {"@context": list(CONTEXTS), "id": f"urn:uuid:{uuid.uuid4()}", "type": list(CREDENTIAL_TYPES),
            "name": f"{' / '.join(module.awards)} – {module.title}", "issuer": issuer.profile(),
            "validFrom": _moment(on), **({"validUntil": _moment(until)} if until else {}),
            "credentialSubject": subject}


def _epoch(moment: str) -> int:
    return int(dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp())


def sign(credential: Mapping[str, Any], issuer: Issuer) -> str:
    """The credential as a VC-JWT: ``header.payload.signature`` (base64url), Ed25519 over the first two.

    Raises
    ------
    InputError
        ``issuer`` has no private key.
    """
    claims = {"iss": issuer.did, "jti": credential["id"], "nbf": _epoch(credential["validFrom"]),
              "sub": credential["credentialSubject"]["id"],
              **({"exp": _epoch(credential["validUntil"])} if credential.get("validUntil") else {})}
    header = {"alg": "EdDSA", "typ": "JWT", "kid": issuer.kid, "jwk": issuer.jwk}
    signing_input = ".".join(b64(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
                             for part in (header, {**credential, **claims}))
    return f"{signing_input}.{b64(issuer.sign(signing_input.encode('ascii')))}"


def issue_badge(data_dir: Path | str, module: Module, learner: LearnerProfile, on: dt.date, **details: Any) -> str:
    """Build and sign the credential of :func:`build_credential` with the data folder's issuer (created once);
    returns the VC-JWT (compact JWS, one line). ``details``: ``score``, ``started``, ``place``, ``reference``.

    Raises
    ------
    InputError
        See :func:`build_credential` and :func:`load_issuer`.
    """
    issuer = load_issuer(data_dir, create=True)
    assert issuer is not None
    return sign(build_credential(issuer, module, learner, on, **details), issuer)


# ------------------------------------------------------------------------------------------------ verification
@dataclass
class Verification:
    """The outcome of :func:`verify_badge`: ``valid``, the ``reason`` when not, and what the credential says
    (``issuer`` did, ``issuer_name``, ``achievement``, ``code``, ``learner``, ``date`` (validFrom, ISO),
    ``valid_until``) as far as it could be read; ``credential`` is the decoded payload."""

    valid: bool
    reason: str = ""
    issuer: str | None = None
    issuer_name: str | None = None
    achievement: str | None = None
    code: str | None = None
    learner: str | None = None
    date: str | None = None
    valid_until: str | None = None
    credential: dict[str, Any] | None = field(default=None, repr=False)

    def line(self) -> str:
        """One line: ``valid: <code> – <achievement> | learner … | <date> | issuer <name> (<did>)`` or
        ``invalid: <reason>``."""
        if not self.valid:
            return f"invalid: {self.reason}"
        until = f" (valid until {self.valid_until})" if self.valid_until else ""
        return (f"valid: {self.code} – {self.achievement} | learner {self.learner} | {self.date}{until} | "
                f"issuer {self.issuer_name} ({self.issuer})")


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(unb64(part).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"the {what} is not base64url-encoded JSON (altered?)") from None
    if not isinstance(value, dict):
        raise ValueError(f"the {what} is not a JSON object")
    return value


def _structure(vc: dict[str, Any], header: dict[str, Any], issuer: str) -> None:
    """Raise ValueError naming the first missing or conflicting member."""
    if list(vc.get("@context") or [])[:2] != list(CONTEXTS):
        raise ValueError(f"@context must start with {', '.join(CONTEXTS)}")
    types = vc.get("type") or []
    if "VerifiableCredential" not in types or not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        raise ValueError("type must hold VerifiableCredential and OpenBadgeCredential")
    subject = vc.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict) or "Achievement" not in (achievement.get("type") or []):
        raise ValueError("credentialSubject.achievement (type Achievement) is missing")
    for key in ("id", "name", "criteria"):
        if not achievement.get(key):
            raise ValueError(f"credentialSubject.achievement.{key} is missing")
    for key in ("id", "validFrom"):
        if not vc.get(key):
            raise ValueError(f"{key} is missing")
    claims = {"iss": issuer, "jti": vc["id"], "nbf": _epoch(vc["validFrom"])}
    if subject.get("id"):
        claims["sub"] = subject["id"]
    if vc.get("validUntil"):
        claims["exp"] = _epoch(vc["validUntil"])
    for claim, expected in claims.items():
        if vc.get(claim) != expected:
            raise ValueError(f"JWT claim {claim} ({vc.get(claim)!r}) does not match the credential ({expected!r})")
    if header.get("typ") not in (None, "JWT", "vc+jwt"):
        raise ValueError(f"JOSE header typ {header.get('typ')!r} (JWT expected)")


def verify_badge(data: str | bytes, *, trusted: Iterable[str] | None = None, data_dir: Path | str | None = None,
                 today: dt.date | None = None) -> Verification:
    """Check a VC-JWT credential: form (compact JWS of JSON parts), Ed25519 signature by the key of the
    issuer's ``did:key`` (and the header's ``jwk``/``kid`` name that key), Open Badges structure (contexts,
    types, achievement, JWT claims matching the credential), a trusted issuer (``trusted`` DIDs, else the
    issuer of ``data_dir``), and dates (``validFrom`` not after ``today``, ``validUntil`` not before it;
    ``today`` defaults to :func:`curriculum.progress.clock.today`).

    Never raises on a bad credential: returns ``Verification(valid=False, reason=…)``.
    """
    from curriculum.progress.clock import today as clock_today

    out = Verification(valid=False)
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        if text != text.rstrip("\r\n") + ("\n" if text.endswith("\n") else ""):
            raise ValueError("not a VC-JWT: text after the credential")
        parts = text.rstrip("\n").split(".")
        if len(parts) != 3:
            raise ValueError("not a VC-JWT (a compact JWS header.payload.signature)")
        if any(b64(unb64(p)) != p for p in parts):  # one encoding per value: a changed padding bit is a change
            raise ValueError("not a canonical base64url encoding (the credential was altered)")
        header, vc = _json_part(parts[0], "JOSE header"), _json_part(parts[1], "payload")
        signature = unb64(parts[2])
        issuer = vc.get("issuer")
        issuer = issuer if isinstance(issuer, dict) else {"id": issuer}
        out.credential, out.issuer, out.issuer_name = vc, issuer.get("id"), issuer.get("name")
        subject = vc.get("credentialSubject") if isinstance(vc.get("credentialSubject"), dict) else {}
        achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
        out.achievement, out.code, out.learner = achievement.get("name"), achievement.get("humanCode"), subject.get("id")
        out.date, out.valid_until = (vc.get("validFrom") or "")[:10] or None, (vc.get("validUntil") or "")[:10] or None
        if header.get("alg") != "EdDSA":
            raise ValueError(f"unsupported JOSE alg {header.get('alg')!r} (EdDSA expected)")
        try:
            key = public_key_of(str(out.issuer))
        except ValueError:
            raise ValueError(f"the issuer {out.issuer!r} is not a did:key of an Ed25519 key") from None
        if header.get("jwk") not in (None, jwk_of(key)):
            raise ValueError("the header's jwk is not the issuer's key")
        if header.get("kid") and not str(header["kid"]).startswith(f"{out.issuer}#"):
            raise ValueError("the header's kid is not a key of the issuer")
        try:
            key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
        except InvalidSignature:
            raise ValueError(f"the signature does not match the credential (altered, or not signed by "
                             f"{out.issuer})") from None
        _structure(vc, header, str(out.issuer))
        accepted = set(trusted or ())
        if trusted is None and data_dir is not None:
            own = load_issuer(data_dir)
            accepted = {own.did} if own else set()
        if out.issuer not in accepted:
            raise ValueError(f"issued by {out.issuer} ({out.issuer_name}), not by a trusted issuer ("
                             + (", ".join(sorted(accepted)) if accepted else "this data folder has no issuer key")
                             + ")")
        day = today or clock_today()
        if dt.date.fromisoformat(out.date or "") > day:
            raise ValueError(f"not valid before {out.date}")
        if out.valid_until and dt.date.fromisoformat(out.valid_until) < day:
            raise ValueError(f"expired on {out.valid_until}")
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        out.reason = str(exc) if isinstance(exc, ValueError) and not isinstance(exc, UnicodeDecodeError) \
            else f"malformed credential ({type(exc).__name__}: {exc})"
        return out
    out.valid = True
    return out


# ---------------------------------------------------------------------------------------------------- files
def badge_folder(data_dir: Path | str, pathway: str) -> Path:
    """``<data_dir>/badges/<pathway>``; a pathway name unsafe as a folder name (``/``, spaces, ``..``…) is
    slugged and suffixed with 8 hex digits of its SHA-256."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", pathway).strip("._") or "pathway"
    if safe != pathway:
        safe = f"{safe[:80]}-{hashlib.sha256(pathway.encode('utf-8')).hexdigest()[:8]}"
    return Path(data_dir) / "badges" / safe


def badges_for_events(data_dir: Path | str, stored: Any, events: Iterable[Any], modules: Mapping[str, Module],
                      *, reference: Any = None) -> list[dict[str, Any]]:
    """Issue a badge for each ``completed`` event with result ``pass`` on a catalogue module that awards a
    certification, for the learner of ``stored`` (a :class:`~curriculum.progress.store.StoredPathway`): written
    to ``<data_dir>/badges/<pathway>/<module>-<date>.jwt`` (date: the completion). A file already there (the
    same completion recorded again) is kept, never rewritten.

    Returns
    -------
    list[dict]
        ``{"module_id", "certification" (codes, " / "-joined), "on" (ISO), "file" (path), "new" (bool)}`` per
        badge, in event order.
    """
    steps = {s.module_id: s for s in stored.path.steps}
    out = []
    for event in events:
        module = modules.get(getattr(event, "module_id", "") or "")
        if event.kind != "completed" or event.result != "pass" or module is None or not module.awards:
            continue
        path = badge_folder(data_dir, stored.name) / f"{module.id}-{event.on.isoformat()}.jwt"
        new = not path.exists()
        if new:
            step = steps.get(module.id)
            token = issue_badge(data_dir, module, stored.learner, event.on, score=event.score, reference=reference,
                                started=step.start if step else None, place=step.place if step else None)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
            tmp.write_text(token + "\n", encoding="ascii")
            try:
                os.link(tmp, path)  # a concurrent writer's badge wins
            except FileExistsError:
                new = False
            finally:
                tmp.unlink()
        out.append({"module_id": module.id, "certification": " / ".join(module.awards), "on": event.on.isoformat(),
                    "file": str(path), "new": new})
    return out
