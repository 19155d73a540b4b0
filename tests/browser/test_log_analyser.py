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
    for model, v in want["by_model"].items():
        row = page.locator(f'[data-testid="log-by-model"] tr[data-model="{model}"]')
        expect(row.get_by_test_id("log-model-usd")).to_have_attribute("data-value", v["total_usd"])
    for w in want["what_if"]:
        row = page.locator(f'[data-testid="log-what-if"] tr[data-lever="{w["lever"]}"]')
        expect(row.get_by_test_id("log-lever-usd")).to_have_attribute("data-value", w["saving_usd"])
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
    # The per-day table: reachable by keyboard (its summary), one row per day with Python's figures.
    summary = page.locator(".log-chart-data summary").first
    summary.focus()
    page.keyboard.press("Enter")
    rows = page.get_by_test_id("log-day-table").locator("tbody tr")
    expect(rows).to_have_count(len(want["by_day"]))
    for i, day in enumerate(want["by_day"]):
        expect(rows.nth(i).locator("th")).to_have_text(day["day"])
        expect(rows.nth(i).get_by_test_id("log-day-usd")).to_have_attribute("data-value", day["total_usd"])
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
