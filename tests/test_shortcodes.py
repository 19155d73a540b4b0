"""The docs shortcodes (hooks/shortcodes.py): every shortcode's rendering and its errors.

Most expectations use a small fixture price file written below, so they stay valid when pricing.toml changes;
each expected figure is worked out by hand from the fixture's prices, with the arithmetic in a comment.
Fixture prices (USD per MTok):
  test-big-1 ("big"):   to 2026-02-01 input 6, output 30, fast 12/60; from 2026-02-01 input 5, output 25,
                        fast 10/50; cache multipliers 1.25 (5 min), 2 (1 hour), 0.1 (read); US-only allowed.
  test-small-1 ("small"): input 0.80, output 4; above 100,000 prompt tokens input 1.60, output 6; no US-only.
  test-old-1 (retired 2026-01-05, old tokenizer): input 15, output 75.
Batch 0.5x, US-only 1.1x, web search $10 per 1,000, newer tokenizer 1.3x.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from calculators import parse_pricing
from calculators.changes import RATIO_EXCEPTIONS, WORKLOADS
from calculators.compression import compression_curve

ROOT = Path(__file__).resolve().parent.parent


def _load_hook():
    name = "claude_cost_shortcodes_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "hooks" / "shortcodes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sc = _load_hook()

FIXTURE = '''
schema_version = 1
currency = "USD"

[families]
big = "test-big-1"
small = "test-small-1"

[cache]
write_5m_multiplier = 1.25
write_1h_multiplier = 2
read_multiplier = 0.1
source = "https://example.test/pricing"
checked = 2026-01-10

[batch]
multiplier = 0.5
source = "https://example.test/batch"
checked = 2026-01-10

[inference_geo]
us_multiplier = 1.1
source = "https://example.test/geo"
checked = 2026-01-10

[web_search]
per_1k_requests = 10
source = "https://example.test/search"
checked = 2026-01-10

[tokenizer]
new_vs_old = 1.3
source = "https://example.test/tokenizer"
checked = 2026-01-10

[[models]]
id = "test-big-1"
name = "Test Big 1"
family = "big"
status = "current"
released = 2026-01-01
context_window = 1000000
max_output = 128000
min_cacheable_tokens = 1024
new_tokenizer = true
us_inference = true
source = "https://example.test/big"
checked = 2026-01-10

[[models.periods]]
effective_from = 2026-01-01
effective_to = 2026-02-01
input_per_mtok = 6
output_per_mtok = 30
source = "https://example.test/big"
checked = 2026-01-10

[models.periods.fast]
input_per_mtok = 12
output_per_mtok = 60

[[models.periods]]
effective_from = 2026-02-01
input_per_mtok = 5
output_per_mtok = 25
source = "https://example.test/big"
checked = 2026-01-10

[models.periods.fast]
input_per_mtok = 10
output_per_mtok = 50

[[models]]
id = "test-small-1"
name = "Test Small 1"
family = "small"
status = "current"
released = 2026-01-01
context_window = 200000
max_output = 64000
min_cacheable_tokens = 2048
new_tokenizer = true
us_inference = false
source = "https://example.test/small"
checked = 2026-01-12

[[models.periods]]
effective_from = 2026-01-01
input_per_mtok = 0.80
output_per_mtok = 4
source = "https://example.test/small"
checked = 2026-01-12

[[models.periods.tiers]]
above_prompt_tokens = 100000
input_per_mtok = 1.60
output_per_mtok = 6

[[models]]
id = "test-old-1"
aliases = ["test-old"]
name = "Test Old 1"
family = "big"
status = "retired"
released = 2025-01-01
retired = 2026-01-05
context_window = 200000
max_output = 8192
min_cacheable_tokens = 1024
new_tokenizer = false
us_inference = false
source = "https://example.test/old"
checked = 2026-01-10

[[models.periods]]
effective_from = 2025-01-01
input_per_mtok = 15
output_per_mtok = 75
source = "https://example.test/old"
checked = 2026-01-10
'''

PRICING = parse_pricing(FIXTURE, source="fixture.toml")
DAY = "2026-03-01"  # the second period of test-big-1 is in force


def r(text: str, at: str = DAY) -> str:
    return sc.render(text, "page.md", at=at, pricing=PRICING)


# ----------------------------------------------------------------------------------------------------------
# cc:price
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), [
    ("price big input", "$5.00 / MTok"),
    ("price big output format=bare", "$25.00"),
    ("price big cache_write_5m", "$6.25 / MTok"),  # 5 x 1.25
    ("price big cache_write_1h", "$10.00 / MTok"),  # 5 x 2
    ("price big cache_read", "$0.50 / MTok"),  # 5 x 0.1
    ("price big output batch", "$12.50 / MTok"),  # 25 x 0.5
    ("price big input geo=us", "$5.50 / MTok"),  # 5 x 1.1
    ("price big input batch geo=us", "$2.75 / MTok"),  # 5 x 0.5 x 1.1
    ("price big input fast", "$10.00 / MTok"),
    ("price big input at=2026-01-15", "$6.00 / MTok"),  # first period
    ("price test-big-1 output at=2026-01-15 fast", "$60.00 / MTok"),
    ("price small input", "$0.80 / MTok"),
    ("price small cache_write_5m", "$1.00 / MTok"),  # 0.80 x 1.25
    ("price small cache_read", "$0.08 / MTok"),  # 0.80 x 0.1
    ("price small input prompt=150000", "$1.60 / MTok"),  # above the 100,000 tier
    ("price small output prompt=100000", "$4.00 / MTok"),  # not above: the threshold itself is base
    ("price test-old output", "$75.00 / MTok"),  # alias of a retired model, its last price
])
def test_price(code, expected):
    assert r(f"<!-- cc:{code} -->") == expected


# ----------------------------------------------------------------------------------------------------------
# cc:cost, cc:blend, cc:workload
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), [
    # 2,000 x 5 / 1M = 0.01; 500 x 25 / 1M = 0.0125; total 0.0225
    ("cost big input=2000 output=500", "$0.0225"),
    ("cost big input=2000 output=500 per=1k", "$22.50"),  # 0.0225 x 1,000
    ("cost big input=2000 output=500 per=1m", "$22,500.00"),  # 0.0225 x 1,000,000
    ("cost big input=2000 output=500 per=month requests=500000", "$11,250.00"),  # 0.0225 x 500,000
    ("cost big input=2000 output=500 format=exact", "$0.0225"),
    # rates x 0.5 x 1.1 = 0.55: 1,000 x 2.75 + 50,000 x 0.275 + 800 x 13.75 = 2,750 + 13,750 + 11,000 = 27,500 / 1M
    ("cost big cache_read=50000 input=1000 output=800 batch geo=us", "$0.0275"),
    # 8,000 x 6.25 (5-min write) + 4,000 x 10 (1-hour write) = 50,000 + 40,000 = 90,000 / 1M
    ("cost big cache_write_5m=8000 cache_write_1h=4000", "$0.09"),
    ("cost big web_searches=3", "$0.03"),  # 3 x $0.01
    ("cost big web_searches=1000 batch", "$10.00"),  # searches are not batch-discounted
    # 1,234 x 0.80 / 1M = 0.0009872 -> three significant digits
    ("cost small input=1234", "$0.000987"),
    ("cost small input=1", "$0.0000008"),  # 0.80 / 1M: never shown as $0.00
    # prompt 150,000 > 100,000: every rate from the tier: 150,000 x 1.60 + 1,000 x 6 = 240,000 + 6,000 = 246,000 / 1M
    ("cost small input=150000 output=1000", "$0.246"),
    # measured on the old tokenizer: x1.3 -> 13,000 x 5 + 1,300 x 25 = 65,000 + 32,500 = 97,500 / 1M
    ("cost big input=10000 output=1000 measured_on=test-old-1", "$0.0975"),
    ("cost big input=10000 output=1000 fast", "$0.15"),  # 10,000 x 10 + 1,000 x 50 = 150,000 / 1M
    ("cost test-big-1 input=1000000 at=2026-01-15", "$6.00"),
])
def test_cost(code, expected):
    assert r(f"<!-- cc:{code} -->") == expected


def test_blend():
    # big: 1,000 x 5 + 100 x 25 = 7,500 / 1M = 0.0075; small: 1,000 x 0.8 + 100 x 4 = 1,200 / 1M = 0.0012
    # 0.5 x 0.0075 + 0.5 x 0.0012 = 0.00435
    assert r("<!-- cc:blend big:0.5,small:0.5 input=1000 output=100 -->") == "$0.00435"
    assert r("<!-- cc:blend big:0.5,small:0.5 input=1000 output=100 per=1m -->") == "$4,350.00"


WORKLOAD = "workload big requests=1000 prompt=10000 output=100 prefix=8000 hit=0.75"


@pytest.mark.parametrize(("extra", "expected"), [
    # hit:  2,000 x 5 + 8,000 x 0.5 (read) + 100 x 25 = 10,000 + 4,000 + 2,500 = 16,500 / 1M = 0.0165
    # miss: 2,000 x 5 + 8,000 x 6.25 (write) + 100 x 25 = 10,000 + 50,000 + 2,500 = 62,500 / 1M = 0.0625
    # average 0.75 x 0.0165 + 0.25 x 0.0625 = 0.012375 + 0.015625 = 0.028; x 1,000 requests = 28
    ("", "$28.00"),
    ("show=per_request", "$0.028"),
    ("show=yearly", "$336.00"),  # 28 x 12
])
def test_workload(extra, expected):
    assert r(f"<!-- cc:{WORKLOAD} {extra} -->") == expected


def test_workload_batch_share_and_no_cache():
    # 10,000 x 5 + 100 x 25 = 52,500 / 1M = 0.0525 per request; all batched: x 0.5 = 0.02625; x 1,000
    assert r("<!-- cc:workload big requests=1000 prompt=10000 output=100 batch_share=1 -->") == "$26.25"
    assert r("<!-- cc:workload big requests=1000 prompt=10000 output=100 -->") == "$52.50"


# ----------------------------------------------------------------------------------------------------------
# cc:ratio, cc:multiplier, cc:fee, cc:breakeven, cc:model, cc:date, cc:skip-test
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), [
    ('ratio num="price big output" den="price big input"', "5×"),  # 25 / 5
    ('ratio num="price big output" den="price big input" format=number', "5"),
    ('ratio num="price big cache_read" den="price big input" format=percent', "10%"),  # 0.5 / 5
    ('ratio num="price big cache_read" den="price big input" format=saving', "90%"),
    ('ratio num="price big cache_write_5m" den="price big input"', "1.25×"),
    # 1 - (0.00435 / 0.0075) = 1 - 0.58 = 42%
    ('ratio num="blend big:0.5,small:0.5 input=1000 output=100" den="cost big input=1000 output=100" '
     'format=saving', "42%"),
    # (600 - 250) x 25 / 1M = 0.00875
    ('ratio num="cost big output=600" den="cost big output=250" format=difference', "$0.00875"),
    # 1 / 3 -> two decimals
    ('ratio num="cost big input=1000" den="cost big input=3000"', "0.33×"),
    ('ratio num="cost big input=1000" den="cost big input=3000" format=percent digits=1', "33.3%"),
])
def test_ratio(code, expected):
    assert r(f"<!-- cc:{code} -->") == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("multiplier batch", "0.5×"),
    ("multiplier batch format=off", "50%"),
    ("multiplier batch format=percent", "50%"),
    ("multiplier us format=extra", "10%"),
    ("multiplier tokenizer format=extra", "30%"),
    ("multiplier cache_write_5m format=number", "1.25"),
    ("multiplier cache_read_batch format=percent", "5%"),  # 0.1 x 0.5
    ("fee web_search", "$10.00"),
    ("fee web_search per=request", "$0.01"),
    # (6.25 - 5) / (5 - 0.5) = 0.2777... -> one read; (10 - 5) / 4.5 = 1.111... -> two reads
    ("breakeven big", "1"),
    ("breakeven big show=ratio", "0.28"),
    ("breakeven big ttl=1h", "2"),
    ("breakeven big ttl=1h show=ratio", "1.11"),
    ("breakeven big show=words", "one read"),
    ("breakeven big ttl=1h show=words", "two reads"),
    ("model big name", "Test Big 1"),
    ("model big id", "`test-big-1`"),
    ("model big context", "1M"),
    ("model small context", "200K"),
    ("model small max_output", "64K"),
    ("model small min_cacheable", "2,048"),
    ("model small tier", "100,000"),
    ("model test-old-1 retired", "2026-01-05"),
    ("model test-old-1 aliases", "`test-old`"),
    ("model big status", "current"),
    ("date checked", "2026-01-12"),  # newest checked date in the fixture
    ("date prices", DAY),
    ('skip-test reason="calls the API"', ""),
])
def test_inline(code, expected):
    assert r(f"<!-- cc:{code} -->") == expected


# ----------------------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------------------


def test_lineup_table():
    text = r("<!-- cc:table lineup -->")
    # input, output, 5-min / 1-hour writes (5 x 1.25, x 2), read (x 0.1), batch (x 0.5), context / max output
    assert "| Test Big 1<br>`test-big-1` | $5.00 | $25.00 | $6.25 / $10.00 | $0.50 | $2.50 / $12.50 | 1M / 128K |" in text
    # the tier row of test-small-1: 1.60 x 1.25 = 2.00, x 2 = 3.20, x 0.1 = 0.16; batch 0.80 / 3.00
    assert "| Test Small 1, prompt > 100K | $1.60 | $6.00 | $2.00 / $3.20 | $0.16 | $0.80 / $3.00 |  |" in text
    assert len(text.splitlines()[0].split("|")) - 2 == 7  # seven columns: fits a 1366-pixel screen
    assert "Test Old 1" not in text  # retired: not in the current lineup
    assert "prices in force on 2026-03-01" in text


def test_all_prices_and_all_models_tables():
    prices = r("<!-- cc:table all-prices -->")
    # 15 x 1.25, x 2, x 0.1
    assert "| Test Old 1<br>retired, since 2025-01-01 | $15.00 | $75.00 | $18.75 / $30.00 | $1.50 |" in prices
    assert "$10.00 / $50.00" in prices  # fast mode of test-big-1
    assert "> 100K: $1.60 / $6.00" in prices
    models = r("<!-- cc:table all-models -->")
    assert "[source](https://example.test/old)" in models
    assert "[source](https://example.test/big)<br>checked 2026-01-10 |" in models  # no third-party mark
    assert "retired 2026-01-05" in models
    assert "`test-old-1`<br>`test-old`" in models


def test_history_table():
    # The pricing reference's history is the "What changed" page's changelog (calculators.changes.changelog),
    # one dated bullet per change: the same events in the same words.
    text = r("<!-- cc:table history -->")
    lines = text.splitlines()
    # Test Big 1 input 6 -> 5: (5 - 6) / 6 = -16.7%; fast input 12 -> 10, output 60 -> 50
    assert lines[0].startswith("- **2026-02-01**: **Test Big 1 price change**: input $6.00 → $5.00 per MTok (-16.7%)")
    assert "fast mode: input $12.00, output $60.00 per MTok → input $10.00, output $50.00 per MTok" in lines[0]
    assert "- **2026-01-05**: **Test Old 1 retired**: removed from the Claude API; usage from before this day is " \
           "still priced." in lines
    assert lines[-1].startswith("- **2025-01-01**: **Test Old 1 launched**")  # oldest last
    # test-small-1's launch: cache read 0.80 x 0.1 = 0.08; its tier's rates as written
    assert "cache reads $0.08 per MTok; above 100,000 prompt tokens: input $1.60, output $6.00 per MTok." in text
    assert [line.split("**")[1] for line in lines] == sorted((line.split("**")[1] for line in lines), reverse=True)
    # layout=days (the "What changed" page): the same bullets without their dates, under one anchored heading per day
    days = r("<!-- cc:table history layout=days -->").splitlines()
    assert days[0] == "### 2026-02-01 { #2026-02-01 }"
    assert days[2] == lines[0].replace("- **2026-02-01**: ", "- ", 1)
    assert sum(line.startswith("### ") for line in days) == len({line.split("**")[1] for line in lines})
    assert sum(line.startswith("- ") for line in days) == len(lines)


def test_change_review_tables():
    exceptions = r("<!-- cc:table ratio-exceptions -->").splitlines()
    assert exceptions[0] == "| Exception | Model | Price | Rule | Published | Why |"
    assert len(exceptions) == 2 + len(RATIO_EXCEPTIONS)  # one row per documented exception
    workloads = r("<!-- cc:table workloads -->").splitlines()
    assert len(workloads) == len(WORKLOADS) and all(line.startswith("- **") for line in workloads)


def test_small_tables():
    # batch-cached: 0.5 x 0.5 = 0.25 per MTok = 5% of 5; small: 0.08 x 0.5 = 0.04 = 5% of 0.80
    assert "| Test Big 1 | $5.00 | $0.50 | $0.25 | 5% |" in r("<!-- cc:table batch-cached -->")
    # output-ratio: 25 / 5 = 5x; 1,000 output tokens = 1,000 x 25 / 1M = 0.025
    assert "| Test Big 1 | $5.00 | $25.00 | 5× | $0.025 |" in r("<!-- cc:table output-ratio -->")
    assert "| Test Small 1 | `test-small-1` | 2,048 |" in r("<!-- cc:table min-cacheable -->")
    # premiums 6.25 - 5 = 1.25, 10 - 5 = 5, saving 5 - 0.5 = 4.5
    # reads: 1.25 / 4.5 = 0.28 -> 1, 5 / 4.5 = 1.11 -> 2
    assert "| Test Big 1 | $1.25 | $5.00 | $4.50 | 1 | 2 |" in r("<!-- cc:table break-even -->")
    assert "| Batch API | 0.5× every token price | [source](https://example.test/batch) | 2026-01-10 |" in \
        r("<!-- cc:table modifiers -->")


def test_routing_mix_table():
    text = r("<!-- cc:table routing-mix mix=big:0.5,small:0.5 against=big input=1000 output=100 requests=1000 -->")
    # per request 0.0075 and 0.0012 (see test_blend); x 0.5 x 1,000 = 3.75 and 0.60; blend 0.00435 -> 4.35
    assert "| Test Big 1 | 50% | $0.0075 | $3.75 |" in text
    assert "| Test Small 1 | 50% | $0.0012 | $0.60 |" in text
    assert "| **Blended mix** | 100% | **$0.00435** | **$4.35** |" in text
    assert "The mix costs **58%** of sending everything to Test Big 1" in text  # 0.00435 / 0.0075


def test_example_table():
    text = r("<!-- cc:example big input=2000 cache_read=10000 output=500 web_searches=2 -->")
    assert "| Uncached input | 2,000 | $5.00 / MTok | $0.01 | 0.01 |" in text
    assert "| Cache reads | 10,000 | $0.50 / MTok | $0.005 | 0.005 |" in text  # 10,000 x 0.5 / 1M
    assert "| Output | 500 | $25.00 / MTok | $0.0125 | 0.0125 |" in text
    assert "| Web searches | 2 | $0.01 each | $0.02 | 0.02 |" in text
    assert "| **Total** |  |  | **$0.0475** | **0.0475** |" in text  # 0.01 + 0.005 + 0.0125 + 0.02
    assert "5 min" not in text and "1 hour" not in text  # empty buckets are left out


def test_compression_curve_without_cache():
    big, small = PRICING.model("big"), PRICING.model("small")
    rows = compression_curve(big, small, turns=3, system=1000, user=100, reply=100, keep=1, every=1,
                             summary_ratio=Decimal("0.25"), instruction=0, cache=False, day=sc.parse_at(DAY),
                             pricing=PRICING)
    # full history: prompts 1,100 / 1,300 / 1,500 at 5 per MTok, plus 100 output x 25 = 0.0025 each
    assert [x.prompt_plain for x in rows] == [1100, 1300, 1500]
    assert [x.cost_plain for x in rows] == [Decimal("0.008"), Decimal("0.009"), Decimal("0.01")]
    # compressed: turn 3 folds turn 1 (200 tokens) into a 200 x 0.25 = 50-token summary on small:
    # 200 x 0.80 + 50 x 4 = 160 + 200 = 360 / 1M = 0.00036; its prompt 1,000 + 50 + 200 + 100 = 1,350
    # -> 1,350 x 5 / 1M = 0.00675 + 0.0025 + 0.00036 = 0.00961
    assert [x.prompt_comp for x in rows] == [1100, 1300, 1350]
    assert rows[-1].cost_comp == Decimal("0.00961")
    assert rows[-1].total_plain == Decimal("0.027")
    assert rows[-1].total_comp == Decimal("0.02661")


def test_compression_curve_with_cache():
    big, small = PRICING.model("big"), PRICING.model("small")
    rows = compression_curve(big, small, turns=2, system=1000, user=100, reply=100, keep=5, every=5,
                             cache=True, day=sc.parse_at(DAY), pricing=PRICING)
    # turn 1 writes 1,100 at 6.25: 0.006875 + output 0.0025 = 0.009375
    # turn 2 reads the previous prompt (1,100 at 0.5 = 0.00055), writes reply 1 + user 2 (200 at 6.25 = 0.00125)
    assert rows[0].cost_plain == Decimal("0.009375")
    assert rows[1].cost_plain == Decimal("0.0043")  # 0.00055 + 0.00125 + 0.0025
    assert rows[1].cost_comp == rows[1].cost_plain  # nothing folded yet


def test_compression_table_renders_summary():
    text = r("<!-- cc:table compression-curve model=big summariser=small turns=3 system=1000 user=100 reply=100 "
             "keep=1 every=1 summary_ratio=0.25 instruction=0 cache=off rows=1 -->")
    assert "Over 3 turns: $0.027 with the full history, $0.0266 with compression" in text


# ----------------------------------------------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("0", "$0.00"),
    ("1", "$1.00"),
    ("1234.565", "$1,234.57"),  # half-up to the cent
    ("1234.564", "$1,234.56"),
    ("0.5", "$0.50"),
    ("0.0135", "$0.0135"),
    ("0.00012345", "$0.000123"),
    ("0.99996", "$1.00"),
    ("-0.25", "-$0.25"),
    ("-12.5", "-$12.50"),
])
def test_money(value, expected):
    assert sc.money(Decimal(value)) == expected


def test_rate_percent_times():
    assert sc.rate(Decimal("0.125")) == "$0.125"
    assert sc.rate(Decimal("37.5")) == "$37.50"
    assert sc.percent(Decimal("0.00004")) == "0.004%"  # never 0% for a non-zero share
    assert sc.percent(Decimal("0.625")) == "63%"  # half-up
    assert sc.times(Decimal("4.5454")) == "4.55×"


# ----------------------------------------------------------------------------------------------------------
# Where shortcodes are and are not rendered
# ----------------------------------------------------------------------------------------------------------


def test_code_is_left_alone():
    text = "Price `<!-- cc:price big input -->` here.\n```\n<!-- cc:nonsense -->\n```\n~~~md\n<!-- cc:x -->\n~~~\n"
    assert r(text) == text


def test_fence_inside_list_and_after():
    text = "1. item\n\n    ```python\n    x = '<!-- cc:nonsense -->'\n    ```\n\n<!-- cc:price big input -->"
    assert r(text).endswith("$5.00 / MTok")


def test_several_on_a_line_and_table_indent():
    assert r("a <!-- cc:price big input --> b <!-- cc:price big output --> c") == "a $5.00 / MTok b $25.00 / MTok c"
    out = r('!!! note\n    <!-- cc:table min-cacheable models=big -->')
    assert all(line.startswith("    ") for line in out.splitlines()[1:]), out


def test_docs_date_from_environment(monkeypatch):
    monkeypatch.setenv("CLAUDE_COST_TODAY", "2026-01-15")
    assert sc.render("<!-- cc:price big input -->", pricing=PRICING) == "$6.00 / MTok"
    monkeypatch.setenv("CLAUDE_COST_TODAY", "yesterday")
    with pytest.raises(sc.ShortcodeError, match="CLAUDE_COST_TODAY"):
        sc.render("x", pricing=PRICING)


# ----------------------------------------------------------------------------------------------------------
# Errors: each names the page and the line
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "message"), [
    ("nonsense", "unknown shortcode cc:nonsense"),
    ("price gpt-4 input", "unknown model 'gpt-4'"),
    ("price bigg input", "did you mean big"),
    ("price big inptu", "unknown bucket 'inptu'"),
    ("price big", "needs a bucket"),
    ("price big input colour=red", "unknown argument(s) colour"),
    ("price big input batch fast", "fast mode is not available with the Batch API"),
    ("price small input geo=us", "does not support US-only inference"),
    ("price small input fast", "fast mode is not available on Test Small 1"),
    ("price big input at=2025-06-01", "has no price on 2025-06-01"),
    ("price big input at=soon", "not a date"),
    ("price big input geo=eu", "geo='eu' is not one of global, us"),
    ("cost big input=12k", "input='12k' is not a whole number"),
    ("cost big input=-5", "input cannot be negative"),
    ("cost big outptu=3", "unknown argument(s) outptu"),
    ("cost big input=1 per=month", "per=month needs requests=N"),
    ("cost big input=1 requests=5", "requests= only goes with per=month"),
    ("cost big input=1 per=week", "per='week' is not one of"),
    ("cost big input=1 input=2", "input= given twice"),
    ("cost small input=1 geo=us", "does not support US-only inference"),
    ("blend big:0.5,small:0.4 input=1", "add up to 0.9, not 1"),
    ("blend big=0.5 input=1", "needs a mix"),
    ("workload big prompt=1 output=1", "needs requests=N"),
    ("workload big requests=10 prompt=100 output=1 prefix=200", "cached_prefix_tokens cannot exceed"),
    ("workload big requests=10 prompt=100 output=1 hit=1.5", "share between 0 and 1"),
    ('ratio num="price big output"', 'needs den='),
    ('ratio num="price big output" den="model big name"', "does not give a number"),
    ('ratio num="price big output" den="cost big input=0"', "denominator is zero"),
    ("multiplier vat", "unknown multiplier 'vat'"),
    ("fee parking", "unknown fee 'parking'"),
    ("model big colour", "unknown field 'colour'"),
    ("model big retired", "has no retired date"),
    ("model big tier", "has no prompt-length tier"),
    ("date tomorrow", "unknown date 'tomorrow'"),
    ("table nonsense", "unknown table 'nonsense'"),
    ("table lineup colour=red", "unknown argument(s) colour"),
    ("table lineup extra", "unknown argument(s) extra"),
    ("table history layout=weeks", "layout='weeks' is not one of list, days"),
    ("skip-test", "needs reason="),
    ('price big "input', "cannot read the arguments"),
])
def test_errors_name_page_and_line(code, message):
    with pytest.raises(sc.ShortcodeError) as info:
        sc.render(f"# Title\n\ntext\n<!-- cc:{code} -->", "guides/x.md", at=DAY, pricing=PRICING)
    assert str(info.value).startswith("guides/x.md:4: "), str(info.value)
    assert message in str(info.value)


def test_hook_raises_plugin_error():
    from mkdocs.exceptions import PluginError

    page = SimpleNamespace(file=SimpleNamespace(src_uri="faq.md"))
    with pytest.raises(PluginError, match=r"faq\.md:2: unknown shortcode cc:nope"):
        sc.on_page_markdown("ok\n<!-- cc:nope -->", page, None, None)


def test_hook_renders_with_the_repository_prices():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="x.md"))
    out = sc.on_page_markdown("<!-- cc:price claude-sonnet-4-6 input at=2026-11-01 -->", page, None, None)
    assert out == "$3.00 / MTok"  # Sonnet 4.6: $3 per MTok input (Anthropic pricing page)


def test_hook_counts_front_matter_lines():
    from mkdocs.exceptions import PluginError

    raw = "---\ndescription: x\n---\n\n# Title\n\n<!-- cc:nope -->\n"
    markdown = "# Title\n\n<!-- cc:nope -->\n"  # what MkDocs passes after removing the front matter
    page = SimpleNamespace(file=SimpleNamespace(src_uri="guide.md", content_string=raw))
    with pytest.raises(PluginError, match=r"guide\.md:7: unknown shortcode"):  # line 7 of the file
        sc.on_page_markdown(markdown, page, None, None)


# ----------------------------------------------------------------------------------------------------------
# Tools and agent time (the real pricing.toml: the fixture has no [tools] section)
# ----------------------------------------------------------------------------------------------------------


def _real(text: str) -> str:
    from calculators import load_pricing

    return sc.render(text, "page.md", at="2026-11-25", pricing=load_pricing())


def test_example_with_tools_and_container_time():
    from calculators import load_pricing

    p = load_pricing()
    s46 = p.model("claude-sonnet-4-6")
    assert s46.tool_system_prompt == (497, 589) and dict(p.tools.tool_tokens)["bash"] == 244
    text = _real("<!-- cc:example claude-sonnet-4-6 input=3000 output=800 tools=bash,text_editor -->")
    # 3,000 + tool-use system prompt 497 (auto) + bash 244 + text editor 700 = 4,441 uncached input at $3/MTok
    # = 0.013323; 800 output at $15 = 0.012; total 0.025323.
    assert "| Uncached input | 4,441 | $3.00 / MTok | $0.0133 | 0.013323 |" in text
    assert "| **Total** |  |  | **$0.0253** | **0.025323** |" in text
    # tool_choice=any: system prompt 589 -> 4,533 x 3 / M + 0.012 = 0.013599 + 0.012 = 0.025599 -> $0.0256
    assert _real("<!-- cc:cost claude-sonnet-4-6 input=3000 output=800 tools=bash,text_editor tool_choice=any -->") \
        == "$0.0256"
    # 0.02 h of code execution bills the 5-minute minimum: 1/12 h (rounded to 12 places) x $0.05 = 0.00416666666665
    text = _real("<!-- cc:example sonnet input=2000 output=500 container_hours=0.02 -->")
    assert "| Code execution (container-hours) | 5 min | $0.05 / hour | $0.00417 | 0.00416666666665 |" in text
    free = _real("<!-- cc:example sonnet input=2000 output=500 container_hours=0.02 with_search_or_fetch -->")
    assert "| Code execution (container-hours) | 5 min | $0.00 / hour | $0.00 | 0 |" in free
    # Half an hour of a Managed Agents session at $0.08 per session-hour = $0.04.
    text = _real("<!-- cc:example sonnet input=20000 output=3000 session_hours=0.5 -->")
    assert "| Managed Agents (session-hours) | 30 min | $0.08 / hour | $0.04 | 0.04 |" in text


def test_tool_tokens_table():
    text = _real("<!-- cc:table tool-tokens models=claude-sonnet-4-6,claude-opus-4-7,sonnet -->")
    # Sonnet 4.6: 497 / 589 and bash 244; Opus 4.7 uses the newer bash definition (325); text editor 700,
    # computer use 4,500 and browser 6,600 on every model; no published system prompt for the current Sonnet.
    assert "| Claude Sonnet 4.6 | 497 | 589 | 244 | 700 | 4,500 | 6,600 |" in text
    assert "| Claude Opus 4.7 | 675 | 804 | 325 | 700 | 4,500 | 6,600 |" in text
    assert "| Claude Sonnet 5.5 | not published | not published | 244 | 700 | 4,500 | 6,600 |" in text
