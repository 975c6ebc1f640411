"""Quality labels: shown while current, a filter of the list and the search, reminders 90
and 30 days before the end, and an end that reaches the search on the day."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationEditor
from accounts.roles import EDITOR
from accounts.services import grant_role
from messaging.models import Message
from networks.labels import check_labels
from networks.models import QualityLabel
from networks.tests.factories import NetworkFactory
from search.content import ContentQuery, search_content

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def label(network: Any, **kwargs: Any) -> QualityLabel:
    values: dict[str, Any] = {"scheme": "ecei", "level": "gold", "awarded": days(-600)}
    values.update(kwargs)
    return QualityLabel.objects.create(network=network, **values)


def test_the_profile_tells_current_from_ended_labels(client: Client) -> None:
    network = NetworkFactory.create()
    label(network, level="silver", valid_until=timezone.localdate() + datetime.timedelta(days=5))
    label(
        network,
        scheme="go-cluster",
        level="member",
        awarded=datetime.date(2019, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
    )
    html = client.get(reverse("networks:detail", args=[network.slug])).content.decode()
    section = html[html.index('id="labels"') :]
    assert "ECEI-Label für Clustermanagement-Exzellenz: Silber" in section
    assert "European Secretariat for Cluster Analysis" in section  # the scheme's issuer
    assert "Mitglied bei go-cluster" in section
    ended = section[section.index("Mitglied bei go-cluster") :]
    assert "abgelaufen" in ended and "war gültig bis 01.01.2021" in ended
    assert section.index("Silber") < section.index("Mitglied bei go-cluster")


def test_the_list_filters_by_current_label(client: Client) -> None:
    today = timezone.localdate()
    gold = NetworkFactory.create(name="Gold Netz")
    silver = NetworkFactory.create(name="Silber Netz")
    bronze = NetworkFactory.create(name="Bronze Netz")
    ended = NetworkFactory.create(name="Abgelaufen Netz")
    NetworkFactory.create(name="Ohne Siegel Netz")
    label(gold, level="gold", awarded=today, valid_until=None)
    label(silver, level="silver", awarded=today, valid_until=today)
    label(bronze, level="bronze", awarded=today)
    label(
        ended,
        level="gold",
        awarded=datetime.date(2020, 1, 1),
        valid_until=today - datetime.timedelta(days=1),
    )

    def names(choice: str) -> set[str]:
        response = client.get(reverse("networks:list"), {"label": choice})
        return {n.name for n in response.context["networks"]}

    assert names("ecei-silver") == {"Gold Netz", "Silber Netz"}
    assert names("ecei-gold") == {"Gold Netz"}
    assert names("any") == {"Gold Netz", "Silber Netz", "Bronze Netz"}
    assert len(names("")) == 5
    listed = client.get(reverse("networks:list")).content.decode()
    assert (
        listed.count("ECEI-Label für Clustermanagement-Exzellenz: Gold") == 1
    )  # not the ended one


def _mails() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in Message.objects.order_by("pk"):
        found.setdefault(message.to, []).append(message.subject)
    return found


def test_managers_and_label_staff_are_reminded_90_and_30_days_before_the_end() -> None:
    network = NetworkFactory.create(name="Solarvalley e. V.")
    manager = User.objects.create_user("netzmanager", "manager@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    editor = User.objects.create_user("redaktion", "redaktion@example.org", "x" * 16)
    grant_role(editor, EDITOR)
    User.objects.create_user("andere", "andere@example.org", "x" * 16, is_staff=True)
    ends = days(120)
    label(network, valid_until=ends)

    assert check_labels(days(29)).reminded == 0  # 91 days before
    assert check_labels(days(30)).reminded == 2  # 90 days before: manager and editor
    mails = _mails()
    assert set(mails) == {"manager@example.org", "redaktion@example.org"}
    assert "endet am 05.04.2027" in mails["manager@example.org"][0]
    assert check_labels(days(31)).reminded == 0  # once per stage
    assert check_labels(days(89)).reminded == 0  # 31 days before
    assert check_labels(days(90)).reminded == 2  # 30 days before
    second = Message.objects.filter(key__contains=":30:")
    staff_mail = second.filter(to="redaktion@example.org").first()
    manager_mail = second.filter(to="manager@example.org").first()
    assert staff_mail is not None and manager_mail is not None
    assert "30 Tage vor seinem Ende" in manager_mail.body_text
    assert "/admin/networks/qualitylabel/" in staff_mail.body_text
    assert "/admin/" not in manager_mail.body_text
    assert Message.objects.count() == 4

    # Renewed: the new end date is reminded again.
    QualityLabel.objects.update(valid_until=days(90 + 365))
    assert check_labels(days(90 + 365 - 90)).reminded == 2


def test_a_label_recorded_late_gets_one_reminder() -> None:
    network = NetworkFactory.create()
    manager = User.objects.create_user("spaet", "spaet@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    label(network, valid_until=days(20))
    assert check_labels(TODAY).reminded == 1
    assert check_labels(days(1)).reminded == 0
    assert "20 Tage" not in Message.objects.get().body_text


def test_an_ended_label_leaves_the_search_on_the_day(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkFactory.create(name="Medizintechnik Netzwerk")
        label(
            network, level="silver", awarded=today - datetime.timedelta(days=700), valid_until=today
        )

    def labelled(key: str) -> set[int]:
        query = ContentQuery(type="network", text="", filters={"label": [key]}, page_size=50)
        return {hit.id for hit in search_content(query).hits}

    assert labelled("ecei-silver") == {network.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert check_labels(today).expired == 0  # still valid today
    assert labelled("ecei-silver") == {network.pk}
    # The next day: the label ended yesterday (shifted back instead of the clock forward;
    # an update sends no signal, so only the daily run can tell the search).
    QualityLabel.objects.update(valid_until=today - datetime.timedelta(days=1))
    assert labelled("ecei-silver") == {network.pk}
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_network_labels", "--date", today.isoformat(), stdout=out)
    assert "1 ended labels left the search" in out.getvalue()
    assert labelled("ecei-silver") == set()
    with django_capture_on_commit_callbacks(execute=True):
        assert check_labels(today).expired == 0  # once


def test_a_certificate_must_be_a_pdf_and_is_served_with_the_page(
    settings: Any, tmp_path: Any, admin_client: Client, client: Client
) -> None:
    settings.NETWORK_DOCUMENT_DIR = tmp_path / "documents"
    network = NetworkFactory.create()
    url = reverse("admin:networks_qualitylabel_add")
    data = {
        "network": network.pk,
        "scheme": "ecei",
        "level": "gold",
        "awarded": "01.06.2026",
        "valid_until": "31.05.2028",
    }
    fake = SimpleUploadedFile("zertifikat.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    refused = admin_client.post(url, {**data, "certificate": fake})
    assert refused.status_code == 200 and not QualityLabel.objects.exists()
    assert "zertifikat.pdf" in refused.content.decode()

    pdf = SimpleUploadedFile("zertifikat.pdf", PDF, "application/pdf")
    assert admin_client.post(url, {**data, "certificate": pdf}).status_code == 302
    saved = QualityLabel.objects.get()
    html = client.get(reverse("networks:detail", args=[network.slug])).content.decode()
    link = reverse("networks:label-certificate", args=[network.slug, saved.pk])
    assert link in html
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]

    network.status = "hidden"
    network.save()
    assert client.get(link).status_code == 404


def test_an_ecei_label_needs_a_level_and_another_label_a_name(admin_client: Client) -> None:
    network = NetworkFactory.create()
    url = reverse("admin:networks_qualitylabel_add")
    base = {"network": network.pk, "awarded": "01.06.2026"}
    no_level = admin_client.post(url, {**base, "scheme": "ecei", "level": ""}).content.decode()
    assert "Ein ECEI-Label hat die Stufe Bronze, Silber oder Gold." in no_level
    no_name = admin_client.post(url, {**base, "scheme": "other"}).content.decode()
    assert "Nennen Sie das Siegel." in no_name
    backwards = admin_client.post(
        url, {**base, "scheme": "go-cluster", "valid_until": "01.01.2026"}
    ).content.decode()
    assert "Das Siegel kann nicht enden, bevor es verliehen wurde." in backwards
    assert not QualityLabel.objects.exists()


def test_a_label_recorded_or_deleted_in_the_back_office_reaches_the_search(
    settings: Any, tmp_path: Any, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkFactory.create(name="Siegelnetz e. V.")

    def labelled(key: str) -> set[int]:
        query = ContentQuery(type="network", text="", filters={"label": [key]}, page_size=50)
        return {hit.id for hit in search_content(query).hits}

    data = {
        "network": network.pk,
        "scheme": "go-cluster",
        "level": "member",
        "awarded": "01.01.2026",
    }
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:networks_qualitylabel_add"), data)
    assert labelled("go-cluster") == {network.pk}
    saved = QualityLabel.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:networks_qualitylabel_changelist"),
            {"action": "delete_selected", "_selected_action": [saved.pk], "post": "yes"},
        )
    assert not QualityLabel.objects.exists()
    assert labelled("go-cluster") == set()
