"""Reading France Travail's BMO workbook, placing basins, the demand folder and the shipped extract."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil

import openpyxl
import pytest

from curriculum.errors import InputError
from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.territory.bmo import read_bmo
from curriculum.territory.demand import SHIPPED_DIR, Figure, load_demand, write_demand
from tests.conftest import KB_DIR
from tests.territory.conftest import COMMUNES, GEO, WORKBOOK, shared_bmo


def test_welders_of_douai_and_dunkerque_as_published(sample_demand) -> None:
    douai, dunkerque = sample_demand.rows[("3220", "D1X33")], sample_demand.rows[("3218", "D1X33")]
    assert (douai.label, douai.projects, douai.difficult, douai.seasonal) == \
        ("Soudeurs", Figure(146), Figure(110), Figure(43))
    assert (dunkerque.projects, dunkerque.difficult) == (Figure(122), Figure(79))
    assert dunkerque.seasonal == Figure(None, True)  # "*": withheld, not 0
    assert sample_demand.year == 2024 and sample_demand.basins["3220"].region == "Hauts-de-France"


def test_withheld_figures_are_never_zero(sample_demand) -> None:
    abbeville = sample_demand.rows[("3201", "D1X33")]  # "*" in every column
    assert abbeville.projects == abbeville.difficult == Figure(None, True)
    assert abbeville.projects.known == 0 and abbeville.projects.text() == "withheld"
    saint_quentin = sample_demand.rows[("3204", "D1X33")]  # 8 projects, difficult "*"
    assert saint_quentin.projects == Figure(8) and saint_quentin.difficult == Figure(None, True)
    # Marne-la-Vallée spans two départements: 37 in Seine-et-Marne, "*" in Essonne → at least 37
    marne = sample_demand.rows[("1117", "D1X33")]
    assert marne.projects == Figure(37, True) and marne.projects.text() == "≥ 37 (part withheld)"


def test_only_the_jobs_families_are_kept(sample_demand) -> None:
    faps = {fap for _, fap in sample_demand.rows}
    assert "A0X40" not in faps and "QCX01" not in faps
    everything = read_bmo(WORKBOOK, None, communes=COMMUNES, geo=GEO)
    assert {"A0X40", "QCX01"} <= {fap for _, fap in everything.rows}
    assert everything.rows[("3220", "QCX01")].projects == Figure(64)
    assert len(everything.basins) == len(sample_demand.basins) == 7  # every basin, demand or not


def test_basins_sit_at_their_communes_centroid(sample_demand) -> None:
    rows = list(csv.DictReader(GEO.open(encoding="utf-8"), delimiter=";"))
    douai_insee = {r["code_commune_insee"] for r in csv.DictReader(COMMUNES.open(encoding="utf-8"))
                   if r["code_bassin_BMO"] == "3220"}
    points = [(float(r["latitude"]), float(r["longitude"])) for r in rows if r["Code_Officiel_Commune"] in douai_insee]
    douai = sample_demand.basins["3220"]
    assert douai.communes == len(points) == 65
    assert (douai.lat, douai.lon) == pytest.approx((sum(p[0] for p in points) / 65, sum(p[1] for p in points) / 65),
                                                   abs=1e-4)
    assert distance_km((douai.lat, douai.lon), (50.3714, 3.08)) < 10  # near the town of Douai
    # the package's commune table (built from the same files) places basins alike
    default = read_bmo(WORKBOOK, ["D1X33"])
    for code, basin in sample_demand.basins.items():
        assert distance_km((basin.lat, basin.lon), (default.basins[code].lat, default.basins[code].lon)) < 0.05


def test_demand_folder_round_trip_wins_over_the_shipped_one(sample_demand, tmp_path) -> None:
    assert load_demand(tmp_path).origin == "shipped"
    write_demand(sample_demand, tmp_path / "bmo", written="2026-12-01T00:00:00+00:00")
    back = load_demand(tmp_path)
    assert back.origin == str(tmp_path / "bmo") and back.year == 2024
    assert back.rows == sample_demand.rows and back.basins == sample_demand.basins
    cells = {(r["basin"], r["fap"]): r for r in csv.DictReader((tmp_path / "bmo" / "demand.csv").open())}
    assert cells[("3201", "D1X33")]["projects"] == "" and cells[("3201", "D1X33")]["projects_withheld"] == "1"
    assert "France Travail" in back.source and "BMO) 2024" in back.source


def _copy(tmp_path, edit):
    book = openpyxl.load_workbook(WORKBOOK)
    edit(book["BMO_2024_open_data"])
    path = tmp_path / "bmo.xlsx"
    book.save(path)
    return path


def test_bad_cells_are_named_by_row_and_column(tmp_path) -> None:
    def bad_figure(sheet):
        sheet.cell(row=5, column=13).value = "12a"  # xmet

    with pytest.raises(InputError) as err:
        read_bmo(_copy(tmp_path, bad_figure), None)
    assert err.value.line == 5 and err.value.field == "xmet" and "bmo.xlsx" in err.value.file

    def negative(sheet):
        sheet.cell(row=3, column=12).value = "-4"

    with pytest.raises(InputError, match="whole number") as err:
        read_bmo(_copy(tmp_path, negative), None)
    assert (err.value.line, err.value.field) == (3, "met")

    def no_column(sheet):
        sheet.cell(row=1, column=13).value = "difficult"

    with pytest.raises(InputError, match="missing column") as err:
        read_bmo(_copy(tmp_path, no_column), None)
    assert err.value.field == "xmet" and err.value.line == 1

    def two_years(sheet):
        sheet.cell(row=4, column=1).value = 2023

    with pytest.raises(InputError, match="several years"):
        read_bmo(_copy(tmp_path, two_years), None)


def test_unreadable_inputs_name_the_file(tmp_path) -> None:
    with pytest.raises(InputError, match="not an Excel workbook") as err:
        read_bmo(COMMUNES, None)
    assert err.value.file == str(COMMUNES)
    with pytest.raises(InputError, match="no such file"):
        read_bmo(tmp_path / "missing.xlsx", None)
    geo = tmp_path / "geo.csv"
    lines = GEO.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[3].split(";")
    cells[4] = "fifty"  # latitude of the third commune
    geo.write_text("".join([*lines[:3], ";".join(cells), *lines[4:]]), encoding="utf-8")
    with pytest.raises(InputError, match="not a coordinate") as err:
        read_bmo(WORKBOOK, ["D1X33"], communes=COMMUNES, geo=geo)
    assert (err.value.field, err.value.line, err.value.file) == ("latitude", 4, str(geo))
    comma = tmp_path / "communes.csv"
    comma.write_text(COMMUNES.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    with pytest.raises(InputError, match="missing column") as err:
        read_bmo(WORKBOOK, ["D1X33"], communes=comma, geo=GEO)
    assert err.value.field == "code_commune_insee"


def test_shipped_extract_covers_every_job_family_and_basin() -> None:
    shipped = load_demand(None)
    codes = {c for j in load_catalogue(KB_DIR).jobs.values() for c in j.fap_codes}
    assert shipped.origin == "shipped" and codes == set(shipped.fap_codes)
    assert codes <= {fap for _, fap in shipped.rows}
    assert len(shipped.basins) == 406 and sum(b.lat is not None for b in shipped.basins.values()) >= 403
    assert (shipped.rows[("3220", "D1X33")].projects, shipped.rows[("3220", "D1X33")].difficult) == \
        (Figure(146), Figure(110))
    assert (shipped.rows[("3218", "D1X33")].projects, shipped.rows[("3218", "D1X33")].difficult) == \
        (Figure(122), Figure(79))
    assert any(r.projects == Figure(None, True) for r in shipped.rows.values())
    readme = (SHIPPED_DIR / "README.md").read_text(encoding="utf-8")
    assert "Source : France Travail, enquête Besoins en Main-d'Oeuvre (BMO) 2024" in readme
    assert "Licence Ouverte" in readme


def test_every_job_family_is_a_fap_2021_family_of_bmo() -> None:
    """The jobs' codes are FAP 2021 families with the label BMO gives them (the DARES label list when present)."""
    labels = json.loads((SHIPPED_DIR / "manifest.json").read_text(encoding="utf-8"))["fap_labels"]
    for job in load_catalogue(KB_DIR).jobs.values():
        assert job.fap_codes, job.id
        assert any(s.startswith("FAP 2021 " + ", ".join(job.fap_codes)) for s in job.sources), job.id
        assert all(c in labels for c in job.fap_codes)
    welders = load_catalogue(KB_DIR).jobs["mig-mag-welder"]
    assert welders.fap_codes == ["D1X33"] and labels["D1X33"] == "Soudeurs"
    try:
        folder = shared_bmo()
    except pytest.skip.Exception:
        return
    dares = {r["Code_FAP228"]: r["Intitulé_FAP228"].strip()
             for r in csv.DictReader((folder / "fap2021_intitules.csv").open(encoding="utf-8-sig"), delimiter=";")}
    for code, label in labels.items():
        assert dares[code] == label.strip(), code


def test_shipped_extract_is_the_import_of_the_shared_files(tmp_path) -> None:
    """Cross-check against ``../shared/data/bmo`` (skipped without it): same inputs, same rows and basins."""
    folder = shared_bmo()
    manifest = json.loads((SHIPPED_DIR / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["inputs"]:
        assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"], entry["name"]
    codes = sorted({c for j in load_catalogue(KB_DIR).jobs.values() for c in j.fap_codes})
    fresh = read_bmo(folder / "Base_open_data_BMO_2024.xlsx", codes, communes=folder / "bassin_emploi_communes.csv",
                     geo=folder / "communes_geopoint.csv")
    write_demand(fresh, tmp_path / "bmo", written="x")
    for name in ("basins.csv", "demand.csv"):
        assert (tmp_path / "bmo" / name).read_bytes() == (SHIPPED_DIR / name).read_bytes(), name
    shutil.rmtree(tmp_path / "bmo")
