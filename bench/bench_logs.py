"""Time ``claude-cost analyze`` against ccusage on the same generated Claude Code logs; print JSON.

    python bench/bench_logs.py [--sizes 100,1000] [--repeat 3] [--data .cache/bench-logs] [--no-ccusage] [--browser]
                               [--engines stdlib,duckdb]

``--sizes 10240`` is the opt-in 10 GiB run (generating it takes a while; the logs are kept under --data).

For each size (MB), logs are generated once by bench/gen_claude_code_logs.py (kept under --data for reuse).
Each tool runs as a subprocess, the two taking turns ``--repeat`` times (so a busy machine weighs on both
alike); for each, the fastest run's wall time, MB/s (input bytes / wall seconds), CPU seconds (user + system,
all worker processes included) and peak memory are printed, with every run's wall time, the median, and the ratio
of each pair of runs; the load average before and after is printed with the figures.

Memory comes from one more run of each tool, made after the timed ones: it is sampled from /proc every 20 ms over
the whole process tree (main process plus workers). ``peak_pss_mb`` counts each page once (forked processes share
pages), which is what the machine has to hold; ``peak_rss_mb`` adds up every process's resident set (shared pages
counted in each); the largest single process is reported too. The timed runs are not sampled: reading every
process's /proc files and the tree's smaps_rollup 50 times a second took CPU from the tool being timed (on this
2-core machine it added about 0.4 s to a 1 GB run of either tool, 2026-12-04).

ccusage (npm, the native Rust build) is installed into .cache/ccusage on first use with its own package.json,
so the repository's package.json is never touched. Both tools are cross-checked on token totals after
de-duplication (ccusage does not count web search, so dollar totals differ by exactly that).

With --browser, the site is built and a 100 MB log is dropped on the analyser page in Chromium; the time to
the finished report and the progress-bar values seen on the way are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CCUSAGE_VERSION = "20.0.24"  # 20.0.26 has no linux-x64 native package on npm


def generate(data: Path, mb: int) -> tuple[Path, dict]:
    out = data / f"cc-{mb}mb"
    stamp = out / "stats.json"
    if stamp.is_file():
        return out, json.loads(stamp.read_text())
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "gen_claude_code_logs.py"), str(out), "--mb", str(mb)],
                          check=True, capture_output=True, text=True)
    stats = json.loads(proc.stdout)
    stamp.write_text(json.dumps(stats))
    return out, stats


def ensure_ccusage() -> Path | None:
    home = REPO / ".cache" / "ccusage"
    binary = home / "node_modules" / ".bin" / "ccusage"
    if binary.exists():
        return binary
    home.mkdir(parents=True, exist_ok=True)
    pkg = home / "package.json"
    if not pkg.exists():
        pkg.write_text('{"name": "ccusage-bench", "private": true}\n')
    proc = subprocess.run(["npm", "install", f"ccusage@{CCUSAGE_VERSION}", "--no-audit", "--no-fund", "--no-save",
                           "--loglevel=error"], cwd=home, capture_output=True, text=True)
    if proc.returncode != 0 or not binary.exists():
        print(f"ccusage install failed: {proc.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return binary


def _pss_kb(pid: int) -> int | None:
    """Proportional set size: each page shared by n processes counts 1/n in each (Linux 4.14+)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _tree_memory(root: int) -> tuple[int, int, int | None]:
    """(sum of RSS over root and its descendants, largest single RSS, sum of PSS), in kB.

    Forked workers share pages with the process they came from, so the RSS sum counts those pages once per
    process; the PSS sum counts every page once: it is what the machine has to hold."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/statm") as fh:
                pages = int(fh.read().split()[1])
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[pid] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    values = [rss.get(p, 0) for p in tree]
    pss = [_pss_kb(p) for p in tree]
    return sum(values), max(values, default=0), (None if None in pss else sum(pss))


#: The fields measure() fills only when it samples memory.
MEMORY_FIELDS = ("peak_pss_mb", "peak_rss_mb", "peak_rss_mb_largest_process")


def measure(cmd: list[str], env: dict | None = None, memory: bool = False) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds (user + system, workers included) and, with ``memory``, peak memory
    (the sampling costs the command CPU time: a timed run is not sampled)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=REPO)
        peak = [0, 0, 0]
        done = threading.Event()

        def sample():
            while not done.is_set():
                total, biggest, pss = _tree_memory(proc.pid)
                peak[0] = max(peak[0], total)
                peak[1] = max(peak[1], biggest)
                peak[2] = max(peak[2], pss or 0)
                done.wait(0.02)

        t = threading.Thread(target=sample, daemon=True)
        if memory:
            t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        if memory:
            t.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {stderr.decode()[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    got = {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "cores_used": round(cpu / seconds, 2),
           "stdout": stdout}
    if memory:
        got.update(zip(MEMORY_FIELDS, (round(peak[2] / 1024, 1), round(peak[0] / 1024, 1),
                                       round(peak[1] / 1024, 1)), strict=True))
    return got


def _with_memory(summary: dict, cmd: list[str], env: dict | None = None) -> dict:
    """``summary`` with the peak memory of one more run of ``cmd``, sampled (and that run's wall seconds)."""
    mem = measure(cmd, env=env, memory=True)
    return {**summary, **{k: mem[k] for k in MEMORY_FIELDS}, "memory_run_seconds": mem["seconds"]}


def _parser_label() -> str:
    sys.path.insert(0, str(REPO))
    from calculators.logs import jsonl as P

    if P.HAVE_BLOCK_READER:
        return "msgspec block reader (orjson for the lines it passes on)" if P.HAVE_ORJSON else "msgspec block reader"
    return "orjson" if P.HAVE_ORJSON else "standard library json"


def _summary(runs: list[dict]) -> dict:
    """The fastest run's figures, with every run's wall seconds and their median."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["runs_seconds"] = [r["seconds"] for r in runs]
    best["median_seconds"] = round(statistics.median(best["runs_seconds"]), 3)
    return best


def _warm(folder: Path) -> None:
    """Read every file once, so that the first tool timed does not pay for reading from disk what the others then
    find in the page cache (at 10 GB the first run of a cold cache took twice as long)."""
    for f in folder.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass


def run_size(data: Path, mb: int, ccusage: Path | None, repeat: int, engines: list[str]) -> list[dict]:
    """Each engine of ours and ccusage on the same logs, taking turns (stdlib, duckdb, ccusage, stdlib, ...) so
    that a busy machine weighs on all alike; the fastest run of each is reported, with all runs and the ratio of
    each pair. Exactness: every engine's record count must equal the generator's number of requests, and the
    engines' reports must agree with each other (and with ccusage on token totals)."""
    folder, stats = generate(data, mb)
    size = stats["bytes"]
    _warm(folder)
    rows = []
    runs: dict[str, list[dict]] = {e: [] for e in engines}
    cc_runs: list[dict] = []
    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(folder)}
    def ours_cmd(engine: str) -> list[str]:
        return [sys.executable, "-m", "calculators", "analyze", str(folder), "--json", "--engine", engine]

    cc_cmd = [str(ccusage), "daily", "--json", "--offline"]
    for _ in range(repeat):
        for engine in engines:
            runs[engine].append(measure(ours_cmd(engine)))
        if ccusage:
            cc_runs.append(measure(cc_cmd, env=env))
    reports = {}
    for engine in engines:
        ours = _with_memory(_summary(runs[engine]), ours_cmd(engine))
        rep = json.loads(ours.pop("stdout"))
        reports[engine] = rep
        tokens = {k: sum(m[k] for m in rep["by_model"].values())
                  for k in ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")}
        rows.append({"tool": f"claude-cost analyze --engine {engine}",
                     "json_parser": _parser_label() if engine == "stdlib" else "DuckDB read_json",
                     "size_mb": round(size / 1e6, 1), "files": stats["files"], "lines": stats["lines"], **ours,
                     "mb_per_s": round(size / 1e6 / ours["seconds"], 1), "records": rep["records"],
                     "records_equal_generated_requests": rep["records"] == stats["requests"],
                     "total_usd": rep["total_usd"], "tokens": tokens})
    pure = measure(ours_cmd("stdlib"), env={**os.environ, "CLAUDE_COST_PURE_PYTHON": "1"}, memory=True)
    pure_rep = json.loads(pure.pop("stdout"))
    rows.append({"tool": "claude-cost analyze (standard library only)", "size_mb": round(size / 1e6, 1), **pure,
                 "mb_per_s": round(size / 1e6 / pure["seconds"], 1), "total_usd": pure_rep["total_usd"],
                 "same_total_as_the_engines": all(r["total_usd"] == pure_rep["total_usd"] for r in reports.values())})
    if len(reports) > 1:
        first, *rest = reports.values()
        same = all({k: v for k, v in r.items() if k != "engine"} == {k: v for k, v in first.items() if k != "engine"}
                   for r in rest)
        rows.append({"comparison": f"{mb} MB", "engines_give_identical_reports": same})
    if ccusage:
        cc = _with_memory(_summary(cc_runs), cc_cmd, env)
        totals = json.loads(cc.pop("stdout"))["totals"]
        cc_tokens = {"input": totals["inputTokens"], "cache_write": totals["cacheCreationTokens"],
                     "cache_read": totals["cacheReadTokens"], "output": totals["outputTokens"]}
        tokens = rows[0]["tokens"]
        same = (cc_tokens["input"] == tokens["input"] and cc_tokens["output"] == tokens["output"]
                and cc_tokens["cache_read"] == tokens["cache_read"]
                and cc_tokens["cache_write"] == tokens["cache_write_5m"] + tokens["cache_write_1h"])
        rows.append({"tool": f"ccusage {CCUSAGE_VERSION} daily --json --offline", "size_mb": round(size / 1e6, 1),
                     **cc, "mb_per_s": round(size / 1e6 / cc["seconds"], 1),
                     "total_usd_float": totals["totalCost"], "tokens": cc_tokens,
                     "same_token_totals_as_claude_cost": same})
        for engine in engines:
            best = min(r["seconds"] for r in runs[engine])
            median = statistics.median(r["seconds"] for r in runs[engine])
            rows.append({"comparison": f"{mb} MB, --engine {engine} against ccusage",
                         "ccusage_over_ours_throughput_each_pair": [
                             round(c["seconds"] / o["seconds"], 3) for o, c in zip(runs[engine], cc_runs, strict=True)],
                         "ccusage_over_ours_throughput_fastest": round(cc["seconds"] / best, 3),
                         "ccusage_over_ours_throughput_median": round(cc["median_seconds"] / median, 3),
                         "note": "above 1: ours is faster (the throughput ratio ours / ccusage)"})
    return rows


def run_browser(data: Path) -> dict:
    """Drop a ~100 MB log on the built page and time the analysis (needs Chromium and the site build)."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "tests"))  # (tests/browser/conftest.py imports tests/conftest.py as conftest)
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, build_site, serve

    folder, stats = generate(data, 100)
    big = folder / "all.jsonl.bench"
    if not big.exists():
        with big.open("wb") as fh:
            for p in sorted(folder.rglob("*.jsonl")):
                fh.write(p.read_bytes())
    site = build_site(data / "site")
    server, url = serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CLAUDE_COST_CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            page = browser.new_page()
            foreign = []
            page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((url, "blob:", "data:")) else None)
            page.goto(url + "calculators/log-analyser/")
            page.wait_for_selector('[data-testid="runtime-status"][data-state="live"]', timeout=120_000)
            values = []
            start = time.perf_counter()
            page.get_by_test_id("log-file-input").set_input_files(str(big))
            while not page.get_by_test_id("log-report").is_visible():
                values.append(int(page.get_by_test_id("log-progress").get_attribute("value") or 0))
                time.sleep(0.25)
                if time.perf_counter() - start > 600:
                    raise RuntimeError("browser analysis did not finish in 10 minutes")
            seconds = time.perf_counter() - start
            total = page.get_by_test_id("log-total-usd").get_attribute("data-value")
            browser.close()
    finally:
        server.shutdown()
    return {"tool": "browser (Pyodide, one worker)", "size_mb": round(big.stat().st_size / 1e6, 1),
            "seconds": round(seconds, 2), "mb_per_s": round(big.stat().st_size / 1e6 / seconds, 1),
            "progress_values_seen": len(set(values)), "total_usd": total, "foreign_requests": len(foreign)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000", help="comma-separated sizes in MB (default 100,1000)")
    ap.add_argument("--data", default=str(REPO / ".cache" / "bench-logs"), help="where generated logs are kept")
    ap.add_argument("--no-ccusage", action="store_true")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per tool and size, the tools taking turns (the fastest of each is compared)")
    ap.add_argument("--browser", action="store_true", help="also time 100 MB in the browser")
    ap.add_argument("--engines", default="stdlib,duckdb",
                    help="comma-separated engines of ours to run (default stdlib,duckdb)")
    args = ap.parse_args(argv)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    ccusage = None if args.no_ccusage else ensure_ccusage()
    result = {"cpus": os.cpu_count(), "load_average_before": os.getloadavg()[0], "runs": []}
    for mb in (int(x) for x in args.sizes.split(",") if x.strip()):
        result["runs"].extend(run_size(data, mb, ccusage, args.repeat,
                                       [e.strip() for e in args.engines.split(",") if e.strip()]))
    if args.browser:
        result["runs"].append(run_browser(data))
    result["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
