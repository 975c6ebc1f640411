"""Following a programme: only signed-in users, by POST; the list of followed programmes;
the data download lists the follows and deleting the account deletes them (runs on
SQLite and PostgreSQL alike)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.privacy import delete_account, export_user_data
from content.funding.models import Follow

from .factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Werkbank-Fräse-2026"


@pytest.fixture
def member(client: Client) -> Any:
    user = get_user_model().objects.create_user("ina@firma.example", "ina@firma.example", PASSWORD)
    client.force_login(user)
    return user


def test_a_signed_in_user_follows_and_unfollows_from_the_detail_page(
    client: Client, member: Any
) -> None:
    programme = ProgrammeFactory.create(slug="digitalbonus", name="Digitalbonus")
    page = client.get("/foerderprogramme/digitalbonus/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Folgen und erinnert werden" in page.content.decode()

    response = client.post("/foerderprogramme/digitalbonus/folgen/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    client.post("/foerderprogramme/digitalbonus/folgen/")  # twice: still one follow
    assert Follow.objects.filter(user=member, programme=programme).count() == 1
    page = client.get("/foerderprogramme/digitalbonus/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Sie folgen diesem Programm" in page.content.decode()
    followed = client.get("/foerderprogramme/gemerkt/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Digitalbonus" in followed.content.decode()

    response = client.post("/foerderprogramme/digitalbonus/nicht-folgen/", {"next": "followed"})
    assert response.status_code == 302 and response["Location"] == "/foerderprogramme/gemerkt/"
    assert not Follow.objects.exists()
    followed = client.get("/foerderprogramme/gemerkt/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Sie folgen noch keinem Programm" in followed.content.decode()


def test_visitors_are_sent_to_sign_in_and_change_nothing(client: Client) -> None:
    ProgrammeFactory.create(slug="digitalbonus")
    response = client.post("/foerderprogramme/digitalbonus/folgen/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/foerderprogramme/gemerkt/").status_code == 302
    assert not Follow.objects.exists()


def test_a_draft_cannot_be_followed_and_get_does_not_follow(client: Client, member: Any) -> None:
    ProgrammeFactory.create(slug="entwurf", status="draft")
    ProgrammeFactory.create(slug="offen")
    assert client.post("/foerderprogramme/entwurf/folgen/").status_code == 404
    assert client.get("/foerderprogramme/offen/folgen/").status_code == 405
    assert client.post("/foerderprogramme/gibt-es-nicht/folgen/").status_code == 404
    assert not Follow.objects.exists()


def test_the_data_download_lists_follows_and_deleting_the_account_deletes_them(
    member: Any,
) -> None:
    programme = ProgrammeFactory.create(name="Messeförderung")
    other = get_user_model().objects.create_user("tom@firma.example", "tom@firma.example", PASSWORD)
    Follow.objects.create(user=member, programme=programme)
    Follow.objects.create(user=other, programme=programme)

    exported = export_user_data(member)["funding_follows"]
    assert [row["programme"] for row in exported] == ["Messeförderung"]

    delete_account(member)
    assert list(Follow.objects.values_list("user", flat=True)) == [other.pk]
