"""Every page names its icon, so browsers don't ask for a /favicon.ico that is not there."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


@pytest.mark.django_db
def test_pages_name_an_icon_the_portal_serves(client: Any) -> None:
    html = client.get("/suche/").content.decode()
    found = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert found, "no icon link on the search page"
    prefix = static("")
    assert found.group(1).startswith(prefix)
    assert finders.find(found.group(1)[len(prefix) :]) is not None


@pytest.mark.django_db
def test_the_browsers_default_icon_address_leads_to_the_icon(client: Any) -> None:
    # The back office and the API docs have templates of their own without the link.
    response = client.get("/favicon.ico")
    # Temporary: in production the target's name carries the icon's hash.
    assert response.status_code == 302
    assert finders.find(response["Location"][len(static("")) :]) is not None
