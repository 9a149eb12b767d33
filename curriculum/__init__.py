"""curriculum — personalised training pathways toward industrial jobs, grounded in a module catalogue.

Public API (pinned by ``tests/test_public_api.py``)::

    from curriculum import Settings, Workspace, load_learner
    ws = Workspace.open(Settings.from_env())
    path = ws.plan(load_learner("learner.yaml"))      # LearningPath (pydantic)
"""

from curriculum.errors import (CurriculumError, GenerationError, InputError, KnowledgeBaseError, PlanningError,
                               RetrievalError)
from curriculum.learners import load_learner, parse_learner
from curriculum.models import Job, LearnerProfile, LearningPath, Module, Step
from curriculum.services import Workspace
from curriculum.settings import Settings

__all__ = [
    "CurriculumError", "GenerationError", "InputError", "Job", "KnowledgeBaseError", "LearnerProfile", "LearningPath",
    "Module", "PlanningError", "RetrievalError", "Settings", "Step", "Workspace", "load_learner", "parse_learner",
]
__version__ = "0.1.0"
