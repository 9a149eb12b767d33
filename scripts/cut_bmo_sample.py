"""Cut the BMO test sample ``tests/data/bmo`` from France Travail's files (``../shared/data/bmo``).

    python scripts/cut_bmo_sample.py [--bmo ../shared/data/bmo] [--out tests/data/bmo]

Keeps, unchanged, the data rows of :data:`BASINS` for the FAP families of the shipped jobs plus the rows of
:data:`OTHER_FAP` (occupations no job maps to, to check they are left out), with the workbook's two sheets and
header; the lines of ``bassin_emploi_communes.csv`` and ``communes_geopoint.csv`` for those basins' communes
(so their centroids are the full files' ones). See ``tests/data/bmo/README.txt``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASINS = {3220, 3218, 3221, 3227, 3201, 3204, 1117}
"""Douai, Dunkerque, Valenciennes, Lens, Abbeville Ponthieu (welders withheld: "*"), Saint-Quentin (welders 8,
difficult "*"), Marne-la-Vallée (two départements, one withheld)."""
OTHER_FAP = {"A0X40", "QCX01"}
"""Agriculteurs, and a banking code (BMO's own Q..X.. codes): no shipped job maps to them."""


def main() -> None:
    import openpyxl

    from curriculum.knowledge.catalogue import load_catalogue

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bmo", type=Path, default=ROOT.parent / "shared" / "data" / "bmo")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "bmo")
    args = parser.parse_args()
    faps = {c for j in load_catalogue(ROOT / "knowledge_base").jobs.values() for c in j.fap_codes} | OTHER_FAP
    source = openpyxl.load_workbook(args.bmo / "Base_open_data_BMO_2024.xlsx", read_only=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    kept = 0
    for sheet in source.worksheets:
        out = book.create_sheet(sheet.title)
        for k, row in enumerate(sheet.iter_rows(values_only=True)):
            if sheet.title != "BMO_2024_open_data" or k == 0 or (row[9] in BASINS and row[1] in faps):
                out.append(list(row))
                kept += sheet.title == "BMO_2024_open_data" and k > 0
    args.out.mkdir(parents=True, exist_ok=True)
    book.save(args.out / "Base_open_data_BMO_2024_sample.xlsx")
    codes = {str(b) for b in BASINS}
    lines = (args.bmo / "bassin_emploi_communes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    communes = [lines[0]] + [ln for ln in lines[1:] if ln.split(",")[3] in codes]
    (args.out / "bassin_emploi_communes_sample.csv").write_text("".join(communes), encoding="utf-8")
    insee = {ln.split(",")[2] for ln in communes[1:]}
    lines = (args.bmo / "communes_geopoint.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    points = [lines[0]] + [ln for ln in lines[1:] if ln.split(";")[3] in insee]
    (args.out / "communes_geopoint_sample.csv").write_text("".join(points), encoding="utf-8")
    print(f"{kept} BMO rows, {len(communes) - 1} communes, {len(points) - 1} commune points -> {args.out}")


if __name__ == "__main__":
    main()
