"""Reviewing price changes: the `check` review rules, `claude-cost diff`, and the "What changed" log.

A price change reaches users through a pull request to ``pricing.toml``. This module gives the reviewer
three things, all computed with the same cost model the site uses:

* :func:`review_checks` - the rules ``claude-cost check`` applies on top of the loader's validation:
  no edit to a price already in force (compared with a base version of the file), no ``checked`` date in
  the future, cache and batch ratio rules with a named list of exceptions (:data:`RATIO_EXCEPTIONS`), and
  consistent deprecation and retirement dates.
* :func:`diff_pricing` / ``claude-cost diff OLD NEW`` - what changed, model by model and period by period,
  and what each affected model's canonical workloads (:data:`WORKLOADS`) cost before and after, as Markdown
  for a pull-request comment or as JSON.
* :func:`changelog` - every dated change a single file records (launches, price changes, tiers and fast
  mode added or removed, retirements), newest first; the docs hook renders it as the "What changed" page
  and an Atom feed.

Standard library only. Git is used (through ``subprocess``) only to read a file at a revision.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .cost import PriceError, Workload, dstr, price_workload
from .errors import InputError
from .present import BUCKET_WORDS, percent_change, signed_percent, usd_exact
from .pricing import (
    BUCKETS,
    Model,
    Period,
    Pricing,
    PricingFileError,
    Problem,
    Rates,
    load_pricing,
    parse_pricing,
)

__all__ = [
    "RATIO_EXCEPTIONS",
    "RATIO_RULES",
    "WORKLOADS",
    "Change",
    "PricingDiff",
    "RatioException",
    "Yardstick",
    "atom_feed",
    "changelog",
    "changelog_markdown",
    "diff_markdown",
    "diff_pricing",
    "exceptions_markdown",
    "history_edits",
    "load_revision",
    "ratio_problems",
    "review_checks",
    "workload_cost",
    "workloads_markdown",
]

# ----------------------------------------------------------------------------------------------------------
# Rules and their documented exceptions
# ----------------------------------------------------------------------------------------------------------

#: Anthropic's published multipliers of the base input price. A figure written in pricing.toml that does not
#: follow them must be listed in RATIO_EXCEPTIONS.
RATIO_RULES: dict[str, Decimal] = {
    "cache_write_5m": Decimal("1.25"),
    "cache_write_1h": Decimal("2"),
    "cache_read": Decimal("0.1"),
}
#: The Message Batches API bills every token at this share of the standard price.
BATCH_RULE = Decimal("0.5")



@dataclass(frozen=True)
class RatioException:
    """A published price that departs from :data:`RATIO_RULES` on purpose.

    ``ratio`` is the multiple of the input price Anthropic actually charges, so a typo in an excepted field
    is still caught. ``period_from`` limits the exception to one price period (``None``: every period).
    """

    name: str
    model: str
    bucket: str
    ratio: Decimal
    reason: str
    period_from: _dt.date | None = None


#: The one list of exceptions to the ratio rules. Add an entry only with the source that shows the figure.
RATIO_EXCEPTIONS: tuple[RatioException, ...] = (
    RatioException("haiku-3-rounded-5m-write", "claude-3-haiku-20240307", "cache_write_5m", Decimal("1.2"),
                   "Anthropic publishes a rounded 5-minute write price for Claude Haiku 3 (1.2x, not 1.25x)"),
    RatioException("haiku-3-rounded-read", "claude-3-haiku-20240307", "cache_read", Decimal("0.12"),
                   "Anthropic publishes a rounded cache-read price for Claude Haiku 3 (0.12x, not 0.1x)"),
    RatioException("fable-5-2-cheap-read", "claude-fable-5-2", "cache_read", Decimal("0.025"),
                   "Fable 5.x cache hits cost 0.025x input"),
    RatioException("fable-5-1-cheap-read", "claude-fable-5-1", "cache_read", Decimal("0.025"),
                   "Fable 5.x cache hits cost 0.025x input"),
    RatioException("mythos-5-1-cheap-read", "claude-mythos-5-1", "cache_read", Decimal("0.025"),
                   "Mythos 5.1 cache hits cost 0.025x input"),
    RatioException("mythos-5-2-cheap-read", "claude-mythos-5-2", "cache_read", Decimal("0.025"),
                   "Mythos 5.2 is priced as Fable 5.2, whose cache hits cost 0.025x input"),
    RatioException("opus-5-5-cheap-read", "claude-opus-5-5", "cache_read", Decimal("0.05"),
                   "Opus 5.5 cache hits cost 0.05x input"),
    RatioException("sonnet-5-5-read-cut", "claude-sonnet-5-5", "cache_read", Decimal("0.05"),
                   "Sonnet 5.5 cache hits were cut to 0.05x input on 2026-10-07",
                   period_from=_dt.date(2026, 10, 7)),
)


def _exception_for(model: str, bucket: str, period_from: _dt.date,
                   exceptions: Sequence[RatioException]) -> RatioException | None:
    for exc in exceptions:
        if exc.model == model and exc.bucket == bucket and exc.period_from in (None, period_from):
            return exc
    return None


# ----------------------------------------------------------------------------------------------------------
# Canonical workloads (the yardsticks of a price change)
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Yardstick:
    """A named workload (:class:`calculators.cost.Workload`) priced on every affected model to show what a price
    change means in dollars. ``requests_per_month`` is the number of requests the yardstick stands for."""

    key: str
    name: str
    description: str
    workload: Workload


WORKLOADS: tuple[Yardstick, ...] = (
    Yardstick("baseline_turn", "Baseline turn",
              "a Sonnet-class chat turn: 3,000 input tokens, 500 output tokens, no caching",
              Workload(requests_per_month=Decimal(1), prompt_tokens=3_000, output_tokens=500)),
    Yardstick("cached_chat_turn", "Cached-prefix chat turn",
              "a 20,000-token prefix read from the cache, 1,000 new input tokens, 500 output tokens",
              Workload(requests_per_month=Decimal(1), prompt_tokens=21_000, output_tokens=500,
                       cached_prefix_tokens=20_000, cache_hit_rate=Decimal(1))),
    Yardstick("batch_extraction", "Batch extraction job",
              "1,000 documents through the Batch API, each 5,000 input tokens and 1,000 output tokens",
              Workload(requests_per_month=Decimal(1_000), prompt_tokens=5_000, output_tokens=1_000,
                       batch_share=Decimal(1))),
    Yardstick("long_context", "Long-context request",
              "one request with a 300,000-token prompt and 4,000 output tokens",
              Workload(requests_per_month=Decimal(1), prompt_tokens=300_000, output_tokens=4_000)),
    Yardstick("fast_turn", "Fast-mode turn",
              "the baseline turn in fast mode, on models that offer it",
              Workload(requests_per_month=Decimal(1), prompt_tokens=3_000, output_tokens=500, fast=True)),
)


def workload_cost(model: Model, yardstick: Yardstick, day: _dt.date, pricing: Pricing) -> Decimal | None:
    """The yardstick's cost on ``model`` at ``day``'s prices, or ``None`` when it cannot run then."""
    period = model.period_at(day)
    if period is None:
        return None
    prompt = yardstick.workload.prompt_tokens
    if model.context_window and prompt > model.context_window and not any(
            t.above_prompt_tokens < prompt for t in period.tiers):
        return None  # larger than the model's window (a priced tier means a long-context beta existed)
    try:
        return price_workload(model, yardstick.workload, at=day, pricing=pricing).monthly
    except PriceError:
        return None


# ----------------------------------------------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------------------------------------------


def _rate_change(bucket: str, old: Decimal, new: Decimal) -> str:
    return f"{BUCKET_WORDS[bucket]} {usd_exact(old)} \u2192 {usd_exact(new)} per MTok ({signed_percent(percent_change(old, new))})"


def _rates_summary(rates: Rates, cache: bool = True) -> str:
    parts = [f"input {usd_exact(rates.input)}", f"output {usd_exact(rates.output)}"]
    if cache:
        parts += [f"5-minute cache writes {usd_exact(rates.cache_write_5m)}", f"1-hour cache writes {usd_exact(rates.cache_write_1h)}",
                  f"cache reads {usd_exact(rates.cache_read)}"]
    return ", ".join(parts) + " per MTok"


def period_changes(prev: Period, cur: Period) -> list[str]:
    """Plain-language differences between two price periods' prices (tiers and fast mode included)."""
    out = [_rate_change(b, getattr(prev.rates, b), getattr(cur.rates, b))
           for b in BUCKETS if getattr(prev.rates, b) != getattr(cur.rates, b)]
    old_tiers = {t.above_prompt_tokens: t for t in prev.tiers}
    new_tiers = {t.above_prompt_tokens: t for t in cur.tiers}
    for above in sorted(old_tiers.keys() - new_tiers.keys()):
        out.append(f"prompt-length tier above {above:,} tokens removed: such prompts now pay the base rates")
    for above in sorted(new_tiers.keys() - old_tiers.keys()):
        out.append(f"new prompt-length tier above {above:,} tokens: {_rates_summary(new_tiers[above].rates, False)}")
    for above in sorted(old_tiers.keys() & new_tiers.keys()):
        a, b = old_tiers[above].rates, new_tiers[above].rates
        out += [f"above {above:,} prompt tokens, " + _rate_change(k, getattr(a, k), getattr(b, k))
                for k in BUCKETS if getattr(a, k) != getattr(b, k)]
    out += _fast_changes(prev, cur)
    return out


def _fast_words(p: Period) -> str:
    if p.fast is not None:
        return f"input {usd_exact(p.fast.rates.input)}, output {usd_exact(p.fast.rates.output)} per MTok"
    return "billed at standard rates" if p.fast_billed_as_standard else "not available"


def _fast_changes(prev: Period, cur: Period) -> list[str]:
    a, b = prev.fast, cur.fast
    same = (a is None and b is None) or (a is not None and b is not None
                                         and (a.rates.input, a.rates.output) == (b.rates.input, b.rates.output))
    if same and prev.fast_billed_as_standard == cur.fast_billed_as_standard:
        return []
    return [f"fast mode: {_fast_words(prev)} \u2192 {_fast_words(cur)}"]


# ----------------------------------------------------------------------------------------------------------
# Review checks (`claude-cost check`)
# ----------------------------------------------------------------------------------------------------------


def review_checks(pricing: Pricing, *, today: _dt.date, base: str | None = None, no_base: bool = False,
                  allow_history_edit: bool = False) -> list[str]:
    """Every review problem of a loaded pricing file on ``today``, one line each (empty when it passes).

    ``base`` is the version to compare with (a file or a git revision; default: git HEAD when the file is in
    a checkout); ``no_base`` skips that comparison; ``allow_history_edit`` accepts edits to past prices.
    """
    problems: list[Problem] = []
    problems += checked_problems(pricing, today)
    problems += ratio_problems(pricing)
    problems += lifecycle_problems(pricing, today)
    if not no_base:
        base_pricing = _base_pricing(pricing, base)
        if base_pricing is not None and not allow_history_edit:
            problems += history_edits(base_pricing, pricing, today)
    return [str(p) for p in problems]


#: `check` warns when the newest `checked` date in the file is older than this many days.
STALE_AFTER_DAYS = 30


def staleness_warning(pricing: Pricing, today: _dt.date, max_age_days: int = STALE_AFTER_DAYS) -> str:
    """One line when nobody has compared the file with Anthropic's pages for more than ``max_age_days``."""
    age = (today - pricing.last_checked).days
    if age <= max_age_days:
        return ""
    return (f"the newest checked date is {pricing.last_checked}, {age} days before {today}: compare the prices "
            f"with Anthropic's pages and update the checked dates (more than {max_age_days} days is stale)")


def age_words(day: _dt.date, today: _dt.date) -> str:
    """How long before ``today`` a day was, in words: "today", "1 day ago", "12 days ago" (a later day: "in
    the future")."""
    days = (today - day).days
    if days < 0:
        return "in the future"
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"


def checked_problems(pricing: Pricing, today: _dt.date) -> list[Problem]:
    """``checked`` dates after today: nobody can have compared a price with its source tomorrow."""
    out = []
    hint = "use the day you compared the figure with its source, today at the latest"
    for section, (_, checked) in pricing.sources.items():
        if checked > today:
            out.append(Problem(f"{section}.checked", f"{checked} is in the future (today is {today})", hint))
    for i, m in pricing.numbered():
        if m.checked > today:
            out.append(Problem(f"models[{i}].checked", f"{m.id}: {m.checked} is in the future (today is {today})",
                               hint))
        for j, p in enumerate(m.periods):
            if p.checked > today:
                out.append(Problem(f"models[{i}].periods[{j}].checked",
                                   f"{m.id}: {p.checked} is in the future (today is {today})", hint))
    return out


def ratio_problems(pricing: Pricing,
                   exceptions: Sequence[RatioException] = RATIO_EXCEPTIONS) -> list[Problem]:
    """Cache prices that are not the published multiple of input, unless a named exception allows them."""
    out: list[Problem] = []
    fixed = {"cache_write_5m": "write_5m_multiplier", "cache_write_1h": "write_1h_multiplier",
             "cache_read": "read_multiplier"}
    drifted = set()
    for bucket, key in fixed.items():
        value = getattr(pricing.cache, key)
        if value != RATIO_RULES[bucket]:
            drifted.add(bucket)
            out.append(Problem(f"cache.{key}", f"is {dstr(value)}, but Anthropic's rule is {dstr(RATIO_RULES[bucket])}x "
                                               "input", "if Anthropic changed the rule, update RATIO_RULES in "
                                                        "calculators/changes.py in the same pull request"))
    if pricing.batch_multiplier != BATCH_RULE:
        out.append(Problem("batch.multiplier", f"is {dstr(pricing.batch_multiplier)}, but the Batch API bills "
                                               f"{dstr(BATCH_RULE)}x the standard price",
                           "if Anthropic changed it, update BATCH_RULE in calculators/changes.py too"))
    for i, m in pricing.numbered():
        for j, p in enumerate(m.periods):
            rows: list[tuple[str, Rates, frozenset[str] | None]] = [(f"models[{i}].periods[{j}]", p.rates,
                                                                      p.explicit)]
            rows += [(f"models[{i}].periods[{j}].tiers[{k}]", t.rates, None) for k, t in enumerate(p.tiers)]
            for where, rates, explicit in rows:
                for bucket, rule in RATIO_RULES.items():
                    key = f"{bucket}_per_mtok"
                    if bucket in drifted and (explicit is None or key not in explicit):
                        continue  # derived from a drifted multiplier: reported once above
                    actual, base = getattr(rates, bucket), rates.input
                    if actual == base * rule:
                        continue
                    exc = _exception_for(m.id, bucket, p.effective_from, exceptions)
                    if exc is not None and actual == base * exc.ratio:
                        continue
                    ratio = dstr(actual / base) if base else "undefined"
                    if exc is not None:
                        out.append(Problem(f"{where}.{key}", f"{m.id}: {usd_exact(actual)} is {ratio}x input; the documented "
                                           f"exception {exc.name!r} allows {dstr(exc.ratio)}x "
                                           f"({usd_exact(base * exc.ratio)})",
                                           "check the figure against the source; update the exception in "
                                           "calculators/changes.py only if Anthropic changed it"))
                    else:
                        out.append(Problem(f"{where}.{key}", f"{m.id}: {usd_exact(actual)} is {ratio}x input, but the rule is "
                                           f"{dstr(rule)}x ({usd_exact(base * rule)})",
                                           "fix the figure, or delete it to derive it from [cache]; if Anthropic "
                                           "really publishes it, add a named RatioException to RATIO_EXCEPTIONS in "
                                           "calculators/changes.py"))
    return out


def lifecycle_problems(pricing: Pricing, today: _dt.date) -> list[Problem]:
    """Deprecation and retirement dates that contradict the status (the loader checks retired-has-a-date)."""
    out = []
    for i, m in pricing.numbered():
        if m.status == "deprecated" and m.retires is None:
            out.append(Problem(f"models[{i}].retires", f"{m.id} is deprecated but has no retirement date",
                               "add retires = YYYY-MM-DD from Anthropic's deprecation notice"))
        if m.status == "retired" and m.retired is not None and m.retired > today:
            out.append(Problem(f"models[{i}].retired", f"{m.id}: retirement date {m.retired} is in the future",
                               f"until then use status = \"deprecated\" with retires = {m.retired}"))
        if m.retired is not None and m.periods and m.retired <= m.periods[0].effective_from:
            out.append(Problem(f"models[{i}].retired", f"{m.id} retired ({m.retired}) before its first price "
                                                       f"({m.periods[0].effective_from})", "check both dates"))
    return out


def _period_signature(p: Period) -> tuple:
    tiers = tuple((t.above_prompt_tokens, t.rates) for t in p.tiers)
    fast = (p.fast.rates.input, p.fast.rates.output) if p.fast else None
    return p.rates, tiers, fast, p.fast_billed_as_standard


def history_edits(base: Pricing, new: Pricing, today: _dt.date) -> list[Problem]:
    """Edits that change a price already in force on or before ``today`` (a new period must be added instead).

    Periods that have not started yet may be edited or removed (a scheduled change can be cancelled), and an
    open-ended period may be closed to make room for a new one that starts today or later. A new period that
    starts before today reprices usage already priced, so it is reported too (a change recorded late passes
    with ``--allow-history-edit``).
    """
    out: list[Problem] = []
    hint = ("add a new [[models.periods]] with effective_from = the day the price changed and set effective_to "
            "on the old one; to correct a wrong figure, rerun with --allow-history-edit and give the source")
    late = ("if Anthropic's change really took effect on that day and is recorded late, rerun with "
            "--allow-history-edit and link the announcement; otherwise start the new period today or later")
    for key, label in (("write_5m_multiplier", "cache.write_5m_multiplier"),
                       ("write_1h_multiplier", "cache.write_1h_multiplier"),
                       ("read_multiplier", "cache.read_multiplier")):
        a, b = getattr(base.cache, key), getattr(new.cache, key)
        if a != b:
            out.append(Problem(label, f"changed from {dstr(a)} to {dstr(b)}: this reprices every period, past ones "
                                      "included", "write the new cache prices into a new period instead"))
    for label, a, b in (("batch.multiplier", base.batch_multiplier, new.batch_multiplier),
                        ("inference_geo.us_multiplier", base.us_multiplier, new.us_multiplier),
                        ("web_search.per_1k_requests", base.web_search_per_request * 1000,
                         new.web_search_per_request * 1000)):
        if a != b:
            out.append(Problem(label, f"changed from {dstr(a)} to {dstr(b)}: this reprices past usage too",
                               "the file has no dated periods for this figure; if the change is real, rerun with "
                               "--allow-history-edit and say in the PR from when it applies"))
    new_index = {m.id: (i, m) for i, m in new.numbered()}
    for old in base.models:
        if old.id not in new_index:
            if old.id in new.invalid_ids:
                continue  # still in the file, but it did not validate: that problem is reported already
            started = old.periods[0].effective_from <= today
            if started:
                out.append(Problem("models", f"{old.id} was removed: logs from its days could no longer be priced",
                                   "keep the model; set status = \"retired\" and retired = YYYY-MM-DD"))
            continue
        i, m = new_index[old.id]
        by_start = {p.effective_from: (j, p) for j, p in enumerate(m.periods)}
        for op in old.periods:
            if op.effective_from > today:
                continue  # not yet in force: a scheduled change may be edited or cancelled
            if op.effective_from not in by_start:
                out.append(Problem(f"models[{i}].periods", f"{m.id}: the period in force from {op.effective_from} "
                                                           "was removed or its start date moved", hint))
                continue
            j, np_ = by_start[op.effective_from]
            where = f"models[{i}].periods[{j}]"
            if _period_signature(op) != _period_signature(np_):
                what = "; ".join(period_changes(op, np_)) or "prices changed"
                out.append(Problem(where, f"{m.id}: edits prices in force since {op.effective_from}: {what}", hint))
            if op.effective_to != np_.effective_to:
                if op.effective_to is None:
                    end = np_.effective_to
                    if end is not None and end < today and end not in by_start:
                        out.append(Problem(f"{where}.effective_to", f"{m.id}: ends the prices in force on {end}, before "
                                                                    f"today ({today}), with no period after it", late))
                    continue  # closing an open period to append a new one
                if op.effective_to > today and (np_.effective_to is None or np_.effective_to > today):
                    continue  # moving or cancelling a scheduled end
                was = op.effective_to
                now = np_.effective_to or "open-ended"
                out.append(Problem(f"{where}.effective_to", f"{m.id}: moved from {was} to {now}, which reprices "
                                                            "days that are already past", hint))
        old_starts = {p.effective_from for p in old.periods}
        for j, p in enumerate(m.periods):
            if p.effective_from not in old_starts and p.effective_from < today:
                out.append(Problem(f"models[{i}].periods[{j}].effective_from",
                                   f"{m.id}: a new period starts on {p.effective_from}, before today ({today}): usage "
                                   "from that day on would be repriced", late))
    return out


def _base_pricing(pricing: Pricing, base: str | None) -> Pricing | None:
    """The version to compare with: ``--base`` (file or revision), else git HEAD's copy of the same file."""
    if base:
        try:
            return load_revision(base)
        except PricingFileError as exc:
            first = exc.problems[0] if exc.problems else "unreadable"
            raise InputError(f"--base {base}: not a valid pricing file ({len(exc.problems)} problem(s), the first: "
                             f"{first}); fix it or pick another base") from None
    path = Path(pricing.path) if pricing.path else None
    if path is None or not path.is_file():
        return None
    try:
        text = _git_show("HEAD", path, quiet=True)
    except _GitUnavailable:
        return None
    if text is None:
        return None
    try:
        return parse_pricing(text, source=f"HEAD:{path.name}")
    except PricingFileError:
        return None  # the committed version itself is invalid: nothing sensible to compare with


# ----------------------------------------------------------------------------------------------------------
# Reading files and git revisions
# ----------------------------------------------------------------------------------------------------------


class _GitUnavailable(Exception):
    pass


def _git_show(rev: str, path: Path | None, quiet: bool = False) -> str | None:
    """``git show REV:PATH`` (PATH relative to the repository root); ``None`` if git does not have it."""
    import subprocess  # imported here: the browser build never reads git

    cwd = path.resolve().parent if path is not None else Path.cwd()
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True,
                             check=False)
    except OSError:
        raise _GitUnavailable() from None
    if top.returncode != 0:
        raise _GitUnavailable()
    root = Path(top.stdout.strip())
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix() if path is not None else "pricing.toml"
    except ValueError:  # the file is not inside the repository git found
        raise _GitUnavailable() from None
    shown = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=root, capture_output=True, text=True, check=False)
    if shown.returncode != 0:
        if quiet:
            return None
        reason = shown.stderr.strip().splitlines()[-1] if shown.stderr.strip() else "unknown error"
        raise _GitShowError(f"git cannot show {rev}:{rel}: {reason}")
    return shown.stdout


class _GitShowError(Exception):
    """A bad OLD/NEW/--base argument (turned into a one-line CLI error)."""


def load_revision(spec: str) -> Pricing:
    """A pricing file named by a path, a git revision (``main``, ``HEAD~1``) or ``REV:path``."""
    path = Path(spec)
    if path.is_file():
        return load_pricing(path)
    rev, sep, rel = spec.partition(":")
    if sep and rel:
        target = Path(rel)
    else:
        target = Path("pricing.toml")
        if not target.is_file():
            try:
                target = Path(load_pricing().path)
            except PricingFileError:
                pass
    if not re.fullmatch(r"[\w./@^~{}-]+", rev or ""):
        raise InputError(f"{spec!r} is neither a file nor a git revision")
    try:
        text = _git_show(rev, target if target.exists() else None)
    except _GitUnavailable:
        raise InputError(f"{spec!r} is not a file, and git is not available to read it as a revision") from None
    except _GitShowError as exc:
        raise InputError(f"{spec!r} is not a file; {exc}") from None
    return parse_pricing(text or "", source=f"{spec}" if sep else f"{spec}:pricing.toml")


# ----------------------------------------------------------------------------------------------------------
# Diff of two files
# ----------------------------------------------------------------------------------------------------------

_MODEL_FIELDS = ("name", "family", "status", "aliases", "released", "retires", "retired", "context_window",
                 "max_output", "min_cacheable_tokens", "new_tokenizer", "us_inference", "availability")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object

    def to_json(self) -> dict:
        return {"field": self.field, "old": _jsonable(self.old), "new": _jsonable(self.new)}


@dataclass(frozen=True)
class PeriodChange:
    effective_from: _dt.date
    change: str  # added | removed | changed
    details: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"effective_from": self.effective_from.isoformat(), "change": self.change,
                "details": list(self.details)}


@dataclass(frozen=True)
class Effect:
    workload: Yardstick
    day: _dt.date
    old: Decimal | None
    new: Decimal | None

    @property
    def pct(self) -> Decimal | None:
        return percent_change(self.old, self.new) if self.old is not None and self.new is not None else None

    def to_json(self) -> dict:
        return {"workload": self.workload.key, "prices_of": self.day.isoformat(),
                "old_usd": dstr(self.old) if self.old is not None else None,
                "new_usd": dstr(self.new) if self.new is not None else None,
                "change_pct": dstr(self.pct) if self.pct is not None else None}


@dataclass(frozen=True)
class ModelDiff:
    id: str
    name: str
    change: str  # added | removed | changed
    fields: tuple[FieldChange, ...] = ()
    periods: tuple[PeriodChange, ...] = ()
    effects: tuple[Effect, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "change": self.change,
                "fields": [f.to_json() for f in self.fields], "periods": [p.to_json() for p in self.periods],
                "effects": [e.to_json() for e in self.effects]}


@dataclass(frozen=True)
class PricingDiff:
    old_label: str
    new_label: str
    settings: tuple[FieldChange, ...]
    models: tuple[ModelDiff, ...]
    history_edits: tuple[Problem, ...] = ()
    workloads: tuple[Yardstick, ...] = WORKLOADS

    @property
    def empty(self) -> bool:
        return not self.settings and not self.models

    def to_json(self) -> dict:
        return {
            "old": self.old_label, "new": self.new_label,
            "settings": [s.to_json() for s in self.settings],
            "models": [m.to_json() for m in self.models],
            "history_edits": [str(p) for p in self.history_edits],
            "workloads": [{"key": w.key, "name": w.name, "description": w.description} for w in self.workloads],
        }


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return dstr(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _settings(p: Pricing) -> dict[str, object]:
    out: dict[str, object] = {
        "cache.write_5m_multiplier": p.cache.write_5m_multiplier,
        "cache.write_1h_multiplier": p.cache.write_1h_multiplier,
        "cache.read_multiplier": p.cache.read_multiplier,
        "batch.multiplier": p.batch_multiplier,
        "inference_geo.us_multiplier": p.us_multiplier,
        "web_search.per_1k_requests": p.web_search_per_request * 1000,
        "tokenizer.new_vs_old": p.tokenizer_inflation,
    }
    out |= {f"families.{k}": v for k, v in sorted(p.families.items())}
    return out


def _effects(model_old: Model | None, model_new: Model | None, old: Pricing, new: Pricing,
             workloads: Sequence[Yardstick]) -> tuple[Effect, ...]:
    days = sorted({p.effective_from for m in (model_old, model_new) if m for p in m.periods})
    out = []
    for day in days:
        for w in workloads:
            a = workload_cost(model_old, w, day, old) if model_old else None
            b = workload_cost(model_new, w, day, new) if model_new else None
            if a != b:
                out.append(Effect(w, day, a, b))
    return tuple(out)


def diff_pricing(old: Pricing, new: Pricing, *, old_label: str = "old", new_label: str = "new",
                 today: _dt.date, workloads: Sequence[Yardstick] = WORKLOADS) -> PricingDiff:
    """What changed from ``old`` to ``new``, and what it does to each affected model's canonical workloads."""
    so, sn = _settings(old), _settings(new)
    settings = tuple(FieldChange(k, so.get(k), sn.get(k)) for k in sorted(so.keys() | sn.keys())
                     if so.get(k) != sn.get(k))
    old_ids = {m.id: m for m in old.models}
    new_ids = {m.id: m for m in new.models}
    models: list[ModelDiff] = []
    order = [m.id for m in new.models] + [m.id for m in old.models if m.id not in new_ids]
    for mid in order:
        a, b = old_ids.get(mid), new_ids.get(mid)
        if a is None:
            assert b is not None  # the id comes from one of the two files
            periods = tuple(PeriodChange(p.effective_from, "added", (_period_words(p),)) for p in b.periods)
            models.append(ModelDiff(mid, b.name, "added", (), periods, _effects(None, b, old, new, workloads)))
            continue
        if b is None:
            models.append(ModelDiff(mid, a.name, "removed", (), (), _effects(a, None, old, new, workloads)))
            continue
        fields = tuple(FieldChange(f, getattr(a, f), getattr(b, f)) for f in _MODEL_FIELDS
                       if getattr(a, f) != getattr(b, f))
        periods = _period_diff(a, b)
        effects = _effects(a, b, old, new, workloads)
        if fields or periods or effects:
            models.append(ModelDiff(mid, b.name, "changed", fields, periods, effects))
    return PricingDiff(old_label, new_label, settings, tuple(models), tuple(history_edits(old, new, today)),
                       tuple(workloads))


def _period_words(p: Period) -> str:
    text = _rates_summary(p.rates)
    for t in p.tiers:
        text += f"; above {t.above_prompt_tokens:,} prompt tokens: {_rates_summary(t.rates, False)}"
    if p.fast is not None or p.fast_billed_as_standard:
        text += f"; fast mode: {_fast_words(p)}"
    if p.effective_to:
        text += f"; until {p.effective_to}"
    return text


def _period_diff(a: Model, b: Model) -> tuple[PeriodChange, ...]:
    old = {p.effective_from: p for p in a.periods}
    new = {p.effective_from: p for p in b.periods}
    out = []
    for start in sorted(old.keys() | new.keys()):
        po, pn = old.get(start), new.get(start)
        if po is None:
            assert pn is not None  # the start comes from one of the two
            out.append(PeriodChange(start, "added", (_period_words(pn),)))
        elif pn is None:
            out.append(PeriodChange(start, "removed", (_period_words(po),)))
        else:
            details = period_changes(po, pn)
            if po.effective_to != pn.effective_to:
                details.append(f"ends {po.effective_to or 'never (open-ended)'} \u2192 "
                               f"{pn.effective_to or 'never (open-ended)'}")
            for label in ("source", "checked"):
                if getattr(po, label) != getattr(pn, label):
                    details.append(f"{label} {getattr(po, label)} \u2192 {getattr(pn, label)}")
            if details:
                out.append(PeriodChange(start, "changed", tuple(details)))
    return tuple(out)


def _cost_cell(value: Decimal | None) -> str:
    return usd_exact(value) if value is not None else "\u2014"


def diff_markdown(d: PricingDiff) -> str:
    """The diff as Markdown for a pull-request comment."""
    lines = [f"## Pricing changes: `{d.old_label}` \u2192 `{d.new_label}`", ""]
    if d.empty:
        lines += ["No prices, models or settings changed.", ""]
        return "\n".join(lines)
    if d.history_edits:
        lines += ["> [!WARNING]", "> This change edits prices already in force. Past usage would be repriced:"]
        lines += [f"> - `{p.path}`: {p.message}" for p in d.history_edits]
        lines += [""]
    if d.settings:
        lines += ["### Settings", ""]
        lines += [f"- `{s.field}`: {_plain(s.old)} \u2192 {_plain(s.new)}" for s in d.settings]
        lines += [""]
    for m in d.models:
        verb = {"added": " \u2014 new model", "removed": " \u2014 removed", "changed": ""}[m.change]
        lines += [f"### {m.name} (`{m.id}`){verb}", ""]
        lines += [f"- {f.field}: {_plain(f.old)} \u2192 {_plain(f.new)}" for f in m.fields]
        for p in m.periods:
            lines.append(f"- Period from {p.effective_from} {p.change}: " + "; ".join(p.details))
        if m.effects:
            lines += ["", "| Workload | Prices on | Old cost | New cost | Change |", "|---|---|--:|--:|--:|"]
            for e in m.effects:
                change = signed_percent(e.pct) if e.old is not None and e.new is not None else "\u2014"
                lines.append(f"| {e.workload.name} | {e.day} | {_cost_cell(e.old)} | {_cost_cell(e.new)} | {change} |")
        lines.append("")
    if any(m.effects for m in d.models):
        lines += ["<details><summary>Workloads</summary>", ""]
        lines += [workloads_markdown(d.workloads),
                  "Each is priced with the cost model on the affected model, with the prices in force on the day "
                  "shown, once with each file. \u2014 means the model has no price (or no room) for it.",
                  "", "</details>", ""]
    return "\n".join(lines)


def _plain(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, Decimal):
        return dstr(value)
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)


# ----------------------------------------------------------------------------------------------------------
# The changelog of one file ("What changed")
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One dated event in a pricing file's history."""

    day: _dt.date
    kind: str  # launch | price | retirement | retirement-scheduled | end
    model: Model
    details: tuple[str, ...]
    effects: tuple[Effect, ...] = ()
    scheduled: bool = False

    @property
    def anchor(self) -> str:
        return f"{self.day.isoformat()}-{self.model.id}-{self.kind}"

    @property
    def title(self) -> str:
        what = {"launch": "launched", "price": "price change", "retirement": "retired",
                "retirement-scheduled": "retires", "end": "prices end"}[self.kind]
        return f"{self.model.name} {what}"

    def summary(self) -> str:
        return "; ".join(self.details)

    def to_json(self) -> dict:
        return {"date": self.day.isoformat(), "kind": self.kind, "model": self.model.id,
                "model_name": self.model.name, "scheduled": self.scheduled, "details": list(self.details),
                "effects": [e.to_json() for e in self.effects]}


def changelog(pricing: Pricing, today: _dt.date,
              workloads: Sequence[Yardstick] = WORKLOADS) -> list[Change]:
    """Every dated change recorded in ``pricing``, newest first (scheduled ones flagged)."""
    out: list[Change] = []
    for m in pricing.models:
        first = m.periods[0]
        launch = [_period_words(first).split("; until")[0]]
        out.append(Change(first.effective_from, "launch", m, tuple(launch),
                          scheduled=first.effective_from > today))
        for prev, cur in zip(m.periods, m.periods[1:], strict=False):
            details = period_changes(prev, cur)
            if not details:
                continue
            before = prev.effective_from if prev.effective_to is None else prev.effective_to - _dt.timedelta(days=1)
            effects = []
            for w in workloads:
                a = workload_cost(m, w, before, pricing)
                b = workload_cost(m, w, cur.effective_from, pricing)
                if a != b:
                    effects.append(Effect(w, cur.effective_from, a, b))
            out.append(Change(cur.effective_from, "price", m, tuple(details), tuple(effects),
                              cur.effective_from > today))
        last = m.periods[-1]
        if last.effective_to is not None and (m.retired is None or m.retired != last.effective_to):
            out.append(Change(last.effective_to, "end", m, ("no price is recorded after this day",),
                              scheduled=last.effective_to > today))
        if m.retired is not None:
            out.append(Change(m.retired, "retirement", m,
                              ("removed from the Claude API; usage from before this day is still priced",),
                              scheduled=m.retired > today))
        elif m.retires is not None:
            out.append(Change(m.retires, "retirement-scheduled", m, ("deprecated; Anthropic retires it on this day",),
                              scheduled=m.retires > today))
    kinds = {"retirement": 0, "retirement-scheduled": 0, "end": 1, "price": 2, "launch": 3}
    index = {m.id: i for i, m in enumerate(pricing.models)}
    out.sort(key=lambda c: (-c.day.toordinal(), kinds[c.kind], index[c.model.id]))
    return out


def _effect_words(e: Effect) -> str:
    if e.old is None:
        return f"{e.workload.name.lower()} now {usd_exact(e.new)}" if e.new is not None else e.workload.name.lower()
    if e.new is None:
        return f"{e.workload.name.lower()} {usd_exact(e.old)} \u2192 not available"
    return f"{e.workload.name.lower()} {usd_exact(e.old)} \u2192 {usd_exact(e.new)} ({signed_percent(e.pct)})"


def _change_line(c: Change) -> str:
    item = f"**{c.title}**: {c.summary()}."
    if c.effects:
        item += " Effect: " + "; ".join(_effect_words(e) for e in c.effects) + "."
    return item


def changelog_list(pricing: Pricing, today: _dt.date) -> str:
    """The same history as :func:`changelog_markdown`, as one dated bullet per change (for the pricing
    reference, where one list reads better than a section per day)."""
    return "\n".join(f"- **{c.day.isoformat()}**{' (scheduled)' if c.scheduled else ''}: {_change_line(c)}"
                     for c in changelog(pricing, today)) + "\n"


def changelog_markdown(pricing: Pricing, today: _dt.date) -> str:
    """The "What changed" list as Markdown: one section per date, newest first."""
    changes = changelog(pricing, today)
    lines: list[str] = []
    current: _dt.date | None = None
    for c in changes:
        if c.day != current:
            current = c.day
            tag = " (scheduled)" if c.scheduled else ""
            lines += ["", f"### {c.day.isoformat()}{tag} {{ #{c.day.isoformat()} }}", ""]
        lines.append(f"- {_change_line(c)}")
    return "\n".join(lines).strip() + "\n"


def exceptions_markdown(pricing: Pricing, exceptions: Sequence[RatioException] = RATIO_EXCEPTIONS) -> str:
    """The documented ratio exceptions as a Markdown table (rule and allowed multiple of input)."""
    rows = ["| Exception | Model | Price | Rule | Published | Why |", "|---|---|---|--:|--:|---|"]
    for exc in exceptions:
        m = pricing.find(exc.model)
        name = m.name if m else exc.model
        scope = f" (from {exc.period_from})" if exc.period_from else ""
        rows.append(f"| `{exc.name}` | {name}{scope} | {BUCKET_WORDS[exc.bucket]} | "
                    f"{dstr(RATIO_RULES[exc.bucket])}\u00d7 input | {dstr(exc.ratio)}\u00d7 input | {exc.reason} |")
    return "\n".join(rows) + "\n"


def workloads_markdown(workloads: Sequence[Yardstick] = WORKLOADS) -> str:
    """The canonical workloads as a Markdown list."""
    return "\n".join(f"- **{w.name}**: {w.description}." for w in workloads) + "\n"


def atom_feed(pricing: Pricing, *, site_url: str = "", page_path: str = "reference/changes/",
              today: _dt.date, title: str = "claude-cost: Claude API price changes") -> str:
    """An Atom feed of the changes that have taken effect (scheduled ones join on the day they apply)."""
    from xml.sax.saxutils import escape, quoteattr

    changes = [c for c in changelog(pricing, today) if not c.scheduled]
    base = site_url.rstrip("/") + "/" if site_url else "/"
    page = base + page_path
    updated = max((c.day for c in changes), default=pricing.last_checked)
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <title>{escape(title)}</title>",
           "  <id>tag:claude-cost,2026:changes</id>",
           f"  <updated>{updated.isoformat()}T00:00:00Z</updated>",
           f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(page)}/>",
           f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(base + 'changes.xml')}/>",
           "  <author><name>claude-cost</name></author>"]
    for c in changes:
        text = c.summary() + "."
        if c.effects:
            text += " Effect: " + "; ".join(_effect_words(e) for e in c.effects) + "."
        out += ["  <entry>",
                f"    <title>{escape(c.day.isoformat() + ': ' + c.title)}</title>",
                f"    <id>tag:claude-cost,2026:changes/{escape(c.anchor)}</id>",
                f"    <updated>{c.day.isoformat()}T00:00:00Z</updated>",
                f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(page + '#' + c.day.isoformat())}/>",
                f"    <summary>{escape(text)}</summary>",
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"
