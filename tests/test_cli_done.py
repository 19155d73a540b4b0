"""The foundation issue's literal "done means" checks, run through the real CLI entry point."""

import json

from calculators.cli import main


def test_sonnet_4_6_turn_from_the_issue(capsys):
    # 2,000 input x $3/MTok = $0.006; 500 output x $15/MTok = $0.0075; total $0.0135.
    assert main(["price", "--model", "claude-sonnet-4-6", "--input", "2000", "--output", "500", "--json",
                 "--at", "2026-11-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "claude-sonnet-4-6"
    assert out["total_usd"] == "0.0135"
