"""Every page of the built site loads in Chromium without console errors or requests leaving the site, and
the site search finds pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import goto, wait_live

pytestmark = pytest.mark.browser


def site_pages(site_dir) -> list[str]:
    """Every page the build lists in its sitemap, as a path relative to the site root."""
    tree = ET.parse(site_dir / "sitemap.xml")
    paths = [urlsplit(loc.text.strip()).path.lstrip("/") for loc in tree.iter() if loc.tag.endswith("loc")]
    assert paths, "the sitemap lists no pages"
    return paths


def test_every_page_loads_cleanly(page, site_dir):
    pages = site_pages(site_dir)
    assert "calculators/cost-calculator/" in pages
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        expect(page.locator("h1").first).to_be_visible()
        if page.locator("[data-calc]").count():
            wait_live(page)  # calculator pages must reach "live" without errors
        page.wait_for_load_state("load")
        problems = page.problems.report()
        assert not problems, f"{path}: {problems}"


def test_pages_without_a_calculator_start_no_python(page, site_dir):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    goto(page, "")
    page.wait_for_load_state("load")
    assert page.locator("[data-calc]").count() == 0
    assert not [u for u in fetched if "/assets/pyodide/" in u or "/assets/py/" in u]


def test_search_finds_the_cost_calculator(page):
    goto(page, "")
    page.keyboard.press("/")  # Material's search shortcut (also reachable by clicking the search box)
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator("label.md-search__icon, .md-search__input").first.click()
    results = page.locator(".md-search-result__item")
    # The search index loads in Material's own worker; a query typed before it is ready is dropped, so type
    # again (at most a few times) until results appear.
    for _ in range(5):
        box.fill("")
        box.press_sequentially("cache", delay=30)
        try:
            expect(results.first).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            continue
    expect(results.first).to_be_visible()
    assert results.count() > 0
    expect(page.locator(".md-search-result__meta")).to_contain_text(re.compile(r"\d+ matching document"))


def test_material_starts_once_after_the_first_frame(page):
    """Material's bundle is added after the first frame (hooks/after_paint.py): its components must still start,
    and exactly once (a second start would add a second copy button to every code block)."""
    goto(page, "guides/prompt-caching/")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the bundle ran
    blocks = page.locator(".md-content pre > code")
    assert blocks.count() > 0, "this page is expected to have code blocks"
    buttons = page.locator(".md-content pre > .md-code__nav .md-code__button[data-md-type='copy'], "
                           ".md-content pre > button.md-clipboard")
    expect(buttons).to_have_count(blocks.count())
    # The palette toggle works (Material binds it on start). Material stores the choice for the whole site, and
    # the tests share one browser context: forget it afterwards.
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    try:
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        expect(page.locator("body")).not_to_have_attribute("data-md-color-scheme", scheme)
    finally:
        page.evaluate("localStorage.clear()")
    # The bundle is loaded once, not parser-blocking, with a preload in the head.
    assert page.locator("script[src*='assets/javascripts/bundle.']").count() == 1
    assert page.locator("head link[rel='preload'][as='script'][href*='assets/javascripts/bundle.']").count() == 1
