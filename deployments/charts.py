"""Geometry of the server-drawn SVG bar chart of troops by nation."""

from __future__ import annotations

from dataclasses import dataclass

from deployments.status import StatusRow

CHART_WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 80
BAR_HEIGHT = 22
BAR_GAP = 8
# More bars than this make a chart nobody can read; the table has every row.
MAX_BARS = 25


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    stance: str
    stance_label: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 6

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    left_out: int = 0  # rows without a known number
    beyond_largest: int = 0  # rows with a number, smaller than the drawn ones


def troop_chart(rows: list[StatusRow], max_bars: int = MAX_BARS) -> Chart:
    """One bar per row with a known number, longest first, scaled to the
    largest; only the ``max_bars`` largest are drawn."""
    known = sorted(
        (row for row in rows if row.troops is not None),
        key=lambda row: (-row.troops, row.nation_name),  # type: ignore[operator]
    )
    largest = max((row.troops for row in known), default=0) or 1  # type: ignore[type-var]
    usable = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=f"{row.nation_name} in {row.host_name}",
            value_text=row.troops_display,
            stance=row.stance or "none",
            stance_label=row.stance_label or "No stated intention",
            y=index * (BAR_HEIGHT + BAR_GAP),
            width=max(2, round(usable * row.troops / largest)),  # type: ignore[operator]
        )
        for index, row in enumerate(known[:max_bars])
    ]
    height = max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return Chart(
        bars=bars,
        height=height,
        left_out=len(rows) - len(known),
        beyond_largest=len(known) - len(bars),
    )
