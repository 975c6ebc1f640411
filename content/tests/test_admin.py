"""Staff edit the cluster management's pages and supporters in the back office; every
change is in the history, with who made it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR, EXPERT
from accounts.services import grant_role
from content.models import Page, Supporter
from content.tests.factories import ExpertFactory, PageFactory
from core.testing import sign_in
from directory.choices import Visibility
from directory.tests.test_admin import submitted_form

pytestmark = pytest.mark.django_db


def staff_client(role: str, username: str) -> tuple[Client, User]:
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 16)
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client, user


def test_an_editor_writes_a_page_publishes_it_and_the_history_names_them() -> None:
    client, user = staff_client(EDITOR, "redakteurin")
    response = client.post(
        reverse("admin:content_page_add"),
        {
            "title": "Standortmarketing",
            "slug": "standortmarketing",
            "section": "topic",
            "summary": "Die Region sichtbar machen.",
            "body": "Broschüren und Messen.",
            "order": "5",
        },
    )
    assert response.status_code == 302
    page = Page.objects.get(slug="standortmarketing")
    assert not page.published
    assert Client().get(page.get_absolute_url()).status_code == 404

    url = reverse("admin:content_page_change", args=[page.pk])
    data = submitted_form(client.get(url))
    data.update(published="on", body="Broschüren, Messen und eine gemeinsame Marke.")
    assert client.post(url, data).status_code == 302

    public = Client().get(page.get_absolute_url()).content.decode()
    assert "Broschüren, Messen und eine gemeinsame Marke." in public
    history = list(page.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].history_user == user and history[-1].published
    listing = client.get(reverse("admin:content_page_history", args=[page.pk])).content.decode()
    assert "redakteurin" in listing


def test_a_reserved_address_is_refused_in_the_back_office() -> None:
    client, _user = staff_client(EDITOR, "redakteur")
    response = client.post(
        reverse("admin:content_page_add"),
        {"title": "Team", "slug": "team", "section": "other", "order": "0"},
    )
    assert response.status_code == 200
    assert not Page.objects.exists()
    assert "Diese Adresse" in response.content.decode()


def test_an_editor_adds_a_supporter_with_history() -> None:
    client, user = staff_client(EDITOR, "redakteurin")
    response = client.post(
        reverse("admin:content_supporter_add"),
        {
            "name": "Thüringer Aufbaubank",
            "kind": "funding",
            "url": "https://example.org/",
            "order": "1",
        },
    )
    assert response.status_code == 302
    supporter = Supporter.objects.get()
    assert supporter.history.get().history_user == user
    assert "Thüringer Aufbaubank" in Client().get("/clustermanagement/foerderer/").content.decode()


def test_a_subject_expert_may_not_change_pages() -> None:
    client, _user = staff_client(EXPERT, "fachfrau")
    page = PageFactory.create()
    url = reverse("admin:content_page_change", args=[page.pk])
    assert client.post(url, {"title": "Übernommen"}).status_code == 403
    page.refresh_from_db()
    assert page.title != "Übernommen"


def test_an_administrator_sets_who_sees_an_experts_contact_data(admin_client: Client) -> None:
    expert = ExpertFactory.create(name="Jonas Becker", email="jonas@example.org")
    assert "jonas@example.org" not in Client().get("/clustermanagement/team/").content.decode()

    url = reverse("admin:inquiries_expert_change", args=[expert.pk])
    data = submitted_form(admin_client.get(url))
    data.update(contact_visibility=Visibility.PUBLIC, responsibility="Förderprogramme")
    assert admin_client.post(url, data).status_code == 302

    html = Client().get("/clustermanagement/team/").content.decode()
    assert "jonas@example.org" in html and "Förderprogramme" in html
    latest = expert.history.latest()
    assert latest.contact_visibility == Visibility.PUBLIC
    assert latest.history_user is not None and latest.history_user.username == "admin"
