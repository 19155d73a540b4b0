"""`make docs-offline`: a build that browses from disk (file://), with links to .html files; its calculator pages
say how to serve the site, and the regular build, opened from a file, points at this target."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import PINNED_TODAY
from playwright.sync_api import expect

from .conftest import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_site():
    tmp = Path(tempfile.mkdtemp(prefix="claude-cost-offline-"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CLAUDE_COST_TODAY": PINNED_TODAY.isoformat()}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", "mkdocs-offline.yml",
                           "--site-dir", str(tmp / "site")], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    try:
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield tmp / "site"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.allow_page_errors
def test_the_offline_build_browses_from_disk(browser, offline_site):
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.goto((offline_site / "index.html").as_uri())
        expect(pg.locator("h1").first).to_be_visible()
        link = pg.locator("a.md-nav__link", has_text="Cost Calculator").first
        assert link.get_attribute("href").endswith("cost-calculator.html")
        link.click()
        pg.wait_for_url("**/calculators/cost-calculator.html")
        expect(pg.locator("h1").first).to_contain_text("Cost calculator")
        status = pg.get_by_test_id("runtime-status")
        expect(status).to_have_attribute("data-state", "failed")
        expect(status).to_contain_text("opened from a file")
        expect(status).to_contain_text("python3 -m http.server")
        expect(status).not_to_contain_text("make docs-offline")  # this is that build
        # The prerendered figures are there.
        assert pg.get_by_test_id("total-usd").get_attribute("data-value")
    finally:
        ctx.close()


@pytest.mark.allow_page_errors
def test_the_regular_build_opened_from_a_file_points_at_the_offline_build(browser, site_dir):
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.goto((site_dir / "calculators" / "log-analyser" / "index.html").as_uri())
        expect(pg.get_by_test_id("runtime-status")).to_contain_text("make docs-offline")
    finally:
        ctx.close()
