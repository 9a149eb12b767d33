"""Which modules a learner can take: travel radius, modality, sessions between start and deadline."""

from __future__ import annotations

from dataclasses import dataclass

from curriculum.geo import distance_km
from curriculum.models import LearnerProfile, Module, Place, Session


@dataclass
class Eligibility:
    """Whether a module is usable for a learner, and where.

    ``place`` is the nearest reachable place (None for online/workplace); ``distance_km`` its
    distance; ``preferred`` whether the modality is among the learner's preferences; ``reason``
    explains an ineligible module (in English, with numbers).
    """

    module_id: str
    ok: bool
    preferred: bool
    place: Place | None = None
    distance_km: float | None = None
    sessions: tuple[Session, ...] = ()
    reason: str = ""


def assess(module: Module, learner: LearnerProfile, home: tuple[float, float]) -> Eligibility:
    """Eligibility of ``module`` for ``learner`` living at ``home`` (lat, lon)."""
    preferred = module.modality in learner.preferred_modalities
    place, dist = None, None
    if module.modality.needs_travel:
        if not module.places:
            return Eligibility(module.id, False, preferred, reason="in-person module without a place")
        ranked = sorted(((distance_km(home, (p.lat, p.lon)), p) for p in module.places), key=lambda t: t[0])
        reachable = [(d, p) for d, p in ranked if d <= learner.mobility_km]
        if not reachable:
            d, p = ranked[0]
            return Eligibility(module.id, False, preferred, p, round(d, 1),
                               reason=f"nearest place {p.city} is {d:.0f} km away (radius {learner.mobility_km:.0f} km)")
        dist, place = reachable[0]
        reachable_cities = {p.city for _, p in reachable}
    else:
        reachable_cities = None
    sessions: tuple[Session, ...] = ()
    if module.sessions:
        fitting = [s for s in module.sessions
                   if s.seats > 0 and s.start >= learner.start and s.end <= learner.deadline
                   and (reachable_cities is None or s.place is None or s.place in reachable_cities)]
        if not fitting:
            return Eligibility(module.id, False, preferred, place, dist,
                               reason="no session with seats left between start and deadline within the radius")
        sessions = tuple(sorted(fitting, key=lambda s: s.start))
        if reachable_cities is not None:
            first_city = sessions[0].place
            match = next((p for p in module.places if p.city == first_city), None)
            if match is not None:
                place = match
                dist = distance_km(home, (match.lat, match.lon))
    return Eligibility(module.id, True, preferred, place, None if dist is None else round(dist, 1), sessions)
