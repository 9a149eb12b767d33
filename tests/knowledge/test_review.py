"""The review queue (issue #11 item 2, "never lose an offer for lack of tags"): drafts are not planned;
``curriculum kb review approve`` makes the next CLI ``curriculum plan`` use them; bulk decisions go
module by module; decisions are saved with version checks and never count as hand edits.

Data: a copy of the shipped knowledge base where the demonstration module
``batt-diagnostic-essais-packs`` is replaced by an imported draft of the same offer (new id, no outcome,
suggestions with confidences): the draft is then the only teacher of "repair battery components",
a skill the eval learner L01 (mechanic → EV battery maintenance, ROME H2703) needs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.errors import InputError
from curriculum.knowledge.catalogue import load_catalogue, load_module_file
from curriculum.knowledge.editing import save_module, write_modules
from curriculum.knowledge.review import (ReviewFilter, approve, history, module_confidence, pending_modules,
                                         refresh_workspace, reject, reopen)
from curriculum.models import Module, Origin, SkillSuggestion
from tests.conftest import EVAL_DIR, KB_DIR

SOURCE = "batt-diagnostic-essais-packs"
DRAFT = "offre-lheo-diag-packs"
L01 = EVAL_DIR / "L01-mechanic-to-ev-battery.yaml"
REPAIR = "http://data.europa.eu/esco/skill/78fc4e90-a522-480a-a2f0-21ff3dfe6ba7"  # repair battery components
BATTERY_COMPONENTS = "http://data.europa.eu/esco/skill/8cf03262-b6b0-4fe8-9d66-91063bb32db3"  # its prerequisite
UNKNOWN = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
CONFIDENCES = (0.92, 0.81, 0.74, 0.66, 0.58)  # of the source module's five outcomes, in order
runner = CliRunner()


def make_draft(kb: Path, module_id: str, source: Module, confidences=CONFIDENCES, extra=(), *,
               feed: str = "carif-hdf", domain: str | None = None, provider: str | None = None) -> Module:
    """Write ``source`` as an imported draft ``module_id``: no outcome, its outcomes as suggestions with
    ``confidences``, plus ``extra`` ``(skill, level, confidence)`` suggestions; origin ``feed``."""
    suggestions = [SkillSuggestion(skill=o.skill, level=o.level, confidence=c, source="text",
                                   evidence=source.title[:60]) for o, c in zip(source.outcomes, confidences)]
    suggestions += [SkillSuggestion(skill=s, level=lv, confidence=c, source="text") for s, lv, c in extra]
    data = {**source.model_dump(), "id": module_id, "status": "draft", "outcomes": [],
            "suggestions": [s.model_dump() for s in suggestions], "body": source.body,
            "origin": Origin(feed=feed, key=f"{module_id}/A1", digest="0" * 64).model_dump()}
    if domain:
        data["domain"] = domain
    if provider:
        data["provider"] = provider
    module = Module.model_validate(data)
    assert write_modules([module], kb).written == [module_id]
    return module


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """The shipped knowledge base with ``SOURCE`` replaced by the draft ``DRAFT``."""
    dest = tmp_path / "kb"
    shutil.copytree(KB_DIR, dest)
    source = load_module_file(dest / "modules" / f"{SOURCE}.md")
    (dest / "modules" / f"{SOURCE}.md").unlink()
    make_draft(dest, DRAFT, source)
    return dest


def _source() -> Module:
    return load_module_file(KB_DIR / "modules" / f"{SOURCE}.md")


def _plan(kb: Path) -> dict:
    result = runner.invoke(app, ["plan", "--learner", str(L01), "--format", "json", "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_draft_is_not_planned_and_cli_approve_makes_the_next_plan_use_it(kb: Path) -> None:
    before = _plan(kb)
    assert DRAFT not in [s["module_id"] for s in before["steps"]]
    # no approved module teaches it in time: uncovered, or only through a plan that misses the deadline
    assert not before["feasible"]
    assert REPAIR in [u["skill"] for u in before["uncovered_skills"]] \
        or "deadline" in before["infeasibility"]["limits_broken"]

    listed = runner.invoke(app, ["kb", "review", "list", "--kb", str(kb), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert [r["id"] for r in json.loads(listed.stdout)] == [DRAFT]

    done = runner.invoke(app, ["kb", "review", "approve", DRAFT, "--min-confidence", "0.5", "--kb", str(kb)])
    assert done.exit_code == 0, done.output
    assert "1 approved, 0 refused" in done.stdout

    saved = load_module_file(kb / "modules" / f"{DRAFT}.md")
    assert saved.status.value == "approved" and saved.version == 2
    assert {(o.skill, o.level) for o in saved.outcomes} == {(o.skill, o.level) for o in _source().outcomes}
    assert len(saved.suggestions) == len(CONFIDENCES)  # kept for audit
    assert saved.origin is not None and saved.origin.edited is False  # a decision is not a hand edit

    after = _plan(kb)
    assert DRAFT in [s["module_id"] for s in after["steps"]]
    assert REPAIR not in [u["skill"] for u in after["uncovered_skills"]]
    assert after["feasible"] and after["total_hours"] < before["total_hours"]
    empty = runner.invoke(app, ["kb", "review", "list", "--kb", str(kb), "--format", "json"])
    assert json.loads(empty.stdout) == []


def test_bulk_approve_reports_the_invalid_module_and_approves_the_others(kb: Path) -> None:
    source = _source()
    make_draft(kb, "offre-bad-skill", source, (0.9,), extra=[(UNKNOWN, 2, 0.95)])
    make_draft(kb, "offre-low", source, (0.4, 0.35))
    # a suggestion that would teach its own prerequisite at the same level: fails validation once approved
    make_draft(kb, "offre-self-prereq", source, (0.45,), extra=[(BATTERY_COMPONENTS, 2, 0.7)])

    result = runner.invoke(app, ["kb", "review", "approve", "--all-matching", "--min-confidence", "0.5",
                                 "--format", "json", "--kb", str(kb)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    by_id = {r["module_id"]: r for r in report["results"]}
    assert set(by_id) == {DRAFT, "offre-bad-skill", "offre-self-prereq"}  # offre-low: best 0.40 < 0.5
    assert by_id[DRAFT]["ok"] and by_id[DRAFT]["status"] == "approved"
    bad = by_id["offre-bad-skill"]
    assert not bad["ok"] and bad["field"] == "outcomes" and UNKNOWN in bad["message"] and "offre-bad-skill" in bad["message"]
    assert not by_id["offre-self-prereq"]["ok"] and "prerequisite" in by_id["offre-self-prereq"]["message"]
    assert (report["approved"], report["refused"]) == (1, 2)

    statuses = {m: load_module_file(kb / "modules" / f"{m}.md").status.value
                for m in (DRAFT, "offre-bad-skill", "offre-low", "offre-self-prereq")}
    assert statuses == {DRAFT: "approved", "offre-bad-skill": "draft", "offre-low": "draft",
                        "offre-self-prereq": "draft"}


def test_refusals_name_the_module_and_field(kb: Path) -> None:
    source = _source()
    make_draft(kb, "offre-untagged", source, ())
    results = approve(kb, ["offre-untagged", "no-such-module", DRAFT], min_confidence=0.95)
    untagged, missing, too_high = results
    assert (untagged.ok, untagged.field) == (False, "outcomes") and "no suggestion" in untagged.message
    assert (missing.ok, missing.field) == (False, "id") and "no-such-module" in missing.message
    assert (too_high.ok, too_high.field) == (False, "outcomes") and "best 0.92" in too_high.message
    assert approve(kb, ["offre-untagged"])[0].message.endswith(
        "the module has no outcome: choose skills or approve the suggestions above a confidence")
    with pytest.raises(InputError, match="either skills or a minimum confidence"):
        approve(kb, [DRAFT], skills=[(REPAIR, 2)], min_confidence=0.5)
    with pytest.raises(InputError) as err:
        approve(kb, [DRAFT], skills=[(REPAIR, 7)])
    assert err.value.field == "skills.0"
    assert load_module_file(kb / "modules" / f"{DRAFT}.md").status.value == "draft"


def test_explicit_skills_become_the_outcomes(kb: Path) -> None:
    [result] = approve(kb, [DRAFT], skills=[(REPAIR, 3), (REPAIR, 2)])
    assert result.ok, result.message
    saved = load_module_file(kb / "modules" / f"{DRAFT}.md")
    assert [(o.skill, o.level) for o in saved.outcomes] == [(REPAIR, 3)]
    again = approve(kb, [DRAFT])[0]
    assert not again.ok and again.field == "status" and "approved" in again.message


def test_reject_reopen_and_the_decision_log(kb: Path) -> None:
    with pytest.raises(InputError, match="reason"):
        reject(kb, [DRAFT], "  ")
    cli = runner.invoke(app, ["kb", "review", "reject", DRAFT, "--kb", str(kb)])
    assert cli.exit_code == 2 and "--reason" in cli.output
    cli = runner.invoke(app, ["kb", "review", "reject", DRAFT, "--reason", "duplicate of the GRETA offer", "--kb", str(kb)])
    assert cli.exit_code == 0, cli.output
    assert load_module_file(kb / "modules" / f"{DRAFT}.md").status.value == "rejected"
    refused = approve(kb, [DRAFT], min_confidence=0.5)[0]
    assert not refused.ok and "reopen it first" in refused.message

    assert pending_modules(kb) == []  # drafts only by default
    assert [m.id for m in pending_modules(kb, ReviewFilter(statuses=("rejected",)))] == [DRAFT]
    [back] = reopen(kb, [DRAFT], reason="the provider fixed the offer")
    assert back.ok and back.status == "draft" and back.version == 3
    assert [(h["action"], h["from"], h["to"], h.get("reason")) for h in history(kb, DRAFT)] == [
        ("reject", "draft", "rejected", "duplicate of the GRETA offer"),
        ("reopen", "rejected", "draft", "the provider fixed the offer")]
    shown = runner.invoke(app, ["kb", "review", "show", DRAFT, "--kb", str(kb)])
    assert shown.exit_code == 0, shown.output
    assert "repair battery components" in shown.stdout and "0.74 level 2 [text]" in shown.stdout
    assert "certifications: B1TL" in shown.stdout and "duplicate of the GRETA offer" in shown.stdout


def test_concurrent_reviewers_get_a_conflict_and_nothing_is_overwritten(kb: Path) -> None:
    seen = {DRAFT: load_module_file(kb / "modules" / f"{DRAFT}.md").version}
    first = approve(kb, [DRAFT], min_confidence=0.5, expected_versions=seen)[0]
    assert first.ok
    text = (kb / "modules" / f"{DRAFT}.md").read_text(encoding="utf-8")
    second = reject(kb, [DRAFT], "not relevant", expected_versions=seen)[0]
    assert not second.ok and second.message.startswith("conflict") and second.field == "version"
    assert (kb / "modules" / f"{DRAFT}.md").read_text(encoding="utf-8") == text


def test_hand_save_marks_origin_edited_but_decisions_do_not(kb: Path) -> None:
    draft = load_module_file(kb / "modules" / f"{DRAFT}.md")
    save_module(kb, draft.model_copy(update={"title": "Diagnostic des packs (titre revu)"}), draft.body,
                expected_version=draft.version)
    edited = load_module_file(kb / "modules" / f"{DRAFT}.md")
    assert edited.origin.edited is True and edited.status.value == "draft"
    plain = load_module_file(kb / "modules" / "batt-technologie-lithium-ion.md")
    assert plain.origin is None
    save_module(kb, plain, plain.body, expected_version=plain.version)
    assert load_module_file(kb / "modules" / "batt-technologie-lithium-ion.md").origin is None


def test_filters_and_order(kb: Path) -> None:
    source = _source()
    make_draft(kb, "offre-welding", source, (0.55,), feed="onisep", domain="welding", provider="AFPA Lens")
    make_draft(kb, "offre-untagged", source, ())
    assert [m.id for m in pending_modules(kb)] == [DRAFT, "offre-welding", "offre-untagged"]  # most confident first
    assert module_confidence(load_module_file(kb / "modules" / "offre-untagged.md")) is None

    def ids(**kw) -> list[str]:
        return [m.id for m in pending_modules(kb, ReviewFilter(**kw))]
    assert ids(min_confidence=0.6) == [DRAFT]
    assert ids(max_confidence=0.6) == ["offre-welding", "offre-untagged"]
    assert ids(domain="welding") == ["offre-welding"]
    assert ids(provider="afpa") == ["offre-welding"]
    assert ids(feed="carif-hdf") == [DRAFT, "offre-untagged"]
    assert ids(text="WELDING") == ["offre-welding"]
    cli = runner.invoke(app, ["kb", "review", "list", "--feed", "onisep", "--kb", str(kb)])
    assert cli.exit_code == 0 and "offre-welding" in cli.stdout and DRAFT not in cli.stdout


def test_refresh_workspace_moves_modules_in_and_out_of_plans_and_index(kb: Path, tmp_path: Path) -> None:
    from curriculum.learners import load_learner
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    ws = Workspace.open(Settings.from_env(kb_dir=kb, data_dir=tmp_path / "data", llm_model=""))
    ws.build_index()
    assert DRAFT in ws.catalogue.pending and DRAFT not in ws.catalogue.modules
    learner = load_learner(L01)
    assert DRAFT not in [s.module_id for s in ws.plan(learner, explain=False).steps]

    assert approve(kb, [DRAFT], min_confidence=0.5)[0].ok
    assert refresh_workspace(ws, [DRAFT]) == {}
    assert DRAFT in ws.catalogue.modules and DRAFT not in ws.catalogue.pending
    assert DRAFT in [s.module_id for s in ws.plan(learner, explain=False).steps]
    assert DRAFT in [i for i, _ in ws.index.search_modules("diagnostic essais batteries de traction", k=5)]

    assert reject(kb, [DRAFT], "withdrawn by the provider")[0].ok
    assert refresh_workspace(ws, [DRAFT]) == {}
    assert DRAFT in ws.catalogue.pending and DRAFT not in ws.catalogue.modules
    assert DRAFT not in [i for i, _ in ws.index.search_modules("diagnostic essais batteries de traction", k=5)]
    assert load_catalogue(kb).pending[DRAFT].status.value == "rejected"


def test_sync_from_disk_picks_up_decisions_made_elsewhere(kb: Path, tmp_path: Path) -> None:
    from curriculum.knowledge.review import sync_from_disk
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    ws = Workspace.open(Settings.from_env(kb_dir=kb, data_dir=tmp_path / "data", llm_model=""))
    make_draft(kb, "offre-late", _source(), (0.8,))  # imported after the workspace was loaded
    done = runner.invoke(app, ["kb", "review", "approve", DRAFT, "--min-confidence", "0.5", "--kb", str(kb)])
    assert done.exit_code == 0, done.output
    assert DRAFT in ws.catalogue.pending and "offre-late" not in ws.catalogue.pending
    assert sync_from_disk(ws) == ["offre-late", DRAFT]  # sorted ids
    assert DRAFT in ws.catalogue.modules and ws.catalogue.pending["offre-late"].status.value == "draft"
    assert sync_from_disk(ws) == []
