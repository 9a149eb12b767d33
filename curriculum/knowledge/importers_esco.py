"""ESCO v1.1.1 CSV reader behind :func:`curriculum.knowledge.importers.import_esco`."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from curriculum.knowledge.importers_common import (
    ImportIssue, ImportResult, Progress, find_file, first_error, read_csv, slugify, split_labels,
)
from curriculum.models.jobs import Job, RequiredSkill
from curriculum.models.skills import TaxonomySkill

ESCO_SOURCE = "ESCO v1.1.1"
LEVEL_RULE = ("ESCO gives no proficiency levels. Rule: an ESCO 'essential' skill/competence is required at 3 "
              "(autonomous); an 'essential' knowledge item at 2 (assisted); an 'optional' relation at 2 (assisted).")
_STEPS = 6


def _level(relation_type: str, skill_type: str) -> int:
    return 3 if relation_type == "essential" and skill_type != "knowledge" else 2


def _read_labels(path: Path | None, issues: list[ImportIssue]) -> dict[str, tuple[str, list[str]]]:
    """conceptUri → (preferred label, alternative labels) from a (French) skills/occupations file."""
    out: dict[str, tuple[str, list[str]]] = {}
    if path is None:
        return out
    for number, row in read_csv(path, ["conceptUri", "preferredLabel"], issues):
        uri, label = row["conceptUri"], row["preferredLabel"]
        if not uri or not label:
            field = "conceptUri" if not uri else "preferredLabel"
            issues.append(ImportIssue(str(path), number, field, f"missing {field}; row skipped"))
            continue
        out.setdefault(uri, (label, split_labels(row.get("altLabels", ""), exclude=label)))
    return out


def run_import_esco(directory: Path, progress: Progress | None = None) -> ImportResult:
    """See :func:`curriculum.knowledge.importers.import_esco`."""
    result = ImportResult()
    issues = result.issues
    tick = (lambda step: progress(step, _STEPS)) if progress else (lambda step: None)

    skills_en = find_file(directory, ["skills_en.csv", "skills_en*.csv"])
    skills_fr = find_file(directory, ["skills_fr.csv", "skills_fr*.csv"], required=False)
    occ_en = find_file(directory, ["occupations_en.csv", "occupations_en*.csv"])
    occ_fr = find_file(directory, ["occupations_fr.csv", "occupations_fr*.csv"], required=False)
    relations = find_file(directory, ["occupationSkillRelations_en.csv", "occupationSkillRelations.csv",
                                      "occupationSkillRelations*.csv"])

    # English skills: preferred label, alt labels, type (rows kept in file order)
    english: dict[str, tuple[int, str, list[str], str]] = {}
    for number, row in read_csv(skills_en, ["conceptUri", "preferredLabel", "skillType"], issues):
        uri, label = row["conceptUri"], row["preferredLabel"]
        if not uri or not label:
            field = "conceptUri" if not uri else "preferredLabel"
            issues.append(ImportIssue(str(skills_en), number, field, f"missing {field}; skill skipped"))
        elif uri in english:
            issues.append(ImportIssue(str(skills_en), number, "conceptUri", f"duplicate skill {uri}; row skipped"))
        else:
            english[uri] = (number, label, split_labels(row.get("altLabels", ""), exclude=label),
                            row["skillType"] or "skill/competence")
    tick(1)
    french = _read_labels(skills_fr, issues)
    tick(2)

    by_id: dict[str, TaxonomySkill] = {}
    for uri, (number, label, alts, skill_type) in english.items():
        labels, alt_labels = {"en": label}, {"en": alts} if alts else {}
        if uri in french:
            labels["fr"] = french[uri][0]
            if french[uri][1]:
                alt_labels["fr"] = french[uri][1]
        try:
            skill = TaxonomySkill(id=uri, skill_type=skill_type, labels=labels, alt_labels=alt_labels,
                                  source=ESCO_SOURCE)
        except ValidationError as exc:
            field, message = first_error(exc)
            issues.append(ImportIssue(str(skills_en), number, field, f"invalid skill: {message}; skipped"))
            continue
        by_id[uri] = skill
        result.skills.append(skill)

    # occupations
    occupations: dict[str, tuple[int, str, str]] = {}  # uri → (row, label, description)
    for number, row in read_csv(occ_en, ["conceptUri", "preferredLabel"], issues):
        uri, label = row["conceptUri"], row["preferredLabel"]
        if not uri or not label:
            field = "conceptUri" if not uri else "preferredLabel"
            issues.append(ImportIssue(str(occ_en), number, field, f"missing {field}; occupation skipped"))
        elif uri not in occupations:
            occupations[uri] = (number, label, row.get("description") or row.get("definition") or "")
    tick(3)
    titles_fr = _read_labels(occ_fr, issues)
    tick(4)

    # occupation–skill relations (relations of occupations not in the occupations file are ignored)
    required: dict[str, dict[str, RequiredSkill]] = {uri: {} for uri in occupations}
    for number, row in read_csv(relations, ["occupationUri", "relationType", "skillUri"], issues):
        occ, skill, rel = row["occupationUri"], row["skillUri"], row["relationType"].lower()
        if not occ or not skill:
            field = "occupationUri" if not occ else "skillUri"
            issues.append(ImportIssue(str(relations), number, field, f"missing {field}; relation skipped"))
            continue
        if occ not in required:
            continue
        if skill not in by_id:
            issues.append(ImportIssue(str(relations), number, "skillUri",
                                      f"skill {skill} is not in {skills_en.name}; relation skipped"))
            continue
        if rel not in ("essential", "optional"):
            issues.append(ImportIssue(str(relations), number, "relationType",
                                      f"relation type '{rel}' is not essential/optional; relation skipped"))
            continue
        skill_type = row.get("skillType") or by_id[skill].skill_type
        current = required[occ].get(skill)
        if current is None or (rel == "essential" and not current.essential):
            required[occ][skill] = RequiredSkill(skill=skill, level=_level(rel, skill_type),
                                                 essential=rel == "essential")
    tick(5)

    seen_ids: dict[str, str] = {}
    for uri, (number, label, description) in occupations.items():
        job_id = slugify(label)
        if job_id in seen_ids:
            issues.append(ImportIssue(str(occ_en), number, "preferredLabel",
                                      f"job id '{job_id}' already used by {seen_ids[job_id]}; occupation skipped"))
            continue
        skills = sorted(required[uri].values(), key=lambda r: not r.essential)  # essential first, stable
        if not skills:
            issues.append(ImportIssue(str(occ_en), number, "conceptUri",
                                      f"no occupation–skill relation for {uri}; occupation skipped"))
            continue
        try:
            job = Job(id=job_id, title=label[:1].upper() + label[1:],
                      title_fr=titles_fr[uri][0] if uri in titles_fr else None, esco_uri=uri,
                      description=description, required_skills=skills,
                      sources=[f"{ESCO_SOURCE} occupation {uri} ({label}); skills from its occupation–skill relations"],
                      level_rule=LEVEL_RULE)
        except ValidationError as exc:
            field, message = first_error(exc)
            issues.append(ImportIssue(str(occ_en), number, field, f"invalid job: {message}; occupation skipped"))
            continue
        seen_ids[job_id] = uri
        result.jobs.append(job)
    tick(6)
    return result
