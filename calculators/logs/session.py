"""The browser session: the Usage-Log Analyser page reads the user's files and feeds them here in chunks.

Bridge handlers (``calculators.bridge.HANDLERS``): ``analyze_start`` opens a session, ``analyze_chunk`` feeds
one chunk of one file (lines may be cut anywhere; the same :class:`~calculators.logs.reader.ChunkReader` as the
command line reads them), ``analyze_finish`` prices everything and returns the report (the JSON of
``claude-cost analyze --json``), ``analyze_cancel`` drops a session. A handler takes ``(inputs, today)``.
"""

from __future__ import annotations

import datetime as _dt
import io
import time
from decimal import Decimal

from .._charts import value_axis
from ..errors import InputError, PriceError
from ..pricing import UnknownModelError, load_pricing
from .analysis import Analysis, Options
from .reader import DOC_FORMATS, ChunkReader, choose_format
from .records import Collector

__all__ = ["bridge_analyze_cancel", "bridge_analyze_chunk", "bridge_analyze_finish", "bridge_analyze_start"]

_SESSIONS: dict[str, dict] = {}
_MAX_DOC_BYTES = 256 << 20
#: The browser decides a file's format on its first 64 KB (or the whole file if smaller).
_SNIFF_BYTES = 1 << 16


def _input_error(field: str, message: str) -> InputError:
    return InputError([(field, message)])


#: The browser bridge words messages for the analyser's form (see calculators.bridge): its Options fields.
FORM_WORDS = {
    "(set the share with --batch-share)": "(set the share with \u201cBatch share\u201d under Options)",
    "(choose another model with --route-to)": "(choose another model in \u201cRoute to\u201d under Options)",
    "--route-to: ": "Route to: ",
    "--since: ": "From: ",
    "--until: ": "Until: ",
    "in --json": "in the downloaded JSON report",
    "--model ": "Model ",
    "--session ": "Session ",
    "--project ": "Project ",
    "left out by --model/--session/--project": "left out by the filters",
}


def bridge_analyze_start(inputs: dict, today: _dt.date) -> dict:
    """Start an analysis. Inputs (all optional): format, default_model, since, until, at, batch_share, route_to,
    and the filters model, session, project."""
    try:
        opts = Options(since=inputs.get("since"), until=inputs.get("until"), at=inputs.get("at") or None,
                       today=today,
                       batch_share=inputs.get("batch_share", "0.5") or "0.5",
                       route_to=inputs.get("route_to") or "haiku", model=inputs.get("default_model"),
                       fmt=inputs.get("format") or "auto", only_model=inputs.get("model") or None,
                       only_session=inputs.get("session") or None, only_project=inputs.get("project") or None)
    except PriceError as exc:
        raise _input_error(exc.field, str(exc)) from None
    if opts.since and opts.until and opts.since > opts.until:
        raise _input_error("until", f"the last day ({opts.until}) is before the first day ({opts.since})")
    try:
        load_pricing().model(opts.route_to)
    except UnknownModelError as exc:
        raise _input_error("route_to", f"--route-to: {exc}") from None
    sid = f"s{len(_SESSIONS) + 1}-{time.monotonic_ns()}"
    _SESSIONS[sid] = {"options": opts, "collector": Collector(), "files": {}, "bytes": 0}
    return {"session": sid}


def _session(inputs: dict) -> dict:
    sid = inputs.get("session")
    s = _SESSIONS.get(sid) if isinstance(sid, str) else None
    if s is None:
        raise _input_error("session", "unknown or finished analysis session (start a new analysis)")
    return s


def bridge_analyze_chunk(inputs: dict, today: _dt.date | None = None) -> dict:
    """Feed one chunk of one file: {session, file, text, final}. Lines may be split across chunks. The page
    gunzips a gzip file itself; ``damaged`` (with ``final``) says why such a file ended early: like the command
    line, the rest of it counts as one malformed line."""
    s = _session(inputs)
    name = inputs.get("file")
    if not isinstance(name, str) or not name:
        raise _input_error("file", "each chunk needs the file name")
    text = inputs.get("text", "")
    if not isinstance(text, str):
        raise _input_error("text", "chunk text must be a string")
    data = text.encode("utf-8", errors="replace")
    col: Collector = s["collector"]
    opts: Options = s["options"]
    final = bool(inputs.get("final"))
    f = s["files"].get(name)
    if f is None:
        entry = {"file": name, "format": None, "bytes": 0}
        f = s["files"][name] = {"reader": None, "pending": [], "bytes": 0, "done": False, "entry": entry}
        col.files.append(entry)
    if f["done"]:
        raise _input_error("file", f"{name} was already finished")
    f["bytes"] += len(data)
    s["bytes"] += len(data)
    f["entry"]["bytes"] = f["bytes"]
    reader: ChunkReader | None = f["reader"]
    if reader is None:  # the format is decided on the first 64 KB (or the whole file if smaller)
        f["pending"].append(data)
        if sum(map(len, f["pending"])) < _SNIFF_BYTES and not final:
            return _progress(s)
        data = b"".join(f["pending"])
        f["pending"] = []
        fmt, label = choose_format(opts.fmt, data[:_SNIFF_BYTES])
        reader = f["reader"] = ChunkReader(name, fmt, opts.model, counts=col.counts)
        f["entry"]["format"] = label
    if reader.fmt in DOC_FORMATS and f["bytes"] > _MAX_DOC_BYTES:
        raise _input_error("file", f"{name}: reports and CSV files above 256 MB are not supported here")
    col.add(reader.feed(data))
    if final:
        col.add(reader.close())
        col.billed.extend(reader.billed)
        damaged = inputs.get("damaged")
        if isinstance(damaged, str) and damaged:
            col.counts.lines += 1
            col.counts.bad(name, reader.lines + 1, damaged)
        f["done"] = True
    return _progress(s)


def _progress(s: dict) -> dict:
    col: Collector = s["collector"]
    c = col.counts
    return {"bytes": s["bytes"], "lines": c.lines, "records": len(col.kept),
            "malformed": c.malformed}


def bridge_analyze_finish(inputs: dict, today: _dt.date | None = None) -> dict:
    """Finish: price everything and return the report (the same JSON as ``claude-cost analyze --json``);
    with ``csv: true`` also ``records_csv``, the per-record CSV of ``--csv``."""
    s = _session(inputs)
    col: Collector = s["collector"]
    for name, f in s["files"].items():
        if not f["done"]:
            bridge_analyze_chunk({"session": inputs["session"], "file": name, "text": "", "final": True})
    _SESSIONS.pop(inputs["session"], None)
    try:
        analysis = Analysis(col, s["options"], load_pricing())
        rep = analysis.report()
        problem = analysis.problem(rep)
        rep["problem"] = problem  # (the page shows it with the notes)
        if problem:
            rep["notes"].insert(0, problem)
        rep["charts"] = {"by_day": value_axis([Decimal(d["total_usd"]) for d in rep["by_day"]])}
    except PriceError as exc:
        raise _input_error(exc.field, str(exc)) from None
    if inputs.get("csv"):
        buf = io.StringIO()
        analysis.write_csv(buf)
        rep["records_csv"] = buf.getvalue()
    return rep


def bridge_analyze_cancel(inputs: dict, today: _dt.date | None = None) -> dict:
    """Drop a session and everything it read."""
    sid = inputs.get("session")
    found = isinstance(sid, str) and _SESSIONS.pop(sid, None) is not None
    return {"cancelled": found}
