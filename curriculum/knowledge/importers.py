"""Import reference data (ESCO v1.1.1, ROME 4.0) into the knowledge base.

Public API::

    result = import_esco(Path("esco-csv/"))     # official ESCO CSV download (or a subset)
    result = import_rome(Path("rome4-csv/"))    # official ROME 4.0 "unix_*" CSV export (or a subset)
    counts = write_import(result, Path("knowledge_base"))

Importers never raise on a bad row: the row is skipped and reported in ``ImportResult.issues``
(file, 1-based data row, field, message). They raise :class:`~curriculum.errors.InputError` only when
the directory itself is unusable (missing or ambiguous file, missing column).

``progress(done, total)`` is called after each import step (reading a file, building jobs).
The readers live in :mod:`curriculum.knowledge.importers_esco` and
:mod:`curriculum.knowledge.importers_rome`, their shared pieces in
:mod:`curriculum.knowledge.importers_common` (no module imports one above it).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from curriculum.knowledge.importers_common import (ImportIssue, ImportResult, Progress, find_file, first_error,
                                                   read_csv, slugify, split_labels)
from curriculum.knowledge.importers_esco import run_import_esco
from curriculum.knowledge.importers_rome import run_import_rome
from curriculum.models.jobs import Job


# ------------------------------------------------------------------------------------------ import


def import_esco(directory: Path, progress: Progress | None = None) -> ImportResult:
    """Read the official ESCO CSV download (skills, occupations, occupation–skill relations).

    Files (by glob, official names first): ``skills_en*.csv``, optional ``skills_fr*.csv``,
    ``occupations_en*.csv``, optional ``occupations_fr*.csv``, ``occupationSkillRelations*.csv``.
    Gives one :class:`TaxonomySkill` per skill (``id`` = concept URI, English/French labels and
    alternative labels, ``source`` ESCO v1.1.1) and one :class:`Job` per occupation with at least one
    relation. Level rule: essential skill/competence → 3, essential knowledge → 2, optional → 2.
    """
    return run_import_esco(Path(directory), progress)


def import_rome(directory: Path, progress: Progress | None = None) -> ImportResult:
    """Read the ROME 4.0 CSV export (``unix_*`` files) into jobs and ``rome:`` taxonomy skills.

    One :class:`Job` per fiche present in ``unix_liens_rome_referentiels*`` (id ``rome-<code>``),
    required skills = its compétences (``code_compo_bloc`` 5): savoir-faire ``rome:competence:<ogr>``
    (level 3 when "Principale" in ``unix_coherence_item*``, else 2) and savoirs ``rome:savoir:<ogr>``
    (level 2); mandatory certifications (B2TL, IRVE…) parsed from the "acces_metier" texts.
    """
    return run_import_rome(Path(directory), progress)


# ------------------------------------------------------------------------------------------- write


def _job_yaml(job: Job) -> str:
    header = f"# {job.title} — imported from reference data (see sources). Skill labels in taxonomy.yaml.\n"
    body = yaml.safe_dump(job.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=130)
    return header + body


def write_import(result: ImportResult, kb_dir: Path) -> dict[str, int]:
    """Write ``result`` into the knowledge base ``kb_dir``.

    Each job goes to ``kb_dir/jobs/<id>.yaml`` unless that file exists (hand-curated or earlier
    import): it is then left untouched and counted as skipped. Skills are merged into
    ``kb_dir/taxonomy.yaml``: existing entries are kept as they are, new ids appended; the file is
    replaced atomically. Returns ``{"jobs_written", "jobs_skipped", "skills_added"}``.
    """
    from curriculum.knowledge.taxonomy import merge_taxonomy

    kb_dir = Path(kb_dir)
    jobs_dir = kb_dir / "jobs"
    jobs_dir.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    for job in result.jobs:
        target = jobs_dir / f"{job.id}.yaml"
        try:
            handle = target.open("x", encoding="utf-8")  # "x": never overwrite, even if created meanwhile
        except FileExistsError:
            skipped += 1
            continue
        try:
            with handle:
                handle.write(_job_yaml(job))
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        written += 1
    added = merge_taxonomy(kb_dir / "taxonomy.yaml", result.skills)
    return {"jobs_written": written, "jobs_skipped": skipped, "skills_added": added}


__all__ = ["ImportIssue", "ImportResult", "Progress", "find_file", "first_error", "import_esco", "import_rome", "read_csv",
           "slugify", "split_labels", "write_import"]
