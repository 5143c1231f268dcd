"""The map on the status page and the nation page: the table's own rows,
drawn as inline SVG that links to nation pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def article() -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def map_markup(html: str, map_id: str = "status-map") -> str:
    section = html.split(f'aria-labelledby="{map_id}-heading"')[1]
    return section.split("</section>")[0]


def test_status_page_draws_the_map_above_the_table(
    client: Client, article: None
) -> None:
    html = client.get("/").text
    (tmp_path := __import__("pathlib").Path("artifacts")).mkdir(exist_ok=True)
    (tmp_path / "status.html").write_text(html)
    markup = map_markup(html)
    assert html.index("status-map-heading") < html.index('<table class="status">')
    assert '<svg class="map map-large"' in markup
