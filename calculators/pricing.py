"""Load and validate ``pricing.toml`` into frozen dataclasses.

The file is parsed with ``tomllib`` and ``parse_float=Decimal`` so that no price ever passes through a
binary float. Validation collects every problem in one pass; :class:`PricingFileError` carries them all,
each naming the key path (``models[3].periods[0].input_per_mtok``) and how to fix it.

The loader looks for the file in this order: an explicit path; the ``CLAUDE_COST_PRICING`` environment
variable; ``pricing.toml`` next to this package (a wheel or the browser archive carries a copy there);
``pricing.toml`` at the root of a source checkout (one directory up).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .errors import ClaudeCostError

__all__ = [
    "CachePolicy",
    "FastRates",
    "Model",
    "Period",
    "Pricing",
    "PricingFileError",
    "Problem",
    "Rates",
    "Tier",
    "UnknownModelError",
    "default_pricing_path",
    "load_pricing",
    "parse_pricing",
]

MILLION = Decimal(1_000_000)
STATUSES = ("current", "legacy", "deprecated", "retired")
RATE_KEYS = (
    "input_per_mtok",
    "output_per_mtok",
    "cache_write_5m_per_mtok",
    "cache_write_1h_per_mtok",
    "cache_read_per_mtok",
)


# ----------------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is, what is wrong, and how to fix it."""

    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class PricingFileError(ClaudeCostError):
    """The pricing file could not be read or is invalid. ``problems`` lists every problem found.

    ``partial`` holds the models that did validate (with their positions in the file), so that ``check`` can
    run its review rules on them in the same run; it is ``None`` when the file could not be read at all.
    """

    def __init__(self, source: str, problems: list[Problem], partial: Pricing | None = None):
        self.source = source
        self.problems = problems
        self.partial = partial
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}", problems[0].path if problems else "",
                         source)


class UnknownModelError(ClaudeCostError, LookupError):
    """A model id that is neither a canonical id, an alias nor a family shortcut."""

    def __init__(self, model: str, suggestions: list[str]):
        self.model = model
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        shown = model if len(model) <= 60 else model[:57] + "..."
        super().__init__(f"unknown model {shown!r}{hint} (`claude-cost models` lists every id)", "model")

    def __str__(self) -> str:  # LookupError would repr() the message
        return self.args[0]


# ----------------------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    """Per-million-token prices in USD for one price row (a period's base rates or a tier)."""

    input: Decimal
    output: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal
    cache_read: Decimal

    def scaled(self, factor: Decimal) -> Rates:
        return Rates(**{b: getattr(self, b) * factor for b in BUCKETS})


#: The token buckets of a request, in display order: the one definition, used by the cost model, the CLI flags,
#: JSON, the docs and the browser (their labels are in ``calculators.present``).
BUCKETS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")


@dataclass(frozen=True)
class Tier:
    """Rates that replace the base rates when the prompt is above ``above_prompt_tokens``."""

    above_prompt_tokens: int
    rates: Rates


@dataclass(frozen=True)
class FastRates:
    """Fast-mode rates (the cache rates keep the period's own cache-to-input ratios)."""

    rates: Rates


@dataclass(frozen=True)
class Period:
    """Prices in force from ``effective_from`` (inclusive) to ``effective_to`` (exclusive, or open)."""

    effective_from: _dt.date
    effective_to: _dt.date | None
    rates: Rates
    tiers: tuple[Tier, ...]
    fast: FastRates | None
    fast_billed_as_standard: bool
    explicit: frozenset[str]
    source: str
    checked: _dt.date
    third_party: tuple[str, ...] = ()
    notes: str = ""

    def covers(self, day: _dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


@dataclass(frozen=True)
class Model:
    """One Claude model and its price history."""

    id: str
    name: str
    family: str
    status: str
    aliases: tuple[str, ...]
    released: _dt.date | None
    retires: _dt.date | None
    retired: _dt.date | None
    context_window: int | None
    max_output: int | None
    min_cacheable_tokens: int
    new_tokenizer: bool
    us_inference: bool
    availability: str
    periods: tuple[Period, ...]
    source: str
    checked: _dt.date
    third_party: tuple[str, ...] = ()
    notes: str = ""
    #: The model's base id on each cloud platform (``bedrock``, ``vertex``) where one is known.
    platform_ids: tuple[tuple[str, str], ...] = ()
    #: The tool-use system prompt in tokens for tool_choice auto/none and any/tool, where published.
    tool_system_prompt: tuple[int, int] | None = None

    def status_on(self, day: _dt.date) -> str:
        """The status on ``day``.

        A deprecated model counts as retired from its scheduled ``retires`` date, and a retired model counts as
        deprecated (still served) before its ``retired`` date. Otherwise the file's ``status`` holds.
        """
        if self.status == "deprecated" and self.retires is not None and day >= self.retires:
            return "retired"
        if self.status == "retired" and self.retired is not None and day < self.retired:
            return "deprecated"
        return self.status

    def active_on(self, day: _dt.date) -> bool:
        """Served on the Claude API on ``day`` (current, legacy, or deprecated and not yet retired)."""
        return self.status_on(day) != "retired"

    def period_at(self, day: _dt.date) -> Period | None:
        for period in self.periods:
            if period.covers(day):
                return period
        return None

    @property
    def latest_period(self) -> Period:
        return self.periods[-1]


@dataclass(frozen=True)
class ToolCharges:
    """What tools and agents cost beyond the request's own tokens (``[tools]`` in pricing.toml)."""

    code_execution_per_hour: Decimal
    code_execution_free_hours_per_month: Decimal
    code_execution_minimum_minutes: int
    managed_agents_per_session_hour: Decimal
    #: Input tokens added by each Anthropic-defined tool; ``bash_newer`` applies to ``bash_newer_models``.
    tool_tokens: tuple[tuple[str, int], ...]
    bash_newer_tokens: int
    bash_newer_models: tuple[str, ...]


@dataclass(frozen=True)
class CachePolicy:
    write_5m_multiplier: Decimal
    write_1h_multiplier: Decimal
    read_multiplier: Decimal


@dataclass(frozen=True)
class Pricing:
    """The whole validated price file."""

    models: tuple[Model, ...]
    families: dict[str, str]
    cache: CachePolicy
    batch_multiplier: Decimal
    us_multiplier: Decimal
    web_search_per_request: Decimal
    tokenizer_inflation: Decimal
    sources: dict[str, tuple[str, _dt.date]]
    path: str = ""
    #: Tool and agent charges (None when the file has no ``[tools]`` section).
    tools: ToolCharges | None = None
    #: Regional and multi-region endpoints on Bedrock and Vertex cost this many times the global price ...
    regional_multiplier: Decimal = Decimal(1)
    #: ... for models released on or after this day (Sonnet 4.5, Haiku 4.5, Opus 4.5 and later).
    regional_premium_from: _dt.date | None = None
    #: Each model's position among the file's [[models]] (for problem paths); empty when they are 0, 1, 2, ...
    positions: tuple[int, ...] = ()
    #: Ids of [[models]] entries that did not validate (only in a partial Pricing, see PricingFileError).
    invalid_ids: frozenset[str] = frozenset()
    _index: dict[str, Model] = field(default_factory=dict, repr=False, compare=False)
    _spellings: dict[str, Resolved] = field(default_factory=dict, repr=False, compare=False)

    def numbered(self) -> list[tuple[int, Model]]:
        """``(position in the file, model)`` for every model: the ``i`` of the ``models[i]`` key path."""
        return list(zip(self.positions or range(len(self.models)), self.models, strict=True))

    def __post_init__(self) -> None:
        for m in self.models:
            self._index[m.id] = m
            for alias in m.aliases:
                self._index[alias] = m
        for short, target in self.families.items():
            self._index.setdefault(short, self._index[target])
        for m in self.models:
            for spelling, platform, endpoint in model_spellings(m):
                if spelling not in self._index:
                    self._spellings.setdefault(spelling, Resolved(m, platform, endpoint))

    def resolve(self, name: str) -> Resolved:
        """Resolve any spelling of a model, exactly (case-insensitive, never by substring): a canonical id, an
        alias, a family shortcut, or a generated platform or gateway id (``anthropic.claude-…-v1:0``,
        ``global.anthropic.…``, ``claude-…@20250929``, ``anthropic/claude-sonnet-4.5``, ``claude-sonnet-4.5``).
        The result carries the platform and endpoint the spelling implies (``None`` where it implies none)."""
        key = name.strip().lower() if isinstance(name, str) else name
        found = self._index.get(key)
        if found is not None:
            return Resolved(found, None, None)
        spelled = self._spellings.get(key)
        if spelled is None:
            names = list(self._index) + list(self._spellings)
            raise UnknownModelError(str(name), difflib.get_close_matches(str(key), names, n=3, cutoff=0.5))
        return spelled

    def model(self, name: str) -> Model:
        """Resolve any spelling of a model (see :meth:`resolve`) to the model."""
        return self.resolve(name).model

    def find(self, name: str) -> Model | None:
        """Like :meth:`model` but returns ``None`` for an unknown name."""
        if not isinstance(name, str):
            return None
        key = name.strip().lower()
        found = self._index.get(key)
        if found is not None:
            return found
        spelled = self._spellings.get(key)
        return spelled.model if spelled else None

    def spellings(self) -> dict[str, Resolved]:
        """Every generated platform and gateway spelling and what it resolves to (ids and aliases excluded)."""
        return dict(self._spellings)

    def active_models(self, day: _dt.date) -> tuple[Model, ...]:
        """The models served on the Claude API on ``day`` (see :meth:`Model.status_on`)."""
        return tuple(m for m in self.models if m.active_on(day))

    def current_models(self, day: _dt.date) -> tuple[Model, ...]:
        """The current models on ``day`` that have a price on that day (a model not yet launched is left out)."""
        return tuple(m for m in self.models if m.status_on(day) == "current" and m.period_at(day) is not None)

    @property
    def last_checked(self) -> _dt.date:
        """The most recent ``checked`` date anywhere in the file."""
        dates = [m.checked for m in self.models] + [p.checked for m in self.models for p in m.periods]
        dates += [checked for _, checked in self.sources.values()]
        return max(dates)


PLATFORMS = ("anthropic", "bedrock", "vertex", "foundry")
ENDPOINTS = ("global", "regional")
#: Amazon Bedrock cross-region inference profile prefixes: ``global.`` is the global endpoint, the others
#: (geographic profiles) and the bare in-region id are regional.
BEDROCK_REGIONAL_PREFIXES = ("us", "eu", "apac", "jp", "au", "us-gov")
_VERSION = re.compile(r"(?<=\D)(\d)-(\d)(?=-[a-z]|$)")


@dataclass(frozen=True)
class Resolved:
    """A model name resolved: the model, and the platform and endpoint its spelling implies (or ``None``)."""

    model: Model
    platform: str | None = None
    endpoint: str | None = None


def dotted(name: str) -> str:
    """The dotted spelling of a version in an id: ``claude-sonnet-4-5`` -> ``claude-sonnet-4.5``,
    ``claude-3-7-sonnet`` -> ``claude-3.7-sonnet``; a name without a two-part version is returned unchanged."""
    return _VERSION.sub(r"\1.\2", name)


def model_spellings(m: Model) -> list[tuple[str, str | None, str | None]]:
    """Every spelling generated for a model from its id, its aliases and its ``platform_ids`` (the rules):

    * Amazon Bedrock: the base id (an in-region endpoint: regional), ``global.<id>`` (global) and each geographic
      inference profile ``us.``, ``eu.``, ``apac.``, ``jp.``, ``au.``, ``us-gov.`` (regional); LiteLLM's
      ``bedrock/`` prefix on each.
    * Google Cloud Vertex AI: the Vertex id (``claude-…@YYYYMMDD``), the same id ``@default``; LiteLLM's
      ``vertex_ai/`` prefix. A Vertex id does not say which endpoint served it (``None``).
    * Gateways (OpenRouter, LiteLLM): ``anthropic/<id or alias>``, ``anthropic/`` and a dated id without its date
      (``anthropic/claude-3-7-sonnet``), and the dotted version of each undated name (``claude-sonnet-4.5``,
      ``anthropic/claude-3.7-sonnet``). These imply no platform.
    """
    out: list[tuple[str, str | None, str | None]] = []
    ids = dict(m.platform_ids)
    bedrock = ids.get("bedrock")
    base: list[tuple[str, str | None, str | None]]
    if bedrock:
        base = [(bedrock, "bedrock", "regional"), (f"global.{bedrock}", "bedrock", "global")]
        base += [(f"{p}.{bedrock}", "bedrock", "regional") for p in BEDROCK_REGIONAL_PREFIXES]
        out += base + [(f"bedrock/{s}", pl, ep) for s, pl, ep in base]
    vertex = ids.get("vertex")
    if vertex:
        stem = vertex.split("@", 1)[0]
        base = [(vertex, "vertex", None), (f"{stem}@default", "vertex", None)]
        out += base + [(f"vertex_ai/{s}", pl, ep) for s, pl, ep in base]
    names = [m.id, *m.aliases]
    stem = re.sub(r"-\d{8}$", "", m.id)
    for name in names:
        out.append((f"anthropic/{name}", None, None))
        if not re.search(r"\d{8}$", name):
            dot = dotted(name)
            if dot != name:
                out += [(dot, None, None), (f"anthropic/{dot}", None, None)]
    if stem != m.id and stem not in names:  # gateways drop the date: anthropic/claude-3.7-sonnet (never bare)
        out.append((f"anthropic/{stem}", None, None))
        if dotted(stem) != stem:
            out.append((f"anthropic/{dotted(stem)}", None, None))
    return [(s.lower(), p, e) for s, p, e in out]


# ----------------------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------------------


def default_pricing_path() -> Path:
    env = os.environ.get("CLAUDE_COST_PRICING")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here / "pricing.toml", here.parent / "pricing.toml"):
        if candidate.is_file():
            return candidate
    raise PricingFileError(
        "pricing.toml",
        [Problem("pricing.toml", "file not found next to the package or in the checkout root",
                 "set CLAUDE_COST_PRICING to its path")],
    )


def load_pricing(path: str | os.PathLike[str] | None = None) -> Pricing:
    """Read and validate a pricing file; the default file is read once and cached.

    Raises:
        PricingFileError: listing every problem found, each with its key path and a hint.
    """
    if path is None:
        return _load_default(str(default_pricing_path()))
    return _load_path(str(path))


@functools.lru_cache(maxsize=4)
def _load_default(path: str) -> Pricing:
    return _load_path(path)


#: A pricing file larger than this is refused before it is parsed (the real one is about 30 KB).
MAX_PRICING_BYTES = 4 << 20


def _load_path(path: str) -> Pricing:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PRICING_BYTES + 1)
    except OSError as exc:
        raise PricingFileError(path, [Problem(path, f"cannot read file: {exc.strerror or exc}")]) from None
    if len(data) > MAX_PRICING_BYTES:
        raise PricingFileError(path, [Problem(path, f"file is larger than {MAX_PRICING_BYTES >> 20} MB",
                                              "is this the pricing file?")])
    return parse_pricing(decode_toml(data, path), source=path)


def decode_toml(data: bytes, source: str) -> str:
    """TOML text from bytes: UTF-8 without a byte-order mark, as the TOML spec requires."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise PricingFileError(source, [Problem(source, "the file starts with a UTF-8 byte-order mark (BOM)",
                                                "save it as UTF-8 without a BOM")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PricingFileError(source, [Problem(f"{source}:{line}", f"byte 0x{data[exc.start]:02x} is not UTF-8",
                                                "save the file as UTF-8 (TOML files are UTF-8)")]) from None


def parse_pricing(text: str, source: str = "pricing.toml") -> Pricing:
    """Parse and validate pricing TOML text."""
    try:
        raw = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PricingFileError(source, [Problem(source, f"not valid TOML: {exc}", "fix the syntax at that line")]) from None
    except RecursionError:
        raise PricingFileError(source, [Problem(source, "arrays or tables are nested too deeply to read",
                                                "a pricing file needs at most a few levels")]) from None
    v = _Validator()
    pricing = v.pricing(raw, source)
    if pricing is None:
        raise PricingFileError(source, v.problems, v.partial)
    return pricing


# ----------------------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------------------

_TOP_KEYS = {"schema_version", "currency", "families", "cache", "batch", "inference_geo", "web_search", "tokenizer",
             "platforms", "tools", "models"}
_TOOL_KEYS = {"code_execution_per_hour", "code_execution_free_hours_per_month", "code_execution_minimum_minutes",
              "managed_agents_per_session_hour", "bash_tokens", "bash_tokens_newer", "bash_tokens_newer_models",
              "text_editor_tokens", "computer_use_tokens", "browser_tokens"}
_SOURCED = {"source", "checked"}
_MODEL_KEYS = {
    "id", "name", "family", "status", "aliases", "released", "retires", "retired", "context_window",
    "max_output", "min_cacheable_tokens", "new_tokenizer", "us_inference", "availability", "periods",
    "source", "checked", "third_party", "notes", "platform_ids", "tool_system_prompt",
}
_MODEL_REQUIRED = {"id", "name", "family", "status", "min_cacheable_tokens", "new_tokenizer", "us_inference",
                   "periods", "source", "checked"}
_PERIOD_KEYS = {"effective_from", "effective_to", "tiers", "fast", "fast_billed_as_standard", "source",
                "checked", "third_party", "notes", *RATE_KEYS}
_TIER_KEYS = {"above_prompt_tokens", *RATE_KEYS}
_FAST_KEYS = {"input_per_mtok", "output_per_mtok"}


class _Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.partial: Pricing | None = None

    # -- helpers ------------------------------------------------------------------------------------------

    def err(self, path: str, message: str, hint: str = "") -> None:
        # A missing key or section, or a value that should be a table and is not, is one mistake: the generic
        # check and the typed reader of the same key (or of the keys inside that section) must not report it again.
        for p in self.problems:
            if p.message.startswith(("missing required", "expected a table")) and (
                    path == p.path or path.startswith((p.path + ".", p.path + "["))):
                return
        self.problems.append(Problem(path, message, hint))

    def table(self, raw: object, path: str, allowed: set[str], required: frozenset[str] | set[str] = frozenset()) -> dict:
        if not isinstance(raw, dict):
            self.err(path, f"expected a table, found {type(raw).__name__}")
            return {}
        for key in sorted(set(raw) - allowed):
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
            self.err(f"{path}.{key}" if path else key, "unknown key", hint)
        for key in sorted(required - set(raw)):
            self.err(f"{path}.{key}" if path else key, "missing required key", _REQUIRED_HINTS.get(key, ""))
        return raw

    def money(self, raw: dict, key: str, path: str, required: bool = True) -> Decimal | None:
        if key not in raw:
            if required:
                self.err(f"{path}.{key}", "missing required price", "give the price in USD per million tokens")
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.err(f"{path}.{key}", f"price must be a number, found {value!r}", "write it unquoted, e.g. 3 or 0.30")
            return None
        value = Decimal(value)
        if not value.is_finite() or value < 0:
            self.err(f"{path}.{key}", f"price must be zero or positive, found {_short(value)}")
            return None
        if value > MAX_PRICE:
            self.err(f"{path}.{key}", f"{_short(value)} is not a plausible price (above {MAX_PRICE:,} USD)",
                     "prices are USD per million tokens (per 1,000 requests for web search)")
            return None
        if value.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            self.err(f"{path}.{key}", f"{_short(value)} has more than {MAX_DECIMALS} decimal places",
                     f"round it to {MAX_DECIMALS} places: the analyser keeps money in whole femto-dollars")
            return None
        return value

    def integer(self, raw: dict, key: str, path: str, required: bool = True, minimum: int = 0) -> int | None:
        if key not in raw:
            if required:
                self.err(f"{path}.{key}", "missing required key")
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.err(f"{path}.{key}", f"must be a whole number >= {minimum}, found {value!r}")
            return None
        return value

    def date(self, raw: dict, key: str, path: str, required: bool = True) -> _dt.date | None:
        if key not in raw:
            if required:
                self.err(f"{path}.{key}", "missing required date", "write a TOML date such as 2026-11-24 (no quotes)")
            return None
        value = raw[key]
        if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
            self.err(f"{path}.{key}", f"must be a date, found {value!r}", "write a TOML date such as 2026-11-24 (no quotes)")
            return None
        return value

    def text(self, raw: dict, key: str, path: str, required: bool = True) -> str | None:
        if key not in raw:
            if required:
                self.err(f"{path}.{key}", "missing required key", _REQUIRED_HINTS.get(key, ""))
            return None
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            self.err(f"{path}.{key}", f"must be a non-empty string, found {_short(value)}")
            return None
        if value != value.strip():
            self.err(f"{path}.{key}", f"has leading or trailing spaces: {_short(value)}", "remove the spaces")
            return None
        return value

    def platform_ids(self, raw: dict, path: str) -> tuple[tuple[str, str], ...]:
        value = raw.get("platform_ids", {})
        if not isinstance(value, dict):
            self.err(f"{path}.platform_ids", f"expected a table such as {{ bedrock = \"anthropic.…\", vertex = \"…\" }}, "
                                             f"found {_short(value)}")
            return ()
        out = []
        for key, pid in value.items():
            if key not in ("bedrock", "vertex"):
                self.err(f"{path}.platform_ids.{key}", "unknown platform", "use bedrock or vertex")
            elif not isinstance(pid, str) or not pid or pid != pid.strip().lower() or any(c.isspace() for c in pid):
                self.err(f"{path}.platform_ids.{key}", f"must be a lower-case id without spaces, found {_short(pid)}")
            else:
                out.append((key, pid))
        return tuple(sorted(out))

    def notes(self, raw: dict, path: str) -> str:
        value = raw.get("notes", "")
        if not isinstance(value, str):
            self.err(f"{path}.notes", f"must be a string, found {_short(value)}", 'write notes = "..."')
            return ""
        return value

    def boolean(self, raw: dict, key: str, path: str, default: bool | None = None) -> bool:
        if key not in raw:
            if default is None:
                self.err(f"{path}.{key}", "missing required key", "write true or false")
                return False
            return default
        value = raw[key]
        if not isinstance(value, bool):
            self.err(f"{path}.{key}", f"must be true or false, found {value!r}")
            return False
        return value

    def strings(self, raw: dict, key: str, path: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.err(f"{path}.{key}", f"must be a list of strings, found {value!r}")
            return ()
        return tuple(value)

    def sourced(self, raw: dict, path: str) -> tuple[str, _dt.date]:
        src = self.text(raw, "source", path) or ""
        if src and not _is_url(src):
            self.err(f"{path}.source", f"must be a web address, found {_short(src)}",
                     "link the page the price was read from, e.g. https://platform.claude.com/docs/...")
        checked = self.date(raw, "checked", path) or _dt.date.min
        return src, checked

    # -- the file -----------------------------------------------------------------------------------------

    def pricing(self, raw: dict, source: str) -> Pricing | None:
        self.table(raw, "", _TOP_KEYS, {"schema_version", "families", "cache", "batch", "inference_geo",
                                        "web_search", "tokenizer", "models"})
        if raw.get("schema_version", 1) != 1:
            self.err("schema_version", f"unsupported schema version {raw.get('schema_version')!r}", "use 1")
        if raw.get("currency", "USD") != "USD":
            self.err("currency", f"only USD is supported, found {raw.get('currency')!r}")

        sources: dict[str, tuple[str, _dt.date]] = {}
        cache_raw = self.table(raw.get("cache", {}), "cache",
                               {"write_5m_multiplier", "write_1h_multiplier", "read_multiplier", *_SOURCED},
                               {"write_5m_multiplier", "write_1h_multiplier", "read_multiplier", *_SOURCED})
        cache = CachePolicy(
            self.multiplier(cache_raw, "write_5m_multiplier", "cache"),
            self.multiplier(cache_raw, "write_1h_multiplier", "cache"),
            self.multiplier(cache_raw, "read_multiplier", "cache"),
        )
        sources["cache"] = self.sourced(cache_raw, "cache")
        batch_raw = self.table(raw.get("batch", {}), "batch", {"multiplier", *_SOURCED}, {"multiplier", *_SOURCED})
        batch = self.multiplier(batch_raw, "multiplier", "batch")
        sources["batch"] = self.sourced(batch_raw, "batch")
        geo_raw = self.table(raw.get("inference_geo", {}), "inference_geo", {"us_multiplier", *_SOURCED},
                             {"us_multiplier", *_SOURCED})
        us = self.multiplier(geo_raw, "us_multiplier", "inference_geo")
        sources["inference_geo"] = self.sourced(geo_raw, "inference_geo")
        ws_raw = self.table(raw.get("web_search", {}), "web_search", {"per_1k_requests", *_SOURCED},
                            {"per_1k_requests", *_SOURCED})
        per_1k = self.money(ws_raw, "per_1k_requests", "web_search", required=False) or Decimal(0)
        sources["web_search"] = self.sourced(ws_raw, "web_search")
        tok_raw = self.table(raw.get("tokenizer", {}), "tokenizer", {"new_vs_old", *_SOURCED},
                             {"new_vs_old", *_SOURCED})
        inflation = self.multiplier(tok_raw, "new_vs_old", "tokenizer")
        sources["tokenizer"] = self.sourced(tok_raw, "tokenizer")
        tools = None
        if "tools" in raw:
            t_raw = self.table(raw["tools"], "tools", {*_TOOL_KEYS, *_SOURCED}, {*_TOOL_KEYS, *_SOURCED})
            counts = {k: self.integer(t_raw, k, "tools") for k in ("bash_tokens", "bash_tokens_newer",
                                                                   "text_editor_tokens", "computer_use_tokens",
                                                                   "browser_tokens", "code_execution_minimum_minutes")}
            per_hour = self.money(t_raw, "code_execution_per_hour", "tools")
            free = self.money(t_raw, "code_execution_free_hours_per_month", "tools")
            agents = self.money(t_raw, "managed_agents_per_session_hour", "tools")
            newer = self.strings(t_raw, "bash_tokens_newer_models", "tools")
            sources["tools"] = self.sourced(t_raw, "tools")
            if None not in counts.values() and None not in (per_hour, free, agents):
                tools = ToolCharges(per_hour, free, counts["code_execution_minimum_minutes"], agents,  # type: ignore[arg-type]
                                    (("bash", counts["bash_tokens"]), ("text_editor", counts["text_editor_tokens"]),
                                     ("computer_use", counts["computer_use_tokens"]),
                                     ("browser", counts["browser_tokens"])),  # type: ignore[arg-type]
                                    counts["bash_tokens_newer"], newer)  # type: ignore[arg-type]
        regional, premium_from = Decimal(1), None
        if "platforms" in raw:
            pl_raw = self.table(raw["platforms"], "platforms", {"regional_multiplier", "regional_premium_from",
                                                                *_SOURCED},
                                {"regional_multiplier", "regional_premium_from", *_SOURCED})
            regional = self.multiplier(pl_raw, "regional_multiplier", "platforms")
            premium_from = self.date(pl_raw, "regional_premium_from", "platforms")
            sources["platforms"] = self.sourced(pl_raw, "platforms")
            if regional < 1:
                self.err("platforms.regional_multiplier", f"{regional} is out of range: it must be at least 1",
                         "a regional endpoint is a premium, not a discount")
        for where, value, low, high, why in (
                ("cache.write_5m_multiplier", cache.write_5m_multiplier, 1, None, "a cache write costs at least the input"),
                ("cache.write_1h_multiplier", cache.write_1h_multiplier, 1, None, "a cache write costs at least the input"),
                ("cache.read_multiplier", cache.read_multiplier, None, 1, "a cache read costs at most the input"),
                ("batch.multiplier", batch, None, 1, "the Batch API is a discount"),
                ("inference_geo.us_multiplier", us, 1, None, "US-only inference is a premium, not a discount"),
                ("tokenizer.new_vs_old", inflation, 1, None, "the newer tokenizer counts more tokens, not fewer")):
            if (low is not None and value < low) or (high is not None and value > high):
                bound = f"at least {low}" if low is not None and value < low else f"at most {high}"
                self.err(where, f"{value} is out of range: it must be {bound}", why)

        models_raw = raw.get("models", [])
        if not isinstance(models_raw, list) or not models_raw:
            self.err("models", "expected at least one [[models]] entry")
            models_raw = []
        checked_models = [(i, self.model(r, f"models[{i}]", cache)) for i, r in enumerate(models_raw)]
        models = [m for _, m in checked_models if m is not None]
        positions = tuple(i for i, m in checked_models if m is not None)

        # Ids and aliases are unique across the whole file (case-insensitive).
        seen: dict[str, str] = {}
        for i, r in enumerate(models_raw):
            if not isinstance(r, dict):
                continue
            aliases = r.get("aliases", [])  # not a list: already reported by strings(); do not walk its characters
            names = [("id", r.get("id"))] + ([(f"aliases[{j}]", a) for j, a in enumerate(aliases)]
                                             if isinstance(aliases, list) else [])
            for where, name in names:
                if not isinstance(name, str):
                    continue
                key = name.lower()
                if key in seen:
                    self.err(f"models[{i}].{where}", f"{name!r} is already used by {seen[key]}",
                             "every id and alias must name exactly one model")
                else:
                    seen[key] = f"models[{i}] ({r.get('id')})"

        families_raw = raw.get("families", {})
        families: dict[str, str] = {}
        if isinstance(families_raw, dict):
            for short, target in families_raw.items():
                if not isinstance(target, str) or target.lower() not in seen:
                    close = difflib.get_close_matches(str(target), list(seen), n=1)
                    self.err(f"families.{short}", f"points at unknown model {target!r}",
                             f"did you mean {close[0]!r}?" if close else "name a model id from [[models]]")
                elif short.lower() in seen:
                    self.err(f"families.{short}", f"shortcut {short!r} is already a model id or alias")
                else:
                    families[short.lower()] = target.lower()
        else:
            self.err("families", "expected a table of shortcut = model id")

        # Generated platform and gateway spellings must name one model each, and never shadow an id or alias
        # (checked once the ids and aliases themselves are unique: a duplicate alias is reported once, above).
        owner: dict[str, str] = {}
        clashing = any("is already used by" in p.message for p in self.problems)
        for i, m in zip(positions, models if not clashing else [], strict=False):
            for spelling, _, _ in model_spellings(m):
                if spelling in seen and seen[spelling] != f"models[{i}] ({m.id})":
                    self.err(f"models[{i}].platform_ids", f"generated id {spelling!r} is also {seen[spelling]}",
                             "ids must name exactly one model: fix platform_ids or the aliases")
                elif spelling in owner and owner[spelling] != m.id:
                    self.err(f"models[{i}].platform_ids", f"generated id {spelling!r} also names {owner[spelling]}",
                             "ids must name exactly one model: fix platform_ids")
                owner.setdefault(spelling, m.id)

        if self.problems:
            self.partial = self._partial(models, positions, models_raw, families, cache, batch, us, per_1k,
                                         inflation, sources, source)
            return None
        # Resolve family targets to canonical ids.
        index = {m.id: m.id for m in models} | {a: m.id for m in models for a in m.aliases}
        families = {k: index[v] for k, v in families.items()}
        return Pricing(tuple(models), families, cache, batch, us, per_1k / 1000, inflation, sources,
                       path=source, regional_multiplier=regional, regional_premium_from=premium_from, tools=tools)

    def _partial(self, models, positions, models_raw, families, cache, batch, us, per_1k, inflation, sources,
                 source) -> Pricing | None:
        """The models that validated, for the review rules of ``check`` (None when even that is not possible)."""
        try:
            valid = {m.id for m in models}
            raw_ids = {str(r["id"]) for r in models_raw if isinstance(r, dict) and isinstance(r.get("id"), str)}
            index = {m.id: m.id for m in models} | {a: m.id for m in models for a in m.aliases}
            fams = {k: index[v] for k, v in families.items() if v in index}
            ids = frozenset(i.strip().lower() for i in raw_ids) - valid
            return Pricing(tuple(models), fams, cache, batch, us, per_1k / 1000, inflation, sources, path=source,
                           positions=positions, invalid_ids=ids)
        except Exception:  # a partial view is a convenience: never let it hide the problems already found
            return None

    def multiplier(self, raw: dict, key: str, path: str) -> Decimal:
        value = self.money(raw, key, path, required=False) if key in raw else None
        if value is None:
            return Decimal(1)
        if value == 0:
            self.err(f"{path}.{key}", "multiplier must be positive")
        return value

    def model(self, raw: object, path: str, cache: CachePolicy) -> Model | None:
        if not isinstance(raw, dict):
            self.err(path, "expected a [[models]] table")
            return None
        before = len(self.problems)
        self.table(raw, path, _MODEL_KEYS, _MODEL_REQUIRED)
        mid = self.text(raw, "id", path, required=False)
        if mid is not None and any(c.isspace() for c in mid):
            self.err(f"{path}.id", f"ids have no spaces, found {_short(mid)}")
        if mid is not None and mid != mid.lower():
            self.err(f"{path}.id", f"ids are lower case, found {mid!r}")
        status = raw.get("status")
        if status is not None and status not in STATUSES:
            self.err(f"{path}.status", f"unknown status {status!r}", f"use one of {', '.join(STATUSES)}")
        retired = self.date(raw, "retired", path, required=False)
        if status == "retired" and retired is None:
            self.err(f"{path}.retired", "a retired model needs its retirement date", "add retired = YYYY-MM-DD")
        if retired is not None and status != "retired":
            self.err(f"{path}.retired", f"retirement date given but status is {status!r}", "set status = \"retired\"")
        src, checked = self.sourced(raw, path)
        periods_raw = raw.get("periods", [])
        if not isinstance(periods_raw, list) or (not periods_raw and "periods" in raw):
            self.err(f"{path}.periods", "expected at least one [[models.periods]] entry")
            periods_raw = []
        periods = [p for j, pr in enumerate(periods_raw) if (p := self.period(pr, f"{path}.periods[{j}]", cache))]
        for j in range(1, len(periods)):
            prev, cur = periods[j - 1], periods[j]
            where = f"{path}.periods[{j}].effective_from"
            if cur.effective_from <= prev.effective_from:
                self.err(where, f"periods are out of order ({cur.effective_from} after {prev.effective_from})",
                         "list periods oldest first")
            elif prev.effective_to is None:
                self.err(f"{path}.periods[{j - 1}].effective_to", "an open-ended period is followed by another period",
                         f"set effective_to = {cur.effective_from} on the earlier period")
            elif prev.effective_to > cur.effective_from:
                self.err(where, f"overlaps the previous period, which runs to {prev.effective_to}",
                         "the earlier period's effective_to must be on or before this effective_from")
            elif prev.effective_to < cur.effective_from:
                self.err(where, f"gap between {prev.effective_to} and {cur.effective_from}",
                         "make the earlier effective_to equal this effective_from")
        aliases = self.strings(raw, "aliases", path)
        for alias in aliases:
            if alias != alias.lower():
                self.err(f"{path}.aliases", f"aliases are lower case, found {alias!r}")
            if any(c.isspace() for c in alias):
                self.err(f"{path}.aliases", f"aliases have no spaces, found {_short(alias)}")
        ctx = self.integer(raw, "context_window", path, required=False, minimum=1)
        max_out = self.integer(raw, "max_output", path, required=False, minimum=1)
        min_cache = self.integer(raw, "min_cacheable_tokens", path, required=False, minimum=1)
        released = self.date(raw, "released", path, required=False)
        if released is not None and periods and released > periods[0].effective_from:
            self.err(f"{path}.released", f"{released} is after its first price period starts "
                                         f"({periods[0].effective_from})",
                     "a model cannot be priced before it is released: fix one of the two dates")
        retires = self.date(raw, "retires", path, required=False)
        new_tok = self.boolean(raw, "new_tokenizer", path, default=False)
        us = self.boolean(raw, "us_inference", path, default=False)
        avail = raw.get("availability", "general")
        if avail not in ("general", "limited"):
            self.err(f"{path}.availability", f"unknown availability {avail!r}", "use general or limited")
        third = self.strings(raw, "third_party", path)
        for name in ("name", "family"):
            self.text(raw, name, path, required=False)
        notes = self.notes(raw, path)
        platform_ids = self.platform_ids(raw, path)
        tsp = raw.get("tool_system_prompt")
        tool_prompt = None
        if tsp is not None:
            if not (isinstance(tsp, dict) and set(tsp) == {"auto", "any"} and all(
                    isinstance(v, int) and not isinstance(v, bool) and 0 < v < 100_000 for v in tsp.values())):
                self.err(f"{path}.tool_system_prompt", f"expected {{ auto = N, any = N }} in tokens, found {_short(tsp)}")
            else:
                tool_prompt = (tsp["auto"], tsp["any"])
        if len(self.problems) != before or mid is None or not isinstance(status, str):
            return None
        return Model(
            id=mid, name=raw["name"], family=raw["family"], status=status, aliases=aliases, released=released,
            retires=retires, retired=retired, context_window=ctx, max_output=max_out,
            min_cacheable_tokens=min_cache or 0, new_tokenizer=new_tok, us_inference=us, availability=avail,
            periods=tuple(periods), source=src, checked=checked, third_party=third, notes=notes,
            platform_ids=platform_ids, tool_system_prompt=tool_prompt,
        )

    def rates(self, raw: dict, path: str, cache: CachePolicy) -> Rates | None:
        inp = self.money(raw, "input_per_mtok", path)
        out = self.money(raw, "output_per_mtok", path)
        w5 = self.money(raw, "cache_write_5m_per_mtok", path, required=False)
        w1 = self.money(raw, "cache_write_1h_per_mtok", path, required=False)
        rd = self.money(raw, "cache_read_per_mtok", path, required=False)
        for key, value in (("input_per_mtok", inp), ("output_per_mtok", out)):
            if value == 0:
                self.err(f"{path}.{key}", "price is zero: every request would be priced at $0 with no note",
                         "give the published price; a model without one does not belong in the file")
        if inp is None or out is None or inp == 0 or out == 0:
            return None
        return Rates(
            input=inp,
            output=out,
            cache_write_5m=w5 if w5 is not None else inp * cache.write_5m_multiplier,
            cache_write_1h=w1 if w1 is not None else inp * cache.write_1h_multiplier,
            cache_read=rd if rd is not None else inp * cache.read_multiplier,
        )

    def period(self, raw: object, path: str, cache: CachePolicy) -> Period | None:
        if not isinstance(raw, dict):
            self.err(path, "expected a [[models.periods]] table")
            return None
        before = len(self.problems)
        self.table(raw, path, _PERIOD_KEYS, {"effective_from", "input_per_mtok", "output_per_mtok", *_SOURCED})
        start = self.date(raw, "effective_from", path)
        end = self.date(raw, "effective_to", path, required=False)
        if start and end and end <= start:
            self.err(f"{path}.effective_to", f"ends ({end}) on or before it starts ({start})")
        rates = self.rates(raw, path, cache)
        src, checked = self.sourced(raw, path)
        tiers: list[Tier] = []
        tiers_raw = raw.get("tiers", [])
        if not isinstance(tiers_raw, list):
            self.err(f"{path}.tiers", "expected [[models.periods.tiers]] entries")
            tiers_raw = []
        for k, tr in enumerate(tiers_raw):
            tpath = f"{path}.tiers[{k}]"
            tr = self.table(tr, tpath, _TIER_KEYS, {"above_prompt_tokens", "input_per_mtok", "output_per_mtok"})
            above = self.integer(tr, "above_prompt_tokens", tpath, minimum=1)
            trates = self.rates(tr, tpath, cache) if tr else None
            if trates is not None and rates is not None:
                for bucket in ("input", "output"):
                    if getattr(trates, bucket) < getattr(rates, bucket):
                        self.err(f"{tpath}.{bucket}_per_mtok",
                                 f"{getattr(trates, bucket)} is below the base {bucket} price ({getattr(rates, bucket)})",
                                 "a longer prompt never costs less per token: check the figures")
            if above is not None and trates is not None:
                if tiers and above <= tiers[-1].above_prompt_tokens:
                    self.err(f"{tpath}.above_prompt_tokens", "tiers must be listed by increasing threshold")
                tiers.append(Tier(above, trates))
        fast = None
        if "fast" in raw:
            fr = self.table(raw["fast"], f"{path}.fast", _FAST_KEYS, _FAST_KEYS)
            fin = self.money(fr, "input_per_mtok", f"{path}.fast") if fr else None
            fout = self.money(fr, "output_per_mtok", f"{path}.fast") if fr else None
            if fin is not None and fout is not None and rates is not None:
                if rates.input == 0:
                    self.err(f"{path}.input_per_mtok", "fast mode needs a non-zero base input price")
                else:
                    ratio = fin / rates.input
                    fast = FastRates(Rates(fin, fout, rates.cache_write_5m * ratio, rates.cache_write_1h * ratio,
                                           rates.cache_read * ratio))
        fbs = self.boolean(raw, "fast_billed_as_standard", path, default=False)
        if fbs and "fast" in raw:
            self.err(f"{path}.fast_billed_as_standard", "a period cannot both price fast mode and bill it as standard")
        third = self.strings(raw, "third_party", path)
        notes = self.notes(raw, path)
        if len(self.problems) != before or start is None or rates is None:
            return None
        return Period(start, end, rates, tuple(tiers), fast, fbs, frozenset(k for k in RATE_KEYS if k in raw),
                      src, checked, third, notes)


#: Prices above this many USD (per million tokens, or per 1,000 web searches) are refused as implausible.
MAX_PRICE = Decimal(10_000)
#: Prices have at most this many decimal places: the log analyser keeps money in whole femto-dollars
#: (USD per MTok x 10^9 per token must be a whole number).
MAX_DECIMALS = 9


def _short(value: object, limit: int = 60) -> str:
    """``repr`` of a value, cut to ``limit`` characters so that a huge value cannot flood a message."""
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_url(text: str) -> bool:
    from urllib.parse import urlsplit

    if any(c.isspace() for c in text):
        return False
    parts = urlsplit(text)
    host = parts.hostname or ""
    return parts.scheme in ("https", "http") and "." in host and not host.startswith(".") and not host.endswith(".")


_REQUIRED_HINTS = {
    "source": "add source = \"https://...\" with the official page the figure comes from",
    "checked": "add checked = YYYY-MM-DD, the day you compared the figure with its source",
    "id": "the canonical API model id, e.g. claude-sonnet-4-6",
    "effective_from": "the first UTC day the prices apply, e.g. effective_from = 2026-10-07",
    "input_per_mtok": "give the price in USD per million tokens",
    "output_per_mtok": "give the price in USD per million tokens",
}
