"""Benchmark the search: index build, index size and latency of a fixed query mix.

    .venv/bin/python bench/search.py                         # 4,500 and 100,000, Tantivy
    .venv/bin/python bench/search.py --count 1000000         # one size
    .venv/bin/python bench/search.py --engine postgres       # PostgreSQL full-text search
    .venv/bin/python bench/search.py --engine fts5           # SQLite FTS5, the reference point

Each size runs in a new Python process on a new database filled by the demo
generator. Timed: the index build (``services.rebuild_index``), then every query class
``--runs`` times after ``--warmup`` runs, through the search service and through the
HTTP endpoint (Django's full request cycle via the test client: URL routing,
middleware, form validation, JSON rendering; no socket). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGETS_MS = {"service": 20.0, "http": 50.0, "map": 50.0}
BUILD_TARGET_S = 180.0

# name → (search page parameters, what it stands for)
QUERIES: dict[str, dict[str, Any]] = {
    "common word": {"q": "Herstellung"},
    "rare word": {"q": "Desinfektionsmittel"},
    "two words": {"q": "Kunststoff Spritzguss"},
    "phrase": {"q": '"Reparatur von Maschinen"'},
    "typo": {"q": "Maschienenbau"},
    "facets on everything": {},
    "radius": {"near": "Ilmenau", "radius": "30"},
    "text + radius + facets": {
        "q": "Metall",
        "near": "99084",
        "radius": "30",
        "kind": ["company"],
        "size": ["small", "medium"],
    },
}
MAPS: dict[str, dict[str, Any]] = {
    "map, state zoom": {"bbox": "50.20,9.85,51.65,12.70", "zoom": "8"},
    "map, city zoom": {"bbox": "50.955,10.990,50.995,11.070", "zoom": "14"},
}


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"p50": pick(50), "p95": pick(95), "p99": pick(99)}


def timed(fn: Any, runs: int, warmup: int) -> tuple[dict[str, float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples), result


def child(args: argparse.Namespace) -> None:
    import os

    database = "postgres" if args.engine == "postgres" else "sqlite"
    name = f"search-{args.count}"
    os.environ["SEARCH_ENGINE"] = "postgres" if args.engine == "postgres" else "tantivy"
    os.environ["SEARCH_INDEX_DIR"] = str(common.OUT / f"search-index-{args.count}")
    os.environ["SEARCH_AUTO_UPDATE"] = "0"
    if args.reuse:
        sqlite_path = common.reuse(database, name)
    else:
        sqlite_path = common.configure(database, name)
        import shutil

        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
        common.prepare(sqlite_path)
    if sqlite_path is not None:
        common.tune_sqlite()
    from django.test import Client

    from directory import demo
    from search import services
    from search.forms import SearchForm

    result: dict[str, Any] = {
        "engine": args.engine,
        "database": common.database_version(),
        "count": args.count,
        "generate_seconds": None,
        "build_seconds": None,
        "index_bytes": 0,
    }
    if not args.reuse:
        generated = time.perf_counter()
        demo.generate(count=args.count, seed=1)
        result["generate_seconds"] = round(time.perf_counter() - generated, 1)
    result["load_before"] = common.machine()["load"]
    if args.engine == "fts5":
        result.update(fts5(args))
    else:
        if args.reuse and args.engine == "tantivy" and not _index_is_current():
            import shutil

            shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
        engine = services.engine()
        if (not args.reuse or not engine.count()) and args.no_vectors:
            # The text index alone: embedding a million new texts takes hours, and the
            # text search's figures do not depend on the vectors.
            from search.documents import DocumentReader, read_in_chunks
            from search.vocabulary import analyser

            reader = DocumentReader(analyser())
            ids = reader.published_ids()
            started = time.perf_counter()
            engine.rebuild(read_in_chunks(reader, ids, encode=engine.encode), len(ids), _quiet)
            result["text_build_seconds"] = round(time.perf_counter() - started, 1)
        elif not args.reuse or not engine.count():
            text_seconds = _time_text_index(engine)
            started = time.perf_counter()
            services.rebuild_index()
            result["build_seconds"] = round(time.perf_counter() - started, 1)
            result["text_build_seconds"] = round(text_seconds[0], 1) if text_seconds else None
        result["documents"] = engine.count()
        if hasattr(engine, "searcher"):
            result["segments"] = engine.searcher().num_segments
        size = getattr(engine, "size_bytes", None)
        result["index_bytes"] = size() if size else postgres_size()
        client = Client()
        latencies: dict[str, Any] = {}
        for name, params in QUERIES.items():
            form = SearchForm(_querydict(params))
            query = form.to_query(limit=20)
            engine_only, _ = timed(
                lambda q=query: engine.search(q, services.plan(q)), args.runs, args.warmup
            )
            service, found = timed(
                lambda q=query: services.search(q, relax=False), args.runs, args.warmup
            )
            http, _ = timed(
                lambda p=params: client.get("/api/v1/search", p), args.runs, args.warmup
            )
            latencies[name] = {
                "engine": engine_only,
                "service": service,
                "http": http,
                "hits": found.total,
            }
        for name, params in MAPS.items():
            form = SearchForm(_querydict(params))
            query = form.to_query(limit=0)
            zoom = int(params["zoom"])
            service, (clusters, total) = timed(
                lambda q=query, z=zoom: services.map_clusters(q, z), args.runs, args.warmup
            )
            http, _ = timed(lambda p=params: client.get("/suche/karte/", p), args.runs, args.warmup)
            latencies[name] = {
                "service": service,
                "http": http,
                "hits": total,
                "features": len(clusters),
            }
        result["latency_ms"] = latencies
        from search.geo import _cover

        _cover.cache_clear()
        started = time.perf_counter()
        cover = _cover(50.9787, 11.0328, 30.0)
        result["cover_30km_ms"] = round((time.perf_counter() - started) * 1000, 2)
        result["cover_30km_cells"] = cover.size
        make_circle = getattr(engine, "_make_circle", None)
        if make_circle is not None:
            # The first search around a place: the circle's query is made, then kept.
            from search.query import Point

            samples = []
            for _ in range(10):
                _cover.cache_clear()
                started = time.perf_counter()
                make_circle(engine.searcher(), Point(50.9787, 11.0328), 30.0)
                samples.append((time.perf_counter() - started) * 1000)
            result["circle_30km_ms"] = round(sorted(samples)[len(samples) // 2], 2)
    result["load_after"] = common.machine()["load"]
    if sqlite_path is not None and not (args.keep or args.reuse):
        from django.db import connection

        connection.close()
        common.remove_sqlite(sqlite_path)
    print(json.dumps(result))


def _quiet(done: int) -> None:
    if done % 100_000 < 2_000:
        print(f"indexed {done:,}", file=sys.stderr, flush=True)


def _time_text_index(engine: Any) -> list[float]:
    """Let the engine's next rebuild note how long the text index took, the vectors
    apart: until it hands over to the vectors (PostgreSQL: after its transaction;
    Tantivy: once the documents are written, before the switch)."""
    noted: list[float] = []
    rebuild = engine.rebuild

    def timed(batches: Any, total: int, progress: Any, vectors: Any = None) -> None:
        started = time.perf_counter()

        def fill(store: Any) -> None:
            noted.append(time.perf_counter() - started)
            if vectors is not None:
                vectors(store)

        rebuild(batches, total, progress, vectors=fill)
        if not noted:
            noted.append(time.perf_counter() - started)

    engine.rebuild = timed
    return noted


def _index_is_current() -> bool:
    """Whether the kept Tantivy index was written with this code's schema."""
    import os

    from search.backends.tantivy_engine import SCHEMA_VERSION

    current = Path(os.environ["SEARCH_INDEX_DIR"]) / "CURRENT"
    return current.exists() and current.read_text().strip().endswith(f"-v{SCHEMA_VERSION}")


def _querydict(params: dict[str, Any]) -> Any:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def postgres_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('search_pg_document') + "
            "pg_total_relation_size('search_pg_term')"
        )
        return int(cursor.fetchone()[0])


def fts5(args: argparse.Namespace) -> dict[str, Any]:
    """The reference point: SQLite's FTS5 over the same analysed terms, facets by GROUP BY.

    No compound parts, synonyms, typos or WZ notes (FTS5 has none of them): only what
    FTS5 does itself, on the same texts and the same filters.
    """
    from django.db import connection

    from search import vocabulary
    from search.documents import DocumentReader

    reader = DocumentReader(vocabulary.analyser())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS fts")  # a --reuse run built one before
        cursor.execute("DROP TABLE IF EXISTS facet")
        cursor.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(name, offers, description, place, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        cursor.execute(
            "CREATE TABLE facet (id INTEGER PRIMARY KEY, kind TEXT, district TEXT, size TEXT, "
            "lat REAL, lon REAL)"
        )
        for batch in reader.iterate(reader.published_ids()):
            cursor.executemany(
                "INSERT INTO fts (rowid, name, offers, description, place) VALUES (?, ?, ?, ?, ?)",
                [
                    (d.id, d.name_terms, d.offers_terms, d.description_terms, d.place_terms)
                    for d in batch
                ],
            )
            cursor.executemany(
                "INSERT INTO facet VALUES (?, ?, ?, ?, ?, ?)",
                [(d.id, d.kind, d.district, d.size, d.lat, d.lon) for d in batch],
            )
        cursor.execute("CREATE INDEX facet_latlon ON facet (lat, lon)")
    build = time.perf_counter() - started
    analyser = vocabulary.analyser()

    def run(params: dict[str, Any]) -> int:
        text = params.get("q", "").replace('"', "")
        terms = [w.term for w in analyser.analyse(text) if not w.is_stopword]
        phrase = params.get("q", "").startswith('"')
        where, values = ["1"], []
        if terms:
            match = ('"' + " ".join(terms) + '"') if phrase else " AND ".join(terms)
            where.append("f.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            values.append(match)
        if params.get("kind"):
            where.append(f"f.kind IN ({','.join('?' * len(params['kind']))})")
            values += params["kind"]
        if params.get("radius"):
            lat, lon, r = 50.9787, 11.0328, float(params["radius"])
            where.append("f.lat BETWEEN ? AND ? AND f.lon BETWEEN ? AND ?")
            values += [lat - r / 111.2, lat + r / 111.2, lon - r / 70.0, lon + r / 70.0]
        condition = " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM facet f WHERE {condition}", values)
            total = cursor.fetchone()[0]
            if terms:
                cursor.execute(
                    "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 4, 2.5, 1, 0.8) "
                    "LIMIT 20",
                    [values[0]],
                )
            else:
                cursor.execute(f"SELECT id FROM facet f WHERE {condition} LIMIT 20", values)
            cursor.fetchall()
            for column in ("kind", "district", "size"):
                cursor.execute(
                    f"SELECT {column}, count(*) FROM facet f WHERE {condition} GROUP BY {column}",
                    values,
                )
                cursor.fetchall()
        return int(total)

    latencies = {}
    for name, params in QUERIES.items():
        service, total = timed(lambda p=params: run(p), args.runs, args.warmup)
        latencies[name] = {"service": service, "hits": total}
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts%'")
        size = cursor.fetchone()[0] or 0
    return {"build_seconds": round(build, 1), "index_bytes": int(size), "latency_ms": latencies}


def _triple(figures: dict[str, float] | None) -> str:
    if not figures:
        return " " * 21
    return f"{figures['p50']:>7.1f}{figures['p95']:>7.1f}{figures['p99']:>7.1f}"


def report(result: dict[str, Any]) -> None:
    generated = result["generate_seconds"]
    built = result["build_seconds"]
    print(
        f"\n{result['engine']} on {result['database']}, {result['count']:,} organisations "
        + (f"(generated in {generated} s)" if generated is not None else "(database reused)")
        + (
            f": index built in {built} s "
            f"{'OK' if built <= BUILD_TARGET_S else 'ABOVE'} target {BUILD_TARGET_S:.0f} s"
            if built is not None
            else ": index reused"
        )
        + (
            f" (the text index {result['text_build_seconds']} s, the vectors apart)"
            if result.get("text_build_seconds") is not None
            else ""
        )
        + f", {common.human_bytes(result['index_bytes'])}"
        + (f" in {result['segments']} segment(s)" if "segments" in result else "")
        + "; "
        f"load {result['load_before']} → {result['load_after']}"
    )
    if "cover_30km_ms" in result:
        print(
            f"  cover of a 30 km circle, uncached: {result['cover_30km_ms']} ms, "
            f"{result['cover_30km_cells']:,} cells"
            + (
                f"; the circle's query, uncached: {result['circle_30km_ms']} ms (median of 10)"
                if "circle_30km_ms" in result
                else ""
            )
        )
    print(
        f"  {'query (ms)':24} {'hits':>9}  {'engine p50 p95 p99':>21}  "
        f"{'service p50 p95 p99':>21}  {'HTTP p50 p95 p99':>21}"
    )
    for name, figures in result["latency_ms"].items():
        is_map = name.startswith("map")
        line = (
            f"  {name:24} {figures['hits']:>9,}  {_triple(figures.get('engine'))}  "
            f"{_triple(figures['service'])}  {_triple(figures.get('http'))}"
        )
        if "http" in figures:
            service_ok = figures["service"]["p95"] <= TARGETS_MS["map" if is_map else "service"]
            http_ok = figures["http"]["p95"] <= TARGETS_MS["map" if is_map else "http"]
            line += "  OK" if service_ok and http_ok else "  ABOVE"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, action="append", help="organisations (repeatable)")
    parser.add_argument("--engine", choices=("tantivy", "postgres", "fts5"), default="tantivy")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file in bench/out/")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the queries on the database and index a --keep run left (no generation;"
        " the index is built only if it is missing, e.g. after a schema change)",
    )
    parser.add_argument(
        "--no-vectors",
        action="store_true",
        help="build the text index alone, without the organisations' vectors (at a million,"
        " embedding every new text takes hours; the text search does not use them)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.count = args.count[0]
        child(args)
        return
    print("machine:", common.machine())
    for count in args.count or [4500, 100_000]:
        command = [
            sys.executable,
            __file__,
            "--child",
            "--count",
            str(count),
            "--engine",
            args.engine,
            "--runs",
            str(args.runs),
            "--warmup",
            str(args.warmup),
        ] + [
            f"--{flag.replace('_', '-')}"
            for flag in ("keep", "reuse", "no_vectors")
            if getattr(args, flag)
        ]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"the run of {count:,} failed:\n{run.stderr}")
        output = run.stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(json.dumps(result))
        report(result)


if __name__ == "__main__":
    main()
