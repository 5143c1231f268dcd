"""The rules of deployments/status/evidence.py on plain values: the status's
quick judgement agrees with the rules as written, pair by pair."""

from __future__ import annotations

import datetime
import random

import pytest

from deployments.models import Precision, Standing
from deployments.status.evidence import (
    Figure,
    agree,
    in_conflict,
    judge_figures,
    newest_per_source,
    window_days,
)

DAY = datetime.date(2020, 1, 8)


def random_figures(rng: random.Random, pk: int) -> list[Figure]:
    """A deployment's standing figures, newest first, with every kind of
    figure the rules tell apart: exact, approximate, estimated, ranges,
    bounds, disputed ones, unknown ones, wire copies and old ones."""
    figures = []
    for index in range(rng.randint(1, 7)):
        troops = rng.choice([None, *range(800, 1300, 50)])
        low = high = None
        shape = rng.random()
        if troops is not None and shape < 0.15:
            low = troops - rng.choice([0, 50, 100])
        elif troops is not None and shape < 0.3:
            high = troops + rng.choice([0, 50, 100])
        elif troops is not None and shape < 0.4:
            low, high = troops - 50, troops + 50
        figures.append(
            Figure(
                id=pk + index,
                counted_on=DAY - datetime.timedelta(days=rng.randint(0, 30)),
                troops=troops,
                low=low,
                high=high,
                precision=rng.choice(list(Precision)),
                standing=rng.choice([Standing.ASSERTED] * 4 + [Standing.DISPUTED]),
                source_key=rng.choice(["agency:ap", "agency:afp", "publisher:x"]),
            )
        )
    return sorted(figures, key=lambda f: (f.counted_on, f.id), reverse=True)


@pytest.mark.parametrize("seed", range(5))
def test_the_status_judges_conflicts_and_sources_as_the_pairwise_rules_do(
    seed: int,
) -> None:
    rng = random.Random(seed)
    conflicts_seen = 0
    for pk in range(0, 4000, 10):
        figures = random_figures(rng, pk)
        judged = judge_figures(figures)
        assert judged is not None
        latest = figures[0]
        credible = newest_per_source(
            f
            for f in figures
            if latest.counted_on - f.counted_on <= window_days() and f.credible
        )
        pairwise = any(
            in_conflict(one, other) for one in credible for other in credible
        )
        assert judged.conflict == pairwise
        conflicts_seen += pairwise
        chosen = judged.figure
        expected_sources = (
            len({f.source_key for f in credible if agree(f, chosen)})
            if chosen.credible
            else 0
        )
        assert judged.sources == expected_sources
    assert conflicts_seen > 20  # the sets exercise conflicts, not only calm
