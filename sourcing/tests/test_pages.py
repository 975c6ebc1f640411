"""The need page /bedarf/: a GET form, results with their reasons, in German and English."""

from __future__ import annotations

import re

import pytest
from django.utils.translation import override

from .helpers import SENTENCE, landscape

pytestmark = pytest.mark.django_db


@pytest.fixture
def suppliers(engine_name):
    landscape()


def text_of(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_empty_page_offers_the_form_and_examples(client, db):
    response = client.get("/bedarf/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="search-form need-form" method="get" action="/bedarf/"' in html
    assert 'maxlength="2000"' in html
    text = text_of(response)
    assert "Bedarf beschreiben" in text
    assert "Bis zu 2000 Zeichen." in text
    assert "Beispiele" in text


def test_a_need_lists_suppliers_with_reasons_in_german(client, suppliers):
    response = client.get("/bedarf/", {"q": SENTENCE, "near": "Erfurt"})
    assert response.status_code == 200
    text = text_of(response)
    assert "passen zu Ihrem Bedarf" in text
    first = text.index("Sensorik Erfurt GmbH")
    assert first < text.index("Bäckerei Weiß") if "Bäckerei Weiß" in text else True
    assert "Enthält Ihre Wörter: Entwicklung, Sensoren" in text or (
        "Enthält Ihre Wörter: Sensoren, Entwicklung" in text
    )
    assert "Inhaltlich ähnlich:" in text
    assert "km von Erfurt" in text
    # The way back to the search, with the need's words.
    assert 'href="/suche/?q=Entwicklung+Sensoren"' in response.content.decode()


def test_the_page_in_english(client, suppliers):
    with override("en"):
        response = client.get(
            "/bedarf/", {"q": "Desinfektionsmittel für Hände"}, headers={"Accept-Language": "en"}
        )
    text = text_of(response)
    assert "Describe your need" in text
    assert "fit your need" in text or "fits your need" in text
    assert "Its industry fits your need: 20.20.0 Manufacture of pesticides" in text
    assert "Industries that fit your need" in text


def test_filters_on_the_page(client, suppliers):
    text = text_of(client.get("/bedarf/", {"q": SENTENCE, "kind": "research"}))
    assert "Institut für Mikrosensorik Jena e. V." in text
    assert "Sensorik Erfurt GmbH" not in text
    html = client.get("/bedarf/", {"q": SENTENCE, "kind": "research"}).content.decode()
    assert 'value="research" checked' in html


def test_a_need_too_long_is_refused_with_a_message(client, suppliers):
    response = client.get("/bedarf/", {"q": "Sensoren " * 300})
    assert response.status_code == 200
    text = text_of(response)
    assert "höchstens 2000 Zeichen" in text
    assert "passen zu Ihrem Bedarf" not in text


def test_an_unknown_place_is_said_and_nothing_is_listed(client, suppliers):
    text = text_of(client.get("/bedarf/", {"q": SENTENCE, "near": "Atlantis"}))
    assert "Atlantis" in text
    assert "Sensorik Erfurt GmbH" not in text


def test_a_need_nothing_fits_gets_advice(client, suppliers, monkeypatch):
    monkeypatch.setattr("sourcing.matching.SEMANTIC_FLOOR", 0.99)
    text = text_of(client.get("/bedarf/", {"q": "Quxzyplonk Vrrtzz"}))
    assert "Keine Organisation passt zu diesem Bedarf." in text
    assert "Stichwortsuche" in text


def test_the_navigation_leads_to_the_page(client, db):
    html = client.get("/suche/").content.decode()
    assert 'href="/bedarf/"' in html
