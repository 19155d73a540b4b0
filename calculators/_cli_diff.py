"""`claude-cost diff` and the change-review options of `claude-cost check`: arguments and output only; the
comparisons themselves are in :mod:`calculators.changes`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .changes import diff_markdown, diff_pricing, load_revision
from .pricing import load_pricing


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `claude-cost check` for reviewing a change."""
    parser.add_argument("--base", metavar="FILE|REV",
                        help="compare with this version to catch edits to past prices: a file or a git revision "
                             "(default: the committed version, git HEAD, when the file is in a git checkout)")
    parser.add_argument("--no-base", action="store_true", help="skip the comparison with a base version")
    parser.add_argument("--allow-history-edit", action="store_true",
                        help="accept edits to prices already in force (a correction; say why in the PR)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the old pricing file or a git revision (e.g. main)")
    parser.add_argument("new", metavar="NEW", nargs="?", default=None,
                        help="the new pricing file or git revision (default: the pricing.toml in use)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    old = load_revision(args.old)
    if args.new is None:
        new = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
        new_label = Path(new.path).name
    else:
        new, new_label = load_revision(args.new), args.new
    d = diff_pricing(old, new, old_label=args.old, new_label=new_label, today=args.today)
    if args.json:
        print(json.dumps(d.to_json(), indent=2))
    else:
        print(diff_markdown(d), end="")
    return 0
