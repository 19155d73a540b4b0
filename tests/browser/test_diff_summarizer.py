"""Browser tests of the Diff Summarizer page: what the page shows equals what the Python summarizer returns in
the test process (``calculators.bridge.call("diff_summary", ...)``, and ``claude-cost diff-summary --json`` for
a file opened in the page), before and after the in-browser runtime is live, after pasting, from a file, from a
share link, and with bad input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from calculators import bridge
from tests.browser.conftest import REPO, goto, wait_live

pytestmark = pytest.mark.browser

PAGE = "calculators/diff-summarizer/"
PASTED = ("diff --git a/app/pay.py b/app/pay.py\nindex 1..2 100644\n--- a/app/pay.py\n+++ b/app/pay.py\n"
          "@@ -1,6 +1,6 @@\n def charge(card, amount):\n     log(amount)\n-    if amount > 0:\n+    if amount >= 0:\n"
          "         card.charge(amount)\n     return True\n \n"
          "diff --git a/package-lock.json b/package-lock.json\n--- a/package-lock.json\n+++ b/package-lock.json\n"
          "@@ -1,3 +1,3 @@\n {\n-  \"version\": \"1.0.0\"\n+  \"version\": \"1.0.1\"\n }\n")


def page_default_inputs(page) -> dict:
    """The example the build prerendered (the page's data-inputs), as the page carries it."""
    return json.loads(page.locator('[data-calc="diff-summarizer"] script[data-calc-prerender]').text_content())["inputs"]


def python(inputs: dict) -> dict:
    response = bridge.call("diff_summary", inputs)
    assert response["ok"], response
    return response["result"]


def assert_page_shows(page, want: dict) -> None:
    expect(page.get_by_test_id("tokens-before")).to_have_attribute("data-value", str(want["tokens_before"]))
    expect(page.get_by_test_id("tokens-after")).to_have_attribute("data-value", str(want["tokens_after"]))
    rows = page.locator("[data-testid=files] tbody tr")
    expect(rows).to_have_count(len(want["files"]))
    for f in want["files"]:
        tr = page.locator(f'[data-testid=files] tr[data-path="{f["path"]}"]')
        expect(tr.get_by_test_id("file-kind")).to_have_text(f["kind"])
        expect(tr.get_by_test_id("file-added")).to_have_attribute("data-value", str(f["added"]))
        expect(tr.get_by_test_id("file-removed")).to_have_attribute("data-value", str(f["removed"]))
        expect(tr.get_by_test_id("file-compact")).to_have_text(f["compact"])
    expect(page.locator("[data-testid=cost-row]")).to_have_count(len(want["costs"]))
    for c in want["costs"]:
        tr = page.locator(f'[data-testid=cost-row][data-model="{c["model"]}"]')
        for key, testid in (("before", "cost-before"), ("after", "cost-after"), ("before_batch", "cost-before-batch"),
                            ("after_batch", "cost-after-batch")):
            expect(tr.get_by_test_id(testid)).to_have_attribute("data-value", c[key]["usd"])
            expect(tr.get_by_test_id(testid)).to_have_text(c[key]["display"])
    expect(page.get_by_test_id("compact-diff")).to_have_text(want["compact_diff"].rstrip("\n"))
    expect(page.locator("[data-testid=summary] li")).to_have_count(len(want["summary"]))
    rec = want["recommended"]
    expect(page.get_by_test_id("recommended-model")).to_have_attribute("data-value", rec["model"])
    expect(page.get_by_test_id("max-tokens")).to_have_attribute("data-value", str(rec["max_tokens"]))
    expect(page.get_by_test_id("code-python")).to_have_text(rec["code"]["python"])


def test_prerendered_example_is_the_python_result_before_and_after_live(page):
    goto(page, PAGE)
    inputs = page_default_inputs(page)
    assert inputs and inputs["diff"].startswith("diff --git")
    want = python(inputs)
    assert_page_shows(page, want)
    wait_live(page)
    assert_page_shows(page, want)
    expect(page.get_by_test_id("stale-note")).to_be_hidden()


def test_pasting_a_diff_recomputes_in_the_worker(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("Unified diff").fill(PASTED)
    page.get_by_label("Context lines to keep").fill("0")
    page.get_by_label("Sent for").select_option("both")
    want = python({"diff": PASTED, "context_lines": 0, "task": "both"})
    assert_page_shows(page, want)
    assert want["files"][1]["kind"] == "lockfile"


def test_an_opened_file_gives_what_the_cli_prints(page, tmp_path):
    path = tmp_path / "change.patch"
    path.write_text(PASTED, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "calculators", "diff-summary", str(path), "--json"], cwd=REPO,
                          capture_output=True, text=True, check=True)
    want = json.loads(proc.stdout)
    goto(page, PAGE)
    wait_live(page)
    page.get_by_test_id("diff-file-input").set_input_files(str(path))
    expect(page.get_by_test_id("diff-file-note")).to_contain_text("change.patch")
    assert_page_shows(page, want)


def test_bad_input_is_shown_next_to_the_field(page):
    goto(page, PAGE)
    wait_live(page)
    before = page.get_by_test_id("tokens-before").get_attribute("data-value")
    page.get_by_label("Unified diff").fill("Please review my change, thanks!")
    message = bridge.call("diff_summary", {"diff": "Please review my change, thanks!"})["errors"][0]["message"]
    expect(page.get_by_test_id("error-diff")).to_have_text(message)
    expect(page.get_by_test_id("stale-note")).to_be_visible()
    # The widget runs on the shared controller (_controller.js): the figures are marked, the widget is not busy.
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "true")
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale-reason", "invalid")
    expect(page.locator('[data-calc="diff-summarizer"]')).to_have_attribute("data-busy", "0")
    expect(page.get_by_test_id("tokens-before")).to_have_attribute("data-value", before)
    page.get_by_label("Unified diff").fill("")
    expect(page.get_by_test_id("error-diff")).to_contain_text("the input is empty")
    page.get_by_label("Unified diff").fill(PASTED)
    expect(page.get_by_test_id("error-diff")).to_be_hidden()
    expect(page.get_by_test_id("tokens-before")).to_have_attribute("data-value", str(python({"diff": PASTED})["tokens_before"]))


def test_a_share_link_carries_the_diff_and_the_options(page):
    goto(page, PAGE + "#" + urlencode({"diff": PASTED, "context_lines": "2", "task": "summary"}))
    want = python({"diff": PASTED, "context_lines": 2, "task": "summary"})
    wait_live(page)
    assert_page_shows(page, want)
    expect(page.get_by_label("Sent for")).to_have_value("summary")
    page.get_by_test_id("diff-example").click()
    href = page.get_by_test_id("share-link").get_attribute("href")
    assert "diff=" in href and "task=review" in href
