"""An organisation's profile kept for visitors without a session (core.pagecache) shows
what the search index does not hold too: a contact person added shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from directory.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_new_contact_person_reaches_the_kept_profile(settings: Any):
    settings.PAGE_CACHE_SECONDS = 300
    organisation = OrganisationFactory.create(name="Glaswerk Ilmenau GmbH")
    path = organisation.get_absolute_url()
    assert Client().get(path)["X-Page-Cache"] == "miss"
    assert Client().get(path)["X-Page-Cache"] == "hit"
    ContactPersonFactory.create(organisation=organisation, last_name="Kleinschmidt")
    again = Client().get(path)
    assert again["X-Page-Cache"] == "miss"
    assert "Kleinschmidt" in again.content.decode()
