"""Requests and offers: who posts, what is published at once, review, list, detail,
close, extend; mails to the poster."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from classification.models import WzCode
from directory.tests.factories import OrganisationFactory
from sourcing.models import Posting, PostingStatus
from sourcing.postings import services
from sourcing.postings.listing import PostingFilter, list_postings

from .postings_factories import PostingFactory, editor_of, signed_in, staff_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def form_data(firm: Any, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": firm.pk,
        "kind": "request",
        "category": "product",
        "title": "Drehteile aus Edelstahl gesucht",
        "description": "Wir suchen Drehteile aus Edelstahl 1.4305, etwa 5.000 Stück im Jahr.",
        "quantity": "5.000 Stück/Jahr",
        "place": "99084",
        "radius_km": "50",
        "wz_codes": "25.62.0",
        "urgency": "high",
        **extra,
    }


def test_a_verified_editor_posts_and_it_is_published_at_once(
    mail_sent_at_once: None, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory.create(name="Werra Zerspanung GmbH")
    client = signed_in(editor_of(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sourcing:posting-create"), form_data(organisation))
    posting = Posting.objects.get()
    assert response.status_code == 302 and response["Location"] == posting.get_absolute_url()
    assert posting.status == PostingStatus.PUBLISHED and posting.is_open
    assert posting.place.startswith("99084") and posting.lat and posting.lon
    assert posting.district is not None and posting.district.name == "Erfurt"
    assert [c.code for c in posting.wz_codes.all()] == ["25.62.0"]
    expected = TODAY() + datetime.timedelta(days=60)
    assert posting.expires_on == expected
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "Drehteile aus Edelstahl gesucht" in page and "25.62.0" in page
    listed = client.get(reverse("sourcing:posting-list")).content.decode()
    assert "Drehteile aus Edelstahl gesucht" in listed


def test_an_unverified_profile_waits_for_review_and_staff_decide(
    mail_sent_at_once: None, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation, verified=False)
    staff = staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(reverse("sourcing:posting-create"), form_data(organisation))
    posting = Posting.objects.get()
    assert posting.status == PostingStatus.PENDING
    assert (
        signed_in(editor)
        .get(reverse("sourcing:posting-list"))
        .content.decode()
        .count(posting.title)
        == 0
    )
    assert any(staff.email in m.to for m in mail.outbox), "staff are told of the waiting posting"
    client = signed_in(staff)
    queue = client.get(reverse("sourcing:posting-review")).content.decode()
    assert posting.title in queue
    # Rejecting needs a note.
    client.post(reverse("sourcing:posting-review"), {"posting": posting.pk, "decision": "reject"})
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sourcing:posting-review"),
            {"posting": posting.pk, "decision": "approve", "note": "Passt."},
        )
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PUBLISHED and posting.is_open
    told = [m for m in mail.outbox if editor.email in m.to]
    assert told and "veröffentlicht" in told[0].subject and posting.title in told[0].subject
    assert posting.get_absolute_url() in told[0].body


def test_rejection_tells_the_poster_with_the_note(
    mail_sent_at_once: None, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation, verified=False)
    posting = PostingFactory.create(
        organisation=organisation, created_by=editor, status=PostingStatus.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_posting(staff_user(), posting, approve=False, note="Bitte genauer.")
    assert posting.status == PostingStatus.REJECTED
    told = [m for m in mail.outbox if editor.email in m.to]
    assert told and "Bitte genauer." in told[0].body


def test_others_may_not_post_for_an_organisation() -> None:
    mine = OrganisationFactory.create()
    other = OrganisationFactory.create()
    client = signed_in(editor_of(mine))
    response = client.post(reverse("sourcing:posting-create"), form_data(other))
    assert response.status_code == 400
    assert not Posting.objects.exists()
    anonymous = signed_in(
        type(editor_of(mine, "zweite")).objects.create_user("nobody", "n@x.example", "x" * 16)
    )
    assert anonymous.get(reverse("sourcing:posting-create")).status_code == 403


def test_staff_post_for_any_firm_published_at_once() -> None:
    organisation = OrganisationFactory.create()
    client = signed_in(staff_user())
    client.post(
        reverse("sourcing:posting-create"),
        form_data(organisation, kind="offer", organisation=organisation.slug),
    )
    posting = Posting.objects.get()
    assert posting.organisation == organisation and posting.status == PostingStatus.PUBLISHED
    unknown = client.post(
        reverse("sourcing:posting-create"), form_data(organisation, organisation="Gibt es nicht")
    )
    assert unknown.status_code == 400 and "Gibt es nicht" in unknown.content.decode()
    client.post(
        reverse("sourcing:posting-create"), form_data(organisation, organisation=organisation.name)
    )
    assert Posting.objects.filter(organisation=organisation).count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("place", "Atlantis", "no postal code or place we know"),
        ("wz_codes", "99.99.9", "no WZ 2008 code"),
        ("expires_on", "2999-01-01", "at most 180 days"),
        ("deadline", "2000-01-01", "in the past"),
        ("title", "", "This field is required"),
        ("description", "x" * 4001, "4000"),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_is_written(
    field: str, value: str, message: str
) -> None:
    organisation = OrganisationFactory.create()
    client = signed_in(editor_of(organisation))
    response = client.post(
        reverse("sourcing:posting-create"),
        form_data(organisation, **{field: value}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert not Posting.objects.exists()


def test_the_honeypot_refuses_and_writes_nothing() -> None:
    organisation = OrganisationFactory.create()
    client = signed_in(editor_of(organisation))
    response = client.post(
        reverse("sourcing:posting-create"), form_data(organisation, website_url="http://spam")
    )
    assert response.status_code == 400 and not Posting.objects.exists()


def test_the_rate_limit_stops_a_flood(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "posting": (2, 3600)}
    organisation = OrganisationFactory.create()
    client = signed_in(editor_of(organisation))
    codes = [
        client.post(reverse("sourcing:posting-create"), form_data(organisation)).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Posting.objects.count() == 2


def test_wz_suggestion_fills_the_form_without_saving() -> None:
    organisation = OrganisationFactory.create()
    client = signed_in(editor_of(organisation))
    data = form_data(organisation, wz_codes="", wz_action="suggest")
    data["description"] = "Lohnfertigung: wir drehen, fräsen und schleifen Metallteile."
    response = client.post(reverse("sourcing:posting-create"), data)
    assert response.status_code == 200
    codes = [s.code for s in response.context["wz_suggestions"]]
    assert "25.62.0" in codes
    assert not Posting.objects.exists()
    added = client.post(
        reverse("sourcing:posting-create"), {**data, "wz_action": "", "wz_add": "25.62.0"}
    )
    assert added.context["form"]["wz_codes"].value() == "25.62.0"
    assert not Posting.objects.exists()


def test_the_poster_closes_and_extends(django_capture_on_commit_callbacks: Any) -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation)
    posting = PostingFactory.create(
        organisation=organisation,
        created_by=editor,
        expires_on=TODAY() + datetime.timedelta(days=3),
    )
    client = signed_in(editor)
    client.post(reverse("sourcing:posting-extend", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.expires_on == TODAY() + datetime.timedelta(days=60)
    stranger = OrganisationFactory.create()
    other = signed_in(editor_of(stranger, "fremd"))
    assert other.post(reverse("sourcing:posting-close", args=[posting.pk])).status_code == 403
    client.post(reverse("sourcing:posting-close", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.status == PostingStatus.CLOSED and posting.closed_at
    assert anonymous_status(posting.get_absolute_url()) == 404
    mine = client.get(reverse("sourcing:posting-mine")).content.decode()
    assert posting.title in mine


def anonymous_status(url: str) -> int:
    from django.test import Client

    return Client().get(url).status_code


def test_list_filters_facets_sort_and_paging() -> None:
    wz = WzCode.objects.get(version="2008", code="25.62.0")
    chem = WzCode.objects.get(version="2008", code="20.20.0")
    for i in range(25):
        p = PostingFactory.create(
            kind="offer" if i % 5 == 0 else "request",
            title=f"Posten {i:02d}",
            lat=50.97,
            lon=11.03,
            deadline=TODAY() + datetime.timedelta(days=30 - i),
        )
        p.wz_codes.set([wz if i % 2 else chem])
    PostingFactory.create(title="Abgelaufen", expires_on=TODAY() - datetime.timedelta(days=1))
    PostingFactory.create(title="Geschlossen", status=PostingStatus.CLOSED)
    result = list_postings(PostingFilter())
    assert result.total == 25 and len(result.postings) == 20 and result.pages == 2
    assert result.facets["kind"] == {"request": 20, "offer": 5}
    assert result.facets["wz"]["C"] == 25 and result.facets["wz"]["25"] == 12
    offers = list_postings(PostingFilter(kind=["offer"]))
    assert offers.total == 5
    # A facet's counts ignore its own selection, honour the others.
    assert offers.facets["kind"] == {"request": 20, "offer": 5}
    assert sum(offers.facets["wz"].get(k, 0) for k in ("25", "20")) == 5
    assert list_postings(PostingFilter(wz=["25"])).total == 12
    by_deadline = list_postings(PostingFilter(sort="deadline"))
    assert by_deadline.postings[0].title == "Posten 24"
    near_jena = list_postings(PostingFilter(lat=50.93, lon=11.59, radius_km=10))
    assert near_jena.total == 0
    near_erfurt = list_postings(PostingFilter(lat=50.98, lon=11.03, radius_km=10, sort="distance"))
    assert near_erfurt.total == 25
    page = anonymous_page(reverse("sourcing:posting-list") + "?kind=offer&page=1")
    assert page.count("posting-item card") == 5 and "Abgelaufen" not in page


def anonymous_page(url: str) -> str:
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_unknown_filter_values_say_so_and_do_not_fail() -> None:
    page = anonymous_page(
        reverse("sourcing:posting-list") + "?kind=xyz&near=Atlantis&sort=distance"
    )
    assert "Atlantis" in page


def test_geojson_of_the_filtered_list() -> None:
    PostingFactory.create(title="Mit Ort", lat=50.97, lon=11.03, kind="offer")
    PostingFactory.create(title="Ohne Ort")
    PostingFactory.create(title="Gesuch mit Ort", lat=50.9, lon=11.0)
    from django.test import Client

    data = Client().get(reverse("sourcing:posting-geojson") + "?kind=offer").json()
    assert [f["properties"]["title"] for f in data["features"]] == ["Mit Ort"]


def test_a_hidden_organisation_takes_its_postings_off_the_list() -> None:
    posting = PostingFactory.create(title="Sichtbar bis verborgen")
    assert list_postings(PostingFilter()).total == 1
    posting.organisation.status = "hidden"
    posting.organisation.save()
    assert list_postings(PostingFilter()).total == 0
    assert anonymous_status(posting.get_absolute_url()) == 404


def test_account_page_links_my_postings() -> None:
    organisation = OrganisationFactory.create()
    client = signed_in(editor_of(organisation))
    page = client.get(reverse("accounts:account")).content.decode()
    assert reverse("sourcing:posting-mine") in page


def test_expiry_date_is_bounded_in_the_service() -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation)
    with pytest.raises(Exception, match="180"):
        services.create_posting(
            editor,
            organisation,
            {
                "kind": "offer",
                "category": "service",
                "title": "x",
                "description": "Eine Dienstleistung.",
                "expires_on": timezone.localdate() + datetime.timedelta(days=181),
            },
        )
    assert not Posting.objects.exists()
