"""Bad input to price, check, recommend and the library: a clear one-line error, never a traceback or a silent
wrong figure (issue 13). The log analyser's own classes are tested in test_logs*.py.

Expected figures are worked out by hand: Claude Sonnet 5.5 costs $2 per million input tokens and $10 per
million output tokens (pricing.toml, periods from 2026-09-28).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from calculators import Usage, load_pricing, parse_at, price, price_usage
from calculators.cost import MAX_TOKENS
from calculators.errors import ClaudeCostError, PriceError

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-12-04"


def run_cli(*argv: str, stdin: bytes | None = None, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calculators", *argv], cwd=ROOT, input=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=60, env={**os.environ, "CLAUDE_COST_TODAY": DAY})


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err.strip()


# ----------------------------------------------------------------------------------------------------------
# Exactness at the largest accepted counts; larger counts and floats refused
# ----------------------------------------------------------------------------------------------------------


def test_the_total_is_the_exact_sum_of_its_items_at_the_bound():
    # 10^15 input tokens x $2 / 10^6 = $2,000,000,000; 10^15 - 1 output x $10 / 10^6 = $9,999,999,999.99999
    # (28 significant digits with the cents: the default context would round the sum).
    cost = price("claude-sonnet-5-5", input=MAX_TOKENS, output=MAX_TOKENS - 1, cache_read=MAX_TOKENS - 3,
                 batch=True, geo="us", at=DAY)
    assert cost.total == sum(i.usd for i in cost.items)
    # output: (10^15 - 1) x 10 x 0.5 x 1.1 / 10^6 = 5,499,999,999.9999945
    assert next(i.usd for i in cost.items if i.bucket == "output") == Decimal("5499999999.9999945")
    # cache read: (10^15 - 3) x 0.10 x 0.55 / 10^6 = 54,999,999.9999998350
    assert next(i.usd for i in cost.items if i.bucket == "cache_read") == Decimal("54999999.99999983500")


def test_the_widest_accepted_price_and_count_stay_exact():
    # The price file allows up to 9 decimal places and 10,000 USD per MTok: 9,999.123456789 at 10^15 - 1 tokens.
    # input:  (10^15 - 1) x 9,999.123456789 / 10^6 = 9,999,123,456,789 - 0.009999123456789
    #                                              = 9,999,123,456,788.990000876543211
    # output: (10^15 - 1) x 15 / 10^6 = 15,000,000,000 - 0.000015 = 14,999,999,999.999985
    # total:  10,014,123,456,788.989985876543211: 29 significant digits, which the default 28-digit context
    #         would round.
    from calculators import parse_pricing

    text = (ROOT / "tests" / "broken_pricing" / "valid_minimal.toml").read_text(encoding="utf-8")
    pricing = parse_pricing(text.replace("input_per_mtok = 3\n", "input_per_mtok = 9999.123456789\n", 1))
    cost = price("claude-sonnet-9", input=MAX_TOKENS - 1, output=MAX_TOKENS - 1, at="2027-02-01", pricing=pricing)
    assert cost.items[0].usd == Decimal("9999123456788.990000876543211")
    assert cost.items[-1].usd == Decimal("14999999999.999985")
    assert cost.total == Decimal("10014123456788.989985876543211")


@pytest.mark.parametrize("count", [MAX_TOKENS + 1, 10**30])
def test_counts_above_the_bound_are_refused(count):
    with pytest.raises(PriceError, match=r"counts above 1,000,000,000,000,000 \(10\^15\) are not accepted") as err:
        Usage(input=count)
    assert err.value.field == "input"
    assert len(str(err.value)) < 120  # a 31-digit number is shortened, not printed whole


@pytest.mark.parametrize("value", [1.5, 1e30, 2.0, "12", None, True])
def test_library_token_counts_must_be_whole_numbers(value):
    with pytest.raises(PriceError, match="must be a whole number") as err:
        Usage(output=value)
    assert err.value.field == "output"


@pytest.mark.parametrize("value", [1.5, 1e30, 2.0, "12", True])
def test_usage_object_counts_must_be_whole_numbers(value):
    with pytest.raises(PriceError, match="input_tokens must be a whole number"):
        price_usage({"model": "claude-sonnet-5-5", "usage": {"input_tokens": value, "output_tokens": 1}}, at=DAY)


def test_usage_object_null_counts_are_absent_fields():
    # The SDKs mark cache fields optional: null means "not reported". 1,000 x $2 / 10^6 = $0.002
    cost = price_usage({"model": "claude-sonnet-5-5", "usage": {"input_tokens": 1000, "output_tokens": 0,
                                                               "cache_read_input_tokens": None}}, at=DAY)
    assert cost.total == Decimal("0.002")


@pytest.mark.parametrize(("field", "value"), [("speed", "turbo"), ("service_tier", "flex"), ("speed", 1)])
def test_unknown_speed_or_service_tier_is_an_error_not_standard_rates(field, value):
    with pytest.raises(PriceError, match=f"{field} .* (has no published price|is not one this tool knows)") as err:
        price_usage({"model": "claude-sonnet-5-5", "usage": {"input_tokens": 1, "output_tokens": 1, field: value}},
                    at=DAY)
    assert err.value.field == field


# ----------------------------------------------------------------------------------------------------------
# Library arguments are checked at the boundary and named
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"geo": 1}, "geo"), ({"batch": "no"}, "batch"), ({"fast": 1}, "fast"), ({"batch": None}, "batch"),
])
def test_modifier_types(kwargs, field):
    with pytest.raises(PriceError) as err:
        price("claude-sonnet-5-5", input=1, at=DAY, **kwargs)
    assert err.value.field == field


def test_model_and_usage_types():
    with pytest.raises(PriceError, match="model must be a model id") as err:
        price(5, input=1, at=DAY)  # type: ignore[arg-type]
    assert err.value.field == "model"
    with pytest.raises(PriceError, match="usage must be a Usage"):
        price("claude-sonnet-5-5", {"input": 1}, at=DAY)  # type: ignore[arg-type]


def test_a_long_unknown_model_name_is_shortened():
    with pytest.raises(ClaudeCostError) as err:
        price("x" * 10_000, input=1, at=DAY)
    assert len(str(err.value)) < 200


# ----------------------------------------------------------------------------------------------------------
# Dates: one parser, one rule
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"])
def test_timestamps_outside_the_calendar_in_utc_are_errors(text):
    with pytest.raises(PriceError, match="outside the years 1 to 9999"):
        parse_at(text)


@pytest.mark.parametrize("text", ["2026-05-01XYZ", "2026-5-1", "yesterday", "2026-05-01T25:00", "20260501"])
def test_malformed_dates_are_errors(text):
    with pytest.raises(PriceError, match="not a date"):
        parse_at(text)


@pytest.mark.parametrize(("text", "day"), [
    ("2026-05-01T23:00:00-05:00", dt.date(2026, 5, 2)),  # 04:00 UTC the next day
    ("2026-05-01T23:00:00Z", dt.date(2026, 5, 1)),
    ("2026-05-01 01:00+02:00", dt.date(2026, 4, 30)),
    ("2026-05-01", dt.date(2026, 5, 1)),
])
def test_timestamps_convert_to_their_utc_day(text, day):
    assert parse_at(text) == day


@pytest.mark.parametrize("argv", [
    ["price", "--model", "sonnet", "--input", "1", "--at", "0001-01-01T00:00:00+01:00"],
    ["models", "--at", "9999-12-31T23:00:00-05:00"],
    ["check", "--no-base", "--today", "0001-01-01T00:00:00+01:00"],
    ["recommend", "--prompt-file", "README.md", "--at", "9999-12-31T23:59:59-01:00"],
])
def test_out_of_range_dates_on_the_command_line(argv):
    err = one_line_error(run_cli(*argv))
    assert "outside the years 1 to 9999" in err


# ----------------------------------------------------------------------------------------------------------
# Input files: size caps, devices and pipes, nesting bombs, and the file named in the message
# ----------------------------------------------------------------------------------------------------------


def test_usage_errors_name_the_file(tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps({"model": "claude-sonnet-5-5", "usage": {"input_tokens": -1}}), encoding="utf-8")
    err = one_line_error(run_cli("price", "--usage", str(path)))
    assert f"{path}: input_tokens cannot be negative" in err


@pytest.mark.parametrize("device", ["/dev/zero", "fifo", "folder"])
def test_devices_pipes_and_folders_are_refused_without_hanging(device, tmp_path):
    if device == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)  # no writer: opening it would block forever
    elif device == "folder":
        path = tmp_path
    else:
        path = Path(device)
    err = one_line_error(run_cli("price", "--usage", str(path)))
    assert ("not a regular file" in err) or ("is a folder" in err)


def test_stdin_is_capped():
    proc = run_cli("price", "--usage", "-", stdin=b" " * (20 << 20))  # 20 MB of spaces, above the 16 MB cap
    assert "larger than 16 MB" in one_line_error(proc)


def test_nesting_bombs_are_refused(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in one_line_error(run_cli("price", "--usage", str(deep)))
    # recommend reads tool definitions for their names only: a bomb is treated as text, the run still answers
    proc = run_cli("recommend", "--prompt-file", "README.md", "--tools-file", str(deep), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["model"]


def test_a_full_disk_is_one_line_not_a_traceback():
    with open("/dev/full", "wb") as full:
        proc = run_cli("models", stdout=full)
    assert "cannot write the output: No space left on device" in one_line_error(proc)


def test_a_closed_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m calculators models --all | head -c 10", shell=True, cwd=ROOT,
                          capture_output=True, timeout=60)
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr


def test_the_real_pricing_file_is_untouched_by_these_rules():
    assert load_pricing(ROOT / "pricing.toml").models
