"""The Diff Summarizer's result: tokens of both versions, their cost on every current model, the
recommended model and request code (:func:`summarize`, the library entry point)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from ..cost import Usage, dstr, parse_at, price
from ..errors import InputError, PriceError
from ..present import money_json as _money
from ..pricing import Model, Pricing, load_pricing
from ..recommend import (
    ASSUMED_OUTPUT,
    RecommendInputError,
    RecommendWorkload,
    TokenRange,
    estimate_tokens,
    recommend,
)
from .compact import compact_diff, structural_summary
from .parse import CONTEXT_LINES, KINDS, MAX_CONTEXT_LINES, MAX_DIFF_CHARS, parse_diff


class _Task(TypedDict):
    """One entry of :data:`TASKS`."""
    label: str
    instruction: str
    output_tokens: int


class _Truncated(TypedDict):
    """What :func:`analyse` reports when only part of the input was analysed."""
    analysed_chars: int
    total_chars: int
    files_left_out: int | None


#: The tasks the diff can be sent for: the instruction sent with it and the answer length expected.
#: A review's length is the recommender's assumption for code ("a review or a file's worth of code"); a summary
#: is a commit message or pull-request description, which this tool takes as 300 tokens.
TASKS: dict[str, _Task] = {
    "review": {
        "label": "a code review",
        "instruction": ("Review this diff. List bugs, risky changes and missing tests, each with its file and "
                        "line, most serious first. Skip style nits."),
        "output_tokens": next(n for fid, n, _ in ASSUMED_OUTPUT if fid == "code"),
    },
    "summary": {
        "label": "a summary (commit message or pull-request description)",
        "instruction": ("Summarise this diff as a commit message: a subject line under 72 characters, a blank "
                        "line, then what changed and why in a few bullet points."),
        "output_tokens": 300,
    },
}
TASK_CHOICES = ("review", "summary", "both")

#: What the page opens with (the page's ``data-inputs`` repeats these, with its example diff).
DEFAULT_INPUTS = {"diff": "", "context_lines": CONTEXT_LINES, "task": "review", "output_tokens": "", "at": ""}

# ----------------------------------------------------------------------------------------------------------
# The result
# ----------------------------------------------------------------------------------------------------------


@dataclass
class DiffSummary:
    data: dict

    @property
    def tokens_before(self) -> int:
        return self.data["tokens_before"]

    @property
    def tokens_after(self) -> int:
        return self.data["tokens_after"]

    @property
    def compact(self) -> str:
        return self.data["compact_diff"]

    def to_json(self) -> dict:
        return self.data


TOKEN_NOTE = ("Estimates, not counts: Anthropic's tokenizer is not available offline, so tokens are estimated "
              "from the characters of the text (letters and digits, punctuation, line breaks and indentation), "
              "the same way as the Prompt-Pricing Recommender. The figures are for the older tokenizer; models "
              "with the newer one use about {inflation} more tokens for the same text, applied model by model. "
              "Prices use the middle of the range.")


def _pct(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "0%"
    value = (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{dstr(value)}%"


def _check_context(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CONTEXT_LINES:
        raise InputError(f"context lines must be a whole number from 0 to {MAX_CONTEXT_LINES}", "context_lines")
    return value


def summarize(text: str, *, context_lines: int = CONTEXT_LINES, task: str = "review",
              output_tokens: int | None = None, source_chars: int | None = None, at: object,
              pricing: Pricing | None = None) -> DiffSummary:
    """Analyse a unified diff: files, kinds, the compact version, the summary, tokens and costs.

    Args:
        text: the diff.
        context_lines: unchanged lines kept around each change in the compact version.
        task: ``review``, ``summary`` or ``both`` (a review and a summary of the same diff, minutes apart).
        output_tokens: the expected answer length (default: the task's, see :data:`TASKS`); for ``both`` it
            applies to each answer.
        source_chars: the size of the whole input when the caller passed only its first part.
        at: the day whose prices apply.

    Raises:
        InputError: empty input, or no diff in it.
    """
    pricing = pricing or load_pricing()
    day = parse_at(at)
    context_lines = _check_context(context_lines)
    if task not in TASK_CHOICES:
        raise InputError(f"task must be one of: {', '.join(TASK_CHOICES)}", "task")
    if output_tokens is not None and (isinstance(output_tokens, bool) or not isinstance(output_tokens, int)
                                      or not 1 <= output_tokens <= 1_000_000):
        raise InputError("the expected answer length must be a whole number of tokens, 1 to 1,000,000",
                         "output_tokens")
    if not isinstance(text, str):
        raise InputError("the diff must be text", "diff")
    notes: list[str] = []
    total = max(len(text), source_chars or 0)
    truncated: _Truncated | None = None
    if len(text) > MAX_DIFF_CHARS:
        # The last file (or commit) boundary before the limit.
        cut = max(text.rfind(mark, 0, MAX_DIFF_CHARS) for mark in ("\ndiff ", "\ncommit ", "\nFrom "))
        cut = cut + 1 if cut > 0 else text.rfind("\n", 0, MAX_DIFF_CHARS) + 1 or MAX_DIFF_CHARS
        left_out = text.count("\ndiff --git ", cut - 1)
        text = text[:cut]
        truncated = {"analysed_chars": len(text), "total_chars": total, "files_left_out": left_out}
    elif source_chars and source_chars > len(text):
        truncated = {"analysed_chars": len(text), "total_chars": source_chars, "files_left_out": None}
    if truncated:
        notes.append(f"The input is {_mb(truncated['total_chars'])}; only its first "
                     f"{_mb(truncated['analysed_chars'])} (up to a file boundary) were analysed, the limit of this "
                     f"tool. Split the diff (for example `git diff -- src/` and `git diff -- tests/`) to see the "
                     f"rest.")
    if not text.strip():
        raise InputError("the input is empty: paste a unified diff (the output of `git diff` or `git show`, or "
                         "a .patch file)", "diff")
    if "\x00" in text[:8192]:
        raise InputError("this looks like a binary file, not a diff: give the text output of `git diff` (a "
                         "binary file inside a diff is fine)", "diff")
    parsed = parse_diff(text)
    if not parsed.files:
        raise InputError("no diff found: expected file headers such as `diff --git a/… b/…` or `--- a/…` and "
                         "`+++ b/…`, followed by `@@ … @@` hunks (the output of `git diff`, `git show` or "
                         "`diff -u`)", "diff")
    notes.extend(parsed.notes)
    replaced = text.count("\ufffd")
    if replaced:
        notes.append(f"{replaced:,} characters could not be read as UTF-8 and were replaced; token figures treat "
                     f"them as one character each")

    compact, fates = compact_diff(parsed, context_lines)
    kinds = [fate["kind"] for fate in fates]
    ws_hunks = sum(fate["whitespace_hunks_dropped"] for fate in fates)
    compact_lines = compact.split("\n")

    files_json = []
    by_kind: dict[str, dict] = {}
    for f, fate in zip(parsed.files, fates, strict=True):
        section = "\n".join(parsed.lines[f.start:f.end])
        before = estimate_tokens(section)
        a, b = fate["lines"]
        after = estimate_tokens("\n".join(compact_lines[a:b]))
        row = {"path": f.path, "old_path": f.old_path if f.status in ("renamed", "copied") else None,
               "display_path": f.display_path, "status": f.status, "kind": fate["kind"], "added": f.added,
               "removed": f.removed, "hunks": len(f.hunks), "tokens": before.mid, "tokens_range": before.to_json(),
               "compact": fate["fate"], "tokens_after": after.mid}
        if fate["whitespace_hunks_dropped"]:
            row["whitespace_hunks_dropped"] = fate["whitespace_hunks_dropped"]
        if f.malformed:
            row["note"] = "; ".join(f.malformed)
        files_json.append(row)
        k = by_kind.setdefault(fate["kind"], {"files": 0, "added": 0, "removed": 0, "tokens": 0})
        k["files"] += 1
        k["added"] += f.added
        k["removed"] += f.removed
        k["tokens"] += before.mid

    before_t = estimate_tokens(text)
    after_t = estimate_tokens(compact)
    summary = structural_summary(parsed, kinds, ws_hunks)

    expected = {t: output_tokens or TASKS[t]["output_tokens"] for t in TASKS}
    tasks = ["review", "summary"] if task == "both" else [task]
    costs = _costs(before_t, after_t, tasks, expected, pricing, day)
    rec = _recommendation(compact, tasks[0], expected[tasks[0]], pricing, day)
    if rec.get("model"):
        rec["code"] = _request_code(rec["model"], rec["max_tokens"], tasks, task)
    saved = before_t.mid - after_t.mid
    data = {
        "at": day.isoformat(),
        "pricing_checked": pricing.last_checked.isoformat(),
        "task": task,
        "task_label": " and ".join(TASKS[t]["label"] for t in tasks),
        "context_lines": context_lines,
        "output_tokens": {t: expected[t] for t in tasks},
        "files": files_json,
        "totals": {"files": len(parsed.files), "added": sum(f["added"] for f in files_json),
                   "removed": sum(f["removed"] for f in files_json)},
        "by_kind": {k: by_kind[k] for k in KINDS if k in by_kind},
        "tokens_before": before_t.mid,
        "tokens_after": after_t.mid,
        "tokens_before_range": before_t.to_json(),
        "tokens_after_range": after_t.to_json(),
        "tokens_saved": saved,
        "tokens_saved_percent": _pct(Decimal(saved), Decimal(before_t.mid)),
        "token_note": TOKEN_NOTE.format(inflation=_pct(pricing.tokenizer_inflation - 1, Decimal(1))),
        "chars_before": len(text),
        "chars_after": len(compact),
        "summary": summary,
        "compact_diff": compact,
        "costs": costs,
        "recommended": rec,
        "notes": notes,
        "truncated": truncated,
    }
    return DiffSummary(data)


def _mb(chars: int) -> str:
    return f"{chars / 1_000_000:.1f} MB" if chars >= 100_000 else f"{chars:,} characters"


def _scaled(t: TokenRange, m: Model, pricing: Pricing) -> int:
    return t.scaled(pricing.tokenizer_inflation if m.new_tokenizer else Decimal(1)).mid


def _costs(before: TokenRange, after: TokenRange, tasks: list[str], expected: dict[str, int], pricing: Pricing,
           day: _dt.date) -> list[dict]:
    """Per current model: the cost of the task(s) with the whole diff and with the compact one, standard and
    batch. With two tasks the diff goes first in the prompt and is read from the cache by the second request
    (when it is at least the model's minimum cacheable length); batch figures assume no cache hits (inside a
    batch they are best effort)."""
    instr = {t: estimate_tokens(TASKS[t]["instruction"]) for t in tasks}
    rows = []
    for m in pricing.current_models(day):
        row: dict = {"model": m.id, "model_name": m.name, "availability": m.availability}
        try:
            figures = {}
            cached_any = False
            for label, diff_t in (("before", before), ("after", after)):
                d = _scaled(diff_t, m, pricing)
                reqs = []
                for n, t in enumerate(tasks):
                    ins = _scaled(instr[t], m, pricing)
                    need = d + ins + expected[t]
                    if m.context_window and need > m.context_window:
                        raise PriceError(f"about {need:,} tokens ({'the whole' if label == 'before' else 'the compact'}"
                                         f" diff, the instruction and the answer) do not fit its "
                                         f"{m.context_window:,}-token context window")
                    reqs.append((n, ins, expected[t]))
                plain = [Usage(input=d + ins, output=out) for _, ins, out in reqs]
                std = sum((price(m, u, at=day, pricing=pricing).total for u in plain), Decimal(0))
                if len(reqs) > 1 and d >= m.min_cacheable_tokens:
                    cached = [Usage(input=ins, output=out, **({"cache_write_5m": d} if n == 0 else {"cache_read": d}))
                              for n, ins, out in reqs]
                    with_cache = sum((price(m, u, at=day, pricing=pricing).total for u in cached), Decimal(0))
                    if with_cache < std:
                        std = with_cache
                        cached_any = True
                batch = sum((price(m, u, batch=True, at=day, pricing=pricing).total for u in plain), Decimal(0))
                figures[label] = (d, std, batch)
            row.update(
                tokens_before=figures["before"][0], tokens_after=figures["after"][0],
                before=_money(figures["before"][1]), after=_money(figures["after"][1]),
                before_batch=_money(figures["before"][2]), after_batch=_money(figures["after"][2]),
                saving=_money(figures["before"][1] - figures["after"][1]),
                cached=cached_any,
                _sort=figures["after"][1])
            if len(tasks) > 1:
                row["caching"] = ("the second request reads the diff from the cache" if cached_any else
                                  f"the diff is below {m.name}'s minimum cacheable length "
                                  f"({m.min_cacheable_tokens:,} tokens): no caching")
        except PriceError as exc:
            row.update(before=None, after=None, before_batch=None, after_batch=None, saving=None, cached=False,
                       reason=str(exc), _sort=None)
        if m.availability not in ("", "general"):
            row["note"] = f"{m.availability} availability"
        rows.append(row)
    rows.sort(key=lambda r: (r["_sort"] is None, r["_sort"] or 0, r["model"]))
    for r in rows:
        r.pop("_sort")
    return rows


def _recommendation(compact: str, task: str, expected: int, pricing: Pricing, day: _dt.date) -> dict:
    """The recommender's routing for the compact diff sent for ``task``: model, tier, max_tokens, rules."""
    wl = RecommendWorkload(requests_per_day=Decimal(1), repeats="none", mode="interactive", output_tokens=expected)
    try:
        rec = recommend(compact, system=TASKS[task]["instruction"], workload=wl, at=day, pricing=pricing).to_json()
    except (RecommendInputError, PriceError) as exc:
        return {"model": None, "error": str(exc)}
    if rec.get("error") or not rec.get("model"):
        return {"model": None, "error": rec.get("error") or "no model could be recommended"}
    cap = next((lv.get("max_tokens") for lv in rec["levers"] if lv["id"] == "output_cap"), None)
    decisive = [r for r in rec["rules"] if r.get("decisive")]
    return {
        "model": rec["model"], "model_name": rec["model_name"], "tier": rec["tier"], "tier_label": rec["tier_label"],
        "max_tokens": cap, "output_tokens": expected,
        "rules": [{"id": r["id"], "when": r["when"], "why": r["why"]} for r in decisive],
        "features": [f["label"] for f in rec["features"]],
    }


def _request_code(model: str, max_tokens: int, tasks: list[str], task: str) -> dict:
    """Python SDK code that sends the compact diff (saved as compact.diff) for the task(s)."""
    lines = ["import anthropic", "from pathlib import Path", "",
             "client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY",
             'diff = Path("compact.diff").read_text(encoding="utf-8")  # the compact version from this tool', ""]
    if task == "both":
        lines += [
            "# The diff goes first and is cached; the second request, minutes later, reads it from the cache.",
            "for instruction in (",
            *(f"    {TASKS[t]['instruction']!r}," for t in tasks),
            "):",
            "    response = client.messages.create(",
            f'        model="{model}",',
            f"        max_tokens={max_tokens},",
            '        messages=[{"role": "user", "content": [',
            '            {"type": "text", "text": diff, "cache_control": {"type": "ephemeral"}},',
            '            {"type": "text", "text": instruction},',
            "        ]}],",
            "    )",
            "    print(response.content[0].text)",
            "    print(response.usage)  # cache_read_input_tokens > 0 on the second request",
        ]
    else:
        lines += [
            "response = client.messages.create(",
            f'    model="{model}",',
            f"    max_tokens={max_tokens},",
            f"    system={TASKS[task]['instruction']!r},",
            '    messages=[{"role": "user", "content": diff}],',
            ")",
            "print(response.content[0].text)",
            "print(response.usage)",
        ]
    return {"python": "\n".join(lines) + "\n"}
