"""Plain-text renderings of the territory reports (:mod:`curriculum.territory.report`) for a terminal."""

from __future__ import annotations


def _n(value: object, withheld: bool = False) -> str:
    if value is None:
        return "withheld" if withheld else "-"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"≥{text}" if withheld else text


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) if i < left else c.rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return [fmt(header), *map(fmt, rows)]


def basin_text(report: dict, modules: bool = False) -> str:
    """The basin report as text: demand and supply per job (ranked), what no reachable module teaches, the source;
    with ``modules``, each job's reachable modules and their sessions."""
    b = report["basin"]
    where = f"centroid {b['lat']:.4f}, {b['lon']:.4f}" if b["lat"] is not None else "not placed"
    projects = _n(report["recruitment_projects"], report["projects_withheld"])
    difficult = _n(report["difficult_projects"], report["difficult_withheld"])
    lines = [f"{b['name']} ({b['code']}, {b['region']}): {where}; training within {report['radius_km']:g} km, "
             f"sessions from {report['as_of']}",
             f"BMO {report['year']}: {projects} recruitment projects in the catalogue's jobs' families, {difficult} "
             f"judged difficult; {report['unmet_difficult']} difficult projects beyond the seats reachable", ""]
    lines += [f"warning: {w}" for w in report["warnings"]]
    rows = []
    for j in report["jobs"]:
        rows.append([f"{j['job_id']} ({', '.join(f['code'] for f in j['fap'])})",
                     _n(j["recruitment_projects"], j["projects_withheld"]),
                     _n(j["difficult_projects"], j["difficult_withheld"]),
                     _n(j["sessions_reachable"]), _n(j["seats_reachable"]), _n(j.get("on_demand_modules")),
                     _n(j.get("hours_to_job")) if j.get("programme_complete", True) else "incomplete",
                     str(j["unmet_difficult"]), _n(j["difficult_per_seat"])])
    lines += _table(["job (FAP)", "projects", "difficult", "sessions", "seats", "on demand", "hours", "unmet",
                     "difficult/seat"], rows)
    gaps = [(j["job_id"], j["skills_untaught"] or [], j["certifications_untaught"] or []) for j in report["jobs"]]
    if any(s or c for _, s, c in gaps):
        lines += ["", f"Taught by no module within {report['radius_km']:g} km:"]
        for job, skills, certs in gaps:
            if skills or certs:
                lines.append(f"  {job}: " + "; ".join([f"{s['label']} (level {s['required_level']})" for s in skills]
                                                      + [f"certification {c}" for c in certs]))
    if modules:
        for j in report["jobs"]:
            lines += ["", f"{j['job_id']}: " + (f"{j['hours_to_job']:g} h from no skill" if j.get("hours_to_job")
                                                else "no complete programme within reach")]
            for m in j.get("modules", []):
                flags = [f for f, on in (("programme", m["in_programme"]), ("on demand", m["on_demand"]),
                                         ("not counted: not about the job", not m["counted"])) if on]
                at = f"{m['place']} {m['distance_km']:g} km" if m["place"] else m["modality"]
                lines.append(f"  {m['module_id']} ({at}" + (f"; {', '.join(flags)}" if flags else "") + ")")
                lines += [f"    {s['start']} → {s['end']}" + (f" {s['place']}" if s["place"] else "")
                          + f", {s['seats']} seats" for s in m["sessions"]]
    lines += ["", "projects, difficult: BMO recruitment projects (≥: part withheld by statistical secrecy); sessions, "
              "seats: dated sessions of the job's training within reach; hours: the standard programme from no "
              "skill; unmet: difficult projects beyond those seats", report["source"]]
    return "\n".join(lines)


def region_text(report: dict) -> str:
    """The region report as text: its basins ranked by difficult projects beyond the seats reachable."""
    r = report["region"]
    rows = [[str(k), f"{b['name']} ({b['code']})", _n(b["recruitment_projects"], b["projects_withheld"]),
             _n(b["difficult_projects"], b["difficult_withheld"]), str(b["seats_reachable"]), str(b["unmet_difficult"]),
             (max(b["jobs"], key=lambda j: j["unmet_difficult"])["job_id"] if b["jobs"] else "-")]
            for k, b in enumerate(report["basins"], start=1)]
    lines = [f"{r['name']} ({r['code']}): {len(report['basins'])} basins ranked by difficult recruitment projects "
             f"beyond the seats reachable within {report['radius_km']:g} km (sessions from {report['as_of']})", ""]
    lines += _table(["#", "basin", "projects", "difficult", "seats", "unmet", "most unmet job"], rows, left=2)
    notes = [f"{b['name']}: {w}" for b in report["basins"] for w in b["warnings"]]
    lines += ["", *(f"warning: {n}" for n in notes)] if notes else []
    lines += ["", report["source"]]
    return "\n".join(lines)


def open_sessions_text(answer: dict) -> str:
    """The what-if's answer as text: the sessions chosen with what each covers and completes, what stays uncovered."""
    proof = "proved optimal" if answer["status"] == "OPTIMAL" else \
        f"best found, not proved optimal (bound {answer['bound']})"
    lines = [f"{answer['region']['name']}: {len(answer['sessions'])} of {answer['sessions_allowed']} sessions opened "
             f"within {answer['radius_km']:g} km ({proof}, CP-SAT, {answer['seconds']:g} s, "
             f"{answer['candidates']} candidates): {answer['covered_difficult']} of {answer['unmet_difficult_before']} "
             f"unmet difficult projects covered, {answer['cost_eur']:,} EUR", ""]
    for k, s in enumerate(answer["sessions"], start=1):
        covers = ", ".join(f"{c['basin']} {'+'.join(c['fap_codes'])} {c['difficult_projects']}" for c in s["covers"])
        completes = ", ".join(f"{c['job_id']} in {c['basin']}" for c in s["completes"])
        lines.append(f"{k}. {s['module_id']} at {s['basin']['name']} ({s['basin']['code']}), {s['quarter']}, "
                     f"{s['seats']} seats, {s['cost_eur']:,} EUR")
        lines += [f"   seats for: {covers}"] if covers else []
        lines += [f"   completes: {completes}"] if completes else []
    if answer["brought_by_completion"]:
        lines.append(f"Programmes completed bring {answer['brought_by_completion']} existing seats into use.")
    left = answer["uncovered"][:10]
    if left:
        lines += ["", "Still uncovered (most first): " + "; ".join(
            f"{u['basin']} {'+'.join(u['fap_codes'])} {u['unmet_difficult']}" for u in left)
            + (f"; … {len(answer['uncovered']) - 10} more" if len(answer["uncovered"]) > 10 else "")]
    lines += ["", answer["model"], answer["source"]]
    return "\n".join(lines)
