"""How figures are shown to people: the one presentation module of the package.

Money, rates, percentages, multiples, token counts and the names of the token buckets are formatted here and
nowhere else: the CLI, the docs build (``hooks/shortcodes.py``), the change reports and the browser bridge all
call these functions, and JavaScript shows the strings they return without computing with money.

Three money styles, each for one purpose:

* :func:`usd_exact` - the exact amount with at least two decimals (``$0.20``, ``$0.0135``, ``$1,234.50``): prices
  per MTok and figures that must not be rounded (change reports, rate tables).
* :func:`usd_display` - what the browser tools show: cents from $1 up, up to six decimals below $1
  (``$0.0135``), ``<$0.000001`` for a positive amount too small to show; never ``$0.00`` for a non-zero amount.
* :func:`usd_prose` - dollars in running text: cents from $1 up; below $1 three significant digits and at
  least two decimals, so a per-request figure reads naturally (``$0.0135``, ``$0.27``).

Every function takes an exact ``Decimal``; rounding happens here, for display only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .pricing import BUCKETS

__all__ = [
    "BUCKETS",
    "BUCKET_LABELS",
    "BUCKET_WORDS",
    "approx_money",
    "dstr",
    "future_prices_note",
    "money_json",
    "percent",
    "percent_change",
    "short_number",
    "signed_percent",
    "times",
    "tokens",
    "usd_display",
    "usd_exact",
    "usd_prose",
]

_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")

#: Each bucket's name as a label (table headers, form fields, chart legends); ``web_search`` is the per-request
#: web search charge.
BUCKET_LABELS = {
    "input": "Uncached input",
    "cache_write_5m": "Cache writes (5 min)",
    "cache_write_1h": "Cache writes (1 hour)",
    "cache_read": "Cache reads",
    "output": "Output",
    "web_search": "Web searches",
    "code_execution": "Code execution (container-hours)",
    "managed_agents": "Managed Agents (session-hours)",
}
#: Each bucket's name inside a sentence ("input $2.00 -> $1.00 per MTok").
BUCKET_WORDS = {
    "input": "input",
    "cache_write_5m": "5-minute cache writes",
    "cache_write_1h": "1-hour cache writes",
    "cache_read": "cache reads",
    "output": "output",
    "web_search": "web searches",
    "code_execution": "code execution",
    "managed_agents": "Managed Agents sessions",
}
assert tuple(BUCKET_LABELS)[: len(BUCKETS)] == BUCKETS


def dstr(value: Decimal) -> str:
    """An exact decimal as plain text: no exponent, no trailing zeros (``0.0135``, ``1350``, ``0``)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _min2(value: Decimal, grouping: bool = False) -> str:
    whole, _, frac = format(value.normalize(), "f").partition(".")
    frac = frac.rstrip("0")
    frac = frac + "0" * (2 - len(frac)) if len(frac) < 2 else frac
    if grouping:
        whole = f"{int(whole):,}"
    return f"{whole}.{frac}"


def usd_exact(value: Decimal) -> str:
    """Exact dollars with at least two decimals and thousands separators: ``$0.20``, ``$0.0135``, ``-$1,234.50``."""
    return ("-" if value < 0 else "") + "$" + _min2(abs(value), grouping=True)


def usd_display(value: Decimal) -> str:
    """A dollar amount for the browser tools: cents from $1 up, up to six decimals below $1 (``$0.0135``,
    ``$1,350.00``). A non-zero amount that rounds to nothing at six decimals shows as ``<$0.000001``."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1 or value == 0:
        return f"{sign}${value.quantize(_CENT, ROUND_HALF_UP):,.2f}"
    shown = value.quantize(_MICRO, ROUND_HALF_UP)
    if shown == 0:
        return f"{sign}<$0.000001"
    whole, _, frac = format(shown.normalize(), "f").partition(".")
    return f"{sign}${whole}.{frac.ljust(2, '0')}"


def approx_money(usd: Decimal, code: str, rate: Decimal) -> str:
    """A dollar amount converted at the reader's own rate, marked approximate: ``≈ EUR 12.34``,
    ``≈ JPY 0.0135`` (rounded like :func:`usd_display`; ``code`` is the reader's currency code)."""
    return "\u2248 " + usd_display(usd * rate).replace("$", f"{code} ", 1)


def usd_prose(value: Decimal) -> str:
    """Dollars for prose: to the cent from $1 up (with thousands separators); below $1, three significant
    digits and at least two decimals, so a small per-request figure never shows as $0.00."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == 0:
        return "$0.00"
    if value >= 1:
        return f"{sign}${value.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    q = value.quantize(Decimal(1).scaleb(value.adjusted() - 2), rounding=ROUND_HALF_UP)
    if q >= 1:
        return f"{sign}$1.00"
    return f"{sign}${_min2(q)}"


def money_json(value: Decimal) -> dict:
    """``{"usd": exact decimal string, "display": usd_display(value)}``: how money leaves the bridge."""
    return {"usd": dstr(value), "display": usd_display(value)}


def times(value: Decimal, digits: int = 2) -> str:
    """``5×``, ``1.25×``, ``0.28×``: up to ``digits`` decimals, trailing zeros dropped."""
    q = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = format(q.normalize(), "f") if q != 0 else "0"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}×"


def percent(share: Decimal, digits: int = 0) -> str:
    """A share (0.25) as a percentage (``25%``); a non-zero share that would round to 0% gets more decimals."""
    pct = share * 100
    while True:
        q = pct.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if q != 0 or pct == 0 or digits >= 6:
            break
        digits += 1
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def percent_change(old: Decimal, new: Decimal) -> Decimal | None:
    """(new - old) / old in percent, rounded half-up to one decimal; ``None`` when ``old`` is zero."""
    if old == 0:
        return None
    return ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def signed_percent(pct: Decimal | None) -> str:
    """``-50%``, ``+33.3%``, ``0%``; ``n/a`` when there is no base to compare with."""
    if pct is None:
        return "n/a"
    text = dstr(pct)
    return f"+{text}%" if pct > 0 else f"{text}%"


def tokens(n: int) -> str:
    """A token count with thousands separators: ``12,000``."""
    return f"{n:,}"


def short_number(value: int | Decimal) -> str:
    """A number for a message, never longer than about 15 significant characters.

    Counts up to a trillion keep their digits (``1,234,567``); larger or finer values are shown in scientific
    notation (``1e+99``, ``1.235e+15``), so a pasted ``1e99`` cannot fill a message with a hundred digits.
    """
    number = Decimal(value) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return str(number)
    if number == number.to_integral_value() and abs(number) < Decimal(10) ** 15:
        return f"{int(number):,}"
    if Decimal("0.001") <= abs(number) < Decimal(10) ** 15:
        text = f"{number:,f}"
        whole, _, frac = text.partition(".")
        return f"{whole}.{frac[:max(1, 15 - len(whole))]}".rstrip("0").rstrip(".") if frac else whole
    mantissa, _, exponent = f"{number:.3e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent[0]}{exponent[1:].lstrip('0') or '0'}"


def future_prices_note(day, today, newest_change) -> str:
    """What a price on a day after today means: the prices known today, which may change.

    ``newest_change`` is the newest ``effective_from`` in the price file (a change already announced for a later
    day is part of what is known today). Empty when ``day`` is not after ``today``.
    """
    if day <= today:
        return ""
    known = (f", with the change already announced for {newest_change.isoformat()}" if newest_change > today
             else "")
    return (f"{day.isoformat()} is after today ({today.isoformat()}): these are the prices known today{known}; "
            f"they may change before then.")


def csv_cell(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula (OWASP's list of leading characters)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text
