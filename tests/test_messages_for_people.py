"""Messages a person reads (issue 18): numbers in messages stay short, the browser's messages name the form's
fields instead of the command line's flags (the CLI keeps its own words), prices on a day after today say they may
change, and the analyser's chart axis is worked out in Decimal."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PINNED_TODAY

from calculators import bridge
from calculators._charts import axis_money, value_axis
from calculators.present import future_prices_note, short_number
from calculators.recommend import DEFAULT_INPUTS as RECOMMEND_DEFAULTS

REPO = Path(__file__).resolve().parent.parent
FIX = Path(__file__).resolve().parent / "log_fixtures"
CLI_WORDS = re.compile(r"(?<![\w-])--[a-z][a-z-]+|claude-cost models")


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (7, "7"), (1_234_567, "1,234,567"), (10**12, "1,000,000,000,000"),
    (10**15, "1e+15"), (Decimal("1e99"), "1e+99"), (Decimal("-2.5e20"), "-2.5e+20"),
    (Decimal("1234.5678"), "1,234.5678"), (Decimal("1e-9"), "1e-9"), (int("9" * 120), "1e+120"),
])
def test_short_number(value, shown):
    assert short_number(value) == shown
    assert len(short_number(value)) <= 21


@pytest.mark.parametrize("typed", ["1e99", "9" * 120, "-1e99", "123456789012345678901234567890"])
def test_a_huge_token_count_gets_a_short_message(typed):
    response = bridge.call("calculator", {"input": typed})
    assert not response["ok"]
    (message,) = [e["message"] for e in response["errors"] if e["field"] == "input"]
    assert len(message) < 100, message
    assert not re.search(r"\d{16}", message.replace(",", "")), message


def test_pasted_junk_is_quoted_short():
    response = bridge.call("calculator", {"output": "x" * 500})
    (message,) = [e["message"] for e in response["errors"] if e["field"] == "output"]
    assert len(message) < 80 and "\u2026" in message


def test_future_prices_note():
    today, newest = dt.date(2026, 12, 4), dt.date(2027, 1, 23)
    assert future_prices_note(today, today, newest) == ""
    assert future_prices_note(dt.date(2026, 1, 1), today, newest) == ""
    note = future_prices_note(dt.date(2099, 1, 1), today, newest)
    assert note.startswith("2099-01-01 is after today (2026-12-04)") and "may change" in note
    assert "2027-01-23" in note  # a change already announced is part of what is known
    assert "announced" not in future_prices_note(dt.date(2099, 1, 1), today, dt.date(2026, 1, 1))


def test_the_calculator_and_recommender_say_when_a_day_is_after_today():
    calc = bridge.call("calculator", {"at": "2099-01-01"}, today=PINNED_TODAY)["result"]
    assert any("2099-01-01 is after today" in n for n in calc["per_request"]["notes"])
    today = bridge.call("calculator", {"at": PINNED_TODAY.isoformat()}, today=PINNED_TODAY)["result"]
    assert not any("after today" in n for n in today["per_request"]["notes"])
    rec = bridge.call("recommend", {**RECOMMEND_DEFAULTS, "at": "2099-01-01"}, today=PINNED_TODAY)["result"]
    assert any("may change" in n for n in rec["notes"])


def test_the_analyser_notes_records_dated_after_today():
    line = json.dumps({"model": "claude-sonnet-5-5", "usage": {"input_tokens": 10, "output_tokens": 5},
                       "timestamp": "2099-05-01T10:00:00Z"})
    sid = bridge.call("analyze_start", {}, today=PINNED_TODAY)["result"]["session"]
    bridge.call("analyze_chunk", {"session": sid, "file": "f.jsonl", "text": line + "\n", "final": True})
    rep = bridge.call("analyze_finish", {"session": sid}, today=PINNED_TODAY)["result"]
    assert any(n.startswith("1 records are dated after today (2026-12-04)") for n in rep["notes"]), rep["notes"]


def _messages(value) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value) < 2000 else []
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    return []


def _analysis(options: dict) -> dict:
    start = bridge.call("analyze_start", options, today=PINNED_TODAY)
    if not start["ok"]:
        return start
    sid = start["result"]["session"]
    for path in sorted((FIX / "claude_code").rglob("*.jsonl")):
        bridge.call("analyze_chunk", {"session": sid, "file": path.name, "text": path.read_text(), "final": True})
    return bridge.call("analyze_finish", {"session": sid}, today=PINNED_TODAY)


@pytest.mark.parametrize(("name", "inputs"), [
    ("calculator", {"model": "no-such-model"}),
    ("recommend", {**RECOMMEND_DEFAULTS, "output_tokens": ""}),
    ("recommend", {**RECOMMEND_DEFAULTS, "requests_per_day": "lots"}),
    ("analyze_start", {"route_to": "no-such-model"}),
    ("analyze_start", {"since": "someday"}),
    ("analyze_start", {"since": "2026-11-02", "until": "2026-11-01"}),
    ("analyze_start", {"batch_share": "7"}),
])
def test_browser_messages_name_the_form_not_the_command_line(name, inputs):
    response = bridge.call(name, inputs, today=PINNED_TODAY)
    texts = _messages(response)
    assert texts
    assert not [t for t in texts if CLI_WORDS.search(t)], [t for t in texts if CLI_WORDS.search(t)]


def test_an_analysis_report_names_the_form_fields():
    rep = _analysis({})["result"]
    texts = _messages(rep)
    assert not [t for t in texts if CLI_WORDS.search(t)]
    assert any("\u201cBatch share\u201d under Options" in t for t in texts)
    assert any("\u201cRoute to\u201d under Options" in t for t in texts)
    assert _analysis({"route_to": "nope"})["errors"][0]["field"] == "route_to"


def test_the_recommenders_assumed_output_names_the_field():
    rec = bridge.call("recommend", RECOMMEND_DEFAULTS, today=PINNED_TODAY)["result"]
    assert any("\u201cExpected output (tokens)\u201d" in t for t in _messages(rec))


def test_the_command_line_keeps_its_own_words(tmp_path):
    out = subprocess.run([sys.executable, "-m", "calculators", "price", "--model", "no-such-model"],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode != 0 and "`claude-cost models` lists every id" in out.stderr
    logs = subprocess.run([sys.executable, "-m", "calculators", "analyze", str(FIX / "claude_code"), "--json"],
                          capture_output=True, text=True, cwd=REPO, check=True)
    assert "--batch-share" in logs.stdout and "--route-to" in logs.stdout


def test_for_form_replaces_only_known_phrases():
    words = {"--route-to: ": "Route to: "}
    assert bridge.for_form("--route-to: unknown model 'x'", words) == "Route to: unknown model 'x'"
    assert bridge.for_form("a plain message", words) == "a plain message"


# ---- the analyser's value axis (money in Decimal; the page only draws) -----------------------------------


def test_value_axis_is_round_and_covers_the_largest_value():
    # largest 0.98324: rough step 0.98324 / 5 = 0.197 -> 0.2; five steps to 1.0
    axis = value_axis([Decimal("0.98324"), Decimal("0.1")])
    assert [t["usd"] for t in axis["ticks"]] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]
    assert [t["display"] for t in axis["ticks"]] == ["$0", "$0.20", "$0.40", "$0.60", "$0.80", "$1"]
    assert axis["heights"] == ["0.9832", "0.1"]  # 0.98324 / 1 and 0.1 / 1, four places
    # largest 1,234.56: rough step 246.9 -> 250; five steps to 1,250
    axis = value_axis([Decimal("1234.56")])
    assert axis["top_usd"] == "1250" and axis["ticks"][-1]["display"] == "$1,250"
    assert axis["heights"] == ["0.9876"]  # 1234.56 / 1250 = 0.987648


def test_value_axis_with_nothing_to_show():
    assert value_axis([]) == {"top_usd": "0", "ticks": [{"usd": "0", "display": "$0", "at": "0"}], "heights": []}
    assert value_axis([Decimal(0)])["heights"] == ["0"]


def test_axis_money():
    assert [axis_money(Decimal(v)) for v in ("0", "0.25", "2.5", "0.0001", "2000")] == \
        ["$0", "$0.25", "$2.50", "$0.0001", "$2,000"]
