"""The map on the status page and the nation page: the table's own rows,
drawn as inline SVG that links to nation pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from deployments.maps.basemap import centroids
from deployments.models import Nation
from tests.factories import TroopCountFactory

pytestmark = pytest.mark.django_db

MAP_BUDGET = 150_000  # bytes the map may add to a page


@pytest.fixture
def article() -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def map_markup(html: str, map_id: str = "status-map") -> str:
    section = html.split(f'<section aria-labelledby="{map_id}-heading"')[1]
    return section.split("</section>")[0]


def test_status_page_draws_the_map_above_the_table(
    client: Client, article: None
) -> None:
    html = client.get("/").text
    markup = map_markup(html)
    assert html.index("status-map-heading") < html.index('<table class="status">')
    assert '<svg class="map map-large"' in markup and 'role="img"' in markup
    assert (
        '<a href="/nations/IRQ/"><title>Iraq: 6,700 troops of 3 nations, and troops'
        ' of unknown number of 4 more</title><path class="host shade-3"'
    ) in markup
    assert 'class="move stance-partial_withdrawal"' in markup
    assert "<title>Canada: partial withdrawal from Iraq to Kuwait</title>" in markup
    assert "Canada: partial withdrawal from Iraq to Kuwait." in markup  # <desc>
    assert '<a href="/nations/NATO/">North Atlantic Treaty Organization</a>' in markup
    assert "<script" not in markup and "style=" not in markup


def test_filters_apply_to_the_map_as_to_the_table(
    client: Client, article: None
) -> None:
    markup = map_markup(client.get("/?stance=staying").text)
    assert "partial withdrawal" not in markup.lower()
    assert '<a href="/nations/USA/"><title>' in markup
    assert '<a href="/nations/CAN/">' not in markup
    assert "Iraq: 6,200 troops of 2 nations" in markup  # USA and Italy


def test_sorting_the_table_draws_the_same_map(client: Client, article: None) -> None:
    assert map_markup(client.get("/?sort=-troops").text) == map_markup(
        client.get("/").text
    )


def test_as_of_before_anything_was_known_shows_the_empty_map_message(
    client: Client, article: None
) -> None:
    markup = map_markup(client.get("/?as_of=2020-01-07").text)
    assert "<svg" not in markup
    assert "Nothing to map as known on 7 January 2020" in markup


def test_nation_page_has_a_smaller_map_of_its_deployments(
    client: Client, article: None
) -> None:
    markup = map_markup(client.get("/nations/CAN/").text, "nation-map")
    assert '<svg class="map map-small" viewBox="0 0 640 320"' in markup
    assert "<title>Canada: partial withdrawal from Iraq to Kuwait</title>" in markup
    assert '<a href="/nations/ITA/">' not in markup  # only Canada's rows


def test_nation_page_of_an_alliance_lists_it_beside_the_map(
    client: Client, article: None
) -> None:
    markup = map_markup(client.get("/nations/NATO/").text, "nation-map")
    assert 'class="host shade-unknown" fill="url(#nation-map-hatch)"' in markup
    assert '<a href="/nations/NATO/"><title>' not in markup  # NATO: no shape
    assert "North Atlantic Treaty Organization</a> in Iraq" in markup


def test_the_map_of_six_hundred_deployments_stays_under_its_budget(
    client: Client,
) -> None:
    codes = sorted(centroids())
    hosts = [
        Nation.objects.create(code=code, name=f"Host {code}") for code in codes[:3]
    ]
    for code in codes[3:203]:
        nation = Nation.objects.create(code=code, name=f"Nation {code}")
        for host in hosts:
            TroopCountFactory(nation=nation, host=host, troops=len(code) * 100)
    html = client.get("/").text
    markup = map_markup(html)
    assert len(markup.encode()) < MAP_BUDGET
    assert "smaller ones are left out" in markup


def test_names_from_the_data_are_escaped_in_the_map(client: Client) -> None:
    TroopCountFactory(
        nation__code="CAN", nation__name="<b>Canada</b>", host__code="IRQ"
    )
    markup = map_markup(client.get("/").text)
    assert "<b>Canada</b>" not in markup
    assert "&lt;b&gt;Canada&lt;/b&gt;" in markup
