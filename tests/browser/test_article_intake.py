"""An analyst's path through article intake, in a real browser: paste the
seed article into the admin, accept its proposals, and see the status page
show the article's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from deployments.models import Proposal
from tests.browser.conftest import PolicyWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[3] / "shared/seed/000_a8caf179c0ae9ecd.txt"


def test_analyst_pastes_the_seed_article_and_accepts_its_proposals(
    live_server: Any, page: tuple[Any, PolicyWatch], screenshots: Path
) -> None:
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED}")
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    User.objects.create_superuser("analyst", password="a-long-test-password")
    browser_page, watch = page
    browser_page.goto(live_server.url + "/admin/")
    browser_page.fill("#id_username", "analyst")
    browser_page.fill("#id_password", "a-long-test-password")
    browser_page.click("input[type=submit]")

    browser_page.goto(live_server.url + "/admin/deployments/source/")
    browser_page.click("text=Add article")
    browser_page.fill("#id_title", title)
    browser_page.fill("#id_publisher", "AFP")
    browser_page.fill("#id_published_on", "2020-01-08")
    browser_page.fill("#id_agency", "AFP")
    browser_page.fill("#id_text", body)
    browser_page.click("text=Add article and propose records")

    browser_page.wait_for_selector("#review-form")
    assert browser_page.locator(".article-text mark").count() >= 5
    browser_page.screenshot(path=str(screenshots / "admin-review.png"), full_page=True)
    browser_page.click("input[name=accept_all]")
    browser_page.wait_for_selector("ul.messagelist")
    browser_page.screenshot(
        path=str(screenshots / "admin-review-accepted.png"), full_page=True
    )
    assert Proposal.objects.filter(state="accepted").count() >= 5

    browser_page.goto(live_server.url + "/")
    table = browser_page.inner_text("table.status")
    for figure in ("5,200", "1,000", "500"):
        assert figure in table
    for nation in ("United States", "Italy", "Canada"):
        assert nation in table
    assert watch.violations == []
