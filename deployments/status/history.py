"""Every figure and statement of one nation's deployments, for the nation
page's charts (``deployments/deployment_charts.py`` draws them).

The status keeps one figure per deployment; the charts show all of them, as
known today, with what the written rules (``status/evidence.py``) and the
outcomes (``status/outcomes.py``) say of each. Four queries for any number of
records: the counts with their sources and resolutions, the statements, and
the two of ``outcomes_of``.

Retracted records are left out (the timeline still shows them, struck
through); so are counts without a number, which have nothing to draw, but
they are counted so that the chart can say so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from deployments.models import (
    Intention,
    Nation,
    Stance,
    Standing,
    TroopCount,
    format_troops,
)
from deployments.status.evidence import FIGURE_FIELDS, Figure, SourceKeys
from deployments.status.outcomes import Outcome, outcomes_of


class ChartFigure(NamedTuple):
    """A troop count as the chart shows it: the rules' ``Figure`` and what a
    reader needs to find its source."""

    figure: Figure
    source_title: str
    publisher: str
    # Other outlets that printed the same wire story with the same figure on
    # the same day: one report, one mark.
    reprints: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The figure as people write it: "~1,000", "900+", "30–40" (worked
        out when shown: an aggregated chart shows none of them one by one)."""
        figure = self.figure
        return format_troops(figure.troops, figure.precision, figure.low, figure.high)

    @property
    def source_label(self) -> str:
        label = f"{self.publisher}: {self.source_title}"
        if self.reprints:
            label += f" (also printed by {', '.join(self.reprints)})"
        return label

    @property
    def story(self) -> tuple[object, ...]:
        """What a reprint of the same report shares with it: the source's
        key, the day, the figure as given, its standing and preference."""
        figure = self.figure
        return (figure.source_key, figure.counted_on, *figure[2:7], figure.preferred)


class ChartStatement(NamedTuple):
    """A statement as the chart shows it, with its derived outcome."""

    id: int
    said_on: datetime.date
    stance: str
    temporary: bool
    standing: str
    troops_affected: int | None
    target_troops: int | None
    destination_name: str | None
    source_title: str
    publisher: str
    outcome: str | None

    @property
    def stance_label(self) -> str:
        return str(Stance(self.stance).label)

    @property
    def outcome_label(self) -> str | None:
        return str(Outcome(self.outcome).label) if self.outcome else None

    @property
    def source_label(self) -> str:
        return f"{self.publisher}: {self.source_title}"

    @property
    def label(self) -> str:
        """The marker's words: "withdrawing — pending"."""
        words = self.stance_label.lower()
        if self.outcome_label:
            words += f" — {self.outcome_label.lower()}"
        return words

    @property
    def details(self) -> str:
        """What the statement says besides its stance, in words."""
        parts = []
        if self.troops_affected is not None:
            parts.append(f"{self.troops_affected:,} troops")
        if self.destination_name:
            parts.append(f"to {self.destination_name}")
        if self.target_troops is not None:
            parts.append(f"to a planned level of {self.target_troops:,}")
        if self.temporary:
            parts.append("temporary")
        if self.standing != Standing.ASSERTED:
            parts.append(str(Standing(self.standing).label).lower())
        return ", ".join(parts)


@dataclass
class DeploymentHistory:
    """One deployment's drawable figures (oldest first) and statements."""

    deployment: int
    host: str
    host_name: str
    operation: str
    figures: list[ChartFigure] = field(default_factory=list)
    statements: list[ChartStatement] = field(default_factory=list)
    # Counts without a number: listed in the timeline, not drawable.
    unknown_figures: int = 0


_COUNT_FIELDS = (
    "deployment_id",
    "host__code",
    "host__name",
    "deployment__operation",
    *FIGURE_FIELDS,
    "source__title",
)
_STATEMENT_FIELDS = (
    "deployment_id",
    "host__code",
    "host__name",
    "deployment__operation",
    "pk",
    "stated_on",
    "reported_on",
    "stance",
    "temporary",
    "standing",
    "troops_affected",
    "target_troops",
    "destination__name",
    "source__agency",
    "source__publisher",
    "source__title",
)


def nation_histories(nation: Nation) -> list[DeploymentHistory]:
    """The nation's deployments with a figure or statement to draw, by host
    name: four queries however many records."""
    histories: dict[int, DeploymentHistory] = {}

    def history_of(values: tuple[object, ...]) -> DeploymentHistory:
        deployment, host, host_name, operation = values[:4]
        if deployment not in histories:
            histories[deployment] = DeploymentHistory(  # type: ignore[index]
                deployment,
                host,
                host_name,
                operation or "",  # type: ignore[arg-type]
            )
        return histories[deployment]  # type: ignore[index]

    counts = (
        TroopCount.objects.filter(nation=nation)
        .exclude(standing=Standing.RETRACTED)
        .order_by("counted_on", "id")
        .values_list(*_COUNT_FIELDS)
    )
    keys = SourceKeys()
    # Where each report (``ChartFigure.story``) of a deployment was placed:
    # its reprints join it there.
    placed: dict[tuple[object, ...], int] = {}
    for values in counts:
        history = history_of(values)
        # As in the status: a resolution prefers a figure from its date on,
        # and today is after every date.
        figure = Figure.of(values[4:], None, keys)
        if figure.troops is None:
            history.unknown_figures += 1
            continue
        publisher, title = values[-3], values[-1]
        chart_figure = ChartFigure(figure, title, publisher)  # type: ignore[arg-type]
        story = (history.deployment, *chart_figure.story)
        if story in placed:
            first = history.figures[placed[story]]
            history.figures[placed[story]] = first._replace(
                reprints=(*first.reprints, publisher)
            )
        else:
            placed[story] = len(history.figures)
            history.figures.append(chart_figure)

    statements = Intention.objects.filter(nation=nation).exclude(
        standing=Standing.RETRACTED
    )
    judged = outcomes_of(statements)
    said = statements.order_by("stated_on", "reported_on", "id").values_list(
        *_STATEMENT_FIELDS
    )
    for values in said:
        (pk, stated_on, reported_on, stance, temporary, standing) = values[4:10]
        affected, target, destination, agency, publisher, title = values[10:]
        outcome = judged.get(pk)  # type: ignore[call-overload]
        history_of(values).statements.append(
            ChartStatement(
                id=pk,
                said_on=stated_on or reported_on,
                stance=stance,
                temporary=temporary,
                standing=standing,
                troops_affected=affected,
                target_troops=target,
                destination_name=destination,
                source_title=title,
                publisher=publisher,
                outcome=outcome.outcome if outcome else None,
            )
        )
    for history in histories.values():
        # Ordered by the date said, which the query could only approximate.
        history.statements.sort(key=lambda statement: (statement.said_on, statement.id))
    return sorted(
        (h for h in histories.values() if h.figures or h.statements),
        key=lambda history: (history.host_name, history.host),
    )
