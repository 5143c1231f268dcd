"""The map of status rows as plain drawing data: country outlines shaded by
the troops they host, contributors' dots and lines to their hosts, stated
moves as arrows, and the text that says the same for screen readers. The
template writes it out as inline SVG, as it does the bar chart."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from deployments.caching import remember
from deployments.maps import describing, overlay, svg
from deployments.maps.basemap import centroids, outlines, projected_shapes
from deployments.maps.cropping import Point, View, view_around_points
from deployments.models import Nation, Stance
from deployments.status import StatusRow

STATUS_WIDTH = 960
NATION_WIDTH = 640
# More lines than this are a tangle at 600 deployments; the table has all.
MAX_LINES = 60
MAX_LABELS = 6
LABEL_CHARACTER_WIDTH = 8.5  # of the 14px bold label, on average
# Wider than the cropping's default: maps of who is where run east-west.
ASPECT = 2.0
# Shading of a host by its known troops: (least troops, class, legend text).
SHADES = (
    (1, "shade-1", "under 1,000"),
    (1_000, "shade-2", "1,000–4,999"),
    (5_000, "shade-3", "5,000–19,999"),
    (20_000, "shade-4", "20,000–99,999"),
    (100_000, "shade-5", "100,000 or more"),
)
UNKNOWN_SHADE = "shade-unknown"


@dataclass(frozen=True)
class Country:
    """A country with data: an outline that links to its nation page."""

    code: str
    path: str
    css_class: str
    href: str
    title: str
    dot: tuple[str, str] | None = None  # a contributor's centre (x, y)
    hatched: bool = False  # troops of unknown number only


@dataclass(frozen=True)
class Line:
    """A contributor's troops in one host: a curve weighted by troops."""

    path: str
    width: str
    unknown: bool
    title: str


@dataclass(frozen=True)
class Arrow:
    """A stated move from a host to a destination, coloured by stance."""

    path: str
    stance: str
    temporary: bool
    title: str


@dataclass(frozen=True)
class MoveMark:
    """A stated move with no destination named: a ring at the host."""

    x: str
    y: str
    stance: str
    temporary: bool
    title: str


@dataclass(frozen=True)
class Label:
    """A large host's name and known troops, linking to its nation page."""

    x: str
    y: str
    text: str
    href: str
    dy: str = "-12"  # above the host's centre, or below when that is taken


@dataclass(frozen=True)
class Alliance:
    """A deployment of a nation that is not a country, listed beside."""

    name: str
    href: str
    host_name: str
    troops_display: str
    stance_label: str | None
    destination_name: str | None


@dataclass(frozen=True)
class StatusMap:
    map_id: str  # the SVG's id, and its patterns' and markers' prefix
    width: int
    height: int
    land: str  # every other country's outline, one path
    countries: list[Country]
    lines: list[Line]
    arrows: list[Arrow]
    marks: list[MoveMark]
    labels: list[Label]
    shades: list[tuple[str, str]]  # (class, legend text) of the shades in use
    has_unknown: bool
    stances: list[tuple[str, str]]  # (value, label) of the moves' stances
    alliances: list[Alliance]
    text: list[str]  # what the map shows, sentence by sentence
    lines_left_out: int
    not_drawn: list[str]  # names of nations with no outline at this scale

    @property
    def elements(self) -> SafeString:
        """Countries, lines, moves and labels as SVG elements (maps/svg.py)."""
        return svg.marks(self)

    @property
    def empty(self) -> bool:
        return not (self.countries or self.alliances)


def status_map(
    rows: list[StatusRow],
    parts: object,
    width: int = STATUS_WIDTH,
    map_id: str = "status-map",
) -> StatusMap:
    """The map of ``rows``, kept under the data's revision: ``parts`` must
    tell apart every scope the rows could come from (the filters, as_of)."""
    return remember(
        "status_map", (parts, width, map_id), lambda: draw(rows, width, map_id)
    )


def draw(
    rows: list[StatusRow], width: int = STATUS_WIDTH, map_id: str = "status-map"
) -> StatusMap:
    """The map of ``rows`` (no cache), the same whatever their order."""
    rows = sorted(rows, key=lambda row: (row.nation_name, row.nation, row.host_name))
    centres = centroids()
    shapes = projected_shapes()
    countries_rows = [row for row in rows if row.nation_kind != Nation.Kind.ALLIANCE]
    hosts = overlay.hosts(rows)
    moves = overlay.moves(rows)
    names = _names(rows)
    own_rows: dict[str, list[StatusRow]] = {}
    for row in rows:
        own_rows.setdefault(row.nation, []).append(row)

    # The view: where troops are and go (their whole outlines), and where
    # they come from (contributors' centres, so a country spanning the world
    # does not make every map a world map).
    where = {host.code for host in hosts} | {
        move.destination for move in moves if move.destination
    }
    points: list[Point] = [
        point
        for code in where & shapes.keys()
        for polygon in shapes[code]
        for point in polygon[0]
    ]
    points += [centres[row.nation] for row in countries_rows if row.nation in centres]
    view = view_around_points(points, ASPECT, width) if points else None
    if view is None:
        return _nothing(map_id, width, rows)
    drawn = outlines(view)

    def at(code: str) -> Point:
        return view.to_drawing(centres[code])

    contributors = {row.nation for row in countries_rows}

    def dot(code: str) -> tuple[str, str] | None:
        return _rounded(at(code)) if code in contributors else None

    countries: list[Country] = []
    shaded: dict[str, str] = {}
    has_unknown = False
    for host in hosts:
        if host.code not in drawn:
            continue
        if host.only_unknown:
            shade, has_unknown = UNKNOWN_SHADE, True
        else:
            shade = _shade(host.known_troops)
        shaded[host.code] = shade
        countries.append(
            Country(
                host.code,
                drawn[host.code],
                f"host {shade}",
                _href(host.code),
                describing.host_text(host),
                dot(host.code),
                host.only_unknown,
            )
        )
    others = {row.nation for row in countries_rows} | where
    for code in sorted(others - shaded.keys()):
        if code in drawn:
            countries.append(
                Country(
                    code,
                    drawn[code],
                    "involved",
                    _href(code),
                    describing.involved_text(code, own_rows.get(code, []), names),
                    dot(code),
                )
            )
    land = mark_safe(
        "".join(path for code, path in drawn.items() if code not in others)
    )

    pairs = _pairs(countries_rows)
    drawable = [pair for pair in pairs if pair[0] in centres and pair[1] in centres]
    heaviest = max((troops or 0 for _, _, troops, _ in drawable), default=0) or 1
    lines = [
        Line(
            _curve(at(nation), at(host), bend=0.18),
            f"{1 + 5 * math.sqrt((troops or 0) / heaviest):.1f}",
            troops is None,
            f"{names[nation]} in {names[host]}: "
            + describing.troops_text(troops, unknown),
        )
        for nation, host, troops, unknown in drawable[:MAX_LINES]
    ]

    arrows, marks = [], []
    marks_at: dict[str, int] = {}
    for move in moves:
        title = describing.move_text(move)
        if move.destination and {move.host, move.destination} <= centres.keys():
            arrows.append(
                Arrow(
                    _curve(at(move.host), at(move.destination), bend=-0.3),
                    move.stance,
                    move.temporary,
                    title,
                )
            )
        elif move.host in centres:
            # Rings of one host side by side, not on top of each other.
            step = marks_at.get(move.host, 0)
            marks_at[move.host] = step + 1
            x, y = at(move.host)
            marks.append(
                MoveMark(
                    *_rounded((x + 16 + 13 * step, y + 4)),
                    move.stance,
                    move.temporary,
                    title,
                )
            )
    labelled = [host for host in hosts if host.code in drawn and host.code in centres]
    labels = _placed_labels(
        (
            at(host.code),
            f"{host.name} {host.known_troops:,}" if host.known_troops else host.name,
            _href(host.code),
        )
        for host in labelled[:MAX_LABELS]
    )
    used_shades = set(shaded.values())
    move_stances = {move.stance for move in moves}
    not_drawn = sorted(
        {names[row.nation] for row in countries_rows if row.nation not in drawn}
        | {names[host.code] for host in hosts if host.code not in drawn}
    )
    return StatusMap(
        map_id=map_id,
        width=view.width,
        height=view.height,
        land=land,
        countries=countries,
        lines=lines,
        arrows=arrows,
        marks=marks,
        labels=labels,
        shades=[(css, text) for _, css, text in SHADES if css in used_shades],
        has_unknown=has_unknown,
        stances=[
            (value, label) for value, label in Stance.choices if value in move_stances
        ],
        alliances=_alliances(rows),
        text=describing.sentences(hosts, moves, len(drawable), len(lines)),
        lines_left_out=len(drawable) - len(lines),
        not_drawn=not_drawn,
    )


def _nothing(map_id: str, width: int, rows: list[StatusRow]) -> StatusMap:
    """No country to draw: no rows, or only alliances and unshaped nations."""
    return StatusMap(
        map_id=map_id,
        width=width,
        height=0,
        land="",
        countries=[],
        lines=[],
        arrows=[],
        marks=[],
        labels=[],
        shades=[],
        has_unknown=False,
        stances=[],
        alliances=_alliances(rows),
        text=[],
        lines_left_out=0,
        not_drawn=sorted(
            {row.nation_name for row in rows if row.nation_kind != Nation.Kind.ALLIANCE}
        ),
    )


def _names(rows: list[StatusRow]) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in rows:
        names[row.nation] = row.nation_name
        names[row.host] = row.host_name
        if row.destination:
            names[row.destination] = row.destination_name or row.destination
    return names


def _pairs(rows: list[StatusRow]) -> list[tuple[str, str, int | None, bool]]:
    """(nation, host, known troops or None, some unknown) per pair, heaviest
    first: several operations of one nation in one host are one line."""
    pairs: dict[tuple[str, str], list] = {}
    for row in rows:
        entry = pairs.setdefault((row.nation, row.host), [None, False])
        if row.troops is None:
            entry[1] = True
        else:
            entry[0] = (entry[0] or 0) + row.troops
    return sorted(
        (
            (nation, host, troops, unknown)
            for (nation, host), (troops, unknown) in pairs.items()
        ),
        key=lambda pair: (-(pair[2] or 0), pair[0], pair[1]),
    )


def _shade(troops: int) -> str:
    shade = SHADES[0][1]
    for least, css, _ in SHADES:
        if troops >= least:
            shade = css
    return shade


@functools.lru_cache(maxsize=1024)
def _href(code: str) -> str:
    return reverse("nation", args=[code])


def _alliances(rows: list[StatusRow]) -> list[Alliance]:
    return [
        Alliance(
            row.nation_name,
            _href(row.nation),
            row.host_name,
            row.troops_display,
            row.stance_label,
            row.destination_name,
        )
        for row in overlay.alliances(rows)
    ]


def _placed_labels(candidates: Iterable[tuple[Point, str, str]]) -> list[Label]:
    """Labels above their host's centre, else below it, else left out, so
    that none covers another (largest hosts first)."""
    taken: list[tuple[float, float, float, float]] = []
    placed = []
    for (x, y), text, href in candidates:
        half = LABEL_CHARACTER_WIDTH * len(text) / 2
        for dy in (-12, 26):
            box = (x - half, y + dy - 17, x + half, y + dy + 5)  # with room
            if not any(
                box[0] < other[2]
                and other[0] < box[2]
                and box[1] < other[3]
                and other[1] < box[3]
                for other in taken
            ):
                taken.append(box)
                placed.append(Label(*_rounded((x, y)), text, href, str(dy)))
                break
    return placed


def _rounded(point: Point) -> tuple[str, str]:
    """Coordinates as written in the SVG: one decimal, formatted here rather
    than by the template's number localisation, which costs more."""
    return (f"{point[0]:.1f}", f"{point[1]:.1f}")


def _curve(start: Point, end: Point, bend: float) -> str:
    """A quadratic curve from start to end, bowed sideways by ``bend`` of
    its length, so that lines between the same places stay apart."""
    (x1, y1), (x2, y2) = start, end
    control_x = (x1 + x2) / 2 - bend * (y2 - y1)
    control_y = (y1 + y2) / 2 + bend * (x2 - x1)
    return mark_safe(  # numbers only
        f"M{x1:.1f} {y1:.1f}Q{control_x:.1f} {control_y:.1f} {x2:.1f} {y2:.1f}"
    )


__all__ = ["NATION_WIDTH", "STATUS_WIDTH", "StatusMap", "View", "draw", "status_map"]
