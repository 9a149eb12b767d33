"""Assemble a learner's pathway: map skills, analyse gaps, select, order, schedule, explain.

This is the deterministic planner: whatever proposes modules (this code, or an LLM chain), the path
that leaves here holds only catalogue modules, meets every prerequisite in order, and either
respects hours, deadline, budget and travel radius or says which limit it breaks and by how much.

Certification rules (:mod:`curriculum.rules`) bind every catalogue: the selection runs on the
*effective* modules (each module awarding a governed certification requires at least what its rule
requires; refreshers are open to anyone who held the certification), certifications are
pseudo-skills the selection covers like skills, and the learner's certifications count only while
valid for the plan. Pseudo-skills never reach the path's user-facing fields.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from curriculum.errors import InputError
from curriculum.generation import narrative
from curriculum.geo import distance_km, postcode_mismatch, resolve_city
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, LearningPath, Step, TargetJobRef, UncoveredSkill
from curriculum.planner.candidates import dominance_cut
from curriculum.planner.certifications import held_certifications
from curriculum.planner.eligibility import EligibilityMap
from curriculum.planner.gaps import GapAnalysis, analyse_gaps
from curriculum.planner.index import CatalogueIndex, catalogue_index, learner_price  # noqa: F401
from curriculum.planner.gcpause import gc_paused
from curriculum.planner.joint import MAX_CALENDAR_CUTS, select_and_date
from curriculum.planner.schedule import ScheduledStep, horizon_infeasibility, split_at_horizon
from curriculum.planner.select import (INFEASIBLE, OPTIMAL, TIMEOUT, WALL_CLOCK_FACTOR, SelectionProblem,
                                       SelectionResult, achievable_levels)
from curriculum.retrieval.skill_mapping import SkillMapper, SkillMatch
from curriculum.rules.apply import cert_skill
from curriculum.rules.binding import Binding, public_outcomes
from curriculum.rules.lifecycle import assess_held
from curriculum.rules.reference import RulesReference, load_reference


@dataclass
class MappedProfile:
    """Learner skills after mapping: ``held`` skill id → level, and every mapping decision."""

    held: dict[str, int]
    matches: list[tuple[SkillMatch, int]]


def map_profile(learner: LearnerProfile, mapper: SkillMapper) -> MappedProfile:
    """Map each held skill (label or URI) to the taxonomy; keep the highest level per skill."""
    held: dict[str, int] = {}
    matches = []
    for item in learner.skills:
        match = mapper.map_uri(item.uri, learner.language) if item.uri else mapper.map_label(item.label or "", learner.language)
        matches.append((match, item.level))
        if match.skill:
            held[match.skill] = max(held.get(match.skill, 0), item.level)
    return MappedProfile(held, matches)


def learner_home(learner: LearnerProfile, cache_dir: str | None = None, file: str | None = None) -> tuple[float, float]:
    """(lat, lon) of the learner: given coordinates, else the city resolved offline."""
    loc = learner.location
    if loc.lat is not None and loc.lon is not None:
        return loc.lat, loc.lon
    return resolve_city(loc.city, loc.postcode, cache_dir=cache_dir, file=file)


def resolve_job(catalogue: Catalogue, ref: str | None, file: str | None = None) -> Job:
    """The job named by ``ref``. Raises :class:`InputError` (field ``target_job``) if unknown."""
    if not ref:
        raise InputError("no target job: set target_job in the profile or pass --job", file=file, field="target_job")
    jobs = catalogue.find_jobs(ref)
    if not jobs:
        raise InputError(f"unknown job {ref!r}; see `curriculum jobs`", file=file, field="target_job")
    return jobs[0]


def _why_blocked(mid: str, elig: EligibilityMap, excluded: frozenset[str]) -> str:
    return "excluded in the profile (excluded_modules)" if mid in excluded else str(elig[mid].reason)


def _uncoverable_reason(skill: str, level: int, index: CatalogueIndex, elig: EligibilityMap,
                        excluded: frozenset[str] = frozenset()) -> str:
    teachers = index.teaching(skill, level)  # a real skill: the catalogue's modules teach what their effective ones do
    if not teachers:
        return f"no module in the catalogue teaches this skill at level {level}"
    blocked = [m for m in teachers if not elig.is_ok(m) or m in excluded]
    if not blocked:
        return "the modules teaching it need prerequisites that no reachable module teaches"
    return "no reachable module: " + "; ".join(f"{m}: {_why_blocked(m, elig, excluded)}" for m in blocked[:3])


def _cert_reason(code: str, accompanies: str | None, binding: Binding, index: CatalogueIndex,
                 elig: EligibilityMap, excluded: frozenset[str] = frozenset()) -> str:
    awarding = [binding.modules[i] for i in index.teaching(cert_skill(code), 1)]
    why = f" (required with {accompanies}: {binding.reference.cite(binding.reference.rule(accompanies).sources)})" \
        if accompanies and binding.reference.rule(accompanies) else ""
    if not awarding:
        return f"no module in the catalogue awards the mandatory certification {code}" + why
    blocked = [m for m in awarding if not elig.is_ok(m.id) or m.id in excluded]
    if len(blocked) == len(awarding):
        return (f"no reachable module awards the mandatory certification {code}{why}: "
                + "; ".join(f"{m.id}: {_why_blocked(m.id, elig, excluded)}" for m in blocked[:3]))
    mine = [m.id for m in awarding if m.id in excluded]
    return (f"the modules awarding {code} need prerequisites (certifications, skills) that no reachable module "
            f"provides{why}" + (f"; excluded in the profile (excluded_modules): {', '.join(mine)}" if mine else ""))


@gc_paused
def plan_pathway(learner: LearnerProfile, job: Job, catalogue: Catalogue, mapper: SkillMapper, *,
                 cache_dir: str | None = None, file: str | None = None,
                 time_limit: float = 10.0, objective: str = "hours", ignore_held: bool = False,
                 rules: RulesReference | None = None, forbidden: tuple[frozenset[str], ...] = (),
                 coverage_only: bool = False, calendar_cuts: int = MAX_CALENDAR_CUTS) -> LearningPath:
    """Plan a pathway for ``learner`` toward ``job`` with the deterministic planner.

    Returns a :class:`LearningPath` (``feasible`` False with numbers when a limit is broken).
    ``rules``: the certification rules reference (default: the shipped one). ``forbidden``: module sets
    (ids) the plan must not be (k-best alternatives: each earlier plan is refused). ``coverage_only``: stop
    once coverage is known (reachability, no solver): a path with no step, ``feasible`` False with
    ``limits_broken: ["coverage"]`` when an essential skill or certification is out of reach (the
    relaxation search asks only that while it looks for a radius). ``calendar_cuts``: selections that may be refused
    for want of a calendar (:func:`~curriculum.planner.joint.select_and_date`).

    Raises
    ------
    InputError
        When the learner's location cannot be resolved.
    """
    started = time.perf_counter()
    lang = learner.language
    home = learner_home(learner, cache_dir, file)
    mapped = map_profile(learner, mapper)
    certs = held_certifications(learner.certifications)
    if ignore_held:  # the job's standard programme: a learner with no skill and no certification
        mapped, certs = MappedProfile({}, []), []
    reference = rules or load_reference()
    index = catalogue_index(catalogue.modules, reference)  # built once per catalogue, shared by every plan
    binding = Binding(reference, index.effective, assess_held(certs, reference, learner.start, learner.deadline))
    job_certs = binding.job_certifications(job.mandatory_certifications)
    gaps = analyse_gaps(job, mapped.held, binding.status.valid, required=[c for c, _ in job_certs],
                        reference=binding.reference)
    warnings: list[str] = [f"skill {m.query!r} could not be mapped to the taxonomy ("
                           + (f"best guess {m.label!r} at {m.confidence:.2f}" if m.label else "no taxonomy label matches it")
                           + "); it is ignored" for m, _ in mapped.matches if not m.skill]
    warnings += [f"skill {m.query!r} is not in the taxonomy; kept as given" for m, _ in mapped.matches
                 if m.method == "uri" and m.label is None]
    if learner.weekly_hours < learner.hours_per_week:
        warnings.append(f"{learner.hours_per_week:g} h/week on {len(learner.study_days)} study day(s) is more than "
                        f"12 h a day: self-paced work is planned at {learner.weekly_hours:g} h/week")
    if learner.start < dt.date.today():
        warnings.append(f"start date {learner.start} is in the past")
    if learner.budget_eur == 0:
        warnings.append("budget_eur is 0: read as funded (no budget cap)")
    warnings += binding.status.warnings + [s.reason + ": not counted as valid" for s in binding.status.lapsed]
    mismatch = postcode_mismatch(learner.location.city, learner.location.postcode, home,
                                 country=learner.location.country, cache_dir=cache_dir)
    if mismatch:
        warnings.append(mismatch)
    base = dict(
        learner_id=learner.id, language=lang,
        target_job=TargetJobRef(id=job.id, title=job.title_fr if lang == "fr" and job.title_fr else job.title,
                                rome_code=job.rome_code, esco_uri=job.esco_uri),
        learner_location={"city": learner.location.city, "postcode": learner.location.postcode,
                          "lat": round(home[0], 5), "lon": round(home[1], 5)},
        start_skills=dict(sorted(mapped.held.items())),
        skill_mapping=[{**m.as_dict(), "level": lvl} for m, lvl in mapped.matches],
        certifications_held=binding.status.valid_codes, hours_available=learner.hours_available,
        certifications_lapsed=[dict(code=s.code, obtained=str(s.obtained), valid_until=str(s.valid_until),
                                    status=s.status, reason=s.reason) for s in binding.status.lapsed],
    )
    skipped = [{"skill": s, "label": catalogue.skill_label(s, lang), "held_level": lvl,
                "required_level": next(r.level for r in job.required_skills if r.skill == s)}
               for s, lvl in gaps.met.items()]
    if gaps.empty:
        optional = [UncoveredSkill(skill=g.skill, label=catalogue.skill_label(g.skill, lang), required_level=g.required,
                                   essential=False, reason="optional skill for this job; not needed to qualify")
                    for g in gaps.skill_gaps]
        return LearningPath(**base, steps=[], covered_skills=sorted(gaps.met), uncovered_skills=optional,
                            skipped_skills=skipped, total_hours=0, total_cost_eur=0, feasible=True,
                            already_qualified=True, summary=narrative.qualified_summary(lang, base["target_job"].title),
                            certifications_at_end=binding.at_end([], learner.deadline, lang)[0],
                            warnings=warnings, provenance=_provenance(started, binding))

    elig = index.eligibility(learner, home)  # shared with this learner's other plans (relaxations, alternatives)
    shared = index.usable(elig)
    usable = shared.modules
    held = binding.held_levels(mapped.held)
    uncovered: list[UncoveredSkill] = []
    to_cover: list[tuple[str, int]] = []
    targets = [(g.skill, g.required) for g in gaps.essential_gaps] + [(cert_skill(c), 1) for c in gaps.certification_gaps]
    # what the learner can reach: the fixpoint on the modules the dominance cut keeps for these targets
    # (it keeps a replacement for each module it drops), shared with the selection when all are reachable
    pins, excluded = _pins(learner, catalogue, elig, uncovered, file)
    reachable = dominance_cut(SelectionProblem(usable, targets, [], held, preferred=elig.preferred_view,
                                               distance_km=elig.distance_view, objective=objective,
                                               language=learner.language, shared=shared,
                                               eligibility=elig, pins=pins, excluded=excluded)).reached()
    for pid in pins:
        if ("module", pid) not in reachable:
            uncovered.append(UncoveredSkill(skill=f"module:{pid}", label=catalogue.modules[pid].title, essential=True,
                                            reason="pinned module: its prerequisites cannot be met by a reachable "
                                                   "module"))
    pins = tuple(p for p in pins if ("module", p) in reachable)
    # the explanation of a step renewing a lapsed certification says whether a refresher was usable
    usable_ids = achievable_levels(usable, held)[1] if binding.status.lapsed else set()
    for g in gaps.essential_gaps:
        if held.get(g.skill, 0) >= g.required or (g.skill, g.required) in reachable:
            to_cover.append((g.skill, g.required))
        else:
            uncovered.append(UncoveredSkill(skill=g.skill, label=catalogue.skill_label(g.skill, lang),
                                            required_level=g.required, essential=True,
                                            reason=_uncoverable_reason(g.skill, g.required, index, elig, excluded)))
    accompanies = dict(job_certs)
    for code in gaps.certification_gaps:  # certifications are pseudo-skills: cert:<code> at level 1
        if held.get(cert_skill(code), 0) >= 1 or (cert_skill(code), 1) in reachable:
            to_cover.append((cert_skill(code), 1))
        else:
            uncovered.append(UncoveredSkill(skill=f"certification:{code}", label=code, essential=True,
                                            reason=_cert_reason(code, accompanies.get(code), binding, index, elig,
                                                                   excluded)))

    if coverage_only:
        out = [u.skill for u in uncovered if u.essential]
        return LearningPath(**base, steps=[], covered_skills=[], uncovered_skills=uncovered, skipped_skills=skipped, total_hours=0,
                            total_cost_eur=0, feasible=not out, summary="", warnings=warnings,
                            infeasibility={"limits_broken": ["coverage"], "skills_unreachable": out} if out else None,
                            provenance=_provenance(started, binding))
    problem = SelectionProblem(usable, to_cover, [], held, preferred=elig.preferred_view,
                               distance_km=elig.distance_view, hours_cap=learner.hours_available,
                               budget_cap=learner.budget_cap, objective=objective, language=learner.language,
                               shared=shared, eligibility=elig, pins=pins, excluded=excluded, forbidden=forbidden)
    # the standard programme (``ignore_held``) is read for its hours and cost only: its dates need no re-solve
    joint = select_and_date(problem, binding.modules, learner, elig, held, time_limit,
                            max_cuts=0 if ignore_held else calendar_cuts)
    result = joint.result
    infeasibility: dict | None = None
    if result.status == INFEASIBLE or joint.caps_lifted:
        infeasibility = _limits_broken(result, learner)
    if result.status == TIMEOUT:  # nothing found in time proves nothing: never reported as infeasible
        infeasibility = _solver_timeout(result, time_limit)
    if result.found and result.timed_out:
        warnings.append(f"the solver reached its time limit ({_limit_text(result, time_limit)}): this pathway is "
                        "the best found, not proven optimal (a shorter or cheaper one may exist)")
    steps, levels, beyond, applied = _steps(joint.planned, binding, catalogue, learner, elig, held, gaps, job, home,
                                            [c for c, _ in job_certs], usable_ids)
    if beyond:  # past the planning horizon: infeasible, and those steps get no date
        horizon = horizon_infeasibility(beyond, learner.start, learner.hours_per_week,
                                        sum(s.hours for s in steps) + sum(b.module.duration_hours for b in beyond))
        infeasibility = infeasibility or {}
        for key, value in horizon.items():
            infeasibility.setdefault(key, value)
        infeasibility.setdefault("limits_broken", []).append("horizon")
    last_end = beyond[-1].end if beyond else max((s.end for s in steps), default=learner.start)
    if last_end > learner.deadline:
        late = (last_end - learner.deadline).days
        infeasibility = infeasibility or {}
        infeasibility.update(deadline=str(learner.deadline), days_late=late,
                             planned_end=f"after {infeasibility['horizon_end']}" if beyond else str(last_end),
                             weeks_missing=max(infeasibility.get("weeks_missing", 0), math.ceil(late / 7)))
        infeasibility.setdefault("limits_broken", []).append("deadline")
    late_sessions = [s.module_id for s in steps if s.session is None and catalogue.modules[s.module_id].sessions]
    if late_sessions:
        warnings.append("no published session left in time for: " + ", ".join(late_sessions)
                        + "; dates estimated from the hours (ask the provider for a session)")
        infeasibility = infeasibility or {}
        infeasibility["sessions_missing"] = late_sessions
        infeasibility.setdefault("limits_broken", []).append("sessions")

    for g in gaps.skill_gaps:
        if not g.essential and levels.get(g.skill, 0) < g.required:
            uncovered.append(UncoveredSkill(skill=g.skill, label=catalogue.skill_label(g.skill, lang),
                                            required_level=g.required, essential=False,
                                            reason="optional skill for this job; left out to keep the path short"))
    if [u for u in uncovered if u.essential]:
        infeasibility = infeasibility or {}
        infeasibility["skills_unreachable"] = [u.skill for u in uncovered if u.essential]
        infeasibility.setdefault("limits_broken", []).append("coverage")
    other_lang = [s.module_id for s in steps if catalogue.modules[s.module_id].language != lang]
    if other_lang:
        warnings.append(f"taught in another language than '{lang}': " + ", ".join(other_lang))
    non_pref = [s.module_id for s in steps if not elig[s.module_id].preferred]
    if non_pref:
        warnings.append("outside your preferred modalities: " + ", ".join(non_pref))
    total_h = round(sum(s.hours for s in steps), 1)
    total_c = round(sum(s.cost_eur for s in steps), 2)
    full_c = round(sum(s.full_price_eur or s.cost_eur for s in steps), 2)
    why = None
    if infeasibility:
        names = narrative.LIMIT_NAMES.get(lang, {})
        why = ", ".join(names.get(k, k) for k in dict.fromkeys(infeasibility.get("limits_broken", []))
                        if k != "solver_timeout")
    awarded = [(code, s.module_id, s.end) for s in steps if s.certification
               for code in (binding.modules[s.module_id].awards if s.module_id in binding.modules else [s.certification])]
    obtained = sorted({code for code, _, _ in awarded})
    at_end, renew = binding.at_end(awarded, learner.deadline, lang)
    warnings += renew
    covered = sorted(s for s, lvl in levels.items()
                     if any(r.skill == s and lvl >= r.level for r in job.required_skills))
    return LearningPath(**base, steps=steps, covered_skills=covered, uncovered_skills=uncovered, skipped_skills=skipped,
                        certifications_obtained=obtained, certifications_at_end=at_end, rules_applied=applied,
                        total_hours=total_h, total_cost_eur=total_c,
                        total_full_price_eur=full_c if full_c != total_c else None,
                        feasible=infeasibility is None, infeasibility=infeasibility,
                        optimal=result.status in (OPTIMAL, INFEASIBLE),
                        summary=narrative.path_summary(lang, base["target_job"].title, len(steps), total_h, total_c,
                                                       len(skipped), why)
                        + (narrative.solver_note(lang, result.found) if result.timed_out else ""),
                        warnings=warnings, provenance=_provenance(started, binding))


def _pins(learner: LearnerProfile, catalogue: Catalogue, elig: EligibilityMap, uncovered: list[UncoveredSkill],
          file: str | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """The learner's pinned modules that are usable (the others go to ``uncovered`` with the reason) and
    excluded ones. Raises :class:`InputError` (field ``pinned_modules`` / ``excluded_modules``) for an id that
    is not in the catalogue."""
    for name in ("pinned_modules", "excluded_modules"):
        unknown = [m for m in getattr(learner, name) if m not in catalogue.modules]
        if unknown:
            from curriculum.learner_choices import unknown_module_error

            raise InputError(unknown_module_error(unknown[0], catalogue.modules, name).message, file=file, field=name)
    pins = []
    for pid in dict.fromkeys(learner.pinned_modules):
        if elig.is_ok(pid):
            pins.append(pid)
        else:
            uncovered.append(UncoveredSkill(skill=f"module:{pid}", label=catalogue.modules[pid].title, essential=True,
                                            reason=f"you asked to keep this module, but it is out of reach: "
                                                   f"{elig[pid].reason}"))
    return tuple(sorted(pins)), frozenset(learner.excluded_modules)


def _limit_text(result: SelectionResult, time_limit: float) -> str:
    budget = result.time_limit if result.time_limit is not None else time_limit
    if result.limit == "wall_clock":
        return f"wall-clock safety net after {budget * WALL_CLOCK_FACTOR + 1:g} s"
    return f"{budget:g} s of deterministic solver time"


def _solver_timeout(result: SelectionResult, time_limit: float) -> dict:
    """``infeasibility`` of a plan whose selection timed out with nothing found: not a broken limit."""
    return {"reason": "solver_timeout", "limits_broken": ["solver_timeout"],
            "time_limit_s": result.time_limit if result.time_limit is not None else time_limit,
            "stopped_by": result.limit or "deterministic",
            "message": f"the solver reached its time limit ({_limit_text(result, time_limit)}) before finding any "
                       "pathway; this does not mean that none exists (too many candidate modules to search in time)"}


def _limits_broken(result: SelectionResult, learner: LearnerProfile) -> dict:
    out: dict = {"limits_broken": []}
    if not result.found:
        out["limits_broken"].append("coverage")
        return out
    hours_missing = round(result.hours - learner.hours_available, 1)
    if hours_missing > 0:
        out["limits_broken"].append("hours")
        out.update(hours_needed=result.hours, hours_available=learner.hours_available, hours_missing=hours_missing,
                   weeks_missing=math.ceil(hours_missing / learner.hours_per_week),
                   hours_per_week_needed=round(result.hours / max(learner.weeks_available, 1e-9), 1))
    cap = learner.budget_cap
    if cap is not None and result.cost_eur > cap:
        out["limits_broken"].append("budget")
        out.update(budget_needed_eur=result.cost_eur, budget_eur=cap, budget_missing_eur=round(result.cost_eur - cap, 2))
    return out


def _steps(planned: list[ScheduledStep], binding: Binding, cat: Catalogue, learner: LearnerProfile,
           elig: EligibilityMap, held: dict[str, int], gaps: GapAnalysis, job: Job, home: tuple[float, float],
           job_certs: list[str], usable_ids: set[str]) -> tuple[list[Step], dict[str, int], list[ScheduledStep], list[dict]]:
    """The dated steps (``planned``: the calendar, in date order), the skill levels they reach (pseudo-skills
    included), the steps left out past the planning horizon, and ``rules_applied``. ``held`` includes the
    learner's pseudo-skills."""
    notes, applied = binding.explain([p.module.id for p in planned], held, job_certs, job.id, learner.language,
                                     lambda s: cat.skill_label(s, learner.language), usable_ids)
    planned, beyond = split_at_horizon(planned, learner.start)
    gap_levels = {g.skill: g.required for g in gaps.skill_gaps}
    levels = dict(held)
    steps = []
    for k, item in enumerate(planned):
        m = item.module
        covers = [o.skill for o in m.outcomes if o.skill in gap_levels and o.level >= gap_levels[o.skill]
                  and levels.get(o.skill, 0) < gap_levels[o.skill]]
        cert = m.certification.code if m.certification else None
        job_cert = cert is not None and any(binding.reference.satisfies([cert], c) for c in job_certs)
        needed_by = [later.module.title for later in planned[k + 1:]
                     if any(levels.get(p.skill, 0) < p.level <= m.teaches(p.skill) for p in later.module.prerequisites.skills)
                     or m.id in later.module.prerequisites.modules]
        for o in m.outcomes:
            levels[o.skill] = max(levels.get(o.skill, 0), o.level)
        e = elig[m.id]
        place = e.place
        if item.session and item.session.place:
            place = next((p for p in m.places if p.city == item.session.place), place)
        city = place.city if place else (item.session.place if item.session else None)
        km = round(distance_km(home, (place.lat, place.lon)), 1) if place else None
        steps.append(Step(
            module_id=m.id, title=m.title, hours=m.duration_hours, cost_eur=learner_price(m), modality=m.modality,
            full_price_eur=m.cost_eur if learner_price(m) != m.cost_eur else None,
            start=item.start, end=item.end, outcomes=public_outcomes(m),
            certification=cert, place=city, distance_km=km, provider=m.provider,
            session=({"start": str(item.session.start), "end": str(item.session.end), "place": item.session.place,
                      "seats": item.session.seats, "conflict": item.conflict} if item.session else None),
            inserted_as_prerequisite=not covers and not job_cert,
            covers=covers,
            rationale=" ".join([narrative.step_rationale(m, learner.language,
                                                         [cat.skill_label(s, learner.language) for s in covers],
                                                         cert if job_cert else None, needed_by[:3], city, km),
                                *notes.get(m.id, [])])))
    return steps, levels, beyond, applied


def _provenance(started: float, binding: Binding) -> dict:
    return {"planner": "deterministic CP-SAT (OR-Tools)", "narrative": "templates (no LLM configured)",
            "rules": f"certification rules {binding.reference.version}",
            "plan_seconds": round(time.perf_counter() - started, 3), "generated_at": dt.datetime.now(dt.timezone.utc)
            .isoformat(timespec="seconds")}
