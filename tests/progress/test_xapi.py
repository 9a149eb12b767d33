"""xAPI statements from an LMS: mapped verbs, scores, dates and modules; unknown activities and bad statements
reported with their index, never guessed nor stopping the others (#15)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from curriculum.errors import InputError
from curriculum.progress import PathwayStore, import_xapi, map_statements, read_statements
from tests.conftest import DATA_DIR

SAMPLE = DATA_DIR / "xapi" / "lms_statements_L01.json"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def statements() -> list:
    return read_statements(SAMPLE)


def test_the_lms_file_records_the_right_events(tmp_path, l01_planned, workspace):
    profile, path = l01_planned
    store = PathwayStore(url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.save("L01", profile, path)
    raw = json.loads(SAMPLE.read_text(encoding="utf-8"))["statements"]
    done = import_xapi(store, "L01", SAMPLE, modules=workspace.catalogue.modules, today=TODAY)

    assert [(r.index, r.status) for r in done.reports] == [
        (0, "attempted"), (1, "recorded"), (2, "recorded"), (3, "recorded"), (4, "unknown_activity"),
        (5, "not_mapped"), (6, "invalid"), (7, "invalid")]
    assert done.reports[0].message == "attempted: no event"
    unknown = done.reports[4]
    assert unknown.activity == raw[4]["object"]["id"] and unknown.module_id is None
    assert "Sauveteur secouriste" in unknown.message  # the LMS's name, for a person to map it
    assert "verb" in done.reports[6].message and "JSON" in done.reports[7].message

    got = [(e.module_id, e.on.isoformat(), e.result, e.score, e.detail["xapi_id"]) for e in store.events("L01")]
    assert got == [
        ("hv-architecture-vehicules-electrifies", "2026-10-16", "pass", 86.0, raw[1]["id"]),  # score.scaled 0.86
        ("hv-lecture-schemas-documentation-constructeur", "2026-11-06", "pass", 85.0, raw[2]["id"]),  # raw 17 / 20
        ("ev-habilitation-b1vl", "2026-11-17", "fail", 45.0, raw[3]["id"])]
    assert {e.source for e in store.events("L01")} == {"xapi"} and done.events == store.events("L01")

    again = import_xapi(store, "L01", SAMPLE, modules=workspace.catalogue.modules, today=TODAY)
    assert again.events == [] and again.counts()["duplicate"] == 3 and len(store.events("L01")) == 3


def test_activity_ids_are_matched_exactly_or_by_their_last_segment(statements):
    base = statements[1]
    ids = ["hv-architecture-vehicules-electrifies",  # the module id itself
           "https://lms.example.fr/xapi/activities/hv-architecture-vehicules-electrifies",
           "https://lms.example.fr/course/view.php?id=hv-architecture-vehicules-electrifies",  # not a path segment
           "https://lms.example.fr/xapi/activities/hv-architecture-vehicules-electrifies/",
           "https://lms.example.fr/xapi/activities/hv-architecture-vehicules"]  # a prefix: never guessed
    batch = []
    for i, activity in enumerate(ids):
        s = copy.deepcopy(base)
        s["id"], s["object"]["id"] = f"{base['id']}-{i}", activity
        batch.append(s)
    mapped = map_statements(batch, {"hv-architecture-vehicules-electrifies"}, today=TODAY)
    assert [r.status for r in mapped.reports] == ["recorded", "recorded", "unknown_activity", "unknown_activity",
                                                  "unknown_activity"]


@pytest.mark.parametrize(("verb", "result", "expected"), [
    ("completed", {"success": True, "score": {"scaled": 0.5}}, ("pass", 50.0)),
    ("completed", {"success": False}, ("fail", None)),
    ("completed", {}, ("pass", None)),
    ("passed", {"score": {"raw": 3, "min": 1, "max": 5}}, ("pass", 50.0)),
    ("failed", {"score": {"scaled": 1.4}}, ("fail", None)),  # outside 0–1: left out, said in the report
    ("failed", {"score": {"raw": 12}}, ("fail", None)),  # no max: cannot be scaled
])
def test_verbs_and_scores(statements, verb, result, expected):
    s = copy.deepcopy(statements[3])
    s["verb"]["id"], s["result"] = f"http://adlnet.gov/expapi/verbs/{verb}", result
    mapped = map_statements([s], {"ev-habilitation-b1vl"}, today=TODAY)
    assert [(e.result, e.score) for e in mapped.events] == [expected]
    assert mapped.events[0].on == dt.date(2026, 11, 17)
    assert ("left out" in mapped.reports[0].message) == ("score" in result and expected[1] is None)


def test_contradictions_and_future_dates_are_reported(statements):
    passed_but_failed = copy.deepcopy(statements[2])
    passed_but_failed["result"]["success"] = False
    future = copy.deepcopy(statements[1])
    future["timestamp"] = "2026-12-02T09:00:00+01:00"
    undated = copy.deepcopy(statements[1])
    del undated["timestamp"], undated["stored"]
    mods = {"hv-lecture-schemas-documentation-constructeur", "hv-architecture-vehicules-electrifies"}
    mapped = map_statements([passed_but_failed, future, undated, statements[1]], mods, today=TODAY)
    assert [r.status for r in mapped.reports] == ["invalid", "invalid", "invalid", "recorded"]
    assert "contradictory" in mapped.reports[0].message and "future" in mapped.reports[1].message
    assert "timestamp" in mapped.reports[2].message and len(mapped.events) == 1


def test_several_actors_need_one_chosen(statements):
    colleague = copy.deepcopy(statements[2])
    colleague["id"] = "9a0c7e55-0000-4000-8000-000000000001"
    colleague["actor"] = {"objectType": "Agent", "name": "Autre apprenant",
                          "account": {"homePage": "https://lms.example.fr", "name": "apprenant-0042"}}
    batch = [statements[1], colleague]
    mods = {"hv-lecture-schemas-documentation-constructeur", "hv-architecture-vehicules-electrifies"}
    unchosen = map_statements(batch, mods, today=TODAY)
    assert unchosen.events == [] and {r.status for r in unchosen.reports} == {"other_actor"}
    assert "2 actors" in unchosen.reports[0].message
    mine = map_statements(batch, mods, actor="l01.apprenant@example.fr", today=TODAY)
    theirs = map_statements(batch, mods, actor="apprenant-0042", today=TODAY)
    assert [e.module_id for e in mine.events] == ["hv-architecture-vehicules-electrifies"]
    assert [e.module_id for e in theirs.events] == ["hv-lecture-schemas-documentation-constructeur"]


def test_statement_files_in_other_shapes(tmp_path, statements):
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps(statements[:3]), encoding="utf-8")
    assert read_statements(as_list) == statements[:3]
    lines = tmp_path / "statements.jsonl"  # JSON Lines, one line broken: reported with its index
    lines.write_text("\n".join([json.dumps(statements[1]), '{"id": "x", "verb": ', json.dumps(statements[3])]),
                     encoding="utf-8")
    mapped = map_statements(read_statements(lines), {"hv-architecture-vehicules-electrifies", "ev-habilitation-b1vl"},
                            today=TODAY)
    assert [(r.index, r.status) for r in mapped.reports] == [(0, "recorded"), (1, "invalid"), (2, "recorded")]
    broken = tmp_path / "broken.json"
    broken.write_text('{"statements": [\n  {"id": 1,\n  ]}', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_statements(broken)
    assert err.value.file == str(broken) and err.value.line == 3
    number = tmp_path / "number.json"
    number.write_text("42", encoding="utf-8")
    with pytest.raises(InputError, match="list of xAPI statements"):
        read_statements(number)
