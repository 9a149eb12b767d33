"""Feed sync (issue #11, regional scale): re-imports update changed offers, retire vanished ones, keep
hand edits and instructors' decisions, and merge the same offer from two feeds into one module."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from curriculum.knowledge import feeds
from curriculum.knowledge.catalogue import load_catalogue, load_module_file
from curriculum.knowledge.editing import module_text
from curriculum.knowledge.feed_match import provider_key, same_offer
from curriculum.knowledge.feeds import sync_feed
from curriculum.models import Module, ModuleStatus, OfferReferences, Origin
from tests.conftest import KB_DIR

TODAY = dt.date(2026, 6, 1)
BASE = "ev-habilitation-b2vl"  # a shipped module whose skills the offers reuse


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB_DIR, dest)
    return dest


@pytest.fixture(scope="module")
def base() -> Module:
    return load_module_file(KB_DIR / "modules" / f"{BASE}.md")


def offer(base: Module, key: str, *, feed: str = "carif", digest: str = "d1", ident: str | None = None,
          price: float = 450.0, town: str = "Lens", provider: str = "Pôle Formation Lens SAS",
          title: str | None = None, starts: tuple[str, ...] = ("2026-09-07",), rs: str | None = "RS5646",
          status: ModuleStatus = ModuleStatus.APPROVED, outcomes: list | None = None) -> Module:
    """An imported offer as a parser makes it (origin set), teaching the base module's skills."""
    sessions = [{"start": s, "end": dt.date.fromisoformat(s) + dt.timedelta(days=1), "place": town, "seats": 8}
                for s in starts]
    return Module.model_validate({
        **base.model_dump(), "id": ident or f"offer-{key.replace('/', '-').lower()}",
        "title": title or f"Habilitation électrique B2VL – offre {key}", "provider": provider, "cost_eur": price,
        "places": [{"city": town, "lat": 50.432, "lon": 2.833}], "sessions": sessions, "status": status,
        "outcomes": base.outcomes if outcomes is None else outcomes, "illustrative": False,
        "references": OfferReferences(rs=rs) if rs else None, "certification": base.certification,
        "origin": Origin(feed=feed, key=key, digest=digest), "body": "Offre importée."})


def on_disk(kb: Path, ident: str) -> Module:
    return load_module_file(kb / "modules" / f"{ident}.md")


def stamp(kb: Path, ident: str) -> int:
    return (kb / "modules" / f"{ident}.md").stat().st_mtime_ns


def test_new_offers_are_added_and_an_unchanged_reimport_writes_nothing(kb: Path, base: Module) -> None:
    offers = [offer(base, "F1/A1"), offer(base, "F2/A1", town="Arras")]
    first = sync_feed(offers, kb, "carif", today=TODAY)
    assert sorted(first.added) == ["offer-f1-a1", "offer-f2-a1"] and not first.issues
    assert on_disk(kb, "offer-f1-a1").origin.imported == TODAY
    before = {i: (stamp(kb, i), (kb / "modules" / f"{i}.md").read_bytes()) for i in first.added}
    again = sync_feed(offers, kb, "carif", today=TODAY + dt.timedelta(days=3))
    assert sorted(again.unchanged) == sorted(first.added) and again.counts()["added"] == 0
    assert {i: (stamp(kb, i), (kb / "modules" / f"{i}.md").read_bytes()) for i in first.added} == before


def test_changed_offer_is_updated_in_place_with_its_id(kb: Path, base: Module) -> None:
    sync_feed([offer(base, "F1/A1")], kb, "carif", today=TODAY)
    # the parser now names it differently (e.g. a town suffix): the file and id stay the same
    report = sync_feed([offer(base, "F1/A1", digest="d2", price=520.0, ident="renamed-by-parser")], kb, "carif",
                       today=TODAY)
    assert report.updated == ["offer-f1-a1"] and not (kb / "modules" / "renamed-by-parser.md").exists()
    module = on_disk(kb, "offer-f1-a1")
    assert module.cost_eur == 520.0 and module.origin.digest == "d2" and module.version == 2


def test_vanished_offer_is_retired_not_deleted_and_an_empty_feed_retires_nothing(kb: Path, base: Module) -> None:
    sync_feed([offer(base, "F1/A1"), offer(base, "F2/A1", town="Arras")], kb, "carif", today=TODAY)
    assert sync_feed([], kb, "carif", today=TODAY).retired == []
    report = sync_feed([offer(base, "F1/A1")], kb, "carif", today=TODAY)
    assert report.retired == ["offer-f2-a1"] and report.unchanged == ["offer-f1-a1"]
    assert on_disk(kb, "offer-f2-a1").status == ModuleStatus.RETIRED
    cat = load_catalogue(kb)
    assert "offer-f2-a1" in cat.pending and "offer-f2-a1" not in cat.modules
    assert sync_feed([offer(base, "F1/A1")], kb, "carif", today=TODAY).retired == []  # retired once
    back = sync_feed([offer(base, "F1/A1"), offer(base, "F2/A1", town="Arras")], kb, "carif", today=TODAY)
    assert back.updated == ["offer-f2-a1"] and on_disk(kb, "offer-f2-a1").status == ModuleStatus.APPROVED


def test_module_edited_by_hand_is_never_touched(kb: Path, base: Module) -> None:
    sync_feed([offer(base, "F1/A1"), offer(base, "F2/A1", town="Arras")], kb, "carif", today=TODAY)
    for ident in ("offer-f1-a1", "offer-f2-a1"):
        m = on_disk(kb, ident)
        edited = m.model_copy(update={"title": "Titre revu par la formatrice",
                                      "origin": m.origin.model_copy(update={"edited": True})})
        (kb / "modules" / f"{ident}.md").write_text(module_text(edited), encoding="utf-8")
    before = {i: (kb / "modules" / f"{i}.md").read_bytes() for i in ("offer-f1-a1", "offer-f2-a1")}
    report = sync_feed([offer(base, "F1/A1", digest="d2", price=999.0)], kb, "carif", today=TODAY)  # F2 vanished
    assert sorted(report.kept_edited) == ["offer-f1-a1", "offer-f2-a1"]
    assert not report.updated and not report.retired
    assert {i: (kb / "modules" / f"{i}.md").read_bytes() for i in before} == before


def decided(module: Module) -> Module:
    """``module`` as a review decision writes it (``save_module(by_hand=False)``: ``origin.written`` refreshed)."""
    from curriculum.knowledge.editing import content_digest

    return module.model_copy(update={"origin": module.origin.model_copy(update={"written": content_digest(module)})})


def test_instructor_decision_kept_while_offer_facts_are_updated(kb: Path, base: Module) -> None:
    draft = offer(base, "F1/A1", status=ModuleStatus.DRAFT, outcomes=[])
    rejected = offer(base, "F2/A1", town="Arras")
    sync_feed([draft, rejected], kb, "carif", today=TODAY)
    approved = decided(on_disk(kb, "offer-f1-a1").model_copy(update={"status": ModuleStatus.APPROVED,
                                                                      "outcomes": base.outcomes[:1]}))
    (kb / "modules" / "offer-f1-a1.md").write_text(module_text(approved), encoding="utf-8")  # a review decision
    refused = decided(on_disk(kb, "offer-f2-a1").model_copy(update={"status": ModuleStatus.REJECTED}))
    (kb / "modules" / "offer-f2-a1.md").write_text(module_text(refused), encoding="utf-8")
    new_draft = offer(base, "F1/A1", digest="d2", price=610.0, starts=("2026-10-05", "2026-11-02"),
                      status=ModuleStatus.DRAFT, outcomes=[])
    new_rejected = offer(base, "F2/A1", digest="d2", town="Arras", price=333.0)
    report = sync_feed([new_draft, new_rejected], kb, "carif", today=TODAY)
    assert sorted(report.updated) == ["offer-f1-a1", "offer-f2-a1"]
    one, two = on_disk(kb, "offer-f1-a1"), on_disk(kb, "offer-f2-a1")
    assert one.status == ModuleStatus.APPROVED and one.outcomes == base.outcomes[:1]
    assert one.cost_eur == 610.0 and [s.start.isoformat() for s in one.sessions] == ["2026-10-05", "2026-11-02"]
    assert two.status == ModuleStatus.REJECTED and two.cost_eur == 333.0


def test_draft_or_auto_approved_module_is_replaced(kb: Path, base: Module) -> None:
    sync_feed([offer(base, "F1/A1", outcomes=base.outcomes)], kb, "carif", today=TODAY)
    sync_feed([offer(base, "F1/A1", digest="d2", outcomes=base.outcomes[1:])], kb, "carif", today=TODAY)
    assert on_disk(kb, "offer-f1-a1").outcomes == base.outcomes[1:]  # auto-approved: replaced
    draft = offer(base, "F2/A1", town="Arras", status=ModuleStatus.DRAFT, outcomes=[])
    sync_feed([offer(base, "F1/A1", digest="d2", outcomes=base.outcomes[1:]), draft], kb, "carif", today=TODAY)
    sync_feed([offer(base, "F1/A1", digest="d2", outcomes=base.outcomes[1:]),
               offer(base, "F2/A1", town="Arras", digest="d2", price=123.0, status=ModuleStatus.DRAFT, outcomes=[])],
              kb, "carif", today=TODAY)
    assert on_disk(kb, "offer-f2-a1").cost_eur == 123.0  # a draft: replaced
    # same offer, but the tagger is now confident: the draft becomes the approved import
    report = sync_feed([offer(base, "F1/A1", digest="d2", outcomes=base.outcomes[1:]),
                        offer(base, "F2/A1", town="Arras", digest="d2", price=123.0)], kb, "carif", today=TODAY)
    assert report.updated == ["offer-f2-a1"] and report.unchanged == ["offer-f1-a1"]
    assert on_disk(kb, "offer-f2-a1").status == ModuleStatus.APPROVED


def test_same_offer_from_two_feeds_is_one_module(kb: Path, base: Module) -> None:
    carif = offer(base, "F1/A1", provider="Pôle Formation Lens SAS", starts=("2026-09-07", "2026-11-09"))
    onisep = offer(base, "ONI-77", feed="onisep", ident="oni-77", provider="pôle formation lens",
                   title="Formation : préparation B2VL", starts=("2026-09-07",), digest="x1")
    other_run = offer(base, "ONI-78", feed="onisep", ident="oni-78", provider="Pôle Formation Lens",
                      title="B2VL – session de printemps", starts=("2027-03-01",), digest="x2")
    sync_feed([carif], kb, "carif", today=TODAY)
    report = sync_feed([onisep, other_run], kb, "onisep", today=TODAY)
    assert report.merged == ["offer-f1-a1"] and report.added == ["oni-78"]
    assert not (kb / "modules" / "oni-77.md").exists()
    merged = on_disk(kb, "offer-f1-a1")
    assert merged.origin.feed == "carif" and merged.origin.also_in == ["onisep"]
    assert sync_feed([onisep, other_run], kb, "onisep", today=TODAY).unchanged == ["offer-f1-a1", "oni-78"]
    # the primary feed drops it: the module lives on, handed to the feed that still carries it
    handed = sync_feed([offer(base, "F9/A1", town="Arras")], kb, "carif", today=TODAY)
    assert "offer-f1-a1" in handed.updated and on_disk(kb, "offer-f1-a1").origin.feed == "onisep"


def test_same_offer_rule() -> None:
    base = load_module_file(KB_DIR / "modules" / f"{BASE}.md")
    a = offer(base, "A", provider="Institut Technique Douai S.A.S.", town="Douai", title="B2VL initial")
    assert provider_key("Institut Technique Douai S.A.S.") == provider_key("institut technique DOUAI")
    assert same_offer(a, offer(base, "B", provider="Institut technique Douai", town="Douai", title="Autre titre"))
    assert not same_offer(a, offer(base, "C", provider="Institut Technique Douai", town="Lens"))  # another town
    assert not same_offer(a, offer(base, "D", provider="Campus Énergies Douai", town="Douai"))  # another provider
    later = offer(base, "E", provider="Institut Technique Douai", town="Douai", title="Autre titre",
                  starts=("2027-02-01",))
    assert not same_offer(a, later)  # same code, sessions apart, other title: another run
    assert same_offer(a, later.model_copy(update={"title": "B2VL INITIAL"}))  # same title
    assert not same_offer(a, offer(base, "F", provider="Institut Technique Douai", town="Douai", rs="RS9999",
                                   title="Autre titre"))


def test_hand_written_modules_are_never_touched_and_ids_stay_unique(kb: Path, base: Module) -> None:
    shipped = (kb / "modules" / f"{BASE}.md").read_bytes()
    clash = offer(base, "F1/A1", ident=BASE)
    report = sync_feed([clash], kb, "carif", today=TODAY)
    assert report.skipped == [BASE] and "already exists" in report.issues[0].message
    assert (kb / "modules" / f"{BASE}.md").read_bytes() == shipped
    other = offer(base, "Z/1", feed="other", ident="offer-f2-a1", town="Arras")
    sync_feed([offer(base, "F2/A1")], kb, "carif", today=TODAY)
    assert sync_feed([other], kb, "other", today=TODAY).added == ["offer-f2-a1-2"]
    sync_feed([offer(base, "F3/A1", town="Béthune")], kb, "carif", today=TODAY)  # F1, F2 vanish from carif
    assert (kb / "modules" / f"{BASE}.md").read_bytes() == shipped
    assert sync_feed([clash], kb, "carif", overwrite=True, today=TODAY).updated == [BASE]
    assert on_disk(kb, BASE).origin.feed == "carif"


def test_bad_module_or_failed_write_never_stops_the_others(kb: Path, base: Module, monkeypatch) -> None:
    sync_feed([offer(base, "F1/A1")], kb, "carif", today=TODAY)
    before = (kb / "modules" / "offer-f1-a1.md").read_bytes()
    bad = offer(base, "F2/A1", town="Arras").model_copy(update={"outcomes": [
        base.outcomes[0].model_copy(update={"skill": "http://data.europa.eu/esco/skill/unknown"})]})
    real = feeds.atomic_write_text

    def failing(path: Path, text: str) -> None:
        if path.stem == "offer-f1-a1":
            raise OSError(28, "No space left on device")
        real(path, text)
    monkeypatch.setattr(feeds, "atomic_write_text", failing)
    report = sync_feed([offer(base, "F1/A1", digest="d2", price=1.0), bad, offer(base, "F3/A1", town="Douai")],
                       kb, "carif", today=TODAY)
    assert report.added == ["offer-f3-a1"] and report.skipped == ["offer-f2-a1"] and not report.updated
    messages = {(i.file, i.field): i.message for i in report.issues}
    assert "unknown skill" in messages[("modules/offer-f2-a1.md", "outcomes")]
    assert "No space left" in messages[("modules/offer-f1-a1.md", None)]
    assert (kb / "modules" / "offer-f1-a1.md").read_bytes() == before


def test_past_and_full_sessions_are_dropped_and_dry_run_writes_nothing(kb: Path, base: Module) -> None:
    m = offer(base, "F1/A1", starts=("2026-03-02", "2026-09-07", "2026-10-05"))
    m = m.model_copy(update={"sessions": [*m.sessions[:2], m.sessions[2].model_copy(update={"seats": 0})]})
    dry = sync_feed([m], kb, "carif", today=TODAY, dry_run=True)
    assert dry.added == ["offer-f1-a1"] and not (kb / "modules" / "offer-f1-a1.md").exists()
    report = sync_feed([m], kb, "carif", today=TODAY)
    assert (report.past_sessions, report.full_sessions) == (1, 1)
    assert [s.start for s in on_disk(kb, "offer-f1-a1").sessions] == [dt.date(2026, 9, 7)]


def test_modules_without_origin_get_one_keyed_by_id(kb: Path, base: Module) -> None:
    plain = offer(base, "x", ident="csv-row-1").model_copy(update={"origin": None})
    assert sync_feed([plain], kb, "academy", today=TODAY).added == ["csv-row-1"]
    origin = on_disk(kb, "csv-row-1").origin
    assert (origin.feed, origin.key) == ("academy", "csv-row-1") and len(origin.digest) == 64
    assert sync_feed([plain], kb, "academy", today=TODAY).unchanged == ["csv-row-1"]
    changed = plain.model_copy(update={"cost_eur": 999.0})
    assert sync_feed([changed], kb, "academy", today=TODAY).updated == ["csv-row-1"]


def test_fast_file_text_is_the_editors_text(base: Module) -> None:
    """Sync writes with libyaml; the bytes must be exactly those of the editor's module_text."""
    shipped = load_catalogue(KB_DIR)
    rich = Module.model_validate({**offer(base, "F1/A1", status=ModuleStatus.DRAFT, outcomes=[]).model_dump(),
                                  "suggestions": [{"skill": o.skill, "level": o.level, "confidence": 0.42,
                                                   "source": "text", "evidence": "« consigner » : EPI, 400–800 V"}
                                                  for o in base.outcomes]})
    for m in [*shipped.modules.values(), rich]:
        assert feeds.module_file_text(m) == module_text(m), m.id
