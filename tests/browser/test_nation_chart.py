"""The nation page's charts in a real browser: several sources about one
host, the marks drawn inside the chart, readable with JavaScript off, under
the content security policy, and how it looks (a screenshot)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from deployments.models import Precision, Stance
from tests.browser.conftest import PolicyWatch
from tests.factories import (
    DAY_ONE,
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days(n: int) -> datetime.date:
    return DAY_ONE + datetime.timedelta(days=n)


@pytest.fixture
def reports(transactional_db: None) -> None:
    """Italy in Iraq as four outlets report it: two corroborate, a third
    conflicts, a bound and a range; a move announced and a move to stay."""
    italy = NationFactory(code="ITA", name="Italy")
    iraq = NationFactory(code="IRQ", name="Iraq")
    wire, daily, weekly, radio = (
        SourceFactory(publisher=name, title=f"{name} on Iraq")
        for name in ("Wire", "Daily", "Weekly", "Radio")
    )
    counts = [
        (0, wire, {"troops": 1000, "precision": Precision.APPROXIMATE}),
        (2, daily, {"troops": 1050, "precision": Precision.EXACT}),
        (6, weekly, {"troops": 600, "precision": Precision.EXACT}),
        (40, radio, {"troops": 900, "troops_low": 900}),
        (70, wire, {"troops": 700, "troops_low": 700, "troops_high": 800}),
        (120, daily, {"troops": 400, "precision": Precision.EXACT}),
    ]
    for offset, source, figure in counts:
        TroopCountFactory(
            nation=italy,
            host=iraq,
            counted_on=days(offset),
            source=source,
            **{"precision": Precision.EXACT, **figure},
        )
    IntentionFactory(
        nation=italy,
        host=iraq,
        stance=Stance.PARTIAL_WITHDRAWAL,
        troops_affected=300,
        reported_on=days(30),
        source=wire,
    )
    IntentionFactory(
        nation=italy, host=iraq, stance=Stance.STAYING, reported_on=days(90)
    )


def check_marks_inside(page: Any) -> int:
    svg = page.locator("svg.deployment-chart")
    assert svg.count() == 1 and svg.is_visible()
    frame = svg.bounding_box()
    marks = svg.locator("g.mark .body")
    for index in range(marks.count()):
        box = marks.nth(index).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert (
            frame["x"]
            <= box["x"]
            <= box["x"] + box["width"]
            <= (frame["x"] + frame["width"])
        )
        assert (
            frame["y"]
            <= box["y"]
            <= box["y"] + box["height"]
            <= (frame["y"] + frame["height"])
        )
    return marks.count()


def test_chart_draws_every_report_inside_the_svg(
    live_server: Any, reports: None, page: tuple[Any, PolicyWatch], screenshots: Path
) -> None:
    browser_page, watch = page
    browser_page.goto(live_server.url + "/nations/ITA/")
    assert check_marks_inside(browser_page) == 6
    svg = browser_page.locator("svg.deployment-chart")
    assert svg.locator("g.mark.conflict").count() >= 2
    assert svg.locator("text.mark-label", has_text="conflict").count() >= 1
    assert svg.locator("rect.band").count() >= 1
    assert svg.locator("g.shape-range").count() == 1
    assert svg.locator("g.shape-lower_bound path.arrow").count() == 1
    labels = svg.locator("text.statement-label").all_text_contents()
    assert "partial withdrawal — superseded" in labels
    assert any(label.startswith("staying") for label in labels)
    # The text equivalent opens without JavaScript being needed for it.
    browser_page.locator(".chart-text summary").click()
    assert browser_page.locator(".chart-table").first.is_visible()
    assert browser_page.locator(".chart-table tbody tr").count() == 6 + 2
    browser_page.locator(".deployment-chart-figure").screenshot(
        path=str(screenshots / "nation-chart.png")
    )
    assert watch.violations == []
    assert watch.errors == []


def test_chart_works_with_javascript_off(
    live_server: Any, reports: None, browser: Any, screenshots: Path
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    phone = context.new_page()
    phone.goto(live_server.url + "/nations/ITA/")
    assert check_marks_inside(phone) == 6
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator(".deployment-chart-figure").screenshot(
        path=str(screenshots / "nation-chart-phone.png")
    )
    context.close()
