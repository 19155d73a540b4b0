"""claude-cost: the Claude API cost model, priced from ``pricing.toml``.

Standard library only, so the same code runs in CPython, in the docs build and in the browser (Pyodide).

    >>> from calculators import price
    >>> price("claude-sonnet-4-6", input=2000, output=500, at="2026-11-01").total
    Decimal('0.0135')
"""

from .cost import (
    BUCKETS,
    BreakEven,
    Cost,
    LineItem,
    ModelCost,
    PriceError,
    Usage,
    Workload,
    WorkloadCost,
    break_even,
    compare_models,
    parse_at,
    price,
    price_usage,
    price_workload,
    rates_at,
    turn_cost,
    usage_from_api,
)
from .errors import ClaudeCostError
from .pricing import (
    Model,
    Period,
    Pricing,
    PricingFileError,
    Problem,
    Rates,
    UnknownModelError,
    load_pricing,
    parse_pricing,
)

__version__ = "0.1.0"

__all__ = [
    "BUCKETS",
    "BreakEven",
    "ClaudeCostError",
    "Cost",
    "LineItem",
    "Model",
    "ModelCost",
    "Period",
    "PriceError",
    "Pricing",
    "PricingFileError",
    "Problem",
    "Rates",
    "UnknownModelError",
    "Usage",
    "Workload",
    "WorkloadCost",
    "break_even",
    "compare_models",
    "load_pricing",
    "parse_at",
    "parse_pricing",
    "price",
    "price_usage",
    "price_workload",
    "rates_at",
    "turn_cost",
    "usage_from_api",
]
