"""The Messages API ``usage`` object read into plain values: the one reading of it in the package.

:func:`calculators.cost.usage_from_api` (a response or usage object given to the CLI, the library or the browser)
and the log analyser (:mod:`calculators.logs.usage`, for every log format that carries Anthropic's usage object)
both call :func:`usage_values`. The rules:

* ``input_tokens`` is the uncached part of the prompt only. A missing or ``null`` count is 0; any other value must
  be a JSON integer from 0 to :data:`MAX_TOKENS` (a float, even ``2.0``, is refused: it may already be rounded).
* ``cache_creation`` splits cache writes by TTL (``ephemeral_5m_input_tokens``, ``ephemeral_1h_input_tokens``).
  Without it every write (``cache_creation_input_tokens``) is a 5-minute write. When the total is larger than
  the split, the rest is priced as 5-minute writes; when it is smaller, the split is used.
* ``server_tool_use.web_search_requests`` counts web searches.
* ``service_tier`` is ``standard``, ``batch`` (Batch API prices) or ``priority`` (no published price of its own:
  standard rates); ``inference_geo`` ``us`` means US-only inference (``global`` and ``not_available`` are
  global); ``speed`` ``fast`` means fast mode. Any other value of these three is an error, never standard rates.

The log analyser reads millions of these objects, so the common all-integer object takes a shortcut
(:func:`usual_values`, :func:`usual_usage` for a dict) that gives the same values as the full reading (a property test holds them equal). Errors
are :class:`~calculators.errors.PriceError` naming the field; the analyser turns them into malformed lines.

Core layer: imports only :mod:`calculators.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import PriceError

__all__ = ["KNOWN_TIERS", "MAX_TOKENS", "UsageValues", "short", "token_count", "usage_values", "usage_values_checked",
           "usual_usage", "usual_values"]

#: The largest token count accepted in one bucket of one request or log record: 10^15. A quadrillion tokens is far
#: beyond any real request or day of an organisation's usage (a million-token prompt sent a billion times), so a
#: larger count is a broken input. The bound keeps every cost and every sum the analyser makes exact.
MAX_TOKENS = 10**15

#: service_tier values with a known price (priority is priced at standard rates, with a note).
KNOWN_TIERS = ("standard", "batch", "priority")

#: (input, 5m writes, 1h writes, cache reads, output, web searches, batch, geo, fast, service_tier)
UsageValues = tuple[int, int, int, int, int, int, bool, str, bool, str | None]

#: A quick test for the common all-integer usage object: every count in [0, 2**49) (2**49 < MAX_TOKENS) is
#: accepted at once by ``0 <= (a | b | ...) < _QUICK_LIMIT`` (negative integers make the OR negative); anything
#: else is read by :func:`usage_values_checked`, which applies MAX_TOKENS exactly.
_QUICK_LIMIT = 1 << 49


def short(value: object, limit: int = 60) -> str:
    """A value for a message: its repr, cut to ``limit`` characters (a log can hold a megabyte-long string or a
    number of a million digits), and only the type of a list or an object (which may be nested very deeply)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        return f"a {len(str(abs(value))):,}-digit number" if value.bit_length() < 100_000 else "a huge number"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # (an int too long to print)
        return "a huge number"
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def token_count(obj: Mapping, key: str, where: str = "", limit: int = MAX_TOKENS) -> int:
    """The token count ``obj[key]``: a JSON integer from 0 to ``limit``; absent or ``null`` is 0. Anything else (a
    float such as 1.5 or 1e30, a boolean, a string) raises :class:`PriceError` naming ``where + key``."""
    value = obj.get(key)
    if value is None:
        return 0
    if type(value) is int:
        if 0 <= value <= limit:
            return value
        if value < 0:
            raise PriceError(f"{where}{key} cannot be negative (got {short(value)})", f"{where}{key}")
        raise PriceError(f"{where}{key} is {short(value)}, more than the {limit:,} tokens one count may hold",
                         f"{where}{key}")
    raise PriceError(f"{where}{key} must be a whole number of tokens (a JSON integer), got {short(value)}",
                     f"{where}{key}")


def usual_values(inp, out, rd, created, split: bool, w5, w1, web, tier, speed, geo) -> UsageValues | None:
    """The values of a usage object by the shortcut, from its fields as already taken out of it: each one the
    field's value, or None when it is absent or ``null`` (``split`` says whether ``cache_creation`` is an object,
    ``w5`` and ``w1`` are then its two counts; ``web`` is ``server_tool_use.web_search_requests``).

    Taken when every token count is a whole number in [0, 2**49), a ``cache_creation`` split adds up exactly to
    the writes, and tier, speed and geo are values with a price; the result is then what
    :func:`usage_values_checked` gives. None for anything else (the full reading then decides). Readers that
    take the fields out of something other than a dict (the log analyser's msgspec block reader) call this too,
    so the shortcut's rule is written once."""
    if type(inp) is int and type(out) is int and type(rd) is int and type(created) is int:
        if split:
            if type(w5) is not int or type(w1) is not int or created != w5 + w1:
                return None
        else:
            w5, w1 = created, 0
        if web is None:
            web = 0
        elif type(web) is not int:
            return None
        if 0 <= (inp | out | rd | w5 | w1 | web) < _QUICK_LIMIT and (tier is None or tier in KNOWN_TIERS) \
                and (speed is None or speed == "standard" or speed == "fast") \
                and (geo is None or geo == "global" or geo == "us" or geo == "not_available"):
            return inp, w5, w1, rd, out, web, tier == "batch", "us" if geo == "us" else "global", speed == "fast", tier
    return None


def usual_usage(u: dict) -> UsageValues | None:
    """The values of the common usage object (a dict) by the shortcut (:func:`usual_values`); None when the
    shortcut does not apply (then :func:`usage_values_checked` has the rules)."""
    g = u.get
    cc, stu = g("cache_creation"), g("server_tool_use")
    if (cc is not None and type(cc) is not dict) or (stu is not None and type(stu) is not dict):
        return None  # (not the common object: the full reading decides)
    return usual_values(g("input_tokens"), g("output_tokens"), g("cache_read_input_tokens"),
                        g("cache_creation_input_tokens"), cc is not None,
                        None if cc is None else cc.get("ephemeral_5m_input_tokens"),
                        None if cc is None else cc.get("ephemeral_1h_input_tokens"),
                        None if stu is None else stu.get("web_search_requests"),
                        g("service_tier"), g("speed"), g("inference_geo"))


def usage_values(u: Mapping, notes: list[str] | None = None) -> UsageValues:
    """The values of a ``usage`` object (see the module's rules), by the shortcut when it applies.

    ``notes``, when given, receives a sentence for each thing the reading had to decide (cache writes whose
    total and split disagree). Raises :class:`PriceError` naming the field for a value that cannot be priced.
    """
    if type(u) is dict:
        got = usual_usage(u)
        if got is not None:
            return got
    return usage_values_checked(u, notes)


def usage_values_checked(u: Mapping, notes: list[str] | None = None) -> UsageValues:
    """:func:`usage_values` without the shortcut: every rule applied field by field."""
    if not isinstance(u, Mapping):
        raise PriceError(f"usage is {short(u)}, not an object", "usage")
    created = token_count(u, "cache_creation_input_tokens", limit=2 * MAX_TOKENS)  # (the sum of two buckets)
    cc = u.get("cache_creation")
    if isinstance(cc, Mapping):
        w5 = token_count(cc, "ephemeral_5m_input_tokens", "cache_creation.")
        w1 = token_count(cc, "ephemeral_1h_input_tokens", "cache_creation.")
        if created and created != w5 + w1 and notes is not None:
            notes.append(f"cache_creation_input_tokens ({created}) is "
                         + (f"more than the cache_creation breakdown ({w5 + w1}); the difference is priced as "
                            "5-minute writes" if created > w5 + w1
                            else f"less than the cache_creation breakdown ({w5 + w1}); the breakdown is used"))
        if created > w5 + w1:
            w5 = created - w1
    else:
        w5, w1 = created, 0
    if w5 > MAX_TOKENS:
        raise PriceError(f"cache_creation_input_tokens is {short(created)}: {short(w5)} 5-minute cache writes, more "
                         f"than the {MAX_TOKENS:,} tokens one count may hold", "cache_creation_input_tokens")
    stu = u.get("server_tool_use")
    web = token_count(stu, "web_search_requests", "server_tool_use.") if isinstance(stu, Mapping) else 0
    inp, rd, out = token_count(u, "input_tokens"), token_count(u, "cache_read_input_tokens"), \
        token_count(u, "output_tokens")
    tier = u.get("service_tier")
    if tier is not None and tier not in KNOWN_TIERS:
        raise PriceError(f"service_tier {short(tier, 40)} is not one this tool knows (standard, batch or priority)",
                         "service_tier")
    speed = u.get("speed")
    if speed not in (None, "standard", "fast"):
        raise PriceError(f"speed {short(speed, 40)} has no published price (standard or fast)", "speed")
    geo = u.get("inference_geo")
    if geo not in (None, "global", "us", "not_available"):
        raise PriceError(f"inference_geo {short(geo, 40)} has no published price (expected 'global' or 'us')",
                         "inference_geo")
    return (inp, w5, w1, rd, out, web, tier == "batch", "us" if geo == "us" else "global", speed == "fast", tier)
