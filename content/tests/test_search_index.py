"""The main search finds published pages of the cluster management, and every write
path (the back office, the demo generator, deleting) keeps it in step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content.models import Page
from content.tests.factories import PageFactory
from directory.tests.test_admin import submitted_form
from search import content
from search.content import ContentQuery, search_content

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def told(monkeypatch: Any) -> Iterator[list[int]]:
    """The page ids the search is told of; the real update runs too."""
    from search import registry

    calls: list[int] = []
    real = registry.changed

    def record(type_name: str, ids: Any) -> None:
        ids = list(ids)
        if type_name == "page":
            calls.extend(ids)
        real(type_name, ids)

    monkeypatch.setattr(registry, "changed", record)
    yield calls


def found(text: str, **filters: list[str]) -> set[int]:
    query = ContentQuery(type="page", text=text, filters=filters, page_size=50)
    return {hit.id for hit in search_content(query).hits}


def no_drift() -> None:
    (drift,) = [d for d in content.check() if d.type == "page"]
    assert drift.clean, (drift.missing, drift.stale, drift.extra)


def test_a_published_page_is_found_and_a_draft_is_not(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        shown = PageFactory.create(title="Fachkräftesicherung", body="Ausbildungsverbünde")
        draft = PageFactory.create(
            title="Fachkräfte Entwurf", body="Ausbildungsverbünde", published=False
        )
    assert {shown.pk, draft.pk} <= set(told)
    assert found("Ausbildungsverbund") == {shown.pk}
    assert found("Fachkräfte") == {shown.pk}
    assert found("", section=["field"]) == {shown.pk}
    no_drift()


def test_editing_in_the_back_office_updates_the_index(
    told: list[int], django_capture_on_commit_callbacks: Any, admin_client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = PageFactory.create(title="Internationalisierung", body="Messegemeinschaftsstände")
    assert found("Messegemeinschaftsstand") == {page.pk}
    told.clear()

    url = reverse("admin:content_page_change", args=[page.pk])
    data = submitted_form(admin_client.get(url))
    data["body"] = "Delegationsreisen nach Skandinavien"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert told == [page.pk]
    assert found("Delegationsreise") == {page.pk}
    assert found("Messegemeinschaftsstand") == set()

    data.pop("published", None)  # unticked: back to a draft
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert found("Delegationsreise") == set()

    page.refresh_from_db()
    page.published = True
    with django_capture_on_commit_callbacks(execute=True):
        page.save()
    assert found("Delegationsreise") == {page.pk}
    delete = reverse("admin:content_page_delete", args=[page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Page.objects.exists() and found("Delegationsreise") == set()
    no_drift()


def test_the_demo_pages_are_found_by_the_search_page(
    django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_about", "--if-empty")
    no_drift()

    response = client.get("/suche/", {"type": "page", "q": "GreenTech"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Über das Clustermanagement" in html
    assert f'href="{reverse("content:page", args=["greentech"])}"' in html
    assert reverse("content:page", args=["fachkraefte"]) not in html
