"""``in_ids``: a long list of ids as one parameter, on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deployments.models import Nation
from tests.factories import NationFactory

pytestmark = pytest.mark.django_db


def test_in_ids_finds_exactly_the_listed_records() -> None:
    nations = [NationFactory() for _ in range(5)]
    wanted = [nations[0].pk, nations[3].pk, 10**12]  # and one that is no id
    found = Nation.objects.filter(pk__in_ids=wanted).values_list("pk", flat=True)
    assert sorted(found) == [nations[0].pk, nations[3].pk]
    assert not Nation.objects.filter(pk__in_ids=[]).exists()


def test_in_ids_sends_the_list_as_one_parameter() -> None:
    NationFactory()
    with CaptureQueriesContext(connection) as queries:
        list(Nation.objects.filter(pk__in_ids=list(range(1, 3000))))
    (query,) = queries.captured_queries
    one_parameter = {
        "postgresql": "= ANY(",
        "sqlite": "IN (SELECT value FROM json_each(",
    }
    assert one_parameter[connection.vendor] in query["sql"]


def test_in_ids_takes_a_set_and_sends_the_ids_sorted() -> None:
    nations = [NationFactory() for _ in range(3)]
    first, second, third = (nation.pk for nation in nations)
    with CaptureQueriesContext(connection) as queries:
        found = list(
            Nation.objects.filter(pk__in_ids={third, first, second}).values_list(
                "pk", flat=True
            )
        )
        list(Nation.objects.filter(pk__in_ids=[second, third, first, second]))
    assert sorted(found) == [first, second, third]
    one, other = (query["sql"] for query in queries.captured_queries)
    listed = {
        "postgresql": f"{{{first},{second},{third}}}",
        "sqlite": f"[{first}, {second}, {third}]",
    }
    assert listed[connection.vendor] in one
    assert listed[connection.vendor] in other
