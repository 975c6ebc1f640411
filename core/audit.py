"""The audit log of staff actions (``AuditEntry``): who did what to which object, when,
from where (docs/operations/audit-log.md).

Entries are written by ``record`` and by the receivers ``connect`` installs:
the back office's own log (``LogEntry``, written for every add, change and delete
form), its bulk actions (``AuditedActionsMixin``, which the portal's admin site gives
every model admin: one entry per action with the count and the ids), staff sign-ins,
sign-outs and failed sign-ins. Staff views outside the back office call ``record``
themselves. Only staff actions are recorded; field values never are, only names.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse

from .abuse import client_ip
from .choices import AuditAction
from .logs import current_request, request_id
from .models import AuditEntry

# Ids kept per bulk action (the count is always exact).
MAX_IDS = 1000
# Fields whose change is a change of what a user may do.
PERMISSION_FIELDS = {"groups", "user permissions", "staff status", "superuser status", "active"}

# Set while a bulk action runs: the LogEntry rows it writes are part of its one entry.
_in_action: ContextVar[bool] = ContextVar("audit_in_action", default=False)


def is_staff(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)


def record(
    action: str,
    *,
    user: Any = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    force: bool = False,
) -> AuditEntry | None:
    """Record what a staff member did; returns None (and records nothing) for anyone
    else unless ``force`` (a failed sign-in names a staff account, nobody is signed in),
    and within a bulk action of the back office (which records itself, once).
    ``user`` defaults to the request's; the request defaults to the current one."""
    if _in_action.get():
        return None  # inside a bulk action of the back office: its one entry says it
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if not force and not is_staff(user):
        return None
    entry = AuditEntry(
        action=action,
        actor=user if getattr(user, "pk", None) else None,
        actor_name=user.get_username() if user is not None else "",
        summary=summary[:500],
        details=details or {},
        ip=client_ip(request)[:64] if request is not None else "",
        request_id=request_id(request),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    entry.save()
    return entry


def record_many(
    action: str,
    model: type[models.Model],
    ids: list[Any],
    *,
    request: HttpRequest | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """One entry for something done to several objects of one model."""
    request = request if request is not None else current_request()
    user: Any = getattr(request, "user", None)
    if not is_staff(user):
        return None
    entry = AuditEntry(
        action=action,
        actor=user,
        actor_name=user.get_username(),
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_repr=f"{len(ids)} × {model._meta.verbose_name_plural}"[:200],
        summary=summary[:500],
        details={"count": len(ids), "ids": [str(pk) for pk in ids[:MAX_IDS]], **(details or {})},
        ip=client_ip(request)[:64] if request is not None else "",
        request_id=request_id(request),
    )
    entry.save()
    return entry


def delete_expired(now: datetime.datetime) -> int:
    """Entries older than ``AUDIT_RETENTION_DAYS`` (run by ``apply_retention``)."""
    cutoff = now - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    # A queryset's delete: the model refuses deletion one by one.
    return AuditEntry.objects.filter(created__lt=cutoff).delete()[0]


# --- The back office ------------------------------------------------------------------------


def changed_fields(change_message: str) -> dict[str, Any]:
    """Field names from a ``LogEntry``'s JSON change message (never values)."""
    try:
        parts = json.loads(change_message or "[]")
    except ValueError:
        return {}
    found: dict[str, Any] = {}
    for part in parts if isinstance(parts, list) else []:
        for kind, detail in part.items():
            if kind == "changed" and "name" not in detail:
                found.setdefault("fields", []).extend(detail.get("fields", []))
            elif isinstance(detail, dict) and "name" in detail:
                related = str(detail["name"])
                found.setdefault(f"{kind}_related", []).append(
                    related + (f" ({', '.join(detail['fields'])})" if detail.get("fields") else "")
                )
    return found


def _summary(found: dict[str, Any]) -> str:
    labels = {"fields": "fields", "added_related": "added", "changed_related": "changed"}
    labels["deleted_related"] = "deleted"
    return "; ".join(f"{labels.get(k, k)}: {', '.join(map(str, v))}" for k, v in found.items())


def _log_entry_saved(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or _in_action.get():
        return
    action = {
        ADDITION: AuditAction.CREATE,
        CHANGE: AuditAction.CHANGE,
        DELETION: AuditAction.DELETE,
    }.get(instance.action_flag)
    if action is None:
        return
    found = changed_fields(instance.change_message)
    content_type = instance.content_type
    model = content_type.model_class() if content_type is not None else None
    touched = {str(name).lower() for name in found.get("fields", [])}
    if model is get_user_model() and touched & PERMISSION_FIELDS:
        action = AuditAction.PERMISSIONS
    request = current_request()
    user = instance.user
    if not is_staff(user):
        return
    AuditEntry(
        action=action,
        actor=user,
        actor_name=user.get_username(),
        content_type_id=instance.content_type_id,
        object_id=str(instance.object_id or "")[:64],
        object_repr=instance.object_repr[:200],
        summary=_summary(found)[:500],
        details=found,
        ip=client_ip(request)[:64] if request is not None else "",
        request_id=request_id(request),
    ).save()


def audited_action(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A bulk action of the back office that records one entry per run: the action's
    name, how many objects and which. A run that only shows a confirmation page
    (``delete_selected`` before "Yes") records nothing; its confirmed run does."""

    @functools.wraps(func)
    def run(modeladmin: Any, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        ids = list(queryset.values_list("pk", flat=True))
        token = _in_action.set(True)
        try:
            response = func(modeladmin, request, queryset)
        finally:
            _in_action.reset(token)
        if isinstance(response, TemplateResponse):
            return response
        download = isinstance(response, HttpResponseBase) and "attachment" in response.get(
            "Content-Disposition", ""
        )
        record_many(
            AuditAction.EXPORT if download else AuditAction.BULK_ACTION,
            queryset.model,
            ids,
            request=request,
            summary=str(getattr(func, "short_description", name)),
            details={"action": name},
        )
        return response

    return run


class AuditedActionsMixin:
    """Wraps every bulk action a model admin offers in ``audited_action``: its own, the
    site's ("delete selected") and those a subclass adds in ``get_actions``."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        found: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        return {name: (audited_action(func, name), *rest) for name, (func, *rest) in found.items()}


# --- Sign-in ------------------------------------------------------------------------------


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(AuditAction.LOGIN, user=user, request=request, obj=user)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, user=user, request=request, obj=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed password for a staff account (what was typed for anyone else, possibly a
    password in the wrong field, is not kept)."""
    model = get_user_model()
    name = credentials.get(model.USERNAME_FIELD) or credentials.get("username")
    if not isinstance(name, str):
        return
    user = model._default_manager.filter(**{model.USERNAME_FIELD: name}).first()
    if user is not None and user.is_staff:
        record(AuditAction.LOGIN_FAILED, user=user, request=request, obj=user, force=True)


def connect() -> None:
    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid="core.audit.log_entry")
    user_logged_in.connect(_logged_in, dispatch_uid="core.audit.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="core.audit.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="core.audit.login_failed")
