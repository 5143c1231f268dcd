"""The vendored Natural Earth country shapes, keyed by the tracker's codes
(ISO 3166-1 alpha-3), read once per process: they never change."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pycountry

from deployments.maps.topojson import Polygon, features

DATA = Path(__file__).resolve().parent / "data"
WORLD_ATLAS = DATA / "countries-110m.json"


def alpha_3(numeric_id: str | None) -> str | None:
    """The alpha-3 code of an ISO 3166-1 numeric id ("368" -> "IRQ"); None
    for shapes without one (Natural Earth's N. Cyprus, Somaliland, Kosovo)."""
    if not numeric_id:
        return None
    country = pycountry.countries.get(numeric=numeric_id)
    return country.alpha_3 if country else None


@functools.cache
def country_shapes() -> dict[str, list[Polygon]]:
    """Each country's polygons in degrees, by alpha-3 code."""
    topology = json.loads(WORLD_ATLAS.read_text())
    shapes: dict[str, list[Polygon]] = {}
    for feature in features(topology, "countries"):
        code = alpha_3(feature["id"])
        if code is not None:
            shapes[code] = feature["polygons"]
    return shapes
