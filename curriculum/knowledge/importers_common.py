"""Shared pieces of the reference-data importers (ESCO, ROME): issues, results, CSV reading.

Used by :mod:`curriculum.knowledge.importers_esco` and :mod:`curriculum.knowledge.importers_rome`;
the public entry points are in :mod:`curriculum.knowledge.importers`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from curriculum.errors import InputError
from curriculum.models.jobs import Job
from curriculum.models.skills import TaxonomySkill

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportIssue:
    """A problem found while importing; the offending row was skipped (or partly used)."""

    file: str
    row: int | None  # 1-based data row (header not counted); None for a whole-file issue
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.row}" if self.row else "")
        return f"{where}: " + (f"field '{self.field}': " if self.field else "") + self.message


@dataclass
class ImportResult:
    """Taxonomy skills and jobs read from reference data, with the issues met on the way."""

    skills: list[TaxonomySkill] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- CSV


def find_file(directory: Path, patterns: list[str], *, required: bool = True) -> Path | None:
    """The one CSV of ``directory`` matching the first pattern that matches anything.

    Patterns are tried in order (exact official name first, then a glob), so ``skills_en.csv`` wins
    over ``skills_en_subset.csv`` when both are present. Several matches for one glob are ambiguous.
    """
    if not directory.is_dir():
        raise InputError("import directory not found", file=str(directory))
    for pattern in patterns:
        matches = sorted(p for p in directory.glob(pattern) if p.is_file())
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches)
            raise InputError(f"several files match '{pattern}' ({names}); keep only one", file=str(directory))
    if required:
        raise InputError(f"no file matching '{patterns[-1]}'", file=str(directory))
    return None


def read_csv(path: Path, required: list[str], issues: list[ImportIssue], *,
             unescape_quotes: bool = False) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, row)`` for each data row (1-based), values stripped, never ``None``.

    Uses :mod:`csv` so quoted multi-line fields (ESCO alternative labels) are one row. A missing
    required column raises :class:`InputError`; a CSV syntax error ends the file with an issue.
    ``unescape_quotes`` turns the doubled apostrophes of the ROME export (``L''habilitation``) into one.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = [h.strip() for h in (reader.fieldnames or [])]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read CSV header: {exc}", file=str(path)) from exc
        reader.fieldnames = header
        for column in required:
            if column not in header:
                raise InputError(f"missing column '{column}' (columns: {', '.join(header)})",
                                 file=str(path), field=column)
        number = 0
        try:
            for number, raw in enumerate(reader, start=1):
                row = {}
                for key, value in raw.items():
                    if key is None:
                        continue  # surplus fields
                    text = (value or "").strip()
                    row[key] = text.replace("''", "'") if unescape_quotes else text
                yield number, row
        except (csv.Error, UnicodeDecodeError) as exc:
            issues.append(ImportIssue(str(path), number + 1, None, f"unreadable CSV, rest of file skipped: {exc}"))


def split_labels(text: str, exclude: str = "") -> list[str]:
    """Split an ESCO ``altLabels`` cell (newline- or `` | ``-separated), dropping blanks and duplicates."""
    out: list[str] = []
    for part in re.split(r"\r?\n| \| ", text or ""):
        part = part.strip()
        if part and part != exclude and part not in out:
            out.append(part)
    return out


def slugify(text: str, max_length: int = 81) -> str:
    """ASCII kebab-case identifier (``automotive battery technician`` → ``automotive-battery-technician``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def first_error(exc: Exception) -> tuple[str | None, str]:
    """Field path and message of the first error of a pydantic ``ValidationError``."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return ".".join(str(p) for p in first["loc"]) or None, first["msg"]
    return None, str(exc)
