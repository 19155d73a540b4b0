"""The workload, the levers (caching, batch, output cap, compression) and their costs on one model."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..compression import simulate
from ..cost import TOOL_CHOICES, TOOLS, PriceError, Workload, decimal_fields, dstr, price
from ..cost import price_workload as _price_workload
from ..present import money_json as _money
from ..present import usd_display as _usd
from ..pricing import ENDPOINTS, PLATFORMS, Model, Pricing
from .features import Features
from .settings import COMPACT_EVERY, DAYS_PER_MONTH, KEEP_TURNS, LONG_CONVERSATION_TURNS, MODES, REPEATS, SUMMARY_RATIO

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
    else the typical number of turns in a conversation (each turn is one request). ``platform`` and
    ``endpoint`` say where the requests run, ``tool_set`` and ``tool_choice`` what tools they carry (the names
    of :func:`calculators.cost.price`; ``custom`` = your own tool definitions): every cost follows them.
    """

    requests_per_day: Decimal = Decimal(1000)
    repeats: str = "system"
    gap_minutes: Decimal = Decimal(1)
    mode: str = "interactive"
    output_tokens: int | None = None
    turns: int = 1
    platform: str = "anthropic"
    endpoint: str = "global"
    tool_set: tuple[str, ...] = ()
    tool_choice: str = "auto"

    def __post_init__(self) -> None:
        decimal_fields(self, ("requests_per_day", "gap_minutes"))
        for name, allowed in (("platform", PLATFORMS), ("endpoint", ENDPOINTS), ("tool_choice", TOOL_CHOICES)):
            if getattr(self, name) not in allowed:
                raise PriceError(f"{name} must be one of {', '.join(allowed)}", name)
        if isinstance(self.tool_set, str) or any(t not in TOOLS for t in self.tool_set):
            raise PriceError(f"tool_set must be a tuple of tool names ({', '.join(TOOLS)})", "tool_set")
        object.__setattr__(self, "tool_set", tuple(t for t in TOOLS if t in self.tool_set))
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
                "requests_per_month": dstr(self.requests_per_day * DAYS_PER_MONTH),
                "platform": self.platform, "endpoint": self.endpoint, "tool_set": list(self.tool_set),
                "tool_choice": self.tool_choice}

    @property
    def placement(self) -> dict:
        """The keyword arguments of :func:`calculators.cost.price` for where the requests run and their tools."""
        return {"platform": self.platform, "endpoint": self.endpoint, "tools": self.tool_set,
                "tool_choice": self.tool_choice}


def workload_cost(model: Model, workload: Workload, wl: RecommendWorkload, *, at: _dt.date,
                   pricing: Pricing):
    """:func:`calculators.cost.price_workload` on the platform, endpoint and tools of ``wl``."""
    return _price_workload(model, workload, at=at, pricing=pricing, **wl.placement)


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


def _assumed_output(feats: Features, user_tokens: int) -> tuple[int, str]:
    if feats.has("rewrite") and not feats.has("classification", "extraction"):
        n = min(max(100, user_tokens), 8000)
        return n, "about as long as the text being rewritten"
    for fid, n, what in ASSUMED_OUTPUT:
        if fid in feats:
            return n, what
    return _DEFAULT_OUTPUT, "a typical answer"


def _round_up(n: int) -> int:
    """``n`` rounded up to two significant digits (9,000 stays 9,000; 2,250 becomes 2,300; 24 stays 24)."""
    step = 10 ** max(0, len(str(n)) - 2)
    return -(-n // step) * step


def _cap_for(expected: int, model: Model) -> int:
    """max_tokens for an expected output: 1.5 times it, rounded up to two significant digits (at most 10% more),
    and never above the model's maximum output."""
    cap = _round_up(math.ceil(expected * 3 / 2))
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

    The conversation is :func:`calculators.compression.simulate`'s (the same simulation the compression guide
    draws): with ``compress``, once ``KEEP_TURNS + COMPACT_EVERY`` turns are in the history, the oldest
    ``COMPACT_EVERY`` are folded into a summary of ``SUMMARY_RATIO`` of what it replaces; the summary call (input:
    the old summary and the folded turns, output: the new summary) is charged on the same model too. Averages
    are per turn, rounded up.
    """
    total_in = total_out = max_prompt = calls = 0
    for t in simulate(turns, system=prefix, user=user, reply=output, keep=KEEP_TURNS, every=COMPACT_EVERY,
                      summary_ratio=SUMMARY_RATIO, instruction=0):
        prompt = t.prompt_compressed if compress else t.prompt_plain
        total_in += prompt
        total_out += output
        max_prompt = max(max_prompt, prompt)
        if compress and t.fold is not None:
            total_in += t.fold.input_tokens
            total_out += t.fold.summary_tokens
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
    if turns >= LONG_CONVERSATION_TURNS and not _cheaper(model, squeezed, plain, per_month, wl, pricing, day):
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
            gain = (workload_cost(model, without, wl, at=day, pricing=pricing).monthly
                    - workload_cost(model, trial, wl, at=day, pricing=pricing).monthly)
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
    # The worst case is the output alone (on the request's platform and endpoint): the prompt is paid either way.
    worst_before = price(model, output=model.max_output or cap, at=day, pricing=pricing, platform=wl.platform,
                         endpoint=wl.endpoint).total
    worst_after = price(model, output=cap, at=day, pricing=pricing, platform=wl.platform,
                        endpoint=wl.endpoint).total
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
                   + _cap_reason(shape.output, cap) + f"{stop_note}. "
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
    prev = workload_cost(model, plan.baseline, wl, at=day, pricing=pricing).monthly
    saved = {}
    for lid, w in steps:
        now = workload_cost(model, w, wl, at=day, pricing=pricing).monthly
        saved[lid] = prev - now
        prev = now
    for lever in plan.levers:
        if lever.get("applies", True):
            lever["applies"] = True
            lever["saving_monthly"] = _money(saved.get(lever["id"], Decimal(0)))
    return plan


def _cheaper(model: Model, a: Conversation, b: Conversation, per_month: Decimal, wl: RecommendWorkload,
             pricing: Pricing, day: _dt.date) -> bool:
    """Whether conversation ``a`` costs less per month than ``b`` (no caching, no batch)."""
    def cost(c: Conversation) -> Decimal:
        return workload_cost(model, Workload(per_month, c.prompt_per_request, c.output_per_request), wl,
                              at=day, pricing=pricing).monthly
    return cost(a) < cost(b)


def _cap_reason(expected: int, cap: int) -> str:
    """Why max_tokens is ``cap`` for ``expected`` output tokens, in words that agree with the numbers."""
    exact = Decimal(expected) * 3 / 2
    if cap < exact:
        return "(the model's maximum output)"
    if cap == exact:
        return f"(1.5 × {expected:,})"
    return f"(1.5 × {expected:,} = {exact.normalize():,f}, rounded up)"


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
