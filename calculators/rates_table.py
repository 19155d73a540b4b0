"""The dated rate table: every rate the cost model charges, as rows that plain SQL can join usage records to.

Organisations that keep months of request logs in a data lake price them where the logs are, with an engine they
already run (DuckDB, Spark, BigQuery, Snowflake). This module gives that engine the prices; it never prices in
SQL terms itself. Each row is what :func:`calculators.cost.price` charges a request of one class:

* one **model** and one **price period** (clipped to the requested days; ``first_day`` and ``last_day`` are
  inclusive, ``last_day`` empty = still in force);
* one **prompt-length tier** as an inclusive range of prompt tokens (``min_prompt_tokens`` ..
  ``max_prompt_tokens``, the maximum empty = no limit). The prompt is every input token of the request: uncached
  input + cache writes + cache reads. A tier applies when the prompt is *above* its threshold, so the base
  rates cover ``0 .. threshold`` and the tier ``threshold + 1 ..``. Fast mode ignores tiers (one range, 0 ..);
* one **modifier set**: ``batch`` (Message Batches API), ``geo`` (``global``, or ``us`` on models that offer
  US-only inference), ``speed`` (``standard``, or ``fast`` where the period prices fast mode or bills it as
  standard), ``platform`` (``anthropic`` for the Claude API, ``bedrock``, ``vertex``, ``foundry``) and
  ``endpoint`` (``global``, or ``regional`` for the regional and multi-region endpoints of Amazon Bedrock and
  Google Cloud Vertex AI);
* the USD per million tokens of each bucket *after* every modifier, the USD per web-search request, and the
  period's ``source`` and ``checked`` date.

The rates are not worked out here: each row is priced by :func:`calculators.cost.price` on a unit request of its
class, so the table follows the cost model's one stacking rule (:func:`calculators.cost.effective_rates`).
A modifier set the cost model refuses (fast mode with the Batch API, US-only inference on a model without it, a
US-only request on Bedrock or Vertex AI, a regional endpoint on the Claude API) has no row, so SQL leaves such records unpriced, as the CLI does.

The second table, :func:`model_id_rows`, maps every spelling a usage record may carry (canonical ids, aliases,
Bedrock, Vertex and gateway ids) to the canonical id, with the endpoint a platform spelling implies. Family
shortcuts (``sonnet``) are left out: what they name changes with each release, so they have no place in logs.

Standard library only, no clock: the days are parameters.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .cost import Usage, price
from .errors import PriceError
from .present import dstr
from .pricing import BUCKETS, ENDPOINTS, PLATFORMS, Model, Period, Pricing

__all__ = [
    "ID_COLUMNS",
    "RATE_COLUMNS",
    "RATE_TYPE",
    "ModelIdRow",
    "RateRow",
    "json_document",
    "json_lines",
    "model_id_rows",
    "rate_rows",
    "to_csv",
    "to_json_rows",
]

#: The SQL type of every money column: 9 decimal places (the most pricing.toml allows, see
#: ``pricing.MAX_DECIMALS``) and 6 whole digits, so that a token count (BIGINT) times a rate fits 38 digits in
#: every engine without rounding.
RATE_TYPE = "DECIMAL(15,9)"
RATE_SCALE = 9
RATE_WHOLE_DIGITS = 6

#: (column, SQL type, meaning) of the rate table, in order. The parquet export, the docs and the tests use it.
RATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("model_id", "VARCHAR", "canonical model id"),
    ("model_name", "VARCHAR", "the model's name"),
    ("first_day", "DATE", "first UTC day of the row (inclusive)"),
    ("last_day", "DATE", "last UTC day of the row (inclusive); empty = in force until a later price file says"),
    ("period_from", "DATE", "first day of the price period in pricing.toml (before clipping to --from)"),
    ("min_prompt_tokens", "BIGINT", "smallest prompt (uncached input + cache writes + cache reads) of the row"),
    ("max_prompt_tokens", "BIGINT", "largest prompt of the row (inclusive); empty = no limit"),
    ("tier_above_prompt_tokens", "BIGINT", "the prompt-length tier's threshold; empty = base rates"),
    ("batch", "BOOLEAN", "Message Batches API"),
    ("geo", "VARCHAR", "inference geo: global or us (US-only inference)"),
    ("speed", "VARCHAR", "standard or fast (fast mode)"),
    ("platform", "VARCHAR", "where the request ran: anthropic (the Claude API), bedrock, vertex or foundry"),
    ("endpoint", "VARCHAR", "global, or regional (a regional or multi-region Bedrock or Vertex AI endpoint)"),
    *((f"{b}_usd_per_mtok", RATE_TYPE, f"USD per million {b.replace('_', ' ')} tokens") for b in BUCKETS),
    ("web_search_usd_per_request", RATE_TYPE, "USD per web-search request"),
    ("source", "VARCHAR", "official page the period's prices come from"),
    ("checked", "DATE", "day the period's prices were last compared with that page"),
)

#: (column, SQL type, meaning) of the model-id table.
ID_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "VARCHAR", "a model id as a usage record may carry it, in lower case"),
    ("model_id", "VARCHAR", "the canonical model id it stands for (the rate table's model_id)"),
    ("kind", "VARCHAR", "id, alias, platform (a Bedrock or Vertex AI id) or gateway (an OpenRouter or LiteLLM id)"),
    ("platform", "VARCHAR", "bedrock or vertex for a platform id; empty otherwise"),
    ("endpoint", "VARCHAR", "global or regional where the spelling says which endpoint served it; empty otherwise"),
)

_ONE_DAY = _dt.timedelta(days=1)
#: The modifier sets tried for every period, in output order: (platform, endpoint, geo, batch, speed). Those the
#: cost model refuses for a model or period (a regional endpoint on the Claude API, US-only inference on Bedrock,
#: fast mode with the Batch API, ...) are left out.
_MODIFIER_SETS = tuple((platform, endpoint, geo, batch, speed)
                       for platform in PLATFORMS
                       for endpoint in ENDPOINTS
                       for geo in ("global", "us")
                       for batch in (False, True)
                       for speed in ("standard", "fast"))


@dataclass(frozen=True)
class RateRow:
    """One row of the rate table (see the module docstring)."""

    model_id: str
    model_name: str
    first_day: _dt.date
    last_day: _dt.date | None
    period_from: _dt.date
    min_prompt_tokens: int
    max_prompt_tokens: int | None
    tier_above_prompt_tokens: int | None
    batch: bool
    geo: str
    speed: str
    platform: str
    endpoint: str
    input_usd_per_mtok: Decimal
    cache_write_5m_usd_per_mtok: Decimal
    cache_write_1h_usd_per_mtok: Decimal
    cache_read_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    web_search_usd_per_request: Decimal
    source: str
    checked: _dt.date

    def rate(self, bucket: str) -> Decimal:
        return getattr(self, f"{bucket}_usd_per_mtok")

    def to_json(self) -> dict:
        """The row as JSON values: money as exact decimal strings, days as ISO dates, no limit as ``null``."""
        return {name: _json_value(getattr(self, name)) for name, _, _ in RATE_COLUMNS}


@dataclass(frozen=True)
class ModelIdRow:
    """One row of the model-id table: a spelling and the canonical id it resolves to."""

    name: str
    model_id: str
    kind: str
    platform: str | None
    endpoint: str | None

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name, _, _ in ID_COLUMNS}


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return dstr(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


# ----------------------------------------------------------------------------------------------------------
# Building the tables
# ----------------------------------------------------------------------------------------------------------


def rate_rows(pricing: Pricing, *, first: _dt.date | None = None, last: _dt.date | None = None) -> list[RateRow]:
    """Every rate of every model whose price periods overlap ``first`` .. ``last`` (inclusive days; ``None`` =
    no bound), each period clipped to those days.

    Raises:
        PriceError: ``first`` is after ``last``.
        PriceError: also for a rate that cannot be written exactly as :data:`RATE_TYPE` (more than 9 decimal places once
            the multipliers are applied, or a million USD per MTok or more).
    """
    if first is not None and last is not None and first > last:
        raise PriceError(f"the first day ({first}) is after the last day ({last})", "first")
    rows: list[RateRow] = []
    for model in pricing.models:
        for period in model.periods:
            days = _clip(period, first, last)
            if days is None:
                continue
            for platform, endpoint, geo, batch, speed in _MODIFIER_SETS:
                rows.extend(_rows_for(pricing, model, period, days, platform=platform, endpoint=endpoint, geo=geo,
                                      batch=batch, speed=speed))
    return rows


def _clip(period: Period, first: _dt.date | None,
          last: _dt.date | None) -> tuple[_dt.date, _dt.date | None] | None:
    """The inclusive days of ``period`` within ``first`` .. ``last``, or ``None`` when they do not overlap."""
    start = period.effective_from if first is None else max(period.effective_from, first)
    end = period.effective_to - _ONE_DAY if period.effective_to is not None else None
    if last is not None:
        end = last if end is None else min(end, last)
    if end is not None and end < start:
        return None
    return start, end


def _prompt_ranges(period: Period, speed: str) -> list[tuple[int, int | None]]:
    """The inclusive prompt-token ranges of the base rates and each tier (one open range in fast mode)."""
    if speed == "fast" or not period.tiers:
        return [(0, None)]
    thresholds = sorted(t.above_prompt_tokens for t in period.tiers)
    lows = [0] + [t + 1 for t in thresholds]
    highs: list[int | None] = [*thresholds, None]
    return list(zip(lows, highs, strict=True))


def _rows_for(pricing: Pricing, model: Model, period: Period, days: tuple[_dt.date, _dt.date | None], *,
              platform: str, endpoint: str, geo: str, batch: bool, speed: str) -> list[RateRow]:
    first_day, last_day = days
    rows = []
    for low, high in _prompt_ranges(period, speed):
        # A unit request of this class: its prompt is the range's smallest, and one web search. The cost model
        # picks the tier and stacks the multipliers; the rates are read off its line items.
        try:
            cost = price(model, Usage(input=low, web_searches=1), batch=batch, geo=geo, fast=speed == "fast",
                         at=first_day, pricing=pricing, platform=platform, endpoint=endpoint)
        except PriceError:
            return []  # a modifier set the cost model refuses: no row, so such records stay unpriced
        if cost.period != period:
            raise PriceError(f"{model.id}: the period in force on {first_day} is not the one being exported "
                             "(overlapping periods in the price file?)", "periods")
        expected_tier = None if low == 0 else low - 1
        if cost.tier != expected_tier:
            raise PriceError(f"{model.id}: a prompt of {low:,} tokens on {first_day} is priced with tier "
                             f"{cost.tier}, not {expected_tier} (tiers out of order in the price file?)", "tiers")
        rates = {b: _exact_rate(cost.item(b).usd_per_mtok, model, b) for b in BUCKETS}  # type: ignore[union-attr]
        search = cost.item("web_search")
        assert search is not None and search.usd_per_request is not None  # one web search was priced above
        rows.append(RateRow(
            model_id=model.id, model_name=model.name, first_day=first_day, last_day=last_day,
            period_from=period.effective_from, min_prompt_tokens=low, max_prompt_tokens=high,
            tier_above_prompt_tokens=cost.tier, batch=batch, geo=geo, speed=speed, platform=platform,
            endpoint=endpoint,
            input_usd_per_mtok=rates["input"], cache_write_5m_usd_per_mtok=rates["cache_write_5m"],
            cache_write_1h_usd_per_mtok=rates["cache_write_1h"], cache_read_usd_per_mtok=rates["cache_read"],
            output_usd_per_mtok=rates["output"],
            web_search_usd_per_request=_exact_rate(search.usd_per_request, model, "web_search"),
            source=period.source, checked=period.checked,
        ))
    return rows


def _exact_rate(value: Decimal | None, model: Model, bucket: str) -> Decimal:
    """The rate, checked to fit :data:`RATE_TYPE` exactly (a rounded rate would misprice every record)."""
    if value is None:
        raise PriceError(f"{model.id}: no {bucket} rate", bucket)
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -RATE_SCALE or value >= Decimal(10) ** RATE_WHOLE_DIGITS:
        raise PriceError(f"{model.id}: the {bucket} rate {value} cannot be written exactly as {RATE_TYPE} "
                         f"(at most {RATE_SCALE} decimal places and {RATE_WHOLE_DIGITS} whole digits)", bucket)
    return value


def model_id_rows(pricing: Pricing) -> list[ModelIdRow]:
    """Every spelling of every model that a usage record may carry, mapped to its canonical id.

    Canonical ids and aliases first, then the generated Bedrock, Vertex AI and gateway spellings (see
    :func:`calculators.pricing.model_spellings`), each model's in the order of the price file. Family shortcuts
    are left out (they move to the newest model with each release).
    """
    rows: list[ModelIdRow] = []
    order = {m.id: i for i, m in enumerate(pricing.models)}
    for m in pricing.models:
        rows.append(ModelIdRow(m.id, m.id, "id", None, None))
        rows.extend(ModelIdRow(alias, m.id, "alias", None, None) for alias in m.aliases)
    spelled = sorted(pricing.spellings().items(), key=lambda kv: (order[kv[1].model.id], kv[0]))
    for name, resolved in spelled:
        kind = "platform" if resolved.platform is not None else "gateway"
        rows.append(ModelIdRow(name, resolved.model.id, kind, resolved.platform, resolved.endpoint))
    return rows


# ----------------------------------------------------------------------------------------------------------
# Text formats
# ----------------------------------------------------------------------------------------------------------


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return dstr(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def to_csv(rows: Iterable[RateRow | ModelIdRow], columns: Sequence[tuple[str, str, str]]) -> str:
    """The rows as CSV with a header line: money as exact decimals, booleans as ``true``/``false``, dates as
    ``YYYY-MM-DD``, no value (no limit, still in force) as an empty field. Lines end with ``\\n``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [name for name, _, _ in columns]
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_value(getattr(row, name)) for name in names])
    return out.getvalue()


def to_json_rows(rows: Iterable[RateRow | ModelIdRow]) -> list[dict]:
    """The rows as JSON objects (money as exact decimal strings)."""
    return [row.to_json() for row in rows]


def json_document(rows: Sequence[RateRow | ModelIdRow], *, table: str, exported_on: _dt.date, pricing: Pricing,
                  first: _dt.date | None, last: _dt.date | None) -> str:
    """One JSON document: what the table is, its columns and types, and the rows."""
    columns = ID_COLUMNS if table == "model_ids" else RATE_COLUMNS
    doc = {
        "table": table,
        "exported_on": exported_on.isoformat(),
        "pricing_checked": pricing.last_checked.isoformat(),
        "from": first.isoformat() if first else None,
        "to": last.isoformat() if last else None,
        "columns": [{"name": n, "type": t, "description": d} for n, t, d in columns],
        "rows": to_json_rows(rows),
    }
    return json.dumps(doc, indent=1) + "\n"


def json_lines(rows: Iterable[RateRow | ModelIdRow]) -> str:
    """One JSON object per line (newline-delimited JSON, the form BigQuery and Snowflake load)."""
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in to_json_rows(rows))
