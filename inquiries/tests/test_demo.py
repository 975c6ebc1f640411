"""``generate_demo_experts``: a made-up team that routes every demo inquiry."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from inquiries import services
from inquiries.models import Expert, InquiryTopic, RoutingRule, Team

pytestmark = pytest.mark.django_db


def test_demo_team_routes_inquiries_and_runs_once() -> None:
    call_command("generate_demo_experts", "--if-empty", stdout=io.StringIO())
    assert InquiryTopic.objects.count() == 9
    assert set(InquiryTopic.objects.values_list("name", flat=True)) >= {
        "Barrierefreiheit",  # the accessibility statement's feedback (/barrierefreiheit/)
        "Förderung",
        "Fachkräfte",
        "Technologietransfer",
        "Ansiedlung und Standort",
        "Kooperation und Netzwerke",
        "Internationalisierung",
        "Digitalisierung",
        "Sonstiges",
    }
    assert all(e.email.endswith("@agentur.example.org") for e in Expert.objects.all())
    assert all(e.source == "generated" for e in Expert.objects.all())
    assert all(t.lead is not None for t in Team.objects.all())
    assert RoutingRule.objects.filter(fallback=True).count() == 1
    for rule in RoutingRule.objects.all():
        rule.full_clean()  # every generated rule is one an administrator could save
    for topic in InquiryTopic.objects.all():
        inquiry = services.file_inquiry(
            services.NewInquiry(name="Demo", email="demo@firma.example", message="?", topic=topic)
        )
        assert inquiry.expert or inquiry.team, topic
    out = io.StringIO()
    call_command("generate_demo_experts", "--if-empty", stdout=out)
    assert "nothing generated" in out.getvalue()
    assert Expert.objects.count() == 8
