"""The audit log of staff actions: the back office's forms and bulk actions, staff
views outside it, sign-ins; one entry each, with the right actor and object; nothing
for what others do; read-only in the back office; removed after its retention."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import ADMINISTRATOR, EDITOR
from accounts.services import grant_role
from content.tests.events.factories import EventFactory, RegistrationFactory
from core.audit import AuditedActionsMixin
from core.choices import AuditAction
from core.models import AuditEntry
from core.testing import sign_in
from directory import actions
from directory.choices import PublicationStatus
from directory.models import Organisation, Tag
from directory.tests.factories import OrganisationFactory
from directory.tests.test_admin import submitted_form
from networks.tests.factories import NetworkFactory
from sourcing.models import Posting, PostingStatus
from sourcing.tests.postings_factories import PostingFactory, editor_of

pytestmark = pytest.mark.django_db

PASSWORD = "Thueringen-2024!"


def staff(name: str, role: str = EDITOR) -> tuple[Client, User]:
    user = User.objects.create_user(name, f"{name}@agentur.example", PASSWORD)
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client, user


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since).order_by("pk"))


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_change_in_the_back_office_leaves_one_entry_naming_the_changed_fields() -> None:
    client, user = staff("redaktion")
    tag = Tag.objects.create(name="Laser", slug="laser")
    before = last_pk()

    response = client.post(
        reverse("admin:directory_tag_change", args=[tag.pk]),
        {"name": "Laser", "slug": "lasertechnik", "_save": "Sichern"},
        REMOTE_ADDR="192.0.2.7",
    )

    assert response.status_code == 302
    [entry] = new_entries(before)
    assert entry.action == AuditAction.CHANGE
    assert (entry.actor, entry.actor_name) == (user, "redaktion")
    assert entry.content_type == ContentType.objects.get_for_model(Tag)
    assert (entry.object_id, entry.object_repr) == (str(tag.pk), "Laser")
    assert entry.details["fields"] == ["Slug"]
    assert "lasertechnik" not in entry.summary  # names, never values
    assert entry.ip == "192.0.2.7"
    assert entry.request_id == response["X-Request-ID"]


def test_a_bulk_action_leaves_one_entry_with_the_count_and_the_ids() -> None:
    client, user = staff("redaktion")
    drafts = OrganisationFactory.create_batch(3, status=PublicationStatus.DRAFT)
    before = last_pk()

    response = client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "publish", "_selected_action": [o.pk for o in drafts[:2]]},
    )

    assert response.status_code == 302
    [entry] = new_entries(before)
    assert entry.action == AuditAction.BULK_ACTION and entry.actor == user
    assert entry.content_type == ContentType.objects.get_for_model(Organisation)
    assert entry.details["action"] == "publish"
    assert entry.details["count"] == 2
    assert sorted(entry.details["ids"]) == sorted(str(o.pk) for o in drafts[:2])


def test_delete_selected_records_the_confirmed_deletion_only(admin_client: Client) -> None:
    tags = [Tag.objects.create(name=f"Tag {n}", slug=f"tag-{n}") for n in range(2)]
    url = reverse("admin:directory_tag_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [t.pk for t in tags]}
    before = last_pk()

    asked = admin_client.post(url, chosen)
    assert asked.status_code == 200 and new_entries(before) == []

    admin_client.post(url, {**chosen, "post": "yes"})
    [entry] = new_entries(before)
    assert not Tag.objects.filter(pk__in=[t.pk for t in tags]).exists()
    assert entry.action == AuditAction.BULK_ACTION
    assert entry.details["action"] == "delete_selected" and entry.details["count"] == 2


def test_an_export_action_is_recorded_as_an_export(admin_client: Client) -> None:
    organisations = OrganisationFactory.create_batch(2)
    before = last_pk()

    response = admin_client.post(
        reverse("admin:directory_organisation_changelist"),
        {"action": "export_selected_csv", "_selected_action": [o.pk for o in organisations]},
    )

    assert response.status_code == 200
    [entry] = new_entries(before)
    assert entry.action == AuditAction.EXPORT and entry.details["count"] == 2
    assert entry.details["action"] == "export_selected_csv"


def test_every_model_admin_records_its_bulk_actions() -> None:
    unaudited = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, AuditedActionsMixin)
    ]
    assert unaudited == []


def test_a_review_in_a_staff_view_leaves_one_entry_on_the_posting() -> None:
    client, user = staff("pruefer")
    posting = PostingFactory.create(status=PostingStatus.PENDING)
    before = last_pk()

    client.post(
        reverse("sourcing:posting-review"),
        {"posting": posting.pk, "decision": "approve", "note": "Passt."},
    )

    [entry] = new_entries(before)
    assert entry.action == AuditAction.REVIEW and entry.actor == user
    assert entry.content_type == ContentType.objects.get_for_model(Posting)
    assert entry.object_id == str(posting.pk) and entry.summary == "approved"


def test_an_attendee_export_by_staff_is_recorded_but_not_one_by_a_networks_manager() -> None:
    event = EventFactory.create(network=NetworkFactory.create(), slug="laser-tag")
    RegistrationFactory.create(event=event, name="Ada Lovelace", email="ada@example.org")
    client, user = staff("admina", ADMINISTRATOR)
    before = last_pk()

    assert client.get("/veranstaltungen/laser-tag/teilnehmende.csv").status_code == 200

    [entry] = new_entries(before)
    assert entry.action == AuditAction.EXPORT and entry.actor == user
    assert entry.object_id == str(event.pk) and entry.details == {"rows": 1, "format": "csv"}
    assert "ada@example.org" not in str(entry.details) + entry.summary


def test_a_staff_login_with_its_code_leaves_one_entry() -> None:
    user = User.objects.create_user("stefan", "stefan@agentur.example", PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client(REMOTE_ADDR="198.51.100.4")
    before = last_pk()

    client.post(
        reverse("accounts:login"), {"email": "stefan@agentur.example", "password": PASSWORD}
    )
    assert new_entries(before) == []  # the password alone does not sign staff in
    code = str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(6)
    response = client.post(reverse("accounts:second-factor"), {"code": code})

    assert response.status_code == 302
    [entry] = new_entries(before)
    assert entry.action == AuditAction.LOGIN and entry.actor == user
    assert entry.object_id == str(user.pk) and entry.ip == "198.51.100.4"


def test_a_wrong_password_for_staff_is_recorded_one_for_others_is_not() -> None:
    user = User.objects.create_user("stefan", "stefan@agentur.example", PASSWORD, is_staff=True)
    User.objects.create_user("bea", "bea@example.org", PASSWORD)
    before = last_pk()

    Client().post(reverse("accounts:login"), {"email": "bea@example.org", "password": "falsch"})
    Client().post(reverse("accounts:login"), {"email": "niemand@example.org", "password": "x"})
    assert new_entries(before) == []
    Client().post(
        reverse("accounts:login"), {"email": "stefan@agentur.example", "password": "falsch"}
    )

    [entry] = new_entries(before)
    assert entry.action == AuditAction.LOGIN_FAILED and entry.actor == user
    assert "falsch" not in str(entry.details) + entry.summary


def test_what_others_do_leaves_no_entry() -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation)
    client = Client()
    before = last_pk()
    sign_in(client, editor)
    client.post(
        reverse("sourcing:posting-create"),
        {
            "organisation": organisation.pk,
            "kind": "request",
            "category": "product",
            "title": "Drehteile aus Edelstahl gesucht",
            "description": "Wir suchen Drehteile aus Edelstahl 1.4305, etwa 5.000 Stück im Jahr.",
            "place": "99084",
            "wz_codes": "25.62.0",
            "urgency": "high",
        },
    )
    client.get("/suche/?q=Laser")

    assert Posting.objects.exists()
    assert new_entries(before) == []


def test_the_log_is_read_only_in_the_back_office(admin_client: Client) -> None:
    _client, user = staff("redaktion")
    entry = AuditEntry.objects.filter(actor=user).get()
    changelist = reverse("admin:core_auditentry_changelist")

    listed = admin_client.get(changelist, {"action__exact": "login", "q": "redaktion"})
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [entry]
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    assert admin_client.get(change).status_code == 200  # shown, without a save button
    assert admin_client.post(change, {"summary": "nichts"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_apply_retention_removes_entries_past_the_retention(settings: Any) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    _client, user = staff("redaktion")
    kept = AuditEntry.objects.get(actor=user)
    AuditEntry.objects.create(
        action=AuditAction.LOGIN,
        actor=user,
        actor_name="redaktion",
        created=timezone.now() - datetime.timedelta(days=31),
    )

    out = io.StringIO()
    call_command("apply_retention", stdout=out)

    assert list(AuditEntry.objects.all()) == [kept]
    assert "audit log entries: 1" in out.getvalue()


def test_a_profile_change_by_staff_outside_the_back_office_names_the_fields() -> None:
    organisation = OrganisationFactory.create()
    _client, user = staff("redaktion")
    editor = editor_of(organisation)
    before = last_pk()

    actions.update_profile(editor, organisation, {"short_description": "Vom Unternehmen"})
    assert new_entries(before) == []
    actions.update_profile(user, organisation, {"short_description": "Von der Redaktion"})

    [entry] = new_entries(before)
    assert entry.action == AuditAction.CHANGE and entry.actor == user
    assert entry.object_id == str(organisation.pk)
    assert entry.details == {"fields": ["short_description"]}


def test_giving_an_account_a_group_is_recorded_as_a_change_of_permissions(
    admin_client: Client, admin_user: User
) -> None:
    colleague = User.objects.create_user("kollege", "kollege@agentur.example", PASSWORD)
    change = reverse("admin:auth_user_change", args=[colleague.pk])
    data = submitted_form(admin_client.get(change))
    data["groups"] = [str(Group.objects.get(name=EDITOR).pk)]
    data["is_staff"] = "on"
    joined = timezone.localtime(colleague.date_joined)  # a split field: date and time
    data |= {"date_joined_0": f"{joined:%d.%m.%Y}", "date_joined_1": f"{joined:%H:%M:%S}"}
    before = last_pk()

    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    [entry] = new_entries(before)
    assert entry.action == AuditAction.PERMISSIONS and entry.actor == admin_user
    assert entry.object_id == str(colleague.pk)
    assert {"Groups", "Staff status"} <= set(entry.details["fields"])
