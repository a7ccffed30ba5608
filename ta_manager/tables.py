"""Every Piccolo table, for the Piccolo app registry, the schema drift test and tests that
reset data. A table added to a migration is added here too (tests/test_schema_drift.py
fails until it is)."""

from __future__ import annotations

from piccolo.table import Table

from ta_manager.accounts.tables import (
    ApiToken,
    AppUser,
    LoginFailure,
    OfficerAssignment,
    RevokedToken,
)
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
from ta_manager.audit.tables import AuditRecord
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
from ta_manager.proposals.tables import (
    CostLine,
    Proposal,
    ProposedActivity,
    ProposedActivityCountry,
    ProposedActivityNeed,
    ProposedActivityYear,
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
    AppUser,
    ApiToken,
    RevokedToken,
    LoginFailure,
    OfficerAssignment,
    AuditRecord,
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
    Proposal,
    ProposedActivity,
    ProposedActivityNeed,
    ProposedActivityCountry,
    ProposedActivityYear,
    CostLine,
    StoredFile,
    StoredFileChunk,
    Job,
    JobWorker,
)

BY_NAME: dict[str, type[Table]] = {t._meta.tablename: t for t in ALL_TABLES}
