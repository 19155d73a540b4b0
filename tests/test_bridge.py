"""The JSON bridge the browser worker calls: every answer is JSON, bad input never raises."""

from __future__ import annotations

import json

import pytest

from calculators import bridge


def test_call_json_round_trips_a_calculator_request():
    request = {"name": "calculator", "inputs": {"model": "claude-sonnet-5-5", "input": 2000, "output": 500,
                                                "at": "2026-11-01", "requests_per_month": 100000}}
    out = json.loads(bridge.call_json(json.dumps(request)))
    assert out == json.loads(json.dumps(bridge.call(request["name"], request["inputs"])))
    # 2,000 x $2/MTok + 500 x $10/MTok = $0.009 (Claude Sonnet 5.5).
    assert out["ok"] and out["result"]["per_request"]["total"]["usd"] == "0.009"


@pytest.mark.parametrize(
    ("request_text", "field"),
    [("not json", ""), ("[1, 2]", "name"), ('{"inputs": {}}', "name"),
     ('{"name": "no-such-tool", "inputs": {}}', "name"), ('{"name": "calculator", "inputs": [1]}', "inputs")],
)
def test_malformed_requests_get_an_error_response(request_text, field):
    out = json.loads(bridge.call_json(request_text))
    assert out["ok"] is False
    assert out["errors"][0]["field"] == field and out["errors"][0]["message"]


def test_field_errors_come_back_as_a_list():
    out = bridge.call("calculator", {"input": -1, "output": "x"})
    assert out["ok"] is False
    assert {e["field"] for e in out["errors"]} == {"input", "output"}


def test_money_in_a_result_is_always_a_string():
    out = bridge.call("calculator", {"model": "claude-sonnet-5-5", "input": 1234, "output": 567, "at": "2026-11-01",
                                     "requests_per_month": 3})

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in ("usd", "usd_per_mtok", "total_usd"):
            assert isinstance(value, str), key

    walk(out["result"])


def test_every_registered_handler_name_points_at_a_module_function():
    for name, target in bridge.HANDLERS.items():
        module, _, func = target.partition(":")
        assert module.startswith("calculators.") and func, name
