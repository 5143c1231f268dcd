"""Decoding TopoJSON (https://github.com/topojson/topojson-specification):
quantised, delta-encoded arcs shared between polygons, into rings of
longitude and latitude pairs."""

from __future__ import annotations

from typing import Any

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # the outer ring, then its holes


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Every arc in absolute coordinates: a quantised topology's positions
    are deltas from the previous one, scaled and translated by its
    ``transform``; an unquantised one's are already absolute."""
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (translate_x, translate_y) = (
        transform["scale"],
        transform["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for delta_x, delta_y, *_ in arc:
            x += delta_x
            y += delta_y
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring(arc_indexes: list[int], arcs: list[Ring]) -> Ring:
    """The ring made of the given arcs in turn; ``~i`` (that is ``-i - 1``)
    is arc ``i`` reversed. Consecutive arcs share their end point, kept once."""
    points: Ring = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[Polygon]:
    """A Polygon's or MultiPolygon's polygons; no polygon for other types."""
    if geometry["type"] == "Polygon":
        return [[ring(indexes, arcs) for indexes in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [
            [ring(indexes, arcs) for indexes in polygon] for polygon in geometry["arcs"]
        ]
    return []


def features(topology: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The geometries of object ``name``, each as its ``id``, ``properties``
    and decoded ``polygons``."""
    arcs = decode_arcs(topology)
    return [
        {
            "id": geometry.get("id"),
            "properties": geometry.get("properties", {}),
            "polygons": polygons(geometry, arcs),
        }
        for geometry in topology["objects"][name]["geometries"]
    ]
