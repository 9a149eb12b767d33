"""The embedded store under concurrent use, crashes, damage and a full disk (issue #9).

Real Chroma, real MiniLM embeddings, the shipped catalogue's modules; several real processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from curriculum.errors import IndexBusyError, StoreDamagedError
from curriculum.learners import parse_learner
from curriculum.retrieval.generations import Generations
from curriculum.retrieval.store import VectorIndex
from curriculum.services import Workspace
from curriculum.settings import Settings
from tests.conftest import KB_DIR, REPO_ROOT
from tests.test_cli import GOOD

CHILD = textwrap.dedent("""
    import json, sys, time
    from curriculum.services import Workspace
    from curriculum.settings import Settings
    data, action, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ws = Workspace.open(Settings.from_env(data_dir=data, llm_model=""))
    mods = dict(list(ws.catalogue.modules.items())[:n])
    labels = lambda s: ws.catalogue.skill_label(s, "en")
    if action == "write":
        r = ws.index.sync_modules(mods, labels)
        print(json.dumps({"added": r.added, "unchanged": r.unchanged}))
    elif action == "slow-write":  # embeds one module at a time, so it can be killed half-way
        ws.index._embed_into.__func__.__defaults__ = (1,)
        revised = {i: m.model_copy(update={"summary": m.summary + " Revised."}) for i, m in mods.items()}
        ws.index.sync_modules(revised, labels, rebuild=True)  # revised texts: no shipped vector to reuse
    else:  # read in a loop for n seconds; every answer is a count
        seen, end = [], time.time() + n
        while time.time() < end:
            seen.append(ws.index.count())
            ws.index.search_modules("habilitation B2TL", k=1) if seen[-1] else None
        print(json.dumps(sorted(set(seen))))
""")


def child(data: Path, action: str, n: int, **kw) -> subprocess.Popen:
    env = {**os.environ, "CURRICULUM_DATA_DIR": str(data), "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(data), action, str(n)], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture(scope="module")
def embeddings(workspace):
    return workspace.index.embeddings


def index_at(data: Path, embeddings) -> VectorIndex:
    return VectorIndex(Settings.from_env(data_dir=data, kb_dir=KB_DIR, store_timeout_s=60), embeddings)


def test_two_writers_and_a_reader_at_once(tmp_path, workspace):
    total = len(workspace.catalogue.modules)
    procs = [child(tmp_path, "write", total), child(tmp_path, "write", total), child(tmp_path, "read", 25)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
    written = [json.loads(o) for o, _ in outs[:2]]
    assert sorted(w["added"] for w in written) == [0, total]  # one built it, the other found it up to date
    assert set(json.loads(outs[2][0])) <= {0, total}  # a reader sees nothing or everything, never an error
    gens = Generations(tmp_path / "index", "modules")
    assert [g.name for g in gens.dir.glob("g-*")] == [gens.current().name]  # nothing left behind
    assert index_at(tmp_path, workspace.index.embeddings).count() == total


def test_kill_during_index_keeps_the_previous_index(tmp_path, workspace, embeddings):
    labels = lambda s: workspace.catalogue.skill_label(s, "en")  # noqa: E731
    first = dict(list(workspace.catalogue.modules.items())[:10])
    index_at(tmp_path, embeddings).sync_modules(first, labels)
    gens = Generations(tmp_path / "index", "modules")
    published = gens.current()
    proc = child(tmp_path, "slow-write", len(workspace.catalogue.modules))
    deadline = time.time() + 300
    while time.time() < deadline and not [g for g in gens.dir.glob("g-*") if g != published]:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert gens.current() == published  # the half-built generation was never published
    index = index_at(tmp_path, embeddings)
    assert index.count() == 10 and index.search_modules("habilitation", k=1)
    report = index.sync_modules(workspace.catalogue.modules, labels)  # the next writer cleans up
    assert report.added == len(workspace.catalogue.modules) - 10
    assert [g.name for g in gens.dir.glob("g-*")] == [gens.current().name]


def test_damaged_index_is_reported_in_one_line_and_rebuilt(tmp_path, workspace, embeddings):
    labels = lambda s: workspace.catalogue.skill_label(s, "en")  # noqa: E731
    index = index_at(tmp_path, embeddings)
    index.sync_modules(workspace.catalogue.modules, labels)
    index.close()
    current = Generations(tmp_path / "index", "modules").current()
    (current / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    broken = index_at(tmp_path, embeddings)
    with pytest.raises(StoreDamagedError) as info:
        broken.count()
    assert "\n" not in str(info.value) and "curriculum index --rebuild" in str(info.value)
    report = broken.sync_modules(workspace.catalogue.modules, labels)  # a writer notices and rebuilds
    assert report.note and report.added == len(workspace.catalogue.modules)
    assert index_at(tmp_path, embeddings).count() == len(workspace.catalogue.modules)


def test_full_disk_leaves_the_previous_index(tmp_path, workspace, embeddings):
    labels = lambda s: workspace.catalogue.skill_label(s, "en")  # noqa: E731
    index_at(tmp_path, embeddings).sync_modules(dict(list(workspace.catalogue.modules.items())[:5]), labels)
    before = Generations(tmp_path / "index", "modules").current()
    script = CHILD.replace('if action == "write":', 'if action == "write":\n'
                           '    import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))')
    env = {**os.environ, "CURRICULUM_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path), "write", "78"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0 and "the previous index is unchanged" in proc.stderr
    gens = Generations(tmp_path / "index", "modules")
    assert gens.current() == before and [g.name for g in gens.dir.glob("g-*")] == [before.name]
    assert index_at(tmp_path, embeddings).count() == 5


def test_a_second_writer_gives_up_with_index_busy(tmp_path, embeddings):
    settings = Settings.from_env(data_dir=tmp_path, kb_dir=KB_DIR, index_wait_s=0.5)
    gens = Generations(settings.index_path, settings.collection, settings.index_wait_s)
    with gens.writer():
        with pytest.raises(IndexBusyError, match="index busy"):
            VectorIndex(settings, embeddings).sync_modules({}, str)


def test_plan_never_writes_and_says_what_to_run_for_new_taxonomy_labels(tmp_path, embeddings):
    import shutil

    import yaml

    ws = Workspace.open(Settings.from_env(data_dir=tmp_path / "data", kb_dir=KB_DIR, llm_model=""), embeddings=embeddings)
    profile = parse_learner(GOOD.replace('{label: "repair vehicle electrical systems", level: 2}',
                                         '{label: "use diagnostic equipment for vehicles", level: 3}'))
    path = ws.plan(profile, explain=False)
    assert path.skill_mapping[0]["method"] == "embedding"  # the shipped label vectors: no index needed
    assert not (tmp_path / "data" / "index").exists() and not (tmp_path / "data" / "taxonomy_vectors.npz").exists()
    # an edited taxonomy: one skill's labels reworded, so they have no shipped vector
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    tax = yaml.safe_load((kb / "taxonomy.yaml").read_text(encoding="utf-8"))
    entry = tax["skills"][0]
    entry["labels"] = {lang: text + " (revised)" for lang, text in entry["labels"].items()}
    (kb / "taxonomy.yaml").write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    edited = Workspace.open(Settings.from_env(data_dir=tmp_path / "data2", kb_dir=kb, llm_model=""),
                            embeddings=embeddings)
    odd = parse_learner(GOOD.replace('{label: "repair vehicle electrical systems", level: 2}',
                                     '{label: "keep the bicycle fleet shiny", level: 2}'))
    path = edited.plan(odd, explain=False)
    assert edited.taxonomy_vectors().missing == len(entry["labels"])
    assert any("have no vector yet" in w and "run `curriculum index`" in w for w in path.warnings)
    edited.build_index()
    assert edited.taxonomy_vectors().missing == 0 and (tmp_path / "data2" / "taxonomy_vectors.npz").exists()
    again = edited.plan(odd, explain=False)
    assert not any("curriculum index" in w for w in again.warnings)
