"""Accessibility: axe-core (npm devDependency, injected by these tests only, never part of the site) finds no
serious or critical violation on any page of the site, in the light and the dark scheme, with the tools live and
with a log report on screen; the tools' tables scroll in focusable regions and their headings follow the h1."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import REPO, goto, wait_live
from .test_log_analyser import CC_FILES, drop, wait_report
from .test_smoke import site_pages

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ("light", "dark")
#: WCAG 2.0, 2.1 and 2.2 A and AA rules, plus axe's best practices (heading order, regions, ...).
RUN = """async () => {
    const r = await axe.run(document, { resultTypes: ["violations"],
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
        count: v.nodes.length }));
}"""


def axe_violations(page, serious_only: bool = True) -> list[dict]:
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (make test does it)"
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN)
    return [v for v in found if not serious_only or v["impact"] in ("serious", "critical")]


def ready(page) -> None:
    """Material has started and page-start.js has marked the scrolling tables (html[data-cc-ready])."""
    page.wait_for_selector("html[data-cc-ready='1']", state="attached")


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['impact']} {v['id']} ({v['count']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations)


def scheme_page(browser, site_url, scheme: str, viewport=None):
    ctx = browser.new_context(base_url=site_url, color_scheme=scheme, service_workers="block",
                              viewport=viewport or {"width": 1366, "height": 900})
    return ctx, ctx.new_page()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_serious_axe_violation(browser, site_url, site_dir, scheme):
    ctx, page = scheme_page(browser, site_url, scheme)
    problems = {}
    try:
        for path in site_pages(site_dir):
            goto(page, path)
            page.wait_for_load_state("load")
            if page.locator("[data-calc]").count():
                wait_live(page)
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
            ready(page)
            found = axe_violations(page)
            if found:
                problems[path or "/"] = describe(found)
    finally:
        ctx.close()
    assert not problems, f"{scheme} scheme:\n" + "\n".join(f"{p}:\n{v}" for p, v in problems.items())


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_tools_in_use_have_no_serious_axe_violation(browser, site_url, scheme):
    """The states the static pages do not show: an error and a stale note, a date note, a log report."""
    ctx, page = scheme_page(browser, site_url, scheme)
    try:
        goto(page, "calculators/cost-calculator/")
        wait_live(page)
        page.fill('input[name="input"]', "1e99")
        expect(page.get_by_test_id("error-input")).to_be_visible()
        page.select_option('select[name="model"]', index=page.locator('select[name="model"] option').count() - 1)
        found = axe_violations(page)
        assert not found, describe(found)
        goto(page, "calculators/log-analyser/")
        wait_live(page)
        drop(page, {p.name: p.read_text() for p in CC_FILES})
        wait_report(page)
        page.locator(".log-chart-data summary").first.click()
        found = axe_violations(page)
        assert not found, describe(found)
    finally:
        ctx.close()


def test_the_tools_headings_follow_the_page_title(page):
    for path in ("calculators/cost-calculator/", "calculators/recommender/", "calculators/log-analyser/"):
        goto(page, path)
        wait_live(page)
        levels = page.evaluate("""() => [...document.querySelectorAll(
            '.md-content h1, .md-content h2, .md-content h3, .md-content h4')].map((h) => Number(h.tagName[1]))""")
        assert levels[0] == 1, (path, levels)
        jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert not jumps, f"{path}: a heading skips a level {jumps} in {levels}"


def test_wide_tables_scroll_in_focusable_regions(page):
    goto(page, "reference/pricing/")
    ready(page)
    scrolling = page.evaluate("""() => [...document.querySelectorAll('.md-content *')].filter((el) => {
        const s = getComputedStyle(el);
        return (s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
    }).map((el) => ({ tabindex: el.getAttribute('tabindex'), cls: el.className }))""")
    for region in scrolling:
        assert region["tabindex"] == "0", f"a scrolling region cannot be reached from the keyboard: {region}"


def test_axe_is_not_shipped_with_the_site(site_dir: Path):
    assert not list(site_dir.rglob("axe*.js")), "axe-core is for the tests only"
