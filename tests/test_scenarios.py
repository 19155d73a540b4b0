"""The Cost Calculator's bridge handlers (calculators.scenarios): figures, validation and the model list.

Expected figures are worked out by hand from the published prices quoted in the comments (Claude Sonnet 5.5:
$2 input, $2.50 5-minute write, $4 1-hour write, $0.10 cache hit from 2026-10-07, $10 output; Claude Haiku 5.5:
$0.10 / $0.50 up to 100K prompt tokens, $0.50 / $2.50 above; Batch API x0.5; US-only inference x1.1; web
search $10 per 1,000 requests).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from calculators import bridge, load_pricing
from calculators.present import usd_display
from calculators.scenarios import DEFAULT_INPUTS, prerender_html

AT = "2026-11-01"


def calc(**inputs):
    response = bridge.call("calculator", {"at": AT, **inputs})
    assert response["ok"], response
    return response["result"]


def errors(**inputs):
    response = bridge.call("calculator", {"at": AT, **inputs})
    assert not response["ok"], response
    return {e["field"]: e["message"] for e in response["errors"]}


def test_default_scenario_is_priced_per_request_and_per_month():
    r = calc(**{**DEFAULT_INPUTS, "at": AT})
    # 2,000 x $2/MTok = $0.004; 500 x $10/MTok = $0.005; total $0.009; x 100,000 requests = $900.
    assert r["per_request"]["total"] == {"usd": "0.009", "display": "$0.009"}
    assert r["monthly"] == {"usd": "900", "display": "$900.00"}
    items = {i["bucket"]: i for i in r["per_request"]["items"]}
    assert items["input"]["usd"] == "0.004" and items["input"]["rate_display"] == "$2.00 / MTok"
    assert items["output"]["usd"] == "0.005" and items["output"]["monthly"]["usd"] == "500"
    assert r["inputs"]["model"] == "claude-sonnet-5-5" and r["inputs"]["at"] == AT


def test_cache_reads_save_against_the_no_lever_baseline():
    r = calc(model="claude-sonnet-5-5", input=1000, cache_read=50000, output=800, requests_per_month=30000)
    # 1,000 x $2 = $0.002; 50,000 x $0.10 = $0.005; 800 x $10 = $0.008 -> $0.015 per request.
    assert r["per_request"]["total"]["usd"] == "0.015"
    # Baseline: 51,000 uncached x $2 = $0.102 + $0.008 output = $0.110; saving $0.095 (86.36...% -> 86.4).
    assert r["baseline"]["per_request"]["usd"] == "0.11"
    assert r["saving"]["per_request"]["usd"] == "0.095"
    assert r["saving"]["monthly"] == {"usd": "2850", "display": "$2,850.00"}  # 0.095 x 30,000
    assert r["saving"]["percent"] == "86.4" and r["saving"]["sign"] == 1


def test_cache_writes_without_reads_cost_more_than_the_baseline():
    r = calc(model="claude-sonnet-5-5", cache_write_1h=10000, requests_per_month=1)
    # 10,000 x $4 = $0.04 against 10,000 x $2 = $0.02 uncached: the saving is -$0.02.
    assert r["saving"]["per_request"] == {"usd": "-0.02", "display": "-$0.02"} and r["saving"]["sign"] == -1


def test_batch_and_us_only_inference_stack():
    r = calc(model="claude-sonnet-5-5", input=10000, output=1000, batch=True, geo="us")
    # Every rate x 0.5 x 1.1 = x 0.55: 10,000 x $1.10 = $0.011; 1,000 x $5.50 = $0.0055; total $0.0165.
    assert r["per_request"]["total"]["usd"] == "0.0165"
    # The baseline drops the batch discount but keeps the US region: 10,000 x $2.20 + 1,000 x $11 = $0.033.
    assert r["baseline"]["per_request"]["usd"] == "0.033"


def test_form_strings_and_checkbox_values_are_accepted():
    r = calc(model="claude-sonnet-5-5", input="10,000", output=" 1000 ", batch="on", geo="US",
             requests_per_month="2_000")
    # Batch x US = x0.55: 10,000 x $1.10 + 1,000 x $5.50, per MTok = $0.011 + $0.0055 = $0.0165.
    assert r["per_request"]["total"]["usd"] == "0.0165"
    assert r["monthly"]["usd"] == "33"  # 0.0165 x 2,000


def test_a_long_prompt_moves_the_whole_request_to_the_higher_tier():
    r = calc(model="claude-haiku-5-5", input=150000, output=1000)
    # 150,000 > 100,000: every rate is the higher tier's: 150,000 x $0.50 = $0.075; 1,000 x $2.50 = $0.0025.
    assert r["per_request"]["total"]["usd"] == "0.0775"
    assert r["per_request"]["modifiers"]["tier_above_prompt_tokens"] == 100000
    assert r["per_request"]["notes"]


def test_web_searches_are_billed_per_request():
    r = calc(model="claude-sonnet-5-5", input=1000, web_searches=3)
    # 1,000 x $2 = $0.002; 3 searches x $0.01 = $0.03; total $0.032.
    items = {i["bucket"]: i for i in r["per_request"]["items"]}
    assert items["web_search"]["usd"] == "0.03" and items["web_search"]["rate_display"] == "$0.01 each"
    assert r["per_request"]["total"]["usd"] == "0.032"


def test_volume_per_day_counts_thirty_days_a_month():
    r = calc(model="claude-sonnet-5-5", input=2000, output=500, requests_per_day=1000)
    # 1,000 a day x 30 = 30,000 a month; x $0.009 = $270.
    assert r["requests_per_month"] == "30000" and r["inputs"]["volume_unit"] == "day"
    assert r["monthly"]["usd"] == "270"
    assert r["volume_display"] == "30,000 requests a month (1,000 a day \u00d7 30 days)"


def test_break_even_for_the_chosen_model():
    be = calc(model="claude-sonnet-5-5")["break_even"]
    # 5m: ($2.50 - $2) / ($2 - $0.10) = 0.263 -> 1 read; 1h: ($4 - $2) / $1.90 = 1.05 -> 2 reads.
    assert (be["reads_5m"], be["reads_1h"]) == (1, 2)
    assert Decimal(be["ratio_5m"]) == Decimal("0.5") / Decimal("1.9")


def test_every_current_model_is_compared_cheapest_first():
    pricing = load_pricing()
    r = calc(model="claude-sonnet-5-5", input=2000, output=500, requests_per_month=100000)
    rows = r["comparison"]
    assert {row["model"] for row in rows} == {m.id for m in pricing.current_models(dt.date.fromisoformat(AT))}
    priced = [Decimal(row["per_request"]["usd"]) for row in rows if "per_request" in row]
    assert priced == sorted(priced)
    assert [row["cheapest"] for row in rows].count(True) == 1 and rows[0]["cheapest"]
    assert [row["model"] for row in rows if row["selected"]] == ["claude-sonnet-5-5"]
    sonnet = next(row for row in rows if row["model"] == "claude-sonnet-5-5")
    assert sonnet["per_request"]["usd"] == "0.009" and sonnet["monthly"]["usd"] == "900"


def test_a_legacy_model_is_compared_with_the_current_ones():
    rows = calc(model="claude-sonnet-4-6", input=2000, output=500)["comparison"]
    assert any(row["model"] == "claude-sonnet-4-6" and row["selected"] for row in rows)


def test_the_model_list_groups_every_model_once_with_its_toggles():
    pricing = load_pricing()
    r = calc()
    seen = [m["id"] for g in r["groups"] for m in g["models"]]
    assert sorted(seen) == sorted(m.id for m in pricing.models)
    keys = [g["key"] for g in r["groups"]]
    assert keys[:2] == ["current", "legacy"]
    entries = {m["id"]: m for g in r["groups"] for m in g["models"]}
    for m in pricing.models:
        assert entries[m.id]["supports"]["us"] == m.us_inference
        assert entries[m.id]["group"] == {"current": "current", "legacy": "legacy", "deprecated": "legacy"}.get(
            m.status_on(dt.date.fromisoformat(AT)), "retired")  # the status on the day priced


@pytest.mark.parametrize(
    ("inputs", "field", "words"),
    [
        ({"input": -5}, "input", "negative"),
        ({"output": "abc"}, "output", "whole number"),
        ({"cache_read": "1.5"}, "cache_read", "whole number"),
        ({"web_searches": True}, "web_searches", "whole number"),
        ({"requests_per_month": "-1"}, "requests_per_month", "negative"),
        ({"requests_per_month": "lots"}, "requests_per_month", "number"),
        ({"requests_per_month": 10, "requests_per_day": 1}, "requests_per_day", "not both"),
        ({"model": "claude-haiku-4-5-20251001", "input": 250000}, "input", "context window"),
        ({"model": "claude-haiku-4-5-20251001", "output": 10**7}, "output", "maximum output"),
        ({"model": "claude-haiku-4-5-20251001", "geo": "us"}, "geo", "US-only"),
        ({"geo": "eu"}, "geo", "'global' or 'us'"),
        ({"model": "claude-sonnet-5-5", "fast": True}, "fast", "no fast mode"),
        ({"model": "claude-opus-5-5", "fast": True, "batch": True}, "fast", "Batch API"),
        ({"batch": "maybe"}, "batch", "on or off"),
        ({"model": "claude-sonnet-5-5", "at": "2026-01-01"}, "at", "no price"),
        ({"at": "2026-02-30"}, "at", "not a date"),
        ({"model": "claude-sonet-5-5"}, "model", "unknown model"),
    ],
)
def test_bad_input_is_reported_against_its_field(inputs, field, words):
    found = errors(**inputs)
    assert field in found, found
    assert words in found[field]


def test_every_problem_is_reported_at_once():
    found = errors(input=-1, output="x", cache_read="y", geo="mars")
    assert set(found) == {"input", "output", "cache_read", "geo"}


def test_a_retired_model_is_priced_only_before_its_retirement():
    pricing = load_pricing()
    retired = next(m for m in pricing.models if m.retired)
    found = errors(model=retired.id, at=retired.retired.isoformat())
    assert "retired" in found["at"]
    day_before = retired.retired.fromordinal(retired.retired.toordinal() - 1).isoformat()
    assert calc(model=retired.id, at=day_before, input=1000)["per_request"]["model"] == retired.id


def test_fast_mode_on_a_model_that_prices_it():
    pricing = load_pricing()
    model = next(m for m in pricing.current_models(dt.date.fromisoformat(AT)) if m.period_at(m.periods[-1].effective_from).fast)
    period = model.periods[-1]
    r = calc(model=model.id, input=1000, output=1000, at=period.effective_from.isoformat())
    fast = calc(model=model.id, input=1000, output=1000, fast=True, at=period.effective_from.isoformat())
    # 1,000 tokens each way at the fast rates, per MTok.
    want = (1000 * period.fast.rates.input + 1000 * period.fast.rates.output) / 1_000_000
    assert Decimal(fast["per_request"]["total"]["usd"]) == want
    assert Decimal(fast["per_request"]["total"]["usd"]) > Decimal(r["per_request"]["total"]["usd"])


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("0", "$0.00"), ("0.0135", "$0.0135"), ("0.009", "$0.009"), ("1350", "$1,350.00"),
     ("1234.565", "$1,234.57"), ("0.0000001", "<$0.000001"), ("0.00000051", "$0.000001"),
     ("-0.02", "-$0.02"), ("12.5", "$12.50"), ("0.5", "$0.50")],
)
def test_usd_display(amount, shown):
    assert usd_display(Decimal(amount)) == shown


def test_price_and_models_handlers():
    r = bridge.call("price", {"model": "sonnet", "input": 2000, "output": 500, "at": AT})
    assert r["ok"] and r["result"]["total_usd"] == "0.009" and r["result"]["model"] == "claude-sonnet-5-5"
    bad = bridge.call("price", {"model": "sonnet", "input": -1})
    assert not bad["ok"] and bad["errors"][0]["field"] == "input"
    models = bridge.call("models", {"at": AT})
    assert models["ok"] and models["result"]["groups"][0]["key"] == "current"


def test_prerendered_html_shows_the_figures_with_exact_values():
    r = calc(**{**DEFAULT_INPUTS, "at": AT})
    html = prerender_html("calculator", DEFAULT_INPUTS, r)
    assert 'data-testid="total-usd" data-value="0.009">$0.009<' in html
    assert 'data-testid="monthly-usd" data-value="900">$900.00<' in html
    assert prerender_html("something-else", {}, r) == ""


# ----------------------------------------------------------------------------------------------------------
# Where it runs and the tools in the request (issue 16). Claude Sonnet 4.5 (released 2025-09-29): $3 input /
# $15 output per MTok; regional Bedrock / Vertex endpoints x1.1 for models released from 2025-09-29 on; its
# tool-use system prompt 496 tokens (auto/none) or 588 (any/tool); bash 244, text editor 700 tokens; code
# execution $0.05 per container-hour (5-minute minimum, free with the newer web search / fetch tools); Managed
# Agents $0.08 per session-hour.
# ----------------------------------------------------------------------------------------------------------

SONNET_45 = dict(model="claude-sonnet-4-5-20250929", input=2000, output=500, requests_per_month=1000)


def test_a_regional_vertex_endpoint_adds_the_regional_premium():
    r = calc(**SONNET_45, platform="vertex", endpoint="regional")
    # (2,000 x $3 + 500 x $15) / 1M = $0.0135 on a global endpoint; x 1.1 regional = $0.01485; x 1,000 = $14.85
    assert r["per_request"]["total"] == {"usd": "0.01485", "display": "$0.01485"}
    assert r["monthly"]["usd"] == "14.85"
    assert (r["platform"], r["endpoint"]) == ("vertex", "regional")
    assert r["per_request"]["platform"] == "vertex" and r["per_request"]["endpoint"] == "regional"
    assert r["inputs"]["platform"] == "vertex" and r["inputs"]["endpoint"] == "regional"
    assert "Vertex" in r["platform_display"] and "regional" in r["platform_display"]
    # the comparison prices the selected model on the same endpoint
    mine = next(row for row in r["comparison"] if row["selected"])
    assert mine["per_request"]["usd"] == "0.01485"
    # the no-lever baseline is on the same endpoint too: no lever, no saving
    assert r["baseline"]["per_request"]["usd"] == "0.01485" and r["saving"]["sign"] == 0


def test_a_global_endpoint_costs_the_list_price_on_every_platform():
    for platform in ("anthropic", "bedrock", "vertex", "foundry"):
        r = calc(**SONNET_45, platform=platform, endpoint="global")
        assert r["per_request"]["total"]["usd"] == "0.0135", platform  # (2,000 x $3 + 500 x $15) / 1M
        assert r["platform"] == platform


def test_the_defaults_are_the_claude_api_global_endpoint_without_tools():
    r = calc(**SONNET_45)
    assert (r["platform"], r["endpoint"]) == ("anthropic", "global")
    echoed = {k: r["inputs"][k] for k in ("platform", "endpoint", "tools", "tool_choice", "container_hours",
                                          "session_hours", "with_search_or_fetch")}
    assert echoed == {"platform": "anthropic", "endpoint": "global", "tools": [], "tool_choice": "auto",
                      "container_hours": "0", "session_hours": "0", "with_search_or_fetch": False}
    assert [i["bucket"] for i in r["per_request"]["items"]] == ["input", "cache_write_5m", "cache_write_1h",
                                                                 "cache_read", "output"]


@pytest.mark.parametrize("tools", [["bash", "text_editor"], "bash, text_editor", "text_editor,bash,bash"])
def test_tools_add_their_input_tokens(tools):
    r = calc(**SONNET_45, tools=tools, tool_choice="any", platform="bedrock")
    # any/tool prompt 588 + bash 244 + text editor 700 = 1,532 more input tokens: 3,532 x $3 / 1M = $0.010596;
    # 500 x $15 / 1M = $0.0075; total $0.018096
    items = {i["bucket"]: i for i in r["per_request"]["items"]}
    assert items["input"]["tokens"] == 3532 and items["input"]["usd"] == "0.010596"
    assert r["per_request"]["total"]["usd"] == "0.018096"
    assert r["inputs"]["tools"] == ["bash", "text_editor"] and r["inputs"]["tool_choice"] == "any"
    assert any("tools add 1,532 input tokens" in n for n in r["per_request"]["notes"])


def test_container_and_session_hours_are_line_items_with_hours():
    r = calc(**SONNET_45, container_hours="0.5", session_hours="2")
    # 0.5 h x $0.05 = $0.025; 2 h x $0.08 = $0.16; plus the $0.0135 of tokens = $0.1985
    assert r["per_request"]["total"]["usd"] == "0.1985"
    items = {i["bucket"]: i for i in r["per_request"]["items"]}
    code, agents = items["code_execution"], items["managed_agents"]
    assert (code["hours"], code["usd"], code["display"]) == ("0.5", "0.025", "$0.025")
    assert code["label"] == "Code execution (container-hours)" and code["rate_display"] == "$0.05 / hour"
    assert code["tokens_display"] == "30 min" and not code["empty"]
    assert (agents["hours"], agents["usd"], agents["tokens_display"]) == ("2", "0.16", "2 h")
    assert agents["label"] == "Managed Agents (session-hours)" and agents["rate_display"] == "$0.08 / hour"
    assert agents["monthly"]["usd"] == "160"  # $0.16 x 1,000 requests
    assert r["inputs"]["container_hours"] == "0.5" and r["inputs"]["session_hours"] == "2"
    # time charges are not a lever: the baseline pays them too
    assert r["baseline"]["per_request"]["usd"] == "0.1985"


def test_code_execution_is_free_with_the_newer_search_or_fetch_tools():
    r = calc(**SONNET_45, container_hours="0.5", with_search_or_fetch=True)
    code = next(i for i in r["per_request"]["items"] if i["bucket"] == "code_execution")
    assert code["usd"] == "0" and code["hours"] == "0.5" and not code["empty"]
    assert r["per_request"]["total"]["usd"] == "0.0135"  # the tokens only
    assert r["inputs"]["with_search_or_fetch"] is True


def test_a_short_container_bills_the_minimum():
    r = calc(**SONNET_45, container_hours="0.01")
    code = next(i for i in r["per_request"]["items"] if i["bucket"] == "code_execution")
    # 0.6 minutes is below the 5-minute minimum: 5/60 h = 0.083333333333 h (12 places) x $0.05 = $0.00416666666665
    assert code["hours"] == "0.083333333333" and code["usd"] == "0.00416666666665"
    assert code["tokens_display"] == "5 min"


@pytest.mark.parametrize(("inputs", "field", "words"), [
    ({"platform": "aws"}, "platform", "anthropic, bedrock, vertex, foundry"),
    ({"endpoint": "local"}, "endpoint", "global, regional"),
    ({"tools": "bash,hammer"}, "tools", "unknown tool 'hammer'"),
    ({"tools": 7}, "tools", "list of tool names"),
    ({"tool_choice": "maybe"}, "tool_choice", "auto, none, any, tool"),
    ({"container_hours": "-1"}, "container_hours", "cannot be negative"),
    ({"container_hours": "an hour"}, "container_hours", "must be a number"),
    ({"session_hours": "2000000"}, "session_hours", "at most 1,000,000 hours"),
    ({"with_search_or_fetch": "perhaps"}, "with_search_or_fetch", "on or off"),
    ({"endpoint": "regional"}, "endpoint", "the Claude API has no regional endpoints"),
    ({"platform": "foundry", "endpoint": "regional"}, "endpoint", "Microsoft Foundry has no regional endpoints"),
    ({"platform": "vertex", "geo": "us", "model": "claude-sonnet-5-5"}, "geo", "choose a regional endpoint"),
])
def test_bad_platform_and_tool_inputs_name_their_field(inputs, field, words):
    got = errors(**{**SONNET_45, **inputs})
    assert field in got and words in got[field], got


def test_every_bad_new_field_is_reported_at_once():
    got = errors(**SONNET_45, platform="x", endpoint="y", tools="z", tool_choice="w", container_hours="-1",
                 session_hours="-1")
    assert set(got) == {"platform", "endpoint", "tools", "tool_choice", "container_hours", "session_hours"}


def test_the_price_handler_takes_the_same_options():
    r = bridge.call("price", {**SONNET_45, "at": AT, "platform": "bedrock", "endpoint": "regional"})
    assert r["ok"] and r["result"]["total_usd"] == "0.01485"  # $0.0135 x 1.1
    bad = bridge.call("price", {**SONNET_45, "at": AT, "endpoint": "regional"})
    assert not bad["ok"] and bad["errors"][0]["field"] == "endpoint"


def test_prerendered_html_lists_time_charges():
    r = calc(**SONNET_45, session_hours="2")
    html = prerender_html("calculator", {}, r)
    assert "Managed Agents (session-hours)" in html and "$0.16" in html
