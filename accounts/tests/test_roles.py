"""Staff groups exist after migrate with the permissions their role promises."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.roles import ADMINISTRATOR, EDITOR, EXPERT, Grant, Role
from accounts.services import grant_role, revoke_role, setup_groups

pytestmark = pytest.mark.django_db


def group_perms(name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_migrate_created_the_three_staff_groups() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITOR, EXPERT, ADMINISTRATOR}


def test_editor_curates_organisations_but_does_not_delete_them() -> None:
    perms = group_perms(EDITOR)
    assert {
        "directory.view_organisation",
        "directory.add_organisation",
        "directory.change_organisation",
        "directory.delete_contactperson",
        "directory.delete_site",
        "directory.add_tag",
        "classification.view_wzcode",
        "classification.view_technology",
        "geo.view_district",
    } <= perms
    assert "directory.delete_organisation" not in perms
    assert "directory.delete_tag" not in perms
    assert not {p for p in perms if p.startswith(("classification.", "geo."))} - {
        p for p in perms if ".view_" in p
    }
    assert not {p for p in perms if p.startswith("auth.")}


def test_expert_views_everything_and_classifies_but_adds_and_deletes_nothing() -> None:
    perms = group_perms(EXPERT)
    directory_models = [m._meta.model_name for m in apps.get_app_config("directory").get_models()]
    assert {f"directory.view_{name}" for name in directory_models} <= perms
    assert "directory.classify_organisation" in perms
    assert not {p for p in perms if ".add_" in p or ".delete_" in p or ".change_" in p}


def test_administrator_has_every_permission_of_the_project_and_manages_staff() -> None:
    perms = group_perms(ADMINISTRATOR)
    project = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=roles.PROJECT_APPS
        ).select_related("content_type")
    }
    assert project <= perms
    assert "directory.delete_organisation" in perms
    assert "classification.change_wzcode" in perms
    assert {"auth.add_user", "auth.change_user", "auth.delete_user", "auth.change_group"} <= perms


def test_every_app_of_the_project_is_given_to_the_administrator() -> None:
    """A new app must be added to PROJECT_APPS, or nobody but superusers could manage it."""
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(config.path).parts
    }
    assert {"directory", "accounts"} <= ours
    assert ours <= set(roles.PROJECT_APPS)


def test_editors_and_administrators_may_import_experts_may_not() -> None:
    """Importing needs add and change of organisations (directory.admin_import)."""
    import_perms = ["directory.add_organisation", "directory.change_organisation"]
    people = {}
    for role in (EDITOR, EXPERT, ADMINISTRATOR):
        people[role] = User.objects.create_user(role.lower(), password="x" * 16)
        grant_role(people[role], role)

    assert people[EDITOR].has_perms(import_perms)
    assert people[ADMINISTRATOR].has_perms(import_perms)
    assert not people[EXPERT].has_perms(import_perms)


def test_grant_role_lets_a_person_in_and_revoke_role_takes_them_out() -> None:
    user = User.objects.create_user("neu", password="x" * 16)
    assert not user.is_staff

    grant_role(user, EDITOR)
    user = User.objects.get(pk=user.pk)
    assert user.is_staff
    assert user.has_perm("directory.change_organisation")

    revoke_role(user, EDITOR)
    user = User.objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.has_perm("directory.change_organisation")

    with pytest.raises(ValueError):
        grant_role(user, "Praktikant")


def test_setup_groups_command_restores_permissions_changed_by_hand() -> None:
    editor = Group.objects.get(name=EDITOR)
    editor.permissions.remove(Permission.objects.get(codename="change_organisation"))
    editor.permissions.add(Permission.objects.get(codename="delete_organisation"))
    out = StringIO()

    call_command("setup_groups", stdout=out)

    assert "updated 1" in out.getvalue()
    perms = group_perms(EDITOR)
    assert "directory.change_organisation" in perms
    assert "directory.delete_organisation" not in perms


def test_setup_groups_is_idempotent() -> None:
    before = {name: group_perms(name) for name in roles.ROLES}

    result = setup_groups()

    assert result.created == [] and result.updated == []
    assert sorted(result.unchanged) == sorted(roles.ROLES)
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)
    assert {name: group_perms(name) for name in roles.ROLES} == before


def test_setup_groups_creates_a_deleted_group_again() -> None:
    Group.objects.filter(name=EXPERT).delete()

    result = setup_groups()

    assert result.created == [EXPERT]
    assert "directory.classify_organisation" in group_perms(EXPERT)


def test_setup_groups_command_lists_permissions() -> None:
    out = StringIO()
    call_command("setup_groups", "--list", stdout=out)
    text = out.getvalue()
    assert "directory.classify_organisation" in text
    assert "auth.delete_user" in text


def test_a_grant_naming_an_unknown_permission_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = Role(
        "Broken",
        gettext_lazy("Broken"),
        gettext_lazy("Typo"),
        (Grant("directory", "organisation", ("publsh",)),),
    )
    monkeypatch.setitem(roles.ROLES, "Broken", broken)
    with pytest.raises(ImproperlyConfigured, match="publsh_organisation"):
        setup_groups()
