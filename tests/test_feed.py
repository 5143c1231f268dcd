"""The Atom feed tells followers when a figure or stance changes, and from what."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deployments.models import Precision, Stance, Standing
from deployments.status import status_changes
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


def entries(client: Client) -> list[dict[str, str]]:
    response = client.get(reverse("status-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_new_troop_figure_shows_old_and_new_values_and_source(client: Client) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(
        nation=canada, troops=500, precision=Precision.ESTIMATED, counted_on=JAN[3]
    )
    TroopCountFactory(
        nation=canada,
        troops=350,
        precision=Precision.EXACT,
        counted_on=JAN[10],
        source__title="Later report",
    )

    newest = entries(client)[0]

    assert newest["title"] == "Canada in Iraq: troops est. 500 → 350"
    assert "Before: est. 500. Now: 350." in newest["summary"]
    assert "Later report" in newest["summary"]


def test_stance_change_is_an_entry_and_a_repeat_is_not(client: Client) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[4])
    IntentionFactory(
        nation=canada, stance=Stance.PARTIAL_WITHDRAWAL, reported_on=JAN[8]
    )

    titles = [entry["title"] for entry in entries(client)]

    assert titles == [
        "Canada in Iraq: stance Staying → Partial withdrawal",
        "Canada in Iraq: stance Staying",
    ]


def test_retracted_statement_makes_no_entry(client: Client) -> None:
    usa = NationFactory(code="USA", name="United States")
    IntentionFactory(nation=usa, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(
        nation=usa,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[6],
        standing=Standing.RETRACTED,
    )
    assert [entry["title"] for entry in entries(client)] == [
        "United States in Iraq: stance Staying"
    ]


@pytest.mark.parametrize("pairs", [1, 6])
def test_feed_takes_two_queries_whatever_the_data(
    pairs: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(pairs):
        count = TroopCountFactory(counted_on=JAN[1])
        TroopCountFactory(nation=count.nation, counted_on=JAN[2], troops=900)
        IntentionFactory(nation=count.nation)
    # 1. counts with their previous figure; 2. statements with their previous stance
    with django_assert_num_queries(2):
        changes = status_changes()
        assert all(change.source.title for change in changes)
    assert len(changes) == pairs * 3
