"""Browser tests of the Usage-Log Analyser page: files dropped or picked on the page are analysed in the worker
and the page shows what ``claude-cost analyze`` computes in the test process; nothing leaves the origin; cancel
stops midway; malformed files and hostile log text are shown safely.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PINNED_TODAY
from playwright.sync_api import expect

from calculators import logs
from tests.browser.conftest import TIMEOUT_MS, goto, wait_live

pytestmark = pytest.mark.browser

PAGE = "calculators/log-analyser/"
FIX = Path(__file__).resolve().parents[1] / "log_fixtures"
CC_FILES = sorted((FIX / "claude_code").rglob("*.jsonl"))
REPO = Path(__file__).resolve().parents[2]


def cli_report(*paths: Path) -> dict:
    return logs.analyze_paths([str(p) for p in paths], logs.Options(today=PINNED_TODAY), jobs=1).report()


def drop(page, files: dict[str, str]) -> None:
    """Drop files (name -> text) on the drop zone the way a browser does (a DataTransfer on a drop event)."""
    page.get_by_test_id("log-drop").evaluate(
        """(el, files) => {
            const dt = new DataTransfer();
            for (const [name, text] of Object.entries(files)) dt.items.add(new File([text], name));
            el.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
            el.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", files)


def wait_report(page) -> None:
    expect(page.get_by_test_id("log-report")).to_be_visible(timeout=TIMEOUT_MS * 2)


def test_dropped_claude_code_logs_match_the_cli_and_stay_local(page, site_url):
    goto(page, PAGE)
    wait_live(page)
    requests: list = []
    page.on("request", lambda r: requests.append(r))
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    wait_report(page)
    want = cli_report(*CC_FILES)
    assert want["total_usd"] == "0.98324"  # hand-computed in tests/test_logs.py
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", want["total_usd"])
    # The page shows Python's display string (calculators.present.usd_display: up to six decimals below $1)
    assert want["total_display"] == "$0.98324"
    expect(page.get_by_test_id("log-total-usd")).to_have_text(want["total_display"])
    expect(page.get_by_test_id("log-records")).to_have_attribute("data-value", str(want["records"]))
    expect(page.get_by_test_id("log-malformed")).to_have_attribute("data-value", str(want["malformed"]))
    expect(page.get_by_test_id("log-turn-p95")).to_have_attribute("data-value", want["per_turn"]["p95_usd"])
    expect(page.get_by_test_id("log-cache-hit")).to_have_attribute("data-value", want["cache"]["hit_rate"])
    # Shares are Python's strings too: 61,000 cache-read of 215,130 prompt tokens = 0.28355 -> 0.2835, shown 28.4%
    assert want["cache"]["hit_rate_display"] == "28.4%"
    expect(page.get_by_test_id("log-cache-hit")).to_have_text(want["cache"]["hit_rate_display"])
    for model, v in want["by_model"].items():
        row = page.locator(f'[data-testid="log-by-model"] tr[data-model="{model}"]')
        expect(row.get_by_test_id("log-model-usd")).to_have_attribute("data-value", v["total_usd"])
    for w in want["what_if"]:
        row = page.locator(f'[data-testid="log-what-if"] tr[data-lever="{w["lever"]}"]')
        expect(row.get_by_test_id("log-lever-usd")).to_have_attribute("data-value", w["saving_usd"])
        expect(row.locator("td").last).to_have_text(w["saving_share_display"])
        assumptions = page.locator(f'[data-testid="log-what-if"] tr[data-lever-assumptions="{w["lever"]}"] li')
        expect(assumptions).to_have_count(len(w["assumptions"]))
    expect(page.get_by_test_id("log-unpriced")).to_contain_text("claude-opus-4-9")
    expect(page.get_by_test_id("log-day-chart").locator("rect")).to_have_count(len(want["by_day"]))
    csv_text = page.get_by_test_id("log-download-csv").evaluate("a => fetch(a.href).then(r => r.text())")
    assert len(csv_text.strip().splitlines()) == 1 + want["records"]
    # Nothing left the page during the analysis: no request at all carried data, none went elsewhere.
    for r in requests:
        assert r.url.startswith((site_url, "blob:", "data:")), r.url
        assert r.method == "GET" and not r.post_data, (r.method, r.url)


def test_file_picker_with_reports_and_csv(page):
    goto(page, PAGE)
    wait_live(page)
    files = [FIX / "usage_report.json", FIX / "cost_report.json", FIX / "console_usage.csv"]
    page.get_by_test_id("log-file-input").set_input_files([str(p) for p in files])
    wait_report(page)
    want = cli_report(*files)
    assert want["total_usd"] == "18.15"  # $15.20 (usage report) + $2.95 (CSV), see tests/test_logs.py
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", want["total_usd"])
    diffs = page.get_by_test_id("log-reconciliation").get_by_test_id("log-rec-diff")
    expect(diffs).to_have_count(len(want["reconciliation"]))
    for i, row in enumerate(want["reconciliation"]):
        expect(diffs.nth(i)).to_have_attribute("data-value", row["difference_usd"])


def test_malformed_file_and_hostile_text_are_shown_safely(page):
    goto(page, PAGE)
    wait_live(page)
    hostile = '<img src=x onerror="window.__pwned=1">'
    line = json.dumps({"model": hostile, "usage": {"input_tokens": 5, "output_tokens": 5},
                       "timestamp": "2026-11-01T00:00:00Z"})
    drop(page, {"bad.jsonl": "\x00garbage\n{\"not closed\": \n" + line + "\n"})
    wait_report(page)
    expect(page.get_by_test_id("log-malformed")).to_have_attribute("data-value", "2")
    expect(page.get_by_test_id("log-records")).to_have_attribute("data-value", "0")
    expect(page.get_by_test_id("log-malformed-lines")).to_contain_text("bad.jsonl:1")
    expect(page.get_by_test_id("log-unpriced")).to_contain_text(hostile)  # shown as text
    assert page.locator('[data-testid="log-report"] img').count() == 0
    assert page.evaluate("window.__pwned") is None


def test_cancel_midway(page, tmp_path_factory):
    out = tmp_path_factory.mktemp("big")
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_claude_code_logs.py"), str(out), "--mb", "40"],
                   check=True, capture_output=True)
    big = out / "all.jsonl"
    with big.open("wb") as fh:
        for p in sorted(out.rglob("*.jsonl")):
            if p != big:
                fh.write(p.read_bytes())
    goto(page, PAGE)
    wait_live(page)
    page.get_by_test_id("log-file-input").set_input_files(str(big))
    bar = page.get_by_test_id("log-progress")
    page.wait_for_function("() => Number(document.querySelector('[data-testid=log-progress]').value) > 0",
                           timeout=TIMEOUT_MS)
    moved = int(bar.get_attribute("value") or 0)
    assert 0 < moved < 1000
    page.get_by_test_id("log-cancel").click()
    expect(page.locator('[data-calc="log-analyser"]')).to_have_attribute("data-state", "cancelled",
                                                                         timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("log-report")).to_be_hidden()
    expect(page.get_by_test_id("log-progress-text")).to_contain_text("Cancelled")
    # and the page still works afterwards
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    wait_report(page)
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", "0.98324")


def test_a_file_with_nothing_readable_says_so_first(page):
    goto(page, PAGE)
    wait_live(page)
    bad = "".join(f"not json {i}\n" for i in range(12))
    drop(page, {"junk.jsonl": bad})
    wait_report(page)
    nothing = page.get_by_test_id("log-nothing")
    expect(nothing).to_be_visible()
    expect(nothing).to_contain_text("Nothing readable")
    # It comes first in the report, with the first bad lines (no empty charts or $0.00 what-ifs).
    assert page.evaluate("document.querySelector('[data-testid=log-report]').firstElementChild.dataset.testid") \
        == "log-nothing"
    expect(nothing.get_by_test_id("log-first-bad-lines").locator("li")).to_have_count(5)
    expect(nothing.get_by_test_id("log-first-bad-lines")).to_contain_text("junk.jsonl:1")
    expect(page.get_by_test_id("log-day-chart")).to_have_count(0)
    expect(page.get_by_test_id("log-what-if")).to_have_count(0)
    expect(page.get_by_test_id("log-malformed")).to_have_attribute("data-value", "12")


def test_charts_have_axes_and_their_values_in_tables(page):
    goto(page, PAGE)
    wait_live(page)
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    wait_report(page)
    want = cli_report(*CC_FILES)
    from decimal import Decimal

    from calculators._charts import value_axis

    axis = value_axis([Decimal(d["total_usd"]) for d in want["by_day"]])
    chart = page.get_by_test_id("log-day-chart")
    shown = chart.locator("text[data-value]").evaluate_all("ts => ts.map(t => t.textContent)")
    assert shown == [t["display"] for t in axis["ticks"]] and len(shown) >= 2
    # The per-day table beside the chart (shown, not folded away): a focusable, named scroll region, one row
    # per day with Python's figures (day, requests, tokens, cost) and the totals.
    table = page.get_by_test_id("log-day-table")
    expect(table).to_be_visible()
    region = page.locator(".log-day-table[role=region]")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label").startswith("Per day")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(want["by_day"]))
    for i, day in enumerate(want["by_day"]):
        expect(rows.nth(i).locator("th")).to_have_text(day["day"])
        expect(rows.nth(i).locator("td").nth(0)).to_have_text(f"{day['records']:,}")
        expect(rows.nth(i).locator("td").nth(1)).to_have_text(f"{day['tokens']:,}")
        expect(rows.nth(i).get_by_test_id("log-day-usd")).to_have_attribute("data-value", day["total_usd"])
        expect(rows.nth(i).get_by_test_id("log-day-usd")).to_have_text(day["total_display"])
    total = want["by_day_total"]
    expect(table.get_by_test_id("log-day-total-usd")).to_have_attribute("data-value", want["total_usd"])
    expect(table.get_by_test_id("log-day-total-records")).to_have_text(f"{total['records']:,}")
    expect(table.get_by_test_id("log-day-total-tokens")).to_have_text(f"{total['tokens']:,}")
    # the chart and the table sit side by side on a desktop
    chart_box = page.locator(".log-day-figure .log-chart").bounding_box()
    table_box = region.bounding_box()
    assert table_box["x"] > chart_box["x"] + chart_box["width"] - 1 and abs(table_box["y"] - chart_box["y"]) < 40
    # Figures are right-aligned; models are shown by their names.
    align = page.get_by_test_id("log-by-model").locator("td.num").first.evaluate("td => getComputedStyle(td).textAlign")
    assert align == "right"
    for model_id, m in want["by_model"].items():
        expect(page.locator(f'[data-testid="log-by-model"] tr[data-model="{model_id}"] th')).to_have_text(m["name"])


def test_the_charts_keep_readable_labels_on_a_phone(browser, site_url):
    ctx = browser.new_context(base_url=site_url, viewport={"width": 390, "height": 844}, service_workers="block")
    try:
        pg = ctx.new_page()
        pg.goto(PAGE)
        wait_live(pg)
        drop(pg, {p.name: p.read_text() for p in CC_FILES})
        wait_report(pg)
        pg.wait_for_timeout(300)  # the charts are redrawn at their width
        sizes = pg.locator("[data-testid=log-day-chart] text, [data-testid=log-bucket-chart] text").evaluate_all(
            "ts => ts.map(t => t.getBoundingClientRect().height)")
        assert sizes and min(sizes) >= 10, f"chart labels are {min(sizes):.1f} px high on a phone"
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        ctx.close()


def cli_filtered(paths, **only) -> dict:
    o = logs.Options(today=PINNED_TODAY, **only)
    return logs.analyze_paths([str(p) for p in paths], o, jobs=1).report()


def test_filters_rerun_on_the_kept_files_and_travel_in_the_url(page):
    goto(page, PAGE)
    wait_live(page)
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    wait_report(page)
    want = cli_report(*CC_FILES)
    filters = page.get_by_test_id("log-filters")
    expect(filters).to_be_visible()
    # the selects list every value in the files (the report's choices), after "All"
    for name in ("model", "session", "project"):
        values = page.locator(f'select[name="{name}"] option').evaluate_all("os => os.map(o => o.value)")
        assert values == ["", *want["choices"][name]], name
    # choosing a project re-reads the kept files (progress shows) and the page matches the CLI's --project
    page.select_option('select[name="project"]', "/home/me/app")
    got = cli_filtered(CC_FILES, only_project="/home/me/app")
    assert got["total_usd"] == "0.02474"  # sess-a only: 6,780 + 17,610 + 350 per MTok units (tests/test_logs.py)
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", got["total_usd"],
                                                                    timeout=TIMEOUT_MS * 2)
    note = page.get_by_test_id("log-filter-note")
    expect(note).to_contain_text("Only project /home/me/app")
    expect(note).to_have_attribute("data-left-out", str(got["filter"]["left_out"]))
    expect(page.get_by_test_id("log-day-table").locator("tbody tr")).to_have_count(len(got["by_day"]))
    assert "project=%2Fhome%2Fme%2Fapp" in page.evaluate("location.hash")
    # a second filter narrows further: a model, shown by its name
    page.select_option('select[name="model"]', "claude-haiku-4-5-20251001")
    got = cli_filtered(CC_FILES, only_project="/home/me/app", only_model="claude-haiku-4-5-20251001")
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", got["total_usd"],
                                                                    timeout=TIMEOUT_MS * 2)
    expect(note).to_have_attribute("data-left-out", str(got["filter"]["left_out"]))
    # "Show all" clears the filters
    page.get_by_test_id("log-filter-clear").click()
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", want["total_usd"],
                                                                    timeout=TIMEOUT_MS * 2)
    expect(page.get_by_test_id("log-filter-note")).to_have_count(0)


def test_a_shared_filter_link_applies_to_the_next_files(page):
    goto(page, PAGE + "#session=sess-b")
    wait_live(page)
    expect(page.locator('select[name="session"]')).to_have_value("sess-b")
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    wait_report(page)
    got = cli_filtered(CC_FILES, only_session="sess-b")
    assert got["total_usd"] == "0.9585"  # msg_E only (tests/test_logs.py)
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", got["total_usd"])
    expect(page.get_by_test_id("log-filter-note")).to_contain_text("Only session or api key sess-b")


def test_gzipped_bedrock_logs_are_read_in_the_browser(page, tmp_path):
    import gzip

    log = FIX / "bedrock" / "invocations.jsonl"
    s3 = tmp_path / "20261008T1200Z_0a1b2c.json.gz"
    s3.write_bytes(gzip.compress(log.read_bytes()))
    export = tmp_path / "000000.gz"
    export.write_bytes(gzip.compress("".join(f"2026-10-08T12:00:{i:02d}.000Z {line}\n"
                                             for i, line in enumerate(log.read_text().splitlines())).encode()))
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(log.read_bytes())[:-8])
    goto(page, PAGE)
    wait_live(page)
    for path in (s3, export, cut):
        page.get_by_test_id("log-file-input").set_input_files(str(path))
        want = cli_report(path)
        # $0.0587375, worked by hand in tests/test_logs_bedrock.py
        assert want["total_usd"] == "0.0587375"
        expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", want["total_usd"],
                                                                        timeout=TIMEOUT_MS * 2)
        expect(page.get_by_test_id("log-malformed")).to_have_attribute("data-value", str(want["malformed"]))
    expect(page.get_by_test_id("log-malformed-lines")).to_contain_text("gzip data cut short")
