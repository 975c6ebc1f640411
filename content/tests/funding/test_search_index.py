"""The main search finds published funding programmes with their facets, and every write
path (saves, calls, growth fields, the back office and its "checked today" action, the
demo generator, deleting) keeps the index in step."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content.funding.models import Programme
from directory.tests.factories import GrowthFieldFactory
from directory.tests.test_admin import submitted_form
from search import content
from search.content import ContentQuery, search_content

from .factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


def found(text: str, **filters: list[str]) -> set[int]:
    query = ContentQuery(type="funding", text=text, filters=filters, page_size=50)
    return {hit.id for hit in search_content(query).hits}


def no_drift() -> None:
    (drift,) = [d for d in content.check() if d.type == "funding"]
    assert drift.clean, (drift.missing, drift.stale, drift.extra)


def test_published_programmes_are_found_with_their_facets(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        field = GrowthFieldFactory.create(name="Photonik-Test")
        shown = ProgrammeFactory.create(
            name="Lasergutschein",
            level="eu",
            funding_type="loan",
            target_groups=["research", "company"],
            topics=["rd"],
        )
        shown.growth_fields.set([field])
        ProgrammeFactory.create(name="Lasergutschein Entwurf", status="draft")
    assert found("Lasergutschein") == {shown.pk}
    for facet, value in (
        ("level", "eu"),
        ("kind", "loan"),
        ("target", "research"),
        ("topic", "rd"),
        ("growth", field.slug),
    ):
        assert found("", **{facet: [value]}) == {shown.pk}, facet
    assert found("", topic=["export"]) == set()
    no_drift()


def test_single_writes_keep_the_index_in_step(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        field = GrowthFieldFactory.create(name="Wasserstoff-Test")
        programme = ProgrammeFactory.create(name="Elektrolysebonus", status="draft")
    assert found("Elektrolysebonus") == set()

    programme.status = "published"
    with django_capture_on_commit_callbacks(execute=True):
        programme.save()
    assert found("Elektrolysebonus") == {programme.pk}

    with django_capture_on_commit_callbacks(execute=True):
        programme.growth_fields.add(field)
    assert found("", growth=[field.slug]) == {programme.pk}
    with django_capture_on_commit_callbacks(execute=True):
        programme.growth_fields.remove(field)
    assert found("", growth=[field.slug]) == set()

    with django_capture_on_commit_callbacks(execute=True):
        call = CallFactory.create(programme=programme)
        call.delete()
    no_drift()

    with django_capture_on_commit_callbacks(execute=True):
        programme.delete()
    assert found("Elektrolysebonus") == set()
    no_drift()


def test_the_back_office_and_its_checked_today_action_keep_the_index_in_step(
    django_capture_on_commit_callbacks: Any, admin_client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        programme = ProgrammeFactory.create(name="Messebonus", summary="Gemeinschaftsstände")
    url = reverse("admin:content_programme_change", args=[programme.pk])
    data = submitted_form(admin_client.get(url))
    data["summary"] = "Delegationsreisen nach Skandinavien"
    data["topics"] = ["export"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found("Delegationsreise") == {programme.pk}
    assert found("", topic=["export"]) == {programme.pk}
    assert found("Gemeinschaftsstand") == set()

    Programme.objects.filter(pk=programme.pk).update(last_checked=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:content_programme_changelist"),
            {"action": "mark_checked_today", "_selected_action": [programme.pk]},
        )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.last_checked is not None
    assert programme.history.count() >= 3
    no_drift()

    delete = reverse("admin:content_programme_delete", args=[programme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert found("Delegationsreise") == set()
    no_drift()


def test_the_demo_programmes_are_found_by_the_search_page(
    django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_funding", "--if-empty")
    no_drift()

    response = client.get(
        "/suche/", {"type": "funding", "q": "Digitalbonus"}, HTTP_ACCEPT_LANGUAGE="de"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Förderprogramme" in html
    assert reverse("content:funding-detail", args=["digitalbonus-land"]) in html
