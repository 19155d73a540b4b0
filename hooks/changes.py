"""MkDocs hook: the Atom feed of price changes and the "Prices checked on" date on every page.

* ``on_config`` puts the newest ``checked`` date of pricing.toml into ``config.extra.prices_checked`` (the
  footer partial ``overrides/partials/copyright.html`` prints it with a link to the pricing reference).
* ``on_files`` adds ``changes.xml`` (an Atom feed of the price changes) to the site as a generated file.
* ``on_post_page`` advertises the feed on every page.

The page itself is written with ``cc:`` shortcodes like every other page (``cc:table history layout=days``,
``cc:table ratio-exceptions``, ``cc:table workloads``; see ``hooks/shortcodes.py`` and docs/conventions.md).

The pricing file is the one the package would load (``CLAUDE_COST_PRICING`` if set), read afresh at the start
of every build. Changes dated after the build day (``CLAUDE_COST_TODAY`` or today) are marked scheduled.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from calculators import changes as _changes  # noqa: E402
from calculators import clock  # noqa: E402
from calculators.errors import ClaudeCostError  # noqa: E402
from calculators.pricing import PricingFileError, default_pricing_path, load_pricing  # noqa: E402

log = logging.getLogger("mkdocs.hooks.changes")

FEED_PATH = "changes.xml"
CHANGES_PAGE = "reference/changes.md"


_build: dict = {}  # the price file and the day of the current build (`mkdocs serve` rebuilds in one process)


def _pricing():
    if "pricing" not in _build:
        try:
            # An explicit path bypasses the package's cache, so every build reads the file as it is now.
            _build["pricing"] = load_pricing(default_pricing_path())
        except PricingFileError as exc:
            raise PluginError(f"hooks/changes.py: {exc}") from None
    return _build["pricing"]


def _today():
    """The day the site is built for: ``CLAUDE_COST_TODAY`` (as the shortcodes use) or today (UTC)."""
    try:
        return clock.today()
    except ClaudeCostError as exc:
        raise PluginError(f"hooks/changes.py: {exc}") from None


def on_config(config, **kwargs):
    _build.clear()
    pricing = _pricing()
    today = _today()
    config["extra"]["prices_checked"] = pricing.last_checked.isoformat()
    config["extra"]["prices_built"] = today.isoformat()
    config["extra"]["prices_checked_age"] = _changes.age_words(pricing.last_checked, today)
    config["extra"].setdefault("pricing_reference", "reference/pricing/")
    config["extra"].setdefault("pricing_changes", "reference/changes/")
    config["extra"].setdefault("pricing_feed", FEED_PATH)
    return config


def on_files(files, config, **kwargs):
    """Add the Atom feed as a generated file, so `mkdocs serve` serves it and links to it validate."""
    page_url = CHANGES_PAGE[: -len(".md")] + ("/" if config["use_directory_urls"] else ".html")
    feed = _changes.atom_feed(_pricing(), site_url=config.get("site_url") or "", page_path=page_url, today=_today())
    existing = files.get_file_from_path(FEED_PATH)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, FEED_PATH, content=feed))
    return files


def on_post_page(output, page, config, **kwargs):
    """Advertise the feed on every page (`<link rel="alternate">`), relative to the page."""
    href = "../" * page.url.count("/") + FEED_PATH
    tag = f'<link rel="alternate" type="application/atom+xml" title="Claude API price changes" href="{href}">'
    return output.replace("</head>", f"  {tag}\n  </head>", 1) if "</head>" in output else output
