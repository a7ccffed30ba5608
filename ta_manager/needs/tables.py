from __future__ import annotations

from piccolo.columns import JSONB, BigInt, BigSerial, Date, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Stamped
from ta_manager.database.engine import DB


class AssistanceRequest(Stamped, Archivable, Table, tablename="assistance_request", db=DB):
    code = Text(unique=True)
    country_id = BigInt()
    priority_area_id = BigInt()
    assistance_type_id = BigInt(null=True)
    description = Text(default="")
    source = Text(default="questionnaire")
    source_reference = Text(default="")
    stated_on = Date(null=True, default=None)
    stated_on_precision = Text(default="day")
    stated_until = Date(null=True, default=None)  # GENERATED: last day of stated_on
    status = Text(default="open")
    priority = Text(default="medium")
    sources = JSONB(default=[])


class AssistanceRequestInstrument(Table, tablename="assistance_request_instrument", db=DB):
    id = BigSerial(primary_key=True)
    assistance_request_id = BigInt()
    instrument_id = BigInt()


class CandidateRejection(Table, tablename="candidate_rejection", db=DB):
    """A candidate activity an officer judged not to answer the need (no longer offered)."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    assistance_request_id = BigInt()
    reason = Text(default="")
    rejected_by = BigInt(null=True)
    created_at = Timestamptz(default=TimestamptzNow())
