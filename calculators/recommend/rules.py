"""The recommender's tables, in one place for contributors: cue words per feature, the model tiers and
the routing rules. Changing a recommendation is an edit here; prices are never written here."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..pricing import Model, Pricing

if TYPE_CHECKING:  # the rules take Features; features.py imports the tables here
    from .features import Features

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

_STOPWORDS = {
    "English": {"the", "and", "of", "to", "is", "that", "with", "for", "this", "you", "are", "it"},
    "Spanish": {"el", "la", "los", "las", "que", "y", "es", "por", "para", "una", "con", "del"},
    "French": {"le", "les", "et", "est", "des", "une", "pour", "que", "dans", "qui", "avec", "du"},
    "German": {"der", "die", "und", "das", "ist", "nicht", "mit", "ein", "eine", "zu", "den", "sie"},
    "Portuguese": {"o", "os", "as", "que", "e", "não", "uma", "com", "para", "do", "da", "em"},
    "Italian": {"il", "che", "e", "di", "la", "non", "una", "per", "sono", "gli", "della", "con"},
}

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
