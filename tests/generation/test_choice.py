"""The model chooses among valid plans, the solver guarantees (issue #14, item 1): scripted models for each
branch — a valid choice kept, an invalid proposal repaired into the nearest valid plan, a model down → the
planner's plan."""

from __future__ import annotations

import json

import pytest

from curriculum.generation.assembly import LLMAssembler
from curriculum.learners import load_learner
from curriculum.planner.check import path_violations
from tests.conftest import EVAL_DIR, REPO_ROOT
from tests.generation.fakes import ScriptedChat

PROMPTS = REPO_ROOT / "prompts"
L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"


def _answer(choice: str, ids: list[str], why: str = "Choisi pour vous") -> str:
    return json.dumps({"choice": choice, "steps": [{"module_id": m, "rationale": f"{why} : {m}."} for m in ids],
                       "summary": "Le plan B vous garde en présentiel."})


@pytest.fixture(scope="module")
def l01(workspace):
    profile = load_learner(L01)
    return profile, workspace.alternatives(profile, 3)


def test_a_model_choosing_the_second_plan_gets_it_with_its_reasons(workspace, l01):
    profile, options = l01
    assert len(options) >= 2
    second = [s.module_id for s in options[1].steps]
    chat = ScriptedChat(replies=[_answer("B", second)])
    path = workspace.plan(profile, explain=False, assembler=LLMAssembler(chat, PROMPTS, "fake"))
    assert [s.module_id for s in path.steps] == second  # not the planner's first plan
    assert {s.module_id for s in path.steps} != {s.module_id for s in options[0].steps}
    assert path.repairs == [] and path.feasible
    assert all(s.rationale.startswith("Choisi pour vous") for s in path.steps)
    assert path.provenance["decided_by"] == "model: chosen" and path.provenance["choice"] == "B"
    sent = chat.seen[0][-1].content
    assert "Plan A" in sent and "Plan B" in sent and second[0] in sent  # the valid plans were offered


def test_a_letter_alone_is_enough(workspace, l01):
    profile, options = l01
    chat = ScriptedChat(replies=[_answer("B", [])])
    path = workspace.plan(profile, explain=False, assembler=LLMAssembler(chat, PROMPTS, "fake"))
    assert {s.module_id for s in path.steps} == {s.module_id for s in options[1].steps}


def test_an_invalid_proposal_gets_the_nearest_valid_plan_with_repairs(workspace, l01):
    profile, options = l01
    second = [s.module_id for s in options[1].steps]
    # the model drops a module the rules need and adds one that does not exist
    proposal = [m for m in second if "b2tl" not in m] + ["habilitation-gratuite-express"]
    chat = ScriptedChat(replies=[_answer("", proposal)])
    path = workspace.plan(profile, explain=False, assembler=LLMAssembler(chat, PROMPTS, "fake"))
    ids = [s.module_id for s in path.steps]
    job = workspace.catalogue.find_jobs(profile.target_job)[0]
    assert path.feasible and path_violations(path, workspace.catalogue, job, profile) == []
    assert set(proposal) - {"habilitation-gratuite-express"} <= set(ids)  # every real proposed module kept
    actions = {(r["action"], r["module_id"]) for r in path.repairs}
    assert ("dropped", "habilitation-gratuite-express") in actions
    assert any(a == "inserted" and "b2tl" in m for a, m in actions)  # the rules put B2TL back
    assert path.provenance["decided_by"] == "model: nearest"


def test_a_model_down_returns_the_planners_plan(workspace, l01):
    profile, options = l01
    path = workspace.plan(profile, explain=False, assembler=LLMAssembler(ScriptedChat(replies=["{broken"]), PROMPTS))
    assert [s.module_id for s in path.steps] == [s.module_id for s in options[0].steps]
    assert any("deterministic plan returned" in w for w in path.warnings)
