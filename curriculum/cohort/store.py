"""Saved cohort programmes (SQLAlchemy 2): embedded SQLite by default, PostgreSQL via ``DATABASE_URL``.

Table ``cohort_programmes``: ``name``, ``version`` (1, 2, … per name), ``created_at`` (UTC),
``settings`` / ``members`` / ``programme`` as JSON text. Re-planning (:func:`replan`) keeps the group
sessions that have already started fixed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from curriculum.cohort.models import CohortMember, CohortProgramme, ProgrammeSettings
from curriculum.errors import InputError
from curriculum.storage import database_url, open_engine  # noqa: F401  database_url re-exported for older imports


class _Base(DeclarativeBase):
    pass


class ProgrammeRow(_Base):
    """One saved version of a programme."""

    __tablename__ = "cohort_programmes"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    settings_json: Mapped[str] = mapped_column(Text)
    members_json: Mapped[str] = mapped_column(Text)
    programme_json: Mapped[str] = mapped_column(Text)


@dataclass
class StoredProgramme:
    """A loaded version: the programme and what it was planned from."""

    name: str
    version: int
    created_at: dt.datetime
    settings: ProgrammeSettings
    members: list[CohortMember]
    programme: CohortProgramme


class ProgrammeStore:
    """Save / list / load programmes. ``url`` or ``engine`` override :func:`curriculum.storage.database_url`."""

    def __init__(self, data_dir: Path | str | None = None, *, url: str | None = None, engine: Engine | None = None):
        self.engine = engine = open_engine(data_dir, url=url, engine=engine)
        _Base.metadata.create_all(engine)

    def save(self, name: str, programme: CohortProgramme, settings: ProgrammeSettings,
             members: Iterable[CohortMember]) -> int:
        """Store a new version of ``name``; returns its version number (1 for the first)."""
        members_json = json.dumps([m.model_dump(mode="json") for m in members], ensure_ascii=False)
        for _ in range(3):  # two writers may race for the same version: the unique key decides
            with Session(self.engine) as s:
                last = s.scalar(select(func.max(ProgrammeRow.version)).where(ProgrammeRow.name == name)) or 0
                s.add(ProgrammeRow(name=name, version=last + 1, created_at=dt.datetime.now(dt.timezone.utc),
                                   settings_json=settings.model_dump_json(), members_json=members_json,
                                   programme_json=programme.model_dump_json()))
                try:
                    s.commit()
                    return last + 1
                except IntegrityError:
                    s.rollback()
        raise InputError(f"could not save programme {name!r}: concurrent writers", field="name")

    def list(self) -> list[dict]:
        """Every saved version: name, version, created_at, members (count)."""
        with Session(self.engine) as s:
            rows = s.execute(select(ProgrammeRow).order_by(ProgrammeRow.name, ProgrammeRow.version)).scalars()
            return [{"name": r.name, "version": r.version, "created_at": r.created_at.isoformat(),
                     "members": len(json.loads(r.members_json))} for r in rows]

    def load(self, name: str, version: int | None = None) -> StoredProgramme:
        """A saved version (the latest when ``version`` is None).

        Raises
        ------
        InputError
            When no such programme / version exists (field ``name`` or ``version``).
        """
        with Session(self.engine) as s:
            q = select(ProgrammeRow).where(ProgrammeRow.name == name)
            q = q.where(ProgrammeRow.version == version) if version else q.order_by(ProgrammeRow.version.desc())
            row = s.execute(q.limit(1)).scalar_one_or_none()
            if row is None:
                raise InputError(f"no saved programme {name!r}" + (f" version {version}" if version else ""),
                                 field="version" if version else "name")
            return StoredProgramme(
                row.name, row.version, row.created_at, ProgrammeSettings.model_validate_json(row.settings_json),
                [CohortMember.model_validate(m) for m in json.loads(row.members_json)],
                CohortProgramme.model_validate_json(row.programme_json))


def replan(workspace, previous: CohortProgramme, members: Iterable[CohortMember], settings: ProgrammeSettings,
           today: dt.date, **kw: object) -> CohortProgramme:
    """Plan again after people left or joined: group sessions of ``previous`` that have started
    (start ≤ ``today``) stay as they are for the members still present; new groups start after ``today``."""
    from curriculum.cohort.planner import plan_cohort

    started = [s for s in previous.sessions if s.start <= today]
    return plan_cohort(workspace, members, settings, fixed_sessions=started, not_before=today, **kw)  # type: ignore[arg-type]
