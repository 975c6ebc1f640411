"""The cluster management's public pages: the overview, each page, the team with the
contact data each visitor may see, the supporters, the footer link and the demo content."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content.choices import PageSection, SupporterKind
from content.models import Page, Supporter
from content.tests.factories import ExpertFactory, PageFactory, SupporterFactory, TeamFactory
from core.testing import sign_in
from directory.choices import Visibility

pytestmark = pytest.mark.django_db


def text_of(response: object) -> str:
    assert response.status_code == 200  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def staff() -> User:
    return User.objects.create_user("redaktion", "r@example.org", "x" * 16, is_staff=True)


def test_the_overview_groups_published_pages_by_section(client: Client) -> None:
    PageFactory.create(title="Unsere Ziele", section=PageSection.GOALS, summary="Wachstum.")
    PageFactory.create(title="Fachkräftesicherung", section=PageSection.CROSS_CUTTING)
    PageFactory.create(title="Internationalisierung", section=PageSection.CROSS_CUTTING)
    PageFactory.create(title="Geheimer Entwurf", section=PageSection.GOALS, published=False)

    html = text_of(client.get("/clustermanagement/"))

    assert "<h1>Clustermanagement</h1>" in html
    assert (
        html.index("Ziele</h2>")
        < html.index("Unsere Ziele")
        < html.index("Querschnittsthemen</h2>")
    )
    assert html.index("Querschnittsthemen</h2>") < html.index("Fachkräftesicherung")
    assert "Wachstum." in html
    assert "Geheimer Entwurf" not in html
    assert "Struktur</h2>" not in html  # an empty section is left out
    assert f'href="{reverse("content:team")}"' in html


def test_a_page_shows_its_text_and_a_draft_only_to_staff(client: Client) -> None:
    page = PageFactory.create(
        title="Technologiemanagement",
        body="Wir vernetzen.\n\n- Transfer\n- Scouting\n\n<b>kein Fett</b>",
    )
    draft = PageFactory.create(title="Entwurf GreenTech", published=False)

    html = text_of(client.get(page.get_absolute_url()))
    assert "<h1>Technologiemanagement</h1>" in html
    assert "<ul><li>Transfer</li><li>Scouting</li></ul>" in html
    assert "&lt;b&gt;kein Fett&lt;/b&gt;" in html
    assert client.get(draft.get_absolute_url()).status_code == 404

    sign_in(client, staff())
    html = text_of(client.get(draft.get_absolute_url()))
    assert "Entwurf GreenTech" in html and "nicht veröffentlicht" in html
    assert reverse("admin:content_page_change", args=[draft.pk]) in html


def test_demo_pages_say_they_are_demo_data(client: Client) -> None:
    call_command("generate_demo_about", "--if-empty")
    assert Page.objects.filter(source="generated", published=True).count() == 9
    sections = set(Page.objects.values_list("section", flat=True))
    assert sections == {"goals", "structure", "field", "topic"}
    titles = set(Page.objects.filter(section="topic").values_list("title", flat=True))
    assert titles == {
        "Internationalisierung",
        "Fachkräftesicherung",
        "Standortmarketing",
        "Technologiemanagement",
        "GreenTech",
    }
    assert Supporter.objects.filter(kind=SupporterKind.MINISTRY).exists()

    html = text_of(client.get(reverse("content:page", args=["greentech"])))
    assert "Demodaten:" in html
    assert "Demodaten" in text_of(client.get(reverse("content:supporters")))

    Page.objects.filter(slug="ziele").update(title="Eigene Ziele", source="manual")
    call_command("generate_demo_about", "--if-empty")
    assert Page.objects.count() == 9
    assert Page.objects.get(slug="ziele").title == "Eigene Ziele"


def test_the_team_page_shows_contact_data_only_as_each_expert_chose(client: Client) -> None:
    team = TeamFactory.create(name="Innovation und Transfer", email="innovation@example.org")
    lead = ExpertFactory.create(
        name="Leonie Offen",
        team=team,
        email="leonie@example.org",
        phone="0361 111",
        responsibility="Technologietransfer und Hochschulen",
        contact_visibility=Visibility.PUBLIC,
    )
    team.lead = lead
    team.save()
    ExpertFactory.create(
        name="Rita Registriert",
        team=team,
        email="rita@example.org",
        phone="0361 222",
        contact_visibility=Visibility.REGISTERED,
    )
    ExpertFactory.create(
        name="Stefan Intern", email="stefan@example.org", phone="0361 333"
    )  # default: staff only, in no team
    ExpertFactory.create(name="Ina Inaktiv", team=team, active=False)

    def seen(html: str) -> set[str]:
        return {
            value
            for value in (
                "leonie@example.org",
                "0361 111",
                "rita@example.org",
                "0361 222",
                "stefan@example.org",
                "0361 333",
            )
            if value in html
        }

    html = text_of(client.get("/clustermanagement/team/"))
    for name in ("Leonie Offen", "Rita Registriert", "Stefan Intern", "Innovation und Transfer"):
        assert name in html
    assert "Technologietransfer und Hochschulen" in html and "Teamleitung" in html
    assert "innovation@example.org" in html
    assert "Ina Inaktiv" not in html
    assert html.index("Leonie Offen") < html.index("Rita Registriert")
    assert seen(html) == {"leonie@example.org", "0361 111"}

    member = User.objects.create_user("firma", "f@example.org", "x" * 16)
    client.force_login(member)
    assert seen(text_of(client.get("/clustermanagement/team/"))) == {
        "leonie@example.org",
        "0361 111",
        "rita@example.org",
        "0361 222",
    }

    sign_in(client, staff())
    assert len(seen(text_of(client.get("/clustermanagement/team/")))) == 6


def test_the_team_page_costs_the_same_queries_for_any_team_size(
    client: Client, django_assert_max_num_queries: object
) -> None:
    for _team in range(3):
        team = TeamFactory.create()
        for _ in range(4):
            ExpertFactory.create(team=team, contact_visibility=Visibility.PUBLIC)
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert client.get("/clustermanagement/team/").status_code == 200


def test_supporters_are_grouped_by_kind(client: Client) -> None:
    SupporterFactory.create(
        name="Ministerium für Wirtschaft",
        kind=SupporterKind.MINISTRY,
        url="https://wirtschaft.example.org/",
    )
    SupporterFactory.create(name="Aufbaubank", kind=SupporterKind.FUNDING_BODY, order=2)
    SupporterFactory.create(name="EFRE", kind=SupporterKind.FUNDING_BODY, order=1)

    html = text_of(client.get("/clustermanagement/foerderer/"))

    assert '<a href="https://wirtschaft.example.org/" rel="noopener">' in html
    assert html.index("Im Auftrag von") < html.index("Ministerium für Wirtschaft")
    assert html.index("Fördermittelgeber") < html.index("EFRE") < html.index("Aufbaubank")
    assert "Sponsoren" not in html


def test_every_page_links_to_the_cluster_management_in_its_footer(client: Client) -> None:
    html = text_of(client.get("/netzwerke/"))
    assert f'<a href="{reverse("content:overview")}">Clustermanagement</a>' in html


def test_the_team_and_supporter_addresses_are_no_page_slugs() -> None:
    for slug in ("team", "foerderer"):
        with pytest.raises(ValidationError) as raised:
            PageFactory.build(slug=slug).full_clean()
        assert "slug" in raised.value.message_dict
