"""How the tools behave when the in-browser runtime fails or is slow: a blocked WebAssembly download or a runtime
that never comes up reaches `failed` within 20 s with a message and a Retry button; every tool then marks its
figures as not recomputed; typing while the runtime loads marks the figures stale until the live answer arrives;
Retry brings the tools back and computes what the reader changed meanwhile."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from calculators import bridge

from .conftest import goto, wait_live
from .test_cost_calculator import PAGE, expect_figures, forget_runtime_cache, full_state, python_result, settled
from .test_log_analyser import CC_FILES, cli_report, drop, wait_report

pytestmark = pytest.mark.browser

#: The longest a failed start may take to say so (issue 18).
FAILED_WITHIN_MS = 20_000


def block_wasm(page) -> None:
    page.route("**/pyodide.asm.wasm", lambda route: route.abort())


def status(page):
    return page.get_by_test_id("runtime-status")


def expect_failed(page, *texts: str) -> None:
    expect(status(page)).to_have_attribute("data-state", "failed", timeout=FAILED_WITHIN_MS)
    for text in texts:
        expect(status(page)).to_contain_text(text)
    expect(page.get_by_test_id("runtime-retry")).to_be_visible()


@pytest.mark.allow_page_errors
def test_a_blocked_wasm_download_fails_fast_marks_the_figures_and_retry_recovers(page):
    forget_runtime_cache(page)
    block_wasm(page)
    started = time.monotonic()
    goto(page, PAGE)
    expect_failed(page, "could not start", "pyodide.asm.wasm")
    assert time.monotonic() - started < FAILED_WITHIN_MS / 1000
    # The prerendered figures stay, marked as not recalculated.
    results = page.get_by_test_id("results")
    expect(results).to_have_attribute("data-stale", "true")
    expect(results).to_have_attribute("data-stale-reason", "failed")
    expect(page.get_by_test_id("stale-note")).to_contain_text("not recalculated")
    expect(page.get_by_test_id("total-usd")).to_have_attribute(
        "data-value", python_result(full_state())["per_request"]["total"]["usd"])
    # A change cannot be computed: the note says the figures are not for the form.
    page.fill('input[name="output"]', "1234")
    expect(page.get_by_test_id("stale-note")).to_contain_text("not for the form as it is")
    expect(page.locator('[data-calc="cost-calculator"]')).to_have_attribute("data-busy", "0")
    # Retry once the download works again: live, and the change is computed.
    page.unroute("**/pyodide.asm.wasm")
    page.get_by_test_id("runtime-retry").click()
    wait_live(page)
    settled(page)
    expect_figures(page, python_result(full_state(output="1234")))
    expect(page.get_by_test_id("stale-note")).to_be_hidden()


@pytest.mark.allow_page_errors
def test_a_runtime_that_never_comes_up_fails_within_20_seconds(page):
    forget_runtime_cache(page)
    held = []
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))  # never answered, never an error
    started = time.monotonic()
    goto(page, PAGE)
    expect(status(page)).to_have_attribute("data-state", "loading")
    expect_failed(page, "did not come up within")
    assert time.monotonic() - started < FAILED_WITHIN_MS / 1000
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "true")
    page.unroute("**/pyodide.asm.wasm")
    page.get_by_test_id("runtime-retry").click()
    wait_live(page)


@pytest.mark.allow_page_errors
def test_the_recommender_marks_its_figures_and_hides_analysing_when_the_runtime_fails(page):
    forget_runtime_cache(page)
    block_wasm(page)
    goto(page, "calculators/recommender/")
    expect_failed(page, "could not start")
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "true")
    expect(page.get_by_test_id("stale-note")).to_be_visible()
    expect(page.get_by_test_id("busy")).to_be_hidden()  # not "Analysing…" forever
    page.get_by_label("Requests per day").fill("400")
    expect(page.get_by_test_id("stale-note")).to_contain_text("not for the form as it is")
    expect(page.get_by_test_id("busy")).to_be_hidden()


@pytest.mark.allow_page_errors
def test_the_analyser_keeps_the_files_until_retry_and_cancel_works_while_waiting(page):
    forget_runtime_cache(page)
    held = []
    # Hold the download (not abort it at once): an immediate failure could beat the Cancel click, and the
    # button is rightly hidden once the start has failed.
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    goto(page, "calculators/log-analyser/")
    widget = page.locator('[data-calc="log-analyser"]')
    # Dropped while the runtime is still starting: waiting, and Cancel works.
    drop(page, {p.name: p.read_text() for p in CC_FILES[:1]})
    page.get_by_test_id("log-cancel").click()
    expect(widget).to_have_attribute("data-state", "cancelled")
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the runtime never asked for pyodide.asm.wasm"
    for route in held:
        route.abort()
    expect_failed(page, "could not start")
    # A second upload after the failure is not ignored: the analyser says why it cannot read it ...
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    expect(page.get_by_test_id("stale-note")).to_contain_text("cannot read your files")
    expect(widget).to_have_attribute("data-busy", "0")
    # ... and reads it after Retry.
    page.unroute("**/pyodide.asm.wasm")
    page.get_by_test_id("runtime-retry").click()
    wait_live(page)
    wait_report(page)
    expect(page.get_by_test_id("log-total-usd")).to_have_attribute("data-value", cli_report(*CC_FILES)["total_usd"])
    expect(page.get_by_test_id("stale-note")).to_be_hidden()


def test_typing_while_the_runtime_loads_marks_the_figures_stale_until_the_live_answer(page):
    forget_runtime_cache(page)
    held = []
    page.route("**/assets/py/calculators-*.zip", lambda route: held.append(route))  # Python waits for it
    goto(page, PAGE)
    for _ in range(200):  # the worker asks for the archive once the figures are on screen
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the worker never asked for the calculators archive"
    page.fill('input[name="input"]', "7000")
    results = page.get_by_test_id("results")
    expect(results).to_have_attribute("data-stale", "true")
    expect(results).to_have_attribute("data-stale-reason", "loading")
    expect(page.get_by_test_id("stale-note")).to_contain_text("as soon as live recalculation is ready")
    expect(page.locator('[data-calc="cost-calculator"]')).to_have_attribute("data-busy", "1")
    assert status(page).get_attribute("data-state") == "loading"
    # The old figures are still the default's (and marked so), not the typed input's.
    default = python_result(full_state())
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", default["per_request"]["total"]["usd"])
    for route in held:
        route.continue_()
    page.unroute("**/assets/py/calculators-*.zip")
    wait_live(page)
    settled(page)
    expect_figures(page, python_result(full_state(input="7000")))
    expect(page.get_by_test_id("stale-note")).to_be_hidden()


def test_bridge_messages_never_show_the_command_line_in_the_browser(page):
    """Messages name the form's fields: no `--flag` and no `claude-cost models` on the pages."""
    goto(page, "calculators/log-analyser/")
    wait_live(page)
    page.locator(".log-options-box summary").click()
    page.fill('input[name="route_to"]', "no-such-model")
    drop(page, {p.name: p.read_text() for p in CC_FILES})
    error = page.get_by_test_id("error-route_to")
    want = bridge.call("analyze_start", {"route_to": "no-such-model"})["errors"][0]["message"]
    expect(error).to_have_text(want)
    assert want.startswith("Route to:") and "--" not in want and "claude-cost" not in want
    page.fill('input[name="route_to"]', "haiku")
    wait_report(page)
    text = page.get_by_test_id("log-report").inner_text()
    assert "--batch-share" not in text and "--route-to" not in text
    assert "Batch share" in text  # the what-if names the form's field instead
