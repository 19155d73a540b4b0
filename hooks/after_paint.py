"""MkDocs hook: Material's bundle runs after the page's first frame is on screen.

Material ends every page with a parser-blocking ``<script src=".../bundle.<hash>.min.js">`` (114 KB). When it has
downloaded before the parser reaches it, which on a fast connection is a race, Chromium runs it and the
work it starts on DOMContentLoaded before painting anything: on this project's 2-core benchmark machine that
alone moved the Cost Calculator's first correct figure from about 200 ms to about 340 ms. Nothing in the first
frame needs it: the page's text, figures and layout are static HTML and CSS.

So ``on_post_page`` removes that tag and puts a ``<link rel="preload" as="script" data-claude-cost-bundle>`` for
the same file in ``<head>``: the download still starts at once (and may compile off the main thread), and
``docs/javascripts/page-start.js`` (on every page, see ``overrides/main.html``) adds the bundle once the first
frame has been presented and emits Material's ``document$`` when DOMContentLoaded has already passed. This hook
only moves markup; the JavaScript lives in that file. A Material upgrade that renames or restructures the tag
fails the build here rather than silently going back to the slower order.
"""

from __future__ import annotations

import html
import re

from mkdocs.exceptions import PluginError

_BUNDLE = re.compile(r'<script src="(?P<src>[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')


def on_post_page(output: str, page, config, **kwargs) -> str:
    found = list(_BUNDLE.finditer(output))
    if len(found) != 1:
        raise PluginError(f"hooks/after_paint.py: expected one Material bundle <script> in {page.file.src_uri}, "
                          f"found {len(found)}; update the pattern for this Material version")
    if "page-start.js" not in output:
        raise PluginError(f"hooks/after_paint.py: {page.file.src_uri} does not load javascripts/page-start.js, "
                          f"which starts Material's bundle (overrides/main.html adds it)")
    src = found[0].group("src")
    output = output[:found[0].start()] + output[found[0].end():]
    preload = f'<link rel="preload" as="script" href="{html.escape(src)}" data-claude-cost-bundle>\n  </head>'
    return output.replace("</head>", preload, 1)
