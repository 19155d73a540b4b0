"""The report as people read it: text for a terminal and indented JSON (the CSV of records is
:meth:`calculators.logs.analysis.Analysis.write_csv`)."""

from __future__ import annotations

import json
from decimal import Decimal

from ..cost import BUCKETS
from .analysis import _pct
from .records import exact

__all__ = ["json_text", "render_text", "safe"]


def _row_encoder():
    """``json.dumps`` for the rows of a long list, by one C encoder made once (json.dumps makes one per call: half
    the time of 12,000 rows), when the standard library has its C encoder; else json.dumps itself."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    # json.dumps's defaults: ASCII output, ", " and ": ", no indent, no sorting, NaN allowed (never met: money is
    # strings); no cycle check, as a row holds none
    try:
        enc = make(None, json.JSONEncoder().default, encoder.encode_basestring_ascii, None, ": ", ", ", False, False,
                   True)
    except TypeError:  # (a Python whose C encoder takes other arguments)
        return json.dumps
    return lambda row: "".join(enc(row, 0))


def json_text(rep: dict) -> str:
    """The report as indented JSON, with each row of a long list (days, sessions) on one line of its own.

    (Shorter to read than ``json.dumps(indent=2)`` for a report of thousands of sessions, and written by the
    standard library's C encoder: about 4 times quicker for a large report.)"""
    parts = []
    row = _row_encoder()
    for key, value in rep.items():
        if isinstance(value, list) and len(value) > 8:
            text = "[\n    " + ",\n    ".join(map(row, value)) + "\n  ]"
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


@exact
def render_text(rep: dict) -> str:
    """The report as text for a terminal (what ``claude-cost analyze`` prints)."""
    lines: list[str] = []
    add = lines.append
    first, last = rep["first_day"], rep["last_day"]
    add(f"Claude API usage, {first} to {last}" if first else "Claude API usage: no priced records")
    add(f"Prices from pricing.toml (checked {rep['pricing_checked']}); each record at the prices of its own day.")
    c = rep["lines"]
    add(f"Read {c['lines']:,} lines in {len(rep['files'])} file(s): {rep['records']:,} priced records, "
        f"{rep['duplicates_merged']:,} duplicates merged, {c['ignored']:,} lines ignored, "
        f"{rep['malformed']:,} malformed.")
    f = rep["filter"]
    if f["model"] or f["session"] or f["project"]:
        said = ", ".join(f"{name} {safe(f[name])}" + (f" ({f['model_id']})" if name == "model" and f["model_id"]
                                                       and f["model_id"] != f["model"] else "")
                         for name in ("model", "session", "project") if f[name])
        add(f"Only {said}: {f['left_out']:,} other records left out.")
    add("")
    add(f"Total: {rep['total_display']}")
    t = rep["per_turn"]
    if t["requests"]:
        add(f"Per request ({t['requests']:,}): mean {t['mean_display']}, "
            f"p50 {t['p50_display']}, p95 {t['p95_display']}")
    if rep["cache"]["hit_rate"] is not None:
        add(f"Cache hit rate: {_pct(Decimal(rep['cache']['hit_rate']))} of prompt tokens read from the cache")
    add("")
    add("Spend by bucket")
    for b, v in rep["spend_by_bucket"].items():
        if v["usd"] != "0":
            add(f"  {b.replace('_', ' '):<16} {v['display']:>15}  {_pct(Decimal(v['share'] or 0)):>7}")
    add("")
    add("By model")
    for mid, v in rep["by_model"].items():
        add(f"  {mid:<34} {v['total_display']:>15}  {v['records']:>9,} records")
    if rep["unpriced"]:
        add("Unpriced (not in the total)")
        for model, u in rep["unpriced"].items():
            toks = sum(u[b] for b in BUCKETS)
            add(f"  {safe(model):<34} {u['records']:>9,} records, {toks:,} tokens: {u['reason']}")
    if len(rep["by_platform"]) > 1 or any(not p.startswith("anthropic/") for p in rep["by_platform"]):
        add("")
        add("By platform and endpoint")
        for place, v in rep["by_platform"].items():
            add(f"  {place:<34} {v['total_display']:>15}  {v['records']:>9,} records")
    add("")
    add("By day")
    for d in rep["by_day"][-31:]:
        add(f"  {d['day']}  {d['total_display']:>15}  {d['records']:>9,} records  {d['tokens']:>15,} tokens")
    if len(rep["by_day"]) > 31:
        add(f"  ({len(rep['by_day']) - 31} earlier days in --json)")
    sessions = rep["by_session"]
    if sessions and not (len(sessions) == 1 and sessions[0]["session"] == "(none)"):
        add("")
        add("Top sessions / API keys")
        for s in sessions[:10]:
            add(f"  {safe(s['session'])[:40]:<40} {s['total_display']:>13}  {s['records']:>7,} records")
    projects = rep["by_project"]
    if projects and not (len(projects) == 1 and projects[0]["project"] == "(none)"):
        add("")
        add("By project")
        for p in projects[:10]:
            add(f"  {safe(p['project'])[:40]:<40} {p['total_display']:>13}  {p['records']:>7,} records")
        if len(projects) > 10:
            add(f"  ({len(projects) - 10:,} more in --json)")
    add("")
    add("What if (each lever alone, against the total above)")
    for w in rep["what_if"]:
        share = _pct(Decimal(w["saving_share"])) if w["saving_share"] is not None else "-"
        add(f"  {w['lever']:<14} saves {w['saving_display']:>13}  ({share})")
        for a in w["assumptions"]:
            add(f"      - {a}")
    if rep["reconciliation"]:
        add("")
        add("Reconciliation with the cost report")
        for row in rep["reconciliation"]:
            add(f"  {row['day']} {row['model']:<30} estimate {row['estimated_display']}, billed "
                f"{row['billed_display']}, difference {row['difference_display']}: "
                f"{row['explanation']}")
    if rep["skipped"]:
        add("")
        add(f"Skipped, not read ({len(rep['skipped']):,})")
        for sk in rep["skipped"][:20]:
            add(f"  {safe(sk['path'])}: {safe(sk['reason'])}")
        if len(rep["skipped"]) > 20:
            add(f"  ({len(rep['skipped']) - 20:,} more in --json)")
    if rep["malformed_lines"]:
        add("")
        add(f"Malformed lines ({rep['malformed']:,}; first {len(rep['malformed_lines'])})")
        for m in rep["malformed_lines"]:
            add(f"  {safe(m['file'])}:{m['line']}: {safe(m['reason'])}")
    if rep["notes"]:
        add("")
        add("Notes")
        for n in rep["notes"]:
            add(f"  - {safe(n)}")
    return "\n".join(lines)


def safe(text: str) -> str:
    """Log text for a terminal: no control characters (escape sequences)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))

