"""Browser tests of the Prompt-Pricing Recommender page: what the page shows equals what the Python
recommender (``calculators.bridge.call("recommend", ...)``) returns in the test process, before and after the
in-browser runtime is live, after typing, from a share link, and with bad input.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from calculators import bridge
from calculators.recommend import DEFAULT_INPUTS
from tests.browser.conftest import goto, wait_live

pytestmark = pytest.mark.browser

PAGE = "calculators/recommender/"
DIFF = ("Review this diff for bugs:\n\ndiff --git a/app/pay.py b/app/pay.py\n--- a/app/pay.py\n+++ b/app/pay.py\n"
        "@@ -1,3 +1,3 @@\n-    if amount > 0:\n+    if amount >= 0:\n         charge(card, amount);\n")


def python_result(**changes) -> dict:
    inputs = {**DEFAULT_INPUTS, **changes}
    response = bridge.call("recommend", inputs)
    assert response["ok"], response
    return response["result"]


def assert_page_shows(page, want: dict) -> None:
    """Every figure of the recommendation on the page equals the Python result."""
    expect(page.get_by_test_id("recommended-model")).to_have_attribute("data-value", want["model"])
    expect(page.get_by_test_id("recommended-model")).to_have_text(want["model_name"])
    s = want["saving"]
    expect(page.get_by_test_id("monthly-usd")).to_have_attribute("data-value", s["recommended_monthly"]["usd"])
    expect(page.get_by_test_id("monthly-usd")).to_have_text(s["recommended_monthly"]["display"])
    expect(page.get_by_test_id("monthly-without-usd")).to_have_attribute(
        "data-value", s["recommended_without_levers"]["usd"])
    expect(page.get_by_test_id("saving-usd")).to_have_attribute("data-value", s["saving_monthly"]["usd"])
    expect(page.get_by_test_id("saving-usd")).to_have_attribute("data-direction", s["direction"])
    expect(page.get_by_test_id("saving-usd")).to_have_text(s["amount"]["display"])
    expect(page.get_by_test_id("saving-label")).to_have_text(s["label"])
    expect(page.get_by_test_id("saving-percent")).to_have_text(f'{s["saving_percent"]} of {s["baseline_monthly"]["display"]}')
    runner = want["runner_up"]
    expect(page.get_by_test_id("runner-up")).to_have_attribute("data-value", runner["model"])
    for row in want["costs"]:
        tr = page.locator(f'[data-testid=cost-row][data-model="{row["model"]}"]')
        expect(tr).to_have_attribute("data-current", "true" if row["current"] else "false")
        if row["with_levers"]:
            expect(tr.get_by_test_id("cost-with-usd")).to_have_attribute("data-value", row["with_levers"]["usd"])
            expect(tr.get_by_test_id("cost-without-usd")).to_have_attribute(
                "data-value", row["without_levers"]["usd"])
    expect(page.locator("[data-testid=cost-row]")).to_have_count(len(want["costs"]))
    for lever in want["levers"]:
        tr = page.locator(f'[data-testid=levers] tr[data-lever="{lever["id"]}"]')
        expect(tr).to_have_attribute("data-applies", "true" if lever["applies"] else "false")
        if lever["applies"]:
            expect(tr.get_by_test_id(f"lever-{lever['id']}-usd")).to_have_attribute(
                "data-value", lever["saving_monthly"]["usd"])
    fired = [r["id"] for r in want["rules"]]
    expect(page.locator("[data-testid=rules] li")).to_have_count(len(fired))
    for rule_id in fired:
        expect(page.locator(f'[data-testid=rules] li[data-rule="{rule_id}"]')).to_have_count(1)
    expect(page.locator("[data-testid=features] li")).to_have_count(len(want["features"]))
    expect(page.get_by_test_id("code-python")).to_have_text(want["code"]["python"])
    expect(page.get_by_test_id("costs-basis")).to_contain_text(want["placement"]["display"])
    overhead = want["tokens"]["tool_overhead"]
    if overhead["text"]:
        expect(page.get_by_test_id("tool-overhead")).to_have_text(overhead["text"])
    else:
        expect(page.get_by_test_id("tool-overhead")).to_have_count(0)


def test_prerendered_default_is_the_python_result_before_and_after_live(page):
    want = python_result()
    goto(page, PAGE)
    # The build's figures are there before Python runs in the page.
    assert_page_shows(page, want)
    wait_live(page)
    assert_page_shows(page, want)
    expect(page.get_by_test_id("stale-note")).to_be_hidden()


def test_typing_recomputes_in_the_worker(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("User message").fill(DIFF)
    page.get_by_label("Requests per day").fill("1500")
    page.get_by_label("Does someone wait for the answer?").select_option("offline")
    page.get_by_label("Expected output (tokens)").fill("700")
    want = python_result(prompt=DIFF, requests_per_day="1500", mode="offline", output_tokens="700")
    assert want["model"] != python_result()["model"]  # the change must be visible
    assert_page_shows(page, want)
    expect(page.locator('[data-testid=levers] tr[data-lever="batch"]')).to_have_attribute("data-applies", "true")


def test_typing_is_debounced(page):
    # Count the recommend calls the page sends to the worker while a sentence is typed key by key.
    page.add_init_script("""
        window.__recommendCalls = 0;
        const post = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (msg, ...rest) {
            if (msg && msg.name === "recommend") window.__recommendCalls += 1;
            return post.call(this, msg, ...rest);
        };
    """)
    goto(page, PAGE)
    wait_live(page)
    box = page.get_by_label("User message")
    box.fill("")
    box.press_sequentially("Translate into French: see you tomorrow", delay=15)
    want = python_result(prompt="Translate into French: see you tomorrow")
    assert_page_shows(page, want)
    calls = page.evaluate("window.__recommendCalls")
    # Without the debounce there would be one call per keystroke (39). A loaded machine can stretch a 15 ms gap
    # between keys past the debounce window now and then, so the bound leaves room for a few such stalls.
    assert 1 <= calls <= 10, f"{calls} calls for 39 keystrokes"


def test_bad_input_is_reported_next_to_its_field(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("Requests per day").fill("lots")
    want = bridge.call("recommend", {**DEFAULT_INPUTS, "requests_per_day": "lots"})
    assert not want["ok"]
    message = next(e["message"] for e in want["errors"] if e["field"] == "requests_per_day")
    expect(page.get_by_test_id("error-requests_per_day")).to_have_text(message)
    expect(page.get_by_label("Requests per day")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("stale-note")).to_be_visible()
    # The last valid figures stay, marked stale; fixing the field clears the error.
    expect(page.get_by_test_id("recommended-model")).to_have_attribute("data-value", python_result()["model"])
    page.get_by_label("Requests per day").fill("400")
    expect(page.get_by_test_id("error-requests_per_day")).to_be_hidden()
    assert_page_shows(page, python_result(requests_per_day="400"))


def test_empty_prompt_gets_a_clear_message(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("System prompt").fill("")
    page.get_by_label("User message").fill("")
    want = bridge.call("recommend", {**DEFAULT_INPUTS, "system": "", "prompt": ""})
    expect(page.get_by_test_id("error-prompt")).to_have_text(want["errors"][0]["message"])
    expect(page.get_by_test_id("error-prompt")).to_contain_text("empty")


def test_share_link_restores_the_analysis(page, site_url):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("User message").fill(DIFF)
    page.get_by_label("Turns per conversation").fill("12")
    want = python_result(prompt=DIFF, turns="12")
    assert_page_shows(page, want)
    href = page.get_by_test_id("share-link").get_attribute("href")
    assert href.startswith("#") and "turns=12" in href
    assert page.url.endswith(href)  # the address bar carries the state too

    other = page.context.new_page()
    try:
        other.goto(site_url + PAGE + href)
        expect(other.get_by_label("Turns per conversation")).to_have_value("12")
        expect(other.get_by_label("User message")).to_have_value(DIFF)
        wait_live(other)
        assert_page_shows(other, want)
    finally:
        other.close()


def test_hand_written_link_with_workload_fields(page, site_url):
    fragment = urlencode({"prompt": "Classify the sentiment of: the tent leaks", "system": "", "repeats": "none",
                          "requests_per_day": "250", "mode": "offline"})
    goto(page, PAGE + "#" + fragment)
    wait_live(page)
    want = python_result(prompt="Classify the sentiment of: the tent leaks", system="", repeats="none",
                         requests_per_day="250", mode="offline")
    assert_page_shows(page, want)


def test_form_is_keyboard_usable(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("System prompt").focus()
    page.keyboard.press("Tab")  # to the user message
    page.keyboard.press("Control+A")
    page.keyboard.type("Hey! How are you doing today?")
    want = python_result(prompt="Hey! How are you doing today?")
    assert_page_shows(page, want)
    for label in ("System prompt", "User message", "Requests per day", "What repeats across requests",
                  "Typical gap between requests (minutes)", "Does someone wait for the answer?",
                  "Expected output (tokens)", "Turns per conversation", "Prices in force on", "Model you use now",
                  "Platform", "Tool choice", "Bash", "Computer use"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    # Every input's name is its bridge field.
    names = page.eval_on_selector_all(".rec-form [name]", "els => els.map(e => e.name)")
    assert set(names) >= {"system", "prompt", "tools", "requests_per_day", "repeats", "gap_minutes", "mode",
                          "output_tokens", "turns", "at", "current_model", "platform", "endpoint", "tool_set",
                          "tool_choice"}


def test_platform_endpoint_tools_and_current_model_follow_the_library(page, site_url):
    goto(page, PAGE)
    wait_live(page)
    # The endpoint only matters on Bedrock and Vertex AI: it appears when one of them is chosen.
    expect(page.get_by_label("Endpoint", exact=True)).to_be_hidden()
    page.get_by_label("Platform", exact=True).select_option("vertex")
    expect(page.get_by_label("Endpoint", exact=True)).to_be_visible()
    page.get_by_label("Endpoint", exact=True).select_option("regional")
    page.get_by_label("Bash", exact=True).check()
    page.get_by_label("Text editor", exact=True).check()
    page.get_by_label("Tool choice", exact=True).select_option("any")
    page.get_by_label("Model you use now").select_option("claude-fable-5-2")
    changes = dict(platform="vertex", endpoint="regional", tool_set="bash,text_editor", tool_choice="any",
                   current_model="claude-fable-5-2")
    want = python_result(**changes)
    plain = python_result(current_model="claude-fable-5-2")
    # The inputs change the figures (a regional premium and the tools' tokens), so the check below can fail.
    assert want["saving"]["recommended_monthly"] != plain["saving"]["recommended_monthly"]
    assert want["tokens"]["tool_overhead"]["total"] > 0
    assert_page_shows(page, want)
    expect(page.get_by_test_id("saving-label")).to_contain_text("Claude Fable 5.2")
    # The share link carries the new fields.
    href = page.get_by_test_id("share-link").get_attribute("href")
    other = page.context.new_page()
    try:
        other.goto(site_url + PAGE + href)
        expect(other.get_by_label("Platform", exact=True)).to_have_value("vertex")
        expect(other.get_by_label("Bash", exact=True)).to_be_checked()
        wait_live(other)
        assert_page_shows(other, want)
    finally:
        other.close()


def test_a_dearer_recommendation_is_shown_as_extra_cost(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("User message").fill(DIFF)
    page.get_by_label("Model you use now").select_option(python_result()["model"])
    want = python_result(prompt=DIFF, current_model=python_result()["model"])
    assert want["saving"]["direction"] == "costs_more"  # code needs a bigger model than the example's
    assert_page_shows(page, want)
    expect(page.get_by_test_id("saving-label")).to_contain_text("Extra against")


def test_foundry_regional_is_refused_next_to_the_endpoint(page):
    goto(page, PAGE)
    wait_live(page)
    page.get_by_label("Platform", exact=True).select_option("bedrock")
    page.get_by_label("Endpoint", exact=True).select_option("regional")
    page.get_by_label("Platform", exact=True).select_option("foundry")
    want = bridge.call("recommend", {**DEFAULT_INPUTS, "platform": "foundry", "endpoint": "regional"})
    assert not want["ok"]
    # The endpoint stays visible while it holds a refused value, so its message can be read where it applies.
    expect(page.get_by_test_id("error-endpoint")).to_have_text(want["errors"][0]["message"])
    expect(page.get_by_label("Endpoint", exact=True)).to_be_visible()


def test_a_new_prompt_marks_the_examples_volume_until_it_is_set(page):
    goto(page, PAGE)
    wait_live(page)
    expect(page.get_by_test_id("example-note")).to_be_hidden()
    page.get_by_label("User message").fill("Summarise this meeting transcript in five bullet points.")
    # The figures are computed for the example's volume, and the page says so.
    expect(page.get_by_test_id("example-note")).to_be_visible()
    expect(page.get_by_test_id("example-note")).to_contain_text("20,000")
    expect(page.get_by_test_id("example-flag-requests_per_day")).to_be_visible()
    expect(page.get_by_label("Requests per day")).to_have_attribute("data-from-example", "true")
    page.get_by_label("Requests per day").fill("300")
    expect(page.get_by_test_id("example-flag-requests_per_day")).to_be_hidden()
    expect(page.get_by_test_id("example-note")).to_contain_text("gap")
    expect(page.get_by_test_id("example-note")).not_to_contain_text("20,000")
    page.get_by_label("Typical gap between requests (minutes)").fill("10")
    expect(page.get_by_test_id("example-note")).to_be_hidden()
    assert_page_shows(page, python_result(prompt="Summarise this meeting transcript in five bullet points.",
                                          requests_per_day="300", gap_minutes="10"))


def test_print_keeps_the_whole_prompt(page):
    """Printed, a text box shows only its visible rows: the page prints a copy of the whole prompt instead."""
    goto(page, PAGE)
    wait_live(page)
    prompt = page.get_by_label("System prompt")
    last_line = "Last line of a long prompt: it must reach the paper."
    prompt.fill("\n".join(f"Rule {i}: answer briefly." for i in range(60)) + "\n" + last_line)
    page.emulate_media(media="print")
    expect(prompt).to_be_hidden()
    copy = page.get_by_test_id("print-copy").first
    expect(copy).to_be_visible()
    expect(copy).to_contain_text(last_line)
    # the whole text is laid out (nothing clipped): the copy is as tall as its content
    assert copy.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    page.emulate_media(media="screen")
    expect(prompt).to_be_visible()
    expect(copy).to_be_hidden()
