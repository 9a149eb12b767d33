"""Instructor editing of module files: safe saves, single-module re-indexing, tagging suggestions.

Saves are atomic (temporary file in the same folder + ``os.replace``), serialised by a
``filelock.FileLock`` on ``<file>.lock``, and guarded by optimistic concurrency on the module's
``version``: two editors who opened version N cannot both save; the second gets a conflict and the
file keeps the first edit. A plan computed while a module is saved reads either the old or the new
file, never a half-written one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from filelock import FileLock
from pydantic import ValidationError

from curriculum.errors import KnowledgeBaseError
from curriculum.knowledge.yaml_lines import line_of
from curriculum.models import Module, ModuleStatus

LOCK_TIMEOUT_S = 10.0


@dataclass
class SaveResult:
    """Outcome of :func:`save_module`: written ``path``, unified ``diff`` old → new, optional ``warning``."""

    path: Path
    diff: str
    warning: str | None = None
    version: int = 1


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    Raises
    ------
    OSError
        When writing or replacing fails; ``path`` then keeps its previous content.
    """
    from curriculum.outputs import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)


def module_front_data(module: Module) -> dict:
    """The front matter of a module file as YAML-ready data: defaults of the newer fields left out
    (``status: approved``, empty ``suggestions``, ``certification.also``, ``prerequisites.competences``),
    session dates as dates."""
    data = module.model_dump(mode="json", exclude_none=True)
    if data.get("status") == "approved":
        del data["status"]
    if not data.get("suggestions"):
        data.pop("suggestions", None)
    if data.get("certification") and not data["certification"].get("also"):
        data["certification"].pop("also", None)
    if not data["prerequisites"].get("competences"):
        data["prerequisites"].pop("competences", None)
    for s in data.get("sessions", []):
        s.update(start=dt.date.fromisoformat(s["start"]), end=dt.date.fromisoformat(s["end"]))
    return data


def content_digest(module: Module) -> str:
    """sha256 (hex) of what a module says, its origin and version left out: equal for the same content
    whichever writer wrote it (see ``Origin.written``)."""
    import hashlib
    import json

    data = module_front_data(module.model_copy(update={"origin": None, "version": 1}))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str) + module.body.strip()
    return hashlib.sha256(text.encode()).hexdigest()


def is_hand_edited(module: Module) -> bool:
    """True when an imported module was edited by hand: saved in the editor (``origin.edited``) or changed
    in a file since an import or review wrote it (its content no longer matches ``origin.written``)."""
    origin = module.origin
    return origin is not None and (origin.edited or (origin.written is not None and content_digest(module) != origin.written))


def module_text(module: Module, body: str | None = None) -> str:
    """A module file: YAML front matter (schema of ``knowledge_base/README.md``) + Markdown body."""
    data = module_front_data(module)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=200)
    text = module.body if body is None else body
    return f"---\n{front}---\n{text.strip()}\n"


def _disk_version(path: Path) -> int | None:
    try:
        meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    version = meta.get("version", 1) if isinstance(meta, dict) else None
    return version if isinstance(version, int) else None


def save_module(kb_dir: Path, module: Module, body: str, expected_version: int | None, *,
                by_hand: bool = True) -> SaveResult:
    """Validate and save ``module`` as ``<kb_dir>/modules/<id>.md``; its ``version`` becomes N + 1.

    ``expected_version`` is the version the editor opened; None for a new module (the file must not
    exist) or to repair a file whose front matter cannot be read. ``by_hand`` (the editor's save, the
    default) marks an imported module ``origin.edited = True`` so a re-import of its feed never
    overwrites nor retires it; review decisions (:mod:`curriculum.knowledge.review`: approve, reject,
    reopen) and importers pass ``by_hand=False``: they change no content an instructor wrote.

    Raises
    ------
    KnowledgeBaseError
        On schema errors (field named), or ``conflict: …`` when the file on disk has another version
        than ``expected_version`` (the file is left intact).
    OSError
        When the file cannot be written (the old file is left intact).
    """
    path = Path(kb_dir) / "modules" / f"{module.id}.md"
    with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S):
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        on_disk = _disk_version(path) if path.exists() else None
        if path.exists() and on_disk != expected_version:
            raise KnowledgeBaseError(f"conflict: module {module.id} was changed by someone else "
                                     f"(version {on_disk} on disk)", file=str(path), field="version")
        if not path.exists() and expected_version is not None:
            raise KnowledgeBaseError(f"conflict: module {module.id} was deleted by someone else",
                                     file=str(path), field="version")
        version = (expected_version + 1) if expected_version is not None else module.version
        data = module.model_dump()
        if by_hand and data.get("origin"):
            data["origin"] = {**data["origin"], "edited": True}
        try:
            new_module = Module.model_validate({**data, "version": version, "body": body})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise KnowledgeBaseError(err["msg"], file=str(path),
                                     field=".".join(map(str, err["loc"])) or None) from exc
        if not by_hand and new_module.origin is not None:  # a review decision: what is written is not a hand edit
            new_module = new_module.model_copy(update={"origin": new_module.origin.model_copy(
                update={"written": content_digest(new_module)})})
        new = module_text(new_module, body)
        atomic_write_text(path, new)
    diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        fromfile=f"a/modules/{path.name}", tofile=f"b/modules/{path.name}"))
    return SaveResult(path, diff, _warning(new_module, Path(kb_dir)), version)


def _warning(module: Module, kb_dir: Path) -> str | None:
    notes = [f"unknown prerequisite module {p!r}" for p in module.prerequisites.modules
             if not (kb_dir / "modules" / f"{p}.md").exists()]
    if module.modality.needs_travel and not module.places:
        notes.append(f"{module.modality.value} module without a place")
    notes += [f"session {s.start} has no seats left" for s in module.sessions if s.seats == 0]
    return "; ".join(notes) or None


@dataclass
class WriteReport:
    """Module ids written to the knowledge base, and ids skipped because the file already existed."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def write_modules(modules: Iterable[Module], kb_dir: Path, *, overwrite: bool = False) -> WriteReport:
    """Write each module as ``<kb_dir>/modules/<id>.md`` atomically; existing ids are skipped
    (reported) unless ``overwrite``. Raises ``OSError`` when a file cannot be written."""
    report = WriteReport()
    for m in modules:
        path = Path(kb_dir) / "modules" / f"{m.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock"):
            if path.exists() and not overwrite:
                report.skipped.append(m.id)
                continue
            atomic_write_text(path, module_text(m))
        report.written.append(m.id)
    return report


# ------------------------------------------------------------------------------- validation helpers


def add_lines(report: dict) -> dict:
    """Fill ``line`` of ``validate_kb`` errors that have none (semantic checks): the first line of the
    file naming the offending URI / id quoted in the message, else the line of ``field``."""
    cache: dict[str, list[str]] = {}
    for e in report["errors"]:
        if e.get("line") or not e.get("file") or not Path(e["file"]).is_file():
            continue
        lines = cache.setdefault(e["file"], Path(e["file"]).read_text(encoding="utf-8", errors="replace").splitlines())
        tokens = re.findall(r"https?://[^\s)]+", e["message"]) + re.findall(r"'([^']+)'", e["message"])
        for tok in tokens:
            hit = next((n for n, line in enumerate(lines, 1) if tok in line), None)
            if hit:
                e["line"] = hit
                break
        if not e.get("line") and e.get("field"):
            front = "\n".join(lines[1:lines[1:].index("---") + 1]) if "---" in lines[1:] else ""
            e["line"] = line_of(front, [int(p) if p.isdigit() else p for p in e["field"].split(".")], offset=1)
    return report


def vet_modules(modules: list[Module], kb_dir: Path) -> tuple[list[Module], list[KnowledgeBaseError]]:
    """Run :func:`~curriculum.knowledge.validate.validate_kb` on ``kb_dir`` plus ``modules`` (in a
    temporary overlay, ``kb_dir`` untouched); return the modules with no error and one issue per error.
    A module whose id already exists in ``kb_dir`` replaces it in the overlay."""
    from curriculum.knowledge.validate import validate_kb

    kb_dir = Path(kb_dir)
    with tempfile.TemporaryDirectory(prefix="kb-vet-") as tmp:
        root = Path(tmp)
        (root / "modules").mkdir()
        for name in ("taxonomy.yaml", "jobs"):
            if (kb_dir / name).exists():
                os.symlink((kb_dir / name).resolve(), root / name)
        new_ids = {m.id for m in modules}
        for path in (kb_dir / "modules").glob("*.md"):
            if path.stem not in new_ids:
                os.symlink(path.resolve(), root / "modules" / path.name)
        for m in modules:
            (root / "modules" / f"{m.id}.md").write_text(module_text(m), encoding="utf-8")
        report = validate_kb(root)
    bad: dict[str, list[dict]] = {}
    for e in report["errors"]:
        if e.get("kind") == "rule":  # the planner applies the rules to the module anyway: report, keep
            continue
        stem = Path(e["file"] or "").stem
        if Path(e["file"] or "").parent.name == "modules" and stem in new_ids:
            bad.setdefault(stem, []).append(e)
    issues = [KnowledgeBaseError(e["message"], file=f"{mid}.md", field=e["field"], line=e["line"])
              for mid, errs in bad.items() for e in errs]
    return [m for m in modules if m.id not in bad], issues


# --------------------------------------------------------------------------------------- retrieval


def upsert_module(index, module: Module, labels) -> None:
    """Embed one module into the modules collection, replacing its previous record, with the
    metadata and ``content_hash`` of :meth:`VectorIndex.sync_modules`, so a later full sync sees it
    unchanged (a new generation of the embedded store, published atomically under the write lock)."""
    index.upsert_module(module, labels)


@contextlib.contextmanager
def _one_thread():
    """Embed one short text on a single torch thread, if torch is in use: on a busy 2-core machine
    (load 10) one MiniLM embedding took 0.7 s with 2 intra-op threads and 0.03 s with one."""
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch else None
    if torch:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if torch and before:
            torch.set_num_threads(before)


def reindex_module(workspace, module_id: str) -> float:
    """Re-read ``modules/<module_id>.md`` and re-embed that module alone; return seconds taken.

    A deleted file removes the module from the catalogue and the index; a module that is not
    ``approved`` (draft, rejected, retired) moves to ``catalogue.pending`` and leaves the index.

    Raises
    ------
    KnowledgeBaseError
        When the file is invalid (the index keeps the previous version).
    RetrievalError
        When the vector store cannot be used.
    """
    from curriculum.knowledge.catalogue import load_module_file

    started = time.perf_counter()
    path = Path(workspace.settings.kb_dir) / "modules" / f"{module_id}.md"
    module = load_module_file(path) if path.exists() else None
    if module is None or module.status != ModuleStatus.APPROVED:  # deleted, or not (any more) plannable
        workspace.catalogue.modules.pop(module_id, None)
        workspace.catalogue.pending.pop(module_id, None)
        if module is not None:
            workspace.catalogue.pending[module.id] = module
        if workspace.index.status("modules") != "missing":
            workspace.index.delete_module(module_id)
        return time.perf_counter() - started
    workspace.catalogue.pending.pop(module.id, None)
    workspace.catalogue.modules[module.id] = module
    labels = lambda s: workspace.catalogue.skill_label(s, "en")  # noqa: E731
    if workspace.index.status("modules") == "missing":  # first save before any `curriculum index`
        workspace.index.sync_modules(workspace.catalogue.modules, labels)
        return time.perf_counter() - started
    with _one_thread():
        upsert_module(workspace.index, module, labels)
    return time.perf_counter() - started


def suggest_tags(workspace, text: str, k: int = 5, language: str = "en", *, title: str | None = None,
                 rome: list[str] | None = None) -> list[dict]:
    """AI-assisted tagging for the editor: up to ``k`` taxonomy skills for ``text`` (title, summary, body),
    as ``{"skill", "label", "confidence", "source", "evidence", "level"}`` — the offer tagger's calibrated
    suggestions (:func:`curriculum.knowledge.offer_tagger.suggest_skills`: certifications through the
    rules, the ROME fiche's skills when ``rome`` codes are given, labels and sentence embeddings;
    confidence is a probability 0–1, nothing below 0.2 is shown; level 1–4). Suggestions only: never applied.
    Without the embedding model the tagger's calibration fitted without embeddings is used.
    """
    from curriculum.knowledge.offer_tagger import suggest_skills

    return suggest_skills(workspace.catalogue, text, k=k, language=language, title=title, rome=rome)


def load_valid_catalogue(kb_dir: Path):
    """The catalogue of ``kb_dir`` without the modules that fail :func:`validate_kb` (schema or
    semantic errors: unknown skills, dangling prerequisites…), and the validation report.

    This is what to index: a broken file never reaches the vector store or a plan.
    """
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.validate import validate_kb

    report = add_lines(validate_kb(Path(kb_dir)))
    cat = load_catalogue(Path(kb_dir))
    bad = {Path(e["file"]).stem for e in report["errors"] if e["file"] and Path(e["file"]).parent.name == "modules"
           and e.get("kind") != "rule"}  # rule violations are repaired by the planner (curriculum.rules.apply)
    cat.modules = {i: m for i, m in cat.modules.items() if i not in bad}
    return cat, report
