#!/usr/bin/env python3
"""Markdown tables from the per-graph JSON files written by peers.py."""

import json
import sys


def f(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.{digits}f}"


def ratio(peer, ours):
    if peer is None or ours in (None, 0):
        return "–"
    return f"{peer / ours:.0f}x" if peer / ours >= 10 else f"{peer / ours:.1f}x"


def main():
    results = [json.load(open(p)) for p in sys.argv[1:]]
    print("### 5-minute reach (one-to-many, bounded at 300 s), median ms per query\n")
    print("| graph | nodes | edges | jingwu | reached | pgr_drivingDistance | ratio | scipy (limit) | ratio | igraph (one-to-all) | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        j, p = r["jingwu"], r["peers"]
        pg, sc, ig = p.get("pgrouting", {}), p.get("scipy", {}), p.get("igraph", {})
        ours = j.get("reach300_ms")
        reached = f"{j.get('reach300_nodes', 0):.0f}"
        if sc.get("reach300_nodes") is not None:
            reached += f" (scipy {sc['reach300_nodes']:.0f}, pgr {pg.get('reach300_nodes', 0):.0f})"
        print(f"| {r['graph']} | {r['nodes']} | {r['edges']} | {f(ours)} | {reached} | {f(pg.get('reach300_ms'))} | {ratio(pg.get('reach300_ms'), ours)} "
              f"| {f(sc.get('reach300_ms'))} | {ratio(sc.get('reach300_ms'), ours)} | {f(ig.get('reach300_ms'))} | {ratio(ig.get('reach300_ms'), ours)} |")
    print("\n### Ranking 700 units by travel time to an incident, median ms per incident\n")
    print("| graph | jingwu k=1 | jingwu k=10 | jingwu all 700 | pgr_dijkstraCost 700→1 | ratio (vs all) | OSRM table 700x1 | ratio (vs all) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        j, p = r["jingwu"], r["peers"]
        pg, os_ = p.get("pgrouting", {}), p.get("osrm", {})
        ours = j.get("rank_all_ms")
        pg_rank = pg.get("rank_ms")
        if pg_rank is None and pg.get("rank_timeout_s"):
            pg_rank = f"> {pg['rank_timeout_s'] * 1000:.0f} (timeout)"
        print(f"| {r['graph']} | {f(j.get('rank_k1_ms'))} | {f(j.get('rank_k10_ms'))} | {f(ours)} | {f(pg_rank)} | {ratio(pg.get('rank_ms'), ours)} "
              f"| {f(os_.get('rank_ms'))} | {ratio(os_.get('rank_ms'), ours)} |")
    print("\n### Isochrone polygons 1/3/5 min, median ms per origin\n")
    print("| graph | jingwu (H3 on the fly) | jingwu (precomputed cells) | Valhalla | ratio (precomputed) |")
    print("|---|---|---|---|---|")
    for r in results:
        j, v = r["jingwu"], r["peers"].get("valhalla", {})
        print(f"| {r['graph']} | {f(j.get('isochrone_ms'))} | {f(j.get('isochrone_indexed_ms'))} | {f(v.get('isochrone_ms'))} | {ratio(v.get('isochrone_ms'), j.get('isochrone_indexed_ms'))} |")
    print("\n### jingwu engine figures\n")
    keys = [
        ("load_s", "load/import (s)"), ("bytes_per_edge", "bytes/edge"), ("cache_load_ms", "cache load (ms)"),
        ("snap_us", "snap (µs)"), ("settled_per_s", "settled nodes/s"), ("route_ms", "p2p route (ms)"),
        ("coverage_ms", "coverage 1/3/5 min, 700 units (ms)"), ("coverage_search_ms", "of which search (ms)"),
        ("moveup_ms", "move-up k=5 (ms)"),
    ]
    print("| graph | " + " | ".join(k[1] for k in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for r in results:
        j = r["jingwu"]
        cells = []
        for k, _ in keys:
            v = j.get(k)
            cells.append(f"{v:.2e}" if k == "settled_per_s" and v else f(v))
        print(f"| {r['graph']} | " + " | ".join(cells) + " |")
    errors = [(r["graph"], p, v["error"]) for r in results for p, v in r["peers"].items() if "error" in v]
    if errors:
        print("\nPeer errors:\n")
        for g, p, e in errors:
            print(f"- {g} / {p}: {e}")
    print("\nCommands:\n")
    for r in results:
        print(f"- `{r['jingwu_command']}`")


if __name__ == "__main__":
    main()
