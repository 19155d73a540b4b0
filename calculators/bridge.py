"""The one JSON-in/JSON-out entry point the browser (and tests) use: ``call(name, inputs) -> response``.

The browser worker calls :func:`call_json` with ``{"name": ..., "inputs": {...}}`` and gets back either
``{"ok": true, "result": {...}}`` or ``{"ok": false, "errors": [{"field": "input", "message": "..."}]}``.
Money in a result is always a decimal string; JavaScript never does money arithmetic.

Handlers live in the module that owns the maths and are imported only when first called, so that loading
the bridge stays cheap. Each handler takes the ``inputs`` dict and today's date and returns a JSON-ready
dict; it raises an :class:`~calculators.errors.ClaudeCostError` for bad input, naming the field.

The bridge is one of the three edges that read the clock (with the CLI and the docs build): it asks
:func:`calculators.clock.today` once per call and hands the day to the handler, which never reads it itself.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import json
from collections.abc import Callable

from . import clock
from .errors import ClaudeCostError, InputError
from .pricing import PricingFileError, UnknownModelError

__all__ = ["HANDLERS", "InputError", "call", "call_json"]


#: bridge name -> "module:function". Add a line here when a tool gains a browser entry point.
HANDLERS: dict[str, str] = {
    "models": "calculators.scenarios:models_handler",
    "price": "calculators.scenarios:price_handler",
    "calculator": "calculators.scenarios:calculator_handler",
    "recommend": "calculators.recommend:bridge_recommend",
    "analyze_start": "calculators.logs.session:bridge_analyze_start",
    "analyze_chunk": "calculators.logs.session:bridge_analyze_chunk",
    "analyze_finish": "calculators.logs.session:bridge_analyze_finish",
    "analyze_cancel": "calculators.logs.session:bridge_analyze_cancel",
    "diff_summary": "calculators.diffsum:bridge_diff_summary",
    "skills_plan": "calculators.skills:bridge_skills_plan",
    "skills": "calculators.skills:bridge_skills",
}

_resolved: dict[str, Callable[[dict, _dt.date], dict]] = {}


def _handler(name: str) -> Callable[[dict, _dt.date], dict]:
    if name not in _resolved:
        target = HANDLERS.get(name)
        if target is None:
            raise InputError(f"unknown calculator {name!r}", "name")
        module, func = target.split(":")
        _resolved[name] = getattr(importlib.import_module(module), func)
    return _resolved[name]


def call(name: str, inputs: dict | None = None, *, today: _dt.date | None = None) -> dict:
    """Run one bridge handler; never raises for bad input (errors come back in the response).

    ``today`` is the day the handler treats as today (default: :func:`calculators.clock.today`).
    """
    try:
        if inputs is not None and not isinstance(inputs, dict):
            raise InputError("inputs must be a JSON object", "inputs")
        handler = _handler(name)
        return {"ok": True, "result": handler(inputs or {}, today or clock.today())}
    except InputError as exc:
        return {"ok": False, "errors": [{"field": f, "message": m} for f, m in exc.errors]}
    except UnknownModelError as exc:
        return {"ok": False, "errors": [{"field": "model", "message": str(exc)}]}
    except PricingFileError as exc:
        return {"ok": False, "errors": [{"field": "", "message": str(exc)}]}
    except ClaudeCostError as exc:
        return {"ok": False, "errors": [{"field": exc.field, "message": str(exc)}]}


def call_json(request: str) -> str:
    """The worker's entry point: a JSON request string in, a JSON response string out."""
    try:
        req = json.loads(request)
    except (TypeError, ValueError):
        return json.dumps({"ok": False, "errors": [{"field": "", "message": "request is not valid JSON"}]})
    if not isinstance(req, dict) or not isinstance(req.get("name"), str):
        return json.dumps({"ok": False, "errors": [{"field": "name", "message": "request needs a 'name'"}]})
    return json.dumps(call(req["name"], req.get("inputs")), separators=(",", ":"))
