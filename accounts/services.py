"""Staff groups: bring the database in line with ``accounts.roles`` and assign people."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .roles import ALL, CUSTOM_PERMISSIONS, ROLES, Grant


@dataclass(frozen=True)
class GroupSetupResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]

    def __str__(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}"
        )


def ensure_permissions(using: str = "default") -> None:
    """Create Django's and our custom permissions for every app before groups refer to them.

    ``post_migrate`` creates each app's permissions when that app's signal fires; the
    groups are set up once for all apps, so they must not depend on signal order.
    """
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for (app_label, model_name, action), name in CUSTOM_PERMISSIONS.items():
        owner = _app_config(app_label)
        if owner is None:
            continue
        model = owner.get_model(model_name)
        content_type = ContentType.objects.db_manager(using).get_for_model(
            model, for_concrete_model=False
        )
        Permission.objects.db_manager(using).get_or_create(
            content_type=content_type, codename=f"{action}_{model_name}", defaults={"name": name}
        )


def _app_config(app_label: str) -> AppConfig | None:
    try:
        return global_apps.get_app_config(app_label)
    except LookupError as exc:
        if global_apps.stored_app_configs:
            # A transactional test narrowed the registry (``available_apps``); the
            # permissions of the apps left out were flushed with it.
            return None
        raise ImproperlyConfigured(f"Role grant names unknown app {app_label!r}") from exc


def _permissions_for_grant(grant: Grant, using: str) -> list[Permission]:
    app_config = _app_config(grant.app_label)
    if app_config is None:
        return []
    if grant.model == "*":
        models = list(app_config.get_models())
    else:
        models = [app_config.get_model(grant.model)]
    content_types = ContentType.objects.db_manager(using).get_for_models(
        *models, for_concrete_models=False
    )
    permissions = (
        Permission.objects.using(using)
        .select_related("content_type")
        .filter(content_type__in=list(content_types.values()))
    )
    if grant.actions == ALL:
        return list(permissions)
    wanted = {f"{action}_{model._meta.model_name}" for model in models for action in grant.actions}
    found = list(permissions.filter(codename__in=wanted))
    missing = wanted - {p.codename for p in found}
    if missing and grant.model != "*":
        raise ImproperlyConfigured(
            f"Role grant {grant} names permissions that do not exist: {sorted(missing)}"
        )
    return found


def role_permissions(role_name: str, using: str = "default") -> set[Permission]:
    role = ROLES[role_name]
    permissions: set[Permission] = set()
    for grant in role.grants:
        permissions.update(_permissions_for_grant(grant, using))
    return permissions


@transaction.atomic
def setup_groups(using: str = "default") -> GroupSetupResult:
    """Create or update every staff group so it has exactly the permissions of its role.

    Idempotent; runs after each ``migrate`` so new models' permissions reach the groups.
    """
    ensure_permissions(using)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for role_name in ROLES:
        group, was_created = Group.objects.using(using).get_or_create(name=role_name)
        wanted = {p.pk for p in role_permissions(role_name, using)}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
        if was_created:
            created.append(role_name)
        elif wanted != current:
            updated.append(role_name)
        else:
            unchanged.append(role_name)
    return GroupSetupResult(created, updated, unchanged)


def _forget_cached_permissions(user: AbstractUser) -> None:
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def grant_role(user: AbstractUser, role_name: str) -> None:
    """Put a person into a staff group; staff status is what lets them into the back office."""
    if role_name not in ROLES:
        raise ValueError(f"Unknown role {role_name!r}; known: {', '.join(ROLES)}")
    group = Group.objects.filter(name=role_name).first()
    if group is None:
        setup_groups()
        group = Group.objects.get(name=role_name)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _forget_cached_permissions(user)


def revoke_role(user: AbstractUser, role_name: str) -> None:
    """Take a person out of a staff group; without any group they lose back-office access."""
    user.groups.remove(*Group.objects.filter(name=role_name))
    if not user.is_superuser and not user.groups.exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    _forget_cached_permissions(user)
