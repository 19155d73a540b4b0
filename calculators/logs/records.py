"""The record layout of the usage-log analyser, and what every other module of it shares.

A *record* is one billed request (or one aggregate row of a report), as a plain tuple whose fields are read by
position (``r[F_OUT]``). The names and positions are defined once, by :class:`Record` below; ``Record._make(r)``
gives a named view of any record (for a test or a debugger). The readers add three fields to each record
(:data:`F_DAY`, :data:`F_EPOCH`, :data:`F_PRE`, see :mod:`calculators.logs.prices`).

Why plain tuples and not the named tuple itself (CPython 3.11, 2 shared cores): records cross between
processes by pickle, and 100,000 records as named tuples took 236 ms to pickle and 137 ms to unpickle against
66 ms and 45 ms as tuples (each named tuple is rebuilt by calling its class), and building one cost about a
quarter more (1.66 against 1.33 us, on a loaded machine). ``bench/bench_logs.py --sizes 100 --repeat 3
--no-ccusage`` gave 0.82 CPU-s for 100 MB of Claude Code logs with tuples (0.84 before the analyser became a
package). Reading a field by index is as quick either way, so the hot path
(parsers, :func:`calculators.logs.prices.stamped`, :meth:`calculators.logs.analysis.Analysis.feed`) builds and
reads plain tuples with the index constants of this module, and nothing else defines a position.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Context, Decimal, localcontext
from typing import Any, NamedTuple, TypeVar

from ..usage_object import MAX_TOKENS as MAX_TOKENS  # (re-exported: the analyser's modules import them from here)
from ..usage_object import short as short


class Record(NamedTuple):
    """The fields of a record, in order (the one definition of the layout)."""

    file: str  #: the file (or the name the browser gave it)
    line: int  #: line number in the file (result row for reports)
    timestamp: str | None  #: as written in the log
    model: str  #: the model as the log spells it (matched exactly by pricing.Pricing.resolve)
    input: int  #: uncached input tokens
    cache_write_5m: int
    cache_write_1h: int
    cache_read: int
    output: int
    web_searches: int
    batch: bool
    geo: str  #: inference_geo: "global" or "us"
    fast: bool
    service_tier: str | None
    session: str | None  #: session id, API key or workspace (what the caching what-ifs group by)
    key: tuple | None  #: (message id, request id) for de-duplicating streamed copies, or None
    sidechain: bool
    logged_cost: str | None  #: Claude Code's own costUSD, as written
    kind: str  #: "request" (one API call) or "aggregate" (a row summing many)
    pos: int  #: byte offset of the line (row number for reports)
    tier_prompt: int | None  #: None: the request's own prompt picks the tier; else a stand-in size (report rows)
    #: what the request was made for: the Claude Code project (its ``cwd``, or the folder under ``projects/``
    #: the log is in), the workspace of an Admin API report or Console CSV row; None when the log does not say
    project: str | None


(F_FILE, F_LINE, F_TS, F_MODEL, F_IN, F_W5, F_W1, F_RD, F_OUT, F_WEB, F_BATCH, F_GEO, F_FAST, F_TIER,
 F_SESSION, F_KEY, F_SIDE, F_LOGGED, F_KIND, F_POS, F_TIER_PROMPT, F_PROJECT) = range(len(Record._fields))
TOKEN_FIELDS = (F_IN, F_W5, F_W1, F_RD, F_OUT)
#: Fields added to each record by the reader: its UTC day, epoch seconds, and its price
#: ``(model id, rates, web rate, femto total, notes, placement)`` when the reader could price it (else None).
F_DAY, F_EPOCH, F_PRE = F_PROJECT + 1, F_PROJECT + 2, F_PROJECT + 3

#: Models Claude Code writes for messages it makes up locally (API errors, interruptions); never billed.
SYNTHETIC_MODELS = frozenset({"<synthetic>"})

#: Every input format ``--format`` accepts (``auto`` detects each file's own).
FORMATS = ("auto", "claude-code", "api", "stream", "bedrock", "usage-report", "cost-report", "csv")

#: MAX_TOKENS (the largest count in one bucket of one record) and short() (a value cut for a message) are the usage
#: object reader's (calculators.usage_object), so the analyser and the cost model accept the same counts.


class BadLine(ValueError):
    """A line that cannot be read; the message says why (it is listed with file:line)."""


def make_record(file, line, ts, model, uv, session, key, side, logged, kind, pos, tier_prompt=None,
                project=None) -> tuple:
    """A record from its parts; ``uv`` is the usage tuple of :func:`calculators.logs.usage.usage_values`."""
    return (file, line, ts, model, uv[0], uv[1], uv[2], uv[3], uv[4], uv[5], uv[6], uv[7], uv[8], uv[9],
            session, key, side, logged, kind, pos, tier_prompt, project)


def folder_project(file: str) -> str | None:
    """The Claude Code project a log file belongs to by where it is: the folder under a ``projects`` folder
    (``~/.claude/projects/-home-me-app/<session>.jsonl`` -> ``-home-me-app``), else None."""
    parts = file.replace("\\", "/").split("/")
    for i in range(len(parts) - 2, 0, -1):
        if parts[i - 1] == "projects" and parts[i]:
            return parts[i]
    return None


def tier_prompt_of(context_window: object) -> int:
    """The prompt size that picks prompt-length tiers for an aggregate row (which sums many requests).

    Admin API reports and Console exports split usage by ``context_window``: ``200k-1M`` rows are requests
    above 200K prompt tokens, ``0-200k`` rows are not. Rows know nothing finer (such as Haiku 5.5's 100K tier).
    """
    return 200_001 if isinstance(context_window, str) and context_window.strip().lower() == "200k-1m" else 0


def str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def logged_cost(value: object) -> str | None:
    """Claude Code's own costUSD, kept for comparison: a finite number below a billion dollars, else left out
    (NaN, Infinity and absurd figures say nothing about the cost; the record itself is still priced)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1e9 < value < 1e9:
        return None  # (NaN fails the comparison too)
    return repr(value) if isinstance(value, float) else str(value)


class Counts:
    """What happened to every line: records + malformed + ignored + synthetic (+ blank) = lines."""

    __slots__ = ("blank", "ignored", "lines", "malformed", "malformed_list", "merged", "records", "synthetic")

    def __init__(self):
        self.lines = self.records = self.malformed = self.ignored = self.synthetic = self.blank = 0
        #: records that were copies of the request read just before them, merged by the reader before any
        #: Collector saw them (see calculators.logs.jsonl._parse_block): duplicates, as the Collector counts them
        self.merged = 0
        self.malformed_list: list[tuple[str, int, str]] = []

    def bad(self, file: str, line: int, why: str, keep: int = 20) -> None:
        self.malformed += 1
        if len(self.malformed_list) < keep:
            self.malformed_list.append((file, line, why[:200]))

    def merge(self, other: Counts, line_offset: int = 0) -> None:
        for name in ("lines", "records", "malformed", "ignored", "synthetic", "blank", "merged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for f, n, why in other.malformed_list:
            if len(self.malformed_list) < 20:
                self.malformed_list.append((f, n + line_offset, why))

    def to_json(self) -> dict:
        return {"lines": self.lines, "records": self.records, "malformed": self.malformed,
                "ignored": self.ignored, "synthetic": self.synthetic, "blank": self.blank}


# ----------------------------------------------------------------------------------------------------------
# Exact money
# ----------------------------------------------------------------------------------------------------------

FEMTO = Decimal("1e-15")  # per-record money is kept as whole femto-dollars (exact integers)


#: The decimal context of the analyser's own Decimal arithmetic (reports, what-ifs, reconciliation, money
#: strings): token counts are at most MAX_TOKENS per bucket, so every sum of a run has well under 100 digits and
#: is exact, whatever context the caller has set (the default one has 28 digits).
EXACT = Context(prec=100, Emax=10**6, Emin=-(10**6))


_F = TypeVar("_F", bound=Callable[..., Any])


def exact(method: _F) -> _F:
    """Run ``method`` in the exact decimal context."""

    @functools.wraps(method)
    def run(*args, **kwargs):
        with localcontext(EXACT):
            return method(*args, **kwargs)

    return run  # type: ignore[return-value]


def usd(femto: int) -> Decimal:
    """Whole femto-dollars as dollars, exactly."""
    return Decimal(femto).scaleb(-15, EXACT).normalize(EXACT) if femto else Decimal(0)


def dstr(value: Decimal) -> str:
    """An exact decimal string with no exponent and no trailing zeros (calculators.cost.dstr's format, in the
    exact context: the default context would round a sum of more than 28 digits)."""
    if not value:
        return "0"
    return format(value.normalize(EXACT), "f")


# ----------------------------------------------------------------------------------------------------------
# Collecting and de-duplicating records
# ----------------------------------------------------------------------------------------------------------


def _completeness(r: tuple) -> tuple[int, int, int]:
    return (r[F_OUT], r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD], r[F_WEB])


class Collector:
    """Records from any number of files, de-duplicated as they arrive (see :mod:`calculators.logs`).

    ``kept`` holds the records kept, in the order they arrived; a more complete copy of a request replaces the
    earlier one in place (``replaced`` counts those), so an analysis fed while reading knows when it must start
    over."""

    def __init__(self):
        self.best: dict = {}  # (message id, request id) -> index in kept
        self.kept: list = []
        self.duplicates = 0
        self.replaced = 0
        self.counts = Counts()
        self.billed: list = []
        self.files: list[dict] = []
        #: paths that were not read, with the reason: [{"path", "reason"}]
        self.skipped: list[dict] = []
        #: what the reader has to say about particular inputs (a capped stream, for one)
        self.input_notes: list[str] = []
        #: the engine that read the logs: "stdlib" (the reference) or "duckdb" (calculators.logs.engine_duckdb)
        self.engine = "stdlib"
        #: with the DuckDB engine: how many files DuckDB read and how many went to the reference reader
        self.engine_files: dict[str, int] = {}

    def add(self, records) -> None:
        best, kept = self.best, self.kept
        for r in records:
            k = r[F_KEY]
            if k is None:
                kept.append(r)
                continue
            i = best.get(k)
            if i is None:
                best[k] = len(kept)
                kept.append(r)
            else:
                self.duplicates += 1
                old = kept[i]
                if r[F_OUT] > old[F_OUT] or r[F_OUT] == old[F_OUT] and _completeness(r) > _completeness(old):
                    kept[i] = r
                    self.replaced += 1

    def records(self) -> list:
        return self.kept

    def duplicates_merged(self) -> int:
        """Copies of requests merged: by this collector, and by the readers before it (``counts.merged``)."""
        return self.duplicates + self.counts.merged

