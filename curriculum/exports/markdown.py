"""Learning path as a Markdown document a learner can hand to a funder."""

from __future__ import annotations

from curriculum.models import LearningPath

H = {
    "fr": dict(title="Parcours de formation", job="Métier visé", total="Total", hours="heures", cost="coût",
               steps="Étapes", none="Aucun module nécessaire.", uncovered="Compétences non couvertes",
               feasible="Réalisable dans vos contraintes", infeasible="Hors contraintes", warnings="Avertissements",
               cols="| # | Module | Modalité | Lieu | Dates | Heures | Coût (EUR) | Certification |",
               skipped="Compétences déjà maîtrisées (non retravaillées)",
               at_end="Certifications détenues à l'issue du parcours",
               at_end_cols="| Certification | Depuis | À renouveler avant | Renouvellement | Obtenue par |",
               held="détenue", no_expiry="sans expiration", rules="Règles de certification appliquées",
               relax="Ce qui rendrait le parcours réalisable"),
    "en": dict(title="Training pathway", job="Target job", total="Total", hours="hours", cost="cost",
               steps="Steps", none="No module needed.", uncovered="Uncovered skills",
               feasible="Fits your constraints", infeasible="Breaks your constraints", warnings="Warnings",
               cols="| # | Module | Modality | Place | Dates | Hours | Cost (EUR) | Certification |",
               skipped="Skills already mastered (skipped)",
               at_end="Certifications held at the end of the pathway",
               at_end_cols="| Certification | Since | Renew by | Renewal | Obtained through |",
               held="held", no_expiry="no expiry", rules="Certification rules applied",
               relax="What would make it feasible"),
}


def path_to_markdown(path: LearningPath) -> str:
    """Render ``path`` as Markdown (headings, a table of steps, rationales, uncovered skills)."""
    h = H.get(path.language, H["en"])
    job = path.target_job
    lines = [f"# {h['title']} — {path.learner_id}", "",
             f"**{h['job']}**: {job.title}" + (f" (ROME {job.rome_code})" if job.rome_code else ""), "",
             path.summary, "",
             f"**{h['total']}**: {path.total_hours:g} {h['hours']}, {path.total_cost_eur:,.2f} EUR"
             + _full(path.total_full_price_eur, path.language) + " — "
             + (h["feasible"] if path.feasible else h["infeasible"]), ""]
    if path.infeasibility:
        lines += ["```", *(f"{k}: {v}" for k, v in path.infeasibility.items()), "```", ""]
    if path.relaxations:
        lines += [f"**{h['relax']}**", ""] + [f"- {r['change']} → {r['resulting_plan_summary']['total_hours']:g} h, "
                                              f"{r['resulting_plan_summary']['total_cost_eur']:,.0f} EUR, "
                                              f"{r['resulting_plan_summary']['end']}" for r in path.relaxations] + [""]
    lines += [f"## {h['steps']}", ""]
    if not path.steps:
        lines += [h["none"], ""]
    else:
        lines += [h["cols"], "|---|---|---|---|---|---|---|---|"]
        for k, s in enumerate(path.steps, 1):
            lines.append(f"| {k} | {s.title} (`{s.module_id}`) | {s.modality.value} | {s.place or '—'} | "
                         f"{s.start} → {s.end} | {s.hours:g} | {s.cost_eur:,.2f}{_full(s.full_price_eur, path.language)} | {s.certification or '—'} |")
        lines.append("")
        for k, s in enumerate(path.steps, 1):
            lines += [f"{k}. **{s.title}** — {s.rationale}" + (f" *({s.provider})*" if s.provider else "")]
        lines.append("")
    if path.certifications_at_end:
        lines += [f"## {h['at_end']}", "", h["at_end_cols"], "|---|---|---|---|---|"]
        lines += [f"| {c.code} | {c.obtained or '—'} | {c.valid_until or h['no_expiry']} | {c.renewal} | "
                  f"{h['held'] if c.via == 'held' else f'`{c.via}`'} |" for c in path.certifications_at_end] + [""]
    if path.rules_applied:
        lines += [f"## {h['rules']}", ""] + [_rule_line(r) for r in path.rules_applied] + [""]
    if path.skipped_skills:
        lines += [f"## {h['skipped']}", ""] + [f"- {s['label']} ({s['held_level']}/{s['required_level']})"
                                                for s in path.skipped_skills] + [""]
    if path.uncovered_skills:
        lines += [f"## {h['uncovered']}", ""] + [f"- {u.label or u.skill}: {u.reason}" for u in path.uncovered_skills] + [""]
    if path.warnings:
        lines += [f"## {h['warnings']}", ""] + [f"- {w}" for w in path.warnings] + [""]
    lines.append("_Demonstration catalogue: providers, dates and prices are illustrative._")
    return "\n".join(lines) + "\n"


def _rule_line(r: dict) -> str:
    """One ``rules_applied`` entry as a list item: rule, requirement, module added, for what, source."""
    target = r.get("for_module") or r.get("for_job") or r.get("reason") or ""
    return (f"- {r['rule']} ({r['kind']}): {r['requirement']} → `{r['module_added']}`"
            + (f" — {target}" if target else "") + f" *({r['source']})*")


def _full(price: float | None, language: str = "en") -> str:
    """" (full price N EUR)" after what the learner pays, when a funded remainder applies."""
    words = "prix plein" if language == "fr" else "full price"
    return f" ({words} {price:,.2f} EUR)" if price else ""
