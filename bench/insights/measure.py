#!/usr/bin/env python3
"""Times every panel of a served Insights dashboard: per panel and range, N sequential requests, the server-side
query time (`elapsed_ms` in the answer: pool, READ ONLY transaction, cursor, fetch; a KPI's two periods) and the
loopback round trip; then the whole page as the browser loads it (the declaration, then every panel in parallel
over 6 connections) and as the sum of the panels' server-side times. Prints a Markdown table and writes JSON.

    measure.py BASE_URL DASHBOARD [--repeats N] [--json FILE]
"""
import argparse
import concurrent.futures
import json
import statistics
import time
import urllib.request


def get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
    return (time.perf_counter() - started) * 1000, json.loads(body)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("dashboard")
    ap.add_argument("--repeats", type=int, default=40)
    ap.add_argument("--json")
    ap.add_argument("--ranges", default="7d,30d,90d,365d")
    args = ap.parse_args()
    api = f"{args.base}/api/v1/insights/{args.dashboard}"
    _, declaration = get(api)
    panels = [p["id"] for p in declaration["panels"]]
    results = {"panels": {}, "page": {}}
    for name in args.ranges.split(","):
        if name == "365d":
            _, probe = get(f"{api}/panels/{panels[0]}?range=7d")
            last = probe["range"]["last"]
            y = int(last[:4]) - 1
            first = f"{y}{last[4:]}"
            query = f"start={first}&end={last}"  # 366 days when a leap day is inside: the year and one day
        else:
            query = f"range={name}"
        for pid in panels:  # one warm-up each (connection pool, plans)
            get(f"{api}/panels/{pid}?{query}")
        per = {pid: {"server": [], "round_trip": []} for pid in panels}
        page_wall, page_sum = [], []
        for _ in range(args.repeats):
            total = 0.0
            for pid in panels:
                rt, body = get(f"{api}/panels/{pid}?{query}")
                if "elapsed_ms" not in body:
                    raise SystemExit(f"panel {pid} {name}: {body}")
                per[pid]["server"].append(body["elapsed_ms"])
                per[pid]["round_trip"].append(rt)
                total += body["elapsed_ms"]
            page_sum.append(total)
            started = time.perf_counter()
            get(api)
            with concurrent.futures.ThreadPoolExecutor(6) as pool:
                list(pool.map(lambda pid: get(f"{api}/panels/{pid}?{query}"), panels))
            page_wall.append((time.perf_counter() - started) * 1000)
        results["panels"][name] = {pid: {k: {"p50": statistics.median(v), "p95": pct(v, 95)} for k, v in d.items()}
                                   for pid, d in per.items()}
        results["page"][name] = {"sum_server_p50": statistics.median(page_sum), "sum_server_p95": pct(page_sum, 95),
                                 "parallel_wall_p50": statistics.median(page_wall), "parallel_wall_p95": pct(page_wall, 95)}
    ranges = args.ranges.split(",")
    print(f"| panel | " + " | ".join(f"{r} server p50 / p95 (ms)" for r in ranges) + " | 90d round trip p95 (ms) |")
    print("|---|" + "---|" * (len(ranges) + 1))
    for pid in panels:
        cells = [f"{results['panels'][r][pid]['server']['p50']:.1f} / {results['panels'][r][pid]['server']['p95']:.1f}" for r in ranges]
        rt = results["panels"].get("90d", results["panels"][ranges[-1]])[pid]["round_trip"]["p95"]
        print(f"| {pid} | " + " | ".join(cells) + f" | {rt:.1f} |")
    print(f"| **whole page, sum of panels (server)** | " + " | ".join(
        f"{results['page'][r]['sum_server_p50']:.1f} / {results['page'][r]['sum_server_p95']:.1f}" for r in ranges) + " | |")
    print(f"| **whole page, parallel as the browser loads it (wall)** | " + " | ".join(
        f"{results['page'][r]['parallel_wall_p50']:.1f} / {results['page'][r]['parallel_wall_p95']:.1f}" for r in ranges) + " | |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


main()
