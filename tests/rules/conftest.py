"""Fixtures of the certification-rules cases: a workspace on the shipped catalogue (no vector index:
profiles use exact taxonomy labels), learner profiles, and a copy of the knowledge base to break."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from curriculum.learners import parse_learner
from curriculum.models import LearnerProfile, LearningPath
from curriculum.rules.apply import is_pseudo
from tests.conftest import KB_DIR


@pytest.fixture(scope="session")
def shipped(session_data_dir: Path):
    """The shipped knowledge base, loaded once (skills mapped on exact labels, no index needed)."""
    from curriculum.services import Workspace
    from curriculum.settings import Settings

    return Workspace.open(Settings.from_env(data_dir=session_data_dir, kb_dir=KB_DIR, llm_model=""))


def profile(**fields) -> dict:
    """A learner profile (dict) starting 2027-01-04 with 20 h/week until mid-2028, funded."""
    base = dict(id="case", language="fr", location={"city": "Douai", "postcode": "59500"}, mobility_km=60,
                hours_per_week=20, start="2027-01-04", deadline="2028-06-30", skills=[], certifications=[])
    base.update(fields)
    return base


def learner(data: dict) -> LearnerProfile:
    return parse_learner(yaml.safe_dump(data, allow_unicode=True))


MECHANIC = profile(id="mechanic", target_job="rome:H2703",
                   skills=[{"label": "repair engines", "level": 3}, {"label": "diagnose problems with vehicles", "level": 2}])
ELECTRICIAN = profile(id="electrician", target_job="rome:F1628", mobility_km=90,
                      location={"city": "Dunkerque", "postcode": "59140"},
                      skills=[{"label": "electricity", "level": 3}, {"label": "electrical wiring plans", "level": 3},
                              {"label": "install electricity sockets", "level": 2}])


def step_index(path: LearningPath, pred) -> int:
    """Index of the first step for which ``pred(step)`` holds (fails if none)."""
    found = [k for k, s in enumerate(path.steps) if pred(s)]
    assert found, [(s.module_id, s.certification) for s in path.steps]
    return found[0]


def assert_no_pseudo_skills(path: LearningPath) -> None:
    """Pseudo-skills (cert:, held:, comp:) never reach user-facing fields."""
    ids = [*path.start_skills, *path.covered_skills, *(s["skill"] for s in path.skipped_skills)]
    for step in path.steps:
        ids += [*step.outcomes, *step.covers]
    ids += [u.skill for u in path.uncovered_skills]
    assert not [i for i in ids if is_pseudo(i)], ids
    assert not re.search(r"\b(cert|held|comp):", path.model_dump_json(exclude={"rules_applied"}))


@pytest.fixture
def kb_without_b2tl_prerequisites(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the shipped knowledge base whose initial B2TL modules have no ``prerequisites`` block."""
    kb = tmp_path / "knowledge_base"
    shutil.copytree(KB_DIR, kb)
    stripped = []
    for path in sorted((kb / "modules").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---", 2)[1]
        data = yaml.safe_load(front)
        cert = data.get("certification") or {}
        if cert.get("code") == "B2TL" and not cert.get("renewal") and "prerequisites" in data:
            lines, out, skipping = front.split("\n"), [], False
            for line in lines:
                if line.startswith("prerequisites:"):
                    skipping = True
                    continue
                if skipping and line and not line.startswith((" ", "-")):
                    skipping = False
                if not skipping:
                    out.append(line)
            path.write_text("---" + "\n".join(out) + "---" + text.split("---", 2)[2], encoding="utf-8")
            stripped.append(path.stem)
    assert stripped, "the shipped catalogue has an initial B2TL module"
    return kb, stripped
