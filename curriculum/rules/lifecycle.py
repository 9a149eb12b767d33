"""The habilitation lifecycle: which of a learner's certifications count as valid for a plan.

A certification obtained on date *d* is valid until *d* + the rule's ``validity.years``
(:class:`~curriculum.rules.reference.Validity`; e.g. 3 years for an NF C 18-510 / NF C 18-550
habilitation, 1 year for live work B1TL/B2TL, per INRS ED 6127). For a plan from ``start`` to
``deadline``:

* expired before ``start`` → not valid (``status="expired"``);
* expiring before ``deadline`` → not valid either (``"expiring"``): the plan must renew it;
* no date given → counted as held and valid (``"undated"``), with a warning that its renewal cannot
  be checked;
* a code no rule governs, or a rule without a period → valid.

A lapsed certification still counts as *held once*: it opens refreshers (any provider).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from curriculum.rules.reference import RulesReference

Status = Literal["valid", "undated", "expired", "expiring"]


@dataclass(frozen=True)
class HeldCode:
    """A certification code the learner holds, with the date it was obtained when known."""

    code: str
    obtained: dt.date | None = None


@dataclass(frozen=True)
class HeldState:
    """One held certification judged for a plan: ``valid_until`` (None = no expiry / unknown date)."""

    code: str
    obtained: dt.date | None
    valid_until: dt.date | None
    status: Status
    reason: str = ""

    @property
    def valid(self) -> bool:
        """True when the plan may count on it."""
        return self.status in ("valid", "undated")


@dataclass
class HeldStatus:
    """A learner's certifications for one plan.

    Attributes
    ----------
    states : one :class:`HeldState` per distinct code held (the latest date wins)
    valid : every code or class met by a valid certification (implications applied)
    ever : every code or class met by a certification held at some time, valid or not
    warnings : one line per undated certification whose renewal cannot be checked
    """

    states: list[HeldState] = field(default_factory=list)
    valid: set[str] = field(default_factory=set)
    ever: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def lapsed(self) -> list[HeldState]:
        """The held certifications not counted as valid (expired or expiring before the deadline)."""
        return [s for s in self.states if not s.valid]

    @property
    def valid_codes(self) -> list[str]:
        """Concrete codes held and valid, sorted (no implied codes or classes)."""
        return sorted(s.code for s in self.states if s.valid)


def assess_held(held: list[HeldCode], reference: RulesReference, start: dt.date, deadline: dt.date) -> HeldStatus:
    """Judge each held certification for a plan from ``start`` to ``deadline`` (see the module docstring)."""
    latest: dict[str, HeldCode] = {}
    for item in held:
        prev = latest.get(item.code)
        if prev is None or (item.obtained is not None and (prev.obtained is None or item.obtained > prev.obtained)):
            latest[item.code] = item
    out = HeldStatus()
    for code in sorted(latest):
        item = latest[code]
        rule = reference.rule(code)
        validity = rule.validity if rule else None
        if validity is None or validity.years is None:
            out.states.append(HeldState(code, item.obtained, None, "valid"))
            continue
        renewal = validity.renewal_text()
        if item.obtained is None:
            out.states.append(HeldState(code, None, None, "undated"))
            out.warnings.append(f"certification {code} has no date (held, date unknown): counted as valid, but its "
                                f"renewal ({renewal}) cannot be checked; give it as {{code: {code}, obtained: YYYY-MM-DD}}")
            continue
        until = validity.until(item.obtained)
        assert until is not None
        if until < start:
            out.states.append(HeldState(code, item.obtained, until, "expired",
                                        f"{code} obtained {item.obtained} expired on {until}, before the plan starts "
                                        f"({renewal}; {reference.cite(validity.sources)})"))
        elif until < deadline:
            out.states.append(HeldState(code, item.obtained, until, "expiring",
                                        f"{code} obtained {item.obtained} expires on {until}, before the deadline "
                                        f"{deadline} ({renewal}; {reference.cite(validity.sources)})"))
        else:
            out.states.append(HeldState(code, item.obtained, until, "valid"))
    out.valid = reference.closure_of([s.code for s in out.states if s.valid])
    out.ever = reference.closure_of([s.code for s in out.states])
    return out
