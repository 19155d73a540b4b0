"""calculators.forms: the one reading of a number typed into a form, and its one wording of errors, shared by the
Cost Calculator, the recommender, the Diff Summarizer and the Skills Browser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calculators import bridge
from calculators.forms import form_number


def read(value, **kw):
    errors: list[tuple[str, str]] = []
    got = form_number(value, "f", "Output", errors, **{"hi": 10**12, **kw})
    return got, [m for _, m in errors]


@pytest.mark.parametrize(("typed", "want"), [
    ("12,000", Decimal(12000)), ("12_000", Decimal(12000)), (" 12 000 ", Decimal(12000)), ("1.2e4", Decimal(12000)),
    (7, Decimal(7)), (2.0, Decimal(2)), ("0", Decimal(0)), (10**12, Decimal(10**12)),
])
def test_numbers_as_people_type_them(typed, want):
    assert read(typed, whole=True) == (want, [])


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_is_the_default(blank):
    assert read(blank) == (None, [])
    assert read(blank, default=Decimal(5)) == (Decimal(5), [])


@pytest.mark.parametrize(("typed", "kw", "message"), [
    ("abc", {}, "Output must be a number, got 'abc'"),
    ("abc", {"whole": True}, "Output must be a whole number, got 'abc'"),
    ("inf", {}, "Output must be a number, got 'inf'"),
    (True, {"whole": True}, "Output must be a whole number"),
    ([1], {}, "Output must be a number"),
    ("1.5", {"whole": True}, "Output must be a whole number, got '1.5'"),
    ("-3", {}, "Output cannot be negative"),
    ("0", {"lo": 1}, "Output must be a number from 1 to 1,000,000,000,000"),
    ("1e99", {"whole": True, "hint": "per request"},
     "Output must be a whole number from 0 to 1,000,000,000,000 (per request)"),
    ("x" * 500, {}, "Output must be a number, got '" + "x" * 23 + "\u2026'"),
])
def test_one_wording_of_each_problem(typed, kw, message):
    assert read(typed, default=Decimal(9), **kw) == (Decimal(9), [message])


@pytest.mark.parametrize(("handler", "inputs", "field", "message"), [
    ("calculator", {"output": "1.5"}, "output", "Output must be a whole number, got '1.5'"),
    ("recommend", {"prompt": "Hello", "turns": "1.5"}, "turns", "turns must be a whole number, got '1.5'"),
    ("diff_summary", {"diff": "", "context_lines": "1.5"}, "context_lines",
     "context lines must be a whole number, got '1.5'"),
    ("skills", {"files": {"CLAUDE.md": "hi"}, "mcp_tokens": "1.5"}, "mcp_tokens",
     "MCP tool tokens must be a whole number, got '1.5'"),
])
def test_every_tool_words_a_bad_number_the_same_way(handler, inputs, field, message):
    response = bridge.call(handler, inputs)
    assert not response["ok"]
    assert [e["message"] for e in response["errors"] if e["field"] == field] == [message]
