"""Context compression: the one simulation of a long conversation, with and without summarising older turns.

Used by the docs (the compression guide's curve, through :func:`compression_curve`) and by the recommender
(token totals per turn, through ``calculators.recommend.plan.simulate_conversation``), so both tell the same story.

The conversation: each turn sends the system prompt (or any fixed prefix), the history and a new user message of
``user`` tokens, and gets a reply of ``reply`` tokens, which joins the history. With compression, once
``keep + every`` past turns are held word for word and another turn follows, the oldest ``every`` of them are
folded, together with the previous summary, into a new summary by a summarising call. That call reads the old
summary, the folded turns and an ``instruction`` of that many tokens, and writes the new summary.

**The one assumption:** a summary is :data:`SUMMARY_RATIO` (a fifth) of the tokens it replaces (the previous
summary plus the folded turns), rounded up. Callers may pass another ratio; nothing else is assumed.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from decimal import Decimal

from .cost import PriceError, Usage, price
from .pricing import Model, Pricing

__all__ = ["SUMMARY_RATIO", "Fold", "Turn", "TurnRow", "compression_curve", "simulate"]

#: A summary's size as a share of the tokens it replaces (previous summary + folded turns), rounded up.
SUMMARY_RATIO = Decimal("0.2")

Segment = tuple[str, int]  # (name, tokens): requests share a cache prefix where their segments are equal


@dataclass(frozen=True)
class Fold:
    """One summarising call: its input (old summary + folded turns + instruction) and output (the summary)."""

    input_tokens: int
    summary_tokens: int


@dataclass(frozen=True)
class Turn:
    """One turn: the prompt with the full history, the compressed prompt, and the fold it triggered (if any)."""

    turn: int
    plain: tuple[Segment, ...]
    compressed: tuple[Segment, ...]
    fold: Fold | None

    @property
    def prompt_plain(self) -> int:
        return sum(n for _, n in self.plain)

    @property
    def prompt_compressed(self) -> int:
        return sum(n for _, n in self.compressed)


def simulate(turns: int, *, system: int, user: int, reply: int, keep: int, every: int,
             summary_ratio: Decimal = SUMMARY_RATIO, instruction: int = 0) -> list[Turn]:
    """The requests of a ``turns``-turn conversation, with the full history and compressed (see the module)."""
    if turns < 1 or every < 1 or keep < 0:
        raise PriceError("turns and every must be at least 1, keep at least 0")
    if not (0 < summary_ratio <= 1):
        raise PriceError("the summary ratio must be above 0 and at most 1", "summary_ratio")

    def exchange(i: int) -> list[Segment]:
        return [(f"user{i}", user), (f"reply{i}", reply)]

    out: list[Turn] = []
    summary = version = 0
    verbatim: list[int] = []  # past turns held word for word in the compressed conversation
    for t in range(1, turns + 1):
        fold = None
        if len(verbatim) >= keep + every:
            folded, verbatim = verbatim[:every], verbatim[every:]
            replaced = summary + len(folded) * (user + reply)
            summary, version = math.ceil(replaced * summary_ratio), version + 1
            fold = Fold(replaced + instruction, summary)
        plain = [("system", system)] + [s for i in range(1, t) for s in exchange(i)] + [(f"user{t}", user)]
        comp = [("system", system)] + ([(f"summary{version}", summary)] if version else [])
        comp += [s for i in verbatim for s in exchange(i)] + [(f"user{t}", user)]
        out.append(Turn(t, tuple(plain), tuple(comp), fold))
        verbatim.append(t)
    return out


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
                      keep: int, every: int, cache: bool, day: _dt.date, pricing: Pricing,
                      summary_ratio: Decimal = SUMMARY_RATIO, instruction: int = 200) -> list[TurnRow]:
    """Price :func:`simulate`'s conversation turn by turn on ``model``, the folds on ``summariser``.

    A fold is charged to the turn that triggers it. With ``cache`` each request carries one cache breakpoint at
    the end of its prompt, so the part identical to the previous request's prompt is read from the cache
    (5-minute TTL, assumed warm) and the rest is written to it.
    """

    def request(segments: tuple[Segment, ...], previous: tuple[Segment, ...] | None) -> Decimal:
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
        return price(model, usage, at=day, pricing=pricing).total

    rows: list[TurnRow] = []
    prev: Turn | None = None
    total_plain = total_comp = Decimal(0)
    for t in simulate(turns, system=system, user=user, reply=reply, keep=keep, every=every,
                      summary_ratio=summary_ratio, instruction=instruction):
        cost_plain = request(t.plain, prev.plain if prev else None)
        cost_comp = request(t.compressed, prev.compressed if prev else None)
        if t.fold is not None:
            cost_comp += price(summariser, Usage(input=t.fold.input_tokens, output=t.fold.summary_tokens), at=day,
                               pricing=pricing).total
        total_plain += cost_plain
        total_comp += cost_comp
        rows.append(TurnRow(t.turn, t.prompt_plain, cost_plain, t.prompt_compressed, cost_comp, total_plain,
                            total_comp))
        prev = t
    return rows
