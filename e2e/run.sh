#!/usr/bin/env bash
# Browser smoke test: starts `jingwu demo` on a free loopback port with a
# throwaway SQLite database, drives Debian's Chromium through playwright-core
# (node --test e2e/tests/), always stops the server, exits with the test status.
#
#   e2e/run.sh                      # uses target/debug/jingwu
#   JINGWU_BIN=/path/to/jingwu e2e/run.sh   # exported to the tests as an absolute path
#   CHROMIUM=/usr/bin/chromium      # browser to drive (default shown)
#   E2E_OUT=e2e/out                 # where screenshots go (default shown)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BIN=${JINGWU_BIN:-target/debug/jingwu}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export E2E_OUT=${E2E_OUT:-$ROOT/e2e/out}

if [[ ! -x "$BIN" ]]; then
  echo "e2e: server binary '$BIN' not found; build it (cargo build) or set JINGWU_BIN" >&2
  exit 2
fi
# Tests that need a server of their own (an empty database: first-day.test.mjs) run this binary.
JINGWU_BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
export JINGWU_BIN
if [[ ! -x "$CHROMIUM" ]]; then
  echo "e2e: Chromium not found at '$CHROMIUM'; install it (apt-get install -y chromium) or set CHROMIUM" >&2
  exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "e2e: node and npm are required" >&2
  exit 2
fi

# Install playwright-core (the library only: no browser download) when needed.
if [[ ! -f e2e/node_modules/.package-lock.json || e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]]; then
  (cd e2e && npm ci --no-audit --no-fund)
fi

mkdir -p "$E2E_OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jingwu-e2e.XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE="http://127.0.0.1:$PORT"

"$BIN" demo --addr "127.0.0.1:$PORT" --database "sqlite://$TMP/e2e.db" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

echo "e2e: waiting for $BASE/healthz (server pid $SERVER_PID)"
deadline=$((SECONDS + 60))
until node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$BASE/healthz"; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: server exited before becoming healthy; its log:" >&2
    cat "$TMP/server.log" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "e2e: server not healthy after 60 s; its log:" >&2
    cat "$TMP/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

status=0
# E2E_TESTS names test files to run alone (default: all of e2e/tests/).
JINGWU_BASE_URL="$BASE" node --test ${E2E_TESTS:-e2e/tests/} || status=$?
if (( status != 0 )); then
  echo "e2e: tests failed; last lines of the server log:" >&2
  tail -n 50 "$TMP/server.log" >&2
fi
exit "$status"
