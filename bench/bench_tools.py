"""How long the Diff Summarizer and the Skills Browser take on big inputs (the issue's budget: a 5 MB diff and
a 2,000-file project folder, each under 2 s in CPython and under 10 s in the browser).

Prints one JSON object. CPython: the whole analysis as the CLI runs it (for the diff: parse, compact version,
summary, token estimates, costs on every current model and the recommender's routing; for the folder: walk,
plan, read, analyse), the first run and the median of several. Browser (skipped with ``--no-browser``): a built
site (``CLAUDE_COST_SITE_DIR``, or a fresh build) opened in Chromium; the generated diff is opened with the page's
file input and the folder chosen with its folder input, and the time runs from the input's ``change`` event to
the page's ``calc:rendered`` event (reading the files in the page, the worker's Python, and drawing the result).
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from calculators._cli_skills import _read, _walk
from calculators.diffsum import summarize
from calculators.pricing import load_pricing
from calculators.skills import analyse, plan_reads

DAY = "2026-12-04"
DIFF_BYTES = 5 * 1000 * 1000
PROJECT_FILES = 2000
RUNS = 5
BUDGET_PYTHON_MS = 2000
BUDGET_BROWSER_MS = 10000


def make_diff(size: int = DIFF_BYTES, seed: int = 17) -> str:
    """A diff of about ``size`` bytes: code and test files with several hunks, lockfiles, minified files, a
    vendored folder, whitespace-only changes, renames and binary files, in realistic proportions."""
    rnd = random.Random(seed)
    words = ("total", "amount", "order", "customer", "invoice", "line", "price", "discount", "tax", "cart", "user",
             "item", "stock", "refund", "payment", "status", "result", "value", "count", "index")
    out: list[str] = []
    n = 0
    size_now = 0

    def code_line(indent: int) -> str:
        a, b, c = rnd.sample(words, 3)
        return " " * indent + f"{a}_{b} = compute_{c}({a}, {b}={rnd.randint(0, 999)})  # {c}"

    while size_now < size:
        n += 1
        kind = rnd.random()
        if kind < 0.06:
            path = f"services/s{n}/package-lock.json"
            lines = []
            for i in range(rnd.randint(200, 600)):
                lines.append(f'-      "resolved": "https://registry.npmjs.org/p{i}/-/p{i}-1.{i}.0.tgz",')
                lines.append(f'+      "resolved": "https://registry.npmjs.org/p{i}/-/p{i}-1.{i}.1.tgz",')
            hunk = f"@@ -1,{len(lines) // 2} +1,{len(lines) // 2} @@"
            section = [f"diff --git a/{path} b/{path}", "index 1111111..2222222 100644", f"--- a/{path}",
                       f"+++ b/{path}", hunk, *lines]
        elif kind < 0.10:
            path = f"web/dist/app{n}.min.js"
            old = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz(){};=.,") for _ in range(3000))
            new = old[::-1]
            section = [f"diff --git a/{path} b/{path}", "index 3333333..4444444 100644", f"--- a/{path}",
                       f"+++ b/{path}", "@@ -1 +1 @@", "-" + old, "+" + new]
        elif kind < 0.13:
            path = f"assets/img{n}.png"
            section = [f"diff --git a/{path} b/{path}", "index 5555555..6666666 100644",
                       f"Binary files a/{path} and b/{path} differ"]
        elif kind < 0.18:
            path = f"config/app{n}.yaml"
            lines = []
            for i in range(30):
                lines.append(f"-    key_{i}: value_{i}")
                lines.append(f"+  key_{i}: value_{i}")
            section = [f"diff --git a/{path} b/{path}", "index 7777777..8888888 100644", f"--- a/{path}",
                       f"+++ b/{path}", "@@ -1,30 +1,30 @@", *lines]
        else:
            test = kind > 0.8
            path = (f"tests/test_mod{n}.py" if test else f"src/pkg{n % 40}/mod{n}.py")
            section = [f"diff --git a/{path} b/{path}", "index 9999999..aaaaaaa 100644", f"--- a/{path}",
                       f"+++ b/{path}"]
            start = 1
            for _ in range(rnd.randint(2, 6)):
                ctx_before = [code_line(4) for _ in range(3)]
                removed = [code_line(8) for _ in range(rnd.randint(0, 4))]
                added = [code_line(8) for _ in range(rnd.randint(1, 8))]
                ctx_after = [code_line(4) for _ in range(3)]
                old_count = 6 + len(removed)
                new_count = 6 + len(added)
                section.append(f"@@ -{start},{old_count} +{start},{new_count} @@ def handler_{start}(request):")
                section += [" " + c for c in ctx_before] + ["-" + r for r in removed] + ["+" + a for a in added]
                section += [" " + c for c in ctx_after]
                start += old_count + rnd.randint(20, 80)
        text = "\n".join(section) + "\n"
        out.append(text)
        size_now += len(text)
    return "".join(out)


def make_project(root: Path, files: int = PROJECT_FILES, seed: int = 5) -> None:
    """A project folder of ``files`` files: CLAUDE.md files, a .claude folder with skills, commands, agents and
    rules, an MCP config with a tool list, and source files making up the rest."""
    rnd = random.Random(seed)
    written = 0

    def put(rel: str, text: str) -> None:
        nonlocal written
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        written += 1

    put("CLAUDE.md", "# Project\n\n" + "".join(f"- Rule {i}: keep module {i} free of side effects.\n"
                                               for i in range(80)) + "\nSee @docs/architecture.md.\n")
    put("docs/architecture.md", "Services talk over REST.\n" * 40)
    for i in range(10):
        put(f"services/s{i}/CLAUDE.md", f"Service {i}: run `make test-s{i}` before committing.\n" * 10)
    for i in range(25):
        put(f".claude/skills/skill-{i}/SKILL.md",
            f"---\nname: skill-{i}\ndescription: Handle task {i}. Use when the user asks about task {i}.\n---\n"
            + f"Step {i}: do the thing carefully.\n" * 60 + "See reference.md.\n")
        put(f".claude/skills/skill-{i}/reference.md", "Reference detail.\n" * 200)
    for i in range(10):
        put(f".claude/commands/cmd-{i}.md", f"---\ndescription: Run command {i}\n---\nDo {i}.\n")
        put(f".claude/agents/agent-{i}.md", f"---\nname: agent-{i}\ndescription: Agent {i} reviews things.\n---\n"
            + "You review code.\n" * 30)
        put(f".claude/rules/rule-{i}.md", f"Rule file {i}: prefer small functions.\n" * 5)
    put(".mcp.json", json.dumps({"mcpServers": {"github": {"type": "http", "url": "https://example.invalid"}}}))
    put("github.tools.json", json.dumps({"tools": [{"name": f"tool_{i}", "description": f"Tool {i}.",
                                                    "inputSchema": {"type": "object"}} for i in range(40)]}))
    put(".claude/settings.json", "{}")
    n = 0
    while written < files:
        n += 1
        body = "".join(f"def f{j}(x):\n    return x * {rnd.randint(1, 99)}\n\n" for j in range(60))
        put(f"src/pkg{n % 50}/mod{n}.py", body)


def time_python_diff(text: str) -> dict:
    pricing = load_pricing()
    times = []
    result = None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = summarize(text, at=DAY, pricing=pricing).to_json()
        json.dumps(result)
        times.append((time.perf_counter() - t0) * 1000)
    return {"bytes": len(text.encode("utf-8")), "files": len(result["files"]),
            "tokens_before": result["tokens_before"], "tokens_after": result["tokens_after"],
            "first_ms": round(times[0], 1), "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1)}


def time_python_folder(root: Path) -> dict:
    pricing = load_pricing()
    times = []
    report = None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        paths = _walk(root)
        plan = plan_reads(paths, root.name)
        files = {rel: _read(root, rel) for rel in plan["read"]}
        for _ in range(6):
            report = analyse(files, paths=paths, root_name=root.name, at=DAY, pricing=pricing).to_json()
            missing = [p for p in report["need"] if p not in files]
            if not missing:
                break
            files.update({p: _read(root, p) for p in missing})
        json.dumps(report)
        times.append((time.perf_counter() - t0) * 1000)
    return {"files": report["files"]["listed"], "read": report["files"]["read"], "items": len(report["items"]),
            "always_tokens": report["always_tokens_total"], "first_ms": round(times[0], 1),
            "median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def browser_figures(diff_path: Path, folder: Path) -> dict:
    import os

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import build_site, launch, serve

    given = os.environ.get("CLAUDE_COST_SITE_DIR")
    tmp = None
    if given:
        site = Path(given)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
        site = build_site(tmp / "site")
    server, url = serve(site)
    out = {}
    arm = """(testid) => {
        window.__t = null;
        const root = document.querySelector('[data-calc]');
        const input = document.querySelector(`[data-testid="${testid}"]`);
        input.addEventListener("change", () => { window.__t0 = performance.now(); }, { capture: true, once: true });
        window.__done = new Promise((resolve) => root.addEventListener("calc:rendered",
            () => resolve(performance.now() - window.__t0), { once: true }));
    }"""
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for name, page_path, testid, target in (
                    ("diff", "calculators/diff-summarizer/", "diff-file-input", diff_path),
                    ("folder", "calculators/skills-browser/", "skills-folder-input", folder)):
                runs = []
                for _ in range(2):
                    page = browser.new_page()
                    page.goto(url + page_path)
                    page.wait_for_selector('[data-testid="runtime-status"][data-state="live"]', timeout=180_000)
                    page.wait_for_function("document.querySelector('[data-calc]').dataset.busy === '0'")
                    page.evaluate(arm, testid)
                    page.set_input_files(f'[data-testid="{testid}"]', str(target), timeout=180_000)
                    runs.append(round(page.evaluate("window.__done"), 1))
                    page.close()
                out[name] = {"change_to_rendered_ms": runs, "within_budget": max(runs) < BUDGET_BROWSER_MS}
            browser.close()
    finally:
        server.shutdown()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-tools-"))
    try:
        diff = make_diff()
        diff_path = work / "big.diff"
        diff_path.write_text(diff, encoding="utf-8")
        folder = work / "big-project"
        make_project(folder)
        out = {"python": sys.version.split()[0], "runs": RUNS,
               "budget_ms": {"python": BUDGET_PYTHON_MS, "browser": BUDGET_BROWSER_MS},
               "diff_summary": time_python_diff(diff), "skills": time_python_folder(folder)}
        out["python_within_budget"] = max(out["diff_summary"]["median_ms"], out["skills"]["median_ms"]) < BUDGET_PYTHON_MS
        if "--no-browser" not in sys.argv[1:]:
            out["browser"] = browser_figures(diff_path, folder)
        print(json.dumps(out, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
