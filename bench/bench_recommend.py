"""How long the recommender takes on a 200 KB prompt (the issue's budget: under 200 ms in CPython).

Prints one JSON object: for each kind of 200 KB prompt (prose with code and instructions, one long token,
CJK text, random bytes), the median and worst of several full runs of ``recommend()`` (token estimate,
features, rules, levers and the cost table on every current model), plus the first (cold) run.

With ``--browser`` it also opens the recommender page of a built site (``CLAUDE_COST_SITE_DIR``, or a fresh
build) in Chromium, pastes the 200 KB prose prompt, and reports the time until the page shows the new
analysis (Pyodide in the worker) and the longest main-thread task meanwhile (the page must stay responsive).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calculators.pricing import load_pricing
from calculators.recommend import RecommendWorkload, recommend

SIZE = 200 * 1024
RUNS = 15
BUDGET_MS = 200


def _fill(unit: str) -> str:
    return (unit * (SIZE // len(unit.encode("utf-8")) + 1))[:SIZE]


def prompts() -> dict[str, tuple[str, str]]:
    prose = ("The archive of the river town holds letters written by ferrymen and millers; the bridge was "
             "rebuilt after the ice broke three of its piers, and the mill later ground bark and pulp.\n\n")
    code = ("```python\ndef invoice_total(lines):\n    return sum(l.amount for l in lines)\n```\n"
            "See src/billing/invoice.py and src/api/routes.py.\n\n")
    mixed = _fill(prose * 5 + code)
    system = ("You are a careful analyst. Think step by step, compare the options and justify the trade-offs. "
              "Answer in JSON only.\n") * 20
    rnd = random.Random(7)
    return {
        "prose_code_instructions": (system, mixed + "\n\nWhat changed after the bridge was rebuilt?"),
        "one_long_token": ("", "x" * SIZE),
        "cjk": ("", _fill("我们明天上午十点在车站见面，请带上合同和发票。")),
        "random_bytes": ("", rnd.randbytes(SIZE).decode("latin-1")),
    }


def main() -> None:
    pricing = load_pricing()
    wl = RecommendWorkload(requests_per_day=5000, repeats="system", gap_minutes=2, turns=12)
    out = {"budget_ms": BUDGET_MS, "runs": RUNS, "python": sys.version.split()[0], "prompts": {}}
    for name, (system, prompt) in prompts().items():
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            recommend(prompt, system=system, workload=wl, pricing=pricing, at="2026-11-25")
            times.append((time.perf_counter() - t0) * 1000)
        out["prompts"][name] = {
            "bytes": len((system + prompt).encode("utf-8")),
            "first_ms": round(times[0], 1),
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
        }
    out["worst_median_ms"] = max(p["median_ms"] for p in out["prompts"].values())
    out["within_budget"] = out["worst_median_ms"] < BUDGET_MS
    if "--browser" in sys.argv[1:]:
        out["browser"] = browser_figures(prompts()["prose_code_instructions"])
    print(json.dumps(out, indent=2))


def browser_figures(prompt: tuple[str, str]) -> dict:
    """Paste a 200 KB prompt into the page; time the worker's answer and the main thread's longest task."""
    import os
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import build_site, launch, serve

    given = os.environ.get("CLAUDE_COST_SITE_DIR")
    site = Path(given) if given else build_site(Path(tempfile.mkdtemp(prefix="bench-site-")) / "site")
    server, url = serve(site)
    system, user = prompt
    runs = []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            page.goto(url + "calculators/recommender/")
            page.wait_for_selector('[data-testid="runtime-status"][data-state="live"]', timeout=120_000)
            page.evaluate("""() => {
                window.__longest = 0;
                new PerformanceObserver((list) => {
                    for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
                }).observe({ type: "longtask", buffered: false });
            }""")
            for n in range(3):
                page.evaluate("() => { window.__longest = 0; }")
                text = user + f"\n\nQuestion {n}: what changed after the bridge was rebuilt?"
                ms = page.evaluate("""([system, text]) => new Promise((resolve) => {
                    const root = document.querySelector('[data-calc="recommender"]');
                    const t0 = performance.now();
                    root.addEventListener("calc:rendered", () => resolve(performance.now() - t0), { once: true });
                    for (const [name, value] of [["system", system], ["prompt", text]]) {
                        const box = root.querySelector(`[name="${name}"]`);
                        box.value = value;
                        box.dispatchEvent(new Event("input", { bubbles: true }));
                    }
                })""", [system, text])
                runs.append({"input_to_render_ms": round(ms, 1),
                             "longest_main_thread_task_ms": round(page.evaluate("window.__longest"), 1)})
            browser.close()
    finally:
        server.shutdown()
    return {"prompt_bytes": len((system + user).encode("utf-8")), "debounce_ms_included": 350, "runs": runs}


if __name__ == "__main__":
    main()
