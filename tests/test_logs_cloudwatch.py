"""Amazon Bedrock invocation logs as AWS stores them: gzipped in S3, exported from CloudWatch Logs, or delivered by a
CloudWatch Logs subscription.

The wrappings follow AWS's documentation:

* S3 delivery (https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html): gzipped JSON
  objects under ``AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/``, one record a line;
* CloudWatch Logs export to S3 (CreateExportTask): gzipped files such as ``000000.gz``, each line the event's
  timestamp, a space and the message;
* subscription payloads (PutSubscriptionFilter: "Base64 encoded and compressed with the GZIP format"; Firehose
  writes them to S3 back to back): ``{"messageType": "DATA_MESSAGE", "owner", "logGroup", "logStream",
  "subscriptionFilters", "logEvents": [{"id", "timestamp", "message"}]}``, plus ``CONTROL_MESSAGE`` payloads
  that carry no log event.

The records inside are those of tests/log_fixtures/bedrock/invocations.jsonl, whose total is worked by hand in
tests/test_logs_bedrock.py: $0.0243375 + $0.021 + $0.0044 + $0.009 = $0.0587375. Wrapped, the total must be the
same to the last digit, and the bad record (line 8, a negative token count) is still reported.
"""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

from conftest import PINNED_TODAY
from test_logs_bedrock import LOG, TOTAL

from calculators import bridge, logs
from calculators.cli import main
from calculators.logs.reader import sniff

LINES = LOG.read_text().splitlines()
BAD = "input.inputTokenCount cannot be negative (got -5)"


def _report(*paths, **opts):
    o = logs.Options(**{"at": "2026-10-08", "today": PINNED_TODAY, **opts})
    return logs.analyze_paths([str(p) for p in paths], o, jobs=1).report()


def _export_text() -> str:
    return "".join(f"2026-10-08T12:00:{i:02d}.000Z {line}\n" for i, line in enumerate(LINES))


def _payload(lines, kind="DATA_MESSAGE") -> str:
    return json.dumps({"messageType": kind, "owner": "123456789012", "logGroup": "/aws/bedrock/invocations",
                       "logStream": "aws/bedrock/modelinvocations", "subscriptionFilters": ["to-firehose"],
                       "logEvents": [{"id": f"3795{i:04d}", "timestamp": 1791460800000 + i, "message": line}
                                     for i, line in enumerate(lines)]})


def test_s3_delivery_folder_of_json_gz(tmp_path):
    folder = tmp_path / "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/10/08/12"
    folder.mkdir(parents=True)
    (folder / "20261008T1200Z_0a1b2c.json.gz").write_bytes(gzip.compress(LOG.read_bytes()))
    rep = _report(tmp_path)  # the folder walk finds .gz files
    assert rep["files"][0]["format"] == "bedrock"
    assert Decimal(rep["total_usd"]) == TOTAL
    assert rep["lines"] == {"lines": 8, "records": 6, "malformed": 1, "ignored": 1, "synthetic": 0, "blank": 0}
    assert rep["malformed_lines"][0]["line"] == 8 and rep["malformed_lines"][0]["reason"] == BAD


def test_cloudwatch_export_lines_with_a_timestamp_prefix(tmp_path):
    export = tmp_path / "000000.gz"
    export.write_bytes(gzip.compress(_export_text().encode()))
    assert sniff(_export_text().encode()[:4096]) == "bedrock"
    rep = _report(export)
    assert rep["files"][0]["format"] == "bedrock"
    assert Decimal(rep["total_usd"]) == TOTAL and rep["records"] == 4
    assert (rep["malformed_lines"][0]["line"], rep["malformed_lines"][0]["reason"]) == (8, BAD)


def test_subscription_payloads_back_to_back_in_several_gzip_members(tmp_path):
    # Firehose: three payloads written back to back (the middle one a CONTROL_MESSAGE), the second gzip member
    # starting after the first; every log event counts as a line.
    first = _payload(LINES[:3]) + _payload([], "CONTROL_MESSAGE")
    second = _payload(LINES[3:])
    path = tmp_path / "firehose-1-2026-10-08-12-00-00-abcd"
    path.write_bytes(gzip.compress(first.encode()) + gzip.compress(second.encode()))
    rep = _report(path)
    assert rep["files"][0]["format"] == "bedrock"
    assert Decimal(rep["total_usd"]) == TOTAL and rep["records"] == 4 and rep["duplicates_merged"] == 1
    assert rep["lines"] == {"lines": 8, "records": 6, "malformed": 1, "ignored": 1, "synthetic": 0, "blank": 0}
    # no line break between the payloads: they are all line 1, and the bad record is its 8th log event
    assert rep["malformed_lines"] == [{"file": str(path), "line": 1, "reason": f"log event 8: {BAD}"}]


def test_one_payload_a_line_and_a_bad_event(tmp_path):
    path = tmp_path / "subscription.jsonl"
    events = [*LINES[:2], "{not json"]
    path.write_text(_payload(events) + "\n" + _payload(LINES[2:4]) + "\n")
    rep = _report(path, fmt="bedrock")
    # events: fixture lines 1-2 (records 1 and 2) and a broken one; then fixture lines 3-4 (records 3 and 4):
    # the four priced records of the hand-worked total
    assert Decimal(rep["total_usd"]) == TOTAL and rep["records"] == 4
    assert rep["lines"]["lines"] == 5 and rep["malformed"] == 1
    bad = rep["malformed_lines"][0]
    assert bad["line"] == 1 and bad["reason"].startswith("log event 3: ")


def test_gzip_cut_short_keeps_what_was_read_and_says_so(tmp_path):
    whole = gzip.compress(LOG.read_bytes())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(whole[:-8])  # the trailer (CRC and size) is missing: every record was read
    rep = _report(path)
    assert Decimal(rep["total_usd"]) == TOTAL
    assert rep["malformed"] == 2 and rep["lines"]["lines"] == 9
    assert rep["malformed_lines"][-1]["line"] == 9
    assert rep["malformed_lines"][-1]["reason"].startswith("gzip data cut short")


def test_cli_reads_gz_transparently(tmp_path, capsys):
    path = tmp_path / "invocations.jsonl.gz"
    path.write_bytes(gzip.compress(LOG.read_bytes()))
    assert main(["analyze", str(path), "--at", "2026-10-08", "--json"]) == 0
    assert Decimal(json.loads(capsys.readouterr().out)["total_usd"]) == TOTAL


def test_browser_session_reads_unwrapped_text():
    # The page gunzips a .gz file itself (DecompressionStream) and sends the text: payloads and export lines.
    for text in (_export_text(), _payload(LINES[:3]) + _payload(LINES[3:]) + "\n"):
        sid = bridge.call("analyze_start", {"at": "2026-10-08"})["result"]["session"]
        for i in range(0, len(text), 500):
            assert bridge.call("analyze_chunk", {"session": sid, "file": "000000.gz", "text": text[i:i + 500]})["ok"]
        rep = bridge.call("analyze_finish", {"session": sid})["result"]
        assert Decimal(rep["total_usd"]) == TOTAL and rep["malformed"] == 1
