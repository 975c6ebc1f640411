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
