"""Benchmark the organisation import: rows per second for a list of 100,000 organisations.

    .venv/bin/python bench/import_rows.py              # 100,000 rows on SQLite
    .venv/bin/python bench/import_rows.py --postgres   # the same on PostgreSQL
    .venv/bin/python bench/import_rows.py --count 10000

The list is real export output: the generator makes the organisations (plus its
networks), the staff export writes them to CSV (bench/out/import-<count>.csv), the
organisations are deleted again (the networks stay, so the "Networks" column
resolves), and ``directory.importing.import_organisations`` reads the file twice,
as staff do it: a dry run (check and preview) and the real run (check and write,
one transaction). The "Portal ID" column is left unmapped: the old IDs are gone,
so every row creates an organisation. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common


def child(args: argparse.Namespace) -> None:
    sqlite_path = common.configure(args.database, f"import-{args.count}")
    common.prepare(sqlite_path)
    if args.pragmas:
        common.tune_sqlite()
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from core.exports import csv_bytes
    from directory import demo, importing
    from directory.choices import NETWORK_KINDS, Source
    from directory.demo_data.sectors import NETWORKS
    from directory.exporting import EXPORT_COLUMNS, organisation_rows
    from directory.models import Organisation

    translation.activate("de")
    staff = get_user_model().objects.create(username="bench", is_staff=True)
    demo.generate(count=args.count + len(NETWORKS), seed=args.seed, include_reference=False)

    started = time.perf_counter()
    queryset = Organisation.objects.filter(source=Source.GENERATED).exclude(kind__in=NETWORK_KINDS)
    data = csv_bytes(organisation_rows(queryset, staff), EXPORT_COLUMNS)
    export_seconds = time.perf_counter() - started
    path = common.OUT / f"import-{args.count}.csv"
    path.write_bytes(data)
    demo.delete_generated(keep_networks=True)

    headers = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    suggested = importing.suggest_mapping(headers)
    mapping = {header: "" for header, target in suggested.items() if target == "portal_id"}

    runs: dict[str, Any] = {}
    for label, dry_run in (("dry_run", True), ("commit", False)):
        cpu = time.process_time()
        result = importing.import_organisations(
            path, mapping=mapping, dry_run=dry_run, user=staff, allow_duplicates=True
        )
        runs[label] = {
            "rows": len(result.rows),
            "seconds": round(result.seconds, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "rows_per_second": round(result.rows_per_second),
            "outcomes": result.counts,
            "written": result.written,
            "errors": [str(e.reason) for e in result.entries if e.level == "error"][:5],
        }
    created = Organisation.objects.exclude(kind__in=NETWORK_KINDS).filter(source=Source.IMPORT)
    print(
        json.dumps(
            {
                "database": common.database_version(),
                "count": args.count,
                "file_bytes": len(data),
                "export_seconds": round(export_seconds, 2),
                "export_rows_per_second": round(args.count / export_seconds),
                "created": created.count(),
                **runs,
                "load": common.machine()["load"],
            }
        )
    )
    if sqlite_path is not None and not args.keep:
        from django.db import connection

        connection.close()
        common.remove_sqlite(sqlite_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="rows in the list")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--seed", type=int, default=1990)
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
        child(args)
        return
    database = "postgres" if args.postgres else "sqlite"
    child_args = ["--database", database, "--count", str(args.count), "--seed", str(args.seed)]
    if not args.pragmas:
        child_args.append("--no-pragmas")
    if args.keep:
        child_args.append("--keep")
    print(f"machine: {common.machine()}")
    result = common.run_child(Path(__file__), child_args)
    print(json.dumps(result))
    print(
        f"\n{result['database']}, a list of {result['count']:,} organisations "
        f"({common.human_bytes(result['file_bytes'])} CSV):"
    )
    for label in ("dry_run", "commit"):
        run = result[label]
        name, rate = label.replace("_", " "), run["rows_per_second"]
        print(
            f"  {name:8} {run['seconds']:>8,} s  {rate:>7,} rows/s  ({run['cpu_seconds']:,} s CPU;"
            f" outcomes {run['outcomes']}; written {run['written']})"
        )
        if run["errors"]:
            print(f"           first errors: {run['errors']}")
    export_rate = result["export_rows_per_second"]
    print(
        f"  export   {result['export_seconds']:>8,} s  {export_rate:>7,} rows/s"
        "  (staff CSV export of the same organisations)"
    )
    print(f"  organisations created: {result['created']:,}; load {result['load']}")


if __name__ == "__main__":
    main()
