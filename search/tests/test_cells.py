"""Cell terms of the Tantivy index: the order that makes a circle cheap to look up."""

from __future__ import annotations

import json
import random

from search.backends.tantivy_engine import POINT_LEVEL, cell_term, cell_terms, to_json
from search.documents import CLUSTER_LEVELS, SearchDocument, cell_id


def test_a_cells_term_is_the_prefix_of_everything_inside_it():
    rng = random.Random(3)
    for _ in range(200):
        lat, lon = rng.uniform(47.2, 55.1), rng.uniform(5.8, 15.1)
        doc = SearchDocument(42, "A", "a", "company", "", "a", "", "", "", lat=lat, lon=lon)
        *levels, point = json.loads(to_json(doc))["cells"]
        assert point == cell_term(POINT_LEVEL, cell_id(lat, lon, POINT_LEVEL)) + ".42"
        assert levels == [cell_term(level, cell_id(lat, lon, level)) for level in CLUSTER_LEVELS]
        assert all(point.startswith(term) for term in levels)
    # Neighbours in the dictionary: the sixteen cells two levels down share the
    # parent's term and one more digit, so they follow it, together.
    parent = cell_id(50.68, 10.92, 16)
    row, col = divmod(parent, 1 << 16)
    children = {
        cell_term(18, (4 * row + dr) * (1 << 18) + 4 * col + dc)
        for dr in range(4)
        for dc in range(4)
    }
    assert {c[:-1] for c in children} == {cell_term(16, parent)}
    assert len(children) == 16
    assert POINT_LEVEL == 18


def test_many_cells_at_once_give_the_same_terms_as_one_by_one():
    rng = random.Random(5)
    for level in (6, 10, 16, 18):
        cells = [rng.randrange(1 << (2 * level)) for _ in range(300)]
        assert cell_terms(level, cells) == [cell_term(level, c) for c in cells]
    assert cell_terms(18, []) == []
