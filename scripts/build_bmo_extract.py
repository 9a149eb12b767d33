"""Build the shipped recruitment-demand extract ``curriculum/data/bmo`` from France Travail's BMO files.

    python scripts/build_bmo_extract.py [--bmo ../shared/data/bmo] [--out curriculum/data/bmo]

Reads ``Base_open_data_BMO_<year>.xlsx``, ``bassin_emploi_communes.csv`` and ``communes_geopoint.csv`` in the
``--bmo`` folder (see ``../shared/data/bmo/README.txt``) and keeps the rows of the FAP 2021 families of the
shipped jobs (``fap_codes`` in ``knowledge_base/jobs/*.yaml``) for every basin, as
``curriculum territory import-bmo`` does (same code, :func:`curriculum.territory.bmo.read_bmo`). The README
beside the extract (attribution, licence, how it is derived) is written by hand; this script checks the figures
it quotes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curriculum.knowledge.catalogue import load_catalogue  # noqa: E402
from curriculum.territory.bmo import read_bmo  # noqa: E402
from curriculum.territory.demand import write_demand  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bmo", type=Path, default=ROOT.parent / "shared" / "data" / "bmo")
    parser.add_argument("--out", type=Path, default=ROOT / "curriculum" / "data" / "bmo")
    args = parser.parse_args()
    workbooks = sorted(args.bmo.glob("Base_open_data_BMO_*.xlsx"))
    if len(workbooks) != 1:
        sys.exit(f"expected one Base_open_data_BMO_<year>.xlsx in {args.bmo}, found {len(workbooks)}")
    jobs = load_catalogue(ROOT / "knowledge_base").jobs.values()
    codes = sorted({c for j in jobs for c in j.fap_codes})
    demand = read_bmo(workbooks[0], codes, communes=args.bmo / "bassin_emploi_communes.csv",
                      geo=args.bmo / "communes_geopoint.csv")
    found = {fap for _, fap in demand.rows}
    if set(codes) - found:
        sys.exit(f"FAP codes of the shipped jobs absent from the BMO file: {sorted(set(codes) - found)}")
    douai, dunkerque = demand.rows[("3220", "D1X33")], demand.rows[("3218", "D1X33")]
    assert (douai.projects.value, douai.difficult.value) == (146, 110), douai  # quoted in README and tests
    assert (dunkerque.projects.value, dunkerque.difficult.value) == (122, 79), dunkerque
    # the build's date, not the clock's: the same inputs give the same files
    written = dt.date.fromtimestamp(workbooks[0].stat().st_mtime).isoformat()
    for path in write_demand(demand, args.out, written=written):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size:,} bytes)")
    placed = sum(b.lat is not None for b in demand.basins.values())
    withheld = sum(r.projects.withheld or r.difficult.withheld for r in demand.rows.values())
    print(f"BMO {demand.year}: {len(demand.basins)} basins ({placed} placed), {len(demand.rows)} rows for "
          f"{len(codes)} FAP codes ({', '.join(codes)}), {withheld} rows with a withheld figure")


if __name__ == "__main__":
    main()
