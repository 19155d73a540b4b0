"""The Cost Calculator's extras: scenarios side by side, a monthly projection, a display currency, presets,
pasted ``usage`` objects and exports.

:func:`add_extras` completes the ``calculator`` bridge result (see :func:`calculators.scenarios.calculator_handler`)
from optional inputs:

- ``scenarios``: a list of up to four scenarios (each a dict of the calculator's form fields). They are priced
  side by side, and each is set against the first (scenario A): the difference per request and per month.
- ``months``, ``growth`` (percent per month, may be negative) and ``budget`` (USD per month, optional): the
  monthly cost of the scenario in the form, month by month, with the requests growing by ``growth`` each month.
- ``currency`` (a code such as ``EUR``) and ``rate`` (how many of it one US dollar buys): converted figures
  marked approximate. US dollars stay the exact, canonical figures; nothing else changes.

Two bridge handlers live here too: ``calculator_usage`` reads a pasted ``usage`` object or Messages API
response with the CLI's own reader (:func:`calculators.cost.usage_from_api`) and returns the form fields it
implies, and ``calculator_export`` writes scenarios as CSV or JSON (money as decimal strings).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ._charts import value_axis
from .cost import PriceError, price, usage_from_api
from .errors import InputError
from .forms import form_number
from .present import BUCKET_LABELS, approx_money, csv_cell, dstr, tokens, usd_display
from .present import money_json as _money
from .presets import presets_json
from .pricing import Pricing, UnknownModelError, load_pricing
from .scenarios import PLATFORM_LABELS, TOKEN_FIELDS, Scenario, price_scenario

__all__ = ["LETTERS", "MAX_MONTHS", "MAX_SCENARIOS", "add_extras", "export_handler", "usage_handler"]

MAX_SCENARIOS = 4
#: The longest scenario name (a name labels a tab and a table row).
MAX_NAME = 40
LETTERS = "ABCD"
MAX_MONTHS = 120
DEFAULT_MONTHS = 12
#: The most text a pasted usage object may have (a whole response with its content is a few hundred KB at most).
MAX_PASTE_CHARS = 1_000_000
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CODE = re.compile(r"[A-Z]{3}")


# ----------------------------------------------------------------------------------------------------------
# Reading the extra fields (every problem collected, each naming its field)
# ----------------------------------------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(raw: dict, name: str, label: str, errors: list, *, lowest: Decimal, highest: Decimal,
            suffix: str = "", whole: bool = False) -> Decimal | None:
    """A decimal number from ``lowest`` to ``highest`` (read by :func:`calculators.forms.form_number`, with an
    optional unit such as ``%`` after it), or None when the field is empty or wrong (the error is in ``errors``)."""
    value = raw.get(name)
    if suffix and isinstance(value, str) and value.strip().endswith(suffix):
        value = value.strip()[: -len(suffix)]
    return form_number(value, name, label, errors, lo=lowest, hi=highest, whole=whole)


def read_currency(raw: dict, errors: list) -> tuple[str, Decimal] | None:
    """The display currency: a three-letter code and how many of it one US dollar buys; None when not asked for."""
    code_raw, rate_raw = raw.get("currency"), raw.get("rate")
    if _blank(code_raw) and _blank(rate_raw):
        return None
    code = code_raw.strip().upper() if isinstance(code_raw, str) else ""
    if _blank(code_raw):
        errors.append(("currency", "enter the currency's code (such as EUR) for the rate you gave"))
    elif not _CODE.fullmatch(code):
        errors.append(("currency", "the currency code is three letters, such as EUR or GBP"))
    elif code == "USD":
        errors.append(("currency", "US dollars are shown already; enter another currency, or leave both empty"))
    rate = _number(raw, "rate", "The exchange rate", errors, lowest=Decimal(0), highest=Decimal(10) ** 9)
    if rate is None and not _blank(code_raw) and not any(f == "rate" for f, _ in errors):
        errors.append(("rate", f"enter how many {code or 'units'} one US dollar buys"))
    if rate == 0:
        errors.append(("rate", "the exchange rate must be more than 0"))
    if errors or rate is None:
        return None
    return code, rate


class _Money:
    """Money as the page gets it: ``{"usd", "display"}``, plus ``approx`` in the reader's currency if there is one."""

    def __init__(self, currency: tuple[str, Decimal] | None):
        self.currency = currency

    def __call__(self, usd: Decimal) -> dict:
        out = _money(usd)
        if self.currency:
            out["approx"] = approx_money(usd, *self.currency)
        return out


# ----------------------------------------------------------------------------------------------------------
# Side by side
# ----------------------------------------------------------------------------------------------------------


def _describe(sc: Scenario) -> str:
    """A scenario's inputs in one line: tokens, levers, where it runs, volume."""
    u = sc.usage
    parts = [f"{tokens(u.input)} input"]
    for bucket, words in (("cache_write_5m", "5-min cache writes"), ("cache_write_1h", "1-hour cache writes"),
                          ("cache_read", "cache reads")):
        if u.tokens(bucket):
            parts.append(f"{tokens(u.tokens(bucket))} {words}")
    parts.append(f"{tokens(u.output)} output")
    if u.web_searches:
        parts.append(f"{tokens(u.web_searches)} web searches")
    flags = [w for on, w in ((sc.batch, "Batch API"), (sc.fast, "fast mode"), (sc.geo == "us", "US-only"),
                             (bool(sc.extras["tools"]), "tools: " + ", ".join(sc.extras["tools"]))) if on]
    where = PLATFORM_LABELS[sc.cost.platform] + (", regional" if sc.cost.endpoint == "regional" else "")
    return "; ".join([", ".join(parts), *flags, where, f"{sc.requests.normalize():,f} requests a month"])


def _scenarios(raw, today: _dt.date, pricing: Pricing, errors: list) -> list[Scenario]:
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        errors.append(("scenarios", "scenarios must be a list of scenarios"))
        return []
    if len(raw) > MAX_SCENARIOS:
        errors.append(("scenarios", f"at most {MAX_SCENARIOS} scenarios can be compared; remove "
                                    f"{len(raw) - MAX_SCENARIOS}"))
        return []
    priced = []
    for letter, inputs in zip(LETTERS, raw, strict=False):
        try:
            priced.append(price_scenario(inputs, today, pricing))
        except InputError as exc:
            errors.extend(("scenarios", f"Scenario {letter}: {message}") for _, message in exc.errors)
    return priced


def scenario_names(raw, errors: list) -> list[str | None]:
    """Each scenario's optional ``name`` (what the reader calls it: "Today", "With caching"), trimmed; a name that
    is not text or is longer than MAX_NAME characters is an error naming the scenario."""
    names: list[str | None] = []
    for letter, inputs in zip(LETTERS, raw if isinstance(raw, list) else [], strict=False):
        value = inputs.get("name") if isinstance(inputs, dict) else None
        if value is None or value == "":
            names.append(None)
            continue
        if not isinstance(value, str):
            errors.append(("scenarios", f"Scenario {letter}: the name must be text"))
            names.append(None)
            continue
        value = " ".join(value.split())
        if len(value) > MAX_NAME:
            errors.append(("scenarios", f"Scenario {letter}: the name is {len(value)} characters; keep it to "
                                        f"{MAX_NAME}"))
        names.append(value or None)
    return names


def _who(letter: str, name: str | None) -> str:
    return f"{letter} ({name})" if name else letter


def side_by_side(scenarios: list[Scenario], money: _Money, active: int = 0,
                 names: list[str | None] | None = None) -> dict:
    """Each scenario's cost per request and per month, and its difference from the first (A)."""
    names = names or [None] * len(scenarios)
    base = scenarios[0]
    cheapest = min(range(len(scenarios)), key=lambda i: scenarios[i].monthly)
    rows: list[dict[str, Any]] = []
    for i, sc in enumerate(scenarios):
        d_req, d_month = sc.cost.total - base.cost.total, sc.monthly - base.monthly
        pct = (d_month / base.monthly * 100) if base.monthly else None
        rows.append({
            "label": LETTERS[i], "name": names[i], "model": sc.model.id, "model_name": sc.model.name, "describe": _describe(sc),
            "at": sc.day.isoformat(), "per_request": money(sc.cost.total), "monthly": money(sc.monthly),
            "diff_per_request": money(d_req), "diff_monthly": money(d_month),
            "diff_percent": None if pct is None else dstr(pct.quantize(Decimal("0.1"), ROUND_HALF_UP)),
            "sign": (d_month > 0) - (d_month < 0), "base": i == 0, "active": i == active, "cheapest": i == cheapest,
        })
    summary = []
    first = _who("A", names[0])
    for row in rows[1:]:
        who = _who(row["label"], row["name"])
        if row["sign"] == 0:
            summary.append(f"{who} costs the same as {first}.")
        else:
            more = "more" if row["sign"] > 0 else "less"
            shown = f" ({row['diff_percent'].lstrip('-')}%)" if row["diff_percent"] is not None else ""
            summary.append(f"{who} costs {usd_display(abs(Decimal(row['diff_monthly']['usd'])))} a month "
                           f"{more} than {first}{shown}.")
    return {"rows": rows, "summary": summary, "base": "A"}


# ----------------------------------------------------------------------------------------------------------
# Projection
# ----------------------------------------------------------------------------------------------------------


def _month_start(day: _dt.date, offset: int) -> _dt.date:
    index = day.month - 1 + offset
    return _dt.date(day.year + index // 12, index % 12 + 1, 1)


def _month_label(day: _dt.date, offset: int) -> str:
    start = _month_start(day, offset)
    return f"{_MONTH_NAMES[start.month - 1]} {start.year}"


def _unit_cost_on(sc: Scenario, day: _dt.date, pricing: Pricing) -> tuple[Decimal | None, str | None]:
    """(what one request of ``sc`` costs on ``day``, None) or (None, why it has no price that day)."""
    model = sc.model
    if model.status_on(day) == "retired":
        when = model.retired or model.retires
        return None, f"{model.name} is retired from {when}"
    if model.period_at(day) is None:
        return None, f"{model.name} has no price from {day}"
    try:
        return price(model, sc.usage, batch=sc.batch, geo=sc.geo, fast=sc.fast, at=day, pricing=pricing,
                     **sc.extras).total, None
    except PriceError as exc:
        return None, str(exc)


def projection(sc: Scenario, months: int, growth: Decimal, budget: Decimal | None, money: _Money,
               pricing: Pricing | None = None) -> dict:
    """The monthly cost for ``months`` months from the month of the price date, the requests growing by
    ``growth`` percent a month (compounded). The first month is at the prices in force on the price date, each
    later month at those in force on its first day, so a scheduled price change or retirement in
    ``pricing.toml`` shows in the month it takes effect; a month without a price counts nothing and says why."""
    pricing = pricing or load_pricing()
    factor = 1 + growth / 100
    rows: list[dict[str, Any]] = []
    costs: list[Decimal] = []
    changes: list[str] = []
    cumulative, first_over = Decimal(0), None
    unit: Decimal | None = sc.cost.total
    previous: Decimal | None = sc.cost.total
    unpriced: str | None = None
    for i in range(months):
        why = None
        if i:
            unit, why = _unit_cost_on(sc, _month_start(sc.day, i), pricing)
        label = _month_label(sc.day, i)
        requests = sc.requests * factor ** i
        if unit is None:
            if unpriced is None:
                unpriced = f"No price from {label}: {why}; those months count nothing."
            cost = Decimal(0)
        else:
            if unit != previous and previous is not None:
                changes.append(f"From {label} a request costs {usd_display(unit)} instead of "
                               f"{usd_display(previous)} (the prices in force from {_month_start(sc.day, i)}).")
            cost = unit * requests
        previous = unit
        cumulative += cost
        over = budget is not None and cost > budget
        if over and first_over is None:
            first_over = label
        costs.append(cost)
        shown = money(cost) if unit is not None else {**money(Decimal(0)), "display": "no price"}
        rows.append({"month": i + 1, "label": label, "requests": dstr(requests),
                     "requests_display": f"{requests.quantize(Decimal(1), ROUND_HALF_UP):,}",
                     "priced": unit is not None, "unit_cost": money(unit) if unit is not None else None,
                     "cost": shown, "cumulative": money(cumulative), "over_budget": over})
    axis = value_axis(costs + ([budget] if budget is not None else []))
    heights = axis.pop("heights")
    for row, height in zip(rows, heights, strict=False):
        row["height"] = height
    rate = f"{dstr(growth)}% a month" if growth else "no growth"
    summary = (f"{months} month{'s' if months != 1 else ''} from {rows[0]['label']} with {rate}: "
               f"{money(cumulative)['display']} in all; the last month costs {rows[-1]['cost']['display']}.")
    if budget is not None:
        over_count = sum(r["over_budget"] for r in rows)
        summary += (f" Over the {usd_display(budget)} monthly budget from {first_over} ({over_count} of "
                    f"{months} months)." if first_over else f" Within the {usd_display(budget)} monthly budget "
                                                            f"every month.")
    note = (f"The first month at the prices in force on {sc.day.isoformat()}, each later month at those in force "
            f"on its first day (every change scheduled in pricing.toml is applied).")
    for extra in changes + ([unpriced] if unpriced else []):
        note += " " + extra
    return {"months": months, "growth": dstr(growth), "budget": money(budget) if budget is not None else None,
            "budget_at": heights[-1] if budget is not None else None, "first_over_budget": first_over,
            "total": money(cumulative), "rows": rows, "axis": axis, "summary": summary, "note": note,
            "changes": changes, "unpriced_from": unpriced}


# ----------------------------------------------------------------------------------------------------------
# The calculator result's extras
# ----------------------------------------------------------------------------------------------------------


def add_extras(result: dict, sc: Scenario, inputs: dict, today: _dt.date, pricing: Pricing) -> dict:
    """``result`` (the calculator's answer for ``sc``) with presets, projection, currency and side by side."""
    errors: list[tuple[str, str]] = []
    currency = read_currency(inputs, errors)
    months_raw = _number(inputs, "months", "Months", errors, lowest=Decimal(1), highest=Decimal(MAX_MONTHS),
                         whole=True)
    growth = _number(inputs, "growth", "Growth", errors, lowest=Decimal(-99), highest=Decimal(1000), suffix="%")
    budget = _number(inputs, "budget", "The monthly budget", errors, lowest=Decimal(0),
                     highest=Decimal(10) ** 15)
    scenarios: list[Scenario] = []
    names: list[str | None] = []
    if not _blank(inputs.get("scenarios")):
        scenarios = _scenarios(inputs.get("scenarios"), today, pricing, errors)
        names = scenario_names(inputs.get("scenarios"), errors)
    if errors:
        raise InputError(errors)
    money = _Money(currency)
    result["presets"] = presets_json()
    result["describe"] = f"{sc.model.name}, prices in force on {sc.day.isoformat()}: {_describe(sc)}"
    result["currency"] = None if currency is None else {
        "code": currency[0], "rate": dstr(currency[1]),
        "note": f"Converted at your rate of {dstr(currency[1])} {currency[0]} per US dollar: approximate. The "
                f"US dollar figures are the exact ones.",
        "per_request": approx_money(sc.cost.total, *currency), "monthly": approx_money(sc.monthly, *currency)}
    months = int(months_raw) if months_raw is not None else DEFAULT_MONTHS
    result["projection"] = projection(sc, months, growth or Decimal(0), budget, money, pricing)
    active = inputs.get("active", 0)
    active = active if isinstance(active, int) and not isinstance(active, bool) else 0
    result["side_by_side"] = side_by_side(scenarios, money, active, names) if len(scenarios) > 1 else None
    return result


# ----------------------------------------------------------------------------------------------------------
# A pasted usage object or Messages API response
# ----------------------------------------------------------------------------------------------------------


def usage_handler(inputs: dict, today: _dt.date) -> dict:
    """Read a pasted ``usage`` object or whole response (the CLI's ``--usage`` reader) into the form's fields.

    ``inputs``: ``text`` (the pasted JSON) and ``model`` (used when the JSON names none). The result has
    ``fields`` (the form fields to set), ``summary`` (what was read, in words) and ``notes``.
    """
    text = inputs.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("paste a usage object or a whole Messages API response (JSON) first", "usage_text")
    if len(text) > MAX_PASTE_CHARS:
        raise InputError(f"the pasted text is longer than {MAX_PASTE_CHARS:,} characters; paste the usage object "
                         "alone", "usage_text")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the pasted text is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         "usage_text") from None
    except RecursionError:
        raise InputError("the pasted JSON is nested too deeply to read (a usage object is two levels deep)",
                         "usage_text") from None
    if not isinstance(obj, dict):
        raise InputError(f"the pasted JSON is a {type(obj).__name__}, not an object: paste a usage object "
                         "({\"input_tokens\": ...}) or a whole response", "usage_text")
    try:
        api = usage_from_api(obj)
    except PriceError as exc:
        where = f" (field {exc.field})" if exc.field and exc.field not in str(exc) else ""
        raise InputError(f"in the pasted JSON{where}: {exc}", "usage_text") from None
    pricing = load_pricing()
    name = api.model or inputs.get("model") or ""
    if not isinstance(name, str) or not name:
        raise InputError("the pasted JSON names no model; pick the model in the form first", "usage_text")
    try:
        resolved = pricing.resolve(name)
    except UnknownModelError as exc:
        raise InputError(f"the pasted JSON's model: {exc}", "usage_text") from None
    u = api.usage
    fields = {"model": resolved.model.id, **{f: u.tokens(f) for f in TOKEN_FIELDS}, "batch": api.batch,
              "fast": api.fast, "geo": api.geo}
    if resolved.platform:
        fields["platform"] = resolved.platform
    if resolved.endpoint:
        fields["endpoint"] = resolved.endpoint
    counts = ", ".join(f"{tokens(u.tokens(b))} {BUCKET_LABELS[b].lower()}" for b in TOKEN_FIELDS
                       if b != "web_searches" and u.tokens(b))
    if u.web_searches:
        counts += f", {tokens(u.web_searches)} web searches"
    flags = [w for on, w in ((api.batch, "Batch API"), (api.fast, "fast mode"), (api.geo == "us", "US-only"))
             if on]
    source = "its model field" if api.model else "the form (the JSON names none)"
    summary = (f"Read {counts or 'no tokens'} for {resolved.model.name} (from {source})"
               + (f"; {', '.join(flags)}" if flags else "") + ".")
    return {"fields": fields, "summary": summary, "notes": list(api.notes)}


# ----------------------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------------------

_CSV_COLUMNS = ("scenario", "name", "model", "platform", "endpoint", "prices_at", "bucket", "quantity", "quantity_unit",
                "rate_usd", "rate_per", "usd_per_request", "requests_per_month", "usd_per_month")


def _export_scenario(letter: str, sc: Scenario, name: str | None = None) -> dict:
    return {"scenario": letter, **({"name": name} if name else {}), **sc.cost.to_json(), "inputs": sc.inputs_json(),
            "requests_per_month": dstr(sc.requests), "monthly_usd": dstr(sc.monthly)}


def _csv_rows(letter: str, sc: Scenario, name: str | None = None):
    head = (letter, csv_cell(name or ""), sc.model.id, sc.cost.platform, sc.cost.endpoint, sc.day.isoformat())
    requests = dstr(sc.requests)
    for it in sc.cost.items:
        if it.hours is not None:
            quantity, unit, rate, per = dstr(it.hours), "hours", it.usd_per_hour, "hour"
        elif it.usd_per_mtok is not None:
            quantity, unit, rate, per = str(it.tokens), "tokens", it.usd_per_mtok, "million tokens"
        else:
            quantity, unit, rate, per = str(it.tokens), "uses", it.usd_per_request, "use"
        yield (*head, it.bucket, quantity, unit, dstr(rate) if rate is not None else "", per, dstr(it.usd),
               requests, dstr(it.usd * sc.requests))
    yield (*head, "total", "", "", "", "", dstr(sc.cost.total), requests, dstr(sc.monthly))


def _export_projection(p: dict) -> dict:
    """A projection as the JSON file carries it: exact amounts only (no chart heights or display strings)."""
    return {"months": p["months"], "growth_percent": p["growth"],
            "budget_usd": p["budget"]["usd"] if p["budget"] else None, "total_usd": p["total"]["usd"],
            "note": p["note"],
            "rows": [{"month": r["month"], "label": r["label"], "requests": r["requests"],
                      "per_request_usd": r["unit_cost"]["usd"] if r["unit_cost"] else None,
                      "cost_usd": r["cost"]["usd"] if r["priced"] else None,
                      "cumulative_usd": r["cumulative"]["usd"], "over_budget": r["over_budget"]}
                     for r in p["rows"]]}


def export_handler(inputs: dict, today: _dt.date) -> dict:
    """Scenarios as a file: ``format`` ``csv`` (one row per line item, and a total row per scenario) or ``json``.

    ``scenarios`` is the list to export (each the calculator's form fields); ``labels`` optionally names them
    (default A, B, ...); ``projection`` (``{"months", "growth", "budget"}``, the page's settings) adds each
    scenario's monthly projection to the JSON file. Returns ``{"filename", "mime", "text"}``; every amount is an exact decimal string.
    """
    fmt = inputs.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise InputError("the export format is csv or json", "format")
    raw = inputs.get("scenarios")
    if not isinstance(raw, list) or not raw:
        raise InputError("nothing to export: give at least one scenario", "scenarios")
    labels = inputs.get("labels") or list(LETTERS[:len(raw)])
    if not isinstance(labels, list) or len(labels) != len(raw) or not all(isinstance(x, str) for x in labels):
        raise InputError("labels must name each exported scenario", "labels")
    errors: list[tuple[str, str]] = []
    pricing = load_pricing()
    scenarios = _scenarios(raw, today, pricing, errors)
    names = scenario_names(raw, errors)
    settings = inputs.get("projection")
    months = growth = budget = None
    if isinstance(settings, dict):  # the page's projection settings: the JSON file carries each scenario's months
        months = _number(settings, "months", "Months", errors, lowest=Decimal(1), highest=Decimal(MAX_MONTHS),
                         whole=True)
        growth = _number(settings, "growth", "Growth", errors, lowest=Decimal(-99), highest=Decimal(1000),
                         suffix="%")
        budget = _number(settings, "budget", "The monthly budget", errors, lowest=Decimal(0),
                         highest=Decimal(10) ** 15)
    if errors:
        raise InputError(errors)
    stem = f"claude-cost-{'scenario-' + labels[0] if len(labels) == 1 else 'scenarios'}-{today.isoformat()}"
    if fmt == "json":
        doc: dict[str, Any] = {"generated_on": today.isoformat(), "currency": "USD",
               "scenarios": [_export_scenario(label, sc, name)
                             for label, sc, name in zip(labels, scenarios, names, strict=True)]}
        if len(scenarios) > 1:
            base = scenarios[0]
            for entry, sc in zip(doc["scenarios"], scenarios, strict=True):
                entry["difference_from_first"] = {"per_request_usd": dstr(sc.cost.total - base.cost.total),
                                                  "monthly_usd": dstr(sc.monthly - base.monthly)}
        if isinstance(settings, dict):
            n = int(months) if months is not None else DEFAULT_MONTHS
            for entry, sc in zip(doc["scenarios"], scenarios, strict=True):
                entry["projection"] = _export_projection(projection(sc, n, growth or Decimal(0), budget,
                                                                    _Money(None), pricing))
        return {"filename": stem + ".json", "mime": "application/json",
                "text": json.dumps(doc, indent=2) + "\n"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for label, sc, name in zip(labels, scenarios, names, strict=True):
        writer.writerows(_csv_rows(label, sc, name))
    return {"filename": stem + ".csv", "mime": "text/csv", "text": out.getvalue()}

