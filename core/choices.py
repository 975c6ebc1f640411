"""Choices shared by the portal's apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What a staff member did, as the audit log (``core.audit``) records it."""

    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    BULK_ACTION = "bulk-action", _("bulk action")
    EXPORT = "export", _("export or download")
    PERMISSIONS = "permissions", _("permissions changed")
    REVIEW = "review", _("review decision")
    LOGIN = "login", _("signed in")
    LOGOUT = "logout", _("signed out")
    LOGIN_FAILED = "login-failed", _("sign-in failed")
    TWO_FACTOR = "two-factor", _("second factor")
    OPERATION = "operation", _("operation")
