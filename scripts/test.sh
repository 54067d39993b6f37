#!/usr/bin/env bash
# Install everything the tests need (venv, and Debian's chromium for the browser test when we are root), run them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
bash scripts/setup.sh
.venv/bin/python -m pytest -q "$@"
