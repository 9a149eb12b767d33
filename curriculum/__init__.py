"""curriculum — personalised training pathways toward industrial jobs, grounded in a module catalogue.

Public API (pinned by ``tests/test_public_api.py``)::

    from curriculum import Settings, Workspace, load_learner
    ws = Workspace.open(Settings.from_env())
    path = ws.plan(load_learner("learner.yaml"))      # LearningPath (pydantic)

Names are imported on first use (PEP 562), so ``curriculum --help`` or a submodule import does not
load the planner, pydantic models or OR-Tools.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_WHERE = {
    "CurriculumError": "curriculum.errors", "GenerationError": "curriculum.errors", "InputError": "curriculum.errors",
    "KnowledgeBaseError": "curriculum.errors", "PlanningError": "curriculum.errors",
    "RetrievalError": "curriculum.errors", "load_learner": "curriculum.learners", "parse_learner": "curriculum.learners",
    "Job": "curriculum.models", "LearnerProfile": "curriculum.models", "LearningPath": "curriculum.models",
    "Module": "curriculum.models", "Step": "curriculum.models", "Workspace": "curriculum.services",
    "Settings": "curriculum.settings",
}
__all__ = sorted(_WHERE)
__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from curriculum.errors import (CurriculumError, GenerationError, InputError, KnowledgeBaseError, PlanningError,
                                   RetrievalError)
    from curriculum.learners import load_learner, parse_learner
    from curriculum.models import Job, LearnerProfile, LearningPath, Module, Step
    from curriculum.services import Workspace
    from curriculum.settings import Settings


def __getattr__(name: str) -> object:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'curriculum' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
