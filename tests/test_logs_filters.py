"""Filters (model, session, project), projects, the per-day figures and the per-record CSV's platform columns.

Expected figures are the hand-worked ones of tests/test_logs.py (Claude Code fixture, prices per MTok from
Anthropic's pricing page: Sonnet 4.5 $3 in, $3.75 5-minute writes, $6 1-hour writes, $0.30 reads, $15 out, and
2x input / 1.5x output above 200K prompt tokens before 2026-03-13; Haiku 4.5 $1 in, $5 out):

* sess-a, project /home/me/app, 2026-05-01: msg_A 6,780 + msg_B 17,610 + msg_C (Haiku) 350 = 24,740 -> $0.02474
* sess-b, project /home/me/web, 2026-03-01: msg_E 958,500 -> $0.9585 (and msg_D, an unknown model: unpriced)
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PINNED_TODAY

from calculators import bridge, logs
from calculators.cli import main
from calculators.errors import PriceError

FIX = Path(__file__).parent / "log_fixtures"
CC = FIX / "claude_code"
BEDROCK = FIX / "bedrock" / "invocations.jsonl"


def analyse(*paths, **opts):
    o = logs.Options(**{"at": "2026-11-01", "today": PINNED_TODAY, **opts})
    return logs.analyze_paths([str(p) for p in paths], o, jobs=1).report()


def test_projects_come_from_cwd_and_the_report_lists_them():
    rep = analyse(CC)
    assert rep["by_project"] == [
        {"project": "/home/me/web", "total_usd": "0.9585", "total_display": "$0.9585", "records": 1},
        {"project": "/home/me/app", "total_usd": "0.02474", "total_display": "$0.02474", "records": 3},
    ]
    assert rep["filter"] == {"model": None, "model_id": None, "session": None, "project": None, "left_out": 0}
    assert rep["choices"]["project"] == ["/home/me/app", "/home/me/web"]  # most records first
    assert rep["choices"]["session"] == ["sess-a", "sess-b"]
    assert set(rep["choices"]["model"]) == {"claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001",
                                            "claude-opus-4-9"}


def test_project_falls_back_to_the_folder_under_projects(tmp_path):
    folder = tmp_path / "projects" / "-home-me-cli"
    folder.mkdir(parents=True)
    line = {"type": "assistant", "sessionId": "s1", "timestamp": "2026-05-01T10:00:00Z", "requestId": "r1",
            "message": {"id": "m1", "model": "claude-haiku-4-5-20251001",
                        "usage": {"input_tokens": 1000, "output_tokens": 100}}}
    (folder / "s1.jsonl").write_text(json.dumps(line) + "\n")
    for fast in (True, False):
        rep = logs.analyze_paths([str(tmp_path)], logs.Options(at="2026-11-01", today=PINNED_TODAY), jobs=1,
                                 fast=fast).report()
        # 1,000 x $1 + 100 x $5 = 1,500 per MTok units -> $0.0015
        assert rep["by_project"] == [{"project": "-home-me-cli", "total_usd": "0.0015", "total_display": "$0.0015",
                                      "records": 1}]


@pytest.mark.parametrize("opts, total, records, left_out", [
    ({"only_project": "/home/me/app"}, "0.02474", 3, 1),   # sess-b's priced record left out
    ({"only_session": "sess-b"}, "0.9585", 1, 3),
    # any spelling of the model: the alias "sonnet" is not a record's spelling, the fixture spells it twice
    ({"only_model": "claude-sonnet-4-5"}, "0.98289", 3, 1),  # 6,780 + 17,610 + 958,500 -> $0.98289
    ({"only_model": "claude-haiku-4-5-20251001"}, "0.00035", 1, 3),
    ({"only_model": "claude-sonnet-4-5", "only_project": "/home/me/app"}, "0.02439", 2, 2),  # 6,780 + 17,610
])
def test_filters_keep_only_matching_records(opts, total, records, left_out):
    rep = analyse(CC, **opts)
    assert rep["total_usd"] == total and rep["records"] == records
    # sess-b's unknown model (msg_D) is a record too: it is left out unless the filter keeps sess-b or /home/me/web
    unpriced_kept = 1 if opts in ({"only_session": "sess-b"},) else 0
    assert sum(u["records"] for u in rep["unpriced"].values()) == unpriced_kept
    assert rep["filter"]["left_out"] == left_out + (1 - unpriced_kept)
    assert any(n.startswith("filtered to ") and f"{rep['filter']['left_out']:,} other records" in n
               for n in rep["notes"])
    # every figure follows the filter: days, sessions and models sum to the total
    assert sum(Decimal(d["total_usd"]) for d in rep["by_day"]) == Decimal(total)
    assert sum(Decimal(s["total_usd"]) for s in rep["by_session"]) == Decimal(total)
    # the choices still list every value, so the page can switch to another
    assert rep["choices"]["project"] == ["/home/me/app", "/home/me/web"]


def test_unknown_filter_value_names_the_nearest_ones(capsys):
    with pytest.raises(PriceError) as exc:
        analyse(CC, only_project="/home/me/ap")
    assert exc.value.field == "project"
    assert "no record has this project; nearest in these logs: '/home/me/app'" in str(exc.value)
    assert main(["analyze", str(CC), "--model", "sonet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert "--model 'sonet': no record has this model; nearest in these logs: 'claude-sonnet-4-5-20250929'" in err


def test_cli_filters_and_text_report(capsys):
    assert main(["analyze", str(CC), "--session", "sess-a", "--model", "claude-haiku-4-5"]) == 0
    text = capsys.readouterr().out
    # the alias claude-haiku-4-5 -> claude-haiku-4-5-20251001: msg_C only, 350 -> $0.00035
    assert "Only model claude-haiku-4-5 (claude-haiku-4-5-20251001), session sess-a: 4 other records left out." \
        in text
    assert "Total: $0.00035" in text
    assert "By project\n  /home/me/app" in text


def test_default_model_option_still_prices_bare_usage(tmp_path, capsys):
    f = tmp_path / "bare.jsonl"
    f.write_text('{"input_tokens": 1000, "output_tokens": 100}\n')
    assert main(["analyze", str(f), "--default-model", "claude-haiku-4-5", "--at", "2026-11-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_usd"] == "0.0015"  # 1,000 x $1 + 100 x $5


def test_per_day_rows_carry_tokens():
    rep = analyse(CC)
    # 2026-03-01: msg_E 150,000 + 60,000 + 1,000; 2026-05-01: msg_A 10 + 1,000 + 200, msg_B 20 + 3,000 + 1,000
    # + 100, msg_C 100 + 50
    assert [(d["day"], d["records"], d["tokens"]) for d in rep["by_day"]] == [
        ("2026-03-01", 1, 211_000), ("2026-05-01", 3, 1_210 + 4_120 + 150)]


def test_csv_has_platform_endpoint_and_project(tmp_path):
    out = tmp_path / "r.csv"
    assert main(["analyze", str(BEDROCK), str(CC), "--at", "2026-10-08", "--csv", str(out)]) == 0
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = {(Path(r["file"]).name, r["line"]): (r["platform"], r["endpoint"], r["project"]) for r in rows}
    assert got[("invocations.jsonl", "1")] == ("bedrock", "regional", "")  # us. inference profile
    assert got[("invocations.jsonl", "2")] == ("bedrock", "global", "")  # global. inference profile
    assert got[("sess-a.jsonl", "6")] == ("anthropic", "global", "/home/me/app")
    with out.open(newline="") as fh:
        header = next(csv.reader(fh))
    assert header[4:9] == ["model", "platform", "endpoint", "session", "project"]


def test_browser_session_filters_and_words_errors_for_the_form():
    data = (CC / "projects" / "-home-me-app" / "sess-a.jsonl").read_text()
    data_b = (CC / "projects" / "-home-me-web" / "sess-b.jsonl").read_text()

    def run(**opts):
        sid = bridge.call("analyze_start", {"at": "2026-11-01", **opts})
        assert sid["ok"], sid
        sid = sid["result"]["session"]
        bridge.call("analyze_chunk", {"session": sid, "file": "projects/-home-me-app/sess-a.jsonl", "text": data,
                                      "final": True})
        bridge.call("analyze_chunk", {"session": sid, "file": "projects/-home-me-web/sess-b.jsonl", "text": data_b,
                                      "final": True})
        return bridge.call("analyze_finish", {"session": sid})

    rep = run(project="/home/me/app")["result"]
    assert rep["total_usd"] == "0.02474" and rep["filter"]["project"] == "/home/me/app"
    bad = run(model="sonet")
    assert not bad["ok"]
    (err,) = bad["errors"]
    assert err["field"] == "model" and err["message"].startswith("Model 'sonet': no record has this model")
