"""Reading inputs: finding the files, planning the pieces, and reading each piece into records.

:class:`ChunkReader` is the one reader of the package: it takes the bytes of one input in chunks of any size
(lines may be cut anywhere), and gives the records and line counts of each format. The command line feeds it
blocks of a file (:func:`analyze_paths`, through worker processes for big inputs) and the browser session feeds
it the chunks the page sends (:mod:`calculators.logs.session`).
"""

from __future__ import annotations

import gc
import io
import os
import shutil
import stat
import sys
import tempfile
import time
import zlib
from collections.abc import Generator
from pathlib import Path
from typing import Any

from ..errors import PriceError
from ..pricing import Pricing, load_pricing
from . import prices
from .analysis import Analysis, Options
from .documents import parse_cost_report, parse_csv, parse_usage_report
from .jsonl import TS_PREFIX, LineState, finish_lines, parse_lines
from .prices import Pricer, router_for, stamped
from .records import F_LINE, Collector, Counts
from .workers import in_workers

__all__ = ["DUCKDB_FROM_BYTES", "ENGINES", "STREAM_LIMIT", "ChunkReader", "analyze_paths", "choose_format", "expand_paths", "pick_engine", "sniff"]

BLOCK = 8 << 20
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
PIECE = 48 << 20
MIN_PARALLEL_BYTES = 16 << 20  # below this, starting worker processes costs more than it saves
#: With more than this to read, worker processes start once this much is planned (see _read_all); None: PIECE.
EARLY_BYTES: int | None = None
#: How much of a file's head tells the formats apart.
SNIFF_BYTES = 1 << 14
#: Formats read as one document (a report or a CSV), not line by line.
DOC_FORMATS = ("usage-report", "cost-report", "csv")
#: The first bytes of a gzip file (Bedrock's S3 delivery, CloudWatch Logs exports and Firehose payloads).
GZIP_MAGIC = b"\x1f\x8b"


# ----------------------------------------------------------------------------------------------------------
# Formats and the one reader
# ----------------------------------------------------------------------------------------------------------


def sniff(head: bytes) -> str:
    """Guess the format from the first bytes of a file."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return "api"
    nl = text.find(b"\n")
    first_line = text if nl < 0 else text[:nl]  # (not split: that would copy the rest of the head too)
    stamp = TS_PREFIX.match(first_line)
    if stamp is not None and first_line[stamp.end():stamp.end() + 1] == b"{":  # a CloudWatch Logs export
        text = text[stamp.end():]
        first_line = first_line[stamp.end():]
    # (Each test below scans up to 16 KB; the needle likeliest to be absent goes first in each, so a Claude Code
    # file's head is rejected by three scans instead of seven: 0.1 CPU-s per GB of 6,000 files.)
    invocations = b"ModelInvocationLog" in head
    if invocations and b'"logEvents"' in head and b'"messageType"' in head:
        return "bedrock"  # CloudWatch Logs subscription payloads of Bedrock invocation logs
    if text[:1] not in (b"{", b"[") and not first_line.startswith((b"data:", b"event:")):
        if b"," in first_line:
            return "csv"
        return "api"
    if invocations and b'"ModelInvocationLog"' in head and b'"schemaType"' in head:
        return "bedrock"
    if b'"starting_at"' in head and b'"results"' in head and b'"data"' in head:
        return "cost-report" if b'"amount"' in head else "usage-report"
    if b'"message_start"' in head or first_line.startswith((b"data:", b"event:")):
        return "stream"
    if b'"sessionId"' in head or b'"type":"assistant"' in head or b'"type":"user"' in head:
        return "claude-code"
    return "api"


def choose_format(forced: str | None, head: bytes) -> tuple[str, str]:
    """(the format to read with, the format to report) for an input whose first bytes are ``head``.

    A forced format (not None or ``auto``) is both. Otherwise the format is sniffed; Claude Code logs and API
    logs are read as ``auto`` (line by line, each line by its own shape: a file may mix them)."""
    if forced not in (None, "auto"):
        return forced, forced
    label = sniff(head)
    return ("auto" if label in ("claude-code", "api") else label), label


class ChunkReader:
    """The records of one input, fed in chunks of bytes of any size (a line may be cut anywhere).

    JSON Lines are parsed as whole lines arrive (:meth:`feed` returns the records completed so far); a report or
    CSV file is kept until :meth:`close`, which returns the last records. ``counts`` counts every line;
    ``billed`` holds the rows of a cost report or cost CSV; ``streamed`` says a streaming event was read."""

    def __init__(self, name: str, fmt: str, model: str | None = None, fast: bool = True, *, base_pos: int = 0,
                 counts: Counts | None = None):
        self.name = name
        self.fmt = fmt
        self.fast = fast
        self.counts = counts if counts is not None else Counts()
        self.billed: list = []
        self._doc: list[bytes] | None = [] if fmt in DOC_FORMATS else None
        self._state = LineState(name, fmt, model)
        self._line = 1
        self._pos = base_pos
        self._carry = b""

    @property
    def lines(self) -> int:
        """Lines read so far (result rows for a report)."""
        return self.counts.lines if self._doc is not None else self._line - 1

    @property
    def streamed(self) -> bool:
        return self._state.streamed

    def feed(self, data: bytes) -> list:
        """Read ``data`` (the next bytes of the input); return the records of the lines it completed."""
        out: list = []
        if self._doc is not None:
            self._doc.append(data)
            return out
        buf = self._carry + data if self._carry else data
        cut = buf.rfind(b"\n")
        if cut < 0:
            self._carry = buf
            return out
        if cut == len(buf) - 1:  # (all of it: read in place, without a copy that leaves out the last newline)
            self._line += parse_lines(buf, self._state, self._line, self._pos, out, self.counts, self.fast,
                                      newline_end=True)
        else:
            self._line += parse_lines(buf[:cut], self._state, self._line, self._pos, out, self.counts, self.fast)
        self._pos += cut + 1
        self._carry = buf[cut + 1:]
        return out

    def close(self) -> list:
        """The end of the input: read what is left; return its records."""
        out: list = []
        if self._doc is not None:
            text = b"".join(self._doc).decode("utf-8", errors="replace")
            self._doc = []
            if self.fmt == "csv":
                out, billed = parse_csv(text, self.name, self.counts)
                self.billed.extend(billed)
            elif self.fmt == "usage-report":
                out = parse_usage_report(text, self.name, self.counts)
            else:
                self.billed.extend(parse_cost_report(text, self.name, self.counts))
            return out
        if self._carry:
            self._line += parse_lines(self._carry, self._state, self._line, self._pos, out, self.counts, self.fast)
            self._carry = b""
        finish_lines(self._state, out, self.counts)
        return out


def _read_piece(path: str, name: str, fmt: str | None, start: int, end: int, model: str | None, fast: bool):
    """Read bytes [start, end) of one file (whole lines); ``fmt`` None means: detect it here.

    Returns (records, counts, lines, duplicates merged, billed rows, format label, streamed, skipped):
    ``streamed`` says a streaming event was read (such a file is read in one piece, see _read_all);
    ``skipped`` is None, or the reason the file could not be read (then nothing else of it counts)."""
    try:
        return _read_piece_or_fail(path, name, fmt, start, end, model, fast) + (None,)
    except OSError as exc:
        return [], Counts(), 0, 0, [], fmt, False, _os_reason(exc)


def _os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc}".rstrip()


def _read_piece_or_fail(path: str, name: str, fmt: str | None, start: int, end: int, model: str | None,
                        fast: bool) -> tuple:
    # A small file read in one piece is taken with one os.read (a third less time than a buffered file object
    # here, and most files are small) and read from memory: BytesIO hands the whole bytes back without a copy.
    opened: Any
    if start == 0 and end <= BLOCK:
        fd = os.open(path, _READ_FLAGS)
        try:
            opened = io.BytesIO(os.read(fd, end) if end else b"")
        finally:
            os.close(fd)
    else:
        opened = open(path, "rb")
    with opened as fh:
        packed = fh.read(2) == GZIP_MAGIC  # (a gzip file is one piece: start 0, end its size)
        fh.seek(0 if packed else start)
        blocks = _gunzip(fh) if packed else _blocks(fh, end - start)
        reader: ChunkReader | None = None
        out: list = []
        try:
            first = b""
            if fmt is None:  # the format is told from the file's head, whichever piece this is
                if start and not packed:
                    fh.seek(0)
                    fmt, label = choose_format(None, fh.read(SNIFF_BYTES))
                    fh.seek(start)
                else:
                    for block in blocks:
                        first += block
                        if len(first) >= SNIFF_BYTES:
                            break
                    fmt, label = choose_format(None, first[:SNIFF_BYTES])
            else:
                label = fmt
            reader = ChunkReader(name, fmt, model, fast, base_pos=start)
            if fmt in DOC_FORMATS and start == 0:  # (one piece: the whole file)
                out += reader.feed(first + b"".join(blocks))
            else:
                if first:
                    out += reader.feed(first)
                for block in blocks:
                    out += reader.feed(block)
        except (EOFError, zlib.error) as exc:
            # A gzip file cut short or damaged: what was read before the damage is kept, the rest is one
            # malformed line (so every line is still accounted for).
            if reader is None:  # (damaged within its first bytes)
                fmt, label = choose_format(fmt, first[:SNIFF_BYTES])
                reader = ChunkReader(name, fmt, model, fast, base_pos=start)
                out += reader.feed(first)
            out += reader.close()
            reader.counts.lines += 1
            reader.counts.bad(name, reader.lines + 1, f"gzip data {exc}: the rest of the file could not be read")
        else:
            out += reader.close()
    local = Collector()
    local.add(out)
    return (stamped(local.records()), reader.counts, reader.lines, local.duplicates, reader.billed, label,
            reader.streamed)


def _blocks(fh, left: int):
    """The next ``left`` bytes of ``fh``, in blocks."""
    while left > 0:
        block = fh.read(min(BLOCK, left))
        if not block:
            return
        left -= len(block)
        yield block


def _gunzip(fh):
    """The decompressed bytes of a gzip file, in blocks (several members one after another are one file, as
    gzip writes them). What was decompressed before damage is given first; then EOFError or zlib.error."""
    unpack = zlib.decompressobj(wbits=31)
    fed = False  # whether the current member has begun
    while True:
        data = fh.read(BLOCK // 4)
        if not data:
            if fed and not unpack.eof:
                raise EOFError("cut short (the gzip stream has no end)")
            return
        while data:
            fed = True
            block = unpack.decompress(data, BLOCK)
            data = unpack.unconsumed_tail
            if block:
                yield block
            if unpack.eof:
                data = (unpack.unused_data + data).lstrip(b"\x00")  # (zero padding may follow a member)
                unpack = zlib.decompressobj(wbits=31)
                fed = False


def _run_task(task: list) -> list:
    return [_read_piece(*piece) for piece in task]


# ----------------------------------------------------------------------------------------------------------
# Finding files and planning the work
# ----------------------------------------------------------------------------------------------------------

_DIR_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".gz")


def expand_paths(paths: list[str], skipped: list | None = None, special: list | None = None) -> list[Path]:
    """The log files to read, in order: files as given, and the log files found under each folder.

    A path that does not exist is an error (a typing mistake should not go unnoticed). With ``skipped`` (a
    list), what cannot be read (a folder without permission, a symbolic link to a folder, a broken link, a
    FIFO inside a folder) is listed there as ``{"path", "reason"}`` and the rest is read; without it those are
    left out quietly. With ``special`` (a list), inputs that are not regular files (``-`` for standard input,
    a FIFO, a device) are kept in the list and their positions added to ``special`` (the caller reads them
    with a size cap); without it they are an error."""
    return [Path(f) for f in _expand(paths, skipped, special)]


def _expand(paths: list[str], skipped: list | None = None, special: list | None = None) -> list[str]:
    """:func:`expand_paths` as strings (the analyser's own list: 6,000 Path objects cost it 30 ms before the first
    file is read)."""
    files: list[str] = []
    for raw in paths:
        if raw == "-" and special is not None:
            special.append(len(files))
            files.append("-")
            continue
        p = Path(raw).expanduser()
        try:
            mode = p.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise PriceError(f"{raw}: no such file or directory", "path") from None
        except OSError as exc:
            if skipped is None:
                raise PriceError(f"{raw}: {_os_reason(exc)}", "path") from None
            skipped.append({"path": raw, "reason": _os_reason(exc)})
            continue
        if stat.S_ISDIR(mode):
            files.extend(_find_logs(p, skipped))
        elif stat.S_ISREG(mode):
            files.append(str(p))
        elif special is not None:
            special.append(len(files))
            files.append(str(p))
        else:
            raise PriceError(f"{raw}: not a regular file or a folder", "path")
    if not files:
        why = "".join(f"; skipped {s['path']}: {s['reason']}" for s in (skipped or [])[:3])
        raise PriceError(f"no log files found in {', '.join(paths)} (looked for {', '.join(_DIR_SUFFIXES)}){why}",
                         "path")
    return files


def _find_logs(root: Path, skipped: list | None = None) -> list[str]:
    """Log files under ``root`` in the order ``sorted(root.rglob("*"))`` gives (path parts compared in turn),
    found with os.scandir (pathlib takes several times as long on folders of thousands of sessions).

    Symbolic links to folders are not followed (as rglob does not); they, folders that cannot be listed, and
    log files that are broken links or not regular files are added to ``skipped`` with the reason."""
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[tuple[str, ...], str]] = [((), str(root))]
    skip = skipped.append if skipped is not None else (lambda entry: None)
    while stack:
        parts, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            skip({"path": folder, "reason": f"folder {_os_reason(exc)}"})
            continue
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    stack.append(((*parts, e.name), e.path))
                    continue
                name = e.name
                i = name.rfind(".")  # Path.suffix's rule
                log_name = 0 < i < len(name) - 1 and name[i:].lower() in _DIR_SUFFIXES
                if e.is_symlink():
                    if e.is_dir():
                        skip({"path": e.path, "reason": "symbolic link to a folder: not followed (give the "
                                                        "folder itself as a path to read it)"})
                        continue
                    if log_name and not os.path.exists(e.path):
                        skip({"path": e.path, "reason": "broken symbolic link"})
                        continue
                if log_name:
                    if e.is_file():
                        found.append(((*parts, name), e.path))
                    else:
                        skip({"path": e.path, "reason": "not a regular file (give it as a path to read it)"})
            except OSError as exc:
                skip({"path": e.path, "reason": _os_reason(exc)})
    found.sort()
    if str(root) == ".":  # (os.scandir(".") names "./x"; the path of Path("./x") is "x")
        return [path[2:] for _, path in found]
    return [path for _, path in found]


def _line_starts(path: str, size: int, pieces: int) -> list[int]:
    """Split a file into about ``pieces`` byte ranges that start at line starts."""
    bounds = [0]
    with open(path, "rb") as fh:
        for k in range(1, pieces):
            at = size * k // pieces
            if at <= bounds[-1]:
                continue
            fh.seek(at)
            while True:
                chunk = fh.read(1 << 16)
                if not chunk:
                    at = size
                    break
                i = chunk.find(b"\n")
                if i >= 0:
                    at += i + 1
                    break
                at += len(chunk)
            if bounds[-1] < at < size:
                bounds.append(at)
    bounds.append(size)
    return bounds



# ----------------------------------------------------------------------------------------------------------
# Running over files (CLI: both cores; Pyodide: one process)
# ----------------------------------------------------------------------------------------------------------


def _default_jobs() -> int:
    if sys.platform == "emscripten":
        return 1
    env = os.environ.get("CLAUDE_COST_JOBS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(os.cpu_count() or 1, 8))


#: Inputs that are not regular files (standard input, a FIFO, a device such as /dev/zero) are read up to this
#: many bytes; the report says when the cap was reached (the CLI's --max-stream-mb changes it).
STREAM_LIMIT = 256 << 20
#: How long a FIFO nobody writes to yet is waited for.
FIFO_WAIT_SECONDS = 10.0


def analyze_paths(paths: list[str], options: Options, *, pricing: Pricing | None = None,
                  jobs: int | None = None, fast: bool = True, progress=None,
                  stream_limit: int = STREAM_LIMIT, engine: str = "stdlib") -> Analysis:
    """Read every file under ``paths`` and return the priced :class:`Analysis` (``options`` carries the day).

    Paths that cannot be read are listed in the report's ``skipped`` with the reason; ``-`` reads standard
    input, and inputs that are not regular files are read up to ``stream_limit`` bytes. ``engine`` is
    ``"stdlib"`` (this module's reader, the reference) or ``"duckdb"``
    (:mod:`calculators.logs.engine_duckdb`, imported only then); ``"auto"`` picks with :func:`pick_engine`."""
    pricing = pricing or load_pricing()
    jobs = jobs or _default_jobs()
    skipped: list[dict] = []
    special: list[int] = []
    files = _expand(paths, skipped, special)
    if engine == "auto":
        engine = pick_engine(files, options)
    names = ["<stdin>" if f == "-" and i in special else f for i, f in enumerate(files)]
    notes: list[str] = []
    spool = None
    # The records are plain tuples that form no reference cycles, so the cyclic garbage collector has nothing
    # to find here; left on, it walks the growing heap of records over and over (about 0.7 CPU-s of a 1 GB run
    # in the main process, 0.2 in each worker, measured with gc.callbacks). It is off while reading and summing
    # (the workers inherit that) and back as it was afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if special:
            spool = tempfile.mkdtemp(prefix="claude-cost-")
            kept_files, kept_names = [], []
            for i, (f, name) in enumerate(zip(files, names, strict=True)):
                if i in special:
                    try:
                        f, note = _spool(f, name, os.path.join(spool, f"{i}.log"), stream_limit)
                    except OSError as exc:
                        skipped.append({"path": name, "reason": _os_reason(exc)})
                        continue
                    if note:
                        notes.append(note)
                kept_files.append(f)
                kept_names.append(name)
            files, names = kept_files, kept_names
        whole: set[int] = set()  # files that hold streaming events: read in one piece
        while True:
            col = Collector()
            col.skipped.extend(skipped)
            col.input_notes.extend(notes)
            analysis = Analysis(col, options, pricing, feed=False)  # fed while the workers read on
            # one Pricer (and its caches) for every piece a process reads
            prices.PREP = (Pricer(pricing), options.at, router_for(pricing, options.route_to, options.today))
            if engine == "duckdb":
                from . import engine_duckdb

                col.engine = "duckdb"
                engine_duckdb.read_all([Path(f) for f in files], col, options, fast, progress, names)
                analysis.finish()
                return analysis
            try:
                _read_all(files, col, options, jobs, fast, progress, analysis.catch_up, names, whole)
            except _ReadWhole as again:
                whole.add(again.index)
                continue
            analysis.finish()
            return analysis
    finally:
        prices.PREP = None
        if collecting:
            gc.enable()
        if spool:
            shutil.rmtree(spool, ignore_errors=True)


#: ``--engine auto`` picks DuckDB (when it is installed) from this many bytes of input on, or never when None.
#: Measured side by side with bench/bench_logs.py on this 2-core machine (shared with other work; the fastest of
#: five runs each, 2026-12-04): on generated Claude Code logs the DuckDB engine took 1.35 s and 1.5 CPU-s at 100 MB
#: and 12.9 s and 14.3 CPU-s at 1 GB, against 0.47 s / 0.7 CPU-s and 3.46 s / 5.5 CPU-s for the standard-library
#: engine with msgspec and its worker processes (ccusage 20.0.24: 0.49 s and 3.97 s), and it held more memory
#: (425 against 241 MB PSS at 1 GB); every report was identical. DuckDB does not pay here at any size, so
#: ``auto`` keeps the standard-library engine and ``--engine duckdb`` is a choice.
DUCKDB_FROM_BYTES: int | None = None
ENGINES = ("auto", "stdlib", "duckdb")


def pick_engine(files: list[str] | list[Path], options: Options, from_bytes: int | None = DUCKDB_FROM_BYTES) -> str:
    """``"duckdb"`` when DuckDB is installed, the format is detected per file, and the regular files add up to at
    least ``from_bytes`` (None: never); else ``"stdlib"``. (Pyodide: always the standard library.)"""
    if from_bytes is None or sys.platform == "emscripten" or options.fmt != "auto":
        return "stdlib"
    total = 0
    for f in files:
        try:
            total += os.stat(f).st_size if str(f) != "-" else 0
        except OSError:
            continue
        if total >= from_bytes:
            from .engine_duckdb import available

            return "duckdb" if available() else "stdlib"
    return "stdlib"


class _ReadWhole(Exception):
    """A file read in byte ranges holds streaming events, whose messages can cross a range's end: read it again
    in one piece (and everything with it, so the result is exactly the one-piece result)."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


def _spool(path: str, name: str, to: str, limit: int) -> tuple[str, str | None]:
    """Copy an input that is not a regular file into ``to`` (at most ``limit`` bytes); (``to``, note or None).

    ``-`` is standard input (refused when it is a terminal: nothing would come). A FIFO is opened without
    waiting and read once a program writes to it (at most FIFO_WAIT_SECONDS are waited for one); a terminal
    is refused; anything else (a device such as /dev/zero, a pipe) is read until its end or the cap."""
    import select

    if path == "-":
        stdin = sys.stdin
        if stdin is None:
            raise OSError(0, "there is no standard input")
        if stdin.isatty():
            raise PriceError("'-' reads a log from standard input, which is a terminal here: pipe a log in "
                             "(cat log.jsonl | claude-cost analyze -)", "path")
        src = stdin.buffer if hasattr(stdin, "buffer") else None
        fd: int | None = None
        if src is None:
            raise OSError(0, "standard input is not a byte stream")
    else:
        fifo = stat.S_ISFIFO(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if fifo else 0))
        src = None
        if os.isatty(fd):
            os.close(fd)
            raise OSError(0, "a terminal: nothing to read from it")
    total = 0
    more = False
    waited_from = time.monotonic()
    wrote = False
    try:
        with open(to, "wb") as out:
            while True:
                want = min(1 << 20, limit + 1 - total)
                if src is not None:
                    chunk = src.read(want)
                else:
                    assert fd is not None
                    try:
                        chunk = os.read(fd, want)
                    except BlockingIOError:  # a FIFO with a writer that has not written yet
                        wrote = True
                        select.select([fd], [], [], 1.0)
                        continue
                    if not chunk and not wrote and total == 0 and fifo \
                            and time.monotonic() - waited_from < FIFO_WAIT_SECONDS:
                        time.sleep(0.05)  # no writer yet
                        continue
                if not chunk:
                    break
                wrote = True
                if total + len(chunk) > limit:
                    out.write(chunk[:limit - total])
                    total = limit
                    more = True
                    break
                out.write(chunk)
                total += len(chunk)
    finally:
        if fd is not None:
            os.close(fd)
    if path != "-" and fifo and not wrote:
        raise OSError(0, f"a FIFO that no program wrote to within {FIFO_WAIT_SECONDS:.0f} s")
    note = None
    if more:
        note = (f"{name} is not a regular file: only its first {_mb(limit)} were read (the rest was left unread; "
                f"raise the limit with --max-stream-mb)")
    return to, note


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n >= 1 << 20 else f"{n:,} bytes"


def _read_all(files: list[str], col: Collector, options: Options, jobs: int, fast: bool, progress,
              fed=None, names: list[str] | None = None, whole: set | frozenset = frozenset()) -> None:
    """Plan the pieces of every file, read them (in worker processes when it pays) and merge them into ``col``.

    Big files of JSON Lines are read in byte ranges, except those in ``whole``; a range that finds a
    streaming event raises _ReadWhole (see analyze_paths).

    With several processes and more than EARLY_BYTES to read, the workers start as soon as the first EARLY_BYTES
    of files are planned (three tasks each) and read those while this process plans the rest, so the planning of
    thousands of files does not hold up the start."""
    pieces: list[tuple] = []  # (file index, piece index, args)
    parts: list[int] = []  # pieces per file
    first_skip = len(col.skipped)
    skip_order: dict[int, int] = {}  # id(an entry of col.skipped) -> its file index
    at = 0  # the next file to plan
    total = [0]  # the bytes of every piece planned (all of them once every file is planned)

    def plan(stop_bytes: int | None) -> None:
        """Plan files from ``at`` on, until ``stop_bytes`` are planned in all (None: every file)."""
        nonlocal at
        while at < len(files) and (stop_bytes is None or total[0] < stop_bytes):
            fi, path = at, files[at]
            at += 1
            name = names[fi] if names else path
            try:
                size = os.stat(path).st_size
                fmt = None if options.fmt == "auto" else options.fmt  # None: the worker detects it
                head = b""
                if size >= 2 * PIECE:  # (a file read in one piece is opened by its worker only: a file that
                    with open(path, "rb") as fh:  # cannot be opened is reported from there)
                        head = fh.read(SNIFF_BYTES if fmt is None else 2)
                packed = head[:2] == GZIP_MAGIC  # (read in one piece; the worker detects the format inside)
                if fmt is None and size >= 2 * PIECE and fi not in whole and not packed:  # big files are split,
                    fmt = sniff(head)  # unless they hold streams
                    if fmt in ("claude-code", "api"):
                        fmt = None
            except OSError as exc:
                col.files.append({"file": name, "format": None, "bytes": 0, "skipped": True})
                col.skipped.append({"path": name, "reason": _os_reason(exc)})
                skip_order[id(col.skipped[-1])] = fi
                parts.append(0)
                continue
            col.files.append({"file": name, "format": fmt, "bytes": size})
            split = (fmt is None or fmt in ("auto", "claude-code", "api", "bedrock")) and fi not in whole \
                and not packed
            n = -(-size // PIECE) if split and size >= 2 * PIECE else 1
            bounds = _line_starts(path, size, n) if n > 1 else [0, size]
            parts.append(len(bounds) - 1)
            for k in range(len(bounds) - 1):
                pieces.append((fi, k, (path, name, fmt, bounds[k], bounds[k + 1], options.model, fast)))
            total[0] += size

    def group(some: list[tuple], task_bytes: int, tail: bool = False) -> list[list]:
        """Small pieces grouped into tasks of about ``task_bytes``, so many small files do not cost a task each.
        With ``tail``, the last tasks (the three each worker holds at the end) are a quarter of that size, so the
        processes run out of work at about the same time."""
        out: list[list] = []
        size_now = task_bytes
        left = sum(p[2][4] - p[2][3] for p in some)
        end = 3 * jobs * task_bytes if tail else 0
        for piece in some:
            if size_now >= (task_bytes if left > end else task_bytes // 4):
                out.append([])
                size_now = 0
            out[-1].append(piece)
            size = piece[2][4] - piece[2][3]
            size_now += size
            left -= size
        return out

    def task_size(size: int, each: int) -> int:
        """Tasks of ``size`` bytes in all, about ``each`` per process: at least 1 MB, at most a quarter of PIECE."""
        return min(PIECE // 4, max(1 << 20, size // (each * max(1, jobs))))

    results: Generator[list, None, None]
    early = PIECE if EARLY_BYTES is None else EARLY_BYTES
    if jobs > 1:
        plan(early)
    if jobs > 1 and at < len(files):
        # Early start: the first pieces go out in three tasks per worker; the rest are planned while the workers
        # read them.
        tasks = group(pieces, task_size(early, 3))
        task_args = [[p[2] for p in t] for t in tasks]

        def plan_rest() -> None:
            first = len(pieces)
            plan(None)
            # about eight tasks per process, so the last tasks end close together
            more = group(pieces[first:], task_size(total[0], 8), tail=True)
            tasks.extend(more)
            task_args.extend([p[2] for p in t] for t in more)

        results = in_workers(_run_task, task_args, jobs, plan_rest)
    else:
        plan(None)
        tasks = group(pieces, task_size(total[0], 8))
        if jobs > 1 and len(tasks) > 1 and total[0] > MIN_PARALLEL_BYTES:
            results = in_workers(_run_task, [[p[2] for p in t] for t in tasks], jobs)
        else:
            results = (_run_task([p[2] for p in t]) for t in tasks)
    try:
        _merge(col, tasks, results, total, progress, fed, parts, skip_order)
    finally:
        results.close()
    # the files that could not be read, in file order (whether that was found here or by a worker)
    col.skipped[first_skip:] = sorted(col.skipped[first_skip:], key=lambda e: skip_order.get(id(e), -1))


def _merge(col: Collector, tasks, results, total: list[int], progress, fed=None, parts=None,
           skip_order: dict | None = None) -> None:
    """Add each task's records in order (``fed`` is called after each task: the analysis sums them while the
    workers read the next ones). ``total`` holds the bytes of every piece (filled in by the time the first result
    arrives). ``parts`` is the number of pieces of each file: a piece of a file read in several pieces that read a
    streaming event raises _ReadWhole."""
    offsets: dict[int, int] = {}  # file index -> lines before the current piece
    done = 0
    for task, result in zip(tasks, results, strict=True):
        for (fi, k, args), got in zip(task, result, strict=True):
            records, counts, nlines, dups, billed, label, streamed, skipped = got
            if streamed and parts is not None and parts[fi] > 1:
                raise _ReadWhole(fi)
            entry = col.files[fi]
            if entry.get("skipped"):
                continue
            if skipped is not None:
                entry["skipped"] = True
                if not k:  # (nothing of it was read)
                    entry["format"], entry["bytes"] = None, 0
                col.skipped.append({"path": entry["file"], "reason": skipped if not k else
                                    f"{skipped} (after its first {args[3]:,} bytes had been read)"})
                if skip_order is not None:
                    skip_order[id(col.skipped[-1])] = fi
                continue
            off = offsets.get(fi, 0) if k else 0
            if k == 0:
                entry["format"] = label
            col.billed.extend(billed)
            if off:
                records = [r[:F_LINE] + (r[F_LINE] + off,) + r[F_LINE + 1:] for r in records]
            col.counts.merge(counts, off)
            col.duplicates += dups
            col.add(records)
            offsets[fi] = off + nlines
            done += args[4] - args[3]
        if fed is not None:
            fed()
        if progress:
            progress(done, total[0])

