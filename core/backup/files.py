"""The uploaded files: every folder a ``SettingDirStorage`` writes to (and ``MEDIA_ROOT``),
packed into one tar file whose top folders are the settings' names, so that a restore
puts each back where the current settings say, wherever that is now."""

from __future__ import annotations

import shutil
import tarfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.progress import Progress

from .manifest import BackupError

ARCHIVE = "files.tar"
# Settings naming folders of uploaded files. A test checks that every file field's
# storage folder is among them, so that a new kind of upload cannot be forgotten.
FILE_DIR_SETTINGS = (
    "INQUIRY_ATTACHMENT_DIR",
    "NETWORK_DOCUMENT_DIR",
    "EVENT_DOCUMENT_DIR",
    "NEWS_IMAGE_DIR",
    "MEDIA_ROOT",
)


def folders() -> dict[str, Path]:
    return {name: Path(getattr(settings, name)) for name in FILE_DIR_SETTINGS}


def pack(target: Path, progress: Progress) -> dict[str, dict[str, int]]:
    """Write every file of the upload folders into the tar file ``target``; per setting,
    the number of files and their bytes."""
    label = _("Files")
    found = {
        name: sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        for name, folder in folders().items()
    }
    total = sum(len(paths) for paths in found.values())
    done = 0
    summary: dict[str, dict[str, int]] = {}
    progress(0, total, label)
    with tarfile.open(target, "w") as tar:
        for name, paths in found.items():
            folder = folders()[name]
            if folder.is_dir():
                tar.add(folder, arcname=name, recursive=False)
            size = 0
            for path in paths:
                tar.add(path, arcname=f"{name}/{path.relative_to(folder).as_posix()}")
                size += path.stat().st_size
                done += 1
                if done % 200 == 0:
                    progress(done, total, label)
            summary[name] = {"files": len(paths), "bytes": size}
    progress(total, total, label)
    return summary


def _extract(tar: tarfile.TarFile, members: list[tarfile.TarInfo], into: Path) -> None:
    kwargs: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    tar.extractall(into, members=members, **kwargs)


def unpack(source: Path, names: list[str], progress: Progress) -> list[str]:
    """Replace each folder named in ``names`` by its copy in the archive (emptied when the
    backup held no files for it). A folder is swapped in whole, after its files are
    unpacked beside it. Returns the settings the current portal no longer has."""
    label = _("Files")
    current = folders()
    unknown = [name for name in names if name not in current]
    wanted = [name for name in names if name in current]
    with tarfile.open(source, "r") as tar:
        members = tar.getmembers()
        for done, name in enumerate(wanted):
            progress(done, len(wanted), label)
            folder = current[name]
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = folder.parent / f".{folder.name}.restoring-{uuid.uuid4().hex[:8]}"
            staging.mkdir()
            try:
                own = [m for m in members if m.name == name or m.name.startswith(name + "/")]
                _extract(tar, own, staging)
                unpacked = staging / name
                unpacked.mkdir(exist_ok=True)
                old = folder.parent / f".{folder.name}.old-{uuid.uuid4().hex[:8]}"
                if folder.exists():
                    folder.rename(old)
                unpacked.rename(folder)
                shutil.rmtree(old, ignore_errors=True)
            except (OSError, tarfile.TarError) as exc:
                raise BackupError(
                    _("The files of %(setting)s could not be restored into %(folder)s: %(error)s")
                    % {"setting": name, "folder": folder, "error": exc}
                ) from exc
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        progress(len(wanted), len(wanted), label)
    return unknown
