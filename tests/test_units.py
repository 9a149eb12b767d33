"""Small pure functions: certification codes, geo, skill mapping, tokens, prompts."""

from __future__ import annotations

import pytest

from curriculum.errors import InputError
from curriculum.geo import distance_km, resolve_city
from curriculum.planner.certifications import held_codes, parse_certification_codes
from tests.conftest import KB_DIR


@pytest.mark.parametrize("text, codes", [
    ("Habilitation électrique B0", {"B0"}), ("Habilitation électrique BR", {"BR"}),
    ("Habilitation électrique B2V", {"B2V"}), ("habilitation B2TL", {"B2TL"}), ("B1VL et BCL", {"B1VL", "BCL"}),
    ("Formation IRVE niveau 2", {"IRVE"}),
])
def test_certification_codes(text, codes):
    assert parse_certification_codes(text) == codes


def test_br_does_not_imply_vehicle_symbols():
    assert "B2TL" not in held_codes(["Habilitation électrique BR", "Habilitation électrique B2V"])


def test_resolve_french_cities_offline(session_data_dir):
    douai = resolve_city("Douai", "59500", cache_dir=str(session_data_dir))
    flins = resolve_city("Flins-sur-Seine", cache_dir=str(session_data_dir))
    assert douai == pytest.approx((50.37, 3.08), abs=0.02)
    assert distance_km(douai, resolve_city("Lille", cache_dir=str(session_data_dir))) == pytest.approx(32, abs=3)
    assert flins[0] == pytest.approx(48.96, abs=0.02)
    assert resolve_city("saint-étienne", cache_dir=str(session_data_dir))[0] == pytest.approx(45.43, abs=0.05)
    with pytest.raises(InputError) as err:
        resolve_city("Nowhereville", file="x.yaml")
    assert err.value.field == "location.city"


def test_skill_mapping_exact_french_and_alternative(workspace):
    mapper = workspace.mapper(use_embeddings=False)
    m = mapper.map_label("Effectuer un dépannage")
    assert m.method == "exact" and m.skill.endswith("334e3e49-fb02-4051-809a-f06adfdc1c40")
    assert mapper.map_label("xyzzy frobnicate").skill is None


def test_skill_mapping_embedding_fallback(workspace):
    m = workspace.mapper().map_label("use diagnostic equipment for vehicles")
    assert m.method == "embedding" and m.confidence >= 0.80
    assert m.skill.endswith("5b264a14-d4db-4352-9278-fbb63c5ebed4")  # use automotive diagnostic equipment
    assert workspace.mapper().map_label("lire des plans").skill.endswith("68b6ef08-d823-489d-a95c-752ae6f6e6a7")
    assert workspace.mapper().map_label("install electrical wiring").skill is None  # below threshold: not guessed


def test_tiktoken_works_offline(session_data_dir, monkeypatch):
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    from curriculum.generation.tokens import seed_tiktoken_cache
    import tiktoken

    seed_tiktoken_cache(session_data_dir / "tiktoken")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(session_data_dir / "tiktoken"))
    enc = tiktoken.get_encoding("o200k_base")
    assert enc.decode(enc.encode("Habilitation électrique B2TL")) == "Habilitation électrique B2TL"
    assert tiktoken.encoding_for_model("gpt-4o").name == "o200k_base"


def test_every_prompt_renders():
    from curriculum.generation.prompts import load_prompt

    prompts_dir = KB_DIR.parent / "prompts"
    for path in prompts_dir.glob("*.yaml"):
        p = load_prompt(prompts_dir, path.stem)
        system, user = p.render(**{v: f"<{v}>" for v in p.variables})
        assert all(f"<{v}>" in system + user for v in p.variables)
        with pytest.raises(InputError):
            p.render()
