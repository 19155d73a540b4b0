"""Invariants of the real pricing.toml, and its agreement with shared/reference/pricing-facts.md.

The cache multipliers hold for every model and period except the exceptions named below, each with the
reason. An exception is checked too: it must differ from the rule and equal its own published ratio, so
the list cannot go stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from calculators import load_pricing
from calculators.pricing import RATE_KEYS

PRICING = load_pricing(Path(__file__).resolve().parent.parent / "pricing.toml")
#: The machine's real date: a `checked` or `retired` date after it was typed by mistake. The tests that use it
#: say so in their names (`..._real_clock`); they hold on any later day too.
REAL_TODAY = dt.datetime.now(dt.UTC).date()

# (model id, period effective_from, bucket) -> the published multiple of that row's input price.
EXCEPTIONS = {
    # Haiku 3: Anthropic rounds its cache prices ($0.30 5m write on a $0.25 input, $0.03 read).
    ("claude-3-haiku-20240307", dt.date(2024, 3, 7), "cache_write_5m"): D("1.2"),    # 0.30 / 0.25
    ("claude-3-haiku-20240307", dt.date(2024, 3, 7), "cache_read"): D("0.12"),       # 0.03 / 0.25
    # Fable 5.1 and Mythos 5.1: cache hits at 0.025x ($0.25 on $10).
    ("claude-fable-5-1", dt.date(2026, 9, 1), "cache_read"): D("0.025"),
    ("claude-mythos-5-1", dt.date(2026, 9, 1), "cache_read"): D("0.025"),
    # Fable 5.2: $0.20 hit on $8 input = 0.025x (third-party figure).
    ("claude-fable-5-2", dt.date(2026, 11, 9), "cache_read"): D("0.025"),
    # Mythos 5.2: priced as Fable 5.2 (no published row of its own).
    ("claude-mythos-5-2", dt.date(2026, 11, 9), "cache_read"): D("0.025"),
    # Opus 5.5: cache hits at 0.05x ($0.20 on $4).
    ("claude-opus-5-5", dt.date(2026, 9, 22), "cache_read"): D("0.05"),
    # Sonnet 5.5 from 2026-10-07: cache hits cut to 0.05x ($0.10 on $2). Its launch period ($0.20) is plain 0.1x.
    ("claude-sonnet-5-5", dt.date(2026, 10, 7), "cache_read"): D("0.05"),
}
RULE = {"cache_write_5m": D("1.25"), "cache_write_1h": D("2"), "cache_read": D("0.1")}


def _rows():
    """Every price row: each period's base rates and each of its tiers."""
    for m in PRICING.models:
        for p in m.periods:
            yield m, p, "base", p.rates
            for t in p.tiers:
                yield m, p, f"tier>{t.above_prompt_tokens}", t.rates


ROWS = list(_rows())


@pytest.mark.parametrize(("model", "period", "row", "rates"), ROWS,
                         ids=[f"{m.id}@{p.effective_from}:{row}" for m, p, row, _ in ROWS])
def test_cache_multipliers(model, period, row, rates):
    for bucket, rule in RULE.items():
        expected = EXCEPTIONS.get((model.id, period.effective_from, bucket), rule)
        assert getattr(rates, bucket) == rates.input * expected, (model.id, period.effective_from, row, bucket)


def test_every_exception_is_real():
    for (mid, start, bucket), ratio in EXCEPTIONS.items():
        period = next(p for p in PRICING.model(mid).periods if p.effective_from == start)
        assert ratio != RULE[bucket]
        assert getattr(period.rates, bucket) == period.rates.input * ratio
        # an exception is stored explicitly, not derived
        assert f"{bucket}_per_mtok" in period.explicit


def test_global_multipliers():
    assert PRICING.cache.write_5m_multiplier == D("1.25")
    assert PRICING.cache.write_1h_multiplier == D("2")
    assert PRICING.cache.read_multiplier == D("0.1")
    assert PRICING.batch_multiplier == D("0.5")
    assert PRICING.us_multiplier == D("1.1")
    assert PRICING.web_search_per_request == D("0.01")  # $10 per 1,000
    assert PRICING.tokenizer_inflation == D("1.3")


def test_fast_cache_rates_keep_the_period_ratios():
    for m in PRICING.models:
        for p in m.periods:
            if p.fast is None:
                continue
            f, r = p.fast.rates, p.rates
            for bucket in ("cache_write_5m", "cache_write_1h", "cache_read"):
                assert getattr(f, bucket) / f.input == getattr(r, bucket) / r.input, (m.id, bucket)


@pytest.mark.parametrize("model", PRICING.models, ids=lambda m: m.id)
def test_periods_ordered_without_gaps_or_overlaps(model):
    periods = model.periods
    assert periods, model.id
    for before, after in zip(periods, periods[1:], strict=False):
        assert before.effective_to == after.effective_from, (model.id, before.effective_from)
    assert all(p.effective_to is None or p.effective_to > p.effective_from for p in periods)
    # the newest period is open-ended: a model is never left without a price
    assert periods[-1].effective_to is None
    # prices start on the release day
    if model.released is not None:
        assert periods[0].effective_from == model.released


def test_every_id_alias_and_family_resolves():
    for m in PRICING.models:
        assert PRICING.model(m.id) is m
        assert PRICING.model(m.id.upper()) is m
        for alias in m.aliases:
            assert PRICING.model(alias) is m
    for short, target in PRICING.families.items():
        resolved = PRICING.model(short)
        assert resolved.id == target
        assert resolved.family == short
        assert resolved.status == "current"


def test_family_shortcuts_name_the_newest_models():
    assert PRICING.families == {"opus": "claude-opus-5-5", "sonnet": "claude-sonnet-5-5",
                                "haiku": "claude-haiku-5-5", "fable": "claude-fable-5-2"}


def test_ids_and_aliases_are_unique():
    names = [n for m in PRICING.models for n in (m.id, *m.aliases)]
    assert len(names) == len(set(names))


def test_every_entry_has_source_and_checked_real_clock():
    entries = [(m.id, m.source, m.checked) for m in PRICING.models]
    entries += [(f"{m.id}@{p.effective_from}", p.source, p.checked) for m in PRICING.models for p in m.periods]
    entries += [(name, src, checked) for name, (src, checked) in PRICING.sources.items()]
    for name, src, checked in entries:
        assert src.startswith("https://"), name
        host = src.split("/")[2]
        assert host in {"platform.claude.com", "docs.claude.com", "docs.anthropic.com", "www.anthropic.com",
                        "claude.com", "code.claude.com"}, (name, src)
        assert isinstance(checked, dt.date)
        assert checked <= REAL_TODAY, f"{name}: checked {checked} is in the future"


def test_last_checked_is_not_in_the_future_real_clock():
    assert PRICING.last_checked <= REAL_TODAY


def test_statuses_and_dates_real_clock():
    for m in PRICING.models:
        if m.status == "retired":
            assert m.retired is not None and m.retired <= REAL_TODAY, m.id
        else:
            assert m.retired is None, m.id
        if m.retires is not None:
            assert m.status == "deprecated", m.id
        if m.released and m.retired:
            assert m.released < m.retired


def test_third_party_fields_are_real_fields():
    model_fields = {"id", "released", "retired", "context_window", "max_output", "min_cacheable_tokens",
                    "platform_ids"}
    for m in PRICING.models:
        assert set(m.third_party) <= model_fields | set(RATE_KEYS) | {"fast"}, m.id


# ----------------------------------------------------------------------------------------------------------
# Agreement with pricing-facts.md (typed from the reference, not from pricing.toml). Where the lead's audit
# of Anthropic's pages (commit 5bb8b88) added facts the reference lacks (Mythos 5.2, fast mode on Opus 4.7
# until 2026-07-24, Opus 4.6 fast billed as standard from 2026-06-27, Opus 4.8 fast ending 2026-11-30),
# those are typed from that audit.
# ----------------------------------------------------------------------------------------------------------

# id: (input, output) in $/MTok of the latest period
FACTS = {
    "claude-fable-5-2": ("8", "40"), "claude-mythos-5-2": ("8", "40"), "claude-fable-5-1": ("10", "50"), "claude-mythos-5-1": ("10", "50"),
    "claude-opus-5-5": ("4", "20"), "claude-sonnet-5-5": ("2", "10"), "claude-haiku-5-5": ("0.10", "0.50"),
    "claude-fable-5": ("10", "50"), "claude-mythos-5": ("10", "50"), "claude-opus-5": ("5", "25"),
    "claude-sonnet-5": ("2", "10"), "claude-opus-4-8": ("5", "25"), "claude-opus-4-7": ("5", "25"),
    "claude-opus-4-6": ("5", "25"), "claude-sonnet-4-6": ("3", "15"), "claude-opus-4-5-20251101": ("5", "25"),
    "claude-sonnet-4-5-20250929": ("3", "15"), "claude-haiku-4-5-20251001": ("1", "5"),
    "claude-opus-4-1-20250805": ("15", "75"), "claude-opus-4-20250514": ("15", "75"),
    "claude-sonnet-4-20250514": ("3", "15"), "claude-3-5-haiku-20241022": ("0.80", "4"),
    "claude-3-7-sonnet-20250219": ("3", "15"), "claude-3-opus-20240229": ("15", "75"),
    "claude-3-haiku-20240307": ("0.25", "1.25"),
}


def test_every_model_in_the_facts_is_priced():
    assert {m.id for m in PRICING.models} == set(FACTS)
    for mid, (inp, out) in FACTS.items():
        rates = PRICING.model(mid).latest_period.rates
        assert (rates.input, rates.output) == (D(inp), D(out)), mid


def test_aliases_from_the_facts():
    for alias, mid in {"claude-opus-4-5": "claude-opus-4-5-20251101", "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
                       "claude-haiku-4-5": "claude-haiku-4-5-20251001", "claude-opus-4-1": "claude-opus-4-1-20250805",
                       "claude-opus-4-0": "claude-opus-4-20250514",
                       "claude-sonnet-4-0": "claude-sonnet-4-20250514"}.items():
        assert PRICING.model(alias).id == mid


def test_fast_prices_from_the_facts():
    fast = {(m.id, p.effective_from): (p.fast.rates.input, p.fast.rates.output)
            for m in PRICING.models for p in m.periods if p.fast is not None}
    assert fast == {
        ("claude-fable-5-2", dt.date(2026, 11, 9)): (D(16), D(80)),
        ("claude-mythos-5-2", dt.date(2026, 11, 9)): (D(16), D(80)),
        ("claude-opus-4-7", dt.date(2026, 4, 16)): (D(30), D(150)),
        ("claude-opus-5-5", dt.date(2026, 9, 22)): (D(8), D(40)),
        ("claude-opus-5", dt.date(2026, 7, 24)): (D(10), D(50)),
        ("claude-opus-4-8", dt.date(2026, 5, 28)): (D(10), D(50)),
        ("claude-opus-4-6", dt.date(2026, 2, 5)): (D(30), D(150)),
        ("claude-opus-4-6", dt.date(2026, 3, 13)): (D(30), D(150)),
    }
    billed_standard = [(m.id, p.effective_from) for m in PRICING.models for p in m.periods
                       if p.fast_billed_as_standard]
    assert billed_standard == [("claude-opus-4-6", dt.date(2026, 6, 27))]
    # fast mode ends: Opus 4.7 from 2026-07-24, Opus 4.8 from 2026-11-30 (the API rejects fast requests)
    assert PRICING.model("claude-opus-4-7").period_at(dt.date(2026, 7, 24)).fast is None
    assert PRICING.model("claude-opus-4-8").period_at(dt.date(2026, 11, 30)).fast is None


def test_tiers_from_the_facts():
    tiers = {(m.id, p.effective_from, t.above_prompt_tokens): (t.rates.input, t.rates.output)
             for m in PRICING.models for p in m.periods for t in p.tiers}
    assert tiers == {
        ("claude-haiku-5-5", dt.date(2026, 10, 7), 100_000): (D("0.50"), D("2.50")),
        ("claude-opus-4-6", dt.date(2026, 2, 5), 200_000): (D(10), D("37.50")),
        ("claude-sonnet-4-6", dt.date(2026, 2, 17), 200_000): (D(6), D("22.50")),
        ("claude-sonnet-4-5-20250929", dt.date(2025, 9, 29), 200_000): (D(6), D("22.50")),
        ("claude-sonnet-4-20250514", dt.date(2025, 5, 14), 200_000): (D(6), D("22.50")),
    }
    # every long-context tier ends on 2026-03-13
    for m in PRICING.models:
        for p in m.periods:
            if any(t.above_prompt_tokens == 200_000 for t in p.tiers):
                assert p.effective_to == dt.date(2026, 3, 13), m.id


def test_us_inference_is_claude_4_6_and_later():
    us = {m.id for m in PRICING.models if m.us_inference}
    assert us == {"claude-fable-5-2", "claude-mythos-5-2", "claude-fable-5-1", "claude-mythos-5-1", "claude-opus-5-5", "claude-sonnet-5-5",
                  "claude-haiku-5-5", "claude-fable-5", "claude-mythos-5", "claude-opus-5", "claude-sonnet-5",
                  "claude-opus-4-8", "claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6"}


def test_new_tokenizer_is_opus_4_7_and_later():
    new = {m.id for m in PRICING.models if m.new_tokenizer}
    # Opus 4.7 and every later model; Sonnet 4.6 and earlier use the previous tokenizer
    assert new == {"claude-fable-5-2", "claude-mythos-5-2", "claude-fable-5-1", "claude-mythos-5-1", "claude-opus-5-5",
                   "claude-sonnet-5-5", "claude-haiku-5-5", "claude-fable-5", "claude-mythos-5", "claude-opus-5",
                   "claude-sonnet-5", "claude-opus-4-8", "claude-opus-4-7"}


def test_min_cacheable_tokens_from_the_facts():
    expected = {512: {"claude-opus-5", "claude-fable-5", "claude-mythos-5", "claude-fable-5-1", "claude-mythos-5-1",
                      "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-fable-5-2", "claude-mythos-5-2"},
                2048: {"claude-opus-4-7", "claude-3-5-haiku-20241022", "claude-3-haiku-20240307"},
                4096: {"claude-opus-4-6", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001"}}
    for m in PRICING.models:
        want = next((n for n, ids in expected.items() if m.id in ids), 1024)
        assert m.min_cacheable_tokens == want, m.id


def test_statuses_from_the_facts():
    status = {m.id: m.status for m in PRICING.models}
    assert {k for k, v in status.items() if v == "current"} == {
        "claude-fable-5-2", "claude-mythos-5-2", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"}
    assert {k for k, v in status.items() if v == "retired"} == {
        "claude-opus-4-1-20250805", "claude-opus-4-20250514", "claude-sonnet-4-20250514",
        "claude-3-5-haiku-20241022", "claude-3-7-sonnet-20250219", "claude-3-opus-20240229",
        "claude-3-haiku-20240307", "claude-sonnet-4-5-20250929"}
    # Sonnet 4.5 retired on the day Anthropic announced (its model page: "retires on November 30, 2026").
    assert PRICING.model("claude-sonnet-4-5").retired == dt.date(2026, 11, 30)
