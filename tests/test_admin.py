"""Analysts edit everything in the admin and see the current status there."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deployments.models import Intention, Nation, Precision, Source, Stance
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(admin_client: Client) -> Client:
    """A superuser's logged-in client (pytest-django's admin_client)."""
    return admin_client


def make_nations_with_status(how_many: int) -> None:
    for _ in range(how_many):
        count = TroopCountFactory(troops=1200, precision=Precision.APPROXIMATE)
        IntentionFactory(nation=count.nation, stance=Stance.REPOSITIONING)


def test_nation_list_shows_current_troops_and_stance(analyst: Client) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada, troops=500, precision=Precision.ESTIMATED)
    IntentionFactory(nation=canada, stance=Stance.PARTIAL_WITHDRAWAL)

    response = analyst.get(reverse("admin:deployments_nation_changelist"))

    assert response.status_code == 200
    assert "est. 500 in IRQ" in response.text
    assert "Partial withdrawal in IRQ" in response.text


@pytest.mark.parametrize("nations", [2, 12])
def test_nation_list_query_count_does_not_grow_with_nations(
    analyst: Client, nations: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_nations_with_status(nations)
    # 1-2. session and user; 3. count for the paginator; 4. total count;
    # 5. the page of nations; 6-12. the status (tests/test_status.py)
    with django_assert_num_queries(12):
        response = analyst.get(reverse("admin:deployments_nation_changelist"))
    assert response.text.count("~1,200 in IRQ") == nations


@pytest.mark.parametrize(
    "model", ["nation", "source", "troopcount", "intention"], ids=str
)
def test_every_changelist_and_add_form_opens(analyst: Client, model: str) -> None:
    make_nations_with_status(2)
    for view in ("changelist", "add"):
        response = analyst.get(reverse(f"admin:deployments_{model}_{view}"))
        assert response.status_code == 200, view


def test_intentions_can_be_filtered_and_searched(analyst: Client) -> None:
    IntentionFactory(speaker="Mark Esper", quote="We are not leaving Iraq.")
    IntentionFactory(speaker="Someone Else", stance=Stance.WITHDRAWING)
    url = reverse("admin:deployments_intention_changelist")

    searched = analyst.get(url, {"q": "leaving"})
    filtered = analyst.get(url, {"stance__exact": "withdrawing"})

    assert "Mark Esper" in searched.text
    assert "Someone Else" not in searched.text
    assert "Someone Else" in filtered.text
    assert "Mark Esper" not in filtered.text


def test_nation_autocomplete_finds_by_name(analyst: Client) -> None:
    NationFactory(code="KWT", name="Kuwait")
    response = analyst.get(
        reverse("admin:autocomplete"),
        {
            "term": "kuw",
            "app_label": "deployments",
            "model_name": "intention",
            "field_name": "destination",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Kuwait (KWT)"]


def test_admin_refuses_destination_equal_to_host_and_changes_nothing(
    analyst: Client,
) -> None:
    intention = IntentionFactory()
    url = reverse("admin:deployments_intention_change", args=[intention.pk])
    form = {
        "nation": intention.nation.pk,
        "host": intention.host.pk,
        "stance": "withdrawing",
        "destination": intention.host.pk,
        "speaker": intention.speaker,
        "reported_on": "2020-01-08",
        "quote": intention.quote,
        "source": intention.source.pk,
        "standing": "asserted",
        "seen_version": 1,
    }

    response = analyst.post(url, form)

    assert response.status_code == 200  # the form again, with the error
    assert "The destination must differ from the host." in response.text
    intention.refresh_from_db()
    assert (intention.stance, intention.destination) == ("staying", None)


def test_admin_edit_is_kept_in_history_with_its_author(
    analyst: Client, admin_user: User
) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    url = reverse("admin:deployments_nation_change", args=[nation.pk])
    form = {
        "code": "ROU",
        "name": "Romania (edited)",
        "kind": "state",
        "seen_version": 1,
        "troop_counts-TOTAL_FORMS": 0,
        "troop_counts-INITIAL_FORMS": 0,
        "intentions-TOTAL_FORMS": 0,
        "intentions-INITIAL_FORMS": 0,
    }

    response = analyst.post(url, form)

    assert response.status_code == 302
    latest = Nation.history.filter(code="ROU").latest()
    assert (latest.name, latest.history_user) == ("Romania (edited)", admin_user)
    history = analyst.get(reverse("admin:deployments_nation_history", args=[nation.pk]))
    assert "Romania (edited)" in history.text


def test_inline_intentions_on_the_nation_page(analyst: Client) -> None:
    intention = IntentionFactory(quote="We are not leaving Iraq.")
    response = analyst.get(
        reverse("admin:deployments_nation_change", args=[intention.nation.pk])
    )
    assert "We are not leaving Iraq." in response.text
    assert Intention.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # autocommit, as production reads
@pytest.mark.parametrize("records", [2, 12])
@pytest.mark.parametrize("model", ["troopcount", "intention"])
def test_long_lists_are_newest_first_with_a_fixed_query_count(
    analyst: Client,
    model: str,
    records: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    make_nations_with_status(records)
    newest = TroopCountFactory(counted_on=datetime.date(2021, 3, 1), troops=7777)
    IntentionFactory(
        nation=newest.nation, reported_on=datetime.date(2021, 3, 1), speaker="Newest"
    )
    url = reverse(f"admin:deployments_{model}_changelist")
    # 1-2. session and user; 3. host countries for the filter; 4. the
    # revision; 5. the count (no second count of the whole table); 6. the
    # revision again, unmoved: the count is kept; 7. the page, newest first
    with django_assert_num_queries(7):
        response = analyst.get(url)
    # The count comes from the cache: 4. the revision; 5. the page
    with django_assert_num_queries(5):
        analyst.get(url)
    rows = response.text.split("<tbody>")[1].split("</tr>")
    assert len(rows) - 1 == records + 1
    assert ("7,777" if model == "troopcount" else "Newest") in rows[0]


def test_host_filter_offers_only_host_countries(analyst: Client) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada)  # in Iraq
    TroopCountFactory(nation=canada, host=NationFactory(code="KWT", name="Kuwait"))
    NationFactory(code="NOR", name="Norway")  # hosts nothing
    html = analyst.get(reverse("admin:deployments_troopcount_changelist")).text
    host_filter = html.split("By host")[1].split("</ul>")[0]
    assert "Iraq" in host_filter and "Kuwait" in host_filter
    assert "Canada" not in host_filter and "Norway" not in host_filter


def intention_form(intention: Intention, **changes: object) -> dict[str, object]:
    """The change form as the admin sends it back, with ``changes``."""
    return {
        "nation": intention.nation.pk,
        "host": intention.host.pk,
        "stance": intention.stance,
        "speaker": intention.speaker,
        "reported_on": intention.reported_on.isoformat(),
        "quote": intention.quote,
        "source": intention.source.pk,
        "standing": intention.standing,
        "seen_version": intention.version,
    } | changes


def test_admin_refuses_a_control_character_naming_the_field(analyst: Client) -> None:
    intention = IntentionFactory(speaker="Original")
    url = reverse("admin:deployments_intention_change", args=[intention.pk])

    response = analyst.post(url, intention_form(intention, speaker="Bell\x07"))

    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["speaker"]
    assert "U+0007" in errors["speaker"][0]
    intention.refresh_from_db()
    assert (intention.speaker, intention.version) == ("Original", 1)


def test_admin_refuses_zero_width_only_text_in_a_new_record(analyst: Client) -> None:
    response = analyst.post(
        reverse("admin:deployments_source_add"),
        {"title": "\u200b", "publisher": "Wire", "published_on": "2020-01-08"},
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["title"]
    assert not Source.objects.exists()


def test_admin_refuses_a_date_before_1900_with_the_same_message(
    analyst: Client,
) -> None:
    source = SourceFactory(published_on=datetime.date(2020, 1, 8))
    url = reverse("admin:deployments_source_change", args=[source.pk])

    response = analyst.post(
        url,
        {
            "title": source.title,
            "publisher": source.publisher,
            "published_on": "0001-01-01",
            "seen_version": 1,
        },
    )

    assert response.context["adminform"].form.errors == {
        "published_on": [
            "0001-01-01 is before 1900-01-01, the earliest date the tracker takes."
        ]
    }
    source.refresh_from_db()
    assert source.published_on == datetime.date(2020, 1, 8)
