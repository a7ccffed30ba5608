from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from ta_manager.records.schemas import Code, CountryCode, PartialDateText, Text, read_struct
from ta_manager.records.sources import Source

NeedSource = Literal["questionnaire", "checklist", "field_office", "training", "letter", "other"]
NeedStatus = Literal["open", "in_progress", "met", "withdrawn"]
NeedPriority = Literal["high", "medium", "low"]


class NeedCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An assistance request: a need a State stated in a priority area."""

    code: Code
    country: CountryCode
    priority_area: Code
    assistance_type: Code | None = None
    instruments: list[Code] = []
    description: Text = ""
    source: NeedSource = "questionnaire"
    source_reference: Text = ""
    stated_on: PartialDateText | None = None
    status: NeedStatus = "open"
    priority: NeedPriority = "medium"
    sources: list[Source] = []


NeedRead = read_struct(
    NeedCreate,
    "NeedRead",
    [("archived_at", dt.datetime | None, None), ("activities", list[str], [])],
)
