"""/api/intentions/: what nations said they will do, and who said it."""

from __future__ import annotations

import datetime

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import Intention, Precision, Source, Stance, Standing
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/intentions/"


@pytest.fixture
def source() -> Source:
    canada = NationFactory(code="CAN", name="Canada")
    NationFactory(code="KWT", name="Kuwait")
    iraq = NationFactory(code="IRQ", name="Iraq")
    cited = SourceFactory()
    TroopCountFactory(
        nation=canada, host=iraq, troops=500, precision=Precision.ESTIMATED
    )
    return cited


def new_intention(cited: Source, **overrides: object) -> dict[str, object]:
    return {
        "nation": "CAN",
        "host": "IRQ",
        "stance": "partial_withdrawal",
        "troops_affected": 200,
        "destination": "KWT",
        "speaker": "Government of Canada",
        "reported_on": "2020-01-08",
        "quote": "Canada announced that some of its troops will withdraw to Kuwait.",
        "source": cited.pk,
    } | overrides


def test_create_with_destination_by_code(
    editor_client: APIClient, source: Source
) -> None:
    response = editor_client.post(URL, new_intention(source), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["destination"], body["destination_name"]) == ("KWT", "Kuwait")
    assert (body["standing"], body["temporary"]) == ("asserted", False)
    assert Intention.objects.get().destination.code == "KWT"


def test_some_troops_is_an_empty_number(
    editor_client: APIClient, source: Source
) -> None:
    body = new_intention(source, troops_affected=None)
    assert editor_client.post(URL, body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"destination": "IRQ"}, "destination", "must differ from the host"),
        ({"host": "CAN"}, "host", "cannot be its own host"),
        ({"troops_affected": 501}, "troops_affected", "More than the 500 troops"),
        ({"troops_affected": -3}, "troops_affected", "greater than or equal to 0"),
        ({"stance": "fleeing"}, "stance", "not a valid choice"),
        ({"standing": "rumoured"}, "standing", "not a valid choice"),
        ({"stated_on": "2020-01-09"}, "stated_on", "after it was reported"),
        ({"reported_on": "2999-01-01"}, "reported_on", "in the future"),
        ({"destination": "ZZZ"}, "destination", "does not exist"),
        ({"quote": "   "}, "quote", "may not be blank"),
        ({"temporary": "sometimes"}, "temporary", "valid boolean"),
    ],
)
def test_bad_statements_are_refused_naming_the_field(
    editor_client: APIClient,
    source: Source,
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    response = editor_client.post(
        URL, new_intention(source, **overrides), format="json"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field]), response.json()
    assert not Intention.objects.exists()


def test_affected_troops_are_free_when_no_count_is_known(
    editor_client: APIClient, source: Source
) -> None:
    body = new_intention(source, nation="KWT", destination=None, troops_affected=9000)
    assert editor_client.post(URL, body, format="json").status_code == 201


def test_patch_is_checked_against_the_stored_record(
    editor_client: APIClient, source: Source
) -> None:
    created = editor_client.post(URL, new_intention(source), format="json").json()
    response = editor_client.patch(
        f"{URL}{created['id']}/", {"destination": "IRQ"}, format="json"
    )
    assert response.status_code == 400
    assert "destination" in response.json()["errors"]
    assert Intention.objects.get().destination.code == "KWT"


def test_filters_by_stance_standing_destination_and_dates(
    api_client: APIClient,
) -> None:
    kuwait = NationFactory(code="KWT", name="Kuwait")
    IntentionFactory(
        nation__code="CAN",
        stance=Stance.PARTIAL_WITHDRAWAL,
        destination=kuwait,
        speaker="Ottawa",
    )
    IntentionFactory(
        nation__code="USA",
        stance=Stance.WITHDRAWING,
        standing=Standing.RETRACTED,
        stated_on="2020-01-06",
        speaker="William Seely",
    )
    IntentionFactory(
        nation__code="FRA", stance=Stance.STAYING, reported_on="2020-01-02"
    )

    def speakers(query: str) -> list[str]:
        response = api_client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["speaker"] for row in response.json()["results"])

    assert speakers("destination=KWT") == ["Ottawa"]
    assert speakers("stance=withdrawing,partial_withdrawal") == [
        "Ottawa",
        "William Seely",
    ]
    assert speakers("standing=retracted") == ["William Seely"]
    assert speakers("stated_before=2020-01-07") == ["William Seely"]
    assert speakers("reported_after=2020-01-05&nation=CAN,FRA") == ["Ottawa"]
    assert speakers("search=seely") == ["William Seely"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("stance=fleeing", "stance"),
        ("standing=rumoured", "standing"),
        ("nation=usa", "nation"),
        ("destination=K%00W", "destination"),
        ("stated_after=yesterday", "stated_after"),
        ("reported_before=2020-02-31", "reported_before"),
        ("source=abc", "source"),
        ("temporary=perhaps", "temporary"),
        ("search=a%00b", "search"),
        ("ordering=quote", "ordering"),
    ],
)
def test_malformed_filter_answers_400_naming_the_parameter(
    api_client: APIClient, query: str, parameter: str
) -> None:
    IntentionFactory()
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


@pytest.mark.parametrize("statements", [1, 12])
def test_list_query_count_is_fixed(
    api_client: APIClient,
    statements: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    kuwait = NationFactory(code="KWT", name="Kuwait")
    for _ in range(statements):
        intention = IntentionFactory(destination=kuwait)
        TroopCountFactory(nation=intention.nation, counted_on=datetime.date(2020, 2, 1))
    # 1. the revision, for the validators
    # 2. count for the paginator
    # 3. the page, with nation, host, destination and source joined
    # 4-5. the page's outcomes: the statements' evidence, the counts it names
    with django_assert_num_queries(5):
        response = api_client.get(f"{URL}?page_size=100&stance=staying")
    assert len(response.json()["results"]) == statements


def test_reinforcements_may_exceed_the_latest_count(
    editor_client: APIClient, source: Source
) -> None:
    body = new_intention(
        source, stance="reinforcing", troops_affected=2000, destination=None
    )
    assert editor_client.post(URL, body, format="json").status_code == 201


def test_csv_keeps_formula_like_text_as_text(api_client: APIClient) -> None:
    IntentionFactory(speaker='=HYPERLINK("http://evil.example","click")')
    response = api_client.get(f"{URL}?format=csv")
    assert "'=HYPERLINK" in response.content.decode()


def test_statements_carry_their_outcome_and_filter_by_it(
    api_client: APIClient,
) -> None:
    before = TroopCountFactory(
        nation__code="CAN", troops=500, counted_on=datetime.date(2020, 1, 1)
    )
    leaving = IntentionFactory(
        nation=before.nation,
        stance=Stance.WITHDRAWING,
        reported_on=datetime.date(2020, 1, 5),
    )
    after = TroopCountFactory(
        nation=before.nation, troops=0, counted_on=datetime.date(2020, 1, 20)
    )
    staying = IntentionFactory(
        nation__code="ITA", stance=Stance.STAYING, reported_on=datetime.date(2020, 1, 5)
    )

    detail = api_client.get(f"{URL}{leaving.pk}/").json()
    assert (detail["outcome"], detail["outcome_counts"], detail["superseded_by"]) == (
        "fulfilled",
        [before.pk, after.pk],
        None,
    )
    listed = {r["id"]: r["outcome"] for r in api_client.get(URL).json()["results"]}
    assert listed == {leaving.pk: "fulfilled", staying.pk: "pending"}
    fulfilled = api_client.get(URL, {"outcome": "fulfilled"}).json()["results"]
    assert [r["id"] for r in fulfilled] == [leaving.pk]
    bad = api_client.get(URL, {"outcome": "kept"})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["outcome"]


def test_outcomes_are_derived_and_cannot_be_written(editor_client: APIClient) -> None:
    intention = IntentionFactory(nation__code="CAN", stance=Stance.WITHDRAWING)
    response = editor_client.patch(
        f"{URL}{intention.pk}/", {"outcome": "fulfilled"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "pending"
