"""Places of LHEO offers: an ``<adresse>`` (of ``lieu-de-formation`` or ``adresse-inscription``) to a
``Module.places`` entry.

The address's ``geolocalisation`` (``latitude``/``longitude``, WGS84 decimal degrees, "47.872" or
"47,872") is preferred; coordinates outside the covered area (:func:`curriculum.geo.coordinates_problem`,
e.g. swapped) are reported and replaced by the town resolved in the shipped gazetteer
(:func:`curriculum.geo.resolve_city`, the homonym in the postcode's département first), as is a
missing ``geolocalisation``. Results are memoised per (town, postcode, coordinates): a regional feed
names the same towns thousands of times.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from curriculum.errors import InputError
from curriculum.geo import coordinates_problem, resolve_city
from curriculum.knowledge.lheo_offer import text_of

Report = Callable[[str, str, Element], None]
REGIONS = {"01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
           "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
           "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
           "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
           "93": "Provence-Alpes-Côte d'Azur", "94": "Corse"}
"""INSEE codes of the regions (since 2016), as LHEO's ``<region>`` gives them; a name is kept as written."""


def _degrees(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").strip()) if text and text.strip() else None
    except ValueError:
        return None


def _region(text: str) -> str | None:
    if text.isdigit():
        return REGIONS.get(text.zfill(2))
    return text or None


class Places:
    """Resolves addresses to place dicts (``city``, ``postcode``, ``region``, ``lat``, ``lon``);
    ``cache_dir`` is passed to :func:`resolve_city` (unused by the shipped gazetteer)."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir
        self._memo: dict[tuple, tuple[dict | None, str | None, str | None]] = {}

    def of(self, adresse: Element | None, where: str, report: Report) -> dict | None:
        """The place of ``adresse`` (an ``<adresse>`` element), or None (reported through
        ``report(field, message, element)``) when it has neither usable coordinates nor a known town."""
        if adresse is None:
            return None
        city, postcode = text_of(adresse, "ville"), text_of(adresse, "codepostal") or None
        lat_text, lon_text = text_of(adresse, "geolocalisation/latitude"), text_of(adresse, "geolocalisation/longitude")
        key = (city, postcode, lat_text, lon_text)
        if key not in self._memo:
            self._memo[key] = self._resolve(city, postcode, lat_text, lon_text, _region(text_of(adresse, "region")))
        place, field, problem = self._memo[key]
        if problem:
            report(f"{where}/coordonnees/adresse/{field}" if where.endswith("lieu-de-formation")
                   else f"{where}/adresse/{field}", problem, adresse)
        return dict(place) if place else None

    def _resolve(self, city: str, postcode: str | None, lat_text: str, lon_text: str,
                 region: str | None) -> tuple[dict | None, str | None, str | None]:
        lat, lon = _degrees(lat_text), _degrees(lon_text)
        field, problem = None, None
        if lat_text or lon_text:
            why = coordinates_problem(lat, lon) if lat is not None and lon is not None else \
                f"geolocalisation ({lat_text!r}, {lon_text!r}) is not a pair of decimal degrees"
            if why is None:
                return {"city": city or f"{lat:.4f}, {lon:.4f}", "postcode": postcode, "region": region,
                        "lat": lat, "lon": lon}, None, None
            field, problem = "geolocalisation", f"{why}; the town is used instead"
        if not city:
            return None, field or "ville", (problem or "") + ("; " if problem else "") + "the address has no town (ville)"
        try:
            lat, lon = resolve_city(city, postcode, cache_dir=self.cache_dir)
        except InputError as exc:
            return None, "ville", (f"{problem}; " if problem else "") + exc.message
        return {"city": city, "postcode": postcode, "region": region, "lat": lat, "lon": lon}, field, problem
