"""The inbox list: counts per status, filters, overdue cases marked."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from core.testing import sign_in
from inquiries import services
from inquiries.models import Inquiry

pytestmark = pytest.mark.django_db


def listed(html: str) -> set[str]:
    return set(re.findall(r"A-\d{4}-\d{5}", html))


def test_filters_counts_and_overdue(agency: Any, admin_user: Any) -> None:
    def filed(topic: str) -> Inquiry:
        return services.file_inquiry(
            services.NewInquiry(
                name="Eva", email="eva@firma.example", message="Frage", topic=agency.topics[topic]
            )
        )

    funding, service, late = filed("foerderung"), filed("sonstiges"), filed("foerderung")
    services.send_reply(funding, "Antwort", agency.users["anna"])
    Inquiry.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client = Client()
    sign_in(client, admin_user)
    everything = client.get("/intern/anfragen/").content.decode()
    assert listed(everything) == {funding.reference, service.reference, late.reference}
    assert re.search(r'data-status="answered">1<', everything)
    assert re.search(r'data-status="assigned">2<', everything)
    answered = client.get("/intern/anfragen/?status=answered").content.decode()
    assert listed(answered) == {funding.reference}
    by_team = client.get(f"/intern/anfragen/?team={agency.teams['service'].pk}").content.decode()
    assert listed(by_team) == {service.reference}
    by_expert = client.get(f"/intern/anfragen/?expert={agency.experts['anna'].pk}").content.decode()
    assert listed(by_expert) == {funding.reference, late.reference}
    overdue = client.get("/intern/anfragen/?overdue=on").content.decode()
    assert listed(overdue) == {late.reference}
    assert 'class="overdue"' in overdue
    case = client.get(f"/intern/anfragen/{late.reference}/").content.decode()
    assert "überfällig" in case or "overdue" in case


def test_the_inbox_asks_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get("/intern/anfragen/")
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


@pytest.mark.parametrize("path", ["/", "/organisationen/", "/datenschutz/", "/anfrage/"])
def test_every_page_links_the_inquiry_form_in_header_and_footer(client: Client, path: str) -> None:
    html = client.get(path).content.decode()
    header = html.split("</header>")[0]
    footer = html.split('<footer class="site-footer">')[1]
    assert 'href="/anfrage/"' in header and 'href="/anfrage/"' in footer


def many_cases(agency: Any, topic: str, count: int, start: int) -> list[Inquiry]:
    """Cases for the inbox list only (no routing or mail: the list is what is tested)."""
    now = timezone.now()
    return Inquiry.objects.bulk_create(
        Inquiry(
            reference=f"A-{now.year}-{start + i:05d}",
            token=f"tok-{start + i}",
            name="Eva",
            email="eva@firma.example",
            message="Frage",
            topic=agency.topics[topic],
            consent_at=now,
            consent_version="1",
            due_at=now + datetime.timedelta(days=7),
        )
        for i in range(count)
    )


def test_the_inbox_pages_through_every_case_and_keeps_the_filters(
    agency: Any, admin_user: Any
) -> None:
    funding = {c.reference for c in many_cases(agency, "foerderung", 70, 1)}
    other = {c.reference for c in many_cases(agency, "sonstiges", 51, 1000)}
    client = Client()
    sign_in(client, admin_user)

    pages = [client.get(f"/intern/anfragen/?page={n}").content.decode() for n in (1, 2, 3)]
    seen = [listed(html) for html in pages]
    assert [len(found) for found in seen] == [50, 50, 21]
    assert set().union(*seen) == funding | other  # every case once, none twice
    assert "121 Anfragen · Seite 1 von 3" in pages[0]
    assert 'href="?page=2" rel="next"' in pages[0] and 'rel="prev"' not in pages[0]
    assert 'href="?page=2" rel="prev"' in pages[2] and 'rel="next"' not in pages[2]

    topic = agency.topics["foerderung"].pk
    first = client.get(f"/intern/anfragen/?topic={topic}").content.decode()
    assert "70 Anfragen · Seite 1 von 2" in first
    link = re.search(r'href="([^"]+)" rel="next"', first)
    assert link is not None and f"topic={topic}" in link.group(1)
    second = client.get("/intern/anfragen/" + link.group(1).replace("&amp;", "&")).content.decode()
    assert len(listed(first)) == 50 and len(listed(second)) == 20
    assert listed(first) | listed(second) == funding


@pytest.mark.parametrize("page", ["4", "0", "-1", "zwei", "1.5", "9" * 30])
def test_a_page_that_is_not_there_says_so(agency: Any, admin_user: Any, page: str) -> None:
    many_cases(agency, "foerderung", 51, 1)  # two pages
    client = Client()
    sign_in(client, admin_user)
    topic = agency.topics["foerderung"].pk
    response = client.get("/intern/anfragen/", {"page": page, "topic": topic})
    html = response.content.decode()
    assert response.status_code == 404
    assert f"Es gibt keine Seite „{page[:20]}“: Die Liste füllt 2 Seiten." in html
    assert f'href="?page=2&amp;topic={topic}">Zur letzten Seite (2)' in html
    assert listed(html) == set()
