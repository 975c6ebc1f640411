"""Bar charts as plain geometry for an inline SVG (``core/_chart.html``): drawn on the
server, no script, colours from the style sheet. Each chart stands beside a table with
the same numbers, and its ``<title>`` and ``<desc>`` say what it shows to a screen reader.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Horizontal bars (a funnel): labels at the left, the bar, the value after it.
ROW = 34
BAR = 22
LABEL_WIDTH = 290
H_WIDTH = 760
VALUE_ROOM = 60
# Vertical bars (months): a slot per month, labels below.
PLOT_HEIGHT = 180
SLOT_MIN = 22
V_WIDTH_MIN = 640
AXIS_ROOM = 34
CHAR_WIDTH = 9  # room per character of a label below a column, spaces between included
TOP_ROOM = 22


@dataclass(frozen=True)
class Bar:
    label: str
    tick: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    show_label: bool = True


@dataclass(frozen=True)
class Chart:
    ident: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool
    baseline: float = 0


def _scale(values: Sequence[int]) -> int:
    return max([*values, 1])


def describe(title: str, items: Sequence[tuple[str, int]]) -> str:
    """The chart's numbers as one sentence (its ``<desc>``)."""
    return f"{title}: " + "; ".join(f"{label}: {value}" for label, value in items) + "."


def horizontal(ident: str, title: str, items: Sequence[tuple[str, int]]) -> Chart:
    """One bar per item, longest first in the order given (the stages of a funnel)."""
    top = _scale([value for _label, value in items])
    room = H_WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * ROW + (ROW - BAR) / 2
        length = room * value / top
        bars.append(
            Bar(
                label=label,
                tick=label,
                value=value,
                x=LABEL_WIDTH,
                y=y,
                width=round(length, 1),
                height=BAR,
                label_x=LABEL_WIDTH - 8,
                label_y=y + BAR / 2,
                value_x=round(LABEL_WIDTH + length + 6, 1),
                value_y=y + BAR / 2,
            )
        )
    return Chart(
        ident=ident,
        title=title,
        description=describe(title, items),
        width=H_WIDTH,
        height=max(len(items), 1) * ROW,
        bars=bars,
        horizontal=True,
    )


def vertical(
    ident: str, title: str, items: Sequence[tuple[str, int]], ticks: Sequence[str] = ()
) -> Chart:
    """One column per item (the months of a period), labelled below by its ``ticks``
    (short labels; the items' labels where none are given); as many as fit."""
    count = max(len(items), 1)
    width = max(V_WIDTH_MIN, count * SLOT_MIN)
    slot = width / count
    column = slot * 0.7
    top = _scale([value for _label, value in items])
    ticks = list(ticks) or [label for label, _value in items]
    every = math.ceil(max([len(tick) for tick in ticks] + [1]) * CHAR_WIDTH / slot)
    baseline = TOP_ROOM + PLOT_HEIGHT
    bars = []
    for index, (label, value) in enumerate(items):
        height = PLOT_HEIGHT * value / top
        x = index * slot + (slot - column) / 2
        bars.append(
            Bar(
                label=label,
                tick=ticks[index],
                value=value,
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(column, 1),
                height=round(height, 1),
                label_x=round(x + column / 2, 1),
                label_y=baseline + 18,
                value_x=round(x + column / 2, 1),
                value_y=round(baseline - height - 6, 1),
                show_label=index % every == 0,
            )
        )
    return Chart(
        ident=ident,
        title=title,
        description=describe(title, items),
        width=round(width),
        height=baseline + AXIS_ROOM,
        bars=bars,
        horizontal=False,
        baseline=baseline,
    )
