"""The services shared by the CLI and the UI (curriculum/progress/service.py) and the report's reasons as data (#15):
L01 saved, a completion and a failed B1VL practical recorded as of 2027-02-17, then a re-plan."""

from __future__ import annotations

import datetime as dt

import pytest

from curriculum.errors import InputError
from curriculum.progress import PathwayStore, parse_event
from curriculum.progress.report import progress_report
from curriculum.progress.service import (cohorts, pathway_badges, pathway_versions, record_progress, replan_pathway,
                                         save_pathway, step_events)

TODAY = dt.date(2027, 2, 17)


@pytest.fixture
def saved(tmp_path, l01_planned):
    """(store, name, plan) with L01 saved as ``douai/L01`` in a database of its own."""
    store = PathwayStore(url=f"sqlite:///{tmp_path / 'service.sqlite'}")
    profile, path = l01_planned
    stored = save_pathway(store, " douai/L01 ", profile, path)
    assert (stored.name, stored.version, stored.reason) == ("douai/L01", 1, "saved")
    return store, stored.name, path


def _events(path):
    first, b1 = path.steps[0], next(s for s in path.steps if s.module_id == "ev-habilitation-b1vl")
    return first, b1, [parse_event({"kind": "completed", "module_id": first.module_id, "on": first.end, "score": 78}),
                       parse_event({"kind": "failed", "module_id": b1.module_id, "on": b1.end})]


def test_record_report_reasons_replan_versions(saved, workspace) -> None:
    store, name, path = saved
    first, b1, events = _events(path)
    done = record_progress(workspace, store, name, events, today=TODAY)
    assert [e.version for e in done.events] == [1, 1] and done.badges == [] and done.badge_error is None
    assert pathway_badges(workspace.settings.data_dir, name + "-none") == []

    applied = step_events(path, store.events(name))
    assert set(applied) == {first.module_id, b1.module_id} and applied[b1.module_id].result == "fail"

    row = progress_report(store, TODAY, "douai")[0]
    assert row["status"] == "at_risk"
    assert row["reasons"] == [{"code": "failed", "module_id": b1.module_id, "on": str(b1.end)}]
    assert row["why"] == f"failed {b1.module_id} on {b1.end} (not re-planned yet)"

    again = replan_pathway(workspace, store, name, TODAY)
    assert again.version == 2 and again.events == 2 and again.kept[0] == first.module_id
    assert again.reason == f"replanned on {TODAY} after 2 event(s)" and again.previous.steps == path.steps
    retake = next(s for s in again.path.steps if s.module_id == b1.module_id)
    assert retake.start > TODAY
    # the failure of the earlier session no longer applies to the re-booked step; the pass still does
    applied = step_events(again.path, store.events(name))
    assert set(applied) == {first.module_id}
    assert [v.version for v in pathway_versions(store, name)] == [1, 2]
    after = progress_report(store, TODAY, "douai")[0]
    assert after["status"] == "on_track" and after["reasons"] == [] and after["why"] == "on schedule"


def test_errors_and_cohorts(saved, workspace) -> None:
    store, name, path = saved
    with pytest.raises(InputError) as err:
        record_progress(workspace, store, name, [parse_event({"kind": "missed", "module_id": "no-such-module",
                                                              "on": "2027-01-04"})], today=TODAY,
                        fields=[("Step", "Date")])
    assert err.value.field == "Step" and store.events(name) == []
    with pytest.raises(InputError) as err:
        record_progress(workspace, store, name, [parse_event({"kind": "completed", "module_id": path.steps[0].module_id,
                                                              "on": "2027-03-01"})], today=TODAY)
    assert "future" in str(err.value)
    with pytest.raises(InputError):
        pathway_versions(store, "nobody")
    assert cohorts(["douai/L01", "douai/L02", "lens/L03", "L04", "/odd"]) == ["douai", "lens"]
