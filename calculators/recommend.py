"""The Prompt-Pricing Recommender: from a prompt and a workload to a model, its levers and a monthly cost.

Everything here is deterministic and explainable: no machine learning and no network. The steps are

1. **Token estimate.** Anthropic's tokenizer is not available offline, so the token count is estimated from
   the characters of the text as a range (:func:`estimate_tokens`). The heuristics are calibrated to the
   older tokenizer; models with ``new_tokenizer = true`` get the pricing file's ``[tokenizer] new_vs_old``
   factor on top (about 30% more tokens for the same text).
2. **Features.** Cue words and structural patterns, each reported with the evidence that triggered it
   (:func:`detect_features`). Cue words are looked for in the instructions only: the whole system prompt and
   tool definitions when short, and the first and last few thousand characters of a long text (where
   instructions sit around pasted material), so a pasted contract that says "plan" does not make the task
   look like planning. Structural checks (code lines, file names, size) read the whole text.
3. **Rules.** :data:`RULES` is the routing table: each rule maps features to a tier. Escalations beat
   demotions, and among escalations the highest tier wins. Tiers resolve to current models through the
   family shortcuts in ``pricing.toml`` (:data:`TIERS`).
4. **Levers and costs.** Caching, batch, an output cap with a stop sequence and conversation compression,
   each priced with :func:`calculators.cost.price_workload` on every current model, with and without the
   levers.

Entry points: :func:`recommend` (library), :func:`bridge_recommend` (browser), ``add_arguments``/``run``
(``claude-cost recommend``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import html
import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ._format import format_usd as _usd
from ._format import future_prices_note
from ._format import money_json as _money
from .cost import PriceError, Workload, dstr, parse_at, price, price_workload
from .errors import InputError
from .pricing import Model, Pricing, load_pricing

__all__ = [
    "DAYS_PER_MONTH",
    "DEFAULT_INPUTS",
    "RULES",
    "TIERS",
    "Feature",
    "Recommendation",
    "RecommendWorkload",
    "TokenRange",
    "add_arguments",
    "bridge_recommend",
    "detect_features",
    "estimate_tokens",
    "prerender_html",
    "recommend",
    "rule_table_markdown",
    "run",
]

#: A month of requests when the volume is given per day.
DAYS_PER_MONTH = 30
#: Conversations with at least this many turns count as long (the compression lever applies).
LONG_CONVERSATION_TURNS = 10
#: Compression keeps this many recent turns verbatim ...
KEEP_TURNS = 4
#: ... and, each time this many older turns have piled up, folds them into a summary ...
COMPACT_EVERY = 4
#: ... of this share of their size (the summary call is charged on the same model).
SUMMARY_RATIO = Decimal("0.2")
#: A text segment with at least this many tokens (older tokenizer, midpoint) is a long document.
LONG_DOCUMENT_TOKENS = 10_000
#: Texts longer than this are scanned for cue words only in their first and last ``_WINDOW`` characters.
_WINDOW = 4_000

REPEATS = ("none", "system", "system_and_documents")
MODES = ("interactive", "offline")

#: What the page opens with (the page's ``data-inputs`` repeats these).
DEFAULT_INPUTS = {
    "system": (
        "You are the support-ticket triage assistant for Northwind Outfitters, an online shop selling outdoor "
        "clothing and camping gear in Europe and North America.\n\n"
        "Classify each customer message into exactly one of these categories:\n"
        "- billing: charges, refunds of payments, invoices, VAT receipts, payment methods, promo codes that "
        "did not apply at checkout.\n"
        "- shipping: delivery times, tracking numbers, lost or damaged parcels, changing a delivery address, "
        "customs duties and carriers.\n"
        "- returns: sending items back, exchanges for another size or colour, return labels, the 60-day "
        "return window, refunds for returned items.\n"
        "- product_question: sizing, materials, care instructions, compatibility of parts, stock and "
        "restock dates, warranty coverage of a product.\n"
        "- account: logging in, passwords, email changes, newsletter preferences, deleting an account, "
        "loyalty points.\n"
        "- other: anything else, including praise, complaints about staff and messages with no request.\n\n"
        "Rules:\n"
        "1. If a message fits two categories, choose the one the customer needs acted on first.\n"
        "2. A refund for an item that was sent back is returns; a refund for a duplicate or wrong charge "
        "is billing.\n"
        "3. Ignore greetings, signatures and quoted earlier emails.\n"
        "4. Messages in other languages are classified the same way.\n\n"
        "Examples:\n"
        "Message: My tent arrived with a broken pole, can I get a replacement? -> returns\n"
        "Message: Where is my parcel? The tracking page has not changed for a week. -> shipping\n"
        "Message: Is the Alpine jacket warm enough for -20 degrees? -> product_question\n"
        "Message: I cannot log in since I changed my email address. -> account\n\n"
        "Respond only with the category name inside <label></label> tags, with no other text."
    ),
    "prompt": "Hi, I was charged twice for order #48213 last week. Can you refund the second payment?",
    "tools": "",
    "requests_per_day": 20000,
    "repeats": "system",
    "gap_minutes": 1,
    "mode": "interactive",
    "output_tokens": "",
    "turns": 1,
    "at": "",
}


# ----------------------------------------------------------------------------------------------------------
# Token estimate
# ----------------------------------------------------------------------------------------------------------

_ALNUM = bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123))
_PUNCT = bytes(c for c in range(33, 127) if not chr(c).isalnum())
_CONTROL = bytes(c for c in range(0, 32) if c not in (9, 10, 13)) + b"\x7f"
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_NON_ASCII_RUNS = re.compile(r"[^\x00-\x7f]+")
_SCRIPTS = (
    ("Chinese, Japanese or Korean", _CJK),
    ("Cyrillic", re.compile("[\u0400-\u04ff]")),
    ("Arabic", re.compile("[\u0600-\u06ff]")),
    ("Hebrew", re.compile("[\u0590-\u05ff]")),
    ("Greek", re.compile("[\u0370-\u03ff]")),
    ("Devanagari", re.compile("[\u0900-\u097f]")),
    ("Thai", re.compile("[\u0e00-\u0e7f]")),
)


@dataclass(frozen=True)
class CharCounts:
    """The character classes the estimate is built from."""

    total: int
    alnum: int
    punct: int
    whitespace_runs: int
    cjk: int
    other_non_ascii: int
    control: int
    replacement: int

    @classmethod
    def of(cls, text: str) -> CharCounts:
        raw = text.encode("ascii", "ignore")
        alnum = len(raw) - len(raw.translate(None, _ALNUM))
        punct = len(raw) - len(raw.translate(None, _PUNCT))
        control = len(raw) - len(raw.translate(None, _CONTROL))
        ws = raw.count(b"\n") + raw.count(b"\t") + raw.count(b"  ")
        non_ascii = len(text) - len(raw)
        cjk = replacement = 0
        if non_ascii:
            wide = "".join(_NON_ASCII_RUNS.findall(text))
            cjk = len(_CJK.findall(wide))
            replacement = wide.count("\ufffd")
        return cls(len(text), alnum, punct, ws, cjk, non_ascii - cjk, control, replacement)


@dataclass(frozen=True)
class TokenRange:
    """An estimated token count: ``low`` to ``high``, with ``mid`` the figure used for prices."""

    low: int
    high: int

    @property
    def mid(self) -> int:
        return (self.low + self.high + 1) // 2

    def scaled(self, factor: Decimal) -> TokenRange:
        if factor == 1:
            return self
        return TokenRange(_ceil(self.low * factor), _ceil(self.high * factor))

    def __add__(self, other: TokenRange) -> TokenRange:
        return TokenRange(self.low + other.low, self.high + other.high)

    def to_json(self) -> dict:
        return {"low": self.low, "mid": self.mid, "high": self.high}


ZERO_TOKENS = TokenRange(0, 0)

#: Tokens per character class, as (low, high) in hundredths of a token: the older tokenizer splits English
#: prose into about one token per three to four letters (spaces between words merge into the words),
#: punctuation into one token or less per mark, a CJK character into about one token, other non-ASCII letters
#: into a third of a token to one token each.
_RATES_HUNDREDTHS = {
    "alnum": (25, 36),             # 1 token per 4 letters .. 1 per 2.8
    "punct": (50, 100),
    "whitespace_runs": (20, 100),  # newlines, tabs and indentation
    "cjk": (70, 150),
    "other_non_ascii": (30, 100),
    "control": (50, 100),
}


def estimate_tokens(text: str, counts: CharCounts | None = None) -> TokenRange:
    """A token range for ``text`` on the older Claude tokenizer, from its character classes.

    This is an estimate, not a count: Anthropic's tokenizer is not published for offline use (the exact
    figure comes from the API's token-counting endpoint or a response's ``usage``).
    """
    if not text:
        return ZERO_TOKENS
    c = counts or CharCounts.of(text)
    low = high = 0
    for name, (lo, hi) in _RATES_HUNDREDTHS.items():
        n = getattr(c, name)
        low += n * lo
        high += n * hi
    return TokenRange(max(1, low // 100), max(1, -(-high // 100)))


def _ceil(value: Decimal | int) -> int:
    return int(Decimal(value).to_integral_value(ROUND_CEILING))


# ----------------------------------------------------------------------------------------------------------
# Features
# ----------------------------------------------------------------------------------------------------------

#: Cue words and phrases per feature, with a weight. ``*`` at the end of a word matches any ending.
CUES: dict[str, dict[str, int]] = {
    "reasoning": {
        "step by step": 2, "step-by-step": 2, "think through": 2, "think carefully": 2, "think hard": 2,
        "reason about": 2, "reason through": 2, "prove": 2, "proof": 2, "derive": 2, "derivation": 2,
        "trade-off*": 2, "tradeoff*": 2, "root cause": 2, "architect*": 2, "multi-step": 2,
        "rigorous*": 2, "hypothes*": 2, "diagnos*": 2, "investigate": 1, "debug*": 1, "design": 1,
        "plan": 1, "planning": 1, "strateg*": 1, "analy*": 1, "evaluate": 1, "justify": 1,
        "implication*": 1, "optimi*": 1, "critique": 1, "compare": 1, "explain why": 1, "edge case*": 1,
        "algorithm*": 1, "complex": 1, "calculate": 1, "weigh": 1, "pros and cons": 1, "next step": 1,
        "each step": 1, "keep going": 1,
    },
    "agentic": {
        "agent": 1, "agents": 1, "agentic": 2, "autonomous*": 2, "use the tools": 2, "use tools": 2, "tool call*": 2,
        "call the": 1, "function call*": 2, "browse": 1, "search the web": 2, "run the tests": 2,
        "execute": 1, "iterate": 1, "until the": 1, "until all": 1, "loop": 1, "navigate": 1,
        "open a pull request": 2, "commit": 1, "terminal": 1, "shell": 1, "scratchpad": 1,
    },
    "extraction": {
        "extract*": 2, "pull out": 2, "list all": 1, "find all": 1, "identify all": 1, "fields": 1,
        "parse": 1, "entities": 2, "named entit*": 2, "key-value": 2, "fill in": 1, "capture": 1,
        "invoice number": 1, "return the following": 1,
        "extrae": 2, "extraer": 2, "extraire": 2, "extrahier*": 2,
    },
    "classification": {
        "classify": 2, "classif*": 2, "categori*": 2, "category": 2, "label": 1, "labels": 1,
        "sentiment": 2, "one of": 1, "spam": 1, "triage": 2, "intent": 1, "yes or no": 2, "true or false": 2,
        "priority level": 1, "tag": 1,
        # a few common instructions in other languages
        "clasific*": 2, "klassifizier*": 2, "kategorisier*": 2, "classer": 2,
    },
    "rewrite": {
        "rewrite": 2, "rephrase": 2, "paraphrase": 2, "translate": 2, "translation": 2, "reformat": 2,
        "convert": 1, "summari*": 2, "proofread": 2, "fix the grammar": 2, "fix grammar": 2, "polish": 1,
        "simplify": 1, "shorten": 1, "tone": 1, "in the style": 1, "template": 1, "plain english": 1,
        "traduc*": 2, "tradui*": 2, "reescrib*": 2, "reformul*": 2,
    },
    "strict_format": {
        "json": 2, "xml": 2, "yaml": 2, "csv": 2, "schema": 2, "respond only": 2, "only output": 2,
        "only return": 2, "no other text": 2, "nothing else": 2, "without explanation": 2, "exactly": 1,
        "valid json": 2, "markdown table": 1, "one word": 2, "single word": 2, "format:": 1,
    },
    "chit_chat": {
        "hi": 1, "hello": 1, "hey": 1, "how are you": 2, "chat": 1, "chatty": 2, "joke": 2, "friendly": 1,
        "casual": 1, "small talk": 2, "companion": 2, "buddy": 2, "banter": 2, "fun": 1,
    },
    "code_review": {
        "review": 1, "code review": 2, "pull request": 2, "diff": 1, "bug": 1, "bugs": 1, "vulnerab*": 2,
        "security": 1, "lint": 1,
    },
    "multi_file": {
        "across the codebase": 2, "across files": 2, "multiple files": 2, "every file": 2, "all files": 2,
        "the repository": 1, "whole repo": 2, "monorepo": 2, "codebase": 1, "refactor": 1, "migrate": 1,
    },
}

_LABELS = {
    "code": "Code present",
    "code_review": "Code review",
    "multi_file": "Several files",
    "reasoning": "Multi-step reasoning",
    "agentic": "Agentic / tool use",
    "extraction": "Extraction",
    "classification": "Classification",
    "rewrite": "Templated rewrite",
    "long_document": "Long document",
    "strict_format": "Strict output format",
    "language": "Language",
    "chit_chat": "Chit-chat",
    "long_conversation": "Long conversation",
    "binary": "Not text",
}

#: Minimum cue weight for a cue-based feature to fire.
_THRESHOLD = {"reasoning": 2, "agentic": 2, "extraction": 2, "classification": 2, "rewrite": 2,
              "strict_format": 2, "chit_chat": 2, "code_review": 2, "multi_file": 2}

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
_STOPWORDS = {
    "English": {"the", "and", "of", "to", "is", "that", "with", "for", "this", "you", "are", "it"},
    "Spanish": {"el", "la", "los", "las", "que", "y", "es", "por", "para", "una", "con", "del"},
    "French": {"le", "les", "et", "est", "des", "une", "pour", "que", "dans", "qui", "avec", "du"},
    "German": {"der", "die", "und", "das", "ist", "nicht", "mit", "ein", "eine", "zu", "den", "sie"},
    "Portuguese": {"o", "os", "as", "que", "e", "não", "uma", "com", "para", "do", "da", "em"},
    "Italian": {"il", "che", "e", "di", "la", "non", "una", "per", "sono", "gli", "della", "con"},
}


@dataclass(frozen=True)
class Evidence:
    where: str
    text: str
    cue: str = ""

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
                                                  window[start:end].rstrip(":"))


def _cue_score(feature: str, cues: dict[str, Evidence]) -> int:
    return sum(CUES[feature][p] for p in cues)


def detect_features(segments: list[Segment], turns: int = 1) -> Features:
    """Every feature of the prompt, each with its evidence."""
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
                    paths[name] = Evidence(_where(seg, m.start()), name)
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
            ev = tuple(list(cues.values())[:4])
            said = list(dict.fromkeys(e.cue.lower() for e in cues.values()))  # the words as written
            feats[fid] = Feature(fid, _LABELS[fid], score, ev, f"cues: {', '.join(said[:8])}")

    # Templated rewrite: placeholders such as {{name}} count as cues too.
    for seg in segments:
        m = _PLACEHOLDER.search(seg.text)
        if m:
            prev = feats.get("rewrite")
            ev = Evidence(_where(seg, m.start()), m.group())
            score = (prev.score if prev else 0) + 2
            feats["rewrite"] = Feature("rewrite", _LABELS["rewrite"], score,
                                       (prev.evidence if prev else ()) + (ev,),
                                       (prev.detail + "; " if prev else "") + "template placeholders")
            break

    # Several files: three or more file names, or a cue plus two names.
    mf_cues = found.get("multi_file", {})
    if "code" in feats or len(paths) >= 3:
        score = _cue_score("multi_file", mf_cues) + len(paths)
        if len(paths) >= 3 or (len(paths) >= 2 and mf_cues) or _cue_score("multi_file", mf_cues) >= 2:
            ev = tuple(list(paths.values())[:4]) + tuple(list(mf_cues.values())[:2])
            feats["multi_file"] = Feature("multi_file", _LABELS["multi_file"], score, ev,
                                          f"{len(paths)} file name(s)" + (
                                              f"; cues: {', '.join(e.cue.lower() for e in mf_cues.values())}"
                                              if mf_cues else ""))

    # Tool definitions make a task agentic on their own.
    tools = next((s for s in segments if s.name == "tool definitions"), None)
    if tools is not None and tools.text.strip():
        names = _tool_names(tools.text)
        prev = feats.get("agentic")
        ev = Evidence("tool definitions", f"{len(names)} tool(s): {', '.join(names[:6])}" if names
                      else "tool definitions given")
        feats["agentic"] = Feature("agentic", _LABELS["agentic"], (prev.score if prev else 0) + 3,
                                   (ev,) + (prev.evidence if prev else ()),
                                   f"{len(names) or 'some'} tool definition(s)" + (f"; {prev.detail}" if prev else ""))

    # Long documents: a segment above the threshold, or document tags.
    for seg in segments:
        tag = _DOC_TAG.search(seg.text)
        if seg.tokens.mid >= LONG_DOCUMENT_TOKENS or (tag and seg.tokens.mid >= LONG_DOCUMENT_TOKENS // 4):
            ev = [Evidence(seg.name, f"about {seg.tokens.low:,}–{seg.tokens.high:,} tokens (older tokenizer)")]
            if tag:
                ev.append(Evidence(_where(seg, tag.start()), tag.group().strip()))
            feats["long_document"] = Feature("long_document", _LABELS["long_document"], seg.tokens.mid,
                                             tuple(ev), f"{seg.name}: {seg.tokens.mid:,} tokens")
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
    return feats


def _tool_names(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except ValueError:
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


# ----------------------------------------------------------------------------------------------------------
# The routing rule table
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierDef:
    id: str
    family: str
    label: str
    use: str


#: Model tiers, cheapest and least capable first. Each resolves to the current model that the pricing
#: file's family shortcut names (``[families]`` in pricing.toml); prices are never written here.
TIERS = (
    TierDef("small", "haiku", "Small", "short, pattern-following work: classification, extraction, "
            "templated rewrites, chit-chat"),
    TierDef("standard", "sonnet", "Standard", "the default: general work, single-file code, long-document "
            "questions"),
    TierDef("advanced", "opus", "Advanced", "multi-step reasoning, multi-file code changes, agents"),
    TierDef("frontier", "fable", "Frontier", "long-horizon autonomous coding across many files"),
)
_TIER_INDEX = {t.id: n for n, t in enumerate(TIERS)}


@dataclass(frozen=True)
class Rule:
    """One row of the routing table: when ``test`` holds, the rule asks for ``tier``.

    ``kind`` is ``default`` (the starting point), ``demote`` (move down to ``tier`` when no escalation
    fires) or ``escalate`` (at least ``tier``; the highest escalation wins).
    """

    id: str
    kind: str
    tier: str
    when: str
    why: str
    test: Callable[[Features], bool]

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "tier": self.tier, "when": self.when, "why": self.why}


_COMPLEX = ("code", "reasoning", "agentic")

#: The routing table, in the order it is shown. Read it top to bottom.
RULES: tuple[Rule, ...] = (
    Rule("default", "default", "standard", "always",
         "the standard tier is the safe default for general work",
         lambda f: True),
    Rule("simple-pattern-task", "demote", "small",
         "classification, extraction or templated rewrite, with no code, reasoning cues or tools",
         "pattern-following tasks with a fixed answer shape do not need a larger model",
         lambda f: f.has("classification", "extraction", "rewrite") and not f.has(*_COMPLEX)),
    Rule("chit-chat", "demote", "small",
         "short conversational prompt with no task in it",
         "small talk is the cheapest kind of request to serve well",
         lambda f: f.has("chit_chat") and not f.has(*_COMPLEX, "long_document")),
    Rule("code", "escalate", "standard",
         "code is present",
         "reading or writing code needs at least the standard tier",
         lambda f: f.has("code")),
    Rule("long-document-questions", "escalate", "standard",
         "a long document with a question about it (not plain extraction or classification)",
         "answering from long context needs at least the standard tier",
         lambda f: f.has("long_document") and not f.has("extraction", "classification", "rewrite")),
    Rule("tools", "escalate", "standard",
         "tool definitions or agent cues",
         "choosing and calling tools reliably needs at least the standard tier",
         lambda f: f.has("agentic")),
    Rule("deep-reasoning", "escalate", "advanced",
         "strong multi-step reasoning cues (score 4 or more)",
         "proofs, root-cause analysis, design trade-offs and plans gain most from the advanced tier",
         lambda f: f.score("reasoning") >= 4),
    Rule("multi-file-code", "escalate", "advanced",
         "code spread over several files",
         "changes that must stay consistent across files need the advanced tier",
         lambda f: f.has("code") and f.has("multi_file")),
    Rule("agent-with-reasoning", "escalate", "advanced",
         "tools or agent cues together with reasoning cues",
         "multi-step agents plan and recover from errors; mistakes repeat across every step",
         lambda f: f.has("agentic") and f.has("reasoning")),
    Rule("long-document-analysis", "escalate", "advanced",
         "a long document together with reasoning cues",
         "synthesis and analysis over long context is where the advanced tier pays for itself",
         lambda f: f.has("long_document") and f.has("reasoning")),
    Rule("autonomous-multi-file-agent", "escalate", "frontier",
         "an agent with tools, changing code across several files, with strong reasoning cues",
         "long-horizon autonomous coding is the one job the frontier tier is priced for",
         lambda f: f.has("agentic") and f.has("code") and f.has("multi_file") and f.score("reasoning") >= 4),
)


def route(feats: Features) -> tuple[str, list[dict]]:
    """Apply :data:`RULES`: the chosen tier and every rule that fired (``decisive`` marks the deciding ones)."""
    fired = [r for r in RULES if r.test(feats)]
    escalations = [r for r in fired if r.kind == "escalate"]
    demotions = [r for r in fired if r.kind == "demote"]
    if escalations:
        tier = max((r.tier for r in escalations), key=_TIER_INDEX.__getitem__)
        decisive = {r.id for r in escalations if r.tier == tier}
    elif demotions:
        tier = "small"
        decisive = {r.id for r in demotions}
    else:
        tier = "standard"
        decisive = {"default"}
    out = []
    for r in fired:
        row = r.to_json()
        row["decisive"] = r.id in decisive
        if r.kind == "demote" and escalations:
            row["overridden"] = "an escalation rule fired"
        elif r.kind == "escalate" and r.id not in decisive:
            row["overridden"] = f"a rule asking for the {_tier(tier).label.lower()} tier fired"
        out.append(row)
    return tier, out


def _tier(tid: str) -> TierDef:
    return TIERS[_TIER_INDEX[tid]]


def rule_table_markdown() -> str:
    """The routing table as a Markdown table (for the docs page)."""
    lines = ["| rule | kind | tier | when | why |", "|---|---|---|---|---|"]
    for r in RULES:
        lines.append(f"| `{r.id}` | {r.kind} | {_tier(r.tier).label.lower()} | {r.when} | {r.why} |")
    return "\n".join(lines)


def tier_models(pricing: Pricing, day: _dt.date) -> dict[str, Model]:
    """Tier id -> the current, generally available model that serves it (tiers with none are left out)."""
    out: dict[str, Model] = {}
    for t in TIERS:
        m = pricing.find(pricing.families.get(t.family, "")) if t.family in pricing.families else None
        if not _usable(m, day):
            same = [x for x in pricing.current_models(day) if x.family == t.family and _usable(x, day)]
            m = max(same, key=lambda x: (x.released or _dt.date.min, x.id)) if same else None
        if m is not None:
            out[t.id] = m
    return out


def _usable(m: Model | None, day: _dt.date) -> bool:
    return (m is not None and m.status_on(day) == "current" and m.availability in ("", "general")
            and m.period_at(day) is not None)


# ----------------------------------------------------------------------------------------------------------
# Workload and levers
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendWorkload:
    """How the prompt is used.

    ``repeats``: which part of the prompt is the same on every request (``none``, ``system`` = tool
    definitions plus system prompt, ``system_and_documents`` = those plus the user message up to its last
    paragraph). ``gap_minutes``: the typical (mean) gap between requests that share that prefix.
    ``output_tokens``: expected output length, or ``None`` for unknown. ``turns``: 1 for single-turn work,
    else the typical number of turns in a conversation (each turn is one request).
    """

    requests_per_day: Decimal = Decimal(1000)
    repeats: str = "system"
    gap_minutes: Decimal = Decimal(1)
    mode: str = "interactive"
    output_tokens: int | None = None
    turns: int = 1

    def __post_init__(self) -> None:
        for name in ("requests_per_day", "gap_minutes"):
            try:
                value = Decimal(str(getattr(self, name)))
            except InvalidOperation:
                raise PriceError(f"{name} must be a number", name) from None
            if not value.is_finite() or value < 0:
                raise PriceError(f"{name} must be zero or positive", name)
            object.__setattr__(self, name, value)
        if self.repeats not in REPEATS:
            raise PriceError(f"repeats must be one of {', '.join(REPEATS)}", "repeats")
        if self.mode not in MODES:
            raise PriceError(f"mode must be one of {', '.join(MODES)}", "mode")
        if isinstance(self.turns, bool) or not isinstance(self.turns, int) or self.turns < 1:
            raise PriceError("turns must be a whole number, 1 or more", "turns")
        if self.output_tokens is not None and (isinstance(self.output_tokens, bool) or
                                               not isinstance(self.output_tokens, int) or self.output_tokens < 1):
            raise PriceError("output_tokens must be a whole number, 1 or more (or None for unknown)",
                             "output_tokens")

    def to_json(self) -> dict:
        return {"requests_per_day": dstr(self.requests_per_day), "repeats": self.repeats,
                "gap_minutes": dstr(self.gap_minutes), "mode": self.mode,
                "output_tokens": self.output_tokens, "turns": self.turns,
                "requests_per_month": dstr(self.requests_per_day * DAYS_PER_MONTH)}


#: Output length assumed when it is unknown, by what the prompt asks for (tokens).
ASSUMED_OUTPUT = (
    ("classification", 16, "a label"),
    ("chit_chat", 150, "a short reply"),
    ("extraction", 400, "a handful of fields"),
    ("multi_file", 6000, "edits to several files"),
    ("agentic", 1500, "tool calls and a report per step"),
    ("code", 1500, "a review or a file's worth of code"),
    ("reasoning", 2000, "a worked answer"),
    ("long_document", 800, "an answer with quotes"),
)
_DEFAULT_OUTPUT = 600
_NICE_CAPS = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16000, 32000, 64000, 128000)


def _assumed_output(feats: Features, user_tokens: int) -> tuple[int, str]:
    if feats.has("rewrite") and not feats.has("classification", "extraction"):
        n = min(max(100, user_tokens), 8000)
        return n, "about as long as the text being rewritten"
    for fid, n, what in ASSUMED_OUTPUT:
        if fid in feats:
            return n, what
    return _DEFAULT_OUTPUT, "a typical answer"


def _cap_for(expected: int, model: Model) -> int:
    want = math.ceil(expected * 3 / 2)
    cap = next((c for c in _NICE_CAPS if c >= want), _NICE_CAPS[-1])
    return min(cap, model.max_output) if model.max_output else cap


@dataclass(frozen=True)
class Shape:
    """Token counts of a request on one model (the tokenizer factor already applied)."""

    prefix: int          # tool definitions + system prompt (+ documents when they repeat)
    user: int            # the rest of the user message
    output: int

    @property
    def prompt(self) -> int:
        return self.prefix + self.user


@dataclass(frozen=True)
class Conversation:
    prompt_per_request: int
    output_per_request: int
    max_prompt: int
    summary_calls: int


def simulate_conversation(turns: int, prefix: int, user: int, output: int, compress: bool) -> Conversation:
    """Token totals of one conversation, turn by turn (each turn resends the history).

    With ``compress``, once ``KEEP_TURNS + COMPACT_EVERY`` turns are in the history, every turn but the last
    ``KEEP_TURNS`` is folded into a summary of ``SUMMARY_RATIO`` of its size; the summary call (input: the old
    summary and the folded turns, output: the new summary) is charged too. Averages are per turn, rounded up.
    """
    history: list[int] = []
    summary = total_in = total_out = max_prompt = calls = 0
    for turn in range(1, turns + 1):
        prompt = prefix + summary + sum(history) + user
        total_in += prompt
        total_out += output
        max_prompt = max(max_prompt, prompt)
        history.append(user + output)
        if compress and len(history) >= KEEP_TURNS + COMPACT_EVERY and turn < turns:  # not after the last turn
            old = summary + sum(history[:-KEEP_TURNS])
            summary = _ceil(old * SUMMARY_RATIO)
            history = history[-KEEP_TURNS:]
            total_in += old
            total_out += summary
            calls += 1
    return Conversation(-(-total_in // turns), -(-total_out // turns), max_prompt, calls)


def cache_hit_rate(ttl_minutes: int, gap_minutes: Decimal, requests_per_day: Decimal) -> Decimal:
    """Share of requests that find the prefix in the cache.

    Requests are taken to arrive at random with the given mean gap (a Poisson process). A cache read
    refreshes the TTL, so a request misses only when the gap before it is longer than the TTL, which happens
    with probability ``exp(-ttl / gap)``. The first request of a day always writes, so the rate is at most
    ``1 - 1 / requests_per_day``. Rounded to four decimals.
    """
    if gap_minutes <= 0:
        rate = Decimal(1)
    else:
        rate = 1 - (-Decimal(ttl_minutes) / gap_minutes).exp()
    if requests_per_day > 0:
        rate = min(rate, max(Decimal(0), 1 - 1 / requests_per_day))
    return rate.quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass
class Plan:
    """The levers chosen for a model and the workloads with and without them."""

    levers: list[dict] = field(default_factory=list)
    baseline: Workload | None = None
    with_levers: Workload | None = None
    max_prompt: int = 0
    cap: int | None = None
    stop: str | None = None
    ttl: str | None = None
    batch: bool = False
    compress: bool = False


def _plan(model: Model, shape: Shape, wl: RecommendWorkload, feats: Features, pricing: Pricing,
          day: _dt.date, expected_known: bool, expected_why: str, prefix_low: int) -> Plan:
    plan = Plan()
    per_month = wl.requests_per_day * DAYS_PER_MONTH
    turns = max(1, wl.turns)
    plain = simulate_conversation(turns, shape.prefix, shape.user, shape.output, False)
    plan.max_prompt = plain.max_prompt
    plan.baseline = Workload(per_month, plain.prompt_per_request, plain.output_per_request)

    # Compression for long conversations.
    conv = plain
    squeezed = simulate_conversation(turns, shape.prefix, shape.user, shape.output, True)
    if turns >= LONG_CONVERSATION_TURNS and not _cheaper(model, squeezed, plain, per_month, pricing, day):
        plan.levers.append(_not_applied(
            "compression", "Compress long conversations",
            f"the history stays short enough that the summary calls would cost more than they save "
            f"({squeezed.prompt_per_request:,} prompt and {squeezed.output_per_request:,} output tokens per turn "
            f"with compression, against {plain.prompt_per_request:,} and {plain.output_per_request:,})"))
    elif turns >= LONG_CONVERSATION_TURNS:
        plan.levers.append({
            "id": "compression", "label": "Compress long conversations",
            "detail": (f"keep the last {KEEP_TURNS} turns verbatim and fold older turns into a summary of "
                       f"about {int(SUMMARY_RATIO * 100)}% of their size every {COMPACT_EVERY} turns; the "
                       f"prompt per turn falls from {plain.prompt_per_request:,} to "
                       f"{squeezed.prompt_per_request:,} tokens on average, including "
                       f"{squeezed.summary_calls} summary call(s) per conversation"),
        })
        conv = squeezed
        plan.compress = True
        plan.max_prompt = min(plan.max_prompt, squeezed.max_prompt)
    else:
        plan.levers.append(_not_applied(
            "compression", "Compress long conversations",
            "single-turn work: there is no history to compress" if turns == 1 else
            f"{turns} turns per conversation is short (compression applies from {LONG_CONVERSATION_TURNS})"))

    # Caching the repeated prefix.
    prefix = shape.prefix
    cache_kw: dict = {}
    if wl.repeats == "none":
        plan.levers.append(_not_applied("caching", "Prompt caching",
                                        "nothing repeats across requests, so there is no prefix to cache"))
    elif prefix == 0:
        plan.levers.append(_not_applied("caching", "Prompt caching",
                                        "there is no system prompt or tool definition to cache"))
    else:
        minimum = model.min_cacheable_tokens
        gap = wl.gap_minutes
        if prefix < minimum:
            plan.levers.append(_not_applied(
                "caching", "Prompt caching",
                f"the repeated prefix is about {prefix:,} tokens on {model.name}, below its minimum cacheable "
                f"length of {minimum:,} tokens"))
        elif gap > 60:
            plan.levers.append(_not_applied(
                "caching", "Prompt caching",
                f"requests sharing the prefix are {_minutes(gap)} apart, longer than the longest cache "
                f"TTL (1 hour): the prefix would be written and expire before it is read"))
        else:
            ttl = "5m" if gap <= 5 else "1h"
            hit = cache_hit_rate(5 if ttl == "5m" else 60, gap, wl.requests_per_day)
            trial = Workload(per_month, conv.prompt_per_request, conv.output_per_request, prefix, hit, ttl)
            without = Workload(per_month, conv.prompt_per_request, conv.output_per_request)
            gain = (price_workload(model, without, at=day, pricing=pricing).monthly
                    - price_workload(model, trial, at=day, pricing=pricing).monthly)
            if gain <= 0:
                plan.levers.append(_not_applied(
                    "caching", "Prompt caching",
                    f"with an expected hit rate of {_pct(hit)} the extra cost of cache writes outweighs the "
                    f"cheaper reads"))
            else:
                near = f" (the low estimate, {prefix_low:,}, is below it: check with the API's token count)" \
                    if prefix_low < minimum else ""
                plan.levers.append({
                    "id": "caching", "label": f"Prompt caching ({'5-minute' if ttl == '5m' else '1-hour'} TTL)",
                    "ttl": ttl, "cache_hit_rate": dstr(hit), "cached_prefix_tokens": prefix,
                    "detail": (f"cache the {prefix:,}-token prefix ({_prefix_name(wl)}), at least {minimum:,} "
                               f"tokens on {model.name}{near}; requests {_minutes(gap)} apart "
                               f"→ {'5-minute' if ttl == '5m' else '1-hour'} TTL, about {_pct(hit)} of "
                               f"requests read the cache"),
                })
                cache_kw = dict(cached_prefix_tokens=prefix, cache_hit_rate=hit, cache_ttl=ttl)
                plan.ttl = ttl

    # Batch for offline work.
    batch_share = Decimal(0)
    if wl.mode != "offline":
        plan.levers.append(_not_applied("batch", "Message Batches API",
                                        "a caller waits for the answer; batches take up to 24 hours"))
    else:
        batch_share = Decimal(1)
        plan.batch = True
        plan.levers.append({
            "id": "batch", "label": "Message Batches API",
            "detail": (f"nobody waits for the answer, so send the requests as a batch: every token at "
                       f"{_pct(pricing.batch_multiplier)} of the standard price; results arrive within 24 "
                       f"hours (cache hits inside a batch are best effort)"),
        })

    # Output cap and stop sequence.
    cap = _cap_for(shape.output, model)
    plan.cap = cap
    stop_tag = "label" if feats.has("classification") else "answer"
    plan.stop = f"</{stop_tag}>" if feats.has("classification", "extraction", "strict_format") else None
    worst_before = price(model, output=model.max_output or cap, at=day, pricing=pricing).total
    worst_after = price(model, output=cap, at=day, pricing=pricing).total
    expected_note = ("expected" if expected_known else f"assumed ({expected_why}; give --output-tokens to set it)")
    stop_note = (f"; ask for the answer inside <{stop_tag}>…</{stop_tag}> and stop on \"{plan.stop}\" so "
                 f"nothing follows it" if plan.stop else "")
    if model.max_output and shape.output > model.max_output:
        stop_note += (f". Note: {shape.output:,} tokens is more than {model.name}'s maximum output of "
                      f"{model.max_output:,} per request; split the work into several requests")
    plan.levers.append({
        "id": "output_cap", "label": f"Output cap (max_tokens = {cap:,})" + (" and stop sequence" if plan.stop
                                                                             else ""),
        "max_tokens": cap, "stop_sequence": plan.stop,
        "detail": (f"{shape.output:,} output tokens {expected_note}; max_tokens = {cap:,} "
                   + ("(the model's maximum output)" if cap < math.ceil(shape.output * 3 / 2)
                      else "(about 1.5× that, rounded up)") + f"{stop_note}. "
                   + (f"The average bill does not change (the saving below is 0), but a runaway answer costs at "
                      f"most {_usd(worst_after)} instead of {_usd(worst_before)} "
                      f"({(model.max_output or cap):,} tokens)" if worst_after < worst_before else
                      "The cap is the model's maximum, so it guards nothing here")),
        "worst_case_before": _money(worst_before), "worst_case_after": _money(worst_after),
    })

    plan.with_levers = Workload(per_month, conv.prompt_per_request, conv.output_per_request,
                                batch_share=batch_share, **cache_kw)
    # Savings, each on top of the ones before it (so they add up to the total).
    steps = [("compression", Workload(per_month, conv.prompt_per_request, conv.output_per_request))]
    steps.append(("caching", Workload(per_month, conv.prompt_per_request, conv.output_per_request, **cache_kw)))
    steps.append(("batch", plan.with_levers))
    steps.append(("output_cap", plan.with_levers))
    prev = price_workload(model, plan.baseline, at=day, pricing=pricing).monthly
    saved = {}
    for lid, w in steps:
        now = price_workload(model, w, at=day, pricing=pricing).monthly
        saved[lid] = prev - now
        prev = now
    for lever in plan.levers:
        if lever.get("applies", True):
            lever["applies"] = True
            lever["saving_monthly"] = _money(saved.get(lever["id"], Decimal(0)))
    return plan


def _cheaper(model: Model, a: Conversation, b: Conversation, per_month: Decimal, pricing: Pricing,
             day: _dt.date) -> bool:
    """Whether conversation ``a`` costs less per month than ``b`` (no caching, no batch)."""
    def cost(c: Conversation) -> Decimal:
        return price_workload(model, Workload(per_month, c.prompt_per_request, c.output_per_request),
                              at=day, pricing=pricing).monthly
    return cost(a) < cost(b)


def _not_applied(lid: str, label: str, why: str) -> dict:
    return {"id": lid, "label": label, "applies": False, "detail": why, "saving_monthly": _money(Decimal(0))}


def _prefix_name(wl: RecommendWorkload) -> str:
    return ("tool definitions, system prompt and documents" if wl.repeats == "system_and_documents"
            else "tool definitions and system prompt")


# ----------------------------------------------------------------------------------------------------------
# Display helpers (money leaves Python as exact strings plus a display string)
# ----------------------------------------------------------------------------------------------------------



def _minutes(value: Decimal) -> str:
    return f"{dstr(value)} minute" + ("" if value == 1 else "s")


def _pct(share: Decimal) -> str:
    value = (share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{dstr(value)}%"


# ----------------------------------------------------------------------------------------------------------
# The recommendation
# ----------------------------------------------------------------------------------------------------------


class RecommendInputError(ValueError):
    """Bad input; ``errors`` is a list of (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in errors))


@dataclass
class Recommendation:
    data: dict

    @property
    def model(self) -> str | None:
        return self.data["model"]

    def to_json(self) -> dict:
        return self.data


def _clean(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("\x00", "").replace("\r\n", "\n")


def _split_documents(user: str) -> tuple[str, str]:
    """(documents, question): the user message up to its last paragraph, and that paragraph."""
    body = user.rstrip()
    cut = body.rfind("\n\n")
    if cut <= 0:
        return "", user
    return user[:cut], user[cut:]


def recommend(prompt: str = "", *, system: str = "", tools: str = "",
              workload: RecommendWorkload | None = None, at: object,
              pricing: Pricing | None = None) -> Recommendation:
    """Analyse a prompt and workload: features, routing, levers and monthly costs on every current model.

    Raises:
        RecommendInputError: the prompt is empty (all of system, prompt and tools are blank).
    """
    pricing = pricing or load_pricing()
    wl = workload or RecommendWorkload()
    day = parse_at(at)
    system, prompt, tools = _clean(system), _clean(prompt), _clean(tools)
    if not (system.strip() or prompt.strip() or tools.strip()):
        raise RecommendInputError([("prompt", "the prompt is empty: paste a system prompt, a user message or "
                                              "both (tool definitions alone are not a prompt)")])
    if not (system.strip() or prompt.strip()):
        raise RecommendInputError([("prompt", "only tool definitions were given: paste the system prompt or a "
                                              "user message too")])

    segments = []
    if tools.strip():
        segments.append(Segment.of("tool definitions", tools))
    if system.strip():
        segments.append(Segment.of("system prompt", system))
    if prompt.strip():
        segments.append(Segment.of("user message", prompt))
    by_name = {s.name: s for s in segments}
    feats = detect_features(segments, wl.turns)

    # Token ranges on the older tokenizer: prefix (repeated) and the rest.
    tools_t = by_name["tool definitions"].tokens if "tool definitions" in by_name else ZERO_TOKENS
    system_t = by_name["system prompt"].tokens if "system prompt" in by_name else ZERO_TOKENS
    user_t = by_name["user message"].tokens if "user message" in by_name else ZERO_TOKENS
    docs_t = ZERO_TOKENS
    if wl.repeats == "system_and_documents" and prompt and wl.turns <= 1:
        docs, question = _split_documents(prompt)
        docs_t = estimate_tokens(docs)
        user_t = estimate_tokens(question)
    prefix_t = tools_t + system_t + docs_t if wl.repeats != "none" else ZERO_TOKENS
    rest_t = user_t + (ZERO_TOKENS if wl.repeats != "none" else tools_t + system_t)
    total_old = tools_t + system_t + docs_t + user_t

    expected_known = wl.output_tokens is not None
    if expected_known:
        expected, expected_why = wl.output_tokens, "given"
    else:
        expected, expected_why = _assumed_output(feats, user_t.mid)

    tier, fired = route(feats)
    tiers = tier_models(pricing, day)
    notes: list[str] = []
    if not tiers:
        raise PriceError("no current, generally available model is priced on this day", "at")

    def factor(m: Model) -> Decimal:
        return pricing.tokenizer_inflation if m.new_tokenizer else Decimal(1)

    def shape(m: Model, pick: str = "mid") -> Shape:
        f = factor(m)
        pre = getattr(prefix_t.scaled(f), pick)
        rest = getattr(rest_t.scaled(f), pick)
        return Shape(pre, rest, expected)

    def fits(m: Model) -> tuple[bool, int]:
        """Whether the largest request (prompt plus output) fits the model's context window."""
        compress = wl.turns >= LONG_CONVERSATION_TURNS
        conv = simulate_conversation(max(1, wl.turns), *_astuple(shape(m)), compress)
        need = conv.max_prompt + min(expected, m.max_output or expected)
        return (m.context_window is None or need <= m.context_window), need

    # Tier -> model; fall back to a tier whose model exists, then to one whose context window fits.
    chosen_tier = tier if tier in tiers else next(
        (t.id for t in TIERS[_TIER_INDEX[tier]:] if t.id in tiers),
        next(t.id for t in reversed(TIERS) if t.id in tiers))
    if chosen_tier != tier:
        notes.append(f"no current model serves the {_tier(tier).label.lower()} tier; using the "
                     f"{_tier(chosen_tier).label.lower()} tier")
    model = tiers[chosen_tier]
    ok, need = fits(model)
    too_long = None
    if not ok:
        bigger = [t for t in TIERS if t.id in tiers and fits(tiers[t.id])[0]]
        if bigger:
            alt = min(bigger, key=lambda t: abs(_TIER_INDEX[t.id] - _TIER_INDEX[chosen_tier]))
            for row in fired:
                if row["decisive"]:
                    row["decisive"] = False
                    row["overridden"] = f"{model.name}'s context window is too small for the request"
            fired.append({"id": "context-window", "kind": "escalate", "tier": alt.id,
                          "when": "the request does not fit the chosen model's context window",
                          "why": f"about {need:,} tokens are needed; {model.name} takes "
                                 f"{model.context_window:,}", "decisive": True})
            chosen_tier, model = alt.id, tiers[alt.id]
        else:
            windows = sorted({m.context_window for m in pricing.current_models(day) if m.context_window})
            too_long = (f"the request needs about {need:,} tokens (prompt plus output, on the newer tokenizer), "
                        f"more than the largest context window of any current model "
                        f"({windows[-1]:,} tokens): split the document or retrieve only the relevant parts")

    tokens_json = {
        "older_tokenizer": total_old.to_json(),
        "newer_tokenizer": total_old.scaled(pricing.tokenizer_inflation).to_json(),
        "inflation": dstr(pricing.tokenizer_inflation),
        "segments": [{"name": s.name, "chars": s.counts.total, **s.tokens.to_json()} for s in segments],
        "repeated_prefix": prefix_t.to_json(),
        "output": expected, "output_source": "given" if expected_known else f"assumed: {expected_why}",
        "note": ("An estimate from the text's characters, not a count: Anthropic's tokenizer is not available "
                 "offline. Prices use the middle of the range. Models with the newer tokenizer (Claude Opus 4.7 "
                 f"and later) count about {_pct(pricing.tokenizer_inflation - 1)} more tokens for the same "
                 "text; that is applied per model. Tool definitions also add a fixed tool-use system prompt "
                 "that is not counted here."),
    }
    base = {
        "at": day.isoformat(),
        "pricing_checked": pricing.last_checked.isoformat(),
        "workload": wl.to_json(),
        "tokens": tokens_json,
        "features": [f.to_json() for f in feats.values()],
        "tier": chosen_tier,
        "tier_label": _tier(chosen_tier).label,
        "rules": fired,
        "rule_table": [r.to_json() for r in RULES],
        "tiers": [{"id": t.id, "label": t.label, "use": t.use,
                   "model": tiers[t.id].id if t.id in tiers else None} for t in TIERS],
        "notes": notes,
    }
    if "binary" in feats:
        notes.append(feats["binary"].detail)
    if too_long:
        return Recommendation({**base, "model": None, "model_name": None, "error": too_long,
                               "runner_up": None, "levers": [], "costs": [], "saving": None, "code": None})

    plan = _plan(model, shape(model), wl, feats, pricing, day, expected_known, expected_why,
                 prefix_t.scaled(factor(model)).low)

    # Monthly cost on every current model, with and without the same levers.
    costs = []
    for m in pricing.current_models(day):
        row = {"model": m.id, "model_name": m.name, "family": m.family, "availability": m.availability,
               "recommended": m.id == model.id}
        try:
            if m.period_at(day) is None:
                raise PriceError(f"{m.name} has no price on {day}")
            fit, need_m = fits(m)
            if not fit:
                raise PriceError(f"about {need_m:,} tokens do not fit its {m.context_window:,}-token window")
            p = _plan(m, shape(m), wl, feats, pricing, day, expected_known, expected_why,
                      prefix_t.scaled(factor(m)).low)
            before = price_workload(m, p.baseline, at=day, pricing=pricing)
            after = price_workload(m, p.with_levers, at=day, pricing=pricing)
            row.update(without_levers=_money(before.monthly), with_levers=_money(after.monthly),
                       per_request_with_levers=_money(after.per_request),
                       prompt_tokens=p.baseline.prompt_tokens,
                       levers=[lv["id"] for lv in p.levers if lv.get("applies") and lv["id"] != "output_cap"],
                       _before=before.monthly, _after=after.monthly)
            if m.context_window is None:
                row["note"] = "context window not published"
        except PriceError as exc:
            row.update(without_levers=None, with_levers=None, reason=str(exc), _before=None, _after=None)
        if m.availability not in ("", "general"):
            row["note"] = f"{m.availability} availability: not recommended"
        costs.append(row)
    priced = [r for r in costs if r["_before"] is not None and r["availability"] in ("", "general")] or \
        [r for r in costs if r["_before"] is not None]
    rec_row = next(r for r in costs if r["model"] == model.id)
    top = max(priced, key=lambda r: (r["_before"], r["model"]))
    saving = {
        "baseline_model": top["model"], "baseline_model_name": top["model_name"],
        "baseline_monthly": _money(top["_before"]),
        "recommended_monthly": _money(rec_row["_after"]),
        "saving_monthly": _money(top["_before"] - rec_row["_after"]),
        "saving_percent": _pct((top["_before"] - rec_row["_after"]) / top["_before"]) if top["_before"] else "0%",
        "recommended_without_levers": _money(rec_row["_before"]),
        "levers_saving_monthly": _money(rec_row["_before"] - rec_row["_after"]),
    }
    lo_plan = _plan(model, shape(model, "low"), wl, feats, pricing, day, True, "", 0)
    hi_plan = _plan(model, shape(model, "high"), wl, feats, pricing, day, True, "", 0)
    # The cheapest and dearest outcome over the low, middle and high token estimates. Not always the low and
    # high estimates themselves: a prefix at the low end may fall below the minimum cacheable length.
    outcomes = [price_workload(model, p.with_levers, at=day, pricing=pricing).monthly
                for p in (lo_plan, plan, hi_plan)]
    monthly_range = {"low": _money(min(outcomes)), "high": _money(max(outcomes))}
    costs.sort(key=lambda r: (r["_after"] is None, r["_after"] or 0, r["model"]))
    for r in costs:
        r.pop("_before")
        r.pop("_after")

    runner = _runner_up(chosen_tier, tiers, costs, fired, feats, model)
    code = _code(model, plan, wl, system, prompt, tools)
    return Recommendation({
        **base,
        "model": model.id,
        "model_name": model.name,
        "error": None,
        "runner_up": runner,
        "levers": plan.levers,
        "costs": costs,
        "monthly_range": monthly_range,
        "saving": saving,
        "code": code,
    })


def _astuple(s: Shape) -> tuple[int, int, int]:
    return s.prefix, s.user, s.output


def _runner_up(tier: str, tiers: dict[str, Model], costs: list[dict], fired: list[dict], feats: Features,
               model: Model) -> dict | None:
    idx = _TIER_INDEX[tier]
    below = [t for t in TIERS[:idx] if t.id in tiers and tiers[t.id].id != model.id]
    above = [t for t in TIERS[idx + 1:] if t.id in tiers and tiers[t.id].id != model.id]
    cost = {r["model"]: r for r in costs}
    mine = cost[model.id]
    if below:
        t = below[-1]
        m = tiers[t.id]
        deciding = [r for r in fired if r.get("decisive") and r["kind"] == "escalate"]
        why = ("rule " + ", ".join(f"`{r['id']}` ({r['when']})" for r in deciding) +
               f" asks for at least the {_tier(tier).label.lower()} tier") if deciding else \
            f"no rule moves this prompt down to the {t.label.lower()} tier"
    elif above:
        t = above[0]
        m = tiers[t.id]
        why = (f"no rule asks for the {t.label.lower()} tier (no code, reasoning cues, tools or long document "
               f"that needs it), so it would cost more for no gain")
    else:
        return None
    other = cost.get(m.id, {})
    diff = None
    if other.get("with_levers") and mine.get("with_levers"):
        d = Decimal(other["with_levers"]["usd"]) - Decimal(mine["with_levers"]["usd"])
        diff = {"usd": dstr(d), "display": _usd(abs(d)), "cheaper": d < 0}
    return {"model": m.id, "model_name": m.name, "tier": t.id, "why": why, "monthly_difference": diff,
            "monthly_with_levers": other.get("with_levers")}


# ----------------------------------------------------------------------------------------------------------
# Request code (Python SDK)
# ----------------------------------------------------------------------------------------------------------


def _literal(text: str, path: str) -> str:
    """A Python expression for ``text``: the literal itself when short, else a read of the file it goes in."""
    if len(text) <= 4000:
        if ("\n" in text and '"""' not in text and "\\" not in text and not text.endswith('"')
                and all(c.isprintable() or c == "\n" for c in text)):
            return '"""' + text + '"""'  # keeps the prompt's lines readable
        return repr(text)
    return f'Path("{path}").read_text(encoding="utf-8")  # {len(text):,} characters: save them to {path}'


def _code(model: Model, plan: Plan, wl: RecommendWorkload, system: str, prompt: str, tools: str) -> dict:
    """Ready-to-paste Python SDK code for the recommendation: model, max_tokens, cache_control, stop sequence,
    and for offline work the Message Batches form."""
    cache = None
    if plan.ttl == "5m":
        cache = '{"type": "ephemeral"}'
    elif plan.ttl == "1h":
        cache = '{"type": "ephemeral", "ttl": "1h"}'
    has_system, has_tools = bool(system.strip()), bool(tools.strip())
    multi = wl.turns > 1
    docs, question = _split_documents(prompt) if wl.repeats == "system_and_documents" and not multi else ("", "")
    docs_cached = cache is not None and bool(docs)
    try:
        json.loads(tools)
        tools_ok = True
    except ValueError:
        tools_ok = False
    texts = [system if has_system else "", tools if has_tools else "",
             *((docs, question) if docs_cached else (prompt,))]
    lines = ["import anthropic"]
    if has_tools:
        lines.append("import json")
    if any(len(t) > 4000 for t in texts) or (has_tools and not tools_ok):
        lines.append("from pathlib import Path")
    lines += ["", "client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY", ""]
    if has_system:
        lines.append(f"SYSTEM_PROMPT = {_literal(system, 'system_prompt.txt')}")
    if has_tools:
        if tools_ok:
            lines.append(f"TOOLS = json.loads({_literal(tools, 'tools.json')})")
        else:
            lines.append('TOOLS = json.loads(Path("tools.json").read_text(encoding="utf-8"))  # the pasted tool '
                         'definitions are not valid JSON: save a valid tools array there')
        if cache and not has_system and not docs_cached:
            lines.append(f'TOOLS[-1]["cache_control"] = {cache}  # caches every tool definition')
    if plan.stop:
        tag = plan.stop[2:-1]
        lines.append(f"# In the prompt, ask for the answer inside <{tag}>…</{tag}>; generation stops at {plan.stop} "
                     f"(which is not returned).")
    lines.append("")
    params = [f'model="{model.id}"', f"max_tokens={plan.cap}"]
    if has_system:
        if cache and not docs_cached:
            params.append(f'system=[{{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {cache}}}]')
        else:
            params.append("system=SYSTEM_PROMPT")
    if has_tools:
        params.append("tools=TOOLS")
    if docs_cached:
        params.append('messages=[{"role": "user", "content": [\n'
                      f'            {{"type": "text", "text": documents, "cache_control": {cache}}},  '
                      '# caches tools, system and documents\n'
                      '            {"type": "text", "text": question},\n        ]}]')
        signature, call_args = "documents: str, question: str", "documents, question"
    elif multi:
        params.append('messages=history + [{"role": "user", "content": user_message}]')
        signature, call_args = "history: list, user_message: str", "history, user_message"
    else:
        params.append('messages=[{"role": "user", "content": user_message}]')
        signature, call_args = "user_message: str", "user_message"
    if plan.stop:
        params.append(f'stop_sequences=["{plan.stop}"]')
    lines.append(f"def build_params({signature}) -> dict:")
    lines.append("    return dict(")
    lines += [f"        {p}," for p in params]
    lines += ["    )", ""]
    if docs_cached:
        lines.append(f"documents = {_literal(docs, 'documents.txt')}")
        lines.append(f"question = {_literal(question.strip(), 'question.txt')}")
    else:
        lines.append(f"user_message = {_literal(prompt, 'user_message.txt')}")
    if multi:
        lines.append('history = []  # earlier turns: {"role": "user", ...} and {"role": "assistant", ...} messages')
    if plan.batch:
        lines += [
            "",
            "# Offline work: send the requests as one batch (billed at the batch price) and collect the results",
            "# when it has ended (within 24 hours).",
            "def submit(requests: list[tuple]) -> str:",
            "    batch = client.messages.batches.create(requests=[",
            '        {"custom_id": f"req-{n}", "params": build_params(*args)} for n, args in enumerate(requests)',
            "    ])",
            "    return batch.id",
            "",
            "",
            "def results(batch_id: str) -> dict | None:",
            '    if client.messages.batches.retrieve(batch_id).processing_status != "ended":',
            "        return None  # not finished yet: try again later",
            "    return {r.custom_id: r.result for r in client.messages.batches.results(batch_id)}",
            "",
            "",
            f"batch_id = submit([({call_args},)])  # one tuple of arguments per request",
        ]
    else:
        lines += [
            "",
            f"response = client.messages.create(**build_params({call_args}))",
            "print(response.content[0].text)",
            "print(response.usage)  # cache_creation_input_tokens and cache_read_input_tokens show the cache at work",
        ]
    if plan.compress:
        lines += ["", f"# Long conversations: keep the last {KEEP_TURNS} turns in `history` and replace older ones "
                      f"with a summary", "# (ask the model for one), so each turn resends less history."]
    return {"python": "\n".join(lines) + "\n", "batch": plan.batch}


# ----------------------------------------------------------------------------------------------------------
# Input parsing shared by the bridge and the CLI
# ----------------------------------------------------------------------------------------------------------


def _parse_inputs(inputs: dict) -> tuple[str, str, str, RecommendWorkload, object, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []

    def text(name: str) -> str:
        v = inputs.get(name, "")
        if v is None:
            return ""
        if not isinstance(v, str):
            errors.append((name, "must be text"))
            return ""
        return v

    def number(name: str, default: Decimal, label: str, minimum: Decimal = Decimal(0),
               whole: bool = False, maximum: Decimal | None = None) -> Decimal:
        raw = inputs.get(name, "")
        if raw is None or raw == "":
            return default
        if isinstance(raw, bool):
            errors.append((name, f"{label} must be a number"))
            return default
        try:
            v = Decimal(str(raw).replace(",", "").replace("_", "").strip())
        except InvalidOperation:
            errors.append((name, f"{label} must be a number, got {str(raw)[:40]!r}"))
            return default
        if not v.is_finite():
            errors.append((name, f"{label} must be a finite number"))
        elif v < minimum:
            errors.append((name, f"{label} must be at least {dstr(minimum)}"))
        elif maximum is not None and v > maximum:
            errors.append((name, f"{label} must be at most {dstr(maximum)}"))
        elif whole and v != v.to_integral_value():
            errors.append((name, f"{label} must be a whole number"))
        else:
            return v
        return default

    def choice(name: str, options: tuple[str, ...], default: str) -> str:
        v = inputs.get(name, "") or default
        v = str(v).strip().lower().replace("-", "_").replace("+", "_and_")
        if v == "system_and_docs":
            v = "system_and_documents"
        if v not in options:
            errors.append((name, f"choose one of: {', '.join(options)}"))
            return default
        return v

    system, prompt, tools = text("system"), text("prompt"), text("tools")
    per_day = number("requests_per_day", Decimal(1000), "requests per day", maximum=Decimal(10) ** 12)
    gap = number("gap_minutes", Decimal(1), "the gap between requests", maximum=Decimal(10) ** 7)
    turns = number("turns", Decimal(1), "turns", Decimal(1), whole=True, maximum=Decimal(10_000))
    raw_out = inputs.get("output_tokens", "")
    out: int | None = None
    if not (raw_out is None or (isinstance(raw_out, str) and raw_out.strip().lower() in ("", "unknown"))):
        o = number("output_tokens", Decimal(0), "expected output length", Decimal(1), whole=True,
                   maximum=Decimal(1_000_000))
        out = int(o) if o else None
    repeats = choice("repeats", REPEATS, "system")
    mode = choice("mode", MODES, "interactive")
    at = inputs.get("at") or None
    if at is not None:
        try:
            parse_at(at)
        except PriceError as exc:
            errors.append(("at", str(exc)))
            at = None
    wl = RecommendWorkload(per_day, repeats, gap, mode, out, int(turns))
    return system, prompt, tools, wl, at, errors


#: The browser bridge words messages for the recommender's form (see calculators.bridge).
FORM_WORDS = {
    "give --output-tokens to set it": "fill in \u201cExpected output (tokens)\u201d to set it",
}


def bridge_recommend(inputs: dict, today: _dt.date) -> dict:
    """Browser entry point: the form's fields in, the recommendation as JSON out (``at`` defaults to today)."""
    system, prompt, tools, wl, at, errors = _parse_inputs(inputs)
    if errors:
        raise InputError(errors)
    try:
        result = recommend(prompt, system=system, tools=tools, workload=wl, at=at or today).to_json()
    except RecommendInputError as exc:
        raise InputError(exc.errors) from None
    pricing = load_pricing()
    future = future_prices_note(parse_at(at or today), today,
                                max(p.effective_from for m in pricing.models for p in m.periods))
    if future:
        result["notes"] = [*result.get("notes", []), future]
    return result


# ----------------------------------------------------------------------------------------------------------
# Prerendered HTML (the page shows real figures before Pyodide loads)
# ----------------------------------------------------------------------------------------------------------


def prerender_html(name: str, inputs: dict, result: dict) -> str:
    e = html.escape
    if result.get("error"):
        return f'<p class="rec-error" data-testid="recommend-error">{e(result["error"])}</p>'
    s = result["saving"]
    rows = "".join(
        f'<tr><td>{e(r["model_name"])}</td>'
        f'<td>{e(r["without_levers"]["display"]) if r.get("without_levers") else "—"}</td>'
        f'<td>{e(r["with_levers"]["display"]) if r.get("with_levers") else "—"}</td></tr>'
        for r in result["costs"])
    return (
        f'<p>Recommended: <strong data-testid="recommended-model" data-value="{e(result["model"])}">'
        f'{e(result["model_name"])}</strong> ({e(result["tier_label"].lower())} tier). '
        f'Monthly with levers: <span data-testid="monthly-usd" data-value="{e(s["recommended_monthly"]["usd"])}">'
        f'{e(s["recommended_monthly"]["display"])}</span>; against everything on '
        f'{e(s["baseline_model_name"])}: <span data-testid="saving-usd" '
        f'data-value="{e(s["saving_monthly"]["usd"])}">{e(s["saving_monthly"]["display"])}</span> saved '
        f'({e(s["saving_percent"])}).</p>'
        f'<table><thead><tr><th>Model</th><th>Monthly, no levers</th><th>Monthly, with levers</th></tr></thead>'
        f'<tbody>{rows}</tbody></table>'
    )


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
    parser.add_argument("--at", metavar="DATE", help="prices in force on this day (default: today)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _read_text(path: str, what: str) -> str:
    from .cli import CliError

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    return data.decode("utf-8", errors="replace")


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
              "output_tokens": args.output_tokens, "turns": args.turns, "at": args.at or args.today.isoformat()}
    flag = {"requests_per_day": "--requests-per-day", "gap_minutes": "--gap-minutes", "turns": "--turns",
            "output_tokens": "--output-tokens", "at": "--at", "repeats": "--repeats", "mode": "--offline",
            "prompt": "--prompt-file", "system": "--system-file", "tools": "--tools-file"}
    system, prompt, tools, wl, at, errors = _parse_inputs(inputs)
    if errors:
        raise CliError("; ".join(f"{flag.get(f, f)}: {m}" for f, m in errors))
    pricing = load_pricing(args.pricing) if getattr(args, "pricing", None) else load_pricing()
    try:
        rec = recommend(prompt, system=system, tools=tools, workload=wl, at=at, pricing=pricing).to_json()
    except RecommendInputError as exc:
        raise CliError("; ".join(m for _, m in exc.errors) +
                       " (give --prompt-file FILE, pipe the prompt on stdin, or --system-file FILE)") from None
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
    print(f"Prices of {rec['at']} (pricing.toml last checked {rec['pricing_checked']})")
    print(f"Tokens (estimate): {t['older_tokenizer']['low']:,}–{t['older_tokenizer']['high']:,} on the older "
          f"tokenizer, {t['newer_tokenizer']['low']:,}–{t['newer_tokenizer']['high']:,} on the newer one; "
          f"output {t['output']:,} ({t['output_source']})")
    print(f"  {t['note']}")
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
        print(f"  {r['model_name'].ljust(width)}  {a:>14}  {b:>14}" + ("  ← recommended" if r["recommended"]
                                                                       else ""))
    s = rec["saving"]
    print(f"\nAgainst everything on {s['baseline_model_name']} without levers ({s['baseline_monthly']['display']}): "
          f"{s['saving_monthly']['display']}/month saved ({s['saving_percent']}).")
    print("\nRequest code (Python SDK):\n")
    print(rec["code"]["python"])
