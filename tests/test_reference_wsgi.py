"""The bare WSGI reference of the throughput benchmark picks the rows the app
serves.

The reference carries its own copy of the latest-per-deployment SQL, so that it
imports nothing private from the app; this holds the copy to the app's
choice whenever either changes.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from benchmarks.reference_wsgi import LATEST_COUNTS, LATEST_STATEMENTS
from deployments.models import Deployment, Standing
from deployments.synthetic import Plan, generate
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the reference serves PostgreSQL only (psycopg)",
    ),
]


def chosen_ids(sql: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row_id for (row_id,) in cursor.fetchall() if row_id is not None}


def test_the_reference_sql_picks_the_latest_rows_the_app_picks() -> None:
    # Several hosts per nation, several records per pair, some retracted.
    generate(Plan(nations=4, hosts=3, records_per_nation=40, seed=3))
    # And the cases a wrong ordering would get wrong: the newest statement
    # retracted; one said earlier but reported later than the other; two
    # counts on one day.
    day = datetime.date(2020, 1, 8)
    canada, italy = NationFactory(code="CAN"), NationFactory(code="ITA")
    IntentionFactory(nation=canada, reported_on=day - datetime.timedelta(days=9))
    IntentionFactory(nation=canada, reported_on=day, standing=Standing.RETRACTED)
    IntentionFactory(nation=italy, reported_on=day - datetime.timedelta(days=3))
    IntentionFactory(
        nation=italy, reported_on=day, stated_on=day - datetime.timedelta(days=6)
    )
    TroopCountFactory(nation=italy, troops=900, counted_on=day)
    TroopCountFactory(nation=italy, troops=1000, counted_on=day)
    latest = Deployment.objects.with_status()
    counts = set(latest.values_list("latest_count_id", flat=True)) - {None}
    statements = set(latest.values_list("latest_intention_id", flat=True)) - {None}
    assert len(counts) > 4 and len(statements) > 4

    assert chosen_ids(LATEST_COUNTS) == counts
    assert chosen_ids(LATEST_STATEMENTS) == statements
