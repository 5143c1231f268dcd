"""The map's building blocks: TopoJSON decoding, the projection, and the
country shapes keyed by the tracker's codes."""

from __future__ import annotations

import math

import pytest

from deployments.maps.countries import alpha_3, country_shapes
from deployments.maps.projection import equal_earth
from deployments.maps.topojson import decode_arcs, features, ring

# Two squares sharing their middle edge (arc 1), quantised: positions are
# deltas, scaled by 0.5 and moved by (10, 20).
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [-2, 0], [0, 2], [2, 0]],  # left square's outer three sides
        [[2, 2], [0, -2]],  # the shared edge, top to bottom
        [[2, 2], [2, 0], [0, -2], [-2, 0]],  # right square's outer three sides
    ],
    "objects": {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001"},
                {"type": "MultiPolygon", "arcs": [[[~1, 2]]], "id": "002"},
                {"type": "Point", "coordinates": [0, 0], "id": "003"},
            ],
        }
    },
}


def test_quantised_arcs_are_delta_decoded_then_scaled_and_translated() -> None:
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(11.0, 20.0), (10.0, 20.0), (10.0, 21.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (11.0, 20.0)]


def test_unquantised_arcs_are_taken_as_they_are() -> None:
    topology = {"arcs": [[[1.5, 2.5], [3, 4]]]}
    assert decode_arcs(topology) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_a_ring_reverses_negative_arcs_and_keeps_shared_points_once() -> None:
    arcs = decode_arcs(TOPOLOGY)
    right = ring([~1, 2], arcs)
    assert right == [
        (11.0, 20.0),
        (11.0, 21.0),
        (12.0, 21.0),
        (12.0, 20.0),
        (11.0, 20.0),
    ]
    assert ring([0, 1], arcs)[-1] == (11.0, 20.0)  # closed where it began


def test_features_decode_polygons_and_multipolygons_and_skip_other_types() -> None:
    decoded = {
        feature["id"]: feature["polygons"] for feature in features(TOPOLOGY, "squares")
    }
    assert len(decoded["001"]) == 1 and len(decoded["001"][0]) == 1
    right = decoded["002"][0][0]
    assert right[0] == right[-1] == (11.0, 20.0)
    assert (12.0, 21.0) in right
    assert decoded["003"] == []


def test_equal_earth_keeps_the_origin_and_its_published_extremes() -> None:
    assert equal_earth(0, 0) == (0.0, 0.0)
    east, _ = equal_earth(180, 0)
    _, north = equal_earth(0, 90)
    # The projection's published bounds on the unit sphere.
    assert east == pytest.approx(2.70663, abs=1e-5)
    assert north == pytest.approx(1.3173, abs=1e-4)
    west, _ = equal_earth(-180, 0)
    _, south = equal_earth(0, -90)
    assert west == pytest.approx(-east) and south == pytest.approx(-north)
    # Meridians converge: at the pole the map is narrower than at the equator.
    assert equal_earth(180, 90)[0] < east


def test_equal_earth_is_equal_area() -> None:
    """A 1° cell has the same drawn area wherever it lies at one latitude,
    and its area shrinks with the cosine of latitude as on the globe."""

    def cell_area(longitude: float, latitude: float) -> float:
        corners = [
            equal_earth(longitude + dx, latitude + dy)
            for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1))
        ]
        return abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(
                    corners, corners[1:] + corners[:1], strict=True
                )
            )
            / 2
        )

    equator = cell_area(0, 0)
    assert cell_area(120, 0) == pytest.approx(equator, rel=1e-6)
    ratio = cell_area(10, 60) / equator
    assert ratio == pytest.approx(
        math.cos(math.radians(60.5)) / math.cos(math.radians(0.5)), rel=1e-2
    )


def test_iso_numeric_ids_map_to_the_trackers_alpha_3_codes() -> None:
    assert alpha_3("368") == "IRQ"
    assert alpha_3("414") == "KWT"
    assert alpha_3("840") == "USA"
    assert alpha_3(None) is None  # Natural Earth's Kosovo, N. Cyprus, Somaliland
    assert alpha_3("999") is None


def test_vendored_shapes_hold_the_articles_countries_where_they_are() -> None:
    shapes = country_shapes()
    for code in ("IRQ", "KWT", "USA", "CAN", "ITA", "FRA", "DEU", "ROU"):
        assert code in shapes
    longitudes = [lon for polygon in shapes["IRQ"] for lon, _ in polygon[0]]
    latitudes = [lat for polygon in shapes["IRQ"] for _, lat in polygon[0]]
    assert 38 < min(longitudes) < 40 and 48 < max(longitudes) < 49
    assert 29 < min(latitudes) < 30 and 37 < max(latitudes) < 38
