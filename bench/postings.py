"""Benchmark requests and offers: the list with filters and the matching of one request.

    .venv/bin/python bench/postings.py                    # 20,000 organisations
    .venv/bin/python bench/postings.py --orgs 100000      # the issue's size
    .venv/bin/python bench/postings.py --orgs 100000 --keep    # keep database and index
    .venv/bin/python bench/postings.py --orgs 100000 --reuse   # time again on them

A new Python process on a new SQLite database: the demo generator makes ``--orgs``
organisations (seed 1), ``rebuild_index`` builds the search index and the vectors
(timed), then ``--postings`` open requests and offers (half each) are written in bulk
from a fixed vocabulary of trades (seed 1), each of a random generated organisation,
at its place, with its WZ code, and put in the search's content index. Timed then:

* the list service of ``/gesuche/`` (``sourcing.postings.listing.list_postings``)
  over a fixed mix of filter combinations (kind, category, urgency, WZ division,
  district, radius around a place, sorted by deadline, a later page), each 10 times;
* the first use of the postings side in the process that wrote the postings, whose
  texts have no stored vector yet (as after the demo generator or an import): what a
  page waits for, and how long the background embedding of the texts then takes;
* ``matches_for`` of 200 requests (organisations through the need matching, open
  offers through the postings side); the memory caches of need vectors and WZ
  suggestions are emptied before each call, the postings' own vectors stay in the
  process (as in the portal);
* a restart: a new process on the same data times its first ``matches_for`` (which
  reads the open offers and their stored vectors, and the organisations' side its own
  index, vectors and model); another times ``warm_up`` (what a process can do in the
  background at start; the open postings apart) and the first ``matches_for`` after it.

Prints p50/p95 per part and one JSON line. See docs/performance.md ("Requests and
offers").
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGETS_MS = {"list": 50.0, "matching": 150.0}
MATCHED_REQUESTS = 200

# (trade, WZ subclass, request titles, offer titles, detail words)
TRADES: list[tuple[str, str, list[str], list[str], list[str]]] = [
    (
        "Drehteile",
        "25.62.0",
        ["Drehteile aus {m} gesucht", "Lieferant für gedrehte Wellen aus {m}"],
        ["Freie Kapazität CNC-Drehen", "Drehteile aus {m} in Serie"],
        ["Edelstahl", "Messing", "Aluminium"],
    ),
    (
        "Blech",
        "25.11.0",
        ["Laserzuschnitt von Blechen aus {m}", "Biegeteile aus {m} gesucht"],
        ["Laserschneiden und Kanten frei", "Blechbearbeitung {m} kurzfristig"],
        ["Stahl", "Edelstahl", "Aluminium"],
    ),
    (
        "Spritzguss",
        "22.29.0",
        ["Spritzgussteile aus {m} gesucht", "Kunststoffgehäuse aus {m}"],
        ["Spritzgießmaschinen frei", "Kunststoffteile aus {m} in Serie"],
        ["PA6", "ABS", "PP"],
    ),
    (
        "Catering",
        "56.21.0",
        ["Catering für {m} gesucht", "Partyservice für {m}"],
        ["Catering für Ihre Feier", "Buffet und Getränke für {m}"],
        ["Sommerfest", "Tagung", "Weihnachtsfeier"],
    ),
    (
        "Logistik",
        "49.41.0",
        ["Transport von {m} gesucht", "Spedition für {m}"],
        ["Freie Laderaumkapazität", "Lagerfläche für {m}"],
        ["Paletten", "Maschinen", "Stückgut"],
    ),
    (
        "Software",
        "62.01.0",
        ["Entwicklung einer {m} gesucht", "Programmierer für {m}"],
        ["Softwareentwicklung {m}", "IT-Beratung und {m}"],
        ["Web-Anwendung", "Schnittstelle", "App"],
    ),
    (
        "Elektronik",
        "26.11.0",
        ["Bestückung von {m} gesucht", "Leiterplatten für {m}"],
        ["SMD-Bestückung frei", "Baugruppenfertigung {m}"],
        ["Steuerungen", "Sensoren", "Prototypen"],
    ),
    (
        "Verpackung",
        "17.21.0",
        ["Kartonagen für {m} gesucht", "Verpackung von {m}"],
        ["Wellpappe und Faltschachteln", "Verpackungsdienstleistung {m}"],
        ["Ersatzteile", "Lebensmittel", "Glas"],
    ),
    (
        "Reinigung",
        "81.22.0",
        ["Industriereinigung für {m}", "Reinigung von {m} gesucht"],
        ["Gebäudereinigung frei", "Maschinenreinigung {m}"],
        ["Hallen", "Büros", "Anlagen"],
    ),
    (
        "Holz",
        "16.23.0",
        ["Holzpaletten aus {m} gesucht", "Tischlerarbeiten in {m}"],
        ["Holzbearbeitung frei", "Zuschnitt von {m}"],
        ["Fichte", "Eiche", "Sperrholz"],
    ),
]
SENTENCES = [
    "Menge: {q} Stück, Lieferung nach Absprache.",
    "Wir brauchen verlässliche Termine und gute Qualität.",
    "Zertifizierung nach ISO 9001 erwünscht.",
    "Kurzfristige Anfrage, Abholung möglich.",
    "Bitte mit Angabe von Preis und Lieferzeit.",
    "Langfristige Zusammenarbeit gewünscht.",
]
FILTER_MIX: list[dict[str, Any]] = [
    {},
    {"kind": ["request"]},
    {"kind": ["offer"], "category": ["capacity"]},
    {"category": ["product", "material"]},
    {"urgency": ["high", "urgent"]},
    {"wz": ["25"]},
    {"wz": ["C"], "kind": ["request"]},
    {"district": ["16051"]},
    {"place": "Erfurt", "radius_km": 30.0},
    {"place": "Jena", "radius_km": 50.0, "kind": ["offer"]},
    {"sort": "deadline", "kind": ["request"]},
    {"page": 3, "category": ["service"]},
]
PLACES = {"Erfurt": (50.9787, 11.0328), "Jena": (50.9271, 11.5892)}


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 1)

    return {"p50": pick(50), "p95": pick(95), "max": round(ordered[-1], 1)}


def make_postings(count: int, seed: int = 1) -> list[int]:
    """``count`` open requests and offers of random generated organisations."""
    from django.db import transaction
    from django.utils import timezone

    from classification.models import WzCode
    from directory.models import Site
    from sourcing.models import Posting

    rng = random.Random(seed)
    sites = list(
        Site.objects.filter(latitude__isnull=False)
        .values_list("organisation_id", "place", "latitude", "longitude", "district_id")
        .order_by("pk")
    )
    codes = dict(WzCode.objects.filter(version="2008").values_list("code", "pk"))
    today = timezone.localdate()
    now = timezone.now()
    rows: list[Posting] = []
    wz_of: list[int | None] = []
    for i in range(count):
        trade, code, requests, offers, details = TRADES[rng.randrange(len(TRADES))]
        kind = "request" if i % 2 == 0 else "offer"
        title = rng.choice(requests if kind == "request" else offers).format(m=rng.choice(details))
        org, place, lat, lon, district = rng.choice(sites)
        text = " ".join(rng.sample(SENTENCES, 2)).format(q=rng.choice([50, 200, 500, 5000]))
        rows.append(
            Posting(
                kind=kind,
                category=rng.choice(["material", "product", "service", "capacity", "knowhow"]),
                title=title,
                description=f"{title}. {trade}: {text}",
                organisation_id=org,
                place=place,
                lat=lat,
                lon=lon,
                district_id=district,
                radius_km=rng.choice([None, 25, 50, 100]),
                deadline=today + datetime.timedelta(days=rng.randrange(5, 90)),
                urgency=rng.choice(["low", "normal", "normal", "high", "urgent"]),
                status="published",
                published_at=now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 30)),
                expires_on=today + datetime.timedelta(days=rng.randrange(1, 60)),
                source="generated",
            )
        )
        wz_of.append(codes.get(code))
    with transaction.atomic():
        created = Posting.objects.bulk_create(rows, batch_size=1000)
        through = Posting.wz_codes.through
        through.objects.bulk_create(
            [
                through(posting_id=p.pk, wzcode_id=wz)
                for p, wz in zip(created, wz_of, strict=True)
                if wz is not None
            ],
            batch_size=2000,
        )
    return [p.pk for p in created]


def index_postings() -> float:
    """The search's content index of the postings (the words channel of the postings
    side), as the portal's write paths keep it; seconds."""
    from search import content

    started = time.perf_counter()
    content.rebuild()
    return round(time.perf_counter() - started, 1)


def time_list(result: dict[str, Any]) -> None:
    try:
        from sourcing.postings.listing import PostingFilter, list_postings
    except ImportError:
        result["list"] = None
        return
    samples: list[float] = []
    per_filter: dict[str, float] = {}
    for _run in range(10):
        for params in FILTER_MIX:
            params = dict(params)
            place = params.pop("place", None)
            if place:
                params["lat"], params["lon"] = PLACES[place]
            begun = time.perf_counter()
            page = list_postings(PostingFilter(**params))
            list(page.postings)
            ms = (time.perf_counter() - begun) * 1000
            samples.append(ms)
            key = json.dumps(params, sort_keys=True)
            per_filter[key] = max(per_filter.get(key, 0.0), ms)
    result["list"] = percentiles(samples)
    result["list_slowest"] = sorted(per_filter.items(), key=lambda kv: -kv[1])[:3]


def time_first_use(result: dict[str, Any], request_id: int) -> None:
    """The postings side's first use where no posting text has a stored vector yet."""
    from sourcing.models import Posting
    from sourcing.postings import matching

    posting = Posting.objects.get(pk=request_id)
    matching.forget()
    begun = time.perf_counter()
    matching.rank_postings(posting)
    result["first_use_unembedded_s"] = round(time.perf_counter() - begun, 2)
    begun = time.perf_counter()
    matching._index.refresh()  # the requests too
    matching._index.wait_for_vectors()
    result["background_embedding_s"] = round(time.perf_counter() - begun, 1)


def time_matching(result: dict[str, Any], request_ids: list[int]) -> None:
    from core import embedding
    from search import wzsuggest
    from sourcing.models import Posting
    from sourcing.postings.matching import matches_for, rank_postings

    requests = list(Posting.objects.filter(pk__in=request_ids).order_by("pk"))
    matches_for(requests[0])  # the process's caches, as in a portal that has answered before
    samples: list[float] = []
    postings_side: list[float] = []
    found: list[int] = []
    for posting in requests[:MATCHED_REQUESTS]:
        embedding.reset_memory()
        wzsuggest.suggester()._cache.clear()
        begun = time.perf_counter()
        answer = matches_for(posting)
        samples.append((time.perf_counter() - begun) * 1000)
        found.append(len(answer.postings))
        begun = time.perf_counter()
        rank_postings(posting)
        postings_side.append((time.perf_counter() - begun) * 1000)
    result["matching"] = percentiles(samples)
    result["matching_postings_side"] = percentiles(postings_side)
    result["offers_found_median"] = sorted(found)[len(found) // 2]


def time_restart(args: argparse.Namespace) -> None:
    """In a new process on the data of the calling one: the first ``matches_for`` as it
    comes (``--restart``), or after ``warm_up`` (``--restart-warm``: the open postings
    read apart, then the rest of the warm-up)."""
    os.environ["SEARCH_INDEX_DIR"] = str(common.OUT / f"postings-index-{args.orgs}")
    os.environ["SEARCH_AUTO_UPDATE"] = "0"
    common.reuse("sqlite", f"postings-{args.orgs}")
    common.tune_sqlite()
    from sourcing.models import Posting
    from sourcing.postings import matching

    posting = Posting.objects.get(pk=args.restart)
    out: dict[str, float] = {}
    if args.restart_warm:
        begun = time.perf_counter()
        matching._index.refresh()
        out["warm_postings_read_s"] = round(time.perf_counter() - begun, 2)
        begun = time.perf_counter()
        matching.warm_up()
        out["warm_rest_s"] = round(time.perf_counter() - begun, 2)
        begun = time.perf_counter()
        matching.matches_for(posting)
        out["warm_first_call_ms"] = round((time.perf_counter() - begun) * 1000, 1)
    else:
        begun = time.perf_counter()
        matching.matches_for(posting)
        out["restart_first_call_s"] = round(time.perf_counter() - begun, 2)
    print(json.dumps(out))


def child(args: argparse.Namespace) -> None:
    name = f"postings-{args.orgs}"
    os.environ["SEARCH_INDEX_DIR"] = str(common.OUT / f"postings-index-{args.orgs}")
    os.environ["SEARCH_AUTO_UPDATE"] = "0"
    if args.reuse:
        sqlite_path = common.reuse("sqlite", name)
    else:
        sqlite_path = common.configure("sqlite", name)
        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
        common.prepare(sqlite_path)
    common.tune_sqlite()
    from directory import demo
    from search import services
    from sourcing.models import Posting

    result: dict[str, Any] = {"database": common.database_version(), "orgs": args.orgs}
    if not args.reuse:
        started = time.perf_counter()
        demo.generate(count=args.orgs, seed=1)
        result["generate_orgs_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        services.rebuild_index()
        result["build_index_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        make_postings(args.postings)
        result["generate_postings_s"] = round(time.perf_counter() - started, 1)
        result["index_postings_s"] = index_postings()
    else:
        from search import content

        if content.is_empty():  # data of a run before the content index
            result["index_postings_s"] = index_postings()
    result["open_postings"] = Posting.objects.open().count()
    ids = list(
        Posting.objects.open().filter(kind="request").order_by("pk").values_list("pk", flat=True)
    )
    rng = random.Random(2)
    sample = rng.sample(ids, min(len(ids), MATCHED_REQUESTS))
    if not args.reuse:
        time_first_use(result, sample[0])
    time_list(result)
    time_matching(result, sample)
    from django.db import connection

    connection.close()
    for flags in ([], ["--restart-warm"]):
        restart = common.run_child(
            Path(__file__), ["--orgs", str(args.orgs), "--restart", str(sample[0]), *flags]
        )
        restart.pop("process_seconds", None)
        result.update(restart)
    if not (args.keep or args.reuse):
        if sqlite_path is not None:
            common.remove_sqlite(sqlite_path)
        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
    print(json.dumps(result))


def report(result: dict[str, Any]) -> None:
    print(f"\n{result['database']}, {result['orgs']:,} organisations, "
          f"{result['open_postings']:,} open postings")  # fmt: skip
    for key in ("generate_orgs_s", "build_index_s", "generate_postings_s", "index_postings_s"):
        if key in result:
            print(f"  {key}: {result[key]}")
    if result.get("list"):
        verdict = "OK" if result["list"]["p95"] <= TARGETS_MS["list"] else "ABOVE TARGET"
        print(f"  list service (ms): {result['list']}  {verdict}")
        print(f"    slowest filters: {result['list_slowest']}")
    else:
        print("  list service: not available (sourcing.postings.listing missing)")
    verdict = "OK" if result["matching"]["p95"] <= TARGETS_MS["matching"] else "ABOVE TARGET"
    print(f"  matches_for (ms): {result['matching']}  {verdict}")
    print(f"    postings side alone (ms): {result['matching_postings_side']}")
    print(f"    offers found per request, median: {result['offers_found_median']}")
    if "first_use_unembedded_s" in result:
        waited, embedding = result["first_use_unembedded_s"], result["background_embedding_s"]
        print(f"  first use, no text embedded yet: {waited} s (then {embedding} s embedding)")
    print(f"  restart: the first matches_for {result['restart_first_call_s']} s; with warm_up "
          f"at start: the open postings read in {result['warm_postings_read_s']} s, the rest of "
          f"it {result['warm_rest_s']} s, then the first matches_for "
          f"{result['warm_first_call_ms']} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=20_000, help="organisations")
    parser.add_argument("--postings", type=int, default=10_000, help="open postings")
    parser.add_argument("--keep", action="store_true", help="keep database and index")
    parser.add_argument("--reuse", action="store_true", help="time again on a --keep run's data")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--restart", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--restart-warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.restart:
        time_restart(args)
        return
    if args.child:
        child(args)
        return
    print("machine:", common.machine())
    flags = [f"--{f}" for f in ("keep", "reuse") if getattr(args, f)]
    result = common.run_child(
        Path(__file__), ["--orgs", str(args.orgs), "--postings", str(args.postings), *flags]
    )
    report(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
