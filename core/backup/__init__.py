"""Backups of the portal (database, uploaded files, manifest) and their restore."""

from .manifest import BackupError, BackupInfo
from .services import Backup, Restored, create_backup, last_backup, prune, restore_backup

__all__ = [
    "Backup",
    "BackupError",
    "BackupInfo",
    "Restored",
    "create_backup",
    "last_backup",
    "prune",
    "restore_backup",
]
