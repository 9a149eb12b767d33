"""Saved pathways in the UI (#15): L01 planned and saved from the learner page, a completion and a failed
habilitation practical recorded there as of 2027-02-17, the cohort page's follow-up showing the pathway at risk,
a re-plan from the learner page (the failed module re-booked, the changes in words), the follow-up on track, then
the re-take passed and its badge offered for download — each checked against the store the CLI reads.

Each test has a database of its own (``DATABASE_URL`` in ``tmp_path``); the data folder (index, issuer key,
badges) is the session's, so pathway names are unique per test.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from curriculum import i18n
from curriculum.progress import PathwayStore
from curriculum.progress.badges import verify_badge
from tests.progress.conftest import L01
from tests.ui.conftest import APP, TIMEOUT_S, open_page
from ui.i18n import TEXT

FR, EN = TEXT["fr"], TEXT["en"]
TODAY = "2027-02-17"


@pytest.fixture
def env(tmp_path, monkeypatch, workspace) -> str:
    """A database of the test's own and the pages counting from 2027-02-17; gives the database URL."""
    url = f"sqlite:///{tmp_path / 'pathways.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CURRICULUM_TODAY", TODAY)
    return url


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """file id → bytes of every download payload stored during AppTest runs."""
    files: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            files[file_id] = self._files_by_id[file_id].content
            return file_id

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return files


def payload(at: AppTest, key: str, files: dict[str, bytes]) -> bytes:
    button = next(b for b in at.get("download_button") if b.key == key)
    return files[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


TABLES = {"versions": ("col_saved",), "steps": ("col_status", "col_dates"), "events": ("col_event",),
          "follow-up": ("col_pathway", "col_status")}
"""The columns that tell each table of the pages apart (keys of ``ui.i18n.TEXT``)."""


def table(at: AppTest, which: str):
    """The table ``which`` of the page, read in the page's language."""
    words = TEXT[at.session_state["ui_lang"]]
    return next(df.value for df in at.dataframe if all(words[k] in df.value.columns for k in TABLES[which]))


def record(at: AppTest, module_id: str, kind: str, *, score: float | None = None) -> dt.date:
    """Record ``kind`` on ``module_id`` at the date the page suggests; gives that date."""
    at.selectbox(key="rec_step").set_value(module_id)
    at.run()
    at.selectbox(key="rec_kind").set_value(kind)
    at.run()
    if score is not None:
        at.number_input(key="rec_score").set_value(score)
    on = at.date_input(key="rec_on").value
    at.button(key="rec_button").click()
    ok(at.run())
    return on


def follow_up(cohort: str, language: str = "fr") -> dict[str, str]:
    """The cohort page's follow-up row of the only pathway of ``cohort``, by column label."""
    at = ok(open_page("cohort"))
    if language != "fr":
        at.sidebar.radio(key="ui_lang").set_value(language)
        ok(at.run())
    at.selectbox(key="followup_cohort").set_value(cohort)
    ok(at.run())
    rows = table(at, "follow-up")
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_save_record_replan_and_follow_up(env: str, workspace, media: dict[str, bytes],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = PathwayStore(url=env)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    ok(at.run())
    assert any(FR["no_saved"] in c.value for c in at.caption)  # nothing saved yet: no picker
    at.text_area(key="learner_yaml_text").input(L01.read_text(encoding="utf-8"))
    at.button(key="plan_button").click()
    ok(at.run())
    planned = at.session_state["plan"]["path"]

    # save under a cohort: the name defaults to the learner's id
    assert at.text_input(key="pathway_name").value == "L01"
    cohort = f"douai-{uuid.uuid4().hex[:8]}"
    name = f"{cohort}/L01"
    at.text_input(key="pathway_name").input(name)
    at.button(key="save_pathway").click()
    ok(at.run())
    assert any(FR["saved_pathway"].format(name=name, version=1) in s.value for s in at.success)
    assert at.selectbox(key="progress_pathway").value == name
    saved = store.load(name)
    assert saved.version == 1 and saved.path.model_dump_json() == planned.model_dump_json()

    # a completion (with a score) and the B1VL practical failed, at the dates the page suggests (the steps' ends)
    first = planned.steps[0]
    b1 = next(s for s in planned.steps if s.module_id.startswith("ev-habilitation-b1"))
    assert record(at, first.module_id, "completed_pass", score=78) == first.end
    assert record(at, b1.module_id, "completed_fail") == b1.end
    events = store.events(name)
    assert [(e.module_id, e.result, e.on, e.score, e.source) for e in events] == [
        (first.module_id, "pass", first.end, 78.0, "ui"), (b1.module_id, "fail", b1.end, None, "ui")]
    assert any(FR["recorded"].format(what=FR["ev_completed_fail"], title=b1.title, date="16 févr. 2027") in s.value
               for s in at.success)
    states = dict(zip(table(at, "steps")[FR["col_module"]], table(at, "steps")[FR["col_status"]]))
    assert states[first.title] == "Terminé, réussi le 9 févr. 2027 (78/100)"
    assert states[b1.title] == "Terminé, échoué le 16 févr. 2027"
    assert len(table(at, "events")) == 2
    assert any(FR["no_badges"] in c.value for c in at.caption)  # neither step passed awards a certification

    # the manager sees it at risk, with why in words, in French and in English; the XLSX has the row
    row = follow_up(cohort)
    assert row[FR["col_status"]] == FR["st_at_risk"] and row[FR["col_pathway"]] == name
    assert f"« {b1.title} » le 16 févr. 2027" in row[FR["col_why"]]
    assert row[FR["col_hours_done"]] == f"{first.hours:g}\u00a0h"
    row_en = follow_up(cohort, "en")
    assert row_en[EN["col_status"]] == EN["st_at_risk"] and "Completed, failed" in row_en[EN["col_why"]]

    # re-plan: the completed step kept, B1VL re-booked on its next session, the change said in words
    at.button(key="progress_replan").click()
    ok(at.run())
    result = at.session_state["progress_result"]
    assert result.version == 2 and result.kept[0] == first.module_id
    latest = store.load(name)
    assert latest.version == 2 and latest.reason.startswith(f"replanned on {TODAY}")
    retake = next(s for s in latest.path.steps if s.module_id == b1.module_id)
    assert retake.session and retake.start > dt.date.fromisoformat(TODAY)
    moved = FR["ch_moved"].format(title=b1.title, before=i18n.date_range(b1.start, b1.end, "fr"),
                                  after=i18n.date_range(retake.start, retake.end, "fr"), why=FR["why_failed"])
    assert any(f"- {moved}" in m.value for m in at.markdown), moved
    assert len(table(at, "versions")) == 2
    states = dict(zip(table(at, "steps")[FR["col_module"]], table(at, "steps")[FR["col_status"]]))
    assert states[first.title].startswith("Terminé, réussi") and not states[b1.title].startswith("Terminé")

    at_cohort = ok(open_page("cohort"))
    at_cohort.selectbox(key="followup_cohort").set_value(cohort)
    ok(at_cohort.run())
    assert table(at_cohort, "follow-up").iloc[0][FR["col_status"]] == FR["st_on_track"]
    sheet = load_workbook(io.BytesIO(payload(at_cohort, "download_followup_xlsx", media))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("pathway", "learner_id", "status") and rows[1][:3] == (name, "L01", "on_track")

    # the re-take passed on its last day: a badge for B1VL, offered for download, that verifies
    monkeypatch.setenv("CURRICULUM_TODAY", str(retake.end))
    assert record(at, b1.module_id, "completed_pass") == retake.end
    assert any(FR["badge_new"].format(cert="B1VL", title=b1.title) in s.value for s in at.success)
    badge = payload(at, "badge_0", media).decode("ascii")
    check = verify_badge(badge, data_dir=workspace.settings.data_dir, today=retake.end)
    assert check.valid, check.reason
    assert check.code == "B1VL" and check.date == str(retake.end)
