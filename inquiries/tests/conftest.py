"""Fixtures of the inquiry tests: a small agency (topics, teams, experts, rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accounts.roles import EXPERT
from accounts.services import grant_role
from classification.models import GrowthField
from geo.models import District
from inquiries.models import Expert, InquiryTopic, RoutingRule, Team


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.INQUIRY_ATTACHMENT_DIR = tmp_path / "attachments"


@dataclass
class Agency:
    topics: dict[str, InquiryTopic]
    experts: dict[str, Expert]
    teams: dict[str, Team]
    users: dict[str, Any]
    growth_field: GrowthField
    erfurt: District
    jena: District


def make_agency(django_user_model: Any) -> Agency:
    topics = {
        slug: InquiryTopic.objects.create(name=name, slug=slug, order=i)
        for i, (slug, name) in enumerate(
            [("foerderung", "Förderung"), ("fachkraefte", "Fachkräfte"), ("sonstiges", "Sonstiges")]
        )
    }
    users = {}
    for login in ("anna", "bernd", "clara", "dora"):
        users[login] = django_user_model.objects.create_user(
            login, f"{login}@agentur.example", "geheim-12345", is_staff=True
        )
        grant_role(users[login], EXPERT)
    service = Team.objects.create(name="Service", slug="service", email="")
    funding = Team.objects.create(name="Förderteam", slug="foerderteam")
    experts = {
        "anna": Expert.objects.create(
            name="Anna Förder", email="anna@agentur.example", user=users["anna"], team=funding
        ),
        "bernd": Expert.objects.create(
            name="Bernd Lead", email="bernd@agentur.example", user=users["bernd"], team=funding
        ),
        "clara": Expert.objects.create(
            name="Clara Service", email="clara@agentur.example", user=users["clara"], team=service
        ),
        "dora": Expert.objects.create(
            name="Dora Fach", email="dora@agentur.example", user=users["dora"], team=service
        ),
    }
    funding.lead = experts["bernd"]
    funding.save()
    service.lead = experts["clara"]
    service.save()
    growth_field = GrowthField.objects.order_by("pk").first() or GrowthField.objects.create(
        name="Mobilität", slug="mobilitaet"
    )
    erfurt = District.objects.get(ags="16051")
    jena = District.objects.get(ags="16053")
    RoutingRule.objects.create(topic=topics["foerderung"], expert=experts["anna"])
    RoutingRule.objects.create(fallback=True, team=service)
    return Agency(
        topics,
        experts,
        {"service": service, "funding": funding},
        users,
        growth_field,
        erfurt,
        jena,
    )


@pytest.fixture
def agency(db: Any, django_user_model: Any) -> Agency:
    return make_agency(django_user_model)
