"""How well the matching ranks: nDCG@10 and recall@20 on judged needs (docs/matching.md).

A need of ``bench/matching/needs.json`` names WZ 2008 subclasses: an organisation
carrying a primary one gains 2, an acceptable one 1, any other 0. The ideal ranking
is every organisation of the database sorted by gain, so a need whose codes few
organisations carry is not punished for the rest. Three rankings are measured:

* ``lexical``: the any-word BM25 baseline, the search engine with every word of the
  need optional (``SearchQuery(any_word=True)``) and nothing else;
* ``semantic``: the organisations' vectors alone, by cosine similarity to the need;
* ``hybrid``: the matching (``sourcing.matching``) as the portal answers.

Organisation-by-organisation judgements (``{need id: {slug: "relevant" | "partly" |
"not"}}``), where a file of them is given, are scored the same way (2, 1, 0).
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

NEEDS = Path(settings.BASE_DIR) / "bench" / "matching" / "needs.json"
JUDGEMENTS = Path(settings.BASE_DIR) / "bench" / "matching" / "judgements.json"
MODES = ("lexical", "semantic", "hybrid")
JUDGED_GAIN = {"relevant": 2, "partly": 1, "not": 0}
DEPTH = 20


def load_needs(path: Path = NEEDS) -> list[dict[str, Any]]:
    needs: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return needs


def organisation_codes() -> dict[int, set[str]]:
    """WZ 2008 subclasses each published organisation carries (primary and secondary)."""
    from directory.models import Organisation

    codes: dict[int, set[str]] = defaultdict(set)
    published = Organisation.objects.published()
    for pk, code in published.values_list("pk", "primary_wz__code"):
        codes[pk]
        if code:
            codes[pk].add(code)
    through = Organisation.secondary_wz.through.objects.filter(
        organisation__in=published
    ).values_list("organisation_id", "wzcode__code")
    for pk, code in through:
        codes[pk].add(code)
    return dict(codes)


def dcg(gains: Iterable[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: list[int], gain: dict[int, float], k: int = 10) -> float:
    ideal = dcg(sorted(gain.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(gain.get(pk, 0) for pk in ranked[:k]) / ideal


def recall(ranked: list[int], gain: dict[int, float], k: int = DEPTH) -> float:
    """Relevant organisations in the top ``k``, of as many as could be there."""
    relevant = sum(1 for g in gain.values() if g > 0)
    if not relevant:
        return 0.0
    return sum(1 for pk in ranked[:k] if gain.get(pk, 0) > 0) / min(k, relevant)


def code_gains(need: dict[str, Any], codes: dict[int, set[str]]) -> dict[int, float]:
    primary, acceptable = set(need["primary"]), set(need["acceptable"])
    gains: dict[int, float] = {}
    for pk, own in codes.items():
        if own & primary:
            gains[pk] = 2
        elif own & acceptable:
            gains[pk] = 1
    return gains


def lexical_ranking(text: str, limit: int = DEPTH) -> list[int]:
    from search import services
    from search.query import SearchQuery

    query = SearchQuery(text=text, any_word=True, limit=limit, facets=False)
    return [h.id for h in services.engine().search(query, services.plan(query)).hits]


def semantic_ranking(text: str, limit: int = DEPTH) -> list[int]:
    from core.embedding import embed_one
    from search.query import SearchQuery
    from search.semantic import semantic_hits

    query = SearchQuery(limit=limit, facets=False)
    return [pk for pk, _cos in semantic_hits(embed_one(text), query, limit)]


def hybrid_ranking(text: str, limit: int = DEPTH) -> list[int]:
    from .matching import Need, rank

    return [s.id for s in rank(Need(text=text, limit=limit))[0][:limit]]


RANKINGS: dict[str, Callable[[str, int], list[int]]] = {
    "lexical": lexical_ranking,
    "semantic": semantic_ranking,
    "hybrid": hybrid_ranking,
}


@dataclass
class Scores:
    ndcg: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)

    def add(self, ranked: list[int], gain: dict[int, float]) -> None:
        self.ndcg.append(ndcg(ranked, gain))
        self.recall.append(recall(ranked, gain))

    @property
    def mean_ndcg(self) -> float:
        return sum(self.ndcg) / len(self.ndcg) if self.ndcg else 0.0

    @property
    def mean_recall(self) -> float:
        return sum(self.recall) / len(self.recall) if self.recall else 0.0


@dataclass
class Report:
    needs: int
    skipped: list[str]
    # group ("all", "de", "en", a style) → mode → scores
    groups: dict[str, dict[str, Scores]]
    wz_top3_primary: float | None
    wz_top3_any: float | None
    judged: dict[str, Scores]
    seconds: dict[str, float]

    def figure(self, mode: str = "hybrid", group: str = "all") -> float:
        return self.groups[group][mode].mean_ndcg


def groups_of(need: dict[str, Any]) -> list[str]:
    return ["all", need["lang"], *need["style"]]


def evaluate(
    needs: list[dict[str, Any]],
    modes: Iterable[str] = MODES,
    judgements: dict[str, dict[str, str]] | None = None,
    wz: bool = True,
) -> Report:
    """Score every mode on every need whose codes some organisation carries."""
    from directory.models import Organisation

    modes = list(modes)
    codes = organisation_codes()
    groups: dict[str, dict[str, Scores]] = defaultdict(lambda: {m: Scores() for m in modes})
    seconds = dict.fromkeys(modes, 0.0)
    skipped = []
    rankings: dict[tuple[str, str], list[int]] = {}
    for need in needs:
        gain = code_gains(need, codes)
        judged = (judgements or {}).get(need["id"])
        if not gain and not judged:
            skipped.append(need["id"])
            continue
        for mode in modes:
            started = time.perf_counter()
            ranked = RANKINGS[mode](need["text"], DEPTH)
            seconds[mode] += time.perf_counter() - started
            rankings[need["id"], mode] = ranked
            if gain:
                for group in groups_of(need):
                    groups[group][mode].add(ranked, gain)
    judged_scores = {m: Scores() for m in modes}
    if judgements:
        slugs = dict(Organisation.objects.values_list("slug", "pk"))
        for need_id, verdicts in judgements.items():
            gain = {
                slugs[slug]: JUDGED_GAIN[verdict]
                for slug, verdict in verdicts.items()
                if slug in slugs and verdict in JUDGED_GAIN
            }
            for mode in modes:
                if (need_id, mode) in rankings and gain:
                    judged_scores[mode].add(rankings[need_id, mode], gain)
    top_primary = top_any = None
    if wz:
        top_primary, top_any = wz_accuracy(needs)
    return Report(
        needs=len(needs) - len(skipped),
        skipped=skipped,
        groups=dict(groups),
        wz_top3_primary=top_primary,
        wz_top3_any=top_any,
        judged=judged_scores,
        seconds=seconds,
    )


def wz_accuracy(needs: list[dict[str, Any]], k: int = 3) -> tuple[float, float]:
    """Share of needs with a primary code (or any judged code) among the top ``k``
    subclasses the WZ suggestion names."""
    from search.wzsuggest import suggest

    primary = fine = 0
    for need in needs:
        top = {s.code for s in suggest(need["text"], k)[:k]}
        primary += bool(top & set(need["primary"]))
        fine += bool(top & (set(need["primary"]) | set(need["acceptable"])))
    return primary / len(needs), fine / len(needs)


def load_judgements(path: Path = JUDGEMENTS) -> dict[str, dict[str, str]] | None:
    if not path.is_file():
        return None
    judged: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return judged


def table(report: Report) -> str:
    """The report as a plain-text table (nDCG@10 / recall@20 per group and mode)."""
    modes = list(next(iter(report.groups.values())).keys()) if report.groups else []
    order = ["all", "de", "en", "short", "long", "typo", "jargon", "english", "crisis", "research"]
    lines = [
        f"{report.needs} needs scored"
        + (f", {len(report.skipped)} skipped (no organisation carries their codes)")
        * bool(report.skipped),
        f"{'group':10} {'n':>4}  " + "  ".join(f"{m + ' nDCG@10 / R@20':>26}" for m in modes),
    ]
    for group in [g for g in order if g in report.groups] + sorted(set(report.groups) - set(order)):
        row = report.groups[group]
        n = len(next(iter(row.values())).ndcg)
        cells = "  ".join(f"{row[m].mean_ndcg:>17.3f} / {row[m].mean_recall:.3f}" for m in modes)
        lines.append(f"{group:10} {n:>4}  {cells}")
    if any(s.ndcg for s in report.judged.values()):
        cells = "  ".join(
            f"{report.judged[m].mean_ndcg:>17.3f} / {report.judged[m].mean_recall:.3f}"
            for m in modes
        )
        n = len(next(iter(report.judged.values())).ndcg)
        lines.append(f"{'judged':10} {n:>4}  {cells}")
    if report.wz_top3_primary is not None:
        lines.append(
            f"WZ suggestion top-3: a primary code {report.wz_top3_primary:.3f}, "
            f"a primary or acceptable code {report.wz_top3_any:.3f}"
        )
    timing = ", ".join(
        f"{m} {1000 * s / max(report.needs, 1):.1f} ms" for m, s in report.seconds.items()
    )
    lines.append(f"mean time per need: {timing}")
    return "\n".join(lines)
