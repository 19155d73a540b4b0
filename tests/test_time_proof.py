"""Dates arrive and nothing breaks.

Two guarantees, each tested here:

1. **Only the edges read the clock.** ``calculators/clock.py`` is the one module that asks for the date; the CLI
   and the browser bridge (and the docs hooks) are the only modules that import it. Everything else takes the
   day as a parameter.
2. **A date sweep.** Every date-dependent behaviour (statuses, active and current models, the site's "prices in
   force" tables and pages, the calculator's model list and default result, ``check``'s review rules and its
   staleness warning) is exercised on every boundary day of ``pricing.toml`` (each ``effective_from``,
   ``effective_to``, ``retires``, ``retired`` and ``released``, the day before and the day after) and on the days
   1, 30 and 365 after the newest ``checked`` date. The expectations are derived from the dates in the file, not
   from the code under test.

With ``faketime`` installed (``make test`` installs it), the CLI is also run with the machine clock set to sweep
days, to show that the clock it reads is the only thing that moves. ``make test-clock`` runs the whole non-browser
suite under faketime on several days.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calculators import bridge, load_pricing
from calculators.changes import STALE_AFTER_DAYS, changelog_markdown, review_checks, staleness_warning
from calculators.cli import main
from calculators.pricing import STATUSES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "calculators"
PRICING = load_pricing(ROOT / "pricing.toml")


# ----------------------------------------------------------------------------------------------------------
# 1. Only the edges read the clock
# ----------------------------------------------------------------------------------------------------------

#: Calls that read the wall clock as a date (monotonic timers for durations are fine).
_CLOCK_CALLS = {"now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp", "time", "localtime", "gmtime",
                "ctime"}
#: ``time.<name>`` calls that are timers, not dates.
_TIMERS = {"monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "process_time", "sleep"}


def _clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            base = node.func.value
            base_name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
            if name in _CLOCK_CALLS and base_name in {"datetime", "date", "_dt", "dt", "time", "_time"}:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {base_name}.{name}()")
    return found


def test_only_the_clock_module_reads_the_clock():
    reads = [r for p in sorted(PACKAGE.rglob("*.py")) if p.name != "clock.py" for r in _clock_reads(p)]
    assert reads == [], "the library reads the clock; take the day as a parameter instead:\n" + "\n".join(reads)
    assert _clock_reads(PACKAGE / "clock.py"), "clock.py should be the module that reads the clock"


def _imports_clock(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "clock":
            return True
        if isinstance(node, ast.ImportFrom) and any(a.name == "clock" for a in node.names):
            return True
        if isinstance(node, ast.Import) and any(a.name.endswith(".clock") for a in node.names):
            return True
    return False


def test_only_the_edges_ask_for_today():
    importers = sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py") if _imports_clock(p))
    assert importers == ["calculators/bridge.py", "calculators/cli.py"]


def test_clock_override_and_its_error():
    from calculators import clock
    from calculators.errors import ClaudeCostError

    assert clock.today({"CLAUDE_COST_TODAY": "2027-06-30"}) == dt.date(2027, 6, 30)
    with pytest.raises(ClaudeCostError, match="CLAUDE_COST_TODAY='tomorrow' is not a date: use YYYY-MM-DD"):
        clock.today({"CLAUDE_COST_TODAY": "tomorrow"})


def test_clock_without_override_is_the_utc_date_real_clock():
    from calculators import clock

    before = dt.datetime.now(dt.UTC).date()
    got = clock.today({})
    assert before <= got <= dt.datetime.now(dt.UTC).date()


def test_the_cli_reports_a_bad_override_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("CLAUDE_COST_TODAY", "2027-13-01")
    assert main(["models"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "CLAUDE_COST_TODAY='2027-13-01' is not a date" in err


# ----------------------------------------------------------------------------------------------------------
# 2. The date sweep
# ----------------------------------------------------------------------------------------------------------


def _boundary_days() -> list[dt.date]:
    days: set[dt.date] = set()
    for m in PRICING.models:
        marks = [m.released, m.retires, m.retired]
        for p in m.periods:
            marks += [p.effective_from, p.effective_to]
        for d in filter(None, marks):
            days |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    return sorted(days)


CHECKED = PRICING.last_checked
FORWARD = [CHECKED + dt.timedelta(days=n) for n in (1, 30, 365)]
SWEEP = sorted(set(_boundary_days()) | set(FORWARD))
#: Days the site can be built for: from the newest check on (the build is for today, and today is never before
#: the day someone last compared the file with Anthropic's pages).
SITE_DAYS = [d for d in SWEEP if d >= CHECKED]


def _ids(models) -> list[str]:
    return [m.id for m in models]


def _expected_status(m, day: dt.date) -> str:
    """The status on ``day`` from the file's own fields (independent of Model.status_on)."""
    end = m.retired or m.retires
    if end is not None:
        return "retired" if day >= end else ("deprecated" if m.status in ("retired", "deprecated") else m.status)
    return m.status


def test_the_sweep_covers_the_files_events():
    assert len(SWEEP) > 40
    assert dt.date(2026, 11, 30) in SWEEP and dt.date(2026, 11, 29) in SWEEP  # Sonnet 4.5 retired
    assert FORWARD[-1] == CHECKED + dt.timedelta(days=365)


@pytest.mark.parametrize("day", SWEEP, ids=str)
def test_statuses_and_model_lists(day):
    active, current = PRICING.active_models(day), PRICING.current_models(day)
    for m in PRICING.models:
        assert m.status_on(day) in STATUSES
        assert m.status_on(day) == _expected_status(m, day), m.id
    assert _ids(active) == [m.id for m in PRICING.models if _expected_status(m, day) != "retired"]
    assert _ids(current) == [m.id for m in PRICING.models
                             if _expected_status(m, day) == "current" and m.period_at(day) is not None]
    assert set(_ids(current)) <= set(_ids(active))


@pytest.mark.parametrize("day", SWEEP, ids=str)
def test_cli_models_lists_what_is_served_that_day(day, monkeypatch, capsys):
    monkeypatch.setenv("CLAUDE_COST_TODAY", day.isoformat())
    assert main(["models", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["at"] == day.isoformat()
    assert [m["id"] for m in out["models"]] == _ids(PRICING.active_models(day))
    assert all(m["status"] == _expected_status(PRICING.model(m["id"]), day) for m in out["models"])


@pytest.mark.parametrize("day", SWEEP, ids=str)
def test_calculator_model_list_and_default_result(day):
    from calculators.scenarios import DEFAULT_INPUTS

    listed = bridge.call("models", {}, today=day)
    assert listed["ok"], listed
    groups = {m["id"]: (g["key"], m) for g in listed["result"]["groups"] for m in g["models"]}
    assert sorted(groups) == sorted(m.id for m in PRICING.models)
    for m in PRICING.models:
        want = {"current": "current", "legacy": "legacy", "deprecated": "legacy"}.get(_expected_status(m, day),
                                                                                      "retired")
        assert groups[m.id][0] == want, (m.id, day)
        assert groups[m.id][1]["priced"] == (m.period_at(day) is not None)

    response = bridge.call("calculator", dict(DEFAULT_INPUTS), today=day)
    default = PRICING.model(DEFAULT_INPUTS["model"])
    if default.period_at(day) is None:  # before the default model existed: a clear message on the date field
        assert not response["ok"] and response["errors"][0]["field"] == "at"
        assert default.name in response["errors"][0]["message"]
        return
    assert response["ok"], response
    result = response["result"]
    assert result["inputs"]["at"] == day.isoformat()
    compared = {row["model"] for row in result["comparison"]}
    assert compared == set(_ids(PRICING.current_models(day))) | {default.id}


@pytest.mark.parametrize("day", SWEEP, ids=str)
def test_review_rules_and_staleness(day):
    problems = review_checks(PRICING, today=day, no_base=True)
    if day >= CHECKED:
        assert problems == []
    else:  # a day before the newest check: that check is "in the future" and is reported
        assert any("is in the future" in p for p in problems)
    warning = staleness_warning(PRICING, day)
    assert bool(warning) == ((day - CHECKED).days > STALE_AFTER_DAYS)
    if warning:
        assert f"{(day - CHECKED).days} days" in warning and "\n" not in warning


def _hook(name: str):
    """A module of hooks/ (they are loaded by MkDocs from files, not as a package)."""
    import importlib.util

    key = f"_hook_{name}_for_sweep"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "hooks" / f"{name}.py")
        module = sys.modules[key] = importlib.util.module_from_spec(spec)  # dataclasses look the module up
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="module")
def sc():
    return _hook("shortcodes")


@pytest.mark.parametrize("day", SWEEP, ids=str)
def test_prices_in_force_tables(day, sc):
    lineup = sc.render("<!-- cc:table lineup -->", at=day, pricing=PRICING)
    names = [line.split("|")[1].strip().split("<br>")[0] for line in lineup.splitlines()[2:]
             if line.startswith("|") and "<br>`" in line.split("|")[1]]  # the first row of each model has its API id
    want = [m.name.removeprefix("Claude ") + (" (limited)" if m.availability == "limited" else "")
            for m in PRICING.current_models(day)]
    assert names == want
    assert f"prices in force on {day}" in lineup


@pytest.mark.parametrize("day", SITE_DAYS, ids=str)
def test_every_page_renders_on_days_the_site_can_be_built(day, sc):
    """The shortcodes of every page (the changelog included) render on each day from the newest check on."""
    rendered = 0
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        out = sc.render(text, str(page.relative_to(ROOT)), at=day, pricing=PRICING)  # raises on any problem
        rendered += out != text
    assert rendered >= 12  # the pages with figures


@pytest.mark.parametrize("day", [dt.date(2026, 11, 29), dt.date(2026, 11, 30)], ids=str)
def test_the_changelog_marks_what_is_still_scheduled(day):
    text = changelog_markdown(PRICING, day)
    heading = next(line for line in text.splitlines() if line.startswith("### 2026-11-30"))
    assert ("(scheduled)" in heading) == (day < dt.date(2026, 11, 30))


# ----------------------------------------------------------------------------------------------------------
# The machine clock itself moved (faketime)
# ----------------------------------------------------------------------------------------------------------

FAKETIME = shutil.which("faketime")
CLOCK_DAYS = [dt.date.today(), dt.date(2027, 1, 23), dt.date(2027, 6, 30), dt.date(2027, 12, 31)]


def _cli(*args: str, faketime: dt.date | None = None, today: dt.date | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_COST_TODAY"}
    if today is not None:
        env["CLAUDE_COST_TODAY"] = today.isoformat()
    cmd = [sys.executable, "-m", "calculators", *args]
    if faketime is not None:
        cmd = [FAKETIME, "-f", f"@{faketime.isoformat()} 12:00:00", *cmd]  # the clock starts there and runs
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(FAKETIME is None and not os.environ.get("CI"), reason="faketime is not installed "
                    "(make test installs it)")
@pytest.mark.parametrize("day", CLOCK_DAYS, ids=str)
def test_the_cli_follows_the_machine_clock(day):
    assert FAKETIME is not None, "CI must have faketime (make test installs it)"
    faked = _cli("models", "--json", faketime=day)
    pinned = _cli("models", "--json", today=day)
    assert faked.returncode == pinned.returncode == 0, faked.stderr + pinned.stderr
    assert faked.stdout == pinned.stdout
    assert json.loads(faked.stdout)["at"] == day.isoformat()
    check = _cli("check", "--no-base", faketime=day)
    assert check.returncode == 0, check.stdout + check.stderr
    assert ("warning:" in check.stderr) == ((day - CHECKED).days > STALE_AFTER_DAYS)
