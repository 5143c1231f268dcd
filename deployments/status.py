"""The one derivation of a nation's status in a host country.

Status is never stored. For each (nation, host) pair it is the latest troop
count and the latest statement that has not been retracted, optionally as
known on a past date. The admin and the pages call :func:`current_status`
(rows of model instances), the API :func:`status_table` (the same rows as
plain values); each costs two queries whatever the amount of data: one for
the latest counts and one for the latest statements, each picking the newest
row per pair inside the database by walking its indexes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import F, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from deployments.caching import remember
from deployments.models import (
    Intention,
    Nation,
    Source,
    Stance,
    TroopCount,
    format_troops,
)

RecordQuerySet = TypeVar("RecordQuerySet", bound=QuerySet)


@dataclass(frozen=True)
class StatusRow:
    """Where one nation's troops in one host country stand."""

    nation: Nation
    host: Nation
    troop_count: TroopCount | None
    intention: Intention | None

    @property
    def troops(self) -> int | None:
        return self.troop_count.troops if self.troop_count else None

    @property
    def troops_precision(self) -> str | None:
        return self.troop_count.precision if self.troop_count else None

    @property
    def troops_as_of(self) -> datetime.date | None:
        return self.troop_count.counted_on if self.troop_count else None

    @property
    def troops_display(self) -> str:
        return self.troop_count.display_troops if self.troop_count else "unknown"

    @property
    def troops_source(self) -> Source | None:
        return self.troop_count.source if self.troop_count else None

    @property
    def stance(self) -> str | None:
        return self.intention.stance if self.intention else None

    @property
    def intention_source(self) -> Source | None:
        return self.intention.source if self.intention else None


def latest_troop_counts(
    *,
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    nation_kinds: Iterable[str] | None = None,
) -> QuerySet[TroopCount]:
    """The newest count per (nation, host) dated on or before ``as_of``."""
    latest_ids = RawSQL(*_latest_per_pair_sql(TroopCount, as_of))
    counts = TroopCount.objects.filter(id__in=latest_ids)
    return _restrict(counts, nation_codes, host_codes, nation_kinds).select_related(
        "nation", "host", "source"
    )


def latest_intentions(
    *,
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    nation_kinds: Iterable[str] | None = None,
) -> QuerySet[Intention]:
    """The newest statement per (nation, host) reported by ``as_of`` and not
    retracted as known then.

    "Newest" is by the date the statement was made, falling back to the date it
    was reported when the source gives none; ties go to the later report, then
    to the record entered last.
    """
    latest_ids = RawSQL(*_latest_per_pair_sql(Intention, as_of))
    intentions = Intention.objects.filter(id__in=latest_ids)
    return _restrict(intentions, nation_codes, host_codes, nation_kinds).select_related(
        "nation", "host", "destination", "source"
    )


def current_status(
    *,
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    nation_kinds: Iterable[str] | None = None,
    stances: Iterable[str] | None = None,
) -> list[StatusRow]:
    """Status rows, one per (nation, host) with a count or a standing statement,
    ordered by nation name then host name. Two queries, plus one for the
    data revision.

    The rows are cached under the data's revision (``caching.remember``):
    while nothing changes, a repeat costs one query.

    ``as_of`` gives the status as known on that date. Filtering by stance
    happens after the latest statement is chosen: an older "withdrawing" must
    not make a nation that now says "staying" match ``stances=["withdrawing"]``.
    """
    return _remembered(
        "status", _derive_status, as_of, nation_codes, host_codes, nation_kinds, stances
    )


def _derive_status(
    scope: dict[str, Any], wanted_stances: list[str] | None
) -> list[StatusRow]:
    counts = {(c.nation_id, c.host_id): c for c in latest_troop_counts(**scope)}
    intentions = {(i.nation_id, i.host_id): i for i in latest_intentions(**scope)}

    rows = []
    for troop_count, intention in _pairs(counts, intentions):
        record = troop_count or intention
        assert record is not None  # every pair came from one of the two
        rows.append(StatusRow(record.nation, record.host, troop_count, intention))

    if wanted_stances is not None:
        rows = [row for row in rows if row.stance in wanted_stances]
    rows.sort(key=lambda row: (row.nation.name, row.nation.code, row.host.name))
    return rows


# The status table's columns, each with the field it is read from. The names
# are the API's; the nation and host columns come from whichever record the
# pair has.
_PAIR_COLUMNS = {
    "nation": "nation__code",
    "nation_name": "nation__name",
    "nation_kind": "nation__kind",
    "host": "host__code",
    "host_name": "host__name",
}
_COUNT_COLUMNS = {
    "troops": "troops",
    "troops_precision": "precision",
    "troops_as_of": "counted_on",
    "troops_source": "source_id",
    "troops_source_title": "source__title",
    "troops_excerpt": "excerpt",
}
_INTENTION_COLUMNS = {
    "stance": "stance",
    "temporary": "temporary",
    "troops_affected": "troops_affected",
    "destination": "destination__code",
    "destination_note": "destination_note",
    "stated_by": "speaker",
    "stated_by_role": "speaker_role",
    "stated_on": "stated_on",
    "reported_on": "reported_on",
    "standing": "standing",
    "quote": "quote",
    "intention_source": "source_id",
    "intention_source_title": "source__title",
}
STATUS_TABLE_COLUMNS = [
    *_PAIR_COLUMNS,
    *_COUNT_COLUMNS,
    "troops_display",
    *_INTENTION_COLUMNS,
]


def status_table(
    *,
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    nation_kinds: Iterable[str] | None = None,
    stances: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """:func:`current_status` as a table of plain values, one dict per row
    with the keys of ``STATUS_TABLE_COLUMNS``: what the API serves.

    The same records, filters and order as ``current_status``, read with
    ``values_list()`` instead of as model instances: at 600 pairs building
    ~4,800 instances cost four times the Python time of the whole request
    otherwise, and an API row needs none of their behaviour. Two queries (plus
    the revision when cached, as for ``current_status``).
    """
    return _remembered(
        "status_table",
        _derive_status_table,
        as_of,
        nation_codes,
        host_codes,
        nation_kinds,
        stances,
    )


Row = TypeVar("Row")


def _remembered(
    name: str,
    derive: Callable[[dict[str, Any], list[str] | None], list[Row]],
    as_of: datetime.date | None,
    nation_codes: Iterable[str] | None,
    host_codes: Iterable[str] | None,
    nation_kinds: Iterable[str] | None,
    stances: Iterable[str] | None,
) -> list[Row]:
    """``derive(scope, wanted_stances)``, cached under the data's revision."""
    scope = {
        "as_of": as_of,
        "nation_codes": _listed(nation_codes),
        "host_codes": _listed(host_codes),
        "nation_kinds": _listed(nation_kinds),
    }
    wanted_stances = _listed(stances)
    rows = remember(
        name, (scope, wanted_stances), lambda: derive(scope, wanted_stances)
    )
    # A new list each time: the cached one stays as it was whatever callers
    # do to theirs (the rows themselves are shared and must not be edited).
    return list(rows)


def _derive_status_table(
    scope: dict[str, Any], wanted_stances: list[str] | None
) -> list[dict[str, Any]]:
    counts = _table_rows(
        latest_troop_counts(**scope), {**_PAIR_COLUMNS, **_COUNT_COLUMNS}
    )
    intentions = _table_rows(
        latest_intentions(**scope), {**_PAIR_COLUMNS, **_INTENTION_COLUMNS}
    )
    blank = dict.fromkeys(STATUS_TABLE_COLUMNS)  # every key, in column order

    rows = []
    for count, intention in _pairs(counts, intentions):
        row = {**blank, **(intention or {}), **(count or {})}
        row["troops_display"] = format_troops(row["troops"], row["troops_precision"])
        rows.append(row)

    if wanted_stances is not None:
        rows = [row for row in rows if row["stance"] in wanted_stances]
    rows.sort(key=lambda row: (row["nation_name"], row["nation"], row["host_name"]))
    return rows


def _table_rows(
    records: QuerySet, columns: dict[str, str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """``records`` as dicts of ``columns``, by (nation code, host code)."""
    names = list(columns)
    return {
        (row["nation"], row["host"]): row
        for row in (
            dict(zip(names, values, strict=True))
            for values in records.order_by().values_list(*columns.values())
        )
    }


Count = TypeVar("Count")
Statement = TypeVar("Statement")


def _pairs(
    counts: dict[Any, Count], intentions: dict[Any, Statement]
) -> Iterable[tuple[Count | None, Statement | None]]:
    """Each pair's latest count and latest statement, either possibly None, for
    every pair that has at least one of them."""
    for pair in counts.keys() | intentions.keys():
        yield counts.get(pair), intentions.get(pair)


# "Latest per pair" walks the indexes instead of ranking every row. A
# recursive query hops from one (nation, host) pair to the next in the
# (nation, host, ...) index, one probe per pair; for each pair a correlated
# subquery then reads the first row of the index in "latest" order that
# qualifies. Its cost follows the number of pairs, not the length of their
# history.
_PAIRS = """
WITH RECURSIVE pairs (nation_id, host_id) AS (
    {first_pair}
    UNION ALL
    {next_pair}
)
SELECT (
    SELECT id FROM {table}
    WHERE nation_id = pairs.nation_id AND host_id = pairs.host_id {conditions}
    ORDER BY {latest_first} LIMIT 1
) FROM pairs
WHERE pairs.nation_id IS NOT NULL
"""
# The hop. PostgreSQL takes the next pair in one probe, by row-value order.
# SQLite has no LATERAL and does not use the index for a row-value
# comparison, so it takes the next host of the same nation, else the first
# host of the next nation, each a MIN() over an index prefix (on PostgreSQL
# that walk takes half as long again: 14 ms instead of 9 at 600 pairs).
_HOPS = {
    "postgresql": (
        "(SELECT nation_id, host_id FROM {table} ORDER BY nation_id, host_id LIMIT 1)",
        """SELECT following.nation_id, following.host_id
    FROM pairs, LATERAL (
        SELECT nation_id, host_id FROM {table}
        WHERE (nation_id, host_id) > (pairs.nation_id, pairs.host_id)
        ORDER BY nation_id, host_id LIMIT 1
    ) AS following""",
    ),
    "sqlite": (
        """SELECT first.nation_id,
        (SELECT MIN(host_id) FROM {table} WHERE nation_id = first.nation_id)
    FROM (SELECT MIN(nation_id) AS nation_id FROM {table}) AS first""",
        """SELECT
        CASE WHEN {next_host} IS NULL THEN {next_nation} ELSE pairs.nation_id END,
        COALESCE(
            {next_host},
            (SELECT MIN(host_id) FROM {table} WHERE nation_id = {next_nation})
        )
    FROM pairs
    WHERE pairs.nation_id IS NOT NULL""",
    ),
}
_NEXT_HOST = (
    "(SELECT MIN(host_id) FROM {table} "
    "WHERE nation_id = pairs.nation_id AND host_id > pairs.host_id)"
)
_NEXT_NATION = "(SELECT MIN(nation_id) FROM {table} WHERE nation_id > pairs.nation_id)"


def _latest_per_pair_sql(
    model: type[TroopCount] | type[Intention], as_of: datetime.date | None
) -> tuple[str, list[object]]:
    """SQL for the id of the latest qualifying row of each pair (NULL for a
    pair where none qualifies).

    The ORDER BY must match the model's "latest" index exactly
    (troop_count_latest_idx, intention_said_idx) for the database to use it.
    """
    conditions: list[str] = []
    params: list[object] = []
    if model is TroopCount:
        latest_first = "counted_on DESC, id DESC"
        if as_of is not None:
            conditions.append("counted_on <= %s")
            params.append(as_of)
    else:
        latest_first = (
            'COALESCE("stated_on", "reported_on") DESC, reported_on DESC, id DESC'
        )
        retracted = "standing = 'retracted'"
        if as_of is not None:
            conditions.append("reported_on <= %s")
            params.append(as_of)
            retracted += (
                " AND (standing_changed_on IS NULL OR standing_changed_on <= %s)"
            )
            params.append(as_of)
        conditions.append(f"NOT ({retracted})")
    table = model._meta.db_table
    first_pair, next_pair = _HOPS.get(connection.vendor, _HOPS["sqlite"])
    hop = {
        "table": table,
        "next_host": _NEXT_HOST.format(table=table),
        "next_nation": _NEXT_NATION.format(table=table),
    }
    sql = _PAIRS.format(
        first_pair=first_pair.format(**hop),
        next_pair=next_pair.format(**hop),
        table=table,
        conditions="".join(f" AND {condition}" for condition in conditions),
        latest_first=latest_first,
    )
    return sql, params


def _listed(values: Iterable[str] | None) -> list[str] | None:
    return None if values is None else list(values)


def _restrict(
    records: RecordQuerySet,
    nation_codes: list[str] | None,
    host_codes: list[str] | None,
    nation_kinds: list[str] | None,
) -> RecordQuerySet:
    if nation_codes is not None:
        records = records.filter(nation__code__in=nation_codes)
    if host_codes is not None:
        records = records.filter(host__code__in=host_codes)
    if nation_kinds is not None:
        records = records.filter(nation__kind__in=nation_kinds)
    return records


@dataclass(frozen=True)
class StatusSummary:
    """Totals over status rows, as the status page's totals line shows them."""

    known_troops: int
    rows_with_known_troops: int
    nations_per_stance: dict[str, int]
    approximate_figures: int
    estimated_figures: int


def summarize(rows: Iterable[StatusRow]) -> StatusSummary:
    """Totals of the given rows; a nation counts once per stance it holds."""
    rows = list(rows)
    nations_by_stance: dict[str, set[int]] = {}
    for row in rows:
        if row.stance:
            nations_by_stance.setdefault(row.stance, set()).add(row.nation.pk)
    known = [row.troops for row in rows if row.troops is not None]
    return StatusSummary(
        known_troops=sum(known),
        rows_with_known_troops=len(known),
        nations_per_stance={
            stance: len(nations_by_stance[stance])
            for stance in Stance.values
            if stance in nations_by_stance
        },
        approximate_figures=sum(row.troops_precision == "approximate" for row in rows),
        estimated_figures=sum(row.troops_precision == "estimated" for row in rows),
    )


@dataclass(frozen=True)
class TimelineEntry:
    """A troop count or a statement in a nation's history."""

    on: datetime.date
    record: TroopCount | Intention

    @property
    def is_count(self) -> bool:
        return isinstance(self.record, TroopCount)


class NationTimeline:
    """Every count and statement about a nation's troops, oldest first,
    retracted and disputed statements included, read a slice at a time.

    A sequence for Django's ``Paginator``: ``count()`` costs two queries and
    each slice three (the slice's keys in date order, then its counts and its
    statements), however long the history.
    """

    def __init__(self, nation: Nation) -> None:
        self.counts = TroopCount.objects.filter(nation=nation)
        self.intentions = Intention.objects.filter(nation=nation)

    def count(self) -> int:
        return self.counts.count() + self.intentions.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[TimelineEntry]:
        if not isinstance(window, slice):
            raise TypeError("a timeline is read a slice at a time")
        # Same order as entries sort in: date, counts before statements, id.
        kind = {"output_field": IntegerField()}
        keys = list(
            self.counts.order_by()
            .annotate(on=F("counted_on"), kind=Value(0, **kind))
            .values_list("on", "kind", "id")
            .union(
                self.intentions.order_by()
                .annotate(
                    on=Coalesce("stated_on", "reported_on"), kind=Value(1, **kind)
                )
                .values_list("on", "kind", "id")
            )
            .order_by("on", "kind", "id")[window]
        )
        counts = self.counts.select_related("host", "source").in_bulk(
            [pk for _, kind, pk in keys if kind == 0]
        )
        intentions = self.intentions.select_related(
            "host", "destination", "source"
        ).in_bulk([pk for _, kind, pk in keys if kind == 1])
        records = [
            counts.get(pk) if kind == 0 else intentions.get(pk) for _, kind, pk in keys
        ]
        # A record deleted between the two reads is left out, not an error.
        return [
            TimelineEntry(on, record)
            for (on, _, _), record in zip(keys, records, strict=True)
            if record is not None
        ]
