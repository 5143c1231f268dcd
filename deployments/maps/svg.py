"""The map's many marks written as SVG elements in Python: a template loop
over the hundreds of them at 600 deployments cost 15–35 ms a render, more
than the rest of the map. Every text that comes from the data (names,
titles, links) is escaped here as the template would; path data, classes
and coordinates are the drawing's own. The template writes the rest."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from deployments.maps.drawing import StatusMap


def marks(drawn: StatusMap) -> SafeString:
    """Countries with data (links), then lines, moves and labels on top."""
    hatch = f' fill="url(#{drawn.map_id}-hatch)"'
    parts = []
    for country in drawn.countries:
        dot = (
            f'<circle class="contributor" cx="{country.dot[0]}" '
            f'cy="{country.dot[1]}" r="3.5"></circle>'
            if country.dot
            else ""
        )
        parts.append(
            f'<a href="{escape(country.href)}"><title>{escape(country.title)}</title>'
            f'<path class="{country.css_class}"{hatch if country.hatched else ""}'
            f' d="{country.path}"></path>{dot}</a>'
        )
    parts.append('<g class="deployment-lines">')
    for line in drawn.lines:
        unknown = " unknown" if line.unknown else ""
        parts.append(
            f'<path class="deployment{unknown}" stroke-width="{line.width}" '
            f'd="{line.path}"><title>{escape(line.title)}</title></path>'
        )
    parts.append("</g>")
    for arrow in drawn.arrows:
        temporary = " temporary" if arrow.temporary else ""
        parts.append(
            f'<path class="move-casing" d="{arrow.path}"></path>'
            f'<path class="move stance-{arrow.stance}{temporary}" '
            f'marker-end="url(#{drawn.map_id}-arrow-{arrow.stance})" '
            f'd="{arrow.path}"><title>{escape(arrow.title)}</title></path>'
        )
    for mark in drawn.marks:
        temporary = " temporary" if mark.temporary else ""
        parts.append(
            f'<circle class="move-mark stance-{mark.stance}{temporary}" '
            f'cx="{mark.x}" cy="{mark.y}" r="5"><title>{escape(mark.title)}</title>'
            "</circle>"
        )
    for label in drawn.labels:
        parts.append(
            f'<a href="{escape(label.href)}"><text class="map-label" x="{label.x}" '
            f'y="{label.y}" dy="{label.dy}">{escape(label.text)}</text></a>'
        )
    return mark_safe("".join(parts))  # each value from the data escaped above
