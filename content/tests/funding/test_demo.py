"""The demo programmes: a realistic set of real types under made-up names, every one
marked as demo on its page; the finder has something to say for each kind of visitor."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from content.funding.choices import FundingType, Level, TargetGroup
from content.funding.finder import Answers, find
from content.funding.models import Programme

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_type_level_and_target_group_and_says_it_is_demo(
    client: Client,
) -> None:
    call_command("generate_demo_funding")
    call_command("generate_demo_funding", "--if-empty")  # nothing more
    programmes = list(Programme.objects.all())

    assert 20 <= len(programmes) <= 30
    assert all(p.is_generated and p.is_published and "(Demo)" in p.name for p in programmes)
    assert {p.funding_type for p in programmes} == set(FundingType.values)
    assert {p.level for p in programmes} == set(Level.values)
    assert {g for p in programmes for g in p.target_groups} == set(TargetGroup.values)
    assert any(p.continuous for p in programmes) and any(p.calls.exists() for p in programmes)

    html = client.get(programmes[0].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Demodaten:" in html
    listing = client.get("/foerderprogramme/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Als „Demodaten“ markierte Programme" in listing

    for who in TargetGroup.values:
        assert find(Answers(who=who)).fitting, who
