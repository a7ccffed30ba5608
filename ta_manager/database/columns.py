"""Columns shared by every editable table (see the foundation migration's STAMPS)."""

from __future__ import annotations

from piccolo.columns import BigSerial, Integer, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow


class Stamped:
    """Primary key, optimistic-concurrency version and timestamps."""

    id = BigSerial(primary_key=True)
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Archivable:
    """Records that are archived rather than deleted (hidden from lists and reports)."""

    archived_at = Timestamptz(null=True, default=None)
