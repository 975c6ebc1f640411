"""A visitor reads the news in a real browser (German): the list, narrowed by a filter
without reloading, and an article with its image; each page checked with axe-core and
under the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from playwright.sync_api import Page

from content.news.models import Article
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

from .test_pages import PNG

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=[*TRANSACTIONAL_APPS, "content"]),
]


def test_a_visitor_filters_the_news_and_reads_an_article(live_server: Any, page: Page) -> None:
    call_command("generate_demo_news", "--if-empty")
    article = Article.objects.get(slug="wasserstoff-modellregion-startet")
    article.image = SimpleUploadedFile("wasserstoff.png", PNG)
    article.image_alt = "Ein Elektrolyseur in einer Werkhalle"
    article.image_credit = "Foto: Stadtwerke"
    article.save()

    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/netzwerke/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Aktuelles"
    ).click()
    page.wait_for_url("**/aktuelles/")
    assert page.locator("h1").inner_text() == "Aktuelles"
    assert page.get_by_role("note", name="Demodaten").is_visible()
    assert page.get_by_role("status").inner_text().startswith("19 Artikel")
    axe_check(page)

    page.get_by_label("Kategorie").select_option(label="Förderung")
    page.wait_for_url(re.compile(r"category=foerderung"))
    status = page.get_by_role("status")
    status.filter(has_text="passen zu den Filtern").wait_for()
    headings = page.locator("#results h3").all_inner_texts()
    assert "Neues Landesprogramm fördert Digitalisierung im Mittelstand" in headings
    assert "Wasserstoff-Modellregion startet mit 14 Partnern" not in headings
    axe_check(page)

    page.goto(live_server.url + "/aktuelles/")
    page.get_by_role("link", name="Wasserstoff-Modellregion startet mit 14 Partnern").click()
    page.wait_for_url("**/aktuelles/wasserstoff-modellregion-startet/")
    assert page.locator("h1").inner_text() == "Wasserstoff-Modellregion startet mit 14 Partnern"
    image = page.get_by_role("img", name="Ein Elektrolyseur in einer Werkhalle")
    assert image.is_visible()
    assert image.evaluate("img => img.naturalWidth") == 1
    assert page.get_by_text("Bild: Foto: Stadtwerke").is_visible()
    assert page.get_by_role("note", name="Demodaten").is_visible()
    axe_check(page)
    assert blocked == []
