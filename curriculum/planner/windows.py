"""Time windows of a selection under a hard deadline: which teachers can end before a module must start.

The calendar (:mod:`curriculum.planner.calendar`) refuses a selection whose dates cannot all be kept; on dense
catalogues the refusals came from prerequisites (a module whose sessions all start before any selected
teacher of one of its prerequisites can end), never from the deadline's capacity alone: each refused
selection was re-solved, six or seven times for some learners. These windows put that reasoning in the
selection itself, as valid constraints (every calendar meets them), so those selections are never proposed.

Days count from the learner's start (day 0). For each module of the selection graph:

* ``earliest_end`` — the earliest day it can end with its prerequisites done first by *some* modules of the
  graph: its first usable session starting after they can all be met (sessions are the calendar's usable
  ones, ending by the deadline), or a study block from the first study day after (lengthened by the
  unavailable periods inside it). Knuth's generalisation of Dijkstra over the graph's keys, as
  :meth:`~curriculum.planner.reach.Graph.bounds`: a key is available the day after its earliest-ending
  teacher ends. A module that cannot end by the deadline this way is in no calendar;
* ``latest_start`` — the last day it can start and still end by the deadline (its last usable session's
  start; for a study block, the last study day from which the block ends by the deadline).

Constraint, for a selected module ``m`` and each prerequisite key it needs: some selected teacher of that key
ends before ``m`` starts (the calendar's precedence: the earliest-ending selected teacher), so one whose
``earliest_end`` is before ``latest_start(m)`` is selected. A selection meeting every window may still have
no calendar (sessions overlapping each other, chains of windows): the calendar decides, as before.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from curriculum.models import LearnerProfile, Module
from curriculum.planner.calendar import _block_end, _periods, usable_sessions
from curriculum.planner.eligibility import Eligibility
from curriculum.planner.reach import Graph
from curriculum.planner.schedule import self_paced_days


@dataclass
class Windows:
    """The learner's calendar facts the windows need, per module id on demand (cached): usable sessions as
    (first day, last day) ending by the deadline, sorted, or the study block's length in days."""

    learner: LearnerProfile
    eligibility: Callable[[str], Eligibility | None]  # module id → its eligibility for the learner, None if none
    deadline: int = 0
    _facts: dict[str, tuple[list[tuple[int, int]], int | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        learner = self.learner
        self.deadline = (learner.deadline - learner.start).days
        self.periods = _periods(learner)
        off = {d for a, b in self.periods for d in range(a, b + 1)}
        span = max(self.deadline, 0)
        self.study_ok = [d not in off and (learner.start + dt.timedelta(days=d)).weekday() in learner.weekdays
                         for d in range(span + 1)]
        self.last_study, latest = [], 0
        for d in range(span + 1):
            latest = d if self.study_ok[d] else latest
            self.last_study.append(latest)

    def facts(self, module: Module) -> tuple[list[tuple[int, int]], int | None]:
        """(usable sessions as day pairs ending by the deadline, by start; block days or None when it has sessions)."""
        hit = self._facts.get(module.id)
        if hit is None:
            if module.sessions:
                start = self.learner.start
                days = [((s.start - start).days, (s.end - start).days)
                        for s in usable_sessions(module, self.eligibility(module.id), self.learner)]
                hit = (sorted(d for d in days if d[0] >= 0 and d[1] <= self.deadline), None)
            else:
                hit = ([], self_paced_days(module.duration_hours, self.learner.weekly_hours))
            self._facts[module.id] = hit
        return hit

    def earliest_end(self, module: Module, ready: int) -> int | None:
        """The earliest last day of ``module`` starting on day ``ready`` or later, by the deadline; None if none."""
        sessions, days = self.facts(module)
        if days is None:
            return next((b for a, b in sessions if a >= ready), None)
        for d in range(max(ready, 0), self.deadline + 1):
            if self.study_ok[d]:
                end = _block_end(d, days, self.periods, self.last_study, self.deadline)
                if end is not None:
                    return end
        return None

    def latest_start(self, module: Module) -> int | None:
        """The last day ``module`` can start and end by the deadline; None if none."""
        sessions, days = self.facts(module)
        if days is None:
            return sessions[-1][0] if sessions else None
        for d in range(self.deadline - days + 1, -1, -1):
            if self.study_ok[d] and _block_end(d, days, self.periods, self.last_study, self.deadline) is not None:
                return d
        return None


def window_constraints(g: Graph, alive: list[bool], windows: Windows) -> tuple[list[bool], list[tuple[int, list[int]]]]:
    """The modules of ``g`` still alive once those with no window are dropped, and the constraints
    ``(m, teachers)``: when ``m`` is selected, one of ``teachers`` is (see the module docstring). A module none
    of whose needs' teachers can end in time is dropped too."""
    n = len(g.ids)
    missing = [len(g.needs[m]) for m in range(n)]
    ready = [0] * n
    end: list[int | None] = [None] * n
    available = [False] * len(g.keys)
    heap = []
    for m in range(n):
        if alive[m] and not missing[m]:
            e = windows.earliest_end(g.modules[m], 0)
            if e is not None:
                heap.append((e, m))
    heapq.heapify(heap)
    while heap:
        e, m = heapq.heappop(heap)
        if end[m] is not None:
            continue
        end[m] = e
        for key in g.brings[m]:
            if available[key]:
                continue
            available[key] = True
            for d in g.dependants[key]:
                if not alive[d]:
                    continue
                missing[d] -= 1
                ready[d] = max(ready[d], e + 1)
                if missing[d] == 0:
                    ends = windows.earliest_end(g.modules[d], ready[d])
                    if ends is not None:
                        heapq.heappush(heap, (ends, d))
    kept = [alive[m] and end[m] is not None for m in range(n)]
    out: list[tuple[int, list[int]]] = []
    for m in range(n):
        if not kept[m] or not g.needs[m]:
            continue
        latest = windows.latest_start(g.modules[m])
        if latest is None:
            kept[m] = False
            continue
        for key in g.needs[m]:
            teachers = [t for t in g.teachers[key] if kept[t]]
            timely = [t for t in teachers if end[t] < latest]
            if not timely:
                kept[m] = False
                break
            if len(timely) < len(teachers):
                out.append((m, timely))
    out = [(m, [t for t in timely if kept[t]]) for m, timely in out if kept[m]]
    return kept, out
