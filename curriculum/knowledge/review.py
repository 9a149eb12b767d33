"""The review queue: imported modules that wait for an instructor (``status: draft``), and the decisions
that make them plannable (approve), keep them out (reject) or send them back to review (reopen).

An importer never loses an offer for lack of tags: an offer its tagger is not confident about becomes
a draft carrying :class:`~curriculum.models.SkillSuggestion` s (skill, level 1–4, confidence 0–1,
source, evidence). Plans, the index and exports ignore every module that is not ``approved``
(:func:`~curriculum.knowledge.catalogue.load_catalogue` puts them in ``Catalogue.pending``).

Definitions
-----------
confidence of a module
    The **highest** confidence of its suggestions (None when it has none; filters then count it as 0).
    The maximum, not the mean, because it pairs with approval by threshold: a module listed with
    ``min_confidence=X`` has at least one suggestion at or above X, so ``approve(..., min_confidence=X)``
    gives it at least one outcome.
outcomes on approval
    ``skills`` (explicit ``(skill URI, level)`` pairs) replace the outcomes; else ``min_confidence``:
    the suggestions at or above it (a skill suggested twice keeps its highest level) replace them;
    else the module keeps its current outcomes. Suggestions are **kept** after approval, as an audit
    of what the tagger proposed (plans read outcomes only); ``reopen`` shows them again.
transitions
    approve: draft → approved (a rejected or retired module must be reopened first);
    reject: draft, approved or retired → rejected (kept so a re-import does not bring it back);
    reopen: approved, rejected or retired → draft.

Every decision is saved with :func:`~curriculum.knowledge.editing.save_module` (``by_hand=False``: a
decision is not a hand edit of the content): file lock, atomic write, optimistic concurrency on
``version``. A reviewer who saw version N (``expected_versions``) and finds N + 1 on disk gets a
``conflict`` result and the file keeps the other decision. Each decision is appended to
``<kb_dir>/review-log.jsonl`` (time, action, module, version, previous status, reason, outcomes).

Bulk operations go module by module: one refusal never stops the others and each module gets a
:class:`ReviewResult`. Plans read the module files, so the next ``curriculum plan`` uses an approved
module; a running UI refreshes its loaded catalogue and index with :func:`refresh_workspace`; the CLI's
vector index catches up at the next ``curriculum index``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock
from pydantic import ValidationError

from curriculum.errors import CurriculumError, InputError, KnowledgeBaseError
from curriculum.knowledge.catalogue import Catalogue, load_catalogue, load_module_file
from curriculum.knowledge.editing import LOCK_TIMEOUT_S, save_module, vet_modules
from curriculum.models import Module, ModuleStatus, SkillLevel

LOG_NAME = "review-log.jsonl"
STATUS_ORDER = {ModuleStatus.DRAFT: 0, ModuleStatus.REJECTED: 1, ModuleStatus.RETIRED: 2, ModuleStatus.APPROVED: 3}


def module_confidence(module: Module) -> float | None:
    """The module's confidence (0–1): the highest confidence of its suggestions; None without any."""
    return max((s.confidence for s in module.suggestions), default=None)


@dataclass
class ReviewFilter:
    """Which modules to list. ``statuses``: module statuses (default drafts only); confidences in
    [0, 1], inclusive (a module without suggestions counts as 0); ``domain`` and ``feed``
    (``origin.feed``) exact; ``provider`` and ``text`` (id, title, summary, provider) case-insensitive
    substrings. None = no condition."""

    statuses: tuple[str, ...] = (ModuleStatus.DRAFT.value,)
    min_confidence: float | None = None
    max_confidence: float | None = None
    domain: str | None = None
    provider: str | None = None
    feed: str | None = None
    text: str | None = None

    def matches(self, module: Module) -> bool:
        """True when ``module`` meets every condition."""
        conf = module_confidence(module) or 0.0
        text = (self.text or "").strip().lower()
        return (module.status.value in self.statuses
                and (self.min_confidence is None or conf >= self.min_confidence)
                and (self.max_confidence is None or conf <= self.max_confidence)
                and (not self.domain or module.domain == self.domain)
                and (not self.provider or self.provider.strip().lower() in module.provider.lower())
                and (not self.feed or (module.origin is not None and module.origin.feed == self.feed))
                and (not text or text in f"{module.id} {module.title} {module.summary} {module.provider}".lower()))


@dataclass
class ReviewResult:
    """What happened to one module: ``ok``; ``status`` and ``version`` after a success; ``message``
    (what was done, or why not) and ``field`` (the offending field of a refusal)."""

    module_id: str
    ok: bool
    message: str
    status: str | None = None
    version: int | None = None
    field: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def queue(catalogue: Catalogue, filters: ReviewFilter | None = None) -> list[Module]:
    """Modules of ``catalogue`` (pending ones, plus approved ones when asked) that match ``filters``:
    drafts first, then rejected, retired, approved; by confidence (highest first), then id."""
    filters = filters or ReviewFilter()
    pool = list(catalogue.pending.values())
    if ModuleStatus.APPROVED.value in filters.statuses:
        pool += list(catalogue.modules.values())
    found = [m for m in pool if filters.matches(m)]
    return sorted(found, key=lambda m: (STATUS_ORDER[m.status], -(module_confidence(m) or 0.0), m.id))


def pending_modules(kb_dir: Path, filters: ReviewFilter | None = None, *,
                    cache_dir: Path | None = None) -> list[Module]:
    """:func:`queue` of the knowledge base in ``kb_dir`` (files that do not load are not listed:
    ``curriculum kb validate`` names them). Raises ``KnowledgeBaseError`` when ``kb_dir`` is missing."""
    return queue(load_catalogue(Path(kb_dir), cache_dir=cache_dir), filters)


def summary_row(module: Module) -> dict:
    """One line of the queue: id, status, confidence (0–1 or None), title, domain, provider, feed,
    hours (``~`` prefix when estimated), cost (EUR), suggestions and outcomes counted, version."""
    conf = module_confidence(module)
    return {"id": module.id, "status": module.status.value, "confidence": None if conf is None else round(conf, 2),
            "title": module.title, "domain": module.domain, "provider": module.provider,
            "feed": module.origin.feed if module.origin else None,
            "hours": module.duration_hours, "hours_estimated": module.hours_estimate is not None,
            "cost_eur": module.cost_eur, "suggestions": len(module.suggestions),
            "outcomes": len(module.outcomes), "version": module.version}


def detail(module: Module, catalogue: Catalogue | None = None, kb_dir: Path | None = None) -> dict:
    """Everything a reviewer weighs, JSON-ready: :func:`summary_row` plus ``suggestions`` (skill,
    label, level, confidence, source, evidence), ``outcomes`` (skill, label, level), ``entry_conditions``
    (text as stated, skills, certifications, modules), ``hours_estimate`` (stated duration and rule),
    ``awards``, ``references``, ``origin`` and the ``history`` of decisions (with ``kb_dir``).
    Labels are the taxonomy's English ones when ``catalogue`` is given (else the skill URI)."""
    label = (lambda s: catalogue.skill_label(s, "en")) if catalogue else (lambda s: s)  # noqa: E731
    pre = module.prerequisites
    return {**summary_row(module), "summary": module.summary, "modality": module.modality.value,
            "hours_estimate": module.hours_estimate, "awards": module.awards,
            "suggestions": [{"skill": s.skill, "label": label(s.skill), "level": s.level,
                             "confidence": round(s.confidence, 3), "source": s.source, "evidence": s.evidence}
                            for s in sorted(module.suggestions, key=lambda s: -s.confidence)],
            "outcomes": [{"skill": o.skill, "label": label(o.skill), "level": o.level} for o in module.outcomes],
            "entry_conditions": {"text": pre.text,
                                 "skills": [{"skill": p.skill, "label": label(p.skill), "level": p.level}
                                            for p in pre.skills],
                                 "certifications": pre.certifications, "modules": pre.modules},
            "references": module.references.model_dump(exclude_none=True) if module.references else None,
            "origin": module.origin.model_dump(mode="json") if module.origin else None,
            "history": history(kb_dir, module.id) if kb_dir else []}


# ------------------------------------------------------------------------------------------ decisions


def _read(kb_dir: Path, module_id: str) -> Module:
    path = Path(kb_dir) / "modules" / f"{module_id}.md"
    if not path.is_file():
        raise KnowledgeBaseError(f"module {module_id!r} not found", file=str(path), field="id")
    return load_module_file(path)


def _refusal(module_id: str, exc: Exception) -> ReviewResult:
    if isinstance(exc, InputError):
        message = exc.message if module_id in exc.message else f"module {module_id}: {exc.message}"
        return ReviewResult(module_id, False, message, field=exc.field)
    return ReviewResult(module_id, False, f"module {module_id}: {exc}")


def _outcomes(module: Module, skills: list[SkillLevel] | None, min_confidence: float | None) -> list[SkillLevel]:
    if skills is not None:
        chosen = [(s.skill, s.level) for s in skills]
    elif min_confidence is not None:
        chosen = [(s.skill, s.level) for s in module.suggestions if s.confidence >= min_confidence]
    else:
        return list(module.outcomes)
    best: dict[str, int] = {}
    for skill, level in chosen:
        best[skill] = max(level, best.get(skill, 0))
    return [SkillLevel(skill=k, level=v) for k, v in best.items()]


def _no_outcome(module: Module, skills: list | None, min_confidence: float | None) -> str:
    if skills is not None:
        return "no skill chosen"
    if min_confidence is not None:
        best = module_confidence(module)
        return (f"no suggestion at or above confidence {min_confidence:g}"
                + (f" (best {best:.2f})" if best is not None else " (the module has no suggestion)"))
    return "the module has no outcome: choose skills or approve the suggestions above a confidence"


def _skills(skills: Iterable[SkillLevel | tuple[str, int]] | None) -> list[SkillLevel] | None:
    if skills is None:
        return None
    out = []
    for k, s in enumerate(skills):
        try:
            out.append(s if isinstance(s, SkillLevel) else SkillLevel(skill=s[0], level=s[1]))
        except (ValidationError, TypeError, IndexError) as exc:
            raise InputError(f"not a (skill URI, level 1–4) pair: {s!r}", field=f"skills.{k}") from exc
    return out


def approve(kb_dir: Path, ids: Iterable[str], *, skills: Iterable[SkillLevel | tuple[str, int]] | None = None,
            min_confidence: float | None = None, expected_versions: Mapping[str, int] | None = None,
            reviewer: str | None = None) -> list[ReviewResult]:
    """Approve the drafts ``ids`` (see the module docstring for the outcomes each one gets).

    A module is refused (its result says why, naming the field) when it is not a draft, would have no
    outcome, fails the schema, or fails :func:`~curriculum.knowledge.validate.validate_kb` once approved
    (unknown skill, in-person module without a place, session in the past, unknown prerequisite
    module…); the others are approved. ``expected_versions``: module id → version the reviewer saw.

    Raises
    ------
    InputError
        When both ``skills`` and ``min_confidence`` are given, ``min_confidence`` is outside [0, 1],
        or a skill is not a ``(URI, level 1–4)`` pair (before any module is touched).
    """
    chosen = _skills(skills)
    if chosen is not None and min_confidence is not None:
        raise InputError("give either skills or a minimum confidence, not both", field="skills")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise InputError(f"minimum confidence {min_confidence} is not in [0, 1]", field="min_confidence")
    results: dict[str, ReviewResult] = {}
    candidates: dict[str, tuple[Module, int]] = {}
    for mid in dict.fromkeys(ids):
        try:
            module = _read(kb_dir, mid)
            if module.status != ModuleStatus.DRAFT:
                hint = "" if module.status == ModuleStatus.APPROVED else ": reopen it first"
                raise KnowledgeBaseError(f"module {mid} is {module.status.value}, not a draft{hint}",
                                         file=f"{mid}.md", field="status")
            outcomes = _outcomes(module, chosen, min_confidence)
            if not outcomes:
                raise KnowledgeBaseError(f"module {mid} cannot be approved: {_no_outcome(module, chosen, min_confidence)}",
                                         file=f"{mid}.md", field="outcomes")
            try:
                approved = Module.model_validate({**module.model_dump(), "status": ModuleStatus.APPROVED,
                                                  "outcomes": [o.model_dump() for o in outcomes], "body": module.body})
            except ValidationError as exc:
                err = exc.errors()[0]
                raise KnowledgeBaseError(f"module {mid}: {err['msg']}", file=f"{mid}.md",
                                         field=".".join(map(str, err["loc"])) or None) from exc
            candidates[mid] = (approved, (expected_versions or {}).get(mid, module.version))
        except (CurriculumError, OSError) as exc:
            results[mid] = _refusal(mid, exc)
    if candidates:
        _, issues = vet_modules([m for m, _ in candidates.values()], Path(kb_dir))
        for issue in issues:
            mid = Path(issue.file or "").stem
            if mid in candidates and mid not in results:
                results[mid] = ReviewResult(mid, False, f"module {mid} would fail validation: "
                                            f"{issue.message}", field=issue.field)
    for mid, (module, version) in candidates.items():
        if mid not in results:
            results[mid] = _save(kb_dir, module, version, "approve", ModuleStatus.DRAFT, reviewer,
                                 outcomes=[o.model_dump() for o in module.outcomes],
                                 done=f"approved with {len(module.outcomes)} outcome(s)")
    return [results[mid] for mid in dict.fromkeys(ids)]


def _decide(kb_dir: Path, ids: Iterable[str], action: str, to: ModuleStatus, allowed: set[ModuleStatus],
            expected_versions: Mapping[str, int] | None, reviewer: str | None, reason: str | None) -> list[ReviewResult]:
    out = []
    for mid in dict.fromkeys(ids):
        try:
            module = _read(kb_dir, mid)
            if module.status not in allowed:
                raise KnowledgeBaseError(f"module {mid} is {module.status.value}: cannot {action} it",
                                         file=f"{mid}.md", field="status")
            new = module.model_copy(update={"status": to})
            out.append(_save(kb_dir, new, (expected_versions or {}).get(mid, module.version), action,
                             module.status, reviewer, reason=reason, done=f"{to.value} (was {module.status.value})"))
        except (CurriculumError, OSError) as exc:
            out.append(_refusal(mid, exc))
    return out


def reject(kb_dir: Path, ids: Iterable[str], reason: str, *, expected_versions: Mapping[str, int] | None = None,
           reviewer: str | None = None) -> list[ReviewResult]:
    """Reject drafts (or approved or retired modules): they leave plans and stay rejected across
    re-imports. ``reason`` is written to the review log.

    Raises
    ------
    InputError
        When ``reason`` is empty (before any module is touched).
    """
    if not (reason or "").strip():
        raise InputError("a rejection needs a reason", field="reason")
    return _decide(kb_dir, ids, "reject", ModuleStatus.REJECTED,
                   {ModuleStatus.DRAFT, ModuleStatus.APPROVED, ModuleStatus.RETIRED},
                   expected_versions, reviewer, reason.strip())


def reopen(kb_dir: Path, ids: Iterable[str], *, reason: str | None = None,
           expected_versions: Mapping[str, int] | None = None, reviewer: str | None = None) -> list[ReviewResult]:
    """Send approved, rejected or retired modules back to review (``draft``: out of plans until approved)."""
    return _decide(kb_dir, ids, "reopen", ModuleStatus.DRAFT,
                   {ModuleStatus.APPROVED, ModuleStatus.REJECTED, ModuleStatus.RETIRED},
                   expected_versions, reviewer, reason)


def _save(kb_dir: Path, module: Module, expected: int, action: str, was: ModuleStatus, reviewer: str | None,
          *, done: str, reason: str | None = None, outcomes: list | None = None) -> ReviewResult:
    try:
        saved = save_module(Path(kb_dir), module, module.body, expected_version=expected, by_hand=False)
    except (KnowledgeBaseError, OSError) as exc:
        return _refusal(module.id, exc)
    entry = {"at": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "action": action,
             "module": module.id, "version": saved.version, "from": was.value, "to": module.status.value,
             "reason": reason, "outcomes": outcomes, "reviewer": reviewer}
    _log(Path(kb_dir), {k: v for k, v in entry.items() if v is not None})
    return ReviewResult(module.id, True, done, status=module.status.value, version=saved.version)


def _log(kb_dir: Path, entry: dict) -> None:
    path = kb_dir / LOG_NAME
    with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S), path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def history(kb_dir: Path, module_id: str) -> list[dict]:
    """The review decisions on ``module_id`` (oldest first) from ``<kb_dir>/review-log.jsonl``;
    unreadable lines are skipped."""
    path = Path(kb_dir) / LOG_NAME
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("module") == module_id:
            out.append(entry)
    return out


def refresh_workspace(workspace, ids: Iterable[str]) -> dict[str, str]:
    """After decisions, bring a loaded workspace (:class:`curriculum.services.Workspace`, e.g. the UI's
    cached one) up to date: each module file of ``ids`` is re-read and put in ``catalogue.modules``
    (approved) or ``catalogue.pending`` (any other status; a deleted file leaves both), then the vector
    index, when one exists, is synced once (new and changed approved modules embedded, the others
    dropped; without an index nothing is embedded: ``curriculum index`` builds it).

    Returns module id → error message for the modules that could not be refreshed (invalid file:
    the workspace keeps the previous version; index failure: the decision itself stands).
    """
    cat, kb_dir = workspace.catalogue, Path(workspace.settings.kb_dir)
    errors: dict[str, str] = {}
    changed = []
    for mid in dict.fromkeys(ids):
        path = kb_dir / "modules" / f"{mid}.md"
        try:
            module = load_module_file(path) if path.exists() else None
        except CurriculumError as exc:
            errors[mid] = str(exc)
            continue
        cat.modules.pop(mid, None)
        cat.pending.pop(mid, None)
        if module is not None:
            (cat.modules if module.status == ModuleStatus.APPROVED else cat.pending)[mid] = module
        changed.append(mid)
    if changed:
        try:
            if workspace.index.status("modules") != "missing":
                workspace.index.sync_modules(cat.modules, lambda s: cat.skill_label(s, "en"))
        except CurriculumError as exc:
            errors.update({mid: str(exc) for mid in changed})
    return errors


def sync_from_disk(workspace) -> list[str]:
    """Re-read the knowledge base of a loaded workspace and :func:`refresh_workspace` the modules that
    appeared, vanished or differ on disk (imported or decided elsewhere, e.g. by ``curriculum kb review``).
    Returns their ids. Raises ``KnowledgeBaseError`` when the knowledge base folder is missing."""
    disk = load_catalogue(Path(workspace.settings.kb_dir), cache_dir=workspace.settings.data_dir)
    now = {**disk.modules, **disk.pending}
    loaded = {**workspace.catalogue.modules, **workspace.catalogue.pending}
    bad = {Path(i.file).stem for i in disk.issues if i.file}  # unreadable now: keep what is loaded
    changed = sorted(i for i in now.keys() | loaded.keys() if i not in bad and now.get(i) != loaded.get(i))
    refresh_workspace(workspace, changed)
    return changed
