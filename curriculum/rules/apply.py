"""Bind the certification rules to a catalogue: the *effective* modules the planner selects from.

The CP-SAT selection (:mod:`curriculum.planner.select`) knows skills at levels only. Certifications
are therefore given to it as **pseudo-skills** (level 1), which it treats like any skill — coverage,
prerequisite order, ``relevant_modules``, dominance pruning and canonical order are unchanged:

* ``cert:<C>`` — holds a *valid* C (C a code or a class such as ``HAB-BT-EXEC``). Taught by every
  module awarding a code whose closure contains C (``B2V`` teaches ``cert:B2V``, ``cert:B1V``,
  ``cert:B2``, ``cert:B1``, ``cert:HAB-BT-EXEC``); held when the learner's C is valid for the plan;
* ``held:<C>`` — has held C at some time, possibly expired: what a refresher of C requires;
* ``comp:<NAME>`` — meets a named competence (any one of its skills at its level).

Effective module = catalogue module + the rule of its certification (certifications, skills,
competences required first) + its own ``prerequisites.certifications`` + pseudo outcomes. A
refresher (``certification.renewal``) of C requires ``held:C`` and nothing of the initial rule;
a prerequisite module that awards C (one provider's initial course) is dropped, so holders trained
anywhere can renew. Pseudo-skills never reach user-facing output: filter with :func:`is_pseudo`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from curriculum.models import Module
from curriculum.models.modules import ModulePrerequisites
from curriculum.models.skills import SkillLevel
from curriculum.rules.lifecycle import HeldStatus
from curriculum.rules.reference import RulesReference

CERT, HELD, COMP = "cert:", "held:", "comp:"
PSEUDO_PREFIXES = (CERT, HELD, COMP)


def is_pseudo(skill: str) -> bool:
    """True for a pseudo-skill id (``cert:``, ``held:``, ``comp:``), never shown to users."""
    return skill.startswith(PSEUDO_PREFIXES)


def cert_skill(code: str) -> str:
    """Pseudo-skill "holds a valid ``code``"."""
    return CERT + code


def held_skill(code: str) -> str:
    """Pseudo-skill "has held ``code`` (possibly expired)"."""
    return HELD + code


def comp_skill(name: str) -> str:
    """Pseudo-skill "meets competence ``name``"."""
    return COMP + name


@dataclass(frozen=True)
class Addition:
    """A prerequisite the rules put on a module.

    ``kind``: ``certification`` (a code or class held and valid), ``skill``, ``competence``,
    ``held`` (refresher: has held the code), ``provider_lock`` (a prerequisite module awarding the
    refreshed code was dropped). ``pseudo`` is the skill id the planner sees (None for a dropped
    module); ``in_data`` says whether the module's own data already required as much.
    """

    module_id: str
    rule: str
    kind: str
    requirement: str
    pseudo: str | None
    level: int
    sources: tuple[str, ...]
    in_data: bool


@dataclass
class EffectiveCatalogue:
    """Effective modules (module id → :class:`Module`) and the rule additions of each module."""

    modules: dict[str, Module]
    additions: dict[str, list[Addition]] = field(default_factory=dict)


def _meets(levels: dict[str, int], options: list[SkillLevel]) -> bool:
    return any(levels.get(o.skill, 0) >= o.level for o in options)


def effective_module(m: Module, reference: RulesReference, awards: dict[str, str | None]) -> tuple[Module, list[Addition]]:
    """``m`` with the rules applied (see the module docstring); ``awards`` maps module id → the code it
    awards (to recognise provider-locked refreshers). Returns ``m`` itself when nothing changes."""
    if m.certification is None and not m.prerequisites.certifications and not m.prerequisites.competences and \
            not any(o.skill in reference.competence_skills for o in m.outcomes):
        return m, []  # most modules: nothing to bind
    outcomes = list(m.outcomes)
    taught = {o.skill: o.level for o in m.outcomes}
    for name, comp in reference.competences.items():
        if _meets(taught, comp.any_of):
            outcomes.append(SkillLevel(skill=comp_skill(name), level=1))
    pre = {p.skill: p.level for p in m.prerequisites.skills}
    own_pre = dict(pre)
    modules = list(m.prerequisites.modules)
    adds: list[Addition] = []
    cert = m.certification

    def need(skill: str, level: int = 1) -> None:
        pre[skill] = max(pre.get(skill, 0), level)

    code = cert.code if cert else None
    gives: set[str] = set()
    for c in m.awards:  # the code, then what the same module also awards (a "B2VL / BCL" course)
        gives |= reference.closure(c)
    outcomes += [SkillLevel(skill=cert_skill(c), level=1) for c in sorted(gives)]
    rule = reference.rule(code) if code else None
    data_certs = set(m.prerequisites.certifications)
    data_met = reference.closure_of(data_certs) | reference.closure_of(
        {awards[p] for p in m.prerequisites.modules if awards.get(p)})  # type: ignore[misc]
    if cert is not None and cert.renewal:
        sources = tuple(rule.validity.sources) if rule else ()
        own = reference.closure(cert.code)
        for x in sorted(data_certs):
            need(held_skill(x) if x in own else cert_skill(x))
        need(held_skill(cert.code))
        adds.append(Addition(m.id, rule.name if rule else cert.code, "held", cert.code, held_skill(cert.code), 1,
                             sources, cert.code in data_certs))
        for p in m.prerequisites.modules:
            if awards.get(p) and cert.code in reference.closure(awards[p]):  # type: ignore[arg-type]
                modules.remove(p)
                adds.append(Addition(m.id, rule.name if rule else cert.code, "provider_lock", p, None, 0, sources, True))
    else:
        for x in sorted(data_certs):
            need(cert_skill(x))
    for name in m.prerequisites.competences:
        if name in reference.competences:
            need(comp_skill(name))
    awarded = [] if cert is None or cert.renewal else list(dict.fromkeys(m.awards))
    for c, rule in ((c, reference.rule(c)) for c in awarded):
        if rule is not None and rule.requires is not None:
            req, sources = rule.requires, tuple(rule.sources)
            for x in req.certifications:
                if x != c and x in awarded:  # another code this very module awards: never a self-prerequisite
                    continue
                need(cert_skill(x))
                adds.append(Addition(m.id, rule.name, "certification", x, cert_skill(x), 1, sources, x in data_met))
            for s in req.skills:
                need(s.skill, s.level)
                adds.append(Addition(m.id, rule.name, "skill", s.skill, s.skill, s.level, sources,
                                     own_pre.get(s.skill, 0) >= s.level))
            for name in req.competences:
                need(comp_skill(name))
                adds.append(Addition(m.id, rule.name, "competence", name, comp_skill(name), 1,
                                     tuple(reference.competences[name].sources),
                                     name in m.prerequisites.competences
                                     or _meets(own_pre, reference.competences[name].any_of)))
    if pre == own_pre and modules == m.prerequisites.modules and len(outcomes) == len(m.outcomes):
        return m, adds
    prerequisites = ModulePrerequisites(skills=[SkillLevel(skill=s, level=lvl) for s, lvl in pre.items()],
                                        modules=modules, certifications=list(m.prerequisites.certifications))
    return m.model_copy(update={"outcomes": outcomes, "prerequisites": prerequisites}), adds


_CACHE: OrderedDict[tuple, tuple[list[Module], RulesReference, EffectiveCatalogue]] = OrderedDict()
_CACHE_SIZE = 4


def effective_modules(modules: dict[str, Module], reference: RulesReference) -> EffectiveCatalogue:
    """Every module of ``modules`` with the rules applied (same ids, same order).

    The result is shared by the calls on the same module objects and reference (a plan, its
    relaxations and alternatives, a cohort's members): treat it as read-only.
    """
    key = (id(reference), *(id(m) for m in modules.values()))
    hit = _CACHE.get(key)
    if hit is not None and hit[1] is reference and all(a is b for a, b in zip(hit[0], modules.values())):
        _CACHE.move_to_end(key)
        return hit[2]
    awards = {i: (m.certification.code if m.certification else None) for i, m in modules.items()}
    out = EffectiveCatalogue({})
    for i, m in modules.items():
        out.modules[i], adds = effective_module(m, reference, awards)
        if adds:
            out.additions[i] = adds
    _CACHE[key] = (list(modules.values()), reference, out)  # the objects are kept alive: their ids stay theirs
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def pseudo_levels(real: dict[str, int], status: HeldStatus, reference: RulesReference) -> dict[str, int]:
    """Pseudo-skills a learner holds: ``cert:`` for every valid code or class, ``held:`` for every code
    ever held, ``comp:`` for every competence ``real`` (skill id → level) meets."""
    out = {cert_skill(c): 1 for c in status.valid}
    out.update({held_skill(c): 1 for c in status.ever})
    out.update({comp_skill(n): 1 for n, comp in reference.competences.items() if _meets(real, comp.any_of)})
    return out


def job_certifications(mandatory: list[str], reference: RulesReference) -> list[tuple[str, str | None]]:
    """A job's certifications as the rules read them: each mandatory code, then each legally required
    companion no mandatory code already meets, as (code, the code it accompanies or None)."""
    out: list[tuple[str, str | None]] = [(c, None) for c in mandatory]
    met = reference.closure_of(mandatory)
    for code in mandatory:
        rule = reference.rule(code)
        for comp in rule.companions if rule else []:
            if comp not in met:
                out.append((comp, code))
                met |= {comp}
    return out


def stated_prerequisites(awards: list[str], reference: RulesReference, *, renewal: bool = False,
                         held: list[str] = ()) -> tuple[list[str], list[str], list[SkillLevel]]:
    """What a module awarding ``awards`` must state as prerequisites so its data agrees with the rules
    (what ``kb validate`` checks): ``(certification codes or classes, competences, skills at levels)``,
    the certifications added to ``held`` (the module's own ``prerequisites.certifications``) without
    duplicates. A certification another awarded code of the same module is skipped (no
    self-prerequisite). Competences (e.g. ``ELEC-BASICS``) are stated by name: any one of their skills
    meets them, exactly as the rule says. Refreshers (``renewal``) state nothing here: they require the
    certification itself, which the rules add at plan time. Used by importers, so an imported
    "Habilitation B2VL / BCL" carries the rules' prerequisites in its own file, visible to the instructor.
    """
    certs, competences, skills = list(held), [], []
    if renewal:
        return certs, competences, skills
    met = reference.closure_of(certs)
    for code in dict.fromkeys(awards):
        rule = reference.rule(code)
        if rule is None or rule.requires is None:
            continue
        for x in rule.requires.certifications:
            if x not in met and not (x != code and x in awards):
                certs.append(x)
                met |= reference.closure(x)
        competences += [c for c in rule.requires.competences if c not in competences]
        skills += [s for s in rule.requires.skills if s not in skills]
    return certs, competences, skills
