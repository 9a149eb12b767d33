"""Re-plan from progress (issue #15, item 3) on the eval learner L01 and the shipped catalogue."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as Event

import pytest

from curriculum.learners import load_learner
from curriculum.planner.check import path_violations
from curriculum.planner.pathway import plan_pathway, resolve_job
from curriculum.progress.replan import replan
from tests.conftest import EVAL_DIR

L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"


@pytest.fixture(scope="module")
def case(workspace):
    learner = load_learner(L01)
    job = resolve_job(workspace.catalogue, learner.target_job)

    def plan(profile, catalogue):
        return plan_pathway(profile, job, catalogue, workspace.mapper(True), cache_dir=str(workspace.settings.data_dir))
    return learner, job, plan, workspace.plan(learner, explain=False)


def step_of(path, prefix):
    return next(s for s in path.steps if s.module_id.startswith(prefix))


def test_a_failed_habilitation_practical_rebooks_its_next_session(workspace, case):
    learner, job, plan, path = case
    first, b1 = path.steps[0], step_of(path, "ev-habilitation-b1")
    events = [Event(kind="completed", module_id=first.module_id, on=first.end, result="pass"),
              Event(kind="completed", module_id=b1.module_id, on=b1.end, result="fail")]
    today = b1.end + dt.timedelta(days=1)
    new = replan(plan, path, learner, workspace.catalogue, events, today)
    again = step_of(new.path, b1.module_id)
    assert again.session and again.start > today  # its next session, after the failure
    from curriculum.planner.eligibility import assess

    home = (path.learner_location["lat"], path.learner_location["lon"])
    usable = assess(workspace.catalogue.modules[b1.module_id], learner.model_copy(update={"start": today}), home).sessions
    assert dt.date.fromisoformat(again.session["start"]) == usable[0].start  # the first one open to this learner
    assert new.kept[0] == first.module_id and new.path.steps[0] == first  # the done step kept as it was
    assert new.path.feasible and path_violations(new.path, workspace.catalogue, job, learner) == []
    assert {"action": "moved", "module_id": b1.module_id} .items() <= next(
        c for c in new.changes if c["module_id"] == b1.module_id).items()
    assert "re-booked" in next(c for c in new.changes if c["module_id"] == b1.module_id)["reason"]
    assert all(s.start >= today for s in new.path.steps[1:])


def test_done_steps_count_as_held_and_their_cost_is_spent(workspace, case):
    learner, job, plan, path = case
    done = path.steps[:2]
    events = [Event(kind="completed", module_id=s.module_id, on=s.end, result="pass") for s in done]
    new = replan(plan, path, learner, workspace.catalogue, events, done[-1].end + dt.timedelta(days=1))
    assert [s.module_id for s in new.path.steps[:2]] == [s.module_id for s in done]
    assert sorted(s.module_id for s in new.path.steps) == sorted(s.module_id for s in path.steps)
    assert new.path.total_cost_eur == pytest.approx(path.total_cost_eur)


def test_a_dropped_module_is_replaced_and_said_so(workspace, case):
    learner, job, plan, path = case
    dropped = step_of(path, "batt-technologie")
    new = replan(plan, path, learner, workspace.catalogue, [Event(kind="dropped", module_id=dropped.module_id,
                                                                  on=path.steps[0].start)], path.steps[0].start)
    assert dropped.module_id not in [s.module_id for s in new.path.steps]
    assert {"action": "removed", "module_id": dropped.module_id, "reason": "dropped by the learner"} in new.changes
    assert any(c["action"] == "added" for c in new.changes)
    assert path_violations(new.path, workspace.catalogue, job, learner) == []


def test_a_cancelled_session_is_never_booked_again(workspace, case):
    learner, job, plan, path = case
    b2 = step_of(path, "ev-habilitation-b2tl")
    cancelled = dt.date.fromisoformat(b2.session["start"])
    new = replan(plan, path, learner, workspace.catalogue,
                 [Event(kind="cancelled", module_id=b2.module_id, on=cancelled)], path.steps[0].start)
    moved = [s for s in new.path.steps if s.module_id == b2.module_id]
    assert not moved or (moved[0].session and moved[0].session["start"] != str(cancelled))
