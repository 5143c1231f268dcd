"""The map's unchanging part: every country's outline projected once per
process, its centroid, and its outlines cut to a view (the few views in use
kept, as they are the same for every status that shows the same region)."""

from __future__ import annotations

import functools

from django.utils.safestring import mark_safe

from deployments.maps.countries import country_shapes
from deployments.maps.cropping import (
    Box,
    Point,
    View,
    bounding_box,
    projected_outline,
)
from deployments.maps.projection import equal_earth

# Views in use at once: the world, the region of the status page's filters,
# and a few nation pages' regions.
VIEWS_KEPT = 32


@functools.cache
def projected_shapes() -> dict[str, list[list[list[Point]]]]:
    """Each country's polygons (rings of projected points), by alpha-3."""
    return {
        code: [
            [
                [equal_earth(lon, lat) for lon, lat in _unwrapped(ring)]
                for ring in polygon
            ]
            for polygon in polygons
        ]
        for code, polygons in country_shapes().items()
    }


def _unwrapped(ring: list[Point]) -> list[Point]:
    """A ring that crosses the antimeridian (Russia's far east, Fiji) with
    its western longitudes taken past 180°, so that it does not stretch
    across the whole map; the part beyond the world's edge is clipped."""
    crosses = any(
        abs(lon2 - lon1) > 180
        for (lon1, _), (lon2, _) in zip(ring, ring[1:], strict=False)
    )
    if not crosses:
        return ring
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]


@functools.cache
def centroids() -> dict[str, Point]:
    """Each country's centre in the projected plane: the centroid of its
    largest polygon's outer ring, so that the United States' is not pulled
    out to sea by Alaska and Hawaii, nor France's by French Guiana."""
    return {
        code: _centroid(max((polygon[0] for polygon in polygons), key=_area))
        for code, polygons in projected_shapes().items()
    }


@functools.cache
def ring_boxes() -> dict[str, list[Box]]:
    """Each country's rings' bounding boxes, in the order of its rings."""
    return {
        code: [bounding_box(ring) for polygon in polygons for ring in polygon]
        for code, polygons in projected_shapes().items()
    }


@functools.lru_cache(maxsize=VIEWS_KEPT)
def outlines(view: View) -> dict[str, str]:
    """Every country's path data in the view, those with something in it;
    numbers and path letters only, so marked safe: escaping 100 KB of them
    on every render would cost more than the rest of the map."""
    drawn = {
        code: projected_outline(
            (ring for polygon in polygons for ring in polygon), view
        )
        for code, polygons in projected_shapes().items()
    }
    return {code: mark_safe(path) for code, path in drawn.items() if path}


def _area(ring: list[Point]) -> float:
    return abs(_signed_area(ring))


def _signed_area(ring: list[Point]) -> float:
    return (
        sum(
            x1 * y2 - x2 * y1
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
        )
        / 2
    )


def _centroid(ring: list[Point]) -> Point:
    area = _signed_area(ring)
    if area == 0:
        xs, ys = zip(*ring, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    x = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in pairs)
    y = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in pairs)
    return (x / (6 * area), y / (6 * area))
