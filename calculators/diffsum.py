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

Entry points: :func:`summarize` (library), :func:`bridge_diff_summary` (browser). The command line lives in
``calculators/_cli_diffsum.py``. The library never reads the clock: the day is the ``at`` argument.
"""

from __future__ import annotations

import datetime as _dt
import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypedDict

from .cost import Usage, dstr, parse_at, price
from .errors import InputError, PriceError
from .present import money_json as _money
from .pricing import Model, Pricing, load_pricing
from .recommend import (
    ASSUMED_OUTPUT,
    RecommendInputError,
    RecommendWorkload,
    TokenRange,
    estimate_tokens,
    recommend,
)

__all__ = [
    "CONTEXT_LINES",
    "DEFAULT_INPUTS",
    "KINDS",
    "MAX_DIFF_CHARS",
    "TASKS",
    "DiffSummary",
    "FileDiff",
    "Hunk",
    "bridge_diff_summary",
    "classify",
    "compact_diff",
    "parse_diff",
    "prerender_html",
    "summarize",
]

#: Every kind a file can be, in the order the summary lists them.
KINDS = ("code", "test", "docs", "config", "lockfile", "generated", "vendored", "binary", "whitespace-only")
#: Kinds the compact version reduces to a one-line mention.
MENTIONED_KINDS = ("lockfile", "generated", "vendored", "binary", "whitespace-only")
#: Unchanged lines kept around each change in the compact version, unless the caller chooses.
CONTEXT_LINES = 1
MAX_CONTEXT_LINES = 20
#: Diffs longer than this (characters) are cut at the last file boundary before it, and the result says so.
MAX_DIFF_CHARS = 10_000_000


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
# Classifying paths
# ----------------------------------------------------------------------------------------------------------

_LOCKFILES = {
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock",
    "cargo.lock", "poetry.lock", "pipfile.lock", "pdm.lock", "uv.lock", "composer.lock", "gemfile.lock",
    "go.sum", "mix.lock", "pubspec.lock", "podfile.lock", "flake.lock", "packages.lock.json", "gradle.lockfile",
    "deno.lock", "conda-lock.yml", "paket.lock", "cartfile.resolved", "package.resolved",
}
_VENDOR_DIRS = {"vendor", "vendors", "third_party", "third-party", "thirdparty", "node_modules",
                "bower_components", "pods", "carthage", "site-packages", ".yarn"}
_GENERATED_DIRS = {"dist", "build", "generated", "__generated__", "gen", "out"}
_GENERATED_NAME = re.compile(
    r"(?:\.min\.(?:js|css|mjs)|\.map|_pb2(?:_grpc)?\.pyi?|\.pb\.(?:go|cc|h|swift|dart)|\.pb\.gw\.go|_grpc\.pb\.go|"
    r"\.generated\.\w+|\.g\.dart|\.freezed\.dart|\.designer\.cs|\.g\.cs|\.snap|\.pbxproj|_generated\.\w+)$",
    re.IGNORECASE)
_GENERATED_MARK = re.compile(r"@generated|do not edit|auto-generated|autogenerated|code generated by|"
                             r"generated by the protocol buffer compiler|this file was automatically generated",
                             re.IGNORECASE)
_TEST_DIRS = {"test", "tests", "__tests__", "spec", "specs", "testing", "e2e", "testdata", "fixtures",
              "__mocks__"}
_TEST_NAME = re.compile(
    r"(?:^test_.+\.py$|_test\.(?:py|go|rb|exs?|dart|cc|cpp|c|rs)$|\.(?:test|spec)\.[cm]?[jt]sx?$|"
    r"_spec\.rb$|Tests?\.(?:java|kt|cs|swift|scala|php)$|^conftest\.py$|_tests?\.rs$)")
_DOC_EXT = {".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc", ".org", ".tex", ".rdoc", ".pod"}
_DOC_DIRS = {"docs", "doc", "documentation", "man"}
_DOC_NAMES = {"readme", "changelog", "changes", "history", "license", "licence", "copying", "notice",
              "contributing", "authors", "contributors", "code_of_conduct", "security", "news"}
_CONFIG_EXT = {".json", ".jsonc", ".json5", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".config",
               ".properties", ".env", ".xml", ".plist", ".editorconfig", ".gradle", ".tf", ".tfvars", ".hcl",
               ".csproj", ".sln", ".lock"}
_CONFIG_NAMES = {"dockerfile", "makefile", "gnumakefile", "procfile", "vagrantfile", "gemfile", "pipfile",
                 "codeowners", "justfile", "rakefile", "brewfile", "go.mod", "go.work", "cmakelists.txt",
                 "requirements.txt", "constraints.txt", "manifest.in", ".gitignore", ".gitattributes",
                 ".gitmodules", ".dockerignore", ".npmrc", ".nvmrc", ".npmignore", ".prettierrc", ".eslintrc",
                 ".babelrc", ".python-version", ".tool-versions", ".env.example", ".flake8", ".pylintrc"}


def _parts(path: str) -> list[str]:
    return [p for p in path.replace("\\", "/").split("/") if p]


def classify(path: str) -> str:
    """The kind of a file from its path alone (``lockfile``, ``vendored``, ``generated``, ``test``, ``docs``,
    ``config`` or ``code``). Binary and whitespace-only changes, and generated-file markers in the content, are
    decided by :func:`parse_diff` from the diff itself."""
    parts = _parts(path)
    if not parts:
        return "code"
    name = parts[-1]
    lower = name.lower()
    dirs = [d.lower() for d in parts[:-1]]
    if lower in _LOCKFILES or lower.endswith((".lockfile", "-lock.json", "-lock.yaml", "-lock.yml")):
        return "lockfile"
    if any(d in _VENDOR_DIRS for d in dirs):
        return "vendored"
    if _GENERATED_NAME.search(name) or any(d in _GENERATED_DIRS for d in dirs):
        return "generated"
    if any(d in _TEST_DIRS for d in dirs) or _TEST_NAME.search(name):
        return "test"
    stem, ext = posixpath.splitext(lower)
    if lower in _CONFIG_NAMES or (lower.startswith("requirements") and ext == ".txt"):
        return "config"
    if ext in _DOC_EXT or stem in _DOC_NAMES or any(d in _DOC_DIRS for d in dirs):
        return "docs"
    if ext in _CONFIG_EXT or (lower.startswith(".") and ext == "" and lower.endswith("rc")):
        return "config"
    if dirs and dirs[0] == ".github":
        return "config"
    return "code"


# ----------------------------------------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------------------------------------

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")
_COMBINED_HUNK = re.compile(r"^(@{3,}) (?:-\d+(?:,\d+)? )+\+\d+(?:,\d+)? @{3,} ?(.*)$")
_EXTENDED = ("old mode ", "new mode ", "deleted file mode ", "new file mode ", "copy from ", "copy to ",
             "rename from ", "rename to ", "similarity index ", "dissimilarity index ", "index ", "mode ",
             "Binary files ", "GIT binary patch")
_NOISE_HEADERS = ("index ", "similarity index ", "dissimilarity index ")
_DEFINITION = re.compile(
    r"^[+-][ \t]*(?:(?:export|public|private|protected|static|async|pub(?:\([\w:]+\))?|abstract|final|"
    r"default|override)[ \t]+)*(?:def|class|function|func|fn|interface|struct|enum|trait|impl|module|object|"
    r"record|type)[ \t]+(?:\([^)]*\)[ \t]*)?([A-Za-z_$][\w$]*)")


@dataclass
class Hunk:
    """One ``@@`` hunk: its header numbers, the section text after the header, and its lines (with their
    ``' '``/``'+'``/``'-'``/``'\\'`` prefix, without the newline)."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    lines: list[str]
    combined: int = 0  # parents of a combined (merge) hunk; 0 for an ordinary one

    @property
    def added(self) -> int:
        if self.combined:
            return sum(1 for ln in self.lines if "+" in ln[:self.combined])
        return sum(1 for ln in self.lines if ln.startswith("+"))

    @property
    def removed(self) -> int:
        if self.combined:
            return sum(1 for ln in self.lines if "-" in ln[:self.combined])
        return sum(1 for ln in self.lines if ln.startswith("-"))

    @property
    def whitespace_only(self) -> bool:
        """Whether the hunk only changes whitespace: the same non-blank lines come and go once spaces, tabs
        and line endings are ignored (added or removed blank lines count as whitespace too)."""
        if self.combined:
            return False
        gone = sorted(s for s in (_squash(ln[1:]) for ln in self.lines if ln.startswith("-")) if s)
        came = sorted(s for s in (_squash(ln[1:]) for ln in self.lines if ln.startswith("+")) if s)
        return gone == came and (self.added + self.removed) > 0


def _squash(text: str) -> str:
    return "".join(text.split())


@dataclass
class FileDiff:
    """One file's part of the diff."""

    old_path: str | None
    new_path: str | None
    header: list[str] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)   # lines after the hunks that belong to no file (commit text)
    status: str = "modified"                          # added, deleted, modified, renamed, copied, mode-changed
    binary: bool = False
    binary_lines: int = 0
    start: int = 0                                    # first and last line of the file's part in the input
    end: int = 0
    git: bool = False
    malformed: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        if self.status == "deleted":
            return self.old_path or self.new_path or "?"
        return self.new_path or self.old_path or "?"

    @property
    def display_path(self) -> str:
        if self.status in ("renamed", "copied") and self.old_path and self.old_path != self.new_path:
            return f"{self.old_path} → {self.new_path}"
        return self.path

    @property
    def added(self) -> int:
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        return sum(h.removed for h in self.hunks)


@dataclass
class ParsedDiff:
    files: list[FileDiff]
    preamble: list[str]
    lines: list[str]
    notes: list[str]


def _strip_path(raw: str) -> str | None:
    """A path from a ``---``/``+++`` line: tab-separated timestamps, quotes and ``a/``/``b/`` prefixes go."""
    text = raw.split("\t", 1)[0].rstrip("\r")
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = _unquote(text[1:-1])
    if text == "/dev/null":
        return None
    if text.startswith(("a/", "b/")):
        return text[2:]
    return text


def _unquote(text: str) -> str:
    """Git's C-style quoted path (octal escapes for non-ASCII bytes)."""
    if "\\" not in text:
        return text
    try:
        raw = text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")
        return raw.decode("utf-8", "replace")
    except (UnicodeError, ValueError):
        return text


def _git_paths(line: str) -> tuple[str | None, str | None]:
    """Paths from ``diff --git a/X b/Y`` (ambiguous with spaces: equal halves are preferred)."""
    rest = line[len("diff --git "):].rstrip("\r")
    if rest.startswith('"'):
        m = re.match(r'"((?:[^"\\]|\\.)*)" "?((?:[^"\\]|\\.)*)"?$', rest)
        if m:
            return _strip_path('"' + m.group(1) + '"'), _strip_path('"' + m.group(2) + '"')
    if rest.startswith("a/"):
        half = (len(rest) - 1) // 2
        if len(rest) % 2 == 1 and rest[half] == " " and rest[half + 1:].startswith("b/") \
                and rest[2:half] == rest[half + 3:]:
            return rest[2:half], rest[half + 3:]
        cut = rest.rfind(" b/")
        if cut > 0:
            return rest[2:cut], rest[cut + 3:]
    parts = rest.split(" ")
    if len(parts) == 2:
        return _strip_path(parts[0]), _strip_path(parts[1])
    return None, None


def parse_diff(text: str) -> ParsedDiff:
    """Split a unified diff into files and hunks. Lines that belong to no file (a commit header, a message,
    a diffstat) are kept as the preamble or as the tail of the file before them."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    files: list[FileDiff] = []
    preamble: list[str] = []
    notes: list[str] = []
    cur: FileDiff | None = None
    in_header = False
    n = len(lines)
    i = 0
    malformed_hunks = 0

    def close(at: int) -> None:
        if cur is not None:
            cur.end = at

    while i < n:
        line = lines[i]
        if line.startswith("diff "):
            close(i)
            if line.startswith("diff --git "):
                old, new = _git_paths(line)
                cur = FileDiff(old, new, [line], start=i, git=True)
            else:
                cur = FileDiff(None, None, [line], start=i)
            files.append(cur)
            in_header = True
            i += 1
            continue
        if line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
            if cur is None or not in_header or any(h.startswith("--- ") for h in cur.header):
                close(i)
                cur = FileDiff(None, None, [], start=i)
                files.append(cur)
            old, new = _strip_path(line[4:]), _strip_path(lines[i + 1][4:])
            if old is not None:
                cur.old_path = old
            if new is not None:
                cur.new_path = new
            if old is None:
                cur.status = "added"
            elif new is None:
                cur.status = "deleted"
            cur.header += [line, lines[i + 1]]
            in_header = True
            i += 2
            continue
        if cur is not None and line.startswith("@@"):
            at = i
            hunk, i, ok = _read_hunk(lines, i)
            if hunk is not None:
                cur.hunks.append(hunk)
                in_header = False
                if not ok:
                    malformed_hunks += 1
                    cur.malformed.append(f"the hunk at line {at + 1} of the input has fewer lines than its "
                                         f"header says")
                continue
        if cur is not None and in_header and line.startswith(_EXTENDED):
            cur.header.append(line)
            if line.startswith("new file mode "):
                cur.status = "added"
            elif line.startswith("deleted file mode "):
                cur.status = "deleted"
            elif line.startswith("rename from "):
                cur.status, cur.old_path = "renamed", line[len("rename from "):].rstrip("\r")
            elif line.startswith("rename to "):
                cur.status, cur.new_path = "renamed", line[len("rename to "):].rstrip("\r")
            elif line.startswith("copy from "):
                cur.status, cur.old_path = "copied", line[len("copy from "):].rstrip("\r")
            elif line.startswith("copy to "):
                cur.status, cur.new_path = "copied", line[len("copy to "):].rstrip("\r")
            elif line.startswith(("old mode ", "new mode ")) and cur.status == "modified":
                cur.status = "mode-changed"
            elif line.startswith("Binary files "):
                cur.binary = True
                if cur.old_path is None and cur.new_path is None:
                    cur.old_path, cur.new_path = _binary_paths(line)
            elif line.startswith("GIT binary patch"):
                cur.binary = True
                i += 1
                while i < n and not lines[i].startswith("diff "):
                    cur.binary_lines += 1
                    i += 1
                continue
            i += 1
            continue
        if line.startswith("Binary files ") and line.rstrip("\r").endswith(" differ"):
            close(i)
            old, new = _binary_paths(line)
            cur = FileDiff(old, new, [line], start=i, binary=True)
            files.append(cur)
            in_header = False
            i += 1
            continue
        if cur is None:
            preamble.append(line)
        else:
            cur.tail.append(line)
            in_header = False
        i += 1
    close(n)

    # A "diff ..." line with nothing after it that makes it a file (no paths, hunks or binary marker) is text.
    kept: list[FileDiff] = []
    for f in files:
        if not f.hunks and not f.binary and f.old_path is None and f.new_path is None:
            (kept[-1].tail if kept else preamble).extend(f.header + f.tail)
            continue
        if f.git and f.status == "modified" and f.old_path and f.new_path and f.old_path != f.new_path:
            f.status = "renamed"
        kept.append(f)
    if malformed_hunks:
        notes.append(f"{malformed_hunks} hunk(s) had fewer lines than their @@ header says (a hand-edited or cut "
                     f"diff); their lines were read as they are")
    return ParsedDiff(kept, preamble, lines, notes)


def _binary_paths(line: str) -> tuple[str | None, str | None]:
    m = re.match(r"^Binary files (.+?) and (.+?) differ\r?$", line)
    if not m:
        return None, None
    return _strip_path(m.group(1)), _strip_path(m.group(2))


def _read_hunk(lines: list[str], i: int) -> tuple[Hunk | None, int, bool]:
    """The hunk starting at ``lines[i]``: (hunk, index after it, whether it had the lines its header says)."""
    header = lines[i].rstrip("\r")
    m = _HUNK.match(header)
    if m is None:
        c = _COMBINED_HUNK.match(header)
        if c is None:
            return None, i, True
        parents = len(c.group(1)) - 1
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j][:parents] and set(lines[j][:parents]) <= {" ", "+", "-"}:
            body.append(lines[j])
            j += 1
        return Hunk(0, 0, 0, 0, c.group(2), body, parents), j, True
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_left = int(m.group(2)) if m.group(2) is not None else 1
    new_left = int(m.group(4)) if m.group(4) is not None else 1
    old_count, new_count = old_left, new_left
    body = []
    j = i + 1
    n = len(lines)
    ok = True
    while j < n and (old_left > 0 or new_left > 0):
        ln = lines[j]
        first = ln[:1]
        if first == " " or ln == "" or ln == "\r":
            if old_left == 0 or new_left == 0:
                ok = False
                break
            old_left -= 1
            new_left -= 1
        elif first == "-":
            if old_left == 0:
                ok = False
                break
            old_left -= 1
        elif first == "+":
            if new_left == 0:
                ok = False
                break
            new_left -= 1
        elif first != "\\":
            ok = False
            break
        body.append(ln if ln not in ("", "\r") else " " + ln)
        j += 1
    if old_left or new_left:
        ok = False
    while j < n and lines[j].startswith("\\"):
        body.append(lines[j])
        j += 1
    return Hunk(old_start, old_count, new_start, new_count, m.group(5), body), j, ok


# ----------------------------------------------------------------------------------------------------------
# Kinds and the compact version
# ----------------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------------
# The browser bridge
# ----------------------------------------------------------------------------------------------------------


def _whole(inputs: dict, name: str, label: str, lo: int, hi: int, errors: list) -> int | None:
    raw = inputs.get(name, "")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        errors.append((name, f"{label} must be a whole number"))
        return None
    try:
        value = Decimal(str(raw).replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        errors.append((name, f"{label} must be a whole number, got {str(raw)[:30]!r}"))
        return None
    if not value.is_finite() or value != value.to_integral_value() or not lo <= value <= hi:
        errors.append((name, f"{label} must be a whole number from {lo:,} to {hi:,}"))
        return None
    return int(value)


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
    at = inputs.get("at") or None
    if at is not None:
        try:
            parse_at(at)
        except PriceError as exc:
            errors.append(("at", str(exc)))
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
