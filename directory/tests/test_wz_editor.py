# ruff: noqa: F811  (fixtures imported from the self-service tests)
"""The profile editor suggests WZ codes for the profile as typed, each one addable."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from classification.models import WzCode
from directory.tests.test_self_service import (  # noqa: F401  (fixtures)
    edit_url,
    form_data,
    ina,
    office,
    organisation,
    owner,
)

pytestmark = pytest.mark.django_db

TYPED = "Lohnfertigung: wir drehen, fräsen und schleifen Metallteile nach Zeichnung."


def suggested(html: str) -> list[str]:
    return re.findall(r'name="wz_add" value="([\d.]+)"', html)


def test_suggest_shows_codes_for_the_description_as_typed_and_saves_nothing(
    ina: Client, organisation: Any
) -> None:
    data = form_data(ina, organisation, description=TYPED, phone="0000")
    response = ina.post(edit_url(organisation), {**data, "wz_action": "suggest"})
    assert response.status_code == 200
    html = response.content.decode()
    codes = suggested(html)
    assert len(codes) == 5
    assert "25.62.0" in codes
    title = WzCode.objects.get(version="2008", code="25.62.0").title
    assert title in html
    # What was typed is still in the form, and nothing was saved.
    assert TYPED in html and 'value="0000"' in html
    organisation.refresh_from_db()
    assert organisation.description != TYPED and organisation.phone != "0000"


def test_add_puts_the_code_into_the_further_codes_until_saved(
    ina: Client, organisation: Any
) -> None:
    data = form_data(ina, organisation, description=TYPED)
    response = ina.post(edit_url(organisation), {**data, "wz_add": "25.62.0"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["primary_wz_code"].value() == "26.70.0"
    assert form["secondary_wz_codes"].value() == "25.62.0"
    assert "25.62.0 ist zu den weiteren WZ-Codes hinzugefügt" in response.content.decode()
    saved = ina.post(edit_url(organisation), {**data, "secondary_wz_codes": "25.62.0"})
    assert saved.status_code == 302


def test_add_without_a_main_code_makes_it_the_main_code(ina: Client, organisation: Any) -> None:
    data = form_data(ina, organisation, description=TYPED, primary_wz_code="")
    response = ina.post(edit_url(organisation), {**data, "wz_add": "25.62.0"})
    assert response.context["form"]["primary_wz_code"].value() == "25.62.0"


def test_unknown_code_to_add_is_refused_with_a_message(ina: Client, organisation: Any) -> None:
    data = form_data(ina, organisation, description=TYPED)
    response = ina.post(edit_url(organisation), {**data, "wz_add": "99.99.9"})
    assert response.status_code == 200
    assert "99.99.9 ist kein WZ-2008-Code" in response.content.decode()
    assert response.context["form"]["secondary_wz_codes"].value() == ""


def test_empty_profile_says_what_to_do(ina: Client, organisation: Any) -> None:
    data = form_data(ina, organisation, name="", description="", short_description="")
    response = ina.post(edit_url(organisation), {**data, "wz_action": "suggest"})
    assert response.status_code == 200
    assert suggested(response.content.decode()) == []
    assert "Beschreiben Sie zuerst" in response.content.decode()


def test_staff_editors_get_suggestions_too(office: Client, organisation: Any) -> None:
    data = form_data(office, organisation, description=TYPED)
    response = office.post(edit_url(organisation), {**data, "wz_action": "suggest"})
    assert "25.62.0" in suggested(response.content.decode())


def test_visitors_get_no_suggestions(client: Client, organisation: Any) -> None:
    response = client.post(edit_url(organisation), {"wz_action": "suggest"})
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
