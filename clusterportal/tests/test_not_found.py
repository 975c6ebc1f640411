"""A newcomer running the portal with DEBUG on meets the portal's own 404 page."""

from __future__ import annotations

import pytest
from django.test import override_settings

# Text of Django's technical 404 page (it lists the URL patterns).
TECHNICAL = "Using the URLconf defined in"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/gibt-es-nicht/", "/organisationen/gibt-es-nicht/"])
@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=False)
def test_unknown_page_or_profile_shows_the_portals_404_page_under_debug(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    page = response.content.decode()
    assert TECHNICAL not in page
    assert "There is no page at this address." in page
    assert 'href="/organisationen/"' in page  # the way back into the portal


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/gibt-es-nicht/", "/organisationen/gibt-es-nicht/"])
@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=True)
def test_a_developer_can_ask_for_the_technical_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "There is no page at this address." not in response.content.decode()
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=False)
def test_the_api_still_answers_a_missing_organisation_with_json(client):
    response = client.get("/api/v1/organisations/gibt-es-nicht")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=False, APPEND_SLASH=True)
def test_a_missing_slash_is_still_added_before_a_page_counts_as_missing(client):
    response = client.get("/organisationen")
    assert response.status_code == 301
    assert response["Location"] == "/organisationen/"
