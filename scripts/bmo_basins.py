"""Name every ``places[].basin`` of the module files after the official BMO 2024 employment basins.

Usage: python scripts/bmo_basins.py [--bmo-dir ../shared/data/bmo] [--write]

Reads France Travail's BMO 2024 geography (``bassin_emploi_communes.csv``: commune INSEE code -> BMO basin,
``communes_geopoint.csv``: commune INSEE code -> latitude/longitude; Licence Ouverte 2.0, "Source : France
Travail, enquête Besoins en Main-d'Oeuvre (BMO) 2024"). Each place of each module is matched to its commune:
the commune whose point is nearest to the place's coordinates among the communes of the postcode's
département (the INSEE code is printed, with the distance, to be checked). The basin label is written exactly
as BMO spells it (e.g. ``DOUAI``, ``ETANG DE BERRE``, ``Seine-Aval``). Without ``--write`` it only reports.
Only the ``basin:`` value inside a place's flow mapping is rewritten; the rest of each file is left byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PLACE = re.compile(r"^(?P<head>\s*- \{city: .*?basin: )(?P<basin>'(?:[^']|'')*'|\"[^\"]*\"|[^,]+)(?P<tail>, lat: .*)$")
# Communes whose official point is not the nearest one to the town centre (merged communes): INSEE code by town.
KNOWN_INSEE = {("Dunkerque", "59140"): "59183", ("Villeneuve-d'Ascq", "59650"): "59009",
               ("Mantes-la-Jolie", "78200"): "78361", ("Oloron-Sainte-Marie", "64400"): "64422"}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


def load(bmo: Path) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[float, float]]]:
    basins = {}
    with (bmo / "bassin_emploi_communes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            basins[row["code_commune_insee"]] = (row["code_bassin_BMO"], row["lib_bassin_BMO"])
    points = {}
    with (bmo / "communes_geopoint.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            points[row["Code_Officiel_Commune"].zfill(5)] = (float(row["latitude"]), float(row["longitude"]))
    return basins, points


def commune(lat: float, lon: float, postcode: str, basins, points) -> tuple[str, float]:
    dep = postcode[:2]
    best = min((c for c in points if c.startswith(dep) and c in basins), key=lambda c: _km((lat, lon), points[c]))
    return best, _km((lat, lon), points[best])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bmo-dir", type=Path, default=ROOT.parent / "shared" / "data" / "bmo")
    ap.add_argument("--kb", type=Path, default=ROOT / "knowledge_base" / "modules")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    basins, points = load(args.bmo_dir)
    seen: dict[tuple[str, str], tuple[str, str, float]] = {}
    changed = 0
    for path in sorted(args.kb.glob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        out = []
        for line in lines:
            m = PLACE.match(line)
            if m:
                place = yaml.safe_load(line.strip()[2:])
                key = (place["city"], str(place["postcode"]))
                if key not in seen:
                    if key in KNOWN_INSEE:
                        code = KNOWN_INSEE[key]
                        dist = _km((place["lat"], place["lon"]), points[code])
                    else:
                        code, dist = commune(place["lat"], place["lon"], key[1], basins, points)
                    seen[key] = (code, basins[code][1], dist)
                label = seen[key][1]
                if m.group("basin").startswith('"'):
                    quoted = '"' + label + '"'
                elif re.fullmatch(r"[A-Za-z][A-Za-z .-]*", label):
                    quoted = label
                else:
                    quoted = "'" + label.replace("'", "''") + "'"
                new = f"{m.group('head')}{quoted}{m.group('tail')}"
                if new != line:
                    changed += 1
                line = new
            out.append(line)
        if args.write:
            path.write_text("\n".join(out), encoding="utf-8")
    for (city, pc), (code, label, dist) in sorted(seen.items()):
        print(f"{city} ({pc}) -> INSEE {code} ({dist:.1f} km) -> BMO basin {label}")
    print(f"{changed} place lines {'rewritten' if args.write else 'to rewrite'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
