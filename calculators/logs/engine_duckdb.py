"""The DuckDB engine of the usage-log analyser (CPython with the ``fast`` extra; never in Pyodide).

``claude-cost analyze --engine duckdb`` reads the large formats (Claude Code session logs and Messages API
response logs, JSON Lines) with DuckDB instead of the standard-library reader, and hands the analysis exactly
what the standard-library path builds: a :class:`~calculators.logs.records.Collector` of de-duplicated record
tuples in the order the standard-library reader would have kept them, with the same line counts. The report,
the prices and every what-if are then computed by the same Python (:class:`~calculators.logs.analysis.Analysis`),
so both engines give the same report by construction; ``tests/test_logs_engines.py`` checks it. SQL never holds
a price: it reads, classifies and de-duplicates; Python prices every record.

What DuckDB reads, and what it leaves to the reference reader:

* Only files whose head says Claude Code or API JSON Lines (``sniff``) and only with ``--format auto``. Streaming
  event logs, Bedrock logs, reports and CSV files are read by the standard-library reader, in this process.
* ``read_json`` with explicit columns (only the fields the analyser reads). Each line is classified by the rules
  of :func:`calculators.logs.jsonl.parse_object` and :func:`calculators.logs.usage.usage_values_checked`: a billed
  request, a ``<synthetic>`` message, or a line that holds none (ignored). A file with anything DuckDB cannot
  read exactly as the reference does (a malformed line, a line the rules would report, a blank line, a streaming
  event, bytes that are not UTF-8, a byte-order mark, a name DuckDB would read as a pattern) is read again, whole,
  by the standard-library reader, so malformed lines are counted and listed with file:line exactly as before.
* De-duplication by (message id, request id) is a window in SQL: per key the most complete copy (highest
  output, then input-side tokens, then web searches; the first one read between equals), the number of copies,
  and where the first copy was read (the position the standard-library collector keeps the request at). Records
  read by the standard-library reader are merged with those groups by the same rule (:func:`merge`).

Known differences from the reference reader, for lines no JSON writer produces: DuckDB accepts a trailing comma
in an object (``{"a": 1,}``), and cannot tell a top-level usage key written as ``null`` from an absent one.

Memory: DuckDB runs with ``memory_limit`` (:data:`MEMORY_LIMIT`) and spills to a temporary folder beyond it;
the de-duplicated records come back in batches (``fetchmany``). The records themselves are kept by the
analysis, as on the standard-library path (the report's what-ifs need every request).

Speed, measured side by side by ``bench/bench_logs.py`` on this project's 2-core machine: the exact
classification costs more than reading. DuckDB's ``read_json`` of the needed columns alone took about 0.35 CPU-s
per 100 MB; with the classification, the window and the Python side the engine used about three times the
processor time of the standard-library engine with msgspec, so ``--engine auto`` does not pick it (see
:data:`calculators.logs.reader.DUCKDB_FROM_BYTES`).
"""

from __future__ import annotations

import bisect
import json
import os
import tempfile
import threading
from pathlib import Path

from .jsonl import TS_PREFIX
from .reader import GZIP_MAGIC, SNIFF_BYTES, _read_piece, choose_format
from .records import F_IN, F_KEY, F_OUT, F_RD, F_W1, F_W5, F_WEB, Collector, Counts, folder_project, logged_cost

__all__ = ["MEMORY_LIMIT", "THREADS", "available", "merge", "read_all"]

#: DuckDB's memory limit and threads (``CLAUDE_COST_DUCKDB_MEMORY`` and ``CLAUDE_COST_DUCKDB_THREADS`` override).
MEMORY_LIMIT = "160MB"
THREADS = 2
#: Rows of de-duplicated records fetched from DuckDB at a time.
FETCH = 20_000
#: Characters DuckDB reads as a file pattern: files whose names hold them are read by the standard library.
_GLOB = frozenset("*?[]{}")


def available() -> bool:
    """DuckDB can be imported (it is never imported by ``calculators`` at import time)."""
    import importlib.util

    try:
        return importlib.util.find_spec("duckdb") is not None
    except (ImportError, ValueError):
        return False


# ----------------------------------------------------------------------------------------------------------
# The SQL: read and classify every line (cat: R record, S synthetic, I ignored, F the file needs the reference)
# ----------------------------------------------------------------------------------------------------------

_USAGE = ("STRUCT(input_tokens JSON, cache_creation_input_tokens JSON, cache_read_input_tokens JSON, "
          "output_tokens JSON, cache_creation STRUCT(ephemeral_5m_input_tokens JSON, ephemeral_1h_input_tokens JSON), "
          "server_tool_use STRUCT(web_search_requests JSON), service_tier JSON, speed JSON, inference_geo JSON)")
_COLUMNS = ("{type: 'JSON', message: 'STRUCT(id JSON, model JSON, usage " + _USAGE + ")', requestId: 'JSON', "
            "timestamp: 'JSON', sessionId: 'JSON', isSidechain: 'JSON', costUSD: 'JSON', usage: '" + _USAGE + "', "
            "cwd: 'JSON', model: 'JSON', id: 'JSON', created_at: 'JSON', session_id: 'JSON', api_key_id: 'JSON', "
            "api_key: 'JSON', metadata: 'JSON', input_tokens: 'JSON', output_tokens: 'JSON', "
            "cache_creation_input_tokens: 'JSON', cache_read_input_tokens: 'JSON'}")

#: DuckDB hands each JSON-typed field over as JSON text written afresh by yyjson: a string is always quoted (a
#: backslash only where JSON needs an escape), an integer is digits only, any other number has a "." or an "e".
#: So a token count is read by looking at that text (no second parse), and a string is its text without the
#: quotes unless it holds an escape (then DuckDB's own ->> reads it).
_MACROS = """
CREATE OR REPLACE TEMP MACRO cc_tok(x, lim) AS
    CASE WHEN x IS NULL THEN 0::BIGINT
         WHEN length(x::VARCHAR) <= 16 AND (x::VARCHAR)[1] BETWEEN '0' AND '9' AND NOT contains(x::VARCHAR, '.')
              AND NOT contains(x::VARCHAR, 'e') AND TRY_CAST(x::VARCHAR AS BIGINT) <= lim
              THEN TRY_CAST(x::VARCHAR AS BIGINT)
         ELSE NULL END;
CREATE OR REPLACE TEMP MACRO cc_text(x) AS
    CASE WHEN x IS NULL OR NOT starts_with(x::VARCHAR, '"') THEN NULL
         WHEN contains(x::VARCHAR, '\\') THEN x ->> '$'
         ELSE (x::VARCHAR)[2:-2] END;
CREATE OR REPLACE TEMP MACRO cc_str(x) AS nullif(cc_text(x), '');
"""

#: One row per line of the files: file index, ordinal (the order lines were read), the kind of line, and for
#: records the fields of the record (usage read by calculators.logs.usage.usage_values_checked's rules).
_LINES = """
WITH raw AS (
    SELECT file_index AS fi, ordinality AS o, type::VARCHAR AS tj, message IS NOT NULL AS has_msg,
           message.usage IS NOT NULL AS m_has_usage, message.model AS m_model, message.id AS m_id,
           usage IS NOT NULL AS a_has_usage, model AS a_model, id AS a_id,
           CASE WHEN type::VARCHAR = '"assistant"' THEN message.usage ELSE usage END AS u0,
           requestId, timestamp, sessionId, isSidechain, costUSD, cwd, created_at, session_id, api_key_id,
           api_key, metadata,
           input_tokens IS NOT NULL OR output_tokens IS NOT NULL OR cache_creation_input_tokens IS NOT NULL
               OR cache_read_input_tokens IS NOT NULL AS bare
    FROM read_json($files, format = 'newline_delimited', columns = {columns})
         WITH ORDINALITY
), shaped AS (
    SELECT *,
        CASE
            WHEN tj IS NULL OR tj = '"message"' THEN
                CASE WHEN NOT a_has_usage THEN (CASE WHEN tj IS NULL AND bare THEN 'F' ELSE 'I' END)
                     WHEN cc_text(a_model) = '' THEN 'F'
                     WHEN cc_text(a_model) = '<synthetic>' THEN 'S'
                     WHEN cc_text(a_model) IS NOT NULL THEN 'A'
                     WHEN $model IS NULL THEN 'F'
                     WHEN $model = '<synthetic>' THEN 'S'
                     ELSE 'A' END
            WHEN tj = '"assistant"' THEN
                CASE WHEN NOT has_msg OR NOT m_has_usage THEN 'I'
                     WHEN cc_str(m_model) IS NULL THEN 'F'
                     WHEN cc_str(m_model) = '<synthetic>' THEN 'S'
                     ELSE 'C' END
            WHEN tj IN ('"message_start"', '"message_delta"', '"message_stop"') THEN 'F'
            WHEN contains(tj, '\\') THEN 'F'
            ELSE 'I'
        END AS shape
    FROM raw
), used AS (
    -- the usage object the record is read from: message.usage (Claude Code) or the top-level one (API)
    SELECT fi, o, shape, m_model, m_id, a_model, a_id, requestId, timestamp, sessionId, isSidechain, costUSD, cwd,
        created_at, session_id, api_key_id, api_key, metadata,
        CASE WHEN shape IN ('C', 'A') THEN u0 END AS u
    FROM shaped
), tokens AS (
    SELECT *,
        cc_tok(u.input_tokens, 1000000000000000) AS t_in,
        cc_tok(u.cache_creation_input_tokens, 2000000000000000) AS t_created,
        u.cache_creation IS NOT NULL AS has_split,
        cc_tok(u.cache_creation.ephemeral_5m_input_tokens, 1000000000000000) AS t_5m,
        cc_tok(u.cache_creation.ephemeral_1h_input_tokens, 1000000000000000) AS t_1h,
        cc_tok(u.cache_read_input_tokens, 1000000000000000) AS t_rd,
        cc_tok(u.output_tokens, 1000000000000000) AS t_out,
        cc_tok(u.server_tool_use.web_search_requests, 1000000000000000) AS t_web,
        u.service_tier::VARCHAR AS j_tier, u.speed::VARCHAR AS j_speed, u.inference_geo::VARCHAR AS j_geo
    FROM used
), split AS (
    SELECT *,
        CASE WHEN has_split THEN (CASE WHEN t_created > t_5m + t_1h THEN t_created - t_1h ELSE t_5m END)
             ELSE t_created END AS w5,
        CASE WHEN has_split THEN t_1h ELSE 0::BIGINT END AS w1
    FROM tokens
)
SELECT fi, o,
    CASE WHEN shape NOT IN ('C', 'A') THEN shape
         WHEN t_in IS NULL OR t_created IS NULL OR t_rd IS NULL OR t_out IS NULL OR t_web IS NULL
              OR (has_split AND (t_5m IS NULL OR t_1h IS NULL)) OR w5 > 1000000000000000 THEN 'F'
         WHEN j_tier IS NOT NULL AND j_tier NOT IN ('"standard"', '"batch"', '"priority"') THEN 'F'
         WHEN j_speed IS NOT NULL AND j_speed NOT IN ('"standard"', '"fast"') THEN 'F'
         WHEN j_geo IS NOT NULL AND j_geo NOT IN ('"global"', '"us"', '"not_available"') THEN 'F'
         ELSE 'R' END AS cat,
    CASE shape WHEN 'C' THEN cc_str(m_model) WHEN 'A' THEN coalesce(cc_text(a_model), $model) END AS model,
    t_in, w5, w1, t_rd, t_out, t_web, (j_tier)[2:-2] AS tier, j_geo = '"us"' AS geo_us,
    coalesce(j_speed = '"fast"', false) AS fast,
    CASE shape WHEN 'C' THEN cc_str(timestamp) WHEN 'A' THEN coalesce(cc_str(timestamp), cc_str(created_at)) END
        AS ts,
    CASE shape WHEN 'C' THEN cc_str(sessionId)
         WHEN 'A' THEN coalesce(cc_str(session_id), cc_str(sessionId), cc_str(api_key_id), cc_str(api_key),
                                CASE WHEN starts_with(metadata::VARCHAR, '{') THEN cc_text(metadata -> '$.user_id')
                                END) END AS session,
    CASE shape WHEN 'C' THEN cc_str(m_id) WHEN 'A' THEN cc_str(a_id) END AS mid,
    CASE shape WHEN 'C' THEN cc_str(requestId) END AS rid,
    shape = 'C' AND isSidechain IS NOT NULL AND isSidechain::VARCHAR = 'true' AS side,
    CASE shape WHEN 'C' THEN costUSD::VARCHAR END AS cost,
    -- the project: a Claude Code line's cwd ('' when it has none: then the file's folder, in Python)
    CASE shape WHEN 'C' THEN coalesce(cc_str(cwd), '') END AS project
FROM split
"""

#: Per file: lines read (rows), and how many of each kind.
_PER_FILE = """
SELECT fi, count(*) AS rows, count(*) FILTER (WHERE cat = 'R') AS records,
       count(*) FILTER (WHERE cat = 'S') AS synthetic, count(*) FILTER (WHERE cat = 'I') AS ignored,
       count(*) FILTER (WHERE cat = 'F') AS refer, min(o) AS first_o
FROM cc_lines GROUP BY fi
"""

#: The records of the files DuckDB read whole, de-duplicated: per (message id, request id) the most complete
#: copy, the number of copies and the ordinal of the first; records without a message id one by one.
_RECORDS = """
WITH recs AS (
    SELECT l.* FROM cc_lines l WHERE l.cat = 'R' AND l.fi NOT IN (SELECT fi FROM cc_refer)
), ranked AS (
    SELECT *,
        row_number() OVER (PARTITION BY mid, rid ORDER BY t_out DESC, t_in + w5 + w1 + t_rd DESC, t_web DESC, o)
            AS rn,
        count(*) OVER (PARTITION BY mid, rid) AS copies,
        min(o) OVER (PARTITION BY mid, rid) AS first_o
    FROM recs WHERE mid IS NOT NULL
)
SELECT fi, o, first_o, copies, ts, model, t_in, w5, w1, t_rd, t_out, t_web, tier, geo_us, fast, session, mid, rid,
       side, cost, project
FROM ranked WHERE rn = 1
UNION ALL
SELECT fi, o, o, 1, ts, model, t_in, w5, w1, t_rd, t_out, t_web, tier, geo_us, fast, session, mid, rid, side, cost,
       project
FROM recs WHERE mid IS NULL
"""


def _connect():
    import duckdb

    threads = int(os.environ.get("CLAUDE_COST_DUCKDB_THREADS") or THREADS)
    memory = os.environ.get("CLAUDE_COST_DUCKDB_MEMORY") or MEMORY_LIMIT
    spill = tempfile.mkdtemp(prefix="claude-cost-duckdb-")
    con = duckdb.connect(config={"threads": threads, "memory_limit": memory, "temp_directory": spill,
                                 "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")
    con.execute(_MACROS)
    return con, spill


def _line_count(path: str) -> int:
    """Lines as the reference reader counts them (a last line without a newline counts)."""
    n = 0
    last = bytearray(b"\n")
    buf = bytearray(1 << 22)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while True:
            got = fh.readinto(buf)
            if not got:
                break
            n += view[:got].tobytes().count(b"\n") if got < len(buf) else buf.count(b"\n")
            last = buf[got - 1:got]
    return n + (last != b"\n")


def _count_lines(files: list[Path], which: list[int], into: dict[int, int]) -> None:
    for fi in which:
        try:
            into[fi] = _line_count(str(files[fi]))
        except OSError:
            into[fi] = -1  # (read by the reference reader, which reports it)


class _Plan:
    """The files of one run: which DuckDB reads and which the reference reader reads."""

    def __init__(self, files: list[Path], names: list[str]):
        self.files = files
        self.names = names
        self.labels: list[str | None] = []
        self.sizes: list[int] = []
        self.duck: list[int] = []  # file indices DuckDB reads
        self.errors: dict[int, str] = {}  # file index -> OSError reason


def _plan(files: list[Path], names: list[str], fmt: str) -> _Plan:
    plan = _Plan(files, names)
    for fi, path in enumerate(files):
        label = None
        size = 0
        try:
            size = path.stat().st_size
            with open(path, "rb") as fh:
                head = fh.read(SNIFF_BYTES)
            _, label = choose_format(None if fmt == "auto" else fmt, head)
        except OSError as exc:
            plan.errors[fi] = f"cannot read: {exc.strerror or exc}".rstrip()
            head = b""
        plan.labels.append(label)
        plan.sizes.append(size)
        if fi in plan.errors or fmt != "auto" or label not in ("claude-code", "api") or not head:
            continue
        if head.startswith((b"\xef\xbb\xbf", GZIP_MAGIC)) or TS_PREFIX.match(head) or _GLOB & set(str(path)) \
                or "'" in str(path) or path.suffix == ".gz":
            continue  # (a BOM, gzip, CloudWatch Logs export lines, names DuckDB would read as a pattern)
        plan.duck.append(fi)
    return plan


def _query_lines(con, paths: list[str], model: str | None) -> set[int]:
    """Read ``paths`` into the temporary table cc_lines; the indices (into ``paths``) of files DuckDB could not
    read at all (they go to the reference reader; the table then holds the rest)."""
    failed: set[int] = set()
    todo = list(range(len(paths)))
    sql = "CREATE OR REPLACE TEMP TABLE cc_lines AS " + _LINES.replace("{columns}", _COLUMNS)
    while todo:
        try:
            con.execute(sql, {"files": [paths[i] for i in todo], "model": model})
        except Exception as exc:  # a file DuckDB cannot read: find it by its name in the message, else halve
            if type(exc).__name__ in ("OutOfMemoryException", "InterruptException", "IOException"):
                raise  # (not about one file: read_all hands every file to the reference reader)
            text = str(exc)
            bad = [i for i in todo if f'"{paths[i]}"' in text]
            if not bad:
                if len(todo) == 1:
                    bad = todo
                else:
                    half = len(todo) // 2
                    left = _query_lines(con, [paths[i] for i in todo[:half]], model)
                    bad = [todo[:half][j] for j in left]
                    if len(bad) < half:  # (the first half reads: the trouble is in the second half)
                        right = _query_lines(con, [paths[i] for i in todo[half:]], model)
                        bad += [todo[half:][j] for j in right]
            failed.update(bad)
            todo = [i for i in todo if i not in failed]
            continue
        # rows of file i carry file_index = its position in the list given to DuckDB: map back to ``paths``
        if len(todo) != len(paths):
            con.execute("CREATE OR REPLACE TEMP TABLE cc_map (k INTEGER, fi INTEGER)")
            con.executemany("INSERT INTO cc_map VALUES (?, ?)", list(enumerate(todo)))
            con.execute("UPDATE cc_lines SET fi = (SELECT m.fi FROM cc_map m WHERE m.k = cc_lines.fi)")
        return failed
    con.execute("CREATE OR REPLACE TEMP TABLE cc_lines AS SELECT * FROM (" + _LINES.replace("{columns}", _COLUMNS)
                + ") WHERE false", {"files": paths[:1], "model": model})
    return failed


# ----------------------------------------------------------------------------------------------------------
# Reading everything and merging into one Collector
# ----------------------------------------------------------------------------------------------------------


def _completeness(r: tuple) -> tuple[int, int, int]:
    return (r[F_OUT], r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD], r[F_WEB])


def merge(candidates) -> tuple[list, int]:
    """(records kept, duplicates merged) from ``candidates``: ``(first, best, copies, record)`` where ``first``
    is where the first copy of the request was read, ``best`` where ``record`` (the most complete of ``copies``
    copies) was read; positions compare in reading order.

    The rule is :class:`~calculators.logs.records.Collector`'s: per (message id, request id) the most complete
    copy (the first one read between equals), kept at the position of the first copy; records without a
    message id are never merged."""
    groups: dict = {}
    single: list = []
    copies_total = 0
    for first, best, copies, r in candidates:
        k = r[F_KEY]
        if k is None:
            single.append((first, r))
            continue
        copies_total += copies
        g = groups.get(k)
        if g is None:
            groups[k] = [first, best, r]
            continue
        if first < g[0]:
            g[0] = first
        cn, co = _completeness(r), _completeness(g[2])
        if cn > co or (cn == co and best < g[1]):
            g[1], g[2] = best, r
    single.extend((g[0], g[2]) for g in groups.values())
    single.sort(key=lambda x: x[0])
    return [r for _, r in single], copies_total - len(groups)


def _read_reference(path: Path, name: str, model: str | None, fast: bool, counts: Counts) -> tuple:
    """One whole file by the standard-library reader (gzip, CloudWatch Logs lines and every other format as it
    reads them): (records, billed rows, format label, None, duplicates merged within the file) or
    ([], [], None, reason, 0) when it cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [], [], None, f"cannot read: {exc.strerror or exc}".rstrip(), 0
    out, got, _lines, dups, billed, label, _streamed, reason = _read_piece(str(path), name, None, 0, size, model,
                                                                          fast)
    if reason is not None:
        return [], [], None, reason, 0
    counts.merge(got)
    return out, billed, label, None, dups


def read_all(files: list[Path], col: Collector, options, fast: bool = True, progress=None,
             names: list[str] | None = None) -> dict:
    """Read ``files`` into ``col`` (records, counts, files, skipped) as the standard-library reader would.

    Returns (and sets as ``col.engine_files``) how many files each reader read: ``{"duckdb": n, "reference": n}``."""
    names = names or [str(f) for f in files]
    folders = [folder_project(n) for n in names]
    plan = _plan(files, names, options.fmt)
    total = sum(plan.sizes)
    refer: set[int] = set(i for i in range(len(files)) if i not in plan.duck)
    per_file: dict[int, tuple] = {}
    groups: list = []
    con = spill = None
    done = 0
    try:
        if plan.duck:
            con, spill = _connect()
            paths = [str(files[i]) for i in plan.duck]
            # Lines per file (to find blank lines, which DuckDB skips) are counted by a thread while DuckDB reads:
            # reading a file and counting its newlines let go of the interpreter lock almost all the time.
            counted: dict[int, int] = {}
            counter = threading.Thread(target=_count_lines, args=(files, plan.duck, counted), daemon=True)
            counter.start()
            try:
                failed = _query_lines(con, paths, options.model)
            except Exception as exc:  # out of memory or disk: the reference reader reads everything
                col.input_notes.append(f"DuckDB could not read the logs ({str(exc).splitlines()[0][:120]}); they "
                                       f"were read by the standard-library engine")
                failed = set(range(len(paths)))
                con.execute("CREATE OR REPLACE TEMP TABLE cc_lines AS SELECT * FROM ("
                            + _LINES.replace("{columns}", _COLUMNS) + ") WHERE false",
                            {"files": paths[:1], "model": options.model})
            refer.update(plan.duck[i] for i in failed)
            ok = [plan.duck[i] for i in range(len(paths)) if i not in failed]
            index_of = dict(enumerate(plan.duck))  # (cc_lines.fi is the index into ``paths``)
            for k, nrows, records, synthetic, ignored, n_refer, first_o in con.execute(_PER_FILE).fetchall():
                per_file[index_of[k]] = (nrows, records, synthetic, ignored, n_refer, first_o)
            # files with a line DuckDB leaves to the reference, or with lines that are not rows (blank lines)
            counter.join()
            bad = []
            for fi in ok:
                got = per_file.get(fi)
                lines = counted.get(fi, -1)
                if got is None:
                    if lines:
                        bad.append(fi)
                elif got[4] or lines != got[0]:
                    bad.append(fi)
            refer.update(bad)
            inv = {v: k for k, v in index_of.items()}
            con.execute("CREATE OR REPLACE TEMP TABLE cc_refer (fi INTEGER)")
            if refer:
                con.executemany("INSERT INTO cc_refer VALUES (?)",
                                [(inv[fi],) for fi in refer if fi in inv] or [(-1,)])
            firsts = {inv[fi]: v[5] for fi, v in per_file.items() if fi in inv}
            starts = sorted((f0, k) for k, f0 in firsts.items())
            start_o = [f0 for f0, _ in starts]

            def place(o: int) -> tuple[int, int, int]:
                """(file index, line - 1, 0) of the line DuckDB read as ordinal ``o``."""
                f0, k = starts[bisect.bisect_right(start_o, o) - 1]
                return (index_of[k], o - f0, 0)

            cur = con.execute(_RECORDS)
            while True:
                batch = cur.fetchmany(FETCH)
                if not batch:
                    break
                for (k, o, first_o, copies, ts, model, t_in, w5, w1, rd, out, web, tier, geo_us, fast_, session,
                     mid, rid, side, cost, project) in batch:
                    fi = index_of[k]
                    f0 = firsts[k]
                    logged = None if cost is None else logged_cost(json.loads(cost))
                    r = (names[fi], o - f0 + 1, ts, model, t_in, w5, w1, rd, out, web, tier == "batch",
                         "us" if geo_us else "global", fast_, tier, session, (mid, rid) if mid else None,
                         bool(side), logged, "request", None, None,
                         None if project is None else project or folders[fi])
                    groups.append((place(first_o) if first_o != o else (fi, o - f0, 0), (fi, o - f0, 0), copies, r))
            done = sum(plan.sizes[fi] for fi in ok if fi not in refer)
            if progress:
                progress(done, total)
    finally:
        if con is not None:
            con.close()
        if spill:
            import shutil

            shutil.rmtree(spill, ignore_errors=True)
    # the reference reader, file by file, and the counts of every file in file order
    for fi, path in enumerate(files):
        name = names[fi]
        if fi in plan.errors:
            col.files.append({"file": name, "format": None, "bytes": 0, "skipped": True})
            col.skipped.append({"path": name, "reason": plan.errors[fi]})
            continue
        if fi in refer:
            counts = Counts()
            out, billed, label, reason, dups = _read_reference(path, name, options.model, fast, counts)
            if reason is not None:
                col.files.append({"file": name, "format": None, "bytes": 0, "skipped": True})
                col.skipped.append({"path": name, "reason": reason})
                continue
            col.files.append({"file": name, "format": label, "bytes": plan.sizes[fi]})
            col.billed.extend(billed)
            col.counts.merge(counts)
            col.duplicates += dups
            groups.extend(((fi, k, 1), (fi, k, 1), 1, r) for k, r in enumerate(out))
            done += plan.sizes[fi]
            if progress:
                progress(done, total)
            continue
        col.files.append({"file": name, "format": plan.labels[fi], "bytes": plan.sizes[fi]})
        got = per_file.get(fi)
        c = Counts()
        if got is not None:
            c.lines = got[0]
            c.records, c.synthetic, c.ignored = got[1], got[2], got[3]
        col.counts.merge(c)
    kept, dups = merge(groups)
    col.kept.extend(kept)
    col.duplicates += dups
    col.engine_files = {"duckdb": len([fi for fi in plan.duck if fi not in refer]),
                        "reference": len([fi for fi in refer if fi not in plan.errors])}
    return col.engine_files
