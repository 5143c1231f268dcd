"""What the map adds to the status page: bytes, and time of an uncached render.

    DEBUG=true DATABASE_URL=sqlite:////tmp/tracker-map.sqlite3 \\
        python -m benchmarks.map --nations 200 --hosts 3 --records-per-nation 5000

Fills the database (migrated here) with synthetic data on the first run,
then gives the synthetic nations the codes of real countries, so that every
deployment has outlines and centres to draw (``ZS…`` codes have none). With
the derived-value cache off (the first request after any change), it asks for
``/`` with the map and with the map left out, in turns, so that both sides
see the same machine; prints the median and spread of each, their difference
(the map's cost) and ratio, the time of drawing alone, and the map's bytes.
The figures in docs/performance.md ("Map") came from it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass
from unittest import mock

import django


@dataclass
class MapMeasurement:
    runs: int
    with_map_ms: list[float]
    without_map_ms: list[float]
    draw_ms: list[float]
    map_ms: list[float]
    first_draw_of_a_view_ms: float
    map_bytes: int
    page_bytes: int
    deployments: int

    def summary(self) -> str:
        def spread(values: list[float]) -> str:
            return (
                f"median {statistics.median(values):.1f} ms "
                f"(min {min(values):.1f}, max {max(values):.1f})"
            )

        added = statistics.median(self.with_map_ms) - statistics.median(
            self.without_map_ms
        )
        ratio = statistics.median(self.with_map_ms) / statistics.median(
            self.without_map_ms
        )
        return "\n".join(
            [
                f"{self.deployments} deployments, {self.runs} runs of each, in turns",
                f"page with the map:    {spread(self.with_map_ms)}",
                f"page without the map: {spread(self.without_map_ms)}",
                f"the map adds {added:.1f} ms (ratio {ratio:.2f})",
                f"drawing alone:        {spread(self.draw_ms)}",
                f"drawing and writing the map's markup: {spread(self.map_ms)}",
                f"first drawing of a new view (outlines cut to it): "
                f"{self.first_draw_of_a_view_ms:.1f} ms",
                f"map markup {self.map_bytes:,} bytes, "
                f"of a {self.page_bytes:,}-byte page",
            ]
        )


def give_real_codes() -> int:
    """Rename the synthetic nations to real countries' codes (hosts first,
    then contributors, in code order); the number renamed."""
    from deployments.maps.basemap import centroids
    from deployments.models import Nation
    from deployments.synthetic import CONTRIBUTOR_PREFIX, HOST_PREFIX

    free = sorted(set(centroids()) - set(Nation.objects.values_list("code", flat=True)))
    synthetic = [
        *Nation.objects.filter(code__startswith=HOST_PREFIX).order_by("code"),
        *Nation.objects.filter(code__startswith=CONTRIBUTOR_PREFIX).order_by("code"),
    ]
    for nation, code in zip(synthetic, free, strict=False):
        nation.code = code
        nation.save(update_fields=["code"])
    return min(len(synthetic), len(free))


def measure_map(runs: int = 15, warmup: int = 2) -> MapMeasurement:
    """The status page with and without the map, the cache off, in turns."""
    from django.template.loader import get_template
    from django.test import Client, override_settings

    from deployments import views
    from deployments.maps import basemap
    from deployments.maps.drawing import draw
    from deployments.status import current_status

    client = Client()
    empty = draw([])

    def without_map(rows: object, parts: object, width: int = 0) -> object:
        return empty

    def timed(path: str) -> tuple[float, str]:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, response.text

    # The test client's host, as run.py's processes allow it.
    fragment = get_template("deployments/_map.html")
    with override_settings(DERIVED_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
        rows = current_status()
        for _ in range(warmup):
            timed("/")
        # After the warm-up (URLs resolved once per process, as in a worker):
        # the cost of the first map of a region, its outlines cut to it.
        basemap.outlines.cache_clear()
        start = time.perf_counter()
        draw(rows)
        first = (time.perf_counter() - start) * 1000
        timed("/")
        with_map, without, drawing, whole = [], [], [], []
        page = ""
        for _ in range(runs):
            elapsed, page = timed("/")
            with_map.append(elapsed)
            with mock.patch.object(views, "status_map", without_map):
                without.append(timed("/")[0])
            start = time.perf_counter()
            drawn = draw(rows)
            drawing.append((time.perf_counter() - start) * 1000)
            fragment.render({"map": drawn, "map_size": "large"})
            whole.append((time.perf_counter() - start) * 1000)
    section = page.split('<section aria-labelledby="status-map-heading"')[1]
    markup = section.split("</section>")[0]
    return MapMeasurement(
        runs=runs,
        with_map_ms=with_map,
        without_map_ms=without,
        draw_ms=drawing,
        map_ms=whole,
        first_draw_of_a_view_ms=first,
        map_bytes=len(markup.encode()),
        page_bytes=len(page.encode()),
        deployments=len(rows),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nations", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--records-per-nation", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    from django.core.management import call_command

    from deployments.models import Deployment
    from deployments.synthetic import Plan, generate

    call_command("migrate", verbosity=0)
    if not Deployment.objects.exists():
        plan = Plan(options.nations, options.hosts, options.records_per_nation)
        print(f"generating {plan.rows:,} records …", flush=True)
        generate(plan)
    print(f"{give_real_codes()} synthetic nations given real countries' codes")
    print(measure_map(options.runs, options.warmup).summary())


if __name__ == "__main__":
    main()
