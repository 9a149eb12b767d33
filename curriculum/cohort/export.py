"""Exports of a cohort programme: XLSX (summary + sessions + one sheet per person), CSV (one row
per member × step), iCalendar (one all-day VEVENT per group session), text summary.

Units in every export: hours (h), euros excl. VAT (EUR), kilometres (km), ISO dates.

Cells typed by people (names, companies, ids, places) can never run as formulas: CSV text cells
go through :func:`curriculum.tabular.safe_cell` and XLSX rows through
:func:`curriculum.tabular.xlsx_row` (string cells, never formulas); numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from curriculum.cohort.models import CohortProgramme
from curriculum.tabular import csv_text, xlsx_row

STEP_COLUMNS = ["learner_id", "name", "company", "step", "module_id", "title", "modality", "start", "end", "place",
                "distance_km", "hours", "cost_eur", "group_session", "certification", "feasible"]


def _step_rows(programme: CohortProgramme) -> list[list[object]]:
    rows = []
    for m in programme.members:
        for k, s in enumerate(m.plan.steps, 1):
            rows.append([m.learner_id, m.name or "", m.company or "", k, s.module_id, s.title, s.modality.value,
                         s.start.isoformat(), s.end.isoformat(), s.place or "", s.distance_km if s.distance_km is not None
                         else "", s.hours, s.cost_eur, (s.session or {}).get("group", ""), s.certification or "",
                         m.plan.feasible])
    return rows


def programme_to_csv(programme: CohortProgramme, *, dialect: str = "rfc") -> str:
    """One row per member × step, header :data:`STEP_COLUMNS` first (hours, EUR, km, ISO dates).

    ``dialect="rfc"`` (default): comma-separated UTF-8; ``"excel-fr"``: ``;``-separated, starting
    with the UTF-8 BOM, decimal comma (see :func:`curriculum.tabular.csv_text`). Text cells starting
    with ``=``, ``+``, ``-``, ``@``, tab or CR are prefixed with ``'``.

    Raises
    ------
    ValueError
        For an unknown ``dialect``.
    """
    return csv_text(STEP_COLUMNS, _step_rows(programme), dialect=dialect)


def _sheet_name(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:28] or "sheet"
    name, k = base, 2
    while name.lower() in used:
        name, k = f"{base[:25]}~{k}", k + 1
    used.add(name.lower())
    return name


def programme_to_xlsx(programme: CohortProgramme) -> bytes:
    """Workbook: ``Summary`` (totals, per person, per company), ``Sessions``, ``Steps``, then one
    sheet per person (their steps), ``Errors`` when rows were rejected."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "Summary"
    t = programme.totals
    xlsx_row(ws, [programme.name])
    ws["A1"].font = Font(bold=True, size=14)
    for key in ("members", "hours_total", "cost_total_eur", "individual_cost_eur", "savings_eur", "cost_per_head_eur",
                "teaching_hours", "individual_teaching_hours", "hours_saved", "group_sessions", "budget_total_eur",
                "within_budget"):
        xlsx_row(ws, [key, t.get(key)])
    xlsx_row(ws, [])
    header = ["learner_id", "company", "hours", "cost_eur", "individual_cost_eur", "savings_eur", "feasible",
              "group_sessions"]
    xlsx_row(ws, header)
    for c in ws[ws.max_row]:
        c.font = bold
    for r in t.get("per_person", []):
        xlsx_row(ws, [r.get(k) for k in header])
    xlsx_row(ws, [])
    xlsx_row(ws, ["company", "members", "hours", "cost_eur", "individual_cost_eur", "savings_eur"])
    for name, c in t.get("per_company", {}).items():
        xlsx_row(ws, [name, c.get("members"), c.get("hours"), c.get("cost_eur"), c.get("individual_cost_eur"),
                   c.get("savings_eur")])
    if programme.unreachable:
        xlsx_row(ws, [])
        xlsx_row(ws, ["unreachable", "reasons"])
        for u in programme.unreachable:
            xlsx_row(ws, [u.learner_id, "; ".join(u.reasons)])
    ss = wb.create_sheet("Sessions")
    xlsx_row(ss, ["id", "module_id", "title", "modality", "start", "end", "place", "seats", "size", "members",
               "hours", "cost_eur", "cost_per_head_eur", "individual_cost_eur", "fixed"])
    for g in programme.sessions:
        xlsx_row(ss, [g.id, g.module_id, g.title, g.modality.value, g.start, g.end, g.place or "online", g.seats,
                   len(g.members), ", ".join(g.members), g.hours, g.cost_eur, g.cost_per_head_eur,
                   g.individual_cost_eur, g.fixed])
    st = wb.create_sheet("Steps")
    xlsx_row(st, STEP_COLUMNS)
    for row in _step_rows(programme):
        xlsx_row(st, row)
    used = {"summary", "sessions", "steps", "errors"}
    for m in programme.members:
        sh = wb.create_sheet(_sheet_name(m.learner_id, used))
        xlsx_row(sh, [m.learner_id, m.name or "", m.company or "", m.plan.target_job.title])
        xlsx_row(sh, ["total", f"{m.plan.total_hours:g} h", f"{m.plan.total_cost_eur:.2f} EUR",
                   "feasible" if m.plan.feasible else "breaks a limit"])
        xlsx_row(sh, STEP_COLUMNS[3:])
        for row in _step_rows(programme.model_copy(update={"members": [m]})):
            xlsx_row(sh, row[3:])
    if programme.errors:
        es = wb.create_sheet("Errors")
        xlsx_row(es, ["row", "field", "message"])
        for e in programme.errors:
            xlsx_row(es, [e.row, e.field, e.message])
    for sheet in wb.worksheets:
        for c in sheet[1]:
            c.font = bold
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def programme_to_ics(programme: CohortProgramme) -> str:
    """iCalendar with one all-day VEVENT per group session (DTEND exclusive: day after the end)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//curriculum//cohort programme//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", programme.name)
    stamp = (dt.datetime.fromisoformat(programme.generated_at) if programme.generated_at
             else dt.datetime.now(dt.timezone.utc))
    slug = re.sub(r"[^a-z0-9]+", "-", programme.name.lower()).strip("-") or "cohort"
    for g in programme.sessions:
        ev = Event()
        ev.add("uid", f"{slug}-{g.id}-{g.module_id}@curriculum")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", g.start)
        ev.add("dtend", g.end + dt.timedelta(days=1))
        ev.add("summary", f"{g.title} ({len(g.members)} pers.)")
        ev.add("location", g.place or "online")
        ev.add("description", f"{g.module_id} — {g.hours:g} h, {g.cost_eur:.2f} EUR "
                              f"({g.cost_per_head_eur:.2f} EUR/head)\nParticipants: {', '.join(g.members)}")
        cal.add_component(ev)
    return cal.to_ical().decode("utf-8")


def programme_to_text(programme: CohortProgramme) -> str:
    """A short Markdown summary: totals, group sessions, unreachable members, row errors."""
    t = programme.totals
    lines = [f"# {programme.name}", "",
             f"{t.get('members', 0)} members, {t.get('hours_total', 0):g} h, {t.get('cost_total_eur', 0):,.2f} EUR "
             f"(individually {t.get('individual_cost_eur', 0):,.2f} EUR; saved {t.get('savings_eur', 0):,.2f} EUR, "
             f"{t.get('hours_saved', 0):g} teaching hours)", "", "## Group sessions", "",
             "| id | module | dates | place | people/seats | EUR/head |", "|---|---|---|---|---|---|"]
    for g in programme.sessions:
        lines.append(f"| {g.id} | {g.title} | {g.start} → {g.end} | {g.place or 'online'} | "
                     f"{len(g.members)}/{g.seats} | {g.cost_per_head_eur:,.2f} |")
    if programme.unreachable:
        lines += ["", "## Cannot reach the target by the end date", ""]
        lines += [f"- {u.learner_id}: {'; '.join(u.reasons)}" for u in programme.unreachable]
    if programme.errors:
        lines += ["", "## Rejected rows", ""]
        lines += [f"- row {e.row}, {e.field}: {e.message}" for e in programme.errors]
    return "\n".join(lines) + "\n"
