"""The imprint and the accessibility statement: at fixed addresses, linked from every
page, written by staff with history, demo text marked, and the statement's feedback
leading to the one inquiry form."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content.models import Page, SitePage
from inquiries.models import InquiryTopic

pytestmark = pytest.mark.django_db


def test_every_page_links_the_imprint_and_the_accessibility_statement(client: Client) -> None:
    for path in ["/", "/netzwerke/", "/anfrage/", "/wachstumsfelder/"]:
        html = client.get(path).content.decode()
        assert 'href="/impressum/"' in html and 'href="/barrierefreiheit/"' in html, path


def test_before_staff_write_them_the_pages_say_so(client: Client, admin_client: Client) -> None:
    imprint = client.get("/impressum/")
    assert imprint.status_code == 200
    assert "hat diesen Text noch nicht eingetragen" in imprint.content.decode()
    staff = admin_client.get("/impressum/").content.decode()
    assert reverse("admin:content_sitepage_add") + "?kind=imprint" in staff
    statement = client.get("/barrierefreiheit/").content.decode()
    assert "Erklärung zur Barrierefreiheit" in statement and "Barriere melden" in statement


def test_staff_write_the_imprint_in_the_back_office_with_history(
    client: Client, admin_client: Client, admin_user: Any
) -> None:
    response = admin_client.post(
        reverse("admin:content_sitepage_add"),
        {
            "kind": "imprint",
            "title": "Impressum",
            "body": "## Anbieter\n\nLandesentwicklungsgesellschaft <b>Thüringen</b>",
            "reviewed_on": "",
        },
    )
    assert response.status_code == 302
    page = SitePage.objects.get()
    assert page.history.get().history_user == admin_user
    html = client.get("/impressum/").content.decode()
    assert "<h2>Anbieter</h2>" in html
    assert "&lt;b&gt;Thüringen&lt;/b&gt;" in html  # typed markup is shown, never run
    assert "Demodaten" not in html
    twice = admin_client.post(
        reverse("admin:content_sitepage_add"),
        {"kind": "imprint", "title": "Noch eins", "body": "x"},
    )
    assert "existiert bereits" in twice.content.decode()
    assert SitePage.objects.count() == 1


def test_the_statement_shows_its_review_date_and_its_feedback_opens_the_inquiry_form(
    client: Client,
) -> None:
    SitePage.objects.create(
        kind="accessibility",
        title="Erklärung zur Barrierefreiheit",
        body="Weitgehend vereinbar.",
        reviewed_on=datetime.date(2026, 11, 30),
    )
    topic = InquiryTopic.objects.create(name="Barrierefreiheit", slug="barrierefreiheit")
    html = client.get("/barrierefreiheit/").content.decode()
    assert "Weitgehend vereinbar." in html and "30. November 2026" in html
    assert 'href="/anfrage/?thema=barrierefreiheit"' in html
    form = client.get("/anfrage/?thema=barrierefreiheit").context["form"]
    assert form.initial["topic"] == topic
    # An unknown topic leaves the form as it is.
    assert client.get("/anfrage/?thema=unbekannt").context["form"].initial == {}


def test_the_demo_writes_both_marked_and_leaves_written_pages_alone(client: Client) -> None:
    SitePage.objects.create(kind="imprint", title="Unser Impressum", body="Echt.")
    out = StringIO()
    call_command("generate_demo_about", "--if-empty", stdout=out)
    assert SitePage.objects.get(kind="imprint").title == "Unser Impressum"
    statement = SitePage.objects.get(kind="accessibility")
    assert statement.source == "generated"
    assert "Demodaten:" in client.get("/barrierefreiheit/").content.decode()
    assert "Demodaten:" not in client.get("/impressum/").content.decode()
    # An installation that had its pages before gets the site pages once.
    SitePage.objects.filter(kind="accessibility").delete()
    assert Page.objects.exists()
    out = StringIO()
    call_command("generate_demo_about", "--if-empty", stdout=out)
    assert "1 demo site pages written" in out.getvalue()
    assert SitePage.objects.count() == 2


def test_the_search_finds_the_site_pages_and_learns_of_changes(
    settings: Any, tmp_path: Any, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from search.content import ContentQuery, search_content

    settings.SEARCH_INDEX_DIR = tmp_path / "index"

    def found(text: str) -> set[int]:
        return {h.id for h in search_content(ContentQuery(type="sitepage", text=text)).hits}

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:content_sitepage_add"),
            {"kind": "accessibility", "title": "Erklärung", "body": "Schlichtungsstelle Erfurt"},
        )
    page = SitePage.objects.get()
    assert found("Schlichtungsstelle") == {page.pk}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:content_sitepage_change", args=[page.pk]),
            {"kind": "accessibility", "title": "Erklärung", "body": "Ombudsstelle Weimar"},
        )
    assert found("Schlichtungsstelle") == set() and found("Ombudsstelle") == {page.pk}
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert found("Ombudsstelle") == set()
