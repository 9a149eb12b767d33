"""Training-map gaps: job skills the catalogue cannot teach, overall or within reach of a place.

A skill (or a mandatory certification, reported as ``certification:<code>``) is a gap when no module teaches it at the job's required level ("no module teaches it"),
or, around a point (WGS84) and a radius (km, great-circle), when no in-person or blended module
teaching it at that level has a place within the radius. Workplace (AFEST) and online modules do
not fill an in-person gap: the reason names them ("only online/workplace modules"). A module with
dated sessions counts only at places hosting an upcoming session with seats left.
"""

from __future__ import annotations

import datetime as dt

from curriculum.errors import InputError
from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, Module


def _nearest(module: Module, near: tuple[float, float]) -> tuple[float, str]:
    """Closest place of ``module`` one can attend: with dated sessions, only places hosting an
    upcoming session with seats; without sessions (on demand), every place."""
    today = dt.date.today()
    open_at = {s.place for s in module.sessions if s.seats > 0 and s.end >= today}
    places = [p for p in module.places if not module.sessions or p.city in open_at]
    return min(((distance_km(near, (p.lat, p.lon)), p.city) for p in places), default=(float("inf"), ""))


def _gap(cat: Catalogue, skill: str, level: int, near: tuple[float, float] | None,
         radius_km: float | None, certification: str | None = None) -> str | None:
    if certification is not None:
        teachers = [m for m in cat.modules.values() if certification in m.awards]
        if not teachers:
            return f"no module awards the mandatory certification {certification}"
    else:
        teachers = [m for m in cat.modules.values() if m.teaches(skill) >= level]
    if not teachers:
        best = max((m.teaches(skill) for m in cat.modules.values()), default=0)
        return f"no module teaches it at level {level}" + (f" (best available: level {best})" if best else "")
    if near is None or radius_km is None:
        return None
    travel = [m for m in teachers if m.modality.needs_travel and m.places]
    if not travel:
        kinds = sorted({m.modality.value for m in teachers})
        return f"only online/workplace modules ({', '.join(kinds)}: {', '.join(m.id for m in teachers[:3])})"
    dist, city, module = min((*_nearest(m, near), m.id) for m in travel)
    if dist <= radius_km:
        return None
    if dist == float("inf"):
        return f"no in-person module within {radius_km:g} km; none has an upcoming session with seats"
    return f"no in-person module within {radius_km:g} km; nearest: {module} at {city} {dist:.0f} km"


def job_gaps(catalogue: Catalogue, job_id: str, near: tuple[float, float] | None = None,
             radius_km: float | None = None, language: str = "en") -> list[dict]:
    """Gaps of one job: ``[{"skill", "label", "essential", "required_level", "reason"}]``, essential
    skills first. ``job_id`` is a job id, ``rome:CODE``, ``esco:URI`` or a bare ROME code;
    ``near`` is (lat, lon) and ``radius_km`` kilometres (both or neither).

    Raises
    ------
    InputError
        Unknown job (field ``job``), or ``near`` without ``radius_km`` / the reverse.
    """
    job = catalogue.find_job(job_id)
    if job is None:
        raise InputError(f"unknown job {job_id!r}; see `curriculum jobs`", field="job")
    if (near is None) != (radius_km is None):
        raise InputError("give both a place and a radius (km), or neither", field="radius_km")
    return _job_gaps(catalogue, job, near, radius_km, language)


def _job_gaps(cat: Catalogue, job: Job, near, radius_km, language: str) -> list[dict]:
    out = []
    for r in sorted(job.required_skills, key=lambda r: not r.essential):
        reason = _gap(cat, r.skill, r.level, near, radius_km)
        if reason:
            out.append({"skill": r.skill, "label": cat.skill_label(r.skill, language), "essential": r.essential,
                        "required_level": r.level, "reason": reason})
    for code in job.mandatory_certifications:  # a mandatory certification is an essential requirement too
        reason = _gap(cat, "", 0, near, radius_km, certification=code)
        if reason:
            out.append({"skill": f"certification:{code}", "label": code, "essential": True,
                        "required_level": None, "reason": reason})
    return out


def basin_gaps(catalogue: Catalogue, near: tuple[float, float], radius_km: float,
               language: str = "en") -> list[dict]:
    """Gaps of every job around ``near`` (lat, lon) within ``radius_km`` km:
    ``[{"job", "title", "rome_code", "gaps": [...as job_gaps...]}]``, jobs with most essential gaps first."""
    out = [{"job": j.id, "title": j.title, "rome_code": j.rome_code,
            "gaps": _job_gaps(catalogue, j, near, radius_km, language)} for j in catalogue.jobs.values()]
    return sorted(out, key=lambda d: (-sum(g["essential"] for g in d["gaps"]), -len(d["gaps"]), d["job"]))
