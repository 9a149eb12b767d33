"""Time windows under a hard deadline (issue #13): selections whose prerequisites cannot end before a session
are never proposed, and the plans are the ones the calendar loop alone finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from benchmarks.synthetic import make_dense_catalogue, make_learners
from curriculum.learners import load_learner
from curriculum.knowledge.catalogue import load_catalogue
from curriculum.planner import joint
from curriculum.planner.pathway import plan_pathway
from curriculum.planner.reach import Graph
from curriculum.planner.select import solve_selection
from curriculum.planner.windows import Windows, window_constraints
from curriculum.retrieval.skill_mapping import SkillMapper
from tests.conftest import KB_DIR
from tests.planner.test_calendar import START, S, learner, plan, rescue_case  # noqa: F401

EVAL = Path(__file__).resolve().parents[1] / "data" / "eval" / "learners"


def test_a_teacher_that_cannot_end_before_the_session_is_not_timely():
    modules = {m.id: m for m in rescue_case()}
    person = learner()
    g = Graph(modules, {}, [(S + "a", 2)], [])
    windows = Windows(person, lambda mid: None)
    final, early, own = (g.position[i] for i in ("final", "early", "self"))
    # self-paced 40 h at 10 h/week: 28 days from day 0, so it ends on day 27; final's only session starts on day 21
    assert windows.earliest_end(modules["self"], 0) == 27
    assert windows.latest_start(modules["final"]) is None  # no eligibility given: no usable session
    elig = {"final": type("E", (), {"sessions": modules["final"].sessions})(),
            "early": type("E", (), {"sessions": modules["early"].sessions})()}
    windows = Windows(person, elig.get)
    assert windows.latest_start(modules["final"]) == 21
    assert windows.earliest_end(modules["early"], 0) == 5
    kept, constraints = window_constraints(g, [True] * len(g.ids), windows)
    assert all(kept)
    assert constraints == [(final, [early])]  # final needs p: only early ends before day 21
    assert own not in constraints[0][1]


def test_the_rescue_case_is_planned_in_one_selection(monkeypatch):
    solves = []

    def spy(problem, time_limit=10.0, candidates=None):
        solves.append(problem)
        return solve_selection(problem, time_limit, candidates)
    monkeypatch.setattr(joint, "solve_selection", spy)
    path = plan(rescue_case(), learner())
    assert path.feasible and [s.module_id for s in path.steps] == ["early", "final"]
    assert len(solves) == 1  # without the windows: self + final first, refused by the calendar, then re-solved


def _plans(cat, mapper, people):
    out = []
    for person in people:
        path = plan_pathway(person, cat.find_job(person.target_job), cat, mapper)
        out.append((path.feasible, [s.module_id for s in path.steps], path.total_hours,
                    [(str(s.start), str(s.end)) for s in path.steps]))
    return out


@pytest.mark.parametrize("source", ["eval", "dense"])
def test_windows_change_no_plan(source, monkeypatch):
    """The same plans as the calendar loop alone (windows off), on the eval learners and on a dense catalogue."""
    if source == "eval":
        cat = load_catalogue(KB_DIR)  # the shipped catalogue
        people = [load_learner(p) for p in sorted(EVAL.glob("*.yaml"))]
    else:
        cat = make_dense_catalogue(1500, seed=11)
        people = make_learners(10, cat, seed=12)
    mapper = SkillMapper(cat.taxonomy)
    with_windows = _plans(cat, mapper, people)
    monkeypatch.setattr(joint, "Windows", lambda *a, **k: None)
    without = _plans(cat, mapper, people)
    assert with_windows == without


def test_no_window_no_module():
    """A study block that cannot end by the deadline, even from day 0, has no window: it is dropped."""
    person = learner(deadline=START + dt.timedelta(days=10))
    modules = {m.id: m for m in rescue_case()}
    g = Graph(modules, {}, [(S + "a", 2)], [])
    kept, _ = window_constraints(g, [True] * len(g.ids), Windows(person, lambda mid: None))
    assert not kept[g.position["self"]]  # 28 days
