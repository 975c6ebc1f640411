"""The manifest of a backup: what it holds, made by what, and the checksums that prove it.

A backup is a folder ``clusterportal-<UTC time>`` in ``BACKUP_DIR`` with the database
(``database.sqlite3`` or ``database.dump``), the uploaded files (``files.tar``) and
``manifest.json``. The manifest is written last and the folder gets its name only after
it: a folder with a manifest is a complete backup; anything else is not one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

FORMAT = "clusterportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NAME_PREFIX = "clusterportal-"
NAME_PATTERN = re.compile(r"^clusterportal-\d{8}-\d{6}(-\d+)?$")
# Where a failed run says so, for the status page (the newest backup stays the good one).
FAILURE_RECORD = "last-failure.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupInfo:
    """The last backup, as a status page shows it: when, where, how big, and whether the
    last attempt succeeded (``ok`` false: ``error`` says why, ``path`` is the target)."""

    path: Path
    created: datetime
    size: int
    ok: bool
    vendor: str = ""
    error: str = ""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _own_checksum(data: dict[str, Any]) -> str:
    """A checksum of the manifest itself (without this field), so that a damaged or
    edited manifest is found as surely as a damaged database file."""
    body = {key: value for key, value in data.items() if key != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def write(folder: Path, data: dict[str, Any]) -> None:
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, **data}
    data["manifest_sha256"] = _own_checksum(data)
    path = folder / MANIFEST
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


def read(folder: Path) -> dict[str, Any]:
    """The manifest of the backup in ``folder``, checked to be one of ours and intact
    (not the files it lists: ``verify`` checks those)."""
    path = folder / MANIFEST
    if not folder.is_dir() or not path.is_file():
        raise BackupError(
            _("%(path)s is not a backup of the portal: it has no manifest.json.") % {"path": folder}
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(
            _("The manifest of %(path)s cannot be read (%(error)s); the backup is damaged.")
            % {"path": folder, "error": exc.__class__.__name__}
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(_("%(path)s is not a backup of the portal.") % {"path": folder})
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("%(path)s was written in backup format %(version)s, which this version cannot read.")
            % {"path": folder, "version": data.get("format_version")}
        )
    if data.get("manifest_sha256") != _own_checksum(data):
        raise BackupError(
            _("The manifest of %(path)s does not match its checksum; the backup is damaged.")
            % {"path": folder}
        )
    return data


def verify(folder: Path, data: dict[str, Any]) -> None:
    """Every file the manifest lists is there, of its size and checksum."""
    for name, expected in data["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(
                _("The backup %(path)s lacks its file %(name)s.") % {"path": folder, "name": name}
            )
        if path.stat().st_size != expected["size"] or sha256(path) != expected["sha256"]:
            raise BackupError(
                _(
                    "The file %(name)s of the backup %(path)s does not match its checksum; "
                    "the backup is damaged. Nothing was restored."
                )
                % {"path": folder, "name": name}
            )


def backups(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The complete backups in ``folder``, oldest first (unreadable ones left out)."""
    found = []
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        if not NAME_PATTERN.match(path.name) or not (path / MANIFEST).is_file():
            continue
        try:
            found.append((path, read(path)))
        except BackupError:
            continue
    return sorted(found, key=lambda item: (item[1]["created"], item[0].name))


def info(path: Path, data: dict[str, Any]) -> BackupInfo:
    return BackupInfo(
        path=path,
        created=datetime.fromisoformat(data["created"]),
        size=sum(int(f["size"]) for f in data["files"].values()),
        ok=True,
        vendor=data["database"]["vendor"],
    )


def record_failure(folder: Path, target: Path, error: str) -> None:
    record = {"created": datetime.now(UTC).isoformat(), "path": str(target), "error": error}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / FAILURE_RECORD).write_text(json.dumps(record), encoding="utf-8")
    except OSError:
        pass  # the folder itself is what failed; the command's exit status tells


def clear_failure(folder: Path) -> None:
    (folder / FAILURE_RECORD).unlink(missing_ok=True)


def failure(folder: Path) -> BackupInfo | None:
    try:
        record = json.loads((folder / FAILURE_RECORD).read_text(encoding="utf-8"))
        return BackupInfo(
            path=Path(record["path"]),
            created=datetime.fromisoformat(record["created"]),
            size=0,
            ok=False,
            error=str(record["error"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
