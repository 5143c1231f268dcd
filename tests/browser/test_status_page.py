"""A reader's path through the tracker, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from deployments.models import Intention
from deployments.synthetic import Plan, generate
from tests.browser.conftest import PolicyWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(transactional_db: None) -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def cell_texts(page: Any, column: int) -> list[str]:
    return [
        text.strip()
        for text in page.locator(
            f"table.status tbody tr > :nth-child({column})"
        ).all_inner_texts()
    ]


def test_reader_checks_figures_filters_and_follows_a_nation(
    live_server: Any, article: None, page: tuple[Any, PolicyWatch], screenshots: Path
) -> None:
    browser_page, watch = page
    browser_page.goto(live_server.url + "/")

    assert browser_page.locator("table.status tbody tr").count() == 7
    troops = dict(
        zip(cell_texts(browser_page, 1), cell_texts(browser_page, 3), strict=True)
    )
    assert troops["United States USA"] == "~5,200"
    assert troops["Canada CAN"] == "est. 500"
    assert troops["France FRA"] == "unknown"
    us_row = browser_page.locator("table.status tbody tr", has_text="United States")
    us_row.get_by_text("Quote").click()
    assert us_row.locator("blockquote").is_visible()
    assert "We are not leaving Iraq." in us_row.locator("blockquote").inner_text()
    browser_page.screenshot(
        path=str(screenshots / "status-desktop.png"), full_page=True
    )

    # Filter by stance, then look at the status as known the day before.
    browser_page.select_option("#id_stance", "repositioning")
    browser_page.click("button[type=submit]")
    assert "stance=repositioning" in browser_page.url
    assert sorted(cell_texts(browser_page, 1)) == [
        "Germany DEU",
        "North Atlantic Treaty Organization NATO",
        "Romania ROU",
    ]
    browser_page.fill("#id_as_of", "2020-01-07")
    browser_page.click("button[type=submit]")
    assert "as_of=2020-01-07" in browser_page.url
    assert "Nothing matches these filters" in browser_page.inner_text("table.status")

    # Back to everything, and on to the United States' own page.
    browser_page.goto(live_server.url + "/")
    # The table's link: the map above it names the United States too.
    browser_page.locator("table.status").get_by_role(
        "link", name="United States"
    ).click()
    assert browser_page.url.endswith("/nations/USA/")
    retracted = browser_page.locator(".standing-retracted")
    assert "mistakenly released draft" in retracted.inner_text()
    assert retracted.locator("del").count() >= 1
    browser_page.screenshot(path=str(screenshots / "nation-usa.png"), full_page=True)

    assert watch.violations == []
    assert watch.errors == []


def test_page_reads_on_a_phone(
    live_server: Any, article: None, browser: Any, screenshots: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(live_server.url + "/")
    card = phone.locator("table.status tbody tr", has_text="Canada")
    assert "est. 500" in card.inner_text()
    # The table is laid out as cards: nothing wider than the screen.
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390
    phone.screenshot(path=str(screenshots / "status-phone.png"), full_page=True)
    context.close()


def test_page_works_with_javascript_off(
    live_server: Any, article: None, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?stance=staying")
    assert page.locator("table.status tbody tr").count() == 3
    page.get_by_text("Quote").first.click()  # <details> needs no script
    assert page.locator("blockquote").first.is_visible()
    context.close()


def test_admin_works_under_the_content_security_policy(
    live_server: Any, article: None, page: tuple[Any, PolicyWatch], screenshots: Path
) -> None:
    User.objects.create_superuser("analyst", password="a-long-test-password")
    browser_page, watch = page
    browser_page.goto(live_server.url + "/admin/")
    browser_page.fill("#id_username", "analyst")
    browser_page.fill("#id_password", "a-long-test-password")
    browser_page.click("input[type=submit]")
    browser_page.goto(live_server.url + "/admin/deployments/nation/")
    assert "~5,200 in IRQ" in browser_page.inner_text("#result_list")
    letter = Intention.objects.get(speaker="William Seely")
    browser_page.goto(
        f"{live_server.url}/admin/deployments/intention/{letter.pk}/change/"
    )
    assert browser_page.locator("#id_quote").is_visible()
    browser_page.screenshot(
        path=str(screenshots / "admin-intention.png"), full_page=True
    )
    assert watch.violations == []


def test_reader_pages_through_a_long_table_and_a_long_timeline(
    live_server: Any,
    transactional_db: None,
    page: tuple[Any, PolicyWatch],
    screenshots: Path,
) -> None:
    generate(Plan(nations=18, hosts=3, records_per_nation=240))  # 54 rows
    browser_page, watch = page
    browser_page.goto(live_server.url + "/?kind=state")
    assert browser_page.locator("table.status tbody tr").count() == 50
    assert "rows 1–50 shown" in browser_page.inner_text("table.status caption")

    browser_page.get_by_role("link", name="Next →").click()
    assert "kind=state" in browser_page.url and "page=2" in browser_page.url
    assert browser_page.locator("table.status tbody tr").count() == 4
    assert browser_page.get_by_text("Page 2 of 2").is_visible()
    browser_page.screenshot(path=str(screenshots / "status-page-2.png"), full_page=True)

    browser_page.locator("table.status tbody tr a").first.click()
    timeline = browser_page.locator("ol.timeline > li")
    assert timeline.count() == 40  # the newest page of 240 entries
    assert browser_page.get_by_text("Entries 201–240 of 240").is_visible()
    browser_page.get_by_role("link", name="← Earlier").first.click()
    assert browser_page.url.endswith("?page=2")
    assert timeline.count() == 100
    browser_page.screenshot(path=str(screenshots / "timeline-page-2.png"))

    assert watch.violations == []
    assert watch.errors == []


def test_api_docs_and_browsable_api_work_under_the_content_security_policy(
    live_server: Any, article: None, page: tuple[Any, PolicyWatch], screenshots: Path
) -> None:
    User.objects.create_superuser("analyst", password="a-long-test-password")
    browser_page, watch = page
    browser_page.goto(live_server.url + "/api/docs/")
    # Swagger UI draws the operations from the schema once it has loaded.
    browser_page.wait_for_selector(".opblock-tag", timeout=30_000)
    assert "Token <key>" in browser_page.inner_text(".info")
    browser_page.screenshot(path=str(screenshots / "api-docs.png"), full_page=True)

    browser_page.goto(live_server.url + "/api/nations/")
    browser_page.click("text=Log in")
    browser_page.fill("#id_username", "analyst")
    browser_page.fill("#id_password", "a-long-test-password")
    browser_page.click("#submit-id-submit")
    browser_page.wait_for_url("**/api/nations/")
    assert "analyst" in browser_page.inner_text(".navbar")
    assert "United States" in browser_page.inner_text(".response-info")
    browser_page.screenshot(path=str(screenshots / "api-browsable.png"), full_page=True)
    assert watch.violations == []
