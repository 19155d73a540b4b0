"""The Cost Calculator's extras: side by side, projection, display currency, presets, pasted usage, export.

Expected values are worked out by hand from pricing.toml's published prices (Sonnet 5.5: $2 input, $10 output
per MTok; Haiku 5.5 from 2026-10-07: $0.10 input, $0.50 output per MTok, below its 100K prompt tier; Batch API
half price), with the arithmetic in a comment. The day is pinned (conftest: 2026-12-04).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from conftest import PINNED_TODAY

from calculators import bridge
from calculators.present import approx_money
from calculators.presets import PRESETS, presets_json
from calculators.scenarios import DEFAULT_INPUTS

SONNET = {**DEFAULT_INPUTS, "model": "claude-sonnet-5-5", "input": 2000, "output": 500, "requests_per_month": 100000}
HAIKU_BATCH = {**SONNET, "model": "claude-haiku-5-5", "batch": True}


def calc(**inputs) -> dict:
    base = {k: v for k, v in SONNET.items() if not ("requests_per_day" in inputs and k == "requests_per_month")}
    response = bridge.call("calculator", {**base, **inputs}, today=PINNED_TODAY)
    assert response["ok"], response
    return response["result"]


def errors(name: str, inputs: dict) -> list[dict]:
    response = bridge.call(name, inputs, today=PINNED_TODAY)
    assert not response["ok"], response
    return response["errors"]


# ---- side by side ----------------------------------------------------------------------------------------


def test_side_by_side_differences_from_scenario_a():
    r = calc(scenarios=[SONNET, HAIKU_BATCH], active=1)
    a, b = r["side_by_side"]["rows"]
    # A: 2,000 x $2/M + 500 x $10/M = 0.004 + 0.005 = $0.009; x 100,000 = $900 a month
    assert (a["per_request"]["usd"], a["monthly"]["usd"]) == ("0.009", "900")
    # B: (2,000 x $0.10/M + 500 x $0.50/M) x 0.5 = (0.0002 + 0.00025) / 2 = $0.000225; x 100,000 = $22.5
    assert (b["per_request"]["usd"], b["monthly"]["usd"]) == ("0.000225", "22.5")
    # B - A: 0.000225 - 0.009 = -0.008775 per request; 22.5 - 900 = -877.5 a month; -877.5 / 900 = -97.5%
    assert (b["diff_per_request"]["usd"], b["diff_monthly"]["usd"], b["diff_percent"]) == ("-0.008775", "-877.5", "-97.5")
    assert b["cheapest"] and b["active"] and a["base"] and not a["active"]
    assert r["side_by_side"]["summary"] == ["B costs $877.50 a month less than A (97.5%)."]
    # The main figures are for the active scenario (the form shows B).
    assert r["per_request"]["total"]["usd"] == "0.009"  # the flat fields are what the form sends: A here


def test_named_scenarios_label_the_table_the_summary_and_the_exports():
    a, b = {**SONNET, "name": "  Today  "}, {**HAIKU_BATCH, "name": "=Batch on Haiku"}
    sbs = calc(scenarios=[a, b])["side_by_side"]
    assert [row["name"] for row in sbs["rows"]] == ["Today", "=Batch on Haiku"]  # (spaces trimmed)
    # $900 - $22.50 = $877.50 a month less (97.5% of 900)
    assert sbs["summary"] == ["B (=Batch on Haiku) costs $877.50 a month less than A (Today) (97.5%)."]
    doc = json.loads(bridge.call("calculator_export", {"format": "json", "scenarios": [a, b]},
                                 today=PINNED_TODAY)["result"]["text"])
    assert [s.get("name") for s in doc["scenarios"]] == ["Today", "=Batch on Haiku"]
    text = bridge.call("calculator_export", {"format": "csv", "scenarios": [a, b]}, today=PINNED_TODAY)["result"]["text"]
    names = {r["scenario"]: r["name"] for r in csv.DictReader(io.StringIO(text))}
    assert names == {"A": "Today", "B": "'=Batch on Haiku"}  # (a spreadsheet must not run it as a formula)
    unnamed = calc(scenarios=[SONNET, HAIKU_BATCH])["side_by_side"]
    assert unnamed["summary"][0].startswith("B costs $877.50 a month less than A ")


def test_bad_scenario_names_are_errors_naming_the_scenario():
    got = errors("calculator", {**SONNET, "scenarios": [SONNET, {**HAIKU_BATCH, "name": "x" * 41}]})
    assert any("Scenario B: the name is 41 characters; keep it to 40" in e["message"] for e in got)
    got = errors("calculator", {**SONNET, "scenarios": [{**SONNET, "name": 7}, HAIKU_BATCH]})
    assert any("Scenario A: the name must be text" in e["message"] for e in got)


def test_one_scenario_has_no_side_by_side():
    assert calc()["side_by_side"] is None
    assert calc(scenarios=[SONNET])["side_by_side"] is None


def test_errors_in_another_scenario_name_the_scenario():
    errs = errors("calculator", {**SONNET, "scenarios": [SONNET, {**SONNET, "output": "lots"}]})
    assert errs == [{"field": "scenarios", "message": "Scenario B: Output must be a whole number, got 'lots'"}]
    errs = errors("calculator", {**SONNET, "scenarios": [SONNET] * 5})
    assert "at most 4 scenarios" in errs[0]["message"]


# ---- projection ------------------------------------------------------------------------------------------


def test_projection_with_growth_and_budget():
    p = calc(months=3, growth="10", budget="1000")["projection"]
    # month 1: 100,000 requests x $0.009 = $900; month 2: 110,000 x 0.009 = $990; month 3: 121,000 x 0.009 = $1,089
    assert [row["cost"]["usd"] for row in p["rows"]] == ["900", "990", "1089"]
    assert [row["requests_display"] for row in p["rows"]] == ["100,000", "110,000", "121,000"]
    # running total: 900, 1,890, 2,979
    assert [row["cumulative"]["usd"] for row in p["rows"]] == ["900", "1890", "2979"]
    assert p["total"]["usd"] == "2979"
    # the price day is 2026-12-04: December, January, February; only $1,089 is above the $1,000 budget
    assert [row["label"] for row in p["rows"]] == ["Dec 2026", "Jan 2027", "Feb 2027"]
    assert [row["over_budget"] for row in p["rows"]] == [False, False, True]
    assert p["first_over_budget"] == "Feb 2027"
    # axis: largest value 1,089 over 5 ticks -> step 250, top 1,250; 900 / 1,250 = 0.72; budget 1,000 / 1,250 = 0.8
    assert p["axis"]["top_usd"] == "1250"
    assert p["rows"][0]["height"] == "0.72" and p["budget_at"] == "0.8"
    assert "Over the $1,000.00 monthly budget from Feb 2027 (1 of 3 months)" in p["summary"]


def test_projection_defaults_and_decline():
    p = calc()["projection"]
    assert p["months"] == 12 and p["budget"] is None
    # no growth: 12 x $900 = $10,800
    assert p["total"]["usd"] == "10800"
    p = calc(months="2", growth="-50%")["projection"]
    # month 2: 50,000 requests x $0.009 = $450
    assert [row["cost"]["usd"] for row in p["rows"]] == ["900", "450"]


def test_projection_applies_each_months_prices():
    # Sonnet 5.5's cache reads went from $0.20 to $0.10 per MTok on 2026-10-07 (pricing.toml). From 2026-09-30,
    # 2,000 input + 10,000 cache-read + 500 output tokens, 100,000 requests a month:
    # Sep (prices of 09-30) and Oct (of 10-01): 2000x2 + 10000x0.20 + 500x10 = 11,000 -> $0.011 -> $1,100 a month
    # Nov (of 11-01):                            2000x2 + 10000x0.10 + 500x10 = 10,000 -> $0.010 -> $1,000
    p = calc(at="2026-09-30", cache_read=10000, months=3)["projection"]
    assert [row["cost"]["usd"] for row in p["rows"]] == ["1100", "1100", "1000"]
    assert [row["unit_cost"]["usd"] for row in p["rows"]] == ["0.011", "0.011", "0.01"]
    assert p["total"]["usd"] == "3200"
    assert p["changes"] == ["From Nov 2026 a request costs $0.01 instead of $0.011 (the prices in force from "
                            "2026-11-01)."]
    assert p["changes"][0] in p["note"]


def test_projection_months_after_a_retirement_have_no_price():
    # Sonnet 4.5 ($3 input, $15 output) was retired on 2026-11-30. From 2026-10-15, 2,000 input + 500 output:
    # 2000x3 + 500x15 = 13,500 -> $0.0135 x 100,000 = $1,350 in Oct and Nov; Dec 1 is after the retirement.
    p = calc(model="claude-sonnet-4-5", at="2026-10-15", months=3)["projection"]
    assert [row["cost"]["usd"] for row in p["rows"]] == ["1350", "1350", "0"]
    assert [row["priced"] for row in p["rows"]] == [True, True, False]
    assert p["rows"][2]["cost"]["display"] == "no price"
    assert p["total"]["usd"] == "2700"
    assert p["unpriced_from"].startswith("No price from Dec 2026: Claude Sonnet 4.5 is retired from 2026-11-30")


@pytest.mark.parametrize("field,value,words", [
    ("months", "0", "Months must be a whole number from 1 to 120"),
    ("months", "2.5", "Months must be a whole number"),
    ("growth", "-100", "Growth must be a number from -99 to 1,000"),
    ("growth", "fast", "Growth must be a number"),
    ("budget", "-5", "The monthly budget cannot be negative"),
])
def test_projection_errors_name_the_field(field, value, words):
    errs = errors("calculator", {**SONNET, field: value})
    assert errs[0]["field"] == field and words in errs[0]["message"], errs


# ---- display currency ------------------------------------------------------------------------------------


def test_display_currency_is_approximate_and_changes_nothing_else():
    plain, converted = calc(), calc(currency="eur", rate="0.92")
    assert converted["per_request"] == plain["per_request"] and converted["monthly"]["usd"] == plain["monthly"]["usd"]
    # $900 x 0.92 = 828.00; $0.009 x 0.92 = 0.00828
    assert converted["currency"]["monthly"] == "\u2248 EUR 828.00"
    assert converted["currency"]["per_request"] == "\u2248 EUR 0.00828"
    assert "0.92 EUR per US dollar" in converted["currency"]["note"]
    # $10,800 x 0.92 = 9,936.00
    assert converted["projection"]["total"]["approx"] == "\u2248 EUR 9,936.00"
    assert plain["currency"] is None and "approx" not in plain["projection"]["total"]


def test_approx_money_rounds_like_the_dollar_figures():
    # 12.5 x 150 = 1,875; -0.5 x 0.8 = -0.4
    assert approx_money(Decimal("12.5"), "JPY", Decimal(150)) == "\u2248 JPY 1,875.00"
    assert approx_money(Decimal("-0.5"), "GBP", Decimal("0.8")) == "\u2248 -GBP 0.40"


@pytest.mark.parametrize("inputs,field,words", [
    ({"currency": "EUR"}, "rate", "how many EUR one US dollar buys"),
    ({"rate": "0.9"}, "currency", "currency's code"),
    ({"currency": "EURO", "rate": "1"}, "currency", "three letters"),
    ({"currency": "USD", "rate": "1"}, "currency", "US dollars are shown already"),
    ({"currency": "EUR", "rate": "0"}, "rate", "more than 0"),
    ({"currency": "EUR", "rate": "abc"}, "rate", "must be a number"),
])
def test_currency_errors(inputs, field, words):
    errs = errors("calculator", {**SONNET, **inputs})
    assert any(e["field"] == field and words in e["message"] for e in errs), errs


# ---- presets ---------------------------------------------------------------------------------------------


def test_presets_are_data_and_each_prices():
    listed = calc()["presets"]
    assert [p["key"] for p in listed] == ["chatbot", "rag", "agent", "batch", "claude_code"]
    for p in presets_json():
        r = calc(**p["inputs"])
        assert Decimal(r["monthly"]["usd"]) > 0, p["key"]


def test_preset_assumptions_are_worked_out_from_the_numbers():
    chat = next(p for p in presets_json() if p["key"] == "chatbot")
    # prompt 300 + 700 + 4,000 = 5,000: 300/5,000 = 6%, 700/5,000 = 14%, 4,000/5,000 = 80%
    assert chat["assumptions"][0] == ("Prompt of 5,000 tokens per request: 6% uncached, 14% written to the 5-minute "
                                      "cache, 80% read from the cache.")
    # 20,000 a day x 30 days = 600,000 a month
    assert chat["assumptions"][2] == "20,000 requests a day (600,000 a month of 30 days)."
    assert all("$" not in line for p in PRESETS for line in p.notes)


def test_chatbot_preset_price():
    chat = next(p for p in presets_json() if p["key"] == "chatbot")
    r = calc(**chat["inputs"])
    # 300 x $2/M = 0.0006; 700 x $2.50/M (1.25 x input) = 0.00175; 4,000 x $0.10/M = 0.0004; 350 x $10/M = 0.0035
    # total 0.0006 + 0.00175 + 0.0004 + 0.0035 = $0.00625 a request; x 600,000 = $3,750 a month
    assert (r["per_request"]["total"]["usd"], r["monthly"]["usd"]) == ("0.00625", "3750")


# ---- pasted usage ----------------------------------------------------------------------------------------

RESPONSE = {"id": "msg_1", "type": "message", "model": "claude-opus-5-5", "content": [],
            "usage": {"input_tokens": 1200, "output_tokens": 300, "cache_read_input_tokens": 5000,
                      "cache_creation_input_tokens": 800,
                      "cache_creation": {"ephemeral_5m_input_tokens": 800, "ephemeral_1h_input_tokens": 0},
                      "service_tier": "batch"}}


def test_pasted_response_fills_the_form_like_the_cli_reads_it():
    r = bridge.call("calculator_usage", {"text": json.dumps(RESPONSE), "model": "claude-sonnet-5-5"},
                    today=PINNED_TODAY)["result"]
    assert r["fields"] == {"model": "claude-opus-5-5", "input": 1200, "cache_write_5m": 800, "cache_write_1h": 0,
                           "cache_read": 5000, "output": 300, "web_searches": 0, "batch": True, "fast": False,
                           "geo": "global"}
    assert "Claude Opus 5.5 (from its model field)" in r["summary"] and "Batch API" in r["summary"]


def test_bare_usage_object_takes_the_forms_model_and_cloud_ids_resolve():
    r = bridge.call("calculator_usage", {"text": '{"input_tokens": 10, "output_tokens": 5}', "model": "sonnet"},
                    today=PINNED_TODAY)["result"]
    assert r["fields"]["model"] == "claude-sonnet-5-5" and "from the form" in r["summary"]
    text = json.dumps({"model": "anthropic.claude-sonnet-5-5", "usage": {"input_tokens": 1, "output_tokens": 1}})
    r = bridge.call("calculator_usage", {"text": text}, today=PINNED_TODAY)["result"]
    assert r["fields"]["platform"] == "bedrock"


@pytest.mark.parametrize("text,words", [
    ("", "paste a usage object"),
    ('{"usage": {"input_tokens": 10,', "not valid JSON (line 1, column 31"),  # 30 characters: the error is just past the end
    ("[1, 2]", "is a list, not an object"),
    ('{"usage": {"input_tokens": 10, "output_tokens": 5.5}}', "output_tokens must be a whole number"),
    ('{"usage": {"input_tokens": -1}}', "input_tokens cannot be negative"),
    ('{"hello": 1}', "no usage fields found"),
    ('{"model": "gpt-9", "usage": {"input_tokens": 1}}', "gpt-9"),
])
def test_pasted_json_errors_say_what_is_wrong(text, words):
    errs = errors("calculator_usage", {"text": text, "model": "claude-sonnet-5-5"})
    assert errs[0]["field"] == "usage_text" and words in errs[0]["message"], errs


# ---- export ----------------------------------------------------------------------------------------------


def test_csv_export_has_exact_decimal_strings():
    out = bridge.call("calculator_export", {"format": "csv", "scenarios": [SONNET, HAIKU_BATCH]},
                      today=PINNED_TODAY)["result"]
    assert out["filename"] == "claude-cost-scenarios-2026-12-04.csv" and out["mime"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(out["text"])))
    totals = {r["scenario"]: r for r in rows if r["bucket"] == "total"}
    # A: $0.009 a request, $900 a month; B: $0.000225, $22.5 (see the side-by-side test)
    assert (totals["A"]["usd_per_request"], totals["A"]["usd_per_month"]) == ("0.009", "900")
    assert (totals["B"]["usd_per_request"], totals["B"]["usd_per_month"]) == ("0.000225", "22.5")
    out_a = next(r for r in rows if r["scenario"] == "A" and r["bucket"] == "output")
    # 500 output tokens at $10 per million = $0.005; x 100,000 = $500
    assert (out_a["quantity"], out_a["rate_usd"], out_a["rate_per"], out_a["usd_per_request"], out_a["usd_per_month"]) \
        == ("500", "10", "million tokens", "0.005", "500")


def test_json_export_one_scenario_matches_the_cli_shape():
    out = bridge.call("calculator_export", {"format": "json", "scenarios": [HAIKU_BATCH], "labels": ["B"]},
                      today=PINNED_TODAY)["result"]
    assert out["filename"] == "claude-cost-scenario-B-2026-12-04.json"
    doc = json.loads(out["text"])
    (only,) = doc["scenarios"]
    assert only["scenario"] == "B" and only["model"] == "claude-haiku-5-5"
    assert (only["total_usd"], only["monthly_usd"]) == ("0.000225", "22.5")
    assert {i["bucket"] for i in only["items"]} >= {"input", "output"}
    assert "difference_from_first" not in only


def test_json_export_carries_the_projection_of_each_scenario():
    settings = {"months": "2", "growth": "10", "budget": "1000"}
    out = bridge.call("calculator_export", {"format": "json", "scenarios": [SONNET, HAIKU_BATCH],
                                            "projection": settings}, today=PINNED_TODAY)["result"]
    a, b = json.loads(out["text"])["scenarios"]
    # A: $0.009 a request; 100,000 then 110,000 requests -> $900, $990 (cumulative $1,890)
    assert [r["cost_usd"] for r in a["projection"]["rows"]] == ["900", "990"]
    assert [r["cumulative_usd"] for r in a["projection"]["rows"]] == ["900", "1890"]
    assert a["projection"]["budget_usd"] == "1000" and a["projection"]["growth_percent"] == "10"
    # B: $0.000225 a request -> $22.50, then 110,000 x 0.000225 = $24.75
    assert [r["cost_usd"] for r in b["projection"]["rows"]] == ["22.5", "24.75"]
    assert [r["label"] for r in b["projection"]["rows"]] == ["Dec 2026", "Jan 2027"]
    # without the settings (the CLI-shaped file) there is no projection; bad settings name their field
    plain = bridge.call("calculator_export", {"format": "json", "scenarios": [SONNET]}, today=PINNED_TODAY)
    assert "projection" not in json.loads(plain["result"]["text"])["scenarios"][0]
    bad = errors("calculator_export", {"format": "json", "scenarios": [SONNET], "projection": {"months": "0"}})
    assert bad[0]["field"] == "months"


def test_json_export_differences():
    out = bridge.call("calculator_export", {"format": "json", "scenarios": [SONNET, HAIKU_BATCH]},
                      today=PINNED_TODAY)["result"]
    b = json.loads(out["text"])["scenarios"][1]
    assert b["difference_from_first"] == {"per_request_usd": "-0.008775", "monthly_usd": "-877.5"}


@pytest.mark.parametrize("inputs,field", [
    ({"format": "xml", "scenarios": [SONNET]}, "format"),
    ({"format": "csv", "scenarios": []}, "scenarios"),
    ({"format": "csv", "scenarios": [{**SONNET, "input": "-1"}]}, "scenarios"),
    ({"format": "csv", "scenarios": [SONNET], "labels": ["A", "B"]}, "labels"),
])
def test_export_errors(inputs, field):
    assert errors("calculator_export", inputs)[0]["field"] == field
