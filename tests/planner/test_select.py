"""Selection on tiny problems with a known optimum."""

from __future__ import annotations

from curriculum.models import Module
from curriculum.planner.schedule import order_modules
from curriculum.planner.select import SelectionProblem, solve_selection

S = "http://data.europa.eu/esco/skill/"


def mod(i, hours, cost, outcomes, pre=(), pre_mods=(), cert=None, modality="online"):
    return Module.model_validate(dict(
        id=i, title=f"Module {i}", duration_hours=hours, cost_eur=cost, modality=modality, provider="test",
        outcomes=[{"skill": S + s, "level": lvl} for s, lvl in outcomes],
        prerequisites={"skills": [{"skill": S + s, "level": lvl} for s, lvl in pre], "modules": list(pre_mods)},
        certification={"code": cert, "label": cert} if cert else None))


def test_fewest_hours_then_lowest_cost():
    mods = {m.id: m for m in [mod("big", 40, 100, [("a", 3), ("b", 3)]), mod("a-only", 15, 50, [("a", 3)]),
                              mod("b-only", 15, 900, [("b", 3)]), mod("b-cheap", 15, 300, [("b", 3)])]}
    res = solve_selection(SelectionProblem(mods, [(S + "a", 3), (S + "b", 3)], [], {}))
    assert res.status == "optimal" and sorted(res.order) == ["a-only", "b-cheap"] and res.hours == 30


def test_prerequisite_inserted_and_ordered_first():
    mods = {m.id: m for m in [mod("adv", 10, 10, [("x", 3)], pre=[("base", 2)]), mod("intro", 5, 5, [("base", 2)])]}
    res = solve_selection(SelectionProblem(mods, [(S + "x", 3)], [], {}))
    assert res.order == ["intro", "adv"]
    assert [m.id for m in order_modules([mods[i] for i in reversed(res.order)], {})] == ["intro", "adv"]


def test_held_skill_skips_prerequisite():
    mods = {m.id: m for m in [mod("adv", 10, 10, [("x", 3)], pre=[("base", 2)]), mod("intro", 5, 5, [("base", 2)])]}
    res = solve_selection(SelectionProblem(mods, [(S + "x", 3)], [], {S + "base": 3}))
    assert res.order == ["adv"]


def test_prerequisite_cycle_is_never_selected():
    mods = {m.id: m for m in [mod("pp", 1, 1, [("x", 3), ("y", 1)], pre=[("z", 2)]),
                              mod("qq", 1, 1, [("z", 2)], pre=[("y", 1)]),
                              mod("rr", 50, 1, [("x", 3)])]}
    res = solve_selection(SelectionProblem(mods, [(S + "x", 3)], [], {}))
    assert res.order == ["rr"]


def test_certification_gap_and_caps():
    mods = {m.id: m for m in [mod("hab", 14, 600, [("s", 2)], cert="B2TL"), mod("other", 7, 100, [("s", 2)])]}
    assert solve_selection(SelectionProblem(mods, [], ["B2TL"], {})).order == ["hab"]
    assert solve_selection(SelectionProblem(mods, [], ["B2TL"], {}, budget_cap=500)).status == "infeasible"
    assert solve_selection(SelectionProblem(mods, [], ["B2TL"], {}, hours_cap=10)).status == "infeasible"


def test_preferred_modality_wins_over_hours():
    mods = {m.id: m for m in [mod("online-short", 5, 10, [("a", 2)]), mod("inperson-long", 20, 10, [("a", 2)], modality="online")]}
    res = solve_selection(SelectionProblem(mods, [(S + "a", 2)], [], {}, preferred={"online-short": False, "inperson-long": True}))
    assert res.order == ["inperson-long"]


def test_learner_language_comes_before_hours():
    fr = mod("fr-long", 20, 10, [("a", 2)])
    en = mod("en-short", 10, 10, [("a", 2)]).model_copy(update={"language": "en"})
    mods = {fr.id: fr, en.id: en}
    assert solve_selection(SelectionProblem(mods, [(S + "a", 2)], [], {}, language="fr")).order == ["fr-long"]
    assert solve_selection(SelectionProblem(mods, [(S + "a", 2)], [], {}, language="en")).order == ["en-short"]
