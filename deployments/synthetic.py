"""Synthetic data for benchmarks and load tests, never mixed with real data.

Synthetic nations have codes starting with ``ZS`` (contributors) and ``ZH``
(hosts), which no ISO 3166 state uses, so they can be found and removed again.
Generation is deterministic for a seed and uses bulk inserts; each batch
writes its rows' "created" history entries and change-feed rows in bulk too,
in the same transaction, so synthetic records have a history like any other.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import transaction

from deployments.models import (
    Deployment,
    Intention,
    Nation,
    Precision,
    Source,
    Stance,
    Standing,
    TroopCount,
)
from deployments.models.changes import Change, record_type_of

CONTRIBUTOR_PREFIX = "ZS"
HOST_PREFIX = "ZH"
FIRST_DAY = datetime.date(2005, 1, 1)
BATCH = 5000
RECORDS_PER_SOURCE = 25
RETRACTED_SHARE = 0.1


@dataclass(frozen=True)
class Plan:
    nations: int
    hosts: int
    records_per_nation: int  # troop counts plus statements, over all hosts
    seed: int = 1

    @property
    def per_pair(self) -> int:
        """Counts (and as many statements) per nation and host."""
        return max(1, self.records_per_nation // (2 * self.hosts))

    @property
    def rows(self) -> int:
        return self.nations * self.hosts * self.per_pair * 2


def code(prefix: str, number: int) -> str:
    """ZSAAAA, ZSAAAB, ...: letters only, as nation codes must be."""
    letters = []
    for _ in range(4):
        number, digit = divmod(number, 26)
        letters.append(chr(65 + digit))
    return prefix + "".join(reversed(letters))


def synthetic_nations() -> Iterator[Nation]:
    return Nation.objects.filter(code__regex=rf"^({CONTRIBUTOR_PREFIX}|{HOST_PREFIX})")


def remove_synthetic_data() -> None:
    """Delete every synthetic record, leaving real data alone."""
    nations = synthetic_nations()
    with transaction.atomic():
        Intention.objects.filter(nation__in=nations).delete()
        TroopCount.objects.filter(nation__in=nations).delete()
        Source.objects.filter(publisher="Synthetic Wire").delete()
        nations.delete()


def batched(items: Iterator, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def create_with_history(model: type, records: list) -> list:
    """Bulk-create records with their "created" history and feed entries, all
    or nothing."""
    with transaction.atomic():
        created = model.objects.bulk_create(records)
        entries = model.history.bulk_history_create(
            created, default_change_reason="synthetic data"
        )
        Change.record_all(record_type_of(model), entries)
    return created


def generate(plan: Plan, on_rows: Callable[[int], None] = lambda rows: None) -> None:
    """Create the planned nations, sources, counts and statements.

    The bulk inserts move the data revision by themselves (its triggers).
    """
    chooser = random.Random(plan.seed)
    contributors = create_with_history(
        Nation,
        [
            Nation(code=code(CONTRIBUTOR_PREFIX, n), name=f"Synthetic nation {n}")
            for n in range(plan.nations)
        ],
    )
    hosts = create_with_history(
        Nation,
        [
            Nation(code=code(HOST_PREFIX, n), name=f"Synthetic host {n}")
            for n in range(plan.hosts)
        ],
    )
    deployments = {
        (deployment.nation_id, deployment.host_id): deployment
        for deployment in create_with_history(
            Deployment,
            [
                Deployment(nation=nation, host=host)
                for nation in contributors
                for host in hosts
            ],
        )
    }
    records = plan.nations * plan.hosts * plan.per_pair
    sources = [
        source
        for batch in batched(
            (
                Source(
                    title=f"Synthetic report {n}",
                    publisher="Synthetic Wire",
                    published_on=FIRST_DAY + datetime.timedelta(days=n % 6000),
                )
                for n in range(max(1, records // RECORDS_PER_SOURCE))
            ),
            BATCH,
        )
        for source in create_with_history(Source, batch)
    ]

    def counts() -> Iterator[TroopCount]:
        for nation in contributors:
            for host in hosts:
                for step in range(plan.per_pair):
                    troops = chooser.randint(0, 20_000)
                    yield TroopCount(
                        nation=nation,
                        host=host,
                        deployment=deployments[nation.pk, host.pk],
                        troops=troops,
                        precision=chooser.choice(
                            [
                                Precision.EXACT,
                                Precision.APPROXIMATE,
                                Precision.ESTIMATED,
                            ]
                        ),
                        figure_text=f"about {troops:,}",
                        # Three days apart: unique per pair and source.
                        counted_on=FIRST_DAY + datetime.timedelta(days=3 * step),
                        source=chooser.choice(sources),
                        excerpt=f"some {troops:,} troops",
                    )

    def intentions() -> Iterator[Intention]:
        stances = Stance.values
        serial = 0
        for nation in contributors:
            for host in hosts:
                for step in range(plan.per_pair):
                    serial += 1
                    reported = FIRST_DAY + datetime.timedelta(days=3 * step + 1)
                    retracted = chooser.random() < RETRACTED_SHARE
                    yield Intention(
                        nation=nation,
                        host=host,
                        deployment=deployments[nation.pk, host.pk],
                        stance=chooser.choice(stances),
                        temporary=chooser.random() < 0.2,
                        speaker=f"Spokesperson {serial % 97}",
                        stated_on=reported - datetime.timedelta(days=1)
                        if chooser.random() < 0.5
                        else None,
                        reported_on=reported,
                        quote=f"Synthetic statement number {serial}.",
                        source=chooser.choice(sources),
                        standing=Standing.RETRACTED if retracted else Standing.ASSERTED,
                    )

    for model, rows in ((TroopCount, counts()), (Intention, intentions())):
        for batch in batched(rows, BATCH):
            create_with_history(model, batch)
            on_rows(len(batch))
