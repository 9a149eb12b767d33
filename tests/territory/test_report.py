"""Supply against demand: a basin's jobs, what its centroid reaches, the region's ranking (shipped catalogue)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from curriculum.errors import InputError
from curriculum.geo import distance_km
from curriculum.planner.eligibility import session_window
from curriculum.planner.pathway import plan_pathway
from curriculum.territory.report import Territory, families
from tests.territory.conftest import AS_OF

WELDING = "welding"


@pytest.fixture(scope="module")
def view(territory_workspace, sample_demand) -> Territory:
    return Territory(territory_workspace.catalogue, territory_workspace.mapper(False), sample_demand)


def _job(report: dict, job_id: str) -> dict:
    return next(j for j in report["jobs"] if j["job_id"] == job_id)


def _welding_places_within(catalogue, point, km) -> set[str]:
    """Brute force: cities within ``km`` of ``point`` where a welding module is taught."""
    return {p.city for m in catalogue.modules.values() if m.domain == WELDING for p in m.places
            if distance_km(point, (p.lat, p.lon)) <= km}


def test_douai_welders_against_the_welding_sessions_it_reaches(view, sample_demand, territory_workspace) -> None:
    report = view.basin(sample_demand.basin("Douai"), 50, AS_OF)
    centre = (report["basin"]["lat"], report["basin"]["lon"])
    welder = _job(report, "mig-mag-welder")
    assert (welder["recruitment_projects"], welder["difficult_projects"], welder["withheld"]) == (146, 110, False)
    assert welder["fap_codes"] == ["D1X33"] and welder["fap"][0]["label"] == "Soudeurs"
    cat = territory_workspace.catalogue
    assert _welding_places_within(cat, centre, 50)  # Douai teaches welding
    counted = [m for m in welder["modules"] if m["counted"]]
    assert counted and all(cat.modules[m["module_id"]].domain == WELDING for m in counted)
    # every session counted is dated after the day asked, has seats, and lies within the radius
    sessions = [(m["module_id"], s) for m in counted for s in m["sessions"]]
    assert welder["sessions_reachable"] == len(sessions) > 0
    assert welder["seats_reachable"] == sum(s["seats"] for _, s in sessions)
    for mid, s in sessions:
        place = next(p for p in cat.modules[mid].places if p.city == s["place"])
        assert distance_km(centre, (place.lat, place.lon)) <= 50 and s["seats"] > 0
        assert dt.date.fromisoformat(s["start"]) >= AS_OF
    # ... and they are exactly the dated welding sessions within reach (brute force over the catalogue)
    window = session_window(view.supply.typical(centre, 50, AS_OF))
    expected = {(m.id, s.start.isoformat(), s.place) for m in cat.modules.values() if m.domain == WELDING
                for s in m.sessions if s.seats > 0 and AS_OF <= s.start and s.end <= window
                and any(p.city == s.place and distance_km(centre, (p.lat, p.lon)) <= 50 for p in m.places)}
    assert expected == {(mid, s["start"], s["place"]) for mid, s in sessions}
    assert welder["programme_complete"] and welder["skills_untaught"] == [] and welder["hours_to_job"] > 0
    assert welder["unmet_difficult"] == max(0, 110 - welder["seats_reachable"])
    assert welder["difficult_per_seat"] == pytest.approx(110 / welder["seats_reachable"], abs=0.01)


def test_hours_to_job_is_the_planners_standard_programme(view, sample_demand, territory_workspace) -> None:
    report = view.basin(sample_demand.basin("3220"), 50, AS_OF)
    welder = _job(report, "mig-mag-welder")
    person = view.supply.typical((report["basin"]["lat"], report["basin"]["lon"]), 50, AS_OF)
    assert person.skills == [] and person.certifications == [] and person.mobility_km == 50
    path = plan_pathway(person, territory_workspace.catalogue.jobs["mig-mag-welder"], territory_workspace.catalogue,
                        territory_workspace.mapper(False), ignore_held=True)
    assert welder["hours_to_job"] == path.total_hours
    assert welder["programme_modules"] == [s.module_id for s in path.steps]


def test_dunkerque_welders_reach_no_welding_within_50_km(view, sample_demand, territory_workspace) -> None:
    report = view.basin(sample_demand.basin("DUNKERQUE"), 50, AS_OF)
    centre = (report["basin"]["lat"], report["basin"]["lon"])
    assert not _welding_places_within(territory_workspace.catalogue, centre, 50)
    welder = _job(report, "mig-mag-welder")
    assert (welder["recruitment_projects"], welder["difficult_projects"]) == (122, 79)
    assert welder["sessions_reachable"] == welder["seats_reachable"] == 0
    assert not welder["programme_complete"] and welder["hours_to_job"] is None
    assert "perform metal active gas welding" in {s["label"] for s in welder["skills_untaught"]}
    assert welder["unmet_difficult"] == 79 and welder["difficult_per_seat"] is None
    # a wider radius reaches Douai's welding centre (≈ 70 km away): the programme becomes complete
    wide = _job(view.basin(sample_demand.basin("3218"), 100, AS_OF), "mig-mag-welder")
    assert wide["programme_complete"] and wide["skills_untaught"] == [] and wide["seats_reachable"] > 0
    assert wide["unmet_difficult"] < 79


def test_withheld_demand_shows_withheld_not_zero(view, sample_demand) -> None:
    abbeville = view.basin(sample_demand.basin("Abbeville"), 50, AS_OF)
    welder = _job(abbeville, "mig-mag-welder")
    assert welder["recruitment_projects"] is None and welder["difficult_projects"] is None and welder["withheld"]
    assert '"recruitment_projects": null' in json.dumps(welder)
    assert welder["unmet_difficult"] == 0 and welder["difficult_per_seat"] is None
    saint_quentin = _job(view.basin(sample_demand.basin("Saint Quentin"), 50, AS_OF), "tig-welder")
    assert (saint_quentin["recruitment_projects"], saint_quentin["difficult_projects"]) == (8, None)
    assert saint_quentin["projects_withheld"] is False and saint_quentin["difficult_withheld"] is True


def test_jobs_sharing_a_family_are_counted_once(view, sample_demand) -> None:
    fams = families(list(view.catalogue.jobs.values()))
    welders = next(f for f in fams if "D1X33" in f[0])
    assert welders == (["D1X33"], ["mig-mag-welder", "tig-welder"])
    assert sorted(c for codes, _ in fams for c in codes) == sorted({c for j in view.catalogue.jobs.values()
                                                                   for c in j.fap_codes})
    report = view.basin(sample_demand.basin("Douai"), 50, AS_OF)
    family = next(f for f in report["families"] if f["fap_codes"] == ["D1X33"])
    assert family["difficult_projects"] == 110  # not 220: both welder jobs read the same D1X33 row
    assert family["seats_reachable"] == max(_job(report, j)["seats_reachable"] for j in ("mig-mag-welder", "tig-welder")
                                            if _job(report, j)["programme_complete"])
    assert report["unmet_difficult"] == sum(f["unmet_difficult"] for f in report["families"])
    assert report["recruitment_projects"] == sum(f["recruitment_projects"] or 0 for f in report["families"])


def test_region_ranks_its_basins_by_unmet_difficult_demand(view, sample_demand) -> None:
    region = view.region("hauts-de-france", 50, AS_OF)
    assert region["region"] == {"code": "32", "name": "Hauts-de-France"}
    codes = [b["code"] for b in region["basins"]]
    assert sorted(codes) == ["3201", "3204", "3218", "3220", "3221", "3227"]  # not 1117 (Île-de-France)
    unmet = [b["unmet_difficult"] for b in region["basins"]]
    assert unmet == sorted(unmet, reverse=True) and unmet[0] > 0
    for b in region["basins"]:
        alone = view.basin(sample_demand.basins[b["code"]], 50, AS_OF, modules=False)
        assert b["unmet_difficult"] == alone["unmet_difficult"]
    assert codes.index("3218") < codes.index("3220")  # Dunkerque reaches far less training than Douai
    assert view.region("32", 50, AS_OF)["basins"] == region["basins"]
    with pytest.raises(InputError, match="unknown region") as err:
        view.region("Atlantis")
    assert err.value.field == "--region"


def test_unplaced_basin_gets_demand_without_supply(view, sample_demand) -> None:
    lost = dataclasses.replace(sample_demand.basins["3220"], lat=None, lon=None)
    report = view.basin(lost, 50, AS_OF)
    welder = _job(report, "mig-mag-welder")
    assert welder["recruitment_projects"] == 146 and welder["sessions_reachable"] is None
    assert report["warnings"] and "cannot be placed" in report["warnings"][0]
    far = dataclasses.replace(sample_demand.basins["3220"], lat=17.99, lon=-62.94)  # the Îles du Nord
    assert "outside the area" in view.basin(far, 50, AS_OF)["warnings"][0]


def test_basin_names_and_codes(sample_demand) -> None:
    assert sample_demand.basin("3220").name == "DOUAI"
    assert sample_demand.basin("marne-la-vallée").code == "1117"
    with pytest.raises(InputError, match="no BMO 2024 employment basin") as err:
        sample_demand.basin("Brest")
    assert err.value.field == "--basin"
    assert sample_demand.basin("lens").code == "3227"  # a name, case ignored
    with pytest.raises(InputError, match="matches 3 basins") as err:
        sample_demand.basin("en")  # LENS, SAINT QUENTIN, VALENCIENNES
    assert "give the code" in str(err.value)
