"""Pseudonymise personal data before any call to an external model, and restore it afterwards.

Detected (patterns in :mod:`curriculum.generation.pii_patterns`, French and English): social
security numbers (French NIR, key checked mod 97, or any such number next to "sécurité sociale",
"NIR", "n° SS"), IBANs (any country, mod-97 checked, or next to "IBAN"/"RIB"), birth dates ("né le
12/03/1985", "born 12 March 1985", "date de naissance : 12.03.1985"), identity-card, driving-licence
and passport numbers (after their cue), phones (French and international), e-mails, postal
addresses, personal names (the learner's declared name, and capitalised names after "Je
m'appelle", "Nom :", "My name is", "M."/"Mme", or in a signature) and employers (after "chez",
"at", "worked for", "Employeur :" …). Each value becomes a stable placeholder, numbered per kind
in order of appearance: ``[NIR_1]``, ``[IBAN_1]``, ``[BIRTH_DATE_1]``, ``[ID_CARD_1]``,
``[DRIVING_LICENCE_1]``, ``[PASSPORT_1]``, ``[PHONE_1]``, ``[EMAIL_1]``, ``[ADDRESS_1]``,
``[PERSON_1]``, ``[EMPLOYER_1]``.

:meth:`Pseudonymiser.restore` maps the placeholders of the model's answer back to what the learner
should see: names, employers, e-mails, phones and addresses come back as written; official numbers
and birth dates (:data:`WITHHELD`) are never written into a plan (plans are saved, exported and
shared with advisers): they read "[masqué]" / "[withheld]". :attr:`Pseudonymiser.kinds_removed`
lists the kinds replaced, never their values, for the plan's provenance.

Library choice: python-stdnum (pure Python, no dependency; 1.2 MB wheel, 3.3 MB installed)
validates the NIR key (with Corsican 2A/2B departments) and IBAN check digits per country.
Presidio was left out: presidio-analyzer requires spaCy and, to find names, a spaCy language
model (hundreds of MB, against a light venv). So was scrubadub (scikit-learn, textblob, faker,
dateparser; last release 2023). phonenumbers (0.5 MB "lite") was not needed: the patterns catch
French and "+"/"00" international numbers, where its matcher needs a default region and skips
numbers it finds invalid (a masked fake number costs less than a leaked real one). Names and
employers are found from the profile's name and from cues, not by a statistical NER model: a name
written with no cue and not in the profile stays (see the module's tests for what is covered).
"""

from __future__ import annotations

import re

from curriculum.generation.pii_patterns import (Span, employer_spans, identifier_spans, known_value_spans,
                                                person_spans)

KINDS = ("nir", "iban", "birth_date", "id_card", "driving_licence", "passport", "phone", "email", "address",
         "person", "employer")
"""Every kind of personal data detected (placeholder names are the upper-case kinds)."""
WITHHELD = frozenset({"nir", "iban", "birth_date", "id_card", "driving_licence", "passport"})
"""Kinds that :meth:`Pseudonymiser.restore` does not write back into the model's text."""
_WITHHELD_LABEL = {"fr": "[masqué]", "en": "[withheld]"}
_PLACEHOLDER = re.compile(r"\[\s*(" + "|".join(k.upper() for k in KINDS) + r")[ _-]?(\d+)\s*\]|\b("
                          + "|".join(k.upper() for k in KINDS) + r")_(\d+)\b", re.IGNORECASE)


def _overlaps(span: Span, taken: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end, _ in taken)


class Pseudonymiser:
    """Replace personal data with placeholders; remember the mapping to restore it.

    ``names``: the learner's declared name(s) (full name; its parts longer than 2 characters are
    replaced too). ``language``: "fr" or "en", for the word that replaces withheld kinds.
    """

    def __init__(self, names: list[str] | None = None, language: str = "fr") -> None:
        self.names = [n.strip() for n in (names or []) if n and len(n.strip()) > 1]
        self.language = language if language in _WITHHELD_LABEL else "en"
        self.mapping: dict[str, str] = {}
        self._kind_of: dict[str, str] = {}
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def _token(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._by_value:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            token = f"[{kind.upper()}_{self._counts[kind]}]"
            self._by_value[key] = token
            self.mapping[token] = value
            self._kind_of[token] = kind
        return self._by_value[key]

    @property
    def kinds_removed(self) -> list[str]:
        """Sorted kinds replaced so far (e.g. ``["email", "iban", "nir"]``); values are never listed."""
        return sorted(set(self._kind_of.values()))

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping ``(start, end, kind)`` spans of personal data in ``text``, in text order.

        Priority when spans overlap: numbers and contact data, then employers and names found from
        their cues, then later mentions of names and employers already known.
        """
        taken: list[Span] = []

        def take(candidates: list[Span]) -> None:
            for span in sorted(candidates, key=lambda s: (s[0], -s[1])):
                if span[1] > span[0] and not _overlaps(span, taken):
                    taken.append(span)

        take(identifier_spans(text))
        employers, people = employer_spans(text), person_spans(text)
        take(employers)
        take(people)
        names = {*self.names, *(p for n in self.names for p in n.split())}
        names |= {text[s:e] for s, e, _ in people} | {p for s, e, _ in people for p in text[s:e].split()}
        take(known_value_spans(text, names, "person"))
        take(known_value_spans(text, {text[s:e] for s, e, _ in employers}, "employer"))
        return sorted(taken)

    def pseudonymise(self, text: str) -> str:
        """``text`` with personal data replaced by placeholders (same value, same placeholder)."""
        out, last = [], 0
        for start, end, kind in self.spans(text):
            out += [text[last:start], self._token(kind, text[start:end])]
            last = end
        return "".join(out) + text[last:]

    def restore(self, text: str) -> str:
        """Placeholders in ``text`` (also written "[PERSON 1]" or "PERSON_1") replaced by the original
        values; withheld kinds by "[masqué]" / "[withheld]"; unknown placeholders are left as they are."""
        def back(m: re.Match) -> str:
            kind, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            token = f"[{kind.upper()}_{int(number)}]"
            if token not in self.mapping:
                return m.group(0)
            if self._kind_of[token] in WITHHELD:
                return _WITHHELD_LABEL[self.language]
            return self.mapping[token]
        return _PLACEHOLDER.sub(back, text)
