"""Recruitment demand by employment basin (France Travail's BMO survey), as the territory map reads it.

The demand lives in a folder of three files (:func:`write_demand` writes them, :func:`load_demand` reads them):

- ``basins.csv`` — ``code, name, region_code, region, lat, lon, communes``: every BMO basin, placed at the
  centroid (WGS84 degrees, 4 decimals) of its communes' centroids (``communes`` of them; ``lat``/``lon`` empty
  for the few basins no commune table places);
- ``demand.csv`` — ``basin, fap, projects, projects_withheld, difficult, difficult_withheld, seasonal,
  seasonal_withheld``: one row per basin and FAP 2021 family (``D1X33`` Soudeurs), each figure the
  sum of the published parts (BMO publishes a basin by département), empty when every part is withheld, its
  ``*_withheld`` flag 1 when at least one part is (statistical secrecy: the figure is then a lower bound, and
  never read as 0);
- ``manifest.json`` — year, attribution, inputs (name, sha256), the FAP families kept with their BMO labels
  (``fap_labels``), when it was written.

The product ships an extract for its jobs' families (``curriculum/data/bmo``, built by
``scripts/build_bmo_extract.py``); ``curriculum territory import-bmo`` writes the same folder under the data
directory (``<data_dir>/bmo``), which wins over the shipped one.
"""

from __future__ import annotations

import csv
import json
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from curriculum.errors import InputError

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data" / "bmo"
"""The extract shipped with the package (France Travail, BMO 2024, for the shipped jobs' families)."""
FOLDER = "bmo"
"""Name of the imported demand's folder under the data directory."""
BASIN_COLUMNS = ("code", "name", "region_code", "region", "lat", "lon", "communes")
DEMAND_COLUMNS = ("basin", "fap", "projects", "projects_withheld", "difficult", "difficult_withheld", "seasonal",
                  "seasonal_withheld")
ATTRIBUTION = "Source : France Travail, enquête Besoins en Main-d'Oeuvre (BMO) {year}"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"


@dataclass(frozen=True)
class Figure:
    """One BMO figure of a basin: ``value`` the sum of its published parts (None when every part is withheld),
    ``withheld`` True when at least one part is withheld by statistical secrecy (``value`` is then a lower
    bound). A count of recruitment projects, not of people."""

    value: int | None
    withheld: bool = False

    def __add__(self, other: "Figure") -> "Figure":
        if self.value is None and other.value is None:
            return Figure(None, self.withheld or other.withheld)
        return Figure((self.value or 0) + (other.value or 0), self.withheld or other.withheld)

    @property
    def known(self) -> int:
        """The published part (0 when none is published): what arithmetic may use, a lower bound if withheld."""
        return self.value or 0

    def text(self) -> str:
        """``146``, ``≥ 12 (part withheld)`` or ``withheld``."""
        if self.value is None:
            return "withheld"
        return f"≥ {self.value} (part withheld)" if self.withheld else str(self.value)


NONE = Figure(None, False)
"""No row: the survey reports no project (the family is absent from the basin's rows)."""


@dataclass(frozen=True)
class Basin:
    """A BMO employment basin: code (``BE24``), name, INSEE region, centroid of its communes (None if unplaced)."""

    code: str
    name: str
    region_code: str
    region: str
    lat: float | None
    lon: float | None
    communes: int = 0

    def as_dict(self) -> dict:
        """``{"code", "name", "region_code", "region", "lat", "lon", "communes"}``."""
        return {"code": self.code, "name": self.name, "region_code": self.region_code, "region": self.region,
                "lat": self.lat, "lon": self.lon, "communes": self.communes}


@dataclass(frozen=True)
class FapDemand:
    """The recruitment projects of one FAP 2021 family in one basin (figures summed over its départements)."""

    basin: str
    fap: str
    label: str
    projects: Figure
    difficult: Figure
    seasonal: Figure


@dataclass
class Demand:
    """Recruitment demand of one BMO year: basins, and per (basin code, FAP code) the family's figures."""

    year: int
    basins: dict[str, Basin]
    rows: dict[tuple[str, str], FapDemand]
    inputs: list[dict] = field(default_factory=list)
    fap_codes: list[str] = field(default_factory=list)
    origin: str = ""
    """Where it was read from: ``shipped`` or the imported folder."""

    @property
    def source(self) -> str:
        """The attribution France Travail requires, with the licence and where this copy comes from."""
        where = "extract shipped with curriculum" if self.origin == "shipped" else f"imported into {self.origin}"
        return f"{ATTRIBUTION.format(year=self.year)} ({LICENCE}; {where})"

    def for_basin(self, code: str) -> dict[str, FapDemand]:
        """FAP code → figures of basin ``code`` (families with a row only)."""
        return {fap: row for (basin, fap), row in self.rows.items() if basin == code}

    def basin(self, ref: str) -> Basin:
        """The basin named by ``ref``: its code (``3220``), its name (``Douai``, accents and case ignored), or a
        part of one name only.

        Raises
        ------
        InputError
            Unknown or ambiguous basin (field ``--basin``), naming candidates.
        """
        ref = ref.strip()
        if ref in self.basins:
            return self.basins[ref]
        key = _norm(ref)
        exact = [b for b in self.basins.values() if _norm(b.name) == key]
        found = exact or [b for b in self.basins.values() if key and key in _norm(b.name)]
        if len(found) == 1:
            return found[0]
        if not found:
            raise InputError(f"no BMO {self.year} employment basin is named or coded {ref!r}; "
                             "give a basin code (e.g. 3220) or name (e.g. Douai)", field="--basin")
        raise InputError(f"{ref!r} matches {len(found)} basins: "
                         + ", ".join(f"{b.name} ({b.code})" for b in sorted(found, key=lambda b: b.name)[:8])
                         + "; give the code", field="--basin")

    def region(self, ref: str) -> tuple[str, str, list[Basin]]:
        """(INSEE code, name, basins by code) of the region named by ``ref`` (its name, accents and case
        ignored, or its INSEE code: ``32`` or ``Hauts-de-France``).

        Raises
        ------
        InputError
            Unknown region (field ``--region``), listing the regions.
        """
        regions = {b.region_code: b.region for b in self.basins.values()}
        key = _norm(ref)
        code = ref.strip() if ref.strip() in regions else next((c for c, n in regions.items() if _norm(n) == key), None)
        if code is None:
            raise InputError(f"unknown region {ref!r}; regions: " + ", ".join(sorted(regions.values())),
                             field="--region")
        basins = sorted((b for b in self.basins.values() if b.region_code == code), key=lambda b: b.code)
        return code, regions[code], basins


def _norm(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    for ch in "-'’.,":
        plain = plain.replace(ch, " ")
    return " ".join(plain.split())


def demand_dir(data_dir: Path | None) -> Path:
    """The folder :func:`load_demand` reads: ``<data_dir>/bmo`` when an import wrote it, else the shipped one."""
    if data_dir is not None and (data_dir / FOLDER / "manifest.json").is_file():
        return data_dir / FOLDER
    return SHIPPED_DIR


def load_demand(data_dir: Path | None = None) -> Demand:
    """The demand of :func:`demand_dir` (read once per folder and version of its files).

    Raises
    ------
    InputError
        When a file of the folder is missing or malformed (naming the file, row and column).
    """
    folder = demand_dir(data_dir)
    stamp = tuple((folder / n).stat().st_mtime_ns if (folder / n).exists() else None
                  for n in ("manifest.json", "basins.csv", "demand.csv"))
    return _load(folder, stamp)


@lru_cache(maxsize=4)
def _load(folder: Path, stamp: tuple) -> Demand:
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        year = int(manifest["year"])
        labels = dict(manifest.get("fap_labels", {}))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable demand manifest ({exc}); re-run `curriculum territory import-bmo`",
                         file=str(manifest_path)) from exc
    basins: dict[str, Basin] = {}
    for line, row in _read(folder / "basins.csv", BASIN_COLUMNS):
        basins[row["code"]] = Basin(row["code"], row["name"], row["region_code"], row["region"],
                                    _float(row, "lat", folder / "basins.csv", line),
                                    _float(row, "lon", folder / "basins.csv", line),
                                    int(_int(row, "communes", folder / "basins.csv", line) or 0))
    rows: dict[tuple[str, str], FapDemand] = {}
    path = folder / "demand.csv"
    for line, row in _read(path, DEMAND_COLUMNS):
        if row["basin"] not in basins:
            raise InputError(f"basin {row['basin']!r} is not in basins.csv", file=str(path), line=line, field="basin")
        figures = [Figure(_int(row, name, path, line), row[f"{name}_withheld"] == "1")
                   for name in ("projects", "difficult", "seasonal")]
        rows[(row["basin"], row["fap"])] = FapDemand(row["basin"], row["fap"], labels.get(row["fap"], row["fap"]),
                                                     *figures)
    origin = "shipped" if folder == SHIPPED_DIR else str(folder)
    return Demand(year, basins, rows, manifest.get("inputs", []), manifest.get("fap_codes", []), origin)


def _read(path: Path, columns: tuple[str, ...]):
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), line=1, field=missing[0])
            for line, row in enumerate(reader, start=2):
                yield line, row
    except OSError as exc:
        raise InputError(f"cannot read the demand file: {exc.strerror or exc}", file=str(path)) from exc


def _int(row: dict, name: str, path: Path, line: int) -> int | None:
    text = row[name].strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError(f"not a count: {text!r}", file=str(path), line=line, field=name)
    return int(text)


def _float(row: dict, name: str, path: Path, line: int) -> float | None:
    text = row[name].strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"not a number: {text!r}", file=str(path), line=line, field=name) from None


def write_demand(demand: Demand, folder: Path, *, written: str) -> list[Path]:
    """Write ``demand`` as the three files of the module docstring into ``folder`` (created); each file is
    written beside and moved into place, the manifest last, so a reader never sees a half-written demand.
    ``written``: ISO timestamp recorded in the manifest. Returns the paths written.

    Raises
    ------
    InputError
        When the folder cannot be written (naming it).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        out = [_write_csv(folder / "basins.csv", BASIN_COLUMNS,
                          ([b.code, b.name, b.region_code, b.region, _num(b.lat), _num(b.lon), b.communes]
                           for b in sorted(demand.basins.values(), key=lambda b: b.code.zfill(6)))),
               _write_csv(folder / "demand.csv", DEMAND_COLUMNS,
                          ([r.basin, r.fap, *_fig(r.projects), *_fig(r.difficult),
                            *_fig(r.seasonal)] for _, r in sorted(demand.rows.items(),
                                                                  key=lambda kv: (kv[0][0].zfill(6), kv[0][1]))))]
        manifest = {"year": demand.year, "attribution": ATTRIBUTION.format(year=demand.year), "licence": LICENCE,
                    "inputs": demand.inputs, "fap_codes": demand.fap_codes,
                    "fap_labels": dict(sorted({r.fap: r.label for r in demand.rows.values()}.items())),
                    "basins": len(demand.basins),
                    "rows": len(demand.rows), "written": written}
        tmp = folder / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, folder / "manifest.json")
    except OSError as exc:
        raise InputError(f"cannot write the demand: {exc.strerror or exc}", file=str(folder)) from exc
    return [*out, folder / "manifest.json"]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _fig(figure: Figure) -> list[object]:
    return ["" if figure.value is None else figure.value, int(figure.withheld)]


def _write_csv(path: Path, columns: tuple[str, ...], rows) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    os.replace(tmp, path)
    return path
