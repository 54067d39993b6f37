#!/usr/bin/env bash
# The interpreters scripts/setup.sh may make .venv with, best first, one per line: $PYTHON alone when it is set;
# else the system's own python3 (SYSTEM_PYTHON, default /usr/bin/python3) when it is 3.11 or newer and has the
# headers the compiled extraction needs, then the python3 on PATH. A distribution's build is optimised and has
# libpython linked into the program: the pipeline ran 1.35 times faster on Debian's than on a version manager's
# shared-library build of the same Python.
set -uo pipefail
if [ -n "${PYTHON:-}" ]; then
  echo "$PYTHON"
  exit 0
fi
SYSTEM_PYTHON=${SYSTEM_PYTHON:-/usr/bin/python3}
suitable='import os, sys, sysconfig
headers = os.path.join(sysconfig.get_paths()["include"], "Python.h")
sys.exit(sys.version_info < (3, 11) or not os.path.exists(headers))'
if [ -x "$SYSTEM_PYTHON" ] && "$SYSTEM_PYTHON" -c "$suitable" 2>/dev/null; then
  echo "$SYSTEM_PYTHON"
fi
echo python3
