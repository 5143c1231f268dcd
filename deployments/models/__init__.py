"""The domain: nations, sources, deployments (one nation's troops in one host
country), and the dated troop counts and stated intentions about each.

Status (who has how many troops where, and what they said they will do) is
never stored: ``deployments.status`` derives it from these records.
"""

from deployments.models import lookups  # noqa: F401  (registers id__in_ids)
from deployments.models.base import (
    EARLIEST_DATE,
    MAX_ARTICLE_CHARS,
    MAX_QUOTE_LENGTH,
    MAX_TROOPS,
    NATION_CODE,
    NATION_CODE_MESSAGE,
    NATION_CODE_PATTERN,
    DeployedRecord,
    VersionConflict,
    VersionedModel,
    figure_of,
    validate_nation_code,
    validate_not_in_future,
    validate_not_too_early,
)
from deployments.models.changes import Change
from deployments.models.deleted import (
    DeletedDeployment,
    DeletedIntention,
    DeletedNation,
    DeletedRecordQuerySet,
    DeletedSource,
    DeletedTroopCount,
)
from deployments.models.deployment import Deployment
from deployments.models.intention import Intention, Stance
from deployments.models.nation import Nation
from deployments.models.proposal import Proposal
from deployments.models.resolution import FigureResolution
from deployments.models.revision import DataRevision
from deployments.models.source import Source, evidence_key
from deployments.models.standing import SET_ASIDE, Standing, standing_on
from deployments.models.text import readable, validate_text
from deployments.models.troop_count import Precision, TroopCount, format_troops

__all__ = [
    "EARLIEST_DATE",
    "MAX_ARTICLE_CHARS",
    "MAX_QUOTE_LENGTH",
    "MAX_TROOPS",
    "NATION_CODE",
    "NATION_CODE_MESSAGE",
    "NATION_CODE_PATTERN",
    "SET_ASIDE",
    "Change",
    "DataRevision",
    "DeletedDeployment",
    "DeletedIntention",
    "DeletedNation",
    "DeletedRecordQuerySet",
    "DeletedSource",
    "DeletedTroopCount",
    "DeployedRecord",
    "Deployment",
    "FigureResolution",
    "Intention",
    "Nation",
    "Precision",
    "Proposal",
    "Source",
    "Stance",
    "Standing",
    "TroopCount",
    "VersionConflict",
    "VersionedModel",
    "evidence_key",
    "figure_of",
    "format_troops",
    "readable",
    "standing_on",
    "validate_nation_code",
    "validate_not_in_future",
    "validate_not_too_early",
    "validate_text",
]
