"""What a map of status rows shows, before any drawing: the troops each host
country has, the stated moves, and the alliances listed beside the map.
Read by field name from ``StatusRow``s, the rows the table shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deployments.models import Nation, Stance
from deployments.status import StatusRow

# Stances that say troops will leave the host, to a destination or none named.
MOVING = {Stance.WITHDRAWING, Stance.PARTIAL_WITHDRAWAL, Stance.REPOSITIONING}


@dataclass(frozen=True)
class Host:
    """A host country's troops: the sum of its known counts, and how many
    contributors' troops there are of unknown number (never taken as 0)."""

    code: str
    name: str
    known_troops: int
    contributors: int
    unknown_contributors: int

    @property
    def only_unknown(self) -> bool:
        return self.contributors == self.unknown_contributors


@dataclass(frozen=True)
class Move:
    """Stated moves from one host, to one destination (or none named), of
    one stance and temporariness: one arrow, whoever said it."""

    host: str
    host_name: str
    destination: str | None
    destination_name: str | None
    stance: str
    temporary: bool
    nations: tuple[str, ...]  # names, in the rows' order
    known_troops: int


def hosts(rows: Iterable[StatusRow]) -> list[Host]:
    """Each host country of the rows, most known troops first."""
    totals: dict[str, list] = {}
    for row in rows:
        entry = totals.setdefault(row.host, [row.host_name, 0, 0, 0])
        entry[2] += 1
        if row.troops is None:
            entry[3] += 1
        else:
            entry[1] += row.troops
    return sorted(
        (
            Host(code, name, known, contributors, unknown)
            for code, (name, known, contributors, unknown) in totals.items()
        ),
        key=lambda host: (-host.known_troops, host.name),
    )


def moves(rows: Iterable[StatusRow]) -> list[Move]:
    """The stated moves: every row whose standing statement names a
    destination other than its host, or whose stance takes troops away."""
    grouped: dict[tuple, list[StatusRow]] = {}
    for row in rows:
        if row.stance is None:
            continue
        elsewhere = row.destination is not None and row.destination != row.host
        if not elsewhere and row.stance not in MOVING:
            continue
        key = (row.host, row.destination if elsewhere else None, row.stance)
        grouped.setdefault((*key, bool(row.temporary)), []).append(row)
    return [
        Move(
            host=host,
            host_name=group[0].host_name,
            destination=destination,
            destination_name=group[0].destination_name if destination else None,
            stance=stance,
            temporary=temporary,
            nations=tuple(row.nation_name for row in group),
            known_troops=sum(row.troops_affected or row.troops or 0 for row in group),
        )
        for (host, destination, stance, temporary), group in grouped.items()
    ]


def alliances(rows: Iterable[StatusRow]) -> list[StatusRow]:
    """Rows of nations that are not countries (NATO): they have no shape on
    the map and are listed beside it."""
    return [row for row in rows if row.nation_kind == Nation.Kind.ALLIANCE]
