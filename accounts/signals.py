"""Keep the staff groups in line with ``accounts.roles`` after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import router

from .services import setup_groups


def setup_groups_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """Runs once per migrate (sender is this app) and after a test flush re-emits the signal."""
    if not router.allow_migrate_model(using, Group):
        return
    setup_groups(using=using)
