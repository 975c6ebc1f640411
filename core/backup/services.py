"""Backing up and restoring the portal: the database, the uploaded files and a manifest.

``create_backup`` serves ``manage.py backup`` (and cron), ``restore_backup`` serves
``manage.py restore``, ``last_backup`` the staff status page. The search index and the
organisation vectors are not copied: a restore rebuilds them from the restored data and
proves with the drift check that they agree (docs/operations/backup.md).
"""

from __future__ import annotations

import io
import shutil
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command, load_command_class
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from core.progress import Progress, silent

from . import database, files, manifest
from .manifest import BackupError, BackupInfo

# What the manifest and the refusal to overwrite name: label → model.
SUMMARY_MODELS = (("organisations", "directory.Organisation"), ("users", settings.AUTH_USER_MODEL))
# Half-written backups of crashed runs older than this are removed by the next run.
STALE_PARTIAL = timedelta(days=1)

Say = Callable[[str], None]


def _quiet(message: str) -> None:
    """Say nothing."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Restored:
    path: Path
    manifest: dict[str, Any]
    unknown_folders: list[str]
    log: str


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def portal_version() -> str:
    try:
        project = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
        return str(project["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _summary(counts: dict[str, int]) -> dict[str, int]:
    result = {}
    for label, model in SUMMARY_MODELS:
        try:
            table = apps.get_model(model)._meta.db_table
        except LookupError:
            continue
        result[label] = counts.get(table, 0)
    return result


def _new_name(folder: Path) -> str:
    name = manifest.NAME_PREFIX + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate, n = name, 1
    while (folder / candidate).exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def create_backup(
    target: Path | None = None,
    keep: int | None = None,
    progress: Progress = silent,
    say: Say = _quiet,
) -> Backup:
    """Write a complete backup into a new folder of ``target`` (``BACKUP_DIR``), then
    remove all but the newest ``keep`` (``BACKUP_KEEP``; 0 keeps all).

    Everything is written under a hidden temporary name and renamed when complete, so a
    failed or killed run never leaves something that looks like a good backup."""
    database.check_vendor()
    folder = Path(target) if target is not None else backup_dir()
    keep = settings.BACKUP_KEEP if keep is None else keep
    started = time.monotonic()
    name = _new_name(folder)
    partial = folder / f".partial-{name}"
    try:
        partial.mkdir(parents=True)
        say(_("Copying the database (%(vendor)s) …") % {"vendor": connection.vendor})
        db_file = database.file_name()
        counts, migrations = database.dump(partial / db_file, progress)
        say(_("Copying the uploaded files …"))
        file_dirs = files.pack(partial / files.ARCHIVE, progress)
        say(_("Computing checksums …"))
        listed = {
            n: {"size": (partial / n).stat().st_size, "sha256": manifest.sha256(partial / n)}
            for n in (db_file, files.ARCHIVE)
        }
        data = {
            "created": datetime.now(UTC).isoformat(),
            "seconds": round(time.monotonic() - started, 2),
            "portal_version": portal_version(),
            "database": {
                "vendor": connection.vendor,
                "engine": connection.settings_dict["ENGINE"],
                "file": db_file,
            },
            "search_engine": settings.SEARCH_ENGINE,
            "summary": _summary(counts),
            "counts": counts,
            "migrations": migrations,
            "file_dirs": file_dirs,
            "files": listed,
        }
        manifest.write(partial, data)
        final = folder / name
        partial.rename(final)
    except (BackupError, OSError, DatabaseError) as exc:
        shutil.rmtree(partial, ignore_errors=True)
        message = str(exc) if isinstance(exc, BackupError) else f"{exc.__class__.__name__}: {exc}"
        manifest.record_failure(folder, folder / name, message)
        if isinstance(exc, BackupError):
            raise
        raise BackupError(
            _("The backup failed: %(error)s. Nothing was kept.") % {"error": message}
        ) from exc
    manifest.clear_failure(folder)
    pruned = prune(folder, keep)
    return Backup(path=final, manifest=data, pruned=pruned)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` complete backups (none when ``keep`` is 0), and
    temporary folders of runs that died more than a day ago."""
    removed = []
    if keep > 0:
        for path, _data in manifest.backups(folder)[:-keep]:
            shutil.rmtree(path)
            removed.append(path)
    cutoff = time.time() - STALE_PARTIAL.total_seconds()
    for path in folder.glob(".partial-*"):
        if path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
    return removed


def last_backup(folder: Path | None = None) -> BackupInfo | None:
    """The newest backup in ``BACKUP_DIR``, or the failure of a later attempt (``ok``
    false), or None when there has been neither. Reads the manifests only: cheap."""
    folder = folder or backup_dir()
    found = manifest.backups(folder)
    good = manifest.info(*found[-1]) if found else None
    failed = manifest.failure(folder)
    if failed and (good is None or failed.created > good.created):
        return failed
    return good


# -- restore ---------------------------------------------------------------------------------


def _backup_folder(path: Path) -> Path:
    path = Path(path)
    return path.parent if path.name == manifest.MANIFEST else path


def check(path: Path) -> tuple[Path, dict[str, Any]]:
    """Everything a restore checks before it touches anything: that ``path`` is a backup
    of the portal, intact, of this database's kind and of no newer version."""
    folder = _backup_folder(path)
    data = manifest.read(folder)
    manifest.verify(folder, data)
    vendor = data["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _(
                "This backup holds a %(backup)s database, but the portal runs on %(current)s. "
                "A backup restores only into the same kind of database."
            )
            % {"backup": vendor, "current": connection.vendor}
        )
    # A migration of one of this portal's apps that its code does not have.
    loader = MigrationLoader(None, load=False)
    loader.load_disk()
    on_disk = loader.disk_migrations
    known = {f"{app}.{name}" for app, name in on_disk}
    own_apps = {app for app, _name in on_disk}
    newer = sorted(
        m for m in data["migrations"] if m.split(".", 1)[0] in own_apps and m not in known
    )
    if newer:
        raise BackupError(
            _(
                "This backup was made by a newer version of the portal (%(version)s; "
                "migrations unknown here: %(names)s). Update the portal first."
            )
            % {"version": data["portal_version"], "names": ", ".join(newer[:5])}
        )
    return folder, data


def holdings() -> dict[str, int]:
    """What the live database holds that a restore would replace (users, organisations);
    empty for a new database."""
    table_names = set(connection.introspection.table_names())
    held = {}
    with connection.cursor() as cursor:
        for label, model in SUMMARY_MODELS:
            try:
                table = apps.get_model(model)._meta.db_table
            except LookupError:
                continue
            if table not in table_names:
                continue
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            count = int(cursor.fetchone()[0])
            if count:
                held[label] = count
    return held


def _search_command(name: str) -> Any:
    """The search's own command, by name: ``core`` sits below ``search`` and imports
    none of it (docs/development/architecture.md)."""
    return load_command_class("search", name)


def restore_backup(
    path: Path, overwrite: bool = False, progress: Progress = silent, say: Say = _quiet
) -> Restored:
    """Replace the database and the uploaded files with the backup at ``path``, bring the
    schema up to this version (``migrate``), rebuild the search index and the vectors,
    and prove with the drift check that they agree with the restored data.

    Refuses, before changing anything, a damaged or foreign backup, and a database that
    holds data unless ``overwrite``."""
    database.check_vendor()
    say(_("Checking the backup …"))
    folder, data = check(path)
    held = holdings()
    if held and not overwrite:
        raise BackupError(
            _(
                "The database is not empty (%(held)s). A restore replaces everything in it "
                "with the backup of %(created)s. Run again with --yes to do so."
            )
            % {
                "held": ", ".join(f"{count:,} {label}" for label, count in held.items()),
                "created": data["created"],
            }
        )
    say(_("Restoring the database …"))
    database.load(folder / data["database"]["file"], progress)
    counts, _migrations = database.live_contents()
    differing = sorted(t for t, n in data["counts"].items() if counts.get(t) != n)
    if differing:
        raise BackupError(
            _("The restored database differs from the backup in the tables %(tables)s.")
            % {"tables": ", ".join(differing[:10])}
        )
    say(_("Restoring the uploaded files …"))
    unknown = files.unpack(folder / files.ARCHIVE, list(data["file_dirs"]), progress)
    log = io.StringIO()
    say(_("Bringing the database up to this version (migrate) …"))
    call_command("migrate", interactive=False, verbosity=1, stdout=log)
    say(_("Rebuilding the search index and the vectors …"))
    call_command(_search_command("rebuild_search_index"), "--no-progress", stdout=log, stderr=log)
    say(_("Comparing the search index with the database …"))
    try:
        call_command(_search_command("check_search_index"), "--no-progress", stdout=log, stderr=log)
    except CommandError as exc:
        raise BackupError(
            _(
                "The data is restored, but the search index still differs from it (%(error)s). "
                "Run manage.py check_search_index --repair."
            )
            % {"error": exc}
        ) from exc
    return Restored(path=folder, manifest=data, unknown_folders=unknown, log=log.getvalue())
