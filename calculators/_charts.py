"""Value axes for the browser's charts of money.

JavaScript never does arithmetic on money, so the ticks of a chart's value axis (their amounts, labels and
heights) are worked out here, in Decimal, and the page only draws them. Heights are shares of the axis top as
decimal strings with four places (``"0.5"``), the same form as the report's other ratios.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .present import dstr

__all__ = ["axis_money", "value_axis"]

_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
_PLACES = Decimal("0.0001")


def axis_money(value: Decimal) -> str:
    """A tick label: ``$0``, ``$0.25``, ``$2.50``, ``$0.0001``, ``$2,000`` (cents shown in full, thousands grouped)."""
    if value == 0:
        return "$0"
    whole, _, frac = f"{value.normalize():,f}".partition(".")
    return f"${whole}.{frac.ljust(2, '0')}" if frac else f"${whole}"


def value_axis(values: list[Decimal], most_ticks: int = 5) -> dict:
    """An axis from 0 to a round top at or above the largest value, with at most ``most_ticks`` steps.

    Returns ``{"top_usd", "ticks": [{"usd", "display", "at"}], "heights": [share of the top per value]}``.
    With nothing above zero the axis is a single tick at $0 and every height is ``"0"``.
    """
    largest = max(values, default=Decimal(0))
    if largest <= 0:
        return {"top_usd": "0", "ticks": [{"usd": "0", "display": "$0", "at": "0"}], "heights": ["0" for _ in values]}
    rough = largest / most_ticks
    scale = Decimal(1).scaleb(rough.adjusted())  # the power of ten at or below the rough step
    step = next(m * scale for m in _STEPS if m * scale >= rough)
    count = int((largest / step).to_integral_value(ROUND_CEILING))
    top = step * count
    ticks = [{"usd": dstr(step * i), "display": axis_money(step * i), "at": _share(step * i, top)}
             for i in range(count + 1)]
    return {"top_usd": dstr(top), "ticks": ticks, "heights": [_share(v, top) for v in values]}


def _share(part: Decimal, whole: Decimal) -> str:
    return dstr((part / whole).quantize(_PLACES, ROUND_HALF_UP))
