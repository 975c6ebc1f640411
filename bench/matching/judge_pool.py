"""Candidate pools for judging organisations one by one (bench/matching/README.md).

    .venv/bin/python bench/matching/judge_pool.py                 # every judged need
    .venv/bin/python bench/matching/judge_pool.py --needs n001,n031
    .venv/bin/python bench/matching/judge_pool.py --json > pools.json

For each need, the pool holds the organisations a judge should read, in this order:

* those carrying a primary WZ code of the need (as their main or a further code), the
  ``--per-code`` nearest to the need by vector if more carry it (shared out among the
  need's primary codes);
* the top ``--top`` of the any-word search (every word of the need optional);
* the top ``--top`` by vector similarity to the need (the organisations' stored vectors,
  ``search.semantic``);
* those carrying an acceptable code, the ``--acceptable`` nearest, with places kept
  for them;
* the top ``--measured`` of each ranking ``bench/matching/evaluate.py`` measures
  (``sourcing.evaluation``: any-word BM25, vectors, the matching), with places kept for
  them too, so that every organisation a measured ranking puts first is judged,

so that the pool also holds the near misses a ranking may put first: organisations with
the right words but another trade, and the right trade under another code; at most
``--max`` organisations. It prints each organisation's profile: name, kind, WZ codes
with titles, descriptions, offerings and technologies, the texts the judgement reads.
It decides nothing: the labels in judgements.json are set by reading these profiles.

Runs on the database DATABASE_URL names and the index SEARCH_INDEX_DIR names, with the
demo data of record (``generate_demo_data`` with its default seed and count, then
``rebuild_search_index``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
NEEDS = ROOT / "bench" / "matching" / "needs.json"
JUDGEMENTS = ROOT / "bench" / "matching" / "judgements.json"


def pool(
    need: dict[str, Any], per_code: int, acceptable: int, top: int, cap: int, measured: int = 10
) -> list[int]:
    """Organisation ids to judge for ``need``, in the order of their source."""
    import numpy as np
    from django.db.models import Q

    from core.embedding import embed_one
    from directory.models import Organisation
    from search import services
    from search.query import SearchQuery
    from search.semantic import semantic_hits

    vector = embed_one(need["text"])
    _ids, matrix, sorted_ids, order = services.engine().vector_store().matrix().view()

    def similarity(pks: list[int]) -> dict[int, float]:
        wanted = np.asarray(pks, dtype=np.int64)
        at = np.clip(np.searchsorted(sorted_ids, wanted), 0, max(len(sorted_ids) - 1, 0))
        found = sorted_ids[at] == wanted if len(sorted_ids) else np.zeros(0, dtype=bool)
        rows = order[at[found]]
        return dict(zip(wanted[found].tolist(), (matrix[rows] @ vector).tolist(), strict=True))

    def carriers(codes: list[str], limit: int) -> list[int]:
        if not codes:
            return []
        pks = list(
            Organisation.objects.published()
            .filter(
                Q(primary_wz__code__in=codes, primary_wz__version="2008")
                | Q(secondary_wz__code__in=codes, secondary_wz__version="2008")
            )
            .values_list("pk", flat=True)
            .distinct()
        )
        score = similarity(pks)
        return sorted(pks, key=lambda pk: (-score.get(pk, -1.0), pk))[:limit]

    lexical = services.search_ids(SearchQuery(text=need["text"], any_word=True, limit=top), top)
    semantic = [pk for pk, _ in semantic_hits(vector, SearchQuery(), top)]
    # Each primary code gets its share, so that a need naming two trades (gowns and
    # masks) gets carriers of both.
    share = -(-per_code // max(len(need["primary"]), 1))
    chosen: list[int] = []
    for source in (*(carriers([code], share) for code in need["primary"]), lexical, semantic):
        chosen.extend(pk for pk in source if pk not in chosen)
    # The carriers of an acceptable code have places of their own: the near misses of
    # the right trade under another code (the wholesaler, the neighbouring product).
    further = [pk for pk in carriers(need["acceptable"], acceptable) if pk not in chosen]
    # What the measured rankings list first is scored whether judged or not (an
    # unjudged organisation gains 0), so it has places of its own as well.
    from sourcing.evaluation import RANKINGS

    first: list[int] = []
    for ranking in RANKINGS.values():
        first.extend(pk for pk in ranking(need["text"], measured)[:measured] if pk not in first)
    kept = chosen[: max(cap - len(further) - len(first), 0)]
    kept += [pk for pk in first if pk not in kept]
    return kept + [pk for pk in further if pk not in kept]


def profile(org: Any) -> dict[str, Any]:
    codes = []
    if org.primary_wz:
        codes.append(f"{org.primary_wz.code} {org.primary_wz.title} (main)")
    codes += [f"{c.code} {c.title}" for c in org.secondary_wz.all()]
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "codes": codes,
        "short_description": org.short_description,
        "description": org.description,
        "offerings": [
            f"{o.name}: {o.description}" if o.description else o.name for o in org.offerings.all()
        ],
        "technologies": [t.name for t in org.technologies.all()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--needs", default="", help="need ids (default: those judged)")
    parser.add_argument("--per-code", type=int, default=15)
    parser.add_argument("--acceptable", type=int, default=5)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--max", type=int, default=40)
    parser.add_argument(
        "--measured", type=int, default=10, help="top of each measured ranking (default 10)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--unjudged",
        action="store_true",
        help="only the pool members judgements.json has no label for (after the demo "
        "data changed), and the judged slugs the database no longer holds",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from directory.models import Organisation

    needs = {n["id"]: n for n in json.loads(NEEDS.read_text(encoding="utf-8"))}
    judged: dict[str, dict[str, str]] = (
        json.loads(JUDGEMENTS.read_text(encoding="utf-8")) if JUDGEMENTS.is_file() else {}
    )
    if args.needs:
        wanted = args.needs.split(",")
    elif judged:
        wanted = sorted(judged)
    else:
        raise SystemExit("name the needs with --needs (no judgements.json yet)")
    unknown = [w for w in wanted if w not in needs]
    if unknown:
        raise SystemExit(f"not in needs.json: {', '.join(unknown)}")
    pools = {}
    for need_id in wanted:
        need = needs[need_id]
        pks = pool(need, args.per_code, args.acceptable, args.top, args.max, args.measured)
        orgs = Organisation.objects.select_related("primary_wz").prefetch_related(
            "secondary_wz", "offerings", "technologies"
        )
        by_pk = orgs.in_bulk(pks)
        pools[need_id] = [profile(by_pk[pk]) for pk in pks if pk in by_pk]
        if args.unjudged:
            verdicts = judged.get(need_id, {})
            pools[need_id] = [o for o in pools[need_id] if o["slug"] not in verdicts]
            present = set(
                Organisation.objects.filter(slug__in=verdicts).values_list("slug", flat=True)
            )
            gone = sorted(set(verdicts) - present)
            if gone:
                print(
                    f"{need_id}: judged but not in the database: {', '.join(gone)}", file=sys.stderr
                )
        if not args.json:
            print_pool(need, pools[need_id])
    if args.json:
        print(json.dumps(pools, ensure_ascii=False, indent=1))


def print_pool(need: dict[str, Any], orgs: list[dict[str, Any]]) -> None:
    print("=" * 88)
    print(f"{need['id']} ({need['lang']}, {', '.join(need['style'])}): {need['text']}")
    print(f"primary {', '.join(need['primary'])}; acceptable {', '.join(need['acceptable'])}")
    print(f"{len(orgs)} organisations")
    for i, org in enumerate(orgs, 1):
        print("-" * 88)
        print(f"[{i}] {org['slug']}  {org['name']}  ({org['kind']})")
        for code in org["codes"]:
            print(f"    WZ {code}")
        for text in (org["short_description"], org["description"]):
            if text:
                print(textwrap.indent(textwrap.fill(text, 84), "    "))
        for offering in org["offerings"]:
            print(f"    + {offering}")
        if org["technologies"]:
            print(f"    tech: {', '.join(org['technologies'])}")


if __name__ == "__main__":
    main()
