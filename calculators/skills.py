"""The Skills Browser: what the context Claude Code loads on every turn costs, file by file.

Claude Code (and the Agent SDK) put some context into every request of a session and load the rest only when
it is used. This module reads a project folder or a ``.claude`` folder, given as a mapping of relative path to
content, and sorts what it finds into the two (the loading rules, with the Anthropic pages they come from, are
in :data:`LOADING_RULES` and on the Skills Browser page):

* ``claude-md``: ``CLAUDE.md`` and ``CLAUDE.local.md`` at the top of the project and ``.claude/CLAUDE.md`` load
  in full at the start of a session; a ``CLAUDE.md`` in a subfolder loads when Claude works on files there;
  ``.claude/rules/*.md`` load in full unless their frontmatter limits them to ``paths``; files a memory file
  imports with ``@path`` load with it.
* ``skill``: each skill's frontmatter ``name`` and ``description`` are always in context (unless
  ``disable-model-invocation: true``); the body of ``SKILL.md`` and the files it refers to load when the skill
  is used.
* ``command``: ``.claude/commands/*.md`` work like skills: the description (frontmatter, else the first line)
  is listed, the body loads when the command runs.
* ``agent``: ``.claude/agents/*.md``: the name and description tell Claude when to delegate; the body is the
  subagent's own system prompt, used in the subagent's context when it runs.
* ``mcp-tools``: MCP tool definitions, counted from a saved ``tools/list`` result (``NAME.tools.json``) or a
  figure the user enters. With tool search (the default) only tool names load up front.
* ``other``: settings and hooks files, read by Claude Code itself and not sent to the model.

For each item: tokens always loaded and tokens loaded on demand (estimates, with the recommender's
:func:`~calculators.recommend.estimate_tokens`), and warnings (a description too long to be useful, a
``CLAUDE.md`` over :data:`CLAUDE_MD_WARN_TOKENS`, instructions repeated across always-loaded files, a skill or
agent without frontmatter) with what trimming would save. Then the monthly cost of the always-loaded part at
the given turns per day on every current model, uncached and read from the prompt cache.

A folder is read in two steps: :func:`plan_reads` says which of its paths are worth reading (the rest are only
counted), then :func:`analyse` takes their contents. When a memory file imports a file that was not read,
the result lists it under ``need``; call again with it added. The command line (``calculators/_cli_skills.py``)
and the browser (bridge names ``skills_plan`` and ``skills``) both work this way.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NotRequired, TypedDict

from .cost import Workload, dstr, parse_at, price_workload
from .errors import InputError, PriceError
from .forms import form_number
from .present import money_json as _money
from .pricing import Model, Pricing, UnknownModelError, load_pricing
from .recommend import DAYS_PER_MONTH, ZERO_TOKENS, TokenRange, cache_hit_rate, estimate_tokens

__all__ = [
    "CLAUDE_MD_WARN_TOKENS",
    "DESCRIPTION_MAX_CHARS",
    "DESCRIPTION_WARN_CHARS",
    "KINDS",
    "LOADING_RULES",
    "SkillsReport",
    "analyse",
    "bridge_skills",
    "bridge_skills_plan",
    "parse_frontmatter",
    "plan_reads",
    "prerender_html",
]

KINDS = ("claude-md", "skill", "command", "agent", "mcp-tools", "other")

#: A CLAUDE.md (or rule, or imported file) loaded in full above this many tokens (older tokenizer, middle of
#: the estimate; about 8,000 characters of English) is flagged: every turn pays for all of it. Our threshold.
CLAUDE_MD_WARN_TOKENS = 2_000
#: A skill, command or agent description longer than this many characters is flagged (our threshold: one or
#: two sentences that say what it does and when to use it fit well within it) ...
DESCRIPTION_WARN_CHARS = 300
#: ... and one longer than this breaks the Agent Skills format's limit on ``description``.
DESCRIPTION_MAX_CHARS = 1024
#: Lines shorter than this (after normalising) are not compared when looking for repeated instructions.
DUPLICATE_MIN_CHARS = 30
#: Imports are followed this many levels deep.
IMPORT_DEPTH = 5

#: Limits: paths listed, files read, characters kept per file (the rest is cut and the item says so).
MAX_PATHS = 200_000
MAX_READ_FILES = 3_000
MAX_FILE_CHARS = 1_000_000
MAX_TOTAL_CHARS = 30_000_000

#: Folders never looked into.
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache",
             ".ruff_cache", ".hg", ".svn", ".idea", ".gradle", ".next", ".nuxt", "target", ".terraform"}
#: Folders of a user's ~/.claude that hold logs and state, not context.
_STATE_DIRS = {"projects", "todos", "shell-snapshots", "statsig", "logs", "ide", "file-history", "debug",
               "session-env", "local", "cache"}

SOURCES = {
    "memory": "https://code.claude.com/docs/en/memory",
    "skills": "https://code.claude.com/docs/en/skills",
    "sub-agents": "https://code.claude.com/docs/en/sub-agents",
    "mcp": "https://code.claude.com/docs/en/mcp",
    "features": "https://code.claude.com/docs/en/features-overview",
    "agent-skills": "https://platform.claude.com/docs/en/agents-and-tools/agent-skills/overview",
}

#: The loading rules this tool applies, each with the page it was checked against.
LOADING_RULES = (
    {"kind": "claude-md", "always": "CLAUDE.md and CLAUDE.local.md in the project folder (and the folders above "
                                    "it), .claude/CLAUDE.md, and .claude/rules/*.md without a paths field",
     "on_demand": "a CLAUDE.md in a subfolder (when Claude works on files there); rules with paths (when "
                  "Claude works on matching files)", "source": SOURCES["memory"]},
    {"kind": "skill", "always": "the name and description from SKILL.md's frontmatter (not for skills with "
                                "disable-model-invocation: true)",
     "on_demand": "the body of SKILL.md, and files it refers to, when the skill is used",
     "source": SOURCES["skills"]},
    {"kind": "command", "always": "the command's description (frontmatter, else its first line)",
     "on_demand": "the body, when the command runs", "source": SOURCES["skills"]},
    {"kind": "agent", "always": "the subagent's name and description",
     "on_demand": "the body: the subagent's own system prompt, in its own context", "source": SOURCES["sub-agents"]},
    {"kind": "mcp-tools", "always": "with tool search (the default): the tool names; without it: every tool "
                                    "definition",
     "on_demand": "with tool search: a tool's full definition when Claude looks it up", "source": SOURCES["mcp"]},
)

_DEFAULT_TURNS_PER_DAY = 200
_DEFAULT_GAP_MINUTES = 1
DEFAULT_INPUTS = {"turns_per_day": _DEFAULT_TURNS_PER_DAY, "gap_minutes": _DEFAULT_GAP_MINUTES, "model": "sonnet", "mcp_tool_search": True,
                  "mcp_tokens": "", "at": ""}

# ----------------------------------------------------------------------------------------------------------
# Paths
# ----------------------------------------------------------------------------------------------------------

_SKILL = re.compile(r"^\.claude/(?:plugins/(?:[^/]+/)*?)?skills/([^/]+)/SKILL\.md$")
_SKILL_DIR = re.compile(r"^(\.claude/(?:plugins/(?:[^/]+/)*?)?skills/[^/]+)/(.+)$")
_COMMAND = re.compile(r"^\.claude/(?:plugins/(?:[^/]+/)*?)?commands/(.+)\.md$")
_AGENT = re.compile(r"^\.claude/(?:plugins/(?:[^/]+/)*?)?agents/(.+)\.md$")
_RULE = re.compile(r"^\.claude/rules/(.+)\.md$")
_MEMORY_NAMES = ("CLAUDE.md", "CLAUDE.local.md")
_OTHER = re.compile(r"^\.claude/(?:settings(?:\.local)?\.json|hooks/.+|output-styles/.+|statusline.*|"
                    r"keybindings\.json)$")


def _clean(path: str) -> str:
    p = str(path).replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p.lstrip("/")


def _claude_dir_mode(paths: Iterable[str], root_name: str) -> bool:
    """Whether the given folder is itself a ``.claude`` folder (or a plugin folder laid out like one)."""
    if root_name.rstrip("/").split("/")[-1] == ".claude":
        return True
    tops = {p.split("/", 1)[0] for p in paths if "/" in p}
    if ".claude" in tops:
        return False
    return bool(tops & {"skills", "commands", "agents", "rules"})


def _logical(path: str, claude_dir: bool) -> str:
    return ".claude/" + path if claude_dir else path


def _skipped(logical: str) -> bool:
    parts = logical.split("/")
    if any(p in SKIP_DIRS for p in parts[:-1]):
        return True
    return len(parts) > 2 and parts[0] == ".claude" and parts[1] in _STATE_DIRS


def _wanted(logical: str) -> bool:
    name = logical.rsplit("/", 1)[-1]
    if name in _MEMORY_NAMES or logical == ".mcp.json" or name.endswith(".tools.json"):
        return True
    if not logical.startswith(".claude/"):
        return False
    return bool(_SKILL_DIR.match(logical) or _COMMAND.match(logical) or _AGENT.match(logical)
                or _RULE.match(logical) or logical in (".claude/settings.json", ".claude/settings.local.json"))


def plan_reads(paths: Iterable[str], root_name: str = "") -> dict:
    """Which of a folder's files to read (the others are only counted).

    Returns ``{"read": [paths], "listed": n, "skipped": n, "too_many": bool}``; ``read`` keeps the caller's
    spelling of each path and holds at most :data:`MAX_READ_FILES` paths.
    """
    cleaned = [_clean(p) for p in paths]
    if len(cleaned) > MAX_PATHS:
        cleaned = cleaned[:MAX_PATHS]
    claude_dir = _claude_dir_mode(cleaned, root_name)
    read, skipped = [], 0
    for p in cleaned:
        logical = _logical(p, claude_dir)
        if _skipped(logical):
            skipped += 1
        elif _wanted(logical):
            read.append(p)
    read.sort(key=lambda p: (p.rsplit("/", 1)[-1] not in _MEMORY_NAMES, p.count("/"), p))
    too_many = len(read) > MAX_READ_FILES
    return {"read": read[:MAX_READ_FILES], "listed": len(cleaned), "skipped": skipped, "too_many": too_many}


# ----------------------------------------------------------------------------------------------------------
# Frontmatter
# ----------------------------------------------------------------------------------------------------------


def parse_frontmatter(text: str) -> tuple[dict | None, str, str]:
    """``(fields, body, problem)`` of a Markdown file with YAML frontmatter.

    Only the YAML that frontmatter uses is understood: ``key: value`` (plain, quoted, or folded ``>`` and
    literal ``|`` blocks, and plain values continued on indented lines) and lists of ``- item`` lines.
    ``fields`` is ``None`` when the file has no frontmatter; ``problem`` says what is wrong with one that
    cannot be read (it is then treated as absent).
    """
    stripped = text.lstrip("\ufeff")
    lines = stripped.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text, ""
    end = next((k for k in range(1, len(lines)) if lines[k].rstrip() in ("---", "...")), None)
    if end is None:
        return None, text, "the frontmatter's closing --- is missing"
    fields: dict = {}
    raw = [ln.rstrip("\r") for ln in lines[1:end]]
    body = "\n".join(lines[end + 1:])
    k = 0
    while k < len(raw):
        line = raw[k]
        k += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z0-9_][\w.-]*)\s*:(?:\s+(.*))?$|^([A-Za-z0-9_][\w.-]*)\s*:$", line)
        if m is None or line[:1] in (" ", "\t"):
            continue
        key = m.group(1) or m.group(3)
        value = (m.group(2) or "").strip()
        block: list[str] = []
        while k < len(raw) and (raw[k][:1] in (" ", "\t") or not raw[k].strip()):
            block.append(raw[k])
            k += 1
        while block and not block[-1].strip():
            block.pop()
        if value[:1] in (">", "|"):
            texts = [b.strip() for b in block]
            fields[key] = (" ".join(t for t in texts if t) if value[0] == ">" else "\n".join(texts)).strip()
        elif not value and block and block[0].strip().startswith("- "):
            fields[key] = [_scalar(b.strip()[2:]) for b in block if b.strip().startswith("- ")]
        elif value.startswith("[") and value.endswith("]"):
            fields[key] = [_scalar(x.strip()) for x in value[1:-1].split(",") if x.strip()]
        else:
            joined = " ".join([value, *(b.strip() for b in block)]).strip()
            fields[key] = _scalar(joined)
    return fields, body, ""


def _scalar(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        inner = v[1:-1]
        return inner.replace("''", "'") if v[0] == "'" else inner.replace('\\"', '"').replace("\\n", "\n")
    if " #" in v:
        v = v.split(" #", 1)[0].rstrip()
    return v


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("true", "yes", "on", "1")


# ----------------------------------------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Item:
    path: str
    kind: str
    loads: str                      # "always", "on demand", "not counted" (MCP server without a tool list),
    #                                 "not loaded"
    always: TokenRange = ZERO_TOKENS
    on_demand: TokenRange = ZERO_TOKENS
    detail: str = ""
    name: str | None = None
    description: str | None = None
    always_text: str = ""           # the text counted as always loaded (for duplicate checks)
    warnings: list | None = None
    exact: bool = False             # always-loaded figure given by the user, not estimated

    def warn(self, wid: str, message: str, saving: int = 0) -> None:
        if self.warnings is None:
            self.warnings = []
        self.warnings.append({"id": wid, "message": message, "saving_tokens": max(0, saving)})

    def to_json(self) -> dict:
        out = {"path": self.path, "kind": self.kind, "loads": self.loads,
               "always_tokens": self.always.mid, "on_demand_tokens": self.on_demand.mid,
               "always_range": self.always.to_json(), "on_demand_range": self.on_demand.to_json(),
               "detail": self.detail, "warnings": list(self.warnings or [])}
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        return out


def _decode(value: object) -> tuple[str | None, str]:
    """(text, problem): bytes are read as UTF-8; a binary file gives (None, why)."""
    if value is None:
        return None, "not read"
    if isinstance(value, bytes | bytearray):
        if b"\x00" in value[:8192]:
            return None, "a binary file"
        text = bytes(value).decode("utf-8-sig", errors="replace")
    elif isinstance(value, str):
        text = value.lstrip("\ufeff")
        if "\x00" in text[:8192]:
            return None, "a binary file"
    else:
        return None, "not text"
    bad = text.count("\ufffd")
    if bad and bad * 20 > len(text):
        return None, "not UTF-8 text (a binary file?)"
    return text.replace("\r\n", "\n"), ""


def _first_paragraph(body: str) -> str:
    out: list[str] = []
    for line in body.strip().split("\n"):
        s = line.strip()
        if not s:
            if out:
                break
            continue
        if s.startswith("#") and not out:
            continue
        out.append(s)
    return " ".join(out)


def _first_line(body: str) -> str:
    for line in body.split("\n"):
        s = line.strip().lstrip("#").strip()
        if s:
            return s
    return ""


_IMPORT = re.compile(r"(?<![\w@`/])@((?:~/|\.{1,2}/|/)?[\w.~-][\w.\-/~]*)")
_FILE_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def _imports(text: str) -> list[str]:
    """``@path`` imports of a memory file, outside code blocks and inline code."""
    found: list[str] = []
    fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        bare = re.sub(r"`[^`]*`", "", line)
        for m in _IMPORT.finditer(bare):
            target = m.group(1).rstrip(".,;:)")
            if "/" in target or _FILE_EXT.search(target):
                found.append(target)
    return list(dict.fromkeys(found))


def _resolve(importer: str, target: str) -> str | None:
    if target.startswith("~/") or target.startswith("/"):
        return None
    base = posixpath.dirname(importer)
    joined = posixpath.normpath(posixpath.join(base, target))
    return None if joined.startswith("..") else joined


def _norm_line(line: str) -> str:
    s = line.strip()
    s = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", s)
    return " ".join(s.lower().split())


# ----------------------------------------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------------------------------------


class _CostRow(TypedDict):
    """One model's row of the report's ``costs``."""
    model: str
    model_name: str
    availability: str
    tokens: int
    monthly_uncached: dict
    monthly_cached: dict
    per_turn_uncached: dict
    per_turn_cached: dict
    saving_uncached: dict
    saving_cached: dict
    selected: bool
    note: NotRequired[str]


@dataclass
class SkillsReport:
    data: dict

    @property
    def always_tokens_total(self) -> int:
        return self.data["always_tokens_total"]

    @property
    def need(self) -> list[str]:
        return self.data["need"]

    def to_json(self) -> dict:
        return self.data


def analyse(files: Mapping[str, object], *, paths: Iterable[str] | None = None, root_name: str = "",
            turns_per_day: object = DEFAULT_INPUTS["turns_per_day"],
            gap_minutes: object = DEFAULT_INPUTS["gap_minutes"], model: str = "sonnet",
            mcp_tool_search: bool = True, mcp_tokens: object = 0, at: object,
            pricing: Pricing | None = None) -> SkillsReport:
    """Sort a folder's files into what Claude Code loads always and on demand, and price the always part.

    Args:
        files: relative path -> content (``bytes`` or ``str``; ``None`` for a file listed but not read).
        paths: every path of the folder, read or not (default: the keys of ``files``).
        root_name: the folder's own name (``.claude`` marks a ``.claude`` folder).
        turns_per_day: model requests per day that carry this context (each tool-use step is one).
        gap_minutes: typical gap between them, for the prompt cache's hit rate (5-minute TTL).
        model: the model the per-warning savings are priced on (id, alias or family shortcut).
        mcp_tool_search: Claude Code's MCP tool search is on (only tool names load up front).
        mcp_tokens: MCP tool-definition tokens to add (for example the figure ``/context`` shows).
        at: the day whose prices apply.

    Raises:
        InputError: bad numbers, an unknown model, or a folder with nothing Claude Code loads.
    """
    pricing = pricing or load_pricing()
    day = parse_at(at)
    errors: list[tuple[str, str]] = []
    turns = form_number(turns_per_day, "turns_per_day", "turns per day", errors, hi=10**7,
                        default=Decimal(_DEFAULT_TURNS_PER_DAY))
    gap = form_number(gap_minutes, "gap_minutes", "the gap between turns", errors, hi=10**6,
                      default=Decimal(_DEFAULT_GAP_MINUTES))
    extra = form_number(mcp_tokens, "mcp_tokens", "MCP tool tokens", errors, hi=10**7, whole=True, default=Decimal(0))
    chosen: Model | None = None
    try:
        chosen = pricing.model(str(model or "sonnet"))
        if chosen.period_at(day) is None:
            errors.append(("model", f"{chosen.name} has no price on {day}"))
    except UnknownModelError as exc:
        errors.append(("model", str(exc)))
    if errors:
        raise InputError(errors)
    assert chosen is not None  # pricing.model() either returned a model or added an error (raised above)

    given = {_clean(k): v for k, v in files.items()}
    all_paths = list(dict.fromkeys([*(_clean(p) for p in (paths or [])), *given]))
    if not all_paths:
        raise InputError("the folder is empty: choose a project folder (with CLAUDE.md or .claude/) or a .claude "
                         "folder", "folder")
    claude_dir = _claude_dir_mode(all_paths, root_name)
    logical_of = {p: _logical(p, claude_dir) for p in all_paths}
    by_logical = {logical_of[p]: p for p in all_paths}
    texts: dict[str, str] = {}
    notes: list[str] = []
    unreadable: list[str] = []
    total_chars = 0
    for p, value in given.items():
        lp = logical_of[p]
        if value is None:
            continue
        text, problem = _decode(value)
        if text is None:
            if _wanted(lp) and not _skipped(lp):
                unreadable.append(f"{p} ({problem})")
            continue
        if len(text) > MAX_FILE_CHARS:
            notes.append(f"{p} is {len(text):,} characters; only its first {MAX_FILE_CHARS:,} were counted")
            text = text[:MAX_FILE_CHARS]
        if total_chars + len(text) > MAX_TOTAL_CHARS:
            notes.append(f"{p} and later files were not counted: the files read passed {MAX_TOTAL_CHARS:,} "
                         f"characters, this tool's limit")
            break
        total_chars += len(text)
        texts[lp] = text

    items: list[Item] = []
    need: list[str] = []

    def show(lp: str) -> str:
        return by_logical.get(lp, lp)

    # --- memory files: CLAUDE.md, CLAUDE.local.md, rules, and what they import --------------------------
    memory: list[tuple[str, Item]] = []
    for lp in sorted(texts):
        name = lp.rsplit("/", 1)[-1]
        folder = posixpath.dirname(lp)
        if _skipped(lp):
            continue
        if name in _MEMORY_NAMES:
            always = folder in ("", ".claude")
            it = Item(show(lp), "claude-md", "always" if always else "on demand")
            t = estimate_tokens(texts[lp])
            if always:
                it.always, it.always_text = t, texts[lp]
                it.detail = "loaded in full at the start of every session"
            else:
                it.on_demand = t
                it.detail = f"loaded when Claude works on files in {show(folder)}/"
            memory.append((lp, it))
        elif _RULE.match(lp):
            fm, body, _ = parse_frontmatter(texts[lp])
            paths_field = fm.get("paths") if fm else None
            limited = bool(paths_field)
            it = Item(show(lp), "claude-md", "on demand" if limited else "always")
            t = estimate_tokens(texts[lp])
            if limited:
                globs = paths_field if isinstance(paths_field, list) else [paths_field]
                it.on_demand = t
                it.detail = "rule loaded when Claude works on files matching " + ", ".join(map(str, globs[:4]))
            else:
                it.always, it.always_text = t, texts[lp]
                it.detail = "rule loaded in full at the start of every session"
            memory.append((lp, it))
    imported: set[str] = set()
    frontier = [(lp, it, 1) for lp, it in memory]
    while frontier:
        lp, parent, depth = frontier.pop(0)
        for target in _imports(texts.get(lp, "")):
            resolved = _resolve(lp, target)
            if resolved is None:
                continue
            if resolved not in texts:
                if resolved in by_logical and by_logical[resolved] not in given:
                    need.append(by_logical[resolved])
                elif resolved not in by_logical and _FILE_EXT.search(resolved):
                    parent.detail += f"; imports @{target}, which is not in this folder"
                continue
            if resolved in imported or any(m == resolved for m, _ in memory):
                continue
            imported.add(resolved)
            always = parent.loads == "always"
            it = Item(show(resolved), "claude-md", parent.loads)
            t = estimate_tokens(texts[resolved])
            if always:
                it.always, it.always_text = t, texts[resolved]
            else:
                it.on_demand = t
            it.detail = f"imported by {parent.path} (@{target}): loaded with it"
            memory.append((resolved, it))
            if depth < IMPORT_DEPTH:
                frontier.append((resolved, it, depth + 1))
    items.extend(it for _, it in memory)

    # --- skills -------------------------------------------------------------------------------------------
    skill_dirs: dict[str, list[str]] = {}
    for lp in all_paths:
        lgc = logical_of[lp]
        dir_match = _SKILL_DIR.match(lgc)
        if dir_match and not _skipped(lgc):
            skill_dirs.setdefault(dir_match.group(1), []).append(dir_match.group(2))
    for sdir in sorted(skill_dirs):
        members = skill_dirs[sdir]
        skill_md = f"{sdir}/SKILL.md"
        folder_name = sdir.rsplit("/", 1)[-1]
        if skill_md not in texts:
            it = Item(show(sdir) + "/", "skill", "not loaded", name=folder_name)
            if "SKILL.md" in members:
                it.detail = "SKILL.md could not be read"
                it.warn("unreadable", "SKILL.md could not be read as text, so nothing of this skill was counted")
            else:
                it.detail = "no SKILL.md: Claude Code does not load this folder as a skill"
                it.warn("no-skill-md", "this folder has no SKILL.md, so it is not a skill; add one with a name and "
                                       "a description, or move the files out of skills/")
            items.append(it)
            continue
        items.append(_skill_item(sdir, members, texts, show))

    # --- commands and agents -----------------------------------------------------------------------------
    for lp in sorted(texts):
        if _skipped(lp):
            continue
        cm, am = _COMMAND.match(lp), _AGENT.match(lp)
        if cm:
            items.append(_command_item(lp, cm.group(1), texts[lp], show))
        elif am:
            items.append(_agent_item(lp, am.group(1), texts[lp], show))

    # --- MCP ------------------------------------------------------------------------------------------------
    items.extend(_mcp_items(texts, show, mcp_tool_search))
    if extra:
        n = int(extra)
        items.append(Item("(MCP tool definitions, entered)", "mcp-tools", "always", TokenRange(n, n),
                          detail="the figure you entered (for example from /context), counted as is", exact=True))

    # --- other Claude Code files -------------------------------------------------------------------------
    for lp in sorted(logical_of.values()):
        if _OTHER.match(lp) and not _skipped(lp):
            items.append(Item(show(lp), "other", "not loaded",
                              detail="read by Claude Code itself (settings, hooks, styles); not sent as context"))

    recognised = [it for it in items if it.kind != "other"]
    if not recognised:
        where = "this folder"
        if items:
            raise InputError(f"{where} has only settings files ({', '.join(it.path for it in items[:3])}), which "
                             f"Claude Code reads itself: nothing in it is sent to the model as context", "folder")
        hint = f" ({len(unreadable)} could not be read: {', '.join(unreadable[:3])})" if unreadable else ""
        raise InputError(f"nothing Claude Code loads was found in {where}{hint}: choose a project folder (with "
                         f"CLAUDE.md or .claude/), a .claude folder, or a folder of skills", "folder")

    for unread in unreadable:
        notes.append(f"{unread}: not counted")
    _duplicates(items)
    _size_warnings(items)

    order = {k: n for n, k in enumerate(KINDS)}
    load_order = {"always": 0, "on demand": 1, "not counted": 2, "not loaded": 3}
    items.sort(key=lambda it: (order[it.kind], load_order[it.loads], it.path))
    always_total = sum((it.always for it in items), ZERO_TOKENS)
    demand_total = sum((it.on_demand for it in items), ZERO_TOKENS)
    saved_tokens = sum(w["saving_tokens"] for it in items for w in (it.warnings or []))

    per_month = turns * DAYS_PER_MONTH
    hit = cache_hit_rate(5, gap, turns)
    costs: list[_CostRow] = []
    for m in pricing.current_models(day):
        tokens = _scale(always_total, m, pricing)
        saved = _scale(TokenRange(saved_tokens, saved_tokens), m, pricing)
        u, c = _monthly(m, tokens, per_month, hit, day, pricing)
        su, sc = _monthly(m, saved, per_month, hit, day, pricing)
        row: _CostRow = {
            "model": m.id, "model_name": m.name, "availability": m.availability, "tokens": tokens,
            "monthly_uncached": _money(u), "monthly_cached": _money(c),
            "per_turn_uncached": _money(u / per_month if per_month else Decimal(0)),
            "per_turn_cached": _money(c / per_month if per_month else Decimal(0)),
            "saving_uncached": _money(su), "saving_cached": _money(sc), "selected": m.id == chosen.id}
        if m.availability not in ("", "general"):
            row["note"] = f"{m.availability} availability"
        costs.append(row)
    costs.sort(key=lambda r: (Decimal(r["monthly_uncached"]["usd"]), r["model"]))
    for it in items:
        for w in it.warnings or []:
            n = _scale(TokenRange(w["saving_tokens"], w["saving_tokens"]), chosen, pricing)
            u, c = _monthly(chosen, n, per_month, hit, day, pricing)
            w["saving_monthly"] = {"uncached": _money(u), "cached": _money(c)}

    counts = {k: sum(1 for it in items if it.kind == k) for k in KINDS}
    data = {
        "at": day.isoformat(),
        "pricing_checked": pricing.last_checked.isoformat(),
        "root": root_name,
        "layout": "a .claude folder" if claude_dir else "a project folder",
        "items": [it.to_json() for it in items],
        "counts": counts,
        "always_tokens_total": always_total.mid,
        "on_demand_tokens_total": demand_total.mid,
        "always_range": always_total.to_json(),
        "on_demand_range": demand_total.to_json(),
        "warnings_total": sum(len(it.warnings or []) for it in items),
        "tokens_saved_total": saved_tokens,
        "workload": {"turns_per_day": dstr(turns), "gap_minutes": dstr(gap), "turns_per_month": dstr(per_month),
                     "cache_hit_rate": dstr(hit), "days_per_month": DAYS_PER_MONTH,
                     "mcp_tool_search": bool(mcp_tool_search)},
        "selected_model": {"id": chosen.id, "name": chosen.name},
        "costs": costs,
        "files": {"listed": len(all_paths), "read": len(texts),
                  "not_loaded": len(all_paths) - len(texts)},
        "need": sorted(set(need)),
        "notes": notes,
        "token_note": ("Estimates from the characters of each file (the Prompt-Pricing Recommender's method), for "
                       "the older tokenizer; each model's figure applies its own tokenizer (about "
                       f"{_pct(pricing.tokenizer_inflation - 1)} more on the newer one). Claude Code's own system "
                       f"prompt and built-in tools come on top of these and are not counted."),
        "rules": list(LOADING_RULES),
    }
    return SkillsReport(data)


def _skill_item(sdir: str, members: list[str], texts: dict[str, str], show) -> Item:
    skill_md = f"{sdir}/SKILL.md"
    text = texts[skill_md]
    fm, body, problem = parse_frontmatter(text)
    folder_name = sdir.rsplit("/", 1)[-1]
    it = Item(show(skill_md), "skill", "always")
    if fm is None:
        desc = _first_paragraph(body)
        it.name, it.description = folder_name, desc
        it.warn("no-frontmatter", ("SKILL.md has no frontmatter" if not problem else f"SKILL.md: {problem}")
                + ": add `name` and `description` between --- lines so Claude knows what the skill is for and "
                  "when to use it (its first paragraph was counted as the description)")
    else:
        it.name = str(fm.get("name") or folder_name)
        desc_field = fm.get("description")
        desc = " ".join(desc_field) if isinstance(desc_field, list) else str(desc_field or "")
        it.description = desc
        if not desc:
            it.warn("no-description", "the frontmatter has no description: Claude decides when to use a skill "
                                      "from its description, so without one it is rarely used")
    model_invocable = not (fm and _truthy(fm.get("disable-model-invocation")))
    listed = f"{it.name}: {it.description}" if it.description else it.name
    if model_invocable:
        it.always = estimate_tokens(listed)
        it.always_text = it.description or ""
        it.detail = "name and description always loaded; the body when the skill is used"
    else:
        it.loads = "on demand"
        it.detail = "disable-model-invocation: only you can run it, so its description is not loaded"
    demand = estimate_tokens(body)
    others = sorted(m for m in members if m != "SKILL.md")
    referenced, unreferenced, unreadable = [], [], []
    for rel in others:
        lp = f"{sdir}/{rel}"
        mentioned = rel in body or f"./{rel}" in body
        if not mentioned:
            unreferenced.append(rel)
        elif lp in texts:
            referenced.append(rel)
            demand = demand + estimate_tokens(texts[lp])
        else:
            unreadable.append(rel)
    it.on_demand = demand
    bits = []
    if referenced:
        bits.append(f"refers to {', '.join(referenced[:5])}" + (" …" if len(referenced) > 5 else "")
                    + " (counted on demand)")
    if unreferenced:
        bits.append(f"{len(unreferenced)} other file(s) SKILL.md does not mention (not counted)")
    if unreadable:
        bits.append(f"{len(unreadable)} mentioned file(s) not read as text (not counted)")
    if bits:
        it.detail += "; " + "; ".join(bits)
    _description_warnings(it)
    return it


def _command_item(lp: str, rel: str, text: str, show) -> Item:
    fm, body, _ = parse_frontmatter(text)
    name = rel.replace("/", ":")
    desc = str((fm or {}).get("description") or "") or _first_line(body)
    it = Item(show(lp), "command", "always", name="/" + name, description=desc)
    if fm and _truthy(fm.get("disable-model-invocation")):
        it.loads = "on demand"
        it.detail = "disable-model-invocation: only you can run it, so its description is not loaded"
    else:
        it.always = estimate_tokens(f"/{name}: {desc}")
        it.always_text = desc
        it.detail = "description always listed; the body when the command runs"
    it.on_demand = estimate_tokens(body)
    _description_warnings(it)
    return it


def _agent_item(lp: str, rel: str, text: str, show) -> Item:
    fm, body, problem = parse_frontmatter(text)
    name = str((fm or {}).get("name") or rel.rsplit("/", 1)[-1])
    desc = str((fm or {}).get("description") or "")
    it = Item(show(lp), "agent", "always", name=name, description=desc)
    if fm is None or not desc:
        it.warn("no-frontmatter", ("no frontmatter" if fm is None else "no description in the frontmatter")
                + (f" ({problem})" if problem else "")
                + ": a subagent needs `name` and `description` so Claude knows when to delegate to it")
    it.always = estimate_tokens(f"{name}: {desc}") if desc else estimate_tokens(name)
    it.always_text = desc
    it.on_demand = estimate_tokens(body)
    it.detail = "name and description always loaded; the body is the subagent's system prompt, in its own context"
    _description_warnings(it)
    return it


def _tool_list(data: object) -> list[dict] | None:
    if isinstance(data, dict):
        result = data.get("result")
        data = (result if isinstance(result, dict) else data).get("tools")
    if isinstance(data, list) and data and all(isinstance(t, dict) and t.get("name") for t in data):
        return data
    return None


def _mcp_items(texts: dict[str, str], show, tool_search: bool) -> list[Item]:
    items: list[Item] = []
    lists: dict[str, tuple[str, list[dict]]] = {}
    for lp in sorted(texts):
        if lp.endswith(".tools.json") and not _skipped(lp):
            try:
                tools = _tool_list(json.loads(texts[lp]))
            except ValueError:
                tools = None
            if tools is None:
                it = Item(show(lp), "mcp-tools", "not loaded",
                          detail="not a tool list (expected the JSON of an MCP tools/list result)")
                it.warn("not-a-tool-list", "expected a JSON object with a `tools` array (an MCP tools/list "
                                           "result) or an array of tools with names")
                items.append(it)
                continue
            server = lp.rsplit("/", 1)[-1][:-len(".tools.json")]
            lists[server] = (lp, tools)
    servers: list[str] = []
    if ".mcp.json" in texts:
        try:
            config = json.loads(texts[".mcp.json"])
            servers = sorted((config.get("mcpServers") or {}).keys()) if isinstance(config, dict) else []
        except (ValueError, AttributeError):
            it = Item(show(".mcp.json"), "mcp-tools", "not loaded", detail="not valid JSON")
            it.warn("bad-json", ".mcp.json is not valid JSON, so Claude Code cannot start its servers")
            items.append(it)
    for server in servers:
        if server in lists:
            continue
        items.append(Item(f"{show('.mcp.json')} → {server}", "mcp-tools", "not counted",
                          detail=f"server {server!r}: its tool definitions come from the server when it runs; save "
                                 f"its tools/list result as {server}.tools.json here, or enter the MCP figure "
                                 f"/context shows, to count them"))
    for server, (lp, tools) in sorted(lists.items()):
        names = " ".join(str(t["name"]) for t in tools)
        full = sum((estimate_tokens(json.dumps(t, separators=(",", ":"), ensure_ascii=False)) for t in tools),
                   ZERO_TOKENS)
        it = Item(show(lp), "mcp-tools", "always", name=server)
        if tool_search:
            it.always = estimate_tokens(names)
            it.on_demand = full
            it.detail = (f"{len(tools)} tool(s); with tool search only their names load up front, a definition "
                         f"when Claude looks it up")
        else:
            it.always = full
            it.detail = f"{len(tools)} tool definition(s), all loaded up front (tool search off)"
        items.append(it)
    return items


def _description_warnings(it: Item) -> None:
    desc = it.description or ""
    if it.loads != "always" or len(desc) <= DESCRIPTION_WARN_CHARS:
        return
    cut = estimate_tokens(f"{it.name}: {desc[:DESCRIPTION_WARN_CHARS]}")
    saving = it.always.mid - cut.mid
    if len(desc) > DESCRIPTION_MAX_CHARS:
        it.warn("description-too-long", f"the description is {len(desc):,} characters, over the Agent Skills "
                                        f"limit of {DESCRIPTION_MAX_CHARS:,}; it is loaded every turn: cut it to "
                                        f"one or two sentences (about {DESCRIPTION_WARN_CHARS} characters) and "
                                        f"move details into the body", saving)
    else:
        it.warn("long-description", f"the description is {len(desc):,} characters and loaded every turn: one or "
                                    f"two sentences (about {DESCRIPTION_WARN_CHARS} characters) saying what it "
                                    f"does and when to use it are enough; move the rest into the body", saving)


def _size_warnings(items: list[Item]) -> None:
    for it in items:
        if it.kind == "claude-md" and it.loads == "always" and it.always.mid > CLAUDE_MD_WARN_TOKENS:
            it.warn("large-claude-md", f"about {it.always.mid:,} tokens loaded every turn, over this tool's "
                                       f"{CLAUDE_MD_WARN_TOKENS:,}-token guide: move procedures into skills (their "
                                       f"bodies load only when used) and subfolder CLAUDE.md files",
                    it.always.mid - CLAUDE_MD_WARN_TOKENS)


def _duplicates(items: list[Item]) -> None:
    """Lines of always-loaded memory files (and descriptions) that repeat an earlier file's line."""
    seen: dict[str, str] = {}
    # Top-level memory files first, then what they import, then rules: a repeat is flagged on the later file.
    ranked = sorted(items, key=lambda it: ("/rules/" in it.path, "imported by" in it.detail, it.path.count("/"),
                                           it.path))
    for it in ranked:
        if it.loads != "always" or it.kind not in ("claude-md",) or not it.always_text:
            continue
        repeats: list[str] = []
        mine: set[str] = set()
        fence = False
        for line in it.always_text.split("\n"):
            if line.lstrip().startswith(("```", "~~~")):
                fence = not fence
                continue
            key = _norm_line(line)
            if fence or len(key) < DUPLICATE_MIN_CHARS or key.startswith("#") or not re.search(r"[a-z]", key):
                continue
            if key in seen and seen[key] != it.path and key not in mine:
                repeats.append(line.strip())
            elif key not in seen:
                seen[key] = it.path
            mine.add(key)
        if repeats:
            first = next(seen[_norm_line(r)] for r in repeats)
            saving = estimate_tokens("\n".join(repeats)).mid
            sample = repeats[0] if len(repeats[0]) <= 90 else repeats[0][:87] + "…"
            it.warn("duplicate-instructions", f"{len(repeats)} line(s) repeat what {first} already says (for "
                                              f"example “{sample}”); both copies load every turn: keep one",
                    saving)


def _scale(t: TokenRange, m: Model, pricing: Pricing) -> int:
    return t.scaled(pricing.tokenizer_inflation if m.new_tokenizer else Decimal(1)).mid


def _monthly(m: Model, tokens: int, per_month: Decimal, hit: Decimal, day: _dt.date,
             pricing: Pricing) -> tuple[Decimal, Decimal]:
    """(uncached, cached) monthly cost of ``tokens`` sent with every one of ``per_month`` requests."""
    if tokens <= 0 or per_month <= 0:
        return Decimal(0), Decimal(0)
    plain = price_workload(m, Workload(per_month, tokens, 0), at=day, pricing=pricing).monthly
    cached = price_workload(m, Workload(per_month, tokens, 0, tokens, hit, "5m"), at=day, pricing=pricing).monthly
    return plain, cached


def _pct(share: Decimal) -> str:
    value = (share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{dstr(value)}%"


# ----------------------------------------------------------------------------------------------------------
# The browser bridge
# ----------------------------------------------------------------------------------------------------------


def _options(inputs: dict) -> dict:
    search = inputs.get("mcp_tool_search", True)
    if isinstance(search, str):
        search = search.strip().lower() not in ("", "0", "false", "off", "no")
    return {"turns_per_day": inputs.get("turns_per_day", DEFAULT_INPUTS["turns_per_day"]),
            "gap_minutes": inputs.get("gap_minutes", DEFAULT_INPUTS["gap_minutes"]),
            "model": str(inputs.get("model") or "sonnet"), "mcp_tool_search": bool(search),
            "mcp_tokens": inputs.get("mcp_tokens") or 0}


def _day(inputs: dict, today: _dt.date) -> _dt.date:
    at = inputs.get("at") or None
    if at is None:
        return today
    try:
        return parse_at(at)
    except PriceError as exc:
        raise InputError([("at", str(exc))]) from None


def bridge_skills_plan(inputs: dict, today: _dt.date) -> dict:
    """Step 1 in the browser: ``{paths, root_name}`` in, the paths worth reading out."""
    paths = inputs.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise InputError("paths must be a list of file paths", "paths")
    return plan_reads(paths, str(inputs.get("root_name") or ""))


def bridge_skills(inputs: dict, today: _dt.date) -> dict:
    """Step 2 in the browser: ``{files: {path: text}, paths, root_name, turns_per_day, ...}`` in, the report
    out (its ``need`` lists imported files to read and send in another call)."""
    files = inputs.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) or v is None for v in files.values()):
        raise InputError("files must map each path to its text", "files")
    paths = inputs.get("paths") or []
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise InputError("paths must be a list of file paths", "paths")
    day = _day(inputs, today)
    return analyse(files, paths=paths, root_name=str(inputs.get("root_name") or ""), **_options(inputs),
                   at=day).to_json()


def prerender_html(name: str, inputs: dict, result: dict) -> str:
    """The key figures as static HTML, shown before Python loads (and without JavaScript)."""
    if name != "skills":
        return ""
    e = html.escape
    sel = next((c for c in result["costs"] if c["selected"]), result["costs"][0] if result["costs"] else None)
    rows = "".join(
        f"<tr><td><code>{e(it['path'])}</code></td><td>{e(it['kind'])}</td><td>{it['always_tokens']:,}</td>"
        f"<td>{it['on_demand_tokens']:,}</td><td>{len(it['warnings'])}</td></tr>" for it in result["items"])
    money = ""
    if sel:
        money = (f' On {e(sel["model_name"])}, at {e(result["workload"]["turns_per_day"])} turns a day, that is '
                 f'<strong data-testid="monthly-cached" data-value="{e(sel["monthly_cached"]["usd"])}">'
                 f'{e(sel["monthly_cached"]["display"])}</strong> a month read from the cache, '
                 f'<strong data-testid="monthly-uncached" data-value="{e(sel["monthly_uncached"]["usd"])}">'
                 f'{e(sel["monthly_uncached"]["display"])}</strong> uncached.')
    return (f'<p>Always loaded: <strong data-testid="always-total" data-value="{result["always_tokens_total"]}">'
            f'about {result["always_tokens_total"]:,} tokens</strong> every turn; on demand: about '
            f'{result["on_demand_tokens_total"]:,}.{money}</p>'
            f'<table><thead><tr><th>Path</th><th>Kind</th><th>Always</th><th>On demand</th><th>Warnings</th></tr>'
            f'</thead><tbody>{rows}</tbody></table>')
