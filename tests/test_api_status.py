"""/api/status/: the derived status, the same as the pages show."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.api.serializers import StatusRowSerializer
from deployments.models import Precision, Stance, Standing
from deployments.status import STATUS_COLUMNS, current_status
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db
URL = "/api/status/"


def rows(client: APIClient, query: str = "") -> list[dict[str, object]]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_row_carries_count_and_latest_standing_statement(
    api_client: APIClient,
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    kuwait = NationFactory(code="KWT", name="Kuwait")
    count = TroopCountFactory(nation=canada, troops=500, precision=Precision.ESTIMATED)
    intention = IntentionFactory(
        nation=canada,
        stance=Stance.PARTIAL_WITHDRAWAL,
        destination=kuwait,
        speaker="Ottawa",
        speaker_role="Government",
        stated_on="2020-01-07",
    )
    IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        standing=Standing.RETRACTED,
        reported_on="2020-01-08",
        stated_on="2020-01-08",
    )

    (row,) = rows(api_client)

    assert row == {
        "deployment": count.deployment_id,
        "nation": "CAN",
        "nation_name": "Canada",
        "nation_kind": "state",
        "host": "IRQ",
        "host_name": "Iraq",
        "operation": "",
        "troops": 500,
        "troops_low": None,
        "troops_high": None,
        "troops_precision": "estimated",
        "figure_text": "about 500",
        "troops_as_of": "2020-01-08",
        "troops_location": "",
        "troops_excerpt": count.excerpt,
        "troops_source": count.source.pk,
        "troops_source_title": count.source.title,
        "troops_source_publisher": "Test Wire",
        "troops_source_published_on": "2020-01-08",
        "troops_source_url": "",
        "troops_standing": "asserted",
        "troops_display": "est. 500",
        "troops_sources": 1,
        "troops_conflict": False,
        "stance": "partial_withdrawal",
        "temporary": False,
        "troops_affected": None,
        "troops_affected_low": None,
        "troops_affected_high": None,
        "target_troops": None,
        "destination": "KWT",
        "destination_name": "Kuwait",
        "destination_note": "",
        "stated_by": "Ottawa",
        "stated_by_role": "Government",
        "stated_on": "2020-01-07",
        "reported_on": "2020-01-08",
        "intention_location": "",
        "standing": "asserted",
        "quote": intention.quote,
        "intention_source": intention.source.pk,
        "intention_source_title": intention.source.title,
        "intention_source_publisher": "Test Wire",
        "intention_source_published_on": "2020-01-08",
        "intention_source_url": "",
        "stance_sources": 1,
        "stance_conflict": False,
        # A count after the statement, none before it and none in Kuwait:
        # nothing shows the move yet.
        "outcome": "pending",
        "outcome_counts": [],
    }
    assert list(row) == STATUS_COLUMNS


def test_rows_go_out_as_their_fields_would_write_them(
    api_client: APIClient,
) -> None:
    """The status rows skip the serializer's fields on the way out; what they
    write must be what those fields (and so the schema) say, null and date
    columns included."""
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)
    TroopCountFactory(troops=None, precision=Precision.UNKNOWN)  # no statement
    by_fields = [dict(StatusRowSerializer(row).data) for row in current_status()]

    served = rows(api_client, "page_size=100")

    assert len(served) == len(by_fields) == 8
    assert served == json.loads(json.dumps(by_fields))


def test_article_fixtures_through_the_api(api_client: APIClient) -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)
    shown = {row["nation"]: (row["troops"], row["stance"]) for row in rows(api_client)}
    assert shown == {
        "CAN": (500, "partial_withdrawal"),
        "FRA": (None, "staying"),
        "DEU": (None, "repositioning"),
        "ITA": (1000, "staying"),
        "NATO": (None, "repositioning"),
        "ROU": (None, "repositioning"),
        "USA": (5200, "staying"),
    }
    staying = rows(api_client, "stance=staying&nation=USA,ITA,FRA")
    assert sorted(row["nation"] for row in staying) == ["FRA", "ITA", "USA"]
    assert rows(api_client, "as_of=2020-01-07") == []
    assert [row["nation"] for row in rows(api_client, "nation_kind=alliance")] == [
        "NATO"
    ]


def test_as_of_and_host_filters(api_client: APIClient) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    kuwait = NationFactory(code="KWT", name="Kuwait")
    TroopCountFactory(nation=canada, troops=500, counted_on="2020-01-03")
    TroopCountFactory(nation=canada, troops=350, counted_on="2020-01-10")
    TroopCountFactory(nation=canada, host=kuwait, troops=150, counted_on="2020-01-10")
    assert [row["troops"] for row in rows(api_client, "as_of=2020-01-05")] == [500]
    assert [row["troops"] for row in rows(api_client, "host=KWT")] == [150]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("as_of=2020-13-01", "as_of"),
        ("as_of=soon", "as_of"),
        ("stance=fleeing", "stance"),
        ("host=irq", "host"),
        ("nation=C%00N", "nation"),
        ("nation_kind=empire", "nation_kind"),
    ],
)
def test_malformed_parameters_answer_400(
    api_client: APIClient, query: str, parameter: str
) -> None:
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_status_as_csv_has_the_same_rows_and_filters(api_client: APIClient) -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)
    response = api_client.get(f"{URL}?format=csv&stance=repositioning")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["nation"] for row in table) == ["DEU", "NATO", "ROU"]
    assert list(table[0]) == STATUS_COLUMNS
    by_accept = api_client.get(URL, HTTP_ACCEPT="text/csv")
    assert by_accept["Content-Type"].startswith("text/csv")


def test_csv_request_with_a_bad_parameter_gets_a_json_error(
    api_client: APIClient,
) -> None:
    response = api_client.get(f"{URL}?format=csv&as_of=never")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("nations", [1, 10])
def test_status_query_count_is_fixed(
    api_client: APIClient,
    nations: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """As production runs it: committed data, the cache on, autocommit."""
    for _ in range(nations):
        count = TroopCountFactory()
        IntentionFactory(nation=count.nation)
        IntentionFactory(nation=count.nation, standing=Standing.RETRACTED)
    # 1. the revision; 2.-8. the status (tests/test_status.py); 9. the
    # revision again, unmoved: the rows are kept; 10. once more: so is the
    # rendered answer
    with django_assert_num_queries(10):
        first = rows(api_client, "page_size=100")
    assert len(first) == nations
    # 1. the revision: the rendered answer comes from the cache
    with django_assert_num_queries(1):
        assert rows(api_client, "page_size=100") == first
