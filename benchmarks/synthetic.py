"""Deterministic synthetic catalogues, jobs and learners for property tests and benchmarks.

Everything is drawn from ``random.Random(seed)``: the same arguments always give the same objects.

* :func:`make_catalogue` — ``n_modules`` modules over ``n_skills`` fake ESCO-like skills
  (``http://data.europa.eu/esco/skill/synthetic-NNNN``), jobs and the matching taxonomy, as an
  in-memory :class:`~curriculum.knowledge.catalogue.Catalogue`. Skills are split in four tiers; a
  module teaches skills of one tier and only requires skills of lower tiers (and, sometimes, a
  module of a lower tier), so the prerequisite graph has no cycle.
* :func:`make_learners` — learner profiles targeting the catalogue's jobs, held skills by URI
  (no embeddings needed) and coordinates near a place of the catalogue (no geocoding needed).

Ranges: 7–140 h per module, 15–40 EUR/h, modalities in person / blended / online / workplace,
places among 42 real French cities, some sessions in 2027 (with 0–12 seats left); learners start on
2027-01-04 with a deadline 2–12 months later, 4–35 h/week, budget 0 (funded) or 1,000–10,000 EUR,
radius 20–150 km.

* :func:`make_dense_catalogue` — the shape of real course graphs (e.g. ESCO-tagged MOOC catalogues),
  which the tiered generator hides: few skills for many modules (≈ 25 teachers per skill), a pool of
  *transversal* skills (maths, communication, digital literacy…) that most modules require and
  hundreds teach, chains of levels (a module teaching a skill at level L often requires it at
  L−1), prerequisite cycles between skills, 10 % of modules in English. Every transitively
  relevant module set is large, so a model with pairwise prerequisite links grows with its square.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, Modality, Module, TaxonomySkill

SKILL_PREFIX = "http://data.europa.eu/esco/skill/synthetic-"
START = dt.date(2027, 1, 4)
TIERS = 4

# (city, region, lat, lon) — real French towns, every mainland region represented.
CITIES: list[tuple[str, str, float, float]] = [
    ("Paris", "Île-de-France", 48.8566, 2.3522), ("Trappes", "Île-de-France", 48.7775, 2.0025),
    ("Poissy", "Île-de-France", 48.929, 2.0495), ("Lille", "Hauts-de-France", 50.6292, 3.0573),
    ("Douai", "Hauts-de-France", 50.3714, 3.08), ("Valenciennes", "Hauts-de-France", 50.357, 3.5235),
    ("Dunkerque", "Hauts-de-France", 51.0343, 2.3768), ("Amiens", "Hauts-de-France", 49.8941, 2.2958),
    ("Rouen", "Normandie", 49.4431, 1.0993), ("Le Havre", "Normandie", 49.4944, 0.1079),
    ("Caen", "Normandie", 49.1829, -0.3707), ("Rennes", "Bretagne", 48.1173, -1.6778),
    ("Brest", "Bretagne", 48.3904, -4.4861), ("Nantes", "Pays de la Loire", 47.2184, -1.5536),
    ("Saint-Nazaire", "Pays de la Loire", 47.2735, -2.2138), ("Le Mans", "Pays de la Loire", 48.0061, 0.1996),
    ("Angers", "Pays de la Loire", 47.4784, -0.5632), ("Tours", "Centre-Val de Loire", 47.3941, 0.6848),
    ("Orléans", "Centre-Val de Loire", 47.903, 1.9093), ("Poitiers", "Nouvelle-Aquitaine", 46.5802, 0.3404),
    ("La Rochelle", "Nouvelle-Aquitaine", 46.1603, -1.1511), ("Bordeaux", "Nouvelle-Aquitaine", 44.8378, -0.5792),
    ("Limoges", "Nouvelle-Aquitaine", 45.8336, 1.2611), ("Pau", "Nouvelle-Aquitaine", 43.2951, -0.3708),
    ("Toulouse", "Occitanie", 43.6047, 1.4442), ("Montpellier", "Occitanie", 43.6108, 3.8767),
    ("Perpignan", "Occitanie", 42.6887, 2.8948), ("Nîmes", "Occitanie", 43.8367, 4.3601),
    ("Marseille", "Provence-Alpes-Côte d'Azur", 43.2965, 5.3698),
    ("Toulon", "Provence-Alpes-Côte d'Azur", 43.1242, 5.928), ("Nice", "Provence-Alpes-Côte d'Azur", 43.7102, 7.262),
    ("Avignon", "Provence-Alpes-Côte d'Azur", 43.9493, 4.8055), ("Lyon", "Auvergne-Rhône-Alpes", 45.764, 4.8357),
    ("Grenoble", "Auvergne-Rhône-Alpes", 45.1885, 5.7245), ("Saint-Étienne", "Auvergne-Rhône-Alpes", 45.4397, 4.3872),
    ("Clermont-Ferrand", "Auvergne-Rhône-Alpes", 45.7772, 3.087), ("Dijon", "Bourgogne-Franche-Comté", 47.322, 5.0415),
    ("Besançon", "Bourgogne-Franche-Comté", 47.2378, 6.0241), ("Strasbourg", "Grand Est", 48.5734, 7.7521),
    ("Mulhouse", "Grand Est", 47.7508, 7.3359), ("Metz", "Grand Est", 49.1193, 6.1757),
    ("Reims", "Grand Est", 49.2583, 4.0317),
]
CERT_CODES = ["B0L", "B1VL", "B2TL", "BR", "IRVE", "H0V", "ISO9606-1-141", "CACES-R489"]
MODALITIES = [Modality.IN_PERSON, Modality.BLENDED, Modality.ONLINE, Modality.WORKPLACE]
MODALITY_WEIGHTS = [0.45, 0.2, 0.25, 0.1]


def skill_uri(i: int) -> str:
    """URI of synthetic skill ``i``."""
    return f"{SKILL_PREFIX}{i:04d}"


def make_taxonomy(n_skills: int) -> dict[str, TaxonomySkill]:
    """Taxonomy entries for skills 0 … n_skills−1 (English and French labels)."""
    return {skill_uri(i): TaxonomySkill(id=skill_uri(i), labels={"en": f"synthetic skill {i}",
                                                                 "fr": f"compétence synthétique {i}"},
                                        source="synthetic") for i in range(n_skills)}


def _tier(i: int, n_skills: int) -> int:
    return min(TIERS - 1, i * TIERS // max(n_skills, 1))


def _hours(rng: random.Random) -> float:
    return float(min(140, max(7, round(math.exp(rng.uniform(math.log(7), math.log(140)))))))


def _place(city: tuple[str, str, float, float]) -> dict:
    return {"city": city[0], "region": city[1], "lat": city[2], "lon": city[3]}


def _sessions(rng: random.Random, hours: float, places: list[dict]) -> list[dict]:
    out = []
    days = max(1, math.ceil(hours / 7)) + 2 * (math.ceil(hours / 35) - 1)  # 7 h a day, weekends off
    for _ in range(rng.randint(1, 5)):
        start = START + dt.timedelta(days=rng.randint(0, 330))
        out.append({"start": start, "end": start + dt.timedelta(days=days - 1),
                    "place": rng.choice(places)["city"] if places else None,
                    "seats": rng.choice([0, 1, 2, 4, 6, 8, 10, 12])})
    return sorted(out, key=lambda s: s["start"])


def make_modules(n_modules: int, n_skills: int, seed: int, cities: list | None = None,
                 cert_share: float = 0.06, session_share: float = 0.35) -> dict[str, Module]:
    """``n_modules`` validated modules over ``n_skills`` skills (acyclic prerequisites)."""
    rng = random.Random(seed)
    cities = cities or CITIES
    by_tier: dict[int, list[int]] = {}
    for i in range(n_skills):
        by_tier.setdefault(_tier(i, n_skills), []).append(i)
    tiers = sorted(by_tier)
    specs = sorted(((rng.choice(tiers), k) for k in range(n_modules)))
    modules: dict[str, Module] = {}
    made_by_tier: dict[int, list[str]] = {}
    for tier, k in specs:
        mid = f"syn-{seed % 100000}-{k:05d}"
        outs = rng.sample(by_tier[tier], min(len(by_tier[tier]), rng.choice([1, 1, 2, 2, 3, 4])))
        lower = [s for t in tiers if t < tier for s in by_tier[t]]
        pre = rng.sample(lower, min(len(lower), rng.choice([0, 1, 1, 2]))) if lower else []
        lower_mods = [m for t in tiers if t < tier for m in made_by_tier.get(t, [])]
        pre_mods = [rng.choice(lower_mods)] if lower_mods and rng.random() < 0.05 else []
        modality = rng.choices(MODALITIES, MODALITY_WEIGHTS)[0]
        hours = _hours(rng)
        places = [_place(c) for c in rng.sample(cities, min(len(cities), rng.randint(1, 4)))] \
            if modality.needs_travel else []
        sessions = _sessions(rng, hours, places) if (modality.needs_travel or modality is Modality.ONLINE) \
            and rng.random() < session_share else []
        cert = rng.choice(CERT_CODES) if rng.random() < cert_share else None
        modules[mid] = Module.model_validate(dict(
            id=mid, title=f"Synthetic module {k}", domain=f"tier-{tier}", duration_hours=hours,
            cost_eur=round(hours * rng.uniform(15, 40)), modality=modality.value, provider="synthetic",
            places=places, sessions=sessions,
            prerequisites={"skills": [{"skill": skill_uri(s), "level": rng.choice([1, 2, 2, 3])} for s in pre],
                           "modules": pre_mods},
            outcomes=[{"skill": skill_uri(s), "level": rng.choice([1, 2, 2, 3, 3, 4])} for s in outs],
            certification={"code": cert, "label": f"Certification {cert}"} if cert else None))
        made_by_tier.setdefault(tier, []).append(mid)
    return modules


def make_jobs(n_jobs: int, n_skills: int, modules: dict[str, Module], seed: int,
              levels: tuple[int, ...] = (1, 2, 2, 3), first_skill: int = 0) -> dict[str, Job]:
    """Jobs requiring 2–8 skills among ``first_skill`` … ``n_skills``−1 at ``levels`` (≈75 % essential),
    ≈30 % with a mandatory certification that some module awards."""
    rng = random.Random(seed + 7919)
    awarded = sorted({m.certification.code for m in modules.values() if m.certification})
    jobs = {}
    for j in range(n_jobs):
        pool = range(first_skill, n_skills)
        skills = rng.sample(pool, min(len(pool), rng.randint(2, 8)))
        reqs = [{"skill": skill_uri(s), "level": rng.choice(levels), "essential": rng.random() < 0.75}
                for s in skills]
        reqs[0]["essential"] = True
        certs = [rng.choice(awarded)] if awarded and rng.random() < 0.3 else []
        jid = f"synthetic-job-{j:03d}"
        jobs[jid] = Job(id=jid, title=f"Synthetic job {j}", required_skills=reqs, mandatory_certifications=certs)
    return jobs


def make_catalogue(n_modules: int, n_skills: int, seed: int, n_jobs: int = 10,
                   cities: list | None = None) -> Catalogue:
    """An in-memory catalogue: modules, jobs and taxonomy (see the module docstring)."""
    modules = make_modules(n_modules, n_skills, seed, cities)
    return Catalogue(modules=modules, jobs=make_jobs(n_jobs, n_skills, modules, seed),
                     taxonomy=make_taxonomy(n_skills))


def dense_skill_counts(n_modules: int, n_skills: int | None = None) -> tuple[int, int]:
    """(skills, transversal skills) of a dense catalogue: one skill per 12 modules by default (at
    least 40), a tenth of them (at least 8) transversal."""
    n_skills = n_skills or max(40, n_modules // 12)
    return n_skills, max(8, n_skills // 10)


def make_dense_modules(n_modules: int, seed: int, n_skills: int | None = None, cities: list | None = None,
                       cert_share: float = 0.06, session_share: float = 0.35) -> dict[str, Module]:
    """``n_modules`` validated modules of a dense catalogue (see the module docstring).

    Skills ``0 … T−1`` are transversal (``T`` from :func:`dense_skill_counts`); the others are split
    into domains of 20. A module teaches 1–4 skills of one domain at levels around a base level 1–4
    (35 % also teach a transversal skill at level 1–3). Prerequisites: 15 % of modules have none
    (entry modules); otherwise each outcome at level L ≥ 2 requires its skill at L−1 with probability
    0.6, 75 % of modules require 1–2 transversal skills at level 1–2, 30 % a skill of their domain at
    level 1–2, 2 % an earlier module of their domain.
    """
    rng = random.Random(seed)
    cities = cities or CITIES
    n_skills, n_common = dense_skill_counts(n_modules, n_skills)
    specific = list(range(n_common, n_skills))
    domains = [specific[i:i + 20] for i in range(0, len(specific), 20)]
    modules: dict[str, Module] = {}
    by_domain: dict[int, list[str]] = {}
    for k in range(n_modules):
        mid = f"dense-{seed % 100000}-{k:05d}"
        d = rng.randrange(len(domains))
        base = rng.choice([1, 1, 2, 2, 3, 3, 4])
        outs = {s: max(1, min(4, base + rng.choice([-1, 0, 0, 1])))
                for s in rng.sample(domains[d], min(len(domains[d]), rng.choice([1, 1, 2, 2, 3, 4])))}
        if rng.random() < 0.35:
            outs[rng.randrange(n_common)] = rng.choice([1, 2, 2, 3])
        pre: dict[int, int] = {}
        pre_mods: list[str] = []
        if rng.random() >= 0.15:
            for s, lvl in outs.items():
                if lvl >= 2 and rng.random() < 0.6:
                    pre[s] = lvl - 1
            if rng.random() < 0.75:
                for s in rng.sample(range(n_common), rng.choice([1, 1, 2])):
                    pre.setdefault(s, rng.choice([1, 1, 2]))
            if rng.random() < 0.3:
                s = rng.choice(domains[d])
                if s not in outs:
                    pre.setdefault(s, rng.choice([1, 2]))
            if by_domain.get(d) and rng.random() < 0.02:
                pre_mods.append(rng.choice(by_domain[d]))
        modality = rng.choices(MODALITIES, MODALITY_WEIGHTS)[0]
        hours = _hours(rng)
        places = [_place(c) for c in rng.sample(cities, min(len(cities), rng.randint(1, 4)))] \
            if modality.needs_travel else []
        sessions = _sessions(rng, hours, places) if (modality.needs_travel or modality is Modality.ONLINE) \
            and rng.random() < session_share else []
        cert = rng.choice(CERT_CODES) if rng.random() < cert_share else None
        modules[mid] = Module.model_validate(dict(
            id=mid, title=f"Dense module {k}", domain=f"domain-{d}", duration_hours=hours,
            language="en" if rng.random() < 0.1 else "fr",
            cost_eur=round(hours * rng.uniform(15, 40)), modality=modality.value, provider="synthetic",
            places=places, sessions=sessions,
            prerequisites={"skills": [{"skill": skill_uri(s), "level": lvl} for s, lvl in sorted(pre.items())],
                           "modules": pre_mods},
            outcomes=[{"skill": skill_uri(s), "level": lvl} for s, lvl in sorted(outs.items())],
            certification={"code": cert, "label": f"Certification {cert}"} if cert else None))
        by_domain.setdefault(d, []).append(mid)
    return modules


def make_dense_catalogue(n_modules: int, seed: int, n_skills: int | None = None, n_jobs: int = 10,
                         cities: list | None = None, job_levels: tuple[int, ...] = (1, 2, 2, 3)) -> Catalogue:
    """An in-memory dense catalogue (:func:`make_dense_modules`); jobs require domain skills at
    ``job_levels``, so plans climb chains of levels over shared transversal prerequisites."""
    modules = make_dense_modules(n_modules, seed, n_skills, cities)
    total, common = dense_skill_counts(n_modules, n_skills)
    return Catalogue(modules=modules, jobs=make_jobs(n_jobs, total, modules, seed, levels=job_levels,
                                                     first_skill=common),
                     taxonomy=make_taxonomy(total))


def write_knowledge_base(catalogue: Catalogue, folder: Path) -> Path:
    """Write ``catalogue`` as a knowledge-base folder (``modules/<id>.md``, ``jobs/<id>.yaml``,
    ``taxonomy.yaml``) that ``curriculum plan --kb`` / ``CURRICULUM_KB_DIR`` reads; returns ``folder``."""
    import yaml

    from curriculum.knowledge.editing import write_modules
    from curriculum.knowledge.taxonomy import dump_taxonomy

    folder = Path(folder)
    write_modules(catalogue.modules.values(), folder, overwrite=True)
    (folder / "jobs").mkdir(parents=True, exist_ok=True)
    for job in catalogue.jobs.values():
        data = job.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        (folder / "jobs" / f"{job.id}.yaml").write_text(yaml.safe_dump({"id": job.id, **data}, allow_unicode=True,
                                                                        sort_keys=False), encoding="utf-8")
    dump_taxonomy(folder / "taxonomy.yaml", {"source": "synthetic"},
                  [t.model_dump(mode="json", exclude_none=True) for t in catalogue.taxonomy.values()])
    return folder


def learner_yaml(learner: LearnerProfile) -> str:
    """A learner profile as the YAML ``curriculum plan --learner`` reads."""
    import yaml

    data = learner.model_dump(mode="json", exclude_none=True)
    data["skills"] = [{"uri": s["uri"], "level": s["level"]} for s in data.get("skills", [])]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def catalogue_places(catalogue: Catalogue) -> list[tuple[str, float, float]]:
    """Distinct (city, lat, lon) of the catalogue's module places, sorted (for learner homes)."""
    return sorted({(p.city, p.lat, p.lon) for m in catalogue.modules.values() for p in m.places})


def make_learners(n: int, catalogue: Catalogue, seed: int, jobs: list[str] | None = None) -> list[LearnerProfile]:
    """``n`` learners targeting ``jobs`` (default: every catalogue job), living within ~10 km of a
    catalogue place (of :data:`CITIES` when the catalogue has none)."""
    rng = random.Random(seed)
    jobs = jobs or sorted(catalogue.jobs)
    homes = catalogue_places(catalogue) or [(c[0], c[2], c[3]) for c in CITIES]
    skills = sorted(catalogue.taxonomy) or sorted({o.skill for m in catalogue.modules.values() for o in m.outcomes})
    out = []
    for k in range(n):
        job = catalogue.jobs[rng.choice(jobs)]
        city, lat, lon = rng.choice(homes)
        held: dict[str, int] = {}
        for req in rng.sample(job.required_skills, rng.randint(0, min(3, len(job.required_skills)))):
            held[req.skill] = rng.randint(1, 4)
        for s in rng.sample(skills, min(len(skills), rng.randint(0, 3))):
            held.setdefault(s, rng.randint(1, 4))
        prefs = list(Modality) if rng.random() < 0.5 else \
            rng.sample(list(Modality), rng.randint(1, 3))
        certs = [f"Habilitation {rng.choice(CERT_CODES)}"] if rng.random() < 0.15 else []
        out.append(LearnerProfile(
            id=f"synthetic-learner-{seed}-{k:04d}", language=rng.choice(["fr", "en"]),
            location={"city": city, "lat": round(lat + rng.uniform(-0.08, 0.08), 4),
                      "lon": round(lon + rng.uniform(-0.08, 0.08), 4)},
            mobility_km=float(rng.randint(20, 150)), hours_per_week=float(rng.randint(4, 35)),
            start=START, deadline=START + dt.timedelta(days=rng.randint(61, 365)),
            budget_eur=0.0 if rng.random() < 0.3 else float(rng.randrange(1000, 10001, 100)),
            preferred_modalities=prefs, skills=[{"uri": s, "level": lvl} for s, lvl in held.items()],
            certifications=certs, target_job=job.id))
    return out


__all__ = ["CITIES", "catalogue_places", "dense_skill_counts", "make_catalogue", "make_dense_catalogue",
           "make_dense_modules", "make_jobs", "make_learners", "make_modules", "make_taxonomy", "skill_uri",
           "learner_yaml", "write_knowledge_base"]
