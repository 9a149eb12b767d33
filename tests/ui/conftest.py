"""Fixtures of the UI tests: the app under AppTest, and a temporary copy of the knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = str(REPO_ROOT / "ui" / "app.py")
KB_DIR = REPO_ROOT / "knowledge_base"
TIMEOUT_S = 300  # the test machine is shared and often heavily loaded


def open_page(page: str | None = None) -> AppTest:
    """The app run once (learner page), then switched to ``pages/<page>.py`` and run again."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, at.exception
    return at


@pytest.fixture
def kb_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the shipped knowledge base, made the app's ``CURRICULUM_KB_DIR``
    (the UI caches one workspace per knowledge-base folder, so the copy gets its own)."""
    kb = tmp_path / "knowledge_base"
    shutil.copytree(KB_DIR, kb)
    monkeypatch.setenv("CURRICULUM_KB_DIR", str(kb))
    return kb
