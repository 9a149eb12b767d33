"""Pseudonymise personal data before any call to an external model, and restore it afterwards.

Detected: the learner's declared name, e-mail addresses, French and international phone numbers,
street addresses ("12 rue de la Gare", "3 bis avenue …"). Each value becomes a stable placeholder
(``[EMAIL_1]``, ``[PHONE_1]``, ``[PERSON_1]``, ``[ADDRESS_1]``); :meth:`Pseudonymiser.restore`
puts the originals back into the model's text.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)|\+\d{1,3}(?:[\s.-]?\d{2,4}){3,5}")
ADDRESS = re.compile(r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|place|impasse|"
                     r"route|quai|cours|street|road)\s+[^\n,;.]{2,60}", re.IGNORECASE)


class Pseudonymiser:
    """Replace personal data with placeholders; remember the mapping to restore it."""

    def __init__(self, names: list[str] | None = None) -> None:
        self.names = [n for n in (names or []) if n and len(n.strip()) > 1]
        self.mapping: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def _token(self, kind: str, value: str) -> str:
        for token, original in self.mapping.items():
            if original == value:
                return token
        self._counts[kind] = self._counts.get(kind, 0) + 1
        token = f"[{kind}_{self._counts[kind]}]"
        self.mapping[token] = value
        return token

    def pseudonymise(self, text: str) -> str:
        """``text`` with personal data replaced by placeholders."""
        for name in sorted(self.names, key=len, reverse=True):
            for part in dict.fromkeys([name, *name.split()]):  # the full name first, then its parts
                if len(part) > 2:
                    text = re.sub(rf"\b{re.escape(part)}\b", lambda m: self._token("PERSON", m.group(0)), text)
        text = EMAIL.sub(lambda m: self._token("EMAIL", m.group(0)), text)
        text = ADDRESS.sub(lambda m: self._token("ADDRESS", m.group(0)), text)
        return PHONE.sub(lambda m: self._token("PHONE", m.group(0)), text)

    def restore(self, text: str) -> str:
        """Placeholders in ``text`` replaced by the original values."""
        for token, value in self.mapping.items():
            text = text.replace(token, value)
        return text
