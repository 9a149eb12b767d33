"""Exports of learning paths: JSON (the contract), Markdown."""

from curriculum.exports.markdown import path_to_markdown
from curriculum.models import LearningPath


def path_to_json(path: LearningPath) -> str:
    """The JSON contract of ``curriculum plan --format json`` (UTF-8, indented)."""
    return path.model_dump_json(indent=2)


__all__ = ["path_to_json", "path_to_markdown"]
