"""Progress events on a saved pathway: what happened to a learner since the plan was made.

Kinds (``kind``):

- ``completed``: a module finished on ``on`` with ``result`` ``pass`` (default) or ``fail`` and an optional
  ``score`` (0–100). ``kind: failed`` is accepted and read as ``completed`` with ``result: fail``.
- ``missed``: the learner missed the module's session of ``on`` (its start date; default today).
- ``dropped``: the learner abandoned the module (``on`` default today).
- ``cancelled``: the provider cancelled the module's session of ``on`` (its start date; default today).
- ``new_skill``: a skill acquired outside the pathway: ``skill`` (ESCO URI or label), ``level`` 1–4, ``on``.
- ``new_certification``: a certification obtained: ``code`` (``B1VL``, ``IRVE``…), ``on`` = date obtained.

Every event has ``source`` (``cli``, ``ui`` or ``xapi``) and a free ``detail`` mapping (e.g. the xAPI statement
id); ``id``, ``pathway``, ``version`` (the pathway version current when it was recorded) and ``recorded_at``
(UTC) are set by :meth:`curriculum.progress.store.PathwayStore.record`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection, Mapping, Sequence
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from curriculum.errors import InputError

Result = Literal["pass", "fail"]
Source = Literal["cli", "ui", "xapi"]
MODULE_KINDS = ("completed", "missed", "dropped", "cancelled")
"""Kinds that name a module of the pathway or the catalogue (``module_id``)."""


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Source = "cli"
    detail: dict[str, Any] = Field(default_factory=dict)
    id: int | None = Field(None, description="set when stored")
    pathway: str | None = Field(None, description="set when stored")
    version: int | None = Field(None, description="pathway version current when recorded (set when stored)")
    recorded_at: dt.datetime | None = Field(None, description="UTC, set when stored")


class Completed(_Event):
    """A module finished on ``on``: ``result`` pass or fail, ``score`` 0–100 when known."""

    kind: Literal["completed", "failed"] = "completed"
    module_id: str = Field(min_length=1)
    on: dt.date
    result: Result = "pass"
    score: float | None = Field(None, ge=0, le=100)

    @model_validator(mode="after")
    def _failed_is_completed(self) -> "Completed":
        if self.kind == "failed":
            if "result" in self.model_fields_set and self.result == "pass":
                raise ValueError("kind 'failed' with result 'pass': give one or the other")
            self.kind, self.result = "completed", "fail"
        return self


class Missed(_Event):
    """The learner missed the module's session of ``on`` (the session's start date)."""

    kind: Literal["missed"] = "missed"
    module_id: str = Field(min_length=1)
    on: dt.date = Field(default_factory=dt.date.today)


class Dropped(_Event):
    """The learner abandoned the module (from ``on``)."""

    kind: Literal["dropped"] = "dropped"
    module_id: str = Field(min_length=1)
    on: dt.date = Field(default_factory=dt.date.today)


class Cancelled(_Event):
    """The provider cancelled the module's session of ``on`` (the session's start date)."""

    kind: Literal["cancelled"] = "cancelled"
    module_id: str = Field(min_length=1)
    on: dt.date = Field(default_factory=dt.date.today)


class NewSkill(_Event):
    """A skill acquired outside the pathway: ``skill`` is an ESCO URI or a label, ``level`` 1–4."""

    kind: Literal["new_skill"] = "new_skill"
    skill: str = Field(min_length=1)
    level: int = Field(ge=1, le=4)
    on: dt.date


class NewCertification(_Event):
    """A certification obtained on ``on`` (``code`` as in the catalogue: ``B1VL``, ``IRVE``…)."""

    kind: Literal["new_certification"] = "new_certification"
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    on: dt.date


Event = Annotated[Union[Completed, Missed, Dropped, Cancelled, NewSkill, NewCertification],
                  Field(discriminator="kind")]
"""Any progress event (pydantic discriminated union on ``kind``)."""

_ADAPTER: TypeAdapter = TypeAdapter(Event)
EXTRA_FIELDS = {"new_skill": ("skill", "level"), "new_certification": ("code",)}
"""Fields of a kind that the store keeps in the ``detail`` column (the others have columns of their own)."""


def parse_event(data: Mapping[str, Any], *, field: str = "event") -> Event:
    """An event from a mapping such as ``{"kind": "completed", "module_id": "…", "on": "2027-02-16"}``.

    Raises
    ------
    InputError
        On an unknown kind or a bad value, naming ``field`` and the offending key (``event.score``).
    """
    try:
        return _ADAPTER.validate_python(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ["kind"] if err["type"].startswith("union_tag") else [str(p) for p in err["loc"][1:]]  # [0]: the tag
        raise InputError(err["msg"], field=".".join([field, *loc])) from None


def event_json(event: Event) -> dict[str, Any]:
    """The event as JSON-ready data (dates ISO 8601, ``None`` fields left out)."""
    data = event.model_dump(mode="json", exclude_none=True)
    common = [k for k in _Event.model_fields if k in data]  # after what happened: source, detail, id, …
    return {"kind": data.pop("kind"), **{k: v for k, v in data.items() if k not in common},
            **{k: data[k] for k in common}}


def check_events(events: Sequence[Event], *, steps: Collection[str], modules: Collection[str] = (),
                 today: dt.date | None = None, pathway: str = "",
                 fields: Sequence[tuple[str, str]] | None = None) -> None:
    """Check events before they are recorded: a module event names a step of the pathway (``steps``) or a
    catalogue module (``modules``), and no date lies after ``today`` (default: the system date).

    ``fields`` names, for each event, the field of its module and of its date in errors (e.g. the CLI options
    ``("--completed", "--on")``); default ``events.<i>.module_id`` / ``events.<i>.on``.

    Raises
    ------
    InputError
        The first unknown module (with close module ids) or future date, naming the field.
    """
    today = today or dt.date.today()
    known = set(steps) | set(modules)
    for i, event in enumerate(events):
        module_field, date_field = fields[i] if fields else (f"events.{i}.module_id", f"events.{i}.on")
        module = getattr(event, "module_id", None)
        if event.kind in MODULE_KINDS and module not in known:
            close = difflib.get_close_matches(str(module), sorted(known), n=3, cutoff=0.6)
            raise InputError(f"unknown module {module!r}: not a step of pathway {pathway!r} nor a catalogue module"
                             + (f" (close: {', '.join(close)})" if close else ""),
                             field=module_field)
        if event.on > today:
            raise InputError(f"{event.kind} on {event.on.isoformat()} is in the future (today is {today.isoformat()})",
                             field=date_field)
