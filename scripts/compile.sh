#!/usr/bin/env bash
# Compile the per-article extraction modules and the duplicate merger with mypyc (scripts/compile_extraction.py
# lists them): C extensions (.so) beside their sources, which Python imports instead of the .py files. The sources
# stay the reference: with the .so files removed the package runs as plain Python, with the same outputs.
#   scripts/compile.sh          build in place, unless every module's build is newer than its source
#   scripts/compile.sh --force  build again in any case
#   scripts/compile.sh --clean  remove the compiled build (back to plain Python)
set -euo pipefail
cd "$(dirname "$0")/.."
clean() { rm -rf build/mypyc build/temp.* build/lib.*; rm -f pipeline/extraction/*.so pipeline/corpus/*.so; rmdir build 2>/dev/null || true; }
if [ -z "${1:-}" ] && .venv/bin/python scripts/compile_extraction.py --up-to-date; then
  echo "extraction compiled: the build is up to date"
  exit 0
fi
clean
if [ "${1:-}" = --clean ]; then
  echo "compiled extraction removed: plain Python"
  exit 0
fi
mkdir -p build
if ! .venv/bin/python scripts/compile_extraction.py build_ext --inplace --build-temp build/mypyc >build/compile.log 2>&1; then
  tail -20 build/compile.log >&2
  clean
  echo "compiling the extraction failed (build/compile.log): it runs as plain Python" >&2
  exit 1
fi
rm -f build/compile.log
echo "extraction compiled: $(ls pipeline/extraction/*.so pipeline/corpus/*.so | wc -l) extension modules in pipeline/extraction and pipeline/corpus"
