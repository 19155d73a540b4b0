"""Claude wherever it is bought: platform and gateway model ids, and the regional endpoint premium (issue 16).

Hand-worked figures use the Claude API list prices in pricing.toml: Claude Sonnet 4.5 $3 input / $15 output
per MTok, Claude Opus 4.1 $15 / $75, Claude Haiku 4.5 $1 / $5; regional endpoints on Bedrock and Vertex 1.1x for
models released from 2025-09-29 on.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from calculators import UnknownModelError, load_pricing, parse_pricing, price
from calculators.cli import main
from calculators.errors import PriceError
from calculators.pricing import PricingFileError, dotted, model_spellings

ROOT = Path(__file__).resolve().parent.parent
PRICING = load_pricing(ROOT / "pricing.toml")
DAY = "2026-11-01"
MTOK = {"input": 1_000_000, "output": 1_000_000}


@pytest.mark.parametrize(("spelling", "model", "platform", "endpoint"), [
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929", "bedrock", "regional"),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929", "bedrock", "global"),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929", "bedrock", "regional"),
    ("eu.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001", "bedrock", "regional"),
    ("global.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", "bedrock", "global"),
    ("us.anthropic.claude-opus-4-8", "claude-opus-4-8", "bedrock", "regional"),
    ("bedrock/global.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6", "bedrock", "global"),
    ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929", "vertex", None),
    ("claude-opus-4-7@default", "claude-opus-4-7", "vertex", None),
    ("vertex_ai/claude-haiku-4-5@20251001", "claude-haiku-4-5-20251001", "vertex", None),
    ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5-20250929", None, None),
    ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5-20250929", None, None),
    ("claude-sonnet-4.5", "claude-sonnet-4-5-20250929", None, None),
    ("anthropic/claude-3.7-sonnet", "claude-3-7-sonnet-20250219", None, None),
    ("claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219", None, None),
    ("Global.Anthropic.Claude-Sonnet-4-5-20250929-V1:0", "claude-sonnet-4-5-20250929", "bedrock", "global"),
])
def test_platform_and_gateway_ids_resolve_exactly(spelling, model, platform, endpoint):
    got = PRICING.resolve(spelling)
    assert (got.model.id, got.platform, got.endpoint) == (model, platform, endpoint)


def test_every_generated_id_resolves_to_its_model():
    count = 0
    for m in PRICING.models:
        for spelling, platform, endpoint in model_spellings(m):
            got = PRICING.resolve(spelling)
            assert got.model is m, spelling
            if spelling not in (m.id, *m.aliases):  # a Vertex id equal to the API id is the API id
                assert (got.platform, got.endpoint) == (platform, endpoint), spelling
            count += 1
    assert count > 300


@pytest.mark.parametrize("near_miss", ["claude-sonnet-4-5.bogus", "anthropic.claude-sonnet-4-5", "us.claude-opus-4-8",
                                       "claude-sonnet-4-5@2025", "claude-sonnet"])
def test_near_misses_are_errors_with_a_suggestion(near_miss):
    with pytest.raises(UnknownModelError) as err:
        PRICING.resolve(near_miss)
    assert err.value.suggestions, near_miss


def test_dotted_versions():
    assert dotted("claude-sonnet-4-5") == "claude-sonnet-4.5"
    assert dotted("claude-3-5-haiku-latest") == "claude-3.5-haiku-latest"
    assert dotted("claude-fable-5") == "claude-fable-5"
    assert dotted("claude-opus-4-5-20251101") == "claude-opus-4-5-20251101"  # dated ids keep their dashes


def test_a_regional_vertex_endpoint_costs_exactly_1_1x_global_for_sonnet_4_5():
    # 1M input x $3 + 1M output x $15 = $18 global; x 1.1 = $19.80 regional
    global_ = price("claude-sonnet-4-5@20250929", **MTOK, endpoint="global", at=DAY)
    regional = price("claude-sonnet-4-5@20250929", **MTOK, endpoint="regional", at=DAY)
    assert global_.total == Decimal(18) and regional.total == Decimal("19.8")
    assert regional.total == global_.total * Decimal("1.1")
    assert (regional.platform, regional.endpoint) == ("vertex", "regional")


def test_opus_4_1_has_no_regional_premium():
    # 1M x $15 + 1M x $75 = $90 on either endpoint; the note says why
    regional = price("claude-opus-4-1", **MTOK, platform="vertex", endpoint="regional", at="2026-06-01")
    assert regional.total == price("claude-opus-4-1", **MTOK, platform="vertex", at="2026-06-01").total == 90
    assert any("same on regional and global endpoints" in n for n in regional.notes)


def test_premium_stacks_with_batch_and_cache_rates():
    # Haiku 4.5 on a Bedrock geographic profile, batch: 1M cache reads x $0.10 x 0.5 x 1.1 = $0.055,
    # 1M output x $5 x 0.5 x 1.1 = $2.75
    cost = price("us.anthropic.claude-haiku-4-5-20251001-v1:0", cache_read=1_000_000, output=1_000_000, batch=True,
                 at=DAY)
    assert cost.item("cache_read").usd == Decimal("0.055")
    assert cost.item("output").usd == Decimal("2.75")


def test_explicit_flags_override_the_id():
    cost = price("us.anthropic.claude-sonnet-4-5-20250929-v1:0", **MTOK, endpoint="global", at=DAY)
    assert (cost.platform, cost.endpoint, cost.total) == ("bedrock", "global", Decimal(18))


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"platform": "foundry", "endpoint": "regional"}, "endpoint", "no regional endpoints"),
    ({"platform": "anthropic", "endpoint": "regional"}, "endpoint", "no regional endpoints"),
    ({"platform": "bedrock", "geo": "us"}, "geo", "not a Amazon Bedrock setting"),
    ({"platform": "azure"}, "platform", "must be one of"),
    ({"endpoint": "moon"}, "endpoint", "must be one of"),
])
def test_impossible_combinations_are_named(kwargs, field, words):
    with pytest.raises(PriceError, match=words) as err:
        price("claude-sonnet-4-6", input=1, at=DAY, **kwargs)
    assert err.value.field == field


def test_foundry_us_data_zone_is_the_us_multiplier():
    # Sonnet 4.6 ($3 / $15): 1M + 1M = $18 x 1.1 = $19.80
    cost = price("claude-sonnet-4-6", **MTOK, platform="foundry", geo="us", at=DAY)
    assert cost.total == Decimal("19.8") and cost.platform == "foundry"


def test_cli_json_carries_platform_and_endpoint(capsys):
    assert main(["price", "--model", "claude-sonnet-4-5@20250929", "--input", "1000000", "--output", "1000000",
                 "--endpoint", "regional", "--at", DAY, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["model"], out["platform"], out["endpoint"], out["total_usd"]) == (
        "claude-sonnet-4-5-20250929", "vertex", "regional", "19.8")


def test_a_generated_id_that_names_two_models_is_refused():
    text = (ROOT / "tests" / "broken_pricing" / "valid_minimal.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Claude Sonnet 9"\n', 'name = "Claude Sonnet 9"\nplatform_ids = { vertex = "claude-x@1" }\n')
    text = text.replace('name = "Claude Haiku 1"\n', 'name = "Claude Haiku 1"\nplatform_ids = { vertex = "claude-x@1" }\n')
    with pytest.raises(PricingFileError) as err:
        parse_pricing(text)
    assert any("also names" in p.message for p in err.value.problems)


def test_the_real_file_declares_the_regional_premium():
    assert PRICING.regional_multiplier == Decimal("1.1")
    premium = {m.id for m in PRICING.models if m.released and m.released >= PRICING.regional_premium_from}
    assert {"claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-5-20251101"} <= premium
    assert "claude-opus-4-1-20250805" not in premium


def test_the_platforms_table_and_the_regional_example_render():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("_platform_sc", ROOT / "hooks" / "shortcodes.py")
    sc = sys.modules["_platform_sc"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sc)
    table = sc.render("<!-- cc:table platforms -->", at="2026-12-04", pricing=PRICING)
    assert "| Claude Opus 4.5 | `anthropic.claude-opus-4-5-20251101-v1:0` | `claude-opus-4-5@20251101` | 1.1× |" in table
    assert "`anthropic.claude-opus-5-5` †" in table  # rule-derived id, marked
    # Sonnet 4.5 regional: 1,000 x $3 x 1.1 / 1M = $0.0033
    assert sc.render("<!-- cc:cost claude-sonnet-4-5 input=1000 platform=bedrock endpoint=regional at=2026-11-01 -->",
                     at="2026-12-04", pricing=PRICING) == "$0.0033"
