"""Reading usage logs: line parsers for every supported format, and the record tuples they produce.

This module turns bytes into *records*: one tuple per billed request (or per aggregate row of an Admin API
usage report). Pricing and the report live in :mod:`calculators.logs`.

A record is a plain tuple (cheap to build, to pickle between processes and to keep by the hundred thousand):

    (file, line, timestamp, model, input, cache_write_5m, cache_write_1h, cache_read, output, web_searches,
     batch, geo, fast, service_tier, session, key, sidechain, logged_cost, kind, pos, tier_prompt)

``tier_prompt`` is None for a request (its own prompt picks the tier) and a stand-in size for aggregate rows.

``kind`` is ``"request"`` for one API call and ``"aggregate"`` for a row that sums many calls (Admin API usage
report, Console CSV); per-turn statistics use requests only. ``pos`` is the byte offset of the line in its
file (row number for reports and CSV).

Speed, in three layers, each giving exactly the records and counts of the one below it (the tests compare
them on fixtures, generated logs, random bytes, cut and spliced files):

* the **reference** (the only one in Pyodide): lines that cannot hold a billed request (no ``"usage"`` key, no
  ``*_tokens"`` key, no ``"message_stop"``) are counted without being parsed; the rest are parsed whole by the
  standard library's json and read by :func:`parse_object`;
* the **line loop** reads Claude Code assistant records of the usual shape in place (``inline``), and parses
  with orjson when it is installed;
* the **block reader** (CPython with msgspec installed) decodes a whole block of Claude Code lines in one
  call into small typed objects, skipping message text without building strings for it, and hands any line it
  is unsure of to the line loop (see :func:`_parse_block`). Reading the usage out of the raw bytes with ``re``
  instead was built and measured: slower than orjson, and blind to a line whose message text is broken.

Bytes that are not UTF-8 inside a line are read as U+FFFD on every path: a stray byte in a message's text
does not lose the request's usage.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal

# Record field positions.
(F_FILE, F_LINE, F_TS, F_MODEL, F_IN, F_W5, F_W1, F_RD, F_OUT, F_WEB, F_BATCH, F_GEO, F_FAST, F_TIER,
 F_SESSION, F_KEY, F_SIDE, F_LOGGED, F_KIND, F_POS, F_TIER_PROMPT) = range(21)
TOKEN_FIELDS = (F_IN, F_W5, F_W1, F_RD, F_OUT)

#: Models Claude Code writes for messages it makes up locally (API errors, interruptions); never billed.
SYNTHETIC_MODELS = frozenset({"<synthetic>"})

FORMATS = ("auto", "claude-code", "api", "stream", "usage-report", "cost-report", "csv")

#: The largest token count accepted in one bucket of one record (a log line or a report row). A quadrillion
#: tokens is far beyond any real request or day of an organisation's usage (a million-token prompt sent a
#: billion times), so a larger count is a broken log, and the line is reported as malformed. The bound also
#: keeps every sum the analyser makes small enough to stay exact (calculators.cost uses the same figure).
MAX_TOKENS = 10**15
#: A quick test for the common all-integer usage object: every count in [0, 2**49) (2**49 < MAX_TOKENS) is
#: accepted at once by ``0 <= (a | b | ...) < _QUICK_LIMIT`` (negative integers make the OR negative);
#: anything else is read by :func:`usage_values_checked`, which applies MAX_TOKENS exactly.
_QUICK_LIMIT = 1 << 49


class BadLine(ValueError):
    """A line that cannot be read; the message says why (it is listed with file:line)."""


# ----------------------------------------------------------------------------------------------------------
# The usage object (same rules as calculators.cost.usage_from_api, but returning plain values)
# ----------------------------------------------------------------------------------------------------------


def short(value: object, limit: int = 60) -> str:
    """A value for a message: its repr, cut to ``limit`` characters (a log can hold a megabyte-long string or a
    number of a million digits), and only the type of a list or an object (which may be nested very deeply)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        return f"a {len(str(abs(value))):,}-digit number" if value.bit_length() < 100_000 else "a huge number"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # (an int too long to print)
        return "a huge number"
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _int(obj: Mapping, key: str, where: str = "", limit: int = MAX_TOKENS) -> int:
    """A token count: a JSON integer from 0 to ``limit`` (absent or null is 0); anything else (a float such as
    1.5 or 1e30, a boolean, a string) makes the line malformed, with the reason."""
    value = obj.get(key)
    if value is None:
        return 0
    if type(value) is int:
        if 0 <= value <= limit:
            return value
        if value < 0:
            raise BadLine(f"{where}{key} cannot be negative (got {short(value)})")
        raise BadLine(f"{where}{key} is {short(value)}, more than the {limit:,} tokens a record may hold")
    raise BadLine(f"{where}{key} must be a whole number of tokens (a JSON integer), got {short(value)}")


def _usual_usage(u: dict):
    """(input, 5m writes, 1h writes, cache reads, output, service_tier) of the common usage object: all token counts
    whole and not negative, ``cache_creation`` split in exactly its two TTLs that add up to the writes, no web
    search, geo or speed field. None for anything else (then :func:`usage_values_checked` has the rules)."""
    cc = u.get("cache_creation")
    if type(cc) is dict and len(cc) == 2 and "server_tool_use" not in u and "inference_geo" not in u \
            and "speed" not in u:
        g = u.get
        inp, out, rd, cr = g("input_tokens"), g("output_tokens"), g("cache_read_input_tokens"), \
            g("cache_creation_input_tokens")
        w5, w1 = cc.get("ephemeral_5m_input_tokens"), cc.get("ephemeral_1h_input_tokens")
        if type(inp) is int and type(out) is int and type(rd) is int and type(cr) is int and type(w5) is int \
                and type(w1) is int and 0 <= (inp | out | rd | w5 | w1) < _QUICK_LIMIT and cr == w5 + w1:
            tier = g("service_tier")
            if tier is None or tier in _KNOWN_TIERS:
                return inp, w5, w1, rd, out, tier
    return None


#: service_tier values with a known price (priority is priced at standard rates with a note).
_KNOWN_TIERS = ("standard", "batch", "priority")


def usage_values(u: Mapping):
    """Like :func:`usage_values_checked`, with a shortcut for the common all-integer usage object."""
    if type(u) is dict:
        got = _usual_usage(u)
        if got is not None:
            inp, w5, w1, rd, out, tier = got
            return (inp, w5, w1, rd, out, 0, tier == "batch", "global", False, tier)
    return usage_values_checked(u)


def usage_values_checked(u: Mapping) -> tuple[int, int, int, int, int, int, bool, str, bool, str | None]:
    """(input, 5m writes, 1h writes, cache reads, output, web searches, batch, geo, fast, service_tier).

    ``input_tokens`` is the uncached part only. ``cache_creation`` splits writes by TTL; without it every
    write is a 5-minute write; when the total is larger than the split, the rest counts as 5-minute writes.
    """
    if not isinstance(u, Mapping):
        raise BadLine("usage is not an object")
    created = _int(u, "cache_creation_input_tokens", limit=2 * MAX_TOKENS)  # (the sum of two buckets)
    cc = u.get("cache_creation")
    if isinstance(cc, Mapping):
        w5 = _int(cc, "ephemeral_5m_input_tokens", "cache_creation.")
        w1 = _int(cc, "ephemeral_1h_input_tokens", "cache_creation.")
        if created > w5 + w1:
            w5 = created - w1
    else:
        w5, w1 = created, 0
    if w5 > MAX_TOKENS:
        raise BadLine(f"cache_creation_input_tokens is {short(created)}: {short(w5)} 5-minute cache writes, more "
                      f"than the {MAX_TOKENS:,} tokens a record may hold")
    stu = u.get("server_tool_use")
    web = _int(stu, "web_search_requests", "server_tool_use.") if isinstance(stu, Mapping) else 0
    tier = u.get("service_tier")
    if tier is not None and tier not in _KNOWN_TIERS:
        raise BadLine(f"service_tier {str(tier)[:40]!r} is not one this tool knows (standard, batch or priority)")
    speed = u.get("speed")
    if speed not in (None, "standard", "fast"):
        raise BadLine(f"speed {str(speed)[:40]!r} has no published price (standard or fast)")
    geo_raw = u.get("inference_geo")
    if geo_raw not in (None, "global", "us", "not_available"):
        raise BadLine(f"inference_geo {short(geo_raw)} has no published price (expected 'global' or 'us')")
    return (_int(u, "input_tokens"), w5, w1, _int(u, "cache_read_input_tokens"), _int(u, "output_tokens"), web,
            tier == "batch", "us" if geo_raw == "us" else "global", u.get("speed") == "fast", tier)


_USAGE_KEYS = frozenset({"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"})


def _record(file, line, ts, model, uv, session, key, side, logged, kind, pos, tier_prompt=None):
    return (file, line, ts, model, uv[0], uv[1], uv[2], uv[3], uv[4], uv[5], uv[6], uv[7], uv[8], uv[9],
            session, key, side, logged, kind, pos, tier_prompt)


def _cc_record(file, line, pos, model, usual, mid, rid, ts, sid, sidechain, cost):
    """The record of a Claude Code assistant line whose usage object is the usual one (``usual`` from
    :func:`_usual_usage`), by parse_object's rules; None for a costUSD float beyond 64-bit integers (that line is
    left to parse_object). Model names and session ids are kept as one string object each (see _SAME)."""
    if type(cost) is float and not -9.2e18 < cost < 9.2e18:
        return None
    if type(mid) is not str or not mid:
        mid = None
    if type(rid) is not str or not rid:
        rid = None
    if type(ts) is not str or not ts:
        ts = None
    if type(sid) is not str or not sid:
        sid = None
    else:
        sid = _SAME.setdefault(sid, sid)
    inp, w5, w1, rd, out, tier = usual
    return (file, line, ts, _SAME.setdefault(model, model), inp, w5, w1, rd, out, 0, tier == "batch", "global",
            False, tier, sid, (mid, rid) if mid else None, sidechain is True,
            None if cost is None else _logged_cost(cost), "request", pos, None)


def tier_prompt_of(context_window: object) -> int:
    """The prompt size that picks prompt-length tiers for an aggregate row (which sums many requests).

    Admin API reports and Console exports split usage by ``context_window``: ``200k-1M`` rows are requests
    above 200K prompt tokens, ``0-200k`` rows are not. Rows know nothing finer (such as Haiku 5.5's 100K tier).
    """
    return 200_001 if isinstance(context_window, str) and context_window.strip().lower() == "200k-1m" else 0


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _logged_cost(value: object) -> str | None:
    """Claude Code's own costUSD, kept for comparison: a finite number below a billion dollars, else left out
    (NaN, Infinity and absurd figures say nothing about the cost; the record itself is still priced)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1e9 < value < 1e9:
        return None  # (NaN fails the comparison too)
    return repr(value) if isinstance(value, float) else str(value)


# ----------------------------------------------------------------------------------------------------------
# JSONL: Claude Code session logs, API responses, streaming events (one reference parser per line)
# ----------------------------------------------------------------------------------------------------------


class LineState:
    """Per-file state for JSONL parsing: the streaming message being assembled, and options.

    ``streamed`` says that a streaming event was read: such a file is sequential (a message's events follow
    each other), so the CLI reads it in one piece (see calculators.logs._read_all)."""

    __slots__ = ("default_model", "file", "fmt", "stream", "stream_line", "stream_pos", "streamed")

    def __init__(self, file: str, fmt: str = "auto", default_model: str | None = None):
        self.file = file
        self.fmt = fmt
        self.default_model = default_model
        self.stream: dict | None = None
        self.stream_line = 0
        self.stream_pos = 0
        self.streamed = False


#: The streaming message being read had a bad message_start: its other events are ignored.
_BAD_STREAM: dict = {}


IGNORED, RECORD, SYNTHETIC = 0, 1, 2


def parse_object(obj: object, st: LineState, line: int, pos: int, out: list) -> int:
    """Read one parsed JSONL value. Appends records to ``out``; returns what the line was."""
    if not isinstance(obj, dict):
        raise BadLine("not a JSON object")
    fmt = st.fmt
    typ = obj.get("type")
    msg = obj.get("message")
    # Claude Code: top-level type "assistant" with message.usage
    if typ == "assistant" and isinstance(msg, dict) and fmt in ("auto", "claude-code"):
        u = msg.get("usage")
        if not isinstance(u, dict):
            return IGNORED
        model = msg.get("model")
        if not isinstance(model, str) or not model:
            raise BadLine("assistant record without message.model")
        if model in SYNTHETIC_MODELS:
            return SYNTHETIC
        uv = usage_values(u)
        g = obj.get
        mid, rid = _str_or_none(msg.get("id")), _str_or_none(g("requestId"))
        ts, sid = _str_or_none(g("timestamp")), _str_or_none(g("sessionId"))
        cost = g("costUSD")
        out.append((st.file, line, ts, model, uv[0], uv[1], uv[2], uv[3], uv[4], uv[5], uv[6], uv[7], uv[8], uv[9],
                    sid, (mid, rid) if mid else None, g("isSidechain") is True,
                    None if cost is None else _logged_cost(cost), "request", pos, None))
        return RECORD
    if fmt == "claude-code":
        return IGNORED
    # Streaming events (message_start opens a message; message_delta usage is cumulative). The events of one
    # message are checked where they are read, so a bad one is reported with its own line: a message_start
    # with bad usage or no model is malformed (and the rest of its message is ignored), a message_delta whose
    # usage would make the message's usage bad is malformed and not applied.
    if typ in ("message_start", "message_delta", "message_stop") and fmt in ("auto", "stream"):
        st.streamed = True
        if typ == "message_start":
            flush_stream(st, out)  # a new message ends the one before it, even when the new one is bad
            st.stream = _BAD_STREAM
            if not isinstance(msg, dict) or not isinstance(msg.get("usage"), dict):
                raise BadLine("message_start without message.usage")
            model = msg.get("model")
            if not (isinstance(model, str) and model) and not st.default_model:
                raise BadLine("message_start without message.model (give --model)")
            usage_values(msg["usage"])  # raises BadLine: negative or non-numeric tokens, unknown inference_geo
            st.stream = {"usage": dict(msg["usage"]), "model": model, "id": msg.get("id"),
                         "ts": _str_or_none(obj.get("timestamp")) or _str_or_none(obj.get("created_at")),
                         "session": _session_of(obj)}
            st.stream_line, st.stream_pos = line, pos
            return IGNORED
        if typ == "message_delta":
            s = st.stream
            if s is None:
                raise BadLine("message_delta without a message_start before it")
            if s is _BAD_STREAM:
                return IGNORED  # (its message_start was reported)
            u = obj.get("usage")
            if u is not None:
                if not isinstance(u, dict):
                    raise BadLine("message_delta usage is not an object")
                merged = dict(s["usage"])
                for k, v in u.items():  # cumulative: the newest value replaces the older one
                    if v is not None:
                        merged[k] = v
                usage_values(merged)
                s["usage"] = merged
            return IGNORED
        n = len(out)
        flush_stream(st, out)
        return RECORD if len(out) > n else IGNORED
    if fmt == "stream":
        return IGNORED
    # API responses, {model, usage, timestamp?}, or a bare usage object
    u = obj.get("usage")
    if isinstance(u, dict) and typ in (None, "message"):
        model = obj.get("model") if isinstance(obj.get("model"), str) else st.default_model
    elif typ is None and _USAGE_KEYS & obj.keys():
        u, model = obj, st.default_model
    else:
        return IGNORED
    if not model:
        raise BadLine("no model: the line has usage but no 'model' field (give --model)")
    if model in SYNTHETIC_MODELS:
        return SYNTHETIC
    uv = usage_values(u)
    rid = _str_or_none(obj.get("id"))
    ts = _str_or_none(obj.get("timestamp")) or _str_or_none(obj.get("created_at"))
    out.append(_record(st.file, line, ts, model, uv, _session_of(obj), (rid, None) if rid else None, False,
                       None, "request", pos))
    return RECORD


def _session_of(obj: dict) -> str | None:
    for key in ("session_id", "sessionId", "api_key_id", "api_key"):
        if isinstance(obj.get(key), str) and obj[key]:
            return obj[key]
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("user_id"), str):
        return meta["user_id"]
    return None


def flush_stream(st: LineState, out: list) -> None:
    """Turn the streaming message being assembled into a record (at message_stop, a new start or EOF)."""
    s = st.stream
    if s is None:
        return
    st.stream = None
    if s is _BAD_STREAM:
        return
    model = s["model"] if isinstance(s["model"], str) and s["model"] else st.default_model
    if not model or model in SYNTHETIC_MODELS:
        return
    uv = usage_values(s["usage"])  # (checked when each event was read: cannot fail here)
    mid = _str_or_none(s["id"])
    out.append(_record(st.file, st.stream_line, s["ts"], model, uv, s["session"], (mid, None) if mid else None,
                       False, None, "request", st.stream_pos))


# ----------------------------------------------------------------------------------------------------------
# JSON parsers: the standard library (reference; Pyodide) and orjson when installed (CPython)
# ----------------------------------------------------------------------------------------------------------

_loads = json.loads
try:  # optional C JSON parser (CPython only); the standard-library paths stay the reference
    if __import__("os").environ.get("CLAUDE_COST_PURE_PYTHON"):
        raise ImportError
    from orjson import loads as _orjson_loads  # its JSONDecodeError is a ValueError

    HAVE_ORJSON = True
except ImportError:
    _orjson_loads = None
    HAVE_ORJSON = False


def _loads_lenient(line: bytes):
    """json.loads, reading bytes that are not UTF-8 as U+FFFD (as ``errors="replace"`` does).

    A stray byte in a message's text does not make a line malformed: its usage is still readable, and the fast
    block reader below (which never decodes message text) reads such a line the same way."""
    try:
        return _loads(line)
    except UnicodeDecodeError:
        return _loads(line.decode("utf-8", "replace"))


#: The block reader for Claude Code logs (CPython with msgspec installed): msgspec decodes a whole block of
#: lines in one call into small typed objects, skipping message text without building Python strings for it.
#: Only the fields the analyser reads are declared; ``message`` must be an object (or absent) for a block to
#: be read this way, otherwise the block is read by the line loop.
_decode_lines = None
try:
    if __import__("os").environ.get("CLAUDE_COST_PURE_PYTHON"):
        raise ImportError
    from typing import Any

    import msgspec as _msgspec

    class _CCMessage(_msgspec.Struct):
        id: Any = None
        model: Any = None
        usage: Any = None

    class _CCLine(_msgspec.Struct):
        type: Any = None
        message: _CCMessage | None = None
        requestId: Any = None
        timestamp: Any = None
        sessionId: Any = None
        isSidechain: Any = None
        costUSD: Any = None

    _decode_lines = _msgspec.json.Decoder(_CCLine).decode_lines
except ImportError:
    pass
HAVE_BLOCK_READER = _decode_lines is not None
#: Record types the block reader counts as ignored without a second look (parse_object ignores any JSON object
#: whose "type" is a string other than these).
_TYPES_TO_READ = frozenset({"assistant", "message", "message_start", "message_delta", "message_stop"})
#: One string object per model name and session id seen by the block reader: records sent between processes
#: then carry each of them once per batch (pickle writes an object it has seen as a reference).
_SAME: dict[str, str] = {}
#: Blocks that cannot be read whole (a malformed line in them) are halved down to this size, then read by lines.
_MIN_BLOCK = 1 << 16
#: orjson turns integers outside 64 bits into floats (json keeps them exact): a line that leaves the inline
#: reader and has a run of 19 digits (every such integer has one) is parsed again by json. (The inline reader
#: takes only integers, which orjson reads exactly, and sends costUSD floats beyond 2**63 the same way.)
_DIGITS_TO_0 = bytes.maketrans(b"123456789", b"000000000")
_BIG_NUMBER = b"0" * 19
# ----------------------------------------------------------------------------------------------------------
# Chunks of lines
# ----------------------------------------------------------------------------------------------------------


class Counts:
    """What happened to every line: records + malformed + ignored + synthetic (+ blank) = lines."""

    __slots__ = ("blank", "ignored", "lines", "malformed", "malformed_list", "records", "synthetic")

    def __init__(self):
        self.lines = self.records = self.malformed = self.ignored = self.synthetic = self.blank = 0
        self.malformed_list: list[tuple[str, int, str]] = []

    def bad(self, file: str, line: int, why: str, keep: int = 20) -> None:
        self.malformed += 1
        if len(self.malformed_list) < keep:
            self.malformed_list.append((file, line, why[:200]))

    def merge(self, other: Counts, line_offset: int = 0) -> None:
        for name in ("lines", "records", "malformed", "ignored", "synthetic", "blank"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for f, n, why in other.malformed_list:
            if len(self.malformed_list) < 20:
                self.malformed_list.append((f, n + line_offset, why))

    def to_json(self) -> dict:
        return {"lines": self.lines, "records": self.records, "malformed": self.malformed,
                "ignored": self.ignored, "synthetic": self.synthetic, "blank": self.blank}


def parse_lines(buf: bytes, st: LineState, first_line: int, base_pos: int, out: list, counts: Counts,
                fast: bool = True, inline: bool = True) -> int:
    """Parse the lines of ``buf`` (split at ``\\n``; the last one has no newline). Returns the number of lines.

    With ``fast`` and orjson installed, lines are parsed by orjson; otherwise by the standard library's json
    (the only parser in Pyodide). With ``inline`` (the default), Claude Code assistant records of the usual
    shape are read by the loop itself; without it every parsed line goes through :func:`parse_object` (the
    reference). Every combination gives the same records and counts; the tests check it.
    """
    if len(_SAME) > 100_000:  # (many sessions: start the shared strings afresh)
        _SAME.clear()
    accel = _orjson_loads if fast and HAVE_ORJSON else None
    if fast and inline and HAVE_BLOCK_READER and st.fmt in ("auto", "claude-code"):
        return _parse_blocks(buf, st, first_line, base_pos, out, counts, accel)
    return _parse_each(buf, st, first_line, base_pos, out, counts, accel, inline)


def _parse_blocks(buf: bytes, st: LineState, first_line: int, base_pos: int, out: list, counts: Counts,
                  accel) -> int:
    """Read ``buf`` with the block reader; a block it refuses is halved, and small ones go to the line loop."""
    n = _parse_block(buf, st, first_line, base_pos, out, counts, accel)
    if n is not None:
        return n
    mid = buf.find(b"\n", len(buf) // 2) if len(buf) > _MIN_BLOCK else -1
    if mid < 0:
        return _parse_each(buf, st, first_line, base_pos, out, counts, accel)
    n = _parse_blocks(buf[:mid], st, first_line, base_pos, out, counts, accel)
    return n + _parse_blocks(buf[mid + 1:], st, first_line + n, base_pos + mid + 1, out, counts, accel)


def _parse_block(buf: bytes, st: LineState, first_line: int, base_pos: int, out: list, counts: Counts,
                 accel) -> int | None:
    """Every line of ``buf`` decoded by msgspec in one call; None when the block cannot be read that way.

    The block is taken only when each of its lines holds exactly one JSON object: msgspec finds as many
    values as there are lines, and every line starts with ``{`` and ends with ``}`` (a raw newline cannot be
    inside a JSON string, and ``}`` then ``{`` cannot follow each other inside one JSON value, so no value
    spans two such lines). Lines are then read by the rules of the line loop: Claude Code assistant records of the usual
    shape and records whose type parse_object ignores are handled here; any other line goes to the line loop
    on its own bytes, so every line ends exactly where the reference parser puts it."""
    nl = buf.find(b"\n")
    if nl > 0 and buf[nl - 1] == 13:  # CRLF line ends: the line loop strips them
        return None
    try:
        objs = _decode_lines(buf)
    except Exception:  # malformed JSON, an unexpected "message", too deep: the line loop decides
        return None
    # One value per line, and every line is one object: each starts with "{" and ends with "}", and there are
    # as many lines as values.
    ends = []
    start, size = 0, len(buf)
    for _ in objs:
        if start >= size or buf[start] != 123:  # "{"
            return None
        end = buf.find(b"\n", start)
        if end < 0:
            end = size
        if buf[end - 1] != 125:  # "}"
            return None
        ends.append(end)
        start = end + 1
    if start != size + 1:
        return None
    lines = len(ends)
    file = st.file
    append = out.append
    find, rfind = buf.find, buf.rfind
    lineno = first_line - 1
    ignored = records = passed_on = 0
    start = 0
    for o, end in zip(objs, ends, strict=True):
        lineno += 1
        t = o.type
        if t == "assistant":
            msg = o.message
            u = None if msg is None else msg.usage
            if type(u) is not dict:
                ignored += 1  # parse_object: an assistant record without a usage object is ignored
                start = end + 1
                continue
            model = msg.model
            if type(model) is str and model and model not in SYNTHETIC_MODELS \
                    and (usual := _usual_usage(u)) is not None \
                    and (rfind(b'"usage"', start, end) >= 0 or find(b'_tokens"', start, end) >= 0) \
                    and (r := _cc_record(file, lineno, base_pos + start, model, usual, msg.id, o.requestId,
                                         o.timestamp, o.sessionId, o.isSidechain, o.costUSD)) is not None:
                append(r)
                records += 1
                start = end + 1
                continue
        elif type(t) is str and t not in _TYPES_TO_READ:
            ignored += 1
            start = end + 1
            continue
        # Anything else is read by the line loop, on this line alone.
        passed_on += 1
        _parse_each(buf[start:end], st, lineno, base_pos + start, out, counts, accel)
        start = end + 1
    counts.ignored += ignored
    counts.records += records
    counts.lines += lines - passed_on
    return lines


def _parse_each(buf: bytes, st: LineState, first_line: int, base_pos: int, out: list, counts: Counts,
                accel=None, inline: bool = True) -> int:
    """The line-by-line reader: every line of ``buf``.

    Every line that may hold a billed request is parsed whole (by ``accel`` when given, and by the standard
    library's json when ``accel`` refuses it or is None), so malformed lines are found exactly as the
    reference parser finds them. With ``inline``, Claude Code assistant records are then read in place (the
    rules of :func:`parse_object`'s first branch, by :func:`_usual_usage` and :func:`_cc_record`); anything
    else, and everything without ``inline``, goes through :func:`parse_object`.
    """
    loads = _loads_lenient
    lineno = first_line - 1
    pos = base_pos
    file = st.file
    cc = inline and st.fmt in ("auto", "claude-code")
    append = out.append
    blank = ignored = records = synthetic = 0
    for raw in buf.split(b"\n"):
        lineno += 1
        here = pos
        pos += len(raw) + 1
        if raw[:1] == b"{" and raw[-1:] == b"}":
            line = raw
        else:
            line = raw.strip()
            if not line:
                blank += 1
                continue
            if line.startswith(b"data:"):  # server-sent events as captured from the wire
                line = line[5:].strip()
            elif line.startswith((b"event:", b"id:", b"retry:", b":")):
                ignored += 1
                continue
        # (rfind: a Claude Code line's usage sits at its end, so the search stops early)
        if line.rfind(b'"usage"') < 0 and b'_tokens"' not in line and b'"message_stop"' not in line:
            # Cannot hold a billed request: skip it unparsed unless it does not even look like an object.
            if line[:1] == b"{" and line[-1:] == b"}":
                ignored += 1
            else:
                counts.bad(file, lineno, "not a JSON object (cut short or not JSON Lines?)")
            continue
        by_accel = False
        try:
            if accel is None:
                obj = loads(line)
            else:
                try:
                    obj = accel(line)
                    by_accel = True
                except ValueError:  # whatever orjson refuses, json decides
                    obj = loads(line)
        except (ValueError, RecursionError) as exc:
            counts.bad(file, lineno, f"not valid JSON ({str(exc)[:80]})")
            continue
        if cc and type(obj) is dict and obj.get("type") == "assistant":
            # A Claude Code assistant record with the usual all-integer usage object: parse_object's rules
            # (_usual_usage, _cc_record) in place. Anything else about it goes to parse_object below.
            msg = obj.get("message")
            if type(msg) is dict:
                u = msg.get("usage")
                model = msg.get("model")
                if type(u) is dict and type(model) is str and model and model not in SYNTHETIC_MODELS \
                        and (usual := _usual_usage(u)) is not None:
                    g = obj.get
                    r = _cc_record(file, lineno, here, model, usual, msg.get("id"), g("requestId"), g("timestamp"),
                                   g("sessionId"), g("isSidechain"), g("costUSD"))
                    if r is not None:
                        append(r)
                        records += 1
                        continue
        if by_accel and _BIG_NUMBER in line.translate(_DIGITS_TO_0):
            obj = loads(line)  # orjson gave floats for integers beyond 64 bits; json keeps them exact
        n = len(out)
        try:
            kind = parse_object(obj, st, lineno, here, out)
        except (BadLine, RecursionError) as exc:
            counts.bad(file, lineno, str(exc))
            if len(out) > n:  # a bad message_start ended the message before it: that record is counted on
                records += 1  # the message's own message_start line, counted as ignored when it was read
                ignored -= 1
            continue
        if kind == SYNTHETIC:
            synthetic += 1
        elif len(out) > n:  # (a streaming message is counted on the line that completed it)
            records += 1
        else:
            ignored += 1
    counts.blank += blank
    counts.ignored += ignored
    counts.records += records
    counts.synthetic += synthetic
    counts.lines += lineno - first_line + 1
    return lineno - first_line + 1


def finish_lines(st: LineState, out: list, counts: Counts) -> None:
    """At the end of a file: a streaming message without message_stop is still a billed request."""
    n = len(out)
    flush_stream(st, out)
    if len(out) > n and counts.ignored:  # its message_start line was counted as ignored
        counts.records += 1
        counts.ignored -= 1


# ----------------------------------------------------------------------------------------------------------
# Whole documents: Admin API usage and cost reports, Console CSV
# ----------------------------------------------------------------------------------------------------------


def _pages(text: str, file: str, counts: Counts) -> list:
    """One JSON document, a JSON array of pages, or JSON Lines of pages.

    A report is counted by its result rows, not by the lines of its text (a report is often one line): each
    result row, and each page or bucket that cannot be read, is one of the ``lines`` of the counts. JSON
    nested too deeply to read is malformed like any other JSON that cannot be read."""
    try:
        doc = json.loads(text)
        docs = doc if isinstance(doc, list) else [doc]
        return [(1, d) for d in docs]
    except (ValueError, RecursionError):
        pass
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            counts.lines += 1
            counts.blank += 1
            continue
        try:
            out.append((n, json.loads(line)))
        except (ValueError, RecursionError) as exc:
            counts.lines += 1
            counts.bad(file, n, "not valid JSON (nested too deeply)" if isinstance(exc, RecursionError)
                       else f"not valid JSON ({str(exc)[:80]})")
    return out


def parse_usage_report(text: str, file: str, counts: Counts) -> list:
    """Rows of ``/v1/organizations/usage_report/messages`` pages -> aggregate records."""
    out = []
    for n, bucket, r in _report_results(text, file, counts, "usage"):
        model = r.get("model")
        if not isinstance(model, str) or not model:
            counts.bad(file, n, "result without 'model' (group the report by model)")
            continue
        try:
            u = dict(r)
            u["input_tokens"] = r.get("uncached_input_tokens")
            u.pop("cache_creation_input_tokens", None)
            uv = usage_values(u)
        except BadLine as exc:
            counts.bad(file, n, str(exc))
            continue
        session = _str_or_none(r.get("api_key_id")) or _str_or_none(r.get("workspace_id"))
        out.append(_record(file, n, _str_or_none(bucket.get("starting_at")), model, uv, session, None, False, None,
                           "aggregate", len(out), tier_prompt_of(r.get("context_window"))))
        counts.records += 1
    return out


def _report_results(text: str, file: str, counts: Counts, kind: str):
    """Every result object of an Admin API report (pages -> data buckets -> results), as (line, bucket, result).

    Each result is counted as a line (the caller counts it as a record or as malformed). Pages, buckets or
    results of the wrong shape are counted as malformed lines and skipped.
    """
    for n, page in _pages(text, file, counts):
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list):
            counts.lines += 1
            counts.bad(file, n, f"not a {kind} report page (no 'data' list)")
            continue
        for bucket in data:
            results = bucket.get("results") if isinstance(bucket, dict) else None
            if not isinstance(results, list):
                counts.lines += 1
                counts.bad(file, n, "bucket without a 'results' list")
                continue
            for r in results:
                counts.lines += 1
                if not isinstance(r, dict):
                    counts.bad(file, n, "result is not an object")
                    continue
                yield n, bucket, r


#: Money in cost reports and cost CSVs: at most this many dollars (or cents) in one row, and at most
#: MONEY_PLACES decimal places. NaN, Infinity and numbers like 1e999999 are malformed rows.
MAX_AMOUNT = Decimal(10) ** 15
MONEY_PLACES = 15


def money(value: object, what: str) -> Decimal:
    """A finite decimal amount of money from a report or CSV (a string or a JSON number), or BadLine."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadLine(f"{what} {short(value)} is not a decimal number")
    if isinstance(value, int):
        if abs(value) >= MAX_AMOUNT:
            raise BadLine(f"{what} {short(value)} is out of range (below {MAX_AMOUNT:,} expected)")
        return Decimal(value)
    text = value.strip() if isinstance(value, str) else repr(value)
    if len(text) > 60:
        raise BadLine(f"{what} {short(value)} is not a plausible amount (too many characters)")
    try:
        amount = Decimal(text)
    except ArithmeticError:
        raise BadLine(f"{what} {short(value)} is not a decimal number") from None
    if not amount.is_finite():
        raise BadLine(f"{what} {short(value)} is not a finite number")
    if not amount:
        return Decimal(0)
    sign, digits, exponent = amount.as_tuple()
    zeros = len(digits) - len(bytes(digits).rstrip(b"\0"))  # trailing zeros do not count as places
    if abs(amount) >= MAX_AMOUNT or exponent + zeros < -MONEY_PLACES:
        raise BadLine(f"{what} {short(value)} is out of range (below {MAX_AMOUNT:,}, at most {MONEY_PLACES} "
                      f"decimal places)")
    return amount


def parse_cost_report(text: str, file: str, counts: Counts) -> list:
    """Rows of ``/v1/organizations/cost_report`` -> (day, model, cost_type, description, amount_cents, tier)."""
    out = []
    for n, bucket, r in _report_results(text, file, counts, "cost"):
        try:
            cents = money(r.get("amount"), "amount")
        except BadLine as exc:
            counts.bad(file, n, str(exc))
            continue
        if r.get("currency", "USD") != "USD":
            counts.bad(file, n, f"currency {short(r.get('currency'))}: only USD is supported")
            continue
        day = (_str_or_none(bucket.get("starting_at")) or "")[:10]
        out.append((day, _str_or_none(r.get("model")), r.get("cost_type") or "tokens",
                    _str_or_none(r.get("description")), cents, _str_or_none(r.get("service_tier"))))
        counts.records += 1
    return out


_CSV_COLUMNS = {
    "day": ("usage_date_utc", "date", "usage_date", "day"),
    "model": ("model_version", "model", "model_id"),
    "session": ("api_key", "api_key_id", "api_key_name"),
    "workspace": ("workspace", "workspace_id", "workspace_name"),
    "usage_type": ("usage_type", "service_tier"),
    "input": ("usage_input_tokens_no_cache", "uncached_input_tokens", "input_tokens"),
    "w5": ("usage_input_tokens_cache_write_5m", "cache_write_5m_tokens"),
    "w1": ("usage_input_tokens_cache_write_1h", "cache_write_1h_tokens"),
    "read": ("usage_input_tokens_cache_read", "cache_read_input_tokens", "cache_read_tokens"),
    "output": ("usage_output_tokens", "output_tokens"),
    "web": ("web_search_count", "web_search_requests"),
    "geo": ("inference_geo",),
    "context_window": ("context_window",),
    "speed": ("speed",),
    "cost": ("cost_usd", "cost", "amount_usd"),
}


#: Line ends in CSV files: LF, CRLF, and CR alone (old Mac exports). Nothing else ends a row.
_CSV_LINES = re.compile(r"\r\n|\r|\n")
#: A token count in a CSV cell: ASCII digits, with optional thousands separators.
_CSV_COUNT = re.compile(r"[0-9]+")


def csv_lines(text: str) -> list[str]:
    """The lines of a CSV text (LF, CRLF or CR line ends; no empty line after the last line end)."""
    lines = _CSV_LINES.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _csv_row(line: str) -> list[str]:
    """One CSV row from one line. A row is one line: a quote left open at the end of the line (which would
    swallow the rows after it) or a field longer than the csv module's limit makes the line malformed."""
    import csv

    try:
        return next(csv.reader((line,), strict=True))
    except csv.Error as exc:
        why = str(exc)
        if "unexpected end of data" in why:
            raise BadLine("a quoted field is not closed on its line (a row must be one line)") from None
        if "field larger than field limit" in why:
            raise BadLine(f"a field is longer than {csv.field_size_limit():,} characters") from None
    try:  # strict=True also refuses a quote inside an unquoted field (a"b): read that leniently
        return next(csv.reader((line,)))
    except csv.Error as exc:
        raise BadLine(f"not a CSV row ({str(exc)[:80]})") from None


def _csv_count(name: str, cell: str) -> int:
    text = cell.replace(",", "").replace("_", "")
    if not text:
        return 0
    if not _CSV_COUNT.fullmatch(text):
        if text.startswith("-") and _CSV_COUNT.fullmatch(text[1:]):
            raise BadLine(f"{name}: negative count {short(cell)}")
        raise BadLine(f"{name}: {short(cell)} is not a whole number of tokens")
    if len(text) > 16 or int(text) > MAX_TOKENS:
        raise BadLine(f"{name}: {short(cell)} is more than the {MAX_TOKENS:,} tokens a row may hold")
    return int(text)


def parse_csv(text: str, file: str, counts: Counts) -> tuple[list, list]:
    """Console usage CSV (token columns) -> aggregate records; a cost CSV (``cost_usd``) -> billed rows.

    Columns are found by name (case and surrounding spaces ignored), in any order; extra columns are ignored.
    Every line is one row (see :func:`_csv_row`); a row that cannot be read is malformed and the next line is
    read as the next row.
    """
    records, billed = [], []
    header = None
    col: dict[str, int] = {}
    lines = csv_lines(text)
    for n, line in enumerate(lines, 1):
        counts.lines += 1
        if not line.strip():
            counts.blank += 1
            continue
        try:
            row = _csv_row(line)
        except BadLine as exc:
            counts.bad(file, n, str(exc))
            continue
        if not any(c.strip() for c in row):
            counts.blank += 1
            continue
        if header is None:
            header = [c.strip().lower().lstrip("\ufeff") for c in row]
            for name, options in _CSV_COLUMNS.items():
                for o in options:
                    if o in header:
                        col[name] = header.index(o)
                        break
            if "day" not in col or "model" not in col:
                counts.bad(file, n, "CSV header needs a date column (usage_date_utc) and a model column "
                                    "(model_version)")
                rest = len(lines) - n  # not read: without those columns no row can be priced
                counts.lines += rest
                counts.ignored += rest
                return records, billed
            counts.ignored += 1
            continue

        def get(name, row=row):
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        def count(name, row=row, header=header):  # (the message names the column as the file does)
            return _csv_count(header[col[name]] if name in col else name, get(name))

        day, model = get("day")[:10], get("model")
        if not day or not model:
            counts.bad(file, n, "row without a date or a model")
            continue
        if "cost" in col and "input" not in col:
            try:
                usd = money(get("cost").replace("$", "").replace(",", ""), "cost")
            except BadLine as exc:
                counts.bad(file, n, str(exc))
                continue
            billed.append((day, model, "tokens", None, usd * 100, None))
            counts.records += 1
            continue
        try:
            utype = get("usage_type").lower()
            geo = get("geo").lower()
            uv = (count("input"), count("w5"), count("w1"), count("read"), count("output"), count("web"),
                  "batch" in utype, "us" if geo == "us" else "global", get("speed").lower() == "fast",
                  "batch" if "batch" in utype else (utype or None))
        except BadLine as exc:
            counts.bad(file, n, str(exc))
            continue
        session = get("session") or get("workspace") or None
        records.append(_record(file, n, day, model, uv, session, None, False, None, "aggregate", n,
                               tier_prompt_of(get("context_window"))))
        counts.records += 1
    return records, billed


def sniff(head: bytes) -> str:
    """Guess the format from the first bytes of a file."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return "api"
    first_line = text.split(b"\n", 1)[0]
    if text[:1] not in (b"{", b"[") and not first_line.startswith((b"data:", b"event:")):
        if b"," in first_line:
            return "csv"
        return "api"
    if (b'"results"' in head and b'"data"' in head) and (b'"starting_at"' in head):
        return "cost-report" if b'"amount"' in head else "usage-report"
    if b'"message_start"' in head or first_line.startswith((b"data:", b"event:")):
        return "stream"
    if b'"sessionId"' in head or b'"type":"assistant"' in head or b'"type":"user"' in head:
        return "claude-code"
    return "api"
