"""The bars of a chart are as long as their numbers, and the labels below fit."""

from __future__ import annotations

import itertools

import pytest

from core import charts


def test_bars_are_proportional_to_their_values() -> None:
    items = [("A", 8), ("B", 4), ("C", 0)]
    for chart in (charts.horizontal("h", "T", items), charts.vertical("v", "T", items)):
        lengths = [bar.width if chart.horizontal else bar.height for bar in chart.bars]
        assert lengths[0] == 2 * lengths[1] > 0
        assert lengths[2] == 0
        assert chart.description == "T: A: 8; B: 4; C: 0."


def test_a_long_period_labels_every_few_months_without_overlap() -> None:
    items = [(f"{m % 12 + 1:02d}/{2015 + m // 12}", m) for m in range(120)]
    ticks = [label[:3] + label[-2:] for label, _value in items]
    chart = charts.vertical("v", "T", items, ticks)
    shown = [bar for bar in chart.bars if bar.show_label]
    assert 10 <= len(shown) < len(items)
    gaps = [b.label_x - a.label_x for a, b in itertools.pairwise(shown)]
    assert min(gaps) >= len(ticks[0]) * charts.CHAR_WIDTH
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
