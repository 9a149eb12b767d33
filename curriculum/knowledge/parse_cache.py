"""A cache of parsed knowledge-base YAML, so a CLI run does not re-parse 0.5 MB of taxonomy each time.

PyYAML builds Python objects in Python even with libyaml (about 1 s for the shipped knowledge base
on this machine); the same documents read back from JSON take a few milliseconds. The cache lives in
``<data dir>/kb-parse-cache.json``; an entry is used only while its file keeps the same size and
modification time (nanoseconds), and the whole cache is replaced atomically. Values YAML gives that
JSON cannot hold as such (dates, datetimes, non-string keys) are tagged or left uncached, so a cached
document validates exactly like a freshly parsed one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curriculum.outputs import atomic_write

CACHE_NAME = "kb-parse-cache.json"
VERSION = 1


class _Uncacheable(Exception):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or any(k.startswith("$") for k in value):
            raise _Uncacheable
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise _Uncacheable


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if len(value) == 1 and "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class ParseCache:
    """Parsed documents by file; ``folder`` None disables caching (every call parses)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = Path(folder) / CACHE_NAME if folder is not None else None
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if self.path is not None and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("version") == VERSION:
                    self.entries = data.get("entries", {})
            except (OSError, ValueError):
                self.entries = {}

    def parse(self, file: Path, text: str, parser: Callable[[str], Any], key: str = "") -> Any:
        """``parser(text)``, or the cached result for ``file`` (and ``key``, e.g. "front matter")
        when the file is unchanged. Parser errors propagate and are never cached."""
        if self.path is None:
            return parser(text)
        try:
            st = file.stat()
        except OSError:
            return parser(text)
        name = f"{file.resolve()}#{key}"
        stamp = [st.st_size, st.st_mtime_ns]
        hit = self.entries.get(name)
        if hit is not None and hit.get("stamp") == stamp:
            return _decode(hit["data"])
        value = parser(text)
        try:
            self.entries[name] = {"stamp": stamp, "data": _encode(value)}
            self.dirty = True
        except _Uncacheable:
            self.entries.pop(name, None)
        return value

    def save(self) -> None:
        """Write the cache if it changed; a cache that cannot be written is simply not kept."""
        if self.path is None or not self.dirty:
            return
        self.entries = {k: v for k, v in self.entries.items() if Path(k.rsplit("#", 1)[0]).exists()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps({"version": VERSION, "entries": self.entries}, ensure_ascii=False))
        except OSError:
            pass
        self.dirty = False
