"""Fixtures of the territory tests: the BMO sample of ``tests/data/bmo`` and the shipped catalogue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR, KB_DIR, SHARED_DIR

BMO_DIR = DATA_DIR / "bmo"
WORKBOOK = BMO_DIR / "Base_open_data_BMO_2024_sample.xlsx"
COMMUNES = BMO_DIR / "bassin_emploi_communes_sample.csv"
GEO = BMO_DIR / "communes_geopoint_sample.csv"
SHARED_BMO = SHARED_DIR / "data" / "bmo"
AS_OF = dt.date(2026, 12, 1)
"""Sessions counted from this day (the shipped catalogue's sessions run in 2027): results do not move with the clock."""


@pytest.fixture(scope="session")
def sample_demand():
    """The sample workbook read for the shipped jobs' FAP families, placed with the sample commune tables."""
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.territory.bmo import read_bmo

    codes = sorted({c for j in load_catalogue(KB_DIR).jobs.values() for c in j.fap_codes})
    return read_bmo(WORKBOOK, codes, communes=COMMUNES, geo=GEO)


@pytest.fixture(scope="session")
def territory_workspace(tmp_path_factory: pytest.TempPathFactory):
    """The shipped knowledge base in a workspace of its own (no vector index: territory plans map no free text)."""
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    return Workspace.open(Settings.from_env(data_dir=tmp_path_factory.mktemp("territory"), kb_dir=KB_DIR,
                                            llm_model=""))


def shared_bmo() -> Path:
    """``../shared/data/bmo``, or skip the test when the reference folder is absent."""
    if not (SHARED_BMO / "Base_open_data_BMO_2024.xlsx").is_file():
        pytest.skip(f"{SHARED_BMO} not present (nothing to cross-check)")
    return SHARED_BMO
