"""The nation page's charts as served: one per host, drawn as inline SVG,
with a text equivalent listing every figure and statement."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from deployments.models import Precision, Stance, Standing
from tests.factories import (
    DAY_ONE,
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db

LATER = DAY_ONE + datetime.timedelta(days=5)


def charts_of(page: str) -> list[str]:
    return re.findall(
        r'<figure class="deployment-chart-figure".*?</figure>', page, re.S
    )


def test_nation_page_has_one_chart_per_host_listing_figures_and_sources(
    client: Client,
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    kuwait = NationFactory(code="KWT", name="Kuwait")
    reuters = SourceFactory(publisher="Reuters", title="Canada in Iraq")
    press = SourceFactory(publisher="Canadian Press", title="Troops move")
    TroopCountFactory(nation=canada, troops=1000, source=reuters)
    TroopCountFactory(
        nation=canada,
        troops=450,
        troops_low=450,
        troops_high=500,
        counted_on=LATER,
        source=press,
    )
    TroopCountFactory(
        nation=canada, troops=4000, counted_on=LATER, standing=Standing.RETRACTED
    )
    TroopCountFactory(nation=canada, host=kuwait, troops=14, precision=Precision.EXACT)
    IntentionFactory(
        nation=canada, stance=Stance.WITHDRAWING, reported_on=DAY_ONE, source=press
    )

    page = client.get("/nations/CAN/").text
    iraq, kuwait_chart = charts_of(page)  # by host name
    assert "<h3>In Iraq" in iraq and "<h3>In Kuwait" in kuwait_chart
    for chart in (iraq, kuwait_chart):
        assert '<svg class="deployment-chart"' in chart and 'role="img"' in chart
        assert "<title id=" in chart and "<table" in chart
    # Every figure, as a mark and as a row, with its source; not the retracted one.
    assert iraq.count('<g class="mark') == 2
    assert "Reuters: Canada in Iraq" in iraq
    assert "Canadian Press: Troops move" in iraq
    assert "450–500" in iraq and "shape-range" in iraq
    assert "4,000" not in iraq
    # 1,000 and 450–500 five days apart, from independent sources: a conflict.
    assert iraq.count('<tr class="mark conflict') == 2
    assert ">conflict</text>" in iraq
    # The statement, with its outcome: the later count is lower, not zero.
    assert "withdrawing — partly fulfilled" in iraq
    assert "<td>Partly fulfilled</td>" in iraq
    assert kuwait_chart.count('<g class="mark') == 1
    assert "<script" not in page.split("<main", 1)[1]


def test_reprints_of_one_wire_story_are_one_mark_and_one_source(
    client: Client,
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    for publisher in ("Herald", "Times"):
        TroopCountFactory(
            nation=canada,
            troops=500,
            source=SourceFactory(publisher=publisher, agency="AP", title="AP story"),
        )
    TroopCountFactory(
        nation=canada,
        troops=500,
        counted_on=LATER,
        source=SourceFactory(publisher="Daily", title="Our count"),
    )
    (chart,) = charts_of(client.get("/nations/CAN/").text)
    assert chart.count('<g class="mark') == 2
    assert "Herald: AP story (also printed by Times)" in chart
    # Daily's figure agrees with one other source, not two.
    assert "corroborated by 1 other source (Herald)" in chart
    assert "2 troop figures from 2 independent sources" in chart


def test_a_nation_without_records_has_no_charts(client: Client) -> None:
    NationFactory(code="CAN", name="Canada")
    page = client.get("/nations/CAN/").text
    assert charts_of(page) == []
    assert "Figures and statements over time" not in page
