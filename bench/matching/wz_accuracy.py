"""Accuracy of the WZ suggestion (``search.wzsuggest.suggest``) on the judged needs.

For every need of ``bench/matching/needs.json`` the suggestion ranks the 839 WZ 2008
subclasses; a hit is a primary or acceptable code among the first k. Printed: top-1,
top-3 and top-10 accuracy for the lexical signal alone, the embeddings alone and the
fused score, German and English separately, and the time of a call (p50, p95).

Needs a database with the reference data imported (``manage.py import_reference_data``),
the portal's own by default or the one ``DATABASE_URL`` names:

    .venv/bin/python bench/matching/wz_accuracy.py [--json]

The figures are recorded in docs/matching.md ("WZ suggestion");
``search/tests/test_wzsuggest.py`` keeps the fused top-3 from falling below them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEEDS = ROOT / "bench" / "matching" / "needs.json"
MODES = ("lexical", "dense", "fused")
KS = (1, 3, 10)


def load_needs() -> list[dict]:
    return json.loads(NEEDS.read_text(encoding="utf-8"))


def accuracy(suggester, needs: list[dict], mode: str) -> dict[str, dict[str, float]]:
    """{lang: {"top1": …, "top3": …, "top10": …, "n": …}} for ``mode``; ``all`` too."""
    hits: dict[str, dict[int, int]] = {}
    counts: dict[str, int] = {}
    for need in needs:
        wanted = set(need["primary"]) | set(need.get("acceptable", []))
        ranked = [s.code for s in suggester.suggest(need["text"], max(KS), mode)]
        for lang in (need["lang"], "all"):
            counts[lang] = counts.get(lang, 0) + 1
            bucket = hits.setdefault(lang, dict.fromkeys(KS, 0))
            for k in KS:
                if wanted & set(ranked[:k]):
                    bucket[k] += 1
    return {
        lang: {**{f"top{k}": hits[lang][k] / counts[lang] for k in KS}, "n": counts[lang]}
        for lang in counts
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings")
    import django

    django.setup()
    from core import embedding
    from search import wzsuggest

    started = time.perf_counter()
    suggester = wzsuggest.suggester()
    load_s = time.perf_counter() - started
    needs = load_needs()
    figures = {mode: accuracy(suggester, needs, mode) for mode in MODES}
    suggester._cache.clear()
    embedding.reset_memory()
    timings = []
    for need in needs:
        started = time.perf_counter()
        suggester.suggest(need["text"], 5)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    per_call_ms = statistics.median(timings)
    p95_ms = timings[int(0.95 * (len(timings) - 1))]
    if args.json:
        print(
            json.dumps(
                {"figures": figures, "load_s": load_s, "p50_ms": per_call_ms, "p95_ms": p95_ms}
            )
        )
        return
    print(
        f"{len(needs)} needs; index built in {load_s:.1f} s; a call (query embedding "
        f"included, no cache) p50 {per_call_ms:.1f} ms, p95 {p95_ms:.1f} ms"
    )
    print(f"{'signal':<8} {'lang':<4} {'n':>4} {'top-1':>6} {'top-3':>6} {'top-10':>6}")
    for mode in MODES:
        for lang in ("de", "en", "all"):
            row = figures[mode].get(lang)
            if row:
                print(
                    f"{mode:<8} {lang:<4} {row['n']:>4} {row['top1']:>6.2f} "
                    f"{row['top3']:>6.2f} {row['top10']:>6.2f}"
                )


if __name__ == "__main__":
    main()
