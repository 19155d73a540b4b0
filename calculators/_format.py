"""Display strings for money, shared by the browser tools' bridge results.

Money always leaves Python twice: as an exact decimal string (``usd``) and as what a reader sees
(``display``). Only the display string is rounded; JavaScript shows it and never computes with it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .cost import dstr

__all__ = ["format_usd", "future_prices_note", "money_json", "short_number"]

_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")


def format_usd(value: Decimal) -> str:
    """A dollar amount for display: cents from $1 up, up to six decimals below $1 (``$0.0135``, ``$1,350.00``).

    An amount that rounds to nothing at six decimals shows as ``<$0.000001``, never as ``$0.00``.
    """
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1 or value == 0:
        return f"{sign}${value.quantize(_CENT, ROUND_HALF_UP):,.2f}"
    shown = value.quantize(_MICRO, ROUND_HALF_UP)
    if shown == 0:
        return f"{sign}<$0.000001"
    whole, _, frac = format(shown.normalize(), "f").partition(".")
    return f"{sign}${whole}.{frac.ljust(2, '0')}"


def money_json(value: Decimal) -> dict:
    """``{"usd": exact decimal string, "display": format_usd(value)}``."""
    return {"usd": dstr(value), "display": format_usd(value)}


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
