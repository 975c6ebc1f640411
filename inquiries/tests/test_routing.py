"""The routing rules as a table of cases: which rule wins for which inquiry."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from classification.models import WzCode
from inquiries.models import Inquiry, RoutingRule
from inquiries.routing import route
from inquiries.services import NewInquiry, file_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(agency: Any) -> dict[str, RoutingRule]:
    RoutingRule.objects.filter(fallback=False).delete()
    e, t, top = agency.experts, agency.teams, agency.topics
    return {
        "topic": RoutingRule.objects.create(topic=top["foerderung"], expert=e["anna"]),
        "topic+district": RoutingRule.objects.create(
            topic=top["foerderung"], district=agency.jena, expert=e["dora"]
        ),
        "wz 28": RoutingRule.objects.create(wz_prefix="28", expert=e["bernd"]),
        "wz 28.4": RoutingRule.objects.create(wz_prefix="28.4", expert=e["clara"]),
        "growth field": RoutingRule.objects.create(
            growth_field=agency.growth_field, team=t["funding"]
        ),
        "urgent priority": RoutingRule.objects.create(
            topic=top["fachkraefte"], priority=10, expert=e["clara"]
        ),
        "fachkraefte erfurt": RoutingRule.objects.create(
            topic=top["fachkraefte"], district=agency.erfurt, expert=e["dora"]
        ),
        "inactive": RoutingRule.objects.create(
            topic=top["sonstiges"], expert=e["anna"], active=False
        ),
        "fallback": RoutingRule.objects.get(fallback=True),
    }


# (topic, wz code, growth field?, district, expected rule)
CASES = [
    ("foerderung", None, False, None, "topic"),
    ("foerderung", None, False, "jena", "topic+district"),  # more conditions win
    ("foerderung", None, False, "erfurt", "topic"),
    ("sonstiges", "28.41", False, None, "wz 28.4"),  # same count: the longer prefix
    ("sonstiges", "28.11", False, None, "wz 28"),
    ("sonstiges", "10.11", False, None, "fallback"),
    ("sonstiges", None, True, None, "growth field"),
    ("fachkraefte", None, False, "erfurt", "urgent priority"),  # priority before count
    ("sonstiges", None, False, None, "fallback"),  # the inactive rule does not count
]


@pytest.mark.parametrize(("topic", "wz", "growth", "district", "expected"), CASES)
def test_the_most_specific_rule_wins(
    agency: Any,
    rules: dict[str, RoutingRule],
    topic: str,
    wz: Any,
    growth: bool,
    district: Any,
    expected: str,
) -> None:
    inquiry = Inquiry(
        topic=agency.topics[topic],
        wz_code=WzCode.objects.get(version="2008", code=wz) if wz else None,
        growth_field=agency.growth_field if growth else None,
        district={"jena": agency.jena, "erfurt": agency.erfurt, None: None}[district],
    )
    found = route(inquiry)
    assert found.rule == rules[expected], f"got {found.rule}"


def test_without_any_rule_the_inquiry_waits_unassigned(agency: Any) -> None:
    RoutingRule.objects.all().delete()
    inquiry = file_inquiry(
        NewInquiry(
            name="Eva",
            email="eva@firma.example",
            message="Eine Frage zu Förderung",
            topic=agency.topics["sonstiges"],
        )
    )
    assert inquiry.status == "new" and inquiry.expert is None and inquiry.team is None


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"topic": "foerderung"}, "expert"),  # no target
        ({"expert": "anna"}, "topic"),  # no condition, not the fallback
        ({"fallback": True, "expert": "anna", "topic": "foerderung"}, "fallback"),
        ({"fallback": True, "expert": "anna"}, "fallback"),  # a second fallback
        ({"wz_prefix": "28a", "expert": "anna"}, "wz_prefix"),
        ({"topic": "foerderung", "expert": "anna", "team": "service"}, "team"),
    ],
)
def test_a_rule_needs_a_target_and_a_condition(agency: Any, fields: dict, error_field: str) -> None:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "topic":
            values["topic"] = agency.topics[value]
        elif name == "expert":
            values["expert"] = agency.experts[value]
        elif name == "team":
            values["team"] = agency.teams[value]
        else:
            values[name] = value
    with pytest.raises(ValidationError) as error:
        RoutingRule(**values).full_clean()
    assert error_field in error.value.message_dict


def test_the_admin_form_says_what_is_missing(admin_client: Any, agency: Any) -> None:
    response = admin_client.post(
        "/admin/inquiries/routingrule/add/",
        {"priority": "0", "active": "on", "expert": agency.experts["anna"].pk},
    )
    assert response.status_code == 200
    assert (
        "mindestens eine Bedingung" in response.content.decode()
        or "at least one condition" in response.content.decode()
    )
