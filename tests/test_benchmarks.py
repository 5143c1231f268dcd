"""The benchmark harness still runs, and query counts do not grow with data.

No timing is asserted here: timings are for benchmarks/run.py on a quiet
machine (docs/performance.md).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from benchmarks.chart import fill, measure_chart
from benchmarks.map import give_real_codes, measure_map
from benchmarks.measure import measure_all
from deployments.models import Intention, TroopCount
from deployments.synthetic import Plan, generate, remove_synthetic_data

pytestmark = pytest.mark.django_db


def query_counts(plan: Plan) -> dict[str, int]:
    generate(plan)
    results = measure_all(runs=1, warmup=1)  # the measured read is a hit
    remove_synthetic_data()
    assert {result.status for result in results} == {200}, results
    return {result.name: result.queries for result in results}


@pytest.mark.django_db(transaction=True)  # autocommit: the cache is used
def test_every_target_answers_and_query_counts_do_not_grow() -> None:
    small = query_counts(Plan(nations=2, hosts=2, records_per_nation=8))
    larger = query_counts(Plan(nations=6, hosts=3, records_per_nation=30))
    assert small == larger
    # Nine paths, six of them measured a second time with the cache off.
    assert len(small) == 15
    # A cached read skips the derivation's queries.
    assert small["api status"] < small["api status (no cache)"]
    assert all(count > 0 for count in small.values()), small


def test_synthetic_data_is_deterministic_and_refuses_a_second_run() -> None:
    plan = Plan(nations=3, hosts=2, records_per_nation=12, seed=7)
    generate(plan)
    first = list(TroopCount.objects.order_by("id").values_list("troops", flat=True))
    assert len(first) == plan.rows // 2
    retracted = Intention.objects.filter(standing="retracted").count()
    with pytest.raises(Exception, match="--replace"):
        call_command("generate_synthetic_data", "--no-progress")
    call_command(
        "generate_synthetic_data",
        "--replace",
        "--no-progress",
        "--nations=3",
        "--hosts=2",
        "--records-per-nation=12",
        "--seed=7",
    )
    again = list(TroopCount.objects.order_by("id").values_list("troops", flat=True))
    assert again == first
    assert Intention.objects.filter(standing="retracted").count() == retracted
    for record in [*TroopCount.objects.all()[:5], *Intention.objects.all()[:5]]:
        record.full_clean()


def test_the_map_benchmark_draws_every_deployment_of_real_countries() -> None:
    generate(Plan(nations=12, hosts=3, records_per_nation=6))
    assert give_real_codes() == 15
    result = measure_map(runs=1, warmup=0)
    assert result.deployments == 36
    assert 0 < result.map_bytes < 150_000
    assert len(result.with_map_ms) == len(result.without_map_ms) == 1
    assert "the map adds" in result.summary()


def test_the_chart_benchmark_draws_one_deployment_in_buckets() -> None:
    fill(counts=300, statements=10)
    result = measure_chart(runs=1, warmup=0)
    assert (result.counts, result.statements) == (300, 10)
    assert result.aggregated_by is not None and 0 < result.marks <= 60
    assert len(result.with_chart_ms) == len(result.without_chart_ms) == 1
    assert "the chart adds" in result.summary()
