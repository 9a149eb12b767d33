"""Catalogue page (instructors): find a module, edit it, save it safely, re-index it; training-map gaps.

Thin page over :mod:`curriculum.knowledge`: saving is :func:`~curriculum.knowledge.editing.save_module`
(validation, optimistic concurrency on ``version``, atomic write, unified diff), re-indexing is
:func:`~curriculum.knowledge.editing.reindex_module`, tag suggestions are
:func:`~curriculum.knowledge.editing.suggest_tags` (shown, never applied until ticked and added),
gaps are :func:`curriculum.knowledge.gaps.job_gaps`, checks are :func:`curriculum.knowledge.validate.validate_kb`.
The review queue of imported drafts is :mod:`ui.components.review_view` over :mod:`curriculum.knowledge.review`;
its "Edit" opens a draft in the same editor (a hand save marks an imported module ``origin.edited``).

The knowledge base edited is the one of the environment settings (``CURRICULUM_KB_DIR``, default the
shipped ``knowledge_base``). Units: hours, EUR, km; proficiency levels 1 aware … 4 expert.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from curriculum.errors import CurriculumError, KnowledgeBaseError
from curriculum.geo import distance_km, resolve_city
from curriculum.knowledge.catalogue import load_module_file
from curriculum.tabular import safe_record
from curriculum.knowledge.editing import add_lines, reindex_module, save_module, suggest_tags
from curriculum.knowledge.gaps import job_gaps
from curriculum.knowledge.validate import validate_kb
from curriculum.models import Modality, Module
from ui.components.import_view import render_import
from ui.components.review_view import render_review_queue
from ui.services import workspace

ALL = "All"
EDIT_KEYS = ("ed_title", "ed_summary", "ed_hours", "ed_cost", "ed_modality", "ed_provider", "ed_body")


# ------------------------------------------------------------------------------------------ finding


def matching_modules(catalogue) -> list[Module]:
    """Modules matching the search text (id, title, summary, provider), domain and modality filters."""
    s = st.session_state
    text = (s.get("mod_query") or "").strip().lower()
    domain, modality = s.get("mod_domain", ALL), s.get("mod_modality", ALL)
    out = []
    for m in sorted(catalogue.modules.values(), key=lambda m: (m.domain, m.title)):
        if text and text not in f"{m.id} {m.title} {m.summary} {m.provider}".lower():
            continue
        if domain != ALL and m.domain != domain:
            continue
        if modality != ALL and m.modality.value != modality:
            continue
        out.append(m)
    return out


# ------------------------------------------------------------------------------------------ editing


def open_module(module_id: str, kb_dir: Path, catalogue) -> None:
    """Load ``module_id`` into the editor: the file on disk (its version is the one the save expects)."""
    path = kb_dir / "modules" / f"{module_id}.md"
    try:
        module = load_module_file(path)
    except (CurriculumError, OSError):
        module = catalogue.modules.get(module_id) or catalogue.pending[module_id]
    s = st.session_state
    s.update({"_ed_id": module_id, "_ed_module": module, "_ed_version": module.version,
              "_ed_outcomes": [{"skill": o.skill, "level": o.level} for o in module.outcomes],
              "_ed_editor_n": s.get("_ed_editor_n", 0) + 1,
              "ed_title": module.title, "ed_summary": module.summary, "ed_hours": float(module.duration_hours),
              "ed_cost": float(module.cost_eur), "ed_modality": module.modality.value,
              "ed_provider": module.provider, "ed_body": module.body})
    for k in ("tag_suggestions", "_ed_saved"):
        s.pop(k, None)


def edit_from_review(module_id: str) -> None:
    """Open a module of the review queue in the editor (callback): it becomes the selected module."""
    st.session_state["mod_select"] = module_id


def outcome_records(df: pd.DataFrame | list | None) -> list[dict]:
    """Rows of the outcomes editor with a skill, as ``{"skill", "level"}`` (level left for validation)."""
    rows = df.to_dict("records") if isinstance(df, pd.DataFrame) else list(df or [])
    out = []
    for r in rows:
        skill = str(r.get("skill") or "").strip()
        if not skill or skill == "nan":
            continue
        level = r.get("level")
        out.append({"skill": skill, "level": int(level) if level is not None and pd.notna(level) else None})
    return out


def suggest() -> None:
    """Ask for taxonomy skills near the module's text (callback)."""
    s = st.session_state
    text = "\n".join(s.get(k) or "" for k in ("ed_title", "ed_summary", "ed_body"))
    s.pop("tag_error", None)
    try:
        s["tag_suggestions"] = suggest_tags(workspace(), text, k=8)
    except CurriculumError as exc:
        s["tag_error"] = str(exc)
    for k in [k for k in s if str(k).startswith("tag_pick_")]:
        del s[k]


def add_selected() -> None:
    """Append the ticked suggestions to the outcomes table (callback); the rest are dropped."""
    s = st.session_state
    current = outcome_records(s.get("_ed_outcomes_current"))
    have = {r["skill"] for r in current}
    level = int(s.get("tag_level", 2))
    for i, sug in enumerate(s.get("tag_suggestions") or []):
        if s.get(f"tag_pick_{i}") and sug["skill"] not in have:
            current.append({"skill": sug["skill"], "level": level})
            have.add(sug["skill"])
    s["_ed_outcomes"] = current
    s["_ed_editor_n"] = s.get("_ed_editor_n", 0) + 1  # a fresh editor shows the new rows
    s.pop("tag_suggestions", None)


def edited_module() -> Module:
    """The opened module with the editor's values. Raises ``ValidationError``."""
    s = st.session_state
    return Module.model_validate({
        **s["_ed_module"].model_dump(), "title": s["ed_title"], "summary": s["ed_summary"],
        "duration_hours": s["ed_hours"], "cost_eur": s["ed_cost"], "modality": s["ed_modality"],
        "provider": s["ed_provider"], "outcomes": outcome_records(s.get("_ed_outcomes_current"))})


def save(kb_dir: Path) -> None:
    """Validate, save against the version opened, show the diff, re-index the module."""
    s = st.session_state
    s.pop("_ed_saved", None)
    try:
        module = edited_module()
    except ValidationError as exc:
        for e in exc.errors():
            st.error(f"{'.'.join(map(str, e['loc'])) or 'module'}: {e['msg']}")
        return
    try:
        result = save_module(kb_dir, module, s.get("ed_body") or "", expected_version=s["_ed_version"])
    except KnowledgeBaseError as exc:
        if exc.message.startswith("conflict"):
            st.warning(f"Not saved — {exc}. Reopen the module to see the other edit, then apply yours again.",
                       icon=":material/sync_problem:")
        else:
            st.error(str(exc))
        return
    except OSError as exc:
        st.error(f"cannot write the module file: {exc}")
        return
    s["_ed_version"] = result.version
    s["_ed_module"] = module.model_copy(update={"version": result.version})
    saved = {"diff": result.diff, "path": str(result.path), "version": result.version, "warning": result.warning}
    try:
        saved["seconds"] = reindex_module(workspace(), module.id)
    except CurriculumError as exc:
        saved["index_error"] = str(exc)
    s["_ed_saved"] = saved


def show_saved() -> None:
    saved = st.session_state.get("_ed_saved")
    if not saved:
        return
    st.success(f"Saved version {saved['version']} to `{saved['path']}`.")
    if saved.get("warning"):
        st.warning(saved["warning"])
    st.code(saved["diff"] or "(no change)", language="diff")
    if "seconds" in saved:
        st.success(f"Searchable again in {saved['seconds']:.1f} s.", icon=":material/search:")
    else:
        st.error(f"Saved, but not re-indexed: {saved.get('index_error')}")


def editor(kb_dir: Path) -> None:
    s = st.session_state
    module = s["_ed_module"]
    st.markdown(f"**Editing `{module.id}`** — version {s['_ed_version']} opened, domain {module.domain}, "
                f"language {module.language}" + ("" if module.status.value == "approved" else
                                                  f", status {module.status.value} (not planned until approved)"))
    st.text_input("Title", key="ed_title")
    st.text_area("Summary", key="ed_summary", height=80)
    c1, c2, c3, c4 = st.columns(4)
    c1.number_input("Duration (hours)", min_value=0.0, max_value=2000.0, step=1.0, key="ed_hours")
    c2.number_input("Cost (EUR per learner)", min_value=0.0, step=50.0, key="ed_cost")
    c3.selectbox("Modality", [m.value for m in Modality], key="ed_modality")
    c4.text_input("Provider", key="ed_provider")
    st.markdown("Outcomes (ESCO skill URI, level 1 aware … 4 expert)")
    base = pd.DataFrame(s["_ed_outcomes"], columns=["skill", "level"]).astype({"skill": "str", "level": "Int64"})
    current = st.data_editor(
        base, num_rows="dynamic", hide_index=True, key=f"ed_outcomes_{s['_ed_editor_n']}",
        column_config={"skill": st.column_config.TextColumn("skill URI", required=True, width="large"),
                       "level": st.column_config.NumberColumn("level", min_value=1, max_value=4, step=1,
                                                              format="%d", required=True)})
    s["_ed_outcomes_current"] = current
    catalogue = workspace().catalogue
    labels = [catalogue.skill_label(r["skill"]) for r in outcome_records(current)]
    if labels:
        st.caption("Outcome skills: " + "; ".join(labels))

    b1, b2 = st.columns(2)
    b1.text_area("Body (Markdown)", key="ed_body", height=320)
    with b2:
        st.markdown("Preview")
        with st.container(border=True, height=320):
            st.markdown(s.get("ed_body") or "*(empty)*")

    st.button("Suggest ESCO skills", key="suggest_button", on_click=suggest,
              help="Taxonomy skills nearest to the title, summary and body (embeddings). Nothing is added "
                   "until you tick suggestions and click “Add selected”.")
    if s.get("tag_error"):
        st.error(s["tag_error"])
    suggestions = s.get("tag_suggestions")
    if suggestions is not None:
        if not suggestions:
            st.info("No suggestion.")
        for i, sug in enumerate(suggestions):
            st.checkbox(f"{sug['label']} — confidence {sug['confidence']:.2f} (`{sug['skill']}`)", key=f"tag_pick_{i}")
        if suggestions:
            c1, c2 = st.columns([1, 3])
            c1.selectbox("Level for the added skills", [1, 2, 3, 4], index=1, key="tag_level")
            c2.button("Add selected", key="add_tags_button", on_click=add_selected)

    if st.button("Validate & save", key="save_module_button", type="primary"):
        save(kb_dir)
    show_saved()


# ------------------------------------------------------------------------------------------ page


st.title("Catalogue (instructors)")
try:
    ws = workspace()
except CurriculumError as exc:
    st.error(str(exc))
    st.stop()
catalogue, kb_dir = ws.catalogue, Path(ws.settings.kb_dir)
st.caption(f"Knowledge base: `{kb_dir}` — {len(catalogue.modules)} modules, {len(catalogue.jobs)} jobs")

st.header("Modules")
f1, f2, f3 = st.columns([2, 1, 1])
f1.text_input("Search (id, title, summary, provider)", key="mod_query")
f2.selectbox("Domain", [ALL, *sorted({m.domain for m in catalogue.modules.values()})], key="mod_domain")
f3.selectbox("Modality", [ALL, *[m.value for m in Modality]], key="mod_modality")
found = matching_modules(catalogue)
st.dataframe(pd.DataFrame([safe_record({"id": m.id, "title": m.title, "domain": m.domain, "modality": m.modality.value,
                                        "hours": m.duration_hours, "cost (EUR)": m.cost_eur, "provider": m.provider,
                                        "version": m.version}) for m in found],
                          columns=["id", "title", "domain", "modality", "hours", "cost (EUR)", "provider", "version"]),
             hide_index=True)
titles = {m.id: m.title for m in found}
if st.session_state.get("mod_select") in catalogue.pending:  # opened from the review queue
    pending = catalogue.pending[st.session_state["mod_select"]]
    titles[pending.id] = f"{pending.title} [{pending.status.value}]"
st.selectbox("Module to edit", list(titles), index=None, key="mod_select",
             format_func=lambda i: f"{titles.get(i, i)} ({i})", placeholder=f"{len(found)} matching modules")
selected = st.session_state.get("mod_select")
if selected and selected != st.session_state.get("_ed_id"):
    open_module(selected, kb_dir, catalogue)
if selected and st.session_state.get("_ed_id") == selected:
    editor(kb_dir)

st.header("Import offers")
render_import(ws, kb_dir)

st.header("Review queue")
render_review_queue(ws, kb_dir, edit_from_review)

st.header("Training-map gaps")
jobs = sorted(catalogue.jobs.values(), key=lambda j: (j.rome_code or "~", j.title))
g1, g2, g3 = st.columns([2, 1, 1])
g1.selectbox("Job", [j.id for j in jobs], key="gap_job",
             format_func=lambda i: f"{catalogue.jobs[i].rome_code or '—'} — {catalogue.jobs[i].title}")
g2.text_input("City", value="Douai", key="gap_city")
g3.number_input("Radius (km)", min_value=1.0, max_value=1000.0, value=50.0, step=5.0, key="gap_radius")
if st.button("Show gaps", key="gaps_button"):
    st.session_state.pop("gaps", None)
    try:
        near = resolve_city(st.session_state["gap_city"], cache_dir=str(ws.settings.data_dir))
        radius = float(st.session_state["gap_radius"])
        gaps = job_gaps(catalogue, st.session_state["gap_job"], near, radius)
    except CurriculumError as exc:
        st.error(str(exc))
    else:
        places = [{"lat": p.lat, "lon": p.lon, "module": m.title, "city": p.city}
                  for m in catalogue.modules.values() if m.modality.needs_travel for p in m.places
                  if distance_km(near, (p.lat, p.lon)) <= radius]
        st.session_state["gaps"] = {"gaps": gaps, "places": places, "where": f"{st.session_state['gap_city']}, "
                                                                              f"{radius:g} km"}
gap_view = st.session_state.get("gaps")
if gap_view:
    if gap_view["gaps"]:
        st.dataframe(pd.DataFrame([safe_record(g) for g in gap_view["gaps"]]), hide_index=True)
    else:
        st.success(f"No gap: every required skill is taught within reach of {gap_view['where']}.")
    st.markdown(f"In-person and blended module places within {gap_view['where']}: {len(gap_view['places'])}")
    if gap_view["places"]:
        st.map(pd.DataFrame(gap_view["places"]), latitude="lat", longitude="lon")

st.header("Validate catalogue")
if st.button("Validate catalogue", key="validate_button"):
    report = add_lines(validate_kb(kb_dir))
    if report["errors"]:
        st.error(f"{len(report['errors'])} problem(s) in {report['checked']} files.")
        st.dataframe(pd.DataFrame([safe_record({**e, "file": str(Path(e["file"]).relative_to(kb_dir))
                                    if e.get("file") and Path(e["file"]).is_relative_to(kb_dir) else e.get("file")})
                                   for e in report["errors"]]), hide_index=True)
    else:
        st.success(f"No problem in {report['checked']} files.")
