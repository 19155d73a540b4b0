"""`claude-cost analyze`: arguments, progress on the terminal and output only; the analysis itself is in
:mod:`calculators.logs`."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

from .errors import InputError
from .logs import FORMATS, STREAM_LIMIT, Analysis, Options, analyze_paths, json_text, render_text
from .logs.reader import ENGINES
from .logs.report import safe
from .pricing import load_pricing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``claude-cost analyze``."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help="log files or directories (searched for "
                        "*.jsonl, *.ndjson, *.json, *.csv); default: Claude Code's projects folder "
                        "($CLAUDE_CONFIG_DIR/projects, ~/.claude/projects, ~/.config/claude/projects)")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="input format (default: detect per file)")
    parser.add_argument("--default-model", metavar="MODEL", help="model of bare usage objects and streams that do "
                        "not name one")
    parser.add_argument("--model", metavar="MODEL", help="only the records of this model (an id or any spelling of "
                        "it, matched exactly; a wrong one lists the nearest models in the logs)")
    parser.add_argument("--session", metavar="ID", help="only the records of this session (Claude Code session id, "
                        "API key or workspace, Bedrock caller; '(none)' for records without one)")
    parser.add_argument("--project", metavar="NAME", help="only the records of this project (a Claude Code "
                        "project's folder as its sessions ran in it, or a workspace of a usage report or CSV)")
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
                        help="processes reading the logs: this one and N-1 workers (default: the number of CPUs, at most "
                             "8; or $CLAUDE_COST_JOBS)")
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="what reads the logs: 'stdlib' (the standard-library reader, the reference), 'duckdb' "
                             "(DuckDB, from pip install 'claude-cost[fast]'), or 'auto' (default: the "
                             "standard-library reader, measured faster here at every size)")
    parser.add_argument("--pure-python", action="store_true",
                        help="parse with the standard library's json even when orjson is installed (for checks)")
    parser.add_argument("--max-stream-mb", type=int, default=STREAM_LIMIT >> 20, metavar="MB",
                        help="read at most this much of an input that is not a regular file ('-' for standard "
                             f"input, a FIFO, a device; default {STREAM_LIMIT >> 20})")


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
    """Run ``claude-cost analyze``: read, price and print the report (or the CSV)."""
    pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
    opts = Options(since=args.since, until=args.until, at=args.at, batch_share=args.batch_share,
                   route_to=args.route_to, model=args.default_model, fmt=args.format, today=args.today,
                   only_model=args.model, only_session=args.session, only_project=args.project)
    if opts.since and opts.until and opts.since > opts.until:
        raise InputError(f"--since {opts.since} is after --until {opts.until}")
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    if args.csv == "-" and args.json:
        raise InputError("--csv - and --json both write to standard output: write the CSV to a file "
                       "(--csv records.csv) or leave one of them out")
    engine = getattr(args, "engine", "auto") or "auto"
    if engine == "duckdb":
        from .logs.engine_duckdb import available

        if not available():
            raise InputError("--engine duckdb needs DuckDB: pip install 'claude-cost[fast]' (or use --engine stdlib)")
    if args.pure_python and engine == "auto":
        engine = "stdlib"
    if args.max_stream_mb < 1:
        raise InputError("--max-stream-mb must be at least 1")
    show = sys.stderr.isatty() and not args.json
    t0 = time.monotonic()

    def progress(done, total):
        if show and total:
            print(f"\r  read {done / 1e6:,.0f} of {total / 1e6:,.0f} MB", end="", file=sys.stderr, flush=True)

    paths = args.paths or _claude_code_dirs()
    if not paths:
        raise InputError("give the log files or folders to read (no Claude Code projects folder was found in "
                       "$CLAUDE_CONFIG_DIR, ~/.claude or ~/.config/claude)")
    # The records stay alive until the command ends. The garbage collector is off while they are read (see
    # analyze_paths); then they are set aside (gc.freeze) so that collections while the report is written do not
    # walk them again, and handed back at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        analysis = analyze_paths(paths, opts, pricing=pricing, jobs=args.jobs, fast=not args.pure_python,
                                 progress=progress, stream_limit=args.max_stream_mb << 20, engine=engine)
        if show:
            print(f"\r  read in {time.monotonic() - t0:.1f} s" + " " * 20, file=sys.stderr)
        gc.freeze()
        if collecting:
            gc.enable()
        try:
            status = _write_report(args, analysis)
            if getattr(args, "end_process", False):  # (the command itself: nothing is left to do)
                sys.stdout.flush()  # (a failed write raises here and is reported as usual)
                sys.stderr.flush()
                os._exit(status)
            return status
        finally:
            gc.unfreeze()
    finally:
        if collecting:
            gc.enable()


def _write_report(args: argparse.Namespace, analysis: Analysis) -> int:
    rep = analysis.report()
    problem = analysis.problem(rep)
    if problem:
        raise InputError(safe(problem))
    if args.csv:
        if args.csv == "-":
            analysis.write_csv(sys.stdout)
        else:
            try:
                with open(args.csv, "w", newline="", encoding="utf-8") as fh:
                    analysis.write_csv(fh)
            except OSError as exc:
                raise InputError(f"cannot write {args.csv}: {exc.strerror or exc}") from None
    if args.json:
        print(json_text(rep))
    elif args.csv != "-":
        print(render_text(rep))
    return 0

