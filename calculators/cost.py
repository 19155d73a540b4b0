"""The cost model: price one request, a month of requests, or the same workload on every model.

All arithmetic is ``Decimal``. A request's cost is::

    rate(bucket) = base rate of the period in force
                   (or the prompt-length tier's rate, when the prompt is above the tier's threshold,
                    or the fast-mode rate, when fast mode is on)
                   x batch multiplier (Batch API) x US-only multiplier (inference_geo = "us")
    cost         = sum over token buckets of tokens x rate / 1,000,000  +  web searches x price per search

The prompt used for tiers is every input token of the request: uncached input + cache writes + cache reads.
A tier applies to the whole request, output included. Nothing is rounded here; rounding is for display.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import PriceError
from .present import dstr
from .pricing import BUCKETS, ENDPOINTS, MILLION, PLATFORMS, Model, Period, Pricing, Rates, Resolved, load_pricing
from .usage_object import MAX_TOKENS, usage_values

__all__ = [
    "BUCKETS",
    "DAYS_PER_MONTH",
    "MAX_TOKENS",
    "BreakEven",
    "Cost",
    "LineItem",
    "ModelCost",
    "PriceError",
    "Usage",
    "Workload",
    "WorkloadCost",
    "break_even",
    "compare_models",
    "parse_at",
    "price",
    "price_usage",
    "price_workload",
    "turn_cost",
    "usage_from_api",
]

#: A month of requests when a volume is given per day (the calculator and the recommender say so on the page).
DAYS_PER_MONTH = 30

#: MAX_TOKENS, the largest token count (per bucket, per request) accepted anywhere, is 10^15. With it and the price
#: file's own bounds (at most 10,000 USD per MTok, 9 decimal places), every cost below is computed exactly in _EXACT.
#: The arithmetic context of every cost: wide enough that no product or sum of accepted values is rounded, and
#: trapping Inexact so that a rounding can never pass silently.
_EXACT = decimal.Context(prec=60, Emax=10**6, Emin=-(10**6), traps=[decimal.Inexact, decimal.InvalidOperation,
                                                                     decimal.Overflow, decimal.DivisionByZero])


def short_value(value: object, limit: int = 40) -> str:
    """A value for an error message, cut so that a huge number or string cannot flood it."""
    text = str(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{text[:6]}...({len(text)} digits)"
    return text[: limit - 3] + "..."



# ----------------------------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Token counts of one request, in the Messages API's sense.

    ``input`` is only the uncached part of the prompt; cache writes and reads are separate buckets.
    """

    input: int = 0
    output: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    cache_read: int = 0
    web_searches: int = 0

    def __post_init__(self) -> None:
        for name in (*BUCKETS, "web_searches"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise PriceError(f"{name} must be a whole number of tokens, got {short_value(value)}", name)
            if value < 0:
                raise PriceError(f"{name} cannot be negative (got {short_value(value)})", name)
            if value > MAX_TOKENS:
                raise PriceError(f"{name} is {short_value(value)}: counts above {MAX_TOKENS:,} (10^15) are not "
                                 "accepted", name)

    @property
    def prompt_tokens(self) -> int:
        """Every input token of the request: the count that prompt-length tiers compare."""
        return self.input + self.cache_write_5m + self.cache_write_1h + self.cache_read

    def tokens(self, bucket: str) -> int:
        return getattr(self, bucket)


def parse_at(at: object) -> _dt.date:
    """The UTC day a price is looked up for: a date, a datetime or an ISO string.

    The library never reads the clock: a missing day is an error, and the caller (the CLI, the docs build or
    the browser bridge, through :func:`calculators.clock.today`) passes today when it means today.
    """
    if at is None or at == "":
        raise PriceError("no day given: pass the day whose prices apply (at=YYYY-MM-DD)", "at")
    if isinstance(at, _dt.datetime):
        return _utc_day(at, at)
    if isinstance(at, _dt.date):
        return at
    if isinstance(at, str):
        text = at.strip()
        bad = PriceError(f"not a date: {short_value(text)} (use YYYY-MM-DD or an ISO 8601 timestamp such as "
                         "2026-11-25T14:30:00Z)", "at")
        if not _DATE_RE.match(text):
            raise bad
        try:
            if len(text) == 10:
                return _dt.date.fromisoformat(text)
            stamp = _dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise bad from None
        return _utc_day(stamp, text)
    raise PriceError(f"not a date: {short_value(at)}", "at")


#: What parse_at accepts as text: a date, or a date and time with an optional UTC offset (ISO 8601).
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?")


def _utc_day(stamp: _dt.datetime, shown: object) -> _dt.date:
    """The UTC day of a timestamp (a naive one is taken as UTC)."""
    if stamp.tzinfo is None:
        return stamp.date()
    try:
        return stamp.astimezone(_dt.UTC).date()
    except OverflowError:
        raise PriceError(f"{short_value(shown)} is outside the years 1 to 9999 once converted to UTC", "at") from None


# ----------------------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineItem:
    """One bucket of a priced request. For ``web_search`` the count is requests, not tokens."""

    bucket: str
    tokens: int
    usd_per_mtok: Decimal | None
    usd: Decimal
    usd_per_request: Decimal | None = None
    #: For time-billed charges (``code_execution``, ``managed_agents``): the hours billed and USD per hour.
    hours: Decimal | None = None
    usd_per_hour: Decimal | None = None

    def to_json(self) -> dict:
        out = {"bucket": self.bucket, "tokens": self.tokens,
               "usd_per_mtok": dstr(self.usd_per_mtok) if self.usd_per_mtok is not None else None,
               "usd": dstr(self.usd)}
        if self.usd_per_request is not None:
            out["usd_per_request"] = dstr(self.usd_per_request)
        if self.hours is not None and self.usd_per_hour is not None:
            out["hours"], out["usd_per_hour"] = dstr(self.hours), dstr(self.usd_per_hour)
        return out


@dataclass(frozen=True)
class Cost:
    """A priced request: line items, the exact total, and what was applied."""

    model: Model
    day: _dt.date
    period: Period
    items: tuple[LineItem, ...]
    total: Decimal
    batch: bool = False
    geo: str = "global"
    fast: bool = False
    tier: int | None = None
    notes: tuple[str, ...] = ()
    platform: str = "anthropic"
    endpoint: str = "global"

    def item(self, bucket: str) -> LineItem | None:
        return next((i for i in self.items if i.bucket == bucket), None)

    @property
    def token_usd(self) -> Decimal:
        return sum((i.usd for i in self.items if i.bucket != "web_search"), Decimal(0))

    def to_json(self) -> dict:
        return {
            "model": self.model.id,
            "model_name": self.model.name,
            "at": self.day.isoformat(),
            "period_from": self.period.effective_from.isoformat(),
            "total_usd": dstr(self.total),
            "items": [i.to_json() for i in self.items],
            "platform": self.platform,
            "endpoint": self.endpoint,
            "modifiers": {"batch": self.batch, "geo": self.geo, "fast": self.fast,
                          "tier_above_prompt_tokens": self.tier, "platform": self.platform,
                          "endpoint": self.endpoint},
            "notes": list(self.notes),
        }


# ----------------------------------------------------------------------------------------------------------
# Pricing one request
# ----------------------------------------------------------------------------------------------------------


def _resolve(model: str | Model, pricing: Pricing | None) -> tuple[Model, Pricing]:
    pricing = pricing or load_pricing()
    if isinstance(model, Model):
        return model, pricing
    return pricing.model(model), pricing


def period_for(model: Model, day: _dt.date) -> Period:
    """The price period in force on ``day``, or a :class:`PriceError` that says when prices exist."""
    period = model.period_at(day)
    if period is None:
        first = model.periods[0].effective_from
        raise PriceError(
            f"{model.id} has no price on {day}: its prices start on {first}"
            if day < first else f"{model.id} has no price on {day} (see its periods in pricing.toml)",
            "at",
        )
    return period


def price(
    model: str | Model,
    usage: Usage | None = None,
    *,
    batch: bool = False,
    geo: str | None = None,
    fast: bool = False,
    at: object,
    pricing: Pricing | None = None,
    platform: str | None = None,
    endpoint: str | None = None,
    tools: tuple[str, ...] | list[str] = (),
    tool_choice: str = "auto",
    container_hours: Decimal | int | str | None = None,
    with_search_or_fetch: bool = False,
    session_hours: Decimal | int | str | None = None,
    **tokens: int,
) -> Cost:
    """Price one request.

    Args:
        model: a canonical id, an alias, a family shortcut (``"sonnet"``) or a :class:`Model`.
        usage: token counts; alternatively pass them as keywords (``input=2000, output=500``).
        batch: Message Batches API pricing.
        geo: ``"global"`` (default) or ``"us"`` for US-only inference.
        fast: fast mode (premium speed), where the model prices it.
        platform: ``"anthropic"`` (the Claude API), ``"bedrock"``, ``"vertex"`` or ``"foundry"``; by default the
            one the model's spelling implies (``global.anthropic.claude-…`` is Bedrock), else the Claude API.
        endpoint: ``"global"`` or ``"regional"`` (regional and multi-region endpoints on Bedrock and Vertex);
            by default the one the spelling implies, else global.
        tools: Anthropic-defined tools in the request (``bash``, ``text_editor``, ``computer_use``, ``browser``,
            or ``custom`` for your own tool definitions): the tool-use system prompt (for ``tool_choice``) and
            each tool's tokens are added to the uncached input, with a note (see :func:`tool_overhead`).
        container_hours: code execution time of the request's container, billed per hour with the price file's
            minimum; free with ``with_search_or_fetch`` (the 2026-02-09 or later web search / fetch tools).
        session_hours: Managed Agents session running time, billed per session-hour.
        at: the date or timestamp whose prices apply (default: today, UTC).
        pricing: a loaded price file (default: the repository's ``pricing.toml``).

    Returns:
        A :class:`Cost` with one line item per token bucket (plus web search when used) and an exact total.

    Raises:
        UnknownModelError: the model is not in the price file (the message names the closest ids).
        PriceError: a modifier the model does not support, a date with no price, or bad token counts.
    """
    with decimal.localcontext(_EXACT):
        cost = _price(model, usage, batch=batch, geo=geo, fast=fast, at=at, pricing=pricing, tokens=tokens,
                      platform=platform, endpoint=endpoint, tools=tools, tool_choice=tool_choice)
        extras = _time_charges(container_hours, with_search_or_fetch, session_hours, pricing or load_pricing())
        if not extras:
            return cost
        items = cost.items + tuple(item for item, _ in extras)
        notes = cost.notes + tuple(n for _, n in extras if n)
        return Cost(**{**cost.__dict__, "items": items, "total": sum((i.usd for i in items), Decimal(0)),
                       "notes": notes})


TOOLS = ("bash", "text_editor", "computer_use", "browser", "custom")
TOOL_CHOICES = ("auto", "none", "any", "tool")


@dataclass(frozen=True)
class ToolOverhead:
    """Input tokens that tools add to a request: the tool-use system prompt and each Anthropic-defined tool."""

    system_prompt: int | None  # None where Anthropic publishes no figure for the model
    tools: tuple[tuple[str, int], ...]
    notes: tuple[str, ...]

    @property
    def total(self) -> int:
        return (self.system_prompt or 0) + sum(n for _, n in self.tools)


def tool_overhead(model: str | Model, tools: tuple[str, ...] | list[str], *, tool_choice: str = "auto",
                  pricing: Pricing | None = None) -> ToolOverhead:
    """The input tokens a request's tools add on ``model`` (``custom`` counts only the system prompt; your own
    tool definitions are tokens you count yourself). ``tool_choice`` ``auto``/``none`` and ``any``/``tool`` have
    different system prompts. Raises :class:`PriceError` for an unknown tool or choice."""
    m, pricing = _resolve(model, pricing)
    if tool_choice not in TOOL_CHOICES:
        raise PriceError(f"tool_choice must be one of {', '.join(TOOL_CHOICES)}, got {short_value(tool_choice)}",
                         "tool_choice")
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        raise PriceError(f"unknown tool {short_value(unknown[0])}: use {', '.join(TOOLS)}", "tools")
    if not tools:
        return ToolOverhead(0, (), ())
    charges = pricing.tools
    notes: list[str] = []
    prompt = None
    if m.tool_system_prompt is not None:
        prompt = m.tool_system_prompt[0 if tool_choice in ("auto", "none") else 1]
    else:
        notes.append(f"Anthropic publishes no tool-use system prompt size for {m.name}: not counted")
    per_tool: list[tuple[str, int]] = []
    known = dict(charges.tool_tokens) if charges else {}
    for t in dict.fromkeys(tools):
        if t == "custom":
            continue
        if t == "bash" and charges and m.id in charges.bash_newer_models:
            per_tool.append((t, charges.bash_newer_tokens))
        elif t in known:
            per_tool.append((t, known[t]))
    return ToolOverhead(prompt, tuple(per_tool), tuple(notes))


def _hours(value: object, name: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise PriceError(f"{name} must be a number of hours, got {short_value(value)}", name) from None
    if not hours.is_finite() or hours < 0 or hours > 1_000_000:
        raise PriceError(f"{name} must be between 0 and 1,000,000 hours, got {short_value(value)}", name)
    return hours


def _time_charges(container_hours: object, with_search_or_fetch: bool, session_hours: object,
                  pricing: Pricing) -> list[tuple[LineItem, str]]:
    """Code execution and Managed Agents line items (with a note each), for :func:`price`."""
    out: list[tuple[LineItem, str]] = []
    if container_hours is None and session_hours is None:
        return out
    charges = pricing.tools
    if charges is None:
        raise PriceError("this pricing file has no [tools] section: container and session time cannot be priced",
                         "container_hours")
    if container_hours is not None:
        hours = _hours(container_hours, "container_hours")
        # The minimum (5 minutes = 1/12 hour) has no finite decimal form: billed hours are rounded half-up to
        # 12 decimal places, the one rounding in a cost (a minimum container costs 0.004166666667 USD at 0.05/h).
        with decimal.localcontext(decimal.Context(prec=60)):
            minimum = (Decimal(charges.code_execution_minimum_minutes) / 60).quantize(Decimal("1e-12"),
                                                                                   decimal.ROUND_HALF_UP)
        billed = max(hours, minimum) if hours else Decimal(0)
        if with_search_or_fetch:
            out.append((LineItem("code_execution", 0, None, Decimal(0), None, billed, Decimal(0)),
                        "code execution is free in a request that carries the newer web search or web fetch tool"))
        else:
            note = (f"code execution bills at least {charges.code_execution_minimum_minutes} minutes per container"
                    if hours and hours < minimum else "")
            note = "; ".join(filter(None, [note, f"the first {dstr(charges.code_execution_free_hours_per_month)} "
                                           "container-hours of each month are free per organisation (not "
                                           "subtracted here)"]))
            out.append((LineItem("code_execution", 0, None, billed * charges.code_execution_per_hour, None, billed,
                                 charges.code_execution_per_hour), note))
    if session_hours is not None:
        hours = _hours(session_hours, "session_hours")
        out.append((LineItem("managed_agents", 0, None, hours * charges.managed_agents_per_session_hour, None, hours,
                             charges.managed_agents_per_session_hour), ""))
    return out


def _price(model, usage, *, batch, geo, fast, at, pricing, tokens, platform, endpoint, tools, tool_choice) -> Cost:
    for name, flag in (("batch", batch), ("fast", fast)):
        if not isinstance(flag, bool):
            raise PriceError(f"{name} must be True or False, got {short_value(flag)}", name)
    if geo is not None and not isinstance(geo, str):
        raise PriceError(f"geo must be 'global', 'us' or None, got {short_value(geo)}", "geo")
    if not isinstance(model, (str, Model)):
        raise PriceError(f"model must be a model id or a Model, got {short_value(model)}", "model")
    if usage is not None and not isinstance(usage, Usage):
        raise PriceError(f"usage must be a Usage, got {type(usage).__name__}", "usage")
    if usage is None:
        unknown = set(tokens) - {*BUCKETS, "web_searches"}
        if unknown:
            raise PriceError(f"unknown token bucket(s): {', '.join(sorted(unknown))}", sorted(unknown)[0])
        usage = Usage(**tokens)
    elif tokens:
        raise PriceError("pass either a Usage or token keywords, not both")
    pricing = pricing or load_pricing()
    implied = pricing.resolve(model) if isinstance(model, str) else Resolved(model)
    day = parse_at(at)
    tool_notes: tuple[str, ...] = ()
    if tools:
        overhead = tool_overhead(implied.model, tuple(tools), tool_choice=tool_choice, pricing=pricing)
        if overhead.total:
            usage = Usage(**{**{b: usage.tokens(b) for b in BUCKETS}, "input": usage.input + overhead.total,
                             "web_searches": usage.web_searches})
        parts = ([f"tool-use system prompt {overhead.system_prompt:,}"] if overhead.system_prompt else []) + \
            [f"{t.replace('_', ' ')} {n:,}" for t, n in overhead.tools]
        tool_notes = overhead.notes + ((f"tools add {overhead.total:,} input tokens ({', '.join(parts)}), "
                                        "counted as uncached input",) if overhead.total else ())
    eff = effective_rates(implied, day, prompt_tokens=usage.prompt_tokens, batch=batch, geo=geo, fast=fast,
                          platform=platform, endpoint=endpoint, pricing=pricing)
    items = [_item(b, usage.tokens(b), getattr(eff.rates, b)) for b in BUCKETS]
    if usage.web_searches:
        per = pricing.web_search_per_request
        items.append(LineItem("web_search", usage.web_searches, None, per * usage.web_searches, per))
    total = sum((i.usd for i in items), Decimal(0))
    return Cost(implied.model, day, eff.period, tuple(items), total, batch, eff.geo, fast, eff.tier,
                eff.notes + tool_notes, eff.platform, eff.endpoint)


@dataclass(frozen=True)
class EffectiveRates:
    """The per-MTok rates a request pays after every modifier, and what decided them."""

    period: Period
    rates: Rates
    tier: int | None
    geo: str
    platform: str
    endpoint: str
    notes: tuple[str, ...]


def effective_rates(model: Model | Resolved, day: _dt.date, *, prompt_tokens: int | None, batch: bool = False,
                    geo: str | None = None, fast: bool = False, platform: str | None = None,
                    endpoint: str | None = None, pricing: Pricing) -> EffectiveRates:
    """The rates of every bucket a request on ``day`` pays: the period's rates chosen by :func:`select_rates`
    (fast mode, prompt-length tier), times the Batch API, US-only and regional-endpoint multipliers. The one
    implementation of the stacking order, used by :func:`price`, the docs and the rate-table export."""
    implied = model if isinstance(model, Resolved) else Resolved(model)
    m = implied.model
    period = period_for(m, day)
    geo = (geo or "global").lower()
    notes: list[str] = []
    platform, endpoint, regional = _placement(m, implied, platform, endpoint, geo, pricing, notes)

    if geo not in ("global", "us"):
        raise PriceError(f"unknown inference_geo {short_value(geo)}: use 'global' or 'us'", "geo")
    if geo == "us" and not m.us_inference:
        raise PriceError(f"{m.name} does not support US-only inference (inference_geo); it is priced on "
                         f"Claude 4.6 and later models only", "geo")
    if fast and batch:
        raise PriceError("fast mode is not available with the Batch API", "fast")

    if m.retired is not None and day >= m.retired:
        notes.append(f"{m.name} was retired from the Claude API on {m.retired}; priced at its last Claude API rates")
    rates, tier = select_rates(m, period, day, prompt_tokens=prompt_tokens, fast=fast)
    if fast and period.fast is None:
        notes.append(f"fast mode on {m.name} runs at standard speed and is billed at standard rates")
    if tier is not None:
        notes.append(f"prompt of {prompt_tokens or 0:,} tokens is above {tier:,}: "
                     f"every rate of the request uses the higher tier")

    factor = Decimal(1)
    if batch:
        factor *= pricing.batch_multiplier
    if geo == "us":
        factor *= pricing.us_multiplier
    if regional:
        factor *= pricing.regional_multiplier
    rates = rates.scaled(factor) if factor != 1 else rates
    return EffectiveRates(period, rates, tier, geo, platform, endpoint, tuple(notes))


_PLATFORM_NAMES = {"anthropic": "the Claude API", "bedrock": "Amazon Bedrock", "vertex": "Google Cloud Vertex AI",
                   "foundry": "Microsoft Foundry"}


def _placement(m: Model, implied: Resolved, platform: object, endpoint: object, geo: str, pricing: Pricing,
               notes: list[str]) -> tuple[str, str, bool]:
    """The platform and endpoint a request is priced on (explicit values override what the model's spelling
    implies), and whether the regional premium applies. Adds a note where the choice changes nothing or was
    assumed."""
    for name, value, allowed in (("platform", platform, PLATFORMS), ("endpoint", endpoint, ENDPOINTS)):
        if value is not None and (not isinstance(value, str) or value.strip().lower() not in allowed):
            raise PriceError(f"{name} must be one of {', '.join(allowed)}, got {short_value(value)}", name)
    chosen_platform = str(platform or implied.platform or "anthropic").strip().lower()
    chosen_endpoint = str(endpoint or implied.endpoint or "global").strip().lower()
    if chosen_platform == "vertex" and endpoint is None and implied.endpoint is None:
        notes.append("a Vertex AI model id does not say which endpoint served it: priced as global; "
                     "give the endpoint as regional for regional and multi-region endpoints")
    if chosen_endpoint == "regional" and chosen_platform not in ("bedrock", "vertex"):
        hint = "use geo 'us' (US Data Zone Standard)" if chosen_platform == "foundry" else \
            "for US-only inference use geo 'us'"
        raise PriceError(f"{_PLATFORM_NAMES[chosen_platform]} has no regional endpoints; {hint}", "endpoint")
    if geo == "us" and chosen_platform in ("bedrock", "vertex"):
        raise PriceError(f"inference_geo is not a {_PLATFORM_NAMES[chosen_platform]} setting: choose a regional "
                         "endpoint there instead", "geo")
    regional = chosen_endpoint == "regional"
    premium = regional and pricing.regional_premium_from is not None and m.released is not None \
        and m.released >= pricing.regional_premium_from
    if regional and not premium:
        notes.append(f"{m.name} costs the same on regional and global endpoints (the regional premium applies to "
                     f"models released from {pricing.regional_premium_from} on)")
    return chosen_platform, chosen_endpoint, premium


def select_rates(model: Model, period: Period, day: _dt.date, *, prompt_tokens: int | None,
                 fast: bool = False) -> tuple[Rates, int | None]:
    """The rates a request pays in ``period`` before batch and geo multipliers, and the tier threshold used.

    Fast mode takes the period's fast rates (which ignore prompt-length tiers), or its standard rates where fast
    requests are billed as standard. Otherwise the highest prompt-length tier whose threshold the prompt
    (uncached input + cache writes + cache reads) is above replaces every rate; ``prompt_tokens=None`` means
    "below every tier". This is the one place the rule is written: the cost model, the docs and the log
    analyser call it.

    Raises:
        PriceError: fast mode on a period that has no fast price and does not bill fast as standard.
    """
    if fast:
        if period.fast is not None:
            return period.fast.rates, None
        if period.fast_billed_as_standard:
            return period.rates, None
        raise PriceError(f"fast mode is not available on {model.name} on {day}", "fast")
    rates, tier = period.rates, None
    if prompt_tokens is not None:
        for t in period.tiers:
            if prompt_tokens > t.above_prompt_tokens:
                rates, tier = t.rates, t.above_prompt_tokens
    return rates, tier


def _item(bucket: str, tokens: int, rate: Decimal) -> LineItem:
    return LineItem(bucket, tokens, rate, tokens * rate / MILLION)


# ----------------------------------------------------------------------------------------------------------
# The Messages API usage object
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiUsage:
    """What a Messages API ``usage`` object (or whole response) says about one request."""

    usage: Usage
    model: str | None = None
    batch: bool = False
    geo: str = "global"
    fast: bool = False
    service_tier: str | None = None
    notes: tuple[str, ...] = ()


def usage_from_api(obj: Mapping) -> ApiUsage:
    """Read a Messages API ``usage`` object, or a whole response that has one (the rules are
    :mod:`calculators.usage_object`'s, shared with the log analyser).

    ``input_tokens`` is the uncached part only. Cache writes are split by ``cache_creation``
    (``ephemeral_5m_input_tokens`` / ``ephemeral_1h_input_tokens``); when that object is absent every
    cache write counts as a 5-minute write. ``service_tier == "batch"`` means batch pricing,
    ``inference_geo == "us"`` US-only inference and ``speed == "fast"`` fast mode.
    """
    if not isinstance(obj, Mapping):
        raise PriceError(f"expected a JSON object with usage fields, got {type(obj).__name__}", "usage")
    from_batch = False
    result = obj.get("result")
    if "custom_id" in obj and isinstance(result, Mapping):
        # A Message Batches results line: {"custom_id": ..., "result": {"type": "succeeded", "message": {...}}}.
        if result.get("type") != "succeeded" or not isinstance(result.get("message"), Mapping):
            raise PriceError(f"batch result {obj.get('custom_id')!r} is {result.get('type')!r}, not 'succeeded': "
                             "only succeeded requests are billed", "result")
        obj, from_batch = result["message"], True
    model = obj.get("model") if isinstance(obj.get("model"), str) else None
    if isinstance(obj.get("usage"), Mapping):
        u = obj["usage"]
    elif isinstance(obj.get("message"), Mapping) and isinstance(obj["message"].get("usage"), Mapping):
        model = obj["message"].get("model") if isinstance(obj["message"].get("model"), str) else model
        u = obj["message"]["usage"]
    else:
        u = obj
    known = {"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
             "cache_creation", "server_tool_use"}
    if not known & set(u):
        raise PriceError("no usage fields found (expected input_tokens, output_tokens, ...)", "usage")
    notes: list[str] = []
    inp, w5, w1, rd, out, web, batch, geo, fast, tier = usage_values(u, notes)  # (the package's one reading)
    if tier == "priority":
        notes.append("Priority Tier has no published per-token price; priced at standard rates")
    usage = Usage(input=inp, output=out, cache_write_5m=w5, cache_write_1h=w1, cache_read=rd, web_searches=web)
    return ApiUsage(usage, model, batch or from_batch, geo, fast, tier, tuple(notes))


def price_usage(obj: Mapping, model: str | None = None, *, at: object,
                pricing: Pricing | None = None, platform: str | None = None, endpoint: str | None = None) -> Cost:
    """Price a Messages API ``usage`` object or response. ``model`` overrides the response's model; ``platform``
    and ``endpoint`` say where it ran (see :func:`price`: a usage object does not say)."""
    api = usage_from_api(obj)
    name = model or api.model
    if not name:
        raise PriceError("no model given: the object has no 'model' field, so pass one", "model")
    cost = price(name, api.usage, batch=api.batch, geo=api.geo, fast=api.fast, at=at, pricing=pricing,
                 platform=platform, endpoint=endpoint)
    if api.notes:
        cost = Cost(**{**cost.__dict__, "notes": cost.notes + api.notes})
    return cost


def turn_cost(in_tok: int, out_tok: int, cached_tok: int = 0, model: str = "sonnet", *, at: object) -> Decimal:
    """The cost of one conversational turn, priced from pricing.toml at the prices in force on ``at``.

    ``in_tok`` is the whole prompt; ``cached_tok`` of it are read from the cache at the cache-read rate and
    the rest is billed as uncached input. It leaves out cache writes (the turn that first caches a prefix
    pays 1.25x or 2x for it), web searches, the Batch API, US-only inference and fast mode: use
    :func:`price` for those.
    """
    if cached_tok > in_tok:
        raise PriceError(f"cached_tok ({cached_tok}) cannot exceed in_tok ({in_tok})", "cached_tok")
    return price(model, Usage(input=in_tok - cached_tok, output=out_tok, cache_read=cached_tok), at=at).total


# ----------------------------------------------------------------------------------------------------------
# Break-even, workloads and comparisons
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakEven:
    """How many cache reads pay back one cache write, per TTL.

    Writing a prefix to the cache costs ``write - input`` more per token than sending it uncached; each later
    read saves ``input - read``. ``ratio`` is their quotient; ``reads`` the whole number of reads needed.
    """

    model: str
    ratio_5m: Decimal
    ratio_1h: Decimal
    reads_5m: int
    reads_1h: int

    def to_json(self) -> dict:
        return {"model": self.model, "ratio_5m": dstr(self.ratio_5m), "ratio_1h": dstr(self.ratio_1h),
                "reads_5m": self.reads_5m, "reads_1h": self.reads_1h}


def break_even(model: str | Model, *, at: object, pricing: Pricing | None = None) -> BreakEven:
    m, pricing = _resolve(model, pricing)
    r = period_for(m, parse_at(at)).rates
    saving = r.input - r.cache_read
    if saving <= 0:
        raise PriceError(f"{m.name}: cache reads are not cheaper than input, so caching never pays back")
    ratio_5m = (r.cache_write_5m - r.input) / saving
    ratio_1h = (r.cache_write_1h - r.input) / saving
    return BreakEven(m.id, ratio_5m, ratio_1h, max(1, math.ceil(ratio_5m)), max(1, math.ceil(ratio_1h)))


def decimal_fields(obj: object, names: tuple[str, ...], *, share: bool = False) -> None:
    """Turn the named fields of a frozen dataclass into finite, non-negative Decimals (at most 1 with ``share``),
    or raise :class:`PriceError` naming the field. Used by the workload classes' ``__post_init__``."""
    for name in names:
        try:
            value = Decimal(str(getattr(obj, name)))
        except InvalidOperation:
            raise PriceError(f"{name} must be a number", name) from None
        if not value.is_finite() or value < 0:
            raise PriceError(f"{name} must be zero or positive", name)
        if share and value > 1:
            raise PriceError(f"{name} is a share between 0 and 1, got {short_value(value)}", name)
        object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Workload:
    """A month of similar requests.

    Each request has ``prompt_tokens`` of input (of which ``cached_prefix_tokens`` are a shared, cacheable
    prefix) and ``output_tokens`` of output. ``cache_hit_rate`` is the share of requests that read the prefix
    from the cache; the others write it (with ``cache_ttl``). ``batch_share`` is the share sent through the
    Batch API and ``fast`` says the requests run in fast mode. Shares are decimals between 0 and 1.

    The same class describes every workload in the package: a month of traffic for the calculators and the
    recommender, and the canonical yardsticks of a price change (``calculators.changes.WORKLOADS``).
    """

    requests_per_month: Decimal
    prompt_tokens: int
    output_tokens: int
    cached_prefix_tokens: int = 0
    cache_hit_rate: Decimal = Decimal(0)
    cache_ttl: str = "5m"
    batch_share: Decimal = Decimal(0)
    web_searches: int = 0
    fast: bool = False

    def __post_init__(self) -> None:
        decimal_fields(self, ("requests_per_month",))
        decimal_fields(self, ("cache_hit_rate", "batch_share"), share=True)
        if self.cached_prefix_tokens > self.prompt_tokens:
            raise PriceError("cached_prefix_tokens cannot exceed prompt_tokens", "cached_prefix_tokens")
        if self.cache_ttl not in ("5m", "1h"):
            raise PriceError("cache_ttl must be '5m' or '1h'", "cache_ttl")

    def request_mix(self) -> list[tuple[Decimal, Usage]]:
        """The workload as (share of requests, usage) pairs: cache hits and cache writes."""
        rest = self.prompt_tokens - self.cached_prefix_tokens
        base = dict(output=self.output_tokens, web_searches=self.web_searches)
        if not self.cached_prefix_tokens:
            return [(Decimal(1), Usage(input=self.prompt_tokens, **base))]
        write = "cache_write_1h" if self.cache_ttl == "1h" else "cache_write_5m"
        mix = []
        if self.cache_hit_rate:
            mix.append((self.cache_hit_rate, Usage(input=rest, cache_read=self.cached_prefix_tokens, **base)))
        if self.cache_hit_rate < 1:
            mix.append((1 - self.cache_hit_rate, Usage(input=rest, **{write: self.cached_prefix_tokens}, **base)))
        return mix


@dataclass(frozen=True)
class WorkloadCost:
    model: Model
    per_request: Decimal
    monthly: Decimal
    by_bucket: dict[str, Decimal] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"model": self.model.id, "model_name": self.model.name, "per_request_usd": dstr(self.per_request),
                "monthly_usd": dstr(self.monthly), "by_bucket": {k: dstr(v) for k, v in self.by_bucket.items()}}


def price_workload(model: str | Model, workload: Workload, *, geo: str | None = None, at: object,
                   pricing: Pricing | None = None, platform: str | None = None, endpoint: str | None = None,
                   tools: tuple[str, ...] | list[str] = (), tool_choice: str = "auto") -> WorkloadCost:
    """The average cost per request and the monthly cost of a workload. ``platform``, ``endpoint``, ``tools`` and
    ``tool_choice`` apply to every request, as in :func:`price`."""
    m, pricing = _resolve(model, pricing)
    per_request = Decimal(0)
    by_bucket: dict[str, Decimal] = {}
    for share, usage in workload.request_mix():
        for batch, bshare in ((False, 1 - workload.batch_share), (True, workload.batch_share)):
            if not bshare:
                continue
            cost = price(m, usage, batch=batch, geo=geo, fast=workload.fast, at=at, pricing=pricing,
                         platform=platform, endpoint=endpoint, tools=tools, tool_choice=tool_choice)
            weight = share * bshare
            per_request += cost.total * weight
            for it in cost.items:
                by_bucket[it.bucket] = by_bucket.get(it.bucket, Decimal(0)) + it.usd * weight
    return WorkloadCost(m, per_request, per_request * workload.requests_per_month, by_bucket)


@dataclass(frozen=True)
class ModelCost:
    """One row of a cross-model comparison: the cost, or why the model cannot run the workload."""

    model: Model
    cost: Cost | None
    usage: Usage
    reason: str = ""

    def to_json(self) -> dict:
        return {"model": self.model.id, "model_name": self.model.name, "status": self.model.status,
                "total_usd": dstr(self.cost.total) if self.cost else None, "reason": self.reason,
                "tokens_scaled": self.usage.prompt_tokens + self.usage.output}


def tokenizer_factor(source: Model, target: Model, pricing: Pricing) -> Decimal:
    """How many tokens the same text takes on ``target`` per token on ``source``."""
    if source.new_tokenizer == target.new_tokenizer:
        return Decimal(1)
    return pricing.tokenizer_inflation if target.new_tokenizer else 1 / pricing.tokenizer_inflation


def scale_usage(usage: Usage, factor: Decimal) -> Usage:
    if factor == 1:
        return usage
    return Usage(**{b: int((usage.tokens(b) * factor).to_integral_value()) for b in BUCKETS},
                 web_searches=usage.web_searches)


def compare_models(
    usage: Usage,
    *,
    models: list[Model] | None = None,
    measured_on: str | Model | None = None,
    batch: bool = False,
    geo: str | None = None,
    fast: bool = False,
    at: object,
    pricing: Pricing | None = None,
    platform: str | None = None,
    endpoint: str | None = None,
    tools: tuple[str, ...] | list[str] = (),
    tool_choice: str = "auto",
    container_hours: Decimal | int | str | None = None,
    with_search_or_fetch: bool = False,
    session_hours: Decimal | int | str | None = None,
) -> list[ModelCost]:
    """The same request on every active model (or ``models``), cheapest first.

    With ``measured_on``, token counts are taken as measured on that model and scaled by the tokenizer
    difference (the newer tokenizer uses about 30% more tokens for the same text). Models that cannot take
    the request (a modifier they lack, a prompt above their context window) come last with the reason.
    ``platform``, ``endpoint``, ``tools``, ``tool_choice``, ``container_hours``, ``with_search_or_fetch`` and
    ``session_hours`` are passed to :func:`price` for every model.
    """
    pricing = pricing or load_pricing()
    day = parse_at(at)
    ref = _resolve(measured_on, pricing)[0] if measured_on is not None else None
    rows: list[ModelCost] = []
    for m in models if models is not None else pricing.active_models(day):
        scaled = scale_usage(usage, tokenizer_factor(ref, m, pricing)) if ref is not None else usage
        try:
            if m.context_window and scaled.prompt_tokens > m.context_window:
                raise PriceError(f"prompt of {scaled.prompt_tokens:,} tokens exceeds the "
                                 f"{m.context_window:,}-token context window")
            cost = price(m, scaled, batch=batch, geo=geo, fast=fast, at=day, pricing=pricing, platform=platform,
                         endpoint=endpoint, tools=tools, tool_choice=tool_choice, container_hours=container_hours,
                         with_search_or_fetch=with_search_or_fetch, session_hours=session_hours)
            rows.append(ModelCost(m, cost, scaled))
        except PriceError as exc:
            rows.append(ModelCost(m, None, scaled, str(exc)))
    rows.sort(key=lambda r: (r.cost is None, r.cost.total if r.cost else Decimal(0), r.model.id))
    return rows


def rates_at(model: str | Model, at: object, pricing: Pricing | None = None) -> Rates:
    """The base rates of the period in force (before tiers, batch, geo or fast mode)."""
    m, _ = _resolve(model, pricing)
    return period_for(m, parse_at(at)).rates
