"""The usage-log analyser on hand-written fixtures (tests/log_fixtures/), one per format and bug class.

Every expected dollar figure is worked out in a comment from the published per-MTok prices:
Sonnet 4.5 $3 in / $15 out (5m write 1.25x = $3.75, 1h write 2x = $6, read 0.1x = $0.30; before 2026-03-13 a
prompt above 200K tokens bills every rate at $6 / $22.50, read 0.1 x $6 = $0.60); Haiku 4.5 $1 / $5 (1h write
$2); Sonnet 5.5 $2 / $10 with cache reads $0.20 until 2026-10-06 and $0.10 from 2026-10-07; Opus 4.6 $5 input;
batch 0.5x; US-only inference 1.1x; web search $10 per 1,000.
"""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PINNED_TODAY

from calculators import logs
from calculators.cli import main
from calculators.cost import PriceError
from calculators.logs import jsonl as P
from calculators.logs import reader, records, workers

FIX = Path(__file__).parent / "log_fixtures"
CC = FIX / "claude_code"


def analyse(*paths, fast=True, jobs=1, **opts):
    o = logs.Options(**{"today": PINNED_TODAY, **opts})
    return logs.analyze_paths([str(p) for p in paths], o, jobs=jobs, fast=fast).report()


def cli_json(capsys, *argv):
    status = main(["analyze", *map(str, argv), "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def record_costs(*paths, **opts):
    """Per-record cost from the --csv writer, keyed by (file name, line)."""
    a = logs.analyze_paths([str(p) for p in paths], logs.Options(**{"today": PINNED_TODAY, **opts}), jobs=1)
    buf = io.StringIO()
    a.write_csv(buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    return {(Path(r["file"]).name, int(r["line"])): Decimal(r["usd"]) for r in rows}


# ----------------------------------------------------------------------------------------------------------
# Claude Code session logs
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False], ids=["orjson-if-installed", "stdlib-json"])
def test_claude_code_tree_totals(fast):
    rep = analyse(CC, fast=fast)
    # msg_A (kept copy: output 200): 10x3 + 1000x3.75 + 200x15 = 6,780 -> $0.00678
    # msg_B: 20x3 + 1000x3.75 (5m) + 2000x6 (1h) + 1000x0.30 + 100x15 = 17,610 -> $0.01761
    # msg_C (Haiku 4.5 sidechain): 100x1 + 50x5 = 350 -> $0.00035
    # msg_E (2026-03-01, prompt 150,000 + 60,000 = 210,000 > 200K): 150000x6 + 60000x0.60 + 1000x22.50 = 958,500
    # total 6,780 + 17,610 + 350 + 958,500 = 983,240 per MTok units -> $0.98324
    assert rep["total_usd"] == "0.98324"
    assert rep["records"] == 4
    sonnet = rep["by_model"]["claude-sonnet-4-5-20250929"]
    assert sonnet["total_usd"] == "0.98289"  # 6,780 + 17,610 + 958,500
    assert (sonnet["input"], sonnet["cache_write_5m"], sonnet["cache_write_1h"], sonnet["cache_read"],
            sonnet["output"]) == (150030, 2000, 2000, 61000, 1300)
    assert rep["by_model"]["claude-haiku-4-5-20251001"]["total_usd"] == "0.00035"
    # the unknown model is listed with its tokens and not priced at $0 (and not matched to an Opus 4 by substring)
    assert rep["unpriced"]["claude-opus-4-9"]["records"] == 1
    assert rep["unpriced"]["claude-opus-4-9"]["input"] == 1000
    assert rep["unpriced"]["claude-opus-4-9"]["output"] == 1000
    assert "claude-opus-4-9" not in rep["by_model"]
    # lines: 12 = 7 record lines + 1 synthetic + 2 ignored (user, summary) + 2 malformed
    assert rep["lines"] == {"lines": 12, "records": 7, "malformed": 2, "ignored": 2, "synthetic": 1, "blank": 0}
    assert rep["duplicates_merged"] == 2  # msg_A partial copy, msg_A copied into a resumed session
    assert rep["malformed"] == 2
    where = [(Path(m["file"]).name, m["line"]) for m in rep["malformed_lines"]]
    assert where == [("sess-b.jsonl", 4), ("sess-b.jsonl", 5)]
    assert "input_tokens" in rep["malformed_lines"][0]["reason"]
    assert rep["logged_cost_usd"] == "0.0123"


def test_streaming_duplicates_keep_most_complete_usage():
    costs = record_costs(CC)
    # msg_A appears on lines 2 (output 5), 3 (output 200) and in sess-b line 2 (output 200, same usage):
    # the most complete copy (output 200) is kept, first one read among equals: sess-a line 3.
    assert costs[("sess-a.jsonl", 3)] == Decimal("0.00678")
    assert ("sess-a.jsonl", 2) not in costs
    assert ("sess-b.jsonl", 2) not in costs


def test_one_hour_writes_are_not_priced_as_five_minute_writes():
    costs = record_costs(CC)
    # 2,000 1-hour tokens at $6 (2x), not $3.75: 60 + 3,750 + 12,000 + 300 + 1,500 = 17,610 -> $0.01761
    # (as 5-minute writes it would be 60 + 3000x3.75 + 300 + 1,500 = 13,110 -> $0.01311)
    assert costs[("sess-a.jsonl", 4)] == Decimal("0.01761")


def test_prompt_tier_before_march_2026_applies_to_whole_request():
    costs = record_costs(CC)
    assert costs[("sess-b.jsonl", 3)] == Decimal("0.9585")  # 958,500 / 1,000,000, see above


def test_synthetic_records_are_skipped_and_counted():
    rep = analyse(CC)
    assert rep["lines"]["synthetic"] == 1
    assert "<synthetic>" not in rep["unpriced"] and "<synthetic>" not in rep["by_model"]
    assert any("synthetic" in n for n in rep["notes"])


def test_sessions_and_days():
    rep = analyse(CC)
    by_session = {s["session"]: s for s in rep["by_session"]}
    assert by_session["sess-a"]["total_usd"] == "0.02474"  # 6,780 + 17,610 + 350
    assert by_session["sess-b"]["total_usd"] == "0.9585"
    assert [(d["day"], d["total_usd"]) for d in rep["by_day"]] == [("2026-03-01", "0.9585"),
                                                                   ("2026-05-01", "0.02474")]


def test_since_until_filter_by_utc_day():
    rep = analyse(CC, since="2026-04-01")
    assert rep["total_usd"] == "0.02474"
    assert rep["filtered_out"] == 1  # msg_E (2026-03-01)
    rep = analyse(CC, until="2026-03-31")
    assert rep["total_usd"] == "0.9585"


# ----------------------------------------------------------------------------------------------------------
# API logs and streaming events
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False])
def test_api_responses_each_record_priced_at_its_own_date(fast):
    rep = analyse(FIX / "api_responses.jsonl", fast=fast, at="2026-11-01")
    # Sonnet 5.5 on 2026-10-01 (reads $0.20): 1000x2 + 100000x0.20 + 1000x10 = 32,000 -> $0.032
    # Sonnet 5.5 on 2026-10-10 (10:00 UTC; reads $0.10): 2,000 + 10,000 + 10,000 = 22,000 -> $0.022
    # msg_X Haiku 4.5, no timestamp -> prices of --at: 500x1 + 100x5 = 1,000 -> $0.001 (its copy is merged)
    # Opus 4.6 batch + US-only on 2026-11-01: 1,000,000 x $5 x 0.5 x 1.1 = $2.75
    # total 0.032 + 0.022 + 0.001 + 2.75 = $2.805
    assert rep["total_usd"] == "2.805"
    assert rep["by_model"]["claude-sonnet-5-5"]["total_usd"] == "0.054"
    assert rep["records"] == 4
    assert rep["duplicates_merged"] == 1
    assert rep["malformed"] == 2  # bare usage without --model, and a line cut short
    assert rep["lines"]["blank"] == 1
    assert [(d["day"], d["total_usd"]) for d in rep["by_day"]] == [
        ("2026-10-01", "0.032"), ("2026-10-10", "0.022"), ("2026-11-01", "2.751")]
    assert any("no readable timestamp" in n for n in rep["notes"])


def test_bare_usage_needs_model_flag(tmp_path):
    f = tmp_path / "bare.jsonl"
    f.write_text('{"input_tokens": 1000, "output_tokens": 100, "cache_read_input_tokens": 2000}\n')
    rep = analyse(f, model="claude-haiku-4-5", at="2026-11-01")
    # 1000x1 + 2000x0.10 + 100x5 = 1,700 -> $0.0017
    assert rep["total_usd"] == "0.0017"
    assert rep["malformed"] == 0


def test_stream_delta_usage_is_cumulative_not_summed():
    rep = analyse(FIX / "stream_events.jsonl")
    # msg_s1: input 2,000 x $1 + final cumulative output 300 x $5 = 3,500 -> $0.0035 (summing deltas: 351)
    # msg_s2 (no message_stop before EOF): 100x1 + 4,000 1h writes x $2 + 20x5 = 8,200 -> $0.0082
    assert rep["total_usd"] == "0.0117"
    assert rep["records"] == 2
    c = rep["lines"]
    assert c["lines"] == 8 and c["records"] + c["ignored"] + c["malformed"] + c["blank"] == 8


def test_server_sent_events_capture():
    rep = analyse(FIX / "stream_sse.txt", at="2026-11-01")
    assert rep["files"][0]["format"] == "stream"
    assert rep["total_usd"] == "0.0035"  # 2,000 x $1 + 300 x $5


# ----------------------------------------------------------------------------------------------------------
# Admin API reports, Console CSV
# ----------------------------------------------------------------------------------------------------------


def test_usage_report_pages():
    rep = analyse(FIX / "usage_report.json")
    # Sonnet 4.5: 1Mx3 + 1M 1h x6 + 2M x0.30 + 100K x15 = 3 + 6 + 0.6 + 1.5 = $11.10, + 10 searches x $0.01
    # Haiku 4.5 batch: (2M x1 + 1M x5) x 0.5 = $3.50
    # Opus 4.6 priority (no published price, standard rates): 100K x5 = $0.50
    assert rep["total_usd"] == "15.2"
    assert rep["by_model"]["claude-sonnet-4-5-20250929"]["total_usd"] == "11.2"
    assert rep["spend_by_bucket"]["web_search"]["usd"] == "0.1"
    assert rep["per_turn"]["requests"] == 0  # rows sum many requests
    assert any("Priority Tier" in n for n in rep["notes"])
    by_key = {s["session"]: s["total_usd"] for s in rep["by_session"]}
    assert by_key == {"apikey_01": "11.7", "apikey_02": "3.5"}


def test_cost_report_reconciliation():
    rep = analyse(FIX / "usage_report.json", FIX / "cost_report.json")
    rows = {r["model"]: r for r in rep["reconciliation"]}
    # Sonnet: billed 1,110.00 + 10.00 cents = $11.20 = estimate
    assert rows["claude-sonnet-4-5-20250929"]["billed_usd"] == "11.2"
    assert rows["claude-sonnet-4-5-20250929"]["difference_usd"] == "0"
    assert "web search" in rows["claude-sonnet-4-5-20250929"]["explanation"]
    # Haiku: billed 360.5 cents = $3.605, estimate $3.50 -> difference -$0.105, not explained
    assert rows["claude-haiku-4-5-20251001"]["difference_usd"] == "-0.105"
    assert "unexplained" in rows["claude-haiku-4-5-20251001"]["explanation"]
    # Opus 4.6 ran on Priority Tier, which the cost report leaves out
    assert "Priority Tier" in rows["claude-opus-4-6"]["explanation"]
    assert rows["claude-opus-4-6"]["billed_usd"] == "0"


def test_console_csv_columns_in_any_order():
    rep = analyse(FIX / "console_usage.csv")
    # Haiku 4.5: 1M x1 + 200K x5 = $2.00; Sonnet 4.5 batch: (1M x0.30 + 400K x3.75) x0.5 = $0.90, + 5 x $0.01
    assert rep["total_usd"] == "2.95"
    assert rep["malformed"] == 1  # "many" is not a token count
    assert rep["malformed_lines"][0]["line"] == 4


def test_malformed_file_never_stops_the_run(capsys):
    rep = cli_json(capsys, FIX / "malformed.jsonl", CC)
    assert rep["malformed"] == 3 + 2
    assert rep["total_usd"] == "0.98324"


# ----------------------------------------------------------------------------------------------------------
# The CLI
# ----------------------------------------------------------------------------------------------------------


def test_cli_json_shape(capsys):
    rep = cli_json(capsys, CC)
    assert set(rep) >= {"total_usd", "records", "malformed", "unpriced", "by_model"}
    for v in rep["by_model"].values():
        assert set(v) >= {"total_usd", "input", "cache_write_5m", "cache_write_1h", "cache_read", "output"}
        Decimal(v["total_usd"])
    assert isinstance(rep["records"], int) and isinstance(rep["malformed"], int)


def test_cli_text_report_and_csv(tmp_path, capsys):
    out = tmp_path / "records.csv"
    assert main(["analyze", str(CC), "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Total: $0.98" in text
    assert "claude-opus-4-9" in text and "Unpriced" in text
    for lever in ("caching", "cache_ttl_1h", "batch", "routing", "output_cap"):
        assert lever in text
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    assert sum(Decimal(r["usd"]) for r in rows) == Decimal("0.98324")


def test_cli_errors_are_one_line(capsys, tmp_path):
    assert main(["analyze", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
    assert main(["analyze", str(CC), "--since", "2026-13-01"]) == 1
    assert "not a date" in capsys.readouterr().err
    assert main(["analyze", str(CC), "--route-to", "gpt-5"]) == 1
    assert "gpt-5" in capsys.readouterr().err


# The tests below choose how workers start: the session may have threads of its own (the browser tests' site
# server), which would make analyze_paths use forkserver, and a monkeypatched function does not reach a worker
# that was not forked. Python 3.12+ warns about forking a process with threads; these tests accept that.
FORK_WITH_THREADS = pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning")


@FORK_WITH_THREADS
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_parallel_and_single_process_agree(tmp_path, monkeypatch, method):
    monkeypatch.setattr(workers, "_start_method", lambda mp: method)
    # one file large enough to be split into byte ranges across workers
    src = (CC / "projects" / "-home-me-app" / "sess-a.jsonl").read_bytes()
    big = tmp_path / "big.jsonl"
    with big.open("wb") as fh:
        for i in range(400):
            fh.write(src.replace(b"msg_", f"m{i}_".encode()).replace(b"req_", f"r{i}_".encode()))
    monkeypatch.setattr(reader, "PIECE", 64 << 10)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    one = logs.analyze_paths([str(big)], logs.Options(today=PINNED_TODAY), jobs=1).report()
    two = logs.analyze_paths([str(big)], logs.Options(today=PINNED_TODAY), jobs=2).report()
    assert len(one["files"]) == 1 and big.stat().st_size > 8 * (64 << 10)  # so it was split into ranges
    assert one == two
    assert one["records"] == 400 * 3
    assert Decimal(one["total_usd"]) == Decimal("0.02474") * 400  # each copy of sess-a costs $0.02474


def test_workers_start_before_every_file_is_planned_and_agree(tmp_path, monkeypatch):
    """With more than EARLY_BYTES to read, the workers get their first tasks before the rest of the files are
    planned (in_workers' plan_rest); the report and the progress are those of one process reading everything."""
    ts = "2026-11-02T10:00:00.000Z"
    for i in range(30):  # Haiku 4.5, 1,000 input x $1/MTok + 100 output x $5/MTok = $0.0015 each
        (tmp_path / f"s{i:02}.jsonl").write_text(_line(ts, f"m{i}", session=f"s{i}", input_tokens=1000,
                                                       output_tokens=100) + "z" * 200 + "\n")
    monkeypatch.setattr(reader, "PIECE", 64)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(reader, "EARLY_BYTES", 1000)  # about 3 files, then the workers start
    calls: list = []
    real = reader.in_workers

    def watch(run_task, task_args, jobs, plan_rest=None):
        calls.append((len(task_args), plan_rest is not None))
        yield from real(run_task, task_args, jobs, plan_rest)
        calls.append(len(task_args))
        calls.append(sum(map(len, task_args)))  # pieces

    monkeypatch.setattr(reader, "in_workers", watch)
    here, read_here = os.getpid(), []  # (what a worker process appends stays in that process)
    real_read = reader._read_piece

    def read(path, *args):
        if os.getpid() == here:
            read_here.append(path)
        else:
            sum(range(100_000))  # (a slower worker: this process surely finds no result waiting at times)
        return real_read(path, *args)

    monkeypatch.setattr(reader, "_read_piece", read)
    monkeypatch.setattr(workers, "_start_method", lambda mp: "fork")
    seen: list = []
    two = logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=2,
                             progress=lambda done, total: seen.append((done, total))).report()
    assert calls[0][1] and 0 < calls[0][0] < calls[1]  # a few tasks first, the rest added while they were read
    # this process read some pieces itself (workers.MAIN_READS), its one worker process the others
    assert 0 < len(read_here) < calls[2]
    one = logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=1).report()
    assert two == one
    assert two["records"] == 30 and Decimal(two["total_usd"]) == Decimal("0.0015") * 30
    size = sum(f.stat().st_size for f in tmp_path.iterdir())
    assert {total for _, total in seen} == {size} and seen[-1] == (size, size)


def test_with_another_thread_running_the_workers_are_not_forked_and_agree(tmp_path, monkeypatch):
    """A caller with threads of its own (a web server, a notebook) gets workers started afresh, not forked from
    a process where another thread may hold a lock; the report is the same as the single-process one."""
    import threading

    ts = "2026-11-02T10:00:00.000Z"
    for i in range(4):  # one task per file: Haiku 4.5, 1,000 input x $1/MTok + 100 output x $5/MTok = $0.0015 each
        (tmp_path / f"s{i}.jsonl").write_text(_line(ts, f"m{i}", input_tokens=1000, output_tokens=100) + "z" * 200
                                             + "\n")
    monkeypatch.setattr(reader, "PIECE", 64)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    methods = []
    real = workers._start_method
    monkeypatch.setattr(workers, "_start_method", lambda mp: methods.append(real(mp)) or methods[-1])
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        two = logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=2).report()
    finally:
        stop.set()
        other.join()
    assert methods and methods[0] in ("forkserver", "spawn")
    assert Decimal(two["total_usd"]) == Decimal("0.0060") and two["records"] == 4  # 4 x $0.0015
    assert two == logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=1).report()


def test_workers_are_forked_only_from_a_single_threaded_process(monkeypatch):
    import multiprocessing
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert workers._start_method(multiprocessing) == "fork"  # the CLI's case: no other thread
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert workers._start_method(multiprocessing) == "forkserver"


def test_a_more_complete_copy_in_a_later_file_replaces_the_one_already_summed(tmp_path, monkeypatch):
    """The CLI sums records while the workers read on; a later file holding a more complete copy of a request
    already summed makes the analysis start over, so the total is the same as one built after reading."""
    ts = "2026-11-02T10:00:00.000Z"
    (tmp_path / "a.jsonl").write_text(_line(ts, "m1", input_tokens=100, output_tokens=10)
                                      + _line(ts, "m2", input_tokens=1000) + "x" * 300 + "\n")
    (tmp_path / "b.jsonl").write_text(_line(ts, "m1", input_tokens=100, output_tokens=1000) + "y" * 300 + "\n")
    monkeypatch.setattr(reader, "PIECE", 64)  # one task per file, in worker processes
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    analysis = logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=2)
    assert analysis.c.replaced == 1 and analysis.c.duplicates == 1
    rep = analysis.report()
    # Haiku 4.5 at $1 / $5 per MTok: m1 keeps b's copy: 100 x $1/MTok + 1,000 x $5/MTok = $0.0051;
    # m2: 1,000 x $1/MTok = $0.001. Total $0.0061 over 2 requests.
    assert Decimal(rep["total_usd"]) == Decimal("0.0061") and rep["records"] == 2
    assert rep == logs.Analysis(analysis.c, analysis.o, analysis.pricing).report()


# ----------------------------------------------------------------------------------------------------------
# What-ifs (small hand-made sessions)
# ----------------------------------------------------------------------------------------------------------


def _line(ts, mid, model="claude-haiku-4-5-20251001", session="s", **usage):
    u = {"input_tokens": 0, "output_tokens": 0, **usage}
    return json.dumps({"sessionId": session, "type": "assistant", "requestId": "r" + mid, "timestamp": ts,
                       "message": {"id": mid, "model": model, "usage": u}}) + "\n"


def test_what_if_caching_on_uncached_conversation(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text(_line("2026-06-01T00:00:00Z", "1", input_tokens=10000, output_tokens=0)
                 + _line("2026-06-01T00:01:00Z", "2", input_tokens=12000, output_tokens=0))
    rep = analyse(f)
    lever = next(w for w in rep["what_if"] if w["lever"] == "caching")
    # Haiku 4.5 ($1 in, $1.25 5m write, $0.10 read; min cacheable 4,096):
    # request 1 writes 10,000: extra 10000 x (1.25 - 1) = 2,500 -> saving -2,500
    # request 2 reads 10,000 and writes 2,000: old 12000x1 = 12,000; new 10000x0.10 + 2000x1.25 = 3,500 -> +8,500
    # net 6,000 per MTok units -> $0.006 against a total of 22,000 -> 27.27%
    assert lever["saving_usd"] == "0.006"
    assert lever["saving_share"] == "0.2727"
    assert lever["saving_share_display"] == "27.3%"  # (27.27% to one decimal, as the page and the text report show it)


def test_what_if_ttl_counts_rewrites_after_five_minutes(tmp_path):
    f = tmp_path / "t.jsonl"
    w = {"cache_creation_input_tokens": 10000}
    f.write_text(_line("2026-06-01T00:00:00Z", "1", **w) + _line("2026-06-01T00:20:00Z", "2", **w))
    rep = analyse(f)
    lever = next(w for w in rep["what_if"] if w["lever"] == "cache_ttl_1h")
    # request 1: 10,000 5m writes become 1h writes: -10000 x (2 - 1.25) = -7,500
    # request 2 (20 min later): would read 10,000 instead of writing: 10000 x (1.25 - 0.10) = +11,500
    # net 4,000 -> $0.004
    assert lever["saving_usd"] == "0.004"
    assert lever["writes_that_become_reads"] == 1


def test_what_if_ttl_is_the_same_when_a_session_is_written_out_of_order(tmp_path):
    """The TTL what-if is summed as requests arrive while they arrive in time order; a session whose requests
    arrive out of order (here the later request first, then a third one) is worked out again in time order."""
    f = tmp_path / "t.jsonl"
    w = {"cache_creation_input_tokens": 10000}
    f.write_text(_line("2026-06-01T00:20:00Z", "2", **w) + _line("2026-06-01T00:00:00Z", "1", **w)
                 + _line("2026-06-01T00:50:00Z", "3", **w))
    rep = analyse(f)
    lever = next(w for w in rep["what_if"] if w["lever"] == "cache_ttl_1h")
    # in time order: request 1 -7,500 (as above); request 2 (20 min later) +11,500; request 3 (30 min after
    # request 2) +11,500: net 15,500 per MTok units -> $0.0155, two writes that become reads
    assert lever["saving_usd"] == "0.0155"
    assert lever["writes_that_become_reads"] == 2


def test_what_if_batch_output_cap_and_routing(tmp_path):
    f = tmp_path / "b.jsonl"
    lines = [_line(f"2026-06-01T0{i}:00:00Z", str(i), model="claude-sonnet-4-5-20250929", input_tokens=1000,
                   output_tokens=100 * (i + 1)) for i in range(10)]
    f.write_text("".join(lines))
    rep = analyse(f, batch_share="0.5", route_to="claude-haiku-4-5")
    levers = {w["lever"]: w for w in rep["what_if"]}
    # token spend: 10 x 1000 x $3 + (100+...+1000 = 5,500) x $15 = 30,000 + 82,500 = 112,500 -> $0.1125
    assert rep["total_usd"] == "0.1125"
    # batch: half of it at half price: 112,500 x 0.5 x 0.5 = 28,125 -> $0.028125
    assert levers["batch"]["saving_usd"] == "0.028125"
    # output cap at p95 (nearest rank: 10th of 10 = 1,000): nothing above it
    assert levers["output_cap"]["cap_tokens"] == 1000
    assert levers["output_cap"]["saving_usd"] == "0"
    # routing to Haiku 4.5 (same tokenizer): requests with output <= median (5th of 10 = 500 tokens) move:
    # outputs 100..500 -> each saves 1000 x (3 - 1) + out x (15 - 5): 5 x 2,000 + 1,500 x 10 = 25,000 -> $0.025
    assert levers["routing"]["output_cutoff_tokens"] == 500
    assert levers["routing"]["saving_usd"] == "0.025"
    assert any("quality" in a for a in levers["routing"]["assumptions"])


# ----------------------------------------------------------------------------------------------------------
# Exactness: the per-record integer arithmetic equals calculators.cost.price
# ----------------------------------------------------------------------------------------------------------


def test_record_costs_equal_price(pricing):
    from calculators.cost import Usage, price

    a = logs.analyze_paths([str(CC), str(FIX / "api_responses.jsonl")], logs.Options(at="2026-11-01"), jobs=1)
    assert a.priced
    for r, day, m, _, _, cost, _placement in a.priced:
        u = Usage(input=r[P.F_IN], cache_write_5m=r[P.F_W5], cache_write_1h=r[P.F_W1], cache_read=r[P.F_RD],
                  output=r[P.F_OUT], web_searches=r[P.F_WEB])
        expected = price(m, u, batch=r[P.F_BATCH], geo=r[P.F_GEO], fast=r[P.F_FAST], at=day, pricing=pricing)
        assert records.usd(cost) == expected.total


def test_report_rows_pick_tiers_by_context_window_not_by_their_sums(tmp_path):
    page = {"data": [{"starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z", "results": [
        {"uncached_input_tokens": 1000000, "output_tokens": 100000, "model": "claude-sonnet-4-5-20250929",
         "context_window": "0-200k", "service_tier": "standard"},
        {"uncached_input_tokens": 1000000, "output_tokens": 100000, "model": "claude-sonnet-4-5-20250929",
         "context_window": "200k-1M", "service_tier": "standard"},
        {"uncached_input_tokens": 1000000, "output_tokens": 0, "model": "claude-haiku-5-5",
         "context_window": "0-200k", "service_tier": "standard"}]}],
        "has_more": False}
    page["data"][0]["results"][2]["model"] = "claude-haiku-4-5"  # Haiku 5.5 did not exist on 2026-03-01
    f = tmp_path / "usage.json"
    f.write_text(json.dumps(page))
    rep = analyse(f)
    # 0-200k row (1M tokens in total, but each request under 200K): 1M x $3 + 100K x $15 = $4.50
    # 200k-1M row before 2026-03-13 (long-context rates): 1M x $6 + 100K x $22.50 = $8.25
    # Haiku 4.5 row: 1M x $1 = $1
    assert rep["by_model"]["claude-sonnet-4-5-20250929"]["total_usd"] == "12.75"
    assert rep["total_usd"] == "13.75"


def test_haiku_5_5_rows_below_200k_say_the_tier_is_unknown(tmp_path):
    page = {"data": [{"starting_at": "2026-11-01T00:00:00Z", "results": [
        {"uncached_input_tokens": 1000000, "output_tokens": 0, "model": "claude-haiku-5-5",
         "context_window": "0-200k"}]}]}
    f = tmp_path / "usage.json"
    f.write_text(json.dumps(page))
    rep = analyse(f)
    assert rep["total_usd"] == "0.1"  # 1M x $0.10 (base rate; the >100K tier cannot be seen in the row)
    assert any("100K" in n for n in rep["notes"])


def test_cli_defaults_to_claude_code_projects_folder(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "nobody"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(CC))
    rep = cli_json(capsys)
    assert rep["total_usd"] == "0.98324"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "missing"))
    assert main(["analyze"]) == 1
    assert "give the log files" in capsys.readouterr().err


def test_log_files_are_found_in_pathlib_order(tmp_path):
    """The os.scandir walk finds the same files, in the same order, as sorted(Path.rglob("*")) (the order
    decides which of two equally complete duplicates in different files is kept)."""
    for rel in ("a-b/x.jsonl", "a/b/y.jsonl", "a/b.jsonl", "a/Z.JSONL", "a/..jsonl", "a/.hidden.jsonl",
                "a/.jsonl", "a/notes.txt", "b/c/d/e.ndjson", "b/c.csv", "b/c/report.json", "A/q.jsonl"):
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("{}\n")
    (tmp_path / "link").symlink_to(tmp_path / "b", target_is_directory=True)
    (tmp_path / "a" / "linked.jsonl").symlink_to(tmp_path / "b" / "c.csv")
    want = sorted(f for f in tmp_path.rglob("*") if f.is_file() and f.suffix.lower() in reader._DIR_SUFFIXES)
    assert reader.expand_paths([str(tmp_path)]) == want
    assert len(want) == 11  # all but notes.txt, a/.jsonl (no suffix) and what sits behind the link folder


def test_the_analysers_file_list_names_files_as_pathlib_does(tmp_path, monkeypatch):
    """The analyser keeps its file list as strings (reader._expand); each is the path pathlib would print, so file
    names in reports do not depend on how the folder was typed ("." and "./" name "x.jsonl", not "./x.jsonl")."""
    for rel in ("x.jsonl", "a/y.jsonl", "a/b/z.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}\n")
    monkeypatch.chdir(tmp_path)
    for given in (["."], ["./"], ["a"], ["./a/"], ["a//b"], ["x.jsonl", "./a/y.jsonl"], [str(tmp_path)]):
        assert reader._expand(given) == [str(p) for p in reader.expand_paths(given)], given
    assert reader._expand(["."]) == ["a/b/z.csv", "a/y.jsonl", "x.jsonl"]


def _read_four_logs_in_workers(tmp_path, monkeypatch, fail_on: str, fail) -> None:
    """Analyse four small session logs, one task each in worker processes; reading ``fail_on`` calls ``fail``."""
    for i in range(4):
        (tmp_path / f"s{i}.jsonl").write_text(_line("2026-11-02T10:00:00.000Z", f"m{i}", input_tokens=10)
                                             + "z" * 200 + "\n")
    real = reader._read_piece

    def read(path, *args):
        if path.endswith(fail_on):
            fail(path)
        return real(path, *args)

    monkeypatch.setattr(reader, "_read_piece", read)
    monkeypatch.setattr(workers, "_start_method", lambda mp: "fork")  # so the workers see the patched reader
    monkeypatch.setattr(workers, "MAIN_READS", False)  # (every task in a worker process)
    monkeypatch.setattr(reader, "PIECE", 64)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    logs.analyze_paths([str(tmp_path)], logs.Options(today=PINNED_TODAY), jobs=2)


@FORK_WITH_THREADS
def test_an_error_in_a_worker_process_reaches_the_caller(tmp_path, monkeypatch):
    """A worker that fails on its task sends the error back; the analysis stops with it (no hang, no traceback
    from a child process) and the workers are gone."""
    import multiprocessing

    def gone(path):
        raise PriceError(f"{path}: cannot read (gone)", "path")

    with pytest.raises(PriceError, match="s2.jsonl: cannot read"):
        _read_four_logs_in_workers(tmp_path, monkeypatch, "s2.jsonl", gone)
    assert multiprocessing.active_children() == []


@FORK_WITH_THREADS
def test_a_worker_process_that_dies_is_reported_not_waited_for(tmp_path, monkeypatch):
    """A worker killed mid-task (out of memory, say) ends the analysis with a one-line error, not a hang."""
    import os

    here = os.getpid()

    def die(path):
        if os.getpid() == here:  # read in this process after all: fail the test, do not end the session
            raise AssertionError("the file was not read in a worker process")
        os._exit(9)

    with pytest.raises(PriceError, match="stopped unexpectedly"):
        _read_four_logs_in_workers(tmp_path, monkeypatch, "s1.jsonl", die)


def test_analyze_command_leaves_the_garbage_collector_as_it_found_it(capsys):
    """`analyze` turns the cyclic garbage collector off while it reads and sets the records aside while it writes
    the report; a caller (this test session, a program embedding the CLI) gets it back as it was."""
    import gc

    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert main(["analyze", str(CC), "--json"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert main(["analyze", str(CC), "--json"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()


def test_sorted_runs_keep_every_value_exactly():
    """The percentiles' store (analysis._SortedRuns): batches arrive unsorted, values below 2**53 are kept as
    floats (exactly those numbers), and one value above that turns every run back into integers."""
    from calculators.logs.analysis import _SortedRuns

    runs = _SortedRuns()
    batches = [[5, 3, 9], [2**53 - 1, 0], [7] * 5, [1, 4]]
    for b in batches:
        runs.add(list(b))
    everything = sorted(v for b in batches for v in b)
    assert [int(v) for v in runs.sorted()] == everything and runs.as_float
    assert runs.total == sum(everything)
    runs.add([2**53 + 1, 6])  # (not a float exactly: integers from here on, the earlier values too)
    assert not runs.as_float and all(type(v) is int for v in runs.sorted())
    assert runs.sorted() == sorted(everything + [2**53 + 1, 6]) and runs.total == sum(everything) + 2**53 + 7
