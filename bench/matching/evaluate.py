"""Score the matching on the judged needs: nDCG@10 and recall@20 (docs/matching.md).

    .venv/bin/python bench/matching/evaluate.py            # the database DATABASE_URL names
    .venv/bin/python bench/matching/evaluate.py --modes hybrid --channels lexical,semantic
    .venv/bin/python bench/matching/evaluate.py --set WEIGHTS.semantic=0.6 --set WZ_MIN_SCORE=0.3

Runs on the current database and index (the demo data: ``make demo``, or
``generate_demo_data`` and ``rebuild_search_index``), for every need of
``bench/matching/needs.json``: the any-word BM25 baseline (``lexical``), the vectors
alone (``semantic``) and the matching as the portal answers (``hybrid``), per language
and style, plus the top-3 accuracy of the WZ suggestion. Where
``bench/matching/judgements.json`` exists (``{need id: {organisation slug: "relevant" |
"partly" | "not"}}``), nDCG@10 on those judgements too.

``--channels`` limits the hybrid to some of its channels (lexical, semantic, wz);
``--set NAME=VALUE`` changes a constant of ``sourcing.matching`` for this run (a
weight: ``WEIGHTS.lexical=0.3``), for tuning. ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modes", default="lexical,semantic,hybrid")
    parser.add_argument("--channels", default="", help="hybrid channels (default: all)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--needs", type=Path, default=None)
    parser.add_argument("--judgements", type=Path, default=None)
    parser.add_argument("--no-wz", action="store_true", help="skip the WZ suggestion's accuracy")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from sourcing import evaluation, matching

    for assignment in args.set:
        name, _, value = assignment.partition("=")
        if name.startswith("WEIGHTS."):
            matching.WEIGHTS[name.split(".", 1)[1]] = float(value)
        elif hasattr(matching, name):
            setattr(matching, name, type(getattr(matching, name))(value))
        else:
            raise SystemExit(f"sourcing.matching has no constant {name}")
    if args.channels:
        matching.CHANNELS = frozenset(args.channels.split(","))
        matching.Need.__dataclass_fields__["channels"].default = matching.CHANNELS
        matching.Need.__init__.__defaults__ = tuple(  # type: ignore[misc]
            matching.CHANNELS if isinstance(d, frozenset) else d
            for d in matching.Need.__init__.__defaults__ or ()
        )
    needs = evaluation.load_needs(args.needs or evaluation.NEEDS)
    judgements = evaluation.load_judgements(args.judgements or evaluation.JUDGEMENTS)
    report = evaluation.evaluate(
        needs, args.modes.split(","), judgements=judgements, wz=not args.no_wz
    )
    if args.json:
        print(
            json.dumps(
                {
                    group: {m: [s.mean_ndcg, s.mean_recall] for m, s in row.items()}
                    for group, row in report.groups.items()
                }
                | {"wz_top3": [report.wz_top3_primary, report.wz_top3_any]}
            )
        )
    else:
        print(evaluation.table(report))


if __name__ == "__main__":
    main()
