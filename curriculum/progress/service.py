"""Services over saved pathways shared by the CLI and the UI: save a plan, record events and issue the badges they
earn, re-plan from the progress and save the new version, read a pathway's versions, badges and cohorts.

Nothing here prints, exits or imports Streamlit. The workspace (:class:`curriculum.services.Workspace`) gives the
catalogue, the skill mapper and the data folder (issuer key and badges under ``<data_dir>``); the store is a
:class:`~curriculum.progress.store.PathwayStore`. Dates are :class:`datetime.date` (``today`` is the caller's:
:func:`curriculum.progress.clock.today` in the CLI and the UI).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curriculum.errors import InputError
from curriculum.models import LearnerProfile, LearningPath
from curriculum.progress.events import Event
from curriculum.progress.store import PathwayStore, StoredPathway

if TYPE_CHECKING:  # the workspace is passed in: no import of the service layer at run time
    from curriculum.services import Workspace

BADGE_FILE = re.compile(r"^(?P<module>.+)-(?P<on>\d{4}-\d{2}-\d{2})\.jwt$")
"""Badge files as :func:`curriculum.progress.badges.badges_for_events` writes them: ``<module>-<date>.jwt``."""


@dataclass
class Recorded:
    """Events as stored, the badges they earned (see :func:`issue_badges`) and why none could be issued."""

    events: list[Event]
    badges: list[dict[str, Any]] = field(default_factory=list)
    badge_error: str | None = None


@dataclass
class ReplannedVersion:
    """A re-plan saved as a new version: ``path`` (the new plan), ``kept`` (module ids kept as done or booked),
    ``changes`` (``{"action": added|removed|moved, "module_id", "reason"[, "from", "to"]}``), ``previous`` (the
    plan of the version re-planned), ``reason`` (the new version's reason) and the number of ``events`` read."""

    name: str
    version: int
    reason: str
    path: LearningPath
    kept: list[str]
    changes: list[dict[str, Any]]
    previous: LearningPath
    events: int


def save_pathway(store: PathwayStore, name: str, learner: LearnerProfile, path: LearningPath,
                 reason: str = "saved") -> StoredPathway:
    """Save ``path`` (planned for ``learner``) as a new version of pathway ``name`` (``COHORT/name`` puts it in
    a cohort of the follow-up report) and give it back as stored.

    Raises
    ------
    InputError
        Bad name (field ``name``: 1 to 200 characters).
    """
    version = store.save(name, learner, path, reason)
    return store.load(name.strip(), version)


def issue_badges(data_dir: Path | str, stored: StoredPathway, events: Iterable[Event],
                 modules: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Open Badges for the passes on certification modules among ``events``
    (:func:`curriculum.progress.badges.badges_for_events`; ``modules`` = the catalogue's modules by id).

    Returns ``(badges, None)``, or ``([], why)`` when the issuer key cannot be read (the events stay recorded).
    """
    from curriculum.progress.badges import badges_for_events

    try:
        return badges_for_events(data_dir, stored, events, modules), None
    except InputError as exc:
        return [], str(exc)


def record_progress(ws: "Workspace", store: PathwayStore, name: str, events: Sequence[Event], *, today: dt.date,
                    fields: Sequence[tuple[str, str]] | None = None) -> Recorded:
    """Record ``events`` on pathway ``name`` (all or none; module ids checked against its steps and the catalogue,
    no date after ``today``), then issue the badges the passes earn.

    Raises
    ------
    InputError
        Unknown pathway (field ``name``), unknown module or future date (the event's field, see
        :meth:`PathwayStore.record`).
    """
    recorded = store.record(name, events, modules=list(ws.catalogue.modules), today=today, fields=fields)
    badges, error = issue_badges(ws.settings.data_dir, store.load(name), recorded, ws.catalogue.modules)
    return Recorded(recorded, badges, error)


def replan_pathway(ws: "Workspace", store: PathwayStore, name: str, today: dt.date) -> ReplannedVersion:
    """Re-plan pathway ``name`` from the events recorded on it as of ``today``
    (:func:`curriculum.progress.replan.replan` with the workspace's planner for the saved target job) and save
    the result as its next version (reason ``replanned on <today> after <n> event(s)``).

    Raises
    ------
    InputError
        Unknown pathway (field ``name``), a target job gone from the catalogue, a profile the planner refuses.
    """
    from curriculum.planner.pathway import plan_pathway, resolve_job
    from curriculum.progress.replan import replan

    stored = store.load(name)
    events = store.events(name)
    job = resolve_job(ws.catalogue, stored.target_job)

    def plan(profile: LearnerProfile, catalogue: Any) -> LearningPath:
        return plan_pathway(profile, job, catalogue, ws.mapper(True), cache_dir=str(ws.settings.data_dir))

    done = replan(plan, stored.path, stored.learner, ws.catalogue, events, today)
    why = f"replanned on {today} after {len(events)} event(s)"
    version = store.save(name, stored.learner, done.path, reason=why)
    return ReplannedVersion(stored.name, version, why, done.path, done.kept, done.changes, stored.path, len(events))


def pathway_versions(store: PathwayStore, name: str) -> list[StoredPathway]:
    """Every saved version of pathway ``name``, oldest first.

    Raises
    ------
    InputError
        No pathway ``name`` (field ``name``).
    """
    latest = store.load(name)
    return [store.load(name, v) for v in range(1, latest.version)] + [latest]


def pathway_badges(data_dir: Path | str, name: str) -> list[dict[str, Any]]:
    """The badges issued on pathway ``name`` (files of ``<data_dir>/badges/<pathway>``), by date:
    ``{"module_id", "on" (date), "file" (Path), "token" (the VC-JWT text)}``; ``[]`` when none."""
    from curriculum.progress.badges import badge_folder

    folder = badge_folder(data_dir, name)
    out = []
    for path in sorted(folder.glob("*.jwt")) if folder.is_dir() else []:
        m = BADGE_FILE.match(path.name)
        if m:
            out.append({"module_id": m["module"], "on": dt.date.fromisoformat(m["on"]), "file": path,
                        "token": path.read_text(encoding="ascii").strip()})
    return sorted(out, key=lambda b: (b["on"], b["module_id"]))


def cohorts(names: Iterable[str]) -> list[str]:
    """The cohorts of pathway names saved as ``COHORT/name`` (sorted, each once)."""
    return sorted({n.split("/", 1)[0] for n in names if "/" in n and n.split("/", 1)[0]})


def step_events(path: LearningPath, events: Iterable[Event]) -> dict[str, Event]:
    """Module id → the last event (by date) that applies to that step of ``path``: a pass whenever it is dated; a
    failure, a missed or cancelled session or a drop only when dated on or after the step's start (an event of an
    earlier session was re-planned away). Steps with none are left out."""
    starts = {s.module_id: s.start for s in path.steps}
    out: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: (e.on, e.id or 0)):
        module = getattr(event, "module_id", None)
        if module not in starts:
            continue
        passed = event.kind == "completed" and event.result == "pass"
        if passed or event.on >= starts[module]:
            out[module] = event
    return out
