#!/usr/bin/env bash
# Print the path of faketime (libfaketime's command), installing it if needed: the time-proof tests run the CLI,
# and `make test-clock` runs the whole non-browser suite, with the machine clock set to other days.
#   1. `faketime` on the PATH;
#   2. as root (or with password-less sudo) and apt-get: install Debian's/Ubuntu's faketime package;
#   3. otherwise print nothing: the faketime tests are skipped outside CI and fail in CI (CI=true).
set -euo pipefail
if command -v faketime >/dev/null 2>&1; then command -v faketime; exit 0; fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else exit 0; fi
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "installing faketime (apt-get)..." >&2
  $sudo apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq faketime >&2
fi
command -v faketime || true
