"""Time the uncached pages that issue 14's load test found slow, on an existing database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterportal_bench_fit \\
        SEARCH_ENGINE=postgres .venv/bin/python bench/pages.py --runs 20

Runs in this process against the configured database (read only; the page cache is off):
for each page one request to warm up, then ``--runs`` requests through Django's test
client (middleware, queries, template: the whole request but the socket) as an
anonymous visitor. Prints p50/p95 in ms, the queries of the last request and the time
they took. The network is the one with the most members; the event is the next one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")


def pages() -> list[tuple[str, str]]:
    from django.db.models import Count

    from content.events.models import Event
    from directory.choices import NETWORK_KINDS
    from directory.models import Organisation, Site

    network = (
        Organisation.objects.published()
        .filter(kind__in=NETWORK_KINDS)
        .annotate(n=Count("members"))
        .order_by("-n")
        .first()
    )
    district = (
        Site.objects.filter(is_primary=True, district__isnull=False)
        .values_list("district__ags", flat=True)
        .first()
    )
    event = Event.objects.filter(status="published").order_by("-start").first()
    found = [
        ("start page", "/"),
        ("organisations p1", "/organisationen/"),
        ("organisations p3", "/organisationen/?page=3"),
        ("organisations p50", "/organisationen/?page=50"),
        ("organisations district p3", f"/organisationen/?district={district}&page=3"),
        ("inquiry form", "/anfrage/"),
        ("imprint (base layout)", "/impressum/"),
    ]
    if network is not None:
        url = network.get_absolute_url()
        found.append((f"network ({network.n} members)", url))  # type: ignore[attr-defined]
        found.append(("network members district", f"{url}?district={district}"))
        found.append(("network members p3", f"{url}?page=3"))
    if event is not None:
        found.append(("event page", event.get_absolute_url()))
    return found


class Timer:
    """An execute wrapper that notes each query's time (ms) and text."""

    def __init__(self, statements: list[tuple[float, str]]) -> None:
        self.statements = statements

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(((time.perf_counter() - started) * 1000, sql))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="", help="names containing this text")
    parser.add_argument("--sql", type=int, default=0, help="print the slowest N queries")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    print(f"{'page':34} {'p50':>7} {'p95':>7} {'queries':>7} {'sql ms':>7}")
    for name, url in pages():
        if args.only and args.only not in name:
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        statements: list[tuple[float, str]] = []
        with connection.execute_wrapper(Timer(statements)):
            client.get(url)
        queries = [ms for ms, _sql in statements]
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        print(
            f"{name:34} {statistics.median(samples):7.1f} {p95:7.1f} {len(queries):7d} "
            f"{sum(queries):7.1f}"
        )
        for ms, sql in sorted(statements, reverse=True)[: args.sql]:
            print(f"    {ms:7.1f}  {sql[:300]}")


if __name__ == "__main__":
    main()
