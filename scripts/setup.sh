#!/usr/bin/env bash
# Create .venv from requirements.txt: lines marked "# no-deps" (camel-tools) are installed without their
# dependencies, so the default install carries no torch. WITH_NER=1 adds the optional NER extra. Then the extraction
# is compiled with mypyc (scripts/compile.sh, only when a source changed since its build); COMPILE=0 leaves it plain
# Python, and so does a failed compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP=(.venv/bin/pip install --quiet --disable-pip-version-check)
# The first interpreter of scripts/venv_python.sh that makes a virtualenv (a system Python may lack venv).
if [ ! -x .venv/bin/python ]; then
  mapfile -t candidates < <(bash scripts/venv_python.sh)
  made=""
  for python in "${candidates[@]}"; do
    rm -rf .venv
    if "$python" -m venv .venv 2>/dev/null; then
      made=$python
      break
    fi
  done
  if [ -z "$made" ]; then
    rm -rf .venv
    echo "no interpreter could make .venv (tried: ${candidates[*]})" >&2
    exit 1
  fi
  echo "virtualenv .venv: $(.venv/bin/python -c 'import os, sys; print("Python", sys.version.split()[0], "from", os.path.realpath(sys.executable))')"
fi
with_deps=$(mktemp) no_deps=$(mktemp)
trap 'rm -f "$with_deps" "$no_deps"' EXIT
grep -v -- '# no-deps' requirements.txt > "$with_deps"
grep -- '# no-deps' requirements.txt | sed 's/#.*//' > "$no_deps"
# pip lists camel-tools' dependencies that are left out on purpose as conflicts: drop those lines only
# (a failed install still fails the script, through pipefail).
install() { "${PIP[@]}" "$@" 2>&1 | { grep -v -E "dependency resolver|camel-tools .* requires" || true; }; }
install -r "$with_deps"
install --no-deps -r "$no_deps"
if [ "${WITH_NER:-0}" = 1 ]; then
  install -r requirements-ner.txt
fi
if [ "${COMPILE:-1}" = 1 ]; then
  bash scripts/compile.sh || echo "the extraction runs as plain Python (same outputs, slower)"
fi
