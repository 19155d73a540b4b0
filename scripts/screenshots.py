"""Screenshots of the tool pages at desktop and phone width, light and dark, for looking at by eye.

Serves a built site (``--site DIR``, default ``site/``; run ``make docs`` first) on 127.0.0.1 and writes
``<page>-<width>-<scheme>.png`` into ``--out`` (default ``.cache/screenshots``): the Cost Calculator (with a
bad token count, to show the message layout), the Recommender, and the Usage-Log Analyser with the test fixture
logs analysed (``--parts``: also each table and chart of its report, one image each). Usage:
``.venv/bin/python scripts/screenshots.py [--site DIR] [--out DIR] [--full] [--parts]``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
FIX = REPO / "tests" / "log_fixtures" / "claude_code"
#: the analyser report's parts shot one by one with --parts (a table inside a figure is shot with its figure)
PARTS = ("log-day-table", "log-bucket-chart", "log-by-model", "log-what-if", "log-by-project", "log-filters")


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".mjs": "text/javascript", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(REPO / "site"))
    parser.add_argument("--out", default=str(REPO / ".cache" / "screenshots"))
    parser.add_argument("--full", action="store_true", help="whole pages, not just the first screen")
    parser.add_argument("--parts", action="store_true", help="also each table and chart of the analyser report")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    logs = {p.name: p.read_text(encoding="utf-8") for p in sorted(FIX.rglob("*.jsonl"))}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CLAUDE_COST_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu"])
        for size, viewport in SIZES.items():
            for scheme in ("light", "dark"):
                ctx = browser.new_context(base_url=base, viewport=viewport, color_scheme=scheme)
                page = ctx.new_page()
                for name, path in (("calculator", "calculators/cost-calculator/"),
                                   ("recommender", "calculators/recommender/"),
                                   ("analyser", "calculators/log-analyser/")):
                    page.goto(path)
                    page.wait_for_selector('[data-testid="runtime-status"][data-state="live"]', timeout=60_000)
                    if name == "calculator":
                        page.fill('input[name="input"]', "1e99")
                    if name == "analyser":
                        page.get_by_test_id("log-drop").evaluate("""(el, files) => {
                            const dt = new DataTransfer();
                            for (const [n, t] of Object.entries(files)) dt.items.add(new File([t], n));
                            el.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
                        }""", logs)
                        page.wait_for_selector('[data-testid="log-report"]:not([hidden])', timeout=60_000)
                        page.get_by_test_id("log-report").scroll_into_view_if_needed()
                    else:
                        page.locator("[data-calc]").first.scroll_into_view_if_needed()
                    page.wait_for_timeout(600)
                    target = out / f"{name}-{size}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=args.full)
                    print(target)
                    if name == "analyser" and args.parts:  # each table and chart of the report on its own
                        for part in PARTS:
                            loc = page.get_by_test_id(part)
                            if loc.count():
                                box = loc.first.locator("xpath=ancestor-or-self::figure[1]")
                                shot = box if box.count() else loc.first
                                shot.scroll_into_view_if_needed()
                                target = out / f"{name}-{part}-{size}-{scheme}.png"
                                shot.screenshot(path=str(target))
                                print(target)
                ctx.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
