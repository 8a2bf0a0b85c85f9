#!/usr/bin/env bash
# The command map's first load and pan/zoom frames in headless Chromium (e2e/bench/map-frames.mjs),
# against `jingwu demo` on a throwaway SQLite database. Not part of CI; figures go to
# docs/benchmarks.md.
#
#   scripts/bench-map.sh [rounds]            # uses target/release/jingwu (cargo build --release first)
#   JINGWU_BIN=/path/to/jingwu scripts/bench-map.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=${JINGWU_BIN:-target/release/jingwu}
[[ -x "$BIN" ]] || { echo "bench-map: $BIN not found; cargo build --release -p jingwu-cli" >&2; exit 2; }
[[ -f e2e/node_modules/.package-lock.json ]] || (cd e2e && npm ci --no-audit --no-fund)
TMP=$(mktemp -d)
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$BIN" demo --addr "127.0.0.1:$PORT" --database "sqlite://$TMP/bench.db" >"$TMP/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
until node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/healthz"; do
  kill -0 $PID 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.5
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
JINGWU_BASE_URL="http://127.0.0.1:$PORT" node e2e/bench/map-frames.mjs "${1:-3}"
