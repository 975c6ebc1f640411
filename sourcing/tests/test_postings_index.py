"""Every write path of the postings keeps the search in step: the search is told of the
change after the commit, and (where the content index exists) finds or no longer finds
the posting, with no drift reported by ``check_search_index``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from directory.signals import organisations_changed
from directory.tests.factories import OrganisationFactory
from sourcing.admin import PostingAdmin
from sourcing.models import Posting, PostingStatus
from sourcing.postings import services
from sourcing.search import PostingType

from .postings_factories import PostingFactory, editor_of, signed_in, staff_user

pytestmark = pytest.mark.django_db

try:
    from search.content import ContentQuery, search_content

    HAS_CONTENT = True
except ImportError:  # the content index lands with the search's part of this issue
    HAS_CONTENT = False


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    """Each test with its own, empty search index."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def told(monkeypatch: Any) -> Iterator[list[int]]:
    """The ids the search is told of (and, with a content index, the real update)."""
    from search import registry

    calls: list[int] = []
    real = registry.changed

    def record(type_name: str, ids: Any) -> None:
        assert type_name == "posting"
        ids = list(ids)
        calls.extend(ids)
        if HAS_CONTENT:
            real(type_name, ids)

    monkeypatch.setattr(registry, "changed", record)
    yield calls


def finds(posting: Posting) -> bool:
    """Whether the search finds the posting by its title's words."""
    if HAS_CONTENT:
        result = search_content(ContentQuery(type="posting", text=posting.title, page_size=50))
        return posting.pk in {h.id for h in result.hits}
    documents = PostingType().documents([posting.pk])
    return bool(documents) and posting.pk in set(PostingType().indexable_ids())


def no_drift() -> None:
    """The drift check of the search finds the postings' documents as the database has them."""
    if HAS_CONTENT:
        from search import content

        (drift,) = [d for d in content.check() if d.type == "posting"]
        assert drift.clean, (drift.missing, drift.stale, drift.extra)


def test_form_create_and_edit(told: list[int], django_capture_on_commit_callbacks: Any) -> None:
    organisation = OrganisationFactory.create()
    client = signed_in(editor_of(organisation))
    data = {
        "organisation": organisation.pk,
        "kind": "offer",
        "category": "capacity",
        "title": "Freie Fräskapazität",
        "description": "Fünfachsfräsen, 40 Maschinenstunden in der Woche frei.",
        "urgency": "normal",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sourcing:posting-create"), data)
    posting = Posting.objects.get()
    assert posting.pk in told and finds(posting)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sourcing:posting-edit", args=[posting.pk]),
            {**data, "title": "Freie Drehkapazität"},
        )
    posting.refresh_from_db()
    assert posting.title == "Freie Drehkapazität" and posting.pk in told and finds(posting)
    no_drift()


def test_close(told: list[int], django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        posting = PostingFactory.create()
    editor = editor_of(posting.organisation)
    assert finds(posting)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(reverse("sourcing:posting-close", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.pk in told and not finds(posting)
    no_drift()


def test_staff_approve_and_reject(
    told: list[int], django_capture_on_commit_callbacks: Any, mail_sent_at_once: None
) -> None:
    approved = PostingFactory.create(status=PostingStatus.PENDING, title="Wird freigegeben")
    rejected = PostingFactory.create(status=PostingStatus.PENDING, title="Wird abgelehnt")
    assert not finds(approved) and not finds(rejected)
    client = signed_in(staff_user())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sourcing:posting-review"), {"posting": approved.pk, "decision": "approve"}
        )
        client.post(
            reverse("sourcing:posting-review"),
            {"posting": rejected.pk, "decision": "reject", "note": "Kein Gesuch."},
        )
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert {approved.pk, rejected.pk} <= set(told)
    assert finds(approved) and not finds(rejected)
    no_drift()


def test_admin_save_and_bulk_actions(
    told: list[int], django_capture_on_commit_callbacks: Any, mail_sent_at_once: None
) -> None:
    staff = staff_user()
    staff.is_superuser = True
    staff.save()
    posting = PostingFactory.create(title="Im Backoffice geändert")
    client = signed_in(staff)
    url = reverse("admin:sourcing_posting_change", args=[posting.pk])
    assert client.get(url).status_code == 200
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        PostingAdmin(Posting, site).save_model(
            RequestFactory().post(url), posting, form=None, change=True
        )
    assert posting.pk in told
    pending = PostingFactory.create(status=PostingStatus.PENDING, title="Bulk freigegeben")
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:sourcing_posting_changelist"),
            {"action": "approve", "_selected_action": [pending.pk]},
        )
    pending.refresh_from_db()
    assert pending.status == PostingStatus.PUBLISHED and pending.pk in told and finds(pending)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:sourcing_posting_changelist"),
            {"action": "close", "_selected_action": [pending.pk, posting.pk]},
        )
    assert {pending.pk, posting.pk} <= set(told)
    pending.refresh_from_db()
    assert pending.status == PostingStatus.CLOSED and not finds(pending)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:sourcing_posting_changelist"),
            {"action": "delete_selected", "_selected_action": [posting.pk], "post": "yes"},
        )
    assert posting.pk in told and not Posting.objects.filter(pk=posting.pk).exists()
    no_drift()


def test_expiry_command(told: list[int], django_capture_on_commit_callbacks: Any) -> None:
    posting = PostingFactory.create(
        expires_on=datetime.date.today() - datetime.timedelta(days=1),
        status=PostingStatus.PUBLISHED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_postings", stdout=StringIO())
    assert posting.pk in told and not finds(posting)
    no_drift()


def test_organisation_hidden_or_deleted(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    posting = PostingFactory.create()
    other = PostingFactory.create()
    organisation = posting.organisation
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organisation.status = "hidden"
        organisation.save()
    assert posting.pk in told and not finds(posting)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        type(organisation).objects.filter(pk=other.organisation_id).update(status="archived")
        organisations_changed([other.organisation_id])
    assert other.pk in told and not finds(other)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    assert posting.pk in told
    no_drift()


def test_only_open_postings_are_indexable() -> None:
    open_ = PostingFactory.create()
    PostingFactory.create(status=PostingStatus.PENDING)
    PostingFactory.create(status=PostingStatus.CLOSED)
    PostingFactory.create(expires_on=datetime.date.today() - datetime.timedelta(days=1))
    assert list(PostingType().indexable_ids()) == [open_.pk]
    (document,) = PostingType().documents([open_.pk])
    assert document.keywords["kind"] == ["request"] and document.title == open_.title


def test_services_write_paths_report(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    posting = PostingFactory.create()
    editor = editor_of(posting.organisation)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.extend_posting(editor, posting)
    assert told == [posting.pk] or set(told) == {posting.pk}


def test_a_bulk_change_of_many_organisations(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    posting = PostingFactory.create()
    many = set(range(10**6, 10**6 + 40_000)) | {posting.organisation_id}
    with django_capture_on_commit_callbacks(execute=True):
        organisations_changed(many)
    assert told == [posting.pk]


def test_words_in_the_list_and_the_api_find_postings(
    told: list[int], django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        steel = PostingFactory.create(
            title="Bleche aus Edelstahl gesucht", description="Zwei Tonnen Edelstahlbleche."
        )
        PostingFactory.create(title="Holzpaletten abzugeben", description="Europaletten.")
    from sourcing.postings.listing import PostingFilter, list_postings

    found = list_postings(PostingFilter(text="Edelstahl"))
    assert [p.pk for p in found.postings] == [steel.pk] and found.total == 1
    api = client.get("/api/v1/postings", {"q": "Edelstahl"}).json()
    assert [r["id"] for r in api["results"]] == [steel.pk]
    page = client.get("/gesuche/", {"q": "Edelstahl"}).content.decode()
    assert "Bleche aus Edelstahl gesucht" in page and "Holzpaletten" not in page


def test_the_main_search_groups_postings_beside_organisations(
    told: list[int], django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        steel = PostingFactory.create(
            title="Bleche aus Edelstahl gesucht", description="Zwei Tonnen Edelstahlbleche."
        )
    page = client.get("/suche/", {"q": "Edelstahlblech"}).content.decode()
    assert "Gesuche und Angebote" in page
    assert f'href="{steel.get_absolute_url()}"' in page
    one_kind = client.get("/suche/", {"type": "posting", "q": "Edelstahl"}).content.decode()
    assert "Bleche aus Edelstahl gesucht" in one_kind and "1 Treffer" in one_kind
    groups = client.get("/api/v1/search/all", {"q": "Edelstahl"}).json()["groups"]
    (postings,) = [g for g in groups if g["type"] == "posting"]
    assert postings["total"] == 1 and postings["hits"][0]["id"] == steel.pk
    # Closed: gone from every group.
    with django_capture_on_commit_callbacks(execute=True):
        services.close_posting(editor_of(steel.organisation), steel)
    groups = client.get("/api/v1/search/all", {"q": "Edelstahl"}).json()["groups"]
    assert [g["total"] for g in groups if g["type"] == "posting"] == [0]
