"""Use cases shared by the CLI and the Streamlit UI (which stay thin layers over these).

Nothing here prints, exits or imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curriculum.errors import KnowledgeBaseError, RetrievalError
from curriculum.knowledge.catalogue import Catalogue, load_catalogue
from curriculum.models import LearnerProfile, LearningPath
from curriculum.planner.pathway import plan_pathway, resolve_job
from curriculum.retrieval.skill_mapping import SkillMapper
from curriculum.retrieval.store import SyncReport, VectorIndex
from curriculum.settings import Settings

Progress = Callable[[int, int], None]


@dataclass
class Workspace:
    """Loaded catalogue + lazily opened vector index, for one settings object."""

    settings: Settings
    catalogue: Catalogue
    _index: VectorIndex | None = field(default=None, repr=False)
    embeddings: object | None = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, embeddings: object | None = None) -> "Workspace":
        """Load the knowledge base of ``settings.kb_dir``.

        Raises
        ------
        KnowledgeBaseError
            When the folder is missing or holds no valid module or job.
        """
        cat = load_catalogue(settings.kb_dir)
        if not cat.modules or not cat.jobs:
            raise KnowledgeBaseError("no valid module or job found", file=str(settings.kb_dir))
        return cls(settings, cat, embeddings=embeddings)

    @property
    def index(self) -> VectorIndex:
        """The Chroma index (embedded or server), opened on first use."""
        if self._index is None:
            if self.embeddings is None:
                from curriculum.retrieval.embeddings import default_embeddings

                self.embeddings = default_embeddings()
            self._index = VectorIndex(self.settings, self.embeddings)  # type: ignore[arg-type]
        return self._index

    def build_index(self, progress: Progress | None = None) -> list[SyncReport]:
        """Embed new/changed modules and taxonomy skills; delete removed ones."""
        labels = lambda s: self.catalogue.skill_label(s, "en")  # noqa: E731
        return [self.index.sync_modules(self.catalogue.modules, labels, progress),
                self.index.sync_skills(self.catalogue.taxonomy, progress)]

    def _vector_skill_search(self, query: str, k: int) -> list[tuple[str, float]]:
        try:
            if self.index.count("skills") == 0:
                self.index.sync_skills(self.catalogue.taxonomy)
            return self.index.search_skills(query, k)
        except RetrievalError:
            return []

    def mapper(self, use_embeddings: bool = True) -> SkillMapper:
        """Skill mapper over the taxonomy, with the embedding fallback when ``use_embeddings``."""
        return SkillMapper(self.catalogue.taxonomy, self._vector_skill_search if use_embeddings else None)

    def plan(self, learner: LearnerProfile, job_ref: str | None = None, *, file: str | None = None,
             use_embeddings: bool = True, narrator: object | None = None) -> LearningPath:
        """Plan a pathway; ``job_ref`` overrides the profile's ``target_job``.

        Raises
        ------
        InputError
            Unknown job or unresolvable location (naming ``file`` and the field).
        """
        job = resolve_job(self.catalogue, job_ref or learner.target_job, file=file)
        path = plan_pathway(learner, job, self.catalogue, self.mapper(use_embeddings),
                            cache_dir=str(self.settings.data_dir), file=file)
        if narrator is not None:
            path = narrator.narrate(path, learner, job, self.catalogue)  # type: ignore[attr-defined]
        elif self.settings.llm_configured:
            from curriculum.generation.chain import LLMNarrator

            path = LLMNarrator.from_settings(self.settings).narrate(path, learner, job, self.catalogue)
        return path


def default_workspace(**overrides: object) -> Workspace:
    """Workspace from environment settings (``CURRICULUM_*``) with ``overrides``."""
    return Workspace.open(Settings.from_env(**overrides))


def kb_dir_default() -> Path:
    """Folder of the shipped knowledge base."""
    return Settings.from_env().kb_dir
