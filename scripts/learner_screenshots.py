"""Screenshots of the learner page in a real browser (Debian chromium, headless), at desktop and phone widths.

Starts ``streamlit run ui/app.py --server.headless true --server.port PORT`` (unless ``--no-server``), then:

1. for each eval learner, drives the page over the DevTools protocol like a user: pastes the YAML profile,
   clicks the plan button, waits for the plan, and saves ``<learner>-<width>-top.png`` (the first 900 px:
   badge, metrics, downloads), ``<learner>-<width>-<section>.png`` (the viewport scrolled to the places map
   and to the steps table) and ``<learner>-<width>-full.png`` (the whole page in one tall image);
2. a French learner building the profile in the chat (:func:`chat_screens`: ``chat-<width>-mid.png``,
   ``chat-<width>-top.png``, ``chat-<width>-check.png``), then planning it;
3. the start page with ``chromium --headless --screenshot`` at each width (``start-<width>.png``), once the
   server has loaded the knowledge base (a cold first load outlasts chromium's time budget).

Usage::

    CURRICULUM_DATA_DIR=/tmp/shots-data curriculum index   # once
    CURRICULUM_DATA_DIR=/tmp/shots-data python scripts/learner_screenshots.py --out /tmp/learner-shots

Needs ``chromium`` on PATH (``apt-get install -y chromium``) and ``websocket-client`` (installed with the dev
extras). Nothing is sent anywhere but to the local server; the page needs no network (the map has no tiles).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "tests" / "data" / "eval" / "learners"
WIDTHS = (1400, 400)
HEIGHT = 900
SECTIONS = {"places": ("Lieux", "Places"), "steps": ("Étapes", "Steps")}


def chromium() -> str | None:
    """The chromium executable on PATH, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def wait_http(url: str, timeout: float = 120) -> None:
    """Wait until ``url`` answers 200 (raises TimeoutError)."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - local server only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


def start_server(port: int) -> subprocess.Popen:
    """``streamlit run ui/app.py`` on ``port`` (headless), once its health check answers."""
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://localhost:{port}/_stcore/health")
    except TimeoutError:
        proc.terminate()
        raise
    return proc


def cli_screenshot(browser: str, url: str, width: int, out: Path) -> None:
    """``chromium --headless --screenshot`` of ``url`` at ``width`` × :data:`HEIGHT`."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size={width},{HEIGHT}",
                        "--virtual-time-budget=20000", f"--screenshot={out}", url],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


class Page:
    """A headless chromium tab driven over the DevTools protocol (just what this script needs)."""

    def __init__(self, browser: str) -> None:
        import websocket  # websocket-client

        self.profile = tempfile.mkdtemp(prefix="shots-chromium-")
        self.proc = subprocess.Popen([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                      f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
                                      f"--window-size={WIDTHS[0]},{HEIGHT}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        end = time.time() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() > end:
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:  # noqa: S310
            target = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=120, suppress_origin=True)
        self.next_id = 0

    def send(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def js(self, expression: str) -> object:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JS error: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def wait(self, expression: str, timeout: float = 180) -> None:
        end = time.time() + timeout
        while time.time() < end:
            if self.js(expression):
                return
            time.sleep(0.5)
        raise TimeoutError(f"waited {timeout:.0f} s for: {expression}")

    def size(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)

    def shot(self, out: Path) -> None:
        time.sleep(1.5)  # let charts lay out after a resize or a scroll
        out.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


FOCUS = "(() => { document.querySelector('.st-key-learner_yaml_text textarea').focus(); return true; })()"
BLUR = "(() => { document.querySelector('.st-key-learner_yaml_text textarea').blur(); return true; })()"
MAIN = "document.querySelector('[data-testid=\"stMain\"]')"
SCROLL_TO = """(() => { const h = [...document.querySelectorAll('h4')].find(e => %s.includes(e.innerText.trim()));
  if (!h) return false; h.scrollIntoView({block: 'start'}); return true; })()"""


def plan_screens(page: Page, url: str, learner: Path, out: Path) -> list[Path]:
    """Plan ``learner`` on the page like a user, then screenshot it at each width."""
    saved = []
    page.size(WIDTHS[0], HEIGHT)
    page.send("Page.navigate", url=url)
    page.wait("!!document.querySelector('.st-key-learner_yaml_text textarea')")
    page.js(FOCUS)
    page.send("Input.insertText", text=learner.read_text(encoding="utf-8"))  # typed, as a user pastes
    page.js(BLUR)  # a text area sends its value when it loses the focus
    time.sleep(3)  # the rerun after the text is committed (the page switches to the profile's language)
    page.js("document.querySelector('.st-key-plan_button button').click()")
    page.wait("!!document.querySelector('.st-key-download_json')")
    page.wait("document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] canvas, "
              "[data-testid=\"stVegaLiteChart\"] svg').length >= 3", timeout=60)
    name = learner.name.split("-")[0]
    for width in WIDTHS:
        page.size(width, HEIGHT)
        page.js(f"{MAIN}.scrollTo(0, 0) || true")
        page.js("window.scrollTo(0, 0) || true")
        saved.append(out / f"{name}-{width}-top.png")
        page.shot(saved[-1])
        for section, titles in SECTIONS.items():
            if page.js(SCROLL_TO % json.dumps(list(titles))):
                saved.append(out / f"{name}-{width}-{section}.png")
                page.shot(saved[-1])
        height = int(page.js(f"({MAIN} || document.body).scrollHeight") or HEIGHT)
        page.size(width, min(max(height + 100, HEIGHT), 16000))
        page.js(f"{MAIN}.scrollTo(0, 0) || true")
        saved.append(out / f"{name}-{width}-full.png")
        page.shot(saved[-1])
    return saved


CHAT_FR = ("Je veux devenir technicien de maintenance de batteries de véhicules électriques",
           "J'habite à Douai (59500)", "40 km", "8 h par semaine", "du 4 janvier 2027 au 30 septembre 2027", "aucune",
           "plutôt en atelier, je n'ai pas d'ordinateur à la maison", "4 000 €",
           "Mécanicien automobile depuis 12 ans : diagnostic, freinage, entretien des moteurs.")
"""A French learner's answers in the chat (``FRENCH`` of tests/intake/test_dialogue.py)."""
MESSAGES = "document.querySelectorAll('[data-testid=\"stChatMessage\"]').length"
PICK = """(() => { const o = [...document.querySelectorAll('.st-key-profile_source label')]
  .find(l => %s.includes(l.innerText.trim())); if (!o) return false; o.click(); return true; })()"""
TYPE = "(() => { document.querySelector('[data-testid=\"stChatInputTextArea\"]').focus(); return true; })()"
SEND = "(() => { document.querySelector('[data-testid=\"stChatInputSubmitButton\"]').click(); return true; })()"


def chat_screens(page: Page, url: str, answers: tuple[str, ...] | list[str], out: Path, *,
                 plan: bool = True) -> list[Path]:
    """Build a profile in the chat like a user: pick "Discuter" / "Chat", type each answer and send it, then
    screenshot at each width ``chat-<width>-mid.png`` (after four answers), ``chat-<width>-top.png`` (the
    transcript once complete) and ``chat-<width>-check.png`` (the profile to confirm); with ``plan``, click
    "Plan this" and wait for the plan."""
    saved = []
    page.size(WIDTHS[0], HEIGHT)
    page.send("Page.navigate", url=url)
    page.wait("!!document.querySelector('.st-key-profile_source')")
    if not page.js(PICK % json.dumps(["Discuter", "Chat"])):
        raise RuntimeError("no chat choice on the page")
    page.wait("!!document.querySelector('[data-testid=\"stChatInputTextArea\"]')")
    for k, answer in enumerate(answers):
        before = int(page.js(MESSAGES) or 0)  # type: ignore[call-overload]
        page.js(TYPE)
        page.send("Input.insertText", text=answer)  # typed, as a user types
        time.sleep(0.3)
        page.js(SEND)
        page.wait(f"{MESSAGES} >= {before + 2}")  # the answer and the next question (or the thanks)
        if k == 3:
            for width in WIDTHS:
                page.size(width, HEIGHT)
                saved.append(out / f"chat-{width}-mid.png")
                page.shot(saved[-1])
            page.size(WIDTHS[0], HEIGHT)
    page.wait("!!document.querySelector('.st-key-chat_plan')")
    for width in WIDTHS:
        page.size(width, HEIGHT)
        page.js(f"{MAIN}.scrollTo(0, 0) || true")
        saved.append(out / f"chat-{width}-top.png")
        page.shot(saved[-1])
        if page.js(SCROLL_TO % json.dumps(["Vérifiez votre profil", "Check your profile"])):
            saved.append(out / f"chat-{width}-check.png")
            page.shot(saved[-1])
    if plan:
        page.js("document.querySelector('.st-key-chat_plan button').click()")
        page.wait("!!document.querySelector('.st-key-download_json')")
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "learner-shots")
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--learners", default="L01,L07", help="eval learner ids, comma separated")
    parser.add_argument("--no-server", action="store_true", help="use a server already running on --port")
    args = parser.parse_args(argv)
    browser = chromium()
    if browser is None:
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    url = f"http://localhost:{args.port}/"
    server = None if args.no_server else start_server(args.port)
    try:
        if args.no_server:
            wait_http(f"{url}_stcore/health")
        saved = []
        page = Page(browser)
        try:
            for lid in args.learners.split(","):
                learner = next(EVAL.glob(f"{lid.strip()}-*.yaml"))
                saved += plan_screens(page, url, learner, args.out)
            saved += chat_screens(page, url, CHAT_FR, args.out)
        finally:
            page.close()
        # after a plan the server's knowledge base is loaded: the start page draws within the time budget
        for width in WIDTHS:
            saved.append(args.out / f"start-{width}.png")
            cli_screenshot(browser, url, width, saved[-1])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())
