"""How long the recommender takes on a 200 KB prompt in CPython (the issue's budget: under 200 ms).

Prints one JSON object: for each kind of 200 KB prompt (prose with code and instructions, one long token,
CJK text, random bytes), the median and worst of several full runs of ``recommend()`` (token estimate,
features, rules, levers and the cost table on every current model), plus the first (cold) run.
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
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
