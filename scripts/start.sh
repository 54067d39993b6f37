#!/usr/bin/env bash
# Install, extract events from the bundled corpus, and open the dashboard on them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pipeline run
exec .venv/bin/python -m pipeline.view.serve "$@"
