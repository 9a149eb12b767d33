"""Load and validate the knowledge base: modules (Markdown + YAML front matter), jobs, taxonomy.

A bad file never stops the others: :func:`load_catalogue` returns the valid records plus one
:class:`KnowledgeBaseError` per problem (file, line, field). ``strict=True`` raises the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from curriculum.errors import KnowledgeBaseError
from curriculum.knowledge.yaml_lines import line_of, yaml_error_line
from curriculum.models import Job, Module, ModuleStatus, TaxonomySkill


@dataclass
class Catalogue:
    """The loaded knowledge base.

    Attributes
    ----------
    modules : dict[str, Module]   module id → approved module (the only ones planned, indexed, exported)
    pending : dict[str, Module]   module id → draft, rejected or retired module (``kb review``)
    jobs : dict[str, Job]         job id → job
    taxonomy : dict[str, TaxonomySkill]  skill id → entry
    issues : list[KnowledgeBaseError]    every problem met while loading
    """

    modules: dict[str, Module] = field(default_factory=dict)
    pending: dict[str, Module] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    taxonomy: dict[str, TaxonomySkill] = field(default_factory=dict)
    issues: list[KnowledgeBaseError] = field(default_factory=list)
    root: Path | None = None

    def skill_label(self, skill: str, language: str = "en") -> str:
        """Human label of a skill id (falls back to the id)."""
        entry = self.taxonomy.get(skill)
        return entry.label(language) if entry else skill

    def find_jobs(self, ref: str) -> list[Job]:
        """Every job matching ``rome:CODE``, ``esco:URI``, a bare ROME code, an ESCO URI or a job id.

        An ESCO occupation may back several jobs (e.g. two ROME fiches): jobs without a ROME code
        (pure ESCO) come first, then by id.
        """
        ref = ref.strip()
        if ref in self.jobs:
            return [self.jobs[ref]]
        if ref.startswith("rome:"):
            return [j for j in self.jobs.values() if j.rome_code == ref[5:].upper()]
        uri = ref[5:] if ref.startswith("esco:") else ref
        found = [j for j in self.jobs.values() if uri in (j.esco_uri, j.rome_code)]
        return sorted(found, key=lambda j: (j.rome_code is not None, j.id))

    def find_job(self, ref: str) -> Job | None:
        """The first job of :meth:`find_jobs`, or None."""
        found = self.find_jobs(ref)
        return found[0] if found else None


def _validation_issues(exc: ValidationError, file: Path, text: str, offset: int) -> list[KnowledgeBaseError]:
    out = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if p != "__root__"]
        out.append(KnowledgeBaseError(err["msg"], file=str(file), field=".".join(map(str, loc)) or None,
                                      line=line_of(text, loc, offset=offset)))
    return out


def load_module_file(path: Path) -> Module:
    """Parse and validate one module file.

    Raises
    ------
    KnowledgeBaseError
        On YAML syntax errors or schema violations (first problem; see :func:`module_file_issues`).
    """
    module, issues = _load_module(path)
    if issues:
        raise issues[0]
    assert module is not None
    return module


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_module(path: Path, cache=None) -> tuple[Module | None, list[KnowledgeBaseError]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [KnowledgeBaseError(f"cannot read file: {exc}", file=str(path))]
    if not raw.lstrip().startswith("---"):
        return None, [KnowledgeBaseError("missing YAML front matter (file must start with ---)", file=str(path), line=1)]
    front = raw.split("---", 2)[1] if raw.count("---") >= 2 else ""
    body = raw.split("---", 2)[2].strip() if raw.count("---") >= 2 else ""
    try:
        parse = lambda t: yaml.load(t, Loader=_Loader)  # noqa: E731,S506 - a safe loader (libyaml when available)
        metadata = cache.parse(path, front, parse, "front") if cache is not None else parse(front)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML dates that do not exist (2027-02-30)
        return None, [KnowledgeBaseError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", file=str(path),
                                         line=yaml_error_line(exc, offset=0))]
    if not isinstance(metadata, dict) or not metadata:
        return None, [KnowledgeBaseError("front matter is empty or not a mapping", file=str(path), line=1)]
    try:
        module = Module.model_validate({**metadata, "body": body})
    except ValidationError as exc:
        return None, _validation_issues(exc, path, front, offset=0)
    if module.id != path.stem:
        return module, [KnowledgeBaseError(f"id {module.id!r} differs from file name {path.stem!r}",
                                           file=str(path), field="id", line=line_of(front, ["id"], offset=0))]
    return module, []


def _load_job(path: Path, cache=None) -> tuple[Job | None, list[KnowledgeBaseError]]:
    try:
        text = path.read_text(encoding="utf-8")
        parse = lambda t: yaml.load(t, Loader=_Loader)  # noqa: E731,S506 - a safe loader (libyaml when available)
        data = cache.parse(path, text, parse) if cache is not None else parse(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML dates that do not exist (2027-02-30)
        return None, [KnowledgeBaseError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", file=str(path),
                                         line=yaml_error_line(exc))]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [KnowledgeBaseError(f"cannot read file: {exc}", file=str(path))]
    try:
        return Job.model_validate(data), []
    except ValidationError as exc:
        return None, _validation_issues(exc, path, text, offset=0)


def load_catalogue(kb_dir: Path, *, strict: bool = False, cache_dir: Path | None = None) -> Catalogue:
    """Load ``kb_dir`` (``modules/*.md``, ``jobs/*.yaml``, ``taxonomy.yaml``). With ``cache_dir``, parsed
    YAML is kept there between runs (:mod:`curriculum.knowledge.parse_cache`), re-parsed when a file changes,
    and the whole catalogue too (:mod:`curriculum.knowledge.snapshot`) while no file changes.

    Raises
    ------
    KnowledgeBaseError
        With ``strict=True``, the first problem; also when ``kb_dir`` does not exist.
    """
    from curriculum.knowledge import snapshot
    from curriculum.knowledge.parse_cache import ParseCache
    from curriculum.knowledge.taxonomy import load_taxonomy

    kb_dir = Path(kb_dir)
    if not kb_dir.is_dir():
        raise KnowledgeBaseError("knowledge base folder not found", file=str(kb_dir))
    sign = snapshot.signature(kb_dir) if cache_dir is not None else ""
    if cache_dir is not None:  # the whole catalogue built last time, while no file changed
        known = snapshot.load_snapshot(cache_dir, kb_dir, sign)
        if known is not None:
            return known
    cache = ParseCache(cache_dir)
    cat = Catalogue(root=kb_dir)
    tax_path = kb_dir / "taxonomy.yaml"
    if tax_path.exists():
        try:
            cat.taxonomy = load_taxonomy(tax_path, cache)
        except KnowledgeBaseError as exc:
            cat.issues.append(exc)
    for path in sorted((kb_dir / "modules").glob("*.md")):
        module, issues = _load_module(path, cache)
        cat.issues.extend(issues)
        if module is not None and not issues:
            if module.id in cat.modules or module.id in cat.pending:
                cat.issues.append(KnowledgeBaseError(f"duplicate module id {module.id!r}", file=str(path), field="id"))
                continue
            (cat.modules if module.status == ModuleStatus.APPROVED else cat.pending)[module.id] = module
    for path in sorted((kb_dir / "jobs").glob("*.y*ml")):
        job, issues = _load_job(path, cache)
        cat.issues.extend(issues)
        if job is not None and not issues:
            cat.jobs[job.id] = job
    cache.save()
    if cache_dir is not None:
        snapshot.save_snapshot(cache_dir, kb_dir, sign, cat)
    if strict and cat.issues:
        raise cat.issues[0]
    return cat
