"""MkDocs hook: Material's bundle runs after the page's first frame is on screen.

Material ends every page with a parser-blocking ``<script src=".../bundle.<hash>.min.js">`` (114 KB). When it has
downloaded before the parser reaches it, which on a fast connection is a race, Chromium runs it and the
work it starts on DOMContentLoaded before painting anything: on this project's 2-core benchmark machine that
alone moved the Cost Calculator's first correct figure from about 200 ms to about 340 ms. Nothing in the first
frame needs it: the page's text, figures and layout are static HTML and CSS.

So ``on_post_page`` swaps that tag for

- a ``<link rel="preload">`` in ``<head>``, so the download still starts at once (and may compile off the main
  thread), and
- a small inline script that adds the bundle with ``claudeCostAfterPaint`` (``overrides/main.html``) once the first
  frame has been presented.

Material starts its components from ``document$``, which emits on DOMContentLoaded. When the bundle arrives
after that event (the usual case now), the loader emits ``document$`` itself, exactly once: it records whether
DOMContentLoaded has fired with its own listener, registered before the bundle's, so the two can never both
emit. A Material upgrade that renames or restructures the tag fails the build here rather than silently going
back to the slower order.
"""

from __future__ import annotations

import json
import re

from mkdocs.exceptions import PluginError

_BUNDLE = re.compile(r'<script src="(?P<src>[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')

_LOADER = """<script>(function () {
  var domReady = false;
  document.addEventListener("DOMContentLoaded", function () { domReady = true; });
  function load() {
    var s = document.createElement("script");
    s.src = %(src)s;
    s.onload = function () { if (domReady && window.document$) window.document$.next(document); };
    document.body.appendChild(s);
  }
  window.claudeCostAfterPaint(load);
})();</script>"""


def on_post_page(output: str, page, config, **kwargs) -> str:
    found = list(_BUNDLE.finditer(output))
    if len(found) != 1:
        raise PluginError(f"hooks/after_paint.py: expected one Material bundle <script> in {page.file.src_uri}, "
                          f"found {len(found)}; update the pattern for this Material version")
    src = found[0].group("src")
    output = output[:found[0].start()] + _LOADER % {"src": json.dumps(src)} + output[found[0].end():]
    preload = f'<link rel="preload" as="script" href="{src}">\n  </head>'
    return output.replace("</head>", preload, 1)
