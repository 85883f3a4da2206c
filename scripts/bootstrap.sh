#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine, and nothing twice:
# npm packages from package-lock.json, and a Python venv (.venv) with the pinned pyspark.
# Each step is skipped when its lock file has not changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bootstrap: $*" >&2; exit 1; }
hash_of() { sha256sum "$1" | cut -d' ' -f1; }

command -v node >/dev/null || fail "node is not on PATH; install Node.js 20.19 or newer."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "node $(node --version) is too old; 20.19 or newer is required (it loads ES modules from CommonJS)."

node_stamp=node_modules/.lock-sha256
if [ "$(cat "$node_stamp" 2>/dev/null)" != "$(hash_of package-lock.json)" ]; then
  echo "bootstrap: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  hash_of package-lock.json > "$node_stamp"
fi

python=${PYTHON:-python3}
command -v "$python" >/dev/null || fail "$python is not on PATH; install Python 3.10 or newer (or set PYTHON)."
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "$("$python" --version 2>&1) is too old; pyspark 4.0 needs Python 3.10 or newer."
command -v java >/dev/null || fail "java is not on PATH; Spark 4.0 needs Java 17 or 21 (e.g. apt-get install openjdk-17-jre-headless)."

# The report's page test drives Debian's Chromium (playwright-core never downloads a browser).
if ! command -v chromium >/dev/null && [ -z "${CHROMIUM_PATH:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian's chromium for the report's browser test"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    fail "chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH to a Chromium binary)."
  fi
fi

py_stamp=.venv/.requirements-sha256
if [ "$(cat "$py_stamp" 2>/dev/null)" != "$(hash_of requirements.txt)" ]; then
  echo "bootstrap: creating the Python venv in .venv (pyspark is large: this takes a minute)"
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  hash_of requirements.txt > "$py_stamp"
fi
