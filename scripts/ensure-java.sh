#!/usr/bin/env bash
# Print the JAVA_HOME of a Java runtime that Apache Spark 4 can use (Java 17 or later), installing one if needed:
# `make test-scale` runs the docs' rate-table SQL in Spark local mode, and Spark runs on the JVM.
#   1. `java` on the PATH (or in $JAVA_HOME/bin), version 17 or later;
#   2. otherwise, as root (or with password-less sudo) and apt-get: Debian's default-jre-headless;
#   3. otherwise fail with one line saying what to install.
set -euo pipefail

java_version() {  # the major version of the java command $1 (17 for "17.0.15", 1 for "1.8.0")
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

find_java() {
  local candidates=()
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then candidates+=("$JAVA_HOME/bin/java"); fi
  if command -v java >/dev/null 2>&1; then candidates+=("$(command -v java)"); fi
  for java in "${candidates[@]+"${candidates[@]}"}"; do
    local major
    major="$(java_version "$java")"
    if [ -n "$major" ] && [ "$major" -ge 17 ]; then
      dirname "$(dirname "$(readlink -f "$java")")"
      return 0
    fi
  done
  return 1
}

if find_java; then exit 0; fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "ensure-java: Spark needs Java 17 or later; install it (Debian: apt-get install default-jre-headless) and run again" >&2
    exit 1
  fi
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "installing a Java runtime (apt-get install default-jre-headless)..." >&2
  $sudo apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq default-jre-headless >&2
fi
if find_java; then exit 0; fi
echo "ensure-java: no Java 17 or later found after installing; Spark needs one (set JAVA_HOME to it)" >&2
exit 1
