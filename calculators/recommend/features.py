"""Feature detection: cue words in the instructions and structural patterns, each with its evidence."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from .rules import _LABELS, _STOPWORDS, _THRESHOLD, CUES
from .settings import _WINDOW, LONG_CONVERSATION_TURNS, LONG_DOCUMENT_TOKENS
from .tokens import _NON_ASCII_RUNS, _SCRIPTS, CharCounts, TokenRange, estimate_tokens

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*:?")
_CODE_LINE = re.compile(
    r"^[ \t]*(?:def |class |import |from [\w.]+ import |function |const |let |var |public |private |"
    r"protected |static |#include|package |func |fn |impl |return\b|if ?\(|for ?\(|while ?\(|"
    r"SELECT |@@ |diff --git|[+-]{3} [ab]/)|[;{}][ \t]*$",
    re.MULTILINE,
)
_CODE_EXT = ("py|js|mjs|ts|tsx|jsx|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|scala|sql|sh|yaml|yml|toml|"
             "json|html|css|scss|vue|svelte|tf|proto")
_PATH = re.compile(r"(?<![\w./-])[\w./-]{0,200}\.(?:" + _CODE_EXT + r")(?![\w])")
_PLACEHOLDER = re.compile(r"\{\{ ?[\w.]{1,40} ?\}\}|\$\{[\w.]{1,40}\}|<<[\w.]{1,40}>>")
_DOC_TAG = re.compile(r"<document[ >]|<doc[ >]|<article[ >]|<contract[ >]|<transcript[ >]", re.IGNORECASE)



@dataclass(frozen=True)
class Evidence:
    where: str
    text: str
    cue: str = ""
    #: Where in its segment the evidence sits (start, end), when it is a piece of the text: lets two pieces of
    #: one line be shown as one.
    span: tuple[int, int] | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        return {"where": self.where, "text": self.text}


@dataclass(frozen=True)
class Feature:
    """One thing noticed about the prompt, with the evidence that triggered it."""

    id: str
    label: str
    score: int
    evidence: tuple[Evidence, ...]
    detail: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "score": self.score, "detail": self.detail,
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class Segment:
    """A named piece of the prompt (system prompt, user message or tool definitions)."""

    name: str
    text: str
    counts: CharCounts
    tokens: TokenRange

    @classmethod
    def of(cls, name: str, text: str) -> Segment:
        counts = CharCounts.of(text)
        return cls(name, text, counts, estimate_tokens(text, counts))


class Features(dict):
    """Fired features by id."""

    def has(self, *ids: str) -> bool:
        return any(i in self for i in ids)

    def score(self, fid: str) -> int:
        f = self.get(fid)
        return f.score if f else 0


def _windows(text: str) -> list[tuple[int, str]]:
    if len(text) <= 2 * _WINDOW:
        return [(0, text)]
    return [(0, text[:_WINDOW]), (len(text) - _WINDOW, text[-_WINDOW:])]


def _where(seg: Segment, offset: int) -> str:
    return f"{seg.name}, line {seg.text.count(chr(10), 0, offset) + 1}"


def _snippet(text: str, start: int, end: int, pad: int = 30) -> str:
    a, b = max(0, start - pad), min(len(text), end + pad)
    piece = " ".join(text[a:b].split())
    return ("…" if a else "") + piece + ("…" if b < len(text) else "")


def _compile_cues() -> dict[str, list[tuple[tuple[str, ...], str, int]]]:
    """First word -> [(words, feature, weight)]; stems are kept with their trailing ``*``."""
    index: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
    for feature, cues in CUES.items():
        for phrase, weight in cues.items():
            words = tuple(phrase.split())
            first = words[0]
            key = first[:4] if first.endswith("*") else first
            index.setdefault(key, []).append((words, feature, weight))
    return index


_CUE_INDEX = _compile_cues()


def _word_matches(word: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern or (word.endswith(":") and word[:-1] == pattern) or (
        pattern.endswith(":") and word == pattern)


def _scan_cues(seg: Segment, found: dict[str, dict[str, Evidence]]) -> None:
    """Record each cue (once per feature) with where it was first seen."""
    for base, window in _windows(seg.text):
        seen: set[tuple[str, int]] = set()
        lower = window.lower()
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(lower)]
        for i, (word, start, _) in enumerate(words):
            candidates = _CUE_INDEX.get(word, []) + (_CUE_INDEX.get(word[:4], []) if len(word) >= 4 else [])
            if word.endswith(":"):
                candidates = candidates + _CUE_INDEX.get(word[:-1], [])
            for cue_words, feature, _weight in candidates:
                n = len(cue_words)
                if i + n > len(words):
                    continue
                if (feature, i) not in seen and all(_word_matches(words[i + k][0], cue_words[k])
                                                    for k in range(n)):
                    seen.add((feature, i))
                    phrase = " ".join(cue_words)
                    bucket = found.setdefault(feature, {})
                    if phrase not in bucket:
                        end = words[i + n - 1][2]
                        bucket[phrase] = Evidence(_where(seg, base + start), _snippet(window, start, end),
                                                  window[start:end].rstrip(":"), (base + start, base + end))


#: The longest snippet made by joining the evidence of one line; longer joins keep the first piece only.
_LONGEST_JOINED = 160


def _one_per_line(evidence, segments: list[Segment]) -> tuple[Evidence, ...]:
    """The evidence with one entry per place (``where``): pieces found on the same line are joined into one
    snippet, so no line of the prompt is listed twice under a feature."""
    texts = {s.name: s.text for s in segments}
    groups: dict[str, list[Evidence]] = {}
    for e in evidence:
        groups.setdefault(e.where, []).append(e)
    out = []
    for where, group in groups.items():
        first = group[0]
        spans = [e.span for e in group if e.span is not None]
        text = texts.get(where.rsplit(", line ", 1)[0])
        if len(group) > 1 and len(spans) == len(group) and text is not None:
            a, b = min(x for x, _ in spans), max(y for _, y in spans)
            if b - a <= _LONGEST_JOINED:
                first = Evidence(where, _snippet(text, a, b), first.cue, (a, b))
        out.append(first)
    return tuple(out)


def _cue_score(feature: str, cues: dict[str, Evidence]) -> int:
    return sum(CUES[feature][p] for p in cues)


def detect_features(segments: list[Segment], turns: int = 1, tool_set: tuple[str, ...] = ()) -> Features:
    """Every feature of the prompt, each with its evidence (at most one entry per line of the prompt).

    ``tool_set``: the tools the request carries (names as in :data:`calculators.cost.TOOLS`); any of them makes
    the task agentic, as tool definitions do."""
    feats = Features()
    found: dict[str, dict[str, Evidence]] = {}
    for seg in segments:
        if seg.name != "tool definitions":
            _scan_cues(seg, found)

    # Structural: code lines, fenced blocks and file names (whole text).
    code_ev: list[Evidence] = []
    code_lines = fences = 0
    paths: dict[str, Evidence] = {}
    for seg in segments:
        if seg.name == "tool definitions":
            continue
        fences += seg.text.count("```") // 2
        for m in _CODE_LINE.finditer(seg.text):
            code_lines += 1
            if len(code_ev) < 3:
                line_start = seg.text.rfind("\n", 0, m.start()) + 1
                line_end = seg.text.find("\n", m.end())
                line = seg.text[line_start:line_end if line_end >= 0 else len(seg.text)].strip()
                code_ev.append(Evidence(_where(seg, m.start()), line[:100]))
        for m in _PATH.finditer(seg.text):
            name = m.group().strip("./")
            if "/" in name or "." in name[:-1]:
                if name not in paths and len(paths) < 50:
                    paths[name] = Evidence(_where(seg, m.start()), name, span=(m.start(), m.end()))
    if fences or code_lines >= 3:
        detail = ", ".join(x for x in (f"{fences} fenced block(s)" if fences else "",
                                       f"{code_lines} line(s) that look like code" if code_lines else "") if x)
        feats["code"] = Feature("code", _LABELS["code"], code_lines + 5 * fences, tuple(code_ev), detail)

    for fid in ("reasoning", "agentic", "extraction", "classification", "rewrite", "strict_format",
                "chit_chat", "code_review"):
        cues = found.get(fid, {})
        score = _cue_score(fid, cues)
        if fid == "code_review" and "code" not in feats:
            continue
        # Weak agent cues ("loop", "commit", "shell") are common in code; they count only next to a strong one.
        if fid == "agentic" and not any(CUES[fid][p] >= 2 for p in cues):
            continue
        if score >= _THRESHOLD[fid]:
            ev = _one_per_line(cues.values(), segments)[:4]
            said = list(dict.fromkeys(e.cue.lower() for e in cues.values()))  # the words as written
            feats[fid] = Feature(fid, _LABELS[fid], score, ev, f"cues: {', '.join(said[:8])}")

    # Templated rewrite: placeholders such as {{name}} count as cues too.
    for seg in segments:
        placeholder = _PLACEHOLDER.search(seg.text)
        if placeholder:
            prev = feats.get("rewrite")
            found_one = Evidence(_where(seg, placeholder.start()), placeholder.group(),
                                 span=(placeholder.start(), placeholder.end()))
            score = (prev.score if prev else 0) + 2
            feats["rewrite"] = Feature("rewrite", _LABELS["rewrite"], score,
                                       (prev.evidence if prev else ()) + (found_one,),
                                       (prev.detail + "; " if prev else "") + "template placeholders")
            break

    # Several files: three or more file names, or a cue plus two names.
    mf_cues = found.get("multi_file", {})
    if "code" in feats or len(paths) >= 3:
        score = _cue_score("multi_file", mf_cues) + len(paths)
        if len(paths) >= 3 or (len(paths) >= 2 and mf_cues) or _cue_score("multi_file", mf_cues) >= 2:
            ev = _one_per_line(list(paths.values())[:4] + list(mf_cues.values())[:2], segments)
            feats["multi_file"] = Feature("multi_file", _LABELS["multi_file"], score, ev,
                                          f"{len(paths)} file name(s)" + (
                                              f"; cues: {', '.join(e.cue.lower() for e in mf_cues.values())}"
                                              if mf_cues else ""))

    # Tool definitions make a task agentic on their own.
    tools = next((s for s in segments if s.name == "tool definitions"), None)
    if tools is not None and tools.text.strip():
        names = _tool_names(tools.text)
        prev = feats.get("agentic")
        tool_ev = Evidence("tool definitions", f"{len(names)} tool(s): {', '.join(names[:6])}" if names
                           else "tool definitions given")
        feats["agentic"] = Feature("agentic", _LABELS["agentic"], (prev.score if prev else 0) + 3,
                                   (tool_ev,) + (prev.evidence if prev else ()),
                                   f"{len(names) or 'some'} tool definition(s)" + (f"; {prev.detail}" if prev else ""))

    # Anthropic-defined tools (bash, computer use, ...) in the request make it agentic too.
    in_request = ", ".join(t.replace("_", " ") for t in tool_set if t != "custom")
    if in_request:
        before = feats.get("agentic")
        earlier: tuple[Evidence, ...] = before.evidence if before else ()
        feats["agentic"] = Feature("agentic", _LABELS["agentic"], (before.score if before else 0) + 3,
                                   earlier + (Evidence("tools in this request", in_request),),
                                   (f"{before.detail}; " if before else "") + f"tools in the request: {in_request}")

    # Long documents: a segment above the threshold, or document tags.
    for seg in segments:
        tag = _DOC_TAG.search(seg.text)
        if seg.tokens.mid >= LONG_DOCUMENT_TOKENS or (tag and seg.tokens.mid >= LONG_DOCUMENT_TOKENS // 4):
            doc_ev = [Evidence(seg.name, f"about {seg.tokens.low:,}–{seg.tokens.high:,} tokens (older tokenizer)")]
            if tag:
                doc_ev.append(Evidence(_where(seg, tag.start()), tag.group().strip()))
            feats["long_document"] = Feature("long_document", _LABELS["long_document"], seg.tokens.mid,
                                             tuple(doc_ev), f"{seg.name}: {seg.tokens.mid:,} tokens")
            break

    # Chit-chat only counts for short messages without a task (a long system prompt may set the persona).
    if "chit_chat" in feats:
        user = next((s for s in segments if s.name == "user message"), None)
        short = user.tokens.mid <= 300 if user else sum(s.tokens.mid for s in segments) <= 600
        if not short or feats.has("code", "extraction", "classification", "rewrite", "long_document"):
            del feats["chit_chat"]

    lang = _language(segments)
    if lang is not None:
        feats["language"] = lang
    if turns >= LONG_CONVERSATION_TURNS:
        feats["long_conversation"] = Feature("long_conversation", _LABELS["long_conversation"], turns,
                                             (Evidence("workload", f"{turns} turns per conversation"),),
                                             f"{turns} turns")
    binary = _binary(segments)
    if binary is not None:
        feats["binary"] = binary
    for fid, f in feats.items():
        feats[fid] = replace(f, evidence=_one_per_line(f.evidence, segments))
    return feats


def _tool_names(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read: take the names by pattern
        return re.findall(r'"name"\s{0,5}:\s{0,5}"([^"\n]{1,64})"', text[:200_000])[:20]
    if isinstance(data, dict):
        data = data.get("tools", [data])
    if isinstance(data, list):
        return [str(t.get("name")) for t in data if isinstance(t, dict) and t.get("name")][:20]
    return []


def _language(segments: list[Segment]) -> Feature | None:
    total = sum(s.counts.total for s in segments) or 1
    best = None
    for seg in segments:
        if not seg.counts.cjk and not seg.counts.other_non_ascii:
            continue
        wide = "".join(_NON_ASCII_RUNS.findall(seg.text[:200_000]))
        for name, pattern in _SCRIPTS:
            n = len(pattern.findall(wide))
            if n and (best is None or n > best[1]):
                best = (name, n, seg)
    if best and best[1] * 10 >= total:  # at least a tenth of the characters
        name, n, seg = best
        share = n * 100 // total
        return Feature("language", _LABELS["language"], share,
                       (Evidence(seg.name, f"{n:,} characters in {name} script ({share}% of the text)"),),
                       f"{name} script: more tokens per character than English")
    sample = " ".join(s.text[:20_000] for s in segments if s.name != "tool definitions").lower()
    words = re.findall(r"[a-zà-ÿ]+", sample)
    if len(words) < 8:
        return None
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    lang, hits = max(counts.items(), key=lambda kv: kv[1])
    if lang == "English" or hits < 3 or hits <= counts["English"]:
        return None
    return Feature("language", _LABELS["language"], hits,
                   (Evidence("text", f"{hits} common {lang} words, {counts['English']} English"),),
                   f"{lang}")


def _binary(segments: list[Segment]) -> Feature | None:
    bad = sum(s.counts.control + s.counts.replacement for s in segments)
    total = sum(s.counts.total for s in segments) or 1
    if bad * 20 < total:  # under 5% control or undecodable characters
        return None
    return Feature("binary", _LABELS["binary"], bad * 100 // total,
                   (Evidence("text", f"{bad:,} of {total:,} characters are control or undecodable bytes"),),
                   "this looks like binary data rather than a prompt; the estimate is unreliable")
