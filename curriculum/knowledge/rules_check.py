"""``kb validate`` rule checks: catalogue data looser than the certification rules (:mod:`curriculum.rules`).

Reported as errors with ``kind: "rule"``, the rule (certification code) and its source, plus file,
line and field like every other error:

* a module awarding a governed certification whose prerequisites do not require what the rule
  requires first (a certification or class — met by a code implying it, in
  ``prerequisites.certifications`` or awarded by a ``prerequisites.modules`` entry —, a skill at a
  level, a competence — any one of its skills at its level);
* a refresher (``certification.renewal``) tied to one provider's initial module;
* a job whose mandatory certifications miss a legally required companion (IRVE → ``HAB-BT-EXEC``);
* a certification code no rule knows and no module awards, in a prerequisite or a job.

The planner applies the rules whatever the data says, so these modules stay usable (imports and
indexing do not drop them); the report is for the people who keep the catalogue right.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from curriculum.knowledge.catalogue import Catalogue
from curriculum.knowledge.yaml_lines import line_of
from curriculum.models import Module
from curriculum.rules.apply import job_certifications
from curriculum.rules.reference import CertificationRule, RulesReference


def _front(path: Path) -> tuple[str, dict]:
    """Front matter text (as split by the loader, so line numbers match) and its data."""
    try:
        text = path.read_text(encoding="utf-8")
        front = text.split("---", 2)[1] if path.suffix == ".md" else text
        return front, yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}  # noqa: S506
    except (OSError, UnicodeDecodeError, IndexError, yaml.YAMLError):
        return "", {}


def _line(front: str, data: dict, field: str, fallback: list[str | int]) -> int | None:
    """Line of ``field`` when the file has it, else of its parent, else of ``fallback``."""
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in field.split(".")]
    node: object = data
    for k in range(len(parts)):
        if not isinstance(node, dict) or parts[k] not in node:
            return line_of(front, parts[:k] or fallback) if k else line_of(front, fallback)
        node = node[parts[k]]
    return line_of(front, parts)


class _Report:
    def __init__(self, reference: RulesReference) -> None:
        self.reference = reference
        self.errors: list[dict] = []
        self._cache: dict[Path, tuple[str, dict]] = {}

    def add(self, path: Path, field: str, fallback: list[str | int], message: str, rule: str, sources: list[str]) -> None:
        front, data = self._cache.setdefault(path, _front(path))
        src = self.reference.cite(sources)
        self.errors.append(dict(file=str(path), line=_line(front, data, field, fallback), field=field,
                                message=f"{message} [rule {rule}: {src}]", kind="rule", rule=rule, source=src))


def _check_module(m: Module, path: Path, awards: dict[str, str | None], report: _Report) -> None:
    ref = report.reference
    cert = m.certification
    known = set(filter(None, awards.values()))
    for k, code in enumerate(m.prerequisites.certifications):
        if not ref.is_known(code) and code not in known:
            report.add(path, f"prerequisites.certifications.{k}", ["prerequisites"],
                       f"unknown certification code {code!r}: no rule knows it and no module awards it", code, [])
    if cert is None:
        return
    rule = ref.rule(cert.code)
    if cert.renewal:
        for k, p in enumerate(m.prerequisites.modules):
            if awards.get(p) and cert.code in ref.closure(awards[p]):  # type: ignore[arg-type]
                report.add(path, f"prerequisites.modules.{k}", ["certification", "code"],
                           f"refresher of {cert.code} requires module {p!r} (one provider's initial course): holders "
                           f"trained elsewhere are locked out; the rules only require having held {cert.code}",
                           cert.code, rule.validity.sources if rule else [])
        return
    if rule is None or rule.requires is None:
        return
    _check_requires(m, rule, path, awards, report)


def _check_requires(m: Module, rule: CertificationRule, path: Path, awards: dict[str, str | None],
                    report: _Report) -> None:
    ref, req = report.reference, rule.requires
    assert req is not None
    at = ["certification", "code"]
    met = ref.closure_of(m.prerequisites.certifications) | ref.closure_of(
        [awards[p] for p in m.prerequisites.modules if awards.get(p)])  # type: ignore[misc]
    for code in req.certifications:
        if code not in met:
            members = f" (one of {', '.join(ref.members(code))})" if ref.is_class(code) or ref.members(code) else ""
            report.add(path, "prerequisites.certifications", at,
                       f"awards {rule.name}, which requires {code}{members} first; the module's prerequisites do not",
                       rule.name, rule.sources)
    levels: dict[str, int] = {}
    for p in m.prerequisites.skills:
        levels[p.skill] = max(levels.get(p.skill, 0), p.level)
    for s in req.skills:
        if levels.get(s.skill, 0) < s.level:
            report.add(path, "prerequisites.skills", at, f"awards {rule.name}, which requires skill {s.skill} at level "
                       f"{s.level} first; the module's prerequisites do not", rule.name, rule.sources)
    for name in req.competences:
        comp = ref.competences[name]
        if name not in m.prerequisites.competences and not any(levels.get(o.skill, 0) >= o.level for o in comp.any_of):
            options = ", ".join(f"{o.skill} ≥ {o.level}" for o in comp.any_of)
            report.add(path, "prerequisites.skills", at,
                       f"awards {rule.name}, which requires {name} ({comp.label}) first: one of {options}; the "
                       "module's prerequisites have none", rule.name, rule.sources)


def rule_violations(cat: Catalogue, root: Path, reference: RulesReference) -> list[dict]:
    """Every rule violation of the catalogue loaded from ``root`` (see the module docstring):
    ``[{file, line, field, message, kind: "rule", rule, source}]``."""
    report = _Report(reference)
    awards = {i: (m.certification.code if m.certification else None) for i, m in cat.modules.items()}
    for m in cat.modules.values():
        _check_module(m, root / "modules" / f"{m.id}.md", awards, report)
    known = set(filter(None, awards.values()))
    for job in cat.jobs.values():
        path = next((p for p in (root / "jobs" / f"{job.id}.yaml", root / "jobs" / f"{job.id}.yml") if p.exists()),
                    root / "jobs" / f"{job.id}.yaml")
        for k, code in enumerate(job.mandatory_certifications):
            if not reference.is_known(code) and code not in known:
                report.add(path, f"mandatory_certifications.{k}", ["mandatory_certifications"],
                           f"unknown certification code {code!r}: no rule knows it and no module awards it", code, [])
        for code, of in job_certifications(job.mandatory_certifications, reference):
            if of is None:
                continue
            rule = reference.rule(of)
            members = ", ".join(reference.members(code))
            report.add(path, "mandatory_certifications", ["mandatory_certifications"],
                       f"{of} is mandatory but {code} ({members}) is not: the law requires both", of,
                       rule.sources if rule else [])
    return report.errors
