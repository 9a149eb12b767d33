"""Read France Travail's BMO open-data workbook and place its basins: :func:`read_bmo`.

The workbook is the one France Travail publishes (``Base_open_data_BMO_2024.xlsx``): a sheet with the columns
``annee, Code métier BMO, Nom métier BMO, …, REG, NOM_REG, Dept, NomDept, BE24, NOMBE24, met, xmet, smet``, one
row per basin × département × occupation (FAP 2021 family); ``met`` the recruitment projects, ``xmet`` those
judged difficult, ``smet`` the seasonal ones; ``*`` a figure withheld by statistical secrecy (never 0). Column
names are matched without accents or case (``Code metier BMO``); the basin column is the one named ``BE`` and
two digits of the year (``BE24``), its name ``NOMBE`` and the same digits.

Each basin is placed at the mean of its communes' centroids: by default those of the package's commune table
(``curriculum/data/communes_fr.csv.gz``: BMO 2024's commune → basin table and commune centroids), or those of
``bassin_emploi_communes.csv`` (``code_commune_insee, code_bassin_BMO``) and ``communes_geopoint.csv``
(``;``-separated ``Code_Officiel_Commune, latitude, longitude``) as France Travail / the ODIS project
distribute them. One correction: those tables give the Îles du Nord's communes (Saint-Barthélemy 97701,
Saint-Martin 97801; 97123 and 97127 before 2007) the code 102 of Grande-Terre although they name them "BASSIN
ILES DU NORD", the workbook's basin 104: they are placed in 104 (outside the area the planner covers, so 104 gets
no supply), and Grande-Terre's centroid stays in Guadeloupe. Reading the 53,443 rows of 2024 takes about 5 s
(openpyxl, read-only).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

from curriculum.errors import InputError
from curriculum.geo import COMMUNES_FILE
from curriculum.territory.demand import Basin, Demand, FapDemand, Figure

FAP_PATTERN = re.compile(r"^[A-Z][0-9A-Z][A-Z][0-9]{2}$")
"""A BMO occupation code: a FAP 2021 family at the FAP 228 level (``D1X33``), or one of the few codes BMO adds
(banking and insurance, ``QAX01``)."""
ILES_DU_NORD = {"97701": "104", "97801": "104", "97123": "104", "97127": "104"}
"""INSEE code → basin: the Îles du Nord's communes, coded 102 by the commune tables (see the module docstring)."""
_COLUMNS = {"year": "annee", "fap": "code metier bmo", "label": "nom metier bmo", "region_code": "reg",
            "region": "nom_reg", "projects": "met", "difficult": "xmet", "seasonal": "smet"}


def _key(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def read_bmo(path: Path, fap_codes: Iterable[str] | None = None, *, communes: Path | None = None,
             geo: Path | None = None) -> Demand:
    """The demand of a BMO workbook: every basin (placed, see the module docstring), and the rows of the
    families in ``fap_codes`` (all families when None), figures summed over each basin's départements.

    Raises
    ------
    InputError
        When a file cannot be read, a column is missing, or a cell is not what the column holds (naming the
        file, the sheet's row and the column); when the workbook holds several years.
    """
    wanted = set(fap_codes) if fap_codes is not None else None
    rows, basins, year = _read_workbook(path, wanted)
    places = _centroids(communes, geo)
    placed = {code: Basin(code, name, reg, reg_name, *places.get(code, (None, None, 0)))
              for code, (name, reg, reg_name) in basins.items()}
    inputs = [_describe(p) for p in (path, communes, geo) if p is not None]
    if communes is None or geo is None:
        inputs.append({"name": COMMUNES_FILE.name, "note": "the package's commune table (BMO 2024 commune → basin, "
                       "commune centroids)"})
    return Demand(year, placed, rows, inputs, sorted(wanted) if wanted is not None else
                  sorted({fap for _, fap in rows}))


def _describe(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"name": path.name, "sha256": digest.hexdigest()}


def _open_sheet(path: Path):
    import openpyxl  # noqa: PLC0415 - only the import reads workbooks
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"not an Excel workbook (.xlsx) as France Travail publishes the BMO: {exc}",
                         file=str(path)) from None
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        keys = [_key(h) for h in header or ()]
        if "met" in keys and "code metier bmo" in keys:
            return sheet.title, keys, rows
    raise InputError("no sheet with the BMO columns (Code métier BMO, BE.., met, xmet, smet); sheets: "
                     + ", ".join(s.title for s in book.worksheets), file=str(path))


def _read_workbook(path: Path, wanted: set[str] | None):
    title, keys, rows = _open_sheet(path)
    where = f"{path} [{title}]"
    basin_col = next((k for k in keys if re.fullmatch(r"be\d\d", k)), None)
    need = {**_COLUMNS, "basin": basin_col or "be..", "basin_name": f"nom{basin_col}" if basin_col else "nombe.."}
    missing = [name for name in need.values() if name not in keys]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=where, line=1, field=missing[0])
    at = {field: keys.index(name) for field, name in need.items()}
    basins: dict[str, tuple[str, str, str]] = {}
    parts: dict[tuple[str, str], list] = {}
    years: set[int] = set()
    for line, row in enumerate(rows, start=2):
        if not row or all(v is None or v == "" for v in row):
            continue
        cell = lambda f: row[at[f]] if at[f] < len(row) else None  # noqa: E731
        code = _code(cell("basin"), where, line, keys[at["basin"]])
        name = _text(cell("basin_name"), where, line, keys[at["basin_name"]])
        reg = _text(cell("region_code"), where, line, "REG")
        years.add(_year(cell("year"), where, line))
        known = basins.setdefault(code, (name, reg, _text(cell("region"), where, line, "NOM_REG")))
        if known[1] != reg:
            raise InputError(f"basin {code} is in region {known[1]} on an earlier row and {reg} here",
                             file=where, line=line, field="REG")
        fap = _text(cell("fap"), where, line, "Code métier BMO")
        if not FAP_PATTERN.match(fap):
            raise InputError(f"not a FAP 2021 code: {fap!r} (e.g. D1X33)", file=where, line=line,
                             field="Code métier BMO")
        if wanted is not None and fap not in wanted:
            continue
        figures = [_figure(cell(f), where, line, f_name)
                   for f, f_name in (("projects", "met"), ("difficult", "xmet"), ("seasonal", "smet"))]
        entry = parts.get((code, fap))
        label = _text(cell("label"), where, line, "Nom métier BMO")
        parts[(code, fap)] = [label, *figures] if entry is None else \
            [entry[0], *(a + b for a, b in zip(entry[1:], figures))]
    if len(years) > 1:
        raise InputError(f"the workbook holds several years ({', '.join(map(str, sorted(years)))}): "
                         "import one year's file", file=where, field="annee")
    if not years:
        raise InputError("the BMO sheet has no row", file=where, line=2)
    rows_out = {key: FapDemand(key[0], key[1], label, *figs) for key, (label, *figs) in parts.items()}
    return rows_out, basins, years.pop()


def _text(value: object, where: str, line: int, column: str) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InputError("empty cell", file=where, line=line, field=column)
    return text


def _code(value: object, where: str, line: int, column: str) -> str:
    text = _text(value, where, line, column.upper())
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit():
        raise InputError(f"not a basin code: {text!r}", file=where, line=line, field=column.upper())
    return text


def _year(value: object, where: str, line: int) -> int:
    text = _text(value, where, line, "annee")
    try:
        year = int(float(text))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise InputError(f"not a survey year: {text!r}", file=where, line=line, field="annee")
    return year


def _figure(value: object, where: str, line: int, column: str) -> Figure:
    """``"*"`` → withheld; a whole number ≥ 0 (text or number) → its value; anything else is refused."""
    if isinstance(value, str) and value.strip() == "*":
        return Figure(None, True)
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise InputError("empty figure: a count or * (withheld)", file=where, line=line, field=column)
    if isinstance(value, (int, float)):
        number = value
    else:
        try:
            number = float(str(value).strip().replace("\u202f", "").replace(" ", ""))
        except ValueError:
            raise InputError(f"not a count nor * (withheld): {value!r}", file=where, line=line, field=column) from None
    if number < 0 or number != int(number):
        raise InputError(f"not a count (a whole number ≥ 0): {value!r}", file=where, line=line, field=column)
    return Figure(int(number), False)


def _centroids(communes: Path | None, geo: Path | None) -> dict[str, tuple[float, float, int]]:
    """Basin code → (lat, lon, communes): the mean of its communes' centroids, rounded to 4 decimals."""
    shipped_basin: dict[str, str] = {}
    shipped_point: dict[str, tuple[float, float]] = {}
    if communes is None or geo is None:
        with gzip.open(COMMUNES_FILE, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                shipped_basin[row["insee"]] = row["basin"]
                shipped_point[row["insee"]] = (float(row["lat"]), float(row["lon"]))
    basin_of = _commune_basins(communes) if communes is not None else shipped_basin
    point_of = _commune_points(geo) if geo is not None else shipped_point
    sums: dict[str, list[float]] = {}
    for insee, basin in basin_of.items():
        basin = ILES_DU_NORD.get(insee, basin) if basin == "102" else basin
        point = point_of.get(insee)
        if basin and point is not None:
            acc = sums.setdefault(basin, [0.0, 0.0, 0])
            acc[0] += point[0]
            acc[1] += point[1]
            acc[2] += 1
    return {code: (round(la / n, 4), round(lo / n, 4), int(n)) for code, (la, lo, n) in sums.items()}


def _dict_rows(path: Path, delimiter: str, columns: tuple[str, ...]):
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)} (is it '{delimiter}'-separated?)",
                                 file=str(path), line=1, field=missing[0])
            yield from enumerate(reader, start=2)
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", file=str(path)) from None


def _commune_basins(path: Path) -> dict[str, str]:
    """INSEE code → basin code, from ``bassin_emploi_communes.csv``."""
    out = {}
    for line, row in _dict_rows(path, ",", ("code_commune_insee", "code_bassin_BMO")):
        insee, basin = row["code_commune_insee"].strip(), row["code_bassin_BMO"].strip()
        if not basin.isdigit():
            raise InputError(f"not a basin code: {basin!r}", file=str(path), line=line, field="code_bassin_BMO")
        out[insee] = basin
    return out


def _commune_points(path: Path) -> dict[str, tuple[float, float]]:
    """INSEE code → (lat, lon), from ``communes_geopoint.csv``."""
    out = {}
    for line, row in _dict_rows(path, ";", ("Code_Officiel_Commune", "latitude", "longitude")):
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except ValueError:
            field = "latitude" if not _is_float(row["latitude"]) else "longitude"
            raise InputError(f"not a coordinate: {row[field]!r}", file=str(path), line=line, field=field) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(f"not a (lat, lon) in degrees: ({lat}, {lon})", file=str(path), line=line,
                             field="latitude")
        out[row["Code_Officiel_Commune"].strip()] = (lat, lon)
    return out


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
