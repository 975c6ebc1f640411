"""Factories and helpers of the postings tests."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.roles import EDITOR
from accounts.services import grant_editor, grant_role
from core.testing import sign_in
from directory.tests.factories import OrganisationFactory
from sourcing.models import Posting, PostingStatus

PASSWORD = "Lange-genug-1234"


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting
        skip_postgeneration_save = True

    kind = "request"
    category = "product"
    title = factory.Sequence(lambda n: f"Drehteile aus Edelstahl {n}")
    description = "Wir suchen einen Lieferanten für Drehteile aus Edelstahl, 5.000 Stück im Jahr."
    organisation = factory.SubFactory(OrganisationFactory)
    status = PostingStatus.PUBLISHED
    urgency = "normal"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    published_at = factory.LazyFunction(timezone.now)


def editor_of(organisation: Any, name: str = "ina", verified: bool = True) -> User:
    user = User.objects.create_user(name, f"{name}@firma.example", PASSWORD)
    grant_editor(user, organisation, "domain")
    if verified:
        type(organisation).objects.filter(pk=organisation.pk).update(
            last_verified=timezone.localdate()
        )
        organisation.refresh_from_db()
    return user


def signed_in(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def staff_user(name: str = "stefan") -> User:
    user = User.objects.create_user(name, f"{name}@agentur.example", "x" * 16)
    grant_role(user, EDITOR)
    return user
