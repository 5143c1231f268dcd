"""The domain: nations, sources, dated troop counts and stated intentions.

Status (who has how many troops where, and what they said they will do) is
never stored: ``deployments.status`` derives it from these records.
"""

from deployments.models.base import (
    EARLIEST_DATE,
    MAX_QUOTE_LENGTH,
    MAX_TROOPS,
    NATION_CODE_PATTERN,
    VersionConflict,
    VersionedModel,
    validate_not_in_future,
    validate_not_too_early,
)
from deployments.models.changes import Change
from deployments.models.deleted import (
    DeletedIntention,
    DeletedNation,
    DeletedRecordQuerySet,
    DeletedSource,
    DeletedTroopCount,
)
from deployments.models.figures import Precision, TroopCount, format_troops
from deployments.models.nations import Nation
from deployments.models.revision import DataRevision
from deployments.models.sources import Source
from deployments.models.statements import Intention, Stance, Standing
from deployments.models.text import readable, validate_text

__all__ = [
    "EARLIEST_DATE",
    "MAX_QUOTE_LENGTH",
    "MAX_TROOPS",
    "Change",
    "NATION_CODE_PATTERN",
    "DataRevision",
    "DeletedIntention",
    "DeletedNation",
    "DeletedRecordQuerySet",
    "DeletedSource",
    "DeletedTroopCount",
    "Intention",
    "Nation",
    "Precision",
    "Source",
    "Stance",
    "Standing",
    "TroopCount",
    "VersionConflict",
    "VersionedModel",
    "format_troops",
    "readable",
    "validate_not_in_future",
    "validate_not_too_early",
    "validate_text",
]
