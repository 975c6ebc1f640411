"""Benchmark the partner graph's JSON endpoint with all demo networks and their members.

    .venv/bin/python bench/partner_graph.py                 # make run's demo size (4,500)
    .venv/bin/python bench/partner_graph.py --postgres      # on PostgreSQL
    .venv/bin/python bench/partner_graph.py --count 20000   # a larger directory

A new Python process on a new database: the demo generator makes ``--count``
organisations (seed 1, 20 demo networks from 300 on), ``generate_demo_networks``
gives the networks their profiles and partner clusters; on PostgreSQL ``ANALYZE``
follows (``--no-analyze`` leaves it out), as autovacuum would. Timed then, ``--runs`` times
each: ``GET /netzwerke/graph.json`` through Django's test client (the whole request:
middleware, form, service, JSON) without filters, with a growth field, with a district
and with both; and the service ``networks.graph.build_graph`` alone. The first
request of the process is timed apart (URL map, translations, first queries).

Prints p50/p95 per series, the graph's size and one JSON line. See
docs/performance.md ("Partner graph").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET_MS = 200.0


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 1)

    return {"p50": pick(50), "p95": pick(95)}


def child(args: argparse.Namespace) -> None:
    database = "postgres" if args.postgres else "sqlite"
    sqlite_path = common.configure(database, f"graph-{args.count}")
    common.prepare(sqlite_path)
    if sqlite_path is not None:
        common.tune_sqlite()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from classification.models import GrowthField
    from directory import demo
    from directory.models import Organisation, Site
    from networks.graph import build_graph

    started = time.perf_counter()
    demo.generate(count=args.count, seed=1)
    call_command("generate_demo_networks", verbosity=0)
    if connection.vendor == "postgresql" and not args.no_analyze:
        # A running portal's autovacuum gathers statistics within a minute of a bulk
        # write; without them the planner takes the 4,500 organisations for two and the
        # district filter costs 0.3 s instead of 3 ms (docs/performance.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result: dict[str, Any] = {
        "database": common.database_version(),
        "count": args.count,
        "setup_seconds": round(time.perf_counter() - started, 1),
        "machine": common.machine(),
    }
    # The growth field and the district with the most organisations: the largest
    # filtered graphs, not empty ones.
    through = Organisation.growth_fields.through
    growth_id = (
        through.objects.values("growthfield_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("growthfield_id", flat=True)
        .first()
    )
    growth = GrowthField.objects.get(pk=growth_id).slug
    district = (
        Site.objects.filter(is_primary=True, district__isnull=False)
        .values("district__ags")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("district__ags", flat=True)
        .first()
    )
    series = {
        "none": {},
        "growth": {"growth": growth},
        "district": {"district": district},
        "both": {"growth": growth, "district": district},
    }
    client = Client()
    begun = time.perf_counter()
    response = client.get("/netzwerke/graph.json")
    result["first_request_ms"] = round((time.perf_counter() - begun) * 1000, 1)
    data = response.json()
    result["nodes"] = len(data["nodes"])
    result["edges"] = len(data["edges"])
    result["bytes"] = len(response.content)
    with CaptureQueriesContext(connection) as queries:
        client.get("/netzwerke/graph.json", series["both"])
    result["queries_with_filters"] = len(queries)

    samples: dict[str, list[float]] = {name: [] for name in [*series, "service"]}
    sizes: dict[str, int] = {}
    for _run in range(args.runs):
        for name, params in series.items():
            begun = time.perf_counter()
            response = client.get("/netzwerke/graph.json", params)
            samples[name].append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200
            sizes[name] = len(response.json()["nodes"])
        begun = time.perf_counter()
        build_graph()
        samples["service"].append((time.perf_counter() - begun) * 1000)
    http = [ms for name in series for ms in samples[name]]
    result["http"] = percentiles(http)
    result["series"] = {name: percentiles(values) for name, values in samples.items()}
    result["nodes_by_series"] = sizes
    result["load_after"] = common.machine()["load"]
    if sqlite_path is not None:
        connection.close()
        common.remove_sqlite(sqlite_path)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=4500)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--no-analyze", action="store_true", help="PostgreSQL: time without ANALYZE first"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    passed = [f"--count={args.count}", f"--runs={args.runs}"]
    if args.postgres:
        passed.append("--postgres")
    if args.no_analyze:
        passed.append("--no-analyze")
    result = common.run_child(Path(__file__), passed, timeout=3600)
    print(
        f"{result['database']}, {result['count']:,} organisations: graph of "
        f"{result['nodes']:,} nodes, {result['edges']:,} edges, {result['bytes'] / 1024:,.0f} KiB, "
        f"{result['queries_with_filters']} queries with both filters "
        f"(loop_10M_s {result['machine']['loop_10M_s']}, load {result['machine']['load']} "
        f"→ {result['load_after']})"
    )
    print(f"first request: {result['first_request_ms']} ms")
    for name, figures in result["series"].items():
        nodes = result["nodes_by_series"].get(name)
        label = f"{name} ({nodes} nodes)" if nodes is not None else f"{name} (build_graph alone)"
        print(f"  {label:32} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms")
    p95 = result["http"]["p95"]
    verdict = "OK" if p95 <= TARGET_MS else "ABOVE"
    print(
        f"all requests: p50 {result['http']['p50']} ms, p95 {p95} ms: "
        f"{verdict} target {TARGET_MS:.0f} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
