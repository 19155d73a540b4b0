"""The two log engines give the same report: the standard-library reader (the reference) and DuckDB.

Every fixture DuckDB reads, logs made by bench/gen_claude_code_logs.py, and logs the property tests' strategies
make (odd field values, cut and spliced files) go through ``analyze_paths`` with ``engine="stdlib"`` and
``engine="duckdb"``; the JSON reports must be identical apart from ``engine``, and so must the per-record CSV
(file and line of every record included). Tests that would pass because DuckDB handed every file back to the
reference reader check that DuckDB read the files itself.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PINNED_TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("duckdb")

from calculators.logs import Options, analyze_paths
from calculators.logs.reader import DUCKDB_FROM_BYTES, pick_engine

FIX = Path(__file__).parent / "log_fixtures"
REPO = Path(__file__).resolve().parent.parent
CC_LINES = b"".join(p.read_bytes() for p in sorted((FIX / "claude_code").rglob("*.jsonl")))


def both(paths: list[str], **opts) -> tuple[dict, dict, object]:
    """(stdlib report, duckdb report, the duckdb analysis); the reports compared without ``engine``."""
    options = Options(today=PINNED_TODAY, **opts)
    got = {}
    csvs = {}
    for engine in ("stdlib", "duckdb"):
        a = analyze_paths(paths, options, engine=engine)
        rep = a.report()
        assert rep["engine"] == engine
        rep.pop("engine")
        got[engine] = json.loads(json.dumps(rep))
        buf = io.StringIO()
        a.write_csv(buf)
        csvs[engine] = buf.getvalue()
    assert got["duckdb"] == got["stdlib"]
    assert csvs["duckdb"] == csvs["stdlib"]
    return got["stdlib"], got["duckdb"], a


FIXTURES = sorted(str(p.relative_to(FIX)) for p in FIX.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", FIXTURES)
def test_each_fixture_gives_the_same_report(name):
    both([str(FIX / name)])


def test_all_fixtures_together_give_the_same_report():
    _, _, a = both([str(FIX)])
    assert a.c.engine_files["duckdb"] >= 1  # (the fixtures with malformed lines go to the reference reader)


def test_good_api_and_claude_code_logs_are_read_by_duckdb_itself(tmp_path):
    """The API fixture's good lines (API responses, a batch request in the US, a copy of a streamed request) and a
    Claude Code session without a malformed line are read by DuckDB, not handed back."""
    api = (FIX / "api_responses.jsonl").read_bytes().split(b"\n")
    (tmp_path / "api.jsonl").write_bytes(b"\n".join(x for i, x in enumerate(api) if i in (0, 1, 2, 3, 7)) + b"\n")
    stdlib, _, a = both([str(tmp_path)])
    assert a.c.engine_files == {"duckdb": 1, "reference": 0}
    assert stdlib["records"] == 4 and stdlib["duplicates_merged"] == 1
    session = next(p for p in sorted((FIX / "claude_code").rglob("*.jsonl")))
    good = [x for x in session.read_bytes().split(b"\n") if x.strip()]
    (tmp_path / "api.jsonl").unlink()
    (tmp_path / "cc.jsonl").write_bytes(b"\n".join(good) + b"\n")
    stdlib, _, a = both([str(tmp_path)])
    if stdlib["malformed"] == 0:
        assert a.c.engine_files == {"duckdb": 1, "reference": 0}


def test_a_malformed_line_sends_its_file_to_the_reference_reader(tmp_path):
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_claude_code_logs.py"), str(tmp_path), "--mb", "0.3"],
                   check=True, capture_output=True)
    files = sorted(tmp_path.rglob("*.jsonl"))
    victim = files[len(files) // 2]
    n = victim.read_bytes().count(b"\n")
    victim.write_bytes(victim.read_bytes() + b'{"type":"assistant","message":{"usage":\n')
    stdlib, _, a = both([str(tmp_path)])
    assert stdlib["malformed"] == 1
    assert stdlib["malformed_lines"][0]["file"] == str(victim) and stdlib["malformed_lines"][0]["line"] == n + 1
    assert a.c.engine_files == {"duckdb": len(files) - 1, "reference": 1}


def test_generated_logs_give_the_same_report(tmp_path):
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_claude_code_logs.py"), str(tmp_path), "--mb", "3"],
                   check=True, capture_output=True)
    stdlib, _, a = both([str(tmp_path)])
    assert a.c.engine_files["reference"] == 0
    assert stdlib["records"] > 300 and stdlib["lines"]["synthetic"] > 0 and stdlib["duplicates_merged"] > 300


def test_since_until_route_and_model_options_give_the_same_report():
    both([str(FIX)], since="2025-01-01", until="2026-06-30", route_to="sonnet", batch_share="0.25")
    both([str(FIX / "api_responses.jsonl")], model="claude-sonnet-4-5")


def test_copies_of_one_request_across_files_keep_the_first_position(tmp_path):
    """The most complete copy is kept where the first copy was read, whichever file each copy is in."""
    lines = []
    for x in CC_LINES.split(b"\n"):
        try:
            rec = json.loads(x)
        except ValueError:
            continue
        if rec.get("type") == "assistant" and isinstance(rec["message"].get("usage"), dict) \
                and rec["message"].get("model") != "<synthetic>":
            lines.append(rec)
    lines = lines[:3]
    a, b, c = lines
    b2 = json.loads(json.dumps(a))
    b2["message"]["usage"]["output_tokens"] = a["message"]["usage"]["output_tokens"] + 7
    b2["timestamp"] = "2026-05-01T00:00:00Z"
    (tmp_path / "1.jsonl").write_text(json.dumps(a) + "\n" + json.dumps(b) + "\n")
    (tmp_path / "2.jsonl").write_text(json.dumps(c) + "\n" + json.dumps(b2) + "\n" + json.dumps(a) + "\n")
    stdlib, _, _ = both([str(tmp_path)])
    assert stdlib["duplicates_merged"] >= 2


_odd = st.one_of(st.integers(-3, 10**20), st.floats(allow_nan=False), st.text(max_size=4), st.booleans(), st.none(),
                 st.just({}), st.just([]))
_FIELDS = ["type", "message", "message.usage", "message.model", "message.id", "requestId", "timestamp", "sessionId",
           "isSidechain", "costUSD", "usage.input_tokens", "usage.output_tokens", "usage.cache_read_input_tokens",
           "usage.cache_creation_input_tokens", "usage.cache_creation", "usage.cache_creation.ephemeral_5m_input_tokens",
           "usage.cache_creation.ephemeral_1h_input_tokens", "usage.service_tier", "usage.server_tool_use",
           "usage.server_tool_use.web_search_requests", "usage.inference_geo", "usage.speed", "model", "usage"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_FIELDS), _odd, st.booleans(), st.sampled_from(["cc", "api"]))
def test_odd_field_values_give_the_same_report(tmp_path_factory, field, value, drop, kind):
    """Each field either reader looks at, set to an odd value or removed, in a file among good ones."""
    folder = tmp_path_factory.mktemp("odd")
    shutil.copytree(FIX / "claude_code", folder / "cc")
    if kind == "cc":
        line = next(x for x in CC_LINES.split(b"\n") if b'"cache_creation":{' in x and b'"type":"assistant"' in x)
        rec = json.loads(line)
        parts = field.replace("usage.", "message.usage.").split(".")
    else:
        rec = json.loads((FIX / "api_responses.jsonl").read_bytes().split(b"\n")[0])
        parts = field.split(".")
    holder = rec
    for p in parts[:-1]:
        holder = holder.get(p) if isinstance(holder, dict) else None
    if isinstance(holder, dict):
        if drop:
            holder.pop(parts[-1], None)
        else:
            holder[parts[-1]] = value
    (folder / "odd.jsonl").write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n")
    both([str(folder)])


ALL_JSONL = CC_LINES + (FIX / "api_responses.jsonl").read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(ALL_JSONL)), st.integers(0, len(ALL_JSONL)), st.binary(max_size=8))
def test_cut_and_spliced_logs_give_the_same_report(tmp_path_factory, cut1, cut2, junk):
    """Files cut short or spliced (a log still being written, two logs run together), with junk at the cut."""
    folder = tmp_path_factory.mktemp("cut")
    a, b = sorted((cut1, cut2))
    (folder / "spliced.jsonl").write_bytes(ALL_JSONL[:a] + junk + ALL_JSONL[b:])
    (folder / "whole.jsonl").write_bytes(ALL_JSONL)
    both([str(folder)])


def test_auto_picks_duckdb_only_from_its_threshold(tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_bytes(CC_LINES)
    opts = Options(today=PINNED_TODAY)
    limit = 1 << 20
    assert pick_engine([small], opts, limit) == "stdlib"
    big = tmp_path / "big.jsonl"
    with big.open("wb") as fh:
        fh.truncate(limit)
    assert pick_engine([small, big], opts, limit) == "duckdb"
    assert pick_engine([small, big], Options(today=PINNED_TODAY, fmt="claude-code"), limit) == "stdlib"
    assert pick_engine([small, big], opts, DUCKDB_FROM_BYTES) == ("stdlib" if DUCKDB_FROM_BYTES is None
                                                                  or DUCKDB_FROM_BYTES > limit else "duckdb")


def test_cli_engine_option(capsys):
    from calculators.cli import main

    for engine in ("stdlib", "duckdb"):
        assert main(["analyze", str(FIX / "claude_code"), "--json", "--engine", engine]) == 0
        assert json.loads(capsys.readouterr().out)["engine"] == engine


def test_gzip_cloudwatch_and_projects_give_the_same_report(tmp_path):
    """Gzipped logs and CloudWatch Logs export lines go to the reference reader; a Claude Code line's project (its
    cwd, else the folder under ``projects``) and the filters agree between the engines."""
    import gzip

    sessions = sorted((FIX / "claude_code").rglob("*.jsonl"))
    good = [x for x in sessions[0].read_bytes().split(b"\n") if x.strip()]
    # one copy with cwd taken out of every line (project from the folder), in a folder under "projects"
    folder = tmp_path / "projects" / "-srv-tool"
    folder.mkdir(parents=True)
    (folder / "s.jsonl").write_bytes(b"\n".join(x.replace(b'"cwd":"/home/me/app",', b"") for x in good) + b"\n")
    (tmp_path / "packed.jsonl.gz").write_bytes(gzip.compress((FIX / "api_responses.jsonl").read_bytes()))
    bedrock = (FIX / "bedrock" / "invocations.jsonl").read_bytes().splitlines()
    export = b"".join(b"2026-10-08T12:00:00.000Z " + line + b"\n" for line in bedrock if line.strip())
    (tmp_path / "000000.gz").write_bytes(gzip.compress(export))
    stdlib, _, a = both([str(tmp_path), str(sessions[1])])
    assert a.c.engine_files["reference"] >= 2  # (the two gzip files)
    projects = {row["project"] for row in stdlib["by_project"]}
    assert {"/home/me/web", "-srv-tool"} <= projects
    only, _, _ = both([str(tmp_path), str(sessions[1])], only_project="-srv-tool")
    assert 0 < only["records"] < stdlib["records"]
