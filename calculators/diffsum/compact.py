"""The Diff Summarizer's shrinking of a parsed diff: each file's kind, the compact version
(:func:`compact_diff`) and the structural summary in plain words (:func:`structural_summary`)."""

from __future__ import annotations

from collections.abc import Iterable

# ----------------------------------------------------------------------------------------------------------
# Kinds and the compact version
# ----------------------------------------------------------------------------------------------------------
from .parse import (
    _DEFINITION,
    _GENERATED_MARK,
    _NOISE_HEADERS,
    CONTEXT_LINES,
    KINDS,
    MENTIONED_KINDS,
    FileDiff,
    Hunk,
    ParsedDiff,
    _parts,
    classify,
)


def file_kind(f: FileDiff) -> str:
    """The file's kind, from the diff: binary first, then its path, a generated marker, whitespace-only."""
    if f.binary:
        return "binary"
    kind = classify(f.path)
    if kind in ("lockfile", "vendored", "generated"):
        return kind
    if _has_generated_mark(f):
        return "generated"
    if f.hunks and all(h.whitespace_only for h in f.hunks):
        return "whitespace-only"
    return kind


def _has_generated_mark(f: FileDiff) -> bool:
    """A "generated, do not edit" marker near the top of the file (in its first hunk, when it starts at one of
    the first five lines)."""
    if not f.hunks:
        return False
    first = f.hunks[0]
    if first.new_start > 5 and first.old_start > 5:
        return False
    head = "\n".join(ln[1:] for ln in first.lines[:12])
    return bool(_GENERATED_MARK.search(head))


def _mention(f: FileDiff, kind: str) -> str:
    if kind == "binary":
        what = {"added": "binary file added", "deleted": "binary file deleted"}.get(f.status, "binary file changed")
        return f"[omitted] {f.display_path}: {what}"
    label = {"whitespace-only": "whitespace-only changes"}.get(kind, kind)
    return f"[omitted] {f.display_path}: {label}, +{f.added} -{f.removed} lines"


def _trim_hunk(h: Hunk, context: int) -> list[list[str]]:
    """The hunk as one or more hunks (header line first) with at most ``context`` unchanged lines around each
    change. Numbers are recomputed from the original line numbers."""
    if h.combined:
        return [[f"{'@' * (h.combined + 1)} (merge hunk) {'@' * (h.combined + 1)}".rstrip() + (
            f" {h.section}" if h.section else ""), *h.lines]]
    body = h.lines
    changes = [k for k, ln in enumerate(body) if ln[:1] in "+-"]
    if not changes:
        return []
    keep = [False] * len(body)
    for c in changes:
        keep[c] = True
    # Context within `context` lines of a change, counted over the unchanged lines only.
    last = -10**9
    for k, ln in enumerate(body):
        if ln[:1] in "+-":
            last = k
        elif ln[:1] == " " and k - last <= context:
            keep[k] = True
    nxt = 10**9
    for k in range(len(body) - 1, -1, -1):
        ln = body[k]
        if ln[:1] in "+-":
            nxt = k
        elif ln[:1] == " " and nxt - k <= context:
            keep[k] = True
    for k, ln in enumerate(body):  # "\ No newline at end of file" follows the line it belongs to
        if ln[:1] == "\\" and k > 0 and keep[k - 1]:
            keep[k] = True
    pieces: list[list[str]] = []
    old_ln, new_ln = h.old_start, h.new_start
    piece: list[str] | None = None
    counts = [0, 0, 0, 0]  # old start, new start, old count, new count
    for k, ln in enumerate(body):
        first = ln[:1]
        if keep[k]:
            if piece is None:
                piece, counts = [], [old_ln, new_ln, 0, 0]
            piece.append(ln)
            if first == " ":
                counts[2] += 1
                counts[3] += 1
            elif first == "-":
                counts[2] += 1
            elif first == "+":
                counts[3] += 1
        elif piece is not None:
            pieces.append(_with_header(piece, counts, h.section))
            piece = None
        if first in (" ", "-"):
            old_ln += 1
        if first in (" ", "+"):
            new_ln += 1
    if piece is not None:
        pieces.append(_with_header(piece, counts, h.section))
    return pieces


def _with_header(piece: list[str], counts: list[int], section: str) -> list[str]:
    old_start, new_start, old_count, new_count = counts

    def side(start: int, count: int) -> str:
        start = start if count else max(0, start - 1)
        return f"{start}" if count == 1 else f"{start},{count}"

    head = f"@@ -{side(old_start, old_count)} +{side(new_start, new_count)} @@"
    return [head + (f" {section}" if section else ""), *piece]


def compact_diff(parsed: ParsedDiff, context: int = CONTEXT_LINES) -> tuple[str, list[dict]]:
    """The compact version of the diff and what happened to each file (``kept``, ``trimmed`` or ``omitted``)."""
    out: list[str] = list(parsed.preamble)
    fates: list[dict] = []
    for f in parsed.files:
        kind = file_kind(f)
        start = len(out)
        dropped_ws = 0
        if kind in MENTIONED_KINDS:
            out.append(_mention(f, kind))
            fate = "omitted"
        else:
            out.extend(h for h in f.header if not h.startswith(_NOISE_HEADERS))
            trimmed = False
            for h in f.hunks:
                if h.whitespace_only:
                    dropped_ws += 1
                    trimmed = True
                    continue
                pieces = _trim_hunk(h, context)
                if sum(len(p) - 1 for p in pieces) < len(h.lines) or len(pieces) != 1:
                    trimmed = True
                for p in pieces:
                    out.extend(p)
            fate = "trimmed" if trimmed else "kept"
        out.extend(f.tail)
        fates.append({"fate": fate, "lines": (start, len(out)), "whitespace_hunks_dropped": dropped_ws,
                      "kind": kind})
    text = "\n".join(out)
    return (text + "\n" if out else ""), fates


# ----------------------------------------------------------------------------------------------------------
# The structural summary
# ----------------------------------------------------------------------------------------------------------


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _area(path: str) -> str:
    parts = _parts(path)
    if len(parts) <= 1:
        return "the top folder"
    return "/".join(parts[:2 if len(parts) > 2 else 1]) + "/"


def _names(items: Iterable[str], limit: int = 6) -> str:
    items = list(items)
    shown = ", ".join(f"`{x}`" for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def structural_summary(parsed: ParsedDiff, kinds: list[str], whitespace_hunks: int) -> list[str]:
    """Plain sentences about the change, computed from the diff alone (no model is called)."""
    files = parsed.files
    added = sum(f.added for f in files)
    removed = sum(f.removed for f in files)
    out = [f"{_plural(len(files), 'file')} changed: {added:,} lines added and {removed:,} removed."]
    by_kind: dict[str, list[FileDiff]] = {}
    for f, k in zip(files, kinds, strict=True):
        by_kind.setdefault(k, []).append(f)
    parts = []
    for k in KINDS:
        if k in by_kind:
            fs = by_kind[k]
            parts.append(f"{len(fs)} {k}" + (f" (+{sum(f.added for f in fs):,} −{sum(f.removed for f in fs):,})"
                                              if k != "binary" else ""))
    if parts:
        out.append("By kind: " + "; ".join(parts) + ".")
    areas: dict[str, list[int]] = {}
    for f, k in zip(files, kinds, strict=True):
        if k in ("code", "test", "docs", "config"):
            a = areas.setdefault(_area(f.path), [0, 0])
            a[0] += 1
            a[1] += f.added + f.removed
    if areas:
        top = sorted(areas.items(), key=lambda kv: (-kv[1][1], kv[0]))[:4]
        out.append("Most of the change is in " + ", ".join(
            f"{name} ({_plural(v[0], 'file')}, {v[1]:,} lines)" for name, v in top) + ".")
    for status, verb in (("added", "New"), ("deleted", "Deleted"), ("renamed", "Renamed"), ("copied", "Copied"),
                         ("mode-changed", "Mode changed")):
        fs = [f for f in files if f.status == status]
        if fs:
            out.append(f"{verb}: {_names(f.display_path for f in fs)}.")
    new_defs: dict[str, None] = {}
    old_defs: dict[str, None] = {}
    for f, k in zip(files, kinds, strict=True):
        if k not in ("code", "test"):
            continue
        for h in f.hunks:
            for ln in h.lines:
                if ln[:1] in "+-":
                    m = _DEFINITION.match(ln)
                    if m:
                        (new_defs if ln[0] == "+" else old_defs)[m.group(1)] = None
    changed = [d for d in new_defs if d in old_defs]
    only_new = [d for d in new_defs if d not in old_defs]
    only_old = [d for d in old_defs if d not in new_defs]
    if only_new:
        out.append(f"Adds {_names(only_new)}.")
    if only_old:
        out.append(f"Removes {_names(only_old)}.")
    if changed:
        out.append(f"Changes the definition line of {_names(changed)}.")
    ranked = sorted((f for f, k in zip(files, kinds, strict=True) if k not in MENTIONED_KINDS),
                    key=lambda f: (-(f.added + f.removed), f.path))
    if ranked and ranked[0].added + ranked[0].removed:
        big = ranked[0]
        where = next((h.section.strip() for h in big.hunks if h.section.strip()), "")
        out.append(f"Largest change: `{big.display_path}` (+{big.added:,} −{big.removed:,})"
                   + (f", around `{where[:80]}`" if where else "") + ".")
    mentioned = [k for k in kinds if k in MENTIONED_KINDS]
    if mentioned or whitespace_hunks:
        bits = []
        if mentioned:
            bits.append(f"{_plural(len(mentioned), 'file')} reduced to a one-line mention")
        if whitespace_hunks:
            bits.append(f"{_plural(whitespace_hunks, 'whitespace-only hunk')} dropped")
        out.append("In the compact version: " + " and ".join(bits) + ".")
    return out
