"""The only place in the package that reads the clock.

The library never asks what day it is: every function that depends on the date takes the day as a
parameter (``at=`` for the prices of a request, ``today=`` for what is in force, scheduled or stale).
Only the edges call :func:`today`: the command line (``cli.py``), the browser bridge (``bridge.py``) and the
docs build (``hooks/``). A test in ``tests/test_time_proof.py`` keeps it that way.

``CLAUDE_COST_TODAY=YYYY-MM-DD`` replaces the clock, so a build or a bug report can be reproduced for any
day: ``CLAUDE_COST_TODAY=2027-01-23 claude-cost models`` lists what is served on that day.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping

from .errors import InputError

__all__ = ["ENV_VAR", "today"]

ENV_VAR = "CLAUDE_COST_TODAY"


def today(environ: Mapping[str, str] | None = None) -> _dt.date:
    """Today's UTC date, or the day ``CLAUDE_COST_TODAY`` names.

    Raises :class:`~calculators.errors.InputError` (field ``CLAUDE_COST_TODAY``) when the variable is set to
    something that is not a ``YYYY-MM-DD`` date.
    """
    env = os.environ if environ is None else environ
    value = (env.get(ENV_VAR) or "").strip()
    if not value:
        return _dt.datetime.now(_dt.UTC).date()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return _dt.date.fromisoformat(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise InputError(f"{ENV_VAR}={shown!r} is not a date: use YYYY-MM-DD, or unset it to use the clock",
                         ENV_VAR) from None
