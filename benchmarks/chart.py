"""What the nation page's charts cost: one deployment with 5,000 counts.

    DEBUG=true DATABASE_URL=sqlite:////tmp/tracker-chart.sqlite3 \\
        python -m benchmarks.chart --counts 5000 --statements 60

Fills the database (migrated here) on the first run with one synthetic
nation (``ZS…``) in one synthetic host: ``--counts`` troop counts a day
apart from eight publishers (a tenth of them ranges or bounds, one in twelve
far off the others, so that conflicts are found) and ``--statements``
statements. With the derived-value cache off, it times, in turns, the chart
alone (its four queries, the geometry and its markup), and the nation page
with its charts and with them left out; prints the median and spread of
each, the page's ratio, and the chart's bytes. The figures in
docs/performance.md ("Nation page charts") came from it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import time
from dataclasses import dataclass
from unittest import mock

import django

PUBLISHERS = ("Wire", "Daily", "Weekly", "Radio", "Post", "Herald", "Times", "News")


@dataclass
class ChartMeasurement:
    runs: int
    counts: int
    statements: int
    chart_ms: list[float]
    with_chart_ms: list[float]
    without_chart_ms: list[float]
    chart_bytes: int
    marks: int
    aggregated_by: str | None

    def summary(self) -> str:
        def spread(values: list[float]) -> str:
            return (
                f"median {statistics.median(values):.1f} ms "
                f"(min {min(values):.1f}, max {max(values):.1f})"
            )

        with_chart = statistics.median(self.with_chart_ms)
        without = statistics.median(self.without_chart_ms)
        return "\n".join(
            [
                f"one deployment, {self.counts:,} counts, {self.statements} "
                f"statements; {self.runs} runs of each, in turns",
                f"chart alone (queries, geometry, markup): {spread(self.chart_ms)}",
                f"nation page with the chart:    {spread(self.with_chart_ms)}",
                f"nation page without the chart: {spread(self.without_chart_ms)}",
                f"the chart adds {with_chart - without:.1f} ms "
                f"(ratio {with_chart / without:.2f})",
                f"{self.marks} marks (aggregated by {self.aggregated_by}), "
                f"{self.chart_bytes:,} bytes of markup",
            ]
        )


def fill(counts: int, statements: int, seed: int = 1) -> str:
    """One synthetic deployment with the given records; its nation's code."""
    from deployments.models import (
        Deployment,
        Intention,
        Nation,
        Precision,
        Source,
        Stance,
        TroopCount,
    )
    from deployments.synthetic import (
        CONTRIBUTOR_PREFIX,
        HOST_PREFIX,
        code,
        create_with_history,
    )

    chooser = random.Random(seed)
    nation, host = create_with_history(
        Nation,
        [
            Nation(code=code(CONTRIBUTOR_PREFIX, 0), name="Synthetic nation 0"),
            Nation(code=code(HOST_PREFIX, 0), name="Synthetic host 0"),
        ],
    )
    (deployment,) = create_with_history(
        Deployment, [Deployment(nation=nation, host=host)]
    )
    first = datetime.date(2010, 1, 1)
    sources = create_with_history(
        Source,
        [
            Source(title=f"Chart report {n}", publisher=name, published_on=first)
            for n, name in enumerate(PUBLISHERS)
        ],
    )

    def count(step: int) -> TroopCount:
        level = 1000 + 400 * ((step // 365) % 3)
        troops = (
            level * 3
            if chooser.random() < 1 / 12
            else round(level * chooser.uniform(0.95, 1.05))
        )
        low = high = None
        shape = chooser.random()
        if shape < 0.05:
            low, high = troops, troops + 100
        elif shape < 0.1:
            low = troops
        return TroopCount(
            nation=nation,
            host=host,
            deployment=deployment,
            troops=troops,
            troops_low=low,
            troops_high=high,
            precision=chooser.choice([Precision.EXACT, Precision.APPROXIMATE]),
            figure_text=f"about {troops:,}",
            counted_on=first + datetime.timedelta(days=step),
            source=sources[step % len(sources)],
            excerpt=f"some {troops:,} troops",
        )

    create_with_history(TroopCount, [count(step) for step in range(counts)])
    every = max(1, counts // max(1, statements))
    create_with_history(
        Intention,
        [
            Intention(
                nation=nation,
                host=host,
                deployment=deployment,
                stance=chooser.choice(Stance.values),
                speaker="Spokesperson",
                reported_on=first + datetime.timedelta(days=n * every),
                quote=f"Chart statement number {n}.",
                source=sources[n % len(sources)],
            )
            for n in range(statements)
        ],
    )
    return nation.code


def measure_chart(runs: int = 15, warmup: int = 2) -> ChartMeasurement:
    """The chart alone, and the nation page with and without it, in turns."""
    from django.template.loader import get_template
    from django.test import Client, override_settings

    from deployments import views
    from deployments.deployment_charts import deployment_chart
    from deployments.models import Nation
    from deployments.status.history import nation_histories

    nation = Nation.objects.get(code__startswith="ZS")
    client = Client()
    fragment = get_template("deployments/_deployment_chart.html")

    def chart() -> tuple[float, str, list[object]]:
        start = time.perf_counter()
        charts = [deployment_chart(history) for history in nation_histories(nation)]
        markup = "".join(fragment.render({"chart": drawn}) for drawn in charts)
        return (time.perf_counter() - start) * 1000, markup, charts  # type: ignore[return-value]

    def page() -> float:
        start = time.perf_counter()
        response = client.get(f"/nations/{nation.code}/")
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - start) * 1000

    with override_settings(DERIVED_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
        for _ in range(warmup):
            chart()
            page()
        alone, with_chart, without = [], [], []
        markup, charts = "", []
        for _ in range(runs):
            elapsed, markup, charts = chart()
            alone.append(elapsed)
            with_chart.append(page())
            with mock.patch.object(views, "nation_histories", lambda nation: []):
                without.append(page())
    (drawn,) = charts
    return ChartMeasurement(
        runs=runs,
        counts=drawn.figures,  # type: ignore[attr-defined]
        statements=drawn.statement_count,  # type: ignore[attr-defined]
        chart_ms=alone,
        with_chart_ms=with_chart,
        without_chart_ms=without,
        chart_bytes=len(markup.encode()),
        marks=len(drawn.marks),  # type: ignore[attr-defined]
        aggregated_by=drawn.aggregated_by,  # type: ignore[attr-defined]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=60)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    from django.core.management import call_command

    from deployments.models import Nation

    call_command("migrate", verbosity=0)
    if not Nation.objects.filter(code__startswith="ZS").exists():
        print(f"generating {options.counts:,} counts …", flush=True)
        fill(options.counts, options.statements)
    print(measure_chart(options.runs, options.warmup).summary())


if __name__ == "__main__":
    main()
