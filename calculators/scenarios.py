"""The Cost Calculator's scenarios: validate form inputs, price them, and answer the browser bridge.

The three bridge handlers here (``models``, ``price`` and ``calculator``) take the raw ``inputs`` dict a
browser form sends (numbers may arrive as strings, checkboxes as booleans or ``"on"``) and return JSON-ready
dicts. Money is always an exact decimal string (``*_usd``) plus a display string (``*_display``); the page
shows the display string and keeps the exact one in ``data-value``.

Every input problem is reported at once, each naming its field, so the page can show the message next to the
field it belongs to.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .cost import (
    BUCKETS,
    DAYS_PER_MONTH,
    TOOL_CHOICES,
    TOOLS,
    Cost,
    PriceError,
    Usage,
    break_even,
    compare_models,
    dstr,
    price,
)
from .errors import InputError
from .forms import form_number
from .present import BUCKET_LABELS, future_prices_note, short_number, usd_display
from .present import money_json as _money
from .pricing import ENDPOINTS, PLATFORMS, Model, Pricing, UnknownModelError, load_pricing

__all__ = [
    "DAYS_PER_MONTH",
    "DEFAULT_INPUTS",
    "Scenario",
    "calculator_handler",
    "format_tokens",
    "models_handler",
    "prerender_html",
    "price_handler",
    "price_scenario",
]


#: What the Cost Calculator page opens with (the page's ``data-inputs`` repeats these).
DEFAULT_INPUTS = {
    "model": "claude-sonnet-5-5",
    "input": 2000,
    "cache_write_5m": 0,
    "cache_write_1h": 0,
    "cache_read": 0,
    "output": 500,
    "web_searches": 0,
    "batch": False,
    "fast": False,
    "geo": "global",
    "at": "",
    "requests_per_month": 100000,
    "platform": "anthropic",
    "endpoint": "global",
    "tools": "",
    "tool_choice": "auto",
    "container_hours": 0,
    "session_hours": 0,
    "with_search_or_fetch": False,
    "months": 12,
    "growth": 0,
    "budget": "",
    "currency": "",
    "rate": "",
}

#: Where Claude runs, as the form names the choices.
PLATFORM_LABELS = {"anthropic": "Claude API (Anthropic)", "bedrock": "Amazon Bedrock",
                   "vertex": "Google Cloud Vertex AI", "foundry": "Microsoft Foundry"}
#: The most hours one request's container or agent session may be given (the cost model's own limit).
MAX_HOURS = Decimal(1_000_000)

TOKEN_FIELDS = (*BUCKETS, "web_searches")
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}


# ----------------------------------------------------------------------------------------------------------
# Display helpers
# ----------------------------------------------------------------------------------------------------------


def format_tokens(count: int) -> str:
    return f"{count:,}"


# ----------------------------------------------------------------------------------------------------------
# Input parsing (every problem collected, each naming its field)
# ----------------------------------------------------------------------------------------------------------


class _Form:
    def __init__(self, inputs: dict, today: _dt.date):
        if not isinstance(inputs, dict):
            raise InputError("inputs must be a JSON object", "inputs")
        self.raw = inputs
        self.today = today
        self.errors: list[tuple[str, str]] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append((field, message))

    def count(self, field: str, label: str) -> int:
        number = form_number(self.raw.get(field), field, label, self.errors, hi=10**12, whole=True,
                             hint="per request")
        return 0 if number is None else int(number)

    def quantity(self, field: str, label: str) -> Decimal | None:
        value = self.raw.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            self.error(field, f"{label} must be a number")
            return None
        try:
            number = Decimal(value.strip().replace(",", "").replace("_", "") if isinstance(value, str)
                             else str(value))
        except InvalidOperation:
            self.error(field, f"{label} must be a number, not {_clip(str(value))!r}")
            return None
        if not number.is_finite():
            self.error(field, f"{label} must be a finite number")
            return None
        if number < 0:
            self.error(field, f"{label} cannot be negative")
            return None
        if number > 10**15:
            self.error(field, f"{label} is implausibly large ({short_number(number)})")
            return None
        return number

    def flag(self, field: str, label: str) -> bool:
        value = self.raw.get(field, False)
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.error(field, f"{label} must be on or off")
        return False

    def geo(self) -> str:
        value = self.raw.get("geo") or "global"
        if not isinstance(value, str) or value.strip().lower() not in ("global", "us"):
            self.error("geo", "inference region must be 'global' or 'us'")
            return "global"
        return value.strip().lower()

    def choice(self, field: str, label: str, allowed: tuple[str, ...]) -> str:
        """One of ``allowed`` (empty means the first); anything else is an error naming the choices."""
        value = self.raw.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return allowed[0]
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            shown = _clip(value) if isinstance(value, str) else type(value).__name__
            self.error(field, f"{label} must be one of {', '.join(allowed)}, not {shown!r}")
            return allowed[0]
        return value.strip().lower()

    def tools(self) -> tuple[str, ...]:
        """The request's tools: a list, or names separated by commas; each named once, in the cost model's order."""
        value = self.raw.get("tools")
        if value is None or value is False:
            return ()
        if isinstance(value, str):
            names = [t.strip().lower() for t in value.split(",")]
        elif isinstance(value, (list, tuple)) and all(isinstance(t, str) for t in value):
            names = [t.strip().lower() for t in value]
        else:
            self.error("tools", "tools must be a list of tool names or names separated by commas")
            return ()
        names = [t for t in names if t]
        unknown = [t for t in names if t not in TOOLS]
        if unknown:
            self.error("tools", f"unknown tool {_clip(unknown[0])!r}: choose from {', '.join(TOOLS)}")
            return ()
        return tuple(t for t in TOOLS if t in names)

    def hours(self, field: str, label: str) -> Decimal | None:
        """A number of hours, or None when empty or zero (no line item then)."""
        number = self.quantity(field, label)
        if number is None or number == 0:
            return None
        if number > MAX_HOURS:
            self.error(field, f"{label} is at most {MAX_HOURS:,} hours per request")
            return None
        return number

    def day(self) -> _dt.date | None:
        value = self.raw.get("at")
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.today
        if not isinstance(value, str):
            self.error("at", "the price date must be a date like 2026-11-25")
            return None
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            self.error("at", f"not a date: {_clip(value)!r} (use YYYY-MM-DD)")
            return None

    def model(self, pricing: Pricing) -> Model | None:
        value = self.raw.get("model") or DEFAULT_INPUTS["model"]
        if not isinstance(value, str):
            self.error("model", "model must be a model id")
            return None
        try:
            return pricing.model(value)
        except UnknownModelError as exc:
            self.error("model", str(exc))
            return None


def _clip(text: str, most: int = 24) -> str:
    """Pasted text quoted in a message, cut short so that the message stays one readable line."""
    text = text.strip()
    return text if len(text) <= most else text[:most - 1] + "\u2026"


def _usage(form: _Form) -> Usage:
    return Usage(
        input=form.count("input", "Uncached input"),
        output=form.count("output", "Output"),
        cache_write_5m=form.count("cache_write_5m", "5-minute cache writes"),
        cache_write_1h=form.count("cache_write_1h", "1-hour cache writes"),
        cache_read=form.count("cache_read", "Cache reads"),
        web_searches=form.count("web_searches", "Web searches"),
    )


def _extras(form: _Form) -> dict:
    """Where the request runs and what its tools add: the keyword arguments :func:`price` takes for them."""
    return {
        "platform": form.choice("platform", "Platform", PLATFORMS),
        "endpoint": form.choice("endpoint", "Endpoint", ENDPOINTS),
        "tools": form.tools(),
        "tool_choice": form.choice("tool_choice", "Tool choice", TOOL_CHOICES),
        "container_hours": form.hours("container_hours", "Container hours"),
        "session_hours": form.hours("session_hours", "Session hours"),
        "with_search_or_fetch": form.flag("with_search_or_fetch", "Web search or fetch in the request"),
    }


def _extras_json(extras: dict) -> dict:
    """The extras as the result's ``inputs`` echo them (hours as decimal strings, "0" when none)."""
    return {**extras, "tools": list(extras["tools"]),
            **{k: dstr(extras[k]) if extras[k] is not None else "0" for k in ("container_hours", "session_hours")}}


def _hours_display(hours: Decimal) -> str:
    """Hours for a reader: minutes below an hour (a 5-minute minimum shows as 5 min), else hours."""
    if hours < 1:
        minutes = (hours * 60).quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()
        return f"{minutes:f} min"
    return f"{hours.quantize(Decimal('0.0001'), ROUND_HALF_UP).normalize():,f} h"


def _fast_support(model: Model, day: _dt.date) -> str:
    """'priced' (own fast rates), 'standard' (accepted, billed as standard) or '' (not offered)."""
    period = model.period_at(day)
    if period is None:
        return ""
    if period.fast is not None:
        return "priced"
    return "standard" if period.fast_billed_as_standard else ""


def _requests(form: _Form) -> tuple[Decimal, str]:
    per_month = form.quantity("requests_per_month", "Requests per month")
    per_day = form.quantity("requests_per_day", "Requests per day")
    if per_month is not None and per_day is not None:
        form.error("requests_per_day", "give requests per day or per month, not both")
        return Decimal(0), "month"
    if per_day is not None:
        return per_day * DAYS_PER_MONTH, "day"
    return (per_month if per_month is not None else Decimal(0)), "month"


# ----------------------------------------------------------------------------------------------------------
# The model list
# ----------------------------------------------------------------------------------------------------------


def _group(model: Model, day: _dt.date) -> str:
    """The model list's group on ``day``: a deprecated model is listed as legacy until it retires."""
    return {"current": "current", "legacy": "legacy", "deprecated": "legacy"}.get(model.status_on(day), "retired")


def _model_entry(model: Model, day: _dt.date) -> dict:
    period = model.period_at(day)
    return {
        "id": model.id,
        "name": model.name,
        "status": model.status_on(day),
        "group": _group(model, day),
        "availability": model.availability,
        "context_window": model.context_window,
        "max_output": model.max_output,
        "priced": period is not None,
        "prices_from": model.periods[0].effective_from.isoformat(),
        "retired": model.retired.isoformat() if model.retired else None,
        "supports": {"batch": True, "us": model.us_inference, "fast": _fast_support(model, day)},
    }


def _model_list(pricing: Pricing, day: _dt.date) -> dict:
    groups: dict[str, list[dict]] = {"current": [], "legacy": [], "retired": []}
    for m in pricing.models:
        groups[_group(m, day)].append(_model_entry(m, day))
    return {"groups": [{"key": k, "label": label, "models": groups[k]} for k, label in
                       (("current", "Current"), ("legacy", "Legacy"), ("retired", "Retired (historical prices)"))
                       if groups[k]]}


# ----------------------------------------------------------------------------------------------------------
# Handlers
# ----------------------------------------------------------------------------------------------------------


def models_handler(inputs: dict, today: _dt.date) -> dict:
    """Every model in pricing.toml, grouped current / legacy / retired, with the toggles each supports."""
    form = _Form(inputs, today)
    day = form.day()
    if form.errors or day is None:
        raise InputError(form.errors)
    pricing = load_pricing()
    return {"at": day.isoformat(), "last_checked": pricing.last_checked.isoformat(), **_model_list(pricing, day)}


def _cost_json(cost: Cost, requests: Decimal | None = None) -> dict:
    items = []
    for it in cost.items:
        if it.usd_per_mtok is not None:
            rate = f"{usd_display(it.usd_per_mtok)} / MTok"
        elif it.hours is not None:
            rate = f"{usd_display(it.usd_per_hour or Decimal(0))} / hour"
        else:
            rate = f"{usd_display(it.usd_per_request or Decimal(0))} each"
        row = {
            "bucket": it.bucket,
            "label": BUCKET_LABELS[it.bucket],
            "tokens": it.tokens,
            "tokens_display": format_tokens(it.tokens) if it.hours is None else _hours_display(it.hours),
            "usd_per_mtok": dstr(it.usd_per_mtok) if it.usd_per_mtok is not None else None,
            "rate_display": rate,
            "empty": not it.tokens and not it.hours,
            **_money(it.usd),
        }
        if it.hours is not None:
            row["hours"] = dstr(it.hours)
            row["usd_per_hour"] = dstr(it.usd_per_hour) if it.usd_per_hour is not None else None
        if requests is not None:
            row["monthly"] = _money(it.usd * requests)
        items.append(row)
    return {**cost.to_json(), "total": _money(cost.total), "items": items}


def price_handler(inputs: dict, today: _dt.date) -> dict:
    """One request priced: the same answer as ``claude-cost price --json``, with display strings."""
    pricing = load_pricing()
    form = _Form(inputs, today)
    model, usage, day = form.model(pricing), _usage(form), form.day()
    batch, fast, geo = form.flag("batch", "Batch API"), form.flag("fast", "Fast mode"), form.geo()
    extras = _extras(form)
    if form.errors or model is None or day is None:
        raise InputError(form.errors)
    return _cost_json(_priced(model, usage, batch=batch, geo=geo, fast=fast, at=day, pricing=pricing, **extras))


def _priced(model: Model, usage: Usage, **options) -> Cost:
    """:func:`price`, with a refusal (a platform without regional endpoints, ...) reported against its field."""
    try:
        return price(model, usage, **options)
    except PriceError as exc:
        raise InputError([(exc.field or "", str(exc))]) from None


def _check_limits(form: _Form, model: Model, usage: Usage, day: _dt.date, batch: bool, fast: bool,
                  geo: str) -> None:
    """Problems the cost model would refuse, reported against the field the reader should change."""
    if model.period_at(day) is None:
        first = model.periods[0].effective_from
        last = model.periods[-1].effective_to
        when = (f"its prices start on {first}" if day < first else
                f"it was retired and its last price applied until {last}" if last else "no period covers it")
        form.error("at", f"{model.name} has no price on {day}: {when}")
        return
    if model.retired and day >= model.retired:
        form.error("at", f"{model.name} was retired on {model.retired} and cannot be priced on {day}; pick a "
                         f"date before {model.retired} to see what it cost")
        return
    if model.context_window and usage.prompt_tokens > model.context_window:
        form.error("input", f"the prompt (uncached input + cache writes + cache reads = "
                            f"{short_number(usage.prompt_tokens)} tokens) is above {model.name}'s "
                            f"{model.context_window:,}-token context window")
    if model.max_output and usage.output > model.max_output:
        form.error("output", f"{short_number(usage.output)} output tokens is above {model.name}'s maximum output "
                             f"of {model.max_output:,} tokens")
    if geo == "us" and not model.us_inference:
        form.error("geo", f"{model.name} does not offer US-only inference; choose global")
    if fast and not _fast_support(model, day):
        form.error("fast", f"{model.name} has no fast mode on {day}")
    if fast and batch:
        form.error("fast", "fast mode cannot be combined with the Batch API; turn one of them off")


@dataclass(frozen=True)
class Scenario:
    """One calculator scenario, validated and priced: what the form said and what one request costs."""

    model: Model
    usage: Usage
    day: _dt.date
    batch: bool
    fast: bool
    geo: str
    extras: dict
    requests: Decimal
    unit: str
    cost: Cost

    @property
    def monthly(self) -> Decimal:
        return self.cost.total * self.requests

    def inputs_json(self) -> dict:
        """The inputs as the result echoes them (canonical model id, counts as numbers, hours as strings)."""
        return {"model": self.model.id, **{f: self.usage.tokens(f) for f in TOKEN_FIELDS}, "batch": self.batch,
                "fast": self.fast, "geo": self.geo, "at": self.day.isoformat(),
                "requests_per_month": dstr(self.requests), "volume_unit": self.unit, **_extras_json(self.extras)}


def price_scenario(inputs: dict, today: _dt.date, pricing: Pricing | None = None) -> Scenario:
    """Validate one scenario's form inputs (every problem at once, each naming its field) and price it."""
    pricing = pricing or load_pricing()
    form = _Form(inputs, today)
    model = form.model(pricing)
    usage = _usage(form)
    day = form.day()
    batch, fast, geo = form.flag("batch", "Batch API"), form.flag("fast", "Fast mode"), form.geo()
    extras = _extras(form)
    requests, unit = _requests(form)
    if model is not None and day is not None and not form.errors:
        _check_limits(form, model, usage, day, batch, fast, geo)
    if form.errors or model is None or day is None:  # a missing model or day always comes with its error
        raise InputError(form.errors)
    cost = _priced(model, usage, batch=batch, geo=geo, fast=fast, at=day, pricing=pricing, **extras)
    return Scenario(model, usage, day, batch, fast, geo, extras, requests, unit, cost)


def calculator_handler(inputs: dict, today: _dt.date) -> dict:
    """The Cost Calculator: one request and a month of them, every current model, saving and break-even.

    Optional inputs add the page's extras (see :mod:`calculators.scenario_set`): ``scenarios`` (side by side),
    ``months`` / ``growth`` / ``budget`` (a monthly projection) and ``currency`` / ``rate`` (display currency).
    """
    pricing = load_pricing()
    sc = price_scenario(inputs, today, pricing)
    model, usage, day, batch, fast, geo = sc.model, sc.usage, sc.day, sc.batch, sc.fast, sc.geo
    extras, requests, unit, cost = sc.extras, sc.requests, sc.unit, sc.cost

    # The no-lever baseline: the same prompt sent uncached, the same output, no Batch API; the same platform,
    # endpoint, tools and container or session time (they are not levers).
    plain = Usage(input=usage.prompt_tokens, output=usage.output, web_searches=usage.web_searches)
    baseline = _priced(model, plain, batch=False, geo=geo, fast=fast, at=day, pricing=pricing, **extras)
    saving = baseline.total - cost.total
    percent = (saving / baseline.total * 100) if baseline.total else Decimal(0)

    try:
        be = break_even(model, at=day, pricing=pricing)
        breakeven = {**be.to_json(), "note": ""}
    except PriceError as exc:
        breakeven = {"model": model.id, "ratio_5m": None, "ratio_1h": None, "reads_5m": None, "reads_1h": None,
                     "note": str(exc)}

    compared = list(pricing.current_models(day))
    if model not in compared:
        compared.append(model)
    rows = compare_models(usage, models=compared, measured_on=model, batch=batch, geo=geo, fast=fast, at=day,
                          pricing=pricing, **extras)
    cheapest = next((r.model.id for r in rows if r.cost is not None), None)
    comparison = []
    for r in rows:
        row = {"model": r.model.id, "model_name": r.model.name, "status": r.model.status_on(day),
               "selected": r.model.id == model.id, "cheapest": r.model.id == cheapest,
               "tokens": r.usage.prompt_tokens + r.usage.output, "reason": r.reason}
        if r.cost is not None:
            row["per_request"] = _money(r.cost.total)
            row["monthly"] = _money(r.cost.total * requests)
        comparison.append(row)

    period = cost.period
    per_request = _cost_json(cost, requests)
    newest = max(p.effective_from for m in pricing.models for p in m.periods)
    future = future_prices_note(day, today, newest)
    if future:
        per_request["notes"] = [*per_request.get("notes", []), future]
    result = {
        "inputs": sc.inputs_json(),
        "platform": cost.platform,
        "endpoint": cost.endpoint,
        "platform_display": (PLATFORM_LABELS[cost.platform]
                             + (", regional endpoint" if cost.endpoint == "regional" else "")),
        "model": _model_entry(model, day),
        "per_request": per_request,
        "requests_per_month": dstr(requests),
        "requests_display": f"{requests.normalize():,f}",
        "volume_display": _volume_display(requests, unit),
        "monthly": _money(cost.total * requests),
        "baseline": {"per_request": _money(baseline.total), "monthly": _money(baseline.total * requests)},
        "saving": {
            "per_request": _money(saving),
            "monthly": _money(saving * requests),
            "percent": dstr(percent.quantize(Decimal("0.1"), ROUND_HALF_UP)),
            "sign": (saving > 0) - (saving < 0),
        },
        "break_even": breakeven,
        "comparison": comparison,
        "tokenizer_note": (f"Token counts are as measured on {model.name}; models with a different tokenizer "
                           f"are compared with counts scaled by {dstr(pricing.tokenizer_inflation)}."),
        "prices": {"period_from": period.effective_from.isoformat(),
                   "period_to": period.effective_to.isoformat() if period.effective_to else None,
                   "source": period.source, "checked": period.checked.isoformat(),
                   "last_checked": pricing.last_checked.isoformat()},
        "days_per_month": DAYS_PER_MONTH,
        **_model_list(pricing, day),
    }
    from .scenario_set import add_extras  # the page's extras (side by side, projection, currency, presets)

    return add_extras(result, sc, inputs, today, pricing)


def _volume_display(requests: Decimal, unit: str) -> str:
    month = f"{requests.normalize():,f} requests a month"
    if unit != "day":
        return month
    per_day = requests / DAYS_PER_MONTH
    return f"{month} ({per_day.normalize():,f} a day \u00d7 {DAYS_PER_MONTH} days)"


# ----------------------------------------------------------------------------------------------------------
# Prerendered HTML (the build puts this in the page so figures show before Python loads)
# ----------------------------------------------------------------------------------------------------------


def prerender_html(name: str, inputs: dict, result: dict) -> str:
    """Static HTML with the key figures of a prerendered calculator result (no JavaScript needed)."""
    if name != "calculator":
        return ""
    e = html.escape
    per, monthly = result["per_request"], result["monthly"]
    rows = "".join(
        f"<tr><td>{e(it['label'])}</td><td>{e(it['tokens_display'])}</td><td>{e(it['rate_display'])}</td>"
        f"<td>{e(it['display'])}</td></tr>" for it in per["items"] if not it["empty"])
    return (
        f"<p class=\"calc-figures\">{e(per['model_name'])}: "
        f"<strong data-testid=\"total-usd\" data-value=\"{e(per['total']['usd'])}\">{e(per['total']['display'])}"
        f"</strong> per request, "
        f"<strong data-testid=\"monthly-usd\" data-value=\"{e(monthly['usd'])}\">{e(monthly['display'])}</strong>"
        f" per month for {e(result['requests_display'])} requests (prices in force on {e(result['inputs']['at'])})."
        f"</p><table><thead><tr><th>Bucket</th><th>Tokens</th><th>Rate</th><th>Cost</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
