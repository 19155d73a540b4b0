"""hooks/runtime.py: the calculators archive, the Pyodide files, the page bootstrap and prerendering."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from calculators import bridge

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("claude_cost_runtime_hook", REPO / "hooks" / "runtime.py")
runtime = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runtime)


def test_archive_holds_the_package_and_the_price_file():
    data = runtime.build_archive(REPO)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "calculators/__init__.py" in names and "calculators/bridge.py" in names
    assert "calculators/scenarios.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.read("calculators/pricing.toml") == (REPO / "pricing.toml").read_bytes()


def test_archive_is_deterministic():
    assert runtime.build_archive(REPO) == runtime.build_archive(REPO)


def test_archive_uses_the_price_file_named_by_claude_cost_pricing(tmp_path, monkeypatch):
    other = tmp_path / "prices.toml"
    other.write_text((REPO / "pricing.toml").read_text(encoding="utf-8") + "\n# a different file\n", encoding="utf-8")
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(other))
    data = runtime.build_archive(REPO)
    assert zipfile.ZipFile(io.BytesIO(data)).read("calculators/pricing.toml") == other.read_bytes()
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(tmp_path / "missing.toml"))
    with pytest.raises(PluginError, match="price file not found"):
        runtime.build_archive(REPO)


def test_the_archive_runs_on_its_own(tmp_path):
    """Imported from the zip alone (as Pyodide does), the package prices with its bundled price file."""
    archive = tmp_path / "calculators.zip"
    archive.write_bytes(runtime.build_archive(REPO))
    extract = tmp_path / "site"
    zipfile.ZipFile(archive).extractall(extract)
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from calculators import bridge; "
            "print(json.dumps(bridge.call('price', {'model': 'claude-sonnet-5-5', 'input': 2000, 'output': 500, "
            "'at': '2026-11-01'})))")
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_COST_PRICING"}
    out = subprocess.run([sys.executable, "-I", "-c", code, str(extract)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True)
    # 2,000 x $2/MTok + 500 x $10/MTok = $0.009 (Claude Sonnet 5.5).
    assert json.loads(out.stdout)["result"]["total_usd"] == "0.009"


def test_missing_pyodide_says_to_run_npm_ci(tmp_path):
    class Config(dict):
        config_file_path = str(tmp_path / "mkdocs.yml")

    with pytest.raises(PluginError, match="npm ci"):
        runtime.on_config(Config(extra={}))


def test_the_lock_file_is_trimmed_to_no_packages():
    lock = json.loads(runtime._trimmed_lockfile(REPO / "node_modules" / "pyodide"))
    assert lock["packages"] == {} and lock["info"]


def _page(div: str) -> str:
    return runtime._MOUNT.sub(lambda m: runtime._prerender(m, "page.md"), div)


def test_a_mount_point_gets_the_python_result_and_static_figures():
    inputs = {"model": "claude-sonnet-5-5", "input": 2000, "output": 500, "at": "2026-11-01",
              "requests_per_month": 100000}
    html = _page(f"<div data-calc=\"cost-calculator\" data-handler=\"calculator\" data-inputs='{json.dumps(inputs)}'>"
                 f"</div>")
    payload = html.split("data-calc-prerender>", 1)[1].split("</script>", 1)[0]
    assert "<" not in payload
    embedded = json.loads(payload)
    assert embedded == {"inputs": inputs, "response": json.loads(json.dumps(bridge.call("calculator", inputs)))}
    # 2,000 x $2/MTok + 500 x $10/MTok = $0.009 a request; x 100,000 = $900 a month.
    assert 'data-testid="total-usd" data-value="0.009"' in html
    assert 'data-testid="monthly-usd" data-value="900"' in html
    # The first paragraph of figures is what the page waits to see painted before loading anything heavier.
    assert html.count("elementtiming=") == 1 and '<p elementtiming="claude-cost-prerendered" class="calc-figures">' in html


def test_a_mount_point_without_a_handler_is_left_alone():
    div = '<div data-calc="some-widget"></div>'
    assert _page(div) == div


@pytest.mark.parametrize(
    ("div", "message"),
    [
        ('<div data-calc="cost-calculator" data-handler="calculator" data-inputs=\'{"input": -1}\'></div>',
         "rejected"),
        ('<div data-calc="cost-calculator" data-handler="calculator" data-inputs=\'{oops}\'></div>', "not valid JSON"),
        ('<div data-calc="cost-calculator" data-handler="nope"></div>', "not in calculators.bridge.HANDLERS"),
        ('<div data-calc="Bad Name!" data-handler="calculator"></div>', "not a widget name"),
    ],
)
def test_bad_mount_points_fail_the_build_naming_the_page(div, message):
    with pytest.raises(PluginError, match=message) as info:
        _page(div)
    assert "page.md" in str(info.value)


def test_the_status_line_is_added_once_per_page_and_no_script_with_it():
    class File:
        src_uri = "calculators/x.md"

    class Page:
        file = File()

    div = '<div data-calc="a"></div><p>text</p><div data-calc="b"></div>'
    html = runtime.on_page_content(div, Page(), None, None)
    assert html.count('<p class="calc-runtime-status"') == 1
    assert html.index("runtime-status") < html.index('data-calc="a"')
    # The hook adds markup and data only: the page's JavaScript lives in docs/javascripts/ (issue 14).
    assert "<script>" not in html and "<script " not in html.replace('<script type="application/json"', "")


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node.js")
def test_the_site_scripts_parse(tmp_path):
    """Syntax check of every script of the site: classic scripts as scripts, the rest as ES modules."""
    scripts = sorted((REPO / "docs" / "javascripts").rglob("*.js")) + sorted((REPO / "docs" / "javascripts").rglob("*.mjs"))
    assert len(scripts) >= 8
    classic = {"page-start.js"}  # loaded with a plain <script defer> (it must also run from file://)
    for script in scripts:
        target = script
        if script.suffix == ".js" and script.name not in classic:
            target = tmp_path / (script.stem + ".mjs")  # ES modules: make Node parse them as such
            target.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
        proc = subprocess.run(["node", "--check", str(target)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{script.name}: {proc.stderr[-500:]}"


def test_no_javascript_or_css_is_written_in_python_or_templates():
    """The site's JavaScript and CSS live in docs/javascripts/ and docs/stylesheets/ (issue 14): the hooks and the
    theme override inject configuration and markup only."""
    for path in [*(REPO / "hooks").glob("*.py"), *(REPO / "overrides").rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script>\s*(\(|var |let |const |window|document|function)", text), f"{path.name} writes an inline script"
        assert "function (" not in text and "=> {" not in text, f"{path.name} carries JavaScript"
    for path in (REPO / "docs" / "javascripts").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert "const STYLE" not in text and 'h("style"' not in text, f"{path.name} carries CSS"
