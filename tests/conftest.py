"""Shared fixtures for the unit tests (the browser tests add their own in tests/browser/conftest.py)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import select
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROOT_PRICING = REPO / "pricing.toml"

#: The day every test runs on unless it names another: the CLI, the bridge and the docs build read it from
#: CLAUDE_COST_TODAY (set for every test below), so no test depends on the machine's clock. A test that needs
#: the real clock says so in its name (``..._real_clock``) and deletes the variable itself.
PINNED_TODAY = dt.date(2026, 12, 4)


def _sleep_through_faketime(real_sleep=time.sleep):
    """``make test-clock`` runs the suite under libfaketime, whose wrapper of clock_nanosleep fails every
    ``time.sleep`` here with EINVAL (Python sleeps to an absolute CLOCK_MONOTONIC deadline). A test that waits
    for a subprocess with a timeout sleeps in subprocess's wait loop, so it failed whenever the child had not
    ended at the first look. select() with a timeout is not faked: sleep with it instead."""

    def sleep(seconds: float) -> None:
        try:
            real_sleep(seconds)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            select.select([], [], [], seconds)

    return sleep


if "faketime" in os.environ.get("LD_PRELOAD", ""):
    time.sleep = _sleep_through_faketime()


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setenv("CLAUDE_COST_TODAY", PINNED_TODAY.isoformat())
    return PINNED_TODAY

#: Markers whose tests run only when the -m expression names them (see [tool.pytest.ini_options] markers).
_OPT_IN_MARKERS = ("gigabyte", "scale")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selected = config.getoption("markexpr") or ""
    for marker in _OPT_IN_MARKERS:
        if marker in selected:
            continue
        skip = pytest.mark.skip(reason=f"opt-in test: run with -m {marker}")
        for item in items:
            if item.get_closest_marker(marker) is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def pricing():
    """The repository's real, validated pricing.toml."""
    from calculators import load_pricing

    return load_pricing(ROOT_PRICING)
