"""Browser tests of the Skills Browser page: what the page shows equals what the Python analysis returns in the
test process (``calculators.bridge.call("skills", ...)`` for the example, ``claude-cost skills --json`` for a
folder chosen in the page), before and after the runtime is live, after changing the options, and for a folder
with nothing Claude Code loads.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from calculators import bridge
from tests.browser.conftest import REPO, goto, wait_live

pytestmark = pytest.mark.browser

PAGE = "calculators/skills-browser/"


def example_inputs(page) -> dict:
    return json.loads(page.locator('[data-calc="skills-browser"] script[data-calc-prerender]').text_content())["inputs"]


def python(inputs: dict) -> dict:
    response = bridge.call("skills", inputs)
    assert response["ok"], response
    return response["result"]


def assert_page_shows(page, want: dict) -> None:
    expect(page.get_by_test_id("always-total")).to_have_attribute("data-value", str(want["always_tokens_total"]))
    expect(page.get_by_test_id("on-demand-total")).to_have_attribute("data-value", str(want["on_demand_tokens_total"]))
    expect(page.get_by_test_id("item-row")).to_have_count(len(want["items"]))
    for it in want["items"]:
        tr = page.locator(f'[data-testid=item-row][data-path="{it["path"]}"]')
        expect(tr).to_have_attribute("data-kind", it["kind"])
        expect(tr.get_by_test_id("item-always")).to_have_attribute("data-value", str(it["always_tokens"]))
        expect(tr.get_by_test_id("item-on-demand")).to_have_attribute("data-value", str(it["on_demand_tokens"]))
    expect(page.get_by_test_id("cost-row")).to_have_count(len(want["costs"]))
    for c in want["costs"]:
        tr = page.locator(f'[data-testid=cost-row][data-model="{c["model"]}"]')
        expect(tr.get_by_test_id("cost-uncached")).to_have_attribute("data-value", c["monthly_uncached"]["usd"])
        expect(tr.get_by_test_id("cost-cached")).to_have_attribute("data-value", c["monthly_cached"]["usd"])
        expect(tr.get_by_test_id("cost-cached")).to_have_text(c["monthly_cached"]["display"])
        expect(tr.get_by_test_id("saving-cached")).to_have_attribute("data-value", c["saving_cached"]["usd"])
    warned = [(it["path"], w) for it in want["items"] for w in it["warnings"]]
    expect(page.locator("[data-testid=warnings] li")).to_have_count(len(warned))
    for path, w in warned:
        li = page.locator(f'[data-testid=warnings] li[data-warning="{w["id"]}"][data-path="{path}"]')
        if w["saving_tokens"]:
            expect(li.get_by_test_id("warning-saving-cached")).to_have_attribute(
                "data-value", w["saving_monthly"]["cached"]["usd"])


def test_prerendered_example_is_the_python_result_before_and_after_live(page):
    goto(page, PAGE)
    want = python(example_inputs(page))
    assert_page_shows(page, want)
    wait_live(page)
    assert_page_shows(page, want)


def test_changing_the_options_recomputes(page):
    goto(page, PAGE)
    wait_live(page)
    inputs = example_inputs(page)
    page.get_by_label("Turns per day").fill("750")
    page.get_by_label("Price savings on").select_option("claude-opus-5-5")
    page.get_by_label("MCP tool search is on").uncheck()
    want = python({**inputs, "turns_per_day": "750", "model": "claude-opus-5-5", "mcp_tool_search": False})
    assert_page_shows(page, want)
    expect(page.locator("[data-testid=cost-row].skills-selected")).to_have_attribute("data-model", "claude-opus-5-5")
    assert "turns_per_day=750" in page.get_by_test_id("share-link").get_attribute("href")


def test_a_chosen_folder_gives_what_the_cli_prints(page, tmp_path):
    root = tmp_path / "shop"
    inputs = None
    goto(page, PAGE)
    inputs = example_inputs(page)
    for rel, text in inputs["files"].items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('hi')\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "calculators", "skills", str(root), "--json"], cwd=REPO,
                          capture_output=True, text=True, check=True)
    want = json.loads(proc.stdout)
    wait_live(page)
    page.get_by_test_id("skills-folder-input").set_input_files(str(root))
    expect(page.get_by_test_id("skills-source")).to_contain_text("shop (a project folder)")
    assert_page_shows(page, want)
    # The import (docs/architecture.md) was read in a second round, as the CLI reads it.
    expect(page.locator('[data-testid=item-row][data-path="docs/architecture.md"]')).to_have_count(1)


def test_a_folder_with_nothing_to_load_says_so(page, tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "main.py").write_text("print(1)\n", encoding="utf-8")
    goto(page, PAGE)
    wait_live(page)
    before = page.get_by_test_id("always-total").get_attribute("data-value")
    page.get_by_test_id("skills-folder-input").set_input_files(str(root))
    expect(page.get_by_test_id("skills-error")).to_contain_text("nothing Claude Code loads was found")
    expect(page.get_by_test_id("stale-note")).to_be_visible()
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale-reason", "invalid")
    # The example again: its figures are current, nothing is marked.
    page.get_by_test_id("skills-example").click()
    expect(page.get_by_test_id("stale-note")).to_be_hidden()
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "false")
    expect(page.locator('[data-calc="skills-browser"]')).to_have_attribute("data-busy", "0")
    expect(page.get_by_test_id("always-total")).to_have_attribute("data-value", before)
