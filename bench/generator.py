"""Benchmark the demo data generator: organisations per second at 100,000 (and 1,000,000).

    .venv/bin/python bench/generator.py              # 100,000 on SQLite
    .venv/bin/python bench/generator.py --full       # and 1,000,000
    .venv/bin/python bench/generator.py --postgres   # the same on PostgreSQL
    .venv/bin/python bench/generator.py --runs 3     # three runs each, median reported

Each run: a new Python process, a new database (reference data copied from a
template for SQLite, imported for PostgreSQL), then ``directory.demo.generate()``
is timed alone, as ``manage.py generate_demo_data`` calls it. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET = 5000  # organisations per second, the requirement


def child(args: argparse.Namespace) -> None:
    sqlite_path = common.configure(args.database, f"generator-{args.count}")
    common.prepare(sqlite_path)
    if args.pragmas:
        common.tune_sqlite()
    from directory import demo

    load_before = common.machine()["load"]
    cpu = time.process_time()
    stats = demo.generate(count=args.count, seed=args.seed, batch_size=args.batch_size)
    cpu = time.process_time() - cpu
    result: dict[str, Any] = {
        "database": common.database_version(),
        "count": stats.organisations,
        "seconds": round(stats.seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "orgs_per_second": round(stats.organisations / stats.seconds),
        "rows": stats.total_rows,
        "rows_per_second": round(stats.total_rows / stats.seconds),
        "tables": {
            table: [rows, round(stats.write_seconds.get(table, 0.0), 2)]
            for table, rows in stats.rows.items()
        },
        "database_bytes": common.database_size(sqlite_path),
        "load_before": load_before,
        "load_after": common.machine()["load"],
    }
    if sqlite_path is not None and not args.keep:
        from django.db import connection

        connection.close()
        common.remove_sqlite(sqlite_path)
    print(json.dumps(result))


def report(results: list[dict[str, Any]]) -> None:
    best = sorted(results, key=lambda r: r["orgs_per_second"])[len(results) // 2]
    rates = [r["orgs_per_second"] for r in results]
    print(
        f"\n{best['database']}, {best['count']:,} organisations, "
        f"{len(results)} run(s): median {statistics.median(rates):,.0f} orgs/s "
        f"(runs: {', '.join(f'{r:,}' for r in rates)}) "
        f"{'OK' if statistics.median(rates) >= TARGET else 'BELOW'} target {TARGET:,}/s"
    )
    print(
        f"  median run: {best['seconds']:,} s wall, {best['cpu_seconds']:,} s CPU, "
        f"{best['rows']:,} rows = {best['rows_per_second']:,} rows/s, "
        f"database {common.human_bytes(best['database_bytes'])}, "
        f"load {best['load_before']} → {best['load_after']}"
    )
    print(f"  {'table':42} {'rows':>11} {'write s':>8} {'rows/s':>10}")
    for table, (rows, seconds) in best["tables"].items():
        rate = f"{rows / seconds:,.0f}" if seconds else "-"
        print(f"  {table:42} {rows:>11,} {seconds:>8} {rate:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, action="append", help="organisations (repeatable)")
    parser.add_argument("--full", action="store_true", help="also 1,000,000 organisations")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--runs", type=int, default=1, help="runs per count (median reported)")
    parser.add_argument("--seed", type=int, default=1990)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument(
        "--no-pragmas",
        dest="pragmas",
        action="store_false",
        help="SQLite with the portal's own PRAGMAs only",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file in bench/out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.count = args.count[0]
        child(args)
        return

    counts = args.count or [100_000]
    if args.full and 1_000_000 not in counts:
        counts.append(1_000_000)
    database = "postgres" if args.postgres else "sqlite"
    print(f"machine: {common.machine()}")
    for count in counts:
        results = []
        for run in range(args.runs):
            child_args = [
                "--database",
                database,
                "--count",
                str(count),
                "--seed",
                str(args.seed),
                "--batch-size",
                str(args.batch_size),
            ]
            if not args.pragmas:
                child_args.append("--no-pragmas")
            if args.keep:
                child_args.append("--keep")
            result = common.run_child(Path(__file__), child_args)
            print(f"run {run + 1}: {json.dumps(result)}")
            results.append(result)
        report(results)


if __name__ == "__main__":
    main()
