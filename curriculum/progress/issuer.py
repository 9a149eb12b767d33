"""The issuer of the data folder's Open Badges: an Ed25519 key created once in
``<data_dir>/issuer/ed25519-key.pem`` (PKCS#8 PEM, mode 0600 from its creation, never overwritten, never printed)
and its public half published as a ``did:key`` and a JWK in ``<data_dir>/issuer/issuer.json`` with the issuer's
name (``CURRICULUM_ISSUER_NAME`` when the key is created; edit the file to rename). Also the encodings of
VC-JWTs: base64url, base58btc, ``did:key`` ↔ Ed25519 public key.
"""

from __future__ import annotations

import base64
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from curriculum.errors import InputError

KEY_FILE, ISSUER_FILE = "ed25519-key.pem", "issuer.json"
DEFAULT_ISSUER_NAME = "curriculum – parcours de formation"
_ED25519_MULTICODEC = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# ------------------------------------------------------------------------------------------------ encodings
def b64(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """Decode base64url (padding optional). Raises ValueError on a character outside the alphabet."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b58(data: bytes) -> str:
    n, out = int.from_bytes(data, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _unb58(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + _B58.index(ch)  # ValueError on a foreign character
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public: Ed25519PublicKey) -> str:
    """The ``did:key`` of an Ed25519 public key (``did:key:z6Mk…``: multicodec 0xed01, base58btc)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + _b58(_ED25519_MULTICODEC + raw)


def public_key_of(did: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a ``did:key`` (a key URL ``did:key:z…#z…`` too).

    Raises
    ------
    ValueError
        Not a ``did:key`` of an Ed25519 key.
    """
    m = re.fullmatch(r"did:key:z([1-9A-HJ-NP-Za-km-z]+)(#.*)?", did or "")
    raw = _unb58(m.group(1)) if m else b""
    if len(raw) != 34 or not raw.startswith(_ED25519_MULTICODEC):
        raise ValueError(f"{did!r} is not a did:key of an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def jwk_of(public: Ed25519PublicKey) -> dict[str, str]:
    """The public JWK (RFC 8037 ``OKP`` / ``Ed25519``)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}


# --------------------------------------------------------------------------------------------------- issuer
@dataclass
class Issuer:
    """The data folder's issuer: ``did`` (``did:key``), ``name``, ``jwk`` (public key). The private key is
    kept out of ``repr`` and of every output."""

    did: str
    name: str
    jwk: dict[str, str]
    _key: Ed25519PrivateKey | None = field(default=None, repr=False, compare=False)

    @property
    def kid(self) -> str:
        """The key's verification method: ``did:key:z…#z…``."""
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message`` (64 bytes).

        Raises
        ------
        InputError
            This issuer has no private key.
        """
        if self._key is None:
            raise InputError("this issuer has no private key: cannot sign", field="issuer")
        return self._key.sign(message)

    def profile(self) -> dict[str, Any]:
        """The issuer as an Open Badges ``Profile``."""
        return {"id": self.did, "type": ["Profile"], "name": self.name}


def _issuer_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "issuer"


def _create_key(folder: Path) -> None:
    """Write a new key beside the final name and link it there: a key already there (another process's) wins
    and is never overwritten; the file is 0600 from its creation on."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    tmp = folder / f".{KEY_FILE}.{os.getpid()}.{uuid.uuid4().hex}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, folder / KEY_FILE)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def load_issuer(data_dir: Path | str, *, create: bool = False) -> Issuer | None:
    """The issuer of ``data_dir`` (None when it has no key and ``create`` is False; created once otherwise).

    Raises
    ------
    InputError
        The key file exists but cannot be read as an Ed25519 private key (field: its path).
    """
    folder = _issuer_dir(data_dir)
    key_path, public_path = folder / KEY_FILE, folder / ISSUER_FILE
    if not key_path.exists():
        if not create:
            return None
        _create_key(folder)
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"cannot read the issuer key ({type(exc).__name__})", field=str(key_path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("the issuer key is not an Ed25519 key", field=str(key_path))
    did = did_key(key.public_key())
    try:
        published = json.loads(public_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        published = {}
    name = published.get("name") if published.get("id") == did else None
    issuer = Issuer(did, name or os.environ.get("CURRICULUM_ISSUER_NAME", "").strip() or DEFAULT_ISSUER_NAME,
                    jwk_of(key.public_key()), key)
    if published.get("id") != did or "publicKeyJwk" not in published:  # publish the public key (never the private)
        try:
            public_path.write_text(json.dumps({**issuer.profile(), "publicKeyJwk": issuer.jwk}, ensure_ascii=False,
                                              indent=2) + "\n", encoding="utf-8")
        except OSError:
            if create:
                raise InputError("cannot write the issuer's public profile", field=str(public_path)) from None
    return issuer
