"""One ``Settings`` object, built once at the edge (CLI, UI) and passed down.

Environment variables (prefix ``CURRICULUM_``) override defaults; the LLM key is looked up in
``CURRICULUM_LLM_API_KEY`` then ``OPENAI_API_KEY`` and is never copied into ``os.environ`` or logs.

==============================  =============================================================
variable                        meaning
==============================  =============================================================
CURRICULUM_DATA_DIR             user data dir (Chroma store, caches); default platformdirs
CURRICULUM_KB_DIR               knowledge base folder; default the shipped ``knowledge_base``
CURRICULUM_CHROMA_HOST/PORT     use a Chroma server instead of the embedded store
CURRICULUM_STORE_TIMEOUT        seconds any one vector-store call may take (default 60)
CURRICULUM_INDEX_WAIT           seconds a writer waits for another writer (default 300)
CURRICULUM_LLM_BASE_URL         OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama…)
CURRICULUM_LLM_MODEL            model name; no model → deterministic templates
CURRICULUM_LLM_API_KEY          API key (or OPENAI_API_KEY)
CURRICULUM_LLM_TIMEOUT          seconds per request (default 30)
CURRICULUM_PROMPT_TOKEN_BUDGET  max prompt tokens (default 6000)
==============================  =============================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent
ENV_PREFIX = "CURRICULUM_"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else default


def _number(name: str, default: str, kind=float):
    """``CURRICULUM_<name>`` as a number; a bad value is an input error naming the variable."""
    raw = _env(name, default) or default
    try:
        return kind(raw)
    except ValueError:
        from curriculum.errors import InputError

        raise InputError(f"{ENV_PREFIX}{name}={raw!r} is not a number", field=ENV_PREFIX + name) from None


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build with :meth:`from_env`."""

    data_dir: Path
    kb_dir: Path
    prompts_dir: Path = REPO_ROOT / "prompts"
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "modules"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout_s: float = 30.0
    prompt_token_budget: int = 6000
    store_timeout_s: float = 60.0
    index_wait_s: float = 300.0

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Read ``CURRICULUM_*`` variables; keyword ``overrides`` win (None values ignored)."""
        values: dict[str, object] = dict(
            data_dir=Path(_env("DATA_DIR") or platformdirs.user_data_dir("curriculum")),
            kb_dir=Path(_env("KB_DIR") or REPO_ROOT / "knowledge_base"),
            chroma_host=_env("CHROMA_HOST"),
            chroma_port=_number("CHROMA_PORT", "8000", int),
            llm_base_url=_env("LLM_BASE_URL"),
            llm_model=_env("LLM_MODEL"),
            llm_api_key=_env("LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or None,
            llm_timeout_s=_number("LLM_TIMEOUT", "30"),
            prompt_token_budget=_number("PROMPT_TOKEN_BUDGET", "6000", int),
            store_timeout_s=_number("STORE_TIMEOUT", "60"),
            index_wait_s=_number("INDEX_WAIT", "300"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("data_dir", "kb_dir", "prompts_dir"):
            if key in values:
                values[key] = Path(values[key])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    @property
    def llm_configured(self) -> bool:
        """True when a model name is set (a base URL alone is not enough)."""
        return bool(self.llm_model)

    @property
    def index_path(self) -> Path:
        """Folder of the embedded Chroma store's generations (see :mod:`curriculum.retrieval.generations`)."""
        return self.data_dir / "index"
