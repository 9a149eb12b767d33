"""Where saved programmes and pathways live: one SQL database (SQLAlchemy 2), shared by
:mod:`curriculum.cohort.store` and :mod:`curriculum.progress.store`.

Embedded SQLite ``programmes.sqlite`` in the data folder by default; ``DATABASE_URL`` (e.g.
``postgresql+psycopg://user@host/db``, driver from the ``postgres`` extra) for a shared PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

DATABASE_FILE = "programmes.sqlite"
"""The SQLite file in the data folder when ``DATABASE_URL`` is not set."""


def database_url(data_dir: Path | str) -> str:
    """``DATABASE_URL`` if set (e.g. ``postgresql+psycopg://…``), else ``sqlite:///<data_dir>/programmes.sqlite``
    (the folder is created)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(data_dir) / DATABASE_FILE}"


def open_engine(data_dir: Path | str | None = None, *, url: str | None = None,
                engine: Engine | None = None) -> Engine:
    """``engine`` as given, else an engine for ``url``, else for :func:`database_url` of ``data_dir``.

    Raises
    ------
    ValueError
        When none of the three is given.
    """
    if engine is not None:
        return engine
    if url is None and data_dir is None:
        raise ValueError("give data_dir, url or engine")
    return create_engine(url or database_url(data_dir))  # type: ignore[arg-type]
