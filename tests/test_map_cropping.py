"""Which part of the world a map shows, and outlines clipped to it."""

from __future__ import annotations

import re

from deployments.maps.countries import country_shapes
from deployments.maps.cropping import WORLD, View, clip_ring, outline, view_around
from deployments.maps.projection import equal_earth


def contains(view: View, longitude: float, latitude: float) -> bool:
    x, y = equal_earth(longitude, latitude)
    return view.west <= x <= view.east and view.south <= y <= view.north


def test_the_articles_hosts_give_a_view_of_the_middle_east() -> None:
    shapes = country_shapes()
    view = view_around([*shapes["IRQ"], *shapes["KWT"]])
    assert contains(view, 44.4, 33.3)  # Baghdad
    assert contains(view, 47.98, 29.37)  # Kuwait City
    assert contains(view, 35.5, 33.9)  # Beirut: the neighbours are in view
    assert not contains(view, -77.0, 38.9)  # Washington is not
    assert not contains(view, 2.35, 48.85)  # nor Paris
    assert abs(view.width / view.height - 1.6) < 0.01


def test_hosts_across_the_world_give_the_whole_world() -> None:
    shapes = country_shapes()
    view = view_around([*shapes["USA"], *shapes["JPN"], *shapes["AUS"]])
    assert (view.west, view.east) == (WORLD[0], WORLD[2])


def test_no_countries_give_the_whole_world() -> None:
    view = view_around([])
    assert (view.west, view.south, view.east, view.north) == WORLD


def test_a_ring_is_clipped_to_the_view() -> None:
    view = View(0, 0, 1, 1)
    square = [(-1.0, -1.0), (0.5, -1.0), (0.5, 0.5), (-1.0, 0.5)]
    clipped = clip_ring(square, view)
    assert sorted(set(clipped)) == [(0, 0), (0, 0.5), (0.5, 0), (0.5, 0.5)]
    assert clip_ring([(2.0, 2.0), (3.0, 2.0), (3.0, 3.0)], view) == []


def test_outlines_are_cropped_rounded_and_empty_outside_the_view() -> None:
    shapes = country_shapes()
    view = view_around(shapes["IRQ"])
    iraq = outline(shapes["IRQ"], view)
    assert iraq.startswith("M") and iraq.endswith("z")
    assert re.fullmatch(r"(M-?\d+ -?\d+l(-?\d+ -?\d+ ?)+z)+", iraq)
    assert outline(shapes["USA"], view) == ""
    # Russia's whole outline is far longer than the part near Iraq.
    whole = outline(shapes["RUS"], View(*WORLD))
    assert len(outline(shapes["RUS"], view)) < len(whole) / 4
