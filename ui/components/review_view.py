"""The review queue of the catalogue page: imported modules waiting for an instructor (drafts), with
filters, one module's detail (suggested skills to tick, with levels, confidence, source and evidence;
entry conditions; estimated hours) and decisions one by one or on the whole filtered selection.

Presentation only: listing and decisions are :mod:`curriculum.knowledge.review` (module confidence =
its best suggestion's confidence, 0–1); after each decision the page's loaded workspace is refreshed
(:func:`~curriculum.knowledge.review.refresh_workspace`) so plans of this app use approved modules at
once. Proficiency levels 1 aware … 4 expert; hours, EUR.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from curriculum.errors import CurriculumError
from curriculum.knowledge.review import (ReviewFilter, approve, detail, queue, refresh_workspace, reject, reopen,
                                         summary_row, sync_from_disk)
from curriculum.tabular import safe_record

ALL = "All"
STATUSES = {"draft": "Drafts (waiting for review)", "rejected": "Rejected", "retired": "Retired (gone from their feed)"}
COLUMNS = {"id": "id", "status": "status", "confidence": "confidence", "title": "title", "domain": "domain",
           "provider": "provider", "feed": "feed", "hours": "hours", "suggestions": "suggested skills",
           "outcomes": "outcomes", "version": "version"}
LEVELS = {1: "1 aware", 2: "2 assisted", 3: "3 autonomous", 4: "4 expert"}
SOURCES = {"text": "the offer's text", "rome": "the offer's ROME fiche", "certification": "the certification rules",
           "label": "a taxonomy label in the text", "llm": "the language model"}


def current_filter() -> ReviewFilter:
    """The filter set by the queue's widgets (``rv_*`` keys of the session state)."""
    s = st.session_state
    low, high = s.get("rv_conf", (0.0, 1.0))
    pick = lambda key: None if s.get(key, ALL) == ALL else s.get(key)  # noqa: E731
    return ReviewFilter(statuses=(s.get("rv_status", "draft"),), min_confidence=low if low > 0 else None,
                        max_confidence=high if high < 1 else None, domain=pick("rv_domain"),
                        provider=pick("rv_provider"), feed=pick("rv_feed"), text=s.get("rv_query") or None)


def queue_frame(modules) -> pd.DataFrame:
    """The queue as a table with readable column names; estimated hours are prefixed with ``~``."""
    rows = []
    for m in modules:
        r = summary_row(m)
        r["hours"] = ("~" if r.pop("hours_estimated") else "") + f"{r['hours']:g}"
        rows.append(safe_record({COLUMNS[k]: r[k] for k in COLUMNS}))
    return pd.DataFrame(rows, columns=list(COLUMNS.values()))


def _decided(workspace, action: str, results) -> None:
    """Keep the results for display and bring the loaded catalogue/index up to date."""
    done = [r.module_id for r in results if r.ok]
    errors = refresh_workspace(workspace, done) if done else {}
    st.session_state["_rv_result"] = {"action": action, "ok": done, "index_errors": errors,
                                      "failed": [(r.module_id, r.field, r.message) for r in results if not r.ok]}


def show_result() -> None:
    """What the last decision did: successes, refusals (module, field, reason), re-index problems."""
    res = st.session_state.get("_rv_result")
    if not res:
        return
    if res["ok"]:
        st.success(f"{res['action'].capitalize()}: {len(res['ok'])} module(s) — {', '.join(res['ok'])}.")
    if res["failed"]:
        st.error(f"Not {res['action']}: {len(res['failed'])} module(s).")
        st.dataframe(pd.DataFrame([{"module": m, "field": f or "—", "reason": msg} for m, f, msg in res["failed"]]),
                     hide_index=True)
    for mid, err in res["index_errors"].items():
        st.warning(f"{mid}: decision saved, but the search index was not updated ({err}); run `curriculum index`.")


def _bulk(workspace, kb_dir: Path, modules, action: str) -> None:
    s = st.session_state
    ids, seen = [m.id for m in modules], {m.id: m.version for m in modules}
    try:
        if action == "approved":
            use = s.get("rv_bulk_source", "suggestions")
            results = approve(kb_dir, ids, expected_versions=seen,
                              min_confidence=float(s.get("rv_bulk_min", 0.7)) if use == "suggestions" else None)
        elif action == "rejected":
            results = reject(kb_dir, ids, s.get("rv_bulk_reason") or "", expected_versions=seen)
        else:
            results = reopen(kb_dir, ids, expected_versions=seen)
    except CurriculumError as exc:
        s["_rv_result"] = {"action": action, "ok": [], "index_errors": {}, "failed": [("—", None, str(exc))]}
        return
    _decided(workspace, action, results)


def render_bulk(workspace, kb_dir: Path, modules) -> None:
    """Decisions on every module of the filtered selection (each decided on its own)."""
    n = len(modules)
    with st.expander(f"Bulk decision on the {n} filtered module(s)", expanded=False):
        if st.session_state.get("rv_status", "draft") != "draft":
            st.button(f"Reopen the {n} module(s) for review", key="rv_bulk_reopen", disabled=not n,
                      on_click=_bulk, args=(workspace, kb_dir, modules, "reopened"))
            return
        c1, c2 = st.columns(2)
        c1.radio("Outcomes of the approved modules", ["suggestions", "outcomes"], key="rv_bulk_source",
                 format_func={"suggestions": "suggested skills at or above a confidence",
                              "outcomes": "the outcomes they already have"}.get)
        c2.number_input("Minimum confidence of the suggested skills kept", min_value=0.0, max_value=1.0,
                        value=0.7, step=0.05, key="rv_bulk_min")
        st.button(f"Approve the {n} module(s)", key="rv_bulk_approve", type="primary", disabled=not n,
                  on_click=_bulk, args=(workspace, kb_dir, modules, "approved"))
        st.text_input("Reason for rejecting them", key="rv_bulk_reason")
        st.button(f"Reject the {n} module(s)", key="rv_bulk_reject", disabled=not n,
                  on_click=_bulk, args=(workspace, kb_dir, modules, "rejected"))


def _one(workspace, kb_dir: Path, module_id: str, version: int, action: str, choices: list[dict]) -> None:
    s = st.session_state
    seen = {module_id: version}
    try:
        if action == "approved":
            skills = [(c["skill"], int(s[f"rv_level_{module_id}_{i}"]))
                      for i, c in enumerate(choices) if s.get(f"rv_pick_{module_id}_{i}")]
            results = approve(kb_dir, [module_id], skills=skills, expected_versions=seen)
        elif action == "rejected":
            results = reject(kb_dir, [module_id], s.get("rv_reason") or "", expected_versions=seen)
        else:
            results = reopen(kb_dir, [module_id], expected_versions=seen)
    except CurriculumError as exc:
        s["_rv_result"] = {"action": action, "ok": [], "index_errors": {}, "failed": [(module_id, None, str(exc))]}
        return
    _decided(workspace, action, results)


def skill_choices(d: dict) -> list[dict]:
    """Skills to tick for one module (a :func:`~curriculum.knowledge.review.detail`): its current
    outcomes (ticked), then its suggestions not among them (ticked at or above the bulk threshold)."""
    threshold = float(st.session_state.get("rv_bulk_min", 0.7))
    have = {o["skill"] for o in d["outcomes"]}
    out = [{**o, "confidence": None, "source": "current outcome", "evidence": None, "ticked": True} for o in d["outcomes"]]
    out += [{**sg, "ticked": sg["confidence"] >= threshold} for sg in d["suggestions"] if sg["skill"] not in have]
    return out


def render_detail(workspace, kb_dir: Path, module, open_in_editor: Callable[[str], None]) -> None:
    """One module as a reviewer weighs it, and its decision buttons."""
    d = detail(module, workspace.catalogue, kb_dir)
    conf = "no suggestion" if d["confidence"] is None else f"{d['confidence']:.2f}"
    hours = f"{d['hours']:g} h" + (f" (estimated from {d['hours_estimate']})" if d["hours_estimate"] else "")
    st.markdown(f"**{d['title']}** — status {d['status']}, version {d['version']}, confidence {conf}  \n"
                f"Provider: {d['provider']} · domain {d['domain']} · {d['modality']} · duration {hours} · "
                f"cost {d['cost_eur']:,.0f} EUR per learner")
    if d["origin"]:
        o = d["origin"]
        st.caption(f"Imported from feed “{o['feed']}”, record {o['key']}"
                   + (f", on {o['imported']}" if o.get("imported") else "")
                   + (" — edited by hand since" if o.get("edited") else ""))
    if d["summary"]:
        st.markdown(d["summary"])
    if d["awards"]:
        st.markdown("Awards: " + ", ".join(d["awards"]))
    if d["references"]:
        st.markdown("Offer codes: " + "; ".join(f"{k.upper()} {', '.join(v) if isinstance(v, list) else v}"
                                              for k, v in d["references"].items() if v not in ([], None)))
    e = d["entry_conditions"]
    lines = ([f"as stated: {e['text']}"] if e["text"] else []) \
        + [f"{p['label']} (level {LEVELS[p['level']]})" for p in e["skills"]] \
        + [f"certification {c}" for c in e["certifications"]] + [f"module {m}" for m in e["modules"]]
    st.markdown("Entry conditions: " + ("; ".join(lines) if lines else "none stated"))

    choices = skill_choices(d)
    st.markdown("Skills taught (tick those to keep; the level is what the module brings the learner to):")
    if not choices:
        st.info("No suggested skill: add outcomes in the editor, or reject the module.")
    for i, c in enumerate(choices):
        k = f"{module.id}_{i}"
        c1, c2 = st.columns([4, 1])
        what = "current outcome" if c["confidence"] is None else f"confidence {c['confidence']:.2f}, from {SOURCES.get(c['source'], c['source'])}"
        c1.checkbox(f"{c['label']} — {what}", value=c["ticked"], key=f"rv_pick_{k}", help=f"ESCO skill: {c['skill']}")
        if c.get("evidence"):
            c1.caption(f"Evidence: “{c['evidence']}”")
        c2.selectbox("Level", list(LEVELS), index=c["level"] - 1, key=f"rv_level_{k}", format_func=LEVELS.get)

    args = (workspace, kb_dir, module.id, module.version)
    b1, b2, b3 = st.columns(3)
    if d["status"] == "draft":
        b1.button("Approve with the ticked skills", key="rv_approve", type="primary",
                  on_click=_one, args=(*args, "approved", choices))
    else:
        b1.button("Reopen for review", key="rv_reopen", on_click=_one, args=(*args, "reopened", choices))
    b2.button("Edit in the module editor", key="rv_edit", on_click=open_in_editor, args=(module.id,),
              help="Opens this module in the editor above; saving there marks it edited by hand.")
    if d["status"] != "rejected":
        b3.text_input("Reason for rejecting", key="rv_reason")
        b3.button("Reject", key="rv_reject", on_click=_one, args=(*args, "rejected", choices))
    for h in d["history"]:
        st.caption(f"{h['at']}: {h['action']} ({h.get('from')} → {h.get('to')}), version {h.get('version')}"
                   + (f" — {h['reason']}" if h.get("reason") else ""))


def _reload(workspace) -> None:
    try:
        st.session_state["_rv_reloaded"] = len(sync_from_disk(workspace))
    except CurriculumError as exc:
        st.session_state["_rv_reloaded"] = str(exc)


def render_review_queue(workspace, kb_dir: Path, open_in_editor: Callable[[str], None]) -> None:
    """The whole "Review queue" section: filters, table, bulk decisions, one module's detail."""
    s = st.session_state
    pending = list(workspace.catalogue.pending.values())
    drafts = sum(m.status.value == "draft" for m in pending)
    st.caption(f"{drafts} imported module(s) wait for review; plans ignore them until approved.")
    f1, f2, f3 = st.columns([1, 1, 1])
    f1.selectbox("Status", list(STATUSES), format_func=STATUSES.get, key="rv_status")
    f2.slider("Confidence (best suggested skill)", 0.0, 1.0, (0.0, 1.0), step=0.05, key="rv_conf")
    f3.text_input("Search (id, title, summary, provider)", key="rv_query")
    g1, g2, g3 = st.columns(3)
    g1.selectbox("Domain", [ALL, *sorted({m.domain for m in pending})], key="rv_domain")
    g2.selectbox("Provider", [ALL, *sorted({m.provider for m in pending})], key="rv_provider")
    g3.selectbox("Feed", [ALL, *sorted({m.origin.feed for m in pending if m.origin})], key="rv_feed")
    st.button("Re-read the knowledge base", key="rv_reload", on_click=_reload, args=(workspace,),
              help="Picks up modules imported or decided elsewhere (e.g. with `curriculum kb review`).")
    if "_rv_reloaded" in s:
        st.caption(f"Re-read: {s.pop('_rv_reloaded')} module(s) changed.")
    show_result()

    modules = queue(workspace.catalogue, current_filter())
    st.dataframe(queue_frame(modules), hide_index=True,
                 column_config={"confidence": st.column_config.NumberColumn("confidence", format="%.2f")})
    render_bulk(workspace, kb_dir, modules)
    titles = {m.id: m.title for m in modules}
    st.selectbox("Module to review", list(titles), index=None, key="rv_select",
                 format_func=lambda i: f"{titles.get(i, i)} ({i})", placeholder=f"{len(modules)} matching module(s)")
    chosen = s.get("rv_select")
    module = workspace.catalogue.pending.get(chosen) if chosen else None
    if module is not None and chosen in titles:
        render_detail(workspace, kb_dir, module, open_in_editor)
