"""The map in a real browser: the article's hosts and moves, links to nation
pages, the empty state, no policy violations, and how it looks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.browser.test_status_page import PolicyWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def article(transactional_db: None) -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS


def open_page(browser: Any, width: int, height: int) -> tuple[Any, Any, PolicyWatch]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    watch = PolicyWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    return context, page, watch


def test_map_shows_the_hosts_and_canadas_move_to_kuwait(
    live_server: Any, article: None, browser: Any, shots: Path
) -> None:
    context, page, watch = open_page(browser, 1366, 900)
    page.goto(live_server.url + "/")
    svg = page.locator("svg.map")
    assert svg.is_visible()
    iraq = svg.locator('a[href="/nations/IRQ/"] path.host')
    assert iraq.count() == 1 and iraq.is_visible()
    arrow = svg.locator("path.move.stance-partial_withdrawal")
    assert arrow.count() == 1
    assert "from Iraq to Kuwait" in arrow.locator("title").text_content()
    svg.screenshot(path=str(shots / "map-desktop.png"))
    page.screenshot(path=str(shots / "map-status-desktop.png"), full_page=True)

    svg.get_by_role("link", name="Iraq 6,700").click()
    page.wait_for_url("**/nations/IRQ/")
    page.goto(live_server.url + "/nations/CAN/")
    assert page.locator("svg.map-small").is_visible()
    page.screenshot(path=str(shots / "map-nation-canada.png"), full_page=True)

    page.goto(live_server.url + "/?as_of=2020-01-07")
    assert page.locator("svg.map").count() == 0
    assert "Nothing to map as known on 7 January 2020" in page.inner_text(
        ".map-section"
    )
    assert watch.violations == []
    assert watch.errors == []
    context.close()


def test_map_fits_a_phone(
    live_server: Any, article: None, browser: Any, shots: Path
) -> None:
    context, page, watch = open_page(browser, 390, 844)
    page.goto(live_server.url + "/")
    assert page.locator("svg.map").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".map-section").screenshot(path=str(shots / "map-phone.png"))
    assert watch.violations == []
    context.close()
