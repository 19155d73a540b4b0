"""Tool and agent charges (issue 16): tool-use system prompts, Anthropic-defined tools' tokens, code execution
container time and Managed Agents session time.

Figures from pricing.toml, worked by hand: Claude Opus 4.8 $5 input / $25 output per MTok, tool-use system
prompt 290 tokens (auto/none) or 410 (any/tool), bash 325 tokens on Opus 4.8 (244 on older models), text
editor 700; code execution $0.05 per container-hour with a 5-minute minimum, free with the 2026-02-09 web
search / fetch tools; Managed Agents $0.08 per session-hour.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from calculators import price
from calculators.cli import main
from calculators.cost import tool_overhead
from calculators.errors import PriceError

DAY = "2026-12-04"


def test_tool_overhead_per_model_and_choice():
    # Opus 4.8, auto: 290 + bash 325 + text editor 700 = 1,315; any: 410 + 325 + 700 = 1,435
    assert tool_overhead("claude-opus-4-8", ["bash", "text_editor"]).total == 1_315
    assert tool_overhead("claude-opus-4-8", ["bash", "text_editor"], tool_choice="any").total == 1_435
    # Sonnet 4.6 predates the bigger bash prompt: 497 + 244 = 741
    assert tool_overhead("claude-sonnet-4-6", ["bash"]).total == 741
    # custom tools: only the system prompt (your definitions are your own tokens)
    assert tool_overhead("claude-opus-4-8", ["custom"]).total == 290
    assert tool_overhead("claude-opus-4-8", []).total == 0


def test_an_unpublished_system_prompt_is_said_not_guessed():
    over = tool_overhead("claude-opus-5-5", ["custom"])
    assert over.system_prompt is None and over.total == 0
    assert "publishes no tool-use system prompt size" in over.notes[0]


def test_tools_add_uncached_input_tokens_to_the_price():
    # 1,000 + 1,315 = 2,315 input x $5 / 1M = $0.011575; 100 output x $25 / 1M = $0.0025 -> $0.014075
    cost = price("claude-opus-4-8", input=1_000, output=100, tools=["bash", "text_editor"], at=DAY)
    assert cost.item("input").tokens == 2_315
    assert cost.total == Decimal("0.014075")
    assert any("tools add 1,315 input tokens" in n for n in cost.notes)


def test_container_time_and_its_minimum():
    # 0.5 h x $0.05 = $0.025
    half = price("claude-opus-4-8", input=0, container_hours="0.5", at=DAY)
    assert half.item("code_execution").usd == Decimal("0.025")
    # 1 minute is billed as the 5-minute minimum: 1/12 h (0.083333333333, rounded to 12 places) x $0.05
    short = price("claude-opus-4-8", input=0, container_hours=Decimal(1) / 60, at=DAY)
    assert short.item("code_execution").hours == Decimal("0.083333333333")
    assert short.item("code_execution").usd == Decimal("0.00416666666665")
    assert any("at least 5 minutes" in n for n in short.notes)
    # free with the newer web search / fetch tools
    free = price("claude-opus-4-8", input=0, container_hours=2, with_search_or_fetch=True, at=DAY)
    assert free.item("code_execution").usd == 0 and free.total == 0


def test_managed_agents_session_hours():
    # 2.5 session-hours x $0.08 = $0.20
    cost = price("claude-opus-4-8", input=0, session_hours="2.5", at=DAY)
    assert cost.item("managed_agents").usd == Decimal("0.2") and cost.total == Decimal("0.2")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"tools": ["hammer"]}, "tools"), ({"tool_choice": "maybe", "tools": ["bash"]}, "tool_choice"),
    ({"container_hours": "-1"}, "container_hours"), ({"session_hours": "NaN"}, "session_hours"),
])
def test_bad_tool_inputs_are_named(kwargs, field):
    with pytest.raises(PriceError) as err:
        price("claude-opus-4-8", input=1, at=DAY, **kwargs)
    assert err.value.field == field


def test_cli_json_has_the_time_charges(capsys):
    assert main(["price", "--model", "claude-opus-4-8", "--input", "1000", "--tools", "bash", "--container-hours",
                 "1", "--session-hours", "1", "--at", DAY, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    items = {i["bucket"]: i for i in out["items"]}
    # input 1,000 + 290 + 325 = 1,615 x $5 / 1M = $0.008075; + $0.05 + $0.08 = $0.138075
    assert items["input"]["tokens"] == 1_615
    assert items["code_execution"] == {"bucket": "code_execution", "tokens": 0, "usd_per_mtok": None, "usd": "0.05",
                                       "hours": "1", "usd_per_hour": "0.05"}
    assert out["total_usd"] == "0.138075"
