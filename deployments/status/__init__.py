"""The status, derived from the records and never stored: where each
deployment stands now or on a past date (``current``), how it changed
(``changes``), and each nation's timeline (``timeline``)."""

from deployments.status.changes import StatusChange, status_changes
from deployments.status.current import (
    STATUS_COLUMNS,
    StatusRow,
    StatusScope,
    StatusSummary,
    current_status,
    derive_status,
    summarize,
)
from deployments.status.timeline import NationTimeline, TimelineEntry

__all__ = [
    "STATUS_COLUMNS",
    "NationTimeline",
    "StatusChange",
    "StatusRow",
    "StatusScope",
    "StatusSummary",
    "TimelineEntry",
    "current_status",
    "derive_status",
    "status_changes",
    "summarize",
]
