"""UI-side helpers around :mod:`curriculum.services` (caching only; no business logic here)."""

from __future__ import annotations

import streamlit as st

from curriculum.services import Workspace
from curriculum.settings import Settings


@st.cache_resource(show_spinner="Loading the knowledge base…")
def workspace() -> Workspace:
    """The workspace of the environment settings (``CURRICULUM_*``), loaded once per server process.

    Raises
    ------
    KnowledgeBaseError
        When the knowledge base is missing or empty (not cached: the next run retries).
    """
    return Workspace.open(Settings.from_env())
