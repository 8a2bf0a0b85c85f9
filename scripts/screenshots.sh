#!/usr/bin/env bash
# Refreshes the README screenshots (docs/screenshots/: command map, officer terminal, dashboard)
# by running the browser tests against `jingwu demo` (e2e/run.sh); the 110 flow test saves
# them when JINGWU_SCREENSHOTS is set.
#
#   scripts/screenshots.sh                     # uses target/debug/jingwu (cargo build first)
#   JINGWU_BIN=/path/to/jingwu scripts/screenshots.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JINGWU_SCREENSHOTS="$ROOT/docs/screenshots"
mkdir -p "$JINGWU_SCREENSHOTS"
exec "$ROOT/e2e/run.sh"
