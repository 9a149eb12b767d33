"""The catalogue snapshot (:mod:`curriculum.knowledge.snapshot`): used only while no file changed, never wrong."""

from __future__ import annotations

import os
import shutil

from curriculum.knowledge import snapshot
from curriculum.knowledge.catalogue import load_catalogue
from tests.conftest import KB_DIR


def _copy(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    return kb, tmp_path / "data"


def _same(a, b) -> bool:
    return a.modules == b.modules and a.pending == b.pending and a.jobs == b.jobs and a.taxonomy == b.taxonomy


def test_a_snapshot_is_the_catalogue_until_a_file_changes(tmp_path):
    kb, data = _copy(tmp_path)
    fresh = load_catalogue(kb, cache_dir=data)
    stored = next((data / snapshot.FOLDER).glob("*.pickle"))
    again = load_catalogue(kb, cache_dir=data)
    assert _same(fresh, again) and again.root == kb and again is not fresh
    assert load_catalogue(kb, cache_dir=data).modules is not again.modules  # each load its own objects

    module = sorted((kb / "modules").glob("*.md"))[0]
    text = module.read_text(encoding="utf-8")
    hours = next(line for line in text.splitlines() if line.startswith("duration_hours:"))
    module.write_text(text.replace(hours, "duration_hours: 999"), encoding="utf-8")
    changed = load_catalogue(kb, cache_dir=data)
    assert changed.modules[module.stem].duration_hours == 999
    assert _same(changed, load_catalogue(kb))  # as a load without any cache

    module.unlink()
    assert module.stem not in load_catalogue(kb, cache_dir=data).modules
    (kb / "jobs" / "extra.yaml").write_text((sorted((kb / "jobs").glob("*.yaml"))[0]).read_text(encoding="utf-8")
                                            .replace("id: ", "id: extra-", 1), encoding="utf-8")
    assert _same(load_catalogue(kb, cache_dir=data), load_catalogue(kb))
    assert stored.exists()


def test_a_damaged_snapshot_is_ignored_and_replaced(tmp_path):
    kb, data = _copy(tmp_path)
    fresh = load_catalogue(kb, cache_dir=data)
    stored = next((data / snapshot.FOLDER).glob("*.pickle"))
    stored.write_bytes(b"not a pickle")
    assert _same(load_catalogue(kb, cache_dir=data), fresh)
    assert stored.read_bytes() != b"not a pickle"


def test_a_catalogue_with_issues_is_never_snapshotted(tmp_path):
    kb, data = _copy(tmp_path)
    (kb / "modules" / "broken.md").write_text("---\nid: broken\nduration_hours: -3\n---\n", encoding="utf-8")
    first = load_catalogue(kb, cache_dir=data)
    assert any("broken" in str(i.file) for i in first.issues)
    assert not list((data / snapshot.FOLDER).glob("*.pickle")) if (data / snapshot.FOLDER).exists() else True
    assert any("broken" in str(i.file) for i in load_catalogue(kb, cache_dir=data).issues)


def test_same_size_same_second_edits_are_seen(tmp_path):
    """Modification times are compared in nanoseconds: an edit of the same size within the same second counts."""
    kb, data = _copy(tmp_path)
    load_catalogue(kb, cache_dir=data)
    module = sorted((kb / "modules").glob("*.md"))[0]
    st = module.stat()
    text = module.read_text(encoding="utf-8")
    end = len(text.rstrip()) - 1  # the body's last character, same size
    edited = text[:end] + ("X" if text[end] != "X" else "Y") + text[end + 1:]
    module.write_text(edited, encoding="utf-8")
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert module.stat().st_size == st.st_size
    assert load_catalogue(kb, cache_dir=data).modules[module.stem].body == load_catalogue(kb).modules[module.stem].body
    assert load_catalogue(kb, cache_dir=data).modules[module.stem].body.endswith(edited[end])
