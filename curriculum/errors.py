"""Exception tree of the curriculum package.

::

    CurriculumError
    ├── InputError            bad user input (learner profile, cohort file, CLI option)
    │   └── KnowledgeBaseError  a knowledge-base file (module, job, taxonomy) is invalid
    ├── RetrievalError        vector store or embedding model unavailable / inconsistent
    │   ├── IndexBusyError      another process writes the index (retry later; CLI exit 2)
    │   ├── IndexMissingError   no index built yet (run ``curriculum index``)
    │   └── StoreDamagedError   the index cannot be read (run ``curriculum index --rebuild``)
    ├── PlanningError         the planner could not run (not: "no feasible plan", which is a result)
    └── GenerationError       the LLM chain failed after its retries

Every error carries the context needed to act on it: ``file``, ``field`` and ``row``/``line``
where they apply. The library never prints or exits; the CLI and UI turn these into messages.
"""

from __future__ import annotations


class CurriculumError(Exception):
    """Root of every error raised on purpose by this package."""


class InputError(CurriculumError):
    """Bad input supplied by a user.

    Attributes
    ----------
    file : str | None
        Path of the offending file, if any.
    field : str | None
        Dotted path of the offending field (e.g. ``skills.2.level``).
    line : int | None
        1-based line (or row) number in ``file`` when known.
    """

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None,
                 line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.field = field
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}" + (f":{self.line}" if self.line else ""))
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class KnowledgeBaseError(InputError):
    """A knowledge-base file (module, job, taxonomy) fails validation."""


class RetrievalError(CurriculumError):
    """The vector store or the embedding model cannot be used."""


class IndexBusyError(RetrievalError):
    """Another process is writing the index and did not finish within the wait allowed."""


class IndexMissingError(RetrievalError):
    """No index has been built yet for this collection (run ``curriculum index``)."""


class StoreDamagedError(RetrievalError):
    """The store exists but cannot be read; ``curriculum index --rebuild`` repairs it."""


class PlanningError(CurriculumError):
    """The planner could not run at all (an infeasible plan is a result, not an error)."""


class GenerationError(CurriculumError):
    """The LLM chain failed; carries ``attempts`` and the ``raw_output`` of the last attempt."""

    def __init__(self, message: str, *, attempts: int = 0, raw_output: str | None = None) -> None:
        self.attempts = attempts
        self.raw_output = raw_output
        super().__init__(message)
