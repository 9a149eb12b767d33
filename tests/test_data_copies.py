"""``tests/data`` is self-contained, and identical to ``../shared`` where that reference folder exists."""

from __future__ import annotations

import pytest

from tests.conftest import DATA_DIR, EVAL_DIR, SHARED_DIR, eval_cases

# tests/data/<folder> ← ../shared/<folder>
COPIES = {"eval": "eval", "esco": "data/esco", "rome4": "data/rome4"}


def test_test_data_is_shipped_with_licences() -> None:
    assert len(eval_cases()) >= 8 and (EVAL_DIR.parent / "README.md").is_file()
    for folder in ("esco", "rome4"):
        assert (DATA_DIR / folder / "README.txt").is_file() and (DATA_DIR / folder / "LICENCE.txt").is_file()
        assert sorted(DATA_DIR.joinpath(folder).glob("*.csv")), folder


def test_test_data_matches_shared_when_present() -> None:
    """Extra cross-check on the project's machines; skipped on a plain clone (no ``../shared``)."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} not present (nothing to cross-check)")
    for mine, upstream in COPIES.items():
        src = SHARED_DIR / upstream
        if not src.is_dir():
            continue
        theirs = {p.relative_to(src) for p in src.rglob("*") if p.is_file()}
        ours = {p.relative_to(DATA_DIR / mine) for p in (DATA_DIR / mine).rglob("*") if p.is_file()}
        assert theirs <= ours, f"tests/data/{mine} lacks {sorted(map(str, theirs - ours))}"
        for rel in theirs:
            assert (DATA_DIR / mine / rel).read_bytes() == (src / rel).read_bytes(), f"tests/data/{mine}/{rel} differs"
