"""The usage object of the Messages API, read into plain values (the rules every log format shares).

:func:`usage_values` is the analyser's reading of Anthropic's ``usage`` object (the same buckets and rules as
:func:`calculators.cost.usage_from_api`, returning a plain tuple for the record instead of a Usage): bad values
raise :class:`~calculators.logs.records.BadLine` with the reason, so the line is counted as malformed.
"""

from __future__ import annotations

from collections.abc import Mapping

from .records import MAX_TOKENS, BadLine, short

__all__ = ["usage_values", "usage_values_checked"]

#: A quick test for the common all-integer usage object: every count in [0, 2**49) (2**49 < MAX_TOKENS) is
#: accepted at once by ``0 <= (a | b | ...) < _QUICK_LIMIT`` (negative integers make the OR negative);
#: anything else is read by :func:`usage_values_checked`, which applies MAX_TOKENS exactly.
_QUICK_LIMIT = 1 << 49
def _int(obj: Mapping, key: str, where: str = "", limit: int = MAX_TOKENS) -> int:
    """A token count: a JSON integer from 0 to ``limit`` (absent or null is 0); anything else (a float such as
    1.5 or 1e30, a boolean, a string) makes the line malformed, with the reason."""
    value = obj.get(key)
    if value is None:
        return 0
    if type(value) is int:
        if 0 <= value <= limit:
            return value
        if value < 0:
            raise BadLine(f"{where}{key} cannot be negative (got {short(value)})")
        raise BadLine(f"{where}{key} is {short(value)}, more than the {limit:,} tokens a record may hold")
    raise BadLine(f"{where}{key} must be a whole number of tokens (a JSON integer), got {short(value)}")


def _usual_usage(u: dict):
    """(input, 5m writes, 1h writes, cache reads, output, service_tier) of the common usage object: all token counts
    whole and not negative, ``cache_creation`` split in exactly its two TTLs that add up to the writes, no web
    search, geo or speed field. None for anything else (then :func:`usage_values_checked` has the rules)."""
    cc = u.get("cache_creation")
    if type(cc) is dict and len(cc) == 2 and "server_tool_use" not in u and "inference_geo" not in u \
            and "speed" not in u:
        g = u.get
        inp, out, rd, cr = g("input_tokens"), g("output_tokens"), g("cache_read_input_tokens"), \
            g("cache_creation_input_tokens")
        w5, w1 = cc.get("ephemeral_5m_input_tokens"), cc.get("ephemeral_1h_input_tokens")
        if type(inp) is int and type(out) is int and type(rd) is int and type(cr) is int and type(w5) is int \
                and type(w1) is int and 0 <= (inp | out | rd | w5 | w1) < _QUICK_LIMIT and cr == w5 + w1:
            tier = g("service_tier")
            if tier is None or tier in _KNOWN_TIERS:
                return inp, w5, w1, rd, out, tier
    return None


#: service_tier values with a known price (priority is priced at standard rates with a note).
_KNOWN_TIERS = ("standard", "batch", "priority")


def usage_values(u: Mapping):
    """Like :func:`usage_values_checked`, with a shortcut for the common all-integer usage object."""
    if type(u) is dict:
        got = _usual_usage(u)
        if got is not None:
            inp, w5, w1, rd, out, tier = got
            return (inp, w5, w1, rd, out, 0, tier == "batch", "global", False, tier)
    return usage_values_checked(u)


def usage_values_checked(u: Mapping) -> tuple[int, int, int, int, int, int, bool, str, bool, str | None]:
    """(input, 5m writes, 1h writes, cache reads, output, web searches, batch, geo, fast, service_tier).

    ``input_tokens`` is the uncached part only. ``cache_creation`` splits writes by TTL; without it every
    write is a 5-minute write; when the total is larger than the split, the rest counts as 5-minute writes.
    """
    if not isinstance(u, Mapping):
        raise BadLine("usage is not an object")
    created = _int(u, "cache_creation_input_tokens", limit=2 * MAX_TOKENS)  # (the sum of two buckets)
    cc = u.get("cache_creation")
    if isinstance(cc, Mapping):
        w5 = _int(cc, "ephemeral_5m_input_tokens", "cache_creation.")
        w1 = _int(cc, "ephemeral_1h_input_tokens", "cache_creation.")
        if created > w5 + w1:
            w5 = created - w1
    else:
        w5, w1 = created, 0
    if w5 > MAX_TOKENS:
        raise BadLine(f"cache_creation_input_tokens is {short(created)}: {short(w5)} 5-minute cache writes, more "
                      f"than the {MAX_TOKENS:,} tokens a record may hold")
    stu = u.get("server_tool_use")
    web = _int(stu, "web_search_requests", "server_tool_use.") if isinstance(stu, Mapping) else 0
    tier = u.get("service_tier")
    if tier is not None and tier not in _KNOWN_TIERS:
        raise BadLine(f"service_tier {str(tier)[:40]!r} is not one this tool knows (standard, batch or priority)")
    speed = u.get("speed")
    if speed not in (None, "standard", "fast"):
        raise BadLine(f"speed {str(speed)[:40]!r} has no published price (standard or fast)")
    geo_raw = u.get("inference_geo")
    if geo_raw not in (None, "global", "us", "not_available"):
        raise BadLine(f"inference_geo {short(geo_raw)} has no published price (expected 'global' or 'us')")
    return (_int(u, "input_tokens"), w5, w1, _int(u, "cache_read_input_tokens"), _int(u, "output_tokens"), web,
            tier == "batch", "us" if geo_raw == "us" else "global", u.get("speed") == "fast", tier)


