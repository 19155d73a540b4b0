"""The analysis: every record priced and summed, the report's figures, and what each lever would have saved.

:class:`Options` says what to analyse; :class:`Analysis` is fed records as they are read (:meth:`Analysis.feed`),
and :meth:`Analysis.report` returns the report as JSON-ready values (money as exact decimal strings, each next
to its display string). The what-ifs (caching, 1-hour cache TTL, batch, routing, an output cap) and the
reconciliation with a cost report are methods of the analysis; the text rendering is in
:mod:`calculators.logs.report`.
"""

from __future__ import annotations

import bisect
import csv
import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress
from operator import itemgetter

from ..cost import BUCKETS, PriceError, parse_at
from ..present import BUCKET_LABELS, csv_cell, percent, usd_display
from ..pricing import Pricing, UnknownModelError
from .filters import Filter
from .prices import Pricer, Unpriced, day_of, epoch, place_parts, router_for
from .records import (
    EXACT,
    F_BATCH,
    F_DAY,
    F_EPOCH,
    F_FAST,
    F_FILE,
    F_GEO,
    F_IN,
    F_KIND,
    F_LINE,
    F_LOGGED,
    F_MODEL,
    F_OUT,
    F_PRE,
    F_PROJECT,
    F_RD,
    F_SESSION,
    F_SIDE,
    F_TIER,
    F_TIER_PROMPT,
    F_TS,
    F_W1,
    F_W5,
    F_WEB,
    FEMTO,
    FORMATS,
    TOKEN_FIELDS,
    Collector,
    dstr,
    exact,
    short,
    usd,
)

__all__ = ["Analysis", "Options"]

FIVE_MIN, ONE_HOUR = 300, 3600


class Options:
    """What to analyse and how. ``at`` prices records that carry no timestamp; ``today`` is the day whose
    prices the routing what-if uses. Give either (each defaults to the other); the library never reads the
    clock, so giving neither is an error. ``model`` is the model of lines that name none; ``only_model``,
    ``only_session`` and ``only_project`` keep only the records of one model, session or project
    (:mod:`calculators.logs.filters`)."""

    def __init__(self, since=None, until=None, at=None, batch_share="0.5", route_to="haiku", model=None,
                 fmt="auto", today=None, only_model=None, only_session=None, only_project=None):
        self.since = _date_opt(since, "since")
        self.until = _date_opt(until, "until")
        if at is None and today is None:
            raise PriceError("no day given: pass at= or today= (the day records without a timestamp are "
                             "priced on)", "at")
        self.at = _date_opt(at if at is not None else today, "at")
        self.today = _date_opt(today if today is not None else at, "today")
        self.batch_share = _share(batch_share)
        for name, value in (("route_to", route_to), ("model", model), ("format", fmt)):
            if value is not None and not isinstance(value, str):
                raise PriceError(f"{name} must be a string, got {short(value)}", name)
            if value and len(value) > 200:  # (no model id is this long; keep the message short)
                raise PriceError(f"{name} {short(value)} is not a model id or format", name)
        self.route_to = route_to or "haiku"
        self.model = model or None
        if fmt not in FORMATS:
            raise PriceError(f"unknown format {short(fmt)}: use one of {', '.join(FORMATS)}", "format")
        self.fmt = fmt
        self.only = Filter(only_model, only_session, only_project)


def _date_opt(value, name):
    """A day option (since, until, at, today) read by the one date rule of the package,
    :func:`calculators.cost.parse_at`: a date, or an ISO 8601 timestamp taken to its UTC day."""
    if value is None or value == "":
        return None
    try:
        return parse_at(value).isoformat()
    except (PriceError, OverflowError, ValueError):
        raise PriceError(f"--{name}: not a date: {short(value)} (use YYYY-MM-DD or an ISO 8601 timestamp "
                         f"whose UTC day is between 0001-01-01 and 9999-12-31)", name) from None


def _share(value) -> Decimal:
    """The batch what-if's share: a decimal number from 0 to 1 (not NaN, not infinite)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise PriceError(f"batch share must be a number between 0 and 1, got {short(value)}", "batch_share")
    try:
        share = Decimal(str(value).strip()) if len(str(value)) <= 40 else Decimal("NaN")
    except ArithmeticError:
        share = Decimal("NaN")
    if not share.is_finite() or not (0 <= share <= 1):
        raise PriceError(f"batch share must be a number between 0 and 1, got {short(str(value))}",
                         "batch_share")
    return share


class Analysis:
    """Everything needed for the report, built from a :class:`Collector`.

    Records are priced and summed as they are fed (:meth:`feed`), so the CLI feeds each batch of records while
    the worker processes read the next ones (:meth:`catch_up`), and the report itself only sorts and formats.
    When a later copy of a request replaced one already fed (the collector counts those), :meth:`finish` starts
    over from the collector's final records, so the result never depends on the order files were read in."""

    def __init__(self, collector: Collector, options: Options, pricing: Pricing, *, feed: bool = True):
        self.c = collector
        self.o = options
        self.pricing = pricing
        self._reset()
        if feed:
            self.finish()

    def _reset(self) -> None:
        self.pricer = Pricer(self.pricing)
        self.priced: list = []  # (record, day, model, rates, web_rate, femto total)
        self.unpriced: dict[str, dict] = {}
        self.undated = 0
        self.filtered = 0
        self.tier_unknown = 0
        self._fine_tiers: dict = {}
        self._models: dict = {}
        self._fed = 0  # how many of the collector's records were fed
        self._replaced = self.c.replaced  # the collector's count of replacements when feeding started
        # running sums for the report
        self._total = 0
        self._req_costs = _SortedRuns()  # the cost of every request
        #: the routing what-if: the target (None when --route-to names no priced model), and per request that
        #: would cost less there (output tokens, femto-dollars saved)
        self._router = router_for(self.pricing, self.o.route_to, self.o.today)
        self._gains: list = []
        self._outs = _SortedRuns()  # the output tokens of every request
        self._reading = 0
        self._rate_groups: dict = {}  # (model id, rates, web rate, batch-eligible) -> records
        #: per rate group, summed after each batch (_sum_groups): [records summed, tokens of each bucket and web
        #: searches], and the output tokens of its requests (the output-cap what-if)
        self._group_sums: dict = {}
        self._group_outs: dict = {}
        self._names: dict = {}
        self._by_day: dict = {}
        self._by_session: dict = {}
        self._by_project: dict = {}
        self.o.only.reset()
        self.o.only.bind(self.pricing)
        self._logged = Decimal(0)
        self._logged_n = 0
        self._priority = 0
        self._aggregates = 0  # report rows and CSV rows (not single requests)
        #: requests by (session or file, model): ([(time, item)] that used no cache, [...] that did)
        self._session_groups: tuple[dict, dict] = ({}, {})
        #: the 1-hour TTL what-if per (session or file, model) of the cache-using requests, summed as they arrive:
        #: [time, prompt tokens of the last one, saving, writes that become reads, arrived in time order]
        self._ttl_state: dict = {}
        self._sorted = False

    def catch_up(self) -> None:
        """Feed the records the collector kept since the last call."""
        kept = self.c.kept
        if self._fed < len(kept):
            self.feed(kept[self._fed:])
            self._fed = len(kept)

    def finish(self) -> None:
        """Feed what is left; start over if a record already fed was replaced by a more complete copy."""
        if self.c.replaced != self._replaced:
            self._reset()
        self.catch_up()

    # -- pricing and summing every record ------------------------------------------------------------------------
    def feed(self, records) -> None:
        o, pricer = self.o, self.pricer
        since, until, at = o.since, o.until, o.at
        quick = pricer.quick
        models = self._models
        notes = pricer.notes
        priced = self.priced
        rate_groups, names, by_day, by_session = self._rate_groups, self._names, self._by_day, self._by_session
        by_project = self._by_project
        only = o.only if o.only.active else None
        req_costs: list = []  # (this batch's)
        outs: list = []
        router, gains = self._router, self._gains
        plain, cached = self._session_groups
        ttl = self._ttl_state
        total = self._total
        reading = self._reading
        for r in records:
            if len(r) == F_DAY:  # not stamped by a worker (browser bridge)
                r = r + (day_of(r[F_TS]), epoch(r[F_TS]), None)
            day = r[F_DAY]
            if day is None:
                self.undated += 1
                day = at
            if (since and day < since) or (until and day > until):
                self.filtered += 1
                continue
            if only is not None and not only.keeps(r):
                continue
            pre = r[F_PRE]
            if pre is not None:  # priced by the worker that read it
                mid = pre[0]
                m = models.get(mid)
                if m is None:
                    m = models[mid] = self.pricing.model(mid)
                for note in pre[4]:
                    notes[note] = notes.get(note, 0) + 1
                rates, web, cost, place, gain = pre[1], pre[2], pre[3], pre[5], pre[6]
            else:
                got = quick.get((r[F_MODEL], day, r[F_BATCH], r[F_GEO], r[F_FAST]))
                try:
                    if got is None:
                        prompt = (r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD] if r[F_TIER_PROMPT] is None
                                  else r[F_TIER_PROMPT])
                        got = pricer.rates(r[F_MODEL], day, r[F_BATCH], r[F_GEO], r[F_FAST], prompt)
                    m, rates, web, _, place = got
                except (Unpriced, UnknownModelError) as exc:
                    u = self.unpriced.setdefault(r[F_MODEL], {"records": 0, **{b: 0 for b in BUCKETS},
                                                              "web_searches": 0, "reason": str(exc)})
                    u["records"] += 1
                    for b, f in zip(BUCKETS, TOKEN_FIELDS, strict=True):
                        u[b] += r[f]
                    u["web_searches"] += r[F_WEB]
                    continue
                mid = m.id
                if r[F_TIER_PROMPT] == 0 and r[F_KIND] == "aggregate":
                    fine = self._fine_tiers.get((mid, day))
                    if fine is None:
                        period = m.period_at(_dt.date.fromisoformat(day))
                        fine = self._fine_tiers[(mid, day)] = any(t.above_prompt_tokens < 200_000
                                                                  for t in period.tiers)
                    if fine:
                        self.tier_unknown += 1
                cost = (r[F_IN] * rates[0] + r[F_W5] * rates[1] + r[F_W1] * rates[2] + r[F_RD] * rates[3]
                        + r[F_OUT] * rates[4] + r[F_WEB] * web)
                gain = router.gain(r, m, cost, place) if router is not None else 0
            item = (r, day, m, rates, web, cost, place)
            if gain:
                gains.append((r[F_OUT], gain))
            priced.append(item)
            # the report's sums
            total += cost
            if r[F_KIND] != "request":
                self._aggregates += 1
            else:
                req_costs.append(cost)
                outs.append(r[F_OUT])
                if r[F_RD]:
                    reading += 1
                t = r[F_EPOCH]
                if t is not None:
                    skey = (r[F_SESSION] or r[F_FILE], mid)
                    if r[F_RD] or r[F_W5] or r[F_W1]:
                        side = cached
                        # the 1-hour TTL what-if, as the requests of each session arrive in time order (a
                        # session whose requests arrive out of order is worked out again in the report)
                        st = ttl.get(skey)
                        if st is None:
                            st = ttl[skey] = [None, 0, 0, 0, True]
                        if st[4]:
                            if st[0] is not None and t < st[0]:
                                st[4] = False
                            else:
                                _ttl_step(st, t, r, rates)
                    else:
                        side = plain
                    sg = side.get(skey)
                    if sg is None:
                        side[skey] = [(t, item)]
                    else:
                        sg.append((t, item))
            key = (mid, place, rates, web, not (r[F_BATCH] or r[F_FAST]))
            g = rate_groups.get(key)
            if g is None:
                g = rate_groups[key] = []
                names[mid] = m.name
            g.append(r)
            d = by_day.get(day)
            toks = r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD] + r[F_OUT]
            if d is None:
                by_day[day] = [cost, 1, toks]
            else:
                d[0] += cost
                d[1] += 1
                d[2] += toks
            proj = r[F_PROJECT] or "(none)"
            pj = by_project.get(proj)
            if pj is None:
                by_project[proj] = [cost, 1]
            else:
                pj[0] += cost
                pj[1] += 1
            sess = r[F_SESSION] or "(none)"
            ss = by_session.get(sess)
            if ss is None:
                by_session[sess] = [cost, 1, day, day]
            else:
                ss[0] += cost
                ss[1] += 1
                if day < ss[2]:
                    ss[2] = day
                elif day > ss[3]:
                    ss[3] = day
            if r[F_LOGGED] is not None:
                self._logged = EXACT.add(self._logged, Decimal(r[F_LOGGED]))
                self._logged_n += 1
            if r[F_TIER] == "priority":
                self._priority += 1
        self._total = total
        self._reading = reading
        self._sorted = False
        self._req_costs.add(req_costs)
        self._outs.add(outs)
        self._sum_groups()

    def _sum_groups(self) -> None:
        """Add up the records each rate group received since the last call (so the report, which runs alone at
        the end, finds the sums made while the logs were being read)."""
        sums, group_outs = self._group_sums, self._group_outs
        for key, recs in self._rate_groups.items():
            s = sums.get(key)
            if s is None:
                s = sums[key] = [0, 0, 0, 0, 0, 0, 0]
                group_outs[key] = _SortedRuns()
            if s[0] == len(recs):
                continue
            new = recs[s[0]:]
            for i, fld in enumerate((*TOKEN_FIELDS, F_WEB), 1):
                s[i] += sum(map(itemgetter(fld), new))
            s[0] = len(recs)
            group_outs[key].add([r[F_OUT] for r in new if r[F_KIND] == "request"])

    # -- the report --------------------------------------------------------------------------------------------
    @exact
    def report(self) -> dict:
        self.o.only.check()  # a filter value no record has: an error naming the nearest ones
        pricing = self.pricing
        priced = self.priced
        by_model: dict[str, dict] = {}
        by_day, by_session, names = self._by_day, self._by_session, self._names
        bucket_f = [0, 0, 0, 0, 0, 0]
        tokens = [0, 0, 0, 0, 0, 0]
        logged, logged_n = self._logged, self._logged_n
        total = self._total
        tiers_priority = self._priority
        reading = self._reading
        eligible = 0  # token spend the batch what-if may move (not already batch, not fast mode)
        by_place: dict[str, list[int]] = {}  # "platform/endpoint" -> [femto-dollars, records]
        self._sum_groups()
        for (mid, place, rates, web, can_batch), recs in self._rate_groups.items():
            bp = by_place.get(place)
            if bp is None:
                bp = by_place[place] = [0, 0]
            bp[1] += len(recs)
            bm = by_model.get(mid)
            if bm is None:
                bm = by_model[mid] = {"name": names[mid], "records": 0, "t": [0] * 6, "f": [0] * 6}
            bm["records"] += len(recs)
            sums = self._group_sums[(mid, place, rates, web, can_batch)]
            for i, rate in enumerate((*rates, web)):
                n = sums[i + 1]
                bm["t"][i] += n
                bm["f"][i] += n * rate
                bp[0] += n * rate
                if can_batch and i < 5:
                    eligible += n * rate
        self._eligible = eligible
        for bm in by_model.values():
            for i in range(6):
                tokens[i] += bm["t"][i]
                bucket_f[i] += bm["f"][i]

        requests = self._req_costs.sorted()
        top_day = max((v[0] for v in by_day.values()), default=0)  # bar lengths for charts (not money)
        total_usd = usd(total)
        prompt_all = tokens[0] + tokens[1] + tokens[2] + tokens[3]
        bucket_names = (*BUCKETS, "web_search")
        out = {
            "pricing_checked": pricing.last_checked.isoformat(),
            "engine": self.c.engine,
            "files": [f for f in self.c.files if not f.get("skipped")],
            "skipped": self.c.skipped,
            "total_usd": dstr(total_usd),
            "total_display": usd_display(total_usd),
            "records": len(priced),
            "malformed": self.c.counts.malformed,
            "malformed_lines": [{"file": f, "line": n, "reason": why} for f, n, why in self.c.counts.malformed_list],
            "lines": self.c.counts.to_json(),
            "duplicates_merged": self.c.duplicates_merged(),
            "filtered_out": self.filtered,
            "since": self.o.since, "until": self.o.until,
            "first_day": min(by_day) if by_day else None,
            "last_day": max(by_day) if by_day else None,
            "unpriced": self.unpriced,
            "by_model": {
                mid: {"name": bm["name"], "records": bm["records"], **_money("total", usd(sum(bm["f"]))),
                      **{b: bm["t"][i] for i, b in enumerate(BUCKETS)}, "web_searches": bm["t"][5],
                      "usd_by_bucket": {b: dstr(usd(bm["f"][i])) for i, b in enumerate(bucket_names)},
                      "display_by_bucket": {b: usd_display(usd(bm["f"][i])) for i, b in enumerate(bucket_names)}}
                for mid, bm in sorted(by_model.items(), key=lambda kv: -sum(kv[1]["f"]))
            },
            "by_platform": {
                place: {**_money("total", usd(v[0])), "records": v[1]}
                for place, v in sorted(by_place.items(), key=lambda kv: (-kv[1][0], kv[0]))
            },
            "by_day": [{"day": d, **_money("total", usd(v[0])), "records": v[1], "tokens": v[2],
                        "of_max": _ratio(v[0], top_day)}
                       for d, v in sorted(by_day.items())],
            "by_day_total": {"records": len(priced), "tokens": sum(tokens[:5]), **_money("total", total_usd)},
            "by_project": [{"project": p, **_money("total", usd(v[0])), "records": v[1]}
                           for p, v in sorted(self._by_project.items(), key=lambda kv: (-kv[1][0], kv[0]))],
            "filter": self.o.only.to_json(),
            "choices": self.o.only.choices({
                "model": {**{m: bm["records"] for m, bm in by_model.items()},
                          **{m: u["records"] for m, u in self.unpriced.items()}},
                "session": {s: v[1] for s, v in by_session.items()},
                "project": {p: v[1] for p, v in self._by_project.items()}}),
            "by_session": [{"session": s, **_money("total", usd(v[0])), "records": v[1], "first_day": v[2],
                            "last_day": v[3]}
                           for s, v in sorted(by_session.items(), key=lambda kv: (-kv[1][0], kv[0]))],
            "per_turn": _turn_stats(requests, self._req_costs.total),
            "cache": {
                **_share_field("hit_rate", _ratio(tokens[3], prompt_all)),
                "read_tokens": tokens[3], "prompt_tokens": prompt_all,
                "requests_reading": reading,
            },
            "tokens": {b: tokens[i] for i, b in enumerate(BUCKETS)} | {"web_searches": tokens[5]},
            "spend_by_bucket": {b: {**_money("", usd(bucket_f[i])), **_share_field("share", _ratio(bucket_f[i], total)),
                                    "label": BUCKET_LABELS[b]}
                                for i, b in enumerate(bucket_names)},
            "logged_cost_usd": dstr(logged) if logged_n else None,
            "logged_cost_display": usd_display(logged) if logged_n else None,
            "what_if": self.what_ifs(total, requests),
            "reconciliation": self.reconcile(),
            "notes": self.notes(logged, logged_n, tiers_priority),
        }
        return out

    def notes(self, logged, logged_n, priority) -> list[str]:
        notes = list(self.c.input_notes)
        c = self.c.counts
        only = self.o.only
        if only.active:
            said = "; ".join(f"{name} {value}" for name, value in
                             (("model", only.model), ("session", only.session), ("project", only.project)) if value)
            notes.append(f"filtered to {said}: {only.left_out:,} other records were left out of every figure")
        if self.c.skipped:
            first = self.c.skipped[0]
            notes.append(f"{len(self.c.skipped):,} path(s) could not be read and were skipped (see 'skipped'; "
                         f"the first: {first['path']}: {first['reason']})")
        if self.c.duplicates_merged():
            notes.append(f"{self.c.duplicates_merged():,} duplicate records of streamed responses were merged (same "
                         f"message id and request id; the most complete usage is kept)")
        if c.synthetic:
            notes.append(f"{c.synthetic:,} '<synthetic>' records (made by Claude Code locally, no API call) "
                         f"were skipped")
        if self.undated:
            notes.append(f"{self.undated:,} records have no readable timestamp; they are priced at the prices "
                         f"of {self.o.at}")
        if self.unpriced:
            n = sum(u["records"] for u in self.unpriced.values())
            notes.append(f"{n:,} records could not be priced (see 'unpriced'); they are not in the total")
        if logged_n:
            notes.append(f"{logged_n:,} records carry a costUSD written by Claude Code: they sum to "
                         f"{usd_display(logged)}; the total here is computed from pricing.toml")
        if priority:
            notes.append(f"{priority:,} records ran on Priority Tier, which has no published per-token price; "
                         f"they are priced at standard rates")
        if self.tier_unknown:
            notes.append(f"{self.tier_unknown:,} report rows of 0-200k context are on a model with a prompt-length "
                         f"tier below 200K tokens (Haiku 5.5 above 100K); rows cannot tell, so they are priced at "
                         f"the base rate")
        if self._aggregates:
            notes.append("usage reports and CSV rows sum many requests: per-turn figures, caching and TTL "
                         "what-ifs use per-request logs only")
        for note, n in sorted(self.pricer.notes.items()):
            notes.append(f"{note} ({n:,} records)")
        future = sum(v[1] for day, v in self._by_day.items() if day > self.o.today)
        if future:
            notes.append(f"{future:,} records are dated after today ({self.o.today}): they are priced at the prices "
                         f"known today, which may change before then")
        return notes

    def problem(self, rep: dict | None = None) -> str | None:
        """One line saying why nothing was priced (what was found instead), or None when something was priced
        or billed (a cost report alone is reconciled, not priced)."""
        rep = rep or self.report()
        if rep["records"] or self.c.billed:
            return None
        c = self.c.counts
        found = [f"read {_n(c.lines, 'line')} in {_n(len(rep['files']), 'file')}"]
        unpriced = sum(u["records"] for u in self.unpriced.values())
        if unpriced:
            models = sorted(self.unpriced.items(), key=lambda kv: -kv[1]["records"])
            names = ", ".join(f"{short(m, 40)} ({u['records']:,})" for m, u in models[:3])
            more = f" and {len(models) - 3:,} more" if len(models) > 3 else ""
            found.append(f"{_n(unpriced, 'record')} could not be priced: {names}{more}: {models[0][1]['reason']}")
        if self.filtered:
            found.append(f"{_n(self.filtered, 'record')} outside --since/--until")
        if self.o.only.left_out:
            found.append(f"{_n(self.o.only.left_out, 'record')} left out by --model/--session/--project")
        if c.malformed:
            f, n, why = c.malformed_list[0] if c.malformed_list else ("?", 0, "")
            found.append(f"{c.malformed:,} malformed (first: {f}:{n}: {why})")
        if c.ignored or c.blank:
            found.append(f"{c.ignored + c.blank:,} without a billed request")
        if c.synthetic:
            found.append(f"{c.synthetic:,} made locally by Claude Code (<synthetic>)")
        if self.c.skipped:
            s = self.c.skipped[0]
            found.append(f"{_n(len(self.c.skipped), 'path')} skipped (first: {s['path']}: {s['reason']})")
        found.extend(self.c.input_notes[:1])
        if self.o.fmt != "auto":
            return (f"nothing matched --format {self.o.fmt}: " + "; ".join(found)
                    + " (leave --format out to detect each file's format)")
        return "nothing was priced: " + "; ".join(found)

    # -- what-ifs ----------------------------------------------------------------------------------------------
    def what_ifs(self, total: int, requests: list[int]) -> list[dict]:
        levers = [self._caching(), self._ttl(), self._batch(), self._routing(), self._output_cap()]
        for lever in levers:
            saving = usd(lever.pop("_f"))
            lever["saving_usd"] = dstr(saving)
            lever["saving_display"] = usd_display(saving)
            lever.update(_share_field("saving_share", _ratio(int(Decimal(lever["saving_usd"]) / FEMTO), total)))
        return levers

    def _sessions(self, cached: bool) -> dict:
        """Requests by (session or file, model), in time order; ``cached`` picks those that used the cache."""
        if not self._sorted:
            for side in self._session_groups:
                for g in side.values():
                    g.sort(key=_first)
            self._sorted = True
        return self._session_groups[1 if cached else 0]

    def _caching(self) -> dict:
        saving = 0
        chains = reqs = 0
        groups = self._sessions(cached=False)
        for (_, _), items in groups.items():
            chain: list = []
            for t, item in items + [(None, None)]:
                if chain and (t is None or t - chain[-1][0] > FIVE_MIN):
                    if len(chain) > 1:
                        s = _chain_saving(chain)
                        if s > 0:
                            saving += s
                            chains += 1
                            reqs += len(chain)
                    chain = []
                if item is not None:
                    chain.append((t, item))
        return {"lever": "caching", "_f": saving, "requests": reqs, "chains": chains, "assumptions": [
            "requests of the same session (or API key) and model, less than 5 minutes apart, that used no "
            "cache at all are taken as one growing conversation: each prompt starts with the previous prompt",
            "with caching, each of them reads that shared part at the cache-read price and writes its new part "
            "as a 5-minute cache write (prompts below the model's minimum cacheable length are not cached)",
            "logs carry no prompt text, so the shared prefix is an upper bound; only chains where caching "
            "pays are counted"]}

    def _ttl(self) -> dict:
        saving = 0
        rewrites = 0
        groups = self._sessions(cached=True)
        for skey, items in groups.items():
            st = self._ttl_state.get(skey)
            if st is None or not st[4]:  # (not summed as it arrived: in time order now)
                st = [None, 0, 0, 0, True]
                for t, item in items:
                    _ttl_step(st, t, item[0], item[3])
            saving += st[2]
            rewrites += st[3]
        return {"lever": "cache_ttl_1h", "_f": saving, "writes_that_become_reads": rewrites, "assumptions": [
            "every 5-minute cache write becomes a 1-hour write (2x instead of 1.25x the input price)",
            "a 5-minute write that came 5 to 60 minutes after the previous cache-using request of the same "
            "session and model would instead have read the cached prefix (up to the previous prompt's size)",
            "a negative saving means the 1-hour TTL would cost more"]}

    def _batch(self) -> dict:
        mult = self.pricing.batch_multiplier
        eligible = getattr(self, "_eligible", None)  # summed per rate group by report()
        if eligible is None:
            eligible = 0
            for r, _, _, rates, _, _, _ in self.priced:
                if r[F_BATCH] or r[F_FAST]:
                    continue
                eligible += (r[F_IN] * rates[0] + r[F_W5] * rates[1] + r[F_W1] * rates[2] + r[F_RD] * rates[3]
                             + r[F_OUT] * rates[4])
        saving = int((Decimal(eligible) * self.o.batch_share * (1 - mult)).to_integral_value(ROUND_HALF_UP))
        return {"lever": "batch", "_f": saving, "share": dstr(self.o.batch_share), "assumptions": [
            f"{_pct(self.o.batch_share)} of the token spend not already on the Batch API (and not fast mode) "
            f"is sent through the Batch API at {_pct(mult)} of the price (set the share with --batch-share)",
            "batch results can take up to 24 hours: interactive traffic such as Claude Code sessions cannot "
            "wait; web searches are not discounted"]}

    def _request_outs(self) -> list:
        """Output tokens of every request, sorted (read each back with ``int()``, see _SortedRuns)."""
        return self._outs.sorted()

    def _routing(self) -> dict:
        pricing = self.pricing
        try:
            target = pricing.model(self.o.route_to)
        except UnknownModelError as exc:
            raise PriceError(f"--route-to: {exc}", "route_to") from None
        outs = self._request_outs()
        cutoff = int(_nearest_rank(outs, 50)) if outs else 0
        gains = self._gains  # (output tokens, saving) of each request that would cost less there
        moving = list(compress(map(itemgetter(1), gains), map(cutoff.__ge__, map(itemgetter(0), gains))))
        saving, moved = sum(moving), len(moving)
        return {"lever": "routing", "_f": saving, "to": target.id, "requests": moved,
                "output_cutoff_tokens": cutoff, "assumptions": [
                    f"requests with at most the median output ({cutoff:,} tokens), no web search and a prompt "
                    f"that fits are re-priced on {target.name} at today's prices, where that is cheaper",
                    "token counts are scaled by the tokenizer difference when the tokenizers differ",
                    f"quality caveat: {target.name} may answer some of these requests worse; try it on a "
                    f"sample before routing (choose another model with --route-to)"]}

    def _output_cap(self) -> dict:
        outs = self._request_outs()
        cap = int(_nearest_rank(outs, 95)) if outs else 0
        saving = 0
        capped = 0
        self._sum_groups()
        for key, runs in self._group_outs.items():  # (per rate group: one output price)
            above = runs.sorted()
            i = bisect.bisect_right(above, cap)
            if i < len(above):
                saving += (sum(map(int, above[i:])) - cap * (len(above) - i)) * key[2][4]
                capped += len(above) - i
        return {"lever": "output_cap", "_f": saving, "cap_tokens": cap, "requests": capped, "assumptions": [
            f"max_tokens is set to the observed 95th percentile of output ({cap:,} tokens); longer answers "
            f"are cut there",
            "a cut answer may need a follow-up request, which this saving does not subtract"]}

    # -- reconciliation against a cost report -------------------------------------------------------------------
    def reconcile(self) -> list[dict]:
        if not self.c.billed:
            return []
        pricing = self.pricing
        names = {m.name.lower(): m.id for m in pricing.models}

        def resolve(model):
            if not model:
                return "(no model)"
            m = pricing.find(model)
            return m.id if m else names.get(model.lower(), model)

        billed: dict = {}
        for day, model, cost_type, _desc, cents, _tier in self.c.billed:
            if (self.o.since and day < self.o.since) or (self.o.until and day > self.o.until):
                continue
            b = billed.setdefault((day, resolve(model)), {"cents": Decimal(0), "other": {}})
            b["cents"] += cents
            if cost_type != "tokens":
                b["other"][cost_type] = b["other"].get(cost_type, Decimal(0)) + cents
        est: dict = {}
        prio: dict = {}
        for r, day, m, _, _, cost, _ in self.priced:
            est[(day, m.id)] = est.get((day, m.id), 0) + cost
            if r[F_TIER] == "priority":
                prio[(day, m.id)] = prio.get((day, m.id), 0) + cost
        rows = []
        billed_days = {day for day, _ in billed}
        for key in sorted(set(billed) | {k for k in est if k[0] in billed_days}):
            day, mid = key
            b = billed.get(key)
            e = usd(est.get(key, 0))
            bu = (b["cents"] / 100).normalize() if b else Decimal(0)
            diff = e - bu
            why = []
            if b is None:
                why.append("the cost report has no amount for this day and model")
            elif key not in est:
                why.append("no usage records cover this day and model")
            if key in prio:
                why.append(f"{usd_display(usd(prio[key]))} ran on Priority Tier, which the cost report leaves out")
            if b and b["other"]:
                for ct, cents in sorted(b["other"].items()):
                    if ct == "web_search":
                        why.append(f"billed web search {usd_display(cents / 100)} (the estimate counts searches "
                                   f"found in usage)")
                    else:
                        why.append(f"billed {ct.replace('_', ' ')} {usd_display(cents / 100)} is not in token usage")
            if not why:
                why.append("matches to the cent" if abs(diff) < Decimal("0.01") else
                           "unexplained: check for discounts, credits or usage missing from the logs")
            rows.append({"day": day, "model": mid, **_money("estimated", e), **_money("billed", bu),
                         **_money("difference", diff), "explanation": "; ".join(why)})
        return rows

    # -- per-record CSV ------------------------------------------------------------------------------------------
    @exact
    def write_csv(self, fh) -> None:
        w = csv.writer(fh)
        w.writerow(["file", "line", "timestamp", "day", "model", "platform", "endpoint", "session", "project",
                    *BUCKETS, "web_searches", "batch", "geo", "fast", "sidechain", "usd"])
        for r, day, m, _, _, cost, place in sorted(self.priced, key=lambda p: (p[0][F_FILE], p[0][F_LINE])):
            platform, endpoint = place_parts(place)
            w.writerow([csv_cell(r[F_FILE]), r[F_LINE], csv_cell(r[F_TS] or ""), day, m.id, platform, endpoint,
                        csv_cell(r[F_SESSION] or ""), csv_cell(r[F_PROJECT] or ""),
                        r[F_IN], r[F_W5], r[F_W1], r[F_RD], r[F_OUT], r[F_WEB], int(r[F_BATCH]), r[F_GEO],
                        int(r[F_FAST]), int(r[F_SIDE]), dstr(usd(cost))])


_first = itemgetter(0)


class _SortedRuns:
    """Numbers that arrive in batches and are wanted sorted at the end (request costs and outputs, for the
    percentiles). Each batch is sorted as it arrives and merged with the runs before it that are not longer, so
    most of the sorting is done while the logs are still being read, and the end merges a few runs.

    Whole numbers below 2**53 are kept as floats, which are exactly those numbers and sort several times faster
    than integers above 2**30 (femto-dollar costs are); a larger one turns every run back into integers. Read a
    value back with ``int()``; ``total`` is the exact sum."""

    __slots__ = ("as_float", "runs", "total")

    def __init__(self):
        self.runs: list[list] = []
        self.total = 0
        self.as_float = True

    def add(self, batch: list) -> None:
        if not batch:
            return
        self.total += sum(batch)
        if self.as_float:
            if max(batch) < _FLOAT_EXACT and min(batch) > -_FLOAT_EXACT:
                batch = list(map(float, batch))
            else:
                self.as_float = False
                self.runs = [list(map(int, run)) for run in self.runs]
        batch.sort()
        runs = self.runs
        while runs and len(runs[-1]) <= len(batch):
            run = runs.pop()
            run += batch
            run.sort()  # (two sorted runs: one merge)
            batch = run
        runs.append(batch)

    def sorted(self) -> list:
        """Every number, sorted (the list is kept: do not change it)."""
        runs = self.runs
        while len(runs) > 1:
            run = runs.pop()
            runs[-1] += run
            runs[-1].sort()
        return runs[0] if runs else []


#: Every whole number of smaller magnitude is exactly a float.
_FLOAT_EXACT = 2 ** 53


def _ttl_step(st: list, t: float, r: tuple, rates: tuple) -> None:
    """The 1-hour TTL what-if for the next cache-using request ``r`` (at ``t``, with ``rates``) of a session:
    ``st`` is [time and prompt tokens of the one before, saving so far, writes that become reads so far, ...].
    Its 5-minute writes would cost the 1-hour price, except what it writes 5 to 60 minutes after the one before,
    up to that one's prompt: with a 1-hour TTL that would still be cached and is read instead."""
    w5 = r[F_W5]
    if w5:
        shared = 0
        prev_t = st[0]
        if prev_t is not None and FIVE_MIN < t - prev_t <= ONE_HOUR:
            shared = min(w5, st[1])
            if shared:
                st[3] += 1
        st[2] += shared * (rates[1] - rates[3]) - (w5 - shared) * (rates[2] - rates[1])
    st[0], st[1] = t, r[F_IN] + r[F_W5] + r[F_W1] + r[F_RD]


def _chain_saving(chain) -> int:
    saving = 0
    prev_prompt = 0
    for _, item in chain:
        r, m, rates = item[0], item[2], item[3]
        prompt = r[F_IN]  # uncached requests: the whole prompt is uncached input
        shared = min(prev_prompt, prompt) if prev_prompt >= m.min_cacheable_tokens else 0
        new_part = prompt - shared if prompt >= m.min_cacheable_tokens else 0
        old = prompt * rates[0]
        new = shared * rates[3] + new_part * rates[1] + (prompt - shared - new_part) * rates[0]
        saving += old - new
        prev_prompt = prompt
    return saving


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _nearest_rank(sorted_values: list, p: int):
    """The p-th percentile by the nearest-rank method (no interpolation)."""
    n = len(sorted_values)
    k = max(1, -(-p * n // 100))
    return sorted_values[k - 1]


def _turn_stats(costs: list, total: int) -> dict:
    """Per-request cost figures from the sorted costs (each read back with ``int()``, see _SortedRuns) and their
    exact ``total``."""
    if not costs:
        return {"requests": 0, "mean_usd": None, "mean_display": None, "p50_usd": None, "p50_display": None,
                "p95_usd": None, "p95_display": None}
    mean = (Decimal(total) * FEMTO / len(costs)).quantize(Decimal("1e-12"), ROUND_HALF_UP)
    return {"requests": len(costs), **_money("mean", mean), **_money("p50", usd(int(_nearest_rank(costs, 50)))),
            **_money("p95", usd(int(_nearest_rank(costs, 95))))}


def _ratio(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return dstr((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _pct(x: Decimal) -> str:
    """A share as a percentage with at most one decimal (``50%``, ``12.5%``)."""
    return percent(x, 1)


def _share_field(name: str, ratio: str | None) -> dict[str, str | None]:
    """A share field and its display string: ``{name: ratio, "<name>_display": percentage}`` (the ratio is None, shown
    as a dash, when there is nothing to divide by). The browser shows the display string, as with :func:`_money`."""
    return {name: ratio, f"{name}_display": "\u2013" if ratio is None else _pct(Decimal(ratio))}


def _money(name: str, value: Decimal) -> dict[str, str]:
    """A money field and its display string: ``{"<name>_usd": exact, "<name>_display": usd_display}`` (``usd`` and
    ``display`` when ``name`` is empty). The browser shows the display string and never rounds money itself."""
    prefix = f"{name}_" if name else ""
    return {f"{prefix}usd": dstr(value), f"{prefix}display": usd_display(value)}


