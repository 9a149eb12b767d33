"""UI-side helpers around :mod:`curriculum.services` (caching only; no business logic here).

Every page reads its configuration from :meth:`curriculum.settings.Settings.from_env` (``CURRICULUM_*``)
on each run; the loaded workspace and the programme store are cached per knowledge-base / data folder,
so pointing ``CURRICULUM_KB_DIR`` elsewhere (e.g. a temporary copy in tests) opens another workspace.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from curriculum.cohort.store import ProgrammeStore
from curriculum.progress.store import PathwayStore
from curriculum.services import Workspace
from curriculum.settings import Settings


def settings() -> Settings:
    """The environment settings of this run (``CURRICULUM_*``)."""
    return Settings.from_env()


@st.cache_resource(show_spinner="Loading the knowledge base…")
def _open_workspace(kb_dir: str, data_dir: str) -> Workspace:
    return Workspace.open(Settings.from_env(kb_dir=Path(kb_dir), data_dir=Path(data_dir)))


def workspace() -> Workspace:
    """The workspace of the environment settings, loaded once per server process and knowledge base.

    Raises
    ------
    KnowledgeBaseError
        When the knowledge base is missing or empty (not cached: the next run retries).
    """
    s = settings()
    return _open_workspace(str(s.kb_dir), str(s.data_dir))


@st.cache_resource(show_spinner=False)
def _open_store(data_dir: str, database_url: str | None) -> ProgrammeStore:
    return ProgrammeStore(data_dir)


def programme_store() -> ProgrammeStore:
    """The saved-programme store of the data folder (SQLite there, or ``DATABASE_URL``)."""
    import os

    return _open_store(str(settings().data_dir), os.environ.get("DATABASE_URL"))


@st.cache_resource(show_spinner=False)
def _open_pathways(data_dir: str, database_url: str | None) -> PathwayStore:
    return PathwayStore(data_dir)


def pathway_store() -> PathwayStore:
    """The saved-pathway store of the data folder (the programmes' database: SQLite there, or ``DATABASE_URL``)."""
    import os

    return _open_pathways(str(settings().data_dir), os.environ.get("DATABASE_URL"))
