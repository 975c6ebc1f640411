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


def test_a_suggested_correction_leaves_the_kept_profile_kept(settings: Any):
    """A visitor's correction waits for staff and changes no public page: the profiles
    and lists kept before are served on (every correction made them anew before)."""
    from directory.models import ChangeRequest

    settings.PAGE_CACHE_SECONDS = 300
    organisation = OrganisationFactory.create(name="Glaswerk Ilmenau GmbH")
    paths = [organisation.get_absolute_url(), "/organisationen/"]
    for path in paths:
        assert Client().get(path)["X-Page-Cache"] == "miss"
        assert Client().get(path)["X-Page-Cache"] == "hit"
    from django.contrib.auth.models import AnonymousUser

    from directory import actions

    suggested = actions.suggest_correction(
        AnonymousUser(), organisation, "Die Telefonnummer hat sich geändert."
    )
    assert suggested.status == ChangeRequest.Status.PENDING
    for path in paths:
        assert Client().get(path)["X-Page-Cache"] == "hit", path
