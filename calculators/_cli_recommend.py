"""`claude-cost recommend`: the arguments, reading the prompt files, and the text report."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal

from .cost import TOOL_CHOICES, TOOLS, PriceError
from .pricing import ENDPOINTS, PLATFORMS, load_pricing
from .recommend.pipeline import DEFAULT_CURRENT_MODEL, RecommendInputError, _parse_inputs, recommend
from .recommend.settings import DAYS_PER_MONTH, REPEATS

# ----------------------------------------------------------------------------------------------------------
# CLI: claude-cost recommend
# ----------------------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Recommend a model, levers and a monthly cost for a prompt. The prompt (user message) "
                          "is read from --prompt-file or standard input.")
    parser.add_argument("--prompt-file", metavar="FILE", help="the user message ('-' = stdin; default: stdin "
                                                               "when it is not a terminal)")
    parser.add_argument("--system-file", metavar="FILE", help="the system prompt")
    parser.add_argument("--tools-file", metavar="FILE", help="tool definitions (JSON)")
    parser.add_argument("--requests-per-day", metavar="N", default="1000", help="requests per day (default 1000)")
    parser.add_argument("--repeats", choices=REPEATS, default="system",
                        help="what repeats across requests (default: system = tools + system prompt)")
    parser.add_argument("--gap-minutes", metavar="MIN", default="1",
                        help="typical gap between requests sharing that prefix (default 1)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--offline", dest="mode", action="store_const", const="offline",
                      help="nobody waits for the answer (batch applies)")
    mode.add_argument("--interactive", dest="mode", action="store_const", const="interactive",
                      help="a caller waits for the answer (default)")
    parser.add_argument("--output-tokens", metavar="N", default="", help="expected output length (default: "
                                                                         "unknown, assumed from the task)")
    parser.add_argument("--turns", metavar="N", default="1", help="turns per conversation (default 1)")
    parser.add_argument("--current-model", metavar="ID", default="",
                        help=f"the model the prompt runs on now; the saving is measured against it (default: "
                             f"{DEFAULT_CURRENT_MODEL}, any id, alias or cloud spelling)")
    parser.add_argument("--platform", choices=PLATFORMS, default="anthropic",
                        help="where the requests run (default: anthropic, the Claude API)")
    parser.add_argument("--endpoint", choices=ENDPOINTS, default="global",
                        help="Bedrock/Vertex endpoint: regional and multi-region endpoints cost 10%% more for "
                             "Sonnet 4.5, Haiku 4.5, Opus 4.5 and later (default: global)")
    parser.add_argument("--tools", metavar="LIST", default="",
                        help=f"tools in each request, comma-separated: {', '.join(TOOLS)} (their tokens are added "
                             "to the input; --tools-file implies custom)")
    parser.add_argument("--tool-choice", dest="tool_choice", choices=TOOL_CHOICES, default="auto",
                        help="tool_choice of the requests (auto/none and any/tool have different tool-use system "
                             "prompts; default auto)")
    parser.add_argument("--at", metavar="DATE", help="prices in force on this day (default: today)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _read_text(path: str, what: str) -> str:
    from .cli import read_input

    return read_input(path, what).decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    from .cli import CliError

    prompt = ""
    if args.prompt_file:
        prompt = _read_text(args.prompt_file, "prompt file")
    elif sys.stdin is not None and not sys.stdin.isatty():
        prompt = _read_text("-", "stdin")
    system = _read_text(args.system_file, "system prompt file") if args.system_file else ""
    tools = _read_text(args.tools_file, "tools file") if args.tools_file else ""
    inputs = {"system": system, "prompt": prompt, "tools": tools, "requests_per_day": args.requests_per_day,
              "repeats": args.repeats, "gap_minutes": args.gap_minutes, "mode": args.mode or "interactive",
              "output_tokens": args.output_tokens, "turns": args.turns, "at": args.at or args.today.isoformat(),
              "platform": args.platform, "endpoint": args.endpoint, "tool_set": args.tools,
              "tool_choice": args.tool_choice, "current_model": args.current_model}
    flag = {"requests_per_day": "--requests-per-day", "gap_minutes": "--gap-minutes", "turns": "--turns",
            "output_tokens": "--output-tokens", "at": "--at", "repeats": "--repeats", "mode": "--offline",
            "prompt": "--prompt-file", "system": "--system-file", "tools": "--tools-file",
            "tool_set": "--tools", "tool_choice": "--tool-choice", "platform": "--platform",
            "endpoint": "--endpoint", "current_model": "--current-model"}
    system, prompt, tools, wl, at, current, errors = _parse_inputs(inputs)
    if errors:
        raise CliError("; ".join(f"{flag.get(f, f)}: {m}" for f, m in errors))
    pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
    try:
        rec = recommend(prompt, system=system, tools=tools, workload=wl, at=at, pricing=pricing,
                        current_model=current).to_json()
    except RecommendInputError as exc:
        hint = "" if all(f == "current_model" for f, _ in exc.errors) else \
            " (give --prompt-file FILE, pipe the prompt on stdin, or --system-file FILE)"
        raise CliError("; ".join(f"{flag[f]}: {m}" if f == "current_model" else m for f, m in exc.errors)
                       + hint) from None
    except PriceError as exc:
        raise CliError(f"{flag.get(exc.field, exc.field)}: {exc}" if exc.field else str(exc)) from None
    if args.json:
        print(json.dumps(rec, indent=2, ensure_ascii=False))
    else:
        _print_text(rec)
    if rec["error"]:
        print(f"claude-cost: error: {rec['error']}", file=sys.stderr)
        return 1
    return 0


def _print_text(rec: dict) -> None:
    t = rec["tokens"]
    print(f"Prices of {rec['at']} on {rec['placement']['display']} (pricing.toml last checked "
          f"{rec['pricing_checked']})")
    print(f"Tokens (estimate): {t['older_tokenizer']['low']:,}–{t['older_tokenizer']['high']:,} on the older "
          f"tokenizer, {t['newer_tokenizer']['low']:,}–{t['newer_tokenizer']['high']:,} on the newer one; "
          f"output {t['output']:,} ({t['output_source']})")
    print(f"  {t['note']}")
    if t["tool_overhead"]["text"]:
        print(f"  {t['tool_overhead']['text']}")
    print("\nFeatures:")
    for f in rec["features"]:
        ev = "; ".join(f"{e['where']}: {e['text']}" for e in f["evidence"][:2])
        print(f"  - {f['label']}: {f['detail']}" + (f" [{ev}]" if ev else ""))
    if not rec["features"]:
        print("  (none)")
    print("\nRules fired:")
    for r in rec["rules"]:
        mark = "*" if r.get("decisive") else " "
        print(f" {mark} {r['id']} ({r['kind']} → {r['tier']}): {r['when']}" +
              (f" [overridden: {r['overridden']}]" if r.get("overridden") else ""))
    if rec["error"]:
        return
    print(f"\nRecommended: {rec['model_name']} ({rec['model']}), {rec['tier_label'].lower()} tier")
    ru = rec["runner_up"]
    if ru:
        print(f"Runner-up: {ru['model_name']} — lost because {ru['why']}")
    print("\nLevers:")
    for lv in rec["levers"]:
        state = ("does not apply" if not lv["applies"] else "caps the worst case" if lv["id"] == "output_cap"
                 else f"saves {lv['saving_monthly']['display']}/month")
        print(f"  - {lv['label']}: {state}\n      {lv['detail']}")
    print(f"\nMonthly cost ({Decimal(rec['workload']['requests_per_month']):,} requests, "
          f"{DAYS_PER_MONTH}-day month):")
    width = max(len(r["model_name"]) for r in rec["costs"])
    print(f"  {'model'.ljust(width)}  {'no levers':>14}  {'with levers':>14}")
    for r in rec["costs"]:
        a = r["without_levers"]["display"] if r.get("without_levers") else "—"
        b = r["with_levers"]["display"] if r.get("with_levers") else r.get("reason", "—")
        marks = [m for m, on in (("recommended", r["recommended"]), ("your current model", r["current"])) if on]
        print(f"  {r['model_name'].ljust(width)}  {a:>14}  {b:>14}" + (f"  ← {', '.join(marks)}" if marks else ""))
    s = rec["saving"]
    if s["saving_monthly"] is None:
        print(f"\n{s['label']}.")
    else:
        verb = {"saves": "saved", "costs_more": "more", "same": "difference"}[s["direction"]]
        print(f"\nAgainst everything on {s['baseline_model_name']} (your current model) without levers "
              f"({s['baseline_monthly']['display']}): {s['amount']['display']}/month {verb} ({s['saving_percent']}).")
    for note in rec.get("notes", []):
        print(f"Note: {note}")
    print("\nRequest code (Python SDK):\n")
    print(rec["code"]["python"])
