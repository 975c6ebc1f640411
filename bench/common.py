"""Shared set-up of the benchmarks: a fresh database per run, reference data, machine facts.

Every measured run happens in its own Python process on its own new database, so a
run never profits from caches a previous one warmed. The database is configured
through ``DATABASE_URL`` before Django starts, exactly as a deployment does it.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TEMPLATE = OUT / "reference-template.sqlite3"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/clusterportal_bench"
# Only for benchmark databases: no fsync (a crash may corrupt the file, which is thrown
# away anyway) and a 1 GiB page cache. The portal itself runs with settings.py's PRAGMAs.
SQLITE_PRAGMAS = (
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-1048576",
    "PRAGMA temp_store=MEMORY",
)


def sqlite_files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def remove_sqlite(path: Path) -> None:
    for file in sqlite_files(path):
        file.unlink(missing_ok=True)


def postgres_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark database (never the portal's own)."""
    import psycopg

    base, _, name = url.rpartition("/")
    if not name.startswith("clusterportal_bench"):
        raise SystemExit(
            f"refusing to recreate {name!r}: benchmark databases are clusterportal_bench*"
        )
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _environment() -> None:
    """What every benchmark process sets before Django starts."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterportal.settings"
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Generator batches and imports queue index updates: a benchmark times the writing
    # alone and leaves the portal's own index alone (bench/search.py builds its own).
    os.environ.setdefault("SEARCH_AUTO_UPDATE", "0")


def reuse(database: str, name: str) -> Path | None:
    """Point Django at the database a ``--keep`` run left; stop if there is none."""
    _environment()
    if database == "postgres":
        os.environ["DATABASE_URL"] = postgres_url()
        path = None
    else:
        path = OUT / f"{name}.sqlite3"
        if not path.exists():
            raise SystemExit(f"nothing to reuse: {path} is missing (run once with --keep)")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    return path


def configure(database: str, name: str) -> Path | None:
    """Point Django at a new, empty benchmark database; return the SQLite file if any."""
    _environment()
    OUT.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        url = postgres_url()
        recreate_postgres(url)
        os.environ["DATABASE_URL"] = url
        return None
    path = OUT / f"{name}.sqlite3"
    remove_sqlite(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return path


def _template_is_current() -> bool:
    if not TEMPLATE.is_file():
        return False
    built = TEMPLATE.stat().st_mtime
    sources = [*ROOT.glob("*/migrations/*.py"), *ROOT.glob("*/services.py")]
    return all(source.stat().st_mtime < built for source in sources)


def prepare(sqlite_path: Path | None) -> None:
    """Migrate and import the reference data (copied from a template file for SQLite)."""
    import django
    from django.core.management import call_command

    if sqlite_path is not None and _template_is_current():
        shutil.copyfile(TEMPLATE, sqlite_path)
        django.setup()
        call_command("migrate", verbosity=0, skip_checks=True)
        return
    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("import_reference_data", "--no-progress", verbosity=0, skip_checks=True)
    if sqlite_path is not None:
        from django.db import connection

        connection.close()
        with sqlite3.connect(sqlite_path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(sqlite_path, TEMPLATE)


def tune_sqlite() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)


def database_size(sqlite_path: Path | None) -> int:
    from django.db import connection

    if sqlite_path is not None:
        return sum(f.stat().st_size for f in sqlite_files(sqlite_path) if f.exists())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


@functools.lru_cache(maxsize=1)
def loop_seconds() -> float:
    """Seconds for ten million additions in a Python loop (best of three): the machine's
    single-core speed, so that figures of different machines can be told apart. The
    machines of this project differ by up to two times (docs/performance.md)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best, 2)


def machine() -> dict[str, Any]:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        total_kib = int(meminfo.read_text().split()[1])
        memory = f"{total_kib / 1024 / 1024:.0f} GiB"
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else [],
        "loop_10M_s": loop_seconds(),
    }


def run_child(script: Path, args: list[str], timeout: int | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh Python process; it prints one JSON line last."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), "--child", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{script.name} {' '.join(args)} failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    return result


def human_bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GiB"
