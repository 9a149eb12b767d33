"""Cases (b) and (c) of issue #10 through the CLI: JSON and Markdown carry the rules applied and the
certifications held at the end with their renewal dates."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from curriculum.cli import app
from curriculum.rules.reference import load_reference
from tests.rules.conftest import ELECTRICIAN, MECHANIC

runner = CliRunner()
HAB_BT = set(load_reference().members("HAB-BT-EXEC"))


def _plan(tmp_path: Path, data: dict, fmt: str) -> str:
    profile = tmp_path / f"{data['id']}.yaml"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--learner", str(profile), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_b_cli_json_habilitation_before_irve(tmp_path: Path) -> None:
    plan = json.loads(_plan(tmp_path, ELECTRICIAN, "json"))
    certs = [s["certification"] for s in plan["steps"]]
    irve = next(k for k, c in enumerate(certs) if c and c.startswith("IRVE"))
    hab = next(k for k, c in enumerate(certs) if c in HAB_BT)
    assert hab < irve, certs
    rule = next(r for r in plan["rules_applied"] if r["requirement"] == "HAB-BT-EXEC")
    assert rule["module_added"] == plan["steps"][hab]["module_id"] and "R.4544-9" in rule["source"]
    at_end = {c["code"]: c for c in plan["certifications_at_end"]}
    assert at_end[certs[hab]]["valid_until"] and at_end[certs[hab]]["via"] == plan["steps"][hab]["module_id"]
    assert not any(k.startswith(("cert:", "held:", "comp:")) for s in plan["steps"] for k in s["outcomes"])
    assert plan["provenance"]["rules"].startswith("certification rules ")


def test_c_cli_markdown_says_why_and_lists_renewals(tmp_path: Path) -> None:
    data = dict(MECHANIC, id="b1vl-2021", certifications=[{"code": "B1VL", "obtained": "2021-02-10"}])
    text = _plan(tmp_path, data, "markdown")
    assert "## Certifications détenues à l'issue du parcours" in text
    row = next(line for line in text.splitlines() if line.startswith("| B2TL |"))
    assert "recyclage chaque année, dans tout organisme" in row and "`ev-habilitation-b2tl" in row
    assert "## Règles de certification appliquées" in text and "B2TL (certification): HAB-VL-ELEC" in text
    assert "a expiré le 2024-02-10" in text  # the step's rationale says why the B1VL is taken again
