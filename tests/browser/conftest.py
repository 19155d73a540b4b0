"""Fixtures for the browser tests: one built site, one local server, one Chromium per session.

The tests drive the *built* site (the same bytes we deploy), served by a threaded ``http.server`` on
127.0.0.1. The site is built once per session into a temporary folder; set ``CLAUDE_COST_SITE_DIR`` to reuse an
existing build (for example ``site/`` after ``make docs``).

Every test gets a fresh page in a shared browser context. The ``page`` fixture fails the test on any console
error, uncaught page error, or request to another origin (such requests are also aborted, so the tests never
touch the network). A test that asserts on such an error itself opts out with
``@pytest.mark.allow_page_errors``.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PINNED_TODAY

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: One assertion timeout for the suite: a cold Pyodide start on a busy 2-core machine can take several seconds.
TIMEOUT_MS = 30_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_page_errors: the test expects console errors or foreign requests")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A test in tests/browser without the marker would run (and fail) in `make test-unit`: mark it here.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


# ----------------------------------------------------------------------------------------------------------
# The site and its server
# ----------------------------------------------------------------------------------------------------------


def build_site(target: Path) -> Path:
    """``mkdocs build`` into ``target`` (not strict: a docs warning elsewhere must not hide browser results)."""
    # Built for the suite's pinned day: the prerendered figures and the live worker (which the build tells the
    # same day) then agree with the Python results the tests compute, whatever the machine's clock says.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CLAUDE_COST_TODAY": PINNED_TODAY.isoformat()}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--no-strict", "--quiet", "--site-dir",
                           str(target)], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not (target / "index.html").is_file():
        raise RuntimeError(f"mkdocs build failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return target


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".bin": "application/octet-stream",
    }

    def log_message(self, format, *args):
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 (an OS-chosen port); returns the server and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


@pytest.fixture(scope="session")
def site_dir():
    given = os.environ.get("CLAUDE_COST_SITE_DIR")
    if given:
        path = Path(given).resolve()
        if not (path / "index.html").is_file():
            pytest.fail(f"CLAUDE_COST_SITE_DIR={given} holds no built site: run `make docs` first")
        yield path
        return
    tmp = Path(tempfile.mkdtemp(prefix="claude-cost-site-"))
    try:
        yield build_site(tmp / "site")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    server, url = serve(site_dir)
    yield url
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------------------------------------
# The browser
# ----------------------------------------------------------------------------------------------------------


def chromium_path() -> str:
    return os.environ.get("CLAUDE_COST_CHROMIUM") or "/usr/bin/chromium"


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def context(browser, site_url):
    # Service workers are blocked so that page.route() sees every request. The calculator worker's own
    # Cache Storage is shared by the tests in this context; a test that needs downloads empties it first.
    ctx = browser.new_context(base_url=site_url, service_workers="block")
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


class PageProblems:
    """What went wrong on a page: console errors, page errors and requests that left the origin."""

    def __init__(self, origin: str):
        self.origin = origin
        self.console: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda msg: self.console.append(f"{msg.text} ({msg.location.get('url', '')})")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def route(r):
            url = r.request.url
            if url.startswith(("data:", "blob:")) or _origin(url) == self.origin:
                r.fallback()
            else:
                self.foreign.append(url)
                r.abort()

        page.route("**/*", route)

    def report(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console] + [f"page error: {m}" for m in self.errors]
                + [f"request left the site: {u}" for u in self.foreign])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def page(context, site_url, request):
    """A fresh page; the test fails on any console error, page error or request to another origin."""
    pg = context.new_page()
    problems = PageProblems(_origin(site_url))
    problems.watch(pg)
    pg.problems = problems
    yield pg
    found = problems.report()
    pg.close()
    if found and request.node.get_closest_marker("allow_page_errors") is None:
        pytest.fail("the page reported problems:\n" + "\n".join(found), pytrace=False)


# ----------------------------------------------------------------------------------------------------------
# Helpers for tests
# ----------------------------------------------------------------------------------------------------------


def goto(page, path: str) -> None:
    """Open a page of the site by its path relative to the site root (``"calculators/cost-calculator/"``)."""
    page.goto(path)


def wait_live(page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the page's Python runtime answers (``runtime-status`` is ``live``)."""
    page.wait_for_selector('[data-testid="runtime-status"][data-state="live"]', timeout=timeout)
