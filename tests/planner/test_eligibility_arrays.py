"""Eligibility, distances and objective weights of a whole catalogue on arrays equal the per-module
functions they replace in plans (issue #11, item 4: plans over a regional catalogue).

:class:`~curriculum.planner.eligibility.EligibilityMap` decides eligibility with NumPy and computes a
module's :class:`~curriculum.planner.eligibility.Eligibility` only when asked; the dominance cut reads
weights from :func:`~curriculum.planner.select.weight_array`. Both must give exactly what
:func:`~curriculum.planner.eligibility.assess` and ``_weight`` give, module by module, including at the
boundaries: a place exactly at the travel radius, a session ending on the deadline, several places
(the nearest, ties in the catalogue's order), sessions in a city the module does not list.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from benchmarks.plan_quality import eval_cases
from benchmarks.synthetic import make_dense_catalogue, make_learners
from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.models import LearnerProfile, Module, Place, Session
from curriculum.planner.eligibility import assess
from curriculum.planner.index import catalogue_index, learner_priced, module_table
from curriculum.planner.pathway import learner_home
from curriculum.planner.relaxations import _far_radii
from curriculum.planner.select import OBJECTIVES, TIER, SelectionProblem, _eur, _hours10, _weight
from curriculum.rules.reference import load_reference
from tests.conftest import EVAL_DIR, KB_DIR


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue(KB_DIR)


@pytest.fixture(scope="module")
def dense():
    """1,200 modules, ≈ 25 teachers per skill, places among 42 French towns, sessions in 2027."""
    return make_dense_catalogue(1200, seed=11)


def edge_modules(base: Module) -> dict[str, Module]:
    """Copies of ``base`` with what makes eligibility delicate: two places at the same distance (tie:
    the first listed wins), a session in a city the module does not list, a session on no place, a
    full session, several places with the first session's city far away."""
    lille, douai = Place(city="Lille", lat=50.6292, lon=3.0573), Place(city="Douai", lat=50.3714, lon=3.08)
    twin = Place(city="Lille-bis", lat=50.6292, lon=3.0573)
    lyon = Place(city="Lyon", lat=45.7485, lon=4.8467)
    s = dt.date(2027, 3, 1)

    def run(city: str | None, start: dt.date = s, seats: int = 5) -> Session:
        return Session(start=start, end=start + dt.timedelta(days=4), place=city, seats=seats)

    variants = {
        "tie": dict(places=[lille, twin], sessions=[]),
        "unlisted-city": dict(places=[douai], sessions=[run("Arras")]),
        "no-place-session": dict(places=[douai], sessions=[run(None)]),
        "full": dict(places=[douai], sessions=[run("Douai", seats=0)]),
        "far-first": dict(places=[douai, lyon], sessions=[run("Lyon"), run("Douai", s + dt.timedelta(days=20))]),
        "first-listed-far": dict(places=[lyon, douai], sessions=[run("Douai")]),
        "no-place": dict(places=[], sessions=[]),
    }
    return {f"{base.id}-{k}": base.model_copy(update={"id": f"{base.id}-{k}", **v}) for k, v in variants.items()}


def learners_of(catalogue, n: int) -> list[LearnerProfile]:
    """Eval learners (shipped catalogue) or synthetic ones (dense), and boundary variants of the first:
    a radius exactly at a place's distance, a deadline on a session's last day."""
    if catalogue.jobs.keys() & {j.id for _, j in eval_cases(load_catalogue(KB_DIR), EVAL_DIR)}:
        out = [learner for learner, _ in eval_cases(catalogue, EVAL_DIR)]
    else:
        out = make_learners(n, catalogue, seed=3)
    first = out[0]
    home = learner_home(first)
    m = next(m for m in catalogue.modules.values() if m.modality.needs_travel and m.places and m.sessions)
    exact = distance_km(home, (m.places[0].lat, m.places[0].lon))
    out.append(first.model_copy(update={"mobility_km": exact}))
    out.append(first.model_copy(update={"deadline": max(first.start, m.sessions[0].end)}))
    return out


@pytest.mark.parametrize("which", ["shipped", "dense"])
def test_every_module_as_assess_says(which, request):
    catalogue = request.getfixturevalue(which)
    modules = dict(catalogue.modules)
    modules.update(edge_modules(next(m for m in modules.values() if m.modality.needs_travel)))
    table = module_table(modules)
    checked = 0
    for learner in learners_of(catalogue, 12):
        home = learner_home(learner)
        elig = table.eligibility(learner, home)
        for k, (mid, m) in enumerate(modules.items()):
            want = assess(m, learner, home)
            assert elig.is_ok(mid) == want.ok, (mid, learner.id)
            assert elig.preferred(mid) == want.preferred
            if want.ok:
                assert elig.distance(mid) == want.distance_km, (mid, learner.id)
                assert elig.km_int[k] == int(want.distance_km or 0)
                checked += 1
            assert elig[mid] == want
        assert elig.ok_ids == [i for i in modules if assess(modules[i], learner, home).ok]
    assert checked > 100


def test_radius_boundary_is_inclusive(shipped):
    learner = eval_cases(shipped, EVAL_DIR)[0][0]
    home = learner_home(learner)
    m = next(m for m in shipped.modules.values() if m.modality.needs_travel and m.places and not m.sessions)
    d = min(distance_km(home, (p.lat, p.lon)) for p in m.places)
    table = module_table(shipped.modules)
    assert table.eligibility(learner.model_copy(update={"mobility_km": d}), home).is_ok(m.id)
    assert not table.eligibility(learner.model_copy(update={"mobility_km": math.nextafter(d, 0)}), home).is_ok(m.id)


@pytest.mark.parametrize("which", ["shipped", "dense"])
def test_far_radii_as_each_distance_says(which, request):
    catalogue = request.getfixturevalue(which)
    for learner in learners_of(catalogue, 4):
        home = learner_home(learner)
        want = sorted({math.ceil(distance_km(home, (p.lat, p.lon))) for m in catalogue.modules.values()
                       for p in m.places if distance_km(home, (p.lat, p.lon)) > learner.mobility_km})
        assert _far_radii(home, learner.mobility_km, catalogue) == want
        assert want  # some place is always beyond the radius in these catalogues


@pytest.mark.parametrize("which", ["shipped", "dense"])
def test_weights_on_arrays_as_weight_says(which, request):
    catalogue = request.getfixturevalue(which)
    index = catalogue_index(catalogue.modules, load_reference())
    priced = [learner_priced(m) for m in index.effective.modules.values()]
    checked = 0
    for learner in learners_of(catalogue, 6)[:6]:
        home = learner_home(learner)
        elig = index.eligibility(learner, home)
        shared = index.usable(elig)
        for objective in OBJECTIVES:
            for language in (None, "fr", "en"):
                problem = SelectionProblem(shared.modules, [], [], {}, preferred=elig.preferred_view,
                                           distance_km=elig.distance_view, objective=objective, language=language,
                                           shared=shared, eligibility=elig)
                penalty, base = shared.weights(problem)
                for k in np.flatnonzero(elig.ok):
                    m = priced[k]
                    assert int(penalty[k]) * TIER + int(base[k]) == _weight(problem, m, _hours10(m), _eur(m)), (m.id, objective, language)
                    checked += 1
    assert checked > 1000
