"""factory-boy factories for the cluster management's pages and supporters."""

from __future__ import annotations

import factory

from content.choices import PageSection, SupporterKind
from content.models import Page, Supporter
from inquiries.models import Expert, Team


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Seite {n}")
    slug = factory.Sequence(lambda n: f"seite-{n}")
    section = PageSection.FIELD_OF_ACTION
    summary = "Kurz gesagt."
    body = "Ein Absatz."
    published = True


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    name = factory.Sequence(lambda n: f"Förderer {n}")
    kind = SupporterKind.FUNDING_BODY


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"Expertin {n}")
    role = "Referentin"
    email = factory.Sequence(lambda n: f"expertin{n}@agentur.example.org")
