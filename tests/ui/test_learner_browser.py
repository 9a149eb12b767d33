"""The learner page in a real browser at phone width (400 px): French words, metrics not cut, download buttons
on screen, no raw values, nothing fetched from the network (the map has no tiles); and the chat: a French
learner answers, sees the profile in words on a phone screen, and plans it.

Runs ``streamlit run ui/app.py`` and headless chromium through ``scripts/learner_screenshots.py``; skipped when
chromium or websocket-client is missing. The screenshots are kept in the test's temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
from pathlib import Path

import pytest

from curriculum import i18n
from curriculum.learners import load_learner
from tests.conftest import EVAL_DIR, REPO_ROOT
from ui.i18n import TEXT

pytest.importorskip("websocket", reason="websocket-client drives the browser")
if not (shutil.which("chromium") or shutil.which("chromium-browser")):
    pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
RAW = ("in_person", "blended", "online", "workplace", "limits_broken", "hours_missing", "http://data.europa.eu/esco/")


def _shots():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("learner_screenshots", REPO_ROOT / "scripts" / "learner_screenshots.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PAGE_FACTS = """(() => {
  const metrics = [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => {
    const v = m.querySelector('[data-testid="stMetricValue"]'); const inner = v.querySelector('div') || v;
    return {label: m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(), value: v.innerText.trim(),
            cut: inner.scrollWidth > inner.clientWidth + 1};
  });
  const buttons = [...document.querySelectorAll('[class*="st-key-download_"]')].map(b => {
    const r = b.getBoundingClientRect(); return {text: b.innerText.trim(), left: r.left, right: r.right};
  });
  const hosts = [...new Set(performance.getEntriesByType('resource').map(e => new URL(e.name).hostname))];
  return JSON.stringify({metrics, buttons, hosts, text: document.body.innerText,
                         width: document.documentElement.scrollWidth,
                         charts: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length});
})()"""


def test_french_plan_on_a_phone_screen(workspace, tmp_path: Path) -> None:
    shots = _shots()
    port = _free_port()
    server = shots.start_server(port)
    try:
        page = shots.Page(shots.chromium())
        try:
            saved = shots.plan_screens(page, f"http://localhost:{port}/", L01, tmp_path)
            page.size(400, 900)
            facts = json.loads(page.js(PAGE_FACTS))  # type: ignore[arg-type]
        finally:
            page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in saved)
    fr = TEXT["fr"]
    path = workspace.plan(load_learner(L01))
    metrics = {m["label"]: m for m in facts["metrics"]}
    assert metrics[fr["m_cost"]]["value"] == i18n.money(path.total_cost_eur, "fr")
    assert metrics[fr["m_hours"]]["value"] == i18n.hours(path.total_hours, "fr")
    assert not [m for m in facts["metrics"] if m["cut"]], facts["metrics"]
    assert len(facts["buttons"]) == 4 and all(0 <= b["left"] and b["right"] <= 400 for b in facts["buttons"])
    assert facts["width"] <= 400  # nothing wider than the screen
    assert facts["charts"] >= 3  # map, timeline, weekly calendar
    assert set(facts["hosts"]) <= {"localhost", "127.0.0.1"}  # no map tiles, no fonts from the network
    assert fr["h_places"] in facts["text"] and fr["plan_button"] in facts["text"]
    assert not [raw for raw in RAW if raw in facts["text"]]


CHAT_FACTS = """(() => {
  const boxes = [...document.querySelectorAll('.st-key-chat_plan, .st-key-chat_restart, [data-testid="stButtonGroup"], '
                 + '[data-testid="stChatMessage"]')].map(b => { const r = b.getBoundingClientRect();
                   return {left: r.left, right: r.right}; });
  const hosts = [...new Set(performance.getEntriesByType('resource').map(e => new URL(e.name).hostname))];
  return JSON.stringify({boxes, hosts, text: document.body.innerText, width: document.documentElement.scrollWidth,
                         messages: document.querySelectorAll('[data-testid="stChatMessage"]').length});
})()"""


def test_french_chat_on_a_phone_screen(workspace, tmp_path: Path) -> None:
    """A French learner answers the chat at 1400 then 400 px, checks the profile in words, plans it."""
    from tests.intake.test_dialogue import FRENCH, converse

    shots = _shots()
    port = _free_port()
    server = shots.start_server(port)
    try:
        page = shots.Page(shots.chromium())
        try:
            saved = shots.chat_screens(page, f"http://localhost:{port}/", FRENCH, tmp_path, plan=False)
            page.size(400, 900)
            chat = json.loads(page.js(CHAT_FACTS))  # type: ignore[arg-type]
            page.js("document.querySelector('.st-key-chat_plan button').click()")
            page.wait("!!document.querySelector('.st-key-download_json')")
            page.wait("document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] canvas, "
                      "[data-testid=\"stVegaLiteChart\"] svg').length >= 3", timeout=60)  # the page is drawn
            planned = json.loads(page.js(PAGE_FACTS))  # type: ignore[arg-type]
        finally:
            page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert len(saved) == 6 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in saved)
    assert list(shots.CHAT_FR) == FRENCH  # the script's own answers are the dialogue test's
    fr = TEXT["fr"]
    profile = converse(workspace, "fr", FRENCH)[0].profile("learner")
    job = workspace.catalogue.jobs[profile.target_job]
    text = chat["text"].replace("\u00a0", " ")
    assert chat["messages"] == 2 * len(FRENCH) + 1  # each question and answer, then the thanks
    for words in (fr["chat_check"], job.title_fr, "jusqu'à 40 km", "8 h par semaine", "présentiel et en entreprise",
                  "du 4 janv. 2027 au 30 sept. 2027", "4 000 €", fr["chat_plan"], fr["chat_restart"]):
        assert words in text, words
    assert not [raw for raw in RAW if raw in chat["text"]]
    assert chat["width"] <= 400 and all(0 <= b["left"] and b["right"] <= 400 for b in chat["boxes"])
    assert set(chat["hosts"]) <= {"localhost", "127.0.0.1"}

    path = workspace.plan(profile)
    metrics = {m["label"]: m["value"] for m in planned["metrics"]}
    assert metrics.get(fr["m_hours"]) == i18n.hours(path.total_hours, "fr"), planned["metrics"]
    assert planned["width"] <= 400 and fr["chat_planned"] in planned["text"]
