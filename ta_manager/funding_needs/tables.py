"""Funding gaps and resource requests documents state.

The schema of record is the SQL in migrations/; this table describes it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import Date, Numeric, Text
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Char, Jsonb, Stamped, foreign_key
from ta_manager.database.engine import DB
from ta_manager.projects.tables import Project
from ta_manager.proposals.tables import Proposal
from ta_manager.reference.tables import PriorityArea


class FundingNeed(Stamped, Archivable, Table, tablename="funding_need", db=DB):
    """A funding gap or resource request a document states, for at least one of a priority
    area, a project or a proposal; `amount` NULL when the document gives none."""

    code = Text(unique=True, default=None)
    kind = Text(default="resource_request")  # funding_gap | resource_request
    title = Text(default=None)
    description = Text(default="")
    priority_area_id = foreign_key(PriorityArea, null=True, index=True)
    project_id = foreign_key(Project, null=True, index=True)
    proposal_id = foreign_key(Proposal, null=True, index=True, on_delete=OnDelete.set_null)
    amount = Numeric(digits=(18, 2), null=True, default=None)
    currency = Char(3, null=True, default=None)
    stated_on = Date(null=True, default=None)
    stated_on_precision = Text(default="day")
    status = Text(default="open")
    sources = Jsonb(default=[])
