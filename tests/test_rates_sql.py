"""The SQL of the docs page "Analysing logs at scale" gives the CLI's figures, in DuckDB and in Apache Spark.

The page includes ``docs/sql/cost_per_model_day.sql`` (pymdownx.snippets), and these tests run that same file,
unchanged, on the usage records of ``tests/scale_fixtures/usage.csv`` joined to the tables that
``claude-cost prices export`` writes (CSV and parquet). Every (day, model) total must equal the sum of
``claude-cost price --json`` over the same records, exactly, and the records the CLI refuses to price (an unknown
model, a modifier the model does not offer on that day, a day before its first price) must be counted as
unpriced, never as zero.

The fixture covers several models, a price change between two periods (Sonnet 5.5's cache reads on 2026-10-07),
prompt-length tiers (Haiku 5.5 above 100K with the boundary itself, Sonnet 4.5 and Opus 4.6 above 200K before
2026-03-13), the Batch API, US-only inference (Claude API and Foundry), fast mode (priced, billed as standard,
removed), web searches, aliases and upper-case ids, and Bedrock, Vertex AI and gateway spellings.

DuckDB runs in ``make test`` (skipped only when it is not installed and ``CI`` is not set). Spark runs in
``make test-scale`` (the ``scale`` marker), which installs a Java runtime and pyspark first.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from calculators.cli import main as cli_main
from calculators.rates_table import ID_COLUMNS, RATE_COLUMNS

try:
    import duckdb
except ImportError:  # in CI the DuckDB test must run: let the import error fail the module
    if os.environ.get("CI"):
        raise
    duckdb = None

ROOT = Path(__file__).resolve().parent.parent
SQL_FILE = ROOT / "docs" / "sql" / "cost_per_model_day.sql"
PAGE = ROOT / "docs" / "guides" / "logs-at-scale.md"
USAGE = ROOT / "tests" / "scale_fixtures" / "usage.csv"

#: The documented minimal schema of a usage record (the page's table lists the same columns).
USAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("request_id", "VARCHAR"),
    ("day", "DATE"),
    ("model", "VARCHAR"),
    ("input_tokens", "BIGINT"),
    ("cache_write_5m_tokens", "BIGINT"),
    ("cache_write_1h_tokens", "BIGINT"),
    ("cache_read_tokens", "BIGINT"),
    ("output_tokens", "BIGINT"),
    ("web_searches", "BIGINT"),
    ("batch", "BOOLEAN"),
    ("geo", "VARCHAR"),
    ("speed", "VARCHAR"),
    ("platform", "VARCHAR"),
    ("endpoint", "VARCHAR"),
)

needs_duckdb = pytest.mark.skipif(duckdb is None, reason="DuckDB is not installed (pip install 'claude-cost[fast]'); "
                                                         "CI requires it")

Key = tuple[dt.date, str]
Totals = dict[Key, tuple[int, int, Decimal | None]]


# ----------------------------------------------------------------------------------------------------------
# What the CLI says
# ----------------------------------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(list(argv))
    return status, out.getvalue(), err.getvalue()


def usage_records() -> list[dict[str, str]]:
    with USAGE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def cli_totals(pricing) -> Totals:
    """(day, canonical model or the record's own id) -> (records, priced records, total USD or None), from
    ``claude-cost price --json`` run on each record."""
    totals: dict[Key, list] = {}
    for rec in usage_records():
        argv = ["price", "--model", rec["model"], "--at", rec["day"], "--json",
                "--input", rec["input_tokens"], "--cache-write-5m", rec["cache_write_5m_tokens"],
                "--cache-write-1h", rec["cache_write_1h_tokens"], "--cache-read", rec["cache_read_tokens"],
                "--output", rec["output_tokens"], "--web-searches", rec["web_searches"]]
        if rec["batch"] == "true":
            argv.append("--batch")
        if rec["geo"]:
            argv += ["--geo", rec["geo"]]
        if rec["speed"] == "fast":
            argv.append("--fast")
        if rec["platform"]:
            argv += ["--platform", rec["platform"]]
        if rec["endpoint"]:
            argv += ["--endpoint", rec["endpoint"]]
        status, out, err = run_cli(*argv)
        known = pricing.find(rec["model"])
        key = (dt.date.fromisoformat(rec["day"]), known.id if known else rec["model"])
        entry = totals.setdefault(key, [0, 0, None])
        entry[0] += 1
        if status == 0:
            cost = json.loads(out)
            assert cost["model"] == key[1]
            entry[1] += 1
            entry[2] = (entry[2] or Decimal(0)) + Decimal(cost["total_usd"])
        else:
            assert status == 1 and err.startswith("claude-cost: error:"), (rec, status, err)
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


@pytest.fixture(scope="module")
def expected(pricing) -> Totals:
    return cli_totals(pricing)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The rate table and the model-id table, written by `claude-cost prices export` as CSV and parquet."""
    out = tmp_path_factory.mktemp("exported")
    paths = {}
    for fmt in ("csv", "parquet"):
        if fmt == "parquet" and duckdb is None:
            continue
        for table, extra in (("rates", []), ("model_ids", ["--aliases"])):
            path = out / f"{table}.{fmt}"
            status, _, err = run_cli("prices", "export", "--format", fmt, "--output", str(path), *extra)
            assert status == 0, err
            paths[f"{table}.{fmt}"] = path
    return paths


def sql_text() -> str:
    return SQL_FILE.read_text(encoding="utf-8")


def as_totals(rows) -> Totals:
    return {(day, model): (records, priced, cost) for day, model, records, priced, cost in rows}


# ----------------------------------------------------------------------------------------------------------
# The fixture and the page
# ----------------------------------------------------------------------------------------------------------


def test_fixture_has_the_documented_columns():
    with USAGE.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == [name for name, _ in USAGE_COLUMNS]


def test_page_includes_the_tested_sql_file():
    page = PAGE.read_text(encoding="utf-8")
    assert '--8<-- "sql/cost_per_model_day.sql"' in page
    for name, _ in USAGE_COLUMNS:  # the page documents the schema the tests load
        assert f"`{name}`" in page, name
    for name, _, _ in (*RATE_COLUMNS, *ID_COLUMNS):
        assert f"`{name}`" in page, name


def test_cli_figures_cover_every_case(expected):
    """The fixture exercises what it claims: priced groups, partly priced groups and wholly unpriced ones."""
    assert sum(r for r, _, _ in expected.values()) == len(usage_records())
    assert any(p == r > 1 for r, p, _ in expected.values())
    assert any(0 < p < r for r, p, _ in expected.values())
    assert sum(1 for _, p, _ in expected.values() if p == 0) >= 4


def test_cli_figures_match_hand_computed_totals(expected):
    # Claude Haiku 5.5 on 2026-11-02 (base: input 0.10, cache read 0.01, output 0.50 USD per MTok; above 100K
    # prompt tokens: input 0.50, 5-minute write 0.625, cache read 0.05, output 2.50; web search 0.01 a request):
    #   r05 prompt 100,000 (not above): 60,000 x 0.10 + 40,000 x 0.01 + 2,000 x 0.50 = 7,400 micro-USD
    #   r06 prompt 100,001 (above):     60,001 x 0.50 + 40,000 x 0.05 + 2,000 x 2.50 = 37,000.5 micro-USD
    #   r07 prompt 150,000, batch and US (x 0.5 x 1.1 = x 0.55): 100,000 x 0.275 + 10,000 x 0.34375
    #       + 40,000 x 0.0275 + 3,000 x 1.375 = 36,162.5 micro-USD, plus 1 web search (not discounted) 0.01
    #   r08 four web searches: 0.04
    #   0.0074 + 0.0370005 + 0.0361625 + 0.01 + 0.04 = 0.130563
    assert expected[(dt.date(2026, 11, 2), "claude-haiku-5-5")] == (4, 4, Decimal("0.130563"))
    # Claude Sonnet 5.5 (input 2, 5-minute write 2.50, 1-hour write 4, output 10; cache read 0.20 until
    # 2026-10-06, 0.10 from 2026-10-07):
    #   r01 on 10-06: 10,000 x 2 + 2,000 x 2.50 + 50,000 x 0.20 + 1,500 x 10 = 50,000 micro-USD = 0.05
    assert expected[(dt.date(2026, 10, 6), "claude-sonnet-5-5")] == (1, 1, Decimal("0.05"))
    #   r02 on 10-07: 20,000 + 5,000 + 5,000 + 15,000 = 45,000 micro-USD = 0.045
    #   r03 the same with batch (x 0.5): 0.0225, plus 2 web searches 0.02 = 0.0425
    #   r04 US (x 1.1): 10,000 x 2.2 + 4,000 x 4.4 + 50,000 x 0.11 + 1,500 x 11 = 61,600 micro-USD, plus 3
    #       web searches 0.03 = 0.0916
    #   0.045 + 0.0425 + 0.0916 = 0.1791
    assert expected[(dt.date(2026, 10, 7), "claude-sonnet-5-5")] == (3, 3, Decimal("0.1791"))
    # An unknown id is unpriced under its own name, never $0.
    assert expected[(dt.date(2026, 12, 1), "claude-made-up-9")] == (1, 0, None)


# ----------------------------------------------------------------------------------------------------------
# DuckDB
# ----------------------------------------------------------------------------------------------------------


def _duckdb_columns(columns) -> str:
    return "{" + ", ".join(f"'{name}': '{sql_type}'" for name, sql_type, *_ in columns) + "}"


def _duckdb_source(path: Path, columns) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    return (f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"columns = {_duckdb_columns(columns)})")


def duckdb_run(rates: Path, ids: Path):
    con = duckdb.connect()
    con.execute(f"CREATE VIEW rates AS SELECT * FROM {_duckdb_source(rates, RATE_COLUMNS)}")
    con.execute(f"CREATE VIEW model_ids AS SELECT * FROM {_duckdb_source(ids, ID_COLUMNS)}")
    con.execute(f"CREATE VIEW usage_records AS SELECT * FROM {_duckdb_source(USAGE, USAGE_COLUMNS)}")
    result = con.sql(sql_text())
    return result.columns, result.types, result.fetchall()


@needs_duckdb
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_duckdb_totals_equal_the_cli(fmt, exported, expected):
    columns, types, rows = duckdb_run(exported[f"rates.{fmt}"], exported[f"model_ids.{fmt}"])
    assert columns == ["day", "model", "records", "priced_records", "cost_usd"]
    assert str(types[-1]).startswith("DECIMAL(") and int(str(types[-1]).rstrip(")").split(",")[1]) >= 15, types
    got = as_totals(rows)
    assert got == expected
    assert all(isinstance(cost, Decimal) for _, _, cost in got.values() if cost is not None)


@needs_duckdb
def test_parquet_tables_hold_the_csv_values_and_types(exported):
    con = duckdb.connect()
    for table, columns in (("rates", RATE_COLUMNS), ("model_ids", ID_COLUMNS)):
        parquet = con.sql(f"SELECT * FROM read_parquet('{exported[table + '.parquet']}')")
        assert [str(t) for t in parquet.types] == [sql_type for _, sql_type, _ in columns]
        from_csv = con.sql(f"SELECT * FROM {_duckdb_source(exported[table + '.csv'], columns)}").fetchall()
        assert parquet.fetchall() == from_csv


# ----------------------------------------------------------------------------------------------------------
# Apache Spark (local mode): make test-scale
# ----------------------------------------------------------------------------------------------------------


def _spark_ddl(columns) -> str:
    return ", ".join(f"`{name}` {'STRING' if sql_type == 'VARCHAR' else sql_type}" for name, sql_type, *_ in columns)


@pytest.fixture(scope="module")
def spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.fail("pyspark is not installed: run `make test-scale`, which installs it (and a Java runtime)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[1]").appName("claude-cost-rates-sql")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.default.parallelism", "1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.memory", "768m")
               .config("spark.sql.ansi.enabled", "true")
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_run(session, rates: Path, ids: Path):
    def load(path: Path, columns):
        if path.suffix == ".parquet":
            return session.read.parquet(str(path))
        return (session.read.schema(_spark_ddl(columns)).option("header", True).option("mode", "FAILFAST")
                .csv(str(path)))

    load(rates, RATE_COLUMNS).createOrReplaceTempView("rates")
    load(ids, ID_COLUMNS).createOrReplaceTempView("model_ids")
    load(USAGE, USAGE_COLUMNS).createOrReplaceTempView("usage_records")
    frame = session.sql(sql_text())
    return frame.schema, [tuple(row) for row in frame.collect()]


@pytest.mark.scale
@pytest.mark.parametrize("precision_loss", ["true", "false"], ids=["default", "no-precision-loss"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_spark_totals_equal_the_cli(spark, fmt, precision_loss, exported, expected):
    """Spark's default trims decimal places from a result wider than 38 digits; the SQL's casts keep every
    result narrower, so the totals are exact with that setting on (the default) and off."""
    if fmt == "parquet" and f"rates.{fmt}" not in exported:
        pytest.fail("the parquet tables need DuckDB to be written (make installs it)")
    spark.conf.set("spark.sql.decimalOperations.allowPrecisionLoss", precision_loss)
    try:
        schema, rows = spark_run(spark, exported[f"rates.{fmt}"], exported[f"model_ids.{fmt}"])
    finally:
        spark.conf.unset("spark.sql.decimalOperations.allowPrecisionLoss")
    assert schema.names == ["day", "model", "records", "priced_records", "cost_usd"]
    cost_type = schema["cost_usd"].dataType
    assert cost_type.typeName() == "decimal" and cost_type.scale >= 15, cost_type
    assert as_totals(rows) == expected
