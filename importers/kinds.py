"""The kinds of file the importer takes. Columns are the API field names of each kind's
Create struct, so a file, the API and the template speak the same language."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

import msgspec

from ta_manager.activities.schemas import ActivityCreate
from ta_manager.activities.service import ActivityService
from ta_manager.cost_norms.schemas import CostNormCreate
from ta_manager.cost_norms.service import CostNormService
from ta_manager.funding.schemas import ContributionCreate, ExchangeRateCreate
from ta_manager.funding.service import ContributionService, ExchangeRateService
from ta_manager.funding_needs.schemas import FundingNeedCreate
from ta_manager.funding_needs.service import FundingNeedService
from ta_manager.needs.schemas import NeedCreate
from ta_manager.needs.service import NeedService
from ta_manager.projects.schemas import ProjectCreate
from ta_manager.projects.service import ProjectService
from ta_manager.records.partial_dates import SUFFIX as PRECISION_SUFFIX
from ta_manager.records.references import Reference
from ta_manager.records.schemas import CountryCode, PartialDateText
from ta_manager.records.service import LinkField, RecordService, RefField
from ta_manager.records.sources import Source
from ta_manager.reference.instrument_status import InstrumentStatusService
from ta_manager.reference.schemas import (
    InstrumentStatusCreate,
    OrganizationCreate,
    RatificationCreate,
)
from ta_manager.reference.services import OrganizationService, RatificationService

Parse = Literal[
    "text",
    "date",
    "partial_date",
    "number",
    "integer",
    "boolean",
    "choice",
    "country",
    "sources",
    "precision",
]
# Columns taken as money: must not be negative (the service rejects negative Decimals too).
NON_NEGATIVE = {"amount", "budget", "planned_cost", "actual_cost", "unit_cost", "rate_to_usd"}


@dataclass(frozen=True)
class GroupCount:
    """A column like `participants_judge`: the row of `table` with `key_column` = `key`."""

    table: str
    owner: str
    key_column: str
    key: str
    value_column: str
    field: str  # the Create struct's field it stands for, e.g. participants_by_profession


@dataclass(frozen=True)
class Column:
    """One importable column of a kind, derived from a field of its Create struct."""

    name: str
    parse: Parse
    required: bool
    multi: bool
    choices: tuple[Any, ...]
    default: Any
    # Where the value goes: a plain column, a reference by code, or a many-to-many link.
    ref: RefField | None = None
    link: LinkField | None = None
    # A count in a per-record breakdown table, e.g. participants of one profession.
    group: GroupCount | None = None
    # The stored precision of a partial-date column (`actual_start_precision` of
    # `actual_start`): filled from that column's cells, never a column of the file.
    companion_of: str | None = None

    @property
    def reference(self) -> Reference | None:
        if self.ref:
            return self.ref.ref
        return self.link.ref if self.link else None

    @property
    def db_column(self) -> str:
        return self.ref.column if self.ref else self.name


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    create: type[msgspec.Struct]
    service: type[RecordService]
    key: tuple[str, ...]
    example: dict[str, Any]
    skip: tuple[str, ...] = ()
    # Dict fields imported as one column per key: field -> (column prefix, table, owner,
    # key column, value column).
    groups: tuple[tuple[str, str, str, str, str, str], ...] = ()

    @cached_property
    def columns(self) -> dict[str, Column]:
        svc = self.service
        refs = {r.field: r for r in svc.refs}
        links = {lk.field: lk for lk in svc.links}
        result: dict[str, Column] = {}
        for f in msgspec.structs.fields(self.create):
            if f.name in self.skip:
                continue
            parse, multi, choices = _analyse(f.type)
            default = None if f.default is msgspec.NODEFAULT else f.default
            if f.default_factory is not msgspec.NODEFAULT:
                default = f.default_factory()
            result[f.name] = Column(
                name=f.name,
                parse=parse,
                required=f.required,
                multi=multi,
                choices=choices,
                default=default,
                ref=refs.get(f.name),
                link=links.get(f.name),
            )
            if parse == "partial_date":
                name = f.name + PRECISION_SUFFIX
                result[name] = Column(
                    name, "precision", False, False, (), "day", companion_of=f.name
                )
        for field, prefix, table, owner, key_column, value_column in self.groups:
            struct_field = next(f for f in msgspec.structs.fields(self.create) if f.name == field)
            for key in typing.get_args(typing.get_args(struct_field.type)[0]):
                name = f"{prefix}{key}"
                group = GroupCount(table, owner, key_column, key, value_column, field)
                result[name] = Column(name, "integer", False, False, (), None, group=group)
        return result

    @property
    def file_columns(self) -> dict[str, Column]:
        """The columns a file may have (companion columns are derived, not typed)."""
        return {n: c for n, c in self.columns.items() if c.companion_of is None}

    def declared_type(self, name: str) -> Any:
        """The struct's type for a column (the dict's value type for a group column)."""
        column = self.columns[name]
        fields = {f.name: f.type for f in msgspec.structs.fields(self.create)}
        if column.group is not None:  # a blank cell is no count
            return typing.get_args(fields[column.group.field])[1] | None
        return fields[name]

    @property
    def plain(self) -> list[Column]:
        """Columns stored in the kind's own table (plain values and single references)."""
        return [c for c in self.columns.values() if c.link is None and c.group is None]


def _analyse(tp: Any) -> tuple[Parse, bool, tuple[Any, ...]]:
    """(parser, multi-valued?, choices) of a struct field's type."""
    if tp == CountryCode:
        return "country", False, ()
    if tp == PartialDateText:
        return "partial_date", False, ()
    if tp == list[Source]:
        return "sources", False, ()
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _analyse(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _analyse(inner[0])
    if origin is list:
        parse, _, choices = _analyse(typing.get_args(tp)[0])
        return parse, True, choices
    if origin is Literal:
        return "choice", False, typing.get_args(tp)
    if tp is dt.date:
        return "date", False, ()
    if tp is Decimal:
        return "number", False, ()
    if tp is bool:
        return "boolean", False, ()
    if tp is int:
        return "integer", False, ()
    return "text", False, ()


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "needs",
            "Needs (assistance requests)",
            NeedCreate,
            NeedService,
            ("code",),
            {
                "code": "N-BEN-PA2-LEG",
                "country": "Benin",
                "priority_area": "PA2",
                "assistance_type": "PA2-LEG",
                "instruments": "UNTOC; TIP",
                "description": "Legislative assistance",
                "source": "questionnaire",
                "stated_on": "2008",
                "sources": "CTOC/COP/2008/16 para 25",
            },
        ),
        Kind(
            "activities",
            "Activities",
            ActivityCreate,
            ActivityService,
            ("code",),
            {
                "code": "A-2007-BOG",
                "title": "Regional workshop on international cooperation",
                "type": "workshop",
                "status": "completed",
                "actual_start": dt.date(2007, 9, 12),
                "actual_end": dt.date(2007, 9, 14),
                "venue_city": "Bogotá",
                "venue_country": "Colombia",
                "scope": "regional",
                "priority_areas": "PA3",
                "beneficiary_countries": "Colombia; Peru; Venezuela (Bolivarian Republic of)",
                "participants_total": 30,
                "participants_female": 12,
                "participants_male": 18,
                "cost_currency": "USD",
                "sources": "CTOC/COP/2008/16 fn 17",
            },
            skip=("participants_by_profession",),
            groups=(
                (
                    "participants_by_profession",
                    "participants_",
                    "activity_participant_group",
                    "activity_id",
                    "profession",
                    "participants",
                ),
            ),
        ),
        Kind(
            "projects",
            "Projects and programmes",
            ProjectCreate,
            ProjectService,
            ("code",),
            {
                "code": "GLO-T60",
                "title": "Global programme against organized crime",
                "status": "active",
                "starts_on": dt.date(2009, 1, 1),
                "budget": Decimal("1500000"),
                "currency": "USD",
                "priority_areas": "PA2; PA3",
            },
        ),
        Kind(
            "contributions",
            "Contributions",
            ContributionCreate,
            ContributionService,
            ("code",),
            {
                "code": "C-2009-001",
                "donor": "DONOR-CODE",
                "amount": Decimal("250000"),
                "currency": "USD",
                "status": "pledged",
                "pledged_on": "2009-03",
                "earmarking": "none",
            },
        ),
        Kind(
            "funding-needs",
            "Funding needs (gaps, resource requests)",
            FundingNeedCreate,
            FundingNeedService,
            ("code",),
            {
                "code": "FN-2008-PA1-STAFF",
                "title": "Human and financial resources for the management of information",
                "kind": "resource_request",
                "priority_area": "PA1",
                "stated_on": "2008-08",
                "sources": "CTOC/COP/2008/16 para 11",
            },
        ),
        Kind(
            "exchange-rates",
            "Exchange rates (USD per unit)",
            ExchangeRateCreate,
            ExchangeRateService,
            ("currency", "valid_on"),
            {
                "currency": "EUR",
                "valid_on": dt.date(2009, 1, 1),
                "rate_to_usd": Decimal("1.35"),
                "source": "UN operational rates",
            },
        ),
        Kind(
            "cost-norms",
            "Cost norms",
            CostNormCreate,
            CostNormService,
            ("item", "year", "currency", "region", "venue_region", "place", "grade"),
            {
                "item": "dsa",
                "unit": "day",
                "unit_cost": Decimal("250"),
                "currency": "USD",
                "year": 2009,
                "place": "Vienna",
            },
        ),
        Kind(
            "ratifications",
            "Ratifications",
            RatificationCreate,
            RatificationService,
            ("country", "instrument"),
            {
                "country": "Benin",
                "instrument": "UNTOC",
                "deposited_on": dt.date(2004, 8, 30),
                "kind": "ratification",
            },
        ),
        Kind(
            "instrument-status",
            "Instrument status (published number of parties)",
            InstrumentStatusCreate,
            InstrumentStatusService,
            ("instrument", "as_of", "document"),
            {
                "instrument": "UNTOC",
                "as_of": dt.date(2009, 2, 9),
                "parties": 147,
                "document": "E/CN.15/2009/8",
                "paragraph": "2",
                "quote": "current total: 147 parties",
            },
        ),
        Kind(
            "organizations",
            "Organizations (donors, partners, institutions)",
            OrganizationCreate,
            OrganizationService,
            ("code",),
            {
                "code": "OAS",
                "name": "Organization of American States",
                "acronym": "OAS",
                "roles": "partner",
            },
        ),
    )
}


def kind_named(name: str) -> Kind:
    """The kind for 'needs', 'exchange-rates' or 'exchange_rates' (KeyError lists them)."""
    key = name.strip().lower().replace("_", "-")
    if key not in KINDS:
        raise KeyError(f"unknown kind {name!r}; choose from {', '.join(KINDS)}")
    return KINDS[key]
