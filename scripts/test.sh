#!/usr/bin/env bash
# Install what the tests need (Debian packages, the venv, the package with [dev]) and run them.
# Usage: bash scripts/test.sh [pytest args...]    e.g. bash scripts/test.sh -m "not slow" -x
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: espeak-ng + sox make audio fixtures, chromium drives the web
# UI tests, postgresql is started by the storage tests, poppler-utils checks PDF exports.
need=()
for pair in espeak-ng:espeak-ng sox:sox chromium:chromium poppler-utils:pdftotext; do
  pkg=${pair%%:*} cmd=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian packages: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}"
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "warning: missing ${need[*]} and no apt-get as root; some tests will fail" >&2
  fi
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'

# pytest's exit code decides; 5 ("no tests collected") is a failure too: a run that tests nothing is not green
exec .venv/bin/python -m pytest "$@"
