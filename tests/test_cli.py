"""The `claude-cost` command line, through `calculators.cli.main` and through real processes.

Expected figures are hand-computed from published prices (USD per million tokens); "u$" = micro-dollars.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from calculators.cli import main

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = HERE / "broken_pricing"
NOV = "2026-11-01"

RESPONSE = {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
            "content": [{"type": "text", "text": "hello"}],
            "usage": {"input_tokens": 2048, "cache_read_input_tokens": 1800, "cache_creation_input_tokens": 248,
                      "output_tokens": 503,
                      "cache_creation": {"ephemeral_5m_input_tokens": 148, "ephemeral_1h_input_tokens": 100}}}
# Sonnet 4.6: 2,048 x 3 = 6,144; 148 x 3.75 = 555; 100 x 6 = 600; 1,800 x 0.30 = 540; 503 x 15 = 7,545
# -> 15,384 u$
RESPONSE_TOTAL = "0.015384"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code != 0
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err


# ----------------------------------------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------------------------------------


def test_models_table(capsys):
    code, out, _ = run(capsys, "models", "--at", NOV)
    assert code == 0
    lines = out.splitlines()
    assert "2026-11-01" in lines[0]
    rows = {line.split()[0]: line.split() for line in lines[3:]}
    # Haiku 5.5: $0.10 in, 5m 1.25x = $0.125, 1h 2x = $0.20, read 0.1x = $0.01, $0.50 out
    assert rows["claude-haiku-5-5"] == ["claude-haiku-5-5", "current", "$0.10", "$0.125", "$0.20", "$0.01", "$0.50"]
    # Opus 5.5: $4, $5, $8, read 0.05x = $0.20, $20
    assert rows["claude-opus-5-5"][2:] == ["$4.00", "$5.00", "$8.00", "$0.20", "$20.00"]
    # retired models only with --all
    assert "claude-3-opus-20240229" not in rows
    _, out_all, _ = run(capsys, "models", "--all", "--at", NOV)
    assert "claude-3-opus-20240229" in out_all


def test_models_json(capsys):
    data = run_json(capsys, "models", "--at", NOV)
    assert data["at"] == NOV
    by_id = {m["id"]: m for m in data["models"]}
    assert by_id["claude-sonnet-4-6"]["prices_usd_per_mtok"] == {
        "input": "3", "cache_write_5m": "3.75", "cache_write_1h": "6", "cache_read": "0.3", "output": "15"}
    assert by_id["claude-opus-4-5-20251101"]["aliases"] == ["claude-opus-4-5"]
    # Fable 5.2 is listed but has no price before 2026-11-09
    assert by_id["claude-fable-5-2"]["prices_usd_per_mtok"] is None
    assert all(m["status"] != "retired" for m in data["models"])


# ----------------------------------------------------------------------------------------------------------
# price
# ----------------------------------------------------------------------------------------------------------


def test_price_json_shape(capsys):
    data = run_json(capsys, "price", "--model", "claude-sonnet-4-6", "--input", "2000",
                    "--output", "500", "--at", NOV)
    assert data["model"] == "claude-sonnet-4-6"
    assert data["total_usd"] == "0.0135"  # 2,000 x 3 + 500 x 15 = 13,500 u$
    assert [i["bucket"] for i in data["items"]] == ["input", "cache_write_5m", "cache_write_1h", "cache_read",
                                                    "output"]
    for item in data["items"]:
        assert {"bucket", "tokens", "usd_per_mtok", "usd"} <= set(item)
        assert isinstance(item["usd"], str) and isinstance(item["usd_per_mtok"], str)
    assert data["items"][0] == {"bucket": "input", "tokens": 2000, "usd_per_mtok": "3", "usd": "0.006"}


def test_price_every_flag(capsys):
    data = run_json(capsys, "price", "--model", "claude-sonnet-4-6", "--input", "1000", "--output", "1000",
                    "--cache-write-5m", "1000", "--cache-write-1h", "1000", "--cache-read", "1000",
                    "--web-searches", "2", "--batch", "--at", NOV)
    # batch rates: 1.50 + 1.875 + 3 + 0.15 + 7.50 = 14.025 $/MTok x 1,000 tokens each = 14,025 u$
    # + 2 searches x $0.01 (not discounted) = $0.034025
    assert data["total_usd"] == "0.034025"
    web = data["items"][-1]
    assert (web["bucket"], web["tokens"], web["usd"]) == ("web_search", 2, "0.02")
    assert data["modifiers"]["batch"] is True


def test_price_geo_us(capsys):
    # 1,000,000 x $3 x 1.1 = $3.30
    assert run_json(capsys, "price", "--model", "claude-sonnet-4-6", "--input", "1000000", "--geo", "us",
                    "--at", NOV)["total_usd"] == "3.3"


def test_price_fast(capsys):
    # Opus 5.5 fast: 1,000 x 8 + 1,000 x 40 = 48,000 u$
    assert run_json(capsys, "price", "--model", "opus", "--input", "1000", "--output", "1000", "--fast",
                    "--at", NOV)["total_usd"] == "0.048"


def test_price_at_a_date(capsys):
    # Sonnet 5.5 read $0.20 before 2026-10-07, $0.10 from it; 1,000,000 reads
    assert run_json(capsys, "price", "--model", "claude-sonnet-5-5", "--cache-read", "1000000",
                    "--at", "2026-10-06")["total_usd"] == "0.2"
    assert run_json(capsys, "price", "--model", "claude-sonnet-5-5", "--cache-read", "1000000",
                    "--at", "2026-10-07")["total_usd"] == "0.1"


def test_price_accepts_thousands_separators(capsys):
    # 1,000,000 x $3 = $3
    assert run_json(capsys, "price", "--model", "claude-sonnet-4-6", "--input", "1_000_000",
                    "--at", NOV)["total_usd"] == "3"


def test_price_text(capsys):
    code, out, _ = run(capsys, "price", "--model", "claude-sonnet-4-6", "--input", "2000", "--output", "500",
                       "--at", NOV)
    assert code == 0
    assert "Claude Sonnet 4.6" in out
    assert out.splitlines()[-1].split() == ["total", "$0.0135"]
    # buckets with no tokens are not listed
    assert "cache_read" not in out


def test_price_text_shows_notes(capsys):
    code, out, _ = run(capsys, "price", "--model", "claude-haiku-5-5", "--input", "100001", "--at", NOV)
    assert code == 0
    assert "note:" in out and "100,000" in out


def test_price_usage_file(capsys, tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(RESPONSE))
    data = run_json(capsys, "price", "--usage", str(path), "--at", NOV)
    assert data["model"] == "claude-sonnet-4-6"
    assert data["total_usd"] == RESPONSE_TOTAL


def test_price_usage_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(RESPONSE["usage"])))
    data = run_json(capsys, "price", "--usage", "-", "--model", "claude-sonnet-4-6", "--at", NOV)
    assert data["total_usd"] == RESPONSE_TOTAL


def test_price_usage_batch_tier(capsys, tmp_path):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({**RESPONSE, "usage": {**RESPONSE["usage"], "service_tier": "batch"}}))
    # half of 15,384 u$ = 7,692 u$
    data = run_json(capsys, "price", "--usage", str(path), "--at", NOV)
    assert data["total_usd"] == "0.007692"
    assert data["modifiers"]["batch"] is True


def test_price_usage_with_token_flags_is_an_error(capsys, tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(RESPONSE))
    assert_one_line_error(*run(capsys, "price", "--usage", str(path), "--input", "5", "--at", NOV), "--usage")


def test_price_usage_without_model(capsys, tmp_path):
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(RESPONSE["usage"]))
    assert_one_line_error(*run(capsys, "price", "--usage", str(path), "--at", NOV), "model")


# ----------------------------------------------------------------------------------------------------------
# check
# ----------------------------------------------------------------------------------------------------------


def test_check_the_real_file(capsys):
    code, out, err = run(capsys, "check")
    assert code == 0, out + err
    assert "OK" in out


def test_check_a_valid_file(capsys):
    code, out, _ = run(capsys, "check", str(FIXTURES / "valid_minimal.toml"))
    assert code == 0
    assert out.splitlines() == [f"{FIXTURES / 'valid_minimal.toml'}: OK (2 models, 3 price periods)"]


def test_check_three_mistakes_prints_three_lines(capsys):
    path = FIXTURES / "three_mistakes.toml"
    code, out, _ = run(capsys, "check", str(path))
    assert code != 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert [line.split(": ")[1] for line in lines] == [
        "models[0].alias", "models[0].periods[1].output_per_mtok", "models[1].checked"]
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_check_missing_file(capsys, tmp_path):
    code, out, _ = run(capsys, "check", str(tmp_path / "nope.toml"))
    assert code != 0
    assert out.count("\n") == 1 and "cannot read" in out


# ----------------------------------------------------------------------------------------------------------
# Errors: one line on stderr, non-zero exit, no traceback
# ----------------------------------------------------------------------------------------------------------


def test_unknown_model(capsys):
    assert_one_line_error(*run(capsys, "price", "--model", "claude-sonet-4-6", "--input", "1"),
                          "claude-sonet-4-6", "claude-sonnet-4-6")


def test_bad_json_file(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"input_tokens": 12,\n  oops}')
    assert_one_line_error(*run(capsys, "price", "--usage", str(path), "--model", "sonnet"),
                          "not valid JSON", "line 2")


def test_json_that_is_not_an_object(capsys, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    assert_one_line_error(*run(capsys, "price", "--usage", str(path), "--model", "sonnet"), "JSON object")


def test_missing_usage_file(capsys, tmp_path):
    assert_one_line_error(*run(capsys, "price", "--usage", str(tmp_path / "nope.json"), "--model", "sonnet"),
                          "cannot read")


def test_negative_token_count_in_a_usage_file(capsys, tmp_path):
    path = tmp_path / "neg.json"
    path.write_text(json.dumps({"input_tokens": -5}))
    assert_one_line_error(*run(capsys, "price", "--usage", str(path), "--model", "sonnet"), "negative")


def test_negative_token_count_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["price", "--model", "claude-sonnet-4-6", "--input", "-5"])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert_one_line_error(exit_.value.code, out, err, "--input", "negative")


def test_non_numeric_token_count_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["price", "--model", "claude-sonnet-4-6", "--output", "lots"])
    assert_one_line_error(exit_.value.code, *capsys.readouterr(), "whole number")


@pytest.mark.parametrize(("argv", "needle"), [
    (["price", "--input", "5"], "--model"),
    (["price", "--model", "claude-sonnet-4-6", "--at", "2026-02-30"], "not a date"),
    (["price", "--model", "claude-sonnet-5-5", "--input", "5", "--at", "2026-01-01"], "2026-09-28"),
    (["price", "--model", "claude-opus-5-5", "--input", "5", "--fast", "--batch"], "Batch"),
    (["price", "--model", "claude-opus-4-5", "--input", "5", "--geo", "us"], "US-only"),
    (["--pricing", "/nonexistent/pricing.toml", "models"], "cannot read"),
    (["--pricing", str(FIXTURES / "broken_negative_price.toml"), "price", "--model", "x"], "output_per_mtok"),
])
def test_user_errors(capsys, argv, needle):
    assert_one_line_error(*run(capsys, *argv), needle)


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2
    assert "price" in out and "models" in out


# ----------------------------------------------------------------------------------------------------------
# Real processes
# ----------------------------------------------------------------------------------------------------------


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_COST_PRICING"}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_python_dash_m(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "calculators", "price", "--model", "claude-sonnet-4-6",
                           "--input", "2000", "--output", "500", "--json", "--at", NOV],
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_usd"] == "0.0135"


def test_python_dash_m_usage_on_stdin(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "calculators", "price", "--usage", "-", "--json", "--at", NOV],
                          input=json.dumps(RESPONSE), capture_output=True, text=True, cwd=tmp_path, env=_env(),
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_usd"] == RESPONSE_TOTAL


def test_python_dash_m_error_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "calculators", "price", "--model", "claude-opus-9", "--input", "1"],
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=60)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, "unknown model")


def test_console_script():
    script = Path(sys.executable).parent / "claude-cost"
    if not script.exists():
        pytest.skip("claude-cost is not installed in this environment (make test installs it)")
    proc = subprocess.run([str(script), "price", "--model", "claude-sonnet-4-6", "--input", "2000", "--output",
                           "500", "--json", "--at", NOV], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_usd"] == "0.0135"


def test_check_process_with_three_mistakes(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "calculators", "check", str(FIXTURES / "three_mistakes.toml")],
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=60)
    assert proc.returncode != 0
    assert len(proc.stdout.splitlines()) == 3
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_usage_file_with_a_bom_or_utf16(capsys, tmp_path, encoding):
    # Windows tools write a BOM (Notepad) or UTF-16 (PowerShell redirection)
    path = tmp_path / "usage.json"
    path.write_text(json.dumps({"input_tokens": 2000, "output_tokens": 500}), encoding=encoding)
    # 2,000 x 3 + 500 x 15 = 13,500 u$
    assert run_json(capsys, "price", "--usage", str(path), "--model", "claude-sonnet-4-6",
                    "--at", NOV)["total_usd"] == "0.0135"


def test_usage_file_that_is_not_text(capsys, tmp_path):
    path = tmp_path / "usage.json"
    path.write_bytes(b"\x80\x81\xfe{}")
    assert_one_line_error(*run(capsys, "price", "--usage", str(path), "--model", "sonnet"), str(path))


def test_usage_stdin_bytes_with_bom(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "calculators", "price", "--usage", "-", "--json", "--at", NOV],
                          input=b"\xef\xbb\xbf" + json.dumps(RESPONSE).encode(), capture_output=True, cwd=tmp_path,
                          env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_usd"] == RESPONSE_TOTAL


def test_done_means_command_exactly_as_the_issue_writes_it(tmp_path):
    # no --at: today's prices. Sonnet 4.6 has cost $3/$15 since 2026-03-13: 2,000 x 3 + 500 x 15 = 13,500 u$
    proc = subprocess.run([sys.executable, "-m", "calculators", "price", "--model", "claude-sonnet-4-6", "--input",
                           "2000", "--output", "500", "--json"], capture_output=True, text=True, cwd=tmp_path,
                          env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_usd"] == "0.0135"
