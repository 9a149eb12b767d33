"""Certification codes: parse them from free text and decide what a held certification satisfies.

Electrical habilitation symbols follow NF C 18-510 (installations) and NF C 18-550 (vehicles and
machines with on-board electrical energy; symbols end in ``L``). Other codes: ``IRVE`` (charging
infrastructure training approved under décret 2017-26), ``ISO9606-1-<process>`` (welder
qualification), ``RNCP<n>`` (French certifications).
"""

from __future__ import annotations

import re

_HABILITATION = re.compile(r"\b(B0L?|H0V?|B[12][VTX]?L?|H[12]V?|B[CRE]L?|H[CE]|BS|BP|BF|HF)\b")
_OTHER = re.compile(r"\b(IRVE|ISO9606-1-\d+|RNCP\d+|CACES[- ]?R?\d+\w*)\b", re.IGNORECASE)


def parse_certification_codes(text: str) -> set[str]:
    """Codes found in a free string, e.g. ``"Habilitation électrique B2V"`` → ``{"B2V"}``."""
    text = text.upper()
    text = re.sub(r"\b(B[012CRE]|H[012CE])\s+(VL|TL|XL|V|T|X|L)\b", r"\1\2", text)
    codes = set(_HABILITATION.findall(text))
    codes |= {m.upper().replace(" ", "-") for m in _OTHER.findall(text)}
    if not codes and re.fullmatch(r"[A-Za-z0-9._:-]+", text.strip()):
        codes.add(text.strip())
    return codes


def held_codes(certifications: list) -> set[str]:
    """Every code held, from the learner's certification list (free strings or ``HeldCertification``)."""
    out: set[str] = set()
    for item in certifications:
        out |= parse_certification_codes(item if isinstance(item, str) else item.code)
    return out


def satisfies(held: set[str], required: str) -> bool:
    """True when a held code satisfies ``required`` (exact symbol; no implied habilitation)."""
    return required in held
