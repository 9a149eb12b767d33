"""YAML 1.1 type traps in hand-written files, caught with a hint that says how to write the value.

PyYAML reads YAML 1.1, where a plain (unquoted) ``no``, ``yes``, ``on``, ``off``, ``true``, ``false`` is a
boolean, ``01000`` is the *octal* number 512, ``59500`` a number and ``2027-01-04`` a date. So
``language: no`` (Norwegian) arrives as ``False`` and ``postcode: 01000`` as ``512``: the value the
user wrote is lost. :func:`check_string_fields` finds such values in the fields that must be text
and raises :class:`~curriculum.errors.InputError` with 'quote the value: postcode: "01000"'. One trap
is recoverable and accepted: a plain five-digit postcode not starting with 0 (``postcode: 59500``)
is read as the text ``"59500"``. :func:`hint_for` adds the hint for the reverse traps (a number or a
date written as text: ``hours_per_week: "7,5"``, ``start: 04/01/2027``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from curriculum.errors import InputError

_TAG = "tag:yaml.org,2002:"
_KIND = {"bool": "the boolean", "int": "the number", "float": "the number", "timestamp": "the date"}
_PLAIN_POSTCODE = re.compile(r"[1-9]\d{4}")
_DATE_FIELDS = ("start", "deadline", "end")
_DATE_ERRORS = ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")
_NUMBER_ERRORS = ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float")
_EXAMPLES = {"hours_per_week": "8", "mobility_km": "40", "budget_eur": "4000", "level": "3"}


def _scalars(node: yaml.Node, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], yaml.ScalarNode]]:
    """Every scalar node of a composed YAML tree with its path (mapping keys, sequence indexes)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*path, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _scalars(item, (*path, i))
    elif isinstance(node, yaml.ScalarNode):
        yield path, node


def _matches(path: tuple[str | int, ...], pattern: tuple[str, ...]) -> bool:
    return len(path) == len(pattern) and all(p == "*" and isinstance(v, int) or p == v for v, p in zip(path, pattern))


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def check_string_fields(text: str, data: dict, fields: Iterable[str], *, file: str | None = None) -> None:
    """Refuse a text field that YAML read as a boolean, number or date, with a 'quote the value' hint.

    ``text`` is the YAML source of ``data`` (already loaded); ``fields`` are dotted paths of the fields
    that must be text, ``*`` standing for any list index (``skills.*.label``). A plain five-digit
    ``postcode`` not starting with 0 is accepted and rewritten in ``data`` as text (``59500`` → ``"59500"``).

    Raises
    ------
    InputError
        Naming ``file``, the line and the field, e.g. 'postcode 01000 was read by YAML as the octal
        number 512 (…); quote the value: postcode: "01000"'.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # the loader already accepted the text; nothing more to say
    if root is None:
        return
    patterns = [tuple(f.split(".")) for f in fields]
    for path, node in _scalars(root):
        tag = node.tag.removeprefix(_TAG)
        if node.style is not None or tag in ("str", "null") or not any(_matches(path, p) for p in patterns):
            continue
        raw, key = node.value, next(str(p) for p in reversed(path) if isinstance(p, str))
        try:
            value = _get(data, path)
        except (KeyError, IndexError, TypeError):
            continue
        if path[-1] == "postcode" and tag == "int" and _PLAIN_POSTCODE.fullmatch(raw):
            _set(data, path, raw)  # 59500 → "59500": nothing was lost
            continue
        raise InputError(_trap_message(key, raw, tag, value, in_list=isinstance(path[-1], int)), file=file,
                         field=".".join(map(str, path)), line=node.start_mark.line + 1)


def _trap_message(key: str, raw: str, tag: str, value: Any, *, in_list: bool) -> str:
    quote = f'"{raw}"' if in_list else f'{key}: "{raw}"'
    if key == "postcode" and tag == "int" and re.fullmatch(r"\d{4}", raw):
        return (f"{raw} was read by YAML as the number {value}; a French postcode is 5 digits written as text: "
                f'quote it with its leading 0, e.g. postcode: "0{raw}"')
    if tag == "bool":
        why = (f"{raw} was read by YAML as the boolean {str(value).lower()} "
               "(yes/no/on/off/true/false are booleans in YAML 1.1)")
    elif tag == "int" and re.fullmatch(r"0[0-7_]+", raw):
        why = f"{raw} was read by YAML as the octal number {value} (a leading 0 makes it octal in YAML 1.1)"
    else:
        why = f"{raw} was read by YAML as {_KIND.get(tag, 'a ' + tag)} {value!s}, not as text"
    extra = " (supported languages: fr, en)" if key == "language" else ""
    return f"{why}; quote the value: {quote}{extra}"


def hint_for(error: dict, field: str) -> str | None:
    """A hint for a pydantic ``error`` (one item of ``ValidationError.errors()``) on ``field`` (dotted
    path) when it looks like a YAML trap: a number or a date written as text, or read as a boolean."""
    kind, got = error.get("type", ""), error.get("input")
    key = field.rsplit(".", 1)[-1]
    example = f"{key}: {_EXAMPLES.get(key, '8')}"
    if kind in _DATE_ERRORS or (key in _DATE_FIELDS and isinstance(got, (bool, int, float))):
        return f"write dates as YYYY-MM-DD without quotes, e.g. {key}: 2027-01-04"
    if kind not in _NUMBER_ERRORS:
        return None
    if isinstance(got, bool):
        return f"YAML read it as the boolean {str(got).lower()}; give a number, e.g. {example}"
    if isinstance(got, str):
        text = got.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"-?\d+,\d+", text):
            return f"use a decimal point: {key}: {text.replace(',', '.')}"
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return f"write the number without quotes or spaces: {key}: {text}"
        return f"give a number (no unit), e.g. {example}"
    return None
