"""Follow-up for training managers: who is on track, late or at risk, per cohort.

A pathway belongs to cohort ``C`` when it was saved under a name ``C/…`` (``curriculum pathway save --name
douai-2027/L01``); ``--cohort C`` selects them (all pathways without it). For each pathway, from its latest version
and the events recorded (as of ``today``):

* ``status``: ``late`` when the planned end is after the deadline or the plan breaks a limit; ``at_risk`` when a
  session was missed, a module failed or dropped and the pathway was not re-planned since, or a step that should
  be finished by today has no completion recorded; ``done`` when every step is completed; else ``on_track``;
* ``hours_done`` (completed steps, pass) against ``hours_planned_by_now`` (steps planned to end by today) and
  ``hours_planned`` (all), in hours;
* ``certifications_obtained`` (awarded by completed steps, with the date) and ``renewals`` (certifications held at
  the end whose validity ends within :data:`RENEWAL_WINDOW_DAYS` days of the deadline, with that date);
* ``why`` in words (English) and ``reasons``, the same as data for other languages: ``{"code": "late_end",
  "end", "deadline", "days"}``, ``{"code": "limits", "limits": [...]}``, ``{"code": "failed"|"missed"|"dropped"|
  "cancelled", "module_id", "on"}`` (not re-planned yet), ``{"code": "overdue", "module_id"}``; ``[]`` when done
  or on track.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from curriculum.progress.store import PathwayStore

RENEWAL_WINDOW_DAYS = 365
"""A certification whose validity ends within this many days after the deadline is listed as a coming renewal."""


def progress_report(store: PathwayStore, today: dt.date, cohort: str | None = None) -> list[dict[str, Any]]:
    """One row per pathway of ``cohort`` (all when None), sorted by status (late, at risk, on track, done) then name."""
    rows = []
    for name in store.names():
        if cohort and not name.startswith(cohort.rstrip("/") + "/"):
            continue
        stored = store.load(name)
        events = store.events(name)
        path, learner = stored.path, stored.learner
        done = {e.module_id: e.on for e in events if e.kind == "completed" and getattr(e, "result", "pass") == "pass"}
        trouble = [e for e in events if (e.kind == "completed" and getattr(e, "result", "pass") == "fail")
                   or e.kind in ("missed", "dropped", "cancelled")]
        since = [e for e in trouble if (e.version or 0) >= stored.version]  # not yet re-planned
        overdue = [s.module_id for s in path.steps if s.end < today and s.module_id not in done
                   and s.module_id not in {e.module_id for e in since}]
        end = max((s.end for s in path.steps), default=None)
        if path.steps and all(s.module_id in done for s in path.steps):
            status = "done"
        elif not path.feasible or (end and end > learner.deadline):
            status = "late"
        elif since or overdue:
            status = "at_risk"
        else:
            status = "on_track"
        certs = [{"code": s.certification, "on": str(done[s.module_id])} for s in path.steps
                 if s.certification and s.module_id in done]
        horizon = learner.deadline + dt.timedelta(days=RENEWAL_WINDOW_DAYS)
        renewals = [{"code": c.code, "valid_until": str(c.valid_until)} for c in path.certifications_at_end
                    if c.valid_until and c.valid_until <= horizon]
        reasons = _reasons(status, path, learner, since, overdue, end)
        rows.append({"pathway": name, "version": stored.version, "learner_id": path.learner_id,
                     "target_job": stored.target_job, "status": status,
                     "why": _why(status, reasons), "reasons": reasons,
                     "planned_end": str(end) if end else None, "deadline": str(learner.deadline),
                     "hours_done": round(sum(s.hours for s in path.steps if s.module_id in done), 1),
                     "hours_planned_by_now": round(sum(s.hours for s in path.steps if s.end <= today), 1),
                     "hours_planned": path.total_hours, "missed_sessions": sum(e.kind == "missed" for e in events),
                     "certifications_obtained": certs, "renewals": renewals})
    order = {"late": 0, "at_risk": 1, "on_track": 2, "done": 3}
    return sorted(rows, key=lambda r: (order[r["status"]], r["pathway"]))


def _reasons(status: str, path: Any, learner: Any, since: list, overdue: list[str],
             end: dt.date | None) -> list[dict[str, Any]]:
    if status == "late":
        if end and end > learner.deadline:
            return [{"code": "late_end", "end": str(end), "deadline": str(learner.deadline),
                     "days": (end - learner.deadline).days}]
        return [{"code": "limits", "limits": list((path.infeasibility or {}).get("limits_broken", []))}]
    if status == "at_risk":
        return ([{"code": "failed" if e.kind == "completed" else e.kind, "module_id": e.module_id,
                  "on": str(e.on)} for e in since] + [{"code": "overdue", "module_id": m} for m in overdue])
    return []


def _why(status: str, reasons: list[dict[str, Any]]) -> str:
    parts = []
    for r in reasons:
        if r["code"] == "late_end":
            parts.append(f"planned end {r['end']} is {r['days']} days after the deadline {r['deadline']}")
        elif r["code"] == "limits":
            parts.append("the plan breaks a limit: " + ", ".join(r["limits"]))
        elif r["code"] == "overdue":
            parts.append(f"{r['module_id']} should be finished by now: no completion recorded")
        else:
            parts.append(f"{r['code']} {r['module_id']} on {r['on']} (not re-planned yet)")
    if parts:
        return "; ".join(parts)
    return "every step completed" if status == "done" else "on schedule"


def report_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The report as an XLSX workbook (one sheet, one row per pathway; text cells, never formulas)."""
    import io

    from openpyxl import Workbook

    from curriculum.tabular import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "progress"
    columns = ["pathway", "learner_id", "status", "why", "planned_end", "deadline", "hours_done",
               "hours_planned_by_now", "hours_planned", "missed_sessions", "certifications_obtained", "renewals"]
    sheet.append(columns)
    for row in rows:
        values = []
        for c in columns:
            v = row[c]
            if isinstance(v, list):
                v = ", ".join(f"{x['code']} ({x.get('on') or x.get('valid_until')})" for x in v)
            values.append(safe_cell(v) if isinstance(v, str) else v)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
