"""Starting scenarios for the Cost Calculator: typical workloads, as data (token counts and volumes, no prices).

Each preset is one request of a kind of workload and how many of them are sent. The reader picks one as a
starting point and changes what does not match; the page lists the assumptions (worked out here from the
numbers, so they cannot drift from them) next to the choice. Prices never appear here: the calculator prices a
preset like any other input, from pricing.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .cost import DAYS_PER_MONTH
from .present import percent, tokens

__all__ = ["PRESETS", "Preset", "preset", "presets_json"]


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    summary: str
    #: The calculator's form fields this preset sets (the rest keep the form's defaults).
    inputs: dict
    #: Assumptions that are not numbers of the form (what a "request" is, why this volume).
    notes: tuple[str, ...] = field(default=())


PRESETS: tuple[Preset, ...] = (
    Preset(
        "chatbot", "Chatbot turn",
        "One reply in a customer-support chat whose instructions and history stay in the prompt cache.",
        {"model": "claude-sonnet-5-5", "input": 300, "cache_write_5m": 700, "cache_read": 4000, "output": 350,
         "requests_per_day": 20000},
        ("A request is one turn: the new user message is uncached; the previous turn is written to the "
         "5-minute cache and everything before it is read from it.",
         "Turns follow each other within 5 minutes, so the cache stays warm.")),
    Preset(
        "rag", "RAG answer",
        "A question answered from retrieved passages: a cached system prompt plus fresh passages every time.",
        {"model": "claude-sonnet-5-5", "input": 6100, "cache_read": 1500, "output": 500, "requests_per_day": 5000},
        ("The retrieved passages (about 6,000 tokens) and the question differ per request, so they are uncached "
         "input; only the instructions are read from the cache.",)),
    Preset(
        "agent", "Agent loop step",
        "One step of a coding agent: tool definitions and the transcript so far read from the cache, the last tool "
        "result written to it.",
        {"model": "claude-opus-5-5", "input": 500, "cache_write_5m": 3000, "cache_read": 40000, "output": 1200,
         "tools": "bash,text_editor", "requests_per_day": 1000},
        ("A request is one model call in the loop; 50 tasks a day of 20 steps each make 1,000 requests.",
         "The bash and text editor tools are defined in every request.")),
    Preset(
        "batch", "Batch back-fill",
        "Summarising or classifying an archive once, through the Message Batches API.",
        {"model": "claude-haiku-5-5", "input": 1200, "output": 300, "batch": True, "requests_per_month": 1000000},
        ("Each document is sent once, so nothing is worth caching.",
         "Results can wait up to 24 hours, so every request goes through the Batch API.")),
    Preset(
        "claude_code", "Claude Code session",
        "A developer's day with Claude Code: many calls on a long, cached context.",
        {"model": "claude-sonnet-5-5", "input": 50, "cache_write_5m": 4000, "cache_read": 60000, "output": 800,
         "requests_per_day": 200},
        ("A request is one model call; a working day of one developer makes about 200.",
         "The system prompt, tools and conversation are read from the cache; each call writes what it added.")),
)

_PROMPT_PARTS = (("input", "uncached"), ("cache_write_5m", "written to the 5-minute cache"),
                 ("cache_write_1h", "written to the 1-hour cache"), ("cache_read", "read from the cache"))


def preset(key: str) -> Preset | None:
    return next((p for p in PRESETS if p.key == key), None)


def assumptions(p: Preset) -> list[str]:
    """The preset's numbers in words (prompt and its cache shares, output, volume, options), then its notes."""
    given = p.inputs
    prompt = sum(int(given.get(k, 0)) for k, _ in _PROMPT_PARTS)
    parts = [f"{percent(Decimal(given[k]) / prompt)} {words}" for k, words in _PROMPT_PARTS
             if given.get(k) and prompt]
    lines = [f"Prompt of {tokens(prompt)} tokens per request: {', '.join(parts)}.",
             f"{tokens(int(given.get('output', 0)))} output tokens per request."]
    if "requests_per_day" in given:
        per_day = int(given["requests_per_day"])
        lines.append(f"{tokens(per_day)} requests a day ({tokens(per_day * DAYS_PER_MONTH)} a month of {DAYS_PER_MONTH} days).")
    else:
        lines.append(f"{tokens(int(given.get('requests_per_month', 0)))} requests a month.")
    if given.get("batch"):
        lines.append("Sent through the Batch API.")
    return lines + list(p.notes)


def presets_json() -> list[dict]:
    """The presets as the page lists them: key, label, summary, the form fields they set and the assumptions."""
    return [{"key": p.key, "label": p.label, "summary": p.summary, "inputs": dict(p.inputs),
             "assumptions": assumptions(p)} for p in PRESETS]
