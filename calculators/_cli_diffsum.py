"""``claude-cost diff-summary``: the command-line edge of the Diff Summarizer (:mod:`calculators.diffsum`).

Reads the diff (a file, or standard input with ``-``), hands it to :func:`calculators.diffsum.summarize` and
prints the result: a readable report, ``--json``, or with ``--compact`` the compact diff alone (to pipe into
another command). Errors are raised as :class:`~calculators.errors.InputError` naming the option or the file;
``cli.main`` prints them as one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .diffsum import CONTEXT_LINES, MAX_CONTEXT_LINES, MAX_DIFF_CHARS, TASK_CHOICES, parse_inputs, summarize
from .errors import InputError
from .pricing import load_pricing

_FLAGS = {"context_lines": "--context", "task": "--task", "output_tokens": "--output-tokens", "at": "--at"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Summarise a unified diff (git diff, git show, a .patch file), build a compact version "
                          "for a prompt, and price sending each version on every current model.")
    parser.add_argument("file", nargs="?", metavar="FILE", help="the diff ('-' or nothing = standard input)")
    parser.add_argument("--context", metavar="N", default=str(CONTEXT_LINES),
                        help=f"unchanged lines kept around each change in the compact version (0-"
                             f"{MAX_CONTEXT_LINES}, default {CONTEXT_LINES})")
    parser.add_argument("--task", choices=TASK_CHOICES, default="review",
                        help="what the diff is sent for (default: review; both = a review and a summary of the "
                             "same diff, the second reading it from the cache)")
    parser.add_argument("--output-tokens", metavar="N", default="",
                        help="expected answer length in tokens (default: the task's)")
    parser.add_argument("--at", metavar="DATE", help="prices in force on this day (default: today)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the whole result as JSON")
    out.add_argument("--compact", action="store_true", help="print only the compact diff")
    parser.add_argument("--write-compact", metavar="OUT", help="also write the compact diff to this file")


def _read(path: str | None) -> tuple[str, str, int | None]:
    """(text, name for messages, size of the whole input when only its first part was read)."""
    name = "stdin" if path in (None, "-") else path
    try:
        if path in (None, "-"):
            if sys.stdin is None or sys.stdin.isatty():
                raise InputError("no diff given: name a file, or pipe one in (git diff | claude-cost diff-summary)",
                                 "")
            stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
            data = stream.read(MAX_DIFF_CHARS * 4 + 1) if stream else sys.stdin.read().encode("utf-8")
            total = None
            if stream is not None and len(data) > MAX_DIFF_CHARS * 4:
                total = len(data) + sum(len(chunk) for chunk in iter(lambda: stream.read(1 << 20), b""))
        else:
            p = Path(path)
            if p.is_dir():
                raise InputError(f"{path} is a folder: give a diff file (git diff > change.diff)")
            size = p.stat().st_size
            with p.open("rb") as fh:
                data = fh.read(MAX_DIFF_CHARS * 4 + 1)
            total = size if size > len(data) else None
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    return _decode(data), name, total


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def run(args: argparse.Namespace) -> int:
    text, name, total = _read(args.file)
    inputs = {"diff": text, "context_lines": args.context, "task": args.task, "output_tokens": args.output_tokens,
              "at": args.at or args.today.isoformat()}
    try:
        parsed = parse_inputs(inputs)
        pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
        result = summarize(parsed["text"], context_lines=parsed["context_lines"], task=parsed["task"],
                           output_tokens=parsed["output_tokens"], source_chars=total, at=parsed["at"],
                           pricing=pricing).to_json()
    except InputError as exc:
        raise InputError([(name if f == "diff" else _FLAGS.get(f, f), m) for f, m in exc.errors]) from None
    if args.write_compact:
        try:
            Path(args.write_compact).write_text(result["compact_diff"], encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.write_compact}: {exc.strerror or exc}", "--write-compact") from None
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    elif args.compact:
        sys.stdout.write(result["compact_diff"])
    else:
        _print_report(result, name)
    return 0


def _print_report(r: dict, name: str) -> None:
    b, a = r["tokens_before_range"], r["tokens_after_range"]
    print(f"{name}: prices of {r['at']} (pricing.toml last checked {r['pricing_checked']})")
    for note in r["notes"]:
        print(f"note: {note}")
    print()
    for sentence in r["summary"]:
        print(sentence)
    print()
    width = max(len(f["display_path"]) for f in r["files"])
    width = min(max(width, 4), 60)
    print(f"  {'file'.ljust(width)}  {'kind':<15} {'added':>7} {'removed':>7} {'tokens':>8}  compact")
    for f in r["files"]:
        path = f["display_path"] if len(f["display_path"]) <= width else "…" + f["display_path"][-(width - 1):]
        print(f"  {path.ljust(width)}  {f['kind']:<15} {f['added']:>7,} {f['removed']:>7,} {f['tokens']:>8,}  "
              f"{f['compact']}")
    print()
    print(f"Tokens (estimate): whole diff {b['low']:,}–{b['high']:,}, compact {a['low']:,}–{a['high']:,} "
          f"({r['tokens_saved_percent']} fewer, {r['context_lines']} context line(s))")
    print(f"  {r['token_note']}")
    print()
    print(f"Cost of {r['task_label']} (answer: "
          + ", ".join(f"{n:,} tokens" for n in r["output_tokens"].values()) + "):")
    mw = max(len(c["model_name"]) for c in r["costs"])
    print(f"  {'model'.ljust(mw)}  {'whole':>12} {'compact':>12} {'whole batch':>12} {'compact batch':>14}")
    for c in r["costs"]:
        if c["after"] is None:
            print(f"  {c['model_name'].ljust(mw)}  {c['reason']}")
            continue
        print(f"  {c['model_name'].ljust(mw)}  {c['before']['display']:>12} {c['after']['display']:>12} "
              f"{c['before_batch']['display']:>12} {c['after_batch']['display']:>14}"
              + (f"  ({c['note']})" if c.get("note") else ""))
    rec = r["recommended"]
    print()
    if rec.get("model"):
        why = "; ".join(f"{x['id']}: {x['when']}" for x in rec["rules"])
        print(f"Recommended: {rec['model_name']} ({rec['model']}), max_tokens={rec['max_tokens']:,}"
              + (f" [{why}]" if why else ""))
        print("\nRequest code (Python SDK; save the compact diff as compact.diff, e.g. with --write-compact):\n")
        print(rec["code"]["python"])
    else:
        print(f"No recommendation: {rec.get('error')}")
