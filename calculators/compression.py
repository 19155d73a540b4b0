"""Context compression: what a long conversation costs with and without summarising older turns.

A pure simulation on top of :func:`calculators.cost.price`, used by the docs (the compression guide's
curve) and available to readers as a library function.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal

from .cost import PriceError, Usage, price
from .pricing import Model, Pricing

__all__ = ["TurnRow", "compression_curve"]


@dataclass(frozen=True)
class TurnRow:
    turn: int
    prompt_plain: int
    cost_plain: Decimal
    prompt_comp: int
    cost_comp: Decimal
    total_plain: Decimal
    total_comp: Decimal


def compression_curve(model: Model, summariser: Model, *, turns: int, system: int, user: int, reply: int,
                      keep: int, every: int, summary: int, cache: bool, day: _dt.date,
                      pricing: Pricing, instruction: int = 200) -> list[TurnRow]:
    """Simulate a conversation turn by turn, with the full history and with older turns summarised.

    Each turn sends the system prompt, the history and a new user message of ``user`` tokens, and gets a
    reply of ``reply`` tokens. With compression, once ``keep + every`` past turns are held verbatim, the
    oldest ``every`` are folded (with the previous summary) into a new summary of ``summary`` tokens by the
    ``summariser`` model (its input also carries an ``instruction`` of that many tokens); that call is charged
    to the turn that triggers it. With ``cache`` each request carries one cache breakpoint at the end of its
    prompt, so the part identical to the previous request's prompt is read from the cache (5-minute TTL,
    assumed warm) and the rest is written to it.
    """
    if turns < 1 or every < 1:
        raise PriceError("turns and every must be at least 1")

    def request(segments: list[tuple[str, int]], previous: list[tuple[str, int]] | None) -> tuple[int, Decimal]:
        prompt = sum(n for _, n in segments)
        common = 0
        if cache and previous is not None:
            for a, b in zip(segments, previous, strict=False):
                if a != b:
                    break
                common += a[1]
        if cache:
            usage = Usage(cache_read=common, cache_write_5m=prompt - common, output=reply)
        else:
            usage = Usage(input=prompt, output=reply)
        return prompt, price(model, usage, at=day, pricing=pricing).total

    def exchange(i: int) -> list[tuple[str, int]]:
        return [(f"user{i}", user), (f"reply{i}", reply)]

    rows: list[TurnRow] = []
    prev_plain = prev_comp = None
    summary_version = 0
    verbatim: list[int] = []  # past turns held word for word in the compressed conversation
    total_plain = total_comp = Decimal(0)
    for t in range(1, turns + 1):
        plain = [("system", system)] + [s for i in range(1, t) for s in exchange(i)] + [(f"user{t}", user)]
        prompt_plain, cost_plain = request(plain, prev_plain)
        prev_plain = plain

        extra = Decimal(0)
        if len(verbatim) >= keep + every:
            folded, verbatim = verbatim[:every], verbatim[every:]
            fold_in = (summary if summary_version else 0) + len(folded) * (user + reply) + instruction
            extra = price(summariser, Usage(input=fold_in, output=summary), at=day, pricing=pricing).total
            summary_version += 1
        comp = [("system", system)]
        if summary_version:
            comp.append((f"summary{summary_version}", summary))
        comp += [s for i in verbatim for s in exchange(i)] + [(f"user{t}", user)]
        prompt_comp, cost_comp = request(comp, prev_comp)
        prev_comp = comp
        cost_comp += extra
        verbatim.append(t)

        total_plain += cost_plain
        total_comp += cost_comp
        rows.append(TurnRow(t, prompt_plain, cost_plain, prompt_comp, cost_comp, total_plain, total_comp))
    return rows
