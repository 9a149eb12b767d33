"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``<repo>/../shared/data``: the reference-data samples (ESCO, ROME 4.0) used by tests only."""
    path = (REPO_ROOT / ".." / "shared" / "data").resolve()
    if not path.is_dir():
        pytest.skip(f"shared reference data not found at {path}")
    return path

EVAL_DIR = (REPO_ROOT / ".." / "shared" / "eval" / "learners").resolve()
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
    """The shipped knowledge base, loaded once, with the real embedding fallback."""
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    return Workspace.open(Settings.from_env(data_dir=session_data_dir, kb_dir=KB_DIR, llm_model=""))


def eval_cases() -> list[Path]:
    """The learner cases of ``../shared/eval/learners`` (empty when absent)."""
    return sorted(EVAL_DIR.glob("*.yaml")) if EVAL_DIR.is_dir() else []
