#!/usr/bin/env bash
# Print the path of a Chromium that the browser tests can drive, installing one if needed.
#   1. $CLAUDE_COST_CHROMIUM, or a system Chromium (Debian's /usr/bin/chromium) when one exists;
#   2. as root with apt-get: install Debian's chromium package;
#   3. otherwise Playwright's own build (`playwright install chromium`); prints nothing, meaning
#      "use Playwright's default executable".
set -euo pipefail
py="${1:-.venv/bin/python}"
for candidate in "${CLAUDE_COST_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium (apt-get)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
fi
echo "no system Chromium: installing Playwright's (playwright install chromium)..." >&2
"$py" -m playwright install chromium >&2
