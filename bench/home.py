"""Benchmark the start page (/) with the demo data of ``make run``.

    .venv/bin/python bench/home.py                 # SQLite, make run's demo size (4,500)
    .venv/bin/python bench/home.py --postgres      # on PostgreSQL

A new Python process on a new database: the demo generator makes ``--count``
organisations (seed 1), then every other demo command of ``make run`` that this
checkout has (postings, experts, networks, the agency's pages, news, events, funding
programmes) fills the rest; on PostgreSQL ``ANALYZE`` follows, as autovacuum would.
Timed then, ``--runs`` times each: ``GET /`` through Django's test client (the whole
request: middleware, queries, template) for an anonymous visitor and for a signed-in
member. The first request of the
process is timed apart (URL map, translations, first queries).

Prints p50/p95 per series, the queries of one request and one JSON line. See
docs/performance.md ("Start page").
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

TARGET_MS = 50.0
DEMO_COMMANDS = (
    "generate_demo_postings",
    "generate_demo_experts",
    "generate_demo_networks",
    "generate_demo_about",
    "generate_demo_news",
    "generate_demo_events",
    "generate_demo_funding",
    "generate_demo_newsletter",
)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 1)

    return {"p50": pick(50), "p95": pick(95)}


def child(args: argparse.Namespace) -> None:
    database = "postgres" if args.postgres else "sqlite"
    sqlite_path = common.configure(database, f"home-{args.count}")
    common.prepare(sqlite_path)
    if sqlite_path is not None:
        common.tune_sqlite()
    from django.contrib.auth.models import User
    from django.core.management import call_command, get_commands
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory import demo

    started = time.perf_counter()
    demo.generate(count=args.count, seed=1)
    known = get_commands()
    ran = [name for name in DEMO_COMMANDS if name in known]
    for name in ran:
        call_command(name, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result: dict[str, Any] = {
        "database": common.database_version(),
        "count": args.count,
        "demo_commands": ran,
        "setup_seconds": round(time.perf_counter() - started, 1),
        "machine": common.machine(),
    }
    visitor = Client()
    member = Client()
    member.force_login(User.objects.create_user("bench-member"))
    begun = time.perf_counter()
    response = visitor.get("/")
    result["first_request_ms"] = round((time.perf_counter() - begun) * 1000, 1)
    assert response.status_code == 200
    result["bytes"] = len(response.content)
    with CaptureQueriesContext(connection) as queries:
        visitor.get("/")
    result["queries"] = len(queries)

    samples: dict[str, list[float]] = {"anonymous": [], "signed-in": []}
    for _run in range(args.runs):
        for name, client in (("anonymous", visitor), ("signed-in", member)):
            begun = time.perf_counter()
            response = client.get("/")
            samples[name].append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200
    result["all"] = percentiles([ms for values in samples.values() for ms in values])
    result["series"] = {name: percentiles(values) for name, values in samples.items()}
    result["load_after"] = common.machine()["load"]
    if sqlite_path is not None:
        connection.close()
        common.remove_sqlite(sqlite_path)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=4500)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    passed = [f"--count={args.count}", f"--runs={args.runs}"]
    if args.postgres:
        passed.append("--postgres")
    result = common.run_child(Path(__file__), passed, timeout=3600)
    print(
        f"{result['database']}, {result['count']:,} organisations, demo: "
        f"{', '.join(result['demo_commands'])}; page {result['bytes'] / 1024:,.0f} KiB, "
        f"{result['queries']} queries (loop_10M_s {result['machine']['loop_10M_s']}, "
        f"load {result['machine']['load']} → {result['load_after']})"
    )
    print(f"first request: {result['first_request_ms']} ms")
    for name, figures in result["series"].items():
        print(f"  {name:10} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms")
    p95 = result["all"]["p95"]
    verdict = "OK" if p95 <= TARGET_MS else "ABOVE"
    print(f"all requests: p50 {result['all']['p50']} ms, p95 {p95} ms: {verdict} target 50 ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
