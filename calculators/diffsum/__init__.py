"""The Diff Summarizer: shrink a unified diff before sending it to Claude, and price both versions.

Code-review and commit-message prompts are mostly diff, and much of a diff is noise for a reader: lockfiles,
generated and vendored files, binary changes, whitespace-only edits and long runs of unchanged context. This
module

1. **parses** a unified diff (``git diff``, ``git show``, ``git format-patch``, ``diff -u``) into files and
   hunks (:func:`parse_diff`), keeping renames, mode changes and binary changes;
2. **classifies** each file (:data:`KINDS`: ``code``, ``test``, ``docs``, ``config``, ``lockfile``,
   ``generated``, ``vendored``, ``binary``, ``whitespace-only``) from its path and, for generated files, the
   usual "generated, do not edit" markers;
3. builds a **compact version**: lockfiles, generated and vendored files and binary changes become a one-line
   mention, whitespace-only hunks are dropped, and unchanged context is trimmed to ``context_lines`` around each
   change (hunk headers are recomputed, line numbers stay those of the original);
4. writes a **structural summary** in plain words (files, kinds, where, what was added or removed) without
   calling any model;
5. **estimates tokens** of both versions as a range, with the recommender's estimator
   (:func:`calculators.recommend.estimate_tokens`), and **prices** a review, a summary, or both, of each version
   on every current model, standard and batch, with caching where the same diff is sent twice;
6. asks the recommender's routing rules for the **model and max_tokens** to use, and writes request code.

Entry points: :func:`summarize` (library), :func:`bridge_diff_summary` (browser).

The modules, by job: :mod:`.parse` (kinds, paths, parsing), :mod:`.compact` (the compact version and the
structural summary), :mod:`.costs` (tokens, costs, the recommendation: :func:`summarize`) and :mod:`.page`
(the form's inputs, the bridge entry point, the prerendered HTML). The command line lives in
``calculators/_cli_diffsum.py``. The library never reads the clock: the day is the ``at`` argument.
"""

from __future__ import annotations

from .compact import compact_diff, file_kind, structural_summary
from .costs import DEFAULT_INPUTS, TASK_CHOICES, TASKS, DiffSummary, summarize
from .page import bridge_diff_summary, parse_inputs, prerender_html
from .parse import (
    CONTEXT_LINES,
    KINDS,
    MAX_CONTEXT_LINES,
    MAX_DIFF_CHARS,
    MENTIONED_KINDS,
    FileDiff,
    Hunk,
    ParsedDiff,
    classify,
    parse_diff,
)

__all__ = [
    "CONTEXT_LINES",
    "DEFAULT_INPUTS",
    "KINDS",
    "MAX_CONTEXT_LINES",
    "MAX_DIFF_CHARS",
    "MENTIONED_KINDS",
    "TASKS",
    "TASK_CHOICES",
    "DiffSummary",
    "FileDiff",
    "Hunk",
    "ParsedDiff",
    "bridge_diff_summary",
    "classify",
    "compact_diff",
    "file_kind",
    "parse_diff",
    "parse_inputs",
    "prerender_html",
    "structural_summary",
    "summarize",
]
