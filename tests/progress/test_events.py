"""Progress event models: kinds, ranges and the fields named by their errors (#15)."""

from __future__ import annotations

import datetime as dt

import pytest

from curriculum.errors import InputError
from curriculum.progress import Completed, Missed, check_events, event_json, parse_event


def test_failed_is_a_completed_with_result_fail():
    failed = parse_event({"kind": "failed", "module_id": "ev-habilitation-b1vl", "on": "2027-02-16", "score": 45})
    assert isinstance(failed, Completed) and (failed.kind, failed.result, failed.score) == ("completed", "fail", 45)
    assert parse_event(event_json(failed)) == failed  # what is printed reads back the same
    with pytest.raises(InputError, match="one or the other"):
        parse_event({"kind": "failed", "result": "pass", "module_id": "ev-habilitation-b1vl", "on": "2027-02-16"})


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "completed", "module_id": "m", "on": "2027-02-16", "score": 101}, "event.score"),
    ({"kind": "completed", "module_id": "m", "on": "2027-02-16", "result": "ok"}, "event.result"),
    ({"kind": "completed", "module_id": "m"}, "event.on"),
    ({"kind": "new_skill", "skill": "souder à l'arc", "level": 5, "on": "2027-02-16"}, "event.level"),
    ({"kind": "new_certification", "code": "B1 VL", "on": "2027-02-16"}, "event.code"),
    ({"kind": "finished", "module_id": "m"}, "event.kind"),
    ({"module_id": "m"}, "event.kind"),
])
def test_bad_values_name_their_field(data, field):
    with pytest.raises(InputError) as err:
        parse_event(data)
    assert err.value.field == field


def test_missed_defaults_to_today_and_future_dates_are_refused():
    assert Missed(module_id="ev-habilitation-b1vl").on == dt.date.today()
    tomorrow = Missed(module_id="ev-habilitation-b1vl", on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(InputError) as err:
        check_events([tomorrow], steps=["ev-habilitation-b1vl"], fields=[("--missed", "--on")])
    assert err.value.field == "--on" and "future" in str(err.value)
    check_events([tomorrow], steps=["ev-habilitation-b1vl"], today=tomorrow.on)  # not raised: it is that day
