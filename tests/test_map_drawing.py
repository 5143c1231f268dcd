"""The map as drawing data: what is shaded, marked, linked and said."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from deployments.maps.basemap import centroids
from deployments.maps.drawing import MAX_LABELS, MAX_LINES, draw
from deployments.status import StatusRow, current_status


@pytest.fixture
def article(db: None) -> list[StatusRow]:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)
    return current_status()


def row(nation: str, host: str, troops: int | None, **fields: object) -> StatusRow:
    return StatusRow(
        deployment=fields.pop("deployment", hash((nation, host))),
        nation=nation,
        nation_name=fields.pop("nation_name", nation),
        nation_kind=fields.pop("nation_kind", "state"),
        host=host,
        host_name=host,
        operation="",
        troops=troops,
        troops_display="unknown" if troops is None else f"{troops:,}",
        **fields,
    )


def test_a_host_is_shaded_by_its_known_troops_and_links_to_its_page(
    article: list[StatusRow],
) -> None:
    drawn = draw(article)
    (iraq,) = [country for country in drawn.countries if country.code == "IRQ"]
    assert iraq.css_class == "host shade-3"  # 6,700: 5,000–19,999
    assert iraq.href == "/nations/IRQ/"
    assert iraq.title == (
        "Iraq: 6,700 troops of 3 nations, and troops of unknown number of 4 more"
    )
    assert ("shade-3", "5,000–19,999") in drawn.shades


def test_a_host_with_only_unknown_numbers_is_hatched_not_zero(
    article: list[StatusRow],
) -> None:
    drawn = draw([r for r in article if r.nation in {"FRA", "DEU"}])
    (iraq,) = [country for country in drawn.countries if country.code == "IRQ"]
    assert iraq.css_class == "host shade-unknown"
    assert "number unknown" in iraq.title and " 0 " not in iraq.title
    assert drawn.has_unknown and drawn.shades == []
    assert all(line.unknown for line in drawn.lines)


def test_canadas_move_from_iraq_to_kuwait_is_a_solid_partial_withdrawal_arrow(
    article: list[StatusRow],
) -> None:
    (arrow,) = draw(article).arrows
    assert arrow.stance == "partial_withdrawal" and not arrow.temporary
    assert arrow.title == "Canada: partial withdrawal from Iraq to Kuwait"
    assert arrow.path.startswith("M") and "Q" in arrow.path


def test_moves_without_a_destination_are_rings_at_the_host(
    article: list[StatusRow],
) -> None:
    marks = {mark.title: mark for mark in draw(article).marks}
    assert set(marks) == {
        "Germany, Romania: repositioning in Iraq, no destination named",
        "North Atlantic Treaty Organization: repositioning in Iraq, "
        "no destination named, temporarily",
    }
    assert [mark.temporary for mark in marks.values()] == [False, True]
    assert len({(mark.x, mark.y) for mark in marks.values()}) == 2  # side by side


def test_every_country_with_data_links_to_its_nation_page_and_has_a_title(
    article: list[StatusRow],
) -> None:
    drawn = draw(article)
    linked = {country.code for country in drawn.countries}
    assert linked == {"IRQ", "KWT", "USA", "CAN", "ITA", "FRA", "DEU", "ROU"}
    for country in drawn.countries:
        assert country.href.startswith("/nations/") and country.title
    for mark in [*drawn.lines, *drawn.arrows, *drawn.marks]:
        assert mark.title
    kuwait = next(country for country in drawn.countries if country.code == "KWT")
    assert kuwait.title == "Kuwait: a stated destination"
    dotted = {country.code for country in drawn.countries if country.dot}
    assert dotted == {"USA", "CAN", "ITA", "FRA", "DEU", "ROU"}  # NATO: no shape


def test_alliances_are_listed_beside_the_map(article: list[StatusRow]) -> None:
    (nato,) = draw(article).alliances
    assert (nato.name, nato.href, nato.host_name, nato.troops_display) == (
        "North Atlantic Treaty Organization",
        "/nations/NATO/",
        "Iraq",
        "unknown",
    )


def test_the_text_says_what_the_map_shows(article: list[StatusRow]) -> None:
    text = draw(article).text
    assert text[0].startswith("Iraq: 6,700 troops of 3 nations")
    assert "Canada: partial withdrawal from Iraq to Kuwait." in text


def test_no_rows_draw_nothing() -> None:
    assert draw([]).empty


def test_other_countries_are_one_background_path_cut_to_the_view(
    article: list[StatusRow],
) -> None:
    drawn = draw(article)
    assert drawn.land.startswith("M") and "IRQ" not in drawn.land
    assert (drawn.width, drawn.height) == (960, 480)


def test_at_six_hundred_deployments_only_the_heaviest_lines_and_labels() -> None:
    codes = sorted(centroids())
    hosts, nations = codes[:3], codes[3:203]
    rows = [
        row(nation, host, None if index % 7 == 0 else 100 + index)
        for index, (nation, host) in enumerate(
            (nation, host) for nation in nations for host in hosts
        )
        if nation != host
    ]
    drawn = draw(rows)
    assert len(drawn.lines) == MAX_LINES
    assert drawn.lines_left_out == len(rows) - MAX_LINES
    assert drawn.lines[0].width >= drawn.lines[-1].width
    assert len(drawn.labels) <= MAX_LABELS
    assert "smaller ones are left out" in drawn.text[-1]


def test_operations_of_one_nation_in_one_host_are_one_line() -> None:
    rows = [
        row("CAN", "IRQ", 300, deployment=1),
        row("CAN", "IRQ", 200, deployment=2),
        row("CAN", "KWT", None, deployment=3),
    ]
    lines = draw(rows).lines
    assert [line.title for line in lines] == [
        "CAN in IRQ: 500 troops",
        "CAN in KWT: troops of unknown number",
    ]


def test_the_tables_order_does_not_change_the_map(article: list[StatusRow]) -> None:
    assert draw(article[::-1]) == draw(article)


def test_labels_of_neighbouring_hosts_do_not_cover_each_other() -> None:
    rows = [
        row("USA", host, troops)
        for host, troops in (("SYR", 4000), ("LBN", 3000), ("ISR", 2000))
    ]
    labels = draw(rows).labels
    assert [(label.text, label.dy) for label in labels[:2]] == [
        ("SYR 4,000", "-12"),
        ("LBN 3,000", "26"),  # below its centre: Syria's is above
    ]
    assert len(labels) == 2  # Israel's, above or below, would touch one of them
