"""Certification codes: parse them from free text and decide what a held certification satisfies.

Electrical habilitation symbols follow NF C 18-510 (installations) and NF C 18-550 (vehicles and
machines with on-board electrical energy; symbols end in ``L``). Other codes: ``IRVE`` (charging
infrastructure training approved under décret 2017-26), ``ISO9606-1-<process>`` (welder
qualification), ``RNCP<n>`` (French certifications). What a held code meets (``B2V`` meets ``B1V``
and the class ``HAB-BT-EXEC``) and how long it stays valid are the rules of :mod:`curriculum.rules`.
"""

from __future__ import annotations

import datetime as dt
import re

from curriculum.rules.lifecycle import HeldCode
from curriculum.rules.reference import RulesReference

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


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_FR_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _date_in(text: str) -> tuple[dt.date | None, str]:
    """The one date written in ``text`` (``2024-03-01`` or ``01/03/2024``) and the text without it."""
    for rx, order in ((_ISO_DATE, (1, 2, 3)), (_FR_DATE, (3, 2, 1))):
        found = list(rx.finditer(text))
        if len(found) == 1:
            m = found[0]
            try:
                day = dt.date(*(int(m.group(k)) for k in order))
            except ValueError:
                return None, text
            return day, text[:m.start()] + text[m.end():]
    return None, text


def held_certifications(certifications: list) -> list[HeldCode]:
    """The learner's certifications as (code, date obtained or None).

    Items are ``HeldCertification`` (``{code, obtained}``) or free strings; a string naming one date
    (``"B2TL 2024-03-01"``, ``"Habilitation B1VL obtenue le 10/02/2021"``, as a cohort file may hold)
    gives that date to the codes it names; otherwise the date is unknown.
    """
    out: list[HeldCode] = []
    for item in certifications:
        if isinstance(item, str):
            day, text = _date_in(item)
            out += [HeldCode(code, day) for code in sorted(parse_certification_codes(text.strip(" ,;:()")))]
        else:
            out += [HeldCode(code, item.obtained) for code in sorted(parse_certification_codes(item.code))]
    return out


def satisfies(held: set[str], required: str, reference: RulesReference | None = None) -> bool:
    """True when a held code satisfies ``required``: the same symbol or, with ``reference``, a code the
    rules say implies it (``B2VL`` → ``B1VL``; ``BR`` → class ``HAB-BT-EXEC``)."""
    return reference.satisfies(held, required) if reference is not None else required in held
