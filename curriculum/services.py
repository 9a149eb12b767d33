"""Use cases shared by the CLI and the Streamlit UI (which stay thin layers over these).

Nothing here prints, exits or imports Streamlit.
"""

from __future__ import annotations

import datetime as dt

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from curriculum.errors import KnowledgeBaseError, RetrievalError
from curriculum.knowledge.catalogue import Catalogue, load_catalogue
from curriculum.models import LearnerProfile, LearningPath
from curriculum.planner.index import module_table
from curriculum.planner.pathway import plan_pathway, resolve_job
from curriculum.planner.relaxations import relaxation_profile, shown_as_infeasible, suggest_relaxations
from curriculum.retrieval.skill_mapping import SkillMapper
from curriculum.retrieval.store import SyncReport, VectorIndex
from curriculum.settings import Settings

Progress = Callable[[int, int], None]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off inside the block (its previous state restored after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


if TYPE_CHECKING:
    from curriculum.generation.profile_extraction import ExtractedProfile
    from curriculum.intake import Intake

MODEL_OPTIONS = 3
"""How many valid plans (the optimum and its alternatives) an LLM chooses among."""
ALTERNATIVE_TOLERANCE = 0.15
"""k-best alternatives: at most this share more hours than the fastest plan (0.15: +15 %)."""


RELAXATION_CUTS = 2
"""Selections a relaxation trial may refuse for want of a calendar (a plan of its own allows 8): a verified
relaxation of a dense catalogue took 17 trials × 8 re-solves (36 s of a 38 s CLI plan)."""

@dataclass
class Workspace:
    """Loaded catalogue + lazily opened vector index, for one settings object."""

    settings: Settings
    catalogue: Catalogue
    _index: VectorIndex | None = field(default=None, repr=False)
    embeddings: object | None = field(default=None, repr=False)
    _mappers: dict[bool, SkillMapper] = field(default_factory=dict, repr=False)
    _label_notes: dict[str, str] = field(default_factory=dict, repr=False)
    _vectors: object | None = field(default=None, repr=False)
    _vectors_stamp: object = field(default=None, repr=False)

    @classmethod
    def open(cls, settings: Settings, embeddings: object | None = None) -> "Workspace":
        """Load the knowledge base of ``settings.kb_dir``.

        The catalogue is loaded with Python's cyclic garbage collector paused, then moved to its permanent
        generation (:func:`gc.freeze`): it lives as long as the workspace, and a regional one (8,885
        modules: ≈ 700,000 objects) cost half its load time in collections (4.2 s → 2.1 s) and ≈ 0.35 s
        at each later full collection, in the middle of a plan. Objects alive at that moment are never
        walked again by the collector: a reference cycle among them, dropped later, is not reclaimed.

        Raises
        ------
        KnowledgeBaseError
            When the folder is missing or holds no valid module or job.
        """
        with _collector_paused():
            cat = load_catalogue(settings.kb_dir, cache_dir=settings.data_dir)
        gc.freeze()
        if not cat.modules or not cat.jobs:
            raise KnowledgeBaseError("no valid module or job found", file=str(settings.kb_dir))
        return cls(settings, cat, embeddings=embeddings)

    @property
    def index(self) -> VectorIndex:
        """The Chroma index of modules (embedded or server), opened on first use."""
        if self._index is None:
            self._index = VectorIndex(self.settings, self._embeddings())  # type: ignore[arg-type]
        return self._index

    def _embeddings(self):
        if self.embeddings is None:
            from curriculum.retrieval.embeddings import LazyEmbeddings

            self.embeddings = LazyEmbeddings(self.settings.data_dir)
        return self.embeddings

    def taxonomy_vectors(self):
        """The taxonomy's label vectors (shipped + embedded by ``curriculum index``), re-read when
        ``index`` has written new ones; see :mod:`curriculum.retrieval.taxonomy_vectors`."""
        from curriculum.retrieval.taxonomy_vectors import CACHE_NAME, TaxonomyVectors

        cache = self.settings.data_dir / CACHE_NAME
        stamp = cache.stat().st_mtime_ns if cache.exists() else None
        if self._vectors is None or stamp != self._vectors_stamp:
            if self._vectors is not None:  # new vectors: forget what was mapped (and said) with the old ones
                self._mappers.clear()
                self._label_notes.clear()
            self._vectors = TaxonomyVectors.load(self.catalogue.taxonomy, self.settings.data_dir)
            self._vectors_stamp = stamp
        return self._vectors

    def build_index(self, progress: Progress | None = None, *, rebuild: bool = False) -> list[SyncReport]:
        """Embed new/changed modules into Chroma (delete removed ones) and the taxonomy labels that have
        no shipped vector into ``<data dir>/taxonomy_vectors.npz``. With ``rebuild``, re-embed every
        module into a new generation (repairs a damaged index); the old index keeps serving readers
        until the new one is published.

        Raises
        ------
        IndexBusyError
            When another process writes the index for longer than ``settings.index_wait_s``.
        RetrievalError
            When the index cannot be written (read-only folder, full disk); the old one is unchanged.
        """
        import time

        from curriculum.retrieval.taxonomy_vectors import build_cache

        labels = lambda s: self.catalogue.skill_label(s, "en")  # noqa: E731
        modules = self.index.sync_modules(self.catalogue.modules, labels, progress, rebuild=rebuild)
        started = time.perf_counter()
        try:
            embedded, known = build_cache(self.catalogue.taxonomy, self.settings.data_dir,
                                          self._embeddings().embed_documents, progress)
        except OSError as exc:
            raise RetrievalError(f"cannot write {self.settings.data_dir / 'taxonomy_vectors.npz'}: "
                                 f"{exc.strerror or exc}; the previous vectors are unchanged") from exc
        self._vectors_stamp = "rebuilt"  # re-read on next use
        return [modules, SyncReport(collection="taxonomy label vectors", added=embedded, unchanged=known,
                                    seconds=round(time.perf_counter() - started, 3))]

    def _vector_skill_search(self, query: str, k: int) -> list[tuple[str, float]] | None:
        """Nearest taxonomy skills by embeddings (a matrix product over the label vectors), or None
        when no vector can be used; a plan never embeds the taxonomy, it says what to run."""
        vectors = self.taxonomy_vectors()
        try:
            hits = vectors.search(self._embeddings().embed_query(query), k) if len(vectors.matrix) else None
        except RetrievalError as exc:
            self._label_notes[query] = f"{exc}: free-text skills were matched on exact and alternative labels only"
            return None
        if vectors.missing:
            self._label_notes[query] = (f"{vectors.missing} taxonomy labels have no vector yet (the taxonomy was "
                                        "imported or edited): they could not be matched by meaning; run "
                                        "`curriculum index`")
        return hits

    def mapper(self, use_embeddings: bool = True) -> SkillMapper:
        """Skill mapper over the taxonomy (built once per workspace), with the embedding fallback
        when ``use_embeddings``."""
        if use_embeddings not in self._mappers:
            self._mappers[use_embeddings] = SkillMapper(self.catalogue.taxonomy,
                                                        self._vector_skill_search if use_embeddings else None)
        return self._mappers[use_embeddings]

    def plan(self, learner: LearnerProfile, job_ref: str | None = None, *, file: str | None = None,
             use_embeddings: bool = True, assembler: object | None = None, objective: str = "hours",
             explain: bool = True, forbidden: tuple[frozenset[str], ...] = (), llm: bool = True) -> LearningPath:
        """Plan a pathway; ``job_ref`` overrides the profile's ``target_job``.

        With an LLM configured (or an ``assembler`` injected, e.g. with a fake chat model) and ``llm``, the
        model chooses among the valid plans (the optimum and its k-best alternatives, :meth:`alternatives`) and
        explains; a proposal that is none of them gets the nearest valid plan (its modules kept where the rules
        and limits allow), with ``repairs``. With ``explain`` the path also carries ``prior_learning`` (hours
        and EUR saved against the job's standard programme) and, when infeasible, verified ``relaxations``.

        Raises
        ------
        InputError
            Unknown job or unresolvable location (naming ``file`` and the field).
        """
        ref = job_ref or learner.target_job
        job = resolve_job(self.catalogue, ref, file=file)
        mapper = self.mapper(use_embeddings)
        others = [j.id for j in self.catalogue.find_jobs(ref or "")[1:]]

        def planner(profile: LearnerProfile, **kw: object) -> LearningPath:
            return plan_pathway(profile, job, self.catalogue, mapper, cache_dir=str(self.settings.data_dir),
                                file=file, **kw)  # type: ignore[arg-type]

        path = planner(learner, objective=objective, forbidden=forbidden)
        notes = dict.fromkeys(self._label_notes[m["query"]] for m in path.skill_mapping
                              if m.get("method") == "unmapped" and m.get("query") in self._label_notes)
        if notes:
            path = path.model_copy(update={"warnings": [*path.warnings, *notes]})
        skipped = self.catalogue.issues
        if skipped:  # a module file that cannot be read is left out: say so, never silently
            first = skipped[0]
            path = path.model_copy(update={"warnings": [*path.warnings, (
                f"{len(skipped)} knowledge-base problem(s): the files concerned were left out of this plan "
                f"(first: {Path(first.file).name if first.file else '?'}: {first.message}); see `curriculum kb "
                f"validate`")]})
        if others:
            path = path.model_copy(update={"warnings": [*path.warnings, f"{ref} matches several jobs; planned for "
                                                        f"{job.id} (others: {', '.join(others)}; choose with --job)"]})
        if explain:
            standard = planner(learner, objective=objective, ignore_held=True)
            path = path.model_copy(update={"prior_learning": prior_learning(path, standard)})
            if not path.feasible:
                # each trial of the relaxation search may refuse fewer selections for want of a calendar: a
                # trial judged infeasible that more cuts would have dated only makes the change found larger,
                # never unverified (every suggestion is a feasible plan), and the plan shown below is that trial's
                path = path.model_copy(update={"relaxations": suggest_relaxations(
                    learner, path, job, self.catalogue,
                    lambda p: planner(p, objective=objective, calendar_cuts=RELAXATION_CUTS),
                    covers=lambda p: planner(p, objective=objective, coverage_only=True).feasible)})
                first = path.relaxations[0] if path.relaxations else None
                if first and not set(first["changes"]) - {"deadline", "budget_eur"}:
                    # the plan shown is the one the first relaxation makes feasible, judged on today's limits
                    # (a later deadline or a larger budget keeps the learner's dates; more hours a week would not)
                    relaxed = planner(relaxation_profile(learner, first), objective=objective, forbidden=forbidden,
                                      calendar_cuts=RELAXATION_CUTS)
                    if relaxed.feasible:
                        path = shown_as_infeasible(path, relaxed, learner)
        if not llm:
            return path
        if assembler is None and self.settings.llm_configured:
            from curriculum.generation.assembly import LLMAssembler

            assembler = LLMAssembler.from_settings(self.settings)
        if assembler is not None:
            home = (path.learner_location["lat"], path.learner_location["lon"])
            mods = self.catalogue.modules  # the planner's eligibility of every module (arrays, shared)
            usable = {i: mods[i] for i in module_table(mods).eligibility(learner, home).ok_ids}
            options = [path]
            if path.feasible and path.steps:  # the valid plans the model chooses among (the first is this one)
                alternatives = self.alternatives(learner, MODEL_OPTIONS, job_ref, file=file)
                options += [p for p in alternatives if p.feasible
                            and {s.module_id for s in p.steps} != {s.module_id for s in path.steps}]
                options[0] = path.model_copy(update={"label": alternatives[0].label if alternatives else None,
                                                     "trade_off": trade_off(path)})

            def nearest(ids: list[str]) -> LearningPath:
                keep = learner.model_copy(update={"pinned_modules": sorted(set(learner.pinned_modules) | set(ids)),
                                                  "excluded_modules": [m for m in learner.excluded_modules
                                                                       if m not in ids]})
                return self.plan(keep, job_ref, file=file, use_embeddings=use_embeddings, objective=objective,
                                 explain=False, llm=False)
            path = assembler.assemble(path, learner, job, self.catalogue, usable,  # type: ignore[attr-defined]
                                      options=options, nearest=nearest)
        return path

    def extract_profile(self, text: str, language: str = "fr", names: tuple[str, ...] = ()) -> "ExtractedProfile":
        """A profile proposal from a CV or free text, for the person to confirm: by the configured LLM (pseudonymised
        text, claims grounded by the skill mapper and checked against the text), else by the rules (see
        :func:`curriculum.generation.llm_profile.propose_profile`)."""
        from curriculum.generation.llm_profile import profile_extractor, propose_profile

        cat = self.catalogue
        extractor = profile_extractor(self.settings, self.mapper(True), cat.taxonomy, cat.jobs)
        return propose_profile(text, cat.taxonomy, language, jobs=cat.jobs, extractor=extractor, names=list(names))

    def intake(self, language: str = "fr", today: dt.date | None = None) -> "Intake":
        """A new conversational intake (:class:`~curriculum.intake.Intake`) over this catalogue's jobs; the skills of
        the background answer are read by the deterministic profile extractor (ESCO URIs with levels)."""
        from curriculum.generation.profile_extraction import extract_profile
        from curriculum.intake import Intake

        def skills(text: str) -> list[dict]:
            found = extract_profile(text, self.catalogue.taxonomy, language, jobs=self.catalogue.jobs)
            return [{"uri": s.skill, "level": max(1, s.level)} for s in found.skills]
        return Intake(language=language, jobs=self.catalogue.jobs, today=today or dt.date.today(),
                      extract_skills=skills)

    def alternatives(self, learner: LearnerProfile, k: int = 3, job_ref: str | None = None, *,
                     file: str | None = None, tolerance: float = ALTERNATIVE_TOLERANCE) -> list[LearningPath]:
        """Up to ``k`` genuinely different plans (different module sets), each with ``label`` and a one-line
        ``trade_off``: first the best plan of each objective (fastest, cheapest, fastest ignoring the
        preferred modalities, most local, most in-person), then, while fewer than ``k``, the next best plans
        for hours (k-best: each earlier plan refused by a no-good cut and the selection re-solved) that need at
        most ``(1 + tolerance)`` × the fastest plan's hours. When fewer than ``k`` exist, the last plan's
        ``warnings`` say why (no other valid set of modules, or the next one and its hours)."""
        out: list[LearningPath] = []
        seen: list[frozenset[str]] = []
        for objective, label in ALTERNATIVES:
            path = self.plan(learner, job_ref, file=file, objective=objective, explain=True, llm=False)
            key = frozenset(s.module_id for s in path.steps)
            if key in seen:
                continue
            seen.append(key)
            out.append(path.model_copy(update={"label": label, "trade_off": trade_off(path, out[0] if out else None)}))
            if len(out) >= k:
                return out
        if not out or not out[0].feasible or not out[0].steps:
            return out
        best = out[0].total_hours
        why = None
        for _ in range(2 * k):  # a superset of a plan (one redundant module more) is refused and skipped
            path = self.plan(learner, job_ref, file=file, explain=False, forbidden=tuple(seen), llm=False)
            key = frozenset(s.module_id for s in path.steps)
            if not path.steps or key in seen:
                why = "no other set of modules meets every requirement within your limits"
                break
            seen.append(key)
            if any(key > other for other in seen[:-1]):
                continue
            if not path.feasible:
                why = "the next different plan breaks a limit (" + ", ".join(
                    (path.infeasibility or {}).get("limits_broken", [])) + ")"
                break
            if path.total_hours > best * (1 + tolerance) + 1e-9:
                why = (f"the next different plan needs {path.total_hours:g} h, "
                       f"+{100 * (path.total_hours / best - 1):.0f} % over the fastest ({best:g} h), beyond the "
                       f"+{100 * tolerance:.0f} % shown")
                break
            extra = round(path.total_hours - best, 1)
            out.append(path.model_copy(update={"label": f"alternative {len(out) + 1} (+{extra:g} h)",
                                               "trade_off": trade_off(path, out[0])}))
            if len(out) >= k:
                return out
        if why:
            last = out[-1]
            out[-1] = last.model_copy(update={"warnings": [*last.warnings, f"only {len(out)} different plan"
                                                           f"{'s' if len(out) > 1 else ''}: {why}"]})
        return out


ALTERNATIVES = (("hours", "fastest"), ("cost", "cheapest"), ("hours_any", "fastest, any modality"),
                ("travel", "most local"), ("in_person", "most in-person"))


def trade_off(path: LearningPath, reference: LearningPath | None = None) -> str:
    """One line: hours, cost, farthest place, share of in-person hours, end date; against ``reference`` (the
    first plan shown), which modules this plan takes instead of which."""
    far = max((s.distance_km or 0 for s in path.steps), default=0)
    inp = sum(s.hours for s in path.steps if s.modality.value == "in_person")
    share = 100 * inp / path.total_hours if path.total_hours else 0
    end = max((s.end for s in path.steps), default=None)
    text = (f"{path.total_hours:g} h, {path.total_cost_eur:,.0f} EUR, farthest place {far:.0f} km, "
            f"{share:.0f}% of hours in person" + (f", ends {end}" if end else "")
            + ("" if path.feasible else ", breaks a limit"))
    if reference is not None:
        mine = {s.module_id: s.title for s in path.steps}
        theirs = {s.module_id: s.title for s in reference.steps}
        taken = [t for i, t in mine.items() if i not in theirs]
        left = [t for i, t in theirs.items() if i not in mine]
        if taken or left:
            text += "; takes " + (", ".join(taken) or "nothing more") + " instead of " + (", ".join(left) or "nothing")
    return text


def prior_learning(path: LearningPath, standard: LearningPath) -> dict:
    """Hours and EUR saved against the job's standard programme (the plan for a learner with no skills)."""
    return {"skipped_skills": [s["label"] for s in path.skipped_skills],
            "certifications_held": path.certifications_held,
            "standard_hours": standard.total_hours, "standard_cost_eur": standard.total_cost_eur,
            "hours_saved": round(standard.total_hours - path.total_hours, 1),
            "cost_saved_eur": round(standard.total_cost_eur - path.total_cost_eur, 2)}


def default_workspace(**overrides: object) -> Workspace:
    """Workspace from environment settings (``CURRICULUM_*``) with ``overrides``."""
    return Workspace.open(Settings.from_env(**overrides))


def kb_dir_default() -> Path:
    """Folder of the shipped knowledge base."""
    return Settings.from_env().kb_dir
