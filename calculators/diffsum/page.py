"""The Diff Summarizer's form: its inputs checked at once (:func:`parse_inputs`, also used by the command
line), the browser entry point (:func:`bridge_diff_summary`) and the figures prerendered into the page."""

from __future__ import annotations

import datetime as _dt
import html

from ..errors import InputError
from ..forms import form_date, form_number
from .costs import TASK_CHOICES, summarize
from .parse import CONTEXT_LINES, MAX_CONTEXT_LINES


def _whole(inputs: dict, name: str, label: str, lo: int, hi: int, errors: list) -> int | None:
    """A whole-number field (None when blank), read by the package's one form-number reader."""
    value = form_number(inputs.get(name), name, label, errors, lo=lo, hi=hi, whole=True)
    return None if value is None else int(value)


def parse_inputs(inputs: dict) -> dict:
    """The bridge's (and the CLI's) inputs checked all at once; raises :class:`InputError` listing each field."""
    errors: list[tuple[str, str]] = []
    diff = inputs.get("diff", "")
    if diff is None:
        diff = ""
    if not isinstance(diff, str):
        errors.append(("diff", "the diff must be text"))
        diff = ""
    context = _whole(inputs, "context_lines", "context lines", 0, MAX_CONTEXT_LINES, errors)
    task = str(inputs.get("task") or "review").strip().lower()
    if task not in TASK_CHOICES:
        errors.append(("task", f"choose one of: {', '.join(TASK_CHOICES)}"))
        task = "review"
    out = _whole(inputs, "output_tokens", "the expected answer length", 1, 1_000_000, errors)
    source = _whole(inputs, "source_chars", "the input size", 0, 10**12, errors)
    at = form_date(inputs.get("at"), errors)
    if errors:
        raise InputError(errors)
    return {"text": diff, "context_lines": CONTEXT_LINES if context is None else context, "task": task,
            "output_tokens": out, "source_chars": source, "at": at}


def bridge_diff_summary(inputs: dict, today: _dt.date) -> dict:
    """Browser entry point: ``{diff, context_lines, task, output_tokens, at}`` in, the summary out."""
    args = parse_inputs(inputs)
    at = args.pop("at") or today
    return summarize(args.pop("text"), **args, at=at).to_json()


def prerender_html(name: str, inputs: dict, result: dict) -> str:
    """The key figures as static HTML, shown before Python loads (and without JavaScript)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(r['model_name'])}</td><td>{e(r['before']['display']) if r.get('before') else '—'}</td>"
        f"<td>{e(r['after']['display']) if r.get('after') else '—'}</td></tr>" for r in result["costs"])
    files = "".join(
        f"<tr><td><code>{e(f['display_path'])}</code></td><td>{e(f['kind'])}</td><td>+{f['added']}</td>"
        f"<td>−{f['removed']}</td><td>{e(f['compact'])}</td></tr>" for f in result["files"])
    before, after = result["tokens_before_range"], result["tokens_after_range"]
    return (
        f'<p>Whole diff: <strong data-testid="tokens-before" data-value="{result["tokens_before"]}">'
        f'{before["low"]:,}–{before["high"]:,} tokens</strong>; compact version: '
        f'<strong data-testid="tokens-after" data-value="{result["tokens_after"]}">{after["low"]:,}–'
        f'{after["high"]:,} tokens</strong> ({e(result["tokens_saved_percent"])} fewer).</p>'
        f'<p>{e(" ".join(result["summary"]))}</p>'
        f'<table><thead><tr><th>File</th><th>Kind</th><th>Added</th><th>Removed</th><th>Compact</th></tr></thead>'
        f'<tbody>{files}</tbody></table>'
        f'<table><thead><tr><th>Model</th><th>Whole diff</th><th>Compact diff</th></tr></thead>'
        f'<tbody>{rows}</tbody></table>'
    )
