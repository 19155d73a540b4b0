"""MkDocs hook: the in-browser runtime.

At build time this hook

1. packs the ``calculators`` package and the price file the loader would use (``CLAUDE_COST_PRICING`` or the
   checkout's ``pricing.toml``) into one zip, ``assets/py/calculators-<sha256[:12]>.zip``;
2. copies the few Pyodide files the worker needs from ``node_modules/pyodide`` into
   ``assets/pyodide/<version>/`` (plus a lock file without packages: the model needs none);
3. builds a Pyodide memory snapshot (with Node) so the browser skips Python's start-up;
4. tells the page where they are (``config.extra.claude_cost_runtime``, read by ``overrides/main.html``);
5. prerenders every calculator mount point: ``<div data-calc="NAME" data-handler="HANDLER" data-inputs='{..}'>``
   gets the bridge's answer for its default inputs as JSON, plus static HTML from the handler module's
   ``prerender_html(handler, inputs, result)`` when it has one, so real figures show before Python loads.

Nothing is written into ``docs/``; every output is an in-memory ``File.generated``. Hook files are loaded by
path, so this module imports the package absolutely and keeps its helpers private.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# ----------------------------------------------------------------------------------------------------------
# Start of MkDocs hooks
# ----------------------------------------------------------------------------------------------------------

#: Pyodide files the worker loads (everything else in the npm package is for Node or for debugging).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

#: Where the worker unpacks the archive (the memory snapshot is taken with the same path).
SITE_DIR = "/home/pyodide/claude_cost"

#: Python run once the archive is unpacked: in the build's memory snapshot and again (as a cheap no-op after a
#: snapshot) in the browser. Keep it idempotent.
WARMUP = f"""
import sys
if {SITE_DIR!r} not in sys.path:
    sys.path.insert(0, {SITE_DIR!r})
import importlib
from calculators import bridge
from calculators.pricing import load_pricing
load_pricing()
for _target in sorted(set(bridge.HANDLERS.values())):
    try:  # every tool module the pages may call, so its first answer is quick too
        importlib.import_module(_target.split(":")[0])
    except Exception:
        pass
"""

log = logging.getLogger("mkdocs.hooks.runtime")
_state: dict = {}


def on_config(config, **kwargs):
    root = Path(config.config_file_path or ".").resolve().parent
    pyodide_dir = root / "node_modules" / "pyodide"
    missing = [name for name in PYODIDE_FILES if not (pyodide_dir / name).is_file()]
    if missing:
        raise PluginError(
            f"hooks/runtime.py: the Pyodide runtime is missing ({pyodide_dir}/{missing[0]}). "
            f"Run `npm ci` in {root} (`make docs` and `make serve` do it for you)."
        )
    version = json.loads((pyodide_dir / "package.json").read_text(encoding="utf-8"))["version"]

    _fresh_pricing()
    archive = build_archive(root)
    digest = hashlib.sha256(archive).hexdigest()[:12]
    archive_uri = f"assets/py/calculators-{digest}.zip"
    pyodide_uri = f"assets/pyodide/{version}/"
    snapshot = _memory_snapshot(root, pyodide_dir, version, archive, digest)
    snapshot_uri = f"assets/py/snapshot-{hashlib.sha256(snapshot).hexdigest()[:12]}.bin" if snapshot else None
    _state.update(root=root, pyodide_dir=pyodide_dir, version=version, archive=archive,
                  archive_uri=archive_uri, pyodide_uri=pyodide_uri, snapshot=snapshot, snapshot_uri=snapshot_uri)
    # Read by overrides/main.html; paths are relative to the site root (the script resolves them).
    settings = {"archive": archive_uri, "pyodide": pyodide_uri, "version": version,
                "site_dir": SITE_DIR, "warmup": WARMUP}
    if snapshot_uri:
        settings["snapshot"] = snapshot_uri
    from calculators import clock

    pinned = os.environ.get(clock.ENV_VAR, "").strip()
    if pinned:  # a build for a given day (CLAUDE_COST_TODAY): the live tools treat that day as today too
        settings["today"] = clock.today().isoformat()
    config.extra["claude_cost_runtime"] = json.dumps(settings, separators=(",", ":"))
    return config


def on_files(files: Files, config, **kwargs):
    files.append(File.generated(config, _state["archive_uri"], content=_state["archive"]))
    for name in PYODIDE_FILES:
        files.append(File.generated(config, _state["pyodide_uri"] + name,
                                    abs_src_path=str(_state["pyodide_dir"] / name)))
    if _state["snapshot_uri"]:
        files.append(File.generated(config, _state["snapshot_uri"], content=_state["snapshot"]))
    files.append(File.generated(config, _state["pyodide_uri"] + "pyodide-lock.json",
                                content=_trimmed_lockfile(_state["pyodide_dir"])))
    return files


def on_page_content(html_text: str, page, config, files, **kwargs):
    if "data-calc" not in html_text:
        return html_text
    seen: list[int] = []

    def mount(match: re.Match) -> str:
        seen.append(1)
        first = len(seen) == 1
        return (_STATUS if first else "") + _prerender(match, page.file.src_uri)

    return _MOUNT.sub(mount, html_text)


# ----------------------------------------------------------------------------------------------------------
# End of MkDocs hooks
# ----------------------------------------------------------------------------------------------------------


def build_archive(root: Path) -> bytes:
    """The ``calculators`` package plus the price file as a deterministic zip (same input, same bytes)."""
    package = root / "calculators"
    pricing = Path(os.environ["CLAUDE_COST_PRICING"]) if os.environ.get("CLAUDE_COST_PRICING") \
        else root / "pricing.toml"
    if not pricing.is_file():
        raise PluginError(f"hooks/runtime.py: price file not found: {pricing} (set CLAUDE_COST_PRICING or "
                          f"restore pricing.toml)")
    entries = sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in entries:
            _add(zf, "calculators/" + path.relative_to(package).as_posix(), path.read_bytes())
        # Next to the package, where calculators.pricing.default_pricing_path() looks first.
        _add(zf, "calculators/pricing.toml", pricing.read_bytes())
    return buffer.getvalue()


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _fresh_pricing() -> None:
    """Forget a price file cached by an earlier build (``mkdocs serve`` rebuilds in one process)."""
    from calculators import pricing

    cached = getattr(pricing, "_load_default", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()


# The Node script that makes the memory snapshot (JavaScript lives in .js files, not in Python strings).
_SNAPSHOT_SCRIPT = Path(__file__).resolve().parent / "pyodide-snapshot.mjs"


def _memory_snapshot(root: Path, pyodide_dir: Path, version: str, archive: bytes, digest: str) -> bytes | None:
    """A gzipped Pyodide memory snapshot with the package imported and prices loaded, or None without Node.

    Cached in ``.cache/pyodide-snapshots/`` by everything it depends on, so ``mkdocs serve`` rebuilds stay fast.
    Set ``CLAUDE_COST_NO_SNAPSHOT=1`` to build without one (the browser then boots Python the slow way).
    """
    if os.environ.get("CLAUDE_COST_NO_SNAPSHOT"):
        return None
    node = shutil.which("node")
    if node is None:
        log.warning("hooks/runtime.py: Node.js not found, so no Pyodide memory snapshot is built; the "
                    "calculators still work but start a few seconds slower")
        return None
    script = _SNAPSHOT_SCRIPT.read_text(encoding="utf-8")
    key = hashlib.sha256("\0".join((version, digest, script, WARMUP, SITE_DIR)).encode()).hexdigest()[:16]
    cache_dir = root / ".cache" / "pyodide-snapshots"
    cached = cache_dir / f"{key}.bin.gz"
    if cached.is_file():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        zip_path, out = Path(tmp) / "calculators.zip", Path(tmp) / "snapshot.bin"
        zip_path.write_bytes(archive)
        env = {**os.environ, "CC_PYODIDE": str(pyodide_dir), "CC_ARCHIVE": str(zip_path), "CC_OUT": str(out),
               "CC_SITE_DIR": SITE_DIR, "CC_WARMUP": WARMUP}
        env.pop("CLAUDE_COST_PRICING", None)  # the archive already carries the chosen price file
        try:
            proc = subprocess.run([node, str(_SNAPSHOT_SCRIPT)], env=env, cwd=tmp,
                                  capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning(f"hooks/runtime.py: building the Pyodide memory snapshot failed ({exc}); continuing without")
            return None
        if proc.returncode != 0 or not out.is_file():
            detail = (proc.stdout.strip() or proc.stderr.strip()[-300:] or f"exit status {proc.returncode}")
            log.warning(f"hooks/runtime.py: building the Pyodide memory snapshot failed: {detail[:600]}; "
                        f"continuing without")
            return None
        # Gzipped (31 MB -> about 6 MB): the worker inflates it with DecompressionStream while it downloads.
        data = gzip.compress(out.read_bytes(), compresslevel=6, mtime=0)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("*.bin*"):
        old.unlink(missing_ok=True)
    cached.write_bytes(data)
    return data


def _trimmed_lockfile(pyodide_dir: Path) -> bytes:
    """Pyodide's lock file without its package list: the worker installs no packages (119 KB saved)."""
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    return json.dumps({"info": lock["info"], "packages": {}}, separators=(",", ":")).encode()


# ----------------------------------------------------------------------------------------------------------
# Prerendering mount points
# ----------------------------------------------------------------------------------------------------------

# The runtime status line, in the static HTML so that it also speaks when no module script runs (a page opened
# from file://, where browsers refuse module scripts): docs/javascripts/page-start.js then says so plainly. With
# scripts turned off, the <noscript> text says so instead (overrides/main.html hides the "Loading" text then).
# docs/javascripts/calculators.js starts the worker and keeps this line up to date.
_STATUS = """<p class="calc-runtime-status" data-testid="runtime-status" data-state="loading" role="status" \
aria-live="polite"><span class="calc-status-text">Loading live recalculation\u2026</span><noscript>Live \
recalculation is off: scripts are turned off for this site. The figures shown were computed when the site was \
built.</noscript></p>"""

_MOUNT = re.compile(r"<div\b(?P<attrs>[^>]*\bdata-calc=[^>]*)>\s*</div>", re.S)


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {k: v or "" for k, v in attrs}


def _prerender(match: re.Match, where: str) -> str:
    parser = _Attrs()
    parser.feed(f"<div{match['attrs']}>")
    attrs = parser.attrs
    name = attrs.get("data-calc", "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise PluginError(f"{where}: data-calc={name!r} is not a widget name (lower-case letters, digits, '-')")
    handler = attrs.get("data-handler")
    if not handler:
        return match.group(0)
    try:
        inputs = json.loads(attrs.get("data-inputs") or "{}")
    except ValueError as exc:
        raise PluginError(f"{where}: data-inputs of the {name!r} calculator is not valid JSON: {exc}") from None
    if not isinstance(inputs, dict):
        raise PluginError(f"{where}: data-inputs of the {name!r} calculator must be a JSON object")

    from calculators import bridge

    if handler not in bridge.HANDLERS:
        raise PluginError(f"{where}: data-handler={handler!r} is not in calculators.bridge.HANDLERS")
    response = bridge.call(handler, inputs)
    if not response["ok"]:
        problems = "; ".join(f"{e['field'] or 'input'}: {e['message']}" for e in response["errors"])
        raise PluginError(f"{where}: the default inputs of the {name!r} calculator are rejected: {problems}")

    module = importlib.import_module(bridge.HANDLERS[handler].split(":")[0])
    render = getattr(module, "prerender_html", None)
    static = render(handler, inputs, response["result"]) if render else ""
    # The first paragraph of figures is what the page waits to see on screen before it loads anything heavier
    # (claudeCostAfterPaint in overrides/main.html); Element Timing reports text on its paragraph.
    static = re.sub(r"^<p\b", '<p elementtiming="claude-cost-prerendered"', static, count=1)
    payload = json.dumps({"inputs": inputs, "response": response}, separators=(",", ":"))
    # No "<" may appear raw inside a script element; inside JSON strings "\\u003c" reads back as "<".
    payload = payload.replace("<", "\\u003c")
    return (f"<div{match['attrs']}><div class=\"calc-prerendered\">{static}</div>"
            f"<script type=\"application/json\" data-calc-prerender>{payload}</script></div>")


__all__ = ["build_archive"]
