"""Read a learner profile file (YAML) into a validated :class:`LearnerProfile`."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from curriculum.errors import InputError
from curriculum.knowledge.yaml_lines import line_of, yaml_error_line
from curriculum.models import LearnerProfile


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent 'last one wins' hides typos)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def parse_learner(text: str, *, file: str = "<profile>") -> LearnerProfile:
    """Validate a YAML learner profile.

    Raises
    ------
    InputError
        Naming ``file``, the line and the field (e.g. ``hours_per_week``) of the first problem.
    """
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
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
        msg = err["msg"].removeprefix("Value error, ")
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
