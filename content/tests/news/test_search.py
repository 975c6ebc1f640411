"""The main search finds news articles that every visitor may see, and every write path
keeps it in step: saves, deletes, changes of categories, growth fields and networks, the
back office's actions, the demo command and scheduled publishing, which puts an article
into the index exactly when its time has come."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR
from accounts.services import grant_role
from classification.models import GrowthField
from content.news import services
from content.news.models import Article
from core.testing import sign_in
from directory.choices import OrganisationKind
from directory.tests.factories import OrganisationFactory
from directory.tests.test_admin import submitted_form
from search import content
from search.content import ContentQuery, search_content

from .conftest import Clock
from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def told(monkeypatch: Any) -> Iterator[list[int]]:
    """The article ids the search is told of; the real update runs too."""
    from search import registry

    calls: list[int] = []
    real = registry.changed

    def record(type_name: str, ids: Any) -> None:
        ids = list(ids)
        if type_name == "news":
            calls.extend(ids)
        real(type_name, ids)

    monkeypatch.setattr(registry, "changed", record)
    yield calls


def found(text: str, **filters: list[str]) -> set[int]:
    query = ContentQuery(type="news", text=text, filters=filters, page_size=50)
    return {hit.id for hit in search_content(query).hits}


def no_drift() -> None:
    (drift,) = [d for d in content.check() if d.type == "news"]
    assert drift.clean, (drift.missing, drift.stale, drift.extra)


def test_visible_articles_are_found_with_their_facets_and_drafts_are_not(
    django_capture_on_commit_callbacks: Any,
) -> None:
    category = CategoryFactory.create(slug="foerderung")
    field = GrowthField.objects.order_by("pk").first()
    assert field is not None
    with django_capture_on_commit_callbacks(execute=True):  # the network's own update
        network = OrganisationFactory.create(kind=OrganisationKind.NETWORK, name="Netz Glas")
    with django_capture_on_commit_callbacks(execute=True):
        shown = ArticleFactory.create(title="Wasserstoff", body="<p>Elektrolyseure bauen</p>")
        shown.categories.add(category)
        shown.growth_fields.add(field)
        shown.networks.add(network)
        ArticleFactory.create(title="Wasserstoff Entwurf", published=False)
    assert found("Elektrolyseur") == {shown.pk}
    assert found("Wasserstoff") == {shown.pk}
    assert found("", category=["foerderung"]) == {shown.pk}
    assert found("", growth=[field.slug]) == {shown.pk}
    assert found("", network=[network.slug]) == {shown.pk}
    no_drift()


def test_relation_changes_and_deletes_keep_the_index_in_step(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    category = CategoryFactory.create(slug="presse")
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory.create(title="Batterierecycling")
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.categories.add(category)
    assert told == [article.pk] and found("", category=["presse"]) == {article.pk}
    with django_capture_on_commit_callbacks(execute=True):
        category.articles.remove(article)  # from the other side
    assert found("", category=["presse"]) == set()
    with django_capture_on_commit_callbacks(execute=True):
        article.categories.add(category)
    with django_capture_on_commit_callbacks(execute=True):
        category.delete()
    assert found("", category=["presse"]) == set()
    no_drift()
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert found("Batterierecycling") == set()
    no_drift()


def test_the_back_office_save_and_actions_keep_the_index_in_step(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.auth.models import User

    editor = User.objects.create_user("redaktion", "r@example.org", "x" * 16, is_staff=True)
    grant_role(editor, EDITOR)
    sign_in(client, editor)
    category = CategoryFactory.create(slug="presse")
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory.create(title="Fernradwege", body="<p>Radtourismus</p>")
    url = reverse("admin:content_article_change", args=[article.pk])
    data = submitted_form(client.get(url))
    data.update(
        body="<p>Wanderwege <script>alert(1)</script></p>",
        categories=[str(category.pk)],
        publish_at_0=article.publish_at.strftime("%d.%m.%Y"),
        publish_at_1=article.publish_at.astimezone().strftime("%H:%M:%S"),
    )
    data.pop("publish_at", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.body == "<p>Wanderwege </p>"
    assert found("Wanderweg") == {article.pk} and found("Radtourismus") == set()
    assert found("", category=["presse"]) == {article.pk}
    latest = article.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and latest.history_user == editor
    assert latest.body == "<p>Wanderwege </p>"

    changelist = reverse("admin:content_article_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "unpublish", "_selected_action": [article.pk]})
    assert found("Wanderweg") == set()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    assert found("Wanderweg") == {article.pk}
    no_drift()
    delete = reverse("admin:content_article_delete", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete, {"post": "yes"}).status_code == 302
    assert found("Wanderweg") == set()
    no_drift()


def test_a_scheduled_article_enters_the_index_exactly_when_due(
    clock: Clock, told: list[int], django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    due = clock.now + datetime.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory.create(title="Innovationspreis", publish_at=due)
    assert found("Innovationspreis") == set()
    no_drift()

    clock.advance(minutes=29, seconds=59)
    assert services.publish_due() == []
    assert found("Innovationspreis") == set()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("content:news-feed")).content.count(b"Innovationspreis") == 0

    clock.advance(seconds=1)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert told == [article.pk]
    assert found("Innovationspreis") == {article.pk}
    assert client.get(article.get_absolute_url()).status_code == 200
    no_drift()

    told.clear()
    assert services.publish_due() == []  # once only
    assert told == []
    article.refresh_from_db()
    assert article.went_live_at == due


def test_moving_a_live_article_into_the_future_takes_it_out_until_then(
    clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory.create(title="Verschoben", publish_at=clock.now)
    assert found("Verschoben") == {article.pk}
    article.publish_at = clock.now + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert found("Verschoben") == set()
    clock.advance(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish_due() == [article.pk]
    assert found("Verschoben") == {article.pk}
    no_drift()


def test_a_backend_that_defers_tasks_is_asked_to_publish_at_the_time(
    clock: Clock, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks import task_backends

    from content.news.tasks import publish_scheduled

    enqueued: list[Any] = []
    monkeypatch.setattr(task_backends["default"], "supports_defer", True)
    monkeypatch.setattr(
        type(publish_scheduled), "enqueue", lambda self: enqueued.append(self.run_after)
    )
    due = clock.now + datetime.timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory.create(publish_at=due)
        ArticleFactory.create(publish_at=clock.now)  # live at once: nothing to defer
    assert enqueued == [due]
    clock.advance(hours=5)
    assert publish_scheduled.call() == "1 scheduled news articles went live"


def test_the_demo_articles_are_found_and_say_so(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_news", "--if-empty", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Article.objects.count() == 20
    assert Article.objects.visible().count() == 19
    no_drift()
    response = client.get(
        "/suche/", {"type": "news", "q": "Wasserstoff"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("content:news-detail", args=["wasserstoff-modellregion-startet"]) in html
    assert "Demodaten" in html
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_news", "--if-empty", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Article.objects.count() == 20
