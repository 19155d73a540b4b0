"""The usage object of the Messages API for the analyser: :mod:`calculators.usage_object` (the package's one
reading of it, shared with :func:`calculators.cost.usage_from_api`), with its errors turned into
:class:`~calculators.logs.records.BadLine`, so the line is counted as malformed with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import PriceError
from ..usage_object import UsageValues
from ..usage_object import usage_values as _usage_values
from ..usage_object import usage_values_checked as _usage_values_checked
from ..usage_object import usual_usage as _usual_usage
from ..usage_object import usual_values as _usual_values
from .records import BadLine

__all__ = ["usage_values", "usage_values_checked"]


def usage_values(u: Mapping) -> UsageValues:
    """(input, 5m writes, 1h writes, cache reads, output, web searches, batch, geo, fast, service_tier) of a usage
    object (see :func:`calculators.usage_object.usage_values`); a value that cannot be priced raises BadLine."""
    try:
        return _usage_values(u)
    except PriceError as exc:
        raise BadLine(str(exc)) from None


def usage_values_checked(u: Mapping) -> UsageValues:
    """:func:`usage_values` without the shortcut for the common object (for tests that compare the two)."""
    try:
        return _usage_values_checked(u)
    except PriceError as exc:
        raise BadLine(str(exc)) from None


# (the JSON Lines reader's in-place paths call the shortcut themselves)
_usual_usage, _usual_values = _usual_usage, _usual_values
