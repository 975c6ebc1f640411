"""Where a need's matching spends its time, stage by stage, on a kept benchmark database.

    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/clusterportal_bench_pg1m \\
        .venv/bin/python bench/match_stages.py --engine postgres --count 1000000

Runs the mix of needs of ``bench/match_latency.py`` once (after one warm-up pass of
ten needs) through ``sourcing.services.match`` with each stage timed: the need's
embedding, the lexical channel's search, the vectors' search, the WZ suggestion and the
WZ channel's search, the kind's extra candidates, the candidates' facts, their cosines,
the page's organisations, the known words and the reasons. Prints, per stage, the mean
and the 95th percentile per need and its share of the total, and the slowest needs
with their largest stage. Needs a ``--keep`` database of ``bench/match_latency.py``
(``--reuse`` is implied).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TIMES: dict[str, float] = defaultdict(float)


@contextlib.contextmanager
def timing(stage: str) -> Iterator[None]:
    begun = time.perf_counter()
    try:
        yield
    finally:
        TIMES[stage] += (time.perf_counter() - begun) * 1000


def timed(stage: str | Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        name = stage(*args, **kwargs) if callable(stage) else stage
        with timing(name):
            return fn(*args, **kwargs)

    return wrapper


def search_stage(query: Any, *_args: Any, **_kwargs: Any) -> str:
    """Which channel asks the engine: the WZ channel filters by codes, the kind's
    extra candidates by kind, the lexical channel has words."""
    if "wz" in query.filters and not query.text:
        return "wz channel (engine)"
    if query.limit <= 50:
        return "kind candidates (engine)"
    return "lexical channel (engine)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("tantivy", "postgres"), default="postgres")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--slowest", type=int, default=10)
    args = parser.parse_args()
    os.environ["SEARCH_ENGINE"] = args.engine
    os.environ["SEARCH_INDEX_DIR"] = str(common.OUT / f"match-index-{args.count}")
    database = "postgres" if args.engine == "postgres" else "sqlite"
    sqlite_path = common.reuse(database, f"match-{args.count}")
    if sqlite_path is not None:
        common.tune_sqlite()

    from match_latency import _querydict, mix

    import core.embedding
    import search.semantic
    from search import services, wzsuggest
    from sourcing import evaluation, matching
    from sourcing import reasons as why
    from sourcing import services as sourcing
    from sourcing.forms import NeedForm

    engine = services.engine()
    engine.search = timed(search_stage, engine.search)  # type: ignore[method-assign]
    engine.known = timed("known words", engine.known)  # type: ignore[method-assign]
    services.engine = lambda: engine  # type: ignore[assignment]
    core.embedding.embed_one = timed("embedding", core.embedding.embed_one)
    search.semantic.semantic_hits = timed("vectors' search", search.semantic.semantic_hits)
    matching.suggest_codes = timed("WZ suggestion", matching.suggest_codes)
    matching._facts = timed("candidates' facts", matching._facts)
    matching._cosines = timed("cosines", matching._cosines)
    matching.content_words = timed("need's words", matching.content_words)
    services.organisations_for = timed("page's organisations", services.organisations_for)
    why.for_page = timed("reasons", why.for_page)

    requests = mix(evaluation.load_needs())

    def one(params: dict[str, Any]) -> float:
        core.embedding.reset_memory()
        wzsuggest.suggester()._cache.clear()
        begun = time.perf_counter()
        sourcing.match(NeedForm(_querydict(params)).to_need())
        return (time.perf_counter() - begun) * 1000

    for _label, params in requests[:10]:
        one(params)
    print("machine:", common.machine())
    per_stage: dict[str, list[float]] = defaultdict(list)
    needs: list[tuple[float, str, str, dict[str, float]]] = []
    for label, params in requests:
        TIMES.clear()
        total = one(params)
        stages = dict(TIMES)
        stages["other"] = total - sum(stages.values())
        for stage, ms in stages.items():
            per_stage[stage].append(ms)
        needs.append((total, label, str(params.get("q", ""))[:60], stages))
    count = len(requests)
    grand = sum(total for total, *_rest in needs)
    print(f"\n{args.engine}, {args.count:,} organisations, {count} needs, mean per need (ms):")
    print(f"  {'stage':<28}{'mean':>8}{'p95':>8}{'share':>8}")
    for stage, values in sorted(per_stage.items(), key=lambda kv: -sum(kv[1])):
        values = values + [0.0] * (count - len(values))
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(f"  {stage:<28}{sum(values) / count:>8.1f}{p95:>8.1f}{sum(values) / grand:>8.1%}")
    print(f"  {'all':<28}{grand / count:>8.1f}")
    print(f"\nThe {args.slowest} slowest needs:")
    for total, label, text, stages in sorted(needs, key=lambda n: -n[0])[: args.slowest]:
        stage, ms = max(stages.items(), key=lambda kv: kv[1])
        print(f"  {total:>7.0f} ms  {label:<14} {stage} {ms:.0f} ms  {text!r}")


if __name__ == "__main__":
    main()
