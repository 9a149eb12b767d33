"""Fixtures of the progress tests: L01 planned once, and the store on SQLite and on a real PostgreSQL.

The PostgreSQL server is ``pgserver`` (the ``test`` extra: PostgreSQL 16 binaries in a wheel), started once per
session in a temporary folder; each test gets a database of its own. When it cannot start (no wheel for this
platform, no way to run it), the PostgreSQL cases are skipped with the reason, unless
``CURRICULUM_TEST_POSTGRES=required``, which makes them fail instead.
"""

from __future__ import annotations

import itertools
import os
import warnings
from pathlib import Path

import pytest

from tests.conftest import EVAL_DIR

L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def l01_planned(workspace):
    """(profile, plan) of the eval learner L01, planned once by the indexed workspace."""
    from curriculum.learners import load_learner

    profile = load_learner(L01)
    return profile, workspace.plan(profile, file=str(L01))


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A running pgserver PostgreSQL (stopped and deleted at the end of the session)."""
    try:
        with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" (pgserver's lock folder)
            warnings.simplefilter("ignore")
            import pgserver
        import psycopg  # noqa: F401  the driver of postgresql+psycopg URLs
        server = pgserver.get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="delete")
    except Exception as exc:  # noqa: BLE001  any reason it cannot start: report it in the skip
        if os.environ.get("CURRICULUM_TEST_POSTGRES") == "required":
            raise
        pytest.skip(f"PostgreSQL (pgserver) cannot start here: {type(exc).__name__}: {exc}")
    yield server
    server.cleanup()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The SQLAlchemy URL of a new, empty database on the session's PostgreSQL."""
    name = f"curriculum_test_{os.getpid()}_{next(_databases)}"
    postgres_server.psql(f"CREATE DATABASE {name};")
    return postgres_server.get_uri(name).replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    """An empty database: an SQLite file in a temporary folder, then a database on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'programmes.sqlite'}"
    return request.getfixturevalue("postgres_url")
