"""MkDocs hook: the in-browser runtime.

At build time this hook

1. packs the ``calculators`` package and the price file the loader would use (``CLAUDE_COST_PRICING`` or the
   checkout's ``pricing.toml``) into one zip, ``assets/py/calculators-<sha256[:12]>.zip``;
2. copies the few Pyodide files the worker needs from ``node_modules/pyodide`` into
   ``assets/pyodide/<version>/`` (plus a lock file without packages: the model needs none);
3. writes ``sw.js``, a service worker that keeps those versioned/hashed files (and only those) in a cache;
4. tells the page where they are (``config.extra.claude_cost_runtime``, read by ``overrides/main.html``);
5. prerenders every calculator mount point: ``<div data-calc="NAME" data-handler="HANDLER" data-inputs='{..}'>``
   gets the bridge's answer for its default inputs as JSON, plus static HTML from the handler module's
   ``prerender_html(handler, inputs, result)`` when it has one, so real figures show before Python loads.

Nothing is written into ``docs/``; every output is an in-memory ``File.generated``. Hook files are loaded by
path, so this module imports the package absolutely and keeps its helpers private.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import re
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
    _state.update(root=root, pyodide_dir=pyodide_dir, version=version, archive=archive,
                  archive_uri=archive_uri, pyodide_uri=pyodide_uri)
    # Read by overrides/main.html; paths are relative to the site root (the script resolves them).
    config.extra["claude_cost_runtime"] = json.dumps(
        {"archive": archive_uri, "pyodide": pyodide_uri, "sw": "sw.js", "version": version},
        separators=(",", ":"))
    return config


def on_files(files: Files, config, **kwargs):
    files.append(File.generated(config, _state["archive_uri"], content=_state["archive"]))
    for name in PYODIDE_FILES:
        files.append(File.generated(config, _state["pyodide_uri"] + name,
                                    abs_src_path=str(_state["pyodide_dir"] / name)))
    files.append(File.generated(config, _state["pyodide_uri"] + "pyodide-lock.json",
                                content=_trimmed_lockfile(_state["pyodide_dir"])))
    files.append(File.generated(config, "sw.js", content=_service_worker(_state)))
    return files


def on_page_content(html_text: str, page, config, files, **kwargs):
    if "data-calc" not in html_text:
        return html_text
    return _MOUNT.sub(lambda m: _prerender(m, page.file.src_uri), html_text)


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


def _trimmed_lockfile(pyodide_dir: Path) -> bytes:
    """Pyodide's lock file without its package list: the worker installs no packages (119 KB saved)."""
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    return json.dumps({"info": lock["info"], "packages": {}}, separators=(",", ":")).encode()


def _service_worker(state: dict) -> str:
    """A service worker caching only immutable files: the hashed archive and the versioned Pyodide files."""
    immutable = [state["archive_uri"]] + [state["pyodide_uri"] + n for n in (*PYODIDE_FILES, "pyodide-lock.json")]
    cache = "claude-cost-runtime-" + hashlib.sha256("\n".join(immutable).encode()).hexdigest()[:12]
    return _SW_TEMPLATE.replace("__CACHE__", json.dumps(cache)).replace("__FILES__", json.dumps(immutable))


_SW_TEMPLATE = """\
// Generated by hooks/runtime.py. Caches ONLY immutable runtime files: the calculators archive (its name
// carries a content hash, so new prices mean a new name) and the Pyodide files under a versioned folder.
// Pages, scripts and everything else always come from the network.
const CACHE = __CACHE__;
const FILES = __FILES__;
const SCOPE = new URL("./", self.location.href);
const IMMUTABLE = new Set(FILES.map((f) => new URL(f, SCOPE).href));

self.addEventListener("install", (event) => {
  // The page registers this worker once the runtime is live, so these are in the HTTP cache already.
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all(FILES.map((f) =>
        cache.add(new Request(new URL(f, SCOPE).href, { cache: "force-cache" })).catch(() => undefined))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("claude-cost-runtime-") && k !== CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = event.request.url;
  if (event.request.method !== "GET" || !IMMUTABLE.has(url)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(url).then((hit) => hit || fetch(event.request).then((res) => {
      if (res.ok) cache.put(url, res.clone());
      return res;
    }))),
  );
});
"""


# ----------------------------------------------------------------------------------------------------------
# Prerendering mount points
# ----------------------------------------------------------------------------------------------------------

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
    payload = json.dumps({"inputs": inputs, "response": response}, separators=(",", ":"))
    # No "<" may appear raw inside a script element; inside JSON strings "\\u003c" reads back as "<".
    payload = payload.replace("<", "\\u003c")
    return (f"<div{match['attrs']}>"
            f"<script type=\"application/json\" data-calc-prerender>{payload}</script>"
            f"<div class=\"calc-prerendered\">{static}</div></div>")


__all__ = ["build_archive"]
