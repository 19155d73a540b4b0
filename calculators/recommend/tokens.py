"""Token estimates from characters, as a range (Anthropic's tokenizer is not available offline)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

# ----------------------------------------------------------------------------------------------------------
# Token estimate
# ----------------------------------------------------------------------------------------------------------

_ALNUM = bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123))
_PUNCT = bytes(c for c in range(33, 127) if not chr(c).isalnum())
_CONTROL = bytes(c for c in range(0, 32) if c not in (9, 10, 13)) + b"\x7f"
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_NON_ASCII_RUNS = re.compile(r"[^\x00-\x7f]+")
_SCRIPTS = (
    ("Chinese, Japanese or Korean", _CJK),
    ("Cyrillic", re.compile("[\u0400-\u04ff]")),
    ("Arabic", re.compile("[\u0600-\u06ff]")),
    ("Hebrew", re.compile("[\u0590-\u05ff]")),
    ("Greek", re.compile("[\u0370-\u03ff]")),
    ("Devanagari", re.compile("[\u0900-\u097f]")),
    ("Thai", re.compile("[\u0e00-\u0e7f]")),
)


@dataclass(frozen=True)
class CharCounts:
    """The character classes the estimate is built from."""

    total: int
    alnum: int
    punct: int
    whitespace_runs: int
    cjk: int
    other_non_ascii: int
    control: int
    replacement: int

    @classmethod
    def of(cls, text: str) -> CharCounts:
        raw = text.encode("ascii", "ignore")
        alnum = len(raw) - len(raw.translate(None, _ALNUM))
        punct = len(raw) - len(raw.translate(None, _PUNCT))
        control = len(raw) - len(raw.translate(None, _CONTROL))
        ws = raw.count(b"\n") + raw.count(b"\t") + raw.count(b"  ")
        non_ascii = len(text) - len(raw)
        cjk = replacement = 0
        if non_ascii:
            wide = "".join(_NON_ASCII_RUNS.findall(text))
            cjk = len(_CJK.findall(wide))
            replacement = wide.count("\ufffd")
        return cls(len(text), alnum, punct, ws, cjk, non_ascii - cjk, control, replacement)


@dataclass(frozen=True)
class TokenRange:
    """An estimated token count: ``low`` to ``high``, with ``mid`` the figure used for prices."""

    low: int
    high: int

    @property
    def mid(self) -> int:
        return (self.low + self.high + 1) // 2

    def scaled(self, factor: Decimal) -> TokenRange:
        if factor == 1:
            return self
        return TokenRange(_ceil(self.low * factor), _ceil(self.high * factor))

    def __add__(self, other: TokenRange) -> TokenRange:
        return TokenRange(self.low + other.low, self.high + other.high)

    def to_json(self) -> dict:
        return {"low": self.low, "mid": self.mid, "high": self.high}


ZERO_TOKENS = TokenRange(0, 0)

#: Tokens per character class, as (low, high) in hundredths of a token: the older tokenizer splits English
#: prose into about one token per three to four letters (spaces between words merge into the words),
#: punctuation into one token or less per mark, a CJK character into about one token, other non-ASCII letters
#: into a third of a token to one token each.
_RATES_HUNDREDTHS = {
    "alnum": (25, 36),             # 1 token per 4 letters .. 1 per 2.8
    "punct": (50, 100),
    "whitespace_runs": (20, 100),  # newlines, tabs and indentation
    "cjk": (70, 150),
    "other_non_ascii": (30, 100),
    "control": (50, 100),
}


def estimate_tokens(text: str, counts: CharCounts | None = None) -> TokenRange:
    """A token range for ``text`` on the older Claude tokenizer, from its character classes.

    This is an estimate, not a count: Anthropic's tokenizer is not published for offline use (the exact
    figure comes from the API's token-counting endpoint or a response's ``usage``).
    """
    if not text:
        return ZERO_TOKENS
    c = counts or CharCounts.of(text)
    low = high = 0
    for name, (lo, hi) in _RATES_HUNDREDTHS.items():
        n = getattr(c, name)
        low += n * lo
        high += n * hi
    return TokenRange(max(1, low // 100), max(1, -(-high // 100)))


def _ceil(value: Decimal | int) -> int:
    return int(Decimal(value).to_integral_value(ROUND_CEILING))
