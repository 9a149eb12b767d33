"""The model chooses, the solver guarantees: resolve a model's proposal into a valid plan.

The planner gives the valid plans (the optimum and the k-best alternatives within a tolerance, each already
checked: catalogue modules only, prerequisites in order, certification rules, hours, budget, radius, calendar).
The model answers with the letter of the plan it chooses for this learner and/or its own ordered list of
modules, with a reason per step. :func:`resolve_proposal`:

1. the proposal names a plan (``choice``) and lists no other module set, or lists exactly one plan's modules:
   that plan is returned, with the model's reasons (``repairs`` empty, or "reordered" when its order was not
   the calendar's);
2. otherwise the **nearest valid plan** to the proposal: the planner re-run with every proposed module that
   exists kept (pinned), so the solver adds only what the rules and the gaps require and refuses nothing the
   model asked for unless a limit forbids it; when that plan breaks a limit, the plan the model named (or the
   first) is returned. Every difference is listed in ``repairs`` (``dropped``: unknown module, or not kept;
   ``inserted``: needed by the gaps, the certification rules or a prerequisite).

Without a model the planner's optimum is returned: its objective already puts the learner's stated preferences
(modalities, language, in hours) before hours and cost.
"""

from __future__ import annotations

from collections.abc import Callable

from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import LearningPath

LETTERS = "ABCDEFGH"


def options_text(options: list[LearningPath], lang: str) -> str:
    """The valid plans for the prompt: one block per plan, ``Plan A (fastest): 185.5 h, …`` then one line per
    step ``module_id | title | hours | modality | place | dates``."""
    blocks = []
    for letter, path in zip(LETTERS, options):
        head = f"Plan {letter}" + (f" ({path.label})" if path.label else "") + f": {path.trade_off or ''}".rstrip(": ")
        lines = [f"  {s.module_id} | {s.title} | {s.hours:g} h | {s.modality.value} | {s.place or '-'} | "
                 f"{s.start} to {s.end}" for s in path.steps]
        blocks.append("\n".join([head, *lines]))
    return "\n".join(blocks)


def resolve_proposal(choice: str, proposed: list[str], options: list[LearningPath], catalogue: Catalogue,
                     nearest: Callable[[list[str]], LearningPath | None]) -> tuple[LearningPath, list[dict], str]:
    """The plan to return for a model's ``choice`` (a plan letter, or "") and ``proposed`` module ids (in its
    order), with the repairs and how it was decided (``chosen``, ``nearest`` or ``fallback``).

    ``options`` are valid plans (the first is the planner's optimum); ``nearest(ids)`` re-plans keeping ``ids``
    (None or an infeasible plan when that is impossible)."""
    proposed = list(dict.fromkeys(proposed))
    named = options[LETTERS.index(choice)] if choice in LETTERS[:len(options)] else None
    sets = [frozenset(s.module_id for s in p.steps) for p in options]
    if proposed and frozenset(proposed) in sets:
        named = options[sets.index(frozenset(proposed))]
    if named is not None and (not proposed or frozenset(proposed) == frozenset(s.module_id for s in named.steps)):
        return named, _reordered(proposed, named), "chosen"
    known = [m for m in proposed if m in catalogue.modules]
    near = nearest(known) if known else None
    if near is not None and near.feasible and near.steps:
        return near, repairs_between(proposed, near, catalogue), "nearest"
    base = named or options[0]
    return base, repairs_between(proposed, base, catalogue), "fallback"


def repairs_between(proposed: list[str], path: LearningPath, catalogue: Catalogue) -> list[dict]:
    """How ``path`` differs from the ``proposed`` module ids: ``dropped`` (with why), ``inserted`` (with what the
    module brings), ``reordered``."""
    final = [s.module_id for s in path.steps]
    repairs: list[dict] = []
    for mid in proposed:
        if mid not in catalogue.modules:
            repairs.append({"action": "dropped", "module_id": mid, "reason": "not in the catalogue"})
        elif mid not in final:
            repairs.append({"action": "dropped", "module_id": mid,
                            "reason": "cannot be kept: out of reach (place, sessions, language rules) or it breaks "
                                      "a limit of the learner"})
    for step in path.steps:
        if step.module_id not in proposed:
            why = (f"covers {', '.join(catalogue.skill_label(c) for c in step.covers)}" if step.covers
                   else f"awards {step.certification}" if step.certification else "prerequisite of a later step")
            repairs.append({"action": "inserted", "module_id": step.module_id, "reason": why})
    return repairs + _reordered(proposed, path)


def _reordered(proposed: list[str], path: LearningPath) -> list[dict]:
    final = [s.module_id for s in path.steps]
    kept = [m for m in proposed if m in final]
    if kept != [m for m in final if m in kept]:
        return [{"action": "reordered", "module_id": None,
                 "reason": "order fixed so every prerequisite and session date comes first"}]
    return []
