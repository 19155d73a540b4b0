"""hooks/after_paint.py: Material's bundle is loaded after the first frame, never parser-blocking, and started
exactly once; the page helper it relies on (overrides/main.html) is valid JavaScript."""

from __future__ import annotations

import importlib.util
import re
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
PAGE_HTML = (f'<html><head><title>t</title></head><body><p>text</p><script src="{BUNDLE}"></script>'
             f'<script src="../../javascripts/calculators.js" type="module"></script></body></html>')


class _File:
    src_uri = "guides/page.md"


class _Page:
    file = _File()


def test_the_bundle_is_preloaded_and_added_by_script():
    out = after_paint.on_post_page(PAGE_HTML, page=_Page(), config=None)
    assert f'<script src="{BUNDLE}">' not in out  # no longer parser-blocking
    head = out.split("</head>", 1)[0]
    assert f'<link rel="preload" as="script" href="{BUNDLE}">' in head  # the download still starts at once
    loader = out.split("<p>text</p>", 1)[1].split('<script src="../../javascripts/calculators.js"', 1)[0]
    assert f's.src = "{BUNDLE}";' in loader and "claudeCostAfterPaint" in loader
    # Exactly one emission of document$: only when DOMContentLoaded had already fired, seen by the loader's own
    # listener (registered before the bundle's).
    assert loader.index('addEventListener("DOMContentLoaded"') < loader.index("document$.next")
    assert "if (domReady && window.document$)" in loader


@pytest.mark.parametrize("html", [PAGE_HTML.replace(BUNDLE, "x.js"), PAGE_HTML.replace("</body>", f'<script src="{BUNDLE}"></script></body>')])
def test_a_page_without_exactly_one_bundle_fails_the_build_naming_it(html):
    with pytest.raises(PluginError, match=r"guides/page\.md.*found [02]"):
        after_paint.on_post_page(html, page=_Page(), config=None)


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node.js")
def test_the_loader_and_the_page_helper_parse(tmp_path):
    helper = re.search(r"<script>(.*?)</script>", (REPO / "overrides" / "main.html").read_text(encoding="utf-8"), re.S)
    assert helper and "claudeCostAfterPaint" in helper.group(1)
    loader = after_paint._LOADER % {"src": '"x.js"'}
    for name, code in (("helper.js", helper.group(1)), ("loader.js", loader.removeprefix("<script>").removesuffix("</script>"))):
        path = tmp_path / name
        path.write_text(code, encoding="utf-8")
        proc = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{name}: {proc.stderr[-500:]}"
