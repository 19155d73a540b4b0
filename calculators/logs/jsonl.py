"""JSON Lines: Claude Code session logs, Messages API responses, bare usage objects and streaming events.

One reference parser per line (:func:`parse_object`), and two quicker readers that give exactly its records and
counts (the tests compare them on fixtures, generated logs, random bytes, cut and spliced files):

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
does not lose the request's usage. Amazon Bedrock invocation logs (also JSON Lines) have their own parser in
:mod:`calculators.logs.bedrock`, which :func:`parse_object` hands them to.
"""

from __future__ import annotations

import json
import os
import re

from . import bedrock
from .records import (
    F_BATCH,
    F_FAST,
    F_GEO,
    F_IN,
    F_LOGGED,
    F_MODEL,
    F_OUT,
    F_RD,
    F_W1,
    F_W5,
    F_WEB,
    MAX_TOKENS,
    SYNTHETIC_MODELS,
    TOKEN_FIELDS,
    BadLine,
    Counts,
    folder_project,
    logged_cost,
    make_record,
    str_or_none,
)
from .usage import _usual_usage, _usual_values, usage_values

__all__ = ["F_BATCH", "F_FAST", "F_GEO", "F_IN", "F_LOGGED", "F_MODEL", "F_OUT", "F_RD", "F_W1", "F_W5", "F_WEB",
           "MAX_TOKENS", "TOKEN_FIELDS", "BadLine", "Counts", "LineState", "finish_lines", "parse_lines",
           "parse_object", "usage_values"]

_USAGE_KEYS = frozenset({"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"})


def _cc_record(file, line, pos, model, values, mid, rid, ts, sid, sidechain, cost, cwd, folder):
    """The record of a Claude Code assistant line whose usage object took the shortcut (``values`` from
    :func:`~calculators.usage_object.usual_values`), by parse_object's rules; None for a costUSD float beyond
    64-bit integers (that line is left to parse_object). Model names and session ids are kept as one string object
    each (see _SAME)."""
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
    cwd = _SAME.setdefault(cwd, cwd) if type(cwd) is str and cwd else folder
    return (file, line, ts, _SAME.setdefault(model, model), *values, sid, (mid, rid) if mid else None,
            sidechain is True, None if cost is None else logged_cost(cost), "request", pos, None, cwd)

# ----------------------------------------------------------------------------------------------------------
# JSONL: Claude Code session logs, API responses, streaming events (one reference parser per line)
# ----------------------------------------------------------------------------------------------------------


class LineState:
    """Per-file state for JSONL parsing: the streaming message being assembled, and options.

    ``streamed`` says that a streaming event was read: such a file is sequential (a message's events follow
    each other), so the CLI reads it in one piece (see calculators.logs._read_all)."""

    __slots__ = ("default_model", "file", "fmt", "folder", "stream", "stream_line", "stream_pos", "streamed")

    def __init__(self, file: str, fmt: str = "auto", default_model: str | None = None):
        self.file = file
        #: the Claude Code project the file's place names (for records without a cwd)
        self.folder = folder_project(file)
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
    if fmt == "bedrock":  # Amazon Bedrock model-invocation logs: their own parser
        if obj.get("schemaType") != bedrock.SCHEMA_TYPE:
            return IGNORED
        return RECORD if bedrock.parse_record(obj, st.file, line, pos, out) else IGNORED
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
        mid, rid = str_or_none(msg.get("id")), str_or_none(g("requestId"))
        ts, sid = str_or_none(g("timestamp")), str_or_none(g("sessionId"))
        cost = g("costUSD")
        out.append((st.file, line, ts, model, uv[0], uv[1], uv[2], uv[3], uv[4], uv[5], uv[6], uv[7], uv[8], uv[9],
                    sid, (mid, rid) if mid else None, g("isSidechain") is True,
                    None if cost is None else logged_cost(cost), "request", pos, None,
                    str_or_none(g("cwd")) or st.folder))
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
                raise BadLine("message_start without message.model (give --default-model)")
            usage_values(msg["usage"])  # raises BadLine: negative or non-numeric tokens, unknown inference_geo
            st.stream = {"usage": dict(msg["usage"]), "model": model, "id": msg.get("id"),
                         "ts": str_or_none(obj.get("timestamp")) or str_or_none(obj.get("created_at")),
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
        raise BadLine("no model: the line has usage but no 'model' field (give --default-model)")
    if model in SYNTHETIC_MODELS:
        return SYNTHETIC
    uv = usage_values(u)
    rid = str_or_none(obj.get("id"))
    ts = str_or_none(obj.get("timestamp")) or str_or_none(obj.get("created_at"))
    out.append(make_record(st.file, line, ts, model, uv, _session_of(obj), (rid, None) if rid else None, False,
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
    mid = str_or_none(s["id"])
    out.append(make_record(st.file, st.stream_line, s["ts"], model, uv, s["session"], (mid, None) if mid else None,
                       False, None, "request", st.stream_pos))


# ----------------------------------------------------------------------------------------------------------
# JSON parsers: the standard library (reference; Pyodide) and orjson when installed (CPython)
# ----------------------------------------------------------------------------------------------------------

_loads = json.loads
try:  # optional C JSON parser (CPython only); the standard-library paths stay the reference
    if os.environ.get("CLAUDE_COST_PURE_PYTHON"):
        raise ImportError
    from orjson import loads as _orjson_loads  # its JSONDecodeError is a ValueError

    HAVE_ORJSON = True
except ImportError:
    _orjson_loads = None  # type: ignore[assignment]
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
#: Only the fields the analyser reads are declared, each as the JSON value it holds (absent and ``null`` are both
#: None, which the usage rules treat alike); ``message``, its ``usage`` and the usage's ``cache_creation`` and
#: ``server_tool_use`` must be objects (or absent or null) for a block to be read this way, otherwise the block is
#: read by the line loop.
_decode_lines = None
try:
    if os.environ.get("CLAUDE_COST_PURE_PYTHON"):
        raise ImportError
    from typing import Any

    import msgspec as _msgspec

    # Fields are declared in the order Claude Code writes them (msgspec looks for the next key at the next
    # field first), and gc=False: these objects hold no cycles (about 6% quicker decoding of 1 GB of generated
    # logs, bench data, 2026-12-04).
    class _CCCache(_msgspec.Struct, gc=False):
        ephemeral_5m_input_tokens: Any = None
        ephemeral_1h_input_tokens: Any = None

    class _CCTools(_msgspec.Struct, gc=False):
        web_search_requests: Any = None

    class _CCUsage(_msgspec.Struct, gc=False):
        input_tokens: Any = None
        cache_creation_input_tokens: Any = None
        cache_read_input_tokens: Any = None
        cache_creation: _CCCache | None = None
        output_tokens: Any = None
        server_tool_use: _CCTools | None = None
        service_tier: Any = None
        speed: Any = None
        inference_geo: Any = None

    class _CCMessage(_msgspec.Struct, gc=False):
        id: Any = None
        model: Any = None
        usage: _CCUsage | None = None

    class _CCLine(_msgspec.Struct, gc=False):
        isSidechain: Any = None
        cwd: Any = None
        sessionId: Any = None
        message: _CCMessage | None = None
        requestId: Any = None
        type: Any = None
        timestamp: Any = None
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
def parse_lines(buf: bytes, st: LineState, first_line: int, base_pos: int, out: list, counts: Counts,
                fast: bool = True, inline: bool = True, newline_end: bool = False) -> int:
    """Parse the lines of ``buf`` (split at ``\\n``; the last one has no newline). Returns the number of lines.

    ``newline_end``: ``buf`` ends with one newline more, which is not a line of its own (so a reader that has a
    whole file need not copy it without its last newline; the block reader reads it in place).

    With ``fast`` and orjson installed, lines are parsed by orjson; otherwise by the standard library's json
    (the only parser in Pyodide). With ``inline`` (the default), Claude Code assistant records of the usual
    shape are read by the loop itself; without it every parsed line goes through :func:`parse_object` (the
    reference). Every combination gives the same records and counts; the tests check it.
    """
    if len(_SAME) > 100_000:  # (many sessions: start the shared strings afresh)
        _SAME.clear()
    accel = _orjson_loads if fast and HAVE_ORJSON else None
    if fast and inline and HAVE_BLOCK_READER and st.fmt in ("auto", "claude-code"):
        if newline_end:
            n = _parse_block(buf, st, first_line, base_pos, out, counts, accel, len(buf) - 1)
            if n is not None:
                return n
            buf = buf[:-1]
        return _parse_blocks(buf, st, first_line, base_pos, out, counts, accel)
    return _parse_each(buf[:-1] if newline_end else buf, st, first_line, base_pos, out, counts, accel, inline)


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
                 accel, size: int | None = None) -> int | None:
    """Every line of ``buf`` (of ``buf[:size]`` when ``size`` is given: then ``buf[size:]`` is one newline)
    decoded by msgspec in one call; None (and nothing read) when the block cannot be read that way.

    The block is taken only when each of its lines holds exactly one JSON object: msgspec finds as many
    values as there are lines, and every line starts with ``{`` and ends with ``}`` (a raw newline cannot be
    inside a JSON string, and ``}`` then ``{`` cannot follow each other inside one JSON value, so no value
    spans two such lines). Lines are then read by the rules of the line loop: Claude Code assistant records whose
    usage takes the shortcut (:func:`~calculators.usage_object.usual_values`) and records whose type parse_object
    ignores are handled here; any other line goes to the line loop on its own bytes, so every line ends exactly
    where the reference parser puts it. Those lines are read after the whole block has been checked (their records
    go in at their place), so a block refused half-way has changed nothing.

    Claude Code writes a response as several lines (one per content block), each with the request's usage so
    far. Copies that follow each other are merged here by the collector's rule (the most complete copy, the first
    one read between equals, at the place of the first; :class:`~calculators.logs.records.Collector`), and only
    the kept copy becomes a record; ``counts.merged`` counts the others, which the collector would otherwise
    have counted as duplicates."""
    nl = buf.find(b"\n")
    if nl > 0 and buf[nl - 1] == 13:  # CRLF line ends: the line loop strips them
        return None
    try:
        objs = _decode_lines(buf)  # type: ignore[misc]  # (only called when HAVE_BLOCK_READER)
    except Exception:  # malformed JSON, an unexpected "message", too deep: the line loop decides
        return None
    if size is None:
        size = len(buf)
    file, folder = st.file, st.folder
    mine: list = []  # the records read here, in line order
    append = mine.append
    later: list = []  # lines for the line loop: (records of this block before it, line number, start, end)
    find, rfind = buf.find, buf.rfind
    usual_values = _usual_values
    lineno = first_line - 1
    ignored = records = merged = 0
    start = 0
    held = None  # the request read last, kept back in case its next copy follows: (mid, rid, o, values, line, start)
    for o in objs:
        # One value per line, and every line one object (checked as the lines are read)
        if start >= size or buf[start] != 123:  # "{"
            return None
        end = find(b"\n", start)
        if end < 0:
            end = size
        if buf[end - 1] != 125:  # "}"
            return None
        lineno += 1
        t = o.type
        if t == "assistant":
            msg = o.message
            if msg is None or (u := msg.usage) is None:
                ignored += 1  # parse_object: an assistant record without a usage object is ignored
                start = end + 1
                continue
            model = msg.model
            cc, stu, cost = u.cache_creation, u.server_tool_use, o.costUSD
            if type(model) is str and model and model not in SYNTHETIC_MODELS \
                    and (usual := usual_values(u.input_tokens, u.output_tokens, u.cache_read_input_tokens,
                                               u.cache_creation_input_tokens, cc is not None,
                                               None if cc is None else cc.ephemeral_5m_input_tokens,
                                               None if cc is None else cc.ephemeral_1h_input_tokens,
                                               None if stu is None else stu.web_search_requests,
                                               u.service_tier, u.speed, u.inference_geo)) is not None \
                    and (rfind(b'"usage"', start, end) >= 0 or find(b'_tokens"', start, end) >= 0) \
                    and (type(cost) is not float or -9.2e18 < cost < 9.2e18):  # (else _cc_record refuses it)
                records += 1
                mid, rid = msg.id, o.requestId
                if held is not None and mid == held[0] and rid == held[1] and type(mid) is str and mid:
                    merged += 1  # another copy of the request held back: keep the more complete one
                    was = held[3]
                    if usual[4] > was[4] or usual[4] == was[4] and \
                            (usual[0] + usual[1] + usual[2] + usual[3], usual[5]) > \
                            (was[0] + was[1] + was[2] + was[3], was[5]):
                        held = (mid, rid, o, usual, lineno, start)
                    start = end + 1
                    continue
                if held is not None:
                    append(_held_record(held, file, base_pos, folder))
                held = (mid, rid, o, usual, lineno, start)
                start = end + 1
                continue
        elif type(t) is str and t not in _TYPES_TO_READ:
            ignored += 1
            start = end + 1
            continue
        # Anything else is read by the line loop, on this line alone, once the block is known to be whole.
        if held is not None:
            append(_held_record(held, file, base_pos, folder))
            held = None
        later.append((len(mine), lineno, start, end))
        start = end + 1
    if start != size + 1:
        return None
    if held is not None:
        append(_held_record(held, file, base_pos, folder))
    done = 0
    for k, line, a, b in later:
        out.extend(mine[done:k])
        done = k
        _parse_each(buf[a:b], st, line, base_pos + a, out, counts, accel)
    out.extend(mine[done:] if done else mine)
    lines = lineno - first_line + 1
    counts.ignored += ignored
    counts.records += records
    counts.merged += merged
    counts.lines += lines - len(later)
    return lines


def _held_record(held: tuple, file: str, base_pos: int, folder: str | None) -> tuple:
    mid, rid, o, usual, line, start = held
    return _cc_record(file, line, base_pos + start, o.message.model, usual, mid, rid, o.timestamp, o.sessionId,
                      o.isSidechain, o.costUSD, o.cwd, folder)


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
    counted = st.fmt == "bedrock"  # (Bedrock records name their counts "...TokenCount")
    append = out.append
    blank = ignored = records = synthetic = extra = 0
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
            elif line[:1].isdigit() and (stamp := TS_PREFIX.match(line)) is not None:
                line = line[stamp.end():]  # a CloudWatch Logs export line: "<timestamp> <message>"
        # (rfind: a Claude Code line's usage sits at its end, so the search stops early)
        if line.rfind(b'"usage"') < 0 and b'_tokens"' not in line and b'"message_stop"' not in line \
                and not (counted and b'TokenCount"' in line):
            # Cannot hold a billed request: skip it unparsed unless it does not even look like an object.
            if line[:1] == b"{" and line[-1:] == b"}":
                events = _envelope(line, st, lineno, here, out, counts, accel, inline) \
                    if b'"logEvents"' in line else None
                if events is None:
                    ignored += 1
                elif events:  # each log event counts as a line (counted by _envelope), this line does not
                    extra -= 1
                else:
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
                                   g("sessionId"), g("isSidechain"), g("costUSD"), g("cwd"), st.folder)
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
    counts.lines += lineno - first_line + 1 + extra
    return lineno - first_line + 1


# ----------------------------------------------------------------------------------------------------------
# CloudWatch Logs wrappings (Amazon Bedrock invocation logs as CloudWatch Logs delivers or exports them)
# ----------------------------------------------------------------------------------------------------------

#: The timestamp CloudWatch Logs writes before each message in an export to S3 (``2026-10-08T12:00:01.000Z``).
TS_PREFIX = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)? +(?=\S)")
_DECODER = json.JSONDecoder()


def _objects(text: str) -> list:
    """The JSON values of ``text``, one after another (Firehose writes subscription payloads back to back)."""
    found, at, end = [], 0, len(text)
    while at < end:
        value, at = _DECODER.raw_decode(text, at)
        found.append(value)
        while at < end and text[at] in " \t\r":
            at += 1
    return found


def _envelope(line: bytes, st: LineState, lineno: int, pos: int, out: list, counts: Counts, accel,
              inline: bool) -> int | None:
    """Read a CloudWatch Logs subscription payload (``{"messageType": "DATA_MESSAGE", "logEvents":
    [{"message": "<a log record>"}...]}``; several may follow each other on one line). Each event's message is
    read as a line of its own, with this line's number (a bad one is reported as ``log event N: ...``).
    Returns the number of log events read, or None when the line is not such a payload."""
    try:
        values = _objects(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    events: list = []
    for v in values:
        if not (isinstance(v, dict) and isinstance(v.get("logEvents"), list) and "messageType" in v):
            return None
        if v.get("messageType") == "DATA_MESSAGE":  # (CONTROL_MESSAGE only checks the destination is reachable)
            events.extend(v["logEvents"])
    for k, event in enumerate(events, 1):
        message = event.get("message") if isinstance(event, dict) else None
        if not isinstance(message, str):
            counts.lines += 1
            counts.bad(st.file, lineno, f"log event {k}: no message string")
            continue
        sub = Counts()
        # (a raw line break can only be whitespace between JSON tokens: the message stays one line)
        _parse_each(message.replace("\n", " ").encode("utf-8", "replace"), st, lineno, pos, out, sub, accel,
                    inline)
        for name in ("lines", "records", "ignored", "synthetic", "blank"):
            setattr(counts, name, getattr(counts, name) + getattr(sub, name))
        for f, n, why in sub.malformed_list:
            counts.bad(f, n, f"log event {k}: {why}")
        counts.malformed += sub.malformed - len(sub.malformed_list)
    return len(events)


def finish_lines(st: LineState, out: list, counts: Counts) -> None:
    """At the end of a file: a streaming message without message_stop is still a billed request."""
    n = len(out)
    flush_stream(st, out)
    if len(out) > n and counts.ignored:  # its message_start line was counted as ignored
        counts.records += 1
        counts.ignored -= 1


