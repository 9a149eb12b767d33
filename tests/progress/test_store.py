"""Saved pathways and progress events, on SQLite and on a real PostgreSQL server (#15)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import create_engine, event, inspect

from curriculum.errors import InputError
from curriculum.progress import Completed, Missed, NewCertification, NewSkill, PathwayStore, event_json
from curriculum.progress.events import Cancelled, Dropped

TODAY = dt.date(2027, 3, 1)  # in L01's pathway (2027-01-04 → 2027-06-01): its first steps are behind it


def test_versions_are_kept_and_reload_identical(db_url, l01_planned):
    profile, path = l01_planned
    store = PathwayStore(url=db_url)
    assert store.save("L01", profile, path) == 1
    later = path.model_copy(update={"steps": path.steps[1:], "total_hours": path.total_hours - path.steps[0].hours})
    assert store.save("L01", profile, later, "replanned after a failed practical") == 2

    reopened = PathwayStore(url=db_url)  # a new engine: what was committed, not what a session cached
    first, last = reopened.load("L01", 1), reopened.load("L01")
    assert (first.version, first.reason, last.version, last.reason) == (1, "saved", 2, "replanned after a failed practical")
    assert first.path == path and first.learner == profile  # version 1 not overwritten by version 2
    assert last.path == later and [s.module_id for s in last.path.steps] == [s.module_id for s in path.steps[1:]]
    assert first.target_job == path.target_job.id == "ev-battery-maintenance-technician"
    assert first.created_at.tzinfo is not None and first.created_at <= last.created_at
    assert reopened.list() == [{**reopened.list()[0], "name": "L01", "version": 2, "versions": 2, "learner_id": "L01",
                                "feasible": path.feasible, "events": 0}]

    with pytest.raises(InputError) as missing:
        reopened.load("L02")
    assert missing.value.field == "name" and "L01" in str(missing.value)  # says which exist
    with pytest.raises(InputError) as no_version:
        reopened.load("L01", 3)
    assert no_version.value.field == "version" and "latest: 2" in str(no_version.value)


def test_concurrent_saves_get_distinct_versions(db_url, l01_planned):
    """Two writers (two engines, as two processes) read the same latest version, then both insert it: the
    unique key refuses one, which takes the next number."""
    profile, path = l01_planned
    stores = [PathwayStore(url=db_url), PathwayStore(url=db_url)]
    both_read = threading.Barrier(2, timeout=20)
    inserts: list[str] = []
    waited = threading.local()

    def hold_first_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO PATHWAYS"):
            inserts.append(threading.current_thread().name)
            if not getattr(waited, "done", False):  # each writer's first insert waits for the other's read
                waited.done = True
                both_read.wait()

    for s in stores:
        event.listen(s.engine, "before_cursor_execute", hold_first_insert)
    versions: dict[str, list[int]] = {}

    def writer(store: PathwayStore, label: str) -> None:
        versions[label] = [store.save("L01", profile, path, f"saved by {label}") for _ in range(3)]

    threads = [threading.Thread(target=writer, args=(s, f"w{i}"), name=f"w{i}") for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(versions["w0"] + versions["w1"]) == [1, 2, 3, 4, 5, 6]
    assert len(inserts) > 6  # the first inserts collided: at least one retry happened
    saved = PathwayStore(url=db_url)
    assert [saved.load("L01", v).reason for v in range(1, 7)].count("saved by w0") == 3


def test_events_round_trip_in_order(db_url, l01_planned):
    profile, path = l01_planned
    store = PathwayStore(url=db_url)
    store.save("L01", profile, path)
    first, b1vl = path.steps[0], next(s for s in path.steps if s.certification == "B1VL")
    assert first.start < TODAY and b1vl.start < TODAY
    events = [Completed(module_id=first.module_id, on=first.end, score=81.5),
              Completed(kind="failed", module_id=b1vl.module_id, on=b1vl.end, score=45),
              Missed(module_id=b1vl.module_id, on=b1vl.start, detail={"note": "ill"}, source="ui"),
              Cancelled(module_id=path.steps[3].module_id, on=TODAY), Dropped(module_id=path.steps[2].module_id, on=TODAY),
              NewSkill(skill="http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", level=2,
                       on=TODAY),
              NewCertification(code="BR", on=dt.date(2027, 2, 20))]
    recorded = store.record("L01", events, today=TODAY)
    assert [e.id for e in recorded] == sorted(e.id for e in recorded) and all(e.version == 1 for e in recorded)
    assert (recorded[1].kind, recorded[1].result) == ("completed", "fail")  # failed = completed with result fail
    assert store.save("L01", profile, path, "replanned") == 2  # events stay on the pathway across versions
    stored = PathwayStore(url=db_url).events("L01")
    strip = ("id", "recorded_at", "pathway", "version")
    assert [{k: v for k, v in event_json(e).items() if k not in strip} for e in stored] == \
           [event_json(e) for e in events]  # what was given, as given (nothing of it lost or changed)
    assert stored[5].skill.endswith("96344886e14d") and stored[5].level == 2 and stored[6].code == "BR"
    assert stored[2].detail == {"note": "ill"} and stored[2].source == "ui"
    assert all(e.pathway == "L01" and e.recorded_at.tzinfo for e in stored)
    assert PathwayStore(url=db_url).list()[0]["events"] == 7 and store.events("L02") == []


def test_events_are_checked_against_the_pathway_and_the_catalogue(db_url, l01_planned, workspace):
    profile, path = l01_planned
    store = PathwayStore(url=db_url)
    store.save("L01", profile, path)
    outside = next(m for m in workspace.catalogue.modules if m not in {s.module_id for s in path.steps})
    with pytest.raises(InputError) as unknown:
        store.record("L01", [Completed(module_id=outside, on=TODAY)], today=TODAY)  # no catalogue given
    assert unknown.value.field == "events.0.module_id" and outside in str(unknown.value)
    [ok] = store.record("L01", [Completed(module_id=outside, on=TODAY)], modules=workspace.catalogue.modules,
                        today=TODAY)
    assert ok.module_id == outside
    good = Missed(module_id=path.steps[1].module_id, on=TODAY)
    typo = Missed(module_id=path.steps[1].module_id[:-1] + "x", on=TODAY)
    with pytest.raises(InputError) as bad:
        store.record("L01", [good, typo], modules=workspace.catalogue.modules, today=TODAY)
    assert bad.value.field == "events.1.module_id" and path.steps[1].module_id in str(bad.value)  # close ids
    with pytest.raises(InputError) as future:
        store.record("L01", [good.model_copy(update={"on": TODAY + dt.timedelta(days=1)})], today=TODAY)
    assert future.value.field == "events.0.on"
    with pytest.raises(InputError) as nameless:
        store.record("nobody", [good], today=TODAY)
    assert nameless.value.field == "name"
    assert len(store.events("L01")) == 1  # a refused batch records nothing


def test_one_database_for_programmes_and_pathways(tmp_path, l01_planned, monkeypatch):
    from curriculum.cohort.store import ProgrammeStore, database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    PathwayStore(tmp_path).save("L01", *l01_planned)
    ProgrammeStore(tmp_path)
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'programmes.sqlite'}"  # still importable from cohort
    tables = set(inspect(create_engine(database_url(tmp_path))).get_table_names())
    assert {"pathways", "progress_events", "cohort_programmes"} <= tables


def test_database_url_points_both_stores_at_postgresql(postgres_url, tmp_path, l01_planned, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    assert PathwayStore(tmp_path).save("L01", *l01_planned) == 1
    assert not (tmp_path / "programmes.sqlite").exists()
    tables = set(inspect(create_engine(postgres_url)).get_table_names())
    assert {"pathways", "progress_events"} <= tables
