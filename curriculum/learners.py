"""Read a learner profile file (YAML) into a validated :class:`LearnerProfile`.

Besides the model's own checks (area covered, hours per week ≥ 1, postcode format; see
:mod:`curriculum.models.learners`), YAML type traps are caught with a hint (:mod:`curriculum.yaml_traps`):
``postcode: 01000`` (read as the octal number 512) and ``language: no`` (read as false) are refused with
'quote the value'; ``postcode: 59500`` is read as the text "59500".
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from curriculum.errors import InputError
from curriculum.knowledge.yaml_lines import line_of, yaml_error_line
from curriculum.models import LearnerProfile
from curriculum.yaml_traps import check_string_fields, hint_for

TEXT_FIELDS = ("id", "name", "language", "target_job", "background", "location.city", "location.postcode",
               "location.region", "location.country", "certifications.*", "skills.*.label", "skills.*.uri")
"""Fields of a profile that must be text (checked for YAML type traps; ``*`` = any list index)."""


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


def _bad_date(text: str) -> tuple[str | None, int | None, str | None]:
    """(dotted field, 1-based line, text) of the first YAML date of ``text`` that does not exist
    (``unavailable.0.from``, 29, ``2027-02-30``); Nones when none is found."""
    def walk(node: yaml.Node, path: list[str]):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                yield from walk(value, [*path, str(key.value)])
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                yield from walk(item, [*path, str(i)])
        elif node.tag == "tag:yaml.org,2002:timestamp":
            yield node, path

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None, None, None
    for node, path in walk(root, []) if root is not None else ():
        try:
            yaml.SafeLoader.construct_yaml_timestamp(yaml.SafeLoader(""), node)
        except ValueError:
            return ".".join(path) or None, node.start_mark.line + 1, node.value
    return None, None, None


def parse_learner(text: str, *, file: str = "<profile>") -> LearnerProfile:
    """Validate a YAML learner profile.

    Raises
    ------
    InputError
        Naming ``file``, the line and the field (e.g. ``hours_per_week``) of the first problem, with a
        hint when the value fell into a YAML type trap (``postcode: 01000``, ``language: no``).
    """
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # a linear scan: aliases can blow up later
            if isinstance(event, yaml.AliasEvent):
                raise InputError("YAML aliases (*name) are not allowed in a learner profile; write the values out",
                                 file=file, line=event.start_mark.line + 1 if event.start_mark else None)
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", file=file,
                         line=yaml_error_line(exc)) from None
    except ValueError as exc:  # YAML's date constructor: 2027-02-30
        field, line, value = _bad_date(text)
        got = f"got {value}; " if value else ""
        raise InputError(f"invalid value: {exc} ({got}dates are YYYY-MM-DD and must exist)", file=file,
                         field=field, line=line) from None
    if not isinstance(data, dict):
        raise InputError("a learner profile must be a YAML mapping (key: value)", file=file)
    check_string_fields(text, data, TEXT_FIELDS, file=file)
    try:
        return LearnerProfile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        if first["loc"] and first["loc"][-1] == "str":  # a `str | model` union: the model's error says more
            first = max(errors, key=lambda e: (e["loc"][:2] == first["loc"][:2], len(e["loc"])))
        err = first
        loc = [p for p in err["loc"] if p not in ("str", "HeldCertification")]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "enum":
            msg = f"{msg} (got {err.get('input')!r})"
        field = ".".join(map(str, loc))
        hint = hint_for(err, field)
        if hint:
            msg = f"{msg} (got {err.get('input')!r}); {hint}"
        extra = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise InputError(msg + extra, file=file, field=field or None,
                         line=line_of(text, loc)) from None


MAX_PROFILE_BYTES = 200_000


def load_learner(path: Path | str) -> LearnerProfile:
    """Read and validate a learner profile file. Raises :class:`InputError`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:  # bounded: /dev/zero or a huge file must not fill the memory
            raw = fh.read(MAX_PROFILE_BYTES + 1)
        if len(raw) > MAX_PROFILE_BYTES:
            raise InputError(f"a learner profile is at most {MAX_PROFILE_BYTES // 1000} kB", file=str(path))
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from None
    return parse_learner(text, file=str(path))
