from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ta_manager.records.schemas import (
    Code,
    Currency,
    Money,
    Name,
    PartialDateText,
    Text,
    read_struct,
)
from ta_manager.records.sources import Source

FundingNeedKind = Literal["funding_gap", "resource_request"]
FundingNeedStatus = Literal["open", "met", "withdrawn"]


class FundingNeedCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A funding gap or a request for resources a document states, e.g. "the Secretariat
    will need additional human and financial resources" (CTOC/COP/2008/16 para 11).
    Give at least one of priority_area, project or proposal."""

    code: Code
    title: Name
    kind: FundingNeedKind = "resource_request"
    description: Text = ""
    priority_area: Code | None = None
    project: Code | None = None
    proposal: Annotated[int | None, Meta(description="Id of a costed proposal")] = None
    amount: Annotated[Money | None, Meta(description="Null when the document gives none")] = None
    currency: Currency | None = None
    stated_on: PartialDateText | None = None
    status: FundingNeedStatus = "open"
    sources: list[Source] = []


FundingNeedRead = read_struct(
    FundingNeedCreate, "FundingNeedRead", [("archived_at", dt.datetime | None, None)]
)
