"""`claude-cost prices export`: write the dated rate table (or the model-id table) as CSV, JSON, JSON Lines or
parquet. The tables themselves are built by :mod:`calculators.rates_table`; this module reads the options,
writes the bytes and, for parquet, hands the CSV text to DuckDB (an optional extra: ``claude-cost[fast]``)."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import tempfile
from pathlib import Path

from .cost import parse_at
from .errors import ClaudeCostError
from .pricing import load_pricing
from .rates_table import (
    ID_COLUMNS,
    RATE_COLUMNS,
    json_document,
    json_lines,
    model_id_rows,
    rate_rows,
    to_csv,
)

FORMATS = ("csv", "json", "jsonl", "parquet")
_SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: What to install for parquet output (one line, named in the error).
FAST_EXTRA = 'pip install "claude-cost[fast]"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "The dated price tables, for pricing usage records with SQL where they are kept."
    sub = parser.add_subparsers(dest="prices_command", metavar="ACTION", parser_class=type(parser))
    p = sub.add_parser(
        "export", help="write the dated rate table (or --aliases: the model-id table)",
        description="Write the rate table: one row per model, price period, prompt-length tier and modifier set "
                    "(batch, geo, speed, endpoint), with USD per million tokens of each bucket after the "
                    "modifiers, USD per web search, and the source and checked date. Join usage records to it "
                    "with the SQL on the docs page 'Analysing logs at scale'.")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="csv (default), json (one document with the column types), jsonl (one row per line) or "
                        "parquet (needs DuckDB: " + FAST_EXTRA + "); default: from the --output suffix, else csv")
    p.add_argument("--from", dest="first", metavar="YYYY-MM-DD",
                   help="first day to cover (periods that end before it are left out, the others start no earlier)")
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD",
                   help="last day to cover, inclusive (default: open-ended, as the price file is)")
    p.add_argument("--aliases", action="store_true",
                   help="write the model-id table instead: every id, alias, Bedrock, Vertex AI and gateway "
                        "spelling and the canonical id it stands for")
    p.add_argument("--output", "-o", metavar="FILE", default="-", help="where to write ('-' = stdout, the default)")


def _day(text: str | None, option: str) -> _dt.date | None:
    if text is None:
        return None
    try:
        day = parse_at(text)
    except ClaudeCostError:
        raise ClaudeCostError(f"{option} {text!r} is not a day: use YYYY-MM-DD", option) from None
    if len(text.strip()) != 10:
        raise ClaudeCostError(f"{option} {text!r} is not a day: use YYYY-MM-DD (a day, without a time)", option)
    return day


def run(args: argparse.Namespace) -> int:
    if getattr(args, "prices_command", None) != "export":
        raise ClaudeCostError("say what to do: claude-cost prices export [--format csv|json|jsonl|parquet] "
                         "(see claude-cost prices export --help)")
    if args.format:
        fmt = args.format
    elif args.output != "-":
        fmt = _SUFFIXES.get(Path(args.output).suffix.lower(), "csv")
    else:
        fmt = "csv"
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if first is not None and last is not None and first > last:
        raise ClaudeCostError(f"--from {first} is after --to {last}: give the earlier day first", "--from")
    pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
    if fmt == "parquet":
        _require_duckdb()
        if args.output == "-" and (sys.stdout.isatty() or getattr(sys.stdout, "buffer", None) is None):
            raise ClaudeCostError("parquet is binary: give --output FILE (or pipe stdout to a file)", "--output")

    rows: list
    if args.aliases:
        rows, table, columns = model_id_rows(pricing), "model_ids", ID_COLUMNS
    else:
        rows, table, columns = rate_rows(pricing, first=first, last=last), "rates", RATE_COLUMNS

    if fmt == "csv":
        data = to_csv(rows, columns).encode("utf-8")
    elif fmt == "json":
        data = json_document(rows, table=table, exported_on=args.today, pricing=pricing, first=first,
                             last=last).encode("utf-8")
    elif fmt == "jsonl":
        data = json_lines(rows).encode("utf-8")
    else:
        data = _parquet(to_csv(rows, columns), columns, {"table": table, "exported_on": args.today.isoformat(),
                                                          "pricing_checked": pricing.last_checked.isoformat()})
    _write(data, args.output)
    if args.output != "-":
        what = "model ids" if args.aliases else "rates"
        span = "" if args.aliases else f", days {first or 'from the first price'} to {last or 'open-ended'}"
        print(f"claude-cost: wrote {len(rows)} {what} rows ({fmt}{span}) to {args.output}", file=sys.stderr)
    if not rows:
        print("claude-cost: warning: no price period overlaps those days; the table has no rows", file=sys.stderr)
    return 0


def _require_duckdb() -> None:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise ClaudeCostError(f"parquet export needs DuckDB, which is not installed: {FAST_EXTRA} "
                         "(or use --format csv, json or jsonl)", "--format") from None


def _parquet(csv_text: str, columns, metadata: dict[str, str]) -> bytes:
    """The CSV text as parquet, typed by ``columns`` (money as DECIMAL(15,9), days as DATE), written by DuckDB."""
    import duckdb

    types = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type, _ in columns)
    meta = ", ".join(f"'{key}': '{value}'" for key, value in metadata.items())
    with tempfile.TemporaryDirectory(prefix="claude-cost-") as tmp:
        src, dst = os.path.join(tmp, "table.csv"), os.path.join(tmp, "table.parquet")
        with open(src, "w", encoding="utf-8", newline="") as fh:
            fh.write(csv_text)
        quoted = dst.replace("'", "''")
        con = duckdb.connect()
        try:
            con.execute(
                f"COPY (SELECT * FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
                f"nullstr = '', columns = {{{types}}})) TO '{quoted}' (FORMAT parquet, KV_METADATA {{{meta}}})",
                [src])
        finally:
            con.close()
        with open(dst, "rb") as fh:
            return fh.read()


def _write(data: bytes, output: str) -> None:
    """Write to stdout, or to a file by way of a temporary file beside it (a failed run leaves no half table)."""
    if output == "-":
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (an embedding caller): the text formats are UTF-8
            sys.stdout.write(data.decode("utf-8"))
            return
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
        return
    target = Path(output)
    if target.is_dir():
        raise ClaudeCostError(f"--output {output} is a folder: give a file name such as {target / 'rates.csv'}",
                         "--output")
    folder = target.parent
    if not folder.is_dir():
        raise ClaudeCostError(f"--output {output}: the folder {folder} does not exist", "--output")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
