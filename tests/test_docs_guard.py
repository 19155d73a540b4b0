"""No price or dollar amount is typed into the docs: every figure comes from a shortcode.

Rule (see docs/conventions.md): in ``docs/**/*.md``, outside ``<!-- cc:... -->`` shortcodes, there is no
``$`` followed by a digit, no number followed by ``/ MTok``, "per MTok", "per million tokens", "USD", "dollars" or "cents".
Code blocks are checked too: examples compute figures with the ``calculators`` library and print them, so they
never need a literal price or a copied result.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
SHORTCODE = re.compile(r"<!--\s*cc:.*?-->")
LITERALS = [
    ("dollar amount", re.compile(r"\$\s?\d")),
    ("per-MTok figure", re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:/|per)\s*(?:MTok|M tok|million tokens|mtok)\b", re.I)),
    ("USD amount", re.compile(r"\d[\d,]*(?:\.\d+)?\s*USD\b")),
    ("dollar word amount", re.compile(r"\d[\d,]*(?:\.\d+)?\s*dollars?\b", re.I)),
    ("cent amount", re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:cents?|¢)(?!\w)", re.I)),
]


def literal_figures(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, excerpt) for every literal price-like figure outside a shortcode.

    The whole page is scanned at once, so a figure split over two lines ("12.50" at the end of one, "per MTok"
    at the start of the next) is caught too. Shortcodes are blanked out with spaces, keeping line numbers.
    """
    bare = SHORTCODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = []
    for kind, pattern in LITERALS:
        for m in pattern.finditer(bare):
            excerpt = " ".join(bare[max(0, m.start() - 20): m.end() + 20].split())
            found.append((bare.count("\n", 0, m.start()) + 1, kind, excerpt))
    return sorted(found)


PAGES = sorted(DOCS.rglob("*.md"))


def test_there_are_pages():
    assert len(PAGES) >= 12


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_no_literal_figures(page):
    problems = literal_figures(page.read_text(encoding="utf-8"))
    assert not problems, "\n".join(
        f"{page.relative_to(DOCS)}:{line}: literal {kind} {excerpt!r}: use a cc: shortcode (docs/conventions.md)"
        for line, kind, excerpt in problems)


@pytest.mark.parametrize("text", [
    "Opus 4.7 costs $15 per million input tokens.",
    "Opus costs $ 5 input.",
    "input is 3 / MTok",
    "input is 3.50/MTok on Sonnet",
    "it costs 2 per MTok",
    "about 0.30 per million tokens",
    "the bill was 54 USD",
    "roughly 1,200 dollars a month",
    "under 5 cents a request",
    "about 3¢ each",
    "the input price is 12.50\nper MTok on this model",
    "    print('$3.00')",
    "<!-- cc:price sonnet input --> and $2",
])
def test_guard_catches_literals(text):
    assert literal_figures(text)


@pytest.mark.parametrize("text", [
    "Sonnet input costs <!-- cc:price sonnet input -->.",
    'ratio <!-- cc:ratio num="cost sonnet input=1000" den="cost opus input=1000" --> here',
    "a 12,000-token system prompt over 500,000 requests",
    "claude-cost price --model sonnet --input 2000",
    "$ claude-cost models",
    'print(f"{cost.total} USD")',
    "Prices are USD per million tokens (MTok).",
])
def test_guard_allows(text):
    assert not literal_figures(text)
