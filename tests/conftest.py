"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "tests" / "data"
"""Everything the tests read besides the shipped knowledge base: eval learner cases, ESCO and ROME 4.0
extracts (copied from ``../shared``, with their licences; see ``tests/data/README.md``)."""
SHARED_DIR = (REPO_ROOT / ".." / "shared").resolve()
"""The upstream copy of ``tests/data``, present on the project's own machines only: an extra cross-check."""
EVAL_DIR = DATA_DIR / "eval" / "learners"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """``tests/data``: the reference-data extracts (``esco/``, ``rome4/``) used by tests only."""
    return DATA_DIR


KB_DIR = REPO_ROOT / "knowledge_base"


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory (places cache, Chroma store, tiktoken cache) for the whole test session."""
    return tmp_path_factory.mktemp("curriculum-data")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, session_data_dir: Path) -> None:
    """No test sees the user's data dir, API keys or LLM endpoint."""
    for var in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "CURRICULUM_LLM_API_KEY", "CURRICULUM_LLM_MODEL",
                "CURRICULUM_LLM_BASE_URL", "CURRICULUM_CHROMA_HOST", "CURRICULUM_KB_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CURRICULUM_DATA_DIR", str(session_data_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def workspace(session_data_dir: Path):
    """The shipped knowledge base, loaded once and indexed as after the README's ``curriculum index``
    (real MiniLM embeddings, embedded Chroma in the session data dir), so plans map free-text skills
    by meaning as users get them."""
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    ws = Workspace.open(Settings.from_env(data_dir=session_data_dir, kb_dir=KB_DIR, llm_model=""))
    ws.build_index()
    return ws


def eval_cases() -> list[Path]:
    """The learner cases of ``tests/data/eval/learners`` (shipped with the tests: never empty)."""
    cases = sorted(EVAL_DIR.glob("*.yaml"))
    assert cases, f"no eval learner in {EVAL_DIR}"
    return cases
