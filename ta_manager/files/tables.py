"""Stored files (see migration 2026-12-01T03): metadata, and the content in chunks.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, Bytea, ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ta_manager.accounts.tables import AppUser
from ta_manager.database.columns import CompositePrimaryKey, Jsonb, KeyPart, foreign_key
from ta_manager.database.engine import DB


class StoredFile(Table, tablename="stored_file", db=DB):
    id = UUID(primary_key=True)
    # A file only its owner may read.
    owner_id = foreign_key(AppUser, null=True, on_delete=OnDelete.cascade, index=True)
    purpose = Text(default=None)  # report | import_upload | import_errors
    filename = Text(default=None)
    media_type = Text(default=None)
    size = BigInt(default=0)
    meta = Jsonb(default={})  # e.g. an upload's import kind
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=None, index=True)


class _FileKey(KeyPart, ForeignKey):
    """stored_file_chunk.file_id: a foreign key, and the first part of the chunk's key."""


class StoredFileChunk(Table, tablename="stored_file_chunk", db=DB):
    """1 MiB of a file's content; the key is (file_id, seq)."""

    file_id = _FileKey(
        StoredFile,
        null=False,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.no_action,
        primary_key=True,
    )
    seq = Integer(default=None)
    data = Bytea(default=None)
    stored_file_chunk_pkey = CompositePrimaryKey(["file_id", "seq"])
