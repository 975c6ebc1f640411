"""Benchmark the organisation vectors: build time, cache hits, store size, memory.

    .venv/bin/python bench/vectors.py --count 100000 --keep          # generate, index, vectors
    .venv/bin/python bench/vectors.py --count 100000 --reuse --unique
    .venv/bin/python bench/vectors.py --count 1000000 --keep --sample 20000 --fill shared
    BENCH_POSTGRES_URL=... .venv/bin/python bench/vectors.py --engine postgres \
        --count 1000000 --reuse --sample 2000 --fill shared   # the PostgreSQL engine's table

Each size runs in a new Python process. Without ``--reuse`` the demo generator fills a
new SQLite database (seed 1) and the Tantivy index is built without vectors (timed
apart); the database and index are those of ``bench/match_latency.py`` (``match-N``),
so that one ``--keep`` serves both scripts. With ``--engine postgres`` the database is
``BENCH_POSTGRES_URL``'s (as for ``bench/search.py`` and ``bench/match_latency.py``) and
the store is the engine's table ``search_pg_vector``. Then, timed:

* **first build**: ``search.vectors.build`` of every published organisation (or of a
  random ``--sample``) into an empty store, with the piece cache (``core.TextVector``)
  empty: every distinct text is embedded once, what repeats is a cache hit;
* **rebuild**: the same again with the piece cache kept (nothing new to embed);
* with ``--unique`` every description gets a sentence of six random German words
  (``pyspellchecker``'s list, seeded by the organisation id) appended as it is read, so
  that nothing of a description repeats: the worst case of real profiles.

Without ``--sample`` the vectors of the first build are written into the index
generation's store (what the portal reads); ``--fill shared`` instead fills that store
for every organisation from the pieces that repeat (offerings, technologies, tags, WZ
titles: names and descriptions left out), so that latency can be measured at a size
where embedding every description would take hours (say so with such figures).
With ``--census`` the distinct texts of every organisation are counted (not embedded)
and a whole first build is estimated from the sample's characters per CPU second (the
model's cost grows with the length of a text). Printed: wall and CPU seconds, profiles
per second, distinct texts, the share of cache hits, the store's file size, the RSS of the process
holding the matrix in memory, and the top-20 agreement of float16 and int8 vectors with
float32 over the needs of ``bench/matching/needs.json``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

UNIQUE_WORDS = 6


def rss_mib() -> dict[str, float]:
    """Resident memory of this process now and at its peak (MiB)."""
    status = Path("/proc/self/status").read_text().splitlines()
    out = {}
    for line in status:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss": out.get("VmRSS", 0.0), "peak": out.get("VmHWM", 0.0)}


def german_words() -> list[str]:
    """Frequent German words of at least five letters (the spell checker's list)."""
    from importlib import resources

    path = resources.files("spellchecker") / "resources" / "de.json.gz"
    counts = json.loads(gzip.decompress(path.read_bytes()))
    ranked = sorted((w for w in counts if len(w) >= 5 and w.isalpha()), key=lambda w: -counts[w])
    return ranked[:30_000]


def readers(unique: bool, shared_only: bool) -> type:
    """A ``PieceReader`` that makes descriptions unique or leaves out the unique pieces."""
    from search.vectors.pieces import PieceReader

    words = german_words() if unique else []

    class BenchReader(PieceReader):
        def _pieces(self, row: tuple[Any, ...], related: Any) -> Any:
            if unique and row[3]:
                r = random.Random(row[0])
                sentence = " ".join(
                    words[int(r.random() * len(words))] for _ in range(UNIQUE_WORDS)
                )
                row = (*row[:3], f"{row[3]}\n\n{sentence.capitalize()}.", *row[4:])
            pieces = super()._pieces(row, related)
            if shared_only:
                pieces.groups.pop("name", None)
                pieces.groups.pop("about", None)
            return pieces

    return BenchReader


def memory_store(keep_float32: bool) -> Any:
    """A store in memory (a dict), keeping the float32 vectors for the comparison."""
    from core.embedding import from_bytes
    from search.vectors.store import VectorStore

    class MemoryStore(VectorStore):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[int, tuple[int, bytes]] = {}
            self.float32: dict[int, np.ndarray] = {}

        def write(self, rows: Any) -> None:
            rows = list(rows)
            if keep_float32:
                for pk, _version, vector in rows:
                    self.float32[pk] = np.asarray(vector, dtype=np.float32)
            super().write(rows)

        def _write(self, rows: list[tuple[int, int | None, bytes | None]]) -> None:
            for pk, version, data in rows:
                if version is None or data is None:
                    self.data.pop(pk, None)
                    self.float32.pop(pk, None)
                else:
                    self.data[pk] = (version, data)

        def versions(self, ids: Any = None) -> dict[int, int]:
            if ids is None:
                return {pk: v for pk, (v, _d) in self.data.items()}
            return {pk: self.data[pk][0] for pk in ids if pk in self.data}

        def rows(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
            return {
                pk: (self.data[pk][0], from_bytes(self.data[pk][1]))
                for pk in ids
                if pk in self.data
            }

    return MemoryStore()


def store_bytes(store: Any) -> int | None:
    """The store's size on disk: its file, or the PostgreSQL table with its indexes."""
    path = getattr(store, "path", None)
    if path is not None:
        return path.stat().st_size if path.exists() else None
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_pg_vector')")
        return int(cursor.fetchone()[0])


def timed_build(ids: list[int], store: Any) -> dict[str, Any]:
    from search import vectors

    cpu = time.process_time()
    started = time.perf_counter()
    stats = vectors.build(store, ids)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "profiles": stats.written,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "profiles_per_s": round(stats.written / wall, 1) if wall else 0.0,
        "texts": stats.texts,
        "cached": stats.cached,
        "hit_share": round(stats.cached / stats.texts, 3) if stats.texts else 0.0,
    }


def embedded_chars(ids: list[int], reader_class: type) -> dict[str, int]:
    """Distinct texts of these organisations and their characters, by group."""
    reader = reader_class()
    seen: dict[str, set[str]] = {}
    for start in range(0, len(ids), 2000):
        for pieces in reader.read(ids[start : start + 2000]):
            for group, texts in pieces.groups.items():
                seen.setdefault(group, set()).update(texts)
    return {
        **{f"{g}_texts": len(t) for g, t in seen.items()},
        **{f"{g}_chars": sum(map(len, t)) for g, t in seen.items()},
    }


def _chars(counts: dict[str, Any]) -> int:
    return sum(v for k, v in counts.items() if k.endswith("_chars"))


def agreement(float32: dict[int, np.ndarray], k: int = 20) -> dict[str, float]:
    """Mean share of the float32 top ``k`` that float16 and int8 rows also rank top ``k``,
    over the needs of the evaluation set; and the largest cosine error."""
    from core.embedding import embed
    from sourcing import evaluation

    needs = [n["text"] for n in evaluation.load_needs()]
    queries = embed(needs)
    matrix = np.stack(list(float32.values()))
    half = matrix.astype(np.float16).astype(np.float32)
    scale = np.abs(matrix).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    eight = (np.round(matrix / scale).astype(np.int8).astype(np.float32)) * scale
    exact = matrix @ queries.T
    out: dict[str, float] = {"needs": len(needs), "rows": len(matrix)}
    for name, m in (("float16", half), ("int8", eight)):
        scores = m @ queries.T
        overlaps = []
        for j in range(len(needs)):
            a = set(np.argpartition(-exact[:, j], k)[:k])
            b = set(np.argpartition(-scores[:, j], k)[:k])
            overlaps.append(len(a & b) / k)
        out[f"{name}_top{k}"] = round(float(np.mean(overlaps)), 4)
        out[f"{name}_min_top{k}"] = round(float(np.min(overlaps)), 2)
        out[f"{name}_max_error"] = round(float(np.abs(scores - exact).max()), 5)
    return out


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
        import shutil

        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
        common.prepare(sqlite_path)
    if sqlite_path is not None:
        common.tune_sqlite()
    from core import embedding
    from core.models import TextVector
    from directory import demo
    from search import services, vocabulary
    from search import vectors as vectors_module
    from search.documents import DocumentReader, read_in_chunks

    result: dict[str, Any] = {
        "engine": args.engine,
        "count": args.count,
        "unique": args.unique,
        "sample": args.sample,
        "generate_s": None,
        "index_s": None,
        "loop_10M_s": common.loop_seconds(),
    }
    if not args.reuse:
        started = time.perf_counter()
        demo.generate(count=args.count, seed=1)
        result["generate_s"] = round(time.perf_counter() - started, 1)
    eng = services.engine()
    reader = DocumentReader(vocabulary.analyser())
    ids = reader.published_ids()
    result["published"] = len(ids)
    if not args.reuse or not eng.count():
        started = time.perf_counter()
        eng.rebuild(
            read_in_chunks(reader, ids, chunk=2000, encode=eng.encode), len(ids), lambda _d: None
        )
        result["index_s"] = round(time.perf_counter() - started, 1)
    result["load_before"] = common.machine()["load"]

    vectors_module.PieceReader = readers(args.unique, False)  # type: ignore[misc,assignment]
    if args.sample:
        chosen = sorted(random.Random(7).sample(ids, min(args.sample, len(ids))))
    else:
        chosen = ids
    if args.cold:
        TextVector.objects.all().delete()
        embedding.reset_memory()
    result["cache_rows_before"] = TextVector.objects.count()
    into_generation = not args.sample and not args.fill
    target = eng.vector_store() if into_generation else memory_store(keep_float32=args.compare)
    if into_generation:
        target.clear()
    result["first_build"] = timed_build(chosen, target)
    result["first_build"]["chars"] = embedded_chars(chosen, vectors_module.PieceReader)
    result["first_build"]["load"] = common.machine()["load"]
    if args.census:
        started = time.perf_counter()
        result["census"] = embedded_chars(ids, vectors_module.PieceReader)
        result["census"]["seconds"] = round(time.perf_counter() - started, 1)
        sample_chars = _chars(result["first_build"]["chars"])
        # By CPU seconds: on a busy machine the wall time says more about the others.
        rate = sample_chars / result["first_build"]["cpu_s"]
        result["census"]["estimate_s"] = round(_chars(result["census"]) / rate)
    embedding.reset_memory()  # the rebuild reads the database cache, as a new process does
    rebuilt = memory_store(keep_float32=args.compare)
    result["rebuild"] = timed_build(chosen, rebuilt)
    result["rebuild"]["load"] = common.machine()["load"]
    result["cache_rows_after"] = TextVector.objects.count()
    if args.compare:
        compared: Any = target if not into_generation else rebuilt
        result["quantisation"] = agreement(compared.float32)
        del compared
    del rebuilt
    if args.fill == "shared":
        vectors_module.PieceReader = readers(False, True)  # type: ignore[misc,assignment]
        store = eng.vector_store()
        store.clear()
        result["fill_shared"] = timed_build(ids, store)
        result["fill_shared"]["load"] = common.machine()["load"]
    vectors_module.PieceReader = readers(False, False)  # type: ignore[misc,assignment]
    store = eng.vector_store()
    result["store_bytes"] = store_bytes(store)
    before = rss_mib()
    started = time.perf_counter()
    matrix = store.matrix(force=True)
    result["matrix"] = {
        "rows": len(matrix),
        "load_s": round(time.perf_counter() - started, 1),
        "rss_before_mib": before["rss"],
        "rss_after_mib": rss_mib()["rss"],
        "peak_mib": rss_mib()["peak"],
        "matrix_mib": round(matrix.matrix.nbytes / 2**20, 1),
    }
    result["load_after"] = common.machine()["load"]
    if not (args.keep or args.reuse):
        import shutil

        from django.db import connection

        connection.close()
        if sqlite_path is not None:
            common.remove_sqlite(sqlite_path)
        shutil.rmtree(os.environ["SEARCH_INDEX_DIR"], ignore_errors=True)
    print(json.dumps(result))


def report(result: dict[str, Any]) -> None:
    print(
        f"\n{result.get('engine', 'tantivy')}, {result['count']:,} organisations"
        f" ({result['published']:,} published)"
        + (f", generated in {result['generate_s']} s" if result["generate_s"] else "")
        + (f", index without vectors {result['index_s']} s" if result["index_s"] else "")
        + (", descriptions made unique" if result["unique"] else "")
        + (f", sample of {result['sample']:,}" if result["sample"] else "")
        + f"; loop_10M_s {result['loop_10M_s']}; load {result['load_before']} →"
        f" {result['load_after']}"
    )
    for label in ("first_build", "rebuild", "fill_shared"):
        if label in result:
            b = result[label]
            print(
                f"  {label:12} {b['profiles']:>9,} profiles  {b['wall_s']:>8} s wall"
                f"  {b['cpu_s']:>8} s CPU  {b['profiles_per_s']:>8} /s  texts {b['texts']:,},"
                f" cached {b['cached']:,} ({b['hit_share']:.1%})  load {b['load']}"
            )
    if "chars" in result["first_build"]:
        print(f"  distinct texts and characters: {result['first_build']['chars']}")
    if "census" in result:
        census = result["census"]
        print(
            f"  every organisation: {_chars(census):,} characters in distinct texts; a first"
            f" build at the sample's characters per CPU second: about {census['estimate_s']:,} s"
            f" ({census['estimate_s'] / 3600:.1f} h)  {census}"
        )
    if "quantisation" in result:
        print(f"  quantisation: {result['quantisation']}")
    store = result["store_bytes"]
    print(f"  store file {common.human_bytes(store) if store else '-'}; matrix {result['matrix']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, action="append", help="organisations (repeatable)")
    parser.add_argument("--engine", choices=("tantivy", "postgres"), default="tantivy")
    parser.add_argument("--sample", type=int, default=0, help="vectors of a random sample only")
    parser.add_argument("--unique", action="store_true", help="make every description unique")
    parser.add_argument(
        "--fill", choices=("shared",), help="fill the index's store from shared pieces only"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the piece cache first (a --reuse run would otherwise find it full)",
    )
    parser.add_argument(
        "--census",
        action="store_true",
        help="count the distinct texts of every organisation and estimate a whole first build"
        " from the sample's characters per CPU second",
    )
    parser.add_argument("--compare", action="store_true", help="float16/int8 against float32")
    parser.add_argument("--keep", action="store_true", help="keep database and index")
    parser.add_argument("--reuse", action="store_true", help="use a --keep run's data")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.count = args.count[0]
        child(args)
        return
    print("machine:", common.machine())
    for count in args.count or [10_000]:
        command = [sys.executable, __file__, "--child", "--count", str(count)]
        command += ["--engine", args.engine]
        command += ["--sample", str(args.sample)] if args.sample else []
        command += ["--fill", args.fill] if args.fill else []
        command += [
            f"--{flag}"
            for flag in ("unique", "cold", "census", "compare", "keep", "reuse")
            if getattr(args, flag)
        ]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"the run of {count:,} failed:\n{run.stderr}")
        result = json.loads(run.stdout.strip().splitlines()[-1])
        print(json.dumps(result))
        report(result)


if __name__ == "__main__":
    main()
