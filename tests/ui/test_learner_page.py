"""The learner page (``ui/app.py`` → ``ui/pages/learner.py``) driven with Streamlit's AppTest.

The downloads must carry exactly the strings ``curriculum plan --format json|markdown`` prints
for the same profile. AppTest drops its mock runtime (and its media files) after each run, so
the ``recorded_media`` fixture wraps the in-memory media storage to keep the bytes it stores.
"""

from __future__ import annotations

import datetime as dt

import json
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from curriculum.exports import path_to_json, path_to_markdown
from curriculum.learners import parse_learner
from tests.conftest import EVAL_DIR
from ui.i18n import TEXT

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = str(REPO_ROOT / "ui" / "app.py")
L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"


@pytest.fixture
def l01_text() -> str:
    return L01.read_text(encoding="utf-8")


@pytest.fixture
def recorded_media(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """file id → bytes of every media file (download payloads) stored during AppTest runs."""
    files: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            files[file_id] = self._files_by_id[file_id].content
            return file_id

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return files


def download_data(at: AppTest, key: str, files: dict[str, bytes]) -> str:
    """The text a download button serves (its proto url is ``/mock/media/<file id>.<ext>``)."""
    url = at.get("download_button")[[b.key for b in at.get("download_button")].index(key)].proto.url
    return files[url.rsplit("/", 1)[-1].split(".")[0]].decode("utf-8")


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def without_provenance(text: str) -> dict:
    data = json.loads(text)
    data.pop("provenance", None)
    return data


def test_plan_pasted_profile_matches_cli(l01_text: str, workspace, recorded_media: dict[str, bytes]) -> None:
    at = new_app()
    at.text_area(key="learner_yaml_text").input(l01_text)
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    expected = workspace.plan(parse_learner(l01_text, file=str(L01)), file=str(L01))

    # the picker was preselected from the profile's target_job (rome:H2703)
    assert at.selectbox(key="target_job").value == workspace.catalogue.find_job("rome:H2703").id
    # summary and a B2TL step are shown
    assert expected.summary and any(expected.summary in m.value for m in at.markdown)
    fr = TEXT["fr"]  # L01 is a French profile: the page speaks French
    steps = next(df.value for df in at.dataframe if fr["col_cert"] in df.value.columns)
    assert "B2TL" in {c.split(" — ")[0] for c in steps[fr["col_cert"]]}
    assert at.metric[0].label == fr["m_hours"]

    # downloads carry the CLI's strings (JSON minus the volatile provenance; Markdown exactly)
    got_json = download_data(at, "download_json", recorded_media)
    assert without_provenance(got_json) == without_provenance(path_to_json(expected))
    assert got_json == at.session_state["plan"]["json"]
    assert download_data(at, "download_markdown", recorded_media) == path_to_markdown(expected)

    # a rerun (e.g. after a download) shows the kept plan without planning again
    kept = at.session_state["plan"]["path"]
    at.run()
    assert at.session_state["plan"]["path"] is kept
    assert not at.exception


def test_broken_yaml_shows_error_naming_field(l01_text: str) -> None:
    at = new_app()
    at.text_area(key="learner_yaml_text").input(l01_text.replace("hours_per_week: 8", "hours_per_week: lots"))
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert "hours_per_week" in at.error[0].value
    assert TEXT["fr"]["pasted_yaml"] in at.error[0].value  # no valid profile yet: the default language
    assert not at.get("download_button")
    assert "plan" not in at.session_state


def test_plan_without_profile_asks_for_one() -> None:
    at = new_app()
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    assert len(at.error) == 1 and at.error[0].value == TEXT["fr"]["no_profile"]


def test_form_missing_location_names_field() -> None:
    at = new_app()
    at.radio(key="profile_source").set_value("form")
    at.run()
    at.text_input(key="form_id").input("F01")
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    assert len(at.error) == 1 and "location" in at.error[0].value


def test_form_profile_with_picked_job_plans(workspace) -> None:
    at = new_app()
    at.radio(key="profile_source").set_value("form")
    at.run()
    at.text_input(key="form_id").input("F02")
    at.text_input(key="form_city").input("Douai")
    at.text_input(key="form_postcode").input("59500")
    # a year ahead: with the default six months the B2TL session calendar does not fit (infeasible badge)
    at.date_input(key="form_deadline").set_value(dt.date.today() + dt.timedelta(days=365))
    job = workspace.catalogue.find_job("rome:H2703")
    at.selectbox(key="target_job").set_value(job.id)
    at.button(key="plan_button").click()
    at.run()

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    path = at.session_state["plan"]["path"]
    assert path.learner_id == "F02" and path.target_job.id == job.id
    assert at.get("download_button")
