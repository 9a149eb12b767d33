"""Offline place resolution, great-circle distances, communes and employment basins, and the sanity of a location.

French places ship with the package (``curriculum/data/``, built by ``scripts/build_places.py``; sources and
licences in ``curriculum/data/README.md``): the 15,522 GeoNames places of France with at least 500 inhabitants
(GeoNames, CC BY 4.0; metropolitan France and the five overseas départements), each with the INSEE code of
its commune, its département and its BMO 2024 employment basin; the 34,888 communes' centroids with their
basin (France Travail, BMO 2024, Licence Ouverte 2.0). Read once per process (places about 0.1–0.2 s, communes
about 0.1 s, on first need), nothing written.
Distances are haversine great-circle kilometres. Coordinates are WGS84
decimal degrees.

Area covered (:func:`coordinates_problem`): the product plans for metropolitan France and Europe, and
accepts the five overseas départements (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte: France,
and learners there can follow online modules), each with its own box. Anything else — (0, 0), swapped
lat/lon, the overseas collectivities (Saint-Pierre-et-Miquelon, Saint-Martin, Saint-Barthélemy,
Polynésie, Nouvelle-Calédonie, Wallis-et-Futuna), the Canaries, the Azores — is refused.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple


from curriculum.departements import DEPARTEMENTS, OVERSEAS, REGIONS, Departement, departement_of
from curriculum.errors import InputError


class Box(NamedTuple):
    """A latitude/longitude box in WGS84 degrees (south, north, west, east), bounds included."""

    name: str
    south: float
    north: float
    west: float
    east: float

    def __contains__(self, point: object) -> bool:
        lat, lon = point  # type: ignore[misc]
        return self.south <= lat <= self.north and self.west <= lon <= self.east


EUROPE = Box("Europe", 34.0, 72.0, -25.0, 45.0)
"""Latitude 34° N (Crete, Cyprus) to 72° N (North Cape), longitude 25° W (Iceland) to 45° E (Caucasus).
A sanity box, not a border: it also holds the Maghreb coast and Turkey, which no check here tells apart."""

OVERSEAS_BOXES: dict[str, Box] = {
    "971": Box("Guadeloupe", 15.7, 16.6, -61.9, -60.9),
    "972": Box("Martinique", 14.3, 14.95, -61.3, -60.75),
    "973": Box("Guyane", 2.0, 5.9, -54.7, -51.5),
    "974": Box("La Réunion", -21.45, -20.8, 55.15, 55.9),
    "976": Box("Mayotte", -13.1, -12.55, 44.95, 45.35),
}
"""The five overseas départements (key: their postcode prefix), each with a margin of about 0.1°."""

AREA = "Europe (latitude 34 to 72° N, longitude 25° W to 45° E) and the French overseas départements " \
       "(Guadeloupe, Martinique, Guyane, La Réunion, Mayotte)"


def area_of(lat: float, lon: float) -> str | None:
    """Name of the covered area holding (lat, lon): ``"Europe"``, ``"La Réunion"``…, or None."""
    for box in (EUROPE, *OVERSEAS_BOXES.values()):
        if (lat, lon) in box:
            return box.name
    return None


def coordinates_problem(lat: float | None, lon: float | None) -> str | None:
    """Why (lat, lon) (WGS84 degrees) cannot be a learner's place, or None when they can.

    Both or neither must be given; the point must lie in :data:`EUROPE` or one of
    :data:`OVERSEAS_BOXES` (see the module docstring for what is covered and why).
    """
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return "give both lat and lon (WGS84 decimal degrees), or neither"
    if area_of(lat, lon):
        return None
    hint = ("; lat and lon look swapped" if area_of(lon, lat) else
            "; check that they are WGS84 decimal degrees (e.g. Douai: lat 50.37, lon 3.08)")
    return f"coordinates ({lat:g}, {lon:g}) are outside the area covered: {AREA}{hint}"


def normalise_place_name(name: str) -> str:
    """Lower-case, accents removed, hyphens/apostrophes to spaces, 'st' → 'saint'."""
    text = (name if name.isascii() else unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()).lower()
    for ch in "-'’.":
        text = text.replace(ch, " ")
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in text.split()]
    return " ".join(words)


DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_FILE = DATA_DIR / "places_fr.csv.gz"
"""GeoNames places: name, lat, lon, population, region, insee, departement, basin, alt (normalised alternate
names, ``|``-separated); metropolitan places first, each part most populous first."""
COMMUNES_FILE = DATA_DIR / "communes_fr.csv.gz"
"""Communes: insee, lat, lon (centroid), radius_km (estimated), basin (BMO 2024 code)."""
BASINS_FILE = DATA_DIR / "basins_fr.csv"
"""BMO 2024 employment basins: code, name."""
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius in km (IUGG), the one the ``haversine`` package uses."""


class Place(NamedTuple):
    """A GeoNames place of France. The first four fields keep the order of the former ``[lat, lon,
    population, region]`` entries, so ``place[3]`` is still the region code."""

    lat: float
    lon: float
    population: float
    region: str
    """INSEE region code (GeoNames admin1 for metropolitan France; ``01``–``06`` overseas)."""
    insee: str
    """INSEE code of the commune the place falls in (estimated from commune centroids at build time)."""
    departement: str
    basin: str
    """BMO 2024 employment basin code of that commune."""
    name: str


class CommuneInfo(NamedTuple):
    """Where a place or point lies: its commune (INSEE code), département and BMO 2024 employment basin."""

    insee: str
    departement: str
    basin_code: str
    """BMO 2024 basin code (``BE24`` in France Travail's BMO file), ``""`` where BMO has none."""
    basin_name: str
    """The basin's name as BMO spells it (``DOUAI``, ``ETANG DE BERRE``, ``T1 Paris``), ``""`` if none."""


def _rows(path: Path) -> Iterator[list[str]]:
    import csv  # noqa: PLC0415 - on first use only: importing curriculum.geo stays as cheap as before
    import gzip  # noqa: PLC0415

    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        yield from rows


@lru_cache(maxsize=1)
def _places() -> dict[str, list[Place]]:
    table: dict[str, list[Place]] = {}
    alternates: list[tuple[str, Place]] = []
    metropolitan = True
    for name, lat, lon, population, region, insee, dep, basin, alt in _rows(PLACES_FILE):
        if metropolitan and dep in OVERSEAS:  # the overseas places follow the metropolitan ones
            metropolitan = False
            _add_alternates(table, alternates)
        place = Place(float(lat), float(lon), float(population), region, insee, dep, basin, name)
        table.setdefault(normalise_place_name(name), []).append(place)
        if alt:
            alternates.extend((key, place) for key in alt.split("|"))
    _add_alternates(table, alternates)
    return table


def _add_alternates(table: dict[str, list[Place]], alternates: list[tuple[str, Place]]) -> None:
    """Alternate names after the official ones (the build keeps only keys no official name holds)."""
    for key, place in alternates:
        table.setdefault(key, []).append(place)
    alternates.clear()


def french_places(cache_dir: str | None = None) -> dict[str, list[Place]]:
    """Normalised name → candidate :class:`Place` (``place[0:4]`` = lat, lon, population, region code),
    metropolitan places first (official names, then alternate names), then the overseas ones, each most populous
    first; alternate names only for keys that no official name holds (no metropolitan one, for a metropolitan
    place: "Sainte-Luce" is Sainte-Luce-sur-Loire, then Sainte-Luce in Martinique). Read from the shipped table once per process; ``cache_dir`` is accepted
    for compatibility and no longer used (nothing is cached on disk). Do not modify the returned mapping."""
    return _places()


class _Communes(NamedTuple):
    insee: list[str]
    lat: list[float]
    lon: list[float]
    radius: list[float]
    basin: list[str]
    by_departement: dict[str, list[int]]
    basin_names: dict[str, str]


@lru_cache(maxsize=1)
def _communes() -> _Communes:
    data = _Communes([], [], [], [], [], {}, {})
    for i, (insee, lat, lon, radius, basin) in enumerate(_rows(COMMUNES_FILE)):
        data.insee.append(insee)
        data.lat.append(float(lat))
        data.lon.append(float(lon))
        data.radius.append(float(radius))
        data.basin.append(basin)
        data.by_departement.setdefault(insee[:3] if insee[:2] in ("97", "98") else insee[:2], []).append(i)
    import csv  # noqa: PLC0415

    with BASINS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        data.basin_names.update((code, name) for code, name in rows)
    return data


_CELL_DEG = 0.25


@lru_cache(maxsize=1)
def _grid() -> tuple[dict[tuple[int, int], list[int]], float]:
    """Cells of :data:`_CELL_DEG` degrees → indices of the communes whose centroid lies there; and the largest
    radius (km) of the communes in :data:`EUROPE`, which bounds the search of :func:`basin_of`."""
    data = _communes()
    cells: dict[tuple[int, int], list[int]] = {}
    europe_radius = 0.0
    for i, (lat, lon) in enumerate(zip(data.lat, data.lon)):
        cells.setdefault((math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG)), []).append(i)
        if (lat, lon) in EUROPE:
            europe_radius = max(europe_radius, data.radius[i])
    return cells, europe_radius


def _departement_of_insee(insee: str) -> str:
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine km, :func:`distance_km` without its range checks (hot loops)."""
    la1, lo1, la2, lo2 = math.radians(lat1), math.radians(lon1), math.radians(lat2), math.radians(lon2)
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _near(lat: float, lon: float, km: float) -> Iterator[tuple[int, float]]:
    """(index, km) of the communes whose centroid lies within ``km`` of (lat, lon)."""
    data = _communes()
    cells = _grid()[0]
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 0.01))
    for i in range(math.floor((lat - dlat) / _CELL_DEG), math.floor((lat + dlat) / _CELL_DEG) + 1):
        for j in range(math.floor((lon - dlon) / _CELL_DEG), math.floor((lon + dlon) / _CELL_DEG) + 1):
            for k in cells.get((i, j), ()):
                d = _km(lat, lon, data.lat[k], data.lon[k])
                if d <= km:
                    yield k, d


COMMUNE_SEARCH_KM = 60.0
"""How far (km) :func:`basin_of` looks for commune centroids (the largest communes, in Guyane, reach about 45 km
from theirs)."""
COMMUNE_REACH = 3.0
"""A point belongs to no commune (:func:`basin_of` returns None) when it lies farther than this many radii
from the best commune's centroid: off the coast, abroad beyond the border strip."""


def _info(index: int) -> CommuneInfo:
    data = _communes()
    code = data.basin[index]
    return CommuneInfo(data.insee[index], _departement_of_insee(data.insee[index]), code,
                       data.basin_names.get(code, ""))


def basin_of(lat: float, lon: float) -> CommuneInfo | None:
    """The commune (INSEE code), département and BMO 2024 employment basin of a point (WGS84 degrees), or None
    when no commune is near.

    The commune is the one whose centroid is nearest in units of the commune's estimated radius (km /
    ``radius_km``, as ``scripts/build_places.py`` matches the places: a town centre off its big commune's
    centroid is not handed to a small neighbour). Near a border of communes this is an estimate: about 6 % of
    the GeoNames places have a runner-up scoring within 20 %, mostly in the same basin. For 21 of the 15,522
    places it differs from :func:`place_info` (towns set by hand at build time, as Dunkerque, whose point falls
    to Coudekerque-Branche; places matched within their region only), in another basin for 13.
    """
    data = _communes()
    # first within 15 km: enough when no commune farther away can score better (in Europe, radius ≤ 13 km)
    for reach in ((15.0, COMMUNE_SEARCH_KM) if (lat, lon) in EUROPE else (COMMUNE_SEARCH_KM,)):
        best: tuple[float, int] | None = None
        for k, km in _near(lat, lon, reach):
            score = km / data.radius[k]
            if best is None or score < best[0]:
                best = (score, k)
        if best is not None and best[0] * _grid()[1] <= reach:
            break
    if best is None or best[0] > COMMUNE_REACH:
        return None
    return _info(best[1])


def place_info(city: str | None, postcode: str | None = None, *, cache_dir: str | None = None) -> CommuneInfo | None:
    """The commune, département and BMO 2024 employment basin of the place :func:`resolve_city` resolves
    (the same homonym), or None when the city is unknown. ``cache_dir``: unused, as in :func:`french_places`."""
    place = _place(city, postcode) if city else None
    if place is None:
        return None
    return CommuneInfo(place.insee, place.departement, place.basin, _communes().basin_names.get(place.basin, ""))


def _place(city: str, postcode: str | None, cache_dir: str | None = None) -> Place | None:
    """The candidate place named ``city``: the most populous one in the postcode's département, else in its
    region, else the most populous one (metropolitan first)."""
    candidates = _places().get(normalise_place_name(city))
    if not candidates:
        return None
    dep = departement_of(postcode.strip()) if postcode else None
    if dep is not None:
        for cand in candidates:
            if cand.departement == dep.code:
                return cand
        for cand in candidates:
            if cand.region == dep.region:
                return cand
    return candidates[0]


def resolve_city(city: str | None, postcode: str | None = None, *, cache_dir: str | None = None,
                 file: str | None = None) -> tuple[float, float]:
    """Coordinates (lat, lon, WGS84 degrees) of a French city; among homonyms, the most populous one
    in the postcode's département, else in its region, else the most populous one (metropolitan France
    first). ``cache_dir``: unused, kept for compatibility (the place table ships with the package).

    Raises
    ------
    InputError
        When the city is unknown (names the ``location.city`` field).
    """
    if not city:
        raise InputError("cannot resolve a location without a city (or give lat and lon)",
                         file=file, field="location.city")
    entry = _place(city, postcode)
    if entry is None:
        raise InputError(f"unknown French city {city!r} (postcode {postcode or '-'}); give lat and lon",
                         file=file, field="location.city")
    return entry[0], entry[1]


POSTCODE_TOLERANCE_KM = 30.0
"""How far (km) a city may lie from every commune of its postcode's département before
:func:`postcode_mismatch` warns (postcodes follow post offices, which may serve a neighbouring département's
communes near the border)."""


def km_to_departement(code: str, point: tuple[float, float], *, within: float | None = None) -> float | None:
    """Great-circle km from ``point`` to the nearest commune centroid of département ``code`` (None if the
    département has no commune in the table). With ``within``, stops at the first commune that close."""
    data = _communes()
    best: float | None = None
    lat, lon = point
    for k in data.by_departement.get(code, ()):
        km = _km(lat, lon, data.lat[k], data.lon[k])
        if best is None or km < best:
            best = km
            if within is not None and km <= within:
                break
    return best


def postcode_mismatch(city: str | None, postcode: str | None, coords: tuple[float, float] | None = None,
                      *, country: str = "FR", cache_dir: str | None = None) -> str | None:
    """A warning when ``postcode`` cannot be the postcode of ``city`` (or of ``coords``), else None.

    The postcode gives its département (:func:`departement_of`); the city, resolved by name among its homonyms
    (:func:`resolve_city`), has the département of its commune (INSEE code). They may differ only near the
    border: the warning comes when the city lies more than :data:`POSTCODE_TOLERANCE_KM` km from every commune
    (centroid) of the postcode's département — Lille with 80000 (Somme) warns, a commune with its neighbouring
    département's postcode does not. Given coordinates are checked by the same distance (or, for an overseas
    département, by its box). Only for ``country`` FR. Never raises; a malformed postcode is the model's
    business (:class:`~curriculum.models.learners.Location`).
    """
    if not postcode or (country or "FR").upper() != "FR":
        return None
    dep = departement_of(postcode.strip())
    if dep is None:
        return f"postcode {postcode} matches no French département" if postcode.strip().isdigit() else None
    region_name = REGIONS[dep.region]
    where = f"postcode {postcode} is in {dep.name} ({dep.code}" + (f", {region_name})" if region_name != dep.name else ")")
    place = _place(city, postcode) if city else None
    own = coords is not None and (place is None or (place[0], place[1]) != tuple(coords))  # coordinates given
    origin = "the coordinates given" if own else city
    if place is not None and place.departement != dep.code:
        km = km_to_departement(dep.code, (place.lat, place.lon), within=POSTCODE_TOLERANCE_KM)
        if km is not None and km > POSTCODE_TOLERANCE_KM:
            return (f"{where} but {city} is in {_dep_label(place.departement)}, {km:.0f} km from the nearest commune "
                    f"of {dep.name}: check the address (distances are computed from {origin})")
    if own:
        if dep.code in OVERSEAS:
            if tuple(coords) not in OVERSEAS_BOXES[dep.code]:
                return f"{where} but the coordinates ({coords[0]:g}, {coords[1]:g}) are not: check the address"
        else:
            km = km_to_departement(dep.code, coords, within=POSTCODE_TOLERANCE_KM)
            if km is not None and km > POSTCODE_TOLERANCE_KM:
                return (f"{where} but the coordinates ({coords[0]:g}, {coords[1]:g}) lie {km:.0f} km from the "
                        f"nearest commune of {dep.name}: check the address")
    return None


def _dep_label(code: str) -> str:
    dep: Departement | None = DEPARTEMENTS.get(code)
    return f"{dep.name} ({code})" if dep else code


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in km between two (lat, lon) points in WGS84 degrees, on a sphere of
    the mean Earth radius :data:`EARTH_RADIUS_KM` (IUGG; error ≤ 0.5 % against the ellipsoid).

    Raises
    ------
    ValueError
        When a latitude is outside [-90, 90] or a longitude outside [-180, 180].
    """
    for lat, lon in (a, b):
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"not a (lat, lon) in degrees: ({lat}, {lon})")
    return _km(a[0], a[1], b[0], b[1])


def commune_centres(south: float, west: float, north: float, east: float) -> list[tuple[float, float]]:
    """(lat, lon) of the communes whose centroid lies in the box (WGS84 degrees, edges included), in file
    order; [] when none. A light background of where people live, for maps drawn without map tiles."""
    data = _communes()
    return [(lat, lon) for lat, lon in zip(data.lat, data.lon) if south <= lat <= north and west <= lon <= east]
