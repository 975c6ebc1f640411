"""A signed-in visitor who is not staff is told the back office is for staff."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from core.testing import sign_in

pytestmark = pytest.mark.django_db


def test_a_member_opening_the_back_office_gets_a_page_saying_it_is_for_staff() -> None:
    member = get_user_model().objects.create_user(
        "member", email="member@beispiel-werk.de", password="Werkbank-Fräse-2026"
    )
    client = Client()
    sign_in(client, member)
    response = client.get("/admin/", follow=True)
    # No loop between the back office's and the portal's login pages: one stop, a 403.
    assert len(response.redirect_chain) == 1
    assert response.status_code == 403
    page = response.content.decode()
    assert "Die Verwaltung ist nur für die Mitarbeitenden" in page
    assert f'href="{reverse("home")}"' in page
    # The portal login with the back office as its goal does not bounce back either.
    response = client.get(reverse("accounts:login") + "?next=/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


def test_staff_reach_the_back_office_and_visitors_its_login(client: Client, admin_user) -> None:
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith(
        reverse("accounts:login")
    )
    sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/login/?next=/admin/directory/")
    assert response.status_code == 302 and response["Location"] == "/admin/directory/"
