"""The Cost Calculator page in Chromium: the figures it shows are the ones Python computes in this process.

Covers: 13 input sets compared in full with ``calculators.bridge.call("calculator", ...)``, the prerendered
default before the worker is ready (and with JavaScript off), the share link, every kind of bad input, the
runtime's failure messages (file://, a missing archive), keyboard use, phone width, a base path and the
runtime's own cache.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from calculators import bridge, load_pricing
from calculators.scenarios import DEFAULT_INPUTS

from .conftest import goto, wait_live

pytestmark = pytest.mark.browser

PAGE = "calculators/cost-calculator/"
NUMBER_FIELDS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output", "web_searches")


def _retired_before():
    """A retired model and a day it was still priced (read from pricing.toml, not typed here)."""
    m = next(m for m in load_pricing().models if m.retired)
    return m.id, (m.retired - dt.timedelta(days=1)).isoformat()


RETIRED_MODEL, RETIRED_DAY = _retired_before()

#: Input sets the page must price exactly as Python does. Each is a full form state.
INPUT_SETS = {
    "cache reads on Sonnet 5.5": dict(model="claude-sonnet-5-5", input="1000", cache_read="50000", output="800",
                                      requests_per_month="30000"),
    "batch and US-only": dict(model="claude-sonnet-5-5", input="10000", output="1000", batch=True, geo="us"),
    "Haiku 5.5 long-prompt tier": dict(model="claude-haiku-5-5", input="150000", output="1000"),
    "web searches": dict(model="claude-sonnet-5-5", input="3000", output="400", web_searches="3"),
    "Opus 5.5 fast mode": dict(model="claude-opus-5-5", input="4000", output="2000", fast=True,
                               requests_per_month="500"),
    "fast mode billed as standard": dict(model="claude-opus-4-6", input="4000", output="2000", fast=True),
    "historical long-context price": dict(model="claude-sonnet-4-6", at="2026-03-01", input="250000",
                                          output="1000"),
    "retired model before retirement": dict(model=RETIRED_MODEL, at=RETIRED_DAY, input="12000", output="700"),
    "volume per day": dict(model="claude-haiku-5-5", input="800", output="200", requests_per_day="1234"),
    "both cache lifetimes": dict(model="claude-opus-5-5", input="500", cache_write_5m="20000",
                                 cache_write_1h="30000", cache_read="100000", output="1500"),
    "large prompt, US-only, legacy model": dict(model="claude-opus-4-7", input="900000", output="64000", geo="us",
                                                requests_per_month="7"),
    "everything zero": dict(model="claude-sonnet-5-5", input="0", output="0", requests_per_month="0"),
    "batch with cache writes": dict(model="claude-sonnet-5-5", cache_write_5m="40000", cache_read="0",
                                    output="300", batch=True, requests_per_month="100000"),
}


def full_state(**changes) -> dict:
    state = {k: (v if isinstance(v, bool) else str(v)) for k, v in DEFAULT_INPUTS.items()}
    if "requests_per_day" in changes:
        state.pop("requests_per_month")
    state.update(changes)
    return state


def python_result(state: dict) -> dict:
    response = bridge.call("calculator", state)
    assert response["ok"], response
    return response["result"]


def set_form(page, state: dict) -> None:
    """Fill the form the way a reader would (model first: it can change which toggles are shown)."""
    page.select_option('select[name="model"]', state["model"])
    page.fill('input[name="at"]', state.get("at", ""))
    for name in NUMBER_FIELDS:
        page.fill(f'input[name="{name}"]', state.get(name, "0"))
    for name in ("batch", "fast"):
        box = page.locator(f'input[name="{name}"]')
        if box.is_visible() or state.get(name):
            box.set_checked(bool(state.get(name)))
    geo = page.locator('select[name="geo"]')
    if geo.is_visible() or state.get("geo", "global") != "global":
        geo.select_option(state.get("geo", "global"))
    if "requests_per_day" in state:
        page.select_option('select[name="volume_unit"]', "day")
        page.fill('input[name="requests_per_day"]', state["requests_per_day"])
    else:
        page.select_option('select[name="volume_unit"]', "month")
        page.fill('input[name="requests_per_month"]', state["requests_per_month"])


def settled(page) -> None:
    expect(page.locator('[data-calc="cost-calculator"]')).to_have_attribute("data-busy", "0")


def expect_figures(page, result: dict) -> None:
    """Everything the results panel shows equals the Python result."""
    per = result["per_request"]
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", per["total"]["usd"])
    expect(page.get_by_test_id("monthly-usd")).to_have_attribute("data-value", result["monthly"]["usd"])
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "false")
    expect(page.get_by_test_id("total-usd")).to_have_text(per["total"]["display"])
    expect(page.get_by_test_id("monthly-usd")).to_have_text(result["monthly"]["display"])
    for item in per["items"]:
        cell = page.get_by_test_id(f"item-{item['bucket']}-usd")
        expect(cell).to_have_attribute("data-value", item["usd"])
        expect(page.get_by_test_id(f"item-{item['bucket']}-monthly-usd")).to_have_attribute(
            "data-value", item["monthly"]["usd"])
    rows = page.get_by_test_id("compare-row")
    shown = rows.evaluate_all("rows => rows.map(r => r.dataset.model)")
    assert shown == [row["model"] for row in result["comparison"]]
    for i, row in enumerate(result["comparison"]):
        if "per_request" in row:
            expect(rows.nth(i).get_by_test_id("compare-monthly-usd")).to_have_attribute("data-value",
                                                                                     row["monthly"]["usd"])
    cheapest = next((row["model"] for row in result["comparison"] if row["cheapest"]), None)
    if cheapest:
        expect(page.locator('[data-testid="compare-row"].calc-cheapest')).to_have_attribute("data-model", cheapest)
    expect(page.get_by_test_id("saving-monthly-usd")).to_have_attribute("data-value", result["saving"]["monthly"]["usd"])
    if result["break_even"]["reads_5m"] is not None:
        expect(page.get_by_test_id("break-even-5m")).to_have_attribute("data-value",
                                                                       str(result["break_even"]["reads_5m"]))
        expect(page.get_by_test_id("break-even-1h")).to_have_attribute("data-value",
                                                                       str(result["break_even"]["reads_1h"]))
    for note in per["notes"]:
        expect(page.get_by_test_id("notes")).to_contain_text(note)


# ----------------------------------------------------------------------------------------------------------


def test_the_default_figures_match_python_once_live(page):
    goto(page, PAGE)
    wait_live(page)
    expect_figures(page, python_result(full_state()))


def test_every_input_set_shows_what_python_computes(page):
    goto(page, PAGE)
    wait_live(page)
    for label, changes in INPUT_SETS.items():
        state = full_state(**changes)
        set_form(page, state)
        settled(page)
        try:
            expect_figures(page, python_result(state))
        except AssertionError as exc:
            raise AssertionError(f"input set {label!r}: {exc}") from None


def forget_runtime_cache(page) -> None:
    """Empty the runtime's Cache Storage (shared by the tests' browser context) so the worker must download."""
    goto(page, "")
    page.evaluate('caches.delete("claude-cost-runtime")')


def test_the_prerendered_default_is_correct_before_the_worker_is_ready(page):
    forget_runtime_cache(page)
    held = []
    page.route("**/assets/py/**", lambda route: held.append(route))  # never answered: Python cannot start
    goto(page, PAGE)
    status = page.get_by_test_id("runtime-status")
    expect(status).to_have_attribute("data-state", "loading")
    expect(status).to_have_text("Loading live recalculation…")
    result = python_result(full_state())
    per = result["per_request"]
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", per["total"]["usd"])
    expect(page.get_by_test_id("total-usd")).to_have_text(per["total"]["display"])
    expect(page.get_by_test_id("monthly-usd")).to_have_attribute("data-value", result["monthly"]["usd"])
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "false")
    for _ in range(200):  # the worker starts once the figures are on screen; wait (up to 10 s) for its request
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the worker never asked for the calculators archive"
    assert page.get_by_test_id("runtime-status").get_attribute("data-state") == "loading"


def test_python_starts_only_once_the_prerendered_figures_are_on_screen(page):
    """The worker (and its downloads and compile) must not compete with the frame that shows the figures."""
    goto(page, PAGE)
    wait_live(page)
    # Element Timing reports the prerendered paragraph when the frame showing it is presented.
    shown = page.evaluate("""() => new Promise((resolve) => new PerformanceObserver((list) => resolve(
        list.getEntries().filter((e) => e.identifier === "claude-cost-prerendered").map((e) => e.renderTime)))
        .observe({ type: "element", buffered: true }))""")
    started = page.evaluate("performance.getEntriesByName('claude-cost-worker').map((e) => e.startTime)")
    assert len(shown) == 1 and len(started) == 1, (shown, started)
    assert started[0] >= shown[0], f"Python started at {started[0]:.0f} ms, the figures were shown at {shown[0]:.0f} ms"


def test_the_prerendered_figures_need_no_javascript(browser, site_url):
    ctx = browser.new_context(base_url=site_url, java_script_enabled=False)
    try:
        pg = ctx.new_page()
        pg.goto(PAGE)
        result = python_result(full_state())
        assert pg.get_by_test_id("total-usd").get_attribute("data-value") == result["per_request"]["total"]["usd"]
        assert pg.get_by_test_id("monthly-usd").get_attribute("data-value") == result["monthly"]["usd"]
        assert pg.get_by_test_id("total-usd").inner_text() == result["per_request"]["total"]["display"]
        # The status line says plainly that nothing will recalculate (not "Loading…" forever).
        expect(pg.get_by_test_id("runtime-status")).to_have_text(
            "Live recalculation is off: scripts are turned off for this site. The figures shown were computed when "
            "the site was built.", use_inner_text=True)
    finally:
        ctx.close()


def test_a_share_link_round_trips(page, context):
    goto(page, PAGE)
    wait_live(page)
    state = full_state(**INPUT_SETS["both cache lifetimes"], batch=True, requests_per_month="4321")
    set_form(page, state)
    settled(page)
    href = page.get_by_test_id("share-link").get_attribute("href")
    link = page.url.split("#")[0] + href
    assert urlsplit(link).fragment

    other = context.new_page()
    other.problems = page.problems
    page.problems.watch(other)
    try:
        other.goto(link)
        expect(other.get_by_test_id("stale-note")).to_be_visible()  # the default shows until Python answers
        wait_live(other)
        settled(other)
        for name in NUMBER_FIELDS:
            expect(other.locator(f'input[name="{name}"]')).to_have_value(state[name])
        expect(other.locator('select[name="model"]')).to_have_value(state["model"])
        expect(other.locator('input[name="batch"]')).to_be_checked()
        expect(other.locator('input[name="requests_per_month"]')).to_have_value("4321")
        expect_figures(other, python_result(state))
    finally:
        other.close()


BAD_INPUTS = {
    "negative": ({"input": "-5"}, "input"),
    "not a number": ({"output": "abc"}, "output"),
    "not a whole number": ({"cache_read": "1.5"}, "cache_read"),
    "above the context window": ({"model": "claude-haiku-4-5-20251001", "input": "250000"}, "input"),
    "date with no price": ({"at": "2026-01-01"}, "at"),
    "negative volume": ({"requests_per_month": "-10"}, "requests_per_month"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_shows_its_message_and_keeps_the_last_result(page, kind):
    changes, field = BAD_INPUTS[kind]
    goto(page, PAGE)
    wait_live(page)
    # The form is filled model first, so the last valid state is the bad one without its bad field.
    good = python_result(full_state(**{k: v for k, v in changes.items() if k != field}))
    state = full_state(**changes)
    set_form(page, state)
    settled(page)
    response = bridge.call("calculator", state)
    assert not response["ok"]
    messages = [e["message"] for e in response["errors"] if e["field"] == field]
    assert messages
    error = page.get_by_test_id(f"error-{field}")
    expect(error).to_be_visible()
    expect(error).to_have_text(" ".join(messages))
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "true")
    expect(page.get_by_test_id("stale-note")).to_be_visible()
    # The last valid figures stay on screen.
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", good["per_request"]["total"]["usd"])


def test_a_toggle_the_model_does_not_offer_shows_its_message(page):
    goto(page, PAGE)
    wait_live(page)
    page.select_option('select[name="model"]', "claude-opus-5-5")
    page.locator('input[name="fast"]').check()
    settled(page)
    page.select_option('select[name="geo"]', "us")
    settled(page)
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "false")
    page.select_option('select[name="model"]', "claude-haiku-4-5-20251001")  # no fast mode, no US-only
    settled(page)
    state = full_state(model="claude-haiku-4-5-20251001", fast=True, geo="us")
    errors = {e["field"]: e["message"] for e in bridge.call("calculator", state)["errors"]}
    expect(page.get_by_test_id("error-fast")).to_have_text(errors["fast"])
    expect(page.get_by_test_id("error-geo")).to_have_text(errors["geo"])
    expect(page.get_by_test_id("results")).to_have_attribute("data-stale", "true")
    page.locator('input[name="fast"]').uncheck()
    page.select_option('select[name="geo"]', "global")
    settled(page)
    expect(page.get_by_test_id("error-fast")).to_be_hidden()
    expect_figures(page, python_result(full_state(model="claude-haiku-4-5-20251001")))
    # Turned off, the unsupported toggles disappear.
    expect(page.locator('input[name="fast"]')).to_be_hidden()
    expect(page.locator('select[name="geo"]')).to_be_hidden()


def test_fast_mode_and_batch_together_are_refused(page):
    goto(page, PAGE)
    wait_live(page)
    page.select_option('select[name="model"]', "claude-opus-5-5")
    page.locator('input[name="fast"]').check()
    page.locator('input[name="batch"]').check()
    settled(page)
    state = full_state(model="claude-opus-5-5", fast=True, batch=True)
    message = " ".join(e["message"] for e in bridge.call("calculator", state)["errors"] if e["field"] == "fast")
    expect(page.get_by_test_id("error-fast")).to_have_text(message)


def tab_to(page, name: str, most: int = 12) -> None:
    """Press Tab until the field called ``name`` has the focus (a date input has several stops)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached the {name!r} field")


def test_the_form_works_from_the_keyboard(page):
    goto(page, PAGE)
    wait_live(page)
    page.focus('select[name="model"]')
    tab_to(page, "input")
    page.keyboard.press("Control+A")
    page.keyboard.type("7000")
    settled(page)
    expect_figures(page, python_result(full_state(input="7000")))
    tab_to(page, "batch")
    page.keyboard.press("Space")
    settled(page)
    expect_figures(page, python_result(full_state(input="7000", batch=True)))


def test_every_input_has_a_label(page):
    goto(page, PAGE)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('[data-calc] input, [data-calc] select')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert unlabelled == []


def test_the_page_fits_a_phone(browser, site_url):
    ctx = browser.new_context(base_url=site_url, viewport={"width": 375, "height": 800}, service_workers="block")
    try:
        pg = ctx.new_page()
        pg.goto(PAGE)
        wait_live(pg)
        expect(pg.get_by_test_id("total-usd")).to_be_visible()
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways at phone width ({width}px)"
    finally:
        ctx.close()


@pytest.mark.allow_page_errors
def test_a_missing_archive_says_live_recalculation_failed(page):
    forget_runtime_cache(page)
    page.route("**/assets/py/**", lambda route: route.fulfill(status=404, body="gone"))
    goto(page, PAGE)
    status = page.get_by_test_id("runtime-status")
    expect(status).to_have_attribute("data-state", "failed")
    expect(status).to_contain_text("could not start")
    expect(status).to_contain_text("computed when the site was built")
    want = python_result(full_state())["per_request"]["total"]["usd"]
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", want)


@pytest.mark.allow_page_errors
def test_opened_from_a_file_the_page_says_so_and_keeps_its_figures(browser, site_dir):
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.goto((site_dir / "calculators" / "cost-calculator" / "index.html").as_uri())
        status = pg.get_by_test_id("runtime-status")
        expect(status).to_have_attribute("data-state", "failed")
        expect(status).to_contain_text("opened from a file")
        want = python_result(full_state())
        assert pg.get_by_test_id("total-usd").get_attribute("data-value") == want["per_request"]["total"]["usd"]
    finally:
        ctx.close()


_CACHED = """async () => {
    const cache = await caches.open("claude-cost-runtime");
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
}"""


def test_the_runtime_caches_only_its_immutable_files_and_forgets_old_builds(browser, site_url):
    ctx = browser.new_context(base_url=site_url)
    try:
        pg = ctx.new_page()
        pg.goto("")  # same origin, no calculator: plant a file from an "earlier build" in the runtime cache
        pg.evaluate("""async () => { const cache = await caches.open("claude-cost-runtime");
            await cache.put("/assets/py/calculators-000000000000.zip", new Response("old prices")); }""")
        pg.goto(PAGE)
        wait_live(pg)
        meta = json.loads(pg.locator('meta[name="claude-cost-runtime"]').get_attribute("content"))
        want = {"/" + meta["archive"], "/" + meta["snapshot"]} | {
            f"/{meta['pyodide']}{name}" for name in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")}
        pg.wait_for_function(f"({_CACHED})().then(keys => keys.length === {len(want)})")
        assert set(pg.evaluate(_CACHED)) == want
        # A second visit is served from that cache: no request for the runtime files reaches the server.
        fetched = []
        ctx.on("request", lambda r: fetched.append(r.url))
        pg.reload()
        wait_live(pg)
        assert not [u for u in fetched if any(u.endswith(path) for path in want)]
    finally:
        ctx.close()


def test_the_runtime_works_under_a_base_path(browser, site_dir):
    """Served from a sub-folder (as on GitHub Pages project sites), every runtime URL still resolves."""
    from .conftest import serve

    server, url = serve(site_dir.parent)
    ctx = browser.new_context(service_workers="block")
    try:
        pg = ctx.new_page()
        problems = []
        pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        pg.goto(f"{url}{site_dir.name}/{PAGE}")
        wait_live(pg)
        pg.fill('input[name="output"]', "900")
        settled(pg)
        expect_figures(pg, python_result(full_state(output="900")))
        assert problems == []
    finally:
        ctx.close()
        server.shutdown()
        server.server_close()


def test_reset_returns_to_the_default_scenario(page):
    goto(page, PAGE)
    wait_live(page)
    set_form(page, full_state(**INPUT_SETS["Opus 5.5 fast mode"]))
    settled(page)
    page.get_by_test_id("reset-button").click()
    settled(page)
    expect(page.locator('select[name="model"]')).to_have_value(DEFAULT_INPUTS["model"])
    expect_figures(page, python_result(full_state()))


# ----------------------------------------------------------------------------------------------------------
# Issue 18: huge numbers, retired models, future dates
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
@pytest.mark.parametrize("typed", ["1e99", "9" * 120])
def test_a_huge_token_count_gives_a_short_message_that_keeps_the_layout(browser, site_url, viewport, typed):
    ctx = browser.new_context(base_url=site_url, viewport=viewport, service_workers="block")
    try:
        pg = ctx.new_page()
        pg.goto(PAGE)
        wait_live(pg)
        pg.fill('input[name="input"]', typed)
        settled(pg)
        want = bridge.call("calculator", full_state(input=typed))["errors"][0]["message"]
        error = pg.get_by_test_id("error-input")
        expect(error).to_have_text(want)
        assert len(want) < 100 and not any(len(run) > 20 for run in want.replace(",", " ").split()), want
        box = pg.evaluate("""() => {
            const r = (sel) => document.querySelector(sel).getBoundingClientRect();
            return { form: r('.calc-form'), results: r('.calc-results-wrap'), error: r('[data-testid=error-input]'),
                     page: document.documentElement.scrollWidth, view: window.innerWidth };
        }""")
        assert box["page"] <= box["view"], f"the page scrolls sideways ({box['page']} > {box['view']})"
        assert box["error"]["right"] <= box["form"]["right"] + 1, "the message runs out of the form"
        if viewport["width"] >= 1366:  # form and results side by side: they must not overlap
            assert box["form"]["right"] <= box["results"]["left"], box
        assert box["form"]["right"] <= box["view"], box
    finally:
        ctx.close()


def test_a_retired_model_moves_the_date_visibly_and_back(page):
    goto(page, PAGE)
    wait_live(page)
    retired = next(m for m in load_pricing().models if m.id == RETIRED_MODEL)
    page.select_option('select[name="model"]', RETIRED_MODEL)
    settled(page)
    expect(page.locator('input[name="at"]')).to_have_value(RETIRED_DAY)
    note = page.get_by_test_id("date-note")
    expect(note).to_contain_text(f"Date set to {RETIRED_DAY}")
    expect(note).to_contain_text(retired.name)
    expect_figures(page, python_result(full_state(model=RETIRED_MODEL, at=RETIRED_DAY)))
    # Back on a current model, the date the page chose goes away again (today), and the figures follow.
    page.select_option('select[name="model"]', "claude-haiku-5-5")
    settled(page)
    expect(page.locator('input[name="at"]')).to_have_value("")
    expect(note).to_contain_text("Date back to today")
    expect(page.get_by_test_id("error-at")).to_be_hidden()
    expect_figures(page, python_result(full_state(model="claude-haiku-5-5")))
    # Undo puts back the model and the date from before the pick.
    page.select_option('select[name="model"]', RETIRED_MODEL)
    settled(page)
    page.get_by_test_id("date-undo").click()
    settled(page)
    expect(page.locator('select[name="model"]')).to_have_value("claude-haiku-5-5")
    expect(page.locator('input[name="at"]')).to_have_value("")
    expect_figures(page, python_result(full_state(model="claude-haiku-5-5")))


def test_figures_that_do_not_match_the_inputs_are_marked_with_what_they_are_for(page):
    goto(page, PAGE)
    wait_live(page)
    retired = next(m for m in load_pricing().models if m.id == RETIRED_MODEL)
    page.select_option('select[name="model"]', RETIRED_MODEL)
    settled(page)
    page.fill('input[name="at"]', retired.retired.isoformat())  # the reader's own date: no price that day
    settled(page)
    expect(page.get_by_test_id("error-at")).to_be_visible()
    results = page.get_by_test_id("results")
    expect(results).to_have_attribute("data-stale", "true")
    expect(results).to_have_attribute("data-stale-reason", "invalid")
    expect(page.get_by_test_id("stale-note")).to_contain_text(f"{retired.name}, prices in force on {RETIRED_DAY}")


def test_a_future_date_says_the_prices_are_todays_and_may_change(page):
    goto(page, PAGE)
    wait_live(page)
    page.fill('input[name="at"]', "2099-01-01")
    settled(page)
    result = python_result(full_state(at="2099-01-01"))
    note = next(n for n in result["per_request"]["notes"] if "after today" in n)
    assert "may change" in note
    expect(page.get_by_test_id("notes")).to_contain_text(note)
    expect_figures(page, result)


def test_platform_endpoint_and_tools_show_what_python_computes_and_share(page, context):
    goto(page, PAGE)
    wait_live(page)
    state = full_state(model="claude-sonnet-4-5-20250929", at="2026-11-01", input="2000", output="500",
                       platform="vertex", endpoint="regional", tools="bash", tool_choice="any",
                       container_hours="0.5")
    set_form(page, state)
    page.select_option('select[name="platform"]', "vertex")
    page.select_option('select[name="endpoint"]', "regional")  # shown once the platform has regional endpoints
    page.select_option('select[name="tool_choice"]', "any")
    page.fill('input[name="container_hours"]', "0.5")
    # keyboard: from the tool-choice select back to the bash checkbox, and Space ticks it
    page.focus('select[name="tool_choice"]')
    page.keyboard.press("Shift+Tab")
    for _ in range(5):
        if page.evaluate("document.activeElement.value") == "bash":
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == "tools"
    page.keyboard.press("Space")
    settled(page)
    want = python_result(state)
    assert want["platform"] == "vertex" and want["endpoint"] == "regional"
    expect(page.get_by_test_id("total-usd")).to_have_attribute("data-value", want["per_request"]["total"]["usd"])
    expect_figures(page, want)
    expect(page.locator('tr[data-bucket="code_execution"] th')).to_have_text("Code execution (container-hours)")

    href = page.get_by_test_id("share-link").get_attribute("href")
    other = context.new_page()
    other.problems = page.problems
    page.problems.watch(other)
    try:
        other.goto(page.url.split("#")[0] + href)
        wait_live(other)
        settled(other)
        expect(other.locator('select[name="platform"]')).to_have_value("vertex")
        expect(other.locator('select[name="endpoint"]')).to_have_value("regional")
        expect(other.locator('input[name="tools"][value="bash"]')).to_be_checked()
        expect(other.locator('input[name="tools"][value="browser"]')).not_to_be_checked()
        expect(other.locator('input[name="container_hours"]')).to_have_value("0.5")
        expect_figures(other, want)
    finally:
        other.close()


def test_a_regional_endpoint_on_the_claude_api_shows_its_message(page):
    goto(page, PAGE)
    wait_live(page)
    page.goto(page.url.split("#")[0] + "#platform=anthropic&endpoint=regional")
    settled(page)
    want = bridge.call("calculator", full_state(endpoint="regional"))
    message = next(e["message"] for e in want["errors"] if e["field"] == "endpoint")
    expect(page.get_by_test_id("error-endpoint")).to_have_text(message)
    expect(page.locator('select[name="endpoint"]')).to_be_visible()
