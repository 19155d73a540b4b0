"""Amazon Bedrock model-invocation logs, platforms and endpoints in the analyser, and money display strings.

The fixture follows AWS's documented record (https://docs.aws.amazon.com/bedrock/latest/userguide/
model-invocation-logging.html): schemaType ModelInvocationLog, modelId, input.inputTokenCount,
output.outputTokenCount, input.cacheRead/cacheWriteInputTokenCount, and the logged bodies. Expected costs are
worked by hand from Anthropic's published prices (per MTok): Sonnet 4.5 $3 input, $3.75 5-minute writes, $6
1-hour writes, $0.30 reads, $15 output; Haiku 4.5 $1/$5; Opus 4.1 $15/$75. Regional endpoints cost 1.1x for
models released from 2025-09-29 (Sonnet 4.5, Haiku 4.5), not for Opus 4.1.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from conftest import PINNED_TODAY

from calculators import bridge, logs
from calculators.cli import main
from calculators.logs import bedrock
from calculators.logs.reader import sniff
from calculators.present import usd_display

FIX = Path(__file__).parent / "log_fixtures" / "bedrock"
LOG = FIX / "invocations.jsonl"

# 1. us. profile (regional, x1.1): 1,000 in x $3.30 + 1,500 5m x $4.125 + 500 1h x $6.60 + 10,000 reads x $0.33
#    + 500 out x $16.50 = 3,300 + 6,187.5 + 3,300 + 3,300 + 8,250 = 24,337.5 per MTok-units -> $0.0243375
#    (the body's 5m/1h split is used; Bedrock's own counts would make all 2,000 writes 5-minute ones)
# 2. global. profile: 2,000 x $3 + 1,000 x $15 = 21,000 -> $0.021
# 3. foundation-model ARN of Haiku 4.5 (in-region: regional): 3,000 x $1.10 + 200 x $5.50 = 4,400 -> $0.0044
# 4. us. profile of Opus 4.1 (no premium): 100 x $15 + 100 x $75 = 9,000 -> $0.009
REGIONAL = Decimal("0.0243375") + Decimal("0.0044") + Decimal("0.009")  # $0.0377375
GLOBAL = Decimal("0.021")
TOTAL = REGIONAL + GLOBAL  # $0.0587375


def _report(*paths, **opts):
    o = logs.Options(**{"at": "2026-10-08", "today": PINNED_TODAY, **opts})
    return logs.analyze_paths([str(p) for p in paths], o, jobs=1).report()


def test_bedrock_invocation_log_prices_exactly():
    rep = _report(LOG)
    assert rep["files"][0]["format"] == "bedrock"
    assert Decimal(rep["total_usd"]) == TOTAL
    assert rep["records"] == 4 and rep["duplicates_merged"] == 1  # record 1 delivered twice
    # 8 lines: six records (the duplicate and the unpriced one included), the throttled call, the bad count
    assert rep["lines"] == {"lines": 8, "records": 6, "malformed": 1, "ignored": 1, "synthetic": 0, "blank": 0}
    assert rep["by_platform"] == {
        "bedrock/regional": {"total_usd": "0.0377375", "total_display": usd_display(REGIONAL), "records": 3},
        "bedrock/global": {"total_usd": "0.021", "total_display": "$0.021", "records": 1},
    }
    sonnet = rep["by_model"]["claude-sonnet-4-5-20250929"]
    assert Decimal(sonnet["total_usd"]) == Decimal("0.0243375") + GLOBAL
    assert sonnet["cache_write_5m"] == 1500 and sonnet["cache_write_1h"] == 500
    assert rep["malformed_lines"][0]["reason"] == "input.inputTokenCount cannot be negative (got -5)"


def test_application_inference_profile_is_unpriced_with_its_reason():
    rep = _report(LOG)
    (arn, u), = rep["unpriced"].items()
    assert arn.endswith("application-inference-profile/a1b2c3d4e5f6")
    assert u["records"] == 1 and u["input"] == 400 and u["output"] == 40
    assert "does not say which model" in u["reason"]


def test_bedrock_model_ids_and_arns():
    assert bedrock.model_of("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0") \
        == "anthropic.claude-haiku-4-5-20251001-v1:0"
    assert bedrock.model_of("arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-"
                            "sonnet-4-5-20250929-v1:0") == "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert bedrock.model_of("us.anthropic.claude-sonnet-4-5-20250929-v1:0") == \
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def test_sniffing_and_forced_format(tmp_path, capsys):
    assert sniff(LOG.read_bytes()[:4096]) == "bedrock"
    renamed = tmp_path / "exported.json"
    renamed.write_bytes(LOG.read_bytes())
    assert main(["analyze", str(renamed), "--format", "bedrock", "--at", "2026-10-08", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert Decimal(out["total_usd"]) == TOTAL
    # forced to another format, the same lines hold no request of that format
    rep = _report(LOG, fmt="claude-code")
    assert rep["records"] == 0


def test_text_report_lists_spend_by_platform(capsys):
    assert main(["analyze", str(LOG), "--at", "2026-10-08"]) == 0
    text = capsys.readouterr().out
    assert "By platform and endpoint" in text
    assert "bedrock/regional" in text and usd_display(REGIONAL) in text
    assert f"Total: {usd_display(TOTAL)}" in text  # $0.058738


def test_browser_session_reads_bedrock_in_chunks_and_returns_display_strings():
    start = bridge.call("analyze_start", {"at": "2026-10-08"})
    sid = start["result"]["session"]
    data = LOG.read_text()
    for i in range(0, len(data), 333):  # lines cut anywhere
        bridge.call("analyze_chunk", {"session": sid, "file": "bedrock.jsonl", "text": data[i:i + 333]})
    got = bridge.call("analyze_finish", {"session": sid})
    assert got["ok"], got
    rep = got["result"]
    assert Decimal(rep["total_usd"]) == TOTAL and rep["total_display"] == usd_display(TOTAL)
    assert rep["by_platform"]["bedrock/global"]["total_display"] == "$0.021"
    for row in rep["by_day"] + rep["by_session"]:
        assert row["total_display"] == usd_display(Decimal(row["total_usd"]))
    for lever in rep["what_if"]:
        assert lever["saving_display"] == usd_display(Decimal(lever["saving_usd"]))
    for b, v in rep["spend_by_bucket"].items():
        assert v["display"] == usd_display(Decimal(v["usd"])), b
    for mid, m in rep["by_model"].items():
        assert m["total_display"] == usd_display(Decimal(m["total_usd"])), mid
        assert m["display_by_bucket"] == {b: usd_display(Decimal(v)) for b, v in m["usd_by_bucket"].items()}
    t = rep["per_turn"]
    assert t["mean_display"] == usd_display(Decimal(t["mean_usd"]))
