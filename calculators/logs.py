"""The usage-log analyser: real logs in, the true cost and what each lever would have saved out.

Inputs (auto-detected per file; ``--format`` overrides): JSON Lines of Messages API responses,
``{model, usage, timestamp}`` objects or bare ``usage`` objects (with ``--model``); streaming event logs
(``message_start`` + cumulative ``message_delta`` usage, raw or as server-sent ``data:`` lines); Claude Code
session logs (directory trees of ``*.jsonl``); Admin API usage-report and cost-report pages; Console CSV
exports. See :mod:`calculators._logs_parse` for the line parsers.

Rules, in one place:

* **Streaming duplicates.** Claude Code writes one line per content block of a response, all with the same
  ``message.id`` and ``requestId``. Records with the same (message id, request id) are one request; the copy
  kept is the most complete one: the highest ``output_tokens``, then the most input-side tokens (uncached +
  cache writes + cache reads), then web searches; between equal copies the first one read is kept. Records
  without a message id are never merged. API responses and streamed messages are merged by message ``id``.
* **Dated prices.** Each record is priced by the price period in force on the UTC day of its own timestamp,
  so history does not move when prices change. Records without a timestamp use ``--at`` (default today) and
  are counted in the notes.
* **Unknown models** are never priced at $0: they are listed under ``unpriced`` with their token counts.
  Model names are matched exactly (id or alias), never by substring.
* ``<synthetic>`` **model** records are messages Claude Code makes up locally (API errors, interrupted turns);
  no API call was made, so they are skipped and counted as ``synthetic``, whatever usage they carry.
* Lines that cannot be read are counted and the first 20 listed as file:line with the reason; analysis
  goes on. Every line is accounted for: records + malformed + ignored + synthetic + blank = lines.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import functools
import gc
import io
import json
import os
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from pathlib import Path

from . import _logs_parse as P
from ._charts import value_axis
from ._logs_parse import (
    F_BATCH,
    F_FAST,
    F_FILE,
    F_GEO,
    F_IN,
    F_KEY,
    F_KIND,
    F_LINE,
    F_LOGGED,
    F_MODEL,
    F_OUT,
    F_RD,
    F_SESSION,
    F_SIDE,
    F_TIER,
    F_TS,
    F_W1,
    F_W5,
    F_WEB,
    FORMATS,
    Counts,
    LineState,
)
from .cost import BUCKETS, PriceError, Usage, dstr, parse_at, price
from .errors import InputError
from .pricing import Pricing, UnknownModelError, load_pricing

__all__ = ["Analysis", "add_arguments", "analyze_paths", "run"]

FEMTO = Decimal("1e-15")  # per-record money is kept as whole femto-dollars (exact integers)
_RATE_SCALE = Decimal(10) ** 9  # USD per MTok -> femto-dollars per token
BLOCK = 8 << 20
PIECE = 48 << 20
MIN_PARALLEL_BYTES = 16 << 20  # below this, starting worker processes costs more than it saves
FIVE_MIN, ONE_HOUR = 300, 3600
_JSONL_FORMATS = ("auto", "claude-code", "api", "stream")
_DOC_FORMATS = ("usage-report", "cost-report", "csv")


def _usd(femto: int) -> Decimal:
    return (Decimal(femto) * FEMTO).normalize() if femto else Decimal(0)


# ----------------------------------------------------------------------------------------------------------
# Collecting and de-duplicating records
# ----------------------------------------------------------------------------------------------------------


def _completeness(r: tuple) -> tuple[int, int, int]:
    return (r[F_OUT], r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD], r[F_WEB])


class Collector:
    """Records from any number of files, de-duplicated as they arrive (see the module docstring).

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


def _read_piece(path: str, name: str, fmt: str | None, start: int, end: int, model: str | None, fast: bool):
    """Read bytes [start, end) of one file (whole lines); ``fmt`` None means: detect it here.

    Returns (records, counts, lines, duplicates merged, billed rows, format label)."""
    label = fmt
    first = None  # the first block, when it was read to detect the format
    if fmt is None:
        with open(path, "rb") as fh:  # the format is told from the file's head, whichever piece this is
            head = fh.read(1 << 14)  # enough to tell the formats apart
            if start == 0:
                first = head + fh.read(max(0, min(BLOCK, end) - len(head))) if len(head) < end else head[:end]
        label = P.sniff(head)
        fmt = "auto" if label in ("claude-code", "api") else label  # mixed JSONL is read line by line
    counts = Counts()
    if fmt in _DOC_FORMATS:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", errors="replace")
        billed: list = []
        records: list = []
        if fmt == "csv":
            records, billed = P.parse_csv(text, name, counts)
        elif fmt == "usage-report":
            records = P.parse_usage_report(text, name, counts)
        else:
            billed = P.parse_cost_report(text, name, counts)
        local = Collector()
        local.add(records)
        return _stamped(local.records()), counts, counts.lines, local.duplicates, billed, label
    out: list = []
    st = LineState(name, fmt, model)
    lineno = 1
    pos = start
    carry = b""
    with _NoFile() if first is not None and len(first) >= end - start else open(path, "rb") as fh:
        left = end - start
        if first is not None and len(first) < left:
            fh.seek(start + len(first))
        elif first is None:
            fh.seek(start)
        while left > 0:
            if first is not None:
                block, first = first, None
            else:
                block = fh.read(min(BLOCK, left))
            if not block:
                break
            left -= len(block)
            buf = carry + block if carry else block
            cut = buf.rfind(b"\n")
            if cut < 0:
                carry = buf
                continue
            n = P.parse_lines(buf[:cut], st, lineno, pos, out, counts, fast)
            lineno += n
            pos += cut + 1
            carry = buf[cut + 1:]
        if carry:
            lineno += P.parse_lines(carry, st, lineno, pos, out, counts, fast)
    P.finish_lines(st, out, counts)
    local = Collector()
    local.add(out)
    return _stamped(local.records()), counts, lineno - 1, local.duplicates, [], label


class _NoFile:
    """Stands for a file already read whole (its first block was the whole piece)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, n):
        return b""


def _run_task(task):
    return [_read_piece(*piece) for piece in task]


# ----------------------------------------------------------------------------------------------------------
# Finding files and planning the work
# ----------------------------------------------------------------------------------------------------------

_DIR_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")


def expand_paths(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            files.extend(_find_logs(p))
        elif p.is_file():
            files.append(p)
        else:
            raise PriceError(f"{raw}: no such file or directory", "path")
    if not files:
        raise PriceError(f"no log files found in {', '.join(paths)} (looked for {', '.join(_DIR_SUFFIXES)})",
                         "path")
    return files


def _find_logs(root: Path) -> list[Path]:
    """Log files under ``root`` in the order ``sorted(root.rglob("*"))`` gives (path parts compared in turn),
    found with os.scandir (pathlib takes several times as long on folders of thousands of sessions)."""
    found: list[tuple[tuple[str, ...], str]] = []
    stack = [((), str(root))]
    while stack:
        parts, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    stack.append(((*parts, e.name), e.path))
                else:
                    name = e.name
                    i = name.rfind(".")  # Path.suffix's rule
                    if 0 < i < len(name) - 1 and name[i:].lower() in _DIR_SUFFIXES and e.is_file():
                        found.append(((*parts, name), e.path))
            except OSError:
                continue
    found.sort()
    return [Path(path) for _, path in found]


def _line_starts(path: Path, size: int, pieces: int) -> list[int]:
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
# Pricing records (exactly as calculators.cost.price, with the rates of each case computed once)
# ----------------------------------------------------------------------------------------------------------


class Unpriced(Exception):
    pass


class Pricer:
    """Per (model, day, modifiers, tier) the femto-dollar rate per token of every bucket, from ``price()``."""

    def __init__(self, pricing: Pricing):
        self.pricing = pricing
        self._period: dict = {}
        self._rates: dict = {}
        self.notes: dict[str, int] = {}
        #: (model, day, batch, geo, fast) -> rates, for the cases where the prompt size does not matter
        self.quick: dict = {}

    def rates(self, model: str, day: str, batch: bool, geo: str, fast: bool, prompt: int):
        pk = (model, day)
        mp = self._period.get(pk)
        if mp is None:
            m = self.pricing.find(model)
            if m is None:
                mp = Unpriced("not in pricing.toml (names are matched exactly)")
            else:
                mp = (m, m.period_at(_dt.date.fromisoformat(day)))
                if mp[1] is None:
                    mp = Unpriced(f"no price on {day}: {m.id}'s prices start on {m.periods[0].effective_from}"
                                  if _dt.date.fromisoformat(day) < m.periods[0].effective_from
                                  else f"no price on {day}")
            self._period[pk] = mp
        if isinstance(mp, Unpriced):
            raise mp
        m, period = mp
        tk = 0
        if not fast:
            for t in period.tiers:
                if prompt > t.above_prompt_tokens:
                    tk += 1
        key = (model, day, batch, geo, fast, tk)
        got = self._rates.get(key)
        if got is None:
            try:
                cost = price(m, Usage(input=prompt), batch=batch, geo=geo, fast=fast, at=day,
                             pricing=self.pricing)
            except PriceError as exc:
                got = Unpriced(str(exc))
            else:
                rates = []
                for b in BUCKETS:
                    f = cost.item(b).usd_per_mtok * _RATE_SCALE
                    if f != f.to_integral_value():
                        raise PriceError(f"{m.id}: a {b} rate has more than 9 decimal places")
                    rates.append(int(f))
                web = self.pricing.web_search_per_request / FEMTO
                notes = tuple(n for n in cost.notes if not n.startswith("prompt of "))
                if cost.tier is not None:
                    notes += (f"requests with a prompt above {cost.tier:,} tokens on {m.name} are billed at the "
                              f"higher tier's rates for every token",)
                got = (m, tuple(rates), int(web), notes)
            self._rates[key] = got
        if isinstance(got, Unpriced):
            raise got
        for note in got[3]:
            self.notes[note] = self.notes.get(note, 0) + 1
        if not got[3] and (fast or not period.tiers):  # the prompt size cannot change these rates
            self.quick[(model, day, batch, geo, fast)] = got
        return got


#: "YYYY-MM-DD" -> microseconds from the epoch to that UTC midnight, or None when it is not a date
_DAY_US: dict[str, int | None] = {}
_EPOCH_DATE = _dt.date(1970, 1, 1)


def _day_us(day: str) -> int | None:
    got = _DAY_US.get(day, 0)
    if got == 0:
        try:
            got = (_dt.date.fromisoformat(day) - _EPOCH_DATE).days * 86_400_000_000
        except ValueError:
            got = None
        if len(_DAY_US) > 50_000:  # (many different bad strings)
            _DAY_US.clear()
        _DAY_US[day] = got
    return got


def _day_of(ts: str | None) -> str | None:
    if not ts:
        return None
    if len(ts) >= 10 and ts[4:5] == "-" and ts[7:8] == "-" and (len(ts) == 10 or ts.endswith("Z")
                                                                 or ts.endswith("+00:00")) \
            and _day_us(ts[:10]) is not None:
        return ts[:10]
    try:
        return parse_at(ts).isoformat()
    except PriceError:
        return None


#: Fields added to each record by the worker that read it: its UTC day, epoch seconds, and its price
#: ``(model id, rates, web rate, femto total, notes)`` when the worker could price it (else None).
F_DAY, F_EPOCH, F_PRE = P.F_TIER_PROMPT + 1, P.F_TIER_PROMPT + 2, P.F_TIER_PROMPT + 3

#: (a Pricer, the day for undated records) while analyze_paths reads files; forked workers inherit it. (Pricing
#: there costs the workers little and saves the main process a pass; re-pricing every request for the routing
#: what-if there cost more worker time than the main process spends on the half of the requests it re-prices.)
_PREP: tuple | None = None


def _stamped(records: list) -> list:
    """Records with their UTC day, epoch seconds and (per request, when it can be) price appended.

    Done where the records are read (in the worker processes), so the main process only adds up. The price
    is exactly what :meth:`Analysis.feed` would compute (the same :class:`Pricer`); records it cannot
    price here are priced there, with the reason."""
    day_of, epoch = _day_of, _epoch
    if _PREP is None:
        return [r + (day_of(r[F_TS]), epoch(r[F_TS]), None) for r in records]
    pricer, at = _PREP
    quick = pricer.quick
    days: dict = {}  # day -> (day, the quick rates of that day by (model, batch, geo, fast))
    out = []
    append = out.append
    for r in records:
        ts = r[F_TS]
        got = days.get(ts[:10]) if ts else None
        if got is not None and (len(ts) == 10 or ts[-1] == "Z"):
            day, cases = got  # (the same day string every time: smaller messages between processes)
        else:
            day = day_of(ts)
            if day is not None:
                got = days.get(day)
                if got is None:
                    got = days[day] = (day, {})
                day, cases = got
            else:
                cases = None
        pre = None
        if r[F_KIND] == "request":
            ck = (r[F_MODEL], r[F_BATCH], r[F_GEO], r[F_FAST])
            rated = cases.get(ck) if cases is not None else None
            if rated is None:
                d = day or at
                rated = quick.get((r[F_MODEL], d, r[F_BATCH], r[F_GEO], r[F_FAST]))
                if rated is None:  # first of its kind, or rates that depend on the prompt's size
                    try:
                        rated = pricer.rates(r[F_MODEL], d, r[F_BATCH], r[F_GEO], r[F_FAST],
                                             r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD])
                    except (Unpriced, UnknownModelError):
                        rated = None
                elif cases is not None:
                    cases[ck] = rated  # the same rates for every such request of this day
            if rated is not None:
                m, rates, web, notes = rated
                pre = (m.id, rates, web, r[F_IN] * rates[0] + r[F_W5] * rates[1] + r[F_W1] * rates[2]
                       + r[F_RD] * rates[3] + r[F_OUT] * rates[4] + r[F_WEB] * web, notes)
        append(r + (day, epoch(ts), pre))
    return out


_fromisoformat = _dt.datetime.fromisoformat


def _epoch(ts: str | None) -> float | None:
    """Seconds since the epoch (a float, as ``datetime.timestamp()`` gives it); a time without a zone is UTC."""
    if not ts:
        return None
    try:
        d = _fromisoformat(ts)  # (reads a trailing "Z" itself from Python 3.11 on)
    except ValueError:
        if not ts.endswith("Z"):
            return None
        try:
            d = _fromisoformat(ts[:-1] + "+00:00")
        except ValueError:
            return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.UTC)
    return d.timestamp()


# ----------------------------------------------------------------------------------------------------------
# The analysis
# ----------------------------------------------------------------------------------------------------------


class Options:
    """What to analyse and how. ``at`` prices records that carry no timestamp; ``today`` is the day whose
    prices the routing what-if uses. Give either (each defaults to the other); the library never reads the
    clock, so giving neither is an error."""

    def __init__(self, since=None, until=None, at=None, batch_share="0.5", route_to="haiku", model=None,
                 fmt="auto", today=None):
        self.since = _date_opt(since, "since")
        self.until = _date_opt(until, "until")
        if at is None and today is None:
            raise PriceError("no day given: pass at= or today= (the day records without a timestamp are "
                             "priced on)", "at")
        self.at = parse_at(at if at is not None else today).isoformat()
        self.today = parse_at(today if today is not None else at).isoformat()
        try:
            self.batch_share = Decimal(str(batch_share))
        except Exception:
            raise PriceError(f"batch share must be a number between 0 and 1, got {batch_share!r}",
                             "batch_share") from None
        if not (0 <= self.batch_share <= 1):
            raise PriceError(f"batch share must be between 0 and 1, got {batch_share}", "batch_share")
        self.route_to = route_to or "haiku"
        self.model = model or None
        if fmt not in FORMATS:
            raise PriceError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}", "format")
        self.fmt = fmt


def _date_opt(value, name):
    if value in (None, ""):
        return None
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise PriceError(f"--{name}: not a date: {value!r} (use YYYY-MM-DD)", name) from None


class Analysis:
    """Everything needed for the report, built from a :class:`Collector`.

    Records are priced and summed as they are fed (:meth:`feed`), so the CLI feeds each batch of records while
    the worker processes read the next ones (:meth:`catch_up`), and the report itself only sorts and formats.
    When a later copy of a request replaced one already fed (the collector counts those), :meth:`finish` starts
    over from the collector's final records, so the result never depends on the order files were read in."""

    def __init__(self, collector: Collector, options: Options, pricing: Pricing, *, feed: bool = True):
        self.c = collector
        self.o = options
        self.pricing = pricing
        self._reset()
        if feed:
            self.finish()

    def _reset(self) -> None:
        self.pricer = Pricer(self.pricing)
        self.priced: list = []  # (record, day, model, rates, web_rate, femto total)
        self.unpriced: dict[str, dict] = {}
        self.undated = 0
        self.filtered = 0
        self.tier_unknown = 0
        self._fine_tiers: dict = {}
        self._models: dict = {}
        self._fed = 0  # how many of the collector's records were fed
        self._replaced = self.c.replaced  # the collector's count of replacements when feeding started
        # running sums for the report
        self._total = 0
        self._req_costs: list = []
        self._outs: list = []
        self._reading = 0
        self._rate_groups: dict = {}  # (model id, rates, web rate, batch-eligible) -> records
        self._names: dict = {}
        self._by_day: dict = {}
        self._by_session: dict = {}
        self._logged = Decimal(0)
        self._logged_n = 0
        self._priority = 0
        self._aggregates = 0  # report rows and CSV rows (not single requests)
        #: requests by (session or file, model): ([(time, item)] that used no cache, [...] that did)
        self._session_groups: tuple[dict, dict] = ({}, {})
        self._sorted = False

    def catch_up(self) -> None:
        """Feed the records the collector kept since the last call."""
        kept = self.c.kept
        if self._fed < len(kept):
            self.feed(kept[self._fed:])
            self._fed = len(kept)

    def finish(self) -> None:
        """Feed what is left; start over if a record already fed was replaced by a more complete copy."""
        if self.c.replaced != self._replaced:
            self._reset()
        self.catch_up()

    # -- pricing and summing every record ------------------------------------------------------------------------
    def feed(self, records) -> None:
        o, pricer = self.o, self.pricer
        since, until, at = o.since, o.until, o.at
        quick = pricer.quick
        models = self._models
        notes = pricer.notes
        priced = self.priced
        rate_groups, names, by_day, by_session = self._rate_groups, self._names, self._by_day, self._by_session
        req_costs, outs = self._req_costs, self._outs
        plain, cached = self._session_groups
        total = self._total
        reading = self._reading
        for r in records:
            if len(r) == F_DAY:  # not stamped by a worker (browser bridge)
                r = r + (_day_of(r[F_TS]), _epoch(r[F_TS]), None)
            day = r[F_DAY]
            if day is None:
                self.undated += 1
                day = at
            if (since and day < since) or (until and day > until):
                self.filtered += 1
                continue
            pre = r[F_PRE]
            if pre is not None:  # priced by the worker that read it
                mid = pre[0]
                m = models.get(mid)
                if m is None:
                    m = models[mid] = self.pricing.find(mid)
                for note in pre[4]:
                    notes[note] = notes.get(note, 0) + 1
                rates, web, cost = pre[1], pre[2], pre[3]
            else:
                got = quick.get((r[F_MODEL], day, r[F_BATCH], r[F_GEO], r[F_FAST]))
                try:
                    if got is None:
                        prompt = (r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD] if r[P.F_TIER_PROMPT] is None
                                  else r[P.F_TIER_PROMPT])
                        got = pricer.rates(r[F_MODEL], day, r[F_BATCH], r[F_GEO], r[F_FAST], prompt)
                    m, rates, web, _ = got
                except (Unpriced, UnknownModelError) as exc:
                    u = self.unpriced.setdefault(r[F_MODEL], {"records": 0, **{b: 0 for b in BUCKETS},
                                                              "web_searches": 0, "reason": str(exc)})
                    u["records"] += 1
                    for b, f in zip(BUCKETS, P.TOKEN_FIELDS, strict=True):
                        u[b] += r[f]
                    u["web_searches"] += r[F_WEB]
                    continue
                mid = m.id
                if r[P.F_TIER_PROMPT] == 0 and r[F_KIND] == "aggregate":
                    fine = self._fine_tiers.get((mid, day))
                    if fine is None:
                        period = m.period_at(_dt.date.fromisoformat(day))
                        fine = self._fine_tiers[(mid, day)] = any(t.above_prompt_tokens < 200_000
                                                                  for t in period.tiers)
                    if fine:
                        self.tier_unknown += 1
                cost = (r[F_IN] * rates[0] + r[F_W5] * rates[1] + r[F_W1] * rates[2] + r[F_RD] * rates[3]
                        + r[F_OUT] * rates[4] + r[F_WEB] * web)
            item = (r, day, m, rates, web, cost)
            priced.append(item)
            # the report's sums
            total += cost
            if r[F_KIND] != "request":
                self._aggregates += 1
            else:
                req_costs.append(cost)
                outs.append(r[F_OUT])
                if r[F_RD]:
                    reading += 1
                t = r[F_EPOCH]
                if t is not None:
                    side = cached if (r[F_RD] or r[F_W5] or r[F_W1]) else plain
                    key = (r[F_SESSION] or r[F_FILE], mid)
                    g = side.get(key)
                    if g is None:
                        side[key] = [(t, item)]
                    else:
                        g.append((t, item))
            key = (mid, rates, web, not (r[F_BATCH] or r[F_FAST]))
            g = rate_groups.get(key)
            if g is None:
                g = rate_groups[key] = []
                names[mid] = m.name
            g.append(r)
            d = by_day.get(day)
            if d is None:
                by_day[day] = [cost, 1]
            else:
                d[0] += cost
                d[1] += 1
            sess = r[F_SESSION] or "(none)"
            ss = by_session.get(sess)
            if ss is None:
                by_session[sess] = [cost, 1, day, day]
            else:
                ss[0] += cost
                ss[1] += 1
                if day < ss[2]:
                    ss[2] = day
                elif day > ss[3]:
                    ss[3] = day
            if r[F_LOGGED] is not None:
                self._logged += Decimal(r[F_LOGGED])
                self._logged_n += 1
            if r[F_TIER] == "priority":
                self._priority += 1
        self._total = total
        self._reading = reading
        self._sorted = False

    # -- the report --------------------------------------------------------------------------------------------
    def report(self) -> dict:
        pricing = self.pricing
        priced = self.priced
        by_model: dict[str, dict] = {}
        by_day, by_session, names = self._by_day, self._by_session, self._names
        bucket_f = [0, 0, 0, 0, 0, 0]
        tokens = [0, 0, 0, 0, 0, 0]
        logged, logged_n = self._logged, self._logged_n
        total = self._total
        tiers_priority = self._priority
        reading = self._reading
        eligible = 0  # token spend the batch what-if may move (not already batch, not fast mode)
        for (mid, rates, web, can_batch), recs in self._rate_groups.items():
            bm = by_model.get(mid)
            if bm is None:
                bm = by_model[mid] = {"name": names[mid], "records": 0, "t": [0] * 6, "f": [0] * 6}
            bm["records"] += len(recs)
            for i, (fld, rate) in enumerate(zip((*P.TOKEN_FIELDS, F_WEB), (*rates, web), strict=True)):
                n = sum(map(itemgetter(fld), recs))
                bm["t"][i] += n
                bm["f"][i] += n * rate
                if can_batch and i < 5:
                    eligible += n * rate
        self._eligible = eligible
        self._outs_sorted = sorted(self._outs)
        for bm in by_model.values():
            for i in range(6):
                tokens[i] += bm["t"][i]
                bucket_f[i] += bm["f"][i]

        requests = sorted(self._req_costs)
        top_day = max((v[0] for v in by_day.values()), default=0)  # bar lengths for charts (not money)
        total_usd = _usd(total)
        prompt_all = tokens[0] + tokens[1] + tokens[2] + tokens[3]
        bucket_names = (*BUCKETS, "web_search")
        out = {
            "pricing_checked": pricing.last_checked.isoformat(),
            "files": self.c.files,
            "total_usd": dstr(total_usd),
            "records": len(priced),
            "malformed": self.c.counts.malformed,
            "malformed_lines": [{"file": f, "line": n, "reason": why} for f, n, why in self.c.counts.malformed_list],
            "lines": self.c.counts.to_json(),
            "duplicates_merged": self.c.duplicates,
            "filtered_out": self.filtered,
            "since": self.o.since, "until": self.o.until,
            "first_day": min(by_day) if by_day else None,
            "last_day": max(by_day) if by_day else None,
            "unpriced": self.unpriced,
            "by_model": {
                mid: {"name": bm["name"], "records": bm["records"], "total_usd": dstr(_usd(sum(bm["f"]))),
                      **{b: bm["t"][i] for i, b in enumerate(BUCKETS)}, "web_searches": bm["t"][5],
                      "usd_by_bucket": {b: dstr(_usd(bm["f"][i])) for i, b in enumerate(bucket_names)}}
                for mid, bm in sorted(by_model.items(), key=lambda kv: -sum(kv[1]["f"]))
            },
            "by_day": [{"day": d, "total_usd": dstr(_usd(v[0])), "records": v[1], "of_max": _ratio(v[0], top_day)}
                       for d, v in sorted(by_day.items())],
            "by_session": [{"session": s, "total_usd": dstr(_usd(v[0])), "records": v[1], "first_day": v[2],
                            "last_day": v[3]}
                           for s, v in sorted(by_session.items(), key=lambda kv: (-kv[1][0], kv[0]))],
            "per_turn": _turn_stats(requests),
            "cache": {
                "hit_rate": _ratio(tokens[3], prompt_all),
                "read_tokens": tokens[3], "prompt_tokens": prompt_all,
                "requests_reading": reading,
            },
            "tokens": {b: tokens[i] for i, b in enumerate(BUCKETS)} | {"web_searches": tokens[5]},
            "spend_by_bucket": {b: {"usd": dstr(_usd(bucket_f[i])), "share": _ratio(bucket_f[i], total)}
                                for i, b in enumerate(bucket_names)},
            "logged_cost_usd": dstr(logged) if logged_n else None,
            "what_if": self.what_ifs(total, requests),
            "reconciliation": self.reconcile(),
            "notes": self.notes(logged, logged_n, tiers_priority),
        }
        return out

    def notes(self, logged, logged_n, priority) -> list[str]:
        notes = []
        c = self.c.counts
        if self.c.duplicates:
            notes.append(f"{self.c.duplicates:,} duplicate records of streamed responses were merged (same "
                         f"message id and request id; the most complete usage is kept)")
        if c.synthetic:
            notes.append(f"{c.synthetic:,} '<synthetic>' records (made by Claude Code locally, no API call) "
                         f"were skipped")
        if self.undated:
            notes.append(f"{self.undated:,} records have no readable timestamp; they are priced at the prices "
                         f"of {self.o.at}")
        if self.unpriced:
            n = sum(u["records"] for u in self.unpriced.values())
            notes.append(f"{n:,} records could not be priced (see 'unpriced'); they are not in the total")
        if logged_n:
            notes.append(f"{logged_n:,} records carry a costUSD written by Claude Code: they sum to "
                         f"${_money(logged)}; the total here is computed from pricing.toml")
        if priority:
            notes.append(f"{priority:,} records ran on Priority Tier, which has no published per-token price; "
                         f"they are priced at standard rates")
        if self.tier_unknown:
            notes.append(f"{self.tier_unknown:,} report rows of 0-200k context are on a model with a prompt-length "
                         f"tier below 200K tokens (Haiku 5.5 above 100K); rows cannot tell, so they are priced at "
                         f"the base rate")
        if self._aggregates:
            notes.append("usage reports and CSV rows sum many requests: per-turn figures, caching and TTL "
                         "what-ifs use per-request logs only")
        for note, n in sorted(self.pricer.notes.items()):
            notes.append(f"{note} ({n:,} records)")
        future = sum(v[1] for day, v in self._by_day.items() if day > self.o.today)
        if future:
            notes.append(f"{future:,} records are dated after today ({self.o.today}): they are priced at the prices "
                         f"known today, which may change before then")
        return notes

    # -- what-ifs ----------------------------------------------------------------------------------------------
    def what_ifs(self, total: int, requests: list[int]) -> list[dict]:
        levers = [self._caching(), self._ttl(), self._batch(), self._routing(), self._output_cap()]
        for lever in levers:
            lever["saving_usd"] = dstr(_usd(lever.pop("_f")))
            lever["saving_share"] = _ratio(int(Decimal(lever["saving_usd"]) / FEMTO), total)
        return levers

    def _sessions(self, cached: bool) -> dict:
        """Requests by (session or file, model), in time order; ``cached`` picks those that used the cache."""
        if not self._sorted:
            for side in self._session_groups:
                for g in side.values():
                    g.sort(key=_first)
            self._sorted = True
        return self._session_groups[1 if cached else 0]

    def _caching(self) -> dict:
        saving = 0
        chains = reqs = 0
        groups = self._sessions(cached=False)
        for (_, _), items in groups.items():
            chain: list = []
            for t, item in items + [(None, None)]:
                if chain and (t is None or t - chain[-1][0] > FIVE_MIN):
                    if len(chain) > 1:
                        s = _chain_saving(chain)
                        if s > 0:
                            saving += s
                            chains += 1
                            reqs += len(chain)
                    chain = []
                if item is not None:
                    chain.append((t, item))
        return {"lever": "caching", "_f": saving, "requests": reqs, "chains": chains, "assumptions": [
            "requests of the same session (or API key) and model, less than 5 minutes apart, that used no "
            "cache at all are taken as one growing conversation: each prompt starts with the previous prompt",
            "with caching, each of them reads that shared part at the cache-read price and writes its new part "
            "as a 5-minute cache write (prompts below the model's minimum cacheable length are not cached)",
            "logs carry no prompt text, so the shared prefix is an upper bound; only chains where caching "
            "pays are counted"]}

    def _ttl(self) -> dict:
        saving = 0
        rewrites = 0
        groups = self._sessions(cached=True)
        for items in groups.values():
            prev_t, prev_prompt = None, 0
            for t, item in items:
                r, rates = item[0], item[3]
                w5 = r[F_W5]
                if w5:
                    shared = 0
                    if prev_t is not None and FIVE_MIN < t - prev_t <= ONE_HOUR:
                        shared = min(w5, prev_prompt)
                        if shared:
                            rewrites += 1
                    saving += shared * (rates[1] - rates[3]) - (w5 - shared) * (rates[2] - rates[1])
                prev_t, prev_prompt = t, r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD]
        return {"lever": "cache_ttl_1h", "_f": saving, "writes_that_become_reads": rewrites, "assumptions": [
            "every 5-minute cache write becomes a 1-hour write (2x instead of 1.25x the input price)",
            "a 5-minute write that came 5 to 60 minutes after the previous cache-using request of the same "
            "session and model would instead have read the cached prefix (up to the previous prompt's size)",
            "a negative saving means the 1-hour TTL would cost more"]}

    def _batch(self) -> dict:
        mult = self.pricing.batch_multiplier
        eligible = getattr(self, "_eligible", None)  # summed per rate group by report()
        if eligible is None:
            eligible = 0
            for r, _, _, rates, _, _ in self.priced:
                if r[F_BATCH] or r[F_FAST]:
                    continue
                eligible += (r[F_IN] * rates[0] + r[F_W5] * rates[1] + r[F_W1] * rates[2] + r[F_RD] * rates[3]
                             + r[F_OUT] * rates[4])
        saving = int((Decimal(eligible) * self.o.batch_share * (1 - mult)).to_integral_value(ROUND_HALF_UP))
        return {"lever": "batch", "_f": saving, "share": dstr(self.o.batch_share), "assumptions": [
            f"{_pct(self.o.batch_share)} of the token spend not already on the Batch API (and not fast mode) "
            f"is sent through the Batch API at {_pct(mult)} of the price (set the share with --batch-share)",
            "batch results can take up to 24 hours: interactive traffic such as Claude Code sessions cannot "
            "wait; web searches are not discounted"]}

    def _request_outs(self) -> list:
        """Output tokens of every request, sorted."""
        outs = getattr(self, "_outs_sorted", None)
        if outs is None or len(outs) != len(self._outs):
            outs = self._outs_sorted = sorted(self._outs)
        return outs

    def _routing(self) -> dict:
        pricing = self.pricing
        try:
            target = pricing.model(self.o.route_to)
        except UnknownModelError as exc:
            raise PriceError(f"--route-to: {exc}", "route_to") from None
        outs = self._request_outs()
        cutoff = _nearest_rank(outs, 50) if outs else 0
        saving, moved = _Router(pricing, target, self.o.today).saving(self.priced, cutoff)
        return {"lever": "routing", "_f": saving, "to": target.id, "requests": moved,
                "output_cutoff_tokens": cutoff, "assumptions": [
                    f"requests with at most the median output ({cutoff:,} tokens), no web search and a prompt "
                    f"that fits are re-priced on {target.name} at today's prices, where that is cheaper",
                    "token counts are scaled by the tokenizer difference when the tokenizers differ",
                    f"quality caveat: {target.name} may answer some of these requests worse; try it on a "
                    f"sample before routing (choose another model with --route-to)"]}

    def _output_cap(self) -> dict:
        outs = self._request_outs()
        cap = _nearest_rank(outs, 95) if outs else 0
        saving = 0
        capped = 0
        for r, _, _, rates, _, _ in self.priced:
            if r[F_KIND] == "request" and r[F_OUT] > cap:
                saving += (r[F_OUT] - cap) * rates[4]
                capped += 1
        return {"lever": "output_cap", "_f": saving, "cap_tokens": cap, "requests": capped, "assumptions": [
            f"max_tokens is set to the observed 95th percentile of output ({cap:,} tokens); longer answers "
            f"are cut there",
            "a cut answer may need a follow-up request, which this saving does not subtract"]}

    # -- reconciliation against a cost report -------------------------------------------------------------------
    def reconcile(self) -> list[dict]:
        if not self.c.billed:
            return []
        pricing = self.pricing
        names = {m.name.lower(): m.id for m in pricing.models}

        def resolve(model):
            if not model:
                return "(no model)"
            m = pricing.find(model)
            return m.id if m else names.get(model.lower(), model)

        billed: dict = {}
        for day, model, cost_type, _desc, cents, _tier in self.c.billed:
            if (self.o.since and day < self.o.since) or (self.o.until and day > self.o.until):
                continue
            b = billed.setdefault((day, resolve(model)), {"cents": Decimal(0), "other": {}})
            b["cents"] += cents
            if cost_type != "tokens":
                b["other"][cost_type] = b["other"].get(cost_type, Decimal(0)) + cents
        est: dict = {}
        prio: dict = {}
        for r, day, m, _, _, cost in self.priced:
            est[(day, m.id)] = est.get((day, m.id), 0) + cost
            if r[F_TIER] == "priority":
                prio[(day, m.id)] = prio.get((day, m.id), 0) + cost
        rows = []
        billed_days = {day for day, _ in billed}
        for key in sorted(set(billed) | {k for k in est if k[0] in billed_days}):
            day, mid = key
            b = billed.get(key)
            e = _usd(est.get(key, 0))
            bu = (b["cents"] / 100).normalize() if b else Decimal(0)
            diff = e - bu
            why = []
            if b is None:
                why.append("the cost report has no amount for this day and model")
            elif key not in est:
                why.append("no usage records cover this day and model")
            if key in prio:
                why.append(f"${_money(_usd(prio[key]))} ran on Priority Tier, which the cost report leaves out")
            if b and b["other"]:
                for ct, cents in sorted(b["other"].items()):
                    if ct == "web_search":
                        why.append(f"billed web search ${_money(cents / 100)} (the estimate counts searches "
                                   f"found in usage)")
                    else:
                        why.append(f"billed {ct.replace('_', ' ')} ${_money(cents / 100)} is not in token usage")
            if not why:
                why.append("matches to the cent" if abs(diff) < Decimal("0.01") else
                           "unexplained: check for discounts, credits or usage missing from the logs")
            rows.append({"day": day, "model": mid, "estimated_usd": dstr(e), "billed_usd": dstr(bu),
                         "difference_usd": dstr(diff), "explanation": "; ".join(why)})
        return rows

    # -- per-record CSV ------------------------------------------------------------------------------------------
    def write_csv(self, fh) -> None:
        w = csv.writer(fh)
        w.writerow(["file", "line", "timestamp", "day", "model", "session", *BUCKETS, "web_searches", "batch",
                    "geo", "fast", "sidechain", "usd"])
        for r, day, m, _, _, cost in sorted(self.priced, key=lambda p: (p[0][F_FILE], p[0][F_LINE])):
            w.writerow([_cell(r[F_FILE]), r[F_LINE], _cell(r[F_TS] or ""), day, m.id, _cell(r[F_SESSION] or ""),
                        r[F_IN], r[F_W5], r[F_W1], r[F_RD], r[F_OUT], r[F_WEB], int(r[F_BATCH]), r[F_GEO],
                        int(r[F_FAST]), int(r[F_SIDE]), dstr(_usd(cost))])


class _Router:
    """The cost of a request re-priced on the routing what-if's target model (at ``today``'s prices)."""

    def __init__(self, pricing: Pricing, target, today: str):
        self.pricing, self.target, self.today = pricing, target, today
        self.pricer = Pricer(pricing)
        self.window = target.context_window
        period = target.period_at(_dt.date.fromisoformat(today))
        self.limits = [t.above_prompt_tokens for t in period.tiers] if period is not None else []
        self.by_case: dict = {}  # (batch, geo, tiers passed) -> rates (as Pricer.rates picks them), or False

    def saving(self, priced: list, cutoff: int) -> tuple[int, int]:
        """(femto-dollars saved, requests moved) re-pricing on the target every request with at most ``cutoff``
        output tokens that is a candidate (another model, no web search, a prompt that fits, a price) and is
        cheaper there."""
        target, window, limits, by_case = self.target, self.window, self.limits, self.by_case
        scalers: dict = {}
        saving = moved = 0
        for r, _, m, _, _, cost in priced:
            if r[F_OUT] > cutoff or r[F_WEB] or m.id == target.id or r[F_KIND] != "request":
                continue
            scale = scalers.get(m.id, 0)
            if scale == 0:
                from .cost import tokenizer_factor

                scale = scalers[m.id] = _scaler(tokenizer_factor(m, target, self.pricing))
            if scale is None:
                i, w5, w1, rd, o = r[F_IN], r[F_W5], r[F_W1], r[F_RD], r[F_OUT]
            else:  # (scale(0) is 0)
                i, w5, w1, rd, o = scale(r[F_IN]), scale(r[F_W5]), scale(r[F_W1]), scale(r[F_RD]), scale(r[F_OUT])
            prompt = i + w5 + w1 + rd
            if window and prompt > window:
                continue
            tk = 0
            for limit in limits:
                if prompt > limit:
                    tk += 1
            case = (r[F_BATCH], r[F_GEO], tk)
            rates = by_case.get(case)
            if rates is None:
                try:
                    rates = by_case[case] = self.pricer.rates(target.id, self.today, r[F_BATCH], r[F_GEO], False,
                                                              prompt)[1]
                except Unpriced:
                    rates = by_case[case] = False
            if rates is False:
                continue
            new = i * rates[0] + w5 * rates[1] + w1 * rates[2] + rd * rates[3] + o * rates[4]
            if new < cost:
                saving += cost - new
                moved += 1
        return saving, moved


def _scaler(factor: Decimal):
    """``n -> int((n * factor).to_integral_value())`` (None for a factor of 1), in integers when that is exact.

    A factor with few digits times a token count is exact in the decimal context, so rounding the rational
    n * p / q half-even gives the same integer; other factors (and other contexts) use Decimal itself."""
    if factor == 1:
        return None
    import decimal

    ctx = decimal.getcontext()
    if len(factor.as_tuple().digits) > 12 or ctx.rounding != decimal.ROUND_HALF_EVEN or ctx.prec < 28 \
            or factor < 0:
        return lambda n: int((n * factor).to_integral_value())
    p, q = factor.as_integer_ratio()

    @functools.lru_cache(maxsize=1 << 16)
    def scale(n: int) -> int:
        if n >= 10 ** 15:
            return int((n * factor).to_integral_value())
        whole, rest = divmod(n * p, q)
        if 2 * rest > q or (2 * rest == q and whole & 1):
            whole += 1
        return whole

    return scale


_first = itemgetter(0)


def _chain_saving(chain) -> int:
    saving = 0
    prev_prompt = 0
    for _, item in chain:
        r, m, rates = item[0], item[2], item[3]
        prompt = r[F_IN]  # uncached requests: the whole prompt is uncached input
        shared = min(prev_prompt, prompt) if prev_prompt >= m.min_cacheable_tokens else 0
        new_part = prompt - shared if prompt >= m.min_cacheable_tokens else 0
        old = prompt * rates[0]
        new = shared * rates[3] + new_part * rates[1] + (prompt - shared - new_part) * rates[0]
        saving += old - new
        prev_prompt = prompt
    return saving


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _nearest_rank(sorted_values: list, p: int):
    """The p-th percentile by the nearest-rank method (no interpolation)."""
    n = len(sorted_values)
    k = max(1, -(-p * n // 100))
    return sorted_values[k - 1]


def _turn_stats(costs: list[int]) -> dict:
    if not costs:
        return {"requests": 0, "mean_usd": None, "p50_usd": None, "p95_usd": None}
    mean = (Decimal(sum(costs)) * FEMTO / len(costs)).quantize(Decimal("1e-12"), ROUND_HALF_UP)
    return {"requests": len(costs), "mean_usd": dstr(mean), "p50_usd": dstr(_usd(_nearest_rank(costs, 50))),
            "p95_usd": dstr(_usd(_nearest_rank(costs, 95)))}


def _ratio(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return dstr((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _pct(x: Decimal) -> str:
    return f"{dstr((x * 100).quantize(Decimal('0.1'), ROUND_HALF_UP).normalize())}%"


def _dollars(x: Decimal) -> str:
    """Money for the terminal: -$1.23, $0.0042 (sub-cent amounts keep four places), $1,234.57."""
    return f"-${_money(-x)}" if x < 0 else f"${_money(x)}"


def _money(x: Decimal) -> str:
    if x and abs(x) < Decimal("0.01"):
        return f"{x.quantize(Decimal('0.0001'), ROUND_HALF_UP):,}"
    return f"{x.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


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


def analyze_paths(paths: list[str], options: Options, *, pricing: Pricing | None = None,
                  jobs: int | None = None, fast: bool = True, progress=None) -> Analysis:
    """Read every file under ``paths`` and return the priced :class:`Analysis` (``options`` carries the day)."""
    pricing = pricing or load_pricing()
    jobs = jobs or _default_jobs()
    files = expand_paths(paths)
    col = Collector()
    analysis = Analysis(col, options, pricing, feed=False)  # fed while the workers read on
    global _PREP
    _PREP = (Pricer(pricing), options.at)  # one Pricer (and its caches) for every piece a process reads
    # The records are plain tuples that form no reference cycles, so the cyclic garbage collector has nothing
    # to find here; left on, it walks the growing heap of records over and over (about 0.7 CPU-s of a 1 GB run
    # in the main process, 0.2 in each worker, measured with gc.callbacks). It is off while reading and summing
    # (the workers inherit that) and back as it was afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read_all(files, col, options, jobs, fast, progress, analysis.catch_up)
        analysis.finish()
    finally:
        _PREP = None
        if collecting:
            gc.enable()
    return analysis


def _read_all(files: list[Path], col: Collector, options: Options, jobs: int, fast: bool, progress,
              fed=None) -> None:
    pieces: list[tuple] = []  # (file index, piece index, args)
    for fi, path in enumerate(files):
        name = str(path)
        try:
            size = path.stat().st_size
            fmt = None if options.fmt == "auto" else options.fmt  # None: the worker detects it
            if fmt is None and size >= 2 * PIECE:  # big files are split, unless they are event streams
                with open(path, "rb") as fh:
                    fmt = P.sniff(fh.read(1 << 14))
                if fmt in ("claude-code", "api"):
                    fmt = None
        except OSError as exc:
            raise PriceError(f"{path}: cannot read ({exc.strerror or exc})", "path") from None
        col.files.append({"file": name, "format": fmt, "bytes": size})
        split = fmt is None or fmt in ("auto", "claude-code", "api")
        n = -(-size // PIECE) if split and size >= 2 * PIECE else 1
        bounds = _line_starts(path, size, n) if n > 1 else [0, size]
        for k in range(len(bounds) - 1):
            pieces.append((fi, k, (str(path), name, fmt, bounds[k], bounds[k + 1], options.model, fast)))
    # Group small pieces into tasks so many small files do not cost one task each: at most a quarter of PIECE,
    # and small enough that each worker gets about eight (the last tasks then end close together).
    total_bytes = sum(p[2][4] - p[2][3] for p in pieces)
    task_bytes = min(PIECE // 4, max(1 << 20, total_bytes // (8 * max(1, jobs))))
    tasks: list[list] = []
    size_now = task_bytes
    for piece in pieces:
        if size_now >= task_bytes:
            tasks.append([])
            size_now = 0
        tasks[-1].append(piece)
        size_now += piece[2][4] - piece[2][3]
    if jobs > 1 and len(tasks) > 1 and total_bytes > MIN_PARALLEL_BYTES:
        results = _in_workers([[p[2] for p in t] for t in tasks], jobs)
        try:
            _merge(col, tasks, results, total_bytes, progress, fed)
        finally:
            results.close()
    else:
        results = (_run_task([p[2] for p in t]) for t in tasks)
        _merge(col, tasks, results, total_bytes, progress, fed)


def _in_workers(task_args: list, jobs: int):
    """``_run_task(task_args[i])`` for each i, in order, computed by up to ``jobs`` worker processes.

    Each worker holds three tasks at a time, so none waits for the main process, which reads the results in its
    own thread (a multiprocessing.Pool spends about a CPU-second per GB of logs in its helper threads here,
    taking turns with the main thread that sums the records)."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context(_start_method(mp))
    workers: list = []
    try:
        for _ in range(min(jobs, len(task_args))):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_worker_loop, args=(theirs, task_args, _PREP), daemon=True)
            proc.start()
            theirs.close()
            workers.append((proc, mine))
        given = 0
        for _, conn in workers * 3:  # three tasks in hand each: one being read, results of others on the way
            if given < len(task_args):
                try:
                    conn.send(given)
                except OSError:
                    raise PriceError("a worker process reading the logs could not start", "path") from None
                given += 1
        ready: dict = {}
        conns = [conn for _, conn in workers]
        for want in range(len(task_args)):
            while want not in ready:
                for conn in wait(conns):
                    try:
                        i, ok, value = conn.recv()
                        if ok and given < len(task_args):
                            conn.send(given)
                            given += 1
                    except (EOFError, OSError):
                        raise PriceError("a worker process reading the logs stopped unexpectedly (out of memory? "
                                         "try CLAUDE_COST_JOBS=1)", "path") from None
                    if not ok:
                        raise value
                    ready[i] = value
            yield ready.pop(want)
        for _, conn in workers:
            try:
                conn.send(None)
            except OSError:
                pass
    finally:
        for proc, conn in workers:
            if proc.is_alive():
                proc.terminate()
            proc.join()
            conn.close()


def _start_method(mp) -> str:
    """How to start the workers: ``fork`` (they inherit the task list and ``_PREP`` instead of unpickling them)
    when this process runs no other thread; otherwise ``forkserver`` or ``spawn``. Forking a process while
    another of its threads holds a lock can hang the child (a web server or notebook calling ``analyze_paths``),
    and Python 3.12+ warns about it."""
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _worker_loop(conn, task_args: list, prep) -> None:
    """A worker process: read the tasks whose numbers arrive on ``conn``; send back (number, ok, result).

    Results are pickled here and written by a second thread, so the worker reads its next task while the main
    process is still busy with an earlier result (a large result does not fit in the connection's buffer)."""
    import queue
    import threading
    from multiprocessing.reduction import ForkingPickler

    global _PREP
    _PREP = prep
    outbox: queue.SimpleQueue = queue.SimpleQueue()

    def send() -> None:
        try:
            while (data := outbox.get()) is not None:
                conn.send_bytes(data)
        except BaseException:  # the main process then sees the connection end, and says so
            conn.close()
            os._exit(1)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        while (i := conn.recv()) is not None:
            try:
                result = (i, True, _run_task(task_args[i]))
            except Exception as exc:  # sent to the main process, which raises it
                result = (i, False, exc)
            outbox.put(bytes(ForkingPickler.dumps(result)))
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    outbox.put(None)
    sender.join()


def _merge(col: Collector, tasks, results, total_bytes: int, progress, fed=None) -> None:
    """Add each task's records in order (``fed`` is called after each task: the analysis sums them while the
    workers read the next ones)."""
    offsets: dict[int, int] = {}  # file index -> lines before the current piece
    done = 0
    for task, result in zip(tasks, results, strict=True):
        for (fi, k, args), (records, counts, nlines, dups, billed, label) in zip(task, result, strict=True):
            off = offsets.get(fi, 0) if k else 0
            if k == 0:
                col.files[fi]["format"] = label
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
            progress(done, total_bytes)


# ----------------------------------------------------------------------------------------------------------
# The terminal report
# ----------------------------------------------------------------------------------------------------------


def json_text(rep: dict) -> str:
    """The report as indented JSON, with each row of a long list (days, sessions) on one line of its own.

    (Shorter to read than ``json.dumps(indent=2)`` for a report of thousands of sessions, and written by the
    standard library's C encoder: about 4 times quicker for a large report.)"""
    parts = []
    for key, value in rep.items():
        if isinstance(value, list) and len(value) > 8:
            text = "[\n    " + ",\n    ".join(map(json.dumps, value)) + "\n  ]"
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


def render_text(rep: dict) -> str:
    lines = []
    add = lines.append
    first, last = rep["first_day"], rep["last_day"]
    add(f"Claude API usage, {first} to {last}" if first else "Claude API usage: no priced records")
    add(f"Prices from pricing.toml (checked {rep['pricing_checked']}); each record at the prices of its own day.")
    c = rep["lines"]
    add(f"Read {c['lines']:,} lines in {len(rep['files'])} file(s): {rep['records']:,} priced records, "
        f"{rep['duplicates_merged']:,} duplicates merged, {c['ignored']:,} lines ignored, "
        f"{rep['malformed']:,} malformed.")
    add("")
    add(f"Total: ${_money(Decimal(rep['total_usd']))}")
    t = rep["per_turn"]
    if t["requests"]:
        add(f"Per request ({t['requests']:,}): mean ${_money(Decimal(t['mean_usd']))}, "
            f"p50 ${_money(Decimal(t['p50_usd']))}, p95 ${_money(Decimal(t['p95_usd']))}")
    if rep["cache"]["hit_rate"] is not None:
        add(f"Cache hit rate: {_pct(Decimal(rep['cache']['hit_rate']))} of prompt tokens read from the cache")
    add("")
    add("Spend by bucket")
    for b, v in rep["spend_by_bucket"].items():
        if v["usd"] != "0":
            add(f"  {b.replace('_', ' '):<16} ${_money(Decimal(v['usd'])):>14}  {_pct(Decimal(v['share'] or 0)):>7}")
    add("")
    add("By model")
    for mid, v in rep["by_model"].items():
        add(f"  {mid:<34} ${_money(Decimal(v['total_usd'])):>14}  {v['records']:>9,} records")
    if rep["unpriced"]:
        add("Unpriced (not in the total)")
        for model, u in rep["unpriced"].items():
            toks = sum(u[b] for b in BUCKETS)
            add(f"  {_safe(model):<34} {u['records']:>9,} records, {toks:,} tokens: {u['reason']}")
    add("")
    add("By day")
    for d in rep["by_day"][-31:]:
        add(f"  {d['day']}  ${_money(Decimal(d['total_usd'])):>14}  {d['records']:>9,} records")
    if len(rep["by_day"]) > 31:
        add(f"  ({len(rep['by_day']) - 31} earlier days in --json)")
    sessions = rep["by_session"]
    if sessions and not (len(sessions) == 1 and sessions[0]["session"] == "(none)"):
        add("")
        add("Top sessions / API keys")
        for s in sessions[:10]:
            add(f"  {_safe(s['session'])[:40]:<40} ${_money(Decimal(s['total_usd'])):>12}  {s['records']:>7,} records")
    add("")
    add("What if (each lever alone, against the total above)")
    for w in rep["what_if"]:
        share = _pct(Decimal(w["saving_share"])) if w["saving_share"] is not None else "-"
        add(f"  {w['lever']:<14} saves {_dollars(Decimal(w['saving_usd'])):>13}  ({share})")
        for a in w["assumptions"]:
            add(f"      - {a}")
    if rep["reconciliation"]:
        add("")
        add("Reconciliation with the cost report")
        for row in rep["reconciliation"]:
            add(f"  {row['day']} {row['model']:<30} estimate {_dollars(Decimal(row['estimated_usd']))}, billed "
                f"{_dollars(Decimal(row['billed_usd']))}, difference {_dollars(Decimal(row['difference_usd']))}: "
                f"{row['explanation']}")
    if rep["malformed_lines"]:
        add("")
        add(f"Malformed lines ({rep['malformed']:,}; first {len(rep['malformed_lines'])})")
        for m in rep["malformed_lines"]:
            add(f"  {_safe(m['file'])}:{m['line']}: {_safe(m['reason'])}")
    if rep["notes"]:
        add("")
        add("Notes")
        for n in rep["notes"]:
            add(f"  - {_safe(n)}")
    return "\n".join(lines)


def _safe(text: str) -> str:
    """Log text for a terminal: no control characters (escape sequences)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))


# ----------------------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="log files or directories (searched for "
                        "*.jsonl, *.ndjson, *.json, *.csv); default: Claude Code's projects folder "
                        "($CLAUDE_CONFIG_DIR/projects, ~/.claude/projects, ~/.config/claude/projects)")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="input format (default: detect per file)")
    parser.add_argument("--model", help="model of bare usage objects that do not name one")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="first UTC day to include")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="last UTC day to include")
    parser.add_argument("--at", metavar="YYYY-MM-DD", help="prices for records without a timestamp (default: today)")
    parser.add_argument("--batch-share", default="0.5", metavar="SHARE",
                        help="share of traffic the batch what-if moves to the Batch API (0-1, default 0.5)")
    parser.add_argument("--route-to", default="haiku", metavar="MODEL",
                        help="cheaper model for the routing what-if (default: haiku)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--csv", metavar="FILE", help="write per-record costs to FILE ('-' = stdout)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="worker processes (default: the number of CPUs, at most 8; or $CLAUDE_COST_JOBS)")
    parser.add_argument("--pure-python", action="store_true",
                        help="parse with the standard library's json even when orjson is installed (for checks)")


def _claude_code_dirs() -> list[str]:
    """Where Claude Code keeps its session logs, as ccusage looks for them."""
    roots = [Path(p) for p in os.environ.get("CLAUDE_CONFIG_DIR", "").split(",") if p.strip()]
    roots += [Path.home() / ".claude", Path.home() / ".config" / "claude"]
    found: list[str] = []
    for root in roots:
        projects = root.expanduser() / "projects"
        if projects.is_dir() and str(projects) not in found:
            found.append(str(projects))
    return found


def run(args: argparse.Namespace) -> int:
    from .cli import CliError

    pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
    opts = Options(since=args.since, until=args.until, at=args.at, batch_share=args.batch_share,
                   route_to=args.route_to, model=args.model, fmt=args.format, today=args.today)
    if opts.since and opts.until and opts.since > opts.until:
        raise CliError(f"--since {opts.since} is after --until {opts.until}")
    if args.jobs is not None and args.jobs < 1:
        raise CliError("--jobs must be at least 1")
    show = sys.stderr.isatty() and not args.json
    t0 = time.monotonic()

    def progress(done, total):
        if show and total:
            print(f"\r  read {done / 1e6:,.0f} of {total / 1e6:,.0f} MB", end="", file=sys.stderr, flush=True)

    paths = args.paths or _claude_code_dirs()
    if not paths:
        raise CliError("give the log files or folders to read (no Claude Code projects folder was found in "
                       "$CLAUDE_CONFIG_DIR, ~/.claude or ~/.config/claude)")
    # The records stay alive until the command ends. The garbage collector is off while they are read (see
    # analyze_paths); then they are set aside (gc.freeze) so that collections while the report is written do not
    # walk them again, and handed back at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        analysis = analyze_paths(paths, opts, pricing=pricing, jobs=args.jobs, fast=not args.pure_python,
                                 progress=progress)
        if show:
            print(f"\r  read in {time.monotonic() - t0:.1f} s" + " " * 20, file=sys.stderr)
        gc.freeze()
        if collecting:
            gc.enable()
        try:
            return _write_report(args, analysis)
        finally:
            gc.unfreeze()
    finally:
        if collecting:
            gc.enable()


def _write_report(args: argparse.Namespace, analysis: Analysis) -> int:
    from .cli import CliError

    rep = analysis.report()
    if args.csv:
        if args.csv == "-":
            analysis.write_csv(sys.stdout)
        else:
            try:
                with open(args.csv, "w", newline="", encoding="utf-8") as fh:
                    analysis.write_csv(fh)
            except OSError as exc:
                raise CliError(f"cannot write {args.csv}: {exc.strerror or exc}") from None
    if args.json:
        print(json_text(rep))
    elif args.csv != "-":
        print(render_text(rep))
    return 0


# ----------------------------------------------------------------------------------------------------------
# Browser bridge: the worker feeds each file in chunks; state is kept here per session
# ----------------------------------------------------------------------------------------------------------

_SESSIONS: dict[str, dict] = {}
_MAX_DOC_BYTES = 256 << 20


def _input_error(field: str, message: str):
    return InputError([(field, message)])


#: The browser bridge words messages for the analyser's form (see calculators.bridge): its Options fields.
FORM_WORDS = {
    "(set the share with --batch-share)": "(set the share with \u201cBatch share\u201d under Options)",
    "(choose another model with --route-to)": "(choose another model in \u201cRoute to\u201d under Options)",
    "--route-to: ": "Route to: ",
    "--since: ": "From: ",
    "--until: ": "Until: ",
    "in --json": "in the downloaded JSON report",
}


def bridge_analyze_start(inputs: dict, today: _dt.date) -> dict:
    """Start an analysis. Inputs: format, model, since, until, at, batch_share, route_to (all optional)."""
    try:
        opts = Options(since=inputs.get("since"), until=inputs.get("until"), at=inputs.get("at") or None,
                       today=today,
                       batch_share=inputs.get("batch_share", "0.5") or "0.5",
                       route_to=inputs.get("route_to") or "haiku", model=inputs.get("model"),
                       fmt=inputs.get("format") or "auto")
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
    s = _SESSIONS.get(inputs.get("session"))
    if s is None:
        raise _input_error("session", "unknown or finished analysis session (start a new analysis)")
    return s


def bridge_analyze_chunk(inputs: dict, today: _dt.date | None = None) -> dict:
    """Feed one chunk of one file: {session, file, text, final}. Lines may be split across chunks."""
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
        f = s["files"][name] = {"fmt": None, "pending": [], "state": None, "carry": b"", "line": 1, "pos": 0,
                                "doc": [], "bytes": 0, "done": False}
        col.files.append({"file": name, "format": None, "bytes": 0})
    if f["done"]:
        raise _input_error("file", f"{name} was already finished")
    f["bytes"] += len(data)
    s["bytes"] += len(data)
    for entry in col.files:
        if entry["file"] == name:
            entry["bytes"] = f["bytes"]
    if f["fmt"] is None:  # the format is decided on the first 64 KB (or the whole file if smaller)
        f["pending"].append(data)
        if sum(map(len, f["pending"])) < (1 << 16) and not final:
            return _progress(s)
        data = b"".join(f["pending"])
        f["pending"] = []
        sniffed = P.sniff(data[:1 << 16])
        fmt = opts.fmt if opts.fmt != "auto" else sniffed
        if opts.fmt == "auto" and fmt in ("claude-code", "api"):
            fmt = "auto"
        f["fmt"] = fmt
        f["state"] = LineState(name, fmt, opts.model)
        for entry in col.files:
            if entry["file"] == name:
                entry["format"] = fmt if fmt != "auto" else sniffed
    final = bool(inputs.get("final"))
    if f["fmt"] in _DOC_FORMATS:
        if f["bytes"] > _MAX_DOC_BYTES:
            raise _input_error("file", f"{name}: reports and CSV files above 256 MB are not supported here")
        f["doc"].append(data)
        if final:
            doc = b"".join(f["doc"]).decode("utf-8", errors="replace")
            f["doc"] = []
            if f["fmt"] == "csv":
                recs, billed = P.parse_csv(doc, name, col.counts)
                col.add(recs)
                col.billed.extend(billed)
            elif f["fmt"] == "usage-report":
                col.add(P.parse_usage_report(doc, name, col.counts))
            else:
                col.billed.extend(P.parse_cost_report(doc, name, col.counts))
    else:
        buf = f["carry"] + data if f["carry"] else data
        out: list = []
        if final:
            part = buf[:-1] if buf.endswith(b"\n") else buf
            if buf:
                f["line"] += P.parse_lines(part, f["state"], f["line"], f["pos"], out, col.counts)
            f["carry"] = b""
        else:
            cut = buf.rfind(b"\n")
            if cut >= 0:
                f["line"] += P.parse_lines(buf[:cut], f["state"], f["line"], f["pos"], out, col.counts)
                f["pos"] += cut + 1
                f["carry"] = buf[cut + 1:]
            else:
                f["carry"] = buf
        if final:
            P.finish_lines(f["state"], out, col.counts)
        col.add(out)
    if final:
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
    except PriceError as exc:
        raise _input_error(exc.field, str(exc)) from None
    rep["charts"] = {"by_day": value_axis([Decimal(d["total_usd"]) for d in rep["by_day"]])}
    if inputs.get("csv"):
        buf = io.StringIO()
        analysis.write_csv(buf)
        rep["records_csv"] = buf.getvalue()
    return rep


def bridge_analyze_cancel(inputs: dict, today: _dt.date | None = None) -> dict:
    """Drop a session and everything it read."""
    found = _SESSIONS.pop(inputs.get("session"), None) is not None
    return {"cancelled": found}
