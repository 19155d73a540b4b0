"""Price-change review: `claude-cost check` rules, `claude-cost diff`, and the "What changed" page and feed.

The fixtures in tests/pricing_changes/ are small pricing files: base.toml and one file per kind of change
(new model, dated price cut, retired model, tier added, illegal history edit) plus single-file mistakes.
Every expected figure below is worked out by hand from the fixture's prices; the arithmetic is in comments.
Prices are USD per million tokens (MTok), so cost = tokens x price / 1,000,000.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path

import pytest

from calculators import load_pricing
from calculators.changes import (
    RATIO_EXCEPTIONS,
    RATIO_RULES,
    WORKLOADS,
    atom_feed,
    changelog,
    changelog_markdown,
    history_edits,
)
from calculators.cli import main
from calculators.present import percent_change
from calculators.present import signed_percent as fmt_pct
from calculators.present import usd_exact as usd
from calculators.pricing import parse_pricing

REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "tests" / "pricing_changes"
TODAY = "2026-11-25"  # the review day used by every check below (passed as the hidden --today option)
HINT_HISTORY = ("(hint: add a new [[models.periods]] with effective_from = the day the price changed and set "
                "effective_to on the old one; to correct a wrong figure, rerun with --allow-history-edit and "
                "give the source)")


def fx(name: str) -> str:
    return str(FIX / f"{name}.toml")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------------------------------------
# claude-cost check
# ----------------------------------------------------------------------------------------------------------


def test_real_pricing_file_passes_check(capsys):
    code, out, err = run_cli(capsys, "check", str(REPO / "pricing.toml"), "--no-base")
    assert code == 0, out + err
    assert out.startswith(f"{REPO / 'pricing.toml'}: OK (")


@pytest.mark.parametrize("name", ["base", "new_model", "price_cut", "retired", "tier_added"])
def test_legitimate_changes_pass_check_against_base(capsys, name):
    code, out, _ = run_cli(capsys, "check", fx(name), "--base", fx("base"), "--today", TODAY)
    assert code == 0, out
    assert out.strip().endswith("price periods)")


def test_history_edit_is_flagged_with_path_and_hint(capsys):
    code, out, _ = run_cli(capsys, "check", fx("history_edit"), "--base", fx("base"), "--today", TODAY)
    assert code == 1
    # Sonnet 5.5's only period (models[0].periods[0], from 2026-09-28) had its output edited 10 -> 12:
    # (12 - 10) / 10 = +20%.
    assert out.splitlines() == [
        f"{fx('history_edit')}: models[0].periods[0]: claude-sonnet-5-5: edits prices in force since 2026-09-28: "
        f"output $10.00 \u2192 $12.00 per MTok (+20%) {HINT_HISTORY}"
    ]


def test_history_edit_allowed_with_flag(capsys):
    code, out, _ = run_cli(capsys, "check", fx("history_edit"), "--base", fx("base"), "--today", TODAY,
                           "--allow-history-edit")
    assert code == 0, out


def test_no_base_skips_the_history_comparison(capsys):
    code, out, _ = run_cli(capsys, "check", fx("history_edit"), "--no-base", "--today", TODAY)
    assert code == 0, out


def test_checked_in_the_future(capsys):
    code, out, _ = run_cli(capsys, "check", fx("future_checked"), "--no-base", "--today", TODAY)
    assert code == 1
    assert out.splitlines() == [
        f"{fx('future_checked')}: models[1].periods[0].checked: claude-haiku-5-5: 2026-12-25 is in the future "
        f"(today is 2026-11-25) (hint: use the day you compared the figure with its source, today at the latest)"
    ]


def test_checked_today_is_fine(capsys):
    code, out, _ = run_cli(capsys, "check", fx("future_checked"), "--no-base", "--today", "2026-12-25")
    # A deprecated model past its `retires` day is simply retired from then on (Model.status_on): no problem.
    assert code == 0
    assert ".checked:" not in out


def test_ratio_rule_broken(capsys):
    code, out, _ = run_cli(capsys, "check", fx("ratio_break"), "--no-base", "--today", TODAY)
    assert code == 1
    # 1-hour write written as $3 on a $2 input: 3 / 2 = 1.5x; the rule 2x gives 2 x 2 = $4.
    assert out.splitlines() == [
        f"{fx('ratio_break')}: models[0].periods[0].cache_write_1h_per_mtok: claude-sonnet-5-5: $3.00 is 1.5x "
        "input, but the rule is 2x ($4.00) (hint: fix the figure, or delete it to derive it from [cache]; if "
        "Anthropic really publishes it, add a named RatioException to RATIO_EXCEPTIONS in calculators/changes.py)"
    ]


def test_documented_exception_still_catches_a_typo(capsys):
    code, out, _ = run_cli(capsys, "check", fx("exception_typo"), "--no-base", "--today", TODAY)
    assert code == 1
    # Fable 5.2 read typed $0.02 on $8 input: 0.02 / 8 = 0.0025x; the exception allows 0.025 x 8 = $0.20.
    assert out.splitlines() == [
        f"{fx('exception_typo')}: models[0].periods[0].cache_read_per_mtok: claude-fable-5-2: $0.02 is 0.0025x "
        "input; the documented exception 'fable-5-2-cheap-read' allows 0.025x ($0.20) (hint: check the figure "
        "against the source; update the exception in calculators/changes.py only if Anthropic changed it)"
    ]


def test_documented_exception_accepts_the_published_figure(capsys):
    # new_model.toml has Fable 5.2 reads at $0.20 on $8 input = 0.025x, the documented exception.
    code, out, _ = run_cli(capsys, "check", fx("new_model"), "--no-base", "--today", TODAY)
    assert code == 0, out


def test_duplicate_alias_is_rejected(capsys):
    code, out, _ = run_cli(capsys, "check", fx("duplicate_alias"), "--no-base")
    assert code == 1
    assert out.splitlines() == [
        f"{fx('duplicate_alias')}: models[3].aliases[0]: 'claude-sonnet-4-5' is already used by models[2] "
        "(claude-opus-4-6) (hint: every id and alias must name exactly one model)"
    ]


def test_retired_model_needs_a_date(capsys):
    code, out, _ = run_cli(capsys, "check", fx("retired_no_date"), "--no-base")
    assert code == 1
    assert out.splitlines() == [
        f"{fx('retired_no_date')}: models[3].retired: a retired model needs its retirement date "
        "(hint: add retired = YYYY-MM-DD)"
    ]


def _variant(tmp_path: Path, name: str, old: str, new: str, source: str = "base") -> str:
    text = (FIX / f"{source}.toml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


def test_lifecycle_dates(capsys, tmp_path):
    no_retires = _variant(tmp_path, "no_retires", "retires = 2026-11-30\n", "")
    code, out, _ = run_cli(capsys, "check", no_retires, "--no-base", "--today", TODAY)
    assert code == 1
    assert out.splitlines() == [f"{no_retires}: models[3].retires: claude-sonnet-4-5-20250929 is deprecated but has "
                                "no retirement date (hint: add retires = YYYY-MM-DD from Anthropic's deprecation "
                                "notice)"]
    # The base file's deprecated model retires on 2026-11-30: a scheduled retirement is dated data, not a
    # stale status, so the file stays valid on and after that day.
    code, out, _ = run_cli(capsys, "check", fx("base"), "--no-base", "--today", "2026-11-30")
    assert code == 0
    # retired.toml says retired on 2026-11-20: reviewed on 2026-11-19 that date is still in the future.
    code, out, _ = run_cli(capsys, "check", fx("retired"), "--no-base", "--today", "2026-11-19")
    assert code == 1
    assert "models[3].retired: claude-sonnet-4-5-20250929: retirement date 2026-11-20 is in the future" in out


def test_invalid_base_is_one_line(capsys):
    code, out, err = run_cli(capsys, "check", fx("base"), "--base", fx("retired_no_date"))
    assert code == 1
    assert err.strip().splitlines() == [
        f"claude-cost: error: --base {fx('retired_no_date')}: not a valid pricing file (1 problem(s), the first: "
        "models[3].retired: a retired model needs its retirement date (hint: add retired = YYYY-MM-DD)); fix it "
        "or pick another base"]


def test_global_multiplier_and_removed_model_are_history_edits(tmp_path):
    base = load_pricing(fx("base"))
    today = dt.date(2026, 11, 25)
    batch = parse_pricing((FIX / "base.toml").read_text().replace("multiplier = 0.5", "multiplier = 0.4"))
    found = [str(p) for p in history_edits(base, batch, today)]
    assert found[0].startswith("batch.multiplier: changed from 0.5 to 0.4: this reprices past usage too")
    text = (FIX / "base.toml").read_text()
    cut = text.index('[[models]]\nid = "claude-sonnet-4-5-20250929"')
    removed = parse_pricing(text[:cut])
    assert [str(p) for p in history_edits(base, removed, today)] == [
        "models: claude-sonnet-4-5-20250929 was removed: logs from its days could no longer be priced "
        "(hint: keep the model; set status = \"retired\" and retired = YYYY-MM-DD)"]


def test_scheduled_period_may_change_until_it_starts():
    base = load_pricing(fx("price_cut"))  # Sonnet 5.5 input $1 from 2026-12-01
    text = (FIX / "price_cut.toml").read_text()
    old = "effective_from = 2026-12-01\ninput_per_mtok = 1\n"
    assert old in text
    edited = parse_pricing(text.replace(old, "effective_from = 2026-12-01\ninput_per_mtok = 1.5\n"))
    assert history_edits(base, edited, dt.date(2026, 11, 25)) == []
    late = history_edits(base, edited, dt.date(2026, 12, 1))
    # 1.5 vs 1: (1.5 - 1) / 1 = +50% (cache prices derived from input move by the same 50%).
    assert [p.path for p in late] == ["models[0].periods[1]"]
    assert "input $1.00 \u2192 $1.50 per MTok (+50%)" in late[0].message


def test_moving_a_past_boundary_is_a_history_edit():
    base = load_pricing(fx("base"))
    text = (FIX / "base.toml").read_text()
    moved = parse_pricing(text.replace("effective_to = 2026-03-13", "effective_to = 2026-03-20")
                          .replace("effective_from = 2026-03-13", "effective_from = 2026-03-20"))
    paths = [p.path for p in history_edits(base, moved, dt.date(2026, 11, 25))]
    # Opus 4.6 (models[2]): the first period's end moved, the period from 2026-03-13 vanished, and a period
    # starting in the past (2026-03-20) appeared.
    assert paths == ["models[2].periods[0].effective_to", "models[2].periods", "models[2].periods[1].effective_from"]


def test_new_period_starting_in_the_past_is_flagged(capsys):
    # price_cut.toml adds a period from 2026-12-01; reviewed on 2026-12-05 it would reprice 12-01 .. 12-04.
    code, out, _ = run_cli(capsys, "check", fx("price_cut"), "--base", fx("base"), "--today", "2026-12-05")
    lines = [line for line in out.splitlines() if ".effective_from:" in line]
    assert lines == [
        f"{fx('price_cut')}: models[0].periods[1].effective_from: claude-sonnet-5-5: a new period starts on "
        "2026-12-01, before today (2026-12-05): usage from that day on would be repriced (hint: if Anthropic's "
        "change really took effect on that day and is recorded late, rerun with --allow-history-edit and link the "
        "announcement; otherwise start the new period today or later)"]
    # On the day itself it is an ordinary change.
    code, out, _ = run_cli(capsys, "check", fx("price_cut"), "--base", fx("base"), "--today", "2026-12-01")
    assert ".effective_from:" not in out


def test_default_base_is_git_head(capsys, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(FIX / "base.toml", repo / "pricing.toml")
    subprocess.run([*git, "add", "pricing.toml"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=repo, check=True)
    shutil.copy(FIX / "history_edit.toml", repo / "pricing.toml")
    code, out, _ = run_cli(capsys, "check", str(repo / "pricing.toml"), "--today", TODAY)
    assert code == 1
    assert "models[0].periods[0]: claude-sonnet-5-5: edits prices in force since 2026-09-28" in out
    # `diff` reads a git revision as REV:pricing.toml of the repository holding the current directory.
    import os

    here = os.getcwd()
    os.chdir(repo)
    try:
        code, out, err = run_cli(capsys, "diff", "HEAD", "pricing.toml", "--json", "--today", TODAY)
    finally:
        os.chdir(here)
    assert code == 0, err
    report = json.loads(out)
    assert report["old"] == "HEAD" and report["history_edits"]


# ----------------------------------------------------------------------------------------------------------
# claude-cost diff
# ----------------------------------------------------------------------------------------------------------


def diff_md(capsys, name: str) -> str:
    code, out, err = run_cli(capsys, "diff", fx("base"), fx(name), "--today", TODAY)
    assert code == 0, err
    return out


def diff_json(capsys, name: str) -> dict:
    code, out, err = run_cli(capsys, "diff", fx("base"), fx(name), "--json", "--today", TODAY)
    assert code == 0, err
    return json.loads(out)


def effects(report: dict, model: str) -> dict[str, tuple]:
    m = next(x for x in report["models"] if x["id"] == model)
    return {e["workload"]: (e["prices_of"], e["old_usd"], e["new_usd"], e["change_pct"]) for e in m["effects"]}


def test_diff_new_model(capsys):
    out = diff_md(capsys, "new_model")
    assert "### Claude Fable 5.2 (`claude-fable-5-2`) \u2014 new model" in out
    # 5m write 1.25 x 8 = 10, 1h write 2 x 8 = 16, read as written 0.20.
    assert ("- Period from 2026-11-09 added: input $8.00, output $40.00, 5-minute cache writes $10.00, "
            "1-hour cache writes $16.00, cache reads $0.20 per MTok") in out
    report = diff_json(capsys, "new_model")
    assert [m["id"] for m in report["models"]] == ["claude-fable-5-2"]
    # baseline: 3,000 x 8 + 500 x 40 = 24,000 + 20,000 = 44,000 / 1M = 0.044
    # cached turn: 1,000 x 8 + 20,000 x 0.20 + 500 x 40 = 8,000 + 4,000 + 20,000 = 32,000 / 1M = 0.032
    # batch job: (5,000 x 8 + 1,000 x 40) x 0.5 = 40,000 / 1M = 0.04 per document x 1,000 = 40
    # long context: 300,000 x 8 + 4,000 x 40 = 2,400,000 + 160,000 = 2,560,000 / 1M = 2.56
    assert effects(report, "claude-fable-5-2") == {
        "baseline_turn": ("2026-11-09", None, "0.044", None),
        "cached_chat_turn": ("2026-11-09", None, "0.032", None),
        "batch_extraction": ("2026-11-09", None, "40", None),
        "long_context": ("2026-11-09", None, "2.56", None),
    }


def test_diff_price_cut(capsys):
    out = diff_md(capsys, "price_cut")
    assert "- Period from 2026-09-28 changed: ends never (open-ended) \u2192 2026-12-01" in out
    # Old (input 2, output 10, read 0.2) vs new (input 1, output 10, read 0.1) at 2026-12-01:
    # baseline: 3,000 x 2 + 500 x 10 = 11,000 -> 0.011; new 3,000 x 1 + 5,000 = 8,000 -> 0.008; -3/11 = -27.27%
    # cached: 1,000 x 2 + 20,000 x 0.2 + 5,000 = 11,000 -> 0.011; new 1,000 + 2,000 + 5,000 = 8,000 -> 0.008
    # batch: (5,000 x 2 + 1,000 x 10) x 0.5 = 10,000 -> 0.01 x 1,000 = 10; new (5,000 + 10,000) x 0.5 = 7,500
    #        -> 7.5; -25%
    # long: 300,000 x 2 + 4,000 x 10 = 640,000 -> 0.64; new 300,000 + 40,000 = 340,000 -> 0.34;
    #       -0.30 / 0.64 = -46.875% -> -46.9% (half up)
    assert "| Baseline turn | 2026-12-01 | $0.011 | $0.008 | -27.3% |" in out
    assert "| Cached-prefix chat turn | 2026-12-01 | $0.011 | $0.008 | -27.3% |" in out
    assert "| Batch extraction job | 2026-12-01 | $10.00 | $7.50 | -25% |" in out
    assert "| Long-context request | 2026-12-01 | $0.64 | $0.34 | -46.9% |" in out
    report = diff_json(capsys, "price_cut")
    assert effects(report, "claude-sonnet-5-5")["long_context"] == ("2026-12-01", "0.64", "0.34", "-46.9")
    assert report["history_edits"] == []


def test_diff_retired_model(capsys):
    out = diff_md(capsys, "retired")
    assert out.splitlines()[2:7] == [
        "### Claude Sonnet 4.5 (`claude-sonnet-4-5-20250929`)",
        "",
        "- status: deprecated \u2192 retired",
        "- retires: 2026-11-30 \u2192 none",
        "- retired: none \u2192 2026-11-20",
    ]
    assert "| Workload |" not in out  # prices did not change, so no workload moved
    report = diff_json(capsys, "retired")
    assert report["models"][0]["fields"] == [
        {"field": "status", "old": "deprecated", "new": "retired"},
        {"field": "retires", "old": "2026-11-30", "new": None},
        {"field": "retired", "old": None, "new": "2026-11-20"},
    ]


def test_diff_tier_added(capsys):
    out = diff_md(capsys, "tier_added")
    assert ("; above 100,000 prompt tokens: input $0.50, output $2.50 per MTok") in out
    # Only the long-context request (300,000 > 100,000 prompt tokens) changes:
    # old 300,000 x 0.10 + 4,000 x 0.50 = 32,000 -> 0.032; new 300,000 x 0.50 + 4,000 x 2.50 = 160,000 -> 0.16
    # (0.16 - 0.032) / 0.032 = +400%
    assert "| Long-context request | 2026-12-01 | $0.032 | $0.16 | +400% |" in out
    assert effects(diff_json(capsys, "tier_added"), "claude-haiku-5-5") == {
        "long_context": ("2026-12-01", "0.032", "0.16", "400")}


def test_diff_history_edit(capsys):
    out = diff_md(capsys, "history_edit")
    assert "> [!WARNING]" in out
    assert ("> - `models[0].periods[0]`: claude-sonnet-5-5: edits prices in force since 2026-09-28: "
            "output $10.00 \u2192 $12.00 per MTok (+20%)") in out
    # baseline 0.011 -> 3,000 x 2 + 500 x 12 = 12,000 -> 0.012: +1/11 = +9.09% -> +9.1%
    # batch 10 -> (10,000 + 12,000) x 0.5 = 11,000 -> 0.011 x 1,000 = 11: +10%
    # long 0.64 -> 600,000 + 48,000 = 648,000 -> 0.648: +0.008 / 0.64 = +1.25% -> +1.3% (half up)
    assert "| Baseline turn | 2026-09-28 | $0.011 | $0.012 | +9.1% |" in out
    assert "| Batch extraction job | 2026-09-28 | $10.00 | $11.00 | +10% |" in out
    assert "| Long-context request | 2026-09-28 | $0.64 | $0.648 | +1.3% |" in out


def test_diff_fast_mode_added_in_place(tmp_path):
    from calculators.changes import diff_pricing

    # Give Opus 4.6's current period (the last table before Sonnet 4.5's entry) fast-mode prices in place.
    anchor = '\n[[models]]\nid = "claude-sonnet-4-5-20250929"'
    fast = "\n[models.periods.fast]\ninput_per_mtok = 30\noutput_per_mtok = 150\n"
    text = Path(_variant(tmp_path, "fast", anchor, fast + anchor)).read_text()
    d = diff_pricing(load_pricing(fx("base")), parse_pricing(text), today=dt.date(2026, 11, 25))
    opus = next(m for m in d.models if m.id == "claude-opus-4-6")
    # Fast-mode turn on the 2026-03-13 period: 3,000 x 30 + 500 x 150 = 90,000 + 75,000 = 165,000 / 1M = 0.165;
    # before, fast mode was not offered.
    assert [(e.workload.key, e.day.isoformat(), e.old, e.new) for e in opus.effects] == [
        ("fast_turn", "2026-03-13", None, D("0.165"))]
    assert [p.path for p in d.history_edits] == ["models[2].periods[1]"]


def test_diff_new_defaults_to_the_pricing_file_in_use(capsys):
    code, out, err = run_cli(capsys, "--pricing", fx("price_cut"), "diff", fx("base"), "--today", TODAY)
    assert code == 0, err
    assert out.splitlines()[0] == f"## Pricing changes: `{fx('base')}` \u2192 `price_cut.toml`"
    assert "| Batch extraction job | 2026-12-01 | $10.00 | $7.50 | -25% |" in out  # as in test_diff_price_cut


def test_diff_of_identical_files(capsys):
    code, out, _ = run_cli(capsys, "diff", fx("base"), fx("base"))
    assert code == 0
    assert "No prices, models or settings changed." in out


def test_diff_bad_argument_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a git checkout
    code, out, err = run_cli(capsys, "diff", "no-such-file.toml", fx("base"))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "'no-such-file.toml' is not a file" in err and "Traceback" not in err


def test_diff_names_the_broken_file(capsys):
    code, out, err = run_cli(capsys, "diff", fx("base"), fx("retired_no_date"))
    assert code == 1
    assert "retired_no_date.toml" in err and "a retired model needs its retirement date" in err


# ----------------------------------------------------------------------------------------------------------
# Formatting helpers
# ----------------------------------------------------------------------------------------------------------


def test_formatting():
    assert usd(D("0.2")) == "$0.20"
    assert usd(D("37.5")) == "$37.50"
    assert usd(D("0.0135")) == "$0.0135"
    assert usd(D("1234.5")) == "$1,234.50"
    assert fmt_pct(percent_change(D("0.011"), D("0.008"))) == "-27.3%"  # -3/11 = -27.27...
    assert fmt_pct(percent_change(D("0.64"), D("0.648"))) == "+1.3%"  # +1.25 rounds half up
    assert fmt_pct(percent_change(D("2"), D("2"))) == "0%"
    assert fmt_pct(percent_change(D("0"), D("1"))) == "n/a"


# ----------------------------------------------------------------------------------------------------------
# Ratio exceptions: the one list stays true to the real pricing.toml
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exc", RATIO_EXCEPTIONS, ids=[e.name for e in RATIO_EXCEPTIONS])
def test_every_ratio_exception_is_used(pricing, exc):
    """Each exception names a real model and a figure that departs from the rule and matches the exception."""
    model = pricing.model(exc.model)
    periods = [p for p in model.periods if exc.period_from in (None, p.effective_from)]
    assert periods, f"{exc.name}: no period of {exc.model} starts on {exc.period_from}"
    for p in periods:
        value = getattr(p.rates, exc.bucket)
        assert value != p.rates.input * RATIO_RULES[exc.bucket], f"{exc.name} is not needed for {p.effective_from}"
        assert value == p.rates.input * exc.ratio


def test_workloads_are_distinct_shapes():
    assert len({w.key for w in WORKLOADS}) == len(WORKLOADS) == 5
    long = next(w for w in WORKLOADS if w.key == "long_context")
    assert long.workload.prompt_tokens > 200_000  # above the historic long-context threshold


# ----------------------------------------------------------------------------------------------------------
# The "What changed" page and feed, rendered from a temporary pricing file
# ----------------------------------------------------------------------------------------------------------


def test_changelog_of_price_cut_fixture():
    p = load_pricing(fx("price_cut"))
    md = changelog_markdown(p, dt.date(2026, 11, 25))
    lines = md.splitlines()
    # Newest first: the scheduled 2026-11-30 retirement is older than the 2026-12-01 cut.
    assert lines[0] == "### 2026-12-01 (scheduled) { #2026-12-01 }"
    # input 2 -> 1 (-50%); derived 5m 2.5 -> 1.25, 1h 4 -> 2, read 0.2 -> 0.1 (all -50%); output unchanged.
    assert lines[2] == (
        "- **Claude Sonnet 5.5 price change**: input $2.00 \u2192 $1.00 per MTok (-50%); 5-minute cache writes "
        "$2.50 \u2192 $1.25 per MTok (-50%); 1-hour cache writes $4.00 \u2192 $2.00 per MTok (-50%); cache reads "
        "$0.20 \u2192 $0.10 per MTok (-50%). Effect: baseline turn $0.011 \u2192 $0.008 (-27.3%); cached-prefix "
        "chat turn $0.011 \u2192 $0.008 (-27.3%); batch extraction job $10.00 \u2192 $7.50 (-25%); long-context "
        "request $0.64 \u2192 $0.34 (-46.9%).")
    assert "### 2026-11-30 (scheduled) { #2026-11-30 }" in lines
    assert "- **Claude Sonnet 4.5 retires**: deprecated; Anthropic retires it on this day." in lines
    # Opus 4.6 lost its >200K tier on 2026-03-13:
    # before 300,000 x 10 + 4,000 x 37.5 = 3,150,000 -> 3.15; after 300,000 x 5 + 4,000 x 25 = 1,600,000 -> 1.60
    # -1.55 / 3.15 = -49.206% -> -49.2%
    assert ("- **Claude Opus 4.6 price change**: prompt-length tier above 200,000 tokens removed: such prompts "
            "now pay the base rates. Effect: long-context request $3.15 \u2192 $1.60 (-49.2%).") in lines
    # Dates descend.
    days = [line[4:14] for line in lines if line.startswith("### ")]
    assert days == sorted(days, reverse=True)
    # After the day passes the label goes away.
    assert changelog_markdown(p, dt.date(2026, 12, 1)).splitlines()[0] == "### 2026-12-01 { #2026-12-01 }"


def test_atom_feed_has_only_changes_in_force():
    p = load_pricing(fx("price_cut"))
    today = dt.date(2026, 11, 25)
    root = ET.fromstring(atom_feed(p, site_url="https://example.org/cc/", today=today))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    expected = [c for c in changelog(p, today) if not c.scheduled]
    # In force on 2026-11-25 (base.toml's history): the launches of Haiku 5.5, Sonnet 5.5, Opus 4.6 and
    # Sonnet 4.5, and Opus 4.6's tier removal. The 2026-12-01 cut and the 2026-11-30 retirement are scheduled.
    assert len(entries) == len(expected) == 5
    titles = [e.find("a:title", ns).text for e in entries]
    assert titles == [
        "2026-10-07: Claude Haiku 5.5 launched",
        "2026-09-28: Claude Sonnet 5.5 launched",
        "2026-03-13: Claude Opus 4.6 price change",
        "2026-02-05: Claude Opus 4.6 launched",
        "2025-09-29: Claude Sonnet 4.5 launched",
    ]
    ids = [e.find("a:id", ns).text for e in entries]
    assert len(set(ids)) == len(ids)
    assert root.find("a:updated", ns).text == "2026-10-07T00:00:00Z"
    link = entries[0].find("a:link", ns).get("href")
    assert link == "https://example.org/cc/reference/changes/#2026-10-07"


def _load_hook(name: str = "changes"):
    key = f"_{name}_hook_under_test"
    spec = importlib.util.spec_from_file_location(key, REPO / "hooks" / f"{name}.py")
    module = sys.modules[key] = importlib.util.module_from_spec(spec)  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


def test_changes_page_renders_from_temporary_pricing_file(tmp_path, monkeypatch):
    """The page's cc: shortcodes (history by day, ratio exceptions, workloads) follow the file and the build day."""
    pytest.importorskip("mkdocs")
    temp = tmp_path / "pricing.toml"
    shutil.copy(FIX / "price_cut.toml", temp)
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(temp))
    monkeypatch.setenv("CLAUDE_COST_TODAY", "2026-11-25")
    hook, sc = _load_hook(), _load_hook("shortcodes")

    def build(config: dict) -> str:  # one build as MkDocs runs it: every hook's on_config, then the page
        hook.on_config(config)
        sc.on_config(config)
        return sc.render(source, "reference/changes.md")

    config = {"extra": {}}
    source = (REPO / "docs" / "reference" / "changes.md").read_text(encoding="utf-8")
    rendered = build(config)
    assert config["extra"]["prices_checked"] == "2026-11-24"  # the newest checked date in the fixture
    assert "<!-- cc:" not in rendered and "<!-- pricing-" not in rendered
    assert "### 2026-12-01 (scheduled) { #2026-12-01 }" in rendered  # after the build day of 2026-11-25
    assert "- **Claude Sonnet 5.5 price change**: input $2.00 \u2192 $1.00 per MTok (-50%)" in rendered
    assert "| `fable-5-2-cheap-read` |" in rendered  # the exceptions table
    assert "- **Long-context request**: one request with a 300,000-token prompt" in rendered
    # The next build (same process, as under `mkdocs serve`) reads the file afresh: the real file has no such cut.
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(REPO / "pricing.toml"))
    real = build(config)
    assert "input $2.00 \u2192 $1.00" not in real
    # The build day follows CLAUDE_COST_TODAY: after 2026-12-01 the cut is no longer scheduled.
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(temp))
    monkeypatch.setenv("CLAUDE_COST_TODAY", "2026-12-02")
    later = build(config)
    assert "### 2026-12-01 { #2026-12-01 }" in later


def test_built_site_shows_checked_date_footer_and_feed(tmp_path, monkeypatch):
    """A minimal strict MkDocs build with the real theme overrides and this hook, on a temporary price file."""
    pytest.importorskip("mkdocs")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    temp = tmp_path / "pricing.toml"
    text = (FIX / "price_cut.toml").read_text(encoding="utf-8")
    assert text.count("checked = 2026-11-24") > 5
    temp.write_text(text.replace("checked = 2026-11-24", "checked = 2026-11-21"), encoding="utf-8")
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(temp))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("CLAUDE_COST_TODAY", "2026-12-04")  # built 13 days after the checks (2026-11-21)
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    shutil.copy(REPO / "docs" / "reference" / "changes.md", docs / "reference" / "changes.md")
    (docs / "reference" / "pricing.md").write_text("# Pricing reference\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(
        "site_name: test\nsite_url: https://example.org/\nstrict: true\n"
        f"docs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
        f"theme:\n  name: material\n  custom_dir: {REPO / 'overrides'}\n  font: false\n"
        f"hooks:\n  - {REPO / 'hooks' / 'shortcodes.py'}\n  - {REPO / 'hooks' / 'changes.py'}\n"
        "markdown_extensions:\n  - attr_list\n  - tables\n  - toc:\n      permalink: true\n"
        "nav:\n  - Home: index.md\n  - Pricing reference: reference/pricing.md\n"
        "  - What changed: reference/changes.md\n", encoding="utf-8")
    build(load_config(str(cfg)))
    site = tmp_path / "site"
    page = (site / "reference" / "changes" / "index.html").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    # Every checked date in the temporary file is 2026-11-21, so that is the date every page shows.
    for html, prefix, pricing_href in ((home, "", "reference/pricing/"), (page, "../../", "../pricing/")):
        assert 'data-testid="prices-checked"' in html
        assert 'Prices checked on <time datetime="2026-11-21">2026-11-21</time>' in html
        assert ('(<span data-testid="prices-checked-age">13 days ago</span> when this site was built\n    on '
                '<time datetime="2026-12-04">2026-12-04</time>)') in html
        assert f'<a href="{pricing_href}">Pricing reference</a>' in html
        assert ('<link rel="alternate" type="application/atom+xml" title="Claude API price changes" '
                f'href="{prefix}changes.xml">') in html
    assert "input $2.00 \u2192 $1.00 per MTok (-50%)" in page
    feed = ET.fromstring((site / "changes.xml").read_text(encoding="utf-8"))
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


@pytest.mark.parametrize(("day", "words"), [
    ("2026-11-21", "today"), ("2026-11-22", "1 day ago"), ("2026-12-21", "30 days ago"), ("2026-11-20", "in the future"),
])
def test_age_words(day, words):
    from calculators.changes import age_words

    assert age_words(dt.date(2026, 11, 21), dt.date.fromisoformat(day)) == words


def test_check_warns_when_the_newest_check_is_over_30_days_old(tmp_path, monkeypatch, capsys):
    # The fixture's newest checked date is 2026-11-24: 30 days later (2026-12-24) is fine, 31 (2026-12-25) is stale.
    from calculators.cli import main

    for day, stale in (("2026-12-24", False), ("2026-12-25", True)):
        monkeypatch.setenv("CLAUDE_COST_TODAY", day)
        assert main(["check", str(FIX / "base.toml"), "--no-base"]) == 0
        out = capsys.readouterr()
        assert "OK" in out.out
        lines = [line for line in out.err.splitlines() if "warning" in line]
        if stale:
            assert len(lines) == 1 and "2026-11-24, 31 days before 2026-12-25" in lines[0], out.err
        else:
            assert lines == [], out.err
