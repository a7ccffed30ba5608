"""Jobs and job workers (see migration 2026-12-01T03). The queue's own tables (pgqueuer*)
belong to pgqueuer and are not mirrored."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, BigInt, Integer, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ta_manager.database.engine import DB


class Job(Table, tablename="job", db=DB):
    id = UUID(primary_key=True)
    kind = Text()
    params = JSONB(default="{}")
    user_id = BigInt()  # app_user: the job runs as this user
    state = Text(default="queued")  # queued | running | done | failed | cancelled
    step = Text(null=True)
    done = BigInt(null=True)
    total = BigInt(null=True)
    attempts = Integer(default=0)
    max_attempts = Integer(default=1)
    note = Text(null=True)
    error = JSONB(null=True)  # problem details of a failed job
    result = JSONB(null=True)  # e.g. an import's summary
    input_file_id = UUID(null=True)
    file_id = UUID(null=True)
    errors_file_id = UUID(null=True)
    queue_id = BigInt(null=True)  # the pgqueuer row
    heartbeat_at = Timestamptz(null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True)
    finished_at = Timestamptz(null=True)


class JobWorker(Table, tablename="job_worker", db=DB):
    id = UUID(primary_key=True)
    host = Text()
    pid = Integer()
    started_at = Timestamptz(default=TimestamptzNow())
    heartbeat_at = Timestamptz(default=TimestamptzNow())
