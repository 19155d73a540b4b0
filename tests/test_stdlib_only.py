"""`calculators` imports with nothing but the standard library (it must also run in Pyodide).

A fresh interpreter gets a meta-path finder, installed before anything else is imported, that refuses
every top-level module that is neither in ``sys.stdlib_module_names`` nor ``calculators`` itself. Then the
package and every submodule in it are imported, and a request is priced.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import calculators

REPO = Path(__file__).resolve().parent.parent

_SCRIPT = r"""
import sys

class BlockThirdParty:
    attempts = []

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or top == "calculators":
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
            frame = frame.f_back
        importer = frame.f_globals.get("__name__", "?") if frame is not None else "?"
        self.attempts.append([name, importer])
        raise ModuleNotFoundError(f"blocked non-standard-library import: {name}", name=name)

blocker = BlockThirdParty()
sys.meta_path.insert(0, blocker)
sys.path.insert(0, sys.argv[1])
import importlib, json

imported, failed = [], {}
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
        imported.append(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"

from calculators import price
total = str(price("claude-sonnet-4-6", input=2000, output=500, at="2026-11-01").total)

# the blocker really blocks: a third-party module present in this environment cannot be imported
try:
    import pytest
    control = "imported"
except ModuleNotFoundError:
    control = "blocked"

print(json.dumps({"imported": imported, "failed": failed, "attempts": blocker.attempts,
                  "total": total, "control": control,
                  "third_party_loaded": sorted(m for m in sys.modules
                                                if m.partition(".")[0] not in sys.stdlib_module_names
                                                and m.partition(".")[0] not in ("calculators", "__main__"))}))
"""


#: (module, importer) pairs allowed to be *tried*: each has a standard-library fallback, which is what this
#: test exercises (the import is refused here and the package must still work).
OPTIONAL_IMPORTS = {
    ("orjson", "calculators.logs.jsonl"),  # optional C JSON parser for large logs; json is the reference
    ("msgspec", "calculators.logs.jsonl"),  # optional block reader for Claude Code logs; same reference
}


def _submodules() -> list[str]:
    names = ["calculators"]
    for info in pkgutil.walk_packages(calculators.__path__, "calculators."):
        if info.name != "calculators.__main__":  # runs the CLI on import
            names.append(info.name)
    return names


def test_package_and_every_submodule_import_with_third_party_blocked():
    modules = _submodules()
    # the modules the foundation promises are all there
    assert {"calculators.pricing", "calculators.cost", "calculators.cli", "calculators.bridge"} <= set(modules)
    proc = subprocess.run(
        [sys.executable, "-S", "-c", _SCRIPT, str(REPO), json.dumps(modules)],
        capture_output=True, text=True, timeout=120, cwd=REPO, env={"PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["failed"] == {}
    assert result["imported"] == modules
    # no calculators module tried a third-party import other than the reviewed optional ones below (the
    # standard library's own probes, such as copy's Jython check, and the control import do not count)
    tried = [tuple(a) for a in result["attempts"] if a[1].partition(".")[0] == "calculators"]
    assert [a for a in tried if a not in OPTIONAL_IMPORTS] == []
    assert ["pytest", "__main__"] in result["attempts"]
    assert result["third_party_loaded"] == []
    # 2,000 x $3 + 500 x $15 = 13,500 micro-dollars
    assert result["total"] == "0.0135"
    assert result["control"] == "blocked"
