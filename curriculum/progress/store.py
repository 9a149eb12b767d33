"""Saved pathways and their progress events, in the database of the cohort programmes
(:func:`curriculum.storage.database_url`: SQLite ``programmes.sqlite`` in the data folder, or ``DATABASE_URL``).

Tables:

- ``pathways``: ``name``, ``version`` (1, 2, … per name, never overwritten), ``created_at`` (UTC),
  ``learner_json`` (the :class:`~curriculum.models.LearnerProfile`), ``plan_json`` (the
  :class:`~curriculum.models.LearningPath`), ``target_job`` (the job id planned for), ``reason`` (why this
  version exists: ``saved``, ``replanned after …``).
- ``progress_events``: ``pathway`` (name), ``version`` (of the pathway when recorded), ``recorded_at`` (UTC),
  ``kind``, ``module_id``, ``on_date``, ``result`` (pass|fail), ``score`` (0–100), ``detail_json``, ``source``
  (cli|ui|xapi). See :mod:`curriculum.progress.events`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Float, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from curriculum.errors import InputError
from curriculum.models import LearnerProfile, LearningPath
from curriculum.progress.events import EXTRA_FIELDS, Event, check_events, parse_event
from curriculum.storage import open_engine

SAVE_ATTEMPTS = 20
"""Tries of :meth:`PathwayStore.save` when concurrent writers take the same version number (each loser reads
the new maximum and tries the next number)."""


class _Base(DeclarativeBase):
    pass


class PathwayRow(_Base):
    """One saved version of a learner's pathway."""

    __tablename__ = "pathways"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    learner_json: Mapped[str] = mapped_column(Text)
    plan_json: Mapped[str] = mapped_column(Text)
    target_job: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500))


class EventRow(_Base):
    """One progress event of a pathway (kept whatever versions follow)."""

    __tablename__ = "progress_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pathway: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(40))
    module_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    on_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    result: Mapped[str | None] = mapped_column(String(10), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    detail_json: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))


@dataclass
class StoredPathway:
    """A loaded version: the plan, the profile it was planned from, the job id and why it was saved."""

    name: str
    version: int
    created_at: dt.datetime
    learner: LearnerProfile
    path: LearningPath
    target_job: str
    reason: str


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes: they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _check_name(name: str) -> str:
    clean = (name or "").strip()
    if not clean or len(clean) > 200:
        raise InputError(f"a pathway name has 1 to 200 characters (got {name!r})", field="name")
    return clean


def _row(event: Event, name: str, version: int, now: dt.datetime) -> EventRow:
    extra = {k: getattr(event, k) for k in EXTRA_FIELDS.get(event.kind, ())}
    return EventRow(pathway=name, version=version, recorded_at=now, kind=event.kind,
                    module_id=getattr(event, "module_id", None), on_date=event.on,
                    result=getattr(event, "result", None), score=getattr(event, "score", None),
                    detail_json=json.dumps({**event.detail, **extra}, ensure_ascii=False), source=event.source)


def _event(row: EventRow) -> Event:
    detail: dict[str, Any] = json.loads(row.detail_json)
    extra = {k: detail.pop(k) for k in EXTRA_FIELDS.get(row.kind, ()) if k in detail}
    data = {"kind": row.kind, "module_id": row.module_id, "on": row.on_date, "result": row.result,
            "score": row.score, **extra, "detail": detail, "source": row.source, "id": row.id,
            "pathway": row.pathway, "version": row.version, "recorded_at": _utc(row.recorded_at)}
    return parse_event({k: v for k, v in data.items() if v is not None})


class PathwayStore:
    """Save / load / list pathways and record their progress events.

    Give ``data_dir`` (SQLite ``programmes.sqlite`` there unless ``DATABASE_URL`` is set), ``url`` (an SQLAlchemy
    URL) or ``engine``; the tables are created when missing.
    """

    def __init__(self, data_dir: Path | str | None = None, *, url: str | None = None, engine: Engine | None = None):
        self.engine = open_engine(data_dir, url=url, engine=engine)
        _Base.metadata.create_all(self.engine)

    def save(self, name: str, learner: LearnerProfile, path: LearningPath, reason: str = "saved") -> int:
        """Store a new version of pathway ``name`` (1 for the first); earlier versions stay as they were.

        Raises
        ------
        InputError
            Bad name (field ``name``), or still losing the race for a version number after
            :data:`SAVE_ATTEMPTS` tries.
        """
        name = _check_name(name)
        learner_json = learner.model_dump_json(by_alias=True)
        plan_json = path.model_dump_json()
        for _ in range(SAVE_ATTEMPTS):  # concurrent writers may take the same number: the unique key decides
            with Session(self.engine) as s:
                last = s.scalar(select(func.max(PathwayRow.version)).where(PathwayRow.name == name)) or 0
                s.add(PathwayRow(name=name, version=last + 1, created_at=dt.datetime.now(dt.timezone.utc),
                                 learner_json=learner_json, plan_json=plan_json, target_job=path.target_job.id,
                                 reason=(reason or "saved")[:500]))
                try:
                    s.commit()
                    return last + 1
                except IntegrityError:
                    s.rollback()
        raise InputError(f"could not save pathway {name!r}: concurrent writers", field="name")

    def load(self, name: str, version: int | None = None) -> StoredPathway:
        """A saved version of ``name`` (the latest when ``version`` is None).

        Raises
        ------
        InputError
            No pathway ``name`` (field ``name``) or no such version (field ``version``, saying which exist).
        """
        with Session(self.engine) as s:
            q = select(PathwayRow).where(PathwayRow.name == name)
            q = q.where(PathwayRow.version == version) if version else q.order_by(PathwayRow.version.desc())
            row = s.execute(q.limit(1)).scalar_one_or_none()
            if row is None:
                if version and self._latest(s, name):
                    raise InputError(f"pathway {name!r} has no version {version} (latest: {self._latest(s, name)})",
                                     field="version")
                raise InputError(f"no saved pathway {name!r} (saved: {', '.join(self.names()) or 'none'})",
                                 field="name")
            return StoredPathway(row.name, row.version, _utc(row.created_at),
                                 LearnerProfile.model_validate_json(row.learner_json),
                                 LearningPath.model_validate_json(row.plan_json), row.target_job, row.reason)

    @staticmethod
    def _latest(s: Session, name: str) -> int:
        return s.scalar(select(func.max(PathwayRow.version)).where(PathwayRow.name == name)) or 0

    def names(self) -> list[str]:
        """Names of the saved pathways, sorted."""
        with Session(self.engine) as s:
            return list(s.scalars(select(PathwayRow.name).distinct().order_by(PathwayRow.name)))

    def list(self) -> list[dict[str, Any]]:
        """One row per pathway, its latest version first-class: ``name``, ``version`` (latest), ``versions``
        (count), ``created_at`` (ISO, UTC), ``reason``, ``learner_id``, ``target_job``, ``feasible``, ``events``
        (count of progress events)."""
        with Session(self.engine) as s:
            counts = dict(s.execute(select(EventRow.pathway, func.count()).group_by(EventRow.pathway)).all())
            rows = s.execute(select(PathwayRow).order_by(PathwayRow.name, PathwayRow.version)).scalars().all()
            latest: dict[str, PathwayRow] = {}
            versions: dict[str, int] = {}
            for r in rows:
                latest[r.name], versions[r.name] = r, versions.get(r.name, 0) + 1
            out = []
            for name, r in latest.items():
                plan = json.loads(r.plan_json)
                out.append({"name": name, "version": r.version, "versions": versions[name],
                            "created_at": _utc(r.created_at).isoformat(), "reason": r.reason,
                            "learner_id": plan.get("learner_id"), "target_job": r.target_job,
                            "feasible": plan.get("feasible"), "events": counts.get(name, 0)})
            return out

    def record(self, name: str, events: Iterable[Event], *, modules: Collection[str] = (),
               today: dt.date | None = None, fields: Sequence[tuple[str, str]] | None = None) -> list[Event]:
        """Record progress events on pathway ``name`` (all or none), against its latest version.

        Each module event must name a step of the saved pathway or one of ``modules`` (catalogue module ids);
        no date may lie after ``today`` (default: the system date). ``fields`` names each event's module and
        date fields in errors (see :func:`~curriculum.progress.events.check_events`).

        Returns
        -------
        list[Event]
            The events as stored (``id``, ``pathway``, ``version``, ``recorded_at`` set), in order.

        Raises
        ------
        InputError
            Unknown pathway (field ``name``), unknown module or future date (the event's field).
        """
        events = list(events)
        stored = self.load(name)
        check_events(events, steps=[st.module_id for st in stored.path.steps], modules=modules, today=today,
                     pathway=name, fields=fields)
        now = dt.datetime.now(dt.timezone.utc)
        with Session(self.engine, expire_on_commit=False) as s:
            rows = [_row(e, stored.name, stored.version, now) for e in events]
            s.add_all(rows)
            s.commit()
            return [_event(r) for r in rows]

    def events(self, name: str) -> list[Event]:
        """Every event recorded on pathway ``name``, oldest first (``[]`` when none or no such pathway)."""
        with Session(self.engine) as s:
            rows = s.execute(select(EventRow).where(EventRow.pathway == name).order_by(EventRow.id)).scalars()
            return [_event(r) for r in rows]
