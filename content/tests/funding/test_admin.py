"""The back office of funding programmes: editors keep programmes and calls, only
administrators see who follows what; filters, search and the flag for programmes due
for a check; a programme with a call written through the form."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR, EXPERT
from accounts.services import grant_role
from content.funding.models import Programme
from core.testing import sign_in

from .factories import ProgrammeFactory, StateFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/content/programme/"


def staff_client(django_user_model: Any, role: str) -> Client:
    user = django_user_model.objects.create_user(role, f"{role}@example.org", "x" * 16)
    user.is_staff = True
    user.save()
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client


def test_editors_keep_programmes_and_only_administrators_see_followers(
    django_user_model: Any, admin_client: Client
) -> None:
    editor = staff_client(django_user_model, EDITOR)
    expert = staff_client(django_user_model, EXPERT)
    assert editor.get(CHANGELIST).status_code == 200
    assert editor.get(CHANGELIST + "add/").status_code == 200
    assert editor.get("/admin/content/follow/").status_code == 403
    assert expert.get(CHANGELIST).status_code == 403
    assert admin_client.get("/admin/content/follow/").status_code == 200


def test_filters_search_and_the_check_flag(admin_client: Client) -> None:
    ProgrammeFactory.create(name="Frisch geprüft", provider="Förderbank Nord")
    ProgrammeFactory.create(name="Lange her", last_checked=datetime.date(2020, 1, 1))
    ProgrammeFactory.create(name="Nie geprüft", last_checked=None, level="eu")

    def listed(**params: str) -> set[str]:
        response = admin_client.get(CHANGELIST, params)
        assert response.status_code == 200
        return {p.name for p in response.context["cl"].result_list}

    assert listed(check="due") == {"Lange her", "Nie geprüft"}
    assert listed(level__exact="eu") == {"Nie geprüft"}
    assert listed(q="Nord") == {"Frisch geprüft"}
    html = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert html.count("Prüfung fällig") >= 2


def test_a_programme_with_a_call_is_written_through_the_form(admin_client: Client) -> None:
    state = StateFactory.create()
    data = {
        "name": "Innovationsgutschein",
        "slug": "innovationsgutschein",
        "provider": "Landesförderbank",
        "status": "published",
        "level": "state",
        "state": str(state.pk),
        "target_groups": ["company", "startup"],
        "company_sizes": ["micro", "small"],
        "topics": ["innovation"],
        "funding_type": "grant",
        "url": "https://example.org/gutschein",
        "summary": "Gutscheine.",
        "calls-TOTAL_FORMS": "1",
        "calls-INITIAL_FORMS": "0",
        "calls-0-title": "Aufruf 1",
        "calls-0-closes": "2027-03-31",
        "_save": "Save",
    }
    response = admin_client.post(CHANGELIST + "add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme = Programme.objects.get()
    assert programme.target_groups == ["company", "startup"]
    assert programme.company_sizes == ["micro", "small"]
    assert [c.closes for c in programme.calls.all()] == [datetime.date(2027, 3, 31)]

    data.update(slug="zweites", level="federal", **{"calls-TOTAL_FORMS": "0"})
    response = admin_client.post(CHANGELIST + "add/", data, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert "Nur ein Landesprogramm nennt ein Land." in response.content.decode()
    data.update(level="state", state="", topics=["magic"])
    response = admin_client.post(CHANGELIST + "add/", data, HTTP_ACCEPT_LANGUAGE="de")
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert Programme.objects.count() == 1
    assert reverse("admin:content_programme_changelist") == CHANGELIST
