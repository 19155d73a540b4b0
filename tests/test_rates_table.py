"""The dated rate table (calculators.rates_table) and `claude-cost prices export`.

Expected rates are worked out by hand from pricing.toml's published figures (the arithmetic is in the comments);
the agreement test looks rows up the way the docs' SQL does (day range, prompt range, modifiers) and compares
them with :func:`calculators.cost.price` on every period boundary and tier boundary.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import sys
from decimal import Decimal

import pytest
from conftest import PINNED_TODAY

from calculators import price
from calculators.cli import main as cli_main
from calculators.cost import Usage
from calculators.errors import PriceError
from calculators.pricing import BUCKETS
from calculators.rates_table import (
    ID_COLUMNS,
    RATE_COLUMNS,
    json_lines,
    model_id_rows,
    rate_rows,
    to_csv,
)

D = dt.date


@pytest.fixture(scope="module")
def rows(pricing):
    return rate_rows(pricing)


def find(rows, model, day, prompt=0, *, batch=False, geo="global", speed="standard", platform="anthropic",
         endpoint="global"):
    """The rows the docs' SQL would join a record to."""
    return [r for r in rows if r.model_id == model and r.first_day <= day
            and (r.last_day is None or day <= r.last_day)
            and r.min_prompt_tokens <= prompt and (r.max_prompt_tokens is None or prompt <= r.max_prompt_tokens)
            and r.batch == batch and r.geo == geo and r.speed == speed and r.platform == platform
            and r.endpoint == endpoint]


def one(rows, *args, **kwargs):
    found = find(rows, *args, **kwargs)
    assert len(found) == 1, found
    return found[0]


def rates_of(row) -> dict[str, Decimal]:
    return {b: row.rate(b) for b in BUCKETS}


# ----------------------------------------------------------------------------------------------------------
# Hand-worked rows
# ----------------------------------------------------------------------------------------------------------


def test_haiku_5_5_tier_is_split_at_its_threshold(rows):
    day = D(2026, 11, 2)
    base = one(rows, "claude-haiku-5-5", day, 100_000)
    tier = one(rows, "claude-haiku-5-5", day, 100_001)
    assert (base.min_prompt_tokens, base.max_prompt_tokens, base.tier_above_prompt_tokens) == (0, 100_000, None)
    assert (tier.min_prompt_tokens, tier.max_prompt_tokens, tier.tier_above_prompt_tokens) == (100_001, None, 100_000)
    # base: input 0.10, output 0.50; cache writes 1.25x and 2x input, cache read 0.1x input
    assert rates_of(base) == {"input": Decimal("0.10"), "cache_write_5m": Decimal("0.125"),
                              "cache_write_1h": Decimal("0.20"), "cache_read": Decimal("0.01"),
                              "output": Decimal("0.50")}
    # above 100K: input 0.50, output 2.50; cache 0.625, 1.00, 0.05
    assert rates_of(tier) == {"input": Decimal("0.50"), "cache_write_5m": Decimal("0.625"),
                              "cache_write_1h": Decimal("1"), "cache_read": Decimal("0.05"),
                              "output": Decimal("2.50")}


def test_modifiers_are_applied_to_every_bucket(rows):
    # Haiku 5.5 above 100K with the Batch API (x 0.5) and US-only inference (x 1.1): x 0.55
    #   input 0.50 x 0.55 = 0.275; 5m write 0.625 x 0.55 = 0.34375; 1h write 1 x 0.55 = 0.55;
    #   cache read 0.05 x 0.55 = 0.0275; output 2.50 x 0.55 = 1.375
    row = one(rows, "claude-haiku-5-5", D(2026, 11, 2), 150_000, batch=True, geo="us")
    assert rates_of(row) == {"input": Decimal("0.275"), "cache_write_5m": Decimal("0.34375"),
                             "cache_write_1h": Decimal("0.55"), "cache_read": Decimal("0.0275"),
                             "output": Decimal("1.375")}
    # web search: 10 USD per 1,000 requests, neither discounted nor multiplied
    assert row.web_search_usd_per_request == Decimal("0.01")
    # Sonnet 4.5 (released 2025-09-29) on a regional Bedrock endpoint: the 10% regional premium, 3 x 1.1 = 3.3
    regional = one(rows, "claude-sonnet-4-5-20250929", D(2026, 12, 1), platform="bedrock", endpoint="regional")
    assert regional.input_usd_per_mtok == Decimal("3.3") and regional.output_usd_per_mtok == Decimal("16.5")
    # Opus 4.1 (released 2025-08-05, before the premium's start) costs the same there: 15 and 75
    old = one(rows, "claude-opus-4-1-20250805", D(2026, 7, 1), platform="bedrock", endpoint="regional")
    assert (old.input_usd_per_mtok, old.output_usd_per_mtok) == (Decimal(15), Decimal(75))


def test_price_change_splits_the_days(rows):
    # Sonnet 5.5: cache reads 0.20 until 2026-10-06, 0.10 from 2026-10-07 (pricing.toml's two periods)
    before = one(rows, "claude-sonnet-5-5", D(2026, 10, 6))
    after = one(rows, "claude-sonnet-5-5", D(2026, 10, 7))
    assert (before.first_day, before.last_day, before.cache_read_usd_per_mtok) == (
        D(2026, 9, 28), D(2026, 10, 6), Decimal("0.20"))
    assert (after.first_day, after.last_day, after.cache_read_usd_per_mtok) == (D(2026, 10, 7), None, Decimal("0.10"))


def test_fast_mode_rows(rows):
    # Opus 4.6 until 2026-03-12: fast mode 30 / 150, one prompt range (fast mode ignores the >200K tier)
    fast = one(rows, "claude-opus-4-6", D(2026, 3, 1), 300_000, speed="fast")
    assert (fast.min_prompt_tokens, fast.max_prompt_tokens, fast.tier_above_prompt_tokens) == (0, None, None)
    assert (fast.input_usd_per_mtok, fast.output_usd_per_mtok) == (Decimal(30), Decimal(150))
    # ... and its standard rows have the >200K tier: 10 / 37.50
    assert one(rows, "claude-opus-4-6", D(2026, 3, 1), 200_001).input_usd_per_mtok == Decimal(10)
    # from 2026-06-27 fast requests are billed at standard rates: 5 / 25
    billed = one(rows, "claude-opus-4-6", D(2026, 7, 1), speed="fast")
    assert (billed.input_usd_per_mtok, billed.output_usd_per_mtok) == (Decimal(5), Decimal(25))
    # Opus 4.8's fast mode ended on 2026-11-30: no fast row from that day
    assert find(rows, "claude-opus-4-8", D(2026, 11, 29), speed="fast")
    assert not find(rows, "claude-opus-4-8", D(2026, 11, 30), speed="fast")


def test_refused_modifier_sets_have_no_rows(rows, pricing):
    assert not [r for r in rows if r.speed == "fast" and r.batch]
    no_us = {m.id for m in pricing.models if not m.us_inference}
    assert not [r for r in rows if r.geo == "us" and (r.model_id in no_us or r.platform in ("bedrock", "vertex"))]
    assert not [r for r in rows if r.endpoint == "regional" and r.platform not in ("bedrock", "vertex")]
    assert {r.platform for r in rows} == {"anthropic", "bedrock", "vertex", "foundry"}


def test_rows_carry_the_period_source(rows, pricing):
    sonnet = pricing.model("claude-sonnet-5-5")
    row = one(rows, "claude-sonnet-5-5", D(2026, 10, 7))
    assert (row.source, row.checked, row.period_from) == (
        sonnet.periods[1].source, sonnet.periods[1].checked, D(2026, 10, 7))
    assert row.model_name == "Claude Sonnet 5.5"


# ----------------------------------------------------------------------------------------------------------
# The table agrees with price() wherever a record can fall
# ----------------------------------------------------------------------------------------------------------


def _probe_days(model):
    days = set()
    for p in model.periods:
        days.add(p.effective_from)
        if p.effective_to is not None:
            days.add(p.effective_to - dt.timedelta(days=1))
    return sorted(days)


def _probe_prompts(model):
    prompts = {0, 1}
    for p in model.periods:
        for t in p.tiers:
            prompts |= {t.above_prompt_tokens, t.above_prompt_tokens + 1}
    return sorted(prompts)


MODIFIERS = [(platform, endpoint, geo, batch, speed)
             for platform in ("anthropic", "bedrock", "vertex", "foundry")
             for endpoint in ("global", "regional")
             for geo in ("global", "us")
             for batch in (False, True)
             for speed in ("standard", "fast")]


def test_every_record_class_finds_exactly_the_rates_price_charges(rows, pricing):
    """For every model, boundary day, tier boundary and modifier set: the row the SQL joins to has the rates
    price() charges, or there is no row and price() refuses the request."""
    checked = refused = 0
    for model in pricing.models:
        for day in [model.periods[0].effective_from - dt.timedelta(days=1), *_probe_days(model)]:
            for prompt in _probe_prompts(model):
                for platform, endpoint, geo, batch, speed in MODIFIERS:
                    found = find(rows, model.id, day, prompt, batch=batch, geo=geo, speed=speed, platform=platform,
                                 endpoint=endpoint)
                    try:
                        cost = price(model, Usage(input=prompt, web_searches=1), batch=batch, geo=geo,
                                     fast=speed == "fast", at=day, pricing=pricing, platform=platform,
                                     endpoint=endpoint)
                    except PriceError:
                        assert found == [], (model.id, day, prompt, platform, endpoint, geo, batch, speed)
                        refused += 1
                        continue
                    assert len(found) == 1, (model.id, day, prompt, platform, endpoint, geo, batch, speed, found)
                    row = found[0]
                    assert {b: cost.item(b).usd_per_mtok for b in BUCKETS} == rates_of(row)
                    assert cost.item("web_search").usd_per_request == row.web_search_usd_per_request
                    assert cost.tier == row.tier_above_prompt_tokens
                    checked += 1
    assert checked > 1000 and refused > 1000


def test_rows_do_not_overlap(rows):
    by_class: dict[tuple, list] = {}
    for r in rows:
        by_class.setdefault((r.model_id, r.batch, r.geo, r.speed, r.platform, r.endpoint), []).append(r)
    for group in by_class.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                days = a.first_day <= (b.last_day or dt.date.max) and b.first_day <= (a.last_day or dt.date.max)
                prompts = a.min_prompt_tokens <= (b.max_prompt_tokens if b.max_prompt_tokens is not None else 10**18) \
                    and b.min_prompt_tokens <= (a.max_prompt_tokens if a.max_prompt_tokens is not None else 10**18)
                assert not (days and prompts), (a, b)


# ----------------------------------------------------------------------------------------------------------
# Clipping to days
# ----------------------------------------------------------------------------------------------------------


def test_from_and_to_clip_the_periods(pricing):
    march = rate_rows(pricing, first=D(2026, 3, 1), last=D(2026, 3, 31))
    sonnet = sorted({(r.first_day, r.last_day, r.period_from) for r in march if r.model_id == "claude-sonnet-4-6"})
    # Sonnet 4.6's first period runs 2026-02-17 to 2026-03-12, the second from 2026-03-13
    assert sonnet == [(D(2026, 3, 1), D(2026, 3, 12), D(2026, 2, 17)), (D(2026, 3, 13), D(2026, 3, 31), D(2026, 3, 13))]
    assert not [r for r in march if r.model_id == "claude-opus-4-7"]  # first price on 2026-04-16
    assert all(r.first_day >= D(2026, 3, 1) and r.last_day is not None and r.last_day <= D(2026, 3, 31) for r in march)
    one_day = rate_rows(pricing, first=D(2026, 3, 13), last=D(2026, 3, 13))
    assert {(r.first_day, r.last_day) for r in one_day} == {(D(2026, 3, 13), D(2026, 3, 13))}
    assert rate_rows(pricing, first=D(2000, 1, 1), last=D(2000, 12, 31)) == []


def test_from_after_to_is_refused(pricing):
    with pytest.raises(PriceError, match="after the last day"):
        rate_rows(pricing, first=D(2026, 3, 2), last=D(2026, 3, 1))


# ----------------------------------------------------------------------------------------------------------
# The model-id table
# ----------------------------------------------------------------------------------------------------------


def test_model_ids_resolve_like_the_cost_model(pricing):
    ids = model_id_rows(pricing)
    names = [r.name for r in ids]
    assert len(names) == len(set(names))
    for r in ids:
        resolved = pricing.resolve(r.name)
        assert (resolved.model.id, resolved.platform, resolved.endpoint) == (r.model_id, r.platform, r.endpoint)
        assert r.name == r.name.lower()
    by_name = {r.name: r for r in ids}
    assert by_name["claude-sonnet-4-5"].model_id == "claude-sonnet-4-5-20250929"
    assert by_name["claude-sonnet-4-5"].kind == "alias"
    assert by_name["global.anthropic.claude-sonnet-4-5-20250929-v1:0"].endpoint == "global"
    assert by_name["us.anthropic.claude-sonnet-4-5-20250929-v1:0"].endpoint == "regional"
    assert by_name["anthropic/claude-sonnet-4.5"].kind == "gateway"
    for family in pricing.families:  # shortcuts move with each release: not in a table for logs
        assert family not in by_name
    assert {m.id for m in pricing.models} <= set(names)


# ----------------------------------------------------------------------------------------------------------
# Text formats
# ----------------------------------------------------------------------------------------------------------


def test_csv_is_plain_and_exact(rows):
    text = to_csv(rows, RATE_COLUMNS)
    records = list(csv.DictReader(io.StringIO(text)))
    assert list(records[0]) == [name for name, _, _ in RATE_COLUMNS]
    assert len(records) == len(rows)
    money = [name for name, sql_type, _ in RATE_COLUMNS if sql_type.startswith("DECIMAL")]
    for rec, row in zip(records, rows, strict=True):
        for name in money:
            assert "e" not in rec[name].lower() and Decimal(rec[name]) == getattr(row, name)
        assert rec["batch"] in ("true", "false")
        assert rec["last_day"] == (row.last_day.isoformat() if row.last_day else "")
        assert rec["max_prompt_tokens"] == (str(row.max_prompt_tokens) if row.max_prompt_tokens is not None else "")
    assert "\r" not in text


def test_json_lines_carry_money_as_strings(rows):
    first = json.loads(json_lines(rows[:1]))
    assert isinstance(first["input_usd_per_mtok"], str) and isinstance(first["batch"], bool)
    assert first["last_day"] is None or isinstance(first["last_day"], str)


# ----------------------------------------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_cli_csv_on_stdout_is_the_library_table(pricing):
    status, out, err = run_cli("prices", "export", "--from", "2026-03-01", "--to", "2026-03-31")
    assert status == 0 and err == ""
    assert out == to_csv(rate_rows(pricing, first=D(2026, 3, 1), last=D(2026, 3, 31)), RATE_COLUMNS)


def test_cli_json_document(pricing):
    status, out, _ = run_cli("prices", "export", "--format", "json", "--to", "2026-12-31")
    doc = json.loads(out)
    assert doc["table"] == "rates"
    assert doc["exported_on"] == PINNED_TODAY.isoformat()  # the CLI's day (CLAUDE_COST_TODAY in tests)
    assert (doc["from"], doc["to"]) == (None, "2026-12-31")
    assert [(c["name"], c["type"]) for c in doc["columns"]] == [(n, t) for n, t, _ in RATE_COLUMNS]
    assert doc["rows"] == [r.to_json() for r in rate_rows(pricing, last=D(2026, 12, 31))]


def test_cli_aliases_and_output_file(tmp_path, pricing):
    target = tmp_path / "ids.jsonl"
    status, out, err = run_cli("prices", "export", "--aliases", "--output", str(target))
    assert status == 0 and out == ""
    assert f"to {target}" in err and err.count("\n") == 1
    lines = target.read_text(encoding="utf-8").splitlines()  # the format follows the suffix: JSON Lines
    assert [json.loads(line) for line in lines] == [r.to_json() for r in model_id_rows(pricing)]
    assert [name for name, _, _ in ID_COLUMNS] == list(json.loads(lines[0]))
    assert [p.name for p in tmp_path.iterdir()] == ["ids.jsonl"]  # no temporary file left behind


def test_cli_parquet_without_duckdb_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    status, out, err = run_cli("prices", "export", "--format", "parquet", "--output", str(tmp_path / "r.parquet"))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and 'pip install "claude-cost[fast]"' in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("argv", "message"), [
    (["prices"], "prices export"),
    (["prices", "export", "--from", "2026-13-01"], "--from '2026-13-01' is not a day"),
    (["prices", "export", "--to", "2026-03-01T10:00"], "without a time"),
    (["prices", "export", "--from", "2026-03-02", "--to", "2026-03-01"], "is after --to"),
    (["prices", "export", "--output", "/nonexistent-folder/rates.csv"], "does not exist"),
])
def test_cli_errors_are_one_line(argv, message):
    status, out, err = run_cli(*argv)
    assert status == 1 and out == ""
    assert err.startswith("claude-cost: error:") and err.count("\n") == 1 and message in err, err


def test_cli_bad_format_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        run_cli("prices", "export", "--format", "xlsx")
    assert exc.value.code == 2


def test_cli_warns_when_no_period_overlaps():
    status, out, err = run_cli("prices", "export", "--to", "2000-01-01")
    assert status == 0 and out.count("\n") == 1  # the header only
    assert "no price period overlaps" in err
