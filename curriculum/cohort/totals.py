"""Programme totals: hours (h) and cost (EUR) per person, per company and overall, and savings.

Savings rule: a group session is billed ``max(cost_eur × size × 0.6, cost_eur × group_min)`` (a 40%
saving on a dedicated group, with a minimum billed size), split equally per head;
``savings_eur`` = Σ individual plan costs − Σ programme costs. ``teaching_hours`` counts each group
session once (hours delivered by trainers) against one delivery per person in individual plans;
``hours_saved`` is the difference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curriculum.cohort.models import GroupSession, MemberPlan

DISCOUNT = 0.6


def group_cost(cost_eur: float, size: int, group_min: int) -> float:
    """Billed price (EUR) of a dedicated group of ``size`` for a module priced ``cost_eur`` per person."""
    return round(max(cost_eur * size * DISCOUNT, cost_eur * group_min), 2)


def compute_totals(members: list["MemberPlan"], sessions: list["GroupSession"],
                   budget_total_eur: float | None = None, share: bool = False) -> dict[str, Any]:
    """Totals over ``members`` (their final plans) and ``sessions`` (delivered once each).

    ``share`` marks a partial view (one company): teaching hours count only its share of groups.
    """
    per_person = []
    by_company: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m in members:
        p = m.plan
        row = {"learner_id": m.learner_id, "company": m.company, "hours": p.total_hours,
               "cost_eur": p.total_cost_eur, "individual_hours": m.individual_hours,
               "individual_cost_eur": m.individual_cost_eur,
               "savings_eur": round(m.individual_cost_eur - p.total_cost_eur, 2), "feasible": p.feasible,
               "group_sessions": len(m.group_sessions)}
        per_person.append(row)
        c = by_company[m.company or "-"]
        c["members"] += 1
        for k in ("hours", "cost_eur", "individual_cost_eur", "savings_eur"):
            c[k] += row[k]
    ids = {m.learner_id for m in members}
    grouped = {(i, s.module_id) for s in sessions for i in s.members}
    indiv_teaching = sum(s.hours for m in members for s in m.plan.steps)
    teaching = sum(s.hours for m in members for s in m.plan.steps if (m.learner_id, s.module_id) not in grouped)
    for s in sessions:
        own = sum(1 for i in s.members if i in ids)
        teaching += s.hours * (own / max(len(s.members), 1) if share else 1)
    cost = round(sum(r["cost_eur"] for r in per_person), 2)
    individual = round(sum(r["individual_cost_eur"] for r in per_person), 2)
    out: dict[str, Any] = {
        "members": len(members), "hours_total": round(sum(r["hours"] for r in per_person), 1),
        "cost_total_eur": cost, "individual_cost_eur": individual, "savings_eur": round(individual - cost, 2),
        "cost_per_head_eur": round(cost / len(members), 2) if members else 0.0,
        "hours_per_head": round(sum(r["hours"] for r in per_person) / len(members), 1) if members else 0.0,
        "teaching_hours": round(teaching, 1), "individual_teaching_hours": round(indiv_teaching, 1),
        "hours_saved": round(indiv_teaching - teaching, 1), "group_sessions": len(sessions),
        "budget_total_eur": budget_total_eur,
        "within_budget": None if budget_total_eur is None else cost <= budget_total_eur + 1e-6,
        "per_person": per_person,
        "per_company": {k: {kk: round(vv, 2) for kk, vv in v.items()} for k, v in sorted(by_company.items())},
    }
    return out
