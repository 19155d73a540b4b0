"""MkDocs hook: render price shortcodes from the cost model (placeholder until the docs work lands)."""
