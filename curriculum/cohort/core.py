"""The common core: modules many members need are taught to groups, near them, on shared dates.

Rules (units: km, hours, EUR, dates):

* a module is *core* when at least ``core_threshold`` of the planned members need it, or at least
  ``group_min`` of them; ``workplace`` modules (on the job) stay individual;
* for each core module (in the order members meet it), the members who need it are grouped by
  proximity: candidate sites are ``settings.training_sites`` and the module's own places; a group only
  holds people within their ``mobility_km`` of its site; among the sites everyone can reach, the one
  with the least total travel is chosen; groups hold at most ``min(group_max, site seats)`` people
  (never more) and at least ``group_min`` (else the members keep individual steps);
* dates: the first catalogue session date of the module starting on/after the latest prerequisite
  completion among the group (``ready``); with no such session, a dedicated run starting at ``ready``
  paced at the slowest member's hours per week;
* a member joins a group only if their path still ends by the programme end (or no later than
  before) with no new date overlap; the price is :func:`~curriculum.cohort.totals.group_cost`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from curriculum.cohort.models import GroupSession, ProgrammeSettings
from curriculum.cohort.totals import group_cost
from curriculum.geo import distance_km
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import LearnerProfile, LearningPath, Modality, Module, Session
from curriculum.planner.eligibility import assess
from curriculum.planner.schedule import self_paced_days

DAY = dt.timedelta(days=1)
Dates = list[tuple[dt.date, dt.date, Session | None]]


@dataclass
class MemberState:
    """A planned member during grouping: profile, home (lat, lon), individual path, groups joined."""

    learner_id: str
    company: str | None
    profile: LearnerProfile
    home: tuple[float, float]
    path: LearningPath
    groups: dict[str, GroupSession] = field(default_factory=dict)
    _sessions: dict[str, tuple[Session, ...]] = field(default_factory=dict)

    def sessions(self, module: Module) -> tuple[Session, ...]:
        """Catalogue sessions this member may take for ``module`` (seats, dates, radius)."""
        if module.id not in self._sessions:
            self._sessions[module.id] = assess(module, self.profile, self.home).sessions if module.sessions else ()
        return self._sessions[module.id]

    def dates(self, cat: Catalogue, groups: dict[str, GroupSession] | None = None,
              ledger: dict[tuple, int] | None = None) -> tuple[Dates, int]:
        """Dates of each step (group steps fixed) and the number of overlaps (a group session starting
        before the previous step ends); ``ledger`` counts catalogue seats left per (module, start, place)
        and is decremented when given. Steps follow one another as in the individual planner
        (:func:`~curriculum.planner.schedule.schedule`): a module takes its first session (with seats
        left, under ``ledger``) starting after the previous step, else self-paced dates from the hours."""
        groups = self.groups if groups is None else groups
        cursor, out, conflicts = self.profile.start, [], 0
        for step in self.path.steps:
            g = groups.get(step.module_id)
            if g is not None:
                conflicts += g.start < cursor
                out.append((g.start, g.end, None))
                cursor = max(cursor, g.end + DAY)
                continue
            module = cat.modules[step.module_id]
            later = [s for s in self.sessions(module) if s.start >= cursor
                     and (ledger is None or ledger.get((module.id, s.start, s.place), s.seats) > 0)]
            if later:
                chosen = later[0]
                if ledger is not None:
                    key = (module.id, chosen.start, chosen.place)
                    ledger[key] = ledger.get(key, chosen.seats) - 1
                out.append((chosen.start, chosen.end, chosen))
                cursor = max(cursor, chosen.end + DAY)
            else:  # rolling admission, or no session (with seats) left after the previous step
                days = self_paced_days(step.hours, self.profile.hours_per_week)
                out.append((cursor, cursor + dt.timedelta(days=days - 1), None))
                cursor += dt.timedelta(days=days)
        return out, conflicts

    def book(self, cat: Catalogue, ledger: dict[tuple, int]) -> tuple[Dates, bool]:
        """Final dates with catalogue seats booked in ``ledger``: (dates, over_booked). Group sessions
        were formed on the seat-free dates (:meth:`dates` without ledger, overlap-free by
        :func:`_fits`); when seats taken by other members would push a step into a group session,
        those dates are kept and their sessions booked beyond their seats (``over_booked``)."""
        trial = dict(ledger)
        dates, conflicts = self.dates(cat, ledger=trial)
        if not conflicts:
            ledger.update(trial)
            return dates, False
        dates, _ = self.dates(cat)
        for step, (_, _, session) in zip(self.path.steps, dates):
            if session is not None:
                key = (step.module_id, session.start, session.place)
                ledger[key] = ledger.get(key, session.seats) - 1
        return dates, True

    def ready(self, cat: Catalogue, module_id: str, not_before: dt.date | None) -> dt.date:
        """Earliest start (date) of ``module_id``: the day after the previous step ends."""
        ids = [s.module_id for s in self.path.steps]
        k = ids.index(module_id)
        day = self.profile.start if k == 0 else self.dates(cat)[0][k - 1][1] + DAY
        return max(day, not_before + DAY) if not_before else day

    def end(self, cat: Catalogue, groups: dict[str, GroupSession] | None = None) -> tuple[dt.date, int]:
        """(last end date, overlaps) under ``groups``."""
        dates, conflicts = self.dates(cat, groups)
        return (dates[-1][1] if dates else self.profile.start), conflicts


def core_modules(states: list[MemberState], cat: Catalogue, settings: ProgrammeSettings) -> list[str]:
    """Core module ids, in the mean order members meet them."""
    counts: Counter[str] = Counter()
    position: dict[str, list[float]] = {}
    for st in states:
        n = len(st.path.steps)
        for k, s in enumerate(st.path.steps):
            counts[s.module_id] += 1
            position.setdefault(s.module_id, []).append(k / max(n, 1))
    total = max(len(states), 1)
    core = [m for m, c in counts.items()
            if c >= 2 and (c / total >= settings.core_threshold or c >= settings.group_min)
            and cat.modules[m].modality != Modality.WORKPLACE]
    return sorted(core, key=lambda m: (sum(position[m]) / len(position[m]), m))


@dataclass
class Site:
    """A candidate place for a group: ``name`` shown on steps; ``seats`` room capacity."""

    name: str
    city: str | None
    lat: float | None
    lon: float | None
    seats: int

    def km(self, st: MemberState) -> float:
        """Great-circle km from the member's home (0 for online)."""
        return 0.0 if self.lat is None else distance_km(st.home, (self.lat, self.lon))  # type: ignore[arg-type]

    def as_dict(self) -> dict:
        """JSON form."""
        return {"name": self.name, "city": self.city, "lat": self.lat, "lon": self.lon, "seats": self.seats}


def candidate_sites(module: Module, settings: ProgrammeSettings) -> list[Site]:
    """Company training sites and the module's own places (virtual classroom when online)."""
    if not module.modality.needs_travel:
        return [Site("online", None, None, None, settings.group_max)]
    return ([Site(t.name, t.city, t.lat, t.lon, t.seats) for t in settings.training_sites]
            + [Site(p.city, p.city, p.lat, p.lon, settings.group_max) for p in module.places])


def _chunks(people: list[MemberState], cap: int, group_min: int) -> list[list[MemberState]]:
    """Near-equal groups of ≤ ``cap`` (≥ ``group_min`` each); people left over are returned last."""
    k = math.ceil(len(people) / cap)
    if len(people) // k >= group_min:
        size, extra = divmod(len(people), k)
        out, i = [], 0
        for j in range(k):
            n = size + (j < extra)
            out.append(people[i:i + n])
            i += n
        return out
    k = len(people) // cap
    return [people[j * cap:(j + 1) * cap] for j in range(k)]


def form_groups(module: Module, people: list[MemberState], cat: Catalogue, settings: ProgrammeSettings,
                next_id: int, not_before: dt.date | None = None,
                busy: dict[str, list[tuple[dt.date, dt.date]]] | None = None) -> list[GroupSession]:
    """Group sessions for ``module`` among ``people``; joined members get ``groups[module.id]`` set.

    ``busy`` maps a site name to the (start, end) periods its room is already taken (updated)."""
    busy = {} if busy is None else busy
    sites = candidate_sites(module, settings)
    reach = {id(st): [s for s in sites if s.km(st) <= st.profile.mobility_km + 1e-6] for st in people}
    pool = list(people)
    out: list[GroupSession] = []
    while True:
        best = None
        for site in sites:
            if min(site.seats, settings.group_max) < settings.group_min:
                continue
            near = [st for st in pool if site in reach[id(st)]]
            score = (len(near), -sum(site.km(st) for st in near))
            if len(near) >= settings.group_min and (best is None or score > best[0]):
                best = (score, site, near)
        if best is None:
            return out
        _, site, near = best
        pool = [st for st in pool if st not in near]
        ready = {id(st): st.ready(cat, module.id, not_before) for st in near}
        near.sort(key=lambda st: (ready[id(st)], st.learner_id))
        for chunk in _chunks(near, min(site.seats, settings.group_max), settings.group_min):
            group = _settle(module, chunk, sites, reach, ready, cat, settings, f"G{next_id + len(out):03d}", busy)
            if group is not None:
                out.append(group)


def _slot(module: Module, site: Site, ready: dt.date, hpw: float, settings: ProgrammeSettings,
          busy: dict[str, list[tuple[dt.date, dt.date]]]) -> tuple[dt.date, dt.date] | None:
    """First free (start, end) at ``site`` on/after ``ready``: a catalogue session's dates when
    one fits, else a dedicated run paced at ``hpw`` hours/week. A room hosts one group at a time."""
    taken = busy.get(site.name, []) if site.lat is not None else []
    clash = lambda b, e: next((t for t in taken if b <= t[1] and t[0] <= e), None)  # noqa: E731
    for run in module.sessions:
        if run.start >= ready and run.end <= settings.end and not clash(run.start, run.end):
            return run.start, run.end
    days = max(1, math.ceil(module.duration_hours / hpw * 7))
    begin = ready
    while (hit := clash(begin, begin + dt.timedelta(days=days - 1))) is not None:
        begin = hit[1] + DAY
    return begin, begin + dt.timedelta(days=days - 1)


def _settle(module: Module, chunk: list[MemberState], sites: list[Site], reach: dict, ready: dict, cat: Catalogue,
            settings: ProgrammeSettings, gid: str, busy: dict[str, list[tuple[dt.date, dt.date]]]
            ) -> GroupSession | None:
    """Place and date a group; members whose path would end too late are dropped (first the one
    everybody waits for); None when fewer than ``group_min`` remain."""
    while len(chunk) >= settings.group_min:
        hpw = min(st.profile.hours_per_week for st in chunk)
        start = max(ready[id(st)] for st in chunk)
        options = []
        for s in sites:
            if s.seats >= len(chunk) and all(s in reach[id(st)] for st in chunk):
                slot = _slot(module, s, start, hpw, settings, busy)
                if slot:
                    options.append((slot[0], sum(s.km(st) for st in chunk), s.name, s, slot))
        if not options:
            return None
        *_, site, (begin, end) = min(options, key=lambda o: o[:3])
        cost = group_cost(module.cost_eur, len(chunk), settings.group_min)
        group = GroupSession(
            id=gid, module_id=module.id, title=module.title, modality=module.modality, start=begin, end=end,
            place=site.name if site.lat is not None else None, site=site.as_dict() if site.lat is not None else None,
            seats=min(site.seats, settings.group_max), members=[st.learner_id for st in chunk],
            companies=dict(Counter(st.company or "-" for st in chunk)), hours=module.duration_hours, cost_eur=cost,
            cost_per_head_eur=round(cost / len(chunk), 2), individual_cost_eur=round(module.cost_eur * len(chunk), 2))
        late = [st for st in chunk if not _fits(st, cat, settings, module.id, group)]
        if not late:
            for st in chunk:
                st.groups[module.id] = group
            if site.lat is not None:
                busy.setdefault(site.name, []).append((begin, end))
            return group
        waited_for = max(chunk, key=lambda st: (ready[id(st)], st.learner_id))
        waiting = ready[id(waited_for)] > min(ready[id(st)] for st in chunk)
        chunk = [st for st in chunk if st is not waited_for] if waiting else [st for st in chunk if st not in late]
    return None


def _fits(st: MemberState, cat: Catalogue, settings: ProgrammeSettings, module_id: str, group: GroupSession) -> bool:
    """True when joining ``group`` keeps the member's end date acceptable and adds no overlap."""
    end0, c0 = st.end(cat)
    end1, c1 = st.end(cat, {**st.groups, module_id: group})
    return c1 <= c0 and end1 <= max(settings.end, end0)
