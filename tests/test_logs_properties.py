"""Property tests for the log parsers, both JSON paths, and the browser bridge's chunked reading."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PINNED_TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators import bridge, logs
from calculators.logs import jsonl as P
from calculators.logs import prices as logs_prices
from calculators.logs import reader

FIX = Path(__file__).parent / "log_fixtures"
CC_LINES = b"".join(p.read_bytes() for p in sorted((FIX / "claude_code").rglob("*.jsonl")))
ALL_JSONL = CC_LINES + (FIX / "api_responses.jsonl").read_bytes() + (FIX / "stream_events.jsonl").read_bytes()


def parse(buf: bytes, mode: str):
    """mode: 'reference' (the standard library's json, every line through parse_object), 'stdlib' (json, Claude
    Code records read inline: the Pyodide path), 'orjson' (orjson when installed, the line loop) or 'block'
    (msgspec's block reader when installed, else the same as 'orjson': the CLI path), or 'in place' (the CLI path
    given ``buf`` with one newline more, as the reader hands over a whole file: read without a copy)."""
    out: list = []
    counts = P.Counts()
    st_ = P.LineState("f", "auto", None)
    if mode == "orjson":
        n = P._parse_each(buf, st_, 1, 0, out, counts, P._orjson_loads if P.HAVE_ORJSON else None)
    elif mode == "in place":
        n = P.parse_lines(buf + b"\n", st_, 1, 0, out, counts, True, newline_end=True)
    else:
        n = P.parse_lines(buf, st_, 1, 0, out, counts, mode == "block", inline=mode != "reference")
    P.finish_lines(st_, out, counts)
    return out, counts, n


MODES = ("reference", "stdlib", "orjson", "block", "in place")


def check_counts(counts: P.Counts, n: int, buf: bytes) -> None:
    assert n == buf.count(b"\n") + 1
    assert counts.lines == n
    assert counts.records + counts.malformed + counts.ignored + counts.synthetic + counts.blank == counts.lines


def collected(out: list, counts: P.Counts) -> tuple[list, int]:
    """The records a Collector keeps of ``out``, and the copies merged (by the collector and by the reader)."""
    col = logs.Collector()
    col.counts.merge(counts)
    col.add(out)
    return col.records(), col.duplicates_merged()


def parse_on_every_path(buf: bytes) -> tuple[list, P.Counts]:
    """Parse ``buf`` on every path: the counts add up on each, and each gives the reference's records, counts and
    malformed list (line numbers included). Returns the reference's records and counts.

    The block reader merges copies of a request that follow each other as it reads (Counts.merged), so its
    records are compared once collected: the same records kept, and the same number of copies merged."""
    results = [parse(buf, mode) for mode in MODES]
    for _out, counts, n in results:
        check_counts(counts, n, buf)
    ref_out, ref_counts, _ = results[0]
    for (out, counts, _), mode in zip(results[1:], MODES[1:], strict=True):
        if mode in ("block", "in place"):
            assert collected(out, counts) == collected(ref_out, ref_counts)
        else:
            assert out == ref_out and counts.merged == 0
        assert counts.to_json() == ref_counts.to_json()
        assert counts.malformed_list == ref_counts.malformed_list
    return ref_out, ref_counts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_and_counts_add_up(data):
    for mode in MODES:
        out, counts, n = parse(data, mode)
        check_counts(counts, n, data)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(ALL_JSONL)), st.binary(max_size=8), st.integers(0, len(ALL_JSONL)))
def test_cut_lines_agree_on_every_path(cut, junk, start):
    """Files cut short (a log still being written), with junk at the cut: every path reads the same."""
    start = ALL_JSONL.rfind(b"\n", 0, start) + 1  # from a line start
    buf = ALL_JSONL[start:max(start, cut)] + junk
    parse_on_every_path(buf)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(ALL_JSONL)), st.integers(0, len(ALL_JSONL)), st.binary(max_size=8))
def test_spliced_lines_agree_on_every_path(cut1, cut2, junk):
    """Two lines spliced together anywhere (two writers without a newline): same result on every path."""
    a, b = sorted((cut1, cut2))
    buf = ALL_JSONL[:a] + junk + ALL_JSONL[b:]
    parse_on_every_path(buf)


_key = st.sampled_from(["usage", "model", "type", "message", "id", "requestId", "timestamp", "x"])
_scalar = st.one_of(st.integers(-5, 10**6), st.text(max_size=12), st.booleans(), st.none())
_json = st.recursive(_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(_key, inner, max_size=4)), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_json, st.sampled_from(["content", "usage_extra", "top"]))
def test_lookalike_keys_in_content_agree_on_every_path(extra, where):
    """Tool inputs and odd fields with the same key names as usage/model are not taken for the real ones."""
    rec = json.loads(CC_LINES.split(b"\n")[2])
    if where == "content":
        rec["message"]["content"].append({"type": "tool_use", "id": "t", "name": "X", "input": extra})
    elif where == "usage_extra":
        rec["message"]["usage"]["extra"] = extra
    else:
        rec["extra"] = extra
    buf = json.dumps(rec, separators=(",", ":")).encode()
    out, _ = parse_on_every_path(buf)
    want_tokens = rec["message"]["usage"]
    if out:
        got = out[0]
        assert got[P.F_OUT] == want_tokens.get("output_tokens") and got[P.F_MODEL] == rec["message"]["model"]


_odd = st.one_of(st.integers(-3, 10**20), st.floats(allow_nan=False), st.text(max_size=4), st.booleans(), st.none(),
                 st.just({}), st.just([]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["type", "message", "message.usage", "message.model", "message.id", "requestId",
                        "timestamp", "sessionId", "isSidechain", "costUSD", "usage.input_tokens",
                        "usage.output_tokens", "usage.cache_read_input_tokens", "usage.cache_creation_input_tokens",
                        "usage.cache_creation", "usage.cache_creation.ephemeral_5m_input_tokens",
                        "usage.cache_creation.ephemeral_1h_input_tokens", "usage.service_tier",
                        "usage.server_tool_use", "usage.inference_geo", "usage.speed", "usage.cache_creation.x"]),
       _odd, st.booleans())
def test_odd_field_values_read_the_same_inline_and_by_parse_object(field, value, drop):
    """Each field the inline Claude Code reader looks at, set to an odd value or removed: same as parse_object."""
    line = next(x for x in CC_LINES.split(b"\n") if b'"cache_creation":{' in x and b'"type":"assistant"' in x)
    rec = json.loads(line)
    parts = field.replace("usage.", "message.usage.").split(".")
    holder = rec
    for p in parts[:-1]:
        holder = holder.get(p) if isinstance(holder, dict) else None
    if isinstance(holder, dict):
        if drop:
            holder.pop(parts[-1], None)
        else:
            holder[parts[-1]] = value
    buf = json.dumps(rec).encode()
    parse_on_every_path(buf)


def test_generated_logs_read_the_same_on_every_path(tmp_path):
    """The benchmark's generator (streaming duplicates, sidechains, <synthetic>, look-alike usage text in
    content): the inline reader, orjson and parse_object give identical records and counts."""
    repo = Path(__file__).resolve().parent.parent
    gen = subprocess.run([sys.executable, str(repo / "bench" / "gen_claude_code_logs.py"), str(tmp_path),
                          "--mb", "2", "--seed", "7"], capture_output=True, text=True, check=True)
    stats = json.loads(gen.stdout)
    files = sorted(tmp_path.rglob("*.jsonl"))
    assert len(files) == stats["files"]
    records = merged = 0
    for f in files:
        buf = f.read_bytes()
        assert b'\\"usage\\":{' in buf or len(buf) < 20_000  # look-alikes are there to be ignored
        _, counts = parse_on_every_path(buf)
        parse_on_every_path(buf[:-1])  # (as the reader hands a file over: without its last newline)
        records += counts.records
        merged += parse(buf[:-1], "block")[1].merged
        assert counts.malformed == 0
    assert records > stats["requests"]  # streaming duplicates are records before de-duplication
    if P.HAVE_BLOCK_READER:  # (the block reader merged the copies that follow each other: the comparison above
        assert merged > stats["requests"] // 2  # saw that path)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["input_tokens", "output_tokens", "cache_creation_input_tokens",
                                        "cache_read_input_tokens", "service_tier", "inference_geo", "speed"]),
                       st.one_of(st.integers(-2, 10**7), st.integers(2**48, 2**50),
                                 st.sampled_from(["standard", "batch", "priority", "flex", "us", "global", "fast",
                                                  "not_available"]),
                                 st.none(), st.just(1.0), st.just(True))),
       st.one_of(st.none(), st.fixed_dictionaries({"ephemeral_5m_input_tokens": st.integers(0, 10**6),
                                                   "ephemeral_1h_input_tokens": st.integers(0, 10**6)}),
                 st.dictionaries(st.sampled_from(["ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"]),
                                 st.one_of(st.integers(-1, 10**6), st.none(), st.just(2.0)))),
       st.one_of(st.none(), st.just("absent"), st.just([]),
                 st.dictionaries(st.sampled_from(["web_search_requests", "web_fetch_requests"]),
                                 st.one_of(st.integers(-1, 5), st.none(), st.just(1.0), st.just(False)))))
def test_usage_shortcut_agrees_with_the_full_reading(u, cc, stu):
    """calculators.usage_object is the one reading of a usage object (the cost model and the analyser both call
    it); its shortcut for the common all-integer object gives exactly what the field-by-field rules give, and
    the analyser refuses exactly what the cost model refuses."""
    from calculators.cost import PriceError, usage_from_api
    from calculators.usage_object import usage_values, usage_values_checked, usual_usage

    if cc is not None:
        u = {**u, "cache_creation": cc}
    if stu != "absent":
        u = {**u, "server_tool_use": stu}
    try:
        want = usage_values_checked(u)
    except PriceError:
        with pytest.raises(PriceError):
            usage_values(u)
        with pytest.raises(P.BadLine):
            P.usage_values(u)
        if {"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"} & set(u):
            with pytest.raises(PriceError):
                usage_from_api(u)
        return
    assert usage_values(u) == want and P.usage_values(u) == want
    if usual_usage(u) is not None:  # the shortcut took it: it must not change any figure
        assert usual_usage(u) == want


def test_the_usage_shortcut_is_taken_for_the_common_object():
    """(so the property above really compares two paths)"""
    from calculators.usage_object import usual_usage

    common = {"input_tokens": 3, "output_tokens": 5, "cache_read_input_tokens": 7, "cache_creation_input_tokens": 11,
              "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 1}}
    assert usual_usage(common) == (3, 10, 1, 7, 5, 0, False, "global", False, None)
    # Claude Code's usage objects carry server_tool_use, and newer ones speed and inference_geo: still the shortcut
    assert usual_usage({**common, "speed": "fast", "inference_geo": "us", "service_tier": "batch",
                        "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 0}}) \
        == (3, 10, 1, 7, 5, 2, True, "us", True, "batch")
    assert usual_usage({**common, "input_tokens": -1}) is None and usual_usage({**common, "speed": "slow"}) is None
    assert usual_usage({**common, "cache_creation_input_tokens": 12}) is None  # (the split disagrees: the rules)


# ----------------------------------------------------------------------------------------------------------
# The browser bridge reads files in chunks; any chunking gives the CLI's report
# ----------------------------------------------------------------------------------------------------------


def _bridge_report(files: dict[str, bytes], sizes: list[int]):
    start = bridge.call("analyze_start", {"at": "2026-11-01"})
    assert start["ok"], start
    sid = start["result"]["session"]
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        i, k = 0, 0
        while i < len(text):
            step = sizes[k % len(sizes)]
            k += 1
            r = bridge.call("analyze_chunk", {"session": sid, "file": name, "text": text[i:i + step]})
            assert r["ok"], r
            i += step
        assert bridge.call("analyze_chunk", {"session": sid, "file": name, "text": "", "final": True})["ok"]
    done = bridge.call("analyze_finish", {"session": sid, "csv": True})
    assert done["ok"], done
    return done["result"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=5))
def test_bridge_chunks_match_cli(sizes):
    names = ["claude_code/projects/-home-me-app/sess-a.jsonl", "claude_code/projects/-home-me-web/sess-b.jsonl",
             "api_responses.jsonl", "stream_events.jsonl", "usage_report.json", "cost_report.json",
             "console_usage.csv"]
    files = {n: (FIX / n).read_bytes() for n in names}
    got = _bridge_report(files, sizes)
    want = logs.analyze_paths([str(FIX / n) for n in names], logs.Options(at="2026-11-01"), jobs=1).report()
    for key in ("total_usd", "records", "malformed", "unpriced", "by_model", "by_day", "lines", "what_if",
                "reconciliation", "spend_by_bucket", "per_turn"):
        assert got[key] == bridge.reword(want[key], "analyze_finish"), key  # the browser names its form fields
    rows = got["records_csv"].splitlines()
    assert rows[0].startswith("file,line,timestamp") and len(rows) == 1 + want["records"]
    assert sorted((Path(m["file"]).name, m["line"]) for m in got["malformed_lines"]) == \
        sorted((Path(m["file"]).name, m["line"]) for m in want["malformed_lines"])


def test_bridge_cancel_and_errors():
    sid = bridge.call("analyze_start", {})["result"]["session"]
    assert bridge.call("analyze_chunk", {"session": sid, "file": "a.jsonl", "text": "{}\n"})["ok"]
    assert bridge.call("analyze_cancel", {"session": sid})["result"] == {"cancelled": True}
    r = bridge.call("analyze_chunk", {"session": sid, "file": "a.jsonl", "text": "{}\n"})
    assert not r["ok"] and r["errors"][0]["field"] == "session"
    r = bridge.call("analyze_start", {"since": "yesterday"})
    assert not r["ok"] and r["errors"][0]["field"] == "since"
    r = bridge.call("analyze_start", {"route_to": "gpt-5"})
    assert not r["ok"] and r["errors"][0]["field"] == "route_to"


def test_line_numbers_survive_byte_range_splits(tmp_path, monkeypatch):
    line = (FIX / "claude_code/projects/-home-me-app/sess-a.jsonl").read_bytes().split(b"\n")[3] + b"\n"
    f = tmp_path / "big.jsonl"
    with f.open("wb") as fh:
        for i in range(1, 3001):
            fh.write(b"{broken\n" if i == 2500 else line.replace(b"msg_B", b"m%d" % i))
    monkeypatch.setattr(reader, "PIECE", 128 << 10)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    rep = logs.analyze_paths([str(f)], logs.Options(today=PINNED_TODAY), jobs=2).report()
    assert rep["malformed_lines"] == [{"file": str(f), "line": 2500,
                                       "reason": "not a JSON object (cut short or not JSON Lines?)"}]
    assert rep["records"] == 2999


# ----------------------------------------------------------------------------------------------------------
# 1 GB is streamed: peak memory stays bounded (opt-in: -m gigabyte)
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.gigabyte
def test_one_gigabyte_is_streamed_with_bounded_memory(tmp_path):
    repo = Path(__file__).resolve().parent.parent
    gen = subprocess.run([sys.executable, str(repo / "bench" / "gen_claude_code_logs.py"), str(tmp_path),
                          "--mb", "1000"], capture_output=True, text=True, check=True)
    stats = json.loads(gen.stdout)
    assert stats["bytes"] >= 1_000_000_000
    code = ("import resource, sys\nfrom calculators.cli import main\nrc = main(['analyze', sys.argv[1], '--json'])\n"
            "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "print('PEAK_KB', peak, file=sys.stderr)\nsys.exit(rc)\n")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                         cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)})
    assert run.returncode == 0, run.stderr[-2000:]
    rep = json.loads(run.stdout)
    assert rep["records"] == stats["requests"]
    peak_kb = int(run.stderr.split("PEAK_KB")[1].split()[0])
    assert peak_kb < 300 * 1024, f"peak RSS {peak_kb / 1024:.0f} MB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def _epoch_reference(ts):
    import datetime as dt

    if not ts or "Z" in ts[:-1]:  # "Z" is read only as the last character (UTC); "...Z\x00" is not a timestamp
        return None
    try:
        d = dt.datetime.fromisoformat(ts[:-1] + "+00:00" if ts.endswith("Z") else ts)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return d.timestamp()


_stamp = st.builds(lambda d, ms, frac: d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{ms:03d}" if frac else "") + "Z",
                   st.datetimes(min_value=__import__("datetime").datetime(1970, 1, 1)), st.integers(0, 999),
                   st.booleans())


@settings(max_examples=400, deadline=None)
@given(st.one_of(_stamp, _stamp.map(lambda s: s.replace("Z", "+00:00")), st.text(max_size=26),
                 st.tuples(_stamp, st.integers(0, 23), st.characters()).map(lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + 1:])))
def test_quick_timestamp_reading_matches_datetime(ts):
    """Claude Code's timestamp layout is read without datetime; the epoch float and the day are the same."""
    assert logs_prices.epoch(ts) == _epoch_reference(ts)
    day = logs_prices.day_of(ts)
    if day is not None:  # a day is only ever a real date
        assert __import__("datetime").date.fromisoformat(day).isoformat() == day
    ref = _epoch_reference(ts)
    if ref is not None and ts.endswith("Z"):
        assert day == __import__("datetime").datetime.fromtimestamp(ref, __import__("datetime").UTC).date().isoformat()


@settings(max_examples=300, deadline=None)
@given(st.one_of(_stamp, st.text(max_size=26),
                 st.tuples(_stamp, st.integers(0, 23), st.characters()).map(lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + 1:])))
def test_stamped_records_carry_the_epoch_of_their_timestamp(ts):
    """Each record stamped() returns carries exactly epoch(ts), the first of its day (day not yet cached) and the
    next (cached) alike."""
    from calculators.logs.prices import Pricer, router_for
    from calculators.logs.records import F_EPOCH, make_record
    from calculators.pricing import load_pricing

    pricing = load_pricing()
    uv = (100, 0, 0, 0, 10, 0, False, "global", False, None)  # (in, w5, w1, read, out, web, batch, geo, fast, tier)
    rec = make_record("f.jsonl", 1, ts, "claude-haiku-4-5", uv, "s", None, False, None, "request", 0)
    was = logs_prices.PREP
    day = PINNED_TODAY.isoformat()
    logs_prices.PREP = (Pricer(pricing), day, router_for(pricing, "haiku", day))
    try:
        got = logs_prices.stamped([rec, rec])
    finally:
        logs_prices.PREP = was
    assert [r[F_EPOCH] for r in got] == [logs_prices.epoch(ts)] * 2


def test_report_rows_are_encoded_as_json_dumps_encodes_them():
    from calculators.logs.report import _row_encoder

    rows = [{"session": "caf\u00e9 \u2603 \U0001f600", "n": 2 ** 70, "x": 1.5e-7, "ok": True, "none": None,
             "list": [1, "a\"b\\c\n"], "nested": {"k": [{}]}}, [], "plain", 12]
    encode = _row_encoder()
    assert [encode(r) for r in rows] == [json.dumps(r) for r in rows]


def test_impossible_dates_are_undated_not_a_crash(tmp_path):
    f = tmp_path / "t.jsonl"
    line = {"type": "assistant", "requestId": "r", "sessionId": "s", "timestamp": "2026-13-45T00:00:00Z",
            "message": {"id": "m", "model": "claude-sonnet-4-5-20250929",
                        "usage": {"input_tokens": 10, "output_tokens": 5}}}
    f.write_text(json.dumps(line) + "\n")
    rep = logs.analyze_paths([str(f)], logs.Options(at="2026-06-01"), jobs=1).report()
    assert rep["records"] == 1 and rep["first_day"] == "2026-06-01"
    assert any("no readable timestamp" in n for n in rep["notes"])


@pytest.mark.parametrize("field", ["input_tokens", "output_tokens", "cache_read_input_tokens"])
def test_token_counts_up_to_the_bound_are_exact_and_beyond_it_malformed_on_every_path(field):
    """MAX_TOKENS (10**15) in a bucket is read exactly on every path; one more, or an integer beyond 64 bits (which
    orjson reads as a float), makes the line malformed with the reason, on every path."""
    line = next(x for x in CC_LINES.split(b"\n") if b'"cache_creation":{' in x and b'"type":"assistant"' in x)
    rec = json.loads(line)
    rec["message"]["usage"][field] = P.MAX_TOKENS
    out, counts = parse_on_every_path(json.dumps(rec).encode())
    assert counts.malformed == 0 and P.MAX_TOKENS in (out[0][P.F_IN], out[0][P.F_OUT], out[0][P.F_RD])
    for too_many in (P.MAX_TOKENS + 1, 2**64 + 1, 10**40):
        rec["message"]["usage"][field] = too_many
        out, counts = parse_on_every_path(json.dumps(rec).encode())
        assert out == [] and counts.malformed == 1
        assert f"{field} is" in counts.malformed_list[0][2] and "1,000,000,000,000,000" in counts.malformed_list[0][2]


@pytest.mark.parametrize("value", ["1.5", "1e30", "1.0", "true", "false", '"100"', '"many"', "-1", "[1]", "{}",
                                   "NaN", "Infinity", "-0.0"])
@pytest.mark.parametrize("field", ["input_tokens", "output_tokens", "cache_read_input_tokens",
                                   "cache_creation_input_tokens"])
def test_token_counts_that_are_not_json_integers_are_malformed_on_every_path(field, value):
    """Floats (1.5, 1e30, even 1.0), booleans, strings, lists and objects are not token counts: the line is
    malformed and the reason names the field (no path converts them)."""
    line = next(x for x in CC_LINES.split(b"\n") if b'"cache_creation":{' in x and b'"type":"assistant"' in x)
    rec = json.loads(line)
    rec["message"]["usage"][field] = "PLACEHOLDER"
    if field == "cache_creation_input_tokens":
        del rec["message"]["usage"]["cache_creation"]
    buf = json.dumps(rec).encode().replace(b'"PLACEHOLDER"', value.encode())
    out, counts = parse_on_every_path(buf)
    assert out == [] and counts.malformed == 1, counts.to_json()
    assert field in counts.malformed_list[0][2]


def test_costusd_that_is_not_a_plausible_number_is_left_out_not_the_record():
    """costUSD is only Claude Code's own estimate: NaN, Infinity or 1e300 are left out; the request is priced."""
    line = next(x for x in CC_LINES.split(b"\n") if b'"cache_creation":{' in x and b'"type":"assistant"' in x)
    rec = json.loads(line)
    for value in ("NaN", "Infinity", "-Infinity", "1e300", "18446744073709551619"):
        rec["costUSD"] = "PLACEHOLDER"
        out, counts = parse_on_every_path(json.dumps(rec).encode().replace(b'"PLACEHOLDER"', value.encode()))
        assert counts.records == 1 and out[0][P.F_LOGGED] is None


def test_every_byte_range_of_a_file_uses_the_format_of_the_file_head(tmp_path, monkeypatch):
    """A piece that starts mid-file is read in the file's format, even if its own first lines look like a
    usage report or a stream."""
    line = (FIX / "claude_code/projects/-home-me-app/sess-a.jsonl").read_bytes().split(b"\n")[3] + b"\n"
    odd = b'{"data":[],"results":[],"starting_at":"2026-01-01","type":"message_start","message":{"usage":{}}}\n'
    f = tmp_path / "mixed.jsonl"
    with f.open("wb") as fh:
        for i in range(1, 3001):
            fh.write(odd if i % 20 == 0 and i > 100 else line.replace(b"msg_B", b"m%d" % i))
    monkeypatch.setattr(reader, "PIECE", 128 << 10)
    monkeypatch.setattr(reader, "MIN_PARALLEL_BYTES", 0)
    split = logs.analyze_paths([str(f)], logs.Options(today=PINNED_TODAY), jobs=1).report()
    whole = logs.analyze_paths([str(f)], logs.Options(today=PINNED_TODAY), jobs=1).report()
    assert split["records"] == whole["records"] == 3000 - 145
    assert split["lines"] == whole["lines"]


# ----------------------------------------------------------------------------------------------------------
# The block reader (msgspec, CPython): whole blocks decoded at once, anything unusual left to the line loop
# ----------------------------------------------------------------------------------------------------------

needs_block_reader = pytest.mark.skipif(not P.HAVE_BLOCK_READER, reason="msgspec is not installed")


def _cc_lines() -> list[bytes]:
    """The Claude Code fixture lines that are one well-formed object each (the fixtures also hold broken ones)."""
    good = []
    for x in CC_LINES.split(b"\n"):
        try:
            obj = json.loads(x)
        except ValueError:
            continue
        if x[:1] == b"{" and x[-1:] == b"}" and isinstance(obj.get("message", {}), dict):
            good.append(x)
    return good


@needs_block_reader
def test_block_reader_reads_whole_blocks(monkeypatch):
    """On well-formed Claude Code logs the block reader takes the whole buffer (the line loop only sees the few
    lines it passes on), and the result is the reference's."""
    buf = b"\n".join(_cc_lines() * 40)
    seen: list[int] = []
    real = P._parse_each
    monkeypatch.setattr(P, "_parse_each", lambda b, *a, **k: (seen.append(len(b)), real(b, *a, **k))[1])
    out, counts, n = parse(buf, "block")
    monkeypatch.setattr(P, "_parse_each", real)
    ref_out, ref_counts, _ = parse(buf, "reference")
    assert collected(out, counts) == collected(ref_out, ref_counts) and counts.to_json() == ref_counts.to_json()
    assert counts.records > 0 and counts.merged > 0
    # (the fixtures are mostly odd cases, which the line loop reads; on generated logs it is about 2%)
    assert sum(seen) < len(buf) // 2


@needs_block_reader
@pytest.mark.parametrize("oddity", [
    b"",  # a blank line
    b"   ",  # white space only
    b'{"type":"user","message":{"role":"user","content":"a"}}{"type":"user"}',  # two values on one line
    b'{"type":"user",\n"message":{"role":"user","content":"b"}}',  # one value on two lines
    b'{"type":"assistant","message":"not an object"}',
    b'{"type":"assistant","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":1}',  # cut short
    b'[1, 2]',
    b'{"type":"assistant"} trailing',
    b'data: {"type":"message_stop"}',
])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_block_reader_agrees_with_the_reference_around_odd_lines(oddity, where):
    """An odd line anywhere in a block bigger than the smallest block: the block reader halves its way down to
    it and gives exactly the reference's records, counts and malformed list (line numbers included)."""
    lines = _cc_lines() * 60
    at = {"start": 0, "middle": len(lines) // 2, "end": len(lines)}[where]
    buf = b"\n".join(lines[:at] + [oddity] + lines[at:])
    assert len(buf) > 2 * P._MIN_BLOCK
    parse_on_every_path(buf)


def test_bytes_that_are_not_utf8_in_message_text_do_not_lose_the_record():
    """A stray byte in a message's text (a log written by a tool that cut a character in half): the usage is
    still read, on every path; the text is read as U+FFFD."""
    line = next(x for x in _cc_lines() if b'"type":"assistant"' in x and b'"usage":{' in x)
    rec = json.loads(line)
    rec["message"]["content"] = [{"type": "text", "text": "caf\u00e9 PLACEHOLDER"}]
    broken = json.dumps(rec, separators=(",", ":")).encode().replace(b"PLACEHOLDER", b"\xff\xc3")
    results = [parse(broken + b"\n" + broken, mode) for mode in MODES]
    for out, counts, _ in results:
        assert counts.records == 2 and counts.malformed == 0
        assert collected(out, counts) == collected(*results[0][:2])  # (two copies of one request: one kept)
        assert out[0][P.F_OUT] == rec["message"]["usage"]["output_tokens"]
    # A model name that is not UTF-8 is read with U+FFFD too, so it is never matched to a priced model.
    bad_model = json.dumps(rec, separators=(",", ":")).encode().replace(rec["message"]["model"].encode(),
                                                                        b"claude-\xff")
    for mode in MODES:
        out, counts, _ = parse(bad_model, mode)
        assert [r[P.F_MODEL] for r in out] == ["claude-\ufffd"]


@pytest.mark.parametrize("depth", [500, 2000, 100_000])
def test_deep_nesting_in_message_text_agrees_on_every_path(depth):
    """JSON nested well within and well beyond Python's recursion limit: every path calls it the same (a record,
    or malformed). (Close to the limit the answer depends on how deep the caller's own stack is, on any path.)"""
    line = next(x for x in _cc_lines() if b'"type":"assistant"' in x and b'"usage":{' in x)
    rec = json.loads(line)
    rec["message"]["content"] = "PLACEHOLDER"
    buf = json.dumps(rec, separators=(",", ":")).encode().replace(b'"PLACEHOLDER"', b"[" * depth + b"]" * depth)
    parse_on_every_path(buf)
