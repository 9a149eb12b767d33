"""Editing the catalogue: atomic saves, editor conflicts, a 100-file folder with 5 broken files,
and re-indexing one module so an edit is searchable in under 2 s."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from curriculum.errors import KnowledgeBaseError
from curriculum.knowledge.catalogue import load_catalogue, load_module_file
from curriculum.knowledge.editing import (add_lines, load_valid_catalogue, reindex_module, save_module,
                                          suggest_tags)
from curriculum.knowledge.validate import validate_kb
from tests.conftest import KB_DIR

MODULE = "weld-filler-metals-base-materials"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB_DIR, dest)
    return dest


def _edit(kb: Path, title: str):
    module = load_module_file(kb / "modules" / f"{MODULE}.md")
    return module.model_copy(update={"title": title}), module.body


def test_save_increments_version_and_returns_diff(kb: Path) -> None:
    module, body = _edit(kb, "Métaux d'apport et matériaux de base – révisé")
    result = save_module(kb, module, body, expected_version=module.version)
    assert result.version == module.version + 1 and result.warning is None
    assert "-title:" in result.diff and "+title: Métaux d'apport et matériaux de base – révisé" in result.diff
    saved = load_module_file(result.path)
    assert saved.title.endswith("révisé") and saved.version == module.version + 1
    assert saved.body.strip() == body.strip()
    assert validate_kb(kb)["errors"] == []


def test_failed_write_leaves_old_file_intact(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = kb / "modules" / f"{MODULE}.md"
    before = path.read_bytes()
    module, body = _edit(kb, "This edit never lands")

    def boom(src, dst):
        raise OSError("disk full (simulated)")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_module(kb, module, body, expected_version=module.version)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_invalid_edit_is_refused(kb: Path) -> None:
    path = kb / "modules" / f"{MODULE}.md"
    before = path.read_bytes()
    module, body = _edit(kb, "A valid title")
    with pytest.raises(KnowledgeBaseError) as exc:
        save_module(kb, module.model_copy(update={"cost_eur": -5}), body, expected_version=module.version)
    assert exc.value.field == "cost_eur" and path.read_bytes() == before


def test_two_editors_same_version_conflict(kb: Path) -> None:
    module, body = _edit(kb, "First editor's title")
    save_module(kb, module, body, expected_version=module.version)
    second = module.model_copy(update={"title": "Second editor's title"})
    with pytest.raises(KnowledgeBaseError, match=r"conflict: module .* changed by someone else \(version 2 on disk\)"):
        save_module(kb, second, body, expected_version=module.version)
    assert load_module_file(kb / "modules" / f"{MODULE}.md").title == "First editor's title"
    with pytest.raises(KnowledgeBaseError, match="conflict"):  # creating a module whose id exists
        save_module(kb, second, body, expected_version=None)


def test_concurrent_savers_never_interleave(kb: Path) -> None:
    module, body = _edit(kb, "x")
    outcomes: list[str] = []

    def editor(n: int) -> None:
        try:
            save_module(kb, module.model_copy(update={"title": f"Editor {n} title"}), body, module.version)
            outcomes.append(f"ok {n}")
        except KnowledgeBaseError:
            outcomes.append("conflict")
    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o.startswith("ok")]
    assert len(winners) == 1 and outcomes.count("conflict") == 7
    saved = load_module_file(kb / "modules" / f"{MODULE}.md")
    assert saved.title == f"Editor {winners[0].split()[1]} title" and saved.version == module.version + 1


BROKEN = {
    "broken-yaml": ("---\nid: broken-yaml\ntitle: a: b\n---\nbody\n", 3, None),
    "broken-missing-provider": (None, None, "provider"),
    "broken-negative-cost": (None, None, "cost_eur"),
    "broken-unknown-skill": (None, None, "outcomes"),
    "broken-dangling-prereq": (None, None, "prerequisites.modules"),
}


def _hundred(tmp_path: Path) -> Path:
    """At least 95 valid modules (the shipped ones, plus renamed copies if fewer than 95 ship) and 5 broken
    in different ways, each a variant of ev-habilitation-b1vl.md."""
    kb = tmp_path / "kb100"
    kb.mkdir()
    shutil.copytree(KB_DIR / "jobs", kb / "jobs")
    shutil.copy(KB_DIR / "taxonomy.yaml", kb / "taxonomy.yaml")
    shutil.copytree(KB_DIR / "modules", kb / "modules")
    shipped = sorted((kb / "modules").glob("*.md"))
    for src in shipped[:max(0, 95 - len(shipped))]:  # at least 95 valid modules
        text = src.read_text(encoding="utf-8").replace(f"id: {src.stem}\n", f"id: {src.stem}-copy\n", 1)
        (kb / "modules" / f"{src.stem}-copy.md").write_text(text, encoding="utf-8")
    base = (KB_DIR / "modules" / "ev-habilitation-b1vl.md").read_text(encoding="utf-8")

    def renamed(new_id: str) -> str:
        return base.replace("id: ev-habilitation-b1vl\n", f"id: {new_id}\n", 1)

    def variant(new_id: str, old: str, new: str) -> str:
        text = renamed(new_id)
        assert old in text
        return text.replace(old, new, 1)
    texts = {
        "broken-yaml": BROKEN["broken-yaml"][0],
        "broken-missing-provider": variant("broken-missing-provider", "provider: ", "# provider removed: "),
        "broken-negative-cost": variant("broken-negative-cost", "cost_eur: ", "cost_eur: -"),
        "broken-unknown-skill": variant("broken-unknown-skill", "outcomes:\n- {skill: 'http://data.europa.eu/esco/skill/",
                                        "outcomes:\n- {skill: 'http://data.europa.eu/esco/skill/ffffffff-"),
        "broken-dangling-prereq": _dangling_prereq(renamed("broken-dangling-prereq")),
    }
    for name, text in texts.items():
        (kb / "modules" / f"{name}.md").write_text(text, encoding="utf-8")
    assert len(list((kb / "modules").glob("*.md"))) == max(95, len(shipped)) + 5
    return kb


def _dangling_prereq(text: str) -> str:
    """``text`` (a module file) requiring the module ``no-such-module``, on a line of its own, whether or not
    its front matter already has a ``prerequisites:`` block (a second block would be a duplicate key)."""
    front, sep, body = text.partition("\n---\n")
    lines = front.split("\n")
    if "prerequisites:" not in lines:
        i = lines.index("outcomes:")
        lines[i:i] = ["prerequisites:", "  modules: [no-such-module]"]
    else:
        start = lines.index("prerequisites:") + 1
        end = next((j for j in range(start, len(lines)) if not lines[j].startswith(" ")), len(lines))
        old = next((j for j in range(start, end) if lines[j].startswith("  modules:")), None)
        if old is not None:  # replace the list (a flow list on one line, or a block list below it)
            stop = next((j for j in range(old + 1, end) if not lines[j].startswith(("  - ", "    "))), end)
            del lines[old:stop]
        lines.insert(start, "  modules: [no-such-module]")
    out = "\n".join(lines) + sep + body
    assert out.count("no-such-module") == 1 and out.count("\nprerequisites:") == 1
    return out


def test_dangling_prereq_variant_is_robust() -> None:
    """The broken-dangling-prereq fixture keeps one prerequisites block, with or without one to begin with."""
    import yaml

    def front(text: str) -> dict:
        return yaml.safe_load(text.split("---\n")[1])
    without = "---\nid: x\nprovider: p\noutcomes:\n- {skill: s, level: 2}\n---\nbody\n"
    with_skills = "---\nid: x\nprerequisites:\n  skills:\n  - {skill: s, level: 1}\noutcomes: []\n---\nbody\n"
    with_modules = ("---\nid: x\nprerequisites:\n  modules:\n  - a\n  - b\n  certifications: [B1VL]\n"
                    "outcomes: []\n---\nbody\n")
    assert front(_dangling_prereq(without))["prerequisites"] == {"modules": ["no-such-module"]}
    assert front(_dangling_prereq(with_skills))["prerequisites"] == {"modules": ["no-such-module"],
                                                                     "skills": [{"skill": "s", "level": 1}]}
    assert front(_dangling_prereq(with_modules))["prerequisites"] == {"modules": ["no-such-module"],
                                                                      "certifications": ["B1VL"]}
    shipped = (KB_DIR / "modules" / "ev-habilitation-b1vl.md").read_text(encoding="utf-8")
    assert front(_dangling_prereq(shipped))["prerequisites"]["modules"] == ["no-such-module"]


def test_hundred_modules_five_broken(tmp_path: Path) -> None:
    kb = _hundred(tmp_path)
    report = validate_kb(kb)
    assert {Path(e["file"]).stem for e in report["errors"]} == set(BROKEN)
    assert all(e["field"] for e in report["errors"] if Path(e["file"]).stem != "broken-yaml")
    fields = {Path(e["file"]).stem: e["field"] for e in report["errors"]}
    assert fields["broken-negative-cost"] == "cost_eur" and fields["broken-dangling-prereq"] == "prerequisites.modules"
    assert fields["broken-missing-provider"] == "provider" and fields["broken-unknown-skill"] == "outcomes"
    located = add_lines(report)["errors"]
    assert all(isinstance(e["line"], int) and e["line"] > 0 for e in located)
    lines = {Path(e["file"]).stem: e["line"] for e in located}
    for stem, needle in (("broken-unknown-skill", "ffffffff-"), ("broken-dangling-prereq", "no-such-module")):
        assert needle in _file_line(kb, stem, lines[stem]), stem
    valid, _ = load_valid_catalogue(kb)
    n_valid = len(list((kb / "modules").glob("*.md"))) - 5
    assert len(valid.modules) == n_valid and not set(BROKEN) & set(valid.modules)
    assert len(load_catalogue(kb).modules) == n_valid + 2  # schema-valid files; the 2 semantic errors need validate_kb


def _file_line(kb: Path, stem: str, line: int) -> str:
    return (kb / "modules" / f"{stem}.md").read_text(encoding="utf-8").splitlines()[line - 1]


def test_schema_error_lines_point_at_the_broken_line(tmp_path: Path) -> None:
    kb = _hundred(tmp_path)
    lines = {Path(e["file"]).stem: e["line"] for e in validate_kb(kb)["errors"]}
    assert lines["broken-yaml"] == 3
    assert "cost_eur: -" in _file_line(kb, "broken-negative-cost", lines["broken-negative-cost"])


def test_reindex_one_module_is_searchable_fast(kb: Path, tmp_path: Path) -> None:
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    ws = Workspace.open(Settings.from_env(kb_dir=kb, data_dir=tmp_path / "data", llm_model=""))
    labels = lambda s: ws.catalogue.skill_label(s, "en")  # noqa: E731
    first = ws.index.sync_modules(ws.catalogue.modules, labels)
    assert first.added == len(ws.catalogue.modules)
    module = ws.catalogue.modules[MODULE]
    edited = module.model_copy(update={"title": "Friction stir welding of aluminium busbars for battery trays",
                                       "summary": "Friction stir welding (FSW) of aluminium busbars and battery tray extrusions."})
    query = "friction stir welding aluminium busbars battery trays"
    assert ws.index.search_modules(query, k=1)[0][0] != MODULE
    save_module(kb, edited, module.body, expected_version=module.version)
    reindex_module(ws, "weld-tig-141-soudage-tig")  # warm model (as in a running app): unchanged module
    started = time.perf_counter()
    reindex_module(ws, MODULE)
    hits = ws.index.search_modules(query, k=3)
    elapsed = time.perf_counter() - started
    print(f"re-index of one module + search: {elapsed:.3f} s")
    assert hits[0][0] == MODULE and elapsed < 2.0
    again = ws.index.sync_modules(ws.catalogue.modules, labels)  # same content_hash: nothing to redo
    assert (again.added, again.updated, again.removed) == (0, 0, 0)


def test_suggest_tags_from_embeddings(kb: Path, tmp_path: Path) -> None:
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    ws = Workspace.open(Settings.from_env(kb_dir=kb, data_dir=tmp_path / "data", llm_model=""))
    job = ws.catalogue.jobs["ev-battery-maintenance-technician"]
    ws.catalogue.taxonomy = {r.skill: ws.catalogue.taxonomy[r.skill] for r in job.required_skills}
    tags = suggest_tags(ws, "Using battery testers and test benches to check traction battery packs", k=3)
    assert 1 <= len(tags) <= 3
    assert all({"skill", "label", "confidence", "source", "level"} <= set(t) for t in tags)
    assert tags[0]["label"] == "operate battery test equipment" and all(0.2 <= t["confidence"] <= 1 for t in tags)


def test_cli_validate_lists_every_error(tmp_path: Path) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from curriculum.cli_kb import kb_app

    app = typer.Typer()
    app.add_typer(kb_app, name="kb")
    kb = _hundred(tmp_path)
    result = CliRunner().invoke(app, ["kb", "validate", str(kb), "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["checked"] == len(list((kb / "modules").glob("*.md"))) + len(list((kb / "jobs").glob("*.yaml")))
    assert {Path(e["file"]).stem for e in report["errors"]} == set(BROKEN)
    assert all(set(e) == {"file", "line", "field", "message"} and e["line"] for e in report["errors"])
    text = CliRunner().invoke(app, ["kb", "validate", str(KB_DIR)])
    assert text.exit_code == 0 and "0 error(s)" in text.stdout


def test_new_module_and_repair_of_a_broken_file(kb: Path) -> None:
    module, body = _edit(kb, "Copy of a module")
    new = module.model_copy(update={"id": "weld-new-module", "version": 1})
    assert save_module(kb, new, body, expected_version=None).version == 1
    broken = kb / "modules" / "weld-new-module.md"
    broken.write_text("---\nid: weld-new-module\ntitle: a: b\n---\n", encoding="utf-8")
    result = save_module(kb, new, body, expected_version=None)  # the editor repairs the broken file
    assert load_module_file(result.path).title == "Copy of a module"
    broken.unlink()
    with pytest.raises(KnowledgeBaseError, match="deleted by someone else"):
        save_module(kb, new, body, expected_version=1)


def test_cli_validate_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    """A module saved as Windows-1252 and a file of random bytes: one error each naming the file, no traceback."""
    import json
    import shutil

    import typer
    from typer.testing import CliRunner

    from curriculum.cli_kb import kb_app

    app = typer.Typer()
    app.add_typer(kb_app, name="kb")
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    module = sorted((kb / "modules").glob("*.md"))[0]
    module.write_bytes(module.read_text(encoding="utf-8").replace("e", "é", 3).encode("cp1252"))
    (kb / "modules" / "zz-noise.md").write_bytes(bytes(range(128, 256)) * 3)
    result = CliRunner().invoke(app, ["kb", "validate", str(kb), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    errors = {Path(e["file"]).name: e["message"] for e in json.loads(result.stdout)["errors"]}
    assert {module.name, "zz-noise.md"} <= set(errors)
    assert all("cannot read file" in errors[name] for name in (module.name, "zz-noise.md"))
