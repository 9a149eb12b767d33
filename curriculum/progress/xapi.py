"""Progress from xAPI statements exported by an LMS or an LRS.

The file holds a JSON list of statements, ``{"statements": [...]}`` as an LRS answers ``GET /statements``, or
one statement per line (JSON Lines). Each statement is mapped on its own; one that cannot be is reported with
its index (0-based), never stopping the others:

- verbs ``http://adlnet.gov/expapi/verbs/completed`` (``result.success`` false → fail, else pass), ``passed``
  (pass) and ``failed`` (fail) give a ``completed`` event; ``attempted`` records nothing ("attempted: no event");
  any other verb is reported as not mapped;
- ``result.score.scaled`` (0–1) → score 0–100, else ``raw`` on ``min``..``max`` (min 0 by default);
- ``timestamp`` (else ``stored``) → the event date, as written (the learner's local date);
- ``object.id`` → a module: the id itself, or an IRI ending with ``/<module id>``. The module model has no URL
  of its own (``references`` holds register codes, ``origin`` a feed key), so nothing else is matched: unknown
  activities are reported with their name, never guessed;
- a file with statements of several actors needs ``actor`` (an e-mail, ``mailto:`` IRI, account name or
  OpenID): the others are reported, not recorded;
- a statement whose ``id`` is already recorded on the pathway (or earlier in the file) is reported as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from curriculum.errors import InputError
from curriculum.progress.events import Completed, Event

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {ADL + "completed": "completed", ADL + "passed": "passed", ADL + "failed": "failed",
         ADL + "attempted": "attempted"}
"""The xAPI verbs read (ADL vocabulary) → their short name."""


@dataclass
class StatementReport:
    """What became of statement ``index`` (0-based): ``status`` is ``recorded``, ``attempted`` (no event),
    ``unknown_activity``, ``invalid``, ``not_mapped`` (another verb), ``other_actor`` or ``duplicate``."""

    index: int
    status: str
    message: str
    statement_id: str | None = None
    activity: str | None = None
    module_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, ``None`` fields left out."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class XapiImport:
    """The events mapped from a statements file (in statement order) and one report per statement."""

    events: list[Event] = field(default_factory=list)
    reports: list[StatementReport] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Statements per status, e.g. ``{"recorded": 3, "unknown_activity": 1}``."""
        out: dict[str, int] = {}
        for r in self.reports:
            out[r.status] = out.get(r.status, 0) + 1
        return out


def read_statements(path: Path | str) -> list[Any]:
    """The statements of a file (JSON list, ``{"statements": [...]}`` or JSON Lines); an element that is a
    string is read as the JSON of a statement later, by :func:`map_statements`, and a bad line of a JSON Lines
    file is kept as its text, so both are reported with their index.

    Raises
    ------
    InputError
        The file cannot be read, is neither JSON nor JSON Lines (naming its line), or holds no statement list.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the statements file: {exc}", file=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except json.JSONDecodeError:
                parsed.append(line)
        if len(lines) > 1 and any(isinstance(p, dict) for p in parsed):  # JSON Lines with bad lines
            return parsed
        raise InputError(f"not JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        return data["statements"]
    if isinstance(data, dict) and "verb" in data:
        return [data]
    if not isinstance(data, list):
        raise InputError("expected a list of xAPI statements or {\"statements\": [...]}", file=str(path))
    return data


def _actor_keys(actor: Any) -> set[str]:
    if not isinstance(actor, dict):
        return set()
    keys = {str(actor[k]) for k in ("mbox", "mbox_sha1sum", "openid", "name") if actor.get(k)}
    keys |= {k.removeprefix("mailto:") for k in list(keys)}
    account = actor.get("account")
    if isinstance(account, dict) and account.get("name"):
        keys.add(str(account["name"]))
    return keys


def _actor_id(actor: Any) -> str:
    if not isinstance(actor, dict):
        return "?"
    account = actor.get("account") if isinstance(actor.get("account"), dict) else {}
    for value in (actor.get("mbox"), actor.get("mbox_sha1sum"), actor.get("openid"),
                  account and f"{account.get('homePage', '')}#{account.get('name', '')}", actor.get("name")):
        if value:
            return str(value)
    return "?"


def _date(statement: dict) -> dt.date:
    raw = statement.get("timestamp") or statement.get("stored")
    if not isinstance(raw, str):
        raise ValueError("no timestamp")
    try:
        return dt.datetime.fromisoformat(raw.strip()).date()
    except ValueError:
        raise ValueError(f"timestamp {raw!r} is not ISO 8601") from None


def _score(result: dict) -> tuple[float | None, str]:
    """Score 0–100 and a note when the statement's score cannot be used."""
    score = result.get("score")
    if not isinstance(score, dict):
        return None, ""
    scaled = score.get("scaled")
    if isinstance(scaled, (int, float)) and not isinstance(scaled, bool):
        if 0 <= scaled <= 1:
            return round(scaled * 100, 1), ""
        return None, f"score.scaled {scaled} is outside 0–1: score left out"
    raw, low, high = score.get("raw"), score.get("min", 0), score.get("max")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (raw, low, high))
    if numbers and high > low and low <= raw <= high:
        return round((raw - low) / (high - low) * 100, 1), ""
    if raw is not None:
        return None, f"score.raw {raw!r} without a usable min/max: score left out"
    return None, ""


def _module(activity: str, module_ids: Collection[str]) -> str | None:
    if activity in module_ids:
        return activity
    last = activity.rsplit("/", 1)[-1] if "/" in activity else None
    return last if last and last in module_ids else None


def _activity_name(obj: dict) -> str | None:
    names = (obj.get("definition") or {}).get("name") if isinstance(obj.get("definition"), dict) else None
    if isinstance(names, dict) and names:
        return str(names.get("fr-FR") or names.get("en-US") or next(iter(names.values())))
    return None


def map_statements(statements: Iterable[Any], module_ids: Collection[str], *, actor: str | None = None,
                   today: dt.date | None = None, known_ids: Collection[str] = ()) -> XapiImport:
    """Map xAPI statements to ``completed`` events (``source`` ``xapi``, ``detail`` with ``xapi_id``, ``verb`` and
    ``activity``) on the modules ``module_ids`` (the pathway's steps and the catalogue's modules).

    ``actor`` selects one learner's statements (required when the statements have several actors); ``today``
    (default: the system date) bounds the dates; ``known_ids`` are statement ids already recorded.
    Nothing is raised for a bad statement: each gets a :class:`StatementReport`.
    """
    today = today or dt.date.today()
    statements = list(statements)
    out = XapiImport()
    decoded: list[Any] = []
    for item in statements:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except json.JSONDecodeError as exc:
                item = ValueError(f"bad JSON: {exc.msg} (column {exc.colno})")
        decoded.append(item)
    actors = {_actor_id(s.get("actor")) for s in decoded if isinstance(s, dict) and s.get("actor")}
    seen = set(known_ids)
    for i, s in enumerate(decoded):
        def report(status: str, message: str, **kw: Any) -> None:
            out.reports.append(StatementReport(i, status, message, **kw))
        if isinstance(s, ValueError):
            report("invalid", str(s))
            continue
        if not isinstance(s, dict):
            report("invalid", f"not a JSON object but {type(s).__name__}")
            continue
        sid = s.get("id") if isinstance(s.get("id"), str) else None
        verb = s.get("verb").get("id") if isinstance(s.get("verb"), dict) else None
        obj = s.get("object") if isinstance(s.get("object"), dict) else None
        activity = obj.get("id") if obj else None
        if not verb:
            report("invalid", "missing verb (verb.id)", statement_id=sid)
            continue
        if not isinstance(activity, str) or not activity:
            report("invalid", "missing object (object.id)", statement_id=sid)
            continue
        if actor is not None and actor not in _actor_keys(s.get("actor")):
            report("other_actor", f"actor {_actor_id(s.get('actor'))} is not {actor}", statement_id=sid,
                   activity=activity)
            continue
        if actor is None and len(actors) > 1:
            report("other_actor", f"the file has {len(actors)} actors ({', '.join(sorted(actors))}): choose one "
                   "with actor (--actor)", statement_id=sid, activity=activity)
            continue
        short = VERBS.get(verb)
        if short is None:
            report("not_mapped", f"verb {verb} is not mapped: no event", statement_id=sid, activity=activity)
            continue
        if short == "attempted":
            report("attempted", "attempted: no event", statement_id=sid, activity=activity)
            continue
        module = _module(activity, module_ids)
        if module is None:
            name = _activity_name(obj)  # type: ignore[arg-type]
            report("unknown_activity", f"activity {activity}" + (f" ({name!r})" if name else "")
                   + " is no module of the pathway or the catalogue: not recorded", statement_id=sid,
                   activity=activity)
            continue
        if sid and sid in seen:
            report("duplicate", f"statement {sid} is already recorded", statement_id=sid, activity=activity,
                   module_id=module)
            continue
        result = s.get("result") if isinstance(s.get("result"), dict) else {}
        success = result.get("success")
        if (short == "passed" and success is False) or (short == "failed" and success is True):
            report("invalid", f"verb {short} with result.success {success}: contradictory", statement_id=sid,
                   activity=activity, module_id=module)
            continue
        try:
            on = _date(s)
        except ValueError as exc:
            report("invalid", str(exc), statement_id=sid, activity=activity, module_id=module)
            continue
        if on > today:
            report("invalid", f"timestamp {on.isoformat()} is in the future (today is {today.isoformat()})",
                   statement_id=sid, activity=activity, module_id=module)
            continue
        score, note = _score(result)
        fail = short == "failed" or (short == "completed" and success is False)
        detail = {"verb": short, "activity": activity, **({"xapi_id": sid} if sid else {})}
        out.events.append(Completed(module_id=module, on=on, result="fail" if fail else "pass", score=score,
                                    source="xapi", detail=detail))
        if sid:
            seen.add(sid)
        report("recorded", f"{module}: {'fail' if fail else 'pass'} on {on.isoformat()}"
               + (f", score {score:g}" if score is not None else "") + (f" ({note})" if note else ""),
               statement_id=sid, activity=activity, module_id=module)
    return out


def import_xapi(store: Any, name: str, file: Path | str, *, modules: Collection[str] = (), actor: str | None = None,
                today: dt.date | None = None) -> XapiImport:
    """Read ``file``, map its statements onto pathway ``name``'s steps and ``modules`` (catalogue ids) and record
    the events in ``store`` (a :class:`~curriculum.progress.store.PathwayStore`); the returned events are the
    stored ones.

    Raises
    ------
    InputError
        Unknown pathway (field ``name``) or an unreadable file (see :func:`read_statements`).
    """
    stored = store.load(name)
    statements = read_statements(file)
    known = {e.detail["xapi_id"] for e in store.events(name) if e.detail.get("xapi_id")}
    steps = [s.module_id for s in stored.path.steps]
    mapped = map_statements(statements, set(steps) | set(modules), actor=actor, today=today, known_ids=known)
    if mapped.events:
        mapped.events = store.record(name, mapped.events, modules=modules, today=today)
    return mapped
