#!/usr/bin/env bash
# Side-by-side routing benchmark: jingwu against pgRouting, scipy, igraph, OSRM and Valhalla on
# the same graphs and the same queries. Prints a Markdown report (also saved under $OUT).
#
#   scripts/bench-routing.sh                      # all graphs
#   BENCH_GRAPHS="monaco coquimbo" scripts/bench-routing.sh
#
# Environment:
#   BENCH_GRAPHS   monaco coquimbo syn100k syn1m syn2m (default: all)
#   BENCH_QUERIES  queries per figure (default 20; slow peers use BENCH_SLOW_QUERIES=5 on big graphs)
#   BENCH_PEERS    pgrouting,scipy,igraph,osrm,valhalla
#   BENCH_VENV     Python 3.12 venv for the Python peers (created if missing)
#   BENCH_SKIP_INSTALL=1   do not apt-get/pip install anything
#   JINGWU_BIN     a prebuilt jingwu binary (default: cargo build --release -p jingwu-cli)
#   JINGWU_OSM_DIR  the real extracts (default: testdata/osm in this repository)
#   BENCH_PG_DSN   libpq DSN (default host=127.0.0.1 port=5432 dbname=test user=postgres)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OSM=${JINGWU_OSM_DIR:-$ROOT/testdata/osm}
OUT=${BENCH_OUT:-${CARGO_TARGET_DIR:-$ROOT/target}/bench-routing}
GRAPHS=${BENCH_GRAPHS:-"monaco coquimbo syn100k syn1m syn2m"}
QUERIES=${BENCH_QUERIES:-20}
SLOW=${BENCH_SLOW_QUERIES:-5}
PEERS=${BENCH_PEERS:-pgrouting,scipy,igraph,osrm,valhalla}
VENV=${BENCH_VENV:-$HOME/.cache/jingwu/bench-venv}
mkdir -p "$OUT"

if [ "${BENCH_SKIP_INSTALL:-0}" != 1 ]; then
  if ! dpkg -s postgresql-15-pgrouting >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-pgrouting
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    PY=$(command -v python3.12 || true)
    [ -n "$PY" ] || PY=$(pyenv prefix 3.12 2>/dev/null)/bin/python3.12
    "$PY" -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q scipy igraph psycopg2-binary pyvalhalla==3.9.1 osrm-bindings==26.10.0
fi

if [ -z "${JINGWU_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release -p jingwu-cli)
  JINGWU_BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/jingwu
fi

for g in $GRAPHS; do
  pbf=""
  case $g in
    monaco)   args="--pbf $OSM/monaco/monaco.osm.pbf"; pbf=$OSM/monaco/monaco.osm.pbf ;;
    helsinki) args="--pbf $OSM/helsinki/helsinki.osm.pbf"; pbf=$OSM/helsinki/helsinki.osm.pbf ;;
    coquimbo) args="--csv-graph $OSM/coquimbo" ;;
    syn100k)  args="--synthetic 100000:1" ;;
    syn1m)    args="--synthetic 1000000:1" ;;
    syn2m)    args="--synthetic 2000000:1" ;;
    *) echo "unknown graph $g" >&2; exit 2 ;;
  esac
  extra=()
  [ -n "$pbf" ] && extra=(--pbf "$pbf")
  "$VENV/bin/python" "$ROOT/scripts/bench/peers.py" --jingwu "$JINGWU_BIN" --name "$g" --graph-args "$args" \
    "${extra[@]}" --work "$OUT/$g" --queries "$QUERIES" --slow-queries "$SLOW" --peers "$PEERS" --out "$OUT/$g.json"
done

"$VENV/bin/python" "$ROOT/scripts/bench/report.py" $(for g in $GRAPHS; do echo "$OUT/$g.json"; done) | tee "$OUT/routing.md"
