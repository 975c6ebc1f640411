"""How far the PostgreSQL engine's ranking of the best candidates is from ranking every
match, and what each costs, on an existing database (docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterportal_bench_pg1m \\
        SEARCH_ENGINE=postgres .venv/bin/python bench/ranking.py

For each query: the first page (20) as the engine ranks it (the names first above
``NAMES_FIRST_ABOVE`` matches, else RUM's order of every match), as it ranks it with
RUM's order of every match alone, and as ranking every match with the field weights
gives it (exact). Prints how many of the exact first page each page holds, and the
engine's time (best of ``--runs``). Read only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings")

import django  # noqa: E402

django.setup()

from search import services  # noqa: E402
from search.backends import postgres_engine  # noqa: E402
from search.query import SearchQuery  # noqa: E402

QUERIES = (
    "Herstellung",
    "Metall",
    "Service",
    "Software",
    "Beratung",
    "Fertigung",
    "Kunststoff",
    "Entwicklung",
)


def page(engine: Any, query: SearchQuery, rum: set[str], runs: int) -> tuple[list[int], float]:
    engine._rum = rum
    plan = services.plan(query)
    best = float("inf")
    hits: list[int] = []
    for _ in range(runs):
        started = time.perf_counter()
        hits = [h.id for h in engine.search(query, plan).hits]
        best = min(best, time.perf_counter() - started)
    return hits, best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("queries", nargs="*", default=QUERIES)
    args = parser.parse_args()
    engine = services.engine()
    if not isinstance(engine, postgres_engine.PostgresEngine):
        raise SystemExit("SEARCH_ENGINE=postgres and a PostgreSQL DATABASE_URL, please")
    engine.has_rum()
    held = set(engine._rum or ())
    if postgres_engine.NAMES_INDEX not in held:
        print("note: no index of the names; the engine's page is RUM's order alone")
    print(f"{'query':<14} {'matches':>9} {'engine':>14} {'RUM alone':>14} {'exact':>10}")
    totals = {"engine": 0, "rum": 0, "queries": 0}
    for text in args.queries:
        query = SearchQuery(text=text, limit=20, facets=False)
        engine_page, engine_ms = page(engine, query, held, args.runs)
        rum_page, rum_ms = page(engine, query, held - {postgres_engine.NAMES_INDEX}, args.runs)
        exact_page, exact_ms = page(engine, query, set(), 1)
        engine._rum = held
        found = services.search(SearchQuery(text=text, limit=1, facets=False), relax=False)
        same_engine = len(set(engine_page) & set(exact_page))
        same_rum = len(set(rum_page) & set(exact_page))
        totals["engine"] += same_engine
        totals["rum"] += same_rum
        totals["queries"] += 1
        print(
            f"{text:<14} {found.total:>9,} {same_engine:>3}/20 {engine_ms:>6.0f} ms "
            f"{same_rum:>3}/20 {rum_ms:>6.0f} ms {exact_ms:>7.0f} ms"
        )
    n = max(totals["queries"], 1)
    print(
        f"mean of the exact first page held: engine {totals['engine'] / n:.1f}/20, "
        f"RUM alone {totals['rum'] / n:.1f}/20"
    )


if __name__ == "__main__":
    main()
