"""The part of the world a map shows, and country outlines drawn in it.

A view is a rectangle of the projected plane (Equal Earth, y northward)
around the countries it is about, widened to a least span so that a small
country keeps its neighbours, and to the map's proportions. Outlines are
clipped to the view and rounded to whole units of the drawing, so a map of
the Middle East does not carry Russia's whole coast."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from deployments.maps.projection import equal_earth
from deployments.maps.topojson import Polygon

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # west, south, east, north

# The whole projected world, and the least span of a cropped view (about 30°
# of longitude near the equator): enough for a country and its neighbours.
WORLD = (-2.7067, -1.3174, 2.7067, 1.3174)
LEAST_SPAN = 0.5
MARGIN = 0.15  # of the span, on each side


@dataclass(frozen=True)
class View:
    """A rectangle of the projected plane drawn ``width`` units wide."""

    west: float
    south: float
    east: float
    north: float
    width: int = 960

    @property
    def height(self) -> int:
        return round(self.width * (self.north - self.south) / (self.east - self.west))

    def to_drawing(self, point: Point) -> Point:
        """A projected point in the drawing's units (y downward)."""
        scale = self.width / (self.east - self.west)
        return ((point[0] - self.west) * scale, (self.north - point[1]) * scale)


def view_around(
    polygons: Iterable[Polygon], aspect: float = 1.6, width: int = 960
) -> View:
    """The view around the given polygons (degrees), ``aspect`` times as wide
    as high, never wider or higher than the world; the world if none."""
    return view_around_points(
        (
            equal_earth(longitude, latitude)
            for polygon in polygons
            for longitude, latitude in polygon[0]
        ),
        aspect,
        width,
    )


def view_around_points(
    points: Iterable[Point], aspect: float = 1.6, width: int = 960
) -> View:
    """``view_around`` of points already projected."""
    xs: list[float] = []
    ys: list[float] = []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    world_west, world_south, world_east, world_north = WORLD
    if not xs:
        return View(*WORLD, width=width)
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    span_x = max(east - west, LEAST_SPAN) * (1 + 2 * MARGIN)
    span_y = max(north - south, LEAST_SPAN / aspect) * (1 + 2 * MARGIN)
    span_x, span_y = max(span_x, span_y * aspect), max(span_y, span_x / aspect)
    span_x = min(span_x, world_east - world_west)
    span_y = min(span_y, world_north - world_south)
    centre_x = _within((west + east) / 2, span_x, world_west, world_east)
    centre_y = _within((south + north) / 2, span_y, world_south, world_north)
    return View(
        centre_x - span_x / 2,
        centre_y - span_y / 2,
        centre_x + span_x / 2,
        centre_y + span_y / 2,
        width=width,
    )


def _within(centre: float, span: float, low: float, high: float) -> float:
    """The centre moved so that the span stays between low and high."""
    return min(max(centre, low + span / 2), high - span / 2)


def clip_ring(ring: list[Point], view: View) -> list[Point]:
    """The part of a projected ring inside the view (Sutherland–Hodgman:
    clipped against each edge in turn; fine for filling any ring)."""
    edges = (
        (lambda p: p[0] >= view.west, 0, view.west),
        (lambda p: p[0] <= view.east, 0, view.east),
        (lambda p: p[1] >= view.south, 1, view.south),
        (lambda p: p[1] <= view.north, 1, view.north),
    )
    points = ring
    for inside, axis, value in edges:
        if not points:
            break
        clipped: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    clipped.append(_crossing(previous, point, axis, value))
                clipped.append(point)
            elif inside(previous):
                clipped.append(_crossing(previous, point, axis, value))
            previous = point
        points = clipped
    return points


def _crossing(start: Point, end: Point, axis: int, value: float) -> Point:
    share = (value - start[axis]) / (end[axis] - start[axis])
    x = start[0] + share * (end[0] - start[0])
    y = start[1] + share * (end[1] - start[1])
    return (value, y) if axis == 0 else (x, value)


def outline(polygons: Iterable[Polygon], view: View) -> str:
    """SVG path data of the polygons' rings inside the view, in whole units
    with relative moves; points that round to the one before are dropped.
    Empty when nothing of them is in the view."""
    return projected_outline(
        (
            [equal_earth(longitude, latitude) for longitude, latitude in ring]
            for polygon in polygons
            for ring in polygon
        ),
        view,
    )


def projected_outline(
    rings: Iterable[list[Point]], view: View, boxes: Iterable[Box] | None = None
) -> str:
    """``outline`` of rings already projected (the base map keeps them so).
    With each ring's bounding box, rings outside the view are skipped and
    rings inside it are not clipped: most of them, in a view of a region."""
    parts = []
    scale = view.width / (view.east - view.west)
    west, north = view.west, view.north
    every_box = boxes if boxes is not None else _no_boxes()
    for projected, box in zip(rings, every_box, strict=False):
        if box is None:
            clipped = clip_ring(projected, view)
        elif (
            box[0] > view.east
            or box[2] < view.west
            or box[1] > view.north
            or box[3] < view.south
        ):
            continue
        elif (
            box[0] >= view.west
            and box[2] <= view.east
            and box[1] >= view.south
            and box[3] <= view.north
        ):
            clipped = projected
        else:
            clipped = clip_ring(projected, view)
        rounded: list[tuple[int, int]] = []
        for x, y in clipped:
            whole = (round((x - west) * scale), round((north - y) * scale))
            if not rounded or whole != rounded[-1]:
                rounded.append(whole)
        if len(rounded) < 3:
            continue
        (x0, y0), steps = rounded[0], []
        for (x1, y1), (x2, y2) in zip(rounded, rounded[1:], strict=False):
            steps.append(f"{x2 - x1} {y2 - y1}")
        parts.append(f"M{x0} {y0}l{' '.join(steps)}z")
    return "".join(parts)


def bounding_box(ring: list[Point]) -> Box:
    xs = [x for x, _ in ring]
    ys = [y for _, y in ring]
    return (min(xs), min(ys), max(xs), max(ys))


def _no_boxes() -> Iterator[None]:
    while True:
        yield None
