"""Any-word queries (a need written as a sentence): one word is enough to match, and a
document matching more of the words ranks higher — on both engines."""

from __future__ import annotations

import pytest

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(engine_name):
    make_org("Sensorik Erfurt GmbH", description="Entwicklung und Fertigung von Sensoren.")
    make_org("Handelshaus Jena", description="Wir verkaufen Sensoren.", place="jena")
    make_org("Bäckerei Weiß", description="Brot und Brötchen.")
    index_all()


SENTENCE = "Wir suchen einen Partner für die Entwicklung von Sensoren"


def test_every_word_required_by_default(shops):
    assert names(SENTENCE) == []


def test_any_word_finds_partial_matches_best_first(shops):
    found = names(SENTENCE, any_word=True)
    assert found[:2] == ["Sensorik Erfurt GmbH", "Handelshaus Jena"]
    assert "Bäckerei Weiß" not in found


def test_any_word_with_no_known_word_finds_nothing(shops):
    assert names("Quxzyplonk Vrrtzz", any_word=True) == []
