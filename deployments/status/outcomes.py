"""What became of each stated intention, judged from later counts.

An outcome is derived, never typed. For one statement the evidence is four
troop counts at most, each the latest asserted count known on the date
looked at (``as_of``): a disputed figure shows nothing either way.

- *before*: the host's count on or before the day the statement was made;
- *after*: the host's latest count after that day (and before a statement
  that changed course, if one did);
- *destination before* and *destination after*: the same for the nation's
  troops in the destination the statement names.

The rules (the README's "What became of each stated intention" says them in
words):

- a **withdrawal** is fulfilled when the host count reached zero (or the
  planned level), partly when it fell short of that, contradicted when it rose;
- a **partial withdrawal** or **repositioning** is fulfilled when the host
  count fell by at least the troops affected (by any amount when the
  statement gives none), or reached the planned level, or the destination
  count rose by the troops affected; partly when it fell or rose by less;
  contradicted when the host count rose and nothing moved to the destination;
- a **reinforcement** is the same, the other way up;
- a **statement to stay** is contradicted by a later count of zero, and
  fulfilled by a later count showing troops still there;
- a later standing statement of the same nation for the same host with a
  different stance **supersedes** a statement the evidence had not yet shown
  fulfilled or partly fulfilled;
- without evidence, a move is **pending**. "Undecided" has no outcome.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from deployments.models import Intention, Stance, TroopCount


class Outcome(models.TextChoices):
    FULFILLED = "fulfilled", "Fulfilled"
    PARTLY = "partly", "Partly fulfilled"
    PENDING = "pending", "Pending"
    CONTRADICTED = "contradicted", "Contradicted"
    SUPERSEDED = "superseded", "Superseded"


REDUCTIONS = {Stance.WITHDRAWING, Stance.PARTIAL_WITHDRAWAL, Stance.REPOSITIONING}


class Point(NamedTuple):
    """A troop count as evidence: its id, date and figure."""

    id: int
    counted_on: datetime.date
    troops: int | None


class Judged(NamedTuple):
    outcome: str | None
    counts: tuple[int, ...]  # the counts that show it
    superseded_by: int | None = None  # the statement that changed course


def judge_move(
    stance: str,
    troops_affected: int | None,
    target_troops: int | None,
    before: Point | None = None,
    after: Point | None = None,
    destination_before: Point | None = None,
    destination_after: Point | None = None,
    superseded_by: int | None = None,
) -> Judged:
    """The outcome of one statement from its evidence (see the module's rules)."""
    if stance == Stance.UNDECIDED:
        return Judged(None, ())
    start = before.troops if before else None
    end = after.troops if after else None
    if stance == Stance.STAYING:
        host = (
            None
            if end is None
            else Outcome.CONTRADICTED
            if end == 0
            else Outcome.FULFILLED
        )
        moved = None
    else:
        grows = stance == Stance.REINFORCING
        goal = (
            0
            if stance == Stance.WITHDRAWING and target_troops is None
            else target_troops
        )
        host = _host_change(start, end, troops_affected, goal, grows)
        moved = (
            None
            if grows or destination_after is None
            else _arrival(destination_before, destination_after, troops_affected)
        )
    outcome = _strongest(host, moved)
    evidence = [p for p in (before, after) if p is not None and host is not None]
    if moved is not None:
        evidence += [
            p for p in (destination_before, destination_after) if p is not None
        ]
    if superseded_by is not None and outcome not in (Outcome.FULFILLED, Outcome.PARTLY):
        return Judged(Outcome.SUPERSEDED, (), superseded_by)
    return Judged(outcome, tuple(p.id for p in evidence))


def _host_change(
    start: int | None,
    end: int | None,
    affected: int | None,
    goal: int | None,
    grows: bool,
) -> str | None:
    if end is None:
        return None
    if goal is not None and (end >= goal if grows else end <= goal):
        return Outcome.FULFILLED
    if start is None:
        return None
    change = end - start if grows else start - end
    if change < 0:
        return Outcome.CONTRADICTED
    if change == 0:
        return None
    if goal is None and (affected is None or change >= affected):
        return Outcome.FULFILLED
    return Outcome.PARTLY


def _arrival(before: Point | None, after: Point, affected: int | None) -> str | None:
    if after.troops is None:
        return None
    rise = after.troops - ((before.troops or 0) if before else 0)
    if rise <= 0:
        return None
    return Outcome.FULFILLED if affected is None or rise >= affected else Outcome.PARTLY


_RANK = [Outcome.FULFILLED, Outcome.PARTLY, Outcome.CONTRADICTED]


def _strongest(*results: str | None) -> str:
    found = [result for result in results if result is not None]
    return min(found, key=_RANK.index) if found else Outcome.PENDING


# Reading the evidence: a constant number of queries for any number of
# statements, each a walk along a deployment's "latest first" index.


def with_evidence(
    statements: models.QuerySet[Intention], as_of: datetime.date | None
) -> models.QuerySet[Intention]:
    """``statements`` annotated with the ids of their evidence (the counts
    ``before_id``, ``after_id``, ``destination_before_id``,
    ``destination_after_id``, and the statement ``superseded_by_id``)."""
    said = Coalesce(OuterRef("stated_on"), OuterRef("reported_on"))
    standing = TroopCount.objects.known_on(as_of).asserted_on(as_of).latest_first()
    later_course = (
        Intention.objects.known_on(as_of)
        .standing_on(as_of)
        .filter(deployment=OuterRef("deployment"))
        .exclude(stance=OuterRef("stance"))
        .annotate(said=Coalesce("stated_on", "reported_on"))
        .filter(said__gt=said)
        .order_by("said", "reported_on", "id")
    )
    until = Coalesce(
        OuterRef("superseded_on"),
        Value(as_of or datetime.date.max),
        output_field=models.DateField(),
    )
    here = standing.filter(deployment=OuterRef("deployment"))
    there = standing.filter(
        deployment__nation=OuterRef("nation"), deployment__host=OuterRef("destination")
    )
    return statements.annotate(
        superseded_by_id=Subquery(later_course.values("pk")[:1]),
        superseded_on=Subquery(later_course.values("said")[:1]),
    ).annotate(
        before_id=Subquery(here.filter(counted_on__lte=said).values("pk")[:1]),
        after_id=Subquery(
            here.filter(counted_on__gt=said, counted_on__lte=until).values("pk")[:1]
        ),
        destination_before_id=Subquery(
            there.filter(counted_on__lte=said).values("pk")[:1]
        ),
        destination_after_id=Subquery(
            there.filter(counted_on__gt=said, counted_on__lte=until).values("pk")[:1]
        ),
    )


EVIDENCE = ("before_id", "after_id", "destination_before_id", "destination_after_id")
STATEMENT_FIELDS = (
    "pk",
    "stance",
    "troops_affected",
    "target_troops",
    "superseded_by_id",
)


def outcomes_of(
    statements: models.QuerySet[Intention], as_of: datetime.date | None = None
) -> dict[int, Judged]:
    """Each statement's outcome by its id: two queries."""
    rows = list(
        with_evidence(statements.order_by(), as_of).values_list(
            *STATEMENT_FIELDS, *EVIDENCE
        )
    )
    ids = {pk for row in rows for pk in row[len(STATEMENT_FIELDS) :] if pk}
    points = (
        {
            pk: Point(pk, on, troops)
            for pk, on, troops in TroopCount.objects.filter(pk__in_ids=ids)
            .order_by()
            .values_list("pk", "counted_on", "troops")
        }
        if ids
        else {}
    )
    return {
        row[0]: judge_move(
            *row[1:4],
            *(points.get(pk) for pk in row[len(STATEMENT_FIELDS) :]),  # type: ignore[arg-type]
            superseded_by=row[4],
        )
        for row in rows
    }


def is_move(stance: str | None) -> bool:
    """Whether a stance announces a move (not staying, not undecided)."""
    return stance not in (None, Stance.STAYING, Stance.UNDECIDED)


def summarize_outcomes(
    judged: Iterable[tuple[str | None, str | None]],
) -> dict[str, int]:
    """How many announced moves had each outcome, in ``Outcome``'s order,
    from (stance, outcome) pairs; statements to stay and undecided ones are
    left out: "3 announced moves: 1 fulfilled, 2 pending"."""
    counted: dict[str, int] = {}
    for stance, outcome in judged:
        if is_move(stance) and outcome is not None:
            counted[outcome] = counted.get(outcome, 0) + 1
    return {value: counted[value] for value in Outcome.values if value in counted}
