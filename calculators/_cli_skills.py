"""``claude-cost skills``: the command-line edge of the Skills Browser (:mod:`calculators.skills`).

Walks the folder, reads only the files :func:`calculators.skills.plan_reads` asks for (a project's source
files are only counted), runs :func:`calculators.skills.analyse` (again with any imported file it asks for)
and prints a report or ``--json``. Errors are :class:`~calculators.errors.InputError` naming the option or the
path; ``cli.main`` prints them as one line.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from .errors import InputError
from .pricing import load_pricing
from .skills import DEFAULT_INPUTS, MAX_FILE_CHARS, MAX_PATHS, SKIP_DIRS, analyse, plan_reads

_FLAGS = {"turns_per_day": "--turns-per-day", "gap_minutes": "--gap-minutes", "model": "--model",
          "mcp_tokens": "--mcp-tokens", "at": "--at"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("What Claude Code loads on every turn from a project or .claude folder (CLAUDE.md, "
                          "skill descriptions, commands, agents, MCP tools), what loads on demand, and the "
                          "monthly cost of the always-loaded part on every current model.")
    parser.add_argument("path", metavar="PATH", help="a project folder, a .claude folder, or a single file")
    parser.add_argument("--turns-per-day", metavar="N", default=str(DEFAULT_INPUTS["turns_per_day"]),
                        help=f"model requests per day that carry this context; every tool-use step is one "
                             f"(default {DEFAULT_INPUTS['turns_per_day']})")
    parser.add_argument("--gap-minutes", metavar="MIN", default=str(DEFAULT_INPUTS["gap_minutes"]),
                        help=f"typical gap between them, for the cache hit rate (default "
                             f"{DEFAULT_INPUTS['gap_minutes']})")
    parser.add_argument("--model", default="sonnet", help="model the per-warning savings are priced on "
                                                          "(default: sonnet)")
    parser.add_argument("--no-tool-search", action="store_true",
                        help="MCP tool search is off: every tool definition loads up front")
    parser.add_argument("--mcp-tokens", metavar="N", default="",
                        help="MCP tool-definition tokens to add (for example the figure /context shows)")
    parser.add_argument("--at", metavar="DATE", help="prices in force on this day (default: today)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _walk(root: Path) -> list[str]:
    """Every file under ``root`` as a relative POSIX path, without looking into :data:`SKIP_DIRS`."""
    found: list[str] = []
    for folder, dirs, names in os.walk(root, onerror=None):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        rel = Path(folder).relative_to(root).as_posix()
        for name in sorted(names):
            found.append(name if rel == "." else f"{rel}/{name}")
            if len(found) >= MAX_PATHS:
                return found
    return found


def _read(root: Path, rel: str) -> bytes | None:
    try:
        with (root / rel).open("rb") as fh:
            return fh.read(MAX_FILE_CHARS * 4)
    except OSError:
        return None


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.exists():
        raise InputError(f"{args.path}: no such file or folder")
    if root.is_file():
        paths, base, root_name = [root.name], root.parent, root.parent.name
    else:
        paths, base, root_name = _walk(root), root, root.resolve().name
    plan = plan_reads(paths, root_name)
    files: dict[str, bytes | None] = {}
    for rel in plan["read"]:
        data = _read(base, rel)
        if data is not None:
            files[rel] = data
    pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
    options = dict(turns_per_day=args.turns_per_day, gap_minutes=args.gap_minutes, model=args.model,
                   mcp_tool_search=not args.no_tool_search, mcp_tokens=args.mcp_tokens or 0,
                   at=args.at or args.today, pricing=pricing)
    try:
        for _ in range(6):  # imports are followed a few levels deep; each round reads what the last one asked for
            report = analyse(files, paths=paths, root_name=root_name, **options).to_json()
            missing = [p for p in report["need"] if p not in files]
            if not missing:
                break
            for rel in missing:
                files[rel] = _read(base, rel)
    except InputError as exc:
        raise InputError([(args.path if f in ("folder", "files", "paths") else _FLAGS.get(f, f), m)
                          for f, m in exc.errors]) from None
    if plan["too_many"]:
        report["notes"].append(f"only the first {len(plan['read']):,} of the files worth reading were read (this "
                               f"tool's limit)")
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_report(report, args.path)
    return 0


def _print_report(r: dict, path: str) -> None:
    print(f"{path} ({r['layout']}): prices of {r['at']} (pricing.toml last checked {r['pricing_checked']})")
    width = min(max((len(it["path"]) for it in r["items"]), default=4), 60)
    print(f"\n  {'path'.ljust(width)}  {'kind':<10} {'loads':<11} {'always':>8} {'on demand':>10}")
    for it in r["items"]:
        p = it["path"] if len(it["path"]) <= width else "…" + it["path"][-(width - 1):]
        print(f"  {p.ljust(width)}  {it['kind']:<10} {it['loads']:<11} {it['always_tokens']:>8,} "
              f"{it['on_demand_tokens']:>10,}")
    a, d = r["always_range"], r["on_demand_range"]
    print(f"\nAlways loaded: about {r['always_tokens_total']:,} tokens every turn ({a['low']:,}–{a['high']:,}); "
          f"on demand: about {r['on_demand_tokens_total']:,} ({d['low']:,}–{d['high']:,}).")
    print(f"  {r['token_note']}")
    w = r["workload"]
    print(f"\nMonthly cost of the always-loaded part at {w['turns_per_day']} turns a day ({w['turns_per_month']} a "
          f"month; {w['gap_minutes']} minute(s) apart, so about {float(w['cache_hit_rate']):.1%} of turns read "
          f"the cache):")
    mw = max(len(c["model_name"]) for c in r["costs"])
    print(f"  {'model'.ljust(mw)}  {'tokens':>8} {'uncached':>12} {'cached':>12} {'if trimmed, saves':>18}")
    for c in r["costs"]:
        print(f"  {c['model_name'].ljust(mw)}  {c['tokens']:>8,} {c['monthly_uncached']['display']:>12} "
              f"{c['monthly_cached']['display']:>12} {c['saving_cached']['display']:>18}"
              + (f"  ({c['note']})" if c.get("note") else ""))
    warned = [(it, wn) for it in r["items"] for wn in it["warnings"]]
    if warned:
        print(f"\nWarnings ({len(warned)}; savings a month on {r['selected_model']['name']}, cached / uncached):")
        for it, wn in warned:
            s = wn.get("saving_monthly")
            saving = (f" [saves about {wn['saving_tokens']:,} tokens a turn: {s['cached']['display']} / "
                      f"{s['uncached']['display']}]") if wn["saving_tokens"] and s else ""
            print(f"  - {it['path']}: {wn['message']}{saving}")
    for note in r["notes"]:
        print(f"note: {note}")
