"""Stored files (see migration 2026-12-01T03): metadata, and the content in chunks."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, BigInt, Bytea, Integer, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ta_manager.database.engine import DB


class StoredFile(Table, tablename="stored_file", db=DB):
    id = UUID(primary_key=True)
    owner_id = BigInt(null=True)  # app_user; a file only its owner may read
    purpose = Text()  # report | import_upload | import_errors
    filename = Text()
    media_type = Text()
    size = BigInt(default=0)
    meta = JSONB(default="{}")  # e.g. an upload's import kind
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()


class StoredFileChunk(Table, tablename="stored_file_chunk", db=DB):
    file_id = UUID(primary_key=True)  # with seq: the real key is (file_id, seq)
    seq = Integer()
    data = Bytea()
