"""Invariants every learning path must satisfy; used as the planner's last guard and by tests."""

from __future__ import annotations

from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, LearningPath
from curriculum.planner.certifications import held_certifications
from curriculum.rules.apply import cert_skill
from curriculum.rules.binding import bind
from curriculum.rules.reference import RulesReference


def path_violations(path: LearningPath, catalogue: Catalogue, job: Job, learner: LearnerProfile,
                    rules: RulesReference | None = None) -> list[str]:
    """Human-readable violations (empty list = valid).

    Checks: modules exist; prerequisites met in order (skills from the start levels and earlier
    steps, explicit module prerequisites, and the certification rules of :mod:`curriculum.rules`:
    every certification a module requires — by its data or by the rule of the certification it
    awards — held valid by the learner or awarded by an earlier step); every essential skill and
    every required certification (legal companions included) covered or listed uncovered;
    when ``feasible``: hours ≤ hours available, cost ≤ budget, end ≤ deadline, in-person steps
    within the travel radius.
    """
    out: list[str] = []
    binding = bind(catalogue.modules, held_certifications(learner.certifications), learner.start, learner.deadline,
                   rules)
    levels = binding.held_levels(dict(path.start_skills))
    done: set[str] = set()
    home = (path.learner_location["lat"], path.learner_location["lon"])
    for k, step in enumerate(path.steps):
        module = binding.modules.get(step.module_id)
        if module is None:
            out.append(f"step {k}: unknown module {step.module_id}")
            continue
        for p in module.prerequisites.skills:
            if levels.get(p.skill, 0) < p.level:
                out.append(f"step {k} {module.id}: prerequisite {p.skill} level {p.level} not met")
        for p in module.prerequisites.modules:
            if p not in done:
                out.append(f"step {k} {module.id}: prerequisite module {p} not taken before")
        for o in module.outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
        done.add(module.id)
        if path.feasible and module.modality.needs_travel:
            near = min(distance_km(home, (pl.lat, pl.lon)) for pl in module.places)
            if near > learner.mobility_km + 1e-6:
                out.append(f"step {k} {module.id}: nearest place {near:.0f} km > radius {learner.mobility_km} km")
    uncovered = {u.skill for u in path.uncovered_skills}
    for req in job.required_skills:
        if req.essential and levels.get(req.skill, 0) < req.level and req.skill not in uncovered:
            out.append(f"essential skill {req.skill} (level {req.level}) neither covered nor listed uncovered")
    for code, _ in binding.job_certifications(job.mandatory_certifications):
        if levels.get(cert_skill(code), 0) < 1 and f"certification:{code}" not in uncovered:
            out.append(f"required certification {code} neither held valid, obtained nor listed uncovered")
    if path.feasible:
        if path.total_hours > learner.hours_available + 1e-6:
            out.append(f"feasible but {path.total_hours} h > {learner.hours_available} h available")
        if learner.budget_cap is not None and path.total_cost_eur > learner.budget_cap + 1e-6:
            out.append(f"feasible but {path.total_cost_eur} EUR > budget {learner.budget_cap}")
        for k, step in enumerate(path.steps):
            if step.end > learner.deadline:
                out.append(f"feasible but step {k} ends {step.end} after deadline {learner.deadline}")
            if k and step.start < path.steps[k - 1].end and step.start <= path.steps[k - 1].start:
                out.append(f"step {k} starts {step.start} before step {k - 1} ({path.steps[k - 1].start})")
    return out
