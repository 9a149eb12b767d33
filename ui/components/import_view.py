"""The "Import offers" section of the catalogue page: an LHEO file, a company spreadsheet (CSV/XLSX with its
own headers) or a JSON-LD catalogue → preview (dry run) → import. For a spreadsheet the guessed column
mapping is shown and can be corrected, then saved as a named profile for the next export of the same file.
Uncertain offers arrive as drafts in the review queue below; nothing is rejected for lack of tags.

Presentation only: :mod:`curriculum.knowledge.offer_import` (parse, tag, sync) and
:mod:`curriculum.knowledge.spreadsheets` (profiles, header guessing).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from curriculum.errors import CurriculumError
from curriculum.knowledge.offer_import import import_offers, kind_of
from curriculum.knowledge.review import sync_from_disk
from curriculum.knowledge.spreadsheets import (SHEET_FIELDS, SheetProfile, guess_columns, list_profiles, load_profile,
                                               read_table, save_profile)
from curriculum.tabular import safe_record

KIND_LABELS = {"lheo": "LHEO 2.x offers (XML)", "sheet": "Spreadsheet with its own columns (CSV/XLSX)",
               "csv": "CSV in this product's export format", "jsonld": "schema.org Course (JSON-LD)"}
NONE = "—"


def _upload_path(upload, data_dir: Path) -> Path:
    """The uploaded file written under ``<data>/uploads`` (parsers read paths; the name is kept for messages)."""
    folder = Path(data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(dir=folder)) / Path(upload.name).name
    target.write_bytes(upload.getvalue())
    return target


def _mapping_editor(path: Path, kb_dir: Path) -> SheetProfile | None:
    """Profile picker and the field → column table; returns the profile to use (None on error)."""
    s = st.session_state
    names = [NONE, *list_profiles(kb_dir)]
    chosen = st.selectbox("Saved column profile", names, key="im_profile")
    try:
        base = load_profile(kb_dir, chosen) if chosen != NONE else SheetProfile(name="sheet")
        headers, rows = read_table(path, base.sheet)
        found = guess_columns(headers, base)
    except CurriculumError as exc:
        st.error(str(exc))
        return None
    st.caption(f"{len(rows)} data row(s). Columns recognised by their usual names or the profile; correct any.")
    table = pd.DataFrame({"field": list(SHEET_FIELDS),
                          "column": [headers[found[f]] if f in found else NONE for f in SHEET_FIELDS]})
    edited = st.data_editor(table, hide_index=True, key="im_columns", disabled=["field"],
                            column_config={"column": st.column_config.SelectboxColumn(
                                "column", options=[NONE, *[h for h in headers if h]])})
    columns = {r["field"]: r["column"] for r in edited.to_dict("records") if r["column"] and r["column"] != NONE}
    if "title" not in columns:
        st.warning("Choose the column holding the title.")
    s["im_save_as"] = st.text_input("Save these columns as profile (optional)", key="im_save_name")
    return base.model_copy(update={"columns": columns})


def render_import(ws, kb_dir: Path) -> None:
    """The section (``im_*`` session keys). After an import the page's workspace is re-read from disk."""
    s = st.session_state
    upload = st.file_uploader("Offer file", type=["xml", "csv", "xlsx", "json", "jsonld"], key="im_file")
    if upload is None:
        return
    if s.get("_im_name") != (upload.name, upload.size):
        s["_im_path"] = str(_upload_path(upload, ws.settings.data_dir))
        s["_im_name"] = (upload.name, upload.size)
        s.pop("im_result", None)
    path = Path(s["_im_path"])
    kinds = list(KIND_LABELS)
    kind = st.selectbox("Format", kinds, index=kinds.index(kind_of(upload.name)), key="im_kind",
                        format_func=KIND_LABELS.get)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(upload.name).stem).strip("-._")[:64] or "feed"
    feed = st.text_input("Feed name (a re-import of the same feed updates its offers)", value=stem, key="im_feed")
    profile = _mapping_editor(path, kb_dir) if kind == "sheet" else None
    if kind == "sheet" and profile is None:
        return
    c1, c2 = st.columns(2)
    preview = c1.button("Preview (nothing written)", key="im_preview")
    run = c2.button("Import", key="im_run", type="primary")
    if preview or run:
        try:
            if run and kind == "sheet" and s.get("im_save_as"):
                save_profile(kb_dir, profile.model_copy(update={"name": s["im_save_as"]}))
            with st.spinner("Reading, tagging and checking the offers…"):
                outcome = import_offers(path, kb_dir, kind=kind, feed=feed, profile=profile,
                                        data_dir=ws.settings.data_dir, dry_run=preview)
            if run:
                sync_from_disk(ws)
            s["im_result"] = {"dry_run": bool(preview), "parsed": outcome.parsed,
                              "counts": outcome.report.counts() if outcome.report else {},
                              "issues": [safe_record({"where": f"{i.file}:{i.line or ''}", "field": i.field,
                                                      "problem": i.message})
                                         for i in [*outcome.issues, *(outcome.report.issues if outcome.report else [])]]}
        except (CurriculumError, ValueError) as exc:
            s["im_result"] = {"error": str(exc)}
    _show(s.get("im_result"))


def _show(result: dict | None) -> None:
    if not result:
        return
    if "error" in result:
        st.error(result["error"])
        return
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in result["counts"].items() if v) or "nothing to write"
    verb = "Preview" if result["dry_run"] else "Imported"
    st.success(f"{verb}: {result['parsed']} offer(s) read — {counts}. Uncertain offers are drafts in the review queue.")
    if result["issues"]:
        st.warning(f"{len(result['issues'])} problem(s); every other offer was kept.")
        st.dataframe(pd.DataFrame(result["issues"]), hide_index=True)
