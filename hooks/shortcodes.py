"""MkDocs hook: render ``<!-- cc:NAME args -->`` shortcodes into figures and tables from the cost model.

Every price, dollar amount, ratio and computed table in the docs comes from here, and everything here comes
from the ``calculators`` package reading ``pricing.toml``. Authors' reference: ``docs/conventions.md``.

Syntax: an HTML comment ``<!-- cc:NAME arg key=value flag -->`` anywhere in a Markdown line outside code
(fenced blocks and inline code spans are left alone, so docs can show shortcodes as examples). Values with
spaces are quoted: ``num="cost opus input=1000"``. An unknown shortcode, argument, model or field raises
:class:`ShortcodeError`, which the hook turns into a build error naming the page and the line.

The date whose prices the site shows is today (UTC) at build time, or ``CLAUDE_COST_TODAY`` (YYYY-MM-DD)
when set; a shortcode may ask for another day with ``at=YYYY-MM-DD``.

Hook files are loaded by path, not as a package, so the repository root is put on ``sys.path`` here to
import ``calculators``.
"""

from __future__ import annotations

import datetime as _dt
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from calculators import (  # noqa: E402
    PriceError,
    Pricing,
    PricingFileError,
    UnknownModelError,
    Usage,
    Workload,
    break_even,
    clock,
    load_pricing,
    parse_at,
    price,
    price_workload,
)
from calculators.changes import changelog_list, changelog_markdown, exceptions_markdown, workloads_markdown  # noqa: E402
from calculators.compression import SUMMARY_RATIO, compression_curve  # noqa: E402
from calculators.cost import (  # noqa: E402
    TOOL_CHOICES,
    TOOLS,
    effective_rates,
    period_for,
    scale_usage,
    select_rates,
    tokenizer_factor,
    tool_overhead,
)
from calculators.errors import ClaudeCostError  # noqa: E402
from calculators.present import BUCKET_LABELS, BUCKETS, percent, times, tokens  # noqa: E402
from calculators.present import usd_exact as rate  # noqa: E402
from calculators.present import usd_prose as money  # noqa: E402
from calculators.pricing import Model, Rates  # noqa: E402
from calculators.scenarios import _hours_display as hours_display  # noqa: E402 (the calculator's own wording)

# ----------------------------------------------------------------------------------------------------------
# MkDocs hooks
# ----------------------------------------------------------------------------------------------------------


def on_config(config):
    """``mkdocs serve`` rebuilds in one process: forget the price file read by the previous build."""
    from calculators import pricing as _pricing

    _pricing._load_default.cache_clear()
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    from mkdocs.exceptions import PluginError

    try:
        return render(markdown, page.file.src_uri, line_offset=_front_matter_lines(page, markdown))
    except ShortcodeError as exc:
        raise PluginError(str(exc)) from None
    except PricingFileError as exc:
        raise PluginError(f"cannot render shortcodes: {exc}") from None


def _front_matter_lines(page, markdown: str) -> int:
    """Lines MkDocs removed before the Markdown (the YAML front matter), so errors name the file's line."""
    try:
        raw = page.file.content_string
    except Exception:  # a page without a readable source file: count from the Markdown itself
        return 0
    raw = raw.replace("\r\n", "\n")
    at = raw.rfind(markdown) if markdown else -1
    return raw.count("\n", 0, at) if at > 0 else 0


# ----------------------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------------------


class ShortcodeError(ValueError):
    """A shortcode that cannot be rendered; the message names the page and line."""


SHORTCODE = re.compile(r"<!--\s*cc:(?P<name>[A-Za-z][\w-]*)(?P<args>.*?)-->")
_FENCE = re.compile(r"^\s*(?:>\s*)*(?P<fence>`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")


def docs_date() -> _dt.date:
    """The day whose prices the site shows: ``CLAUDE_COST_TODAY`` or today (UTC), read once per call."""
    try:
        return clock.today()
    except ClaudeCostError as exc:
        raise ShortcodeError(str(exc)) from None


def render(markdown: str, src: str = "<page>", *, at: object = None, pricing: Pricing | None = None,
           line_offset: int = 0) -> str:
    """Replace every shortcode in ``markdown`` (outside code) with its rendering.

    ``line_offset`` is added to line numbers in error messages (the front matter MkDocs strips first).
    """
    ctx = Context(pricing or load_pricing(), parse_at(at) if at is not None else docs_date(), src)
    out: list[str] = []
    fence: str | None = None
    for number, line in enumerate(markdown.split("\n"), start=1):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group("fence")[0] == fence[0] and len(m.group("fence")) >= len(fence) \
                    and not line.strip().lstrip(">").strip()[len(m.group("fence")):].strip():
                fence = None
            out.append(line)
            continue
        if m:
            fence = m.group("fence")
            out.append(line)
            continue
        if "cc:" not in line:
            out.append(line)
            continue
        ctx.line = number + line_offset
        indent = re.match(r"[ \t>]*", line).group(0)
        out.append(_render_line(line, ctx, indent))
    return "\n".join(out)


def _render_line(line: str, ctx: Context, indent: str) -> str:
    pieces: list[str] = []
    pos = 0
    for code in _INLINE_CODE.finditer(line):
        pieces.append(_render_text(line[pos:code.start()], ctx, indent))
        pieces.append(code.group(0))
        pos = code.end()
    pieces.append(_render_text(line[pos:], ctx, indent))
    return "".join(pieces)


def _render_text(text: str, ctx: Context, indent: str) -> str:
    def one(m: re.Match) -> str:
        rendered = evaluate(m.group("name"), m.group("args"), ctx).text
        # A block (a table) rendered on an indented line keeps the indent on every line (admonitions, tabs).
        return rendered.replace("\n", "\n" + indent)

    return SHORTCODE.sub(one, text)


@dataclass
class Context:
    pricing: Pricing
    at: _dt.date
    src: str
    line: int = 0

    def fail(self, message: str) -> ShortcodeError:
        return ShortcodeError(f"{self.src}:{self.line}: {message}")


@dataclass
class Result:
    text: str
    value: Decimal | None = None  # the exact figure, for cc:ratio


@dataclass
class Args:
    """Parsed arguments of one shortcode, consumed by its handler; leftovers are an error."""

    name: str
    positional: list[str]
    options: dict[str, str]
    flags: set[str]
    ctx: Context
    used: set[str] = field(default_factory=set)

    def pos(self, index: int, what: str) -> str:
        if index >= len(self.positional):
            raise self.ctx.fail(f"cc:{self.name} needs {what} (argument {index + 1})")
        return self.positional[index]

    def opt(self, key: str, default: str | None = None) -> str | None:
        self.used.add(key)
        return self.options.get(key, default)

    def flag(self, key: str) -> bool:
        self.used.add(key)
        return key in self.flags

    def integer(self, key: str, default: int | None = None, required: bool = False) -> int | None:
        raw = self.opt(key)
        if raw is None:
            if required:
                raise self.ctx.fail(f"cc:{self.name} needs {key}=N")
            return default
        try:
            value = int(raw.replace("_", "").replace(",", ""))
        except ValueError:
            raise self.ctx.fail(f"cc:{self.name}: {key}={raw!r} is not a whole number") from None
        if value < 0:
            raise self.ctx.fail(f"cc:{self.name}: {key} cannot be negative")
        return value

    def decimal(self, key: str, default: Decimal | None = None) -> Decimal | None:
        raw = self.opt(key)
        if raw is None:
            return default
        try:
            value = Decimal(raw.replace("_", "").replace(",", ""))
        except InvalidOperation:
            raise self.ctx.fail(f"cc:{self.name}: {key}={raw!r} is not a number") from None
        if not value.is_finite():
            raise self.ctx.fail(f"cc:{self.name}: {key}={raw!r} is not a number")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.opt(key, default)
        if value not in choices:
            raise self.ctx.fail(f"cc:{self.name}: {key}={value!r} is not one of {', '.join(choices)}")
        return value

    def day(self) -> _dt.date:
        raw = self.opt("at")
        if raw is None:
            return self.ctx.at
        try:
            return parse_at(raw)
        except PriceError as exc:
            raise self.ctx.fail(f"cc:{self.name}: at: {exc}") from None

    def model(self, name: str) -> Model:
        try:
            return self.ctx.pricing.model(name)
        except UnknownModelError as exc:
            raise self.ctx.fail(f"cc:{self.name}: {exc}") from None

    def finish(self, max_positional: int) -> None:
        extra_keys = sorted(set(self.options) - self.used)
        extra_flags = sorted(self.flags - self.used)
        if extra_keys or extra_flags:
            raise self.ctx.fail(f"cc:{self.name}: unknown argument(s) {', '.join(extra_keys + extra_flags)}")
        if len(self.positional) > max_positional:
            raise self.ctx.fail(f"cc:{self.name}: unexpected argument(s) "
                                f"{' '.join(self.positional[max_positional:])}")


Handler = Callable[[Args], Result]
HANDLERS: dict[str, tuple[Handler, int]] = {}


def shortcode(name: str, positional: int = 0):
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = (fn, positional)
        return fn
    return register


def evaluate(name: str, raw_args: str, ctx: Context) -> Result:
    if name not in HANDLERS:
        raise ctx.fail(f"unknown shortcode cc:{name} (known: {', '.join(sorted(HANDLERS))})")
    try:
        tokens = shlex.split(raw_args.strip())
    except ValueError as exc:
        raise ctx.fail(f"cc:{name}: cannot read the arguments ({exc})") from None
    positional, options, flags = [], {}, set()
    for tok in tokens:
        if "=" in tok:
            key, _, value = tok.partition("=")
            if key in options:
                raise ctx.fail(f"cc:{name}: {key}= given twice")
            options[key] = value
        elif len(positional) < HANDLERS[name][1]:
            positional.append(tok)
        else:
            flags.add(tok)
    fn, max_pos = HANDLERS[name]
    args = Args(name, positional, options, flags, ctx)
    try:
        result = fn(args)
    except (PriceError, UnknownModelError) as exc:
        raise ctx.fail(f"cc:{name}: {exc}") from None
    args.finish(max_pos)
    return result


# ----------------------------------------------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def short_tokens(n: int | None) -> str:
    if n is None:
        return "not published"
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}K"
    return f"{n:,}"


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    align = align or ["l"] + ["r"] * (len(header) - 1)
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _format_value(args: Args, value: Decimal, kind: str) -> str:
    """Render a computed value as money (``kind='money'``) unless ``format=`` asks for another form."""
    fmt = args.choice("format", ("money", "rate", "exact", "times", "percent"), kind)
    digits = args.integer("digits")
    if fmt == "money":
        return money(value)
    if fmt == "rate":
        return rate(value)
    if fmt == "exact":
        return rate(value)  # the exact amount, at least two decimals
    if fmt == "times":
        return times(value, 2 if digits is None else digits)
    return percent(value, 0 if digits is None else digits)


# ----------------------------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------------------------

RATE_BUCKETS = BUCKETS


def _rates(args: Args, model: Model, day: _dt.date, *, fast: bool, prompt: int | None) -> Rates:
    period = period_for(model, day)
    try:
        return select_rates(model, period, day, prompt_tokens=prompt, fast=fast)[0]
    except PriceError:
        raise args.ctx.fail(f"cc:{args.name}: {model.name} has no fast-mode price on {day}") from None


def _modifiers(args: Args) -> dict:
    geo = args.choice("geo", ("global", "us"), "global")
    mods = {"batch": args.flag("batch"), "fast": args.flag("fast"), "geo": geo}
    if args.opt("platform") is not None:
        mods["platform"] = args.choice("platform", ("anthropic", "bedrock", "vertex", "foundry"), "anthropic")
    if args.opt("endpoint") is not None:
        mods["endpoint"] = args.choice("endpoint", ("global", "regional"), "global")
    # Tools and agent time (see price()): tools=bash,text_editor tool_choice=any container_hours=0.5
    # with_search_or_fetch session_hours=2
    if args.opt("tools") is not None:
        mods["tools"] = tuple(t.strip() for t in (args.opt("tools") or "").split(",") if t.strip())
        mods["tool_choice"] = args.choice("tool_choice", TOOL_CHOICES, "auto")
    for hours in ("container_hours", "session_hours"):
        if args.opt(hours) is not None:
            mods[hours] = args.decimal(hours)
    if args.flag("with_search_or_fetch"):
        mods["with_search_or_fetch"] = True
    return mods


def _usage(args: Args) -> Usage:
    counts = {b: args.integer(b, 0) for b in RATE_BUCKETS}
    counts["web_searches"] = args.integer("web_searches", 0)
    return Usage(**counts)


def _cost(args: Args, model_name: str) -> Decimal:
    """The cost of one request described by the arguments, scaled by ``per=``.

    With ``measured_on=MODEL`` the token counts are as measured on that model and are scaled by the
    tokenizer difference between it and ``model_name`` (the newer tokenizer uses more tokens for the same text).
    """
    model = args.model(model_name)
    usage = _usage(args)
    measured = args.opt("measured_on")
    if measured is not None:
        usage = scale_usage(usage, tokenizer_factor(args.model(measured), model, args.ctx.pricing))
    total = price(model, usage, **_modifiers(args), at=args.day(), pricing=args.ctx.pricing).total
    return total * _per(args)


def _per(args: Args) -> Decimal:
    per = args.choice("per", ("request", "1k", "1m", "month"), "request")
    requests = args.decimal("requests")
    if per == "month":
        if requests is None:
            raise args.ctx.fail(f"cc:{args.name}: per=month needs requests=N (requests per month)")
        return requests
    if requests is not None:
        raise args.ctx.fail(f"cc:{args.name}: requests= only goes with per=month")
    return {"request": Decimal(1), "1k": Decimal(1000), "1m": Decimal(1_000_000)}[per]


def _mix(args: Args, raw: str) -> list[tuple[Model, Decimal]]:
    """``haiku:0.7,sonnet:0.2,opus:0.1`` -> models with shares that must add up to 1."""
    parts = []
    for item in raw.split(","):
        name, sep, share = item.partition(":")
        if not sep:
            raise args.ctx.fail(f"cc:{args.name}: mix entry {item!r} should be MODEL:SHARE")
        try:
            value = Decimal(share)
        except InvalidOperation:
            raise args.ctx.fail(f"cc:{args.name}: share {share!r} of {name} is not a number") from None
        if value < 0:
            raise args.ctx.fail(f"cc:{args.name}: share of {name} cannot be negative")
        parts.append((args.model(name.strip()), value))
    if sum(s for _, s in parts) != 1:
        raise args.ctx.fail(f"cc:{args.name}: the shares of {raw!r} add up to {sum(s for _, s in parts)}, not 1")
    return parts


def _workload(args: Args) -> Workload:
    requests = args.decimal("requests")
    if requests is None:
        raise args.ctx.fail(f"cc:{args.name} needs requests=N (requests per month)")
    prompt = args.integer("prompt", required=True)
    output = args.integer("output", required=True)
    return Workload(
        requests_per_month=requests,
        prompt_tokens=prompt,
        output_tokens=output,
        cached_prefix_tokens=args.integer("prefix", 0),
        cache_hit_rate=args.decimal("hit", Decimal(0)),
        cache_ttl=args.choice("ttl", ("5m", "1h"), "5m"),
        batch_share=args.decimal("batch_share", Decimal(0)),
        web_searches=args.integer("web_searches", 0),
    )


# ----------------------------------------------------------------------------------------------------------
# Inline shortcodes
# ----------------------------------------------------------------------------------------------------------


@shortcode("price", positional=2)
def _price(args: Args) -> Result:
    """A model's price for one bucket, per million tokens: ``$3.00 / MTok`` (``format=bare``: ``$3.00``)."""
    model = args.model(args.pos(0, "a model"))
    bucket = args.pos(1, "a bucket")
    if bucket not in RATE_BUCKETS:
        raise args.ctx.fail(f"cc:price: unknown bucket {bucket!r} (use one of {', '.join(RATE_BUCKETS)})")
    mods = _modifiers(args)
    prompt = args.integer("prompt")
    period_for(model, args.day())  # "no price on that day" before anything else
    try:
        value = getattr(effective_rates(model, args.day(), prompt_tokens=prompt, pricing=args.ctx.pricing,
                                        **mods).rates, bucket)
    except PriceError as exc:
        raise args.ctx.fail(f"cc:price: {exc}") from None
    style = args.choice("format", ("mtok", "bare"), "mtok")
    return Result(rate(value) + (" / MTok" if style == "mtok" else ""), value)


@shortcode("cost", positional=1)
def _cost_code(args: Args) -> Result:
    """The cost of one request (or per 1k / 1M requests, or a month of them)."""
    value = _cost(args, args.pos(0, "a model"))
    return Result(_format_value(args, value, "money"), value)


@shortcode("blend", positional=1)
def _blend(args: Args) -> Result:
    """The average cost of one request spread over several models: ``cc:blend haiku:0.7,sonnet:0.3 ...``."""
    mix = _mix(args, args.pos(0, "a mix like haiku:0.7,sonnet:0.2,opus:0.1"))
    usage, mods, day = _usage(args), _modifiers(args), args.day()
    value = sum((price(m, usage, **mods, at=day, pricing=args.ctx.pricing).total * s for m, s in mix), Decimal(0))
    value *= _per(args)
    return Result(_format_value(args, value, "money"), value)


@shortcode("workload", positional=1)
def _workload_code(args: Args) -> Result:
    """A month of requests: ``show=monthly`` (default), ``per_request`` or ``yearly``."""
    model = args.model(args.pos(0, "a model"))
    wl = _workload(args)
    geo = args.choice("geo", ("global", "us"), "global")
    cost = price_workload(model, wl, geo=geo, at=args.day(), pricing=args.ctx.pricing)
    show = args.choice("show", ("monthly", "per_request", "yearly"), "monthly")
    value = {"monthly": cost.monthly, "per_request": cost.per_request, "yearly": cost.monthly * 12}[show]
    return Result(_format_value(args, value, "money"), value)


@shortcode("ratio")
def _ratio(args: Args) -> Result:
    """``num`` / ``den``, each a value shortcode written without ``<!-- cc:`` (``num="price opus output"``).

    ``format=times`` (default: ``5×``), ``percent`` (``63%``) or ``saving`` (``1 - num/den`` as a
    percentage); ``digits=N`` sets the decimals.
    """
    num = _sub_value(args, "num")
    den = _sub_value(args, "den")
    if den == 0:
        raise args.ctx.fail("cc:ratio: the denominator is zero")
    value = num / den
    fmt = args.choice("format", ("times", "number", "percent", "saving", "difference"), "times")
    digits = args.integer("digits")
    if fmt == "times":
        return Result(times(value, 2 if digits is None else digits), value)
    if fmt == "number":
        return Result(times(value, 2 if digits is None else digits)[:-1], value)
    if fmt == "percent":
        return Result(percent(value, 0 if digits is None else digits), value)
    if fmt == "difference":
        return Result(money(num - den), num - den)
    return Result(percent(1 - value, 0 if digits is None else digits), 1 - value)


def _sub_value(args: Args, key: str) -> Decimal:
    raw = args.opt(key)
    if not raw:
        raise args.ctx.fail(f"cc:{args.name} needs {key}=\"SHORTCODE ARGS\" (e.g. {key}=\"price opus output\")")
    name, _, rest = raw.strip().partition(" ")
    result = evaluate(name, rest, args.ctx)
    if result.value is None:
        raise args.ctx.fail(f"cc:{args.name}: {key}: cc:{name} does not give a number")
    return result.value


@shortcode("multiplier", positional=1)
def _multiplier(args: Args) -> Result:
    """A price-file multiplier: batch, us, cache_write_5m, cache_write_1h, cache_read, tokenizer, or
    cache_read_batch (a default cache read inside a batch: the cache-read times the batch multiplier)."""
    p = args.ctx.pricing
    which = args.pos(0, "a multiplier name")
    table = {"batch": p.batch_multiplier, "us": p.us_multiplier, "cache_write_5m": p.cache.write_5m_multiplier,
             "cache_write_1h": p.cache.write_1h_multiplier, "cache_read": p.cache.read_multiplier,
             "tokenizer": p.tokenizer_inflation, "regional": p.regional_multiplier,
             "cache_read_batch": p.cache.read_multiplier * p.batch_multiplier}
    if which not in table:
        raise args.ctx.fail(f"cc:multiplier: unknown multiplier {which!r} (use one of {', '.join(table)})")
    value = table[which]
    fmt = args.choice("format", ("times", "number", "percent", "extra", "off"), "times")
    if fmt == "times":
        return Result(times(value, 3), value)
    if fmt == "number":
        return Result(times(value, 3)[:-1], value)
    if fmt == "percent":
        return Result(percent(value, 1), value)
    if fmt == "extra":  # 1.1 -> 10%, 1.3 -> 30%
        return Result(percent(value - 1, 1), value - 1)
    return Result(percent(1 - value, 1), 1 - value)  # 0.5 -> 50% (off)


@shortcode("fee", positional=1)
def _fee(args: Args) -> Result:
    """A fee: ``cc:fee web_search`` (per 1,000 searches; ``per=request`` for one), ``code_execution`` (per
    container-hour), ``managed_agents`` (per session-hour); ``cc:fee code_execution_free`` is the monthly free
    allowance in hours and ``code_execution_minimum`` the minimum in minutes (plain numbers)."""
    which = args.pos(0, "a fee name")
    tools = args.ctx.pricing.tools
    if which == "web_search":
        per = args.choice("per", ("1k", "request"), "1k")
        value = args.ctx.pricing.web_search_per_request * (1000 if per == "1k" else 1)
        return Result(money(value), value)
    if tools is not None and which == "code_execution":
        return Result(money(tools.code_execution_per_hour), tools.code_execution_per_hour)
    if tools is not None and which == "managed_agents":
        return Result(money(tools.managed_agents_per_session_hour), tools.managed_agents_per_session_hour)
    if tools is not None and which == "code_execution_free":
        return Result(f"{int(tools.code_execution_free_hours_per_month):,}", tools.code_execution_free_hours_per_month)
    if tools is not None and which == "code_execution_minimum":
        return Result(str(tools.code_execution_minimum_minutes), Decimal(tools.code_execution_minimum_minutes))
    raise args.ctx.fail(f"cc:fee: unknown fee {which!r} (use web_search, code_execution, code_execution_free, "
                        "code_execution_minimum or managed_agents)")


@shortcode("breakeven", positional=1)
def _breakeven(args: Args) -> Result:
    """Cache reads that pay back one write: ``show=reads`` (whole reads, default) or ``ratio``."""
    model = args.model(args.pos(0, "a model"))
    ttl = args.choice("ttl", ("5m", "1h"), "5m")
    be = break_even(model, at=args.day(), pricing=args.ctx.pricing)
    show = args.choice("show", ("reads", "words", "ratio"), "reads")
    if show == "words":
        n = be.reads_5m if ttl == "5m" else be.reads_1h
        words = {1: "one read", 2: "two reads", 3: "three reads", 4: "four reads", 5: "five reads"}
        return Result(words.get(n, f"{n} reads"), Decimal(n))
    if show == "reads":
        value = Decimal(be.reads_5m if ttl == "5m" else be.reads_1h)
        return Result(str(value), value)
    value = be.ratio_5m if ttl == "5m" else be.ratio_1h
    return Result(format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f"), value)


MODEL_FIELDS = ("name", "id", "family", "status", "context", "max_output", "min_cacheable", "released",
                "retires", "retired", "source", "checked", "aliases", "tier")


@shortcode("model", positional=2)
def _model(args: Args) -> Result:
    """A fact about a model: name, id, family, status, context, max_output, min_cacheable, released, ..."""
    model = args.model(args.pos(0, "a model"))
    what = args.pos(1, "a field")
    if what not in MODEL_FIELDS:
        raise args.ctx.fail(f"cc:model: unknown field {what!r} (use one of {', '.join(MODEL_FIELDS)})")
    if what == "context":
        return Result(short_tokens(model.context_window), Decimal(model.context_window or 0))
    if what == "max_output":
        return Result(short_tokens(model.max_output), Decimal(model.max_output or 0))
    if what == "min_cacheable":
        return Result(tokens(model.min_cacheable_tokens), Decimal(model.min_cacheable_tokens))
    if what == "tier":
        tiers = period_for(model, args.day()).tiers
        if not tiers:
            raise args.ctx.fail(f"cc:model: {model.id} has no prompt-length tier on {args.day()}")
        return Result(tokens(tiers[0].above_prompt_tokens), Decimal(tiers[0].above_prompt_tokens))
    if what == "aliases":
        return Result(", ".join(f"`{a}`" for a in model.aliases) or "none")
    if what == "id":
        return Result(f"`{model.id}`")
    value = {"name": model.name, "family": model.family, "status": model.status_on(args.day()), "released": model.released,
             "retires": model.retires, "retired": model.retired, "source": model.source,
             "checked": model.checked}[what]
    if value is None:
        raise args.ctx.fail(f"cc:model: {model.id} has no {what} date in pricing.toml")
    return Result(str(value))


@shortcode("date", positional=1)
def _date(args: Args) -> Result:
    """``checked`` (the newest check date in pricing.toml) or ``prices`` (the day the site's prices are for)."""
    which = args.pos(0, "checked or prices")
    if which == "checked":
        return Result(args.ctx.pricing.last_checked.isoformat())
    if which == "prices":
        return Result(args.ctx.at.isoformat())
    if which == "regional_premium" and args.ctx.pricing.regional_premium_from is not None:
        return Result(args.ctx.pricing.regional_premium_from.isoformat())
    raise args.ctx.fail(f"cc:date: unknown date {which!r} (use checked, prices or regional_premium)")


@shortcode("skip-test")
def _skip_test(args: Args) -> Result:
    """Marks the next code block as not executed by tests/test_docs_code.py; renders nothing."""
    if not args.opt("reason"):
        raise args.ctx.fail('cc:skip-test needs reason="why this block cannot run in the tests"')
    return Result("")


# ----------------------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------------------

TABLES: dict[str, Callable[[Args], str]] = {}


def table(name: str):
    def register(fn):
        TABLES[name] = fn
        return fn
    return register


@shortcode("table", positional=1)
def _table_code(args: Args) -> Result:
    name = args.pos(0, "a table name")
    if name not in TABLES:
        raise args.ctx.fail(f"cc:table: unknown table {name!r} (known: {', '.join(sorted(TABLES))})")
    return Result(TABLES[name](args))


def _models_arg(args: Args, default: tuple[Model, ...]) -> tuple[Model, ...]:
    raw = args.opt("models")
    if raw is None:
        return default
    return tuple(args.model(n.strip()) for n in raw.split(",") if n.strip())


def _priced(models: tuple[Model, ...], day: _dt.date) -> list[Model]:
    return [m for m in models if m.period_at(day) is not None]


def _third(model: Model, period, key: str) -> str:
    """A dagger on a figure only third parties confirm."""
    names = {f"{key}_per_mtok", key}
    return " †" if names & (set(model.third_party) | set(period.third_party)) else ""


def _short_name(name: str) -> str:
    """A model's name without the family prefix every model shares ("Claude Sonnet 5.5" -> "Sonnet 5.5")."""
    return name.removeprefix("Claude ")


# The wide reference tables are laid out to fit a 1366-pixel screen next to Material's navigation: short
# model names with the API id under them, units in the headers, two related figures in one cell ("5 min / 1 h"),
# and a first column that stays in view where a narrow screen still scrolls (extra.css).


@table("lineup")
def _t_lineup(args: Args) -> str:
    """Current models with every price in force (and prompt-length tiers as extra rows)."""
    day = args.day()
    p = args.ctx.pricing
    rows = []
    for m in _priced(_models_arg(args, p.current_models(day)), day):
        per = m.period_at(day)
        tiers = [("", per.rates)] + [(f", prompt > {short_tokens(t.above_prompt_tokens)}", t.rates) for t in per.tiers]
        for i, (label, r) in enumerate(tiers):
            limited = " (limited)" if m.availability == "limited" else ""
            name = f"{_short_name(m.name)}{label}" if i else f"{_short_name(m.name)}{limited}<br>`{m.id}`"
            price = {b: rate(getattr(r, b)) + _third(m, per, b)
                     for b in ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")}
            rows.append([name, price["input"], price["output"],
                         f"{price['cache_write_5m']} / {price['cache_write_1h']}", price["cache_read"],
                         f"{rate(r.input * p.batch_multiplier)} / {rate(r.output * p.batch_multiplier)}",
                         f"{short_tokens(m.context_window)} / {short_tokens(m.max_output)}" if not i else ""])
    note = (f"\n\nUSD per million tokens (MTok), Claude API, global routing, prices in force on {day}. "
            "† = confirmed by third parties only (see the pricing reference).")
    return _table(["Model", "Input $/MTok", "Output $/MTok", "Cache write 5 min / 1 h $/MTok", "Cache read $/MTok",
                   "Batch in / out $/MTok", "Context / max output, tokens"], rows,
                  ["l", "r", "r", "r", "r", "r", "r"]) + note


@table("all-prices")
def _t_all_prices(args: Args) -> str:
    """Every model (current, legacy, deprecated, retired) with every price of its latest period."""
    rows = []
    for m in args.ctx.pricing.models:
        per = m.period_at(args.day()) or m.latest_period
        r = per.rates
        fast = "—"
        if per.fast is not None:
            fast = f"{rate(per.fast.rates.input)} / {rate(per.fast.rates.output)}"
        elif per.fast_billed_as_standard:
            fast = "standard rates"
        tier = "; ".join(f"> {t.above_prompt_tokens // 1000}K: {rate(t.rates.input)} / {rate(t.rates.output)}"
                         for t in per.tiers) or "—"
        if per.fast is not None and "fast" in set(m.third_party) | set(per.third_party):
            fast += " †"
        price = {b: rate(getattr(r, b)) + _third(m, per, b)
                 for b in ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")}
        rows.append([f"{_short_name(m.name)}<br>{m.status_on(args.day())}, since {per.effective_from}",
                     price["input"], price["output"], f"{price['cache_write_5m']} / {price['cache_write_1h']}",
                     price["cache_read"], fast, tier])
    return _table(["Model, status, prices since", "Input $/MTok", "Output $/MTok", "Cache write 5 min / 1 h $/MTok",
                   "Cache read $/MTok", "Fast in / out $/MTok", "Long prompts in / out $/MTok"], rows,
                  ["l", "r", "r", "r", "r", "r", "r"])


@table("all-models")
def _t_all_models(args: Args) -> str:
    """Status, dates, limits, source link and checked date of every model; then each model's notes and the
    figures only third parties confirm."""
    rows, notes = [], []
    for m in args.ctx.pricing.models:
        dates = []
        if m.retires:
            dates.append(f"retires {m.retires}")
        if m.retired:
            dates.append(f"retired {m.retired}")
        aliases = "".join(f"<br>`{a}`" for a in m.aliases)
        status = m.status_on(args.day()) + (" (limited)" if m.availability == "limited" else "")
        rows.append([f"{_short_name(m.name)}<br>`{m.id}`{aliases}", "<br>".join([status, *dates]),
                     str(m.released or "—"), f"{short_tokens(m.context_window)} / {short_tokens(m.max_output)}",
                     f"[source]({m.source})" + (" †" if m.third_party else "") + f"<br>checked {m.checked}"])
        parts = []
        if m.notes:
            parts.append(m.notes.rstrip("."))
        if m.third_party:
            parts.append("Confirmed by third parties only: " + ", ".join(f"`{f}`" for f in m.third_party))
        if parts:
            notes.append(f"- **{m.name}**: " + ". ".join(parts) + ".")
    text = _table(["Model and API ids", "Status", "Released", "Context / max output, tokens", "Source"], rows,
                  ["l", "l", "l", "r", "l"])
    if notes:
        text += "\n\n† = some figures of this model are confirmed by third parties only (listed below).\n\n"
        text += "\n".join(notes)
    return text


@table("history")
def _t_history(args: Args) -> str:
    """What changed when, newest first, from the price periods. ``layout=list`` (default) gives one dated bullet per
    change; ``layout=days`` one section per day with an anchor (the "What changed" page, which its feed links to).
    Changes after the build day are marked scheduled."""
    layout = args.choice("layout", ("list", "days"), "list")
    render = changelog_markdown if layout == "days" else changelog_list
    return render(args.ctx.pricing, args.ctx.at).rstrip("\n")


@table("ratio-exceptions")
def _t_ratio_exceptions(args: Args) -> str:
    """The prices Anthropic publishes off the usual cache and batch ratios, which ``claude-cost check`` accepts."""
    return exceptions_markdown(args.ctx.pricing).rstrip("\n")


@table("workloads")
def _t_workloads(args: Args) -> str:
    """The canonical workloads a price change is measured on (a list)."""
    return workloads_markdown().rstrip("\n")


@table("platforms")
def _t_platforms(args: Args) -> str:
    """Each served model's Amazon Bedrock and Google Cloud Vertex AI ids and whether its regional endpoints cost
    more; † marks ids that follow Anthropic's naming rule but were not found on an Anthropic page."""
    p, day = args.ctx.pricing, args.day()
    rows = []
    for m in _models_arg(args, p.active_models(day)):
        ids = dict(m.platform_ids)
        mark = " †" if "platform_ids" in m.third_party else ""
        premium = (p.regional_premium_from is not None and m.released is not None
                   and m.released >= p.regional_premium_from)
        rows.append([m.name, f"`{ids['bedrock']}`{mark}" if "bedrock" in ids else "not listed",
                     f"`{ids['vertex']}`{mark}" if "vertex" in ids else "not listed",
                     times(p.regional_multiplier, 3) if premium else "same price"])
    return _table(["Model", "Bedrock id", "Vertex AI id", "Regional endpoint"], rows, ["l", "l", "l", "l"]) + (
        "\n\n† = the id follows Anthropic's naming rule for the platform; no Anthropic page lists it yet.")


@table("tool-tokens")
def _t_tool_tokens(args: Args) -> str:
    """Input tokens that tools add per request, per model: the tool-use system prompt for each tool_choice and
    each Anthropic-defined tool (from :func:`calculators.cost.tool_overhead`, the cost model's own rule)."""
    p, day = args.ctx.pricing, args.day()
    named = [t for t in TOOLS if t != "custom"]
    rows = []
    for m in _models_arg(args, p.active_models(day)):
        prompts = [tool_overhead(m, ("custom",), tool_choice=c, pricing=p).system_prompt for c in ("auto", "any")]
        each = [dict(tool_overhead(m, (t,), pricing=p).tools).get(t) for t in named]
        rows.append([m.name, *(tokens(n) if n is not None else "not published" for n in prompts),
                     *(tokens(n) if n is not None else "not published" for n in each)])
    return _table(["Model", "System prompt (auto, none)", "System prompt (any, tool)",
                   *(t.replace("_", " ").capitalize() for t in named)], rows)


@table("min-cacheable")
def _t_min_cacheable(args: Args) -> str:
    rows = [[m.name, f"`{m.id}`", tokens(m.min_cacheable_tokens) + (" †" if "min_cacheable_tokens" in m.third_party else "")]
            for m in _models_arg(args, args.ctx.pricing.active_models(args.day()))]
    return _table(["Model", "API id", "Minimum cacheable prompt (tokens)"], rows, ["l", "l", "r"]) + \
        "\n\n† = the figure comes from third parties or is assumed equal to the previous model's."


@table("batch-cached")
def _t_batch_cached(args: Args) -> str:
    """A cached prefix read inside a batch request: batch multiplier x cache-read price, as a share of input."""
    day, p = args.day(), args.ctx.pricing
    rows = []
    for m in _priced(_models_arg(args, p.active_models(day)), day):
        r = m.period_at(day).rates
        batched = r.cache_read * p.batch_multiplier
        rows.append([m.name, rate(r.input), rate(r.cache_read), rate(batched), percent(batched / r.input, 2)])
    return _table(["Model", "Input", "Cache read", "Cache read in a batch", "Share of base input"], rows)


@table("output-ratio")
def _t_output_ratio(args: Args) -> str:
    day, p = args.day(), args.ctx.pricing
    rows = []
    for m in _priced(_models_arg(args, p.current_models(day)), day):
        r = m.period_at(day).rates
        per_k = r.output * 1000 / Decimal(1_000_000)
        rows.append([m.name, rate(r.input), rate(r.output), times(r.output / r.input), money(per_k)])
    return _table(["Model", "Input / MTok", "Output / MTok", "Output ÷ input", "1,000 output tokens"], rows)


@table("break-even")
def _t_break_even(args: Args) -> str:
    day, p = args.day(), args.ctx.pricing
    rows = []
    for m in _priced(_models_arg(args, p.active_models(day)), day):
        r = m.period_at(day).rates
        be = break_even(m, at=day, pricing=p)
        # Reads are the ratio premium / saving rounded up (the guide's text works the ratio out).
        rows.append([_short_name(m.name), rate(r.cache_write_5m - r.input), rate(r.cache_write_1h - r.input),
                     rate(r.input - r.cache_read), str(be.reads_5m), str(be.reads_1h)])
    return _table(["Model", "Write premium 5 min $/MTok", "Write premium 1 h $/MTok", "Saving per read $/MTok",
                   "Reads to repay 5 min", "Reads to repay 1 h"], rows)


@table("modifiers")
def _t_modifiers(args: Args) -> str:
    p = args.ctx.pricing
    src = p.sources
    rows = [
        ["5-minute cache write", f"{times(p.cache.write_5m_multiplier, 3)} the input price", *_src(src, "cache")],
        ["1-hour cache write", f"{times(p.cache.write_1h_multiplier, 3)} the input price", *_src(src, "cache")],
        ["Cache read (default)", f"{times(p.cache.read_multiplier, 3)} the input price; some models publish a lower "
         "price (see the lineup)", *_src(src, "cache")],
        ["Batch API", f"{times(p.batch_multiplier, 3)} every token price", *_src(src, "batch")],
        ["US-only inference", f"{times(p.us_multiplier, 3)} every token price (models that offer it)",
         *_src(src, "inference_geo")],
        ["Web search", f"{money(p.web_search_per_request * 1000)} per 1,000 searches, plus the result tokens",
         *_src(src, "web_search")],
        ["Newer tokenizer", f"about {times(p.tokenizer_inflation, 3)} the tokens of the older one for the same text",
         *_src(src, "tokenizer")],
    ]
    if "platforms" in src:
        rows.insert(5, ["Regional endpoint (Bedrock, Vertex)", f"{times(p.regional_multiplier, 3)} every token price "
                        f"(models released from {p.regional_premium_from} on)", *_src(src, "platforms")])
    return _table(["Modifier", "Effect", "Source", "Checked"], rows, ["l", "l", "l", "l"])


def _src(sources: dict, key: str) -> list[str]:
    url, checked = sources[key]
    return [f"[source]({url})", str(checked)]


@shortcode("example", positional=1)
def _example(args: Args) -> Result:
    """A worked example: every line item of one request, with rate, tokens and cost."""
    model = args.model(args.pos(0, "a model"))
    cost = price(model, _usage(args), **_modifiers(args), at=args.day(), pricing=args.ctx.pricing)
    rows = []
    for item in cost.items:
        if item.hours is not None and item.usd_per_hour is not None:
            rows.append([BUCKET_LABELS[item.bucket], hours_display(item.hours), f"{money(item.usd_per_hour)} / hour",
                         money(item.usd), format(item.usd.normalize(), "f")])
            continue
        if item.tokens == 0:
            continue
        if item.bucket == "web_search":
            rows.append([BUCKET_LABELS[item.bucket], tokens(item.tokens), f"{money(item.usd_per_request)} each",
                         money(item.usd), format(item.usd.normalize(), "f")])
        else:
            rows.append([BUCKET_LABELS[item.bucket], tokens(item.tokens), rate(item.usd_per_mtok) + " / MTok",
                         money(item.usd), format(item.usd.normalize(), "f")])
    rows.append(["**Total**", "", "", f"**{money(cost.total)}**", f"**{format(cost.total.normalize(), 'f')}**"])
    text = _table(["Bucket", "Tokens", "Rate", "Cost", "Exact (USD)"], rows, ["l", "r", "r", "r", "r"])
    if cost.notes:
        text += "\n\n" + "\n".join(f"*{n}.*" for n in cost.notes)
    return Result(text, cost.total)


@table("routing-mix")
def _t_routing_mix(args: Args) -> str:
    """A traffic mix priced per model, blended, and against sending everything to one model."""
    mix = _mix(args, args.opt("mix") or "haiku:0.7,sonnet:0.2,opus:0.1")
    against = args.model(args.opt("against") or "opus")
    usage, mods, day = _usage(args), _modifiers(args), args.day()
    requests = args.decimal("requests", Decimal(1_000_000))
    rows, blended = [], Decimal(0)
    for m, share in mix:
        per = price(m, usage, **mods, at=day, pricing=args.ctx.pricing).total
        blended += per * share
        rows.append([m.name, percent(share), money(per), money(per * share * requests)])
    alone = price(against, usage, **mods, at=day, pricing=args.ctx.pricing).total
    rows.append(["**Blended mix**", "100%", f"**{money(blended)}**", f"**{money(blended * requests)}**"])
    rows.append([f"Everything on {against.name}", "100%", money(alone), money(alone * requests)])
    text = _table(["Model", "Share of requests", "Cost per request", f"Cost of {int(requests):,} requests"], rows)
    return text + (f"\n\nThe mix costs **{percent(blended / alone)}** of sending everything to {against.name} "
                   f"({times(alone / blended, 1)} cheaper), at {tokens(usage.prompt_tokens)} prompt and "
                   f"{tokens(usage.output)} output tokens per request.")


@table("compression-curve")
def _t_compression(args: Args) -> str:
    """Cost per turn of a long conversation, with and without summarising older turns with a cheap model."""
    curve = compression_curve(
        args.model(args.opt("model") or "sonnet"), args.model(args.opt("summariser") or "haiku"),
        turns=args.integer("turns", 60), system=args.integer("system", 3000), user=args.integer("user", 400),
        reply=args.integer("reply", 600), keep=args.integer("keep", 6), every=args.integer("every", 10),
        summary_ratio=args.decimal("summary_ratio", SUMMARY_RATIO), instruction=args.integer("instruction", 200),
        cache=args.choice("cache", ("on", "off"), "on") == "on", day=args.day(), pricing=args.ctx.pricing)
    step = args.integer("rows", 10)
    rows = []
    for row in curve:
        if row.turn == 1 or row.turn % step == 0 or row.turn == len(curve):
            rows.append([str(row.turn), tokens(row.prompt_plain), money(row.cost_plain), tokens(row.prompt_comp),
                         money(row.cost_comp), money(row.total_plain), money(row.total_comp)])
    total_plain, total_comp = curve[-1].total_plain, curve[-1].total_comp
    text = _table(["Turn", "Prompt (full history)", "Cost of the turn", "Prompt (compressed)",
                   "Cost of the turn incl. summary", "Running total (full)", "Running total (compressed)"], rows)
    return text + (f"\n\nOver {len(curve)} turns: {money(total_plain)} with the full history, "
                   f"{money(total_comp)} with compression, a saving of "
                   f"{percent((total_plain - total_comp) / total_plain)}.")


