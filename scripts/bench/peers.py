#!/usr/bin/env python3
"""Side-by-side routing benchmark on one graph: jingwu vs pgRouting, scipy, igraph,
OSRM and Valhalla.

All graph-based peers run on exactly the graph jingwu routes on (`jingwu graph export`);
OSRM and Valhalla build their own graphs from the same .osm.pbf (different speed models, so
their reached sets are reported beside the times). Every query set is chosen here with a
fixed seed and handed to `jingwu bench routing` too, so both sides answer the same queries.

Writes one JSON result per graph; `report.py` turns them into the Markdown table.
"""

import argparse
import csv
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def log(msg):
    print(f"[peers] {msg}", file=sys.stderr, flush=True)


def median_ms(times):
    return statistics.median(times) * 1000.0 if times else None


def read_graph(d):
    """The graph `jingwu graph export` wrote: node ids are 0..n in order, one link per
    directed edge with its exact travel time in `seconds_ab`."""
    nodes = []
    with open(d / "nodes.csv") as f:
        for i, r in enumerate(csv.DictReader(f)):
            assert int(r["node_id"]) == i, "nodes.csv is not numbered 0..n in order"
            nodes.append((float(r["lat"]), float(r["lon"])))
    src, dst, sec, meters = [], [], [], []
    with open(d / "links.csv") as f:
        for r in csv.DictReader(f):
            assert r["direction"] == "1", "expected one link per directed edge"
            src.append(int(r["a_node"]))
            dst.append(int(r["b_node"]))
            sec.append(float(r["seconds_ab"]))
            meters.append(float(r["distance"]))
    return nodes, src, dst, sec, meters


def write_points(path, ids, nodes):
    with open(path, "w") as f:
        f.write("id,lat,lon\n")
        for i in ids:
            lat, lon = nodes[i]
            f.write(f"{i},{lat:.7f},{lon:.7f}\n")


def bench_scipy(n, src, dst, sec, sources, limit):
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    m = csr_matrix((np.array(sec), (np.array(src), np.array(dst))), shape=(n, n))
    times, sizes = [], []
    for s in sources:
        t = time.perf_counter()
        d = dijkstra(m, directed=True, indices=s, limit=limit)
        times.append(time.perf_counter() - t)
        sizes.append(int(np.isfinite(d).sum()))
    return {"reach300_ms": median_ms(times), "reach300_nodes": statistics.mean(sizes)}


def bench_igraph(n, src, dst, sec, sources, limit):
    import igraph as ig

    g = ig.Graph(n=n, edges=list(zip(src, dst)), directed=True)
    g.es["w"] = sec
    times, sizes = [], []
    for s in sources:
        t = time.perf_counter()
        # igraph has no distance cutoff: one-to-all, then filter.
        d = g.distances(source=[s], weights="w", mode="out")[0]
        times.append(time.perf_counter() - t)
        sizes.append(sum(1 for x in d if x <= limit))
    return {"reach300_ms": median_ms(times), "reach300_nodes": statistics.mean(sizes), "note": "one-to-all (no cutoff in igraph)"}


def bench_pgrouting(name, edges, sources, incidents, units, limit, rank_queries, dsn, rank_timeout_s=120.0):
    import psycopg2
    import psycopg2.errors

    table = f"bench_edges_{name}"
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS pgrouting")
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(f"CREATE TABLE {table} (id bigserial primary key, source bigint, target bigint, cost float8, meters float8)")
    rows = io.StringIO("".join(f"{s},{t},{c},{m}\n" for s, t, c, m in zip(*edges)))
    cur.copy_expert(f"COPY {table}(source, target, cost, meters) FROM STDIN WITH (FORMAT csv)", rows)
    cur.execute(f"ANALYZE {table}")
    sql = f"SELECT id, source, target, cost FROM {table}"
    times, sizes = [], []
    for s in sources:
        t = time.perf_counter()
        cur.execute("SELECT count(*) FROM pgr_drivingDistance(%s, %s, %s, directed => true)", (sql, s, limit))
        sizes.append(cur.fetchone()[0])
        times.append(time.perf_counter() - t)
    out = {"reach300_ms": median_ms(times), "reach300_nodes": statistics.mean(sizes), "reach_queries": len(sources)}
    rtimes = []
    cur.execute(f"SET statement_timeout = '{int(rank_timeout_s * 1000)}'")
    for inc in incidents[:rank_queries]:
        t = time.perf_counter()
        try:
            cur.execute(
                "SELECT start_vid, agg_cost FROM pgr_dijkstraCost(%s, %s::bigint[], %s::bigint, directed => true) ORDER BY agg_cost LIMIT 10",
                (sql, units, inc),
            )
            cur.fetchall()
        except psycopg2.errors.QueryCanceled:
            out["rank_timeout_s"] = rank_timeout_s
            break
        rtimes.append(time.perf_counter() - t)
    cur.execute("SET statement_timeout = 0")
    out["rank_ms"] = median_ms(rtimes) if rtimes else None
    out["rank_queries"] = len(rtimes)
    cur.execute(f"DROP TABLE {table}")
    conn.close()
    return out


def bench_osrm(pbf, work, incidents, units, nodes, rank_queries):
    import osrm

    odir = work / "osrm"
    odir.mkdir(exist_ok=True)
    base = odir / "graph.osm.pbf"
    shutil.copy(pbf, base)
    prof = Path(osrm.__file__).parent / "share" / "profiles" / "car.lua"
    py = sys.executable
    t0 = time.perf_counter()
    for step in (["extract", "-p", str(prof), str(base)], ["partition", str(odir / "graph.osrm")], ["customize", str(odir / "graph.osrm")]):
        subprocess.run([py, "-m", "osrm", *step], check=True, capture_output=True)
    prep_s = time.perf_counter() - t0
    engine = osrm.OSRM(storage_config=str(odir / "graph.osrm"), algorithm="MLD", use_shared_memory=False)
    coords = [(nodes[u][1], nodes[u][0]) for u in units]
    times = []
    for inc in incidents[:rank_queries]:
        lon, lat = nodes[inc][1], nodes[inc][0]
        params = osrm.TableParameters(
            coordinates=coords + [(lon, lat)],
            sources=list(range(len(coords))),
            destinations=[len(coords)],
        )
        t = time.perf_counter()
        engine.Table(params)
        times.append(time.perf_counter() - t)
    return {"rank_ms": median_ms(times), "rank_queries": len(times), "prepare_s": prep_s}


def bench_valhalla(pbf, work, sources, nodes, iso_queries):
    import valhalla

    vdir = work / "valhalla"
    tiles = vdir / "tiles"
    tiles.mkdir(parents=True, exist_ok=True)
    cfg = valhalla.get_config(tile_extract="", tile_dir=str(tiles))
    cfg_path = vdir / "config.json"
    cfg_path.write_text(json.dumps(cfg))
    exe = Path(valhalla.__file__).parent / "bin" / "valhalla_build_tiles"
    t0 = time.perf_counter()
    subprocess.run([str(exe), "-c", str(cfg_path), str(pbf)], check=True, capture_output=True, cwd=vdir)
    prep_s = time.perf_counter() - t0
    times, sizes = [], []
    for s in sources[:iso_queries]:
        # pyvalhalla 3.9.1 can crash on the call after a whole-graph expansion: fresh Actor per call,
        # its construction not timed.
        actor = valhalla.Actor(str(cfg_path))
        req = {
            "locations": [{"lat": nodes[s][0], "lon": nodes[s][1]}],
            "costing": "auto",
            "contours": [{"time": 1}, {"time": 3}, {"time": 5}],
            "polygons": True,
        }
        t = time.perf_counter()
        res = actor.isochrone(json.dumps(req))
        times.append(time.perf_counter() - t)
        sizes.append(len(res))
        del actor
    return {"isochrone_ms": median_ms(times), "isochrone_queries": len(times), "prepare_s": prep_s, "mean_response_bytes": statistics.mean(sizes) if sizes else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jingwu", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--graph-args", required=True, help="e.g. '--pbf FILE' or '--synthetic 100000'")
    ap.add_argument("--pbf", help="the .osm.pbf, for OSRM and Valhalla")
    ap.add_argument("--work", required=True)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--slow-queries", type=int, default=5, help="queries for peers taking seconds per call")
    ap.add_argument("--units", type=int, default=700)
    ap.add_argument("--dsn", default=os.environ.get("BENCH_PG_DSN", "host=127.0.0.1 port=5432 dbname=test user=postgres"))
    ap.add_argument("--peers", default="pgrouting,scipy,igraph,osrm,valhalla")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    work = Path(a.work)
    gdir = work / "graph"
    gdir.mkdir(parents=True, exist_ok=True)
    gargs = a.graph_args.split()
    t = time.perf_counter()
    subprocess.run([a.jingwu, "graph", "export", *gargs, "--out", str(gdir)], check=True)
    log(f"{a.name}: exported in {time.perf_counter() - t:.1f} s")
    nodes, src, dst, sec, meters = read_graph(gdir)
    n = len(nodes)
    rng = random.Random(20261129)
    sources = rng.sample(range(n), min(a.queries, n))
    incidents = rng.sample(range(n), min(a.queries, n))
    units = rng.sample(range(n), min(a.units, n))
    write_points(work / "sources.csv", sources, nodes)
    write_points(work / "incidents.csv", incidents, nodes)
    write_points(work / "units.csv", units, nodes)
    limit = 300.0
    big = n > 50_000
    slow = a.slow_queries if big else a.queries
    result = {"graph": a.name, "nodes": n, "edges": len(src), "queries": a.queries, "units": len(units), "peers": {}}

    cmd = [a.jingwu, "bench", "routing", *gargs, "--queries", str(a.queries), "--sources-file", str(work / "sources.csv"),
           "--units-file", str(work / "units.csv"), "--incidents-file", str(work / "incidents.csv"), "--json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result["jingwu"] = json.loads(out)
    result["jingwu_command"] = " ".join(cmd)
    log(f"{a.name}: jingwu done")

    peers = a.peers.split(",")
    runners = {
        "scipy": lambda: bench_scipy(n, src, dst, sec, sources, limit),
        "igraph": lambda: bench_igraph(n, src, dst, sec, sources[:slow] if big else sources, limit),
        "pgrouting": lambda: bench_pgrouting(a.name.replace("-", "_"), (src, dst, sec, meters), sources[:slow], incidents, units, limit, 1 if big else slow, a.dsn),
    }
    if a.pbf:
        runners["osrm"] = lambda: bench_osrm(a.pbf, work, incidents, units, nodes, a.queries)
        runners["valhalla"] = lambda: bench_valhalla(a.pbf, work, sources, nodes, min(a.queries, 10))
    for p in peers:
        if p not in runners:
            continue
        t = time.perf_counter()
        try:
            result["peers"][p] = runners[p]()
        except Exception as e:  # a missing or failing peer is reported, not fatal
            result["peers"][p] = {"error": f"{type(e).__name__}: {e}"[:300]}
        log(f"{a.name}: {p} done in {time.perf_counter() - t:.1f} s: {result['peers'][p]}")
    Path(a.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
