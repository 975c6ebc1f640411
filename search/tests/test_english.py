"""A visitor who switches to English reads WZ titles, growth fields and the footer in English.

WZ titles come from the NACE Rev. 2 English titles in the reference data (four levels; a
WZ subclass shows its class's title); growth fields from their English names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from classification.models import GrowthField, WzCode

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db

# German-only words of the footer's attribution line.
GERMAN_FOOTER_WORDS = ("Postleitzahlen", "Verwaltungsgebiete", "Daten verändert", "Hochschulen")


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.deactivate()


@pytest.fixture
def machining(engine_name):
    org = make_org(
        "Fräserei Beispiel GmbH",
        description="Fräsen und Drehen von Präzisionsteilen.",
        wz="25.62.0",
        secondary_wz=["28.41.0"],
        growth=["Industrielle Produktion und Systeme"],
    )
    index_all()
    return org


def english(client: Client) -> Client:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def footer_of(html: str) -> str:
    match = re.search(r"<footer.*?</footer>", html, re.S)
    assert match, "the page has a footer"
    return match.group(0)


def test_profile_in_english_shows_nace_titles_and_english_growth_fields(client, machining):
    german_title = WzCode.objects.get(version="2008", code="25.62.0").title
    html = english(client).get(machining.get_absolute_url()).content.decode()
    text = text_of(html)

    # The subclass 25.62.0 shows its class's English title, as does the class itself.
    assert "25.62.0 Machining" in text
    assert "25.62 Machining" in text
    assert "C Manufacturing" in text  # the section, not in capitals
    assert "25.6 Treatment and coating of metals; machining" in text
    assert "28.41.0 Manufacture of metal forming machinery" in text
    assert german_title not in text
    assert "Verarbeitendes Gewerbe" not in text
    assert "Industrial production and systems" in text
    assert "Industrielle Produktion und Systeme" not in text
    # English text is not marked as German.
    assert '<span lang="de">Machining' not in html


def test_profile_in_german_keeps_the_official_german_titles(client, machining):
    title = WzCode.objects.get(version="2008", code="25.62.0").title
    text = text_of(client.get(machining.get_absolute_url()).content.decode())
    assert f"25.62.0 {title}" in text
    assert "Machining" not in text
    assert "Industrielle Produktion und Systeme" in text


def test_search_page_in_english_labels_facets_and_hits_in_english(client, machining):
    growth = GrowthField.objects.get(name="Industrielle Produktion und Systeme")
    english(client)

    text = text_of(client.get("/suche/", {"q": "Fräsen"}).content.decode())
    assert "C Manufacturing" in text
    assert "Industrial production and systems" in text
    assert "Industrielle Produktion und Systeme" not in text
    assert "Verarbeitendes Gewerbe" not in text

    # One level further down the WZ facet, and a hit found through the WZ notes.
    text = text_of(client.get("/suche/", {"wz": "C", "growth": str(growth.pk)}).content.decode())
    assert "25 Manufacture of fabricated metal products, except machinery and equipment" in text
    text = text_of(client.get("/suche/", {"q": "Erodieren"}).content.decode())
    assert "Fräserei Beispiel GmbH" in text
    assert "Matching industry: 25.62.0 Machining" in text


def test_organisation_list_and_suggestions_in_english(client, machining):
    english(client)
    text = text_of(client.get(reverse("directory:organisation-list")).content.decode())
    assert "25.62.0 Machining" in text

    labels = [s["label"] for s in client.get("/api/v1/suggest", {"q": "Machining"}).json()]
    assert "25.62.0 Machining" in labels


@pytest.mark.parametrize("url", ["/", "/suche/", "/organisationen/"])
def test_footer_in_english_has_no_german_only_words(client, url):
    footer = footer_of(english(client).get(url).content.decode())
    assert "Reference data" in footer
    for word in GERMAN_FOOTER_WORDS:
        assert word not in footer, f"{word!r} is German in the English footer of {url}"


def test_footer_in_german_keeps_the_attribution_the_licence_requires(client):
    footer = footer_of(client.get("/").content.decode())
    assert "© GeoBasis-DE / BKG 2021 (Daten verändert)" in footer
    assert "Postleitzahlen" in footer


def test_an_export_in_english_has_english_wz_titles_and_growth_fields(machining):
    from directory.exporting import organisation_rows
    from directory.models import Organisation

    one = Organisation.objects.filter(pk=machining.pk)
    with translation.override("en"):
        (row,) = organisation_rows(one, None)
    assert row["primary_wz_title"] == "Machining"
    assert row["growth_fields"] == ["Industrial production and systems"]

    with translation.override("de"):
        (row,) = organisation_rows(one, None)
    assert row["primary_wz_title"] == WzCode.objects.get(version="2008", code="25.62.0").title
    assert row["growth_fields"] == ["Industrielle Produktion und Systeme"]


def test_an_editor_chooses_growth_fields_and_technologies_by_english_names(
    client, machining, django_user_model
):
    from accounts.services import grant_editor
    from core.testing import sign_in

    user = django_user_model.objects.create_user("ina@example.org", "ina@example.org")
    grant_editor(user, machining, "domain")
    sign_in(client, user)
    english(client)

    url = reverse("directory:organisation-edit", args=[machining.slug])
    text = text_of(client.get(url).content.decode())
    assert "Industrial production and systems" in text
    assert "Laser welding" in text
    assert "Laserschweißen" not in text


def test_the_search_api_labels_facets_in_the_language_asked_for(client, machining):
    def labels(language: str) -> set[str]:
        answer = client.get("/api/v1/search", {"q": "Fräsen"}, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 200
        return {v["label"] for f in answer.json()["facets"] for v in f["values"]}

    english_labels = labels("en")
    assert {"C Manufacturing", "Industrial production and systems"} <= english_labels
    assert "Industrielle Produktion und Systeme" in labels("de")
