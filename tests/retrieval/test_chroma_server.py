"""The scale-out path for real: a `chroma run` server on 127.0.0.1, indexed and planned through (issue #2)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curriculum.generation.local_server import free_port
from curriculum.learners import parse_learner
from curriculum.services import Workspace
from curriculum.settings import Settings
from tests.conftest import KB_DIR
from tests.test_cli import GOOD


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("chroma CLI not installed")
    port = free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_index_and_plan_through_chroma_server(chroma_server, workspace, tmp_path):
    settings = Settings.from_env(data_dir=tmp_path, kb_dir=KB_DIR, chroma_host="127.0.0.1", chroma_port=chroma_server,
                                 collection="srv_modules")
    ws = Workspace.open(settings, embeddings=workspace.embeddings or workspace.index.embeddings)
    reports = ws.build_index()
    assert reports[0].added == len(ws.catalogue.modules) and ws.index.count() == len(ws.catalogue.modules)
    again = ws.build_index()
    assert again[0].unchanged == len(ws.catalogue.modules) and again[0].added == 0
    hits = ws.index.search_modules("habilitation B2TL travaux sous tension véhicules électriques", k=3)
    assert any("b2tl" in mid for mid, _ in hits)
    # the CLI test's Douai learner, with a label that only the embeddings (on the server) can map
    profile = parse_learner(GOOD.replace('{label: "repair vehicle electrical systems", level: 2}',
                                         '{label: "use diagnostic equipment for vehicles", level: 3}'))
    path = ws.plan(profile, explain=False)
    assert path.skill_mapping[0]["method"] == "embedding"  # mapped by the shipped taxonomy vectors
    assert path.feasible and "B2TL" in [s.certification for s in path.steps]


def test_cli_plan_and_a_module_reindex_share_the_server_index(chroma_server, workspace, tmp_path):
    """The UI (a long-lived workspace re-indexing a module) and `curriculum plan` processes against one
    server index: the README's recommended set-up for several machines."""
    import json
    import os

    from curriculum.knowledge.editing import reindex_module
    from tests.conftest import REPO_ROOT

    settings = Settings.from_env(data_dir=tmp_path, kb_dir=KB_DIR, chroma_host="127.0.0.1", chroma_port=chroma_server,
                                 collection="srv_modules")
    ui = Workspace.open(settings, embeddings=workspace.index.embeddings)
    if ui.index.count() == 0:
        ui.build_index()
    learner = tmp_path / "learner.yaml"
    learner.write_text(GOOD.replace('{label: "repair vehicle electrical systems", level: 2}',
                                    '{label: "use diagnostic equipment for vehicles", level: 3}'), encoding="utf-8")
    env = {**os.environ, "CURRICULUM_CHROMA_HOST": "127.0.0.1", "CURRICULUM_CHROMA_PORT": str(chroma_server),
           "CURRICULUM_DATA_DIR": str(tmp_path / "cli"), "PYTHONPATH": str(REPO_ROOT)}
    # the collection name is a setting of the workspace, not of the environment: the CLI uses "modules"
    proc = subprocess.Popen([sys.executable, "-m", "curriculum.cli", "plan", "-l", str(learner), "-f", "json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    assert reindex_module(ui, "ev-habilitation-b2tl") >= 0  # a write while the CLI plans
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    plan = json.loads(out)
    assert "B2TL" in [s["certification"] for s in plan["steps"]]
    assert not (tmp_path / "cli" / "index").exists()  # server mode: no embedded store was created
