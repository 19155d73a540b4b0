"""Properties of the cost model over every model, price period and modifier (hypothesis).

Token counts are drawn with extra weight on the tier thresholds (100,000 and 200,000 prompt tokens), where
every rate of a request jumps: monotonicity must survive that jump.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators import BUCKETS, Usage, Workload, compare_models, load_pricing, price, price_workload, usage_from_api

PRICING = load_pricing()

# Days on both sides of every price change in the file, plus today's prices.
DAYS = sorted({d for m in PRICING.models for p in m.periods
               for d in (p.effective_from, p.effective_from - dt.timedelta(days=1))} | {dt.date(2026, 11, 25)})
MODEL_DAYS = [(m, d) for m in PRICING.models for d in DAYS if m.period_at(d) is not None]

tokens = st.one_of(
    st.integers(0, 300_000),
    st.integers(0, 2_000),
    st.sampled_from([0, 49_999, 50_000, 50_001, 99_999, 100_000, 100_001, 199_999, 200_000, 200_001]),
)
usages = st.builds(Usage, input=tokens, output=tokens, cache_write_5m=tokens, cache_write_1h=tokens,
                   cache_read=tokens, web_searches=st.integers(0, 40))


@st.composite
def requests(draw, allow_batch: bool = True, allow_us: bool = True, allow_fast: bool = True):
    """A priceable request: (model, day, usage, modifiers)."""
    model, day = draw(st.sampled_from(MODEL_DAYS))
    period = model.period_at(day)
    fast = allow_fast and (period.fast is not None or period.fast_billed_as_standard) and draw(st.booleans())
    batch = allow_batch and not fast and draw(st.booleans())
    geo = "us" if allow_us and model.us_inference and draw(st.booleans()) else "global"
    return model, day, draw(usages), {"batch": batch, "geo": geo, "fast": fast}


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(requests(), st.sampled_from([*BUCKETS, "web_searches"]), st.integers(1, 250_000))
def test_cost_is_monotone_in_every_count(request, bucket, extra):
    model, day, usage, mods = request
    more = dataclasses.replace(usage, **{bucket: getattr(usage, bucket) + extra})
    assert price(model, more, at=day, **mods).total >= price(model, usage, at=day, **mods).total


@SETTINGS
@given(requests(allow_batch=False, allow_fast=False))
def test_batch_halves_the_token_cost_exactly(request):
    model, day, usage, mods = request
    standard = price(model, usage, at=day, **mods)
    batch = price(model, usage, at=day, **{**mods, "batch": True})
    assert batch.token_usd * 2 == standard.token_usd
    for b, s in zip(batch.items, standard.items, strict=True):
        if b.bucket == "web_search":
            assert b.usd == s.usd  # web search is not discounted
        else:
            assert b.usd * 2 == s.usd


@SETTINGS
@given(requests(allow_us=False))
def test_us_inference_is_exactly_1_1x_the_token_cost(request):
    model, day, usage, mods = request
    if not model.us_inference:
        return
    standard = price(model, usage, at=day, **mods)
    us = price(model, usage, at=day, **{**mods, "geo": "us"})
    assert us.token_usd == standard.token_usd * Decimal("1.1")
    assert us.total - us.token_usd == standard.total - standard.token_usd  # web search unchanged


@SETTINGS
@given(requests())
def test_total_is_the_sum_of_the_items(request):
    model, day, usage, mods = request
    cost = price(model, usage, at=day, **mods)
    assert cost.total == sum(i.usd for i in cost.items)
    for item in cost.items:
        assert item.usd >= 0
        if item.bucket != "web_search":
            assert item.usd == item.tokens * item.usd_per_mtok / 1_000_000
    assert [i.bucket for i in cost.items[:5]] == list(BUCKETS)


@SETTINGS
@given(usages)
def test_usage_object_round_trip(usage):
    obj = {"input_tokens": usage.input, "output_tokens": usage.output,
           "cache_creation_input_tokens": usage.cache_write_5m + usage.cache_write_1h,
           "cache_read_input_tokens": usage.cache_read,
           "cache_creation": {"ephemeral_5m_input_tokens": usage.cache_write_5m,
                              "ephemeral_1h_input_tokens": usage.cache_write_1h},
           "server_tool_use": {"web_search_requests": usage.web_searches}}
    assert usage_from_api(obj).usage == usage


def test_crossing_a_tier_raises_cost_one_token_at_a_time():
    # Haiku 5.5 around 100,000 prompt tokens, and Opus 4.6 (before 2026-03-13) around 200,000
    for name, day, threshold in (("claude-haiku-5-5", "2026-11-01", 100_000),
                                 ("claude-opus-4-6", "2026-03-01", 200_000)):
        totals = [price(name, at=day, cache_read=n // 2, input=n - n // 2, output=100).total
                  for n in range(threshold - 3, threshold + 4)]
        assert totals == sorted(totals)
        assert len(set(totals)) == len(totals)


def test_tier_rates_are_never_below_base_rates():
    # the premise that keeps cost monotone across a threshold
    for m in PRICING.models:
        for p in m.periods:
            for t in p.tiers:
                for bucket in BUCKETS:
                    assert getattr(t.rates, bucket) >= getattr(p.rates, bucket), (m.id, bucket)


@SETTINGS
@given(st.sampled_from([m for m in PRICING.models if m.period_at(dt.date(2026, 11, 25))]),
       st.integers(1, 150_000), st.integers(0, 20_000), st.data(), st.sampled_from(["5m", "1h"]),
       st.booleans(), st.booleans(), st.integers(1, 10**7))
def test_workload_at_the_extremes_is_one_request_type(model, prompt, output, data, ttl, hit, batch, per_month):
    cached = data.draw(st.integers(1, prompt))
    wl = Workload(requests_per_month=per_month, prompt_tokens=prompt, output_tokens=output,
                  cached_prefix_tokens=cached, cache_hit_rate=int(hit), cache_ttl=ttl, batch_share=int(batch))
    day = dt.date(2026, 11, 25)
    cost = price_workload(model, wl, at=day)
    write = {"5m": "cache_write_5m", "1h": "cache_write_1h"}[ttl]
    usage = Usage(input=prompt - cached, output=output, **({"cache_read": cached} if hit else {write: cached}))
    assert cost.per_request == price(model, usage, batch=batch, at=day).total
    assert cost.monthly == cost.per_request * per_month


@SETTINGS
@given(usages)
def test_compare_models_rows_are_sorted_and_priced_like_price(usage):
    day = dt.date(2026, 11, 25)
    rows = compare_models(usage, at=day)
    priced = [r for r in rows if r.cost is not None]
    assert [r.cost.total for r in priced] == sorted(r.cost.total for r in priced)
    assert rows[:len(priced)] == priced  # rows that cannot be priced come last
    for r in priced:
        assert r.cost.total == price(r.model, usage, at=day).total


# ----------------------------------------------------------------------------------------------------------
# Differential test: an independent, deliberately plain reading of pricing.toml and the published formula
# ----------------------------------------------------------------------------------------------------------

def _raw_pricing() -> dict:
    import tomllib
    from pathlib import Path

    with open(Path(PRICING.path), "rb") as fh:
        return tomllib.load(fh, parse_float=Decimal)


RAW = _raw_pricing()


def _oracle(model_id: str, day: dt.date, usage: Usage, batch: bool, geo: str, fast: bool) -> Decimal:
    """cost = sum(tokens x rate) / 1e6 x (0.5 if batch) x (1.1 if US) + searches x $10/1,000."""
    mult = {"cache_write_5m": RAW["cache"]["write_5m_multiplier"], "cache_write_1h": RAW["cache"]["write_1h_multiplier"],
            "cache_read": RAW["cache"]["read_multiplier"]}
    entry = next(m for m in RAW["models"] if m["id"] == model_id)
    period = next(p for p in entry["periods"]
                  if p["effective_from"] <= day and ("effective_to" not in p or day < p["effective_to"]))

    def row(table: dict) -> dict:
        rates = {"input": table["input_per_mtok"], "output": table["output_per_mtok"]}
        for bucket, m in mult.items():
            rates[bucket] = table.get(f"{bucket}_per_mtok", table["input_per_mtok"] * m)
        return rates

    rates = row(period)
    if fast and "fast" in period:
        ratio = Decimal(period["fast"]["input_per_mtok"]) / Decimal(period["input_per_mtok"])
        rates = {b: r * ratio for b, r in rates.items()}
        rates["output"] = period["fast"]["output_per_mtok"]
    else:
        prompt = usage.input + usage.cache_write_5m + usage.cache_write_1h + usage.cache_read
        for tier in period.get("tiers", []):
            if prompt > tier["above_prompt_tokens"]:
                rates = row(tier)
    factor = (RAW["batch"]["multiplier"] if batch else 1) * (RAW["inference_geo"]["us_multiplier"] if geo == "us" else 1)
    tokens = sum((getattr(usage, b) * Decimal(rates[b]) for b in BUCKETS), Decimal(0))
    return tokens * factor / 1_000_000 + usage.web_searches * Decimal(RAW["web_search"]["per_1k_requests"]) / 1000


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_cost_matches_an_independent_reading_of_the_file(request):
    model, day, usage, mods = request
    assert price(model, usage, at=day, **mods).total == _oracle(model.id, day, usage, **mods)
