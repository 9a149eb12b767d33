"""A regional LHEO feed of 10,000 actions parses fast, with progress per formation (issue #11).

Measured on this project's 2-core machine, with a tagger that returns nothing (the tagger is not the
parser's cost): 0.5–0.75 ms per action while other jobs shared the cores (about 5 s for 10,000
actions, 19 MB of XML; reading the XML is about 0.14 ms of it). The bound asserted here is looser
(2 ms per action) so that a busy machine does not fail the test; the figure is printed with ``-s``.
"""

from __future__ import annotations

import time

import pytest

from curriculum.knowledge.catalogue import load_catalogue
from curriculum.knowledge.lheo import parse_lheo
from curriculum.knowledge.tagging import Tagging
from tests.conftest import KB_DIR
from tests.knowledge.lheo_helpers import synthetic_feed

ACTIONS = 10_000


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(KB_DIR)


def test_ten_thousand_actions(catalogue) -> None:
    feed = synthetic_feed(ACTIONS)
    parse_lheo(synthetic_feed(10), catalogue, lambda offer: Tagging())  # load the gazetteer once
    calls: list[tuple[int, int]] = []
    start = time.perf_counter()
    modules, issues = parse_lheo(feed, catalogue, lambda offer: Tagging(),
                                 progress=lambda done, total: calls.append((done, total)))
    seconds = time.perf_counter() - start
    print(f"\nLHEO parse: {ACTIONS} actions, {len(feed) / 1e6:.1f} MB in {seconds:.2f} s "
          f"= {seconds / ACTIONS * 1000:.3f} ms/action (tagger excluded)")
    assert issues == [] and len(modules) == ACTIONS
    assert len({m.id for m in modules}) == ACTIONS and len({m.origin.key for m in modules}) == ACTIONS
    assert all(m.status.value == "draft" for m in modules)  # a tagger that finds nothing: drafts, none lost
    assert calls[0] == (1, ACTIONS // 2) and calls[-1] == (ACTIONS // 2, ACTIONS // 2) and len(calls) == ACTIONS // 2
    assert {m.hours_estimate is not None for m in modules} == {True, False}
    assert seconds / ACTIONS < 0.002, f"{seconds / ACTIONS * 1000:.2f} ms per action"
