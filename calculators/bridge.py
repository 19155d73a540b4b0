"""The one JSON-in/JSON-out entry point the browser (and tests) use: ``call(name, inputs) -> response``.

The browser worker calls :func:`call_json` with ``{"name": ..., "inputs": {...}}`` and gets back either
``{"ok": true, "result": {...}}`` or ``{"ok": false, "errors": [{"field": "input", "message": "..."}]}``.
Money in a result is always a decimal string; JavaScript never does money arithmetic.

Handlers live in the module that owns the maths and are imported only when first called, so that loading
the bridge stays cheap. Each handler takes the ``inputs`` dict and today's date and returns a JSON-ready
dict; it raises an :class:`~calculators.errors.ClaudeCostError` for bad input, naming the field.

Messages are worded for the form, not the command line: a tool module may define ``FORM_WORDS``, a dict of
phrases its messages use for the CLI (``--route-to``) and the words of its browser form that replace them
(``Route to``); the bridge applies them to the errors and to the text of the result. The CLI keeps its own words.

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

__all__ = ["FORM_WORDS", "HANDLERS", "InputError", "call", "call_json", "for_form", "reword"]


#: bridge name -> "module:function". Add a line here when a tool gains a browser entry point.
HANDLERS: dict[str, str] = {
    "models": "calculators.scenarios:models_handler",
    "price": "calculators.scenarios:price_handler",
    "calculator": "calculators.scenarios:calculator_handler",
    "calculator_usage": "calculators.scenario_set:usage_handler",
    "calculator_export": "calculators.scenario_set:export_handler",
    "recommend": "calculators.recommend:bridge_recommend",
    "analyze_start": "calculators.logs.session:bridge_analyze_start",
    "analyze_chunk": "calculators.logs.session:bridge_analyze_chunk",
    "analyze_finish": "calculators.logs.session:bridge_analyze_finish",
    "analyze_cancel": "calculators.logs.session:bridge_analyze_cancel",
    "diff_summary": "calculators.diffsum:bridge_diff_summary",
    "skills_plan": "calculators.skills:bridge_skills_plan",
    "skills": "calculators.skills:bridge_skills",
}

#: Phrases every tool's messages may use on the command line, and what the browser says instead.
FORM_WORDS: dict[str, str] = {
    "(`claude-cost models` lists every id)": "(the Pricing reference page lists every model id)",
}

#: Strings longer than this in a result are data (a CSV export), not messages: they are left as they are.
_LONGEST_MESSAGE = 20_000

_resolved: dict[str, tuple[Callable[[dict, _dt.date], dict], dict[str, str]]] = {}


def _handler(name: str) -> tuple[Callable[[dict, _dt.date], dict], dict[str, str]]:
    if name not in _resolved:
        target = HANDLERS.get(name)
        if target is None:
            raise InputError(f"unknown calculator {name!r}", "name")
        module_name, func = target.split(":")
        module = importlib.import_module(module_name)
        words = {**FORM_WORDS, **getattr(module, "FORM_WORDS", {})}
        _resolved[name] = (getattr(module, func), words)
    return _resolved[name]


def _words_for(name: str) -> dict[str, str]:
    try:
        return _handler(name)[1]
    except (InputError, ImportError, AttributeError):
        return FORM_WORDS


def for_form(text: str, words: dict[str, str]) -> str:
    """``text`` with the command line's phrases replaced by the form's words."""
    if "-" not in text and "`" not in text:  # every CLI phrase has a flag or a command in it
        return text
    for cli, form in words.items():
        if cli in text:
            text = text.replace(cli, form)
    return text


def _reword(value, words: dict[str, str]):
    if isinstance(value, str):
        return for_form(value, words) if len(value) <= _LONGEST_MESSAGE else value
    if isinstance(value, dict):
        return {k: _reword(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_reword(v, words) for v in value]
    return value


def reword(value, name: str):
    """``value`` (a message, or a result with messages in it) in the words of the form behind bridge ``name``."""
    return _reword(value, _words_for(name))


def _errors(name: str, pairs) -> dict:
    words = _words_for(name)
    return {"ok": False, "errors": [{"field": f, "message": for_form(m, words)} for f, m in pairs]}


def call(name: str, inputs: dict | None = None, *, today: _dt.date | None = None) -> dict:
    """Run one bridge handler; never raises for bad input (errors come back in the response).

    ``today`` is the day the handler treats as today (default: :func:`calculators.clock.today`).
    """
    try:
        if inputs is not None and not isinstance(inputs, dict):
            raise InputError("inputs must be a JSON object", "inputs")
        handler, words = _handler(name)
        return {"ok": True, "result": _reword(handler(inputs or {}, today or clock.today()), words)}
    except InputError as exc:
        return _errors(name, exc.errors)
    except UnknownModelError as exc:
        return _errors(name, [("model", str(exc))])
    except PricingFileError as exc:
        return _errors(name, [("", str(exc))])
    except ClaudeCostError as exc:
        return _errors(name, [(exc.field, str(exc))])


def call_json(request: str) -> str:
    """The worker's entry point: a JSON request string in, a JSON response string out."""
    try:
        req = json.loads(request)
    except (TypeError, ValueError):
        return json.dumps({"ok": False, "errors": [{"field": "", "message": "request is not valid JSON"}]})
    if not isinstance(req, dict) or not isinstance(req.get("name"), str):
        return json.dumps({"ok": False, "errors": [{"field": "name", "message": "request needs a 'name'"}]})
    return json.dumps(call(req["name"], req.get("inputs")), separators=(",", ":"))
