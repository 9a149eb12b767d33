"""Read a learner profile file (YAML) into a validated :class:`LearnerProfile`."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from curriculum.errors import InputError
from curriculum.knowledge.yaml_lines import line_of, yaml_error_line
from curriculum.models import LearnerProfile


def parse_learner(text: str, *, file: str = "<profile>") -> LearnerProfile:
    """Validate a YAML learner profile.

    Raises
    ------
    InputError
        Naming ``file``, the line and the field (e.g. ``hours_per_week``) of the first problem.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", file=file,
                         line=yaml_error_line(exc)) from None
    if not isinstance(data, dict):
        raise InputError("a learner profile must be a YAML mapping (key: value)", file=file)
    try:
        return LearnerProfile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"]]
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "enum":
            msg = f"{msg} (got {err.get('input')!r})"
        extra = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise InputError(msg + extra, file=file, field=".".join(map(str, loc)) or None,
                         line=line_of(text, loc)) from None


def load_learner(path: Path | str) -> LearnerProfile:
    """Read and validate a learner profile file. Raises :class:`InputError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from None
    return parse_learner(text, file=str(path))
