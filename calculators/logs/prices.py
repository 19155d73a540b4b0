"""Pre-pricing: the rates of each case, computed once, and each record's day, time and price.

A :class:`Pricer` turns (model, day, modifiers, tier) into integer femto-dollar rates per token, through
:func:`calculators.cost.effective_rates` (the one stacking rule of the package). :func:`stamped` appends to each
record its UTC day, epoch seconds and, where it can, its price; the reader calls it in the worker process that
read the records, so the main process only adds up.
"""

from __future__ import annotations

import datetime as _dt
import functools
from decimal import Decimal, localcontext
from typing import Any

from ..cost import BUCKETS, PriceError, effective_rates, parse_at
from ..pricing import Pricing, UnknownModelError
from . import bedrock
from .records import EXACT, F_BATCH, F_FAST, F_GEO, F_IN, F_KIND, F_MODEL, F_OUT, F_RD, F_TS, F_W1, F_W5, F_WEB, FEMTO

__all__ = ["PREP", "Pricer", "Router", "Unpriced", "day_of", "epoch", "place_parts", "router_for", "stamped"]

_RATE_SCALE = Decimal(10) ** 9  # USD per MTok -> femto-dollars per token


class Unpriced(Exception):
    """A record that cannot be priced; the message is the reason shown under ``unpriced``."""


class Pricer:
    """Per (model, day, modifiers, tier) the femto-dollar rate per token of every bucket, from ``price()``."""

    def __init__(self, pricing: Pricing):
        self.pricing = pricing
        self._period: dict = {}
        self._rates: dict = {}
        self.notes: dict[str, int] = {}
        #: (model, day, batch, geo, fast) -> rates, for the cases where the prompt size does not matter
        self.quick: dict = {}

    def rates(self, model: str, day: str, batch: bool, geo: str, fast: bool, prompt: int,
              place: tuple[str, str] | None = None) -> tuple:
        """``(model, rates, web rate, notes, placement)`` of a request: femto-dollars per token of each bucket
        and per web search, the notes to count, and ``"platform/endpoint"``. The model's spelling gives the
        platform and endpoint (``pricing.Pricing.resolve``, exact spellings only) unless ``place`` (platform,
        endpoint) overrides them. Raises :class:`Unpriced` with the reason."""
        pk = (model, day)
        mp = self._period.get(pk)
        if mp is None:
            m = self.pricing.find(model)
            if m is None:
                mp = Unpriced(bedrock.unpriced_reason(model) or "not in pricing.toml (names are matched exactly)")
            else:
                mp = (self.pricing.resolve(model), m.period_at(_dt.date.fromisoformat(day)))
                if mp[1] is None:
                    mp = Unpriced(f"no price on {day}: {m.id}'s prices start on {m.periods[0].effective_from}"
                                  if _dt.date.fromisoformat(day) < m.periods[0].effective_from
                                  else f"no price on {day}")
            self._period[pk] = mp
        if isinstance(mp, Unpriced):
            raise mp
        resolved, period = mp
        m = resolved.model
        assert period is not None  # (checked where mp was made)
        tk = 0
        if not fast:
            for t in period.tiers:
                if prompt > t.above_prompt_tokens:
                    tk += 1
        key = (model, day, batch, geo, fast, tk, place)
        got = self._rates.get(key)
        if got is None:
            try:
                with localcontext(EXACT):  # (the caller's context could round the rates)
                    eff = effective_rates(resolved, _dt.date.fromisoformat(day), prompt_tokens=prompt, batch=batch,
                                          geo=geo, fast=fast, platform=place[0] if place else None,
                                          endpoint=place[1] if place else None, pricing=self.pricing)
            except PriceError as exc:
                got = Unpriced(str(exc))
            else:
                rates = []
                for b in BUCKETS:
                    f = getattr(eff.rates, b) * _RATE_SCALE
                    if f != f.to_integral_value():
                        raise PriceError(f"{m.id}: a {b} rate has more than 9 decimal places")
                    rates.append(int(f))
                web = self.pricing.web_search_per_request / FEMTO
                notes = tuple(n for n in eff.notes if not n.startswith("prompt of "))
                if eff.tier is not None:
                    notes += (f"requests with a prompt above {eff.tier:,} tokens on {m.name} are billed at the "
                              f"higher tier's rates for every token",)
                got = (m, tuple(rates), int(web), notes, f"{eff.platform}/{eff.endpoint}")
            self._rates[key] = got
        if isinstance(got, Unpriced):
            raise got
        for note in got[3]:
            self.notes[note] = self.notes.get(note, 0) + 1
        if not got[3] and place is None and (fast or not period.tiers):  # the prompt size cannot change these
            self.quick[(model, day, batch, geo, fast)] = got
        return got


#: "YYYY-MM-DD" -> microseconds from the epoch to that UTC midnight, or None when it is not a date
_DAY_US: dict[str, int | None] = {}
_EPOCH_DATE = _dt.date(1970, 1, 1)


def _day_us(day: str) -> int | None:
    got = _DAY_US.get(day, 0)
    if got == 0:
        try:
            got = (_dt.date.fromisoformat(day) - _EPOCH_DATE).days * 86_400_000_000
        except ValueError:
            got = None
        if len(_DAY_US) > 50_000:  # (many different bad strings)
            _DAY_US.clear()
        _DAY_US[day] = got
    return got


def day_of(ts: str | None) -> str | None:
    if not ts:
        return None
    if len(ts) >= 10 and ts[4:5] == "-" and ts[7:8] == "-" and (len(ts) == 10 or ts.endswith("Z")
                                                                 or ts.endswith("+00:00")) \
            and _day_us(ts[:10]) is not None:
        return ts[:10]
    try:
        return parse_at(ts).isoformat()
    except (PriceError, OverflowError, ValueError):  # (a UTC day outside years 1 to 9999, for one)
        return None


#: (a Pricer, the day for undated records, the routing what-if's Router or None) while analyze_paths reads files;
#: forked workers inherit it. Pricing there costs the workers little and saves the main process a pass. The
#: routing gain of every request is computed there too: that costs the workers more than re-pricing only the
#: requests under the median output at the end would, but it is done while reading, on both cores, instead of
#: in the report, which runs alone on one.
PREP: tuple | None = None


def stamped(records: list) -> list:
    """Records with their UTC day, epoch seconds and (per request, when it can be) price appended.

    Done where the records are read (in the worker processes), so the main process only adds up. The price
    is exactly what :meth:`Analysis.feed` would compute (the same :class:`Pricer`); records it cannot
    price here are priced there, with the reason."""
    day_of_, epoch_ = day_of, epoch
    if PREP is None:
        return [r + (day_of_(r[F_TS]), epoch_(r[F_TS]), None) for r in records]
    pricer, at, router = PREP
    quick = pricer.quick
    days: dict = {}  # day -> (day, the quick rates of that day by (model, batch, geo, fast))
    out: list = []
    append = out.append
    for r in records:
        ts = r[F_TS]
        got = days.get(ts[:10]) if ts else None
        if got is not None and (len(ts) == 10 or ts[-1] == "Z"):
            day, cases = got  # (the same day string every time: smaller messages between processes)
        else:
            day = day_of_(ts)
            if day is not None:
                got = days.get(day)
                if got is None:
                    got = days[day] = (day, {})
                day, cases = got
            else:
                cases = None
        pre = None
        if r[F_KIND] == "request":
            ck = (r[F_MODEL], r[F_BATCH], r[F_GEO], r[F_FAST])
            rated = cases.get(ck) if cases is not None else None
            if rated is None:
                d = day or at
                rated = quick.get((r[F_MODEL], d, r[F_BATCH], r[F_GEO], r[F_FAST]))
                if rated is None:  # first of its kind, or rates that depend on the prompt's size
                    try:
                        rated = pricer.rates(r[F_MODEL], d, r[F_BATCH], r[F_GEO], r[F_FAST],
                                             r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD])
                    except (Unpriced, UnknownModelError):
                        rated = None
                elif cases is not None:
                    cases[ck] = rated  # the same rates for every such request of this day
            if rated is not None:
                m, rates, web, notes, place = rated
                cost = (r[F_IN] * rates[0] + r[F_W5] * rates[1] + r[F_W1] * rates[2] + r[F_RD] * rates[3]
                        + r[F_OUT] * rates[4] + r[F_WEB] * web)
                pre = (m.id, rates, web, cost, notes, place, router.gain(r, m, cost, place) if router else 0)
        append(r + (day, epoch_(ts), pre))
    return out


_fromisoformat = _dt.datetime.fromisoformat


def epoch(ts: str | None) -> float | None:
    """Seconds since the epoch (a float, as ``datetime.timestamp()`` gives it); a time without a zone is UTC."""
    if not ts or ts.find("Z", 0, len(ts) - 1) >= 0:  # ("Z" only ends a time: not a separator, as day_of reads it)
        return None
    try:
        d = _fromisoformat(ts)  # (reads a trailing "Z" itself from Python 3.11 on)
    except ValueError:
        if not ts.endswith("Z"):
            return None
        try:
            d = _fromisoformat(ts[:-1] + "+00:00")
        except ValueError:
            return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.UTC)
    try:
        return d.timestamp()
    except (OverflowError, ValueError):
        return None


class Router:
    """The routing what-if's re-pricing: a request's cost on the target model at ``today``'s prices.

    :meth:`gain` is computed for each request where it is priced (in the worker processes that read it), so the
    report only adds up the gains of the requests under the output cutoff (the median, known at the end)."""

    def __init__(self, pricing: Pricing, target, today: str):
        self.pricing, self.target, self.today = pricing, target, today
        self.pricer = Pricer(pricing)
        self.window = target.context_window
        period = target.period_at(_dt.date.fromisoformat(today))
        self.limits = [t.above_prompt_tokens for t in period.tiers] if period is not None else []
        #: (model id, batch, geo, placement) -> _plan(): the scaler, and the target's rates by prompt tiers passed
        self.plans: dict = {}
        self.scalers: dict = {}  # model id -> token scaler (None: the same tokenizer)

    def gain(self, r: tuple, m, cost: int, place: str) -> int:
        """Femto-dollars saved by sending request ``r`` (priced ``cost`` on model ``m`` at ``place``) to the
        target instead: 0 when it is not a candidate (the target itself, a web search, not a request, a prompt
        that does not fit, no price there) or is not cheaper there. Token counts are scaled by the tokenizer
        difference, in the analyser's exact decimal context."""
        if r[F_WEB] or r[F_KIND] != "request":
            return 0
        case = (m.id, r[F_BATCH], r[F_GEO], place)
        plan = self.plans.get(case)
        if plan is None:
            plan = self.plans[case] = self._plan(m, r[F_BATCH], r[F_GEO], place)
        if plan is False:  # (the target itself)
            return 0
        scale, rates_by_tiers = plan
        if scale is None:
            i, w5, w1, rd, o = r[F_IN], r[F_W5], r[F_W1], r[F_RD], r[F_OUT]
        else:  # (scale(0) is 0)
            i, w5, w1, rd, o = scale(r[F_IN]), scale(r[F_W5]), scale(r[F_W1]), scale(r[F_RD]), scale(r[F_OUT])
        prompt = i + w5 + w1 + rd
        if self.window and prompt > self.window:
            return 0
        tk = 0
        for limit in self.limits:
            if prompt > limit:
                tk += 1
        rates: Any = rates_by_tiers.get(tk)
        if rates is None:
            try:
                rates = self.pricer.rates(self.target.id, self.today, r[F_BATCH], r[F_GEO], False, prompt,
                                          place=place_parts(place))[1]
            except Unpriced:
                rates = False
            rates_by_tiers[tk] = rates
        if rates is False:
            return 0
        new = i * rates[0] + w5 * rates[1] + w1 * rates[2] + rd * rates[3] + o * rates[4]
        return cost - new if new < cost else 0

    def _plan(self, m, batch: bool, geo: str, place: str):
        """For requests on ``m`` with these modifiers: (token scaler or None, rates by prompt tiers passed, filled
        as they are met), or False when ``m`` is the target."""
        if m.id == self.target.id:
            return False
        scale = self.scalers.get(m.id, 0)
        if scale == 0:
            from ..cost import tokenizer_factor

            with localcontext(EXACT):  # (the factor may be a quotient: the same digits in every process)
                factor = tokenizer_factor(m, self.target, self.pricing)
            scale = self.scalers[m.id] = _scaler(factor)
        return scale, {}


def router_for(pricing: Pricing, route_to: str, today: str) -> Router | None:
    """The :class:`Router` to ``route_to`` (None when no such model is priced: the report then says so)."""
    try:
        return Router(pricing, pricing.model(route_to), today)
    except UnknownModelError:
        return None


def _scaler(factor: Decimal):
    """``n -> int((n * factor).to_integral_value())`` in the analyser's exact decimal context (None for a factor
    of 1), in integers when that is exact.

    A factor with few digits times a token count is exact in that context, so rounding the rational n * p / q
    half-even gives the same integer; other factors use Decimal itself."""
    if factor == 1:
        return None

    def by_decimal(n: int) -> int:
        with localcontext(EXACT):
            return int((n * factor).to_integral_value())

    if len(factor.as_tuple().digits) > 12 or factor < 0:
        return by_decimal
    p, q = factor.as_integer_ratio()

    @functools.lru_cache(maxsize=1 << 16)
    def scale(n: int) -> int:
        if n >= 10 ** 15:
            return by_decimal(n)
        whole, rest = divmod(n * p, q)
        if 2 * rest > q or (2 * rest == q and whole & 1):
            whole += 1
        return whole

    return scale


def place_parts(placement: str) -> tuple[str, str]:
    """``"bedrock/regional"`` -> ``("bedrock", "regional")``."""
    platform, _, endpoint = placement.partition("/")
    return platform, endpoint
