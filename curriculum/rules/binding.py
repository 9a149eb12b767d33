"""One plan's view of the rules: effective modules, the learner's pseudo-skills, the job's
certification needs, and — once the steps are chosen — which rule brought which step, and the
certifications held at the end with their renewal dates.

Used by :func:`curriculum.planner.pathway.plan_pathway` and :func:`curriculum.planner.check.path_violations`;
independent of the planner (plain data in, plain data out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from curriculum.models import Module
from curriculum.rules.apply import (Addition, EffectiveCatalogue, cert_skill, effective_modules, is_pseudo,
                                    job_certifications, pseudo_levels)
from curriculum.rules.lifecycle import HeldCode, HeldState, HeldStatus, assess_held
from curriculum.rules.reference import RulesReference, load_reference

TEXT = {
    "fr": dict(requires="Exigé avant « {title} » : la règle {rule} ({source}) impose {what} au préalable.",
               companion="Exigé avec {code} pour ce métier : {what} ({source}).",
               renews="Renouvelle {code} : {reason}.",
               replaces="Remplace {code} : {reason} ; {why}.",
               expired="{code} obtenue le {obtained} a expiré le {until}, avant le début du parcours ({renewal})",
               expiring="{code} obtenue le {obtained} expire le {until}, avant votre date limite ({renewal})",
               no_refresher="aucun recyclage de {code} accessible (quel que soit l'organisme), d'où la formation initiale",
               refresher_worse="un recyclage de {code} est accessible mais la formation initiale convient mieux au "
                               "parcours (prérequis ou coût du recyclage)"),
    "en": dict(requires="Required before \"{title}\": rule {rule} ({source}) requires {what} first.",
               companion="Required with {code} for this job: {what} ({source}).",
               renews="Renews {code}: {reason}.",
               replaces="Replaces {code}: {reason}; {why}.",
               expired="{code} obtained {obtained} expired on {until}, before the plan starts ({renewal})",
               expiring="{code} obtained {obtained} expires on {until}, before your deadline ({renewal})",
               no_refresher="no refresher of {code} is within reach (at any provider), hence the initial course",
               refresher_worse="a refresher of {code} is within reach but the initial course fits the path better "
                               "(the refresher's prerequisites or cost)"),
}


@dataclass
class Binding:
    """The rules bound to one catalogue and one learner's certifications for one plan period."""

    reference: RulesReference
    catalogue: EffectiveCatalogue
    status: HeldStatus

    @property
    def modules(self) -> dict[str, Module]:
        """Effective modules (module id → module with the rules applied)."""
        return self.catalogue.modules

    def held_levels(self, real: dict[str, int]) -> dict[str, int]:
        """``real`` skill levels plus the learner's pseudo-skills (valid / once-held certifications, competences)."""
        return {**real, **pseudo_levels(real, self.status, self.reference)}

    def job_certifications(self, mandatory: list[str]) -> list[tuple[str, str | None]]:
        """(code, accompanied code or None): the job's mandatory codes and their legal companions."""
        return job_certifications(mandatory, self.reference)

    def what(self, code: str, label: Callable[[str], str], language: str = "en") -> str:
        """Human text of a requirement: a class with its members, a competence's label, a skill's label."""
        if self.reference.is_class(code):
            return f"{code} ({', '.join(self.reference.classes[code].members)})"
        if code in self.reference.competences:
            comp = self.reference.competences[code]
            return comp.label_fr if language == "fr" and comp.label_fr else comp.label
        return code if self.reference.rule(code) else label(code)

    def explain(self, order: list[str], real_held: dict[str, int], mandatory: list[str], job_id: str,
                language: str, label: Callable[[str], str], usable: set[str] | None = None
                ) -> tuple[dict[str, list[str]], list[dict]]:
        """Why the rules put each step there: (module id → notes for its rationale, ``rules_applied``).

        A step is attributed to a rule when it is the first step providing a requirement a rule put on
        a later step (or a legal companion of the job's certifications), or when it renews (or
        replaces) a certification of the learner that is not valid for the plan.
        """
        t = TEXT.get(language, TEXT["en"])
        levels = self.held_levels(real_held)
        notes: dict[str, list[str]] = {}
        applied: list[dict] = []
        taken: set[tuple[str, Addition]] = set()
        companions = [(c, of) for c, of in self.job_certifications(mandatory) if of is not None]
        for k, mid in enumerate(order):
            m = self.modules[mid]
            new = {o.skill for o in m.outcomes if levels.get(o.skill, 0) < o.level}
            for later in order[k + 1:]:
                for add in self.catalogue.additions.get(later, []):
                    if add.pseudo in new and (later, add) not in taken and levels.get(add.pseudo, 0) < add.level:
                        taken.add((later, add))
                        src = self.reference.cite(list(add.sources))
                        notes.setdefault(mid, []).append(t["requires"].format(
                            title=self.modules[later].title, rule=add.rule, source=src, what=self.what(add.requirement, label, language)))
                        applied.append(dict(rule=add.rule, kind=add.kind, requirement=add.requirement, source=src,
                                            for_module=later, module_added=mid, in_catalogue_data=add.in_data))
            for code, of in companions:
                if cert_skill(code) in new and levels.get(cert_skill(code), 0) < 1:
                    rule = self.reference.rule(of)
                    src = self.reference.cite(rule.sources if rule else [])
                    notes.setdefault(mid, []).append(t["companion"].format(code=of, what=self.what(code, label, language), source=src))
                    applied.append(dict(rule=of, kind="companion", requirement=code, source=src, for_job=job_id,
                                        module_added=mid, in_catalogue_data=code in mandatory))
            for state in self._renewed_by(m):
                src = self.reference.cite(self._validity_sources(state.code))
                reason = t[state.status].format(code=state.code, obtained=state.obtained, until=state.valid_until,
                                                renewal=self.reference.renewal_text(state.code, language))
                if m.certification and m.certification.renewal:
                    notes.setdefault(mid, []).append(t["renews"].format(code=state.code, reason=reason))
                    kind = "renewal"
                else:
                    refreshable = {self.modules[i].certification.code for i in (usable or set()) if i in self.modules
                                   and self.modules[i].certification and self.modules[i].certification.renewal}
                    why = (t["refresher_worse"] if state.code in refreshable else t["no_refresher"]).format(code=state.code)
                    notes.setdefault(mid, []).append(t["replaces"].format(code=state.code, reason=reason, why=why))
                    kind = "initial_after_lapse"
                applied.append(dict(rule=state.code, kind=kind, requirement=state.code, source=src, module_added=mid,
                                    reason=state.reason))
            for o in m.outcomes:
                levels[o.skill] = max(levels.get(o.skill, 0), o.level)
        return notes, applied

    def _renewed_by(self, m: Module) -> list[HeldState]:
        if m.certification is None:
            return []
        gives = set().union(*(self.reference.closure(c) for c in m.awards))
        return [s for s in self.status.lapsed if s.code in gives]

    def _validity_sources(self, code: str) -> list[str]:
        rule = self.reference.rule(code)
        return list(rule.validity.sources) if rule else []

    def at_end(self, obtained: list[tuple[str, str, dt.date]], deadline: dt.date,
               language: str = "en") -> tuple[list[dict], list[str]]:
        """Certifications held once the plan is done, and warnings.

        ``obtained``: (code, module id, end date) of each step awarding a certification, in order.
        Returns ``[{code, label, obtained, valid_until, renewal, via, source}]`` sorted by code (a
        certification renewed by a step shows the step's date) and one warning per certification
        obtained in the plan that must be renewed before ``deadline``. ``renewal`` is in ``language``.
        """
        out: dict[str, dict] = {}
        for s in self.status.states:
            if s.valid:
                out[s.code] = self._entry(s.code, s.obtained, s.valid_until, "held", language)
        warnings = []
        for code, mid, end in obtained:
            rule = self.reference.rule(code)
            until = rule.validity.until(end) if rule else None
            out[code] = self._entry(code, end, until, mid, language)
            if until is not None and until < deadline:
                warnings.append(f"{code} obtained on {end} is valid until {until}, before the deadline {deadline}: "
                                f"plan its renewal ({self.reference.renewal_text(code)})")
        return [out[c] for c in sorted(out)], warnings

    def _entry(self, code: str, obtained: dt.date | None, until: dt.date | None, via: str, language: str) -> dict:
        rule = self.reference.rule(code)
        return dict(code=code, label=rule.label if rule else None, obtained=obtained, valid_until=until,
                    renewal=self.reference.renewal_text(code, language), via=via,
                    source=self.reference.cite(rule.validity.sources) if rule else None)


def bind(modules: dict[str, Module], held: list[HeldCode], start: dt.date, deadline: dt.date,
         reference: RulesReference | None = None) -> Binding:
    """Bind ``reference`` (default: the shipped rules) to ``modules`` and a learner's ``held`` certifications
    for a plan from ``start`` to ``deadline``."""
    reference = reference or load_reference()
    return Binding(reference, effective_modules(modules, reference), assess_held(held, reference, start, deadline))


def redate_at_end(entries: list, ends: dict[str, dt.date], reference: RulesReference | None = None) -> list:
    """``certifications_at_end`` entries (:class:`~curriculum.models.CertificationAtEnd`) re-dated after
    the steps moved (e.g. into a cohort's group session): ``ends`` maps module id → new end date."""
    reference = reference or load_reference()
    out = []
    for c in entries:
        if c.via in ends and ends[c.via] != c.obtained:
            rule = reference.rule(c.code)
            c = c.model_copy(update={"obtained": ends[c.via],
                                     "valid_until": rule.validity.until(ends[c.via]) if rule else None})
        out.append(c)
    return out


def public_outcomes(m: Module) -> dict[str, int]:
    """A module's outcomes without pseudo-skills (skill id → level), for user-facing output."""
    return {o.skill: o.level for o in m.outcomes if not is_pseudo(o.skill)}
