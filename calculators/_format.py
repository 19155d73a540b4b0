"""Display strings for money, shared by the browser tools' bridge results.

Money always leaves Python twice: as an exact decimal string (``usd``) and as what a reader sees
(``display``). Only the display string is rounded; JavaScript shows it and never computes with it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .cost import dstr

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
