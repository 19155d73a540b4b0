"""Issue 13 for the usage-log analyser: every bad input gets a clear error or a malformed line, nothing is lost.

One section per class of bad input. Dollar figures are worked out in comments from the published prices:
Haiku 4.5 $1 input / $5 output per MTok (5-minute cache write 1.25x = $1.25, 1-hour write 2x = $2, cache read
0.1x = $0.10).
"""

from __future__ import annotations

import csv
import decimal
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PINNED_TODAY, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators import logs
from calculators.cli import main
from calculators.cost import PriceError
from calculators.logs import jsonl as P
from calculators.logs import reader, workers

FIX = Path(__file__).parent / "log_fixtures"
CC = FIX / "claude_code"
HAIKU = "claude-haiku-4-5-20251001"
FORK_WITH_THREADS = pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning")


def analysis(*paths, jobs=1, **opts):
    return logs.analyze_paths([str(p) for p in paths], logs.Options(**{"today": PINNED_TODAY, **opts}), jobs=jobs)


def report(*paths, jobs=1, **opts):
    return analysis(*paths, jobs=jobs, **opts).report()


def adds_up(rep) -> bool:
    c = rep["lines"]
    return c["records"] + c["malformed"] + c["ignored"] + c["synthetic"] + c["blank"] == c["lines"]


def csv_rows(a) -> list[dict]:
    buf = io.StringIO()
    a.write_csv(buf)
    return list(csv.DictReader(io.StringIO(buf.getvalue())))


def api_line(i, ts="2026-11-02T10:00:00Z", model=HAIKU, **usage):
    return json.dumps({"id": f"msg_api{i}", "type": "message", "model": model, "timestamp": ts,
                       "usage": {"input_tokens": 1000, "output_tokens": 100, **usage}}) + "\n"


def stream_lines(i, ts="2026-11-02T11:00:00Z", start_usage=None, delta_usage=None, model=HAIKU, stop=True):
    u = {"input_tokens": 2000, "output_tokens": 1} if start_usage is None else start_usage
    msg = {"id": f"msg_s{i}", "type": "message", "role": "assistant", "content": [], "usage": u}
    if model is not None:
        msg["model"] = model
    out = [{"type": "message_start", "message": msg, "timestamp": ts},
           {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
           {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x" * 40}},
           {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 300} if delta_usage is None else delta_usage}]
    if stop:
        out.append({"type": "message_stop"})
    return "".join(json.dumps(o) + "\n" for o in out)


# ----------------------------------------------------------------------------------------------------------
# 1. A big file split into byte ranges reads exactly like one piece, streaming events included
# ----------------------------------------------------------------------------------------------------------


@FORK_WITH_THREADS
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_split_file_with_streamed_messages_reads_exactly_as_one_piece(tmp_path, monkeypatch, jobs):
    """API lines first, then streamed messages: read in byte ranges (a small PIECE), the report and every
    per-record cost are those of one piece. (The streams are 5 lines each, so most range ends fall inside one.)"""
    monkeypatch.setattr(workers, "_start_method", lambda mp: "fork")
    f = tmp_path / "mixed.jsonl"
    f.write_text("".join(api_line(i) for i in range(300)) + "".join(stream_lines(i) for i in range(150)))
    one_piece = analysis(f)
    monkeypatch.setattr(reader, "PIECE", 4 << 10)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    assert f.stat().st_size > 20 * reader.PIECE
    split = analysis(f, jobs=jobs)
    rep = one_piece.report()
    # 300 API lines: 1,000 x $1 + 100 x $5 = 1,500 per MTok -> $0.0015 each, $0.45 in all
    # 150 streams: 2,000 x $1 + final cumulative output 300 x $5 = 3,500 -> $0.0035 each, $0.525 in all
    assert rep["total_usd"] == "0.975" and rep["records"] == 450 and rep["malformed"] == 0
    assert split.report() == rep
    assert csv_rows(split) == csv_rows(one_piece)


def test_a_file_without_streaming_events_is_still_read_in_ranges(tmp_path, monkeypatch):
    """The rule costs nothing on ordinary logs: a big Claude Code / API file is still split."""
    f = tmp_path / "api.jsonl"
    f.write_text("".join(api_line(i) for i in range(400)))
    monkeypatch.setattr(reader, "PIECE", 4 << 10)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    pieces = []
    real = reader._read_piece
    monkeypatch.setattr(reader, "_read_piece", lambda *a: pieces.append(a[3:5]) or real(*a))
    rep = report(f)
    assert len(pieces) > 10 and rep["records"] == 400  # each $0.0015
    assert Decimal(rep["total_usd"]) == Decimal("0.6")


# ----------------------------------------------------------------------------------------------------------
# 2. Streamed messages with bad usage are malformed, at their own line
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False])
def test_streamed_messages_with_bad_usage_are_malformed_with_file_and_line(tmp_path, fast):
    f = tmp_path / "stream.jsonl"
    f.write_text(stream_lines(1)  # lines 1-5: a good message
                 + stream_lines(2, start_usage={"input_tokens": -5, "output_tokens": 1})  # line 6
                 + stream_lines(3, start_usage={"input_tokens": "many", "output_tokens": 1})  # line 11
                 + stream_lines(4, model=None)  # line 16: no model
                 + stream_lines(5, start_usage={"input_tokens": 10, "output_tokens": 1, "inference_geo": "mars"})
                 + stream_lines(6, delta_usage={"output_tokens": 2.5})  # line 29: the delta is bad
                 + stream_lines(7, start_usage={"input_tokens": 1.0, "output_tokens": 1})  # line 31
                 + stream_lines(8))  # lines 36-40: a good message
    rep = logs.analyze_paths([str(f)], logs.Options(today=PINNED_TODAY), jobs=1, fast=fast).report()
    where = {m["line"]: m["reason"] for m in rep["malformed_lines"]}
    assert set(where) == {6, 11, 16, 21, 29, 31}
    assert "input_tokens cannot be negative" in where[6]
    assert "input_tokens must be a whole number" in where[11] and "'many'" in where[11]
    assert "without message.model" in where[16]
    assert "inference_geo 'mars'" in where[21]
    assert "output_tokens must be a whole number" in where[29]
    assert "input_tokens must be a whole number" in where[31]
    # messages 1 and 8 in full; message 6 with the usage of its message_start (the bad delta is not applied):
    # 2 x (2,000 x $1 + 300 x $5) + 2,000 x $1 + 1 x $5 = 7,000 + 2,005 = 9,005 per MTok -> $0.009005
    assert rep["records"] == 3 and rep["total_usd"] == "0.009005"
    assert rep["lines"]["lines"] == 40 and adds_up(rep)


def test_a_bad_message_start_still_ends_the_message_before_it(tmp_path):
    """A message without message_stop, then a bad message_start: the first message is billed (counted on its own
    line), the bad one is malformed, and the bad message's other events are not reported again."""
    f = tmp_path / "s.jsonl"
    f.write_text(stream_lines(1, stop=False) + stream_lines(2, start_usage={"input_tokens": -1}))
    rep = report(f)
    assert rep["records"] == 1 and rep["total_usd"] == "0.0035"  # 2,000 x $1 + 300 x $5
    assert [m["line"] for m in rep["malformed_lines"]] == [5]
    assert rep["lines"] == {"lines": 9, "records": 1, "malformed": 1, "ignored": 7, "synthetic": 0, "blank": 0}


# ----------------------------------------------------------------------------------------------------------
# 3. Token counts: whole numbers from 0 to MAX_TOKENS; sums stay exact at the bound
# ----------------------------------------------------------------------------------------------------------

CSV_HEADER = ("usage_date_utc,model_version,usage_input_tokens_no_cache,usage_output_tokens,"
              "usage_input_tokens_cache_read\n")


def test_csv_token_counts_must_be_whole_numbers_within_the_bound(tmp_path):
    f = tmp_path / "usage.csv"
    rows = ["1000,0,0", '"1,000",0,0', "1.5,0,0", "1e30,0,0", "true,0,0", "-3,0,0", "0x10,0,0", "\u0663,0,0",
            f"{P.MAX_TOKENS},0,0", f"{P.MAX_TOKENS + 1},0,0", "1000.0,0,0"]
    f.write_text(CSV_HEADER + "".join(f"2026-11-02,{HAIKU},{r}\n" for r in rows))
    rep = report(f)
    bad = {m["line"]: m["reason"] for m in rep["malformed_lines"]}
    assert sorted(bad) == [4, 5, 6, 7, 8, 9, 11, 12]
    assert "'1.5' is not a whole number" in bad[4] and "'1e30'" in bad[5] and "negative" in bad[7]
    assert "more than the 1,000,000,000,000,000 tokens" in bad[11]
    assert all(r.startswith("usage_input_tokens_no_cache") for r in bad.values())  # the column, as in the file
    # 1,000 + 1,000 + 10**15 input tokens at $1/MTok = $1,000,000,000.002
    assert rep["total_usd"] == "1000000000.002" and rep["records"] == 3 and adds_up(rep)


def test_sums_at_the_token_bound_are_exact_whatever_the_callers_decimal_context(tmp_path):
    """Three requests with MAX_TOKENS in every bucket and one tiny one, summed while the caller's decimal context
    has 6 digits: the total, every breakdown and the per-record CSV add up exactly."""
    f = tmp_path / "big.jsonl"
    m = P.MAX_TOKENS
    big = {"input_tokens": m, "output_tokens": m, "cache_read_input_tokens": m, "cache_creation_input_tokens": 2 * m,
           "cache_creation": {"ephemeral_5m_input_tokens": m, "ephemeral_1h_input_tokens": m}}
    f.write_text("".join(api_line(i, **big) for i in range(3)) + api_line(9, input_tokens=1, output_tokens=0))
    with decimal.localcontext(decimal.Context(prec=6)):
        a = analysis(f)
        rep = a.report()
        text = logs.render_text(rep)
        rows = csv_rows(a)
    # each big request: 10**15 tokens x ($1 + $5 + $0.10 + $1.25 + $2) per MTok = 10**9 x $9.35 = $9,350,000,000
    # three of them $28,050,000,000, and 1 input token $0.000001: $28,050,000,000.000001
    assert rep["total_usd"] == "28050000000.000001"
    assert "Total: $28,050,000,000.00" in text
    total = Decimal(rep["total_usd"])
    with decimal.localcontext(decimal.Context(prec=60)):
        assert sum(Decimal(r["usd"]) for r in rows) == total
        assert sum(Decimal(v["usd"]) for v in rep["spend_by_bucket"].values()) == total
        assert sum(Decimal(v["total_usd"]) for v in rep["by_model"].values()) == total
        assert sum(Decimal(d["total_usd"]) for d in rep["by_day"]) == total
    assert rep["tokens"]["output"] == 3 * m
    # one more token in a bucket is a malformed line, not a rounded sum
    f.write_text(api_line(1, input_tokens=m + 1))
    with pytest.raises(PriceError, match="nothing"):
        _fail_if_nothing_priced(report(f))


def _fail_if_nothing_priced(rep):
    if not rep["records"]:
        raise PriceError("nothing priced: " + rep["malformed_lines"][0]["reason"])


# ----------------------------------------------------------------------------------------------------------
# 4. CSV rows are lines; a forced format that matches nothing is an error
# ----------------------------------------------------------------------------------------------------------


def _haiku_rows(n):
    return "".join(f"2026-11-02,{HAIKU},1000000,0,0\n" for _ in range(n))  # $1 each


def test_an_unclosed_quote_in_a_csv_row_does_not_swallow_the_rows_after_it(tmp_path):
    f = tmp_path / "q.csv"
    f.write_text(CSV_HEADER + _haiku_rows(2) + f'2026-11-02,"{HAIKU},1000000,0,0\n' + _haiku_rows(2))
    rep = report(f)
    assert rep["lines"] == {"lines": 6, "records": 4, "malformed": 1, "ignored": 1, "synthetic": 0, "blank": 0}
    assert rep["malformed_lines"][0]["line"] == 4 and "quoted field is not closed" in rep["malformed_lines"][0][
        "reason"]
    assert rep["total_usd"] == "4"


def test_a_csv_field_over_the_csv_modules_limit_is_one_malformed_row(tmp_path):
    f = tmp_path / "huge.csv"
    f.write_text(CSV_HEADER + _haiku_rows(1) + f'2026-11-02,{HAIKU},"{"9" * 200_000}",0,0\n' + _haiku_rows(1))
    rep = report(f)
    assert rep["records"] == 2 and rep["malformed"] == 1 and rep["total_usd"] == "2"
    assert "longer than 131,072 characters" in rep["malformed_lines"][0]["reason"]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_csv_line_ends_cr_crlf_and_lf_read_the_same(tmp_path, newline):
    f = tmp_path / "cr.csv"
    f.write_bytes((CSV_HEADER + _haiku_rows(3)).replace("\n", newline).encode())
    rep = report(f)
    assert rep["records"] == 3 and rep["total_usd"] == "3" and rep["lines"]["lines"] == 4 and adds_up(rep)
    assert rep["files"][0]["format"] == "csv"


@pytest.mark.parametrize("fmt", ["csv", "stream", "usage-report", "cost-report"])
def test_forcing_a_format_that_matches_nothing_is_a_one_line_error(capsys, fmt):
    assert main(["analyze", str(CC), "--format", fmt]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"nothing matched --format {fmt}" in err and "leave --format out" in err


# ----------------------------------------------------------------------------------------------------------
# 5. Timestamps near the ends of the calendar; one date rule for --since, --until and --at
# ----------------------------------------------------------------------------------------------------------


def test_timestamps_near_year_1_and_9999_with_offsets_never_abort_the_run(tmp_path):
    f = tmp_path / "edges.jsonl"
    f.write_text(api_line(1, ts="0001-01-01T00:00:00+01:00")  # UTC: year 0, not a date: priced at --at, noted
                 + api_line(2, ts="9999-12-31T23:00:00-05:00")  # UTC: year 10000, the same
                 + api_line(3, ts="0001-01-01T00:00:00-01:00")  # UTC day 0001-01-01: no price then
                 + api_line(4, ts="9999-12-31T23:59:59Z")  # a real day without a price
                 + api_line(5, ts="2026-11-02T10:00:00Z"))
    a = analysis(f, at="2026-11-01")
    rep = a.report()
    logs.render_text(rep)
    # four requests priced: two at the prices of --at, two on their own days, $0.0015 each
    assert rep["records"] == 4 and rep["total_usd"] == "0.006"
    assert [d["day"] for d in rep["by_day"]] == ["2026-11-01", "2026-11-02", "9999-12-31"]
    assert rep["unpriced"][HAIKU]["records"] == 1 and "no price on 0001-01-01" in rep["unpriced"][HAIKU]["reason"]
    assert any("2 records have no readable timestamp" in n for n in rep["notes"])
    assert adds_up(rep)


@pytest.mark.parametrize(("flag", "value", "day"), [
    ("since", "2026-05-01T23:00:00-05:00", "2026-05-02"),  # the UTC day, as --at reads it
    ("until", "2026-05-02T01:00:00+02:00", "2026-05-01"),
    ("since", "2026-05-01", "2026-05-01"),
    ("at", "2026-05-01T23:00:00-05:00", "2026-05-02"),
])
def test_since_until_and_at_take_the_utc_day_of_a_timestamp(flag, value, day):
    assert getattr(logs.Options(today=PINNED_TODAY, **{flag: value}), flag) == day


@pytest.mark.parametrize("flag", ["--since", "--until", "--at"])
@pytest.mark.parametrize("value", ["2026-05-01XYZ", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00",
                                   "2026-02-30", "x" * 10_000])
def test_bad_days_are_one_line_errors(capsys, flag, value):
    assert main(["analyze", str(CC), flag, value]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{flag}: not a date" in err and len(err) < 300


# ----------------------------------------------------------------------------------------------------------
# 6. Paths that cannot be read are listed with the reason; the rest is read
# ----------------------------------------------------------------------------------------------------------


def _tree(tmp_path) -> Path:
    root = tmp_path / "logs"
    for name in ("a/one.jsonl", "b/two.jsonl", "c/three.jsonl"):
        p = root / name
        p.parent.mkdir(parents=True)
        p.write_text(api_line(name[0]))
    return root


def test_an_unreadable_file_is_skipped_with_its_reason(tmp_path, monkeypatch, capsys):
    """(The tests run as root, who may read any file: the permission error is simulated.)"""
    root = _tree(tmp_path)
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("two.jsonl"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    real_os_open = os.open

    def deny_fd(path, *args, **kwargs):  # (a small file is read with os.open and os.read)
        if str(path).endswith("two.jsonl"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(reader, "open", deny, raising=False)
    monkeypatch.setattr(os, "open", deny_fd)
    rep = cli_json(capsys, root)
    assert rep["skipped"] == [{"path": str(root / "b" / "two.jsonl"), "reason": "cannot read: Permission denied"}]
    assert rep["records"] == 2 and rep["total_usd"] == "0.003"  # two files of $0.0015
    assert [Path(f["file"]).name for f in rep["files"]] == ["one.jsonl", "three.jsonl"]
    assert any("could not be read" in n for n in rep["notes"])
    assert main(["analyze", str(root)]) == 0
    text = capsys.readouterr().out
    assert "Skipped, not read (1)" in text and "two.jsonl: cannot read: Permission denied" in text


def test_unreadable_and_symlinked_folders_are_skipped_with_their_reason(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    (root / "link").symlink_to(root / "c", target_is_directory=True)
    (root / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    real = os.scandir

    def scandir(path):
        if str(path).endswith(os.sep + "a"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    rep = report(root)
    reasons = {Path(s["path"]).name: s["reason"] for s in rep["skipped"]}
    assert reasons == {"a": "folder cannot read: Permission denied",
                       "link": "symbolic link to a folder: not followed (give the folder itself as a path to read it)",
                       "gone.jsonl": "broken symbolic link"}
    assert rep["records"] == 2  # b and c


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission (the test above simulates)")
def test_a_file_without_read_permission_is_skipped_real_permissions(tmp_path):
    root = _tree(tmp_path)
    (root / "b" / "two.jsonl").chmod(0)
    rep = report(root)
    assert [s["path"] for s in rep["skipped"]] == [str(root / "b" / "two.jsonl")] and rep["records"] == 2


def cli_json(capsys, *argv):
    status = main(["analyze", *map(str, argv), "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


# ----------------------------------------------------------------------------------------------------------
# 7. Deeply nested JSON is a malformed line, not a RecursionError
# ----------------------------------------------------------------------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize("kind", ["usage-report", "cost-report"])
def test_deeply_nested_reports_are_malformed_not_a_crash(tmp_path, capsys, kind):
    f = tmp_path / "report.json"
    page = {"data": [{"starting_at": "2026-11-02T00:00:00Z", "results": "PLACEHOLDER"}], "has_more": False}
    f.write_text(json.dumps(page).replace('"PLACEHOLDER"', DEEP) + "\n" + api_line(1))
    for fmt in ("auto", kind):
        rep = report(f, fmt=fmt)
        assert rep["malformed"] >= 1 and "nested too deeply" in rep["malformed_lines"][0]["reason"], rep
        assert adds_up(rep)
    assert main(["analyze", str(f), "--format", kind]) == 1
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "Traceback" not in err


@pytest.mark.parametrize("where", ["usage", "top", "input_tokens"])
def test_deeply_nested_jsonl_lines_are_malformed(tmp_path, where):
    rec = json.loads(api_line(2))
    if where == "usage":
        rec["usage"]["x"] = "PLACEHOLDER"
    elif where == "top":
        rec["extra"] = "PLACEHOLDER"
    else:
        rec["usage"]["input_tokens"] = "PLACEHOLDER"
    f = tmp_path / "deep.jsonl"
    f.write_text(api_line(1) + json.dumps(rec).replace('"PLACEHOLDER"', DEEP) + "\n" + api_line(3))
    for fast in (True, False):
        rep = logs.analyze_paths([str(f)], logs.Options(today=PINNED_TODAY), jobs=1, fast=fast).report()
        assert rep["records"] == 2 and rep["malformed"] == 1 and rep["malformed_lines"][0]["line"] == 2
        assert adds_up(rep)


# ----------------------------------------------------------------------------------------------------------
# 8. Money that is not a finite, plausible number is a malformed row
# ----------------------------------------------------------------------------------------------------------

BAD_AMOUNTS = ["NaN", "-NaN", "sNaN", "Infinity", "-inf", "1e999999", "1e-999999", "1" * 100, "12abc", "", "1e20"]


def test_bad_amounts_in_a_cost_report_are_malformed_rows(tmp_path, capsys):
    results = [{"amount": a, "currency": "USD", "model": "claude-haiku-4-5", "cost_type": "tokens"}
               for a in BAD_AMOUNTS]
    results += [{"amount": 1e309, "currency": "USD"}, {"amount": None}, {"amount": [1]}, {"amount": True},
                {"amount": "150.5", "currency": "USD", "model": "claude-haiku-4-5", "cost_type": "tokens"}]
    f = tmp_path / "cost.json"
    f.write_text(json.dumps({"data": [{"starting_at": "2026-11-02T00:00:00Z", "results": results}]}))
    u = tmp_path / "usage.jsonl"
    u.write_text(api_line(1))
    rep = report(f, u)
    assert rep["malformed"] == len(results) - 1 and rep["lines"]["lines"] == len(results) + 1 and adds_up(rep)
    assert all(len(m["reason"]) < 200 for m in rep["malformed_lines"])
    row = rep["reconciliation"][0]
    assert row["billed_usd"] == "1.505"  # 150.5 cents
    assert main(["analyze", str(f), str(u), "--json"]) == 0
    out = capsys.readouterr().out
    assert len(out) < 20_000  # (a huge exponent once printed megabytes of digits)
    got = json.loads(out)["reconciliation"][0]
    for key in ("estimated_usd", "billed_usd", "difference_usd"):
        assert Decimal(got[key]).is_finite()
    assert main(["analyze", str(f), str(u)]) == 0
    assert "Reconciliation" in capsys.readouterr().out


def test_bad_costs_in_a_cost_csv_are_malformed_rows(tmp_path, capsys):
    f = tmp_path / "cost.csv"
    f.write_text("usage_date_utc,model_version,cost_usd\n" + "".join(
        f"2026-11-02,claude-haiku-4-5,{a}\n" for a in [*BAD_AMOUNTS, "$1.25"]))
    u = tmp_path / "usage.jsonl"
    u.write_text(api_line(1))
    rep = report(f, u)
    assert rep["malformed"] == len(BAD_AMOUNTS) and adds_up(rep)
    assert rep["reconciliation"][0]["billed_usd"] == "1.25"
    assert main(["analyze", str(f), str(u)]) == 0
    assert "Reconciliation" in capsys.readouterr().out


@pytest.mark.parametrize("share", ["NaN", "sNaN", "inf", "-Infinity", "1e999999", "2", "-0.1", "x", "9" * 5000])
def test_batch_share_must_be_a_finite_number_between_0_and_1(capsys, share):
    assert main(["analyze", str(CC), f"--batch-share={share}"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "batch share must be a number between 0 and 1" in err and len(err) < 200


# ----------------------------------------------------------------------------------------------------------
# 9. Inputs that are not regular files: '-', FIFOs, devices
# ----------------------------------------------------------------------------------------------------------


def test_dash_reads_standard_input(tmp_path):
    """(A subprocess: the test session's own standard input is not a pipe.)"""
    data = (CC / "projects" / "-home-me-app" / "sess-a.jsonl").read_bytes()
    run = subprocess.run([sys.executable, "-m", "calculators", "analyze", "-", "--json"], input=data,
                         capture_output=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr
    rep = json.loads(run.stdout)
    assert rep["files"][0]["file"] == "<stdin>" and rep["total_usd"] == "0.02474"  # as in test_logs


def test_dash_on_a_terminal_is_refused(monkeypatch, capsys):
    class Tty(io.BytesIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Tty())
    assert main(["analyze", "-"]) == 1
    err = capsys.readouterr().err
    assert "standard input, which is a terminal" in err and err.count("\n") == 1


def test_a_fifo_is_read_when_a_program_writes_to_it(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w") as fh:
            fh.write(api_line(1) + api_line(2))

    writer = threading.Thread(target=write)
    writer.start()
    rep = report(fifo)
    writer.join()
    assert rep["records"] == 2 and rep["total_usd"] == "0.003" and rep["skipped"] == []


@pytest.mark.real_timers
def test_a_fifo_nobody_writes_to_is_skipped_not_waited_for(tmp_path, monkeypatch, capsys):
    fifo = tmp_path / "idle.jsonl"
    os.mkfifo(fifo)
    monkeypatch.setattr(reader, "FIFO_WAIT_SECONDS", 0.3)
    start = time.monotonic()
    assert main(["analyze", str(fifo), str(CC / "projects" / "-home-me-app" / "sess-a.jsonl"), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert time.monotonic() - start < 10
    assert rep["skipped"] == [{"path": str(fifo), "reason": "cannot read: a FIFO that no program wrote to within "
                                                            "0 s"}]
    assert main(["analyze", str(fifo)]) == 1
    assert "nothing was priced" in capsys.readouterr().err


def test_a_device_is_read_up_to_the_cap_and_the_report_says_so(capsys):
    assert main(["analyze", "/dev/zero", "--max-stream-mb", "1"]) == 1
    err = capsys.readouterr().err
    assert "no such file" not in err and err.count("\n") == 1
    assert "/dev/zero is not a regular file: only its first 1 MB were read" in err
    a = logs.analyze_paths(["/dev/zero", str(CC)], logs.Options(today=PINNED_TODAY), jobs=1, stream_limit=1000)
    rep = a.report()
    assert rep["total_usd"] == "0.98324" and any("first 1,000 bytes" in n for n in rep["notes"])
    assert rep["files"][0] == {"file": "/dev/zero", "format": "api", "bytes": 1000}


# ----------------------------------------------------------------------------------------------------------
# 10. Worker processes die with the analysis, and a stopped worker does not make it wait for ever
# ----------------------------------------------------------------------------------------------------------

_SLOW_ANALYZE = """
import sys, time
from calculators.logs import reader, workers
from calculators.cli import main
real = reader._read_piece
def slow(*args):
    time.sleep(60)
    return real(*args)
reader._read_piece = slow
workers._start_method = lambda mp: "fork"
workers.MAIN_READS = False
reader.PIECE = 64
reader.MIN_PARALLEL_BYTES = 0
sys.exit(main(["analyze", sys.argv[1], "--jobs", "2", "--json"]))
"""


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.real_timers
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker processes in /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_analysis_kills_its_workers(tmp_path, sig):
    for i in range(4):
        (tmp_path / f"s{i}.jsonl").write_text(api_line(i) + "z" * 200 + "\n")
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_ANALYZE, str(tmp_path)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) == 2, "the workers did not start"
        time.sleep(0.5)  # (let them get into their tasks)
        proc.send_signal(sig)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers)), "workers outlived the analysis"
    finally:  # (when the test fails, leave nothing behind)
        proc.kill()
        for pid in set(workers) | set(_children(proc.pid)):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.real_timers
@FORK_WITH_THREADS
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="sees a stopped process in /proc")
def test_a_stopped_worker_ends_the_analysis_with_a_message(tmp_path, monkeypatch):
    import multiprocessing

    for i in range(4):
        (tmp_path / f"s{i}.jsonl").write_text(api_line(i) + "z" * 200 + "\n")
    here = os.getpid()
    real = reader._read_piece

    def read(path, *args):
        if path.endswith("s1.jsonl") and os.getpid() != here:
            os.kill(os.getpid(), signal.SIGSTOP)
        return real(path, *args)

    monkeypatch.setattr(reader, "_read_piece", read)
    monkeypatch.setattr(workers, "_start_method", lambda mp: "fork")
    monkeypatch.setattr(workers, "MAIN_READS", False)  # (every task in a worker process)
    monkeypatch.setattr(reader, "PIECE", 64)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "STOPPED_SECONDS", 1.0)
    start = time.monotonic()
    with pytest.raises(PriceError, match=r"worker process \d+ reading the logs was stopped"):
        logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=2)
    assert time.monotonic() - start < 20
    assert multiprocessing.active_children() == []  # the stopped worker was killed


@pytest.mark.real_timers
@FORK_WITH_THREADS
def test_a_silent_worker_ends_the_analysis_after_the_timeout(tmp_path, monkeypatch):
    for i in range(4):
        (tmp_path / f"s{i}.jsonl").write_text(api_line(i) + "z" * 200 + "\n")
    real = reader._read_piece
    here = os.getpid()

    def hang(path, *args):
        if path.endswith("s1.jsonl") and os.getpid() != here:
            time.sleep(60)
        return real(path, *args)

    monkeypatch.setattr(reader, "_read_piece", hang)
    monkeypatch.setattr(workers, "_start_method", lambda mp: "fork")
    monkeypatch.setattr(workers, "MAIN_READS", False)  # (every task in a worker process)
    monkeypatch.setattr(reader, "PIECE", 64)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setenv("CLAUDE_COST_WORKER_TIMEOUT", "1.5")
    with pytest.raises(PriceError, match="no worker process reading the logs answered for 2 s"):
        logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=2)


# ----------------------------------------------------------------------------------------------------------
# Smaller: nothing priced, CSV formulas, --csv - with --json, line counts
# ----------------------------------------------------------------------------------------------------------


def test_nothing_priced_is_a_one_line_error_that_says_what_was_found(tmp_path, capsys):
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(bytes(range(256)) * 20)
    assert main(["analyze", str(junk)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claude-cost: error: nothing was priced: read ") and "malformed" in err
    assert err.count("\n") == 1
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(api_line(1, model="gpt-9") + api_line(2, model="claude-opus-9") + api_line(3, model="gpt-9"))
    assert main(["analyze", str(unknown), "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "3 records could not be priced: 'gpt-9' (2), 'claude-opus-9' (1)" in out.err
    # the browser gets the same sentence first among the notes
    from calculators import bridge

    sid = bridge.call("analyze_start", {})["result"]["session"]
    bridge.call("analyze_chunk", {"session": sid, "file": "u.jsonl", "text": unknown.read_text(), "final": True})
    got = bridge.call("analyze_finish", {"session": sid})["result"]
    assert got["problem"].startswith("nothing was priced") and got["notes"][0] == got["problem"]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path, lead):
    f = tmp_path / "s.jsonl"
    rec = json.loads(api_line(1))
    rec["session_id"] = lead + "cmd|' /C calc'!A0"
    f.write_text(json.dumps(rec) + "\n")
    rows = csv_rows(analysis(f))
    assert rows[0]["session"] == "'" + rec["session_id"]


def test_csv_to_stdout_with_json_is_refused(capsys):
    assert main(["analyze", str(CC), "--csv", "-", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--csv - and --json both write to standard output" in err


# Building blocks of messy log folders: good and bad lines of every format above.
_JSONL_BITS = [
    api_line(1), api_line(2, model="gpt-9"), api_line(3, input_tokens=-1), api_line(4, output_tokens=1.5),
    api_line(5, ts="0001-01-01T00:00:00+01:00"), stream_lines(6), stream_lines(7, stop=False),
    stream_lines(8, start_usage={"input_tokens": "x"}), stream_lines(9, delta_usage={"output_tokens": -2}),
    '{"type":"message_delta","usage":{"output_tokens":5}}\n', '{"type":"message_stop"}\n', "\n", "   \n",
    "{broken\n", '{"type":"user","message":{"role":"user","content":"hi"}}\n', "[1,2]\n",
    (CC / "projects" / "-home-me-app" / "sess-a.jsonl").read_text(), DEEP + "\n",
    '{"usage":{"input_tokens":' + "[" * 3000 + "]" * 3000 + "}}\n", "data: " + api_line(10), "event: x\n",
    '{"costUSD": NaN, "type":"assistant","message":{"model":"' + HAIKU + '","usage":{"input_tokens":1}}}\n']
_CSV_BITS = [f"2026-11-02,{HAIKU},1000,0,0\n", f'2026-11-02,"{HAIKU},1,0,0\n', "1e30,2,3\n",
             f"2026-11-02,{HAIKU},1.5,0,0\n", "\n", ",,,\n", f'2026-11-02,{HAIKU},"{"7" * 140_000}",0,0\n',
             f"2026-11-02,{HAIKU},{P.MAX_TOKENS + 1},0,0\n"]


@pytest.mark.real_timers
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["jsonl", "csv", "json"]), st.lists(st.integers(0, 10**6), max_size=12),
                          st.sampled_from(["\n", "\r\n", "\r"]), st.binary(max_size=6)), min_size=1, max_size=4))
def test_line_counts_add_up_on_messy_folders(tmp_path_factory, files):
    """Folders of messy files (every class above, mixed, with CRLF or CR line ends, with junk bytes at the end):
    every line is counted once, as a record, malformed, ignored, synthetic or blank, and nothing raises."""
    folder = tmp_path_factory.mktemp("messy")
    for n, (kind, picks, newline, junk) in enumerate(files):
        if kind == "csv":
            bits = [CSV_HEADER] + [_CSV_BITS[i % len(_CSV_BITS)] for i in picks]
        elif kind == "json":
            results = [{"model": HAIKU, "uncached_input_tokens": i % 7 - 1, "output_tokens": 1} for i in picks]
            bits = [json.dumps({"data": [{"starting_at": "2026-11-02T00:00:00Z", "results": results}]}), "\n"]
        else:
            bits = [_JSONL_BITS[i % len(_JSONL_BITS)] for i in picks]
        text = "".join(bits).replace("\n", newline)
        (folder / f"f{n}.{kind}").write_bytes(text.encode() + junk)
    a = logs.analyze_paths([str(folder)], logs.Options(today=PINNED_TODAY), jobs=1)
    rep = a.report()
    logs.render_text(rep)
    c = rep["lines"]
    assert c["records"] + c["malformed"] + c["ignored"] + c["synthetic"] + c["blank"] == c["lines"], c
    assert (a.problem(rep) is None) == bool(rep["records"])


_ODD = [None, True, 0, -1, 1.5, float("nan"), "", "x" * 5000, [1], {"a": 1}, "NaN", "2026-05-01XYZ",
        "0001-01-01T00:00:00+01:00"]


@pytest.mark.parametrize("field", ["format", "model", "since", "until", "at", "batch_share", "route_to"])
def test_the_bridge_answers_odd_start_inputs_with_field_errors(field):
    from calculators import bridge

    for value in _ODD:
        got = bridge.call("analyze_start", {field: value})
        assert got["ok"] or all(e["message"] and len(e["message"]) < 400 for e in got["errors"]), (value, got)


@pytest.mark.parametrize("field", ["session", "file", "text", "final"])
def test_the_bridge_answers_odd_chunk_inputs_with_field_errors(field):
    from calculators import bridge

    sid = bridge.call("analyze_start", {})["result"]["session"]
    for value in _ODD:
        inputs = {"session": sid, "file": "a.jsonl", "text": api_line(1), field: value}
        got = bridge.call("analyze_chunk", inputs)
        assert got["ok"] or got["errors"][0]["field"] in ("session", "file", "text"), (value, got)
    for value in _ODD:
        assert bridge.call("analyze_cancel", {"session": value})["ok"]
        assert not bridge.call("analyze_finish", {"session": value})["ok"]
