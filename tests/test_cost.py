"""Hand-computed request costs.

Every expected figure below was worked out by hand from the published prices in
shared/reference/pricing-facts.md (USD per million tokens, "MTok"); the arithmetic is in the comment above
each case. Cost of a bucket = tokens x rate / 1,000,000, so "2,000 x $3" below means 2,000 tokens at
$3/MTok = 6,000 micro-dollars = $0.006. Sums are written in micro-dollars (millionths of a dollar, "u$").
Nothing here was copied from the code's output.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from calculators import (
    PriceError,
    UnknownModelError,
    Usage,
    Workload,
    break_even,
    compare_models,
    parse_at,
    price,
    price_usage,
    price_workload,
    turn_cost,
    usage_from_api,
)

NOV = "2026-11-01"  # a day on which every current model has its latest prices

# (id, model, at, tokens, modifiers, expected total USD)
CASES = [
    # --- every bucket, one at a time, on Sonnet 4.6 ($3 in / $15 out; 5m 1.25x = $3.75, 1h 2x = $6, read 0.1x = $0.30)
    # 2,000 x $3 = 6,000 u$; 500 x $15 = 7,500 u$; total 13,500 u$ = $0.0135 (the "done means")
    ("sonnet46-input-output", "claude-sonnet-4-6", NOV, dict(input=2000, output=500), {}, "0.0135"),
    # 10,000 x $3.75 = 37,500 u$ = $0.0375
    ("sonnet46-write-5m", "claude-sonnet-4-6", NOV, dict(cache_write_5m=10_000), {}, "0.0375"),
    # 10,000 x $6 = 60,000 u$ = $0.06
    ("sonnet46-write-1h", "claude-sonnet-4-6", NOV, dict(cache_write_1h=10_000), {}, "0.06"),
    # 10,000 x $0.30 = 3,000 u$ = $0.003
    ("sonnet46-read", "claude-sonnet-4-6", NOV, dict(cache_read=10_000), {}, "0.003"),
    # 1,000 x $3 = 3,000; 2,000 x $3.75 = 7,500; 3,000 x $6 = 18,000; 4,000 x $0.30 = 1,200; 500 x $15 = 7,500
    # total 37,200 u$ = $0.0372
    ("sonnet46-all-buckets", "claude-sonnet-4-6", NOV,
     dict(input=1000, cache_write_5m=2000, cache_write_1h=3000, cache_read=4000, output=500), {}, "0.0372"),
    # nothing used costs nothing
    ("zero-usage", "claude-sonnet-4-6", NOV, {}, {}, "0"),

    # --- model-specific cache-read multipliers
    # Opus 5.5 $4/$20, read 0.05x = $0.20: 1,000 x $4 = 4,000; 1,000,000 x $0.20 = 200,000; 1,000 x $20 = 20,000
    # total 224,000 u$ = $0.224
    ("opus55-read-0.05x", "claude-opus-5-5", NOV, dict(input=1000, cache_read=1_000_000, output=1000), {}, "0.224"),
    # Opus 5.5 writes stay 1.25x/2x: 100,000 x $5 = 500,000; 100,000 x $8 = 800,000; total $1.30
    ("opus55-writes", "claude-opus-5-5", NOV, dict(cache_write_5m=100_000, cache_write_1h=100_000), {}, "1.3"),
    # Sonnet 5.5 on its launch day 2026-09-28, read $0.20 (0.1x of $2): 1,000,000 x $0.20 = 200,000 u$
    ("sonnet55-launch-day-read", "claude-sonnet-5-5", "2026-09-28", dict(cache_read=1_000_000), {}, "0.2"),
    # Sonnet 5.5 the day before the cut (2026-10-06): 1,000,000 x $0.20 = 200,000; 1,000 x $10 = 10,000; $0.21
    ("sonnet55-before-cut", "claude-sonnet-5-5", "2026-10-06", dict(cache_read=1_000_000, output=1000), {}, "0.21"),
    # Sonnet 5.5 from 2026-10-07, read $0.10 (0.05x): 1,000,000 x $0.10 = 100,000; 1,000 x $10 = 10,000; $0.11
    ("sonnet55-after-cut", "claude-sonnet-5-5", "2026-10-07", dict(cache_read=1_000_000, output=1000), {}, "0.11"),
    # Fable 5.1 $10 in, read 0.025x = $0.25, 5m $12.50, 1h $20:
    # 1,000,000 x $0.25 = 250,000; 100,000 x $12.50 = 1,250,000; 100,000 x $20 = 2,000,000; total $3.50
    ("fable51-read-0.025x", "claude-fable-5-1", NOV,
     dict(cache_read=1_000_000, cache_write_5m=100_000, cache_write_1h=100_000), {}, "3.5"),
    # Mythos 5.1, same prices as Fable 5.1: 2,000,000 x $0.25 = 500,000 u$ = $0.50
    ("mythos51-read", "claude-mythos-5-1", NOV, dict(cache_read=2_000_000), {}, "0.5"),
    # Fable 5.2 $8/$40, 5m $10, 1h $16, read $0.20, 10,000 tokens in each bucket:
    # 80,000 + 100,000 + 160,000 + 2,000 + 400,000 = 742,000 u$ = $0.742
    ("fable52-all-buckets", "claude-fable-5-2", "2026-11-20",
     dict(input=10_000, cache_write_5m=10_000, cache_write_1h=10_000, cache_read=10_000, output=10_000), {}, "0.742"),
    # Fable 5 (legacy) keeps the plain 0.1x read of $10 = $1: 1,000,000 x $1 = $1
    ("fable5-read-0.1x", "claude-fable-5", NOV, dict(cache_read=1_000_000), {}, "1"),
    # Haiku 3 rounded prices: $0.25 in, 5m $0.30 (not 0.3125), 1h $0.50, read $0.03 (not 0.025), $1.25 out;
    # 1,000,000 of each: 0.25 + 0.30 + 0.50 + 0.03 + 1.25 = $2.33
    ("haiku3-rounded", "claude-3-haiku-20240307", "2026-01-01",
     dict(input=10**6, cache_write_5m=10**6, cache_write_1h=10**6, cache_read=10**6, output=10**6), {}, "2.33"),
    # Haiku 3: 1,000 x $0.30 = 300 u$ = $0.0003 (the derived 1.25x would give $0.0003125)
    ("haiku3-write-5m-small", "claude-3-haiku-20240307", "2026-01-01", dict(cache_write_5m=1000), {}, "0.0003"),
    # Haiku 3.5 derived cache prices of $0.80: 5m $1.00, read $0.08: 1,000,000 x ($1.00 + $0.08) = $1.08
    ("haiku35-derived-cache", "claude-3-5-haiku-20241022", "2025-12-01",
     dict(cache_write_5m=10**6, cache_read=10**6), {}, "1.08"),

    # --- Batch API (0.5x) stacked with caching
    # Sonnet 4.6 batch: $1.50 in, $1.875 5m, $0.15 read, $7.50 out:
    # 10,000 x 1.50 = 15,000; 20,000 x 1.875 = 37,500; 100,000 x 0.15 = 15,000; 2,000 x 7.50 = 15,000 -> $0.0825
    ("batch-sonnet46-cached", "claude-sonnet-4-6", NOV,
     dict(input=10_000, cache_write_5m=20_000, cache_read=100_000, output=2000), {"batch": True}, "0.0825"),
    # Opus 5.5 batch: 1h $4, read $0.10, out $10; 1,000,000 of each = 4 + 0.10 + 10 = $14.10
    ("batch-opus55-cached", "claude-opus-5-5", NOV,
     dict(cache_write_1h=10**6, cache_read=10**6, output=10**6), {"batch": True}, "14.1"),
    # Haiku 4.5 batch $0.50/$2.50: 1,000,000 of each = $3
    ("batch-haiku45", "claude-haiku-4-5", NOV, dict(input=10**6, output=10**6), {"batch": True}, "3"),

    # --- inference_geo = "us" (1.1x every token price) stacked with cache reads and batch
    # Sonnet 4.6 US: read $0.33, input $3.30: 1,000,000 x 0.33 + 1,000,000 x 3.30 = $3.63
    ("us-sonnet46-read", "claude-sonnet-4-6", NOV, dict(cache_read=10**6, input=10**6), {"geo": "us"}, "3.63"),
    # Opus 5.5 US: read 0.20 x 1.1 = $0.22, out 20 x 1.1 = $22: total $22.22
    ("us-opus55-read", "claude-opus-5-5", NOV, dict(cache_read=10**6, output=10**6), {"geo": "us"}, "22.22"),
    # Sonnet 4.6 US + batch = 0.55x: (3 + 15) x 0.55 = $9.90
    ("us-batch-sonnet46", "claude-sonnet-4-6", NOV, dict(input=10**6, output=10**6),
     {"geo": "us", "batch": True}, "9.9"),

    # --- Haiku 5.5 prompt-length tier: above 100,000 prompt tokens (cache reads and writes count) every rate is 5x
    # one below: prompt 49,999 + 50,000 read = 99,999 -> base $0.10 in, $0.01 read, $0.50 out:
    # 49,999 x 0.10 = 4,999.9; 50,000 x 0.01 = 500; 1,000 x 0.50 = 500 -> 5,999.9 u$ = $0.0059999
    ("haiku55-tier-one-below", "claude-haiku-5-5", NOV, dict(input=49_999, cache_read=50_000, output=1000), {},
     "0.0059999"),
    # exactly 100,000 is not above: 50,000 x 0.10 = 5,000; 50,000 x 0.01 = 500; 1,000 x 0.50 = 500 -> $0.006
    ("haiku55-tier-exactly-at", "claude-haiku-5-5", NOV, dict(input=50_000, cache_read=50_000, output=1000), {},
     "0.006"),
    # one above: 50,001 + 50,000 read = 100,001: tier $0.50 in, $0.05 read, $2.50 out:
    # 50,001 x 0.50 = 25,000.5; 50,000 x 0.05 = 2,500; 1,000 x 2.50 = 2,500 -> 30,000.5 u$ = $0.0300005
    ("haiku55-tier-one-above", "claude-haiku-5-5", NOV, dict(input=50_001, cache_read=50_000, output=1000), {},
     "0.0300005"),
    # cache writes count too: 1 + 100,000 = 100,001; tier 5m $0.625: 1 x 0.50 = 0.5; 100,000 x 0.625 = 62,500
    # -> 62,500.5 u$ = $0.0625005
    ("haiku55-tier-via-write", "claude-haiku-5-5", NOV, dict(input=1, cache_write_5m=100_000), {}, "0.0625005"),
    # tier 1h write $1.00: 200,000 x 1.00 = 200,000 u$ = $0.20
    ("haiku55-tier-write-1h", "claude-haiku-5-5", NOV, dict(cache_write_1h=200_000), {}, "0.2"),
    # tier + batch: $0.25 in, $1.25 out: 200,000 x 0.25 = 50,000; 10,000 x 1.25 = 12,500 -> $0.0625
    ("haiku55-tier-batch", "claude-haiku-5-5", NOV, dict(input=200_000, output=10_000), {"batch": True}, "0.0625"),
    # tier + US: $0.55 in, $2.75 out: 200,000 x 0.55 = 110,000; 10,000 x 2.75 = 27,500 -> $0.1375
    ("haiku55-tier-us", "claude-haiku-5-5", NOV, dict(input=200_000, output=10_000), {"geo": "us"}, "0.1375"),

    # --- the >200K long-context tier before 2026-03-13, and none from that day
    # Opus 4.6 on 2026-03-12, prompt 150,000 + 60,000 read = 210,000 > 200K: $10 in, read 0.1x = $1, $37.50 out
    # 150,000 x 10 = 1,500,000; 60,000 x 1 = 60,000; 1,000 x 37.50 = 37,500 -> $1.5975
    ("opus46-long-context-before", "claude-opus-4-6", "2026-03-12",
     dict(input=150_000, cache_read=60_000, output=1000), {}, "1.5975"),
    # Opus 4.6 on 2026-03-12 at exactly 200,000: base $5/$25: 1,000,000 + 25,000 u$ = $1.025
    ("opus46-long-context-at-200k", "claude-opus-4-6", "2026-03-12", dict(input=200_000, output=1000), {}, "1.025"),
    # Opus 4.6 on 2026-03-13, same request, no tier: 150,000 x 5 = 750,000; 60,000 x 0.50 = 30,000;
    # 1,000 x 25 = 25,000 -> $0.805
    ("opus46-long-context-after", "claude-opus-4-6", "2026-03-13",
     dict(input=150_000, cache_read=60_000, output=1000), {}, "0.805"),
    # Sonnet 4.6 on 2026-03-01, 250,000 in: tier $6/$22.50: 1,500,000 + 2,000 x 22.50 = 45,000 -> $1.545
    ("sonnet46-long-context-before", "claude-sonnet-4-6", "2026-03-01", dict(input=250_000, output=2000), {},
     "1.545"),
    # Sonnet 4.6 on 2026-03-13: 250,000 x 3 = 750,000; 2,000 x 15 = 30,000 -> $0.78
    ("sonnet46-long-context-after", "claude-sonnet-4-6", "2026-03-13", dict(input=250_000, output=2000), {}, "0.78"),
    # Sonnet 4.5 on 2026-01-15, 100,000 in + 150,000 5m writes = 250,000: tier $6 in, 5m 1.25 x 6 = $7.50, $22.50
    # 600,000 + 1,125,000 + 22,500 = 1,747,500 u$ = $1.7475
    ("sonnet45-long-context-before", "claude-sonnet-4-5", "2026-01-15",
     dict(input=100_000, cache_write_5m=150_000, output=1000), {}, "1.7475"),
    # Sonnet 4.5 on 2026-03-13: 100,000 x 3 + 150,000 x 3.75 + 1,000 x 15 = 300,000 + 562,500 + 15,000 = $0.8775
    ("sonnet45-long-context-after", "claude-sonnet-4-5", "2026-03-13",
     dict(input=100_000, cache_write_5m=150_000, output=1000), {}, "0.8775"),
    # Sonnet 4 on 2026-01-15 with batch: tier $6/$22.50 halved = $3/$11.25:
    # 300,000 x 3 = 900,000; 1,000 x 11.25 = 11,250 -> $0.91125
    ("sonnet4-long-context-batch", "claude-sonnet-4-20250514", "2026-01-15", dict(input=300_000, output=1000),
     {"batch": True}, "0.91125"),
    # Sonnet 4 on 2026-03-13 with batch, no tier: $1.50/$7.50: 300,000 x 1.50 = 450,000; 1,000 x 7.50 = 7,500
    # -> $0.4575
    ("sonnet4-after-long-context-batch", "claude-sonnet-4-0", "2026-03-13", dict(input=300_000, output=1000),
     {"batch": True}, "0.4575"),

    # --- fast mode
    # Opus 5.5 fast $8/$40: 10,000 x 8 = 80,000; 2,000 x 40 = 80,000 -> $0.16
    ("fast-opus55", "claude-opus-5-5", NOV, dict(input=10_000, output=2000), {"fast": True}, "0.16"),
    # Opus 5.5 fast read keeps 0.05x of the fast input: 0.05 x 8 = $0.40; 100,000 x 0.40 = 40,000 u$ = $0.04
    ("fast-opus55-read", "claude-opus-5-5", NOV, dict(cache_read=100_000), {"fast": True}, "0.04"),
    # Opus 5.5 fast + US: $8.80/$44: 10,000 x 8.80 = 88,000; 2,000 x 44 = 88,000 -> $0.176
    ("fast-opus55-us", "claude-opus-5-5", NOV, dict(input=10_000, output=2000), {"fast": True, "geo": "us"}, "0.176"),
    # Opus 4.6 fast on 2026-06-26, $30/$150: 10,000 x 30 = 300,000; 2,000 x 150 = 300,000 -> $0.60
    ("fast-opus46-before-fallback", "claude-opus-4-6", "2026-06-26", dict(input=10_000, output=2000),
     {"fast": True}, "0.6"),
    # Opus 4.6 fast from 2026-06-27 runs at standard speed and bills $5/$25: 50,000 + 50,000 -> $0.10
    ("fast-opus46-after-fallback", "claude-opus-4-6", "2026-06-27", dict(input=10_000, output=2000),
     {"fast": True}, "0.1"),
    # Opus 4.7 fast before its removal on 2026-07-24, $30/$150: 1,000 x 30 + 1,000 x 150 = 180,000 u$
    ("fast-opus47-before-removal", "claude-opus-4-7", "2026-07-23", dict(input=1000, output=1000),
     {"fast": True}, "0.18"),
    # Opus 4.8 fast on its last day 2026-11-29, $10/$50: 1,000 x 10 + 1,000 x 50 = 60,000 u$
    ("fast-opus48-last-day", "claude-opus-4-8", "2026-11-29", dict(input=1000, output=1000), {"fast": True},
     "0.06"),
    # Opus 4.6 fast before 2026-03-13 above 200K: fast covers the whole window with no long-context charge:
    # 250,000 x 30 = 7,500,000; 1,000 x 150 = 150,000 -> $7.65
    ("fast-opus46-no-long-context", "claude-opus-4-6", "2026-02-20", dict(input=250_000, output=1000),
     {"fast": True}, "7.65"),
    # Opus 5 fast $10/$50: 1,000,000 x 10 = $10; 100,000 x 50 = $5 -> $15
    ("fast-opus5", "claude-opus-5", NOV, dict(input=10**6, output=100_000), {"fast": True}, "15"),
    # Fable 5.2 fast $16/$80: 1,000 x 16 = 16,000; 1,000 x 80 = 80,000 -> $0.096
    ("fast-fable52", "claude-fable-5-2", "2026-11-20", dict(input=1000, output=1000), {"fast": True}, "0.096"),

    # Sonnet 5 $2/$10, plain 0.1x read = $0.20: 1,000,000 x 0.20 = 200,000; 100,000 x 10 = 1,000,000 -> $1.20
    ("sonnet5-derived-read", "claude-sonnet-5", NOV, dict(cache_read=10**6, output=100_000), {}, "1.2"),
    # Opus 4.7 US, 1h write 2 x $5 x 1.1 = $11: 100,000 x 11 = 1,100,000 u$ = $1.10
    ("us-opus47-write-1h", "claude-opus-4-7", NOV, dict(cache_write_1h=100_000), {"geo": "us"}, "1.1"),
    # Mythos 5.2, priced as Fable 5.2 ($8/$40): 1,000 x 8 + 1,000 x 40 = 48,000 u$
    ("mythos52", "claude-mythos-5-2", "2026-11-20", dict(input=1000, output=1000), {}, "0.048"),

    # --- web search, $10 per 1,000 = $0.01 each, not discounted or multiplied
    # 1,000 x $3 = 3,000 u$; 3 searches x $0.01 = $0.03 -> $0.033
    ("web-search", "claude-sonnet-4-6", NOV, dict(input=1000, web_searches=3), {}, "0.033"),
    # batch halves the tokens only: 1,000 x $1.50 = 1,500 u$; 2 x $0.01 -> $0.0215
    ("web-search-batch", "claude-sonnet-4-6", NOV, dict(input=1000, web_searches=2), {"batch": True}, "0.0215"),
    # US multiplies the tokens only: 1,000 x $3.30 = 3,300 u$; 1 x $0.01 -> $0.0133
    ("web-search-us", "claude-sonnet-4-6", NOV, dict(input=1000, web_searches=1), {"geo": "us"}, "0.0133"),

    # --- older and retired models keep the prices of their day; aliases and shortcuts resolve
    # Opus 3 $15/$75: 1,000 x 15 + 1,000 x 75 = 90,000 u$ = $0.09
    ("opus3-retired", "claude-3-opus-20240229", "2025-06-01", dict(input=1000, output=1000), {}, "0.09"),
    # Opus 4.1 by its alias, 1h write 2 x $15 = $30: 1,000 x 30 = 30,000 u$ = $0.03
    ("opus41-alias-write-1h", "claude-opus-4-1", "2026-01-01", dict(cache_write_1h=1000), {}, "0.03"),
    # "haiku" -> Haiku 5.5, $0.10 in (100,000 is not above its tier): 100,000 x 0.10 = 10,000 u$ = $0.01
    ("family-shortcut-haiku", "haiku", NOV, dict(input=100_000), {}, "0.01"),
    # Opus 4.5 $5/$25 with cache writes: 4,096 x 6.25 = 25,600; 1,000 x 25 = 25,000 -> 50,600 u$ = $0.0506
    ("opus45-write", "claude-opus-4-5-20251101", NOV, dict(cache_write_5m=4096, output=1000), {}, "0.0506"),
]


@pytest.mark.parametrize(("model", "at", "tokens", "mods", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_hand_computed_cost(model, at, tokens, mods, expected):
    cost = price(model, at=at, **mods, **tokens)
    assert cost.total == D(expected)
    assert cost.total == sum(i.usd for i in cost.items)


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


# ----------------------------------------------------------------------------------------------------------
# Line items and what the Cost says about itself
# ----------------------------------------------------------------------------------------------------------


def test_line_items_name_bucket_tokens_rate_and_amount():
    cost = price("claude-sonnet-4-6", at=NOV, input=1000, cache_write_5m=2000, cache_write_1h=3000,
                 cache_read=4000, output=500)
    rows = [(i.bucket, i.tokens, i.usd_per_mtok, i.usd) for i in cost.items]
    # rates $3, $3.75, $6, $0.30, $15 per MTok; amounts as in the "sonnet46-all-buckets" case
    assert rows == [
        ("input", 1000, D("3"), D("0.003")),
        ("cache_write_5m", 2000, D("3.75"), D("0.0075")),
        ("cache_write_1h", 3000, D("6"), D("0.018")),
        ("cache_read", 4000, D("0.30"), D("0.0012")),
        ("output", 500, D("15"), D("0.0075")),
    ]
    assert cost.model.id == "claude-sonnet-4-6"
    assert cost.day == dt.date(2026, 11, 1)


def test_web_search_item_counts_requests():
    cost = price("claude-sonnet-4-6", at=NOV, web_searches=7)
    item = cost.item("web_search")
    # 7 x $0.01 = $0.07
    assert (item.tokens, item.usd_per_mtok, item.usd_per_request, item.usd) == (7, None, D("0.01"), D("0.07"))
    assert price("claude-sonnet-4-6", at=NOV, input=5).item("web_search") is None


def test_tier_and_notes_are_reported():
    cost = price("claude-haiku-5-5", at=NOV, input=100_001)
    assert cost.tier == 100_000
    assert any("100,000" in n for n in cost.notes)
    assert price("claude-haiku-5-5", at=NOV, input=100_000).tier is None


def test_fast_on_opus46_after_the_fallback_says_it_billed_standard():
    cost = price("claude-opus-4-6", at="2026-06-27", input=10, fast=True)
    assert any("standard rates" in n for n in cost.notes)


def test_to_json_money_is_decimal_strings():
    data = price("claude-sonnet-4-6", at=NOV, input=2000, output=500).to_json()
    assert data["total_usd"] == "0.0135"
    assert data["items"][0] == {"bucket": "input", "tokens": 2000, "usd_per_mtok": "3", "usd": "0.006"}


def test_timestamp_is_read_as_utc_day():
    # 2026-10-06T23:30-02:00 is 2026-10-07 01:30 UTC: the post-cut $0.10 read applies -> 1,000,000 x 0.10 = $0.10
    cost = price("claude-sonnet-5-5", at="2026-10-06T23:30:00-02:00", cache_read=10**6)
    assert cost.day == dt.date(2026, 10, 7)
    assert cost.total == D("0.1")


# ----------------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------------


def test_fast_with_batch_is_an_error():
    with pytest.raises(PriceError) as err:
        price("claude-opus-5-5", at=NOV, input=10, fast=True, batch=True)
    assert err.value.field == "fast"


@pytest.mark.parametrize("model", ["claude-opus-4-5", "claude-haiku-4-5", "claude-3-haiku-20240307"])
def test_us_geo_on_a_model_without_it_is_an_error(model):
    with pytest.raises(PriceError) as err:
        price(model, at="2026-01-01", input=10, geo="us")
    assert err.value.field == "geo"
    assert "US-only" in str(err.value)


def test_unknown_geo_is_an_error():
    with pytest.raises(PriceError) as err:
        price("claude-sonnet-4-6", at=NOV, input=10, geo="eu")
    assert err.value.field == "geo"


@pytest.mark.parametrize(("model", "at"), [("claude-opus-4-7", "2026-07-24"), ("claude-opus-4-8", "2026-11-30"),
                                           ("claude-sonnet-4-6", NOV), ("claude-haiku-5-5", NOV)])
def test_fast_where_the_model_has_no_fast_price_is_an_error(model, at):
    with pytest.raises(PriceError) as err:
        price(model, at=at, input=10, fast=True)
    assert err.value.field == "fast"


@pytest.mark.parametrize(("typo", "expected"), [
    ("claude-sonet-4-6", "claude-sonnet-4-6"),
    ("claude-opus-4-9", "claude-opus-4-8"),
    ("claude-haiku-5_5", "claude-haiku-5-5"),  # (claude-haiku-5.5 is a gateway spelling: it resolves)
])
def test_unknown_model_names_close_ids(typo, expected):
    with pytest.raises(UnknownModelError) as err:
        price(typo, at=NOV, input=1000)
    assert expected in err.value.suggestions
    assert expected in str(err.value)
    assert typo in str(err.value)


def test_unknown_model_is_never_priced_at_zero():
    with pytest.raises(UnknownModelError):
        price("gpt-4o", at=NOV, input=1000)


def test_no_price_before_a_model_exists():
    with pytest.raises(PriceError) as err:
        price("claude-sonnet-5-5", at="2026-09-27", input=1000)
    assert err.value.field == "at"
    assert "2026-09-28" in str(err.value)


@pytest.mark.parametrize("tokens", [dict(input=-1), dict(output=-5), dict(cache_read=-1), dict(web_searches=-1),
                                    dict(input=1.5), dict(input=True), dict(input="100")])
def test_bad_token_counts(tokens):
    with pytest.raises(PriceError) as err:
        price("claude-sonnet-4-6", at=NOV, **tokens)
    assert err.value.field == next(iter(tokens))


def test_unknown_bucket_keyword():
    with pytest.raises(PriceError):
        price("claude-sonnet-4-6", at=NOV, inputs=10)


def test_bad_date():
    with pytest.raises(PriceError) as err:
        price("claude-sonnet-4-6", at="2026-13-01", input=10)
    assert err.value.field == "at"


# ----------------------------------------------------------------------------------------------------------
# The Messages API usage object
# ----------------------------------------------------------------------------------------------------------

# The prompt-caching page's example usage (PC-Jul26).
EXAMPLE_USAGE = {"input_tokens": 2048, "cache_read_input_tokens": 1800, "cache_creation_input_tokens": 248,
                 "output_tokens": 503,
                 "cache_creation": {"ephemeral_5m_input_tokens": 148, "ephemeral_1h_input_tokens": 100}}
# Sonnet 4.6: 2,048 x 3 = 6,144; 148 x 3.75 = 555; 100 x 6 = 600; 1,800 x 0.30 = 540; 503 x 15 = 7,545
# total 15,384 u$ = $0.015384
EXAMPLE_TOTAL = D("0.015384")
# Without the cache_creation split, all 248 writes are 5-minute: 248 x 3.75 = 930 instead of 555 + 600,
# total 6,144 + 930 + 540 + 7,545 = 15,159 u$
EXAMPLE_TOTAL_ALL_5M = D("0.015159")


def test_whole_response():
    response = {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
                "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "usage": EXAMPLE_USAGE}
    cost = price_usage(response, at=NOV)
    assert cost.model.id == "claude-sonnet-4-6"
    assert cost.total == EXAMPLE_TOTAL
    assert [(i.bucket, i.tokens) for i in cost.items] == [
        ("input", 2048), ("cache_write_5m", 148), ("cache_write_1h", 100), ("cache_read", 1800), ("output", 503)]


def test_bare_usage_with_model_given():
    assert price_usage(EXAMPLE_USAGE, "claude-sonnet-4-6", at=NOV).total == EXAMPLE_TOTAL


def test_bare_usage_without_model_is_an_error():
    with pytest.raises(PriceError) as err:
        price_usage(EXAMPLE_USAGE, at=NOV)
    assert err.value.field == "model"


def test_model_argument_overrides_response_model():
    response = {"model": "claude-opus-4-6", "usage": {"input_tokens": 1000}}
    # 1,000 x $3 = $0.003 on Sonnet 4.6 (Opus 4.6 would be $0.005)
    assert price_usage(response, "claude-sonnet-4-6", at=NOV).total == D("0.003")


@pytest.mark.parametrize("cache_creation", ["absent", None])
def test_cache_creation_absent_or_null_means_5m_writes(cache_creation):
    usage = {k: v for k, v in EXAMPLE_USAGE.items() if k != "cache_creation"}
    if cache_creation is None:
        usage["cache_creation"] = None
    api = usage_from_api(usage)
    assert (api.usage.cache_write_5m, api.usage.cache_write_1h) == (248, 0)
    assert price_usage(usage, "claude-sonnet-4-6", at=NOV).total == EXAMPLE_TOTAL_ALL_5M


def test_cache_creation_without_the_total_field():
    usage = {"input_tokens": 10, "cache_creation": {"ephemeral_5m_input_tokens": 0,
                                                    "ephemeral_1h_input_tokens": 1000}}
    # 10 x 3 = 30; 1,000 x 6 = 6,000 -> 6,030 u$
    assert price_usage(usage, "claude-sonnet-4-6", at=NOV).total == D("0.00603")


def test_null_counts_are_zero():
    usage = {"input_tokens": 1000, "output_tokens": 0, "cache_read_input_tokens": None,
             "cache_creation_input_tokens": None, "server_tool_use": None}
    assert price_usage(usage, "claude-sonnet-4-6", at=NOV).total == D("0.003")


def test_service_tier_batch():
    usage = {**EXAMPLE_USAGE, "service_tier": "batch"}
    api = usage_from_api(usage)
    assert api.batch
    # half of 15,384 u$ = 7,692 u$
    assert price_usage(usage, "claude-sonnet-4-6", at=NOV).total == D("0.007692")


def test_service_tier_standard_and_priority_are_standard_prices():
    for tier in ("standard", "priority"):
        cost = price_usage({**EXAMPLE_USAGE, "service_tier": tier}, "claude-sonnet-4-6", at=NOV)
        assert cost.total == EXAMPLE_TOTAL
    assert any("Priority" in n for n in price_usage({**EXAMPLE_USAGE, "service_tier": "priority"},
                                                     "claude-sonnet-4-6", at=NOV).notes)


def test_inference_geo_us():
    usage = {**EXAMPLE_USAGE, "inference_geo": "us"}
    # 15,384 u$ x 1.1 = 16,922.4 u$
    assert price_usage(usage, "claude-sonnet-4-6", at=NOV).total == D("0.0169224")
    assert price_usage({**EXAMPLE_USAGE, "inference_geo": "global"}, "claude-sonnet-4-6", at=NOV).total \
        == EXAMPLE_TOTAL


def test_unknown_inference_geo_value_is_an_error():
    with pytest.raises(PriceError) as err:
        usage_from_api({**EXAMPLE_USAGE, "inference_geo": "eu"})
    assert err.value.field == "inference_geo"


def test_speed_fast():
    usage = {"input_tokens": 1000, "output_tokens": 1000, "speed": "fast"}
    # Opus 5.5 fast: 1,000 x 8 + 1,000 x 40 = 48,000 u$
    assert price_usage(usage, "claude-opus-5-5", at=NOV).total == D("0.048")
    # standard speed: 1,000 x 4 + 1,000 x 20 = 24,000 u$
    assert price_usage({**usage, "speed": "standard"}, "claude-opus-5-5", at=NOV).total == D("0.024")


def test_fast_batch_usage_is_an_error():
    with pytest.raises(PriceError):
        price_usage({"input_tokens": 1, "speed": "fast", "service_tier": "batch"}, "claude-opus-5-5", at=NOV)


def test_web_search_requests():
    usage = {"input_tokens": 1000, "output_tokens": 0,
             "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 5}}
    # 1,000 x 3 = 3,000 u$ + 2 x $0.01 (web fetch is free) = $0.023
    assert price_usage(usage, "claude-sonnet-4-6", at=NOV).total == D("0.023")


def test_streaming_message_start_event():
    event = {"type": "message_start", "message": {"id": "msg_1", "model": "claude-sonnet-4-6",
                                                  "usage": {"input_tokens": 2000, "output_tokens": 500}}}
    assert price_usage(event, at=NOV).total == D("0.0135")


@pytest.mark.parametrize("obj", [{}, {"foo": 1}, [], "usage"])
def test_not_a_usage_object(obj):
    with pytest.raises(PriceError):
        usage_from_api(obj)


@pytest.mark.parametrize("usage", [{"input_tokens": -1}, {"input_tokens": "10"}, {"input_tokens": 1.5},
                                   {"cache_creation": {"ephemeral_5m_input_tokens": -3}},
                                   {"server_tool_use": {"web_search_requests": -1}}])
def test_bad_usage_counts(usage):
    with pytest.raises(PriceError):
        usage_from_api(usage)


def test_usage_dataclass_prompt_tokens():
    # 1 + 20 + 300 + 4,000 = 4,321 (output does not count)
    assert Usage(input=1, cache_write_5m=20, cache_write_1h=300, cache_read=4000, output=50_000).prompt_tokens \
        == 4321


# ----------------------------------------------------------------------------------------------------------
# turn_cost, break_even, price_workload, compare_models
# ----------------------------------------------------------------------------------------------------------


NOV_25 = dt.date(2026, 11, 25)


def test_the_library_never_defaults_to_the_clock():
    with pytest.raises(PriceError, match="no day given") as err:
        parse_at(None)
    assert err.value.field == "at"
    with pytest.raises(PriceError, match="no day given"):
        price("claude-sonnet-5-5", Usage(input=1), at=None)


def test_turn_cost_explicit_model():
    # Sonnet 4.6: 10,000-token prompt of which 8,000 cached: 2,000 x 3 = 6,000; 8,000 x 0.30 = 2,400;
    # 1,000 out x 15 = 15,000 -> 23,400 u$
    assert turn_cost(10_000, 1000, 8000, model="claude-sonnet-4-6", at=NOV_25) == D("0.0234")


def test_turn_cost_defaults_to_the_sonnet_shortcut():
    # "sonnet" -> Sonnet 5.5 ($2/$10, read $0.10): 2,000 x 2 = 4,000; 8,000 x 0.10 = 800; 1,000 x 10 = 10,000
    # -> 14,800 u$
    assert turn_cost(10_000, 1000, 8000, at=NOV_25) == D("0.0148")
    # no cache: 10,000 x 2 + 1,000 x 10 = 30,000 u$
    assert turn_cost(10_000, 1000, at=NOV_25) == D("0.03")


def test_turn_cost_rejects_more_cached_than_sent():
    with pytest.raises(PriceError):
        turn_cost(100, 10, 101, at=NOV_25)


def test_turn_cost_docstring_says_what_it_leaves_out():
    assert "cache write" in turn_cost.__doc__


@pytest.mark.parametrize(("model", "inp", "w5", "w1", "read"), [
    # (model, input, 5m write, 1h write, read) in $/MTok, from pricing-facts.md
    ("claude-sonnet-4-6", "3", "3.75", "6", "0.30"),
    ("claude-opus-5-5", "4", "5", "8", "0.20"),
    ("claude-3-haiku-20240307", "0.25", "0.30", "0.50", "0.03"),
    ("claude-fable-5-1", "10", "12.50", "20", "0.25"),
    ("claude-haiku-5-5", "0.10", "0.125", "0.20", "0.01"),
])
def test_break_even(model, inp, w5, w1, read):
    be = break_even(model, at=NOV)
    inp, w5, w1, read = D(inp), D(w5), D(w1), D(read)
    # a write costs (write - input) more than sending the prefix uncached; every read saves (input - read)
    assert be.ratio_5m == (w5 - inp) / (inp - read)
    assert be.ratio_1h == (w1 - inp) / (inp - read)
    # the published rule of thumb: one read pays back a 5-minute write, two reads a 1-hour write
    assert (be.reads_5m, be.reads_1h) == (1, 2)


def test_break_even_sonnet46_ratios_by_hand():
    # 5m: 0.75 / 2.70 = 0.2777...; 1h: 3 / 2.70 = 1.111...
    be = break_even("claude-sonnet-4-6", at=NOV)
    assert D("0.2777") < be.ratio_5m < D("0.2778")
    assert D("1.1111") < be.ratio_1h < D("1.1112")


SONNET46_WORKLOAD = dict(requests_per_month=1000, prompt_tokens=10_000, output_tokens=500,
                         cached_prefix_tokens=8000)


def test_workload_without_cache():
    wl = Workload(requests_per_month=1000, prompt_tokens=10_000, output_tokens=500)
    cost = price_workload("claude-sonnet-4-6", wl, at=NOV)
    # 10,000 x 3 + 500 x 15 = 37,500 u$ per request; x 1,000 = $37.50 a month
    assert cost.per_request == D("0.0375")
    assert cost.monthly == D("37.5")


def test_workload_with_cache_hits():
    wl = Workload(**SONNET46_WORKLOAD, cache_hit_rate=D("0.9"))
    cost = price_workload("claude-sonnet-4-6", wl, at=NOV)
    # hit (90%): 2,000 x 3 + 8,000 x 0.30 + 500 x 15 = 6,000 + 2,400 + 7,500 = 15,900 u$
    # miss (10%): 6,000 + 8,000 x 3.75 + 7,500 = 6,000 + 30,000 + 7,500 = 43,500 u$
    # average 0.9 x 15,900 + 0.1 x 43,500 = 14,310 + 4,350 = 18,660 u$; x 1,000 = $18.66
    assert cost.per_request == D("0.01866")
    assert cost.monthly == D("18.66")
    # by bucket, per request: input 6,000; read 0.9 x 2,400 = 2,160; 5m write 0.1 x 30,000 = 3,000; out 7,500
    assert {k: v for k, v in cost.by_bucket.items() if v} == {
        "input": D("0.006"), "cache_read": D("0.00216"), "cache_write_5m": D("0.003"), "output": D("0.0075")}


def test_workload_with_batch_share():
    wl = Workload(**SONNET46_WORKLOAD, cache_hit_rate=D("0.9"), batch_share=D("0.5"))
    cost = price_workload("claude-sonnet-4-6", wl, at=NOV)
    # half the requests at full price, half at 0.5x: 18,660 x (0.5 + 0.25) = 13,995 u$; x 1,000 = $13.995
    assert cost.per_request == D("0.013995")
    assert cost.monthly == D("13.995")


def test_workload_with_1h_ttl():
    wl = Workload(**SONNET46_WORKLOAD, cache_hit_rate=D("0.5"), cache_ttl="1h")
    cost = price_workload("claude-sonnet-4-6", wl, at=NOV)
    # hit: 15,900 u$; miss: 6,000 + 8,000 x 6 + 7,500 = 61,500 u$; average (15,900 + 61,500) / 2 = 38,700 u$
    assert cost.per_request == D("0.0387")
    assert cost.monthly == D("38.7")


def test_workload_all_batch_all_hits():
    wl = Workload(**SONNET46_WORKLOAD, cache_hit_rate=1, batch_share=1)
    # 15,900 u$ x 0.5 = 7,950 u$; x 1,000 = $7.95
    assert price_workload("claude-sonnet-4-6", wl, at=NOV).monthly == D("7.95")


@pytest.mark.parametrize("kwargs", [dict(cache_hit_rate=D("1.1")), dict(batch_share=-1),
                                    dict(cached_prefix_tokens=20_000), dict(cache_ttl="10m"),
                                    dict(requests_per_month="many")])
def test_bad_workloads(kwargs):
    base = dict(requests_per_month=1000, prompt_tokens=10_000, output_tokens=500)
    with pytest.raises(PriceError):
        Workload(**{**base, **kwargs})


def test_compare_models_sorted_cheapest_first(pricing):
    names = ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-haiku-4-5"]
    rows = compare_models(Usage(input=150_000), models=[pricing.model(n) for n in names], at=NOV)
    # 150,000 input tokens: Haiku 5.5 is above its 100K tier, 150,000 x 0.50 = $0.075; Haiku 4.5 x $1 = $0.15;
    # Sonnet 5.5 x $2 = $0.30; Opus 5.5 x $4 = $0.60
    assert [(r.model.id, r.cost.total) for r in rows] == [
        ("claude-haiku-5-5", D("0.075")), ("claude-haiku-4-5-20251001", D("0.15")),
        ("claude-sonnet-5-5", D("0.3")), ("claude-opus-5-5", D("0.6"))]


def test_compare_models_reports_models_without_a_price_that_day(pricing):
    rows = compare_models(Usage(input=1000), models=[pricing.model("claude-fable-5-2")], at=NOV)
    assert rows[0].cost is None and "2026-11-09" in rows[0].reason


def test_compare_models_default_is_every_active_model(pricing):
    rows = compare_models(Usage(input=1000, output=1000), at="2026-11-20")  # Fable 5.2 exists from 2026-11-09
    assert {r.model.id for r in rows} == {m.id for m in pricing.active_models(dt.date(2026, 11, 20))}
    priced = [r.cost.total for r in rows if r.cost is not None]
    assert priced == sorted(priced)
    assert len(priced) == len(rows)


def test_compare_models_scales_tokens_by_tokenizer(pricing):
    models = [pricing.model("claude-haiku-4-5"), pricing.model("claude-haiku-5-5")]
    rows = compare_models(Usage(input=1000, output=100), models=models, measured_on="claude-haiku-4-5", at=NOV)
    by_id = {r.model.id: r for r in rows}
    # measured on Haiku 4.5 (old tokenizer); Haiku 5.5 counts 1.3x: 1,300 in, 130 out
    assert (by_id["claude-haiku-5-5"].usage.input, by_id["claude-haiku-5-5"].usage.output) == (1300, 130)
    # 1,300 x 0.10 + 130 x 0.50 = 130 + 65 = 195 u$
    assert by_id["claude-haiku-5-5"].cost.total == D("0.000195")
    # Haiku 4.5 unscaled: 1,000 x 1 + 100 x 5 = 1,500 u$
    assert by_id["claude-haiku-4-5-20251001"].cost.total == D("0.0015")
    assert rows[0].model.id == "claude-haiku-5-5"


def test_compare_models_scales_back_to_the_old_tokenizer(pricing):
    rows = compare_models(Usage(input=1300, output=130), models=[pricing.model("claude-haiku-4-5")],
                          measured_on="claude-haiku-5-5", at=NOV)
    # 1,300 / 1.3 = 1,000 and 130 / 1.3 = 100 -> 1,000 x 1 + 100 x 5 = 1,500 u$
    assert (rows[0].usage.input, rows[0].usage.output) == (1000, 100)
    assert rows[0].cost.total == D("0.0015")


def test_compare_models_puts_impossible_rows_last(pricing):
    models = [pricing.model("claude-haiku-4-5"), pricing.model("claude-sonnet-4-6"),
              pricing.model("claude-opus-4-5")]
    rows = compare_models(Usage(input=300_000), models=models, at=NOV)
    # Haiku 4.5 and Opus 4.5 have a 200K context window; Sonnet 4.6 1M: 300,000 x 3 = $0.90
    assert (rows[0].model.id, rows[0].cost.total) == ("claude-sonnet-4-6", D("0.9"))
    assert [r.cost for r in rows[1:]] == [None, None]
    assert all("context window" in r.reason for r in rows[1:])
    rows = compare_models(Usage(input=1000), models=models, geo="us", at=NOV)
    # only Sonnet 4.6 supports US-only inference: 1,000 x 3.30 = 3,300 u$
    assert (rows[0].model.id, rows[0].cost.total) == ("claude-sonnet-4-6", D("0.0033"))
    assert all(r.cost is None and "US-only" in r.reason for r in rows[1:])


def test_a_message_batches_result_line_is_priced_at_the_batch_rate():
    # Sonnet 4.6 at batch rates: 1,000 input x $3 x 0.5 = $0.0015; 200 output x $15 x 0.5 = $0.0015; total $0.003.
    line = {"custom_id": "req-1", "result": {"type": "succeeded", "message": {
        "model": "claude-sonnet-4-6", "usage": {"input_tokens": 1000, "output_tokens": 200}}}}
    cost = price_usage(line, at="2026-11-01")
    assert cost.batch is True
    assert cost.total == D("0.003")


def test_a_failed_batch_result_is_not_priced():
    line = {"custom_id": "req-2", "result": {"type": "errored", "error": {"type": "overloaded_error"}}}
    with pytest.raises(PriceError, match="only succeeded requests are billed"):
        price_usage(line, at="2026-11-01")


def test_a_retired_model_after_its_retirement_says_so():
    # Opus 4.1 retired 2026-08-05; 1,000 input x $15 = $0.015, still priced, with a note.
    cost = price("claude-opus-4-1", input=1000, at="2026-09-01")
    assert cost.total == D("0.015")
    assert any("retired" in n for n in cost.notes)
