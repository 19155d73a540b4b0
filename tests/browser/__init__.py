"""Browser tests (Playwright + Chromium against the built site); see README.md."""
