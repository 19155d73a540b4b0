"""hooks/after_paint.py: Material's bundle is preloaded, never parser-blocking, and started after the first frame by
docs/javascripts/page-start.js (which must parse and handle the preload the hook leaves)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("claude_cost_after_paint_hook", REPO / "hooks" / "after_paint.py")
after_paint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(after_paint)

BUNDLE = "../../assets/javascripts/bundle.a5f9d56c.min.js"
START = '<script src="../../javascripts/page-start.js" defer></script>'
PAGE_HTML = (f'<html><head><title>t</title>{START}</head><body><p>text</p><script src="{BUNDLE}"></script>'
             f'<script src="../../javascripts/calculators.js" type="module"></script></body></html>')
PAGE_START = REPO / "docs" / "javascripts" / "page-start.js"


class _File:
    src_uri = "guides/page.md"


class _Page:
    file = _File()


def test_the_bundle_is_preloaded_and_left_to_page_start():
    out = after_paint.on_post_page(PAGE_HTML, page=_Page(), config=None)
    assert f'<script src="{BUNDLE}">' not in out  # no longer parser-blocking
    head = out.split("</head>", 1)[0]
    assert f'<link rel="preload" as="script" href="{BUNDLE}" data-claude-cost-bundle>' in head
    assert "<script>" not in out  # no inline JavaScript: page-start.js adds the bundle
    # page-start.js reads that link, adds the bundle after the first frame and emits document$ once, only when
    # DOMContentLoaded had already fired (seen by its own listener, registered before the bundle's).
    code = PAGE_START.read_text(encoding="utf-8")
    assert 'link[data-claude-cost-bundle]' in code
    assert "if (domReady && window.document$) window.document$.next(document)" in code
    assert code.index('addEventListener("DOMContentLoaded", function () { domReady = true; })') < code.index(
        "document$.next")


@pytest.mark.parametrize("html", [PAGE_HTML.replace(BUNDLE, "x.js"), PAGE_HTML.replace("</body>", f'<script src="{BUNDLE}"></script></body>')])
def test_a_page_without_exactly_one_bundle_fails_the_build_naming_it(html):
    with pytest.raises(PluginError, match=r"guides/page\.md.*found [02]"):
        after_paint.on_post_page(html, page=_Page(), config=None)


def test_a_page_without_page_start_fails_the_build():
    with pytest.raises(PluginError, match="page-start.js"):
        after_paint.on_post_page(PAGE_HTML.replace(START, ""), page=_Page(), config=None)


def test_the_theme_loads_page_start_deferred_from_the_site_root():
    main = (REPO / "overrides" / "main.html").read_text(encoding="utf-8")
    assert "<script src=\"{{ 'javascripts/page-start.js' | url }}\" defer></script>" in main


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node.js")
def test_page_start_parses_as_a_classic_script():
    proc = subprocess.run(["node", "--check", str(PAGE_START)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-500:]
