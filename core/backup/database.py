"""Copying the database out and back in: SQLite by its online backup API, PostgreSQL by
``pg_dump``/``pg_restore``. Both are safe while the portal runs; a restore is not (stop
the web and task workers first, docs/operations/backup.md)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.progress import Progress

from .manifest import BackupError

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
# SQLite pages copied per step of the online backup (4 KiB each): the progress unit.
SQLITE_STEP_PAGES = 16384


def file_name() -> str:
    return SQLITE_FILE if connection.vendor == "sqlite" else POSTGRES_FILE


def check_vendor() -> None:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )


# -- what a database holds -----------------------------------------------------------------


def _table_counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def sqlite_contents(path: Path) -> tuple[dict[str, int], list[str]]:
    """Rows per table and applied migrations of the SQLite file at ``path``."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = db.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        return _table_counts(cursor, tables, quote), _migrations(cursor)
    finally:
        db.close()


def live_contents() -> tuple[dict[str, int], list[str]]:
    """Rows per table and applied migrations of the portal's database now."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _table_counts(cursor, tables, connection.ops.quote_name), _migrations(cursor)


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite_copy(
    source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress, label: str
) -> None:
    def step(status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total, label)

    source.backup(target, pages=SQLITE_STEP_PAGES, progress=step)


def dump_sqlite(target: Path, progress: Progress) -> tuple[dict[str, int], list[str]]:
    """Copy the live database into the file ``target`` (a consistent snapshot even while
    the portal writes), and say what the copy holds."""
    if connection.in_atomic_block:
        # SQLite's backup API waits for ever on a database its own connection is writing.
        raise BackupError(_("A backup cannot run inside a database transaction."))
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        _sqlite_copy(connection.connection, copy, progress, _("Database"))
        # One self-contained file (the live database's WAL mode would come with the copy).
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    return sqlite_contents(target)


def load_sqlite(source: Path, progress: Progress) -> None:
    """Replace the whole live database with the file ``source`` (schema and rows)."""
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a database transaction."))
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _sqlite_copy(backup, connection.connection, progress, _("Database"))
    except sqlite3.Error as exc:
        raise BackupError(
            _("The database could not be replaced (%(error)s). Stop the portal and try again.")
            % {"error": exc}
        ) from exc
    finally:
        backup.close()


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The connection arguments and environment for ``pg_dump``/``pg_restore`` from the
    portal's own database settings (the password through ``PGPASSWORD``)."""
    db = connection.settings_dict
    args = [program, "--no-password", f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _(
                "%(program)s was not found. Install the PostgreSQL client programs of the "
                "server's version (Debian: apt-get install postgresql-client)."
            )
            % {"program": args[0]}
        ) from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(
            _("%(program)s failed (exit status %(status)s): %(error)s")
            % {
                "program": args[0],
                "status": done.returncode,
                "error": " ".join(lines[-5:]) or _("no message"),
            }
        )
    return done.stdout


@contextmanager
def _snapshot() -> Iterator[str | None]:
    """A transaction whose snapshot ``pg_dump --snapshot`` shares, so that the counts in
    the manifest are those of the dump even while the portal writes. None inside a
    transaction already begun (then the counts are taken just before the dump)."""
    if connection.in_atomic_block:
        yield None
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield str(cursor.fetchone()[0])


def dump_postgres(target: Path, progress: Progress) -> tuple[dict[str, int], list[str]]:
    label = _("Database")
    progress(0, 1, label)
    args, env = _pg_command("pg_dump")
    with _snapshot() as snapshot:
        contents = live_contents()
        if snapshot:
            args.append(f"--snapshot={snapshot}")
        _run([*args, "--format=custom", f"--file={target}"], env)
    progress(1, 1, label)
    return contents


def _dump_tables(source: Path) -> set[str]:
    """The tables the dump creates (from its table of contents)."""
    args, env = _pg_command("pg_restore")
    listing = _run([args[0], "--list", str(source)], env)
    return set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.M))


def load_postgres(source: Path, progress: Progress) -> None:
    """Replace the database's tables with the dump's, in one transaction: a dump that
    fails half-way leaves the database as it was.

    Tables of the current code that the dump lacks (added by a later version) are dropped
    in the same transaction, before the dump's own tables are replaced (a new table may
    point at an old one, whose key the restore replaces), so that ``migrate`` creates them
    as it would for the backup's version."""
    label = _("Database")
    progress(0, 1, label)
    in_dump = _dump_tables(source)
    ours = set(connection.introspection.django_table_names(only_existing=True))
    newer = sorted(ours - in_dump)
    connection.close()
    args, env = _pg_command("pg_restore")
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
    if not newer:
        _run([*args, *options, "--single-transaction", "--exit-on-error", str(source)], env)
    else:
        with tempfile.TemporaryDirectory(prefix="clusterportal-restore-") as folder:
            script = Path(folder) / "restore.sql"
            _run([args[0], *options, f"--file={script}", str(source)], env)
            psql, _env = _pg_command("psql")
            drops = "; ".join(
                f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE"
                for table in newer
            )
            _run(
                [*psql, "--single-transaction", "--quiet", "--set=ON_ERROR_STOP=1",
                 f"--command={drops}", f"--file={script}"],
                env,
            )  # fmt: skip
    progress(1, 1, label)


def dump(target: Path, progress: Progress) -> tuple[dict[str, int], list[str]]:
    if connection.vendor == "sqlite":
        return dump_sqlite(target, progress)
    return dump_postgres(target, progress)


def load(source: Path, progress: Progress) -> None:
    if connection.vendor == "sqlite":
        load_sqlite(source, progress)
    else:
        load_postgres(source, progress)
