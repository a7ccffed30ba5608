from __future__ import annotations

from piccolo.columns import JSONB, BigInt, Date, Numeric, Text, Varchar
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Stamped
from ta_manager.database.engine import DB


class FundingNeed(Stamped, Archivable, Table, tablename="funding_need", db=DB):
    """A funding gap or resource request a document states, for at least one of a priority
    area, a project or a proposal; `amount` NULL when the document gives none."""

    code = Text(unique=True)
    kind = Text(default="resource_request")
    title = Text()
    description = Text(default="")
    priority_area_id = BigInt(null=True)
    project_id = BigInt(null=True)
    proposal_id = BigInt(null=True)
    amount = Numeric(digits=(18, 2), null=True, default=None)
    currency = Varchar(length=3, null=True, default=None)
    stated_on = Date(null=True, default=None)
    stated_on_precision = Text(default="day")
    status = Text(default="open")
    sources = JSONB(default=[])
