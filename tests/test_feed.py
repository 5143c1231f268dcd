"""The Atom feed tells followers when a figure or stance changes, and from what."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deployments.models import Intention, Nation, Precision, Source, Stance, Standing
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


def read_feed(client: Client) -> ElementTree.Element:
    """The feed, parsed: a failure here means a reader could not read it."""
    response = client.get(reverse("status-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def entries(client: Client) -> list[dict[str, str]]:
    return [
        {
            "id": entry.findtext(f"{ATOM}id"),
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "summary_type": entry.find(f"{ATOM}summary").get("type"),
            "link": entry.find(f"{ATOM}link").get("href"),
        }
        for entry in read_feed(client).findall(f"{ATOM}entry")
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


@pytest.mark.parametrize("pairs", [1, 10])
def test_feed_takes_the_same_queries_with_3_and_30_changes(
    pairs: int, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(pairs):
        count = TroopCountFactory(counted_on=JAN[1])
        TroopCountFactory(nation=count.nation, counted_on=JAN[2], troops=900)
        IntentionFactory(nation=count.nation)
    # This test's transaction has written, so the cache is not used:
    # 1. the revision, for the validators; 2. the newest counts, each with
    # its pair's previous figure; 3. the newest standing statements, each
    # with its pair's previous stance.
    with django_assert_num_queries(3):
        assert len(entries(client)) == pairs * 3


@pytest.mark.django_db(transaction=True)
def test_a_repeated_request_costs_one_query_until_the_data_changes(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    # 1. the revision; 2. counts; 3. statements; 4. the revision again,
    # which must not have moved for the result to be kept
    with django_assert_num_queries(4):
        first = entries(client)
    # 1. the revision
    with django_assert_num_queries(1):
        assert entries(client) == first

    IntentionFactory(nation=canada, reported_on=JAN[9])

    assert [entry["title"] for entry in entries(client)] == [
        "Canada in Iraq: stance Staying",
        "Canada in Iraq: troops ~500",
    ]


def test_entries_say_what_changed_from_what_with_dates_and_links(
    client: Client,
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    first = TroopCountFactory(
        nation=canada,
        troops=500,
        counted_on=JAN[3],
        source__title="First report",
        source__url="https://news.example/first",
    )
    second = TroopCountFactory(
        nation=canada,
        troops=350,
        precision=Precision.EXACT,
        counted_on=JAN[10],
        source__title="Second report",
        excerpt="350 soldiers remain",
    )
    statement = IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        stated_on=JAN[6],
        reported_on=JAN[12],
        quote="We are leaving.",
        source__title="Third report",
    )

    feed = read_feed(client)

    assert [
        {
            "id": entry.findtext(f"{ATOM}id"),
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "published": entry.findtext(f"{ATOM}published"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ] == [
        {
            "id": f"tag:testserver,2026-11-24:troops-troopcount-{second.pk}",
            "title": "Canada in Iraq: troops ~500 → 350",
            "summary": "Before: ~500. Now: 350. Source: Second report — Test Wire, "
            "2020-01-08. “350 soldiers remain”",
            "link": f"http://testserver/feeds/status.atom"
            f"#troops-troopcount-{second.pk}",
            "published": "2020-01-10T00:00:00+00:00",
            "updated": "2020-01-10T00:00:00+00:00",
        },
        {
            "id": f"tag:testserver,2026-11-24:stance-intention-{statement.pk}",
            "title": "Canada in Iraq: stance Withdrawing",
            "summary": "Before: none recorded. Now: Withdrawing. Source: Third "
            "report — Test Wire, 2020-01-08. “We are leaving.”",
            "link": f"http://testserver/feeds/status.atom"
            f"#stance-intention-{statement.pk}",
            # The date it was said, not the date it was reported.
            "published": "2020-01-06T00:00:00+00:00",
            "updated": "2020-01-06T00:00:00+00:00",
        },
        {
            "id": f"tag:testserver,2026-11-24:troops-troopcount-{first.pk}",
            "title": "Canada in Iraq: troops ~500",
            "summary": "Before: none recorded. Now: ~500. Source: First report — "
            "Test Wire, 2020-01-08. “some 500 troops”",
            "link": "https://news.example/first",
            "published": "2020-01-03T00:00:00+00:00",
            "updated": "2020-01-03T00:00:00+00:00",
        },
    ]
    assert feed.findtext(f"{ATOM}updated") == "2020-01-10T00:00:00+00:00"


def test_a_repeat_figure_is_not_an_entry(client: Client) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[6])

    assert [entry["title"] for entry in entries(client)] == [
        "Canada in Iraq: troops ~500"
    ]


def test_a_full_feed_of_both_kinds_is_well_formed_atom(client: Client) -> None:
    for day in range(1, 31):
        nation = NationFactory(name=f"Nation <{day}> & “co”")
        TroopCountFactory(nation=nation, counted_on=JAN[day], excerpt="a < b & c")
        IntentionFactory(nation=nation, reported_on=JAN[day], quote="]]> 'x' \"y\"")

    feed = read_feed(client)  # parses, or fails

    found = feed.findall(f"{ATOM}entry")
    assert len(found) == 50  # the feed's limit
    for entry in found:
        for element in ("id", "title", "summary", "published", "updated"):
            assert entry.findtext(f"{ATOM}{element}"), element
        assert entry.find(f"{ATOM}link").get("href")
    assert "Nation <30> & “co”" in found[0].findtext(f"{ATOM}title")


def test_control_characters_already_stored_do_not_break_the_feed(
    client: Client,
) -> None:
    count = TroopCountFactory(nation__code="CAN", nation__name="Canada")
    IntentionFactory(nation=count.nation, source=count.source)
    # As stored before writes refused them, or with SQL: update() skips
    # every validation.
    Intention.objects.update(quote="Bell\x07, escape\x1b[2J, DEL\x7f, end\uffff.")
    Source.objects.update(publisher="Wire\x01", url="https://example.com/a\x0bb")
    Nation.objects.filter(code="CAN").update(name="Can\x08ada")

    by_title = {entry["title"]: entry for entry in entries(client)}

    stance = by_title["Canada in Iraq: stance Staying"]
    assert stance["summary"].endswith(
        "— Wire, 2020-01-08. “Bell, escape[2J, DEL, end.”"
    )
    link = by_title["Canada in Iraq: troops ~1,000"]["link"]
    assert link == "https://example.com/a%0Bb"  # Django escapes links itself


def test_summaries_are_text_so_quoted_markup_is_shown_not_run(
    client: Client,
) -> None:
    markup = '<script>alert("owned")</script><b>bold</b> & co'
    IntentionFactory(quote=markup)

    (entry,) = entries(client)

    assert entry["summary_type"] == "text"
    assert entry["summary"].endswith(f"“{markup}”")


def test_ids_are_tag_uris_of_the_serving_host(client: Client) -> None:
    count = TroopCountFactory()
    intention = IntentionFactory(nation=count.nation)

    feed = read_feed(client)
    ids = [entry["id"] for entry in entries(client)]

    assert feed.findtext(f"{ATOM}id") == "tag:testserver,2026-11-24:status-changes"
    assert sorted(ids) == [
        f"tag:testserver,2026-11-24:stance-intention-{intention.pk}",
        f"tag:testserver,2026-11-24:troops-troopcount-{count.pk}",
    ]
    # RFC 4151: tag:<DNS name>,<YYYY-MM-DD>:<specific>
    tag_uri = re.compile(r"tag:[a-z0-9.-]+,\d{4}-\d\d-\d\d:[\w-]+")
    assert all(tag_uri.fullmatch(entry_id) for entry_id in ids)
