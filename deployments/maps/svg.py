"""The map's many marks written as SVG elements in Python: a template loop
over the hundreds of them at 600 deployments cost 15–35 ms a render, more
than the rest of the map; ``format_html`` escapes every value as the
template would. The template writes everything else (defs, legend, text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from deployments.maps.drawing import StatusMap


def marks(drawn: StatusMap) -> SafeString:
    """Countries with data (links), then lines, moves and labels on top."""
    hatch = f"url(#{drawn.map_id}-hatch)"
    countries = format_html_join(
        "",
        '<a href="{}"><title>{}</title><path class="{}"{} d="{}"></path>{}</a>',
        (
            (
                country.href,
                country.title,
                country.css_class,
                format_html(' fill="{}"', hatch) if country.hatched else "",
                country.path,
                format_html(
                    '<circle class="contributor" cx="{}" cy="{}" r="3.5"></circle>',
                    *country.dot,
                )
                if country.dot
                else "",
            )
            for country in drawn.countries
        ),
    )
    lines = format_html_join(
        "",
        '<path class="deployment{}" stroke-width="{}" d="{}"><title>{}</title></path>',
        (
            (" unknown" if line.unknown else "", line.width, line.path, line.title)
            for line in drawn.lines
        ),
    )
    arrows = mark_safe(
        "".join(
            format_html(
                '<path class="move-casing" d="{path}"></path><path class="move '
                'stance-{stance}{temporary}" marker-end="url(#{map_id}-arrow-{stance})"'
                ' d="{path}"><title>{title}</title></path>',
                path=arrow.path,
                stance=arrow.stance,
                temporary=" temporary" if arrow.temporary else "",
                map_id=drawn.map_id,
                title=arrow.title,
            )
            for arrow in drawn.arrows
        )
    )
    rings = format_html_join(
        "",
        '<circle class="move-mark stance-{}{}" cx="{}" cy="{}" r="5">'
        "<title>{}</title></circle>",
        (
            (
                mark.stance,
                " temporary" if mark.temporary else "",
                mark.x,
                mark.y,
                mark.title,
            )
            for mark in drawn.marks
        ),
    )
    labels = format_html_join(
        "",
        '<a href="{}"><text class="map-label" x="{}" y="{}" dy="-12">{}</text></a>',
        ((label.href, label.x, label.y, label.text) for label in drawn.labels),
    )
    return mark_safe(
        f'{countries}<g class="deployment-lines">{lines}</g>{arrows}{rings}{labels}'
    )
