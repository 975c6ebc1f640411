"""Benchmark the matching: p50/p95/p99 of a match request, query embedding included.

    .venv/bin/python bench/match_latency.py                      # 10,000 organisations
    .venv/bin/python bench/match_latency.py --count 100000       # one size (repeatable)
    .venv/bin/python bench/match_latency.py --count 1000000 --keep   # keep database and index
    .venv/bin/python bench/match_latency.py --count 1000000 --reuse  # time again on them
    .venv/bin/python bench/match_latency.py --engine postgres

Each size runs in a new Python process on a new database filled by the demo generator
(seed 1), with the search index and the organisation vectors built by
``rebuild_index`` (timed); or, with ``--reuse``, on the database, index and vectors a
``--keep`` run of this script or of ``bench/vectors.py`` left (same files). Then a
fixed mix of 100 needs from ``bench/matching/needs.json`` (every long, English and
misspelt one, then short ones; every fifth with a place and a radius, every seventh
with a kind) is matched ``--runs`` times, each through what the API calls (the need
form, then ``sourcing.services.match``) and through the HTTP endpoint
(``/api/v1/match``, Django's full request cycle via the test client): first on a
quiet machine, then with another process busy-looping on the other core. Every call
embeds its need anew: the memory caches of need vectors and WZ suggestions are
emptied before each one. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGETS_MS = {100_000: 150.0, 1_000_000: 400.0}
MIX_SIZE = 100
# Every fifth need of the mix is asked around a place, every seventh for one kind.
PLACES = (("Erfurt", "30"), ("07743", "50"), ("Ilmenau", "20"), ("Gera", "100"))
KINDS = ("company", "research", "university")


def mix(needs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """A fixed mix of ``MIX_SIZE`` needs of ``bench/matching/needs.json``: every long,
    English and misspelt one, then short ones in id order; some with a place and a
    radius, some with a kind. Returns (class, search parameters)."""
    picked: list[dict[str, Any]] = []
    for style in ("long", "english", "typo", "short"):
        for need in needs:
            if style in need["style"] and need not in picked and len(picked) < MIX_SIZE:
                picked.append(need)
    out = []
    for i, need in enumerate(sorted(picked, key=lambda n: n["id"])):
        params: dict[str, Any] = {"q": need["text"]}
        label = next(s for s in ("long", "english", "typo", "short") if s in need["style"])
        if label == "short" and "short" not in need["style"]:
            label = "other"
        if i % 5 == 4:
            params["near"], params["radius"] = PLACES[(i // 5) % len(PLACES)]
            label = "near + radius"
        elif i % 7 == 6:
            params["kind"] = [KINDS[(i // 7) % len(KINDS)]]
            label = "kind filter"
        out.append((label, params))
    return out


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"p50": pick(50), "p95": pick(95), "p99": pick(99)}


def busy_core() -> subprocess.Popen[bytes]:
    """Another process that keeps one core busy until it is ended."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def child(args: argparse.Namespace) -> None:
    name = f"match-{args.count}"
    os.environ["SEARCH_ENGINE"] = args.engine
    os.environ["SEARCH_INDEX_DIR"] = str(common.OUT / f"match-index-{args.count}")
    os.environ["SEARCH_AUTO_UPDATE"] = "0"
    database = "postgres" if args.engine == "postgres" else "sqlite"
    if args.reuse:
        sqlite_path = common.reuse(database, name)
    else:
        sqlite_path = common.configure(database, name)
        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
        common.prepare(sqlite_path)
    if sqlite_path is not None:
        common.tune_sqlite()
    from django.test import Client

    from core import embedding
    from directory import demo
    from search import services, wzsuggest
    from sourcing import evaluation
    from sourcing import services as sourcing
    from sourcing.forms import NeedForm

    result: dict[str, Any] = {
        "engine": args.engine,
        "database": common.database_version(),
        "count": args.count,
        "generate_seconds": None,
        "build_seconds": None,
    }
    if not args.reuse:
        started = time.perf_counter()
        demo.generate(count=args.count, seed=1)
        result["generate_seconds"] = round(time.perf_counter() - started, 1)
    engine = services.engine()
    if not args.reuse or not engine.count():
        started = time.perf_counter()
        stats = services.rebuild_index()
        result["build_seconds"] = round(time.perf_counter() - started, 1)
        vectors = getattr(stats, "vectors", None)
        if vectors is not None:
            result["vectors"] = {k: v for k, v in vars(vectors).items() if not k.startswith("_")}
    result["documents"] = engine.count()
    requests = mix(evaluation.load_needs())
    result["mix"] = dict(Counter(label for label, _p in requests))
    client = Client()
    # The first call loads the model and the WZ suggestion (once per process).
    started = time.perf_counter()
    sourcing.match(NeedForm(_querydict(requests[0][1])).to_need())
    result["first_call_seconds"] = round(time.perf_counter() - started, 2)

    def fresh() -> None:
        embedding.reset_memory()
        wzsuggest.suggester()._cache.clear()

    def service(params: dict[str, Any]) -> Any:
        # What the API does: the form reads the parameters, the service matches.
        fresh()
        return sourcing.match(NeedForm(_querydict(params)).to_need())

    def http(params: dict[str, Any]) -> Any:
        fresh()
        response = client.get("/api/v1/match", params)
        assert response.status_code == 200, response.content[:300]
        return response

    for _label, params in requests[: args.warmup * 10]:
        service(params)
        http(params)
    result["load_before"] = common.machine()["load"]
    for series, busy in (("quiet", False), ("busy", True)):
        other = busy_core() if busy else None
        try:
            samples: dict[str, list[float]] = {"service": [], "http": []}
            by_class: dict[str, list[float]] = {}
            totals: list[int] = []
            for _run in range(args.runs):
                for label, params in requests:
                    for kind, fn in (("service", service), ("http", http)):
                        begun = time.perf_counter()
                        answer = fn(params)
                        ms = (time.perf_counter() - begun) * 1000
                        samples[kind].append(ms)
                        if kind == "service":
                            by_class.setdefault(label, []).append(ms)
                            totals.append(answer.total)
            result[series] = {kind: percentiles(values) for kind, values in samples.items()}
            result[series]["classes"] = {k: percentiles(v) for k, v in by_class.items()}
            result[series]["candidates_median"] = sorted(totals)[len(totals) // 2]
            result[series]["load"] = common.machine()["load"]
        finally:
            if other is not None:
                other.kill()
                other.wait()
    result["load_after"] = common.machine()["load"]
    if sqlite_path is not None and not (args.keep or args.reuse):
        from django.db import connection

        connection.close()
        common.remove_sqlite(sqlite_path)
        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
    print(json.dumps(result))


def _querydict(params: dict[str, Any]) -> Any:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def report(result: dict[str, Any]) -> None:
    target = TARGETS_MS.get(result["count"])
    print(
        f"\n{result['engine']} on {result['database']}, {result['count']:,} organisations"
        + (
            f" (generated in {result['generate_seconds']} s)"
            if result["generate_seconds"] is not None
            else " (database reused)"
        )
        + (
            f"; index and vectors built in {result['build_seconds']} s"
            if result["build_seconds"] is not None
            else "; index reused"
        )
        + f"; first call {result['first_call_seconds']} s; load {result['load_before']} →"
        f" {result['load_after']}"
    )
    if "vectors" in result:
        print(f"  vectors: {result['vectors']}")
    print(f"  mix: {result['mix']}")
    print(f"  {'match (ms)':16} {'service p50 p95 p99':>24}  {'HTTP p50 p95 p99':>24}")
    for series in ("quiet", "busy"):
        figures = result[series]
        cells = "  ".join(
            f"{figures[k]['p50']:>8.1f}{figures[k]['p95']:>8.1f}{figures[k]['p99']:>8.1f}"
            for k in ("service", "http")
        )
        verdict = ""
        if target:
            verdict = "  OK" if figures["http"]["p95"] <= target else f"  ABOVE {target:.0f} ms"
        print(
            f"  {series:16} {cells}{verdict}  (load {figures['load']},"
            f" {figures['candidates_median']} candidates median)"
        )
        for label, p in figures["classes"].items():
            print(f"    {label:14} {p['p50']:>8.1f}{p['p95']:>8.1f}{p['p99']:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, action="append", help="organisations (repeatable)")
    parser.add_argument("--engine", choices=("tantivy", "postgres"), default="tantivy")
    parser.add_argument("--runs", type=int, default=2, help="passes over the mix")
    parser.add_argument("--warmup", type=int, default=1, help="tens of needs first")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file in bench/out/")
    parser.add_argument("--reuse", action="store_true", help="time again on a --keep run's data")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.count = args.count[0]
        child(args)
        return
    print("machine:", common.machine())
    for count in args.count or [10_000]:
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
        ] + [f"--{flag}" for flag in ("keep", "reuse") if getattr(args, flag)]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"the run of {count:,} failed:\n{run.stderr}")
        report(json.loads(run.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
