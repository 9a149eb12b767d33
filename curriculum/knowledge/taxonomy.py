"""The skill taxonomy file ``knowledge_base/taxonomy.yaml``: load (validated), write, merge.

File layout::

    # comment lines (kept when the file is rewritten)
    source: ESCO v1.1.1
    attribution: This service uses the ESCO classification of the European Commission.
    licence: ...
    skills:
    - id: http://data.europa.eu/esco/skill/<uuid>
      skill_type: skill/competence        # or knowledge
      labels: {en: ..., fr: ...}
      alt_labels: {en: [...], fr: [...]}
      source: ESCO v1.1.1
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from curriculum.errors import KnowledgeBaseError
from curriculum.knowledge.yaml_lines import line_of
from curriculum.models.skills import TaxonomySkill

ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
ESCO_LICENCE = ("ESCO (c) European Union, reuse authorised under Commission Decision 2011/833/EU "
                "(European Commission reuse policy)")
ROME_LICENCE = "ROME 4.0 (c) France Travail, Licence Ouverte / Open Licence 2.0 (Etalab)"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: the file is ~0.5 MB
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _read_document(path: Path, cache=None) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read taxonomy: {exc}", file=str(path)) from exc
    try:
        parse = lambda t: yaml.load(t, Loader=_Loader)  # noqa: E731,S506 - safe loader
        data = cache.parse(path, text, parse) if cache is not None else parse(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML dates that do not exist (2027-02-30)
        mark = getattr(exc, "problem_mark", None)
        raise KnowledgeBaseError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", file=str(path),
                                 line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError("expected a mapping with a 'skills' list", file=str(path))
    if not isinstance(data.get("skills"), list):
        raise KnowledgeBaseError("'skills' must be a list of skill entries", file=str(path), field="skills")
    return data


def load_taxonomy(path: Path, cache=None) -> dict[str, TaxonomySkill]:
    """Read and validate ``taxonomy.yaml``; returns ``{skill id: TaxonomySkill}`` in file order.

    Raises :class:`KnowledgeBaseError` naming the file and the field (``skills.<i>.<field>``) of the
    first invalid entry (unknown key, missing label, duplicate id…). ``cache`` is an optional
    :class:`~curriculum.knowledge.parse_cache.ParseCache`.
    """
    path = Path(path)
    return _validate(path, _read_document(path, cache))


def _validate(path: Path, data: dict[str, Any]) -> dict[str, TaxonomySkill]:
    def error(message: str, loc: list[str | int]) -> KnowledgeBaseError:
        line = line_of(path.read_text(encoding="utf-8"), loc)
        return KnowledgeBaseError(message, file=str(path), field=".".join(map(str, loc)), line=line)

    out: dict[str, TaxonomySkill] = {}
    for i, entry in enumerate(data["skills"]):
        if not isinstance(entry, dict):
            raise error("skill entry must be a mapping", ["skills", i])
        try:
            skill = TaxonomySkill.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise error(first["msg"], ["skills", i, *first["loc"]]) from exc
        if not skill.labels:
            raise error("at least one label is required", ["skills", i, "labels"])
        if skill.id in out:
            raise error(f"duplicate skill id {skill.id}", ["skills", i, "id"])
        out[skill.id] = skill
    return out


def skill_entry(skill: TaxonomySkill) -> dict[str, Any]:
    """The YAML entry of a skill (empty alternative-label lists left out)."""
    entry = skill.model_dump(mode="json")
    entry["alt_labels"] = {lang: alts for lang, alts in entry["alt_labels"].items() if alts}
    if not entry["alt_labels"]:
        del entry["alt_labels"]
    return entry


def dump_taxonomy(path: Path, header: dict[str, Any], entries: list[dict[str, Any]], comment: str = "") -> None:
    """Write the taxonomy document atomically (temporary file in the same folder, then ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**{k: v for k, v in header.items() if k != "skills"}, "skills": entries}
    lines = [line if line.startswith("#") else f"# {line}" for line in comment.splitlines()]
    text = "".join(f"{line}\n" for line in lines)
    text += yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def default_header(skills: Iterable[TaxonomySkill]) -> dict[str, Any]:
    """``source``/``attribution``/``licence`` for a new taxonomy file holding ``skills``."""
    sources = list(dict.fromkeys(s.source for s in skills)) or ["ESCO v1.1.1"]
    licences = [ESCO_LICENCE] if any(s.startswith("ESCO") for s in sources) else []
    if any(s.startswith("ROME") for s in sources):
        licences.append(ROME_LICENCE)
    return {"source": "; ".join(sources), "attribution": ESCO_ATTRIBUTION, "licence": "; ".join(licences)}


def merge_taxonomy(path: Path, skills: Iterable[TaxonomySkill]) -> int:
    """Add to ``path`` the skills whose id it lacks; existing entries and header are kept as they are.

    Leading ``#`` comment lines are kept. Returns the number of skills added (the file is not
    rewritten when nothing is added).
    """
    path = Path(path)
    skills = list(skills)
    if path.exists():
        data = _read_document(path)
        _validate(path, data)  # refuse to merge into an invalid file
        comment_lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            comment_lines.append(line)
        comment = "\n".join(comment_lines)
    else:
        data, comment = {**default_header(skills), "skills": []}, ""
    entries: list[dict[str, Any]] = data["skills"]
    seen = {entry["id"] for entry in entries}
    new = []
    for skill in skills:
        if skill.id not in seen:
            seen.add(skill.id)
            new.append(skill)
    if not new:
        return 0
    if any(s.source.startswith("ROME") for s in new) and "ROME" not in str(data.get("licence", "")):
        data["licence"] = "; ".join(filter(None, [str(data.get("licence") or ""), ROME_LICENCE]))
    dump_taxonomy(path, data, entries + [skill_entry(s) for s in new], comment)
    return len(new)
