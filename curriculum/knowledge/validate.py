"""``curriculum kb validate``: every problem of a knowledge base, not just the first."""

from __future__ import annotations

import datetime as dt
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.rules_check import rule_violations
from curriculum.rules.reference import RulesReference, load_reference


def validate_kb(kb_dir: Path, today: dt.date | None = None, rules: RulesReference | None = None) -> dict:
    """Return ``{"checked": N, "errors": [{"file", "line", "field", "message"}]}``.

    Checks schema (file, line, field), duplicate ids, dangling module prerequisites, module
    prerequisite cycles, unknown skill ids, outcomes not above their own prerequisite, in-person
    modules without a place, sessions with no seats or in the past, jobs whose essential skills no
    module teaches; and the certification rules (``rules``, default the shipped reference): those
    errors also carry ``"kind": "rule"``, ``"rule"`` and ``"source"``
    (:func:`~curriculum.knowledge.rules_check.rule_violations`).
    """
    today = today or dt.date.today()
    if not (Path(kb_dir) / "modules").is_dir() and not (Path(kb_dir) / "jobs").is_dir():
        return {"checked": 0, "errors": [dict(file=str(kb_dir), line=None, field=None,
                                              message="not a knowledge base folder (expected modules/ and jobs/ inside)")]}
    cat = load_catalogue(Path(kb_dir))
    errors = [dict(file=i.file, line=i.line, field=i.field, message=i.message) for i in cat.issues]
    root = Path(kb_dir)

    def err(kind: str, ident: str, field: str | None, message: str) -> None:
        errors.append(dict(file=str(root / kind / ident), line=None, field=field, message=message))

    graph = {}
    for m in cat.modules.values():
        f = f"{m.id}.md"
        for p in m.prerequisites.modules:
            if p not in cat.modules:
                err("modules", f, "prerequisites.modules", f"unknown prerequisite module {p!r}")
        graph[m.id] = [p for p in m.prerequisites.modules if p in cat.modules]
        for o in [*m.outcomes, *m.prerequisites.skills]:
            if cat.taxonomy and o.skill not in cat.taxonomy:
                err("modules", f, "outcomes", f"unknown skill {o.skill}")
        for p in m.prerequisites.skills:
            if 0 < m.teaches(p.skill) <= p.level:
                err("modules", f, "outcomes", f"outcome level for {p.skill} is not above its prerequisite level {p.level}")
        if m.modality.needs_travel and not m.places:
            err("modules", f, "places", f"{m.modality.value} module without a place")
        for k, s in enumerate(m.sessions):
            if s.seats == 0:
                err("modules", f, f"sessions.{k}.seats", "session has no seats left")
            if s.end < today:
                err("modules", f, f"sessions.{k}.end", f"session ended {s.end} (in the past)")
            if s.place and s.place not in {p.city for p in m.places}:
                err("modules", f, f"sessions.{k}.place", f"session place {s.place!r} is not one of the module's places")
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        err("modules", f"{exc.args[1][0]}.md", "prerequisites.modules", "prerequisite cycle: " + " -> ".join(exc.args[1]))
    for j in cat.jobs.values():
        for r in j.required_skills:
            if r.essential and not any(m.teaches(r.skill) >= r.level for m in cat.modules.values()):
                err("jobs", f"{j.id}.yaml", "required_skills",
                    f"no module teaches essential skill {cat.skill_label(r.skill)} ({r.skill}) at level {r.level}")
    errors += rule_violations(cat, root, rules or load_reference())
    n = len(list((root / "modules").glob("*.md"))) + len(list((root / "jobs").glob("*.y*ml")))
    return {"checked": n, "errors": errors}
