"""The audit trail. Immutable (a trigger refuses UPDATE and DELETE, in the migration).

The schema of record is the SQL in migrations/; this table describes it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Integer, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ta_manager.database.columns import Identity, Jsonb
from ta_manager.database.engine import DB


class AuditRecord(Table, tablename="audit_record", db=DB):
    """Who changed which record, when, and how. No foreign key to app_user: the trail
    outlives accounts, and the e-mail is copied so the record stays readable on its own."""

    id = Identity()
    at = Timestamptz(default=TimestamptzNow(), index=True)
    user_id = BigInt(null=True, default=None)
    user_email = Text(default=None)
    via = Text(default=None)  # api | cli | import | system | ui
    resource = Text(default=None)
    record_id = BigInt(default=None)
    record_code = Text(null=True, default=None)
    action = Text(default=None)  # create | update | archive | restore | delete
    version = Integer(null=True, default=None)
    changes = Jsonb(default={})
