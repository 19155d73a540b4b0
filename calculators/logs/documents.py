"""Whole documents: Admin API usage and cost reports (JSON pages) and Console CSV exports.

A report or CSV file is read in one piece (it is small next to a session log). Usage rows become aggregate
records; cost rows become *billed* rows ``(day, model, cost_type, description, amount_cents, tier)`` that the
analysis reconciles its estimate with.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from .records import MAX_TOKENS, BadLine, Counts, make_record, short, str_or_none, tier_prompt_of
from .usage import usage_values

__all__ = ["money", "parse_cost_report", "parse_csv", "parse_usage_report"]


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
    out: list = []
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
        session = str_or_none(r.get("api_key_id")) or str_or_none(r.get("workspace_id"))
        out.append(make_record(file, n, str_or_none(bucket.get("starting_at")), model, uv, session, None, False, None,
                           "aggregate", len(out), tier_prompt_of(r.get("context_window")),
                           str_or_none(r.get("workspace_id"))))
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
    if abs(amount) >= MAX_AMOUNT or not isinstance(exponent, int) or exponent + zeros < -MONEY_PLACES:
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
        day = (str_or_none(bucket.get("starting_at")) or "")[:10]
        out.append((day, str_or_none(r.get("model")), r.get("cost_type") or "tokens",
                    str_or_none(r.get("description")), cents, str_or_none(r.get("service_tier"))))
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
    records: list = []
    billed: list = []
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
        records.append(make_record(file, n, day, model, uv, session, None, False, None, "aggregate", n,
                               tier_prompt_of(get("context_window")), get("workspace") or None))
        counts.records += 1
    return records, billed


