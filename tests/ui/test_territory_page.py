"""The territory page (``ui/pages/territory.py``) under AppTest: the offline map of a region's basins, their
ranking, and the drill-down from a basin to its jobs and from a job to the modules and sessions it reaches."""

from __future__ import annotations

import json

import pytest

from curriculum.i18n import hours
from curriculum.territory.bmo import read_bmo
from curriculum.territory.demand import write_demand
from tests.territory.conftest import AS_OF, COMMUNES, GEO, WORKBOOK
from tests.ui.conftest import open_page
from tests.ui.rendered_text import page_text


@pytest.fixture
def sample_dir(tmp_path, monkeypatch):
    """A data folder holding the BMO sample (7 basins) as imported, and sessions counted from ``AS_OF``."""
    demand = read_bmo(WORKBOOK, ["D1X33", "G0A40", "G1X72", "G1X77", "B2X32"], communes=COMMUNES, geo=GEO)
    write_demand(demand, tmp_path / "bmo", written="test")
    monkeypatch.setenv("CURRICULUM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CURRICULUM_TODAY", AS_OF.isoformat())
    return tmp_path


def test_region_map_ranking_and_drill_down_to_the_welding_sessions(sample_dir) -> None:
    at = open_page("territory")
    charts = at.get("vega_lite_chart")
    assert charts, "no map"
    spec = json.loads(charts[0].proto.spec)
    assert spec["projection"]["type"] == "mercator" and "url" not in json.dumps(spec)  # no tiles, no fetch
    ranked = at.dataframe[0].value
    assert list(ranked["Rang"]) == list(range(1, 7))  # the sample's 6 basins of Hauts-de-France
    unmet = list(ranked["Non couverts"])
    assert unmet == sorted(unmet, reverse=True)
    assert list(ranked["Bassin"]).index("DUNKERQUE (3218)") < list(ranked["Bassin"]).index("DOUAI (3220)")
    abbeville = ranked[ranked["Bassin"] == "ABBEVILLE PONTHIEU (3201)"].iloc[0]
    assert abbeville["Projets"] != "0"  # welders withheld ("*"): never shown as 0

    at.selectbox(key="terr_basin").set_value("3220")
    at.run()
    assert not at.exception, at.exception
    jobs = at.dataframe[1].value
    welder = jobs[jobs["Métier"] == "Soudeur / Soudeuse MIG MAG"].iloc[0]
    assert (welder["Projets"], welder["Difficiles"], welder["Heures"]) == ("146", "110", hours(217, "fr"))
    at.selectbox(key="terr_job").set_value("mig-mag-welder")
    at.run()
    modules = at.dataframe[2].value
    iso = modules[modules["Module"].str.contains("ISO 9606-1")].iloc[0]
    assert "Douai (6 places)" in iso["Séances accessibles"] and iso["Places accessibles"] == welder["Places accessibles"]
    assert at.caption[-1].value.startswith("Source : France Travail, enquête Besoins en Main-d'Oeuvre (BMO) 2024")


def test_withheld_basin_and_english(sample_dir) -> None:
    at = open_page("territory")
    at.selectbox(key="terr_basin").set_value("3201")
    at.run()
    jobs = at.dataframe[1].value
    welder = jobs[jobs["Métier"] == "Soudeur / Soudeuse MIG MAG"].iloc[0]
    assert (welder["Projets"], welder["Difficiles"]) == ("secret stat.", "secret stat.")
    at.sidebar.radio[0].set_value("en")
    at.run()
    assert not at.exception, at.exception
    jobs = at.dataframe[1].value
    assert "withheld" in set(jobs["Projects"]) and "MIG/MAG welder" in set(jobs["Job"])
    text = page_text(at)
    assert "Basins ranked" in text and "Classement" not in text and "Source : France Travail" in text
