"""Every Piccolo table, for the Piccolo app registry and for tests that reset data."""

from __future__ import annotations

from piccolo.table import Table

from ta_manager.activities.tables import (
    Activity,
    ActivityAssistanceType,
    ActivityCountry,
    ActivityDistinct,
    ActivityDonor,
    ActivityInstitution,
    ActivityInstrument,
    ActivityNeed,
    ActivityParticipantGroup,
    ActivityPartner,
    ActivityPriorityArea,
    ActivitySameEvent,
    ActivitySector,
)
from ta_manager.cost_norms.tables import CostNorm
from ta_manager.files.tables import StoredFile, StoredFileChunk
from ta_manager.funding.tables import Allocation, Contribution, ExchangeRate, Expenditure
from ta_manager.funding_needs.tables import FundingNeed
from ta_manager.jobs.tables import Job, JobWorker
from ta_manager.needs.tables import (
    AssistanceRequest,
    AssistanceRequestInstrument,
    CandidateRejection,
)
from ta_manager.projects.tables import (
    Project,
    ProjectCountry,
    ProjectDonor,
    ProjectPriorityArea,
    ProjectSector,
)
from ta_manager.reference.tables import (
    ActivityType,
    AssistanceType,
    Country,
    Instrument,
    InstrumentStatus,
    Organization,
    PriorityArea,
    Ratification,
    Region,
    RegionMember,
    Sector,
)

ALL_TABLES: tuple[type[Table], ...] = (
    Region,
    Country,
    RegionMember,
    Instrument,
    Ratification,
    InstrumentStatus,
    PriorityArea,
    AssistanceType,
    ActivityType,
    Sector,
    Organization,
    Project,
    ProjectDonor,
    ProjectPriorityArea,
    ProjectCountry,
    ProjectSector,
    AssistanceRequest,
    AssistanceRequestInstrument,
    Activity,
    ActivityPriorityArea,
    ActivityAssistanceType,
    ActivityInstrument,
    ActivityCountry,
    ActivityInstitution,
    ActivityPartner,
    ActivitySector,
    ActivityNeed,
    ActivityParticipantGroup,
    ActivitySameEvent,
    ActivityDonor,
    ActivityDistinct,
    CandidateRejection,
    ExchangeRate,
    Contribution,
    Allocation,
    Expenditure,
    FundingNeed,
    CostNorm,
    StoredFile,
    StoredFileChunk,
    Job,
    JobWorker,
)
