"""The Cost Calculator's extras in Chromium, each compared with what the library or the CLI computes here:
scenarios side by side (and in the share link), presets, a pasted usage object, the projection with growth and
a budget, the display currency, exports, and axe on the page with every extra in use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from calculators import bridge
from calculators.presets import presets_json

from .conftest import REPO, goto, wait_live
from .test_accessibility import axe_violations, describe
from .test_cost_calculator import PAGE, full_state, python_result, settled

pytestmark = pytest.mark.browser

SLOW = 30_000  # generous: CI machines are loaded


def open_live(page) -> None:
    goto(page, PAGE)
    wait_live(page)
    settled(page)


def add_haiku_batch_scenario(page) -> None:
    page.get_by_test_id("add-scenario").click()
    expect(page.get_by_test_id("scenario-tab")).to_have_count(2)
    page.select_option('select[name="model"]', "claude-haiku-5-5")
    page.locator('input[name="batch"]').set_checked(True)
    settled(page)


def test_two_scenarios_side_by_side_match_python_and_survive_the_share_link(page):
    open_live(page)
    add_haiku_batch_scenario(page)
    a, b = full_state(), full_state(model="claude-haiku-5-5", batch=True)
    expected = python_result({**b, "scenarios": [a, b], "active": 1})["side_by_side"]
    rows = page.get_by_test_id("scenario-row")
    expect(rows).to_have_count(2, timeout=SLOW)
    for i, row in enumerate(expected["rows"]):
        expect(rows.nth(i).get_by_test_id("scenario-monthly-usd")).to_have_attribute("data-value", row["monthly"]["usd"])
        expect(rows.nth(i).get_by_test_id("scenario-per-request-usd")).to_have_text(row["per_request"]["display"])
    expect(rows.nth(1).get_by_test_id("scenario-diff-monthly-usd")).to_have_attribute(
        "data-value", expected["rows"][1]["diff_monthly"]["usd"])
    expect(page.get_by_test_id("scenario-summary")).to_have_text(expected["summary"][0])
    # The main figures are scenario B's (the form shows it).
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", expected["rows"][1]["per_request"]["usd"])

    link = page.get_by_test_id("share-link").get_attribute("href")
    goto(page, PAGE + link)
    wait_live(page)
    settled(page)
    expect(page.get_by_test_id("scenario-tab")).to_have_count(2)
    expect(page.locator('[data-testid="scenario-tab"][aria-pressed="true"]')).to_have_attribute("data-scenario", "B")
    expect(page.get_by_test_id("scenario-row").nth(1).get_by_test_id("scenario-monthly-usd")).to_have_attribute(
        "data-value", expected["rows"][1]["monthly"]["usd"])

    # Keyboard: switch to A with the keyboard, duplicate it, remove the copy.
    page.locator('[data-testid="scenario-tab"][data-scenario="A"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('select[name="model"]')).to_have_value("claude-sonnet-5-5")
    page.get_by_test_id("duplicate-scenario").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("scenario-tab")).to_have_count(3)
    expect(page.locator('[data-testid="scenario-tab"][aria-pressed="true"]')).to_have_attribute("data-scenario", "C")
    page.get_by_test_id("remove-scenario").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("scenario-tab")).to_have_count(2)
    settled(page)
    expect(page.get_by_test_id("scenario-row")).to_have_count(2)


def test_named_scenarios_show_on_tabs_rows_and_summary_and_travel_in_the_link(page):
    open_live(page)
    expect(page.get_by_test_id("scenario-name")).to_be_hidden()  # (one scenario: nothing to tell apart)
    add_haiku_batch_scenario(page)
    page.get_by_test_id("scenario-name").fill("Batch on Haiku")
    page.locator('[data-testid="scenario-tab"][data-scenario="A"]').click()
    page.get_by_test_id("scenario-name").fill("Today")
    settled(page)
    a, b = full_state(name="Today"), full_state(model="claude-haiku-5-5", batch=True, name="Batch on Haiku")
    expected = python_result({**a, "scenarios": [a, b], "active": 0})["side_by_side"]
    assert expected["summary"][0].startswith("B (Batch on Haiku) costs ")
    expect(page.get_by_test_id("scenario-summary")).to_have_text(expected["summary"][0])
    expect(page.get_by_test_id("scenario-tab")).to_have_text(["A Today", "B Batch on Haiku"])
    expect(page.get_by_test_id("scenario-row").nth(1)).to_contain_text("Batch on Haiku")
    link = page.get_by_test_id("share-link").get_attribute("href")
    goto(page, PAGE + link)
    wait_live(page)
    settled(page)
    expect(page.get_by_test_id("scenario-name")).to_have_value("Today")
    expect(page.get_by_test_id("scenario-summary")).to_have_text(expected["summary"][0])
    # a copy is a new scenario: it starts without a name
    page.get_by_test_id("duplicate-scenario").click()
    expect(page.get_by_test_id("scenario-name")).to_have_value("")


def test_a_preset_fills_the_form_shows_its_assumptions_and_prices_like_python(page):
    open_live(page)
    preset = next(p for p in presets_json() if p["key"] == "agent")
    page.get_by_test_id("preset-select").select_option("agent")
    settled(page)
    for line in preset["assumptions"]:
        expect(page.get_by_test_id("preset-assumptions")).to_contain_text(line)
    state = {k: v for k, v in full_state().items() if k != "requests_per_month"}
    state.update({k: (v if isinstance(v, bool) else str(v)) for k, v in preset["inputs"].items()})
    expected = python_result(state)
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", expected["per_request"]["total"]["usd"],
                                                               timeout=SLOW)
    expect(page.get_by_test_id("monthly-usd")).to_have_attribute("data-value", expected["monthly"]["usd"])


RESPONSE = {"id": "msg_1", "type": "message", "model": "claude-opus-5-5", "content": [],
            "usage": {"input_tokens": 1200, "output_tokens": 300, "cache_read_input_tokens": 5000,
                      "cache_creation_input_tokens": 800, "service_tier": "batch"}}


def test_a_pasted_response_is_priced_like_the_cli_prices_it(page):
    cli = subprocess.run([sys.executable, "-m", "calculators", "price", "--usage", "-", "--json"],
                         input=json.dumps(RESPONSE), capture_output=True, text=True, cwd=REPO, check=True)
    expected = json.loads(cli.stdout)
    open_live(page)
    page.get_by_test_id("usage-paste").locator("summary").click()
    page.get_by_test_id("usage-text").fill(json.dumps(RESPONSE))
    page.get_by_test_id("usage-apply").click()
    expect(page.get_by_test_id("usage-summary")).to_contain_text("Claude Opus 5.5", timeout=SLOW)
    settled(page)
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", expected["total_usd"], timeout=SLOW)
    for item in expected["items"]:
        expect(page.get_by_test_id(f"item-{item['bucket']}-usd")).to_have_attribute("data-value", item["usd"])

    page.get_by_test_id("usage-text").fill('{"usage": {"input_tokens": 10, "output_tokens": "many"}}')
    page.get_by_test_id("usage-apply").click()
    error = bridge.call("calculator_usage", {"text": '{"usage": {"input_tokens": 10, "output_tokens": "many"}}'})
    expect(page.get_by_test_id("error-usage_text")).to_have_text(error["errors"][0]["message"], timeout=SLOW)
    expect(page.get_by_test_id("usage-text")).to_have_attribute("aria-invalid", "true")


def test_projection_and_currency_match_python(page):
    open_live(page)
    page.fill('input[name="months"]', "6")
    page.fill('input[name="growth"]', "10")
    page.fill('input[name="budget"]', "1000")
    page.fill('input[name="currency"]', "eur")
    page.fill('input[name="rate"]', "0.92")
    settled(page)
    expected = python_result(full_state(months="6", growth="10", budget="1000", currency="eur", rate="0.92"))
    p = expected["projection"]
    cells = page.get_by_test_id("projection-month-usd")
    expect(cells).to_have_count(6, timeout=SLOW)
    assert cells.evaluate_all("cs => cs.map(c => c.dataset.value)") == [r["cost"]["usd"] for r in p["rows"]]
    expect(page.get_by_test_id("projection-summary")).to_contain_text(p["summary"])
    expect(page.get_by_test_id("budget-line")).to_have_count(1)
    over = page.locator('[data-testid="projection-table"] tr.calc-over')
    expect(over).to_have_count(sum(r["over_budget"] for r in p["rows"]))
    ticks = page.locator('[data-testid="projection-chart"] text[data-value]')
    assert ticks.evaluate_all("ts => ts.map(t => t.textContent)") == [t["display"] for t in p["axis"]["ticks"]]
    expect(page.get_by_test_id("monthly-approx")).to_have_text(expected["currency"]["monthly"])
    expect(page.get_by_test_id("total-approx")).to_have_text(expected["currency"]["per_request"])
    expect(page.get_by_test_id("currency-note")).to_have_text(expected["currency"]["note"])
    # The dollar figures do not change with a display currency.
    expect(page.get_by_test_id("monthly-usd")).to_have_attribute("data-value", expected["monthly"]["usd"])

    page.fill('input[name="rate"]', "")
    page.fill('input[name="currency"]', "EUR")
    settled(page)
    expect(page.get_by_test_id("error-rate")).to_contain_text("how many EUR one US dollar buys")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_downloads_what_python_writes(page, fmt):
    open_live(page)
    add_haiku_batch_scenario(page)
    with page.expect_download(timeout=SLOW) as info:
        page.get_by_test_id(f"export-{fmt}").click()
    download = info.value
    a, b = full_state(), full_state(model="claude-haiku-5-5", batch=True)
    # (the page sends its projection settings, here the defaults: the JSON file carries a 12-month projection)
    settings = {"months": "", "growth": "", "budget": ""}
    expected = bridge.call("calculator_export", {"format": fmt, "scenarios": [a, b], "labels": ["A", "B"],
                                                 "projection": settings})["result"]
    if fmt == "json":
        assert len(json.loads(expected["text"])["scenarios"][1]["projection"]["rows"]) == 12
    assert download.suggested_filename == expected["filename"]
    with open(download.path(), encoding="utf-8") as fh:
        assert fh.read() == expected["text"]
    expect(page.get_by_test_id("export-note")).to_have_text(f"Downloaded {expected['filename']}.")


def test_print_shows_the_inputs_summary_and_results_without_the_form(page):
    open_live(page)
    page.emulate_media(media="print")
    expect(page.locator(".calc-form")).to_be_hidden()
    expect(page.get_by_test_id("inputs-summary")).to_be_visible()
    expect(page.get_by_test_id("total-usd")).to_be_visible()
    expect(page.locator(".md-header")).to_be_hidden()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_serious_axe_violation_with_every_extra_in_use(page, scheme):
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    open_live(page)
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    add_haiku_batch_scenario(page)
    page.get_by_test_id("preset-select").select_option("chatbot")
    page.fill('input[name="budget"]', "100")
    page.fill('input[name="currency"]', "EUR")
    page.fill('input[name="rate"]', "0.9")
    page.get_by_test_id("usage-paste").locator("summary").click()
    settled(page)
    page.locator(".calc-chart-data summary").click()
    found = axe_violations(page)
    assert not found, describe(found)
