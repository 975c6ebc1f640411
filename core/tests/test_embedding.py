"""The sentence-embedding model: loaded from the installed package, multilingual, cached."""

from __future__ import annotations

import numpy as np
import pytest

from core import embedding
from core.models import TextVector


def test_vectors_are_unit_length_and_related_texts_are_closer():
    v = embedding.embed(
        ["Hersteller von Desinfektionsmitteln", "disinfectant manufacturer", "Bäckerei mit Café"]
    )
    assert v.shape == (3, embedding.DIM)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    # German and English of the same thing are closer than an unrelated German text.
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_empty_text_gives_a_zero_vector():
    v = embedding.embed(["", "   "])
    assert not v.any()


@pytest.mark.django_db
def test_database_cache_is_filled_once_and_read_back():
    embedding.reset_memory()
    first, hits = embedding.embed_cached(["Kabelkonfektion", "Kabelkonfektion", "Lackiererei"])
    assert hits == 0
    assert TextVector.objects.count() == 2
    embedding.reset_memory()
    again, hits = embedding.embed_cached(["Lackiererei", "Kabelkonfektion"])
    assert hits == 2
    assert TextVector.objects.count() == 2
    # Stored as float16: the same direction within rounding.
    assert float(again[0] @ first[2]) > 0.999
