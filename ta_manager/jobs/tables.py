"""Jobs and job workers (see migration 2026-12-01T03). The queue's own tables (pgqueuer*)
belong to pgqueuer and are not described here.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import UUID, BigInt, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ta_manager.accounts.tables import AppUser
from ta_manager.database.columns import Jsonb, foreign_key
from ta_manager.database.engine import DB
from ta_manager.files.tables import StoredFile


def _file() -> Any:
    return foreign_key(StoredFile, null=True, on_delete=OnDelete.set_null)


class Job(Table, tablename="job", db=DB):
    id = UUID(primary_key=True)
    kind = Text(default=None)
    params = Jsonb(default={})
    user_id = foreign_key(AppUser, on_delete=OnDelete.cascade)  # the job runs as this user
    state = Text(default="queued")  # queued | running | done | failed | cancelled
    step = Text(null=True, default=None)
    done = BigInt(null=True, default=None)
    total = BigInt(null=True, default=None)
    attempts = Integer(default=0)
    max_attempts = Integer(default=1)
    note = Text(null=True, default=None)
    error = Jsonb(null=True, default=None)  # problem details of a failed job
    result = Jsonb(null=True, default=None)  # e.g. an import's summary
    input_file_id = _file()
    file_id = _file()
    errors_file_id = _file()
    queue_id = BigInt(null=True, default=None)  # the pgqueuer row
    heartbeat_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class JobWorker(Table, tablename="job_worker", db=DB):
    """A worker process saying it is alive."""

    id = UUID(primary_key=True, default=None)
    host = Text(default=None)
    pid = Integer(default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    heartbeat_at = Timestamptz(default=TimestamptzNow())
