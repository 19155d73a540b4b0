"""The ``claude-cost`` command line (also ``python -m calculators``).

Every error is one readable line on stderr and a non-zero exit; a traceback is a bug. The CLI is one of the
three places that read the clock (``calculators.clock``, with ``CLAUDE_COST_TODAY`` to override it): ``main``
puts the day on ``args.today`` and every command takes it from there. Tool subcommands
(``recommend``, ``analyze``, ``diff``) live in their own modules, each exposing ``add_arguments(parser)``
and ``run(args) -> int``, and are imported only when used.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import NoReturn

from . import clock
from .cost import BUCKETS, Usage, dstr, parse_at, price, price_usage
from .errors import ClaudeCostError
from .present import usd_exact
from .pricing import PricingFileError, load_pricing

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

#: subcommand -> (module, help). Each module provides add_arguments(parser) and run(args) -> int.
_TOOL_COMMANDS = {
    "recommend": ("calculators._cli_recommend", "recommend a model and levers for a prompt and workload"),
    "analyze": ("calculators._cli_analyze", "analyse usage logs: true cost and what each lever would save"),
    "diff": ("calculators._cli_diff", "compare two pricing files (or git revisions) and their effect"),
    "prices": ("calculators._cli_prices", "export the dated rate table for SQL engines (prices export)"),
    "diff-summary": ("calculators._cli_diffsum", "summarise a code diff, compact it and price sending it"),
    "skills": ("calculators._cli_skills", "what CLAUDE.md, skills, commands, agents and MCP tools cost every turn"),
}


class CliError(ClaudeCostError):
    """A user-facing error: printed as one line, exit status 1."""


def _non_negative_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative, got {text}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, with the usage hint
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; given ``argv``, the options of commands other than the one it names are left out
    (their modules are then not imported: a quicker start for `analyze` on a log folder)."""
    chosen = None
    if argv is not None:
        words = list(argv)
        for i, word in enumerate(words):
            if word == "--pricing":  # the only top-level option that takes a value
                continue
            if not word.startswith("-") and (i == 0 or words[i - 1] != "--pricing"):
                chosen = word
                break

    def wanted(name: str) -> bool:
        return argv is None or chosen is None or chosen == name

    parser = _Parser(prog="claude-cost", description="Claude API cost model, priced from pricing.toml.")
    parser.add_argument("--pricing", metavar="FILE", help="use this pricing file instead of the bundled one")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("models", help="list every model with its current prices")
    p.add_argument("--all", action="store_true", help="include retired models")
    p.add_argument("--at", metavar="YYYY-MM-DD", help="prices in force on this day (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("price", help="price one request")
    p.add_argument("--model", help="model id, alias or family shortcut (opus, sonnet, haiku, fable)")
    for bucket in BUCKETS:
        p.add_argument(f"--{bucket.replace('_', '-')}", dest=bucket, type=_non_negative_int, default=0,
                       metavar="N", help=f"{bucket.replace('_', ' ')} tokens")
    p.add_argument("--web-searches", dest="web_searches", type=_non_negative_int, default=0, metavar="N")
    p.add_argument("--batch", action="store_true", help="Message Batches API pricing")
    p.add_argument("--geo", choices=("global", "us"), default=None, help="inference_geo (us = US-only, 1.1x)")
    p.add_argument("--fast", action="store_true", help="fast mode")
    p.add_argument("--platform", choices=("anthropic", "bedrock", "vertex", "foundry"), default=None,
                   help="where the request ran (default: what the model id implies, else the Claude API)")
    p.add_argument("--tools", metavar="LIST", default="",
                   help="tools in the request, comma-separated: bash, text_editor, computer_use, browser, custom "
                        "(adds the tool-use system prompt and each tool's tokens to the input)")
    p.add_argument("--tool-choice", dest="tool_choice", choices=("auto", "none", "any", "tool"), default="auto")
    p.add_argument("--container-hours", dest="container_hours", metavar="H", default=None,
                   help="code execution container time (billed per hour, with a minimum per container)")
    p.add_argument("--with-search-or-fetch", dest="with_search_or_fetch", action="store_true",
                   help="the request carries web_search_20260209 / web_fetch_20260209 or later (code execution free)")
    p.add_argument("--session-hours", dest="session_hours", metavar="H", default=None,
                   help="Managed Agents session running time, billed per session-hour")
    p.add_argument("--endpoint", choices=("global", "regional"), default=None,
                   help="Bedrock/Vertex endpoint: regional and multi-region endpoints cost 10%% more for Sonnet 4.5, "
                        "Haiku 4.5, Opus 4.5 and later (default: what the model id implies, else global)")
    p.add_argument("--at", metavar="DATE", help="price on this day or timestamp (default: now)")
    p.add_argument("--usage", metavar="FILE", help="a Messages API usage object or response as JSON ('-' = stdin)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("check", help="validate a pricing file")
    p.add_argument("file", nargs="?", help="pricing file (default: the bundled pricing.toml)")
    if wanted("check"):
        _add_check_arguments(p)

    for name, (module, help_text) in _TOOL_COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(_module=module)
        if not wanted(name):
            continue
        importlib.import_module(module).add_arguments(p)
    return parser


def _add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the change-review checks."""
    from ._cli_diff import add_check_arguments

    add_check_arguments(parser)


def run() -> None:
    """The ``claude-cost`` command (and ``python -m calculators``): :func:`main`, then the process ends at once.

    What the command printed is flushed first; the interpreter's own teardown is skipped. ``analyze`` ends the
    process itself as soon as its report is written (``args.end_process``): freeing the records of a gigabyte of
    logs one by one took about 0.1 s. Library callers and tests call :func:`main`, which returns."""
    status = main(end_process=True)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # (a closed pipe: main has already said what it could)
        pass
    os._exit(status)


def main(argv: Sequence[str] | None = None, *, end_process: bool = False) -> int:
    """Run the command line ``argv``; return the exit status. With ``end_process`` (the command itself, see
    :func:`run`) a subcommand may end the process once its output is written and flushed."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    args.end_process = end_process
    try:
        status = _run(parser, args)
        sys.stdout.flush()  # a failed write (a full disk) is reported here, not as a traceback at exit
        return status
    except PricingFileError as exc:
        for line in _problem_lines(exc):
            print(f"claude-cost: error: {line}", file=sys.stderr)
        return EXIT_ERROR
    except ClaudeCostError as exc:
        print(f"claude-cost: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK
    except OSError as exc:  # a file or the output could not be read or written: one line, not a traceback
        what = f"cannot use {exc.filename}" if exc.filename else "cannot write the output"
        _drop_stdout()
        try:
            print(f"claude-cost: error: {what}: {exc.strerror or exc}", file=sys.stderr)
        except OSError:
            pass
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("claude-cost: interrupted", file=sys.stderr)
        return 130


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    # The one clock read of a CLI run. `check` and `diff` also take a hidden --today for their tests.
    given = getattr(args, "today", None)
    args.today = parse_at(given) if given else clock.today()
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "models":
        return _models(args)
    if args.command == "price":
        return _price(args)
    if args.command == "check":
        return _check(args)
    return importlib.import_module(args._module).run(args)


def _drop_stdout() -> None:
    """Point stdout at /dev/null once writing to it has failed, so the interpreter's flush at exit is quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (an embedding caller): nothing to do
        pass


def _problem_lines(exc: PricingFileError) -> list[str]:
    """One line per problem, each naming the file once (a file-level problem's path is the file itself)."""
    return [str(p) if p.path == exc.source else f"{exc.source}: {p}" for p in exc.problems]


def _pricing(args: argparse.Namespace):
    return load_pricing(args.pricing) if args.pricing else load_pricing()


# ----------------------------------------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------------------------------------


def _models(args: argparse.Namespace) -> int:
    pricing = _pricing(args)
    day = parse_at(args.at) if args.at else args.today
    rows = []
    for m in pricing.models if args.all else pricing.active_models(day):
        period = m.period_at(day)
        rows.append((m, period))
    if args.json:
        out = []
        for m, period in rows:
            r = period.rates if period else None
            out.append({
                "id": m.id, "name": m.name, "family": m.family, "status": m.status_on(day), "aliases": list(m.aliases),
                "context_window": m.context_window, "max_output": m.max_output,
                "min_cacheable_tokens": m.min_cacheable_tokens, "new_tokenizer": m.new_tokenizer,
                "us_inference": m.us_inference,
                "prices_usd_per_mtok": {b: dstr(getattr(r, b)) for b in BUCKETS} if r else None,
            })
        print(json.dumps({"at": day.isoformat(), "models": out}, indent=2))
        return EXIT_OK
    header = ("model", "status", "input", "5m write", "1h write", "cache read", "output")
    table = [header]
    for m, period in rows:
        if period is None:
            table.append((m.id, m.status_on(day), "-", "-", "-", "-", "-"))
            continue
        r = period.rates
        table.append((m.id, m.status_on(day), *(usd_exact(getattr(r, b)) for b in BUCKETS)))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print(f"USD per million tokens, prices in force on {day}")
    for n, row in enumerate(table):
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------
# price
# ----------------------------------------------------------------------------------------------------------


#: The most a single input file (a usage object, a prompt, a tools file) may hold: larger inputs are refused.
MAX_INPUT_BYTES = 16 << 20


def read_input(path: str, what: str = "file", limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file, or of stdin for ``-``, refusing more than ``limit`` bytes.

    Devices, FIFOs and directories are refused with a message (a FIFO with no writer would block, and
    ``/dev/zero`` never ends), so that a mistyped path can neither hang nor fill the memory.
    """
    import os
    import stat

    shown = "stdin" if path == "-" else path
    try:
        if path == "-":
            stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
            data = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode("utf-8")
        else:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                raise CliError(f"{shown}: is a folder; give the {what} itself")
            if not stat.S_ISREG(mode):
                raise CliError(f"{shown}: not a regular file (a device or a pipe); save the {what} to a file, "
                               "or pipe it on stdin with -")
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        raise CliError(f"cannot read {what} {shown}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise CliError(f"{shown}: the {what} is larger than {limit >> 20} MB, the most this command reads")
    return data


def _read_json(path: str) -> object:
    name = "stdin" if path == "-" else path
    # bytes: json.loads detects UTF-8 (with or without a BOM), UTF-16 and UTF-32
    data = read_input(path, "usage JSON")
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise CliError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except UnicodeDecodeError:
        raise CliError(f"{name}: not JSON text (expected UTF-8, UTF-16 or UTF-32)") from None
    except RecursionError:
        raise CliError(f"{name}: the JSON is nested too deeply to read (a usage object is two levels deep)") from None


def _price(args: argparse.Namespace) -> int:
    pricing = _pricing(args)
    if args.usage:
        obj = _read_json(args.usage)
        name = "stdin" if args.usage == "-" else args.usage
        if not isinstance(obj, dict):
            raise CliError(f"{name}: expected a JSON object (a usage object or a Messages API response)")
        try:
            cost = price_usage(obj, args.model, at=args.at or args.today, pricing=pricing, platform=args.platform,
                               endpoint=args.endpoint)
        except ClaudeCostError as exc:
            if exc.field == "at":
                raise
            raise CliError(f"{name}: {exc}") from None
        extra = [b for b in (*BUCKETS, "web_searches") if getattr(args, b)]
        if extra or args.batch or args.fast or args.geo:
            raise CliError("--usage takes the token counts and modifiers from the file; drop the other flags")
    else:
        if not args.model:
            raise CliError("--model is required (or give --usage FILE with a response that names its model)")
        usage = Usage(**{b: getattr(args, b) for b in (*BUCKETS, "web_searches")})
        tools = tuple(t.strip() for t in args.tools.split(",") if t.strip())
        cost = price(args.model, usage, batch=args.batch, geo=args.geo, fast=args.fast, at=args.at or args.today,
                     pricing=pricing, platform=args.platform, endpoint=args.endpoint, tools=tools,
                     tool_choice=args.tool_choice, container_hours=args.container_hours,
                     with_search_or_fetch=args.with_search_or_fetch, session_hours=args.session_hours)
    if args.json:
        print(json.dumps(cost.to_json(), indent=2))
        return EXIT_OK
    mods = [x for x, on in (("batch", cost.batch), ("US-only", cost.geo == "us"), ("fast", cost.fast)) if on]
    print(f"{cost.model.name} ({cost.model.id}), prices of {cost.day}" + (f" [{', '.join(mods)}]" if mods else ""))
    for it in cost.items:
        if it.hours is not None:
            print(f"  {it.bucket:<15} {dstr(it.hours):>12} hours x ${dstr(it.usd_per_hour or Decimal(0))}/hour "
                  f"= ${dstr(it.usd)}")
        elif it.bucket == "web_search":
            print(f"  {'web search':<15} {it.tokens:>12,} requests x ${dstr(it.usd_per_request or Decimal(0))}  "
                  f"= ${dstr(it.usd)}")
        elif it.tokens:
            print(f"  {it.bucket:<15} {it.tokens:>12,} tokens x ${dstr(it.usd_per_mtok or Decimal(0))}/MTok "
                  f"= ${dstr(it.usd)}")
    for note in cost.notes:
        print(f"  note: {note}")
    print(f"  {'total':<15} ${dstr(cost.total)}")
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------
# check
# ----------------------------------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from .changes import review_checks, staleness_warning

    path = args.file or args.pricing
    try:
        pricing = load_pricing(path) if path else load_pricing()
    except PricingFileError as exc:
        # Every problem in one run: the file's own problems, then the review rules on the models that did load.
        for line in _problem_lines(exc):
            print(line)
        if exc.partial is not None:
            for problem in review_checks(exc.partial, today=args.today, base=args.base, no_base=args.no_base,
                                         allow_history_edit=args.allow_history_edit):
                print(f"{exc.source}: {problem}")
        return EXIT_ERROR
    problems = review_checks(pricing, today=args.today, base=args.base, no_base=args.no_base,
                             allow_history_edit=args.allow_history_edit)
    for problem in problems:
        print(f"{pricing.path}: {problem}")
    if problems:
        return EXIT_ERROR
    print(f"{pricing.path}: OK ({len(pricing.models)} models, "
          f"{sum(len(m.periods) for m in pricing.models)} price periods)")
    warning = staleness_warning(pricing, args.today)
    if warning:
        print(f"{pricing.path}: warning: {warning}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
