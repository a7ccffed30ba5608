"""Which record lives at which path: the REST surface in one table."""

from __future__ import annotations

from ta_manager.activities.schemas import ActivityCreate, ActivityRead
from ta_manager.activities.service import ActivityFilters, ActivityService
from ta_manager.api.crud import Resource
from ta_manager.cost_norms.schemas import CostNormCreate, CostNormRead
from ta_manager.cost_norms.service import CostNormFilters, CostNormService
from ta_manager.funding.schemas import (
    AllocationCreate,
    AllocationRead,
    ContributionCreate,
    ContributionRead,
    ExchangeRateCreate,
    ExchangeRateRead,
    ExpenditureCreate,
    ExpenditureRead,
)
from ta_manager.funding.service import (
    AllocationFilters,
    AllocationService,
    ContributionFilters,
    ContributionService,
    ExchangeRateFilters,
    ExchangeRateService,
    ExpenditureFilters,
    ExpenditureService,
)
from ta_manager.funding_needs.schemas import FundingNeedCreate, FundingNeedRead
from ta_manager.funding_needs.service import FundingNeedFilters, FundingNeedService
from ta_manager.needs.schemas import NeedCreate, NeedRead
from ta_manager.needs.service import NeedFilters, NeedService
from ta_manager.projects.schemas import ProjectCreate, ProjectRead
from ta_manager.projects.service import ProjectFilters, ProjectService
from ta_manager.reference import schemas as ref
from ta_manager.reference import services as refsvc
from ta_manager.reference.instrument_status import InstrumentStatusService

RF = refsvc.ReferenceFilters

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "/countries",
        "States",
        refsvc.CountryService(),
        ref.CountryCreate,
        ref.CountryRead,
        RF,
    ),
    Resource(
        "/regions",
        "Regions and groupings",
        refsvc.RegionService(),
        ref.RegionCreate,
        ref.RegionRead,
        RF,
    ),
    Resource(
        "/instruments",
        "Instruments",
        refsvc.InstrumentService(),
        ref.InstrumentCreate,
        ref.InstrumentRead,
    ),
    Resource(
        "/ratifications",
        "Ratifications",
        refsvc.RatificationService(),
        ref.RatificationCreate,
        ref.RatificationRead,
        RF,
    ),
    Resource(
        "/instrument-status",
        "Instrument status (published number of parties)",
        InstrumentStatusService(),
        ref.InstrumentStatusCreate,
        ref.InstrumentStatusRead,
        RF,
    ),
    Resource(
        "/priority-areas",
        "Priority areas",
        refsvc.PriorityAreaService(),
        ref.PriorityAreaCreate,
        ref.PriorityAreaRead,
        RF,
    ),
    Resource(
        "/assistance-types",
        "Assistance types",
        refsvc.AssistanceTypeService(),
        ref.AssistanceTypeCreate,
        ref.AssistanceTypeRead,
        RF,
    ),
    Resource(
        "/activity-types",
        "Activity types",
        refsvc.ActivityTypeService(),
        ref.ActivityTypeCreate,
        ref.ActivityTypeRead,
    ),
    Resource("/sectors", "DAC sectors", refsvc.SectorService(), ref.SectorCreate, ref.SectorRead),
    Resource(
        "/organizations",
        "Organizations",
        refsvc.OrganizationService(),
        ref.OrganizationCreate,
        ref.OrganizationRead,
        RF,
    ),
    Resource(
        "/needs", "Needs (assistance requests)", NeedService(), NeedCreate, NeedRead, NeedFilters
    ),
    Resource("/projects", "Projects", ProjectService(), ProjectCreate, ProjectRead, ProjectFilters),
    Resource(
        "/activities",
        "Activities",
        ActivityService(),
        ActivityCreate,
        ActivityRead,
        ActivityFilters,
    ),
    Resource(
        "/exchange-rates",
        "Exchange rates",
        ExchangeRateService(),
        ExchangeRateCreate,
        ExchangeRateRead,
        ExchangeRateFilters,
    ),
    Resource(
        "/contributions",
        "Contributions",
        ContributionService(),
        ContributionCreate,
        ContributionRead,
        ContributionFilters,
    ),
    Resource(
        "/allocations",
        "Allocations",
        AllocationService(),
        AllocationCreate,
        AllocationRead,
        AllocationFilters,
    ),
    Resource(
        "/expenditures",
        "Expenditures",
        ExpenditureService(),
        ExpenditureCreate,
        ExpenditureRead,
        ExpenditureFilters,
    ),
    Resource(
        "/funding-needs",
        "Funding needs (gaps, resource requests)",
        FundingNeedService(),
        FundingNeedCreate,
        FundingNeedRead,
        FundingNeedFilters,
    ),
    Resource(
        "/cost-norms",
        "Cost norms",
        CostNormService(),
        CostNormCreate,
        CostNormRead,
        CostNormFilters,
    ),
)
